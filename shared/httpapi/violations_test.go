package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/validate"
	"github.com/jsipa/ips/shared/violations"
)

// violationWorld is the filing function with an accepted agency of 江阴 (320281) and its city
// officer; the clock stands at 15 January 2027.
type violationWorld struct {
	*harness
	officer, agency, code string
}

func newViolationWorld(t *testing.T, h *harness) *violationWorld {
	t.Helper()
	w := &violationWorld{harness: h, officer: h.token(domain.RoleCityOfficer, "officer-7", "320281")}
	w.code = w.accepted(t, "MA20WW01")
	w.agency = h.token(domain.RoleAgency, w.code, "")
	return w
}

func (w *violationWorld) accepted(t *testing.T, body8 string) string {
	t.Helper()
	code := uscc(t, "320281", body8)
	w.expect(w.do("POST", "/v1/agencies", w.token(domain.RoleAgency, code, ""), filingBody(code, "代理机构"+body8, "320281")), http.StatusCreated)
	w.expect(w.do("POST", "/v1/agencies/"+code+"/review", w.officer, map[string]any{"outcome": "accept"}), http.StatusOK)
	return code
}

func violationPath(code string) string { return "/v1/agencies/" + code + "/violations" }

func sanctionsPath(code string) string { return "/v1/agencies/" + code + "/sanctions" }

func waiverPath(code, id string) string {
	return "/v1/agencies/" + code + "/sanctions/" + url.PathEscape(id) + "/waiver"
}

func (w *violationWorld) record(t *testing.T, token string, body any, status int, headers ...string) violations.Recorded {
	t.Helper()
	r := w.expect(w.do("POST", violationPath(w.code), token, body, headers...), status)
	var rec violations.Recorded
	if status == http.StatusCreated {
		if err := json.Unmarshal(r.body, &rec); err != nil {
			t.Fatal(err)
		}
	}
	return rec
}

