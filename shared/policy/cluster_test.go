package policy

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// The cluster-zone decisions (policies/cluster) through the real engine, decoded into the
// domain types the application and zone services store: seed 001, the provincial plan for IP
// service industry cluster zones.

var clusterShanghai = time.FixedZone("CST", 8*3600)

// clusterScreeningFacts is a clean 2027 application of 江阴市 submitted on 1 May 2027: 15
// agencies, all 36 cells covered, 3 staff, a plan, a fund and the county's four documents.
func clusterScreeningFacts() domain.ScreeningFacts {
	agencies := make([]domain.ZoneAgency, 15)
	for i := range agencies {
		agencies[i] = domain.ZoneAgency{USCC: fmt.Sprintf("91320281MA1%07d", i+1), Name: fmt.Sprintf("服务机构%d", i+1),
			ServiceTypes: []string{"patent_agency"}}
	}
	kinds := []string{"info_consulting", "rights_protection", "agency", "valuation", "legal", "commercial"}
	coverage := map[string][]string{}
	for _, t := range []string{"patent", "trademark", "copyright", "geographical_indication", "plant_variety", "ic_layout"} {
		coverage[t] = kinds
	}
	return domain.ScreeningFacts{
		CountyCode:                 "320281",
		Year:                       2027,
		SubmittedAt:                time.Date(2027, 5, 1, 10, 0, 0, 0, clusterShanghai),
		ManagementBody:             domain.ManagementBody{Name: "江阴市知识产权服务业集聚区管理办公室", StaffCount: 3},
		HasDevelopmentPlan:         true,
		SpecialFundFenPerYear:      5_000_000,
		Industry:                   "高端装备制造",
		Agencies:                   agencies,
		Coverage:                   coverage,
		Documents:                  []string{"application_form", "work_plan", "authenticity_commitment", "supporting_materials"},
		OtherApplicationsThisRound: nil, // null: what a nil slice encodes to
	}
}

func decideScreening(t *testing.T, e *Engine, f domain.ScreeningFacts) domain.ScreeningDecision {
	t.Helper()
	var d domain.ScreeningDecision
	if err := e.Decide(context.Background(), QueryClusterScreening, f, &d); err != nil {
		t.Fatalf("Decide screening: %v", err)
	}
	switch {
	case d.Failures == nil:
		t.Errorf("null failures in %+v", d)
	case d.Passed != (len(d.Failures) == 0):
		t.Errorf("passed %v with %d failures", d.Passed, len(d.Failures))
	}
	for _, x := range d.Failures {
		if x.Code == "" || x.Field == "" || !strings.HasPrefix(x.Field, "/") || x.Basis == "" || x.MessageZH == "" ||
			x.MessageEN == "" || strings.Contains(x.MessageZH+x.MessageEN, "%!") {
			t.Errorf("failure %+v lacks its field, basis or a message", x)
		}
	}
	return d
}

func cutoff(year int) time.Time { return time.Date(year, 7, 1, 0, 0, 0, 0, clusterShanghai) }

func TestClusterScreeningPasses(t *testing.T) {
	e := decisionEngine(t)
	d := decideScreening(t, e, clusterScreeningFacts())
	if !d.Passed || len(d.Failures) != 0 {
		t.Fatalf("clean application: %+v", d)
	}
	if d.Round == nil || d.Round.Year != 2027 || !d.Round.Cutoff.Equal(cutoff(2027)) || d.Round.Closed {
		t.Errorf("round %+v, want 2027 closing at %v, open", d.Round, cutoff(2027))
	}
	if _, off := d.Round.Cutoff.Zone(); off != 8*3600 {
		t.Errorf("cutoff offset %d, want +08:00", off)
	}
	if d.NextRoundCutoff == nil || !d.NextRoundCutoff.Equal(cutoff(2028)) {
		t.Errorf("next round cutoff %v, want %v", d.NextRoundCutoff, cutoff(2028))
	}
}

