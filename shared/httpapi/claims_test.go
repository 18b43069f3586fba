package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/httpapi"
)

// claimWorld is the subsidy-claim function with the functions whose records its decisions
// read, in Suzhou in 2022, while the measures are in force.
type claimWorld struct {
	*deadlineWorld
	enterprise, district, city string
	code                       string
}

func newClaimWorld(t *testing.T) *claimWorld {
	return claimWorldOn(t, newHarness(t, httpapi.SubsidyClaim, httpapi.Filing, httpapi.AnnualReport, httpapi.DeadlineJan31))
}

func claimWorldOn(t *testing.T, h *harness) *claimWorld {
	w := &claimWorld{deadlineWorld: &deadlineWorld{harness: h}, code: uscc(t, "320508", "MA1CL001")}
	w.at("2022-06-01T09:00:00")
	return w
}

func (w *claimWorld) at(t string) {
	w.deadlineWorld.at(beijing(t))
	w.enterprise = w.token(domain.RoleEnterprise, w.code, "")
	w.district = w.token(domain.RoleDistrictReviewer, "reviewer-gusu", "320508")
	w.city = w.token(domain.RoleCityOfficer, "officer-sz", "320500")
}

func pledgeClaim(code string, loanFen int64, disbursedOn string) map[string]any {
	return map[string]any{
		"programme": "pledge_reward",
		"claimant": map[string]any{"uscc": code, "name": "苏州姑苏智造科技有限公司", "district_code": "320508",
			"key_enterprise": false, "finance_platform_registered": true},
		"event": map[string]any{"loan_fen": loanFen, "disbursed_on": disbursedOn, "lender": "苏州银行姑苏支行",
			"pledge_registration_no": "Y2022320000123", "pledged_ip": []string{"ZL201910123456.7"}},
		"agencies": []any{}, "ownership_disputed": false, "credit_commitment": true,
	}
}

func feeClaim(code string, amountFen int64, paidOn, invoice string) map[string]any {
	c := pledgeClaim(code, 0, "")
	c["programme"] = "pledge_service_fee"
	c["event"] = map[string]any{"fees": []map[string]any{{"kind": "guarantee", "amount_fen": amountFen, "paid_on": paidOn, "invoice_no": invoice}}}
	return c
}

func (w *claimWorld) submit(t *testing.T, body map[string]any) domain.Claim {
	t.Helper()
	r := w.expect(w.do("POST", "/v1/subsidy-claims", w.enterprise, body), http.StatusCreated)
	var c domain.Claim
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *claimWorld) review(t *testing.T, token, id, stage, outcome string, status int) domain.Claim {
	t.Helper()
	body := map[string]any{"stage": stage, "outcome": outcome, "comment": "材料核验"}
	r := w.expect(w.do("POST", "/v1/subsidy-claims/"+id+"/reviews", token, body), status)
	var c domain.Claim
	json.Unmarshal(r.body, &c)
	return c
}

// throughNotice takes a claim from submission to the allocation stage.
func (w *claimWorld) throughNotice(t *testing.T, id string) {
	t.Helper()
	w.review(t, w.district, id, "district", "pass", http.StatusOK)
	w.review(t, w.city, id, "city", "pass", http.StatusOK)
}