func (w *violationWorld) list(t *testing.T, token string) []violations.SanctionView {
	t.Helper()
	r := w.expect(w.do("GET", sanctionsPath(w.code), token, nil), http.StatusOK)
	var l httpapi.List[violations.SanctionView]
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func (w *violationWorld) count(t *testing.T, collection string) int {
	t.Helper()
	p, err := w.store.Query(context.Background(), domain.Query{Collection: collection, Limit: domain.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Items)
}

// Applicants concerned: an organisation and a resident.
var (
	entityX = mustID(validate.ComposeUSCC("91320281", "MA1XXXXX"))
	entityY = mustID(validate.ComposeResidentID("32028119900101123"))
)

func mustID(id string, err error) string {
	if err != nil {
		panic(err)
	}
	return id
}

func TestEveryKindProducesTheSanctionsThePolicyDecides(t *testing.T) {
	w := newViolationWorld(t, newHarness(t, httpapi.Filing))
	for _, kind := range domain.ViolationKinds {
		t.Run(string(kind), func(t *testing.T) {
			body := map[string]any{"kind": kind, "year": 2026, "detail": "经核查属实：" + string(kind)}
			if domain.NeedsAffectedEntities(kind) {
				body["affected_entities"] = []string{entityX, entityY}
			}
			rec := w.record(t, w.officer, body, http.StatusCreated)
			if rec.Violation == nil || rec.ID == "" || rec.Agency != w.code || rec.Kind != kind || rec.Year != 2026 ||
				rec.RecordedBy.Subject != "officer-7" || rec.RecordedBy.Role != domain.RoleCityOfficer {
				t.Fatalf("violation %+v", rec.Violation)
			}
			facts := domain.SanctionFacts{Agency: w.code, Trigger: kind, Year: 2026, AffectedEntities: rec.AffectedEntities}
			var want domain.SanctionDecision
			if err := engine.Decide(context.Background(), policy.QuerySanctions, facts, &want); err != nil {
				t.Fatal(err)
			}
			if len(want.Sanctions) == 0 || len(rec.Sanctions) != len(want.Sanctions) {
				t.Fatalf("%d sanctions, the policy decides %d", len(rec.Sanctions), len(want.Sanctions))
			}
			for i, d := range want.Sanctions {
				s := rec.Sanctions[i]
				if s.ID != domain.SanctionID(w.code, kind, 2026, rec.ID) || s.Trigger != kind || s.FailureYear != 2026 ||
					s.Year != d.YearOfEffect || s.Basis != d.Basis || s.Public != d.Public || !slices.EqualFunc(s.Effects, d.Effects, effectEqual) ||
					s.PolicyVersion == "" || s.DecidedBy.Subject != "officer-7" || s.Message.ZH != d.MessageZH {
					t.Errorf("sanction %+v, the policy decides %+v", s, d)
				}
			}
		})
	}
	// What the table says for three kinds, spelled out.
	items := w.list(t, w.officer)
	byTrigger := map[domain.Trigger]violations.SanctionView{}
	for _, s := range items {
		byTrigger[s.Trigger] = s
	}
	if len(items) != len(domain.ViolationKinds) {
		t.Fatalf("%d sanctions listed, want one per kind", len(items))
	}
	sci := byTrigger[domain.TriggerSciTechProjectServices]
	if sci.Year != 2026 || len(sci.Effects) != 1 || sci.Effects[0].Kind != domain.EffectSubsidyBlock ||
		sci.Effects[0].Entities != domain.EntitiesServed || !sci.Blocks(domain.FamilyIPSubsidy, entityX) ||
		!sci.Blocks(domain.FamilySciTechSubsidy, entityX) || sci.Basis != "seed 000 §二(二)1" || sci.Waived {
		t.Errorf("sci_tech_project_services: %+v", sci)
	}
	pl := byTrigger[domain.TriggerPlagiarism]
	if pl.Year != 2026 || !pl.Blocks(domain.FamilyPatentSubsidy, entityY) || pl.Blocks(domain.FamilyPatentSubsidy, "91320281MA1ZZZZZ0Z") ||
		pl.Blocks(domain.FamilyIPSubsidy, entityX) || !hasEffect(pl.Sanction, domain.EffectPublicCriticism) ||
		!slices.Equal(pl.AffectedEntities, []string{entityX, entityY}) || pl.Basis != "seed 000 §二(二)5" {
		t.Errorf("plagiarism: %+v", pl)
	}
	pc := byTrigger[domain.TriggerPoorCredit]
	if pc.Year != 2026 || !hasEffect(pc.Sanction, domain.EffectPublicCriticism) || !hasEffect(pc.Sanction, domain.EffectInterview) ||
		!hasEffect(pc.Sanction, domain.EffectBlacklist) || pc.Blocks(domain.FamilyIPSubsidy, entityX) || pc.Basis != "seed 000 §二(二)5" {
		t.Errorf("poor_credit: %+v", pc)
	}
	if got := w.count(t, domain.ViolationCollection); got != len(domain.ViolationKinds) {
		t.Errorf("%d violations stored, want %d", got, len(domain.ViolationKinds))
	}
}

func effectEqual(a, b domain.Effect) bool {
	return a.Kind == b.Kind && a.Entities == b.Entities && slices.Equal(a.Families, b.Families)
}

func hasEffect(s *domain.Sanction, kind string) bool {
	return slices.ContainsFunc(s.Effects, func(e domain.Effect) bool { return e.Kind == kind })
}

func TestABadViolationNamesEveryBadFieldAndStoresNothing(t *testing.T) {
	w := newViolationWorld(t, newHarness(t, httpapi.Filing))
	r := w.do("POST", violationPath(w.code), w.officer, map[string]any{
		"kind": "jaywalking", "year": 1999, "detail": "", "affected_entities": []string{"not-an-id"}})
	expectRefusal(t, r, "invalid", "/kind", "/year", "/detail", "/affected_entities/0")
	// A future year, a blank detail and plagiarism without the applicants concerned.
	r = w.do("POST", violationPath(w.code), w.officer, map[string]any{"kind": "plagiarism", "year": 2028, "detail": "   "})
	expectRefusal(t, r, "invalid", "/year", "/detail", "/affected_entities")
	r = w.do("POST", violationPath(w.code), w.officer, map[string]any{"kind": "abnormal_patent_applications", "year": 2027,
		"detail": strings.Repeat("违", 2001), "affected_entities": []string{}})
	expectRefusal(t, r, "invalid", "/detail", "/affected_entities")
	if n := w.count(t, domain.ViolationCollection) + w.count(t, domain.SanctionCollection); n != 0 {
		t.Errorf("%d records stored by refused requests", n)
	}
	// This year is allowed.
	w.record(t, w.officer, map[string]any{"kind": "poor_service", "year": 2027, "detail": "服务质量差\n多次投诉"}, http.StatusCreated)
}

func TestOnlyTheDivisionsCityOfficerRecordsViolations(t *testing.T) {
	w := newViolationWorld(t, newHarness(t, httpapi.Filing))
	body := map[string]any{"kind": "poor_credit", "year": 2026, "detail": "信用不良"}
	for name, tok := range map[string]string{
		"another county's officer": w.token(domain.RoleCityOfficer, "officer-9", "320211"),
		"the agency itself":        w.agency,
		"another agency":           w.token(domain.RoleAgency, uscc(t, "320281", "MA20WW02"), ""),
		"a province officer":       w.token(domain.RoleProvinceOfficer, "officer-p", "320000"),
	} {
		r := w.do("POST", violationPath(w.code), tok, body)
		if r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404 as for an agency that does not exist: %s", name, r.status, r.body)
		}
	}
	// An agency that does not exist is 404 to the officer too; one never accepted is refused.
	w.expect(w.do("POST", violationPath(uscc(t, "320281", "MA20WW03")), w.officer, body), http.StatusNotFound)
	pending := uscc(t, "320281", "MA20WW04")
	w.expect(w.do("POST", "/v1/agencies", w.token(domain.RoleAgency, pending, ""), filingBody(pending, "代理机构VV04", "320281")), http.StatusCreated)
	expectRefusal(t, w.do("POST", violationPath(pending), w.officer, body), "rule_refused")
	if n := w.count(t, domain.ViolationCollection); n != 0 {
		t.Errorf("%d violations stored by refused requests", n)
	}
	// The prefecture's city officer may.
	w.record(t, w.token(domain.RoleCityOfficer, "officer-wx", "320200"), body, http.StatusCreated)
}

func TestTheAgencySeesItsOwnSanctionsAndNobodyElseDoes(t *testing.T) {
	w := newViolationWorld(t, newHarness(t, httpapi.Filing))
	rec := w.record(t, w.officer, map[string]any{"kind": "poor_credit", "year": 2026, "detail": "信用不良"}, http.StatusCreated)
	for name, tok := range map[string]string{"the agency": w.agency, "its officer": w.officer,
		"the province": w.token(domain.RoleProvinceOfficer, "officer-p", "320000")} {
		items := w.list(t, tok)
		if len(items) != 1 || items[0].ID != rec.Sanctions[0].ID || items[0].Basis == "" || items[0].Waived || items[0].Waiver != nil {
			t.Errorf("%s sees %+v", name, items)
		}
	}
	other := w.accepted(t, "MA20WW05")
	for name, tok := range map[string]string{
		"another agency":           w.token(domain.RoleAgency, other, ""),
		"another county's officer": w.token(domain.RoleCityOfficer, "officer-9", "320211"),
		"an enterprise":            w.token(domain.RoleEnterprise, entityX, ""),
	} {
		if r := w.do("GET", sanctionsPath(w.code), tok, nil); r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404: %s", name, r.status, r.body)
		}
	}
	if r := w.do("GET", sanctionsPath(w.code), "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", r.status)
	}
	// The other agency has no sanctions: an empty list, not null.
	r := w.expect(w.do("GET", sanctionsPath(other), w.officer, nil), http.StatusOK)
	if items, _ := r.json(t)["items"].([]any); items == nil || len(items) != 0 {
		t.Errorf("another agency's list: %s", r.body)
	}
}

