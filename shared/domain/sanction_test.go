package domain_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

const (
	sanctionAgency = "91320281MA1AAAAA0A"
	sanctionEntity = "91320281MA1XXXXX0X"
)

var _ domain.Record = (*domain.Sanction)(nil)

var (
	sanctionBy        = domain.Actor{Role: domain.RoleScheduler, Subject: "deadline-jan31"}
	sanctionAt        = time.Date(2027, 2, 1, 0, 0, 0, 0, domain.Shanghai)
	decidedLateReport = domain.DecidedSanction{
		Trigger:      domain.TriggerReportNotOnTime,
		YearOfEffect: 2027,
		Effects: []domain.Effect{{Kind: domain.EffectSubsidyBlock,
			Families: []domain.SubsidyFamily{domain.FamilyIPSubsidy, domain.FamilySciTechSubsidy}, Entities: domain.EntitiesServed}},
		Public:    true,
		Basis:     "seed 000 §二(二)1",
		MessageZH: "未按时报告",
		MessageEN: "report not on time",
	}
	decidedPlagiarism = domain.DecidedSanction{
		Trigger:      domain.TriggerPlagiarism,
		YearOfEffect: 2026,
		Effects: []domain.Effect{{Kind: domain.EffectPublicCriticism}, {Kind: domain.EffectSubsidyBlock,
			Families: []domain.SubsidyFamily{domain.FamilyPatentSubsidy}, Entities: domain.EntitiesAffected}},
		Public: true,
		Basis:  "seed 000 §二(二)5",
	}
)