func TestAPledgeClaimIsReviewedThroughEveryStageAndAllocated(t *testing.T) {
	w := newClaimWorld(t)
	c := w.submit(t, pledgeClaim(w.code, 500_000_000, "2022-05-20")) // a 5 million CNY loan
	if c.Status != domain.ClaimSubmitted || c.Decision == nil || !c.Decision.Eligible || c.Decision.AmountFen != 5_000_000 {
		t.Fatalf("submitted %+v; want 1%% of the loan: 50,000 CNY", c.Decision)
	}
	w.throughNotice(t, c.ID)
	notices := w.expect(w.do("GET", "/v1/public/notices", "", nil), http.StatusOK)
	var list httpapi.List[map[string]any]
	json.Unmarshal(notices.body, &list)
	if len(list.Items) != 1 || list.Items[0]["claimant"] != "苏州姑苏智造科技有限公司" || list.Items[0]["amount_fen"] != float64(5_000_000) {
		t.Errorf("public notices %s", notices.body)
	}
	// Allocation waits for the notice period to end.
	w.review(t, w.city, c.ID, "notice", "pass", http.StatusConflict)
	w.at("2022-06-08T09:00:00")
	w.review(t, w.city, c.ID, "notice", "pass", http.StatusOK)
	got := w.review(t, w.city, c.ID, "allocation", "pass", http.StatusOK)
	if got.Status != domain.ClaimAllocated || got.AllocatedFen != 5_000_000 || got.CityShareFen+got.DistShareFen != 5_000_000 {
		t.Fatalf("allocated %d (city %d, district %d), status %s", got.AllocatedFen, got.CityShareFen, got.DistShareFen, got.Status)
	}
	actions := []string{}
	for _, h := range got.History {
		actions = append(actions, h.Action+":"+h.Stage)
	}
	if want := []string{"submit:", "pass:district", "pass:city", "pass:notice", "pass:allocation"}; !slices.Equal(actions, want) {
		t.Errorf("history %v, want %v", actions, want)
	}
	if len(got.Decisions) != 5 || got.Decision.PolicyVersion == "" || got.Decision.Input.EventDate != "2022-05-20" {
		t.Errorf("%d decisions, latest %+v: every pass decides again and keeps its input", len(got.Decisions), got.Decision)
	}
	// Once per enterprise (第四条): a second claim is refused.
	r := w.expect(w.do("POST", "/v1/subsidy-claims", w.enterprise, pledgeClaim(w.code, 100_000_000, "2022-05-25")), http.StatusUnprocessableEntity)
	if p := r.json(t); p["code"] != "rule_refused" {
		t.Errorf("second pledge reward: %s", r.body)
	}
}

func TestAnEventOutsideEveryPeriodHasNoProgrammeInForce(t *testing.T) {
	w := newClaimWorld(t)
	w.at("2024-03-01T09:00:00")
	r := w.expect(w.do("POST", "/v1/subsidy-evaluations", w.enterprise, pledgeClaim(w.code, 500_000_000, "2024-01-01")), http.StatusOK)
	var d domain.SubsidyDecision
	json.Unmarshal(r.body, &d)
	if d.Eligible || len(d.Reasons) != 1 || d.Reasons[0].Code != "no_programme_in_force" {
		t.Fatalf("evaluation %s; want no programme in force", r.body)
	}
	if got := w.do("GET", "/v1/public/notices", "", nil); got.status != http.StatusOK {
		t.Fatal(got.status)
	}
}

// Eight fee claims of one enterprise for 20,000 CNY each in one year, allocated at once: the
// annual cap of 100,000 CNY (第五条) holds, on SQLite and on DynamoDB.
func TestConcurrentAllocationsNeverExceedTheAnnualCap(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { concurrentAllocations(t, newClaimWorld(t)) })
	t.Run("dynamodb", func(t *testing.T) {
		store := dynamotest.Start(t).Store(t)
		concurrentAllocations(t, claimWorldOn(t, newHarnessOn(t, store, httpapi.SubsidyClaim, httpapi.Filing, httpapi.AnnualReport, httpapi.DeadlineJan31)))
	})
}

func concurrentAllocations(t *testing.T, w *claimWorld) {
	var ids []string
	for i := range 8 {
		c := w.submit(t, feeClaim(w.code, 2_000_000, "2022-05-10", fmt.Sprintf("FP-2022-%03d", i)))
		w.throughNotice(t, c.ID)
		ids = append(ids, c.ID)
	}
	w.at("2022-06-08T09:00:00")
	for _, id := range ids {
		w.review(t, w.city, id, "notice", "pass", http.StatusOK)
	}
	var wg sync.WaitGroup
	statuses := make([]int, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = w.do("POST", "/v1/subsidy-claims/"+id+"/reviews", w.city, map[string]any{"stage": "allocation", "outcome": "pass"}).status
		}()
	}
	wg.Wait()
	var total int64
	allocated := 0
	for _, id := range ids {
		var c domain.Claim
		json.Unmarshal(w.expect(w.do("GET", "/v1/subsidy-claims/"+id, w.city, nil), http.StatusOK).body, &c)
		if c.Status == domain.ClaimAllocated {
			allocated++
			total += c.AllocatedFen
			reduced := slices.ContainsFunc(c.Decision.Reasons, func(r domain.SubsidyReason) bool {
				return r.Code == domain.ReasonReducedToCapRemaining && r.Basis == "seed 003 第五条"
			})
			if (c.AllocatedFen < 2_000_000) != reduced || c.Decision.AmountFen != c.AllocatedFen {
				t.Errorf("claim allocated %d fen, decision %d with reasons %+v: a reduction must say why", c.AllocatedFen, c.Decision.AmountFen, c.Decision.Reasons)
			}
		}
	}
	if total != 10_000_000 || allocated != 5 {
		t.Fatalf("allocated %d fen over %d claims (statuses %v); want exactly the 100,000 CNY cap over 5", total, allocated, statuses)
	}
}

