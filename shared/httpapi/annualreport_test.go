package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// reportFixture serves the annual report function beside the filing function, on one store, with
// an agency of Jiangyin filed and accepted in June 2026 (business since 2020-03-01).
type reportFixture struct {
	*harness
	code string
}

func newReports(t *testing.T) reportFixture {
	h := newHarness(t, httpapi.AnnualReport, httpapi.Filing)
	f := reportFixture{harness: h, code: uscc(t, jiangyin, "MA20JY01")}
	f.at(time.Date(2026, 6, 1, 9, 0, 0, 0, domain.Shanghai))
	f.fileAgency(t, f.code, jiangyin, true)
	return f
}

// at sets the platform's clock; tokens are signed at the clock's time, so sign after moving it.
func (f reportFixture) at(t time.Time) { f.clock.Set(t, true) }

func (f reportFixture) agency(code string) string { return f.token(domain.RoleAgency, code, "") }

func (f reportFixture) officer(division string) string {
	return f.token(domain.RoleCityOfficer, "officer-"+division, division)
}

// fileAgency files an agency of district, accepted by its officer when accept is true.
func (f reportFixture) fileAgency(t *testing.T, code, district string, accept bool) {
	t.Helper()
	f.expect(f.do("POST", "/v1/agencies", f.agency(code), filingBody(code, "代理机构"+code[10:16], district)), http.StatusCreated)
	if accept {
		f.expect(f.do("POST", "/v1/agencies/"+code+"/review", f.officer(district), map[string]any{"outcome": "accept"}), http.StatusOK)
	}
}

func reportPath(code string, year any) string {
	return fmt.Sprintf("/v1/agencies/%s/annual-reports/%v", code, year)
}

// reportBody is a complete, valid report naming clients by id.
func reportBody(clients ...string) map[string]any {
	list := []map[string]any{}
	for i, id := range clients {
		list = append(list, map[string]any{"id": id, "name": fmt.Sprintf("江阴客户%d有限公司", i+1), "services": []string{"patent_agency"}})
	}
	return map[string]any{
		"patent_applications":    map[string]any{"invention": 12, "utility_model": 30, "design": 4},
		"trademark_applications": 25, "copyright_registrations": 0, "other_services": 3,
		"revenue_fen": 286_540_000, "practitioners_at_year_end": 9,
		"clients":                   list,
		"sci_tech_project_services": false,
		"complaints_received":       0,
	}
}

func (f reportFixture) submit(t *testing.T, code string, year int, status int, headers ...string) map[string]any {
	t.Helper()
	return f.expect(f.do("PUT", reportPath(code, year), f.agency(code), reportBody(uscc(t, jiangyin, "MA2CL001")), headers...), status).json(t)
}

func (f reportFixture) review(t *testing.T, code string, year int, outcome string, status int) map[string]any {
	t.Helper()
	body := map[string]any{"outcome": outcome}
	if outcome == "return" {
		body["reasons"] = []map[string]string{{"field": "/revenue_fen", "message": "营业收入与纳税申报数据不一致，请核实"}}
	}
	return f.expect(f.do("POST", reportPath(code, year)+"/review", f.officer(jiangyin), body), status).json(t)
}

func shanghai(y int, m time.Month, d, h, min, s, ms int) time.Time {
	return time.Date(y, m, d, h, min, s, ms*int(time.Millisecond), domain.Shanghai)
}

func instant(t *testing.T, v any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(v))
	if err != nil {
		t.Fatalf("not an instant: %v", v)
	}
	return at
}

func actions(r map[string]any) []string {
	var out []string
	for _, e := range r["history"].([]any) {
		out = append(out, e.(map[string]any)["action"].(string))
	}
	return out
}