func TestSanctionIDIsDeterministic(t *testing.T) {
	tests := []struct {
		name    string
		trigger domain.Trigger
		year    int
		ref     string
		want    string
	}{
		{"a late report", domain.TriggerReportNotOnTime, 2026, "", sanctionAgency + "#report_not_on_time#2026"},
		{"a violation with its id", domain.TriggerPlagiarism, 2026, "v-17", sanctionAgency + "#plagiarism#2026#v-17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.SanctionID(sanctionAgency, tt.trigger, tt.year, tt.ref); got != tt.want {
				t.Errorf("SanctionID = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewSanctionRecordsTheDecisionAndItsInput(t *testing.T) {
	facts := domain.SanctionFacts{Agency: sanctionAgency, Trigger: domain.TriggerReportNotOnTime, Year: 2026}
	s, err := domain.NewSanction(facts, decidedLateReport, "", "sha256:abcdefabcdef", sanctionBy, sanctionAt)
	if err != nil {
		t.Fatal(err)
	}
	want := &domain.Sanction{
		ID:            sanctionAgency + "#report_not_on_time#2026",
		Agency:        sanctionAgency,
		Trigger:       domain.TriggerReportNotOnTime,
		FailureYear:   2026,
		Year:          2027,
		Effects:       decidedLateReport.Effects,
		Public:        true,
		Basis:         "seed 000 §二(二)1",
		Message:       domain.Text{ZH: "未按时报告", EN: "report not on time"},
		PolicyVersion: "sha256:abcdefabcdef",
		Input:         json.RawMessage(`{"agency":"91320281MA1AAAAA0A","trigger":"report_not_on_time","year":2026}`),
		DecidedBy:     sanctionBy,
		DecidedAt:     sanctionAt,
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("NewSanction =\n%+v\nwant\n%+v", s, want)
	}

	var replay domain.SanctionFacts
	if err := json.Unmarshal(s.Input, &replay); err != nil || !reflect.DeepEqual(replay, facts) {
		t.Errorf("Input replays as %+v (%v), want %+v", replay, err, facts)
	}
}

func TestNewSanctionKeepsTheViolationRefAndAffectedEntities(t *testing.T) {
	affected := []string{sanctionEntity}
	facts := domain.SanctionFacts{Agency: sanctionAgency, Trigger: domain.TriggerPlagiarism, Year: 2026, AffectedEntities: affected}
	s, err := domain.NewSanction(facts, decidedPlagiarism, "v-1", "v", domain.Actor{Role: domain.RoleCityOfficer, Subject: "o-1", Division: "320281"}, sanctionAt)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != sanctionAgency+"#plagiarism#2026#v-1" || s.Year != 2026 || s.FailureYear != 2026 {
		t.Errorf("ID %q, year %d, failure year %d", s.ID, s.Year, s.FailureYear)
	}
	affected[0] = "changed"
	if !reflect.DeepEqual(s.AffectedEntities, []string{sanctionEntity}) {
		t.Errorf("AffectedEntities = %v: shares the facts' slice", s.AffectedEntities)
	}
}

func TestNewSanctionRefusesADecisionForAnotherTrigger(t *testing.T) {
	facts := domain.SanctionFacts{Agency: sanctionAgency, Trigger: domain.TriggerPoorCredit, Year: 2026}
	if _, err := domain.NewSanction(facts, decidedLateReport, "", "v", sanctionBy, sanctionAt); err == nil {
		t.Error("NewSanction accepted a decision for report_not_on_time as one for poor_credit")
	}
}

func TestSanctionIndexes(t *testing.T) {
	s, err := domain.NewSanction(domain.SanctionFacts{Agency: sanctionAgency, Trigger: domain.TriggerReportNotOnTime, Year: 2026},
		decidedLateReport, "", "v", sanctionBy, sanctionAt)
	if err != nil {
		t.Fatal(err)
	}
	s.SetRecordVersion(3)
	if s.RecordKey() != s.ID || s.RecordVersion() != 3 {
		t.Errorf("key %q version %d", s.RecordKey(), s.RecordVersion())
	}
	want := [domain.NumIndexes]domain.IndexKey{
		{Partition: "agency#" + sanctionAgency, Sort: s.ID},
		{Partition: "effect#2027", Sort: sanctionAgency + "#" + s.ID},
	}
	if got := s.RecordIndex(); got != want {
		t.Errorf("RecordIndex = %+v, want %+v", got, want)
	}
}

func TestSanctionBlocks(t *testing.T) {
	late := &domain.Sanction{Effects: decidedLateReport.Effects}
	plag := &domain.Sanction{Effects: decidedPlagiarism.Effects, AffectedEntities: []string{sanctionEntity}}
	noScope := &domain.Sanction{Effects: []domain.Effect{{Kind: domain.EffectSubsidyBlock, Families: []domain.SubsidyFamily{domain.FamilyPatentSubsidy}}}}
	blacklist := &domain.Sanction{Effects: []domain.Effect{{Kind: domain.EffectBlacklist}, {Kind: domain.EffectInterview}}}
	tests := []struct {
		name   string
		s      *domain.Sanction
		family domain.SubsidyFamily
		entity string
		want   bool
	}{
		{"a late report blocks IP subsidies of anyone served", late, domain.FamilyIPSubsidy, sanctionEntity, true},
		{"a late report blocks sci-tech subsidies", late, domain.FamilySciTechSubsidy, "anyone", true},
		{"a late report does not block patent subsidies", late, domain.FamilyPatentSubsidy, sanctionEntity, false},
		{"plagiarism blocks an affected applicant's patent subsidies", plag, domain.FamilyPatentSubsidy, sanctionEntity, true},
		{"plagiarism does not reach an applicant not affected", plag, domain.FamilyPatentSubsidy, "320281199001011234", false},
		{"plagiarism does not reach an unnamed entity", plag, domain.FamilyPatentSubsidy, "", false},
		{"plagiarism does not block IP subsidies", plag, domain.FamilyIPSubsidy, sanctionEntity, false},
		{"a block without scope reaches everyone served", noScope, domain.FamilyPatentSubsidy, "anyone", true},
		{"blacklist and interview block nothing", blacklist, domain.FamilyIPSubsidy, sanctionEntity, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Blocks(tt.family, tt.entity); got != tt.want {
				t.Errorf("Blocks(%s, %q) = %v, want %v", tt.family, tt.entity, got, tt.want)
			}
		})
	}
}

// The JSON shapes are the policies' contract: the Go side marshals the inputs and decodes the
// decisions, so the field names must be exactly these.
func TestSanctionJSONShapes(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{
			"facts without affected entities",
			domain.SanctionFacts{Agency: "A", Trigger: domain.TriggerPoorService, Year: 2026},
			`{"agency":"A","trigger":"poor_service","year":2026}`,
		},
		{
			"an effect without families",
			domain.Effect{Kind: domain.EffectTransfer},
			`{"kind":"transfer"}`,
		},
		{
			"an eligibility input",
			domain.EligibilityInput{Entity: "E", Year: 2027,
				Agencies:  []domain.EligibilityAgency{{USCC: "A", AcceptedFiling: true, Relations: []string{domain.RelationReportClient, domain.RelationNamed}}},
				Sanctions: []domain.EligibilitySanction{{ID: "S", Agency: "A", Trigger: domain.TriggerReportNotOnTime, Year: 2027, Effects: decidedLateReport.Effects, Basis: "b", Waived: true}}},
			`{"entity":"E","year":2027,"agencies":[{"uscc":"A","accepted_filing":true,"relations":["report_client","named"]}],` +
				`"sanctions":[{"id":"S","agency":"A","trigger":"report_not_on_time","year":2027,` +
				`"effects":[{"kind":"subsidy_block","families":["ip_subsidy","sci_tech_subsidy"],"entities":"served"}],"basis":"b","waived":true}]}`,
		},
		{
			"an agency-not-filed reason",
			domain.EligibilityReason{Code: domain.ReasonAgencyNotFiled, Agency: "A", Year: 2027, Basis: "b", MessageZH: "中", MessageEN: "en"},
			`{"code":"agency_not_filed","agency":"A","year":2027,"basis":"b","message_zh":"中","message_en":"en"}`,
		},
		{
			"an eligible family lists no reasons, not null",
			domain.FamilyEligibility{Eligible: true, Reasons: []domain.EligibilityReason{}},
			`{"eligible":true,"reasons":[]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("JSON =\n%s\nwant\n%s", b, tt.want)
			}
		})
	}
}

func TestSanctionDecisionDecodes(t *testing.T) {
	var d domain.SanctionDecision
	err := json.Unmarshal([]byte(`{"sanctions":[{"trigger":"plagiarism","year_of_effect":2026,
		"effects":[{"kind":"public_criticism"},{"kind":"subsidy_block","families":["patent_subsidy"],"entities":"affected"}],
		"public":true,"basis":"seed 000 §二(二)5","message_zh":"中","message_en":"en"}]}`), &d)
	if err != nil {
		t.Fatal(err)
	}
	want := domain.SanctionDecision{Sanctions: []domain.DecidedSanction{{
		Trigger: domain.TriggerPlagiarism, YearOfEffect: 2026, Effects: decidedPlagiarism.Effects, Public: true,
		Basis: "seed 000 §二(二)5", MessageZH: "中", MessageEN: "en",
	}}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("decoded %+v, want %+v", d, want)
	}
}

func TestSubsidyFamilies(t *testing.T) {
	want := []domain.SubsidyFamily{"ip_subsidy", "sci_tech_subsidy", "patent_subsidy"}
	if !reflect.DeepEqual(domain.SubsidyFamilies, want) {
		t.Errorf("SubsidyFamilies = %v, want %v", domain.SubsidyFamilies, want)
	}
}
