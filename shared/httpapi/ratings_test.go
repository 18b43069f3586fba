package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/domain"
)

// Ratings (seed 000 §二(二)2; DOMAIN.md §1) and the register entry's compliance record and
// public sanctions, on the world of the 31 January deadline: filings, reports and runs.

func ratingPath(code string) string { return "/v1/agencies/" + code + "/ratings" }

// reportClients submits the agency's report for year naming clients, at the clock's time.
func (w *deadlineWorld) reportClients(t *testing.T, code string, year, status int, clients ...string) {
	t.Helper()
	agency := w.token(domain.RoleAgency, code, "")
	w.expect(w.do("PUT", fmt.Sprintf("/v1/agencies/%s/annual-reports/%d", code, year), agency, reportBody(clients...)), status)
}

func (w *deadlineWorld) enterprise(code string) string {
	return w.token(domain.RoleEnterprise, code, "")
}

// entry reads the public register entry of code.
func (w *deadlineWorld) entry(t *testing.T, code string) (domain.PublicAgencyDetail, reply) {
	t.Helper()
	r := w.expect(w.do("GET", "/v1/public/agencies/"+code, "", nil), http.StatusOK)
	var d domain.PublicAgencyDetail
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	return d, r
}

// checkNoPersonalData: the filing's phone, e-mail and qualification numbers never reach the
// register (testkit.AgencyFiling's values).
func checkNoPersonalData(t *testing.T, body []byte) {
	t.Helper()
	for _, private := range []string{"contact_phone", "contact_email", "qualification_no", "0510-86861234", "info@example.cn", "QN-1234567"} {
		if strings.Contains(string(body), private) {
			t.Errorf("the public register shows %s: %s", private, body)
		}
	}
}

func TestAClientRatesAndTheRegisterShowsTheAverageAndCount(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2026-03-10T09:00:00"))
	agency := w.accepted(t, "MA20RT01")
	c1, c2 := uscc(t, "320281", "MA2RC001"), uscc(t, "320281", "MA2RC002")
	w.at(beijing("2027-01-20T10:00:00"))
	w.reportClients(t, agency, 2026, http.StatusCreated, c1, c2)

	first := w.expect(w.do("POST", ratingPath(agency), w.enterprise(c1), map[string]any{"score": 5, "comment": "服务及时，撰写质量高"}), http.StatusCreated)
	var r domain.Rating
	if err := json.Unmarshal(first.body, &r); err != nil || r.Agency != agency || r.Entity != c1 || r.Year != 2027 || r.Score != 5 {
		t.Fatalf("first rating: %s", first.body)
	}
	w.expect(w.do("POST", ratingPath(agency), w.enterprise(c2), map[string]any{"score": 3}), http.StatusCreated)
	// Rating again in the same year replaces the rating: 200, still one rating of c1.
	again := w.expect(w.do("POST", ratingPath(agency), w.enterprise(c1), map[string]any{"score": 4, "comment": "答复审查意见略慢"}), http.StatusOK)
	if err := json.Unmarshal(again.body, &r); err != nil || r.Score != 4 || r.Comment != "答复审查意见略慢" || !r.CreatedAt.Equal(beijing("2027-01-20T10:00:00")) {
		t.Fatalf("replaced rating: %s", again.body)
	}
	d, body := w.entry(t, agency)
	if d.Rating != (domain.RatingSummary{Average: 3.5, Count: 2}) {
		t.Errorf("rating %+v, want 3.5 of 2", d.Rating)
	}
	// The register shows no rater and no comment.
	for _, private := range []string{c1, c2, "答复审查意见", "服务及时"} {
		if strings.Contains(string(body.body), private) {
			t.Errorf("the register shows %s: %s", private, body.body)
		}
	}
	checkNoPersonalData(t, body.body)

	// A new year is a new rating: every year's ratings count.
	w.at(beijing("2028-03-01T09:00:00"))
	w.expect(w.do("POST", ratingPath(agency), w.enterprise(c1), map[string]any{"score": 1}), http.StatusCreated)
	if d, _ := w.entry(t, agency); d.Rating != (domain.RatingSummary{Average: 2.67, Count: 3}) {
		t.Errorf("rating %+v, want 2.67 of 3 (4, 3 and 1)", d.Rating)
	}
}