// DOMAIN.md "Time": 23:59:59.999 on 31 January is on time, 00:00:00.000 on 1 February is late.
func TestReportAtTheLastMillisecondIsOnTimeAndAtTheCutoffLate(t *testing.T) {
	f := newReports(t)
	late := uscc(t, jiangyin, "MA20JY02")
	f.fileAgency(t, late, jiangyin, true)

	f.at(shanghai(2027, time.January, 31, 23, 59, 59, 999))
	r := f.expect(f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), reportBody()), http.StatusCreated)
	got := r.json(t)
	if got["status"] != "submitted" || got["on_time"] != true || got["year"] != float64(2026) || got["division"] != jiangyin {
		t.Fatalf("at 23:59:59.999: %s", r.body)
	}
	if r.header.Get("ETag") != `"1"` || r.header.Get("Location") != reportPath(f.code, 2026) {
		t.Fatalf("ETag %q Location %q", r.header.Get("ETag"), r.header.Get("Location"))
	}
	if !strings.Contains(string(r.body), `"submitted_at":"2027-01-31T23:59:59.999+08:00"`) ||
		!strings.Contains(string(r.body), `"cutoff":"2027-02-01T00:00:00+08:00"`) {
		t.Fatalf("instants are not stated in +08:00: %s", r.body)
	}

	f.at(shanghai(2027, time.February, 1, 0, 0, 0, 0))
	if got := f.submit(t, late, 2026, http.StatusCreated); got["on_time"] != false {
		t.Fatalf("at 00:00:00.000 on 1 February: %v", got)
	}
	// The first report's stamp does not move with the clock.
	if got := f.expect(f.do("GET", reportPath(f.code, 2026), f.agency(f.code), nil), http.StatusOK).json(t); got["on_time"] != true {
		t.Fatalf("read back: %v", got)
	}
}

func TestALateReportIsAcceptedAndStaysLate(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.February, 3, 10, 0, 0, 0))
	if got := f.submit(t, f.code, 2026, http.StatusCreated); got["on_time"] != false {
		t.Fatalf("submitted on 3 February: %v", got)
	}
	f.at(shanghai(2027, time.February, 5, 10, 0, 0, 0))
	acc := f.review(t, f.code, 2026, "accept", http.StatusOK)
	if acc["status"] != "accepted" || acc["on_time"] != false || acc["accepted_at"] == nil {
		t.Fatalf("accepted: %v", acc)
	}
	// Accepted is final: no resubmission, no second review.
	f.submit(t, f.code, 2026, http.StatusConflict)
	f.review(t, f.code, 2026, "return", http.StatusConflict)
	got := f.expect(f.do("GET", reportPath(f.code, 2026), f.officer(jiangyin), nil), http.StatusOK)
	if m := got.json(t); m["status"] != "accepted" || m["on_time"] != false || got.header.Get("ETag") != `"2"` {
		t.Fatalf("after refused changes: %s", got.body)
	}
}

func TestAReportCorrectedWithinTheCorrectionPeriodKeepsItsStamp(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	f.submit(t, f.code, 2026, http.StatusCreated)
	f.at(shanghai(2027, time.January, 25, 16, 30, 0, 0))
	ret := f.review(t, f.code, 2026, "return", http.StatusOK)
	// 15 days (policies/annual_report) from the day after the return: 26 January to 9 February.
	if ret["status"] != "returned" || ret["correction_due"] != "2027-02-10T00:00:00+08:00" {
		t.Fatalf("returned: %v", ret)
	}
	if reasons := ret["return_reasons"].([]any); len(reasons) != 1 {
		t.Fatalf("return reasons %v", reasons)
	}
	f.review(t, f.code, 2026, "accept", http.StatusConflict) // nothing to review until corrected

	f.at(shanghai(2027, time.February, 9, 23, 59, 59, 999))
	fixed := f.submit(t, f.code, 2026, http.StatusOK, "If-Match", `"2"`)
	if fixed["status"] != "submitted" || fixed["on_time"] != true || fixed["correction_due"] != nil || fixed["return_reasons"] != nil {
		t.Fatalf("corrected at the end of the period: %v", fixed)
	}
	if !instant(t, fixed["first_submitted_at"]).Equal(shanghai(2027, time.January, 20, 10, 0, 0, 0)) {
		t.Fatalf("first_submitted_at moved: %v", fixed["first_submitted_at"])
	}
	acc := f.review(t, f.code, 2026, "accept", http.StatusOK)
	if acc["on_time"] != true || fmt.Sprint(actions(acc)) != "[submit return correct accept]" {
		t.Fatalf("accepted: on_time %v, history %v", acc["on_time"], actions(acc))
	}
}

