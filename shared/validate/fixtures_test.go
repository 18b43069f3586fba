package validate

import (
	"errors"
	"slices"
	"testing"

	"github.com/jsipa/ips/shared/domain"
)

// filing mirrors the agency filing request of API.md, with an embedded struct and a map added to
// cover the decoder's other paths.
type filing struct {
	USCC                  string            `json:"uscc" validate:"required,uscc"`
	Name                  string            `json:"name" validate:"required,max=200,no_control"`
	IsBranch              bool              `json:"is_branch"`
	ParentUSCC            string            `json:"parent_uscc" validate:"required_if=IsBranch true,omitempty,uscc"`
	ServiceTypes          []string          `json:"service_types" validate:"required,min=1,unique,dive,oneof=patent_agency trademark_agency copyright"`
	PatentAgencyLicenseNo string            `json:"patent_agency_license_no" validate:"omitempty,max=30"`
	Address               address           `json:"address"`
	Practitioners         []practitioner    `json:"practitioners" validate:"required,min=1,dive"`
	BusinessStartedOn     domain.Date       `json:"business_started_on" validate:"required"`
	Employees             int32             `json:"employees" validate:"gte=0"`
	Labels                map[string]string `json:"labels" validate:"omitempty,dive,no_control"`
	Internal              string            `json:"-"`
	contact
	TruthfulnessCommitment bool `json:"truthfulness_commitment" validate:"is_true"`
}

type contact struct {
	ContactPhone string `json:"contact_phone" validate:"required,cn_phone"`
	ContactEmail string `json:"contact_email" validate:"required,email"`
}

type address struct {
	Line         string `json:"line" validate:"required,no_control"`
	DistrictCode string `json:"district_code" validate:"required,js_county"`
}

type practitioner struct {
	Name            string `json:"name" validate:"required,max=50,no_control"`
	Role            string `json:"role" validate:"required,oneof=agent attorney assistant"`
	QualificationNo string `json:"qualification_no" validate:"omitempty,max=30"`
}

// CheckFields holds the rule no tag can say: patent agency needs the licence number.
func (f *filing) CheckFields() []domain.FieldError {
	if slices.Contains(f.ServiceTypes, "patent_agency") && f.PatentAgencyLicenseNo == "" {
		return []domain.FieldError{{
			Field: "/patent_agency_license_no", Code: "required_for_patent_agency",
			Message: domain.Text{ZH: "提供专利代理服务时必填", EN: "is required when the service types include patent agency"},
		}}
	}
	return nil
}

const validFiling = `{
	"uscc": "91350100M000100Y43",
	"name": "南京知识产权代理有限公司",
	"is_branch": false,
	"service_types": ["patent_agency", "copyright"],
	"patent_agency_license_no": "32123",
	"address": {"line": "南京市玄武区中山路 1 号", "district_code": "320102"},
	"practitioners": [{"name": "张三", "role": "agent", "qualification_no": "A1234"}],
	"business_started_on": "2020-05-01",
	"employees": 12,
	"labels": {"a/b~c": "x"},
	"contact_phone": "025-83331234",
	"contact_email": "office@example.cn",
	"truthfulness_commitment": true
}`

// fieldsOfErr returns the fields of a CodeInvalid error, failing the test for anything else.
func fieldsOfErr(t *testing.T, err error) []domain.FieldError {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is %T, want *domain.Error", err, err)
	}
	if de.Code != domain.CodeInvalid {
		t.Fatalf("code %q (%v), want %q", de.Code, de, domain.CodeInvalid)
	}
	for _, f := range de.Fields {
		if f.Message.ZH == "" || f.Message.EN == "" {
			t.Errorf("%s %s: message missing a language: %+v", f.Field, f.Code, f.Message)
		}
	}
	return de.Fields
}

// pairs renders fields as "pointer code" for comparison.
func pairs(fs []domain.FieldError) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Field+" "+f.Code)
	}
	return out
}

func wantPairs(t *testing.T, fs []domain.FieldError, want ...string) {
	t.Helper()
	if got := pairs(fs); !slices.Equal(got, want) {
		t.Errorf("fields:\n got  %q\n want %q", got, want)
	}
}

func messageOf(fs []domain.FieldError, ptr string) domain.Text {
	for _, f := range fs {
		if f.Field == ptr {
			return f.Message
		}
	}
	return domain.Text{}
}