// For everyone but a client the relation does not exist: the answer is the one for a missing
// agency, and nothing is stored.
func TestOnlyAnEntityTheAgencyServedMayRate(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2026-03-10T09:00:00"))
	agency := w.accepted(t, "MA20RT02")
	other := w.accepted(t, "MA20RT03")
	client, dropped, stranger := uscc(t, "320281", "MA2RC011"), uscc(t, "320281", "MA2RC012"), uscc(t, "320281", "MA2RC013")
	w.at(beijing("2027-01-20T10:00:00"))
	w.reportClients(t, agency, 2026, http.StatusCreated, client, dropped)
	w.reportClients(t, agency, 2026, http.StatusOK, client) // resubmitted without the second client
	w.reportClients(t, other, 2026, http.StatusCreated, stranger)

	good := map[string]any{"score": 4}
	refused := map[string]struct{ path, token string }{
		"an enterprise the agency never reported":   {ratingPath(agency), w.enterprise(stranger)},
		"a client the resubmitted report dropped":   {ratingPath(agency), w.enterprise(dropped)},
		"the agency itself":                         {ratingPath(agency), w.token(domain.RoleAgency, agency, "")},
		"another agency":                            {ratingPath(agency), w.token(domain.RoleAgency, other, "")},
		"a city officer over the agency":            {ratingPath(agency), w.officer},
		"a province officer":                        {ratingPath(agency), w.token(domain.RoleProvinceOfficer, "officer-p", "320000")},
		"a client of an agency that does not exist": {ratingPath(uscc(t, "320281", "MA20RT99")), w.enterprise(client)},
	}
	for name, c := range refused {
		t.Run(name, func(t *testing.T) {
			r := w.do("POST", c.path, c.token, good)
			if r.status != http.StatusNotFound || r.json(t)["code"] != "not_found" {
				t.Errorf("status %d, want the 404 of a missing agency: %s", r.status, r.body)
			}
		})
	}
	w.expect(w.do("POST", ratingPath(agency), "", good), http.StatusUnauthorized)
	if d, _ := w.entry(t, agency); d.Rating.Count != 0 {
		t.Errorf("refused ratings were counted: %+v", d.Rating)
	}
	w.expect(w.do("POST", ratingPath(agency), w.enterprise(client), good), http.StatusCreated)
}

func TestABadRatingNamesEveryBadFieldAtOnce(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2026-03-10T09:00:00"))
	agency := w.accepted(t, "MA20RT04")
	client := uscc(t, "320281", "MA2RC021")
	w.at(beijing("2027-01-20T10:00:00"))
	w.reportClients(t, agency, 2026, http.StatusCreated, client)
	tok := w.enterprise(client)

	long := strings.Repeat("好", domain.MaxRatingComment+1)
	expectRefusal(t, w.do("POST", ratingPath(agency), tok, map[string]any{"score": 0, "comment": long}), "invalid", "/score", "/comment")
	expectRefusal(t, w.do("POST", ratingPath(agency), tok, map[string]any{"score": 6}), "invalid", "/score")
	expectRefusal(t, w.do("POST", ratingPath(agency), tok, map[string]any{"comment": "无评分"}), "invalid", "/score")
	expectRefusal(t, w.do("POST", ratingPath(agency), tok, map[string]any{"score": 3, "comment": "bell\u0007"}), "invalid", "/comment")
	if d, _ := w.entry(t, agency); d.Rating.Count != 0 {
		t.Errorf("a refused rating was stored: %+v", d.Rating)
	}
	// 1000 characters over several lines are fine.
	ok := strings.Repeat("好", domain.MaxRatingComment-2) + "\n优"
	w.expect(w.do("POST", ratingPath(agency), tok, map[string]any{"score": 1, "comment": ok}), http.StatusCreated)
}