func TestClusterScreeningConditions(t *testing.T) {
	e := decisionEngine(t)
	tests := map[string]struct {
		edit  func(*domain.ScreeningFacts)
		want  domain.ScreeningFailure
		names []string // what the English message must say
	}{
		"14 agencies": {
			edit:  func(f *domain.ScreeningFacts) { f.Agencies = f.Agencies[:14] },
			want:  domain.ScreeningFailure{Code: domain.ScreeningTooFewAgencies, Field: "/agencies", Basis: "seed 001 §四(二)3"},
			names: []string{"14", "15"},
		},
		"plant varieties without valuation": {
			edit: func(f *domain.ScreeningFacts) {
				f.Coverage["plant_variety"] = []string{"info_consulting", "rights_protection", "agency", "legal", "commercial"}
			},
			want:  domain.ScreeningFailure{Code: domain.ScreeningCoverageMissing, Field: "/coverage/plant_variety", Basis: "seed 001 §四(二)3"},
			names: []string{"valuation", "plant varieties"},
		},
		"1 staff": {
			edit:  func(f *domain.ScreeningFacts) { f.ManagementBody.StaffCount = 1 },
			want:  domain.ScreeningFailure{Code: domain.ScreeningTooFewStaff, Field: "/management_body/staff_count", Basis: "seed 001 §四(二)1; seed 001 附件 建设指引（建立工作机制）"},
			names: []string{"1 dedicated", "at least 2"},
		},
		"no work plan": {
			edit: func(f *domain.ScreeningFacts) {
				f.Documents = []string{"application_form", "authenticity_commitment", "supporting_materials"}
			},
			want:  domain.ScreeningFailure{Code: domain.ScreeningDocumentMissing, Field: "/documents/work_plan", Basis: "seed 001 §四(三)"},
			names: []string{"work plan"},
		},
		"a prefecture applies": {
			edit:  func(f *domain.ScreeningFacts) { f.CountyCode = "320200" },
			want:  domain.ScreeningFailure{Code: domain.ScreeningNotCountyLevel, Field: "/county_code", Basis: "seed 001 §四(一)"},
			names: []string{"320200"},
		},
		"a second application": {
			edit:  func(f *domain.ScreeningFacts) { f.OtherApplicationsThisRound = []string{"ca_first"} },
			want:  domain.ScreeningFailure{Code: domain.ScreeningDuplicateApplication, Field: "/year", Basis: "seed 001 §四(三)"},
			names: []string{"ca_first", "2027"},
		},
		"no fund": {
			edit: func(f *domain.ScreeningFacts) { f.SpecialFundFenPerYear = 0 },
			want: domain.ScreeningFailure{Code: domain.ScreeningNoSpecialFund, Field: "/special_fund_fen_per_year", Basis: "seed 001 §四(二)1"},
		},
		"no plan": {
			edit: func(f *domain.ScreeningFacts) { f.HasDevelopmentPlan = false },
			want: domain.ScreeningFailure{Code: domain.ScreeningNoDevelopmentPlan, Field: "/has_development_plan", Basis: "seed 001 §四(二)1"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := clusterScreeningFacts()
			tc.edit(&f)
			d := decideScreening(t, e, f)
			if d.Passed || len(d.Failures) != 1 {
				t.Fatalf("want exactly one failure, got %+v", d.Failures)
			}
			got := d.Failures[0]
			if got.Code != tc.want.Code || got.Field != tc.want.Field || got.Basis != tc.want.Basis {
				t.Errorf("failure %+v, want %+v", got, tc.want)
			}
			for _, s := range tc.names {
				if !strings.Contains(got.MessageEN, s) {
					t.Errorf("message %q does not name %q", got.MessageEN, s)
				}
			}
		})
	}
}

func TestClusterScreeningCutoff(t *testing.T) {
	e := decisionEngine(t)

	f := clusterScreeningFacts()
	f.SubmittedAt = cutoff(2027).Add(-time.Millisecond) // 2027-06-30T23:59:59.999+08:00
	if d := decideScreening(t, e, f); !d.Passed || d.Round.Closed {
		t.Errorf("at 23:59:59.999 on 30 June: %+v", d)
	}

	f.SubmittedAt = cutoff(2027).UTC() // 2027-06-30T16:00:00Z, the same instant as 1 July 00:00 +08:00
	d := decideScreening(t, e, f)
	x, ok := d.Failure(domain.ScreeningRoundClosed)
	if d.Passed || !ok || len(d.Failures) != 1 || !d.Round.Closed {
		t.Fatalf("at the cutoff: %+v", d)
	}
	if x.Field != "/submitted_at" || x.Basis != "seed 001 §四(三)" {
		t.Errorf("round closed %+v", x)
	}
	if want := "The 2027 round closed at 2027-07-01 00:00 (Asia/Shanghai); the next round closes at 2028-07-01 00:00."; x.MessageEN != want {
		t.Errorf("message %q, want %q", x.MessageEN, want)
	}
	if d.NextRoundCutoff == nil || !d.NextRoundCutoff.Equal(cutoff(2028)) {
		t.Errorf("next round cutoff %v, want %v", d.NextRoundCutoff, cutoff(2028))
	}
}