func TestAReturnedClaimIsResubmittedToTheStageThatReturnedIt(t *testing.T) {
	w := newClaimWorld(t)
	c := w.submit(t, feeClaim(w.code, 3_000_000, "2022-05-10", "FP-2022-100"))
	w.review(t, w.district, c.ID, "district", "pass", http.StatusOK)
	got := w.review(t, w.city, c.ID, "city", "return", http.StatusOK)
	if got.Status != domain.ClaimReturned || got.ReturnedBy != "city" {
		t.Fatalf("returned: %s from %q", got.Status, got.ReturnedBy)
	}
	// The claimant corrects the invoice and resubmits: back to the city, not the district.
	fixed := feeClaim(w.code, 2_800_000, "2022-05-10", "FP-2022-100A")
	r := w.expect(w.do("PUT", "/v1/subsidy-claims/"+c.ID, w.enterprise, fixed, "If-Match", fmt.Sprintf(`"%d"`, got.Version)), http.StatusOK)
	var again domain.Claim
	json.Unmarshal(r.body, &again)
	if again.Status != domain.ClaimCityReview || again.Decision.AmountFen != 2_800_000 {
		t.Fatalf("resubmitted: %s with %d fen", again.Status, again.Decision.AmountFen)
	}
	w.review(t, w.city, c.ID, "city", "pass", http.StatusOK)
	w.at("2022-06-08T09:00:00")
	w.review(t, w.city, c.ID, "notice", "pass", http.StatusOK)
	final := w.review(t, w.city, c.ID, "allocation", "pass", http.StatusOK)
	if final.Status != domain.ClaimAllocated || final.AllocatedFen != 2_800_000 || final.CityShareFen != 1_400_000 || final.DistShareFen != 1_400_000 {
		t.Fatalf("allocated %d (city %d, district %d): 第五条 splits fees 50/50", final.AllocatedFen, final.CityShareFen, final.DistShareFen)
	}
}

func TestRecoveryReleasesTheCapAndDisqualifiesTheClaimant(t *testing.T) {
	w := newClaimWorld(t)
	c := w.submit(t, feeClaim(w.code, 10_000_000, "2022-05-10", "FP-2022-200"))
	w.throughNotice(t, c.ID)
	w.at("2022-06-08T09:00:00")
	w.review(t, w.city, c.ID, "notice", "pass", http.StatusOK)
	w.review(t, w.city, c.ID, "allocation", "pass", http.StatusOK)

	w.expect(w.do("POST", "/v1/subsidy-claims/"+c.ID+"/recovery", w.enterprise, map[string]any{"kind": "fraud", "amount_fen": 10_000_000, "reason": "伪造发票"}), http.StatusForbidden)
	w.expect(w.do("POST", "/v1/subsidy-claims/"+c.ID+"/recovery", w.city, map[string]any{"kind": "fraud", "amount_fen": 10_000_001, "reason": "伪造发票"}), http.StatusUnprocessableEntity)
	r := w.expect(w.do("POST", "/v1/subsidy-claims/"+c.ID+"/recovery", w.city, map[string]any{"kind": "fraud", "amount_fen": 10_000_000, "reason": "伪造担保费发票，经查实"}), http.StatusOK)
	var rec domain.Claim
	json.Unmarshal(r.body, &rec)
	if rec.Status != domain.ClaimRecovered || rec.Recovery == nil || rec.Recovery.AmountFen != 10_000_000 || !rec.Recovery.FalseCommitment {
		t.Fatalf("recovered: %s %+v", rec.Status, rec.Recovery)
	}
	// A false commitment disqualifies later claims (第十五条).
	ev := w.expect(w.do("POST", "/v1/subsidy-evaluations", w.enterprise, feeClaim(w.code, 1_000_000, "2022-05-20", "FP-2022-201")), http.StatusOK)
	var d domain.SubsidyDecision
	json.Unmarshal(ev.body, &d)
	if d.Eligible || !slices.ContainsFunc(d.Reasons, func(r domain.SubsidyReason) bool { return r.Code == "disqualified" }) {
		t.Errorf("after the recovery: %s", ev.body)
	}
}

