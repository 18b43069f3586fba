package policy

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// The sanctions and eligibility decisions through the real engine, decoded into the domain
// types the handlers use: what a citizen or an integrator would see.

const (
	servedEntity   = "91320281MA1XXXXX0X"
	otherApplicant = "320281199001011234"
)

var (
	deadlineRun = domain.Actor{Role: domain.RoleScheduler, Subject: "deadline-jan31"}
	decidedAt   = time.Date(2027, 2, 1, 0, 0, 0, 0, domain.Shanghai)
)

func decisionEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return e
}

// sanction decides facts and stores the result as the deadline run and the violation handler
// do; it expects exactly one sanction.
func sanction(t *testing.T, e *Engine, facts domain.SanctionFacts, ref string) *domain.Sanction {
	t.Helper()
	var d domain.SanctionDecision
	if err := e.Decide(context.Background(), QuerySanctions, facts, &d); err != nil {
		t.Fatalf("Decide sanctions: %v", err)
	}
	if len(d.Sanctions) != 1 {
		t.Fatalf("%+v gave %d sanctions, want 1: %+v", facts, len(d.Sanctions), d)
	}
	s, err := domain.NewSanction(facts, d.Sanctions[0], ref, e.Version(), deadlineRun, decidedAt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func eligibility(t *testing.T, e *Engine, in domain.EligibilityInput) domain.EligibilityDecision {
	t.Helper()
	var d domain.EligibilityDecision
	if err := e.Decide(context.Background(), QueryEligibility, in, &d); err != nil {
		t.Fatalf("Decide eligibility: %v", err)
	}
	if len(d.Families) != len(domain.SubsidyFamilies) {
		t.Fatalf("families %v, want all of %v", d.Families, domain.SubsidyFamilies)
	}
	for _, f := range domain.SubsidyFamilies {
		fam, ok := d.Families[f]
		switch {
		case !ok:
			t.Fatalf("family %s missing from %+v", f, d)
		case fam.Reasons == nil:
			t.Errorf("family %s: reasons null, want a list", f)
		case fam.Eligible != (len(fam.Reasons) == 0):
			t.Errorf("family %s: eligible %v with %d reasons", f, fam.Eligible, len(fam.Reasons))
		}
	}
	return d
}

func blockedFamilies(d domain.EligibilityDecision) []domain.SubsidyFamily {
	var out []domain.SubsidyFamily
	for _, f := range domain.SubsidyFamilies {
		if !d.Families[f].Eligible {
			out = append(out, f)
		}
	}
	return out
}

func asEligibility(s *domain.Sanction, waived bool) domain.EligibilitySanction {
	return domain.EligibilitySanction{ID: s.ID, Agency: s.Agency, Trigger: s.Trigger, Year: s.Year,
		Effects: s.Effects, Basis: s.Basis, AffectedEntities: s.AffectedEntities, Waived: waived}
}

func filedAgency(uscc string) domain.EligibilityAgency {
	return domain.EligibilityAgency{USCC: uscc, AcceptedFiling: true, Relations: []string{domain.RelationReportClient}}
}

func TestSanctionsDecision(t *testing.T) {
	e := decisionEngine(t)
	s := sanction(t, e, domain.SanctionFacts{Agency: agencyA, Trigger: domain.TriggerReportNotOnTime, Year: 2026}, "")

	if s.ID != agencyA+"#report_not_on_time#2026" || s.FailureYear != 2026 || s.Year != 2027 {
		t.Errorf("id %q, failure year %d, year of effect %d; want the 2026 report to take effect in 2027", s.ID, s.FailureYear, s.Year)
	}
	wantEffects := []domain.Effect{{Kind: domain.EffectSubsidyBlock,
		Families: []domain.SubsidyFamily{domain.FamilyIPSubsidy, domain.FamilySciTechSubsidy}, Entities: domain.EntitiesServed}}
	if !reflect.DeepEqual(s.Effects, wantEffects) || !s.Public || s.Basis != "seed 000 §二(二)1" {
		t.Errorf("effects %+v, public %v, basis %q", s.Effects, s.Public, s.Basis)
	}
	for _, msg := range []string{s.Message.ZH, s.Message.EN} {
		if !strings.Contains(msg, agencyA) || !strings.Contains(msg, "2026") || !strings.Contains(msg, "2027") {
			t.Errorf("message %q does not name the agency, the report year and the year of effect", msg)
		}
	}
	if s.PolicyVersion != e.Version() || string(s.Input) != `{"agency":"`+agencyA+`","trigger":"report_not_on_time","year":2026}` {
		t.Errorf("policy version %q, input %s", s.PolicyVersion, s.Input)
	}

	p := sanction(t, e, domain.SanctionFacts{Agency: agencyA, Trigger: domain.TriggerPlagiarism, Year: 2026, AffectedEntities: []string{servedEntity}}, "v-1")
	if p.Year != 2026 || !p.Public || p.Basis != "seed 000 §二(二)5" || len(p.Effects) != 2 || p.Effects[0].Kind != domain.EffectPublicCriticism {
		t.Errorf("plagiarism: %+v", p)
	}
}

func TestSanctionsDecisionForUnknownOrMalformedFactsIsEmpty(t *testing.T) {
	e := decisionEngine(t)
	for name, facts := range map[string]domain.SanctionFacts{
		"unknown trigger": {Agency: agencyA, Trigger: "parking_fine", Year: 2026},
		"no agency":       {Trigger: domain.TriggerPoorCredit, Year: 2026},
		"no year":         {Agency: agencyA, Trigger: domain.TriggerPoorCredit},
	} {
		t.Run(name, func(t *testing.T) {
			var d domain.SanctionDecision
			if err := e.Decide(context.Background(), QuerySanctions, facts, &d); err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if d.Sanctions == nil || len(d.Sanctions) != 0 {
				t.Errorf("sanctions %#v, want an empty list", d.Sanctions)
			}
		})
	}
}

func TestEligibilityDecision(t *testing.T) {
	e := decisionEngine(t)
	late := sanction(t, e, domain.SanctionFacts{Agency: agencyA, Trigger: domain.TriggerReportNotOnTime, Year: 2026}, "")
	abnormal := sanction(t, e, domain.SanctionFacts{Agency: agencyB, Trigger: domain.TriggerAbnormalPatentApplications,
		Year: 2027, AffectedEntities: []string{servedEntity}}, "v-9")
	ipAndSciTech := []domain.SubsidyFamily{domain.FamilyIPSubsidy, domain.FamilySciTechSubsidy}
	patent := []domain.SubsidyFamily{domain.FamilyPatentSubsidy}

	tests := []struct {
		name      string
		entity    string
		year      int
		agencies  []domain.EligibilityAgency
		sanctions []domain.EligibilitySanction
		blocked   []domain.SubsidyFamily
	}{
		{"a late 2026 report blocks IP and sci-tech subsidies in 2027", servedEntity, 2027,
			[]domain.EligibilityAgency{filedAgency(agencyA)}, []domain.EligibilitySanction{asEligibility(late, false)}, ipAndSciTech},
		{"the late 2026 report does not block 2026", servedEntity, 2026,
			[]domain.EligibilityAgency{filedAgency(agencyA)}, []domain.EligibilitySanction{asEligibility(late, false)}, nil},
		{"the late 2026 report does not block 2028", servedEntity, 2028,
			[]domain.EligibilityAgency{filedAgency(agencyA)}, []domain.EligibilitySanction{asEligibility(late, false)}, nil},
		{"a waived sanction does not block", servedEntity, 2027,
			[]domain.EligibilityAgency{filedAgency(agencyA)}, []domain.EligibilitySanction{asEligibility(late, true)}, nil},
		{"another agency's sanction does not block", servedEntity, 2027,
			[]domain.EligibilityAgency{filedAgency(agencyB)}, []domain.EligibilitySanction{asEligibility(late, false)}, nil},
		{"abnormal applications block an affected applicant's patent subsidies", servedEntity, 2027,
			[]domain.EligibilityAgency{filedAgency(agencyB)}, []domain.EligibilitySanction{asEligibility(abnormal, false)}, patent},
		{"abnormal applications do not reach an applicant not affected", otherApplicant, 2027,
			[]domain.EligibilityAgency{filedAgency(agencyB)}, []domain.EligibilitySanction{asEligibility(abnormal, false)}, nil},
		{"an agency not filed blocks IP and sci-tech subsidies", servedEntity, 2027,
			[]domain.EligibilityAgency{{USCC: agencyB, Relations: []string{domain.RelationNamed}}}, nil, ipAndSciTech},
		{"no agencies, nothing blocks", servedEntity, 2027, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := eligibility(t, e, domain.EligibilityInput{Entity: tt.entity, Year: tt.year, Agencies: tt.agencies, Sanctions: tt.sanctions})
			if got := blockedFamilies(d); !slices.Equal(got, tt.blocked) {
				t.Errorf("blocked %v, want %v: %+v", got, tt.blocked, d)
			}
		})
	}
}

func TestEligibilityReasonsNameAgencyYearAndBasis(t *testing.T) {
	e := decisionEngine(t)
	late := sanction(t, e, domain.SanctionFacts{Agency: agencyA, Trigger: domain.TriggerReportNotOnTime, Year: 2026}, "")
	d := eligibility(t, e, domain.EligibilityInput{
		Entity:    servedEntity,
		Year:      2027,
		Agencies:  []domain.EligibilityAgency{filedAgency(agencyA), {USCC: agencyB, Relations: []string{domain.RelationNamed}}},
		Sanctions: []domain.EligibilitySanction{asEligibility(late, false)},
	})
	reasons := d.Families[domain.FamilyIPSubsidy].Reasons
	if len(reasons) != 2 {
		t.Fatalf("reasons %+v, want the late report and the unfiled agency", reasons)
	}
	byCode := map[string]domain.EligibilityReason{}
	for _, r := range reasons {
		byCode[r.Code] = r
		if r.Year != 2027 || !strings.HasPrefix(r.Basis, "seed 000 §二(二)1") ||
			!strings.Contains(r.MessageZH, r.Agency) || !strings.Contains(r.MessageEN, r.Agency) ||
			!strings.Contains(r.MessageZH, "2027") || !strings.Contains(r.MessageEN, "2027") {
			t.Errorf("reason %+v does not name its agency, year and basis in both languages", r)
		}
	}
	if r := byCode[string(domain.TriggerReportNotOnTime)]; r.Agency != agencyA || r.Trigger != domain.TriggerReportNotOnTime || r.SanctionID != late.ID {
		t.Errorf("late-report reason %+v", r)
	}
	if r := byCode[domain.ReasonAgencyNotFiled]; r.Agency != agencyB || r.Trigger != "" || r.SanctionID != "" {
		t.Errorf("agency-not-filed reason %+v", r)
	}
	if fam := d.Families[domain.FamilyPatentSubsidy]; !fam.Eligible {
		t.Errorf("patent subsidies blocked: %+v", fam)
	}
}