func TestAWaiverLiftsASanctionOnce(t *testing.T) {
	w := newViolationWorld(t, newHarness(t, httpapi.Filing))
	rec := w.record(t, w.officer, map[string]any{"kind": "plagiarism", "year": 2026, "detail": "抄袭他人专利申请文件",
		"affected_entities": []string{entityX}}, http.StatusCreated)
	id := rec.Sanctions[0].ID
	reason := map[string]any{"reason": "经复核，系误报"}

	// Nobody but the division's city officer waives; to them the sanction does not exist.
	for name, tok := range map[string]string{"the agency": w.agency, "another county's officer": w.token(domain.RoleCityOfficer, "officer-9", "320211"),
		"the province": w.token(domain.RoleProvinceOfficer, "officer-p", "320000")} {
		if r := w.do("POST", waiverPath(w.code, id), tok, reason); r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404: %s", name, r.status, r.body)
		}
	}
	expectRefusal(t, w.do("POST", waiverPath(w.code, id), w.officer, map[string]any{"reason": " "}), "invalid", "/reason")
	expectRefusal(t, w.do("POST", waiverPath(w.code, id), w.officer, map[string]any{}), "invalid", "/reason")
	w.expect(w.do("POST", waiverPath(w.code, "no-such-sanction"), w.officer, reason), http.StatusNotFound)
	other := w.accepted(t, "MA20WW06")
	w.expect(w.do("POST", waiverPath(other, id), w.officer, reason), http.StatusNotFound) // not that agency's sanction

	r := w.expect(w.do("POST", waiverPath(w.code, id), w.officer, reason), http.StatusCreated)
	var v violations.SanctionView
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatal(err)
	}
	if !v.Waived || v.Waiver == nil || v.Waiver.Reason != "经复核，系误报" || v.Waiver.By.Subject != "officer-7" || v.ID != id {
		t.Errorf("waiver answer %s", r.body)
	}
	w.expect(w.do("POST", waiverPath(w.code, id), w.officer, map[string]any{"reason": "再次豁免"}), http.StatusConflict)

	items := w.list(t, w.agency)
	if len(items) != 1 || !items[0].Waived || items[0].Waiver == nil || items[0].Waiver.Reason != "经复核，系误报" ||
		items[0].Waiver.By.Role != domain.RoleCityOfficer || !items[0].Waiver.At.Equal(w.clock.Now()) {
		t.Fatalf("list after the waiver: %+v", items)
	}
	// The sanction itself is unchanged.
	if s := items[0].Sanction; s.Version != 1 || !slices.EqualFunc(s.Effects, rec.Sanctions[0].Effects, effectEqual) {
		t.Errorf("the waiver changed the sanction: %+v", s)
	}
}