func TestACreditRecordExcludesTheClaimant(t *testing.T) {
	w := newClaimWorld(t)
	integrator := w.token(domain.RoleIntegrator, "credit-jiangsu", "")
	body := map[string]any{"entity": w.code, "level": "serious", "period": map[string]any{"from": "2022-01-01"}, "source": "江苏省公共信用信息系统"}
	w.expect(w.do("PUT", "/v1/credit-records/XY-1", integrator, body), http.StatusForbidden) // no scope
	scoped, err := w.signer.Sign(domain.Principal{Role: domain.RoleIntegrator, Subject: "credit-jiangsu", Scopes: []string{"credit:write"}}, w.clock.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	w.expect(w.do("PUT", "/v1/credit-records/XY-1", scoped, body), http.StatusCreated)
	r := w.expect(w.do("POST", "/v1/subsidy-claims", w.enterprise, pledgeClaim(w.code, 500_000_000, "2022-05-20")), http.StatusUnprocessableEntity)
	if p := r.json(t); p["code"] != "rule_refused" || !strings.Contains(fmt.Sprint(p["detail"]), "第十二条") {
		t.Errorf("a seriously dishonest claimant: %s", r.body)
	}
	// The finding is corrected to minor: the claim is supported, and the history keeps both.
	body["level"] = "minor"
	r = w.expect(w.do("PUT", "/v1/credit-records/XY-1", scoped, body), http.StatusOK)
	if rec := r.json(t); len(rec["history"].([]any)) != 2 {
		t.Errorf("credit history %v", rec["history"])
	}
	w.submit(t, pledgeClaim(w.code, 500_000_000, "2022-05-20"))
}

func TestBadClaimsAreRefusedNamingEveryFieldOrRule(t *testing.T) {
	w := newClaimWorld(t)
	bad := pledgeClaim(w.code, -5, "2022-02-30")
	bad["credit_commitment"] = false
	bad["programme"] = "lottery"
	r := w.expect(w.do("POST", "/v1/subsidy-claims", w.enterprise, bad), http.StatusUnprocessableEntity)
	fields := r.fields(t)
	for _, f := range []string{"/programme", "/credit_commitment", "/event/loan_fen", "/event/disbursed_on"} {
		if !slices.Contains(fields, f) {
			t.Errorf("%s not named: %v", f, fields)
		}
	}
	outside := pledgeClaim(w.code, 500_000_000, "2022-05-20")
	outside["claimant"].(map[string]any)["district_code"] = "320281" // 江阴, outside Suzhou's urban districts
	r = w.expect(w.do("POST", "/v1/subsidy-claims", w.token(domain.RoleEnterprise, w.code, ""), outside), http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.body), "第二条") {
		t.Errorf("outside the jurisdiction: %s", r.body)
	}
	// Claiming for another enterprise: without a mandate it is not yours to claim.
	other := w.token(domain.RoleEnterprise, uscc(t, "320508", "MA1CL002"), "")
	w.expect(w.do("POST", "/v1/subsidy-claims", other, pledgeClaim(w.code, 500_000_000, "2022-05-20")), http.StatusForbidden)
	if got := w.expect(w.do("GET", "/v1/public/notices", "", nil), http.StatusOK); strings.Contains(string(got.body), "SC") {
		t.Errorf("a refused claim was stored: %s", got.body)
	}
}

func TestAMandatedBankClaimsAndTheEnterpriseFollowsIt(t *testing.T) {
	w := newClaimWorld(t)
	bankCode := "91320500MA1BANK031"
	bank := w.token(domain.RoleMandatedSubmitter, bankCode, "")
	body := pledgeClaim(w.code, 300_000_000, "2022-05-20")
	w.expect(w.do("POST", "/v1/subsidy-claims", bank, body), http.StatusUnprocessableEntity) // no mandate named
	body["mandate"] = map[string]any{"submitter_uscc": "91320211MA20WX013C", "reference": "WT-1"}
	w.expect(w.do("POST", "/v1/subsidy-claims", bank, body), http.StatusForbidden) // another bank's mandate
	body["mandate"] = map[string]any{"submitter_uscc": bankCode, "reference": "WT-2022-0611"}
	r := w.expect(w.do("POST", "/v1/subsidy-claims", bank, body), http.StatusCreated)
	id := r.json(t)["id"].(string)
	w.expect(w.do("GET", "/v1/subsidy-claims/"+id, w.enterprise, nil), http.StatusOK)
	w.expect(w.do("GET", "/v1/subsidy-claims/"+id, w.token(domain.RoleEnterprise, uscc(t, "320508", "MA1CL003"), ""), nil), http.StatusNotFound)
	w.expect(w.do("GET", "/v1/subsidy-claims/"+id, w.token(domain.RoleDistrictReviewer, "r", "320505"), nil), http.StatusNotFound)
}
