package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// The workbench's queues beside the filing queue: GET /v1/annual-reports?status= and
// GET /v1/subsidy-claims?status=, each item checked with the read grant, as the filing queue does.

func listOf[T any](t *testing.T, r reply) httpapi.List[T] {
	t.Helper()
	var l httpapi.List[T]
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return l
}

func TestTheReportQueueListsAStatusWithinTheOfficersDivision(t *testing.T) {
	f := newReports(t)
	other := uscc(t, xishan, "MA20XY01")
	f.fileAgency(t, other, xishan, true)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	f.submit(t, f.code, 2026, http.StatusCreated)
	f.expect(f.do("PUT", reportPath(other, 2026), f.agency(other), reportBody()), http.StatusCreated)

	usccs := func(tok, query string) []string {
		t.Helper()
		var out []string
		for _, r := range listOf[domain.AnnualReport](t, f.expect(f.do("GET", "/v1/annual-reports"+query, tok, nil), http.StatusOK)).Items {
			out = append(out, r.USCC)
		}
		return out
	}
	if got := usccs(f.officer(jiangyin), ""); !slices.Equal(got, []string{f.code}) {
		t.Errorf("Jiangyin's queue %v, want only its agency", got)
	}
	if got := usccs(f.officer("320200"), "?status=submitted"); len(got) != 2 {
		t.Errorf("Wuxi's queue %v, want both agencies", got)
	}
	if got := usccs(f.officer("320500"), ""); len(got) != 0 {
		t.Errorf("Suzhou's queue %v, want none", got)
	}
	if got := usccs(f.agency(other), ""); !slices.Equal(got, []string{other}) {
		t.Errorf("an agency sees %v, want only its own report", got)
	}
	if got := usccs(f.token(domain.RoleEnterprise, f.code, ""), ""); len(got) != 0 {
		t.Errorf("an enterprise sees %v", got)
	}
	f.review(t, f.code, 2026, "accept", http.StatusOK)
	if got := usccs(f.officer(jiangyin), ""); len(got) != 0 {
		t.Errorf("after acceptance Jiangyin's submitted queue is %v", got)
	}
	if got := usccs(f.officer(jiangyin), "?status=accepted"); !slices.Equal(got, []string{f.code}) {
		t.Errorf("accepted queue %v", got)
	}
	bad := f.expect(f.do("GET", "/v1/annual-reports?status=late", f.officer(jiangyin), nil), http.StatusUnprocessableEntity)
	if fields := bad.fields(t); !slices.Equal(fields, []string{"status"}) {
		t.Errorf("bad query fields %v", fields)
	}
	f.expect(f.do("GET", "/v1/annual-reports", "", nil), http.StatusUnauthorized)
}

func TestTheClaimQueueListsEachStageForItsReviewers(t *testing.T) {
	w := newClaimWorld(t)
	c := w.submit(t, pledgeClaim(w.code, 500_000_000, "2022-05-20"))
	ids := func(tok, query string) []string {
		t.Helper()
		var out []string
		for _, c := range listOf[domain.Claim](t, w.expect(w.do("GET", "/v1/subsidy-claims"+query, tok, nil), http.StatusOK)).Items {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(w.district, ""); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("the district's queue %v, want the claim", got)
	}
	if got := ids(w.city, "?status=submitted"); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("the city sees %v of the submitted", got)
	}
	for name, tok := range map[string]string{
		"another district's reviewer": w.token(domain.RoleDistrictReviewer, "reviewer-wz", "320506"),
		"another city's officer":      w.token(domain.RoleCityOfficer, "officer-wx", "320200"),
		"another enterprise":          w.token(domain.RoleEnterprise, uscc(t, "320508", "MA1CL002"), ""),
		"an agency":                   w.token(domain.RoleAgency, uscc(t, "320508", "MA1CL003"), ""),
	} {
		if got := ids(tok, ""); len(got) != 0 {
			t.Errorf("%s sees %v", name, got)
		}
	}
	if got := ids(w.enterprise, ""); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("the claimant sees %v", got)
	}
	w.review(t, w.district, c.ID, "district", "pass", http.StatusOK)
	if got := ids(w.district, ""); len(got) != 0 {
		t.Errorf("passed claim still in the district's queue: %v", got)
	}
	if got := ids(w.city, "?status=city_review"); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("the city review queue %v", got)
	}
	prov := w.token(domain.RoleProvinceOfficer, "js", "320000")
	if got := ids(prov, "?status=city_review"); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("the province sees %v", got)
	}
	w.expect(w.do("GET", "/v1/subsidy-claims?status=paid", w.city, nil), http.StatusUnprocessableEntity)
	w.expect(w.do("GET", "/v1/subsidy-claims", "", nil), http.StatusUnauthorized)
}