func TestACorrectionAfterThePeriodAndTheCutoffIsLate(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	f.submit(t, f.code, 2026, http.StatusCreated)
	f.at(shanghai(2027, time.January, 25, 16, 30, 0, 0))
	f.review(t, f.code, 2026, "return", http.StatusOK)
	f.at(shanghai(2027, time.February, 10, 0, 0, 0, 0))
	if got := f.submit(t, f.code, 2026, http.StatusOK); got["on_time"] != false || got["status"] != "submitted" {
		t.Fatalf("corrected when the period was over: %v", got)
	}
	if got := f.review(t, f.code, 2026, "accept", http.StatusOK); got["on_time"] != false {
		t.Fatalf("accepted: %v", got)
	}
}

func TestAResubmissionBeforeReviewReplacesTheReportAndKeepsTheStamp(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	f.submit(t, f.code, 2026, http.StatusCreated)
	f.at(shanghai(2027, time.February, 20, 10, 0, 0, 0))
	body := reportBody()
	body["complaints_received"] = 2
	r := f.expect(f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), body), http.StatusOK)
	got := r.json(t)
	if got["on_time"] != true || got["report"].(map[string]any)["complaints_received"] != float64(2) || r.header.Get("ETag") != `"2"` {
		t.Fatalf("resubmitted: %s", r.body)
	}
	if fmt.Sprint(actions(got)) != "[submit resubmit]" {
		t.Fatalf("history %v", actions(got))
	}
}

func TestIfMatchOnReports(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	// A version of a report that does not exist is stale too, and creates nothing.
	f.submit(t, f.code, 2026, http.StatusConflict, "If-Match", `"1"`)
	f.expect(f.do("GET", reportPath(f.code, 2026), f.agency(f.code), nil), http.StatusNotFound)
	f.submit(t, f.code, 2026, http.StatusCreated)
	f.submit(t, f.code, 2026, http.StatusOK, "If-Match", `"1"`)
	f.submit(t, f.code, 2026, http.StatusConflict, "If-Match", `"1"`)
	f.expect(f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), reportBody(), "If-Match", "yesterday"), http.StatusBadRequest)
}

// expectRefusal checks a 422 and the fields it names (none for a rule's refusal).
func expectRefusal(t *testing.T, r reply, code string, fields ...string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", r.status, r.body)
	}
	if got := r.json(t)["code"]; got != code {
		t.Errorf("code %v, want %s: %s", got, code, r.body)
	}
	got := r.fields(t)
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Errorf("%s not named; got %v", f, got)
		}
	}
	if len(fields) == 0 && len(got) != 0 {
		t.Errorf("a rule's refusal names fields %v", got)
	}
}