// The register entry shows each owed year's compliance, judged from the reports and the
// cutoff, and the public sanctions until a waiver lifts them.
func TestTheRegisterEntryShowsComplianceByYearAndPublicSanctions(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2024-06-03T09:00:00"))
	agency := w.accepted(t, "MA20RG01") // owes 2024, 2025 and 2026
	client := uscc(t, "320281", "MA2RC031")
	w.at(beijing("2025-01-20T10:00:00"))
	w.reportClients(t, agency, 2024, http.StatusCreated, client) // on time
	// 2025: never reported.
	w.at(beijing("2026-12-31T12:00:00"))
	newcomer := w.accepted(t, "MA20RG02") // owes 2026 only

	// Before the 2026 cutoff the newcomer's 2026 report is not yet due.
	w.at(beijing("2027-01-31T23:59:59.999"))
	if d, _ := w.entry(t, newcomer); len(d.Reports) != 1 || d.Reports[0].Year != 2026 || d.Reports[0].Status != domain.ComplianceNotDue {
		t.Errorf("newcomer before the cutoff: %+v, want 2026 not_due", d.Reports)
	}

	w.at(beijing("2027-02-01T00:00:00"))
	w.reportClients(t, agency, 2026, http.StatusCreated, client) // the first late instant
	w.at(beijing("2027-02-03T08:30:00"))
	w.run(t, 2026) // a late run for the 2025 reports: judged as at 1 February 2026
	w.run(t, 2027)
	// A violation whose sanction is not public stays off the register.
	w.expect(w.do("POST", "/v1/agencies/"+agency+"/violations", w.officer, map[string]any{
		"kind": "sci_tech_project_services", "year": 2026, "detail": "违规代理科技项目申报"}), http.StatusCreated)

	d, r := w.entry(t, agency)
	want := []struct {
		year   int
		status string
	}{{2024, domain.ComplianceOnTime}, {2025, domain.ComplianceMissing}, {2026, domain.ComplianceLate}}
	if len(d.Reports) != len(want) {
		t.Fatalf("reports %+v, want %v", d.Reports, want)
	}
	for i, wnt := range want {
		if got := d.Reports[i]; got.Year != wnt.year || got.Status != wnt.status || !got.Cutoff.Equal(domain.CutoffFor(wnt.year)) {
			t.Errorf("reports[%d] = %+v, want %d %s", i, got, wnt.year, wnt.status)
		}
	}
	if n, _ := w.entry(t, newcomer); len(n.Reports) != 1 || n.Reports[0].Status != domain.ComplianceMissing {
		t.Errorf("newcomer after the cutoff: %+v, want 2026 missing", n.Reports)
	}
	if len(d.PublicSanctions) != 2 {
		t.Fatalf("public sanctions %+v, want the missing 2025 and the late 2026 reports'", d.PublicSanctions)
	}
	for i, failure := range []int{2025, 2026} {
		s := d.PublicSanctions[i]
		if s.Trigger != domain.TriggerReportNotOnTime || s.FailureYear != failure || s.YearOfEffect != failure+1 ||
			len(s.Effects) != 1 || s.Effects[0] != domain.EffectSubsidyBlock || s.Basis == "" || s.Message.ZH == "" ||
			s.Message.EN == "" || s.DecidedAt.IsZero() {
			t.Errorf("public sanction %d: %+v", i, s)
		}
	}
	// Who decided and on what input stays with the agency and the officers.
	for _, internal := range []string{"decided_by", `"input"`, "policy_version", "cron-ops-01", "sci_tech_project_services"} {
		if strings.Contains(string(r.body), internal) {
			t.Errorf("the register shows %s: %s", internal, r.body)
		}
	}
	checkNoPersonalData(t, r.body)

	// A waiver lifts the 2026 sanction from the register.
	id := sanctionID(agency, 2026)
	w.expect(w.do("POST", waiverPath(agency, id), w.officer, map[string]any{"reason": "因系统故障迟报，经核实予以豁免"}), http.StatusCreated)
	d, _ = w.entry(t, agency)
	if len(d.PublicSanctions) != 1 || d.PublicSanctions[0].FailureYear != 2025 {
		t.Errorf("after the waiver: %+v, want only the 2025 report's sanction", d.PublicSanctions)
	}

	// The listing stays cheap: its items carry none of this (README, Extensions to API.md).
	list := w.expect(w.do("GET", "/v1/public/agencies", "", nil), http.StatusOK)
	for _, key := range []string{`"reports"`, `"public_sanctions"`, `"rating"`} {
		if strings.Contains(string(list.body), key) {
			t.Errorf("a listing item carries %s: %s", key, list.body)
		}
	}
	checkNoPersonalData(t, list.body)
}