func TestARetriedViolationIsRecordedOnce(t *testing.T) {
	var store *failingStore
	h := newHarness(t, func(d httpapi.Deps) *httpapi.Function {
		store = &failingStore{Store: d.Store}
		d.Store = store
		return httpapi.Filing(d)
	})
	w := newViolationWorld(t, h)
	body := map[string]any{"kind": "sci_tech_project_services", "year": 2026, "detail": "违规提供科技项目申报服务"}

	// A crash between the violation and its sanction: the key is released, nothing is sanctioned.
	store.armed, store.left = true, 0
	w.expect(w.do("POST", violationPath(w.code), w.officer, body, "Idempotency-Key", "viol-1"), http.StatusInternalServerError)
	if v, s := w.count(t, domain.ViolationCollection), w.count(t, domain.SanctionCollection); v != 1 || s != 0 {
		t.Fatalf("after the crash: %d violations, %d sanctions", v, s)
	}
	store.armed = false

	// The retry finds the violation and creates the missing sanction.
	first := w.record(t, w.officer, body, http.StatusCreated, "Idempotency-Key", "viol-1")
	if len(first.Sanctions) != 1 || first.Sanctions[0].ID != domain.SanctionID(w.code, domain.TriggerSciTechProjectServices, 2026, first.ID) {
		t.Fatalf("retry: %+v", first)
	}
	// A further retry replays the answer.
	r := w.expect(w.do("POST", violationPath(w.code), w.officer, body, "Idempotency-Key", "viol-1"), http.StatusCreated)
	if r.header.Get("Idempotent-Replayed") != "true" {
		t.Error("the second retry was not replayed")
	}
	if v, s := w.count(t, domain.ViolationCollection), w.count(t, domain.SanctionCollection); v != 1 || s != 1 {
		t.Errorf("after the retries: %d violations, %d sanctions; want one of each", v, s)
	}
	// Another key is another violation.
	second := w.record(t, w.officer, body, http.StatusCreated, "Idempotency-Key", "viol-2")
	if second.ID == first.ID || w.count(t, domain.SanctionCollection) != 2 {
		t.Errorf("a second violation under another key: %s vs %s", second.ID, first.ID)
	}
}