func TestClusterScreeningFailsClosed(t *testing.T) {
	e := decisionEngine(t)
	f := clusterScreeningFacts()
	f.SubmittedAt = time.Time{} // encodes as 0001-01-01T00:00:00Z: no instant the policy accepts
	d := decideScreening(t, e, f)
	if x, ok := d.Failure(domain.ScreeningMalformed); d.Passed || !ok || x.Field != "/submitted_at" || d.Round != nil || d.NextRoundCutoff != nil {
		t.Errorf("zero submission instant: %+v", d)
	}

	var raw domain.ScreeningDecision
	if err := e.Decide(context.Background(), QueryClusterScreening, "not an application", &raw); err != nil {
		t.Fatalf("Decide: %v", err)
	}
	if raw.Passed || len(raw.Failures) != 2 {
		t.Errorf("a string as input: %+v", raw)
	}
}

func TestClusterAssessment(t *testing.T) {
	e := decisionEngine(t)
	at := time.Date(2030, 9, 15, 10, 0, 0, 0, clusterShanghai)
	tests := map[string]struct {
		facts domain.AssessmentFacts
		want  domain.AssessmentDecision
	}{
		"excellent": {
			domain.AssessmentFacts{Outcome: domain.AssessmentOutcomeExcellent, AssessedAt: at},
			domain.AssessmentDecision{Status: domain.AssessmentStatusExcellent, RecommendNationalPilot: true, KeepsTitle: true},
		},
		"pass": {
			domain.AssessmentFacts{Outcome: domain.AssessmentOutcomePass, AssessedAt: at},
			domain.AssessmentDecision{Status: domain.AssessmentStatusPassed, KeepsTitle: true},
		},
		"first fail": {
			domain.AssessmentFacts{Outcome: domain.AssessmentOutcomeFail, AssessedAt: at},
			domain.AssessmentDecision{Status: domain.AssessmentStatusRectification, RectifyBy: "2031-03-16T00:00:00+08:00", KeepsTitle: true},
		},
		"fail again": {
			domain.AssessmentFacts{Outcome: domain.AssessmentOutcomeFail, PreviousFails: 1, AssessedAt: at},
			domain.AssessmentDecision{Status: domain.AssessmentStatusRevoked},
		},
		"unknown outcome": {
			domain.AssessmentFacts{Outcome: "good", AssessedAt: at},
			domain.AssessmentDecision{Status: domain.AssessmentStatusInvalid},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var d domain.AssessmentDecision
			if err := e.Decide(context.Background(), QueryClusterAssessment, tc.facts, &d); err != nil {
				t.Fatalf("Decide assessment: %v", err)
			}
			if d.Basis != "seed 001 §四(六)2" || d.MessageZH == "" || d.MessageEN == "" {
				t.Errorf("decision %+v lacks its basis or a message", d)
			}
			got := d
			got.Basis, got.MessageZH, got.MessageEN = "", "", ""
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decision %+v, want %+v", got, tc.want)
			}
			by, ok := d.RectifyByTime()
			if ok != (tc.want.RectifyBy != "") {
				t.Errorf("RectifyByTime %v, %v", by, ok)
			}
			if ok && !by.Equal(time.Date(2031, 3, 16, 0, 0, 0, 0, clusterShanghai)) {
				t.Errorf("rectify by %v", by)
			}
			// The policy counts the period as the zone's other periods are counted: the day of
			// the assessment not counted, due at 00:00 after the corresponding day.
			if end := domain.DateOf(at).Start().AddDate(0, 6, 1); ok && !by.Equal(end) {
				t.Errorf("rectify by %v, want %v", by, end)
			}
		})
	}
}