func TestRefusedReportsStoreNothing(t *testing.T) {
	f := newReports(t)
	unfiled := uscc(t, jiangyin, "MA20JY03")
	pending := uscc(t, jiangyin, "MA20JY04")
	f.fileAgency(t, pending, jiangyin, false)
	client := uscc(t, jiangyin, "MA2CL001")
	f.at(shanghai(2027, time.January, 15, 10, 0, 0, 0))

	t.Run("a year that has not ended", func(t *testing.T) {
		for _, year := range []int{2027, 2028} {
			r := f.do("PUT", reportPath(f.code, year), f.agency(f.code), reportBody(), "Accept-Language", "en")
			expectRefusal(t, r, "invalid", "/year")
			if !strings.Contains(string(r.body), fmt.Sprintf("the year %d has not ended", year)) {
				t.Errorf("message: %s", r.body)
			}
		}
	})
	t.Run("a year before 2000", func(t *testing.T) {
		expectRefusal(t, f.do("PUT", reportPath(f.code, 1999), f.agency(f.code), reportBody()), "invalid", "/year")
	})
	t.Run("a year before the agency began business", func(t *testing.T) {
		expectRefusal(t, f.do("PUT", reportPath(f.code, 2019), f.agency(f.code), reportBody()), "invalid", "/year")
	})
	t.Run("a year that is not one", func(t *testing.T) {
		for _, year := range []string{"20x6", "02026", "-2026", "+202", "926"} {
			expectRefusal(t, f.do("PUT", reportPath(f.code, year), f.agency(f.code), reportBody()), "invalid", "/year")
			expectRefusal(t, f.do("GET", reportPath(f.code, year), f.agency(f.code), nil), "invalid", "/year")
		}
	})
	t.Run("an agency that never filed", func(t *testing.T) {
		r := f.do("PUT", reportPath(unfiled, 2026), f.agency(unfiled), reportBody(client))
		expectRefusal(t, r, "rule_refused")
		if !strings.Contains(string(r.body), "备案") {
			t.Errorf("message: %s", r.body)
		}
		en := f.do("PUT", reportPath(unfiled, 2026), f.agency(unfiled), reportBody(client), "Accept-Language", "en")
		if !strings.Contains(string(en.body), "no accepted filing") {
			t.Errorf("message: %s", en.body)
		}
	})
	t.Run("an agency whose filing awaits review", func(t *testing.T) {
		expectRefusal(t, f.do("PUT", reportPath(pending, 2026), f.agency(pending), reportBody(client)), "rule_refused")
	})
	t.Run("every bad field at once", func(t *testing.T) {
		body := reportBody(client, "320281199001011233", client)
		body["patent_applications"] = map[string]any{"invention": -1, "utility_model": 2}
		body["trademark_applications"] = 1_000_001
		body["revenue_fen"] = 12.5
		delete(body, "complaints_received")
		body["clients"].([]map[string]any)[1]["id"] = "320281199001011234" // bad check digit
		body["clients"].([]map[string]any)[0]["services"] = []string{"fortune_telling"}
		body["sci_tech_project_services"] = true
		body["sci_tech_project_clients"] = []string{client, "91320211MA20WX013C"}
		body["surprise"] = 1
		r := f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), body)
		expectRefusal(t, r, "invalid", "/patent_applications/invention", "/patent_applications/design",
			"/trademark_applications", "/revenue_fen", "/complaints_received", "/clients/2/id", "/clients/1/id",
			"/clients/0/services/0", "/sci_tech_project_clients/1", "/surprise")

		body = reportBody(client)
		body["sci_tech_project_services"] = true
		expectRefusal(t, f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), body), "invalid", "/sci_tech_project_clients")
		body["sci_tech_project_services"] = false
		body["sci_tech_project_clients"] = []string{client}
		expectRefusal(t, f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), body), "invalid", "/sci_tech_project_clients")
	})
	for _, code := range []string{f.code, unfiled, pending} {
		for _, year := range []int{2026, 2027, 2019} {
			f.expect(f.do("GET", reportPath(code, year), f.agency(code), nil), http.StatusNotFound)
		}
	}
	if page, err := f.store.Query(context.Background(), domain.Query{Collection: domain.ClientLinkCollection}); err != nil || len(page.Items) != 0 {
		t.Fatalf("refused reports left client links: %v %v", page.Items, err)
	}
}

func TestAnotherPartysReportDoesNotExistForThem(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	f.submit(t, f.code, 2026, http.StatusCreated)
	otherAgency := f.agency(uscc(t, jiangyin, "MA20JY02"))
	missing := f.do("GET", reportPath(f.code, 2025), f.agency(f.code), nil)
	for name, tok := range map[string]string{
		"another agency":                 otherAgency,
		"an officer of another county":   f.officer(xishan),
		"an officer of another city":     f.officer("320500"),
		"an enterprise of the same USCC": f.token(domain.RoleEnterprise, f.code, ""),
	} {
		got := f.expect(f.do("GET", reportPath(f.code, 2026), tok, nil), http.StatusNotFound)
		if got.json(t)["detail"] != missing.json(t)["detail"] {
			t.Errorf("%s: the answer differs from a missing report's: %s vs %s", name, got.body, missing.body)
		}
		f.expect(f.do("PUT", reportPath(f.code, 2026), tok, reportBody()), http.StatusNotFound)
		f.expect(f.do("POST", reportPath(f.code, 2026)+"/review", tok, map[string]any{"outcome": "accept"}), http.StatusNotFound)
	}
	// Officers over the division read it; only the city officers review; nobody reports for the agency.
	f.expect(f.do("GET", reportPath(f.code, 2026), f.officer(jiangyin), nil), http.StatusOK)
	f.expect(f.do("GET", reportPath(f.code, 2026), f.officer("320200"), nil), http.StatusOK)
	prov := f.token(domain.RoleProvinceOfficer, "js", "320000")
	f.expect(f.do("GET", reportPath(f.code, 2026), prov, nil), http.StatusOK)
	f.expect(f.do("POST", reportPath(f.code, 2026)+"/review", prov, map[string]any{"outcome": "accept"}), http.StatusNotFound)
	f.expect(f.do("PUT", reportPath(f.code, 2026), f.officer(jiangyin), reportBody()), http.StatusNotFound)
	if got := f.expect(f.do("GET", reportPath(f.code, 2026), f.agency(f.code), nil), http.StatusOK).json(t); got["version"] != float64(1) {
		t.Fatalf("refused requests changed the report: %v", got)
	}
}

