package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/eligibility"
	"github.com/jsipa/ips/shared/httpapi"
)

// newEligibilityWorld serves the eligibility query beside filings, reports and the deadline, so
// the sanctions it reads are the ones the real deadline run decides.
func newEligibilityWorld(t *testing.T) *deadlineWorld {
	h := newHarness(t, httpapi.SubsidyClaim, httpapi.DeadlineJan31, httpapi.Filing, httpapi.AnnualReport)
	return &deadlineWorld{harness: h,
		officer:   h.token(domain.RoleCityOfficer, "officer-7", "320281"),
		scheduler: h.token(domain.RoleScheduler, "cron-ops-01", ""),
	}
}

func (w *deadlineWorld) integrator(t *testing.T, scopes ...string) string {
	t.Helper()
	tok, err := w.signer.Sign(domain.Principal{Role: domain.RoleIntegrator, Subject: "patent-subsidy-system", Scopes: scopes}, w.clock.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// reportListing submits the agency's report for year listing clients, at the clock's time.
func (w *deadlineWorld) reportListing(t *testing.T, code string, year int, clients ...string) {
	t.Helper()
	w.expect(w.do("PUT", fmt.Sprintf("/v1/agencies/%s/annual-reports/%d", code, year), w.token(domain.RoleAgency, code, ""), reportBody(clients...)), http.StatusCreated)
}

func (w *deadlineWorld) eligibility(t *testing.T, token, entity string, year int, agencies ...string) eligibility.Result {
	t.Helper()
	r := w.expect(w.do("GET", eligibilityPath(entity, year, agencies...), token, nil), http.StatusOK)
	var res eligibility.Result
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Entity != entity || res.Year != year || res.PolicyVersion == "" || res.DecidedAt.IsZero() {
		t.Errorf("answer without its entity, year, policy version or time: %s", r.body)
	}
	return res
}

func eligibilityPath(entity string, year int, agencies ...string) string {
	p := fmt.Sprintf("/v1/eligibility?entity=%s&year=%d", entity, year)
	for _, a := range agencies {
		p += "&agency=" + a
	}
	return p
}

func eligibleForAll(t *testing.T, what string, res eligibility.Result) {
	t.Helper()
	for _, f := range domain.SubsidyFamilies {
		if fe := res.Families[f]; !fe.Eligible || len(fe.Reasons) != 0 || fe.Reasons == nil {
			t.Errorf("%s: %s is %+v, want eligible with an empty reasons list", what, f, fe)
		}
	}
}

func relationsOf(res eligibility.Result, code string) []string {
	for _, a := range res.Agencies {
		if a.USCC == code {
			return a.Relations
		}
	}
	return nil
}

// The regulation's chain: an agency reports its 2026 clients late, the 31 January run sanctions
// it, and its clients lose the 2027 IP and sci-tech subsidies — found through its report, without
// the caller naming it.
func TestALateAgencysReportedClientsAreBlockedTheNextYear(t *testing.T) {
	w := newEligibilityWorld(t)
	w.at(beijing("2026-03-10T09:00:00"))
	late := w.accepted(t, "MA2EL001")
	onTime := w.accepted(t, "MA2EL002")
	client := uscc(t, "320281", "MA2ECL01")

	w.at(beijing("2027-01-20T10:00:00"))
	w.reportListing(t, onTime, 2026, client)
	w.at(beijing("2027-02-01T00:00:00"))
	w.reportListing(t, late, 2026, client)
	w.at(beijing("2027-02-03T08:30:00"))
	w.run(t, 2027)

	res := w.eligibility(t, w.officer, client, 2027)
	for _, f := range []domain.SubsidyFamily{domain.FamilyIPSubsidy, domain.FamilySciTechSubsidy} {
		fe := res.Families[f]
		if fe.Eligible || len(fe.Reasons) != 1 {
			t.Fatalf("%s in 2027: %+v, want blocked by the late agency alone", f, fe)
		}
		r := fe.Reasons[0]
		if r.Agency != late || r.Code != string(domain.TriggerReportNotOnTime) || r.Trigger != domain.TriggerReportNotOnTime ||
			r.Year != 2027 || !strings.Contains(r.Basis, "seed 000 §二(二)1") || r.SanctionID != sanctionID(late, 2026) ||
			!strings.Contains(r.MessageZH, late) || !strings.Contains(r.MessageEN, late) {
			t.Errorf("%s reason %+v: want the late agency, its trigger, 2027, the basis and the sanction", f, r)
		}
	}
	if fe := res.Families[domain.FamilyPatentSubsidy]; !fe.Eligible {
		t.Errorf("patent_subsidy %+v: a late report does not touch patent subsidies", fe)
	}
	for _, code := range []string{late, onTime} {
		if rel := relationsOf(res, code); !slices.Equal(rel, []string{domain.RelationReportClient}) {
			t.Errorf("agency %s relations %v, want report_client", code, rel)
		}
	}

	// The sanction takes effect in 2027 only.
	eligibleForAll(t, "2026", w.eligibility(t, w.officer, client, 2026))
	eligibleForAll(t, "2028", w.eligibility(t, w.officer, client, 2028))

	// Naming the agency too only adds the relation; the block is the same.
	named := w.eligibility(t, w.officer, client, 2027, late)
	if rel := relationsOf(named, late); !slices.Equal(rel, []string{domain.RelationNamed, domain.RelationReportClient}) {
		t.Errorf("relations %v, want named and report_client", rel)
	}
	if fe := named.Families[domain.FamilyIPSubsidy]; fe.Eligible || len(fe.Reasons) != 1 {
		t.Errorf("ip_subsidy %+v, want the one block", fe)
	}

	// An entity the late agency never listed is untouched, unless it names the agency.
	other := uscc(t, "320281", "MA2ECL02")
	eligibleForAll(t, "an unrelated entity", w.eligibility(t, w.officer, other, 2027))
	if fe := w.eligibility(t, w.officer, other, 2027, late).Families[domain.FamilySciTechSubsidy]; fe.Eligible {
		t.Errorf("an entity naming the late agency: %+v, want blocked", fe)
	}

	// A city officer waives the sanction with a reason: its effect is lifted, the record stays.
	waiver := "/v1/agencies/" + late + "/sanctions/" + url.PathEscape(sanctionID(late, 2026)) + "/waiver"
	w.expect(w.do("POST", waiver, w.officer, map[string]any{"reason": "系统故障致报送失败，经核实予以豁免"}), http.StatusCreated)
	eligibleForAll(t, "2027 after the waiver", w.eligibility(t, w.officer, client, 2027))
	if got := w.sanctions(t); len(got) != 1 || got[0].ID != sanctionID(late, 2026) {
		t.Errorf("sanctions after the waiver: %d; the waived sanction must stay on record", len(got))
	}
}

func TestANamedAgencyThatNeverFiledBlocks(t *testing.T) {
	w := newEligibilityWorld(t)
	ghost := uscc(t, "320281", "MA2EGH01")
	entity := uscc(t, "320281", "MA2ECL03")
	res := w.eligibility(t, w.integrator(t, "eligibility:read"), entity, 2027, ghost, ghost)
	if len(res.Agencies) != 1 || res.Agencies[0].USCC != ghost || res.Agencies[0].AcceptedFiling ||
		!slices.Equal(res.Agencies[0].Relations, []string{domain.RelationNamed}) {
		t.Errorf("agencies %+v, want the ghost once, named, not filed", res.Agencies)
	}
	for _, f := range []domain.SubsidyFamily{domain.FamilyIPSubsidy, domain.FamilySciTechSubsidy} {
		fe := res.Families[f]
		if fe.Eligible || len(fe.Reasons) != 1 || fe.Reasons[0].Code != domain.ReasonAgencyNotFiled ||
			fe.Reasons[0].Agency != ghost || fe.Reasons[0].Year != 2027 || fe.Reasons[0].Basis == "" {
			t.Errorf("%s %+v, want blocked: agency_not_filed by %s in 2027", f, fe, ghost)
		}
	}

	// An agency filed but accepted only after the year asked about had no filing in it.
	w.at(beijing("2027-01-05T09:00:00"))
	newcomer := w.accepted(t, "MA2ENW01")
	if a := w.eligibility(t, w.officer, entity, 2026, newcomer).Agencies; len(a) != 1 || a[0].AcceptedFiling {
		t.Errorf("accepted in 2027, asked about 2026: %+v, want not filed", a)
	}
	eligibleForAll(t, "the newcomer in 2027", w.eligibility(t, w.officer, entity, 2027, newcomer))
}

func TestWhoMayAskAboutEligibility(t *testing.T) {
	w := newEligibilityWorld(t)
	entity := uscc(t, "320281", "MA2ECL04")
	other := uscc(t, "320281", "MA2ECL05")
	self := w.token(domain.RoleEnterprise, entity, "")

	eligibleForAll(t, "the entity itself", w.eligibility(t, self, entity, 2027))
	// A query is about no record of another party, so the refusal is 403 (API.md Conventions'
	// 404 hides records; here there is none to hide).
	w.expect(w.do("GET", eligibilityPath(other, 2027), self, nil), http.StatusForbidden)
	w.expect(w.do("GET", eligibilityPath(entity, 2027), w.integrator(t), nil), http.StatusForbidden)
	w.expect(w.do("GET", eligibilityPath(entity, 2027), w.integrator(t, "credit:read"), nil), http.StatusForbidden)
	eligibleForAll(t, "a scoped integrator", w.eligibility(t, w.integrator(t, "credit:read", "eligibility:read"), entity, 2027))
	eligibleForAll(t, "a provincial officer", w.eligibility(t, w.token(domain.RoleProvinceOfficer, "officer-p", "320000"), entity, 2027))
	w.expect(w.do("GET", eligibilityPath(entity, 2027), w.token(domain.RoleAgency, other, ""), nil), http.StatusForbidden)
	w.expect(w.do("GET", eligibilityPath(entity, 2027), "", nil), http.StatusUnauthorized)
	w.expect(w.do("POST", eligibilityPath(entity, 2027), w.officer, map[string]any{}), http.StatusMethodNotAllowed)
}

func TestEveryBadEligibilityParameterIsNamedAtOnce(t *testing.T) {
	w := newEligibilityWorld(t)
	good := uscc(t, "320281", "MA2EGD01")
	r := w.expect(w.do("GET", "/v1/eligibility?entity=91320281MA2EGD01XX&year=1999&agency=nope&agency="+good+"&agency=320281", w.officer, nil), http.StatusUnprocessableEntity)
	if got, want := r.fields(t), []string{"entity", "year", "agency/0", "agency/2"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	r = w.expect(w.do("GET", "/v1/eligibility", w.officer, nil), http.StatusUnprocessableEntity)
	if got, want := r.fields(t), []string{"entity", "year"}; !slices.Equal(got, want) {
		t.Errorf("no parameters: fields %v, want %v", got, want)
	}
	// The clock is in 2027: 2028 may be asked about, 2029 not yet.
	w.expect(w.do("GET", eligibilityPath(good, 2028), w.officer, nil), http.StatusOK)
	r = w.expect(w.do("GET", eligibilityPath(good, 2029), w.officer, nil), http.StatusUnprocessableEntity)
	if got := r.fields(t); !slices.Equal(got, []string{"year"}) {
		t.Errorf("2029: fields %v", got)
	}
	many := make([]string, eligibility.MaxAgencies+1)
	for i := range many {
		many[i] = good
	}
	r = w.expect(w.do("GET", eligibilityPath(good, 2027, many...), w.officer, nil), http.StatusUnprocessableEntity)
	if got := r.fields(t); !slices.Equal(got, []string{"agency"}) {
		t.Errorf("%d agencies: fields %v", len(many), got)
	}
	w.expect(w.do("GET", eligibilityPath(good, 2027, many[1:]...), w.officer, nil), http.StatusOK)
	// A resident ID is an entity too.
	w.expect(w.do("GET", eligibilityPath("11010519491231002X", 2027), w.officer, nil), http.StatusOK)
}

// The batch answers each of 500 queries exactly as the single query does: the same families,
// reasons and agencies, in order.
func TestEligibilityBatchAgreesWithFiveHundredSingleCalls(t *testing.T) {
	w := newEligibilityWorld(t)
	w.at(beijing("2026-03-10T09:00:00"))
	late := w.accepted(t, "MA2EB001")
	onTime := w.accepted(t, "MA2EB002")
	clients := []string{uscc(t, "320281", "MA2EBC01"), uscc(t, "320281", "MA2EBC02"), uscc(t, "320281", "MA2EBC03")}
	w.at(beijing("2027-01-20T10:00:00"))
	w.reportListing(t, onTime, 2026, clients[1], clients[2])
	w.at(beijing("2027-02-01T00:00:00"))
	w.reportListing(t, late, 2026, clients[0], clients[1])
	w.at(beijing("2027-02-03T08:30:00"))
	w.run(t, 2027)
	never := uscc(t, "320281", "MA2EBN01") // an agency that never filed

	integrator := w.integrator(t, "eligibility:read")
	entities := append(clients, uscc(t, "320281", "MA2EBC09"))
	agencySets := [][]string{nil, {late}, {onTime}, {never}, {late, never}}
	var queries []map[string]any
	for i := range 500 {
		queries = append(queries, map[string]any{"entity": entities[i%len(entities)], "year": 2026 + i%3, "agencies": agencySets[(i/4)%len(agencySets)]})
	}
	r := w.expect(w.do("POST", "/v1/eligibility/batch", integrator, map[string]any{"queries": queries}), http.StatusOK)
	var batch struct {
		Results []struct {
			Status int                `json:"status"`
			Result eligibility.Result `json:"result"`
		} `json:"results"`
	}
	if err := json.Unmarshal(r.body, &batch); err != nil || len(batch.Results) != 500 {
		t.Fatalf("%d results (%v)", len(batch.Results), err)
	}
	blocked := 0
	for i, q := range queries {
		agencies, _ := q["agencies"].([]string)
		single := w.eligibility(t, integrator, q["entity"].(string), q["year"].(int), agencies...)
		got := batch.Results[i]
		single.DecidedAt, got.Result.DecidedAt = time.Time{}, time.Time{}
		if got.Status != http.StatusOK || !reflect.DeepEqual(got.Result, single) {
			t.Fatalf("query %d %v: batch %d %+v, single %+v", i, q, got.Status, got.Result, single)
		}
		if !single.Families[domain.FamilyIPSubsidy].Eligible {
			blocked++
		}
	}
	if blocked == 0 || blocked == 500 {
		t.Errorf("%d of 500 blocked: the queries do not exercise both answers", blocked)
	}
}

func TestEligibilityBatchRefusesBadQueriesAndAnswersForbiddenOnesInPlace(t *testing.T) {
	w := newEligibilityWorld(t)
	w.at(beijing("2027-03-01T09:00:00"))
	me := uscc(t, "320281", "MA2EBM01")
	enterprise := w.token(domain.RoleEnterprise, me, "")
	bad := []map[string]any{{"entity": me, "year": 2027}, {"entity": "nobody", "year": 2027}, {"entity": me, "year": 2099, "agencies": []string{"x"}}}
	r := w.expect(w.do("POST", "/v1/eligibility/batch", enterprise, map[string]any{"queries": bad}), http.StatusUnprocessableEntity)
	for _, f := range []string{"/queries/1/entity", "/queries/2/agencies/0"} {
		if !slices.Contains(r.fields(t), f) {
			t.Errorf("%s not named: %v", f, r.fields(t))
		}
	}
	many := make([]map[string]any, httpapi.MaxBatchQueries+1)
	for i := range many {
		many[i] = map[string]any{"entity": me, "year": 2027}
	}
	w.expect(w.do("POST", "/v1/eligibility/batch", enterprise, map[string]any{"queries": many}), http.StatusUnprocessableEntity)

	// An enterprise asks about itself and another entity: its own query is answered, the
	// other is the 403 the single query would give, in its place.
	other := uscc(t, "320281", "MA2EBM02")
	r = w.expect(w.do("POST", "/v1/eligibility/batch", enterprise, map[string]any{"queries": []map[string]any{{"entity": me, "year": 2027}, {"entity": other, "year": 2027}}}), http.StatusOK)
	var batch struct {
		Results []struct {
			Status int            `json:"status"`
			Error  map[string]any `json:"error"`
		} `json:"results"`
	}
	json.Unmarshal(r.body, &batch)
	if len(batch.Results) != 2 || batch.Results[0].Status != 200 || batch.Results[1].Status != 403 || batch.Results[1].Error["code"] != "forbidden" {
		t.Errorf("results %s", r.body)
	}
	w.expect(w.do("GET", eligibilityPath(other, 2027), enterprise, nil), http.StatusForbidden)
}
