package main

import (
	"fmt"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/validate"
)

// districts spread the bench's agencies over counties of several prefectures, as a provincial
// register is spread, so the indexes by district hold more than one partition.
var districts = []string{"320102", "320205", "320281", "320382", "320412", "320508", "320583",
	"320602", "320706", "320812", "320902", "321002", "321102", "321202", "321302"}

// agencyCode is the valid USCC of the bench's agency i (i < 1,000,000), registered in its
// district, so every figure files and sweeps distinct agencies with codes the validators accept.
func agencyCode(i int) (string, error) { return agencyCodeWith("MA", i, agencyDistrict(i)) }

// agencyCodeWith composes a USCC of a company in district whose organisation code is kind
// (two letters) and i (six digits).
func agencyCodeWith(kind string, i int, district string) (string, error) {
	return validate.ComposeUSCC("91"+district, fmt.Sprintf("%s%06d", kind, i))
}

func agencyDistrict(i int) string { return districts[i%len(districts)] }

// agencyFiling is a complete filing (DOMAIN.md §1) of agency i, as the site sends one: the
// README's curl example with the agency's own code, name and district.
func agencyFiling(i int) (domain.AgencyFiling, error) {
	code, err := agencyCode(i)
	if err != nil {
		return domain.AgencyFiling{}, err
	}
	d := agencyDistrict(i)
	if !validate.JiangsuCounty(d) {
		return domain.AgencyFiling{}, fmt.Errorf("bench district %s is no Jiangsu county", d)
	}
	return domain.AgencyFiling{
		USCC: code, Name: fmt.Sprintf("江苏知信第%d专利代理有限公司", i), OrgForm: "company",
		ServiceTypes: []string{"patent_agency", "trademark_agency"}, PatentAgencyLicenseNo: "32123",
		Address: "江苏省江阴市澄江街道人民东路1号", DistrictCode: d,
		LegalRepresentative: "张三", ResponsiblePerson: "李四", ContactPhone: "0510-86861234",
		ContactEmail: "info@example.cn",
		Practitioners: []domain.Practitioner{{Name: "王五", Role: "专利代理师", QualificationNo: "1234567"},
			{Name: "赵六", Role: "商标代理人"}},
		BusinessStartedOn:      domain.Date{Year: 2020, Month: 3, Day: 1},
		TruthfulnessCommitment: true,
	}, nil
}