func TestEightRacingFirstSubmissionsStoreOneReport(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	tok := f.agency(f.code)
	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := reportBody()
			body["other_services"] = i
			statuses[i] = f.do("PUT", reportPath(f.code, 2026), tok, body).status
		}()
	}
	wg.Wait()
	created, replaced := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusOK:
			replaced++
		}
	}
	if created != 1 || replaced != 7 {
		t.Fatalf("statuses %v: want one 201 and seven 200", statuses)
	}
	got := f.expect(f.do("GET", reportPath(f.code, 2026), tok, nil), http.StatusOK).json(t)
	if got["version"] != float64(8) || len(got["history"].([]any)) != 8 || actions(got)[0] != "submit" || got["on_time"] != true {
		t.Fatalf("stored report: version %v, history %v", got["version"], actions(got))
	}
	page, err := f.store.Query(context.Background(), domain.Query{Collection: domain.ReportCollection})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("%d reports stored (%v)", len(page.Items), err)
	}
}

func TestReviewNeedsReasonsToReturnAndReplaysWithItsKey(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	f.submit(t, f.code, 2026, http.StatusCreated)
	path := reportPath(f.code, 2026) + "/review"
	expectRefusal(t, f.do("POST", path, f.officer(jiangyin), map[string]any{"outcome": "return"}), "invalid", "/reasons")
	expectRefusal(t, f.do("POST", path, f.officer(jiangyin), map[string]any{"outcome": "reject", "reasons": []map[string]string{{"message": "x"}}}), "invalid", "/outcome")
	body := map[string]any{"outcome": "accept", "comment": "材料齐全"}
	first := f.expect(f.do("POST", path, f.officer(jiangyin), body, "Idempotency-Key", "review-2026"), http.StatusOK)
	retry := f.expect(f.do("POST", path, f.officer(jiangyin), body, "Idempotency-Key", "review-2026"), http.StatusOK)
	if string(retry.body) != string(first.body) || retry.header.Get("Idempotent-Replayed") != "true" || retry.header.Get("ETag") != `"2"` {
		t.Fatalf("retry was not a replay: %s %v", retry.body, retry.header)
	}
	// A new key is a new review, which the accepted report refuses.
	f.expect(f.do("POST", path, f.officer(jiangyin), body, "Idempotency-Key", "review-2026-b"), http.StatusConflict)
	f.expect(f.do("POST", reportPath(f.code, 2025)+"/review", f.officer(jiangyin), body), http.StatusNotFound)
}

func TestClientsOfASubmittedReportAreLinkedToTheAgency(t *testing.T) {
	f := newReports(t)
	f.at(shanghai(2027, time.January, 20, 10, 0, 0, 0))
	a, person, b := uscc(t, jiangyin, "MA2CL001"), "320281199001011233", uscc(t, xishan, "MA2CL002")
	f.expect(f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), reportBody(a, person)), http.StatusCreated)
	// A resubmission adds the links of new clients and keeps the old ones; readers confirm a
	// link against the report.
	f.expect(f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), reportBody(b)), http.StatusOK)
	f.expect(f.do("PUT", reportPath(f.code, 2026), f.agency(f.code), reportBody(b)), http.StatusOK)
	linked := func(entity string) []string {
		page, err := f.store.Query(context.Background(), domain.Query{Collection: domain.ClientLinkCollection, Prefix: domain.ClientLinkPrefix(entity)})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, it := range page.Items {
			keys = append(keys, it.Key)
		}
		return keys
	}
	for entity, want := range map[string][]string{
		a:      {a + "#2026#" + f.code},
		person: {person + "#2026#" + f.code},
		b:      {b + "#2026#" + f.code},
		// An id that begins another's is not linked by the other's links.
		"32028119900101123": nil,
	} {
		if got := linked(entity); !slices.Equal(got, want) {
			t.Errorf("links of %s: %v, want %v", entity, got, want)
		}
	}
}
