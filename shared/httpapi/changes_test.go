package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/violations"
)

const bankCode = "91320500MA1BANK031"

func (h *harness) scoped(subject string, scopes ...string) string {
	h.t.Helper()
	tok, err := h.signer.Sign(domain.Principal{Role: domain.RoleIntegrator, Subject: subject, Scopes: scopes}, h.clock.Now(), time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// feed reads the whole feed after cursor as token sees it, limit changes a page, following
// next_cursor until a page comes back empty.
func (h *harness) feed(t *testing.T, token, after string, limit int) []domain.ChangeItem {
	t.Helper()
	var all []domain.ChangeItem
	for range 100 {
		r := h.expect(h.do("GET", fmt.Sprintf("/v1/changes?after=%s&limit=%d", after, limit), token, nil), http.StatusOK)
		var page domain.ChangePage
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		if page.NextCursor == "" {
			t.Fatalf("a page without next_cursor: %s", r.body)
		}
		if len(page.Items) == 0 && page.NextCursor == after {
			return all
		}
		all = append(all, page.Items...)
		after = page.NextCursor
	}
	t.Fatal("the feed never ended")
	return nil
}

func changeKinds(items []domain.ChangeItem) []string {
	out := make([]string, len(items))
	for i, c := range items {
		out[i] = c.Kind + ":" + c.RecordType + ":" + c.Status
	}
	return out
}

// feedScenario walks records of every kind the feed reports through their changes, and returns
// what a provincial officer (who may read all of them) should see, in order.
func feedScenario(t *testing.T, w *claimWorld) []string {
	t.Helper()
	agency := uscc(t, "320508", "MA1FD001")
	w.expect(w.do("POST", "/v1/agencies", w.token(domain.RoleAgency, agency, ""), filingBody(agency, "苏州姑苏专利代理有限公司", "320508")), http.StatusCreated)
	w.expect(w.do("POST", "/v1/agencies/"+agency+"/review", w.city, map[string]any{"outcome": "accept"}), http.StatusOK)
	want := []string{"filing.accepted:agency:accepted"}

	r := w.expect(w.do("POST", violationPath(agency), w.city, map[string]any{"kind": "poor_credit", "year": 2022, "detail": "经核查属实"}), http.StatusCreated)
	var rec violations.Recorded
	if err := json.Unmarshal(r.body, &rec); err != nil || len(rec.Sanctions) == 0 {
		t.Fatalf("violation: %s", r.body)
	}
	for range rec.Sanctions {
		want = append(want, "sanction.created:sanction:")
	}
	w.expect(w.do("POST", waiverPath(agency, rec.Sanctions[0].ID), w.city, map[string]any{"reason": "复核后撤销"}), http.StatusCreated)
	want = append(want, "sanction.waived:sanction:")

	bank := w.scoped(bankCode, "claims:submit")
	body := pledgeClaim(w.code, 300_000_000, "2022-05-20")
	body["mandate"] = map[string]any{"submitter_uscc": bankCode, "reference": "WT-2022-0611"}
	id := w.expect(w.do("POST", "/v1/subsidy-claims", bank, body), http.StatusCreated).json(t)["id"].(string)
	w.throughNotice(t, id)
	want = append(want, "claim.status_changed:subsidy_claim:submitted", "claim.status_changed:subsidy_claim:city_review",
		"claim.status_changed:subsidy_claim:public_notice")

	w.expect(w.do("POST", "/v1/agencies/"+agency+"/deregistration", w.city, map[string]any{"reason": "机构申请注销"}), http.StatusOK)
	want = append(want, "filing.deregistered:agency:deregistered")

	w.clock.Set(beijing("2027-03-01T09:00:00"), true)
	county := w.token(domain.RoleCountyGovernment, "320281", "320281")
	// Not for the province to see: an application is the county's until submitted.
	w.expect(w.do("POST", "/v1/cluster-applications", county, applicationBody(t, "320281")), http.StatusCreated)
	return want
}

func TestTheChangeFeedReplaysEveryChangeInOrderAndShowsEachReaderOnlyWhatItMayRead(t *testing.T) {
	for _, store := range []string{"sqlite", "dynamodb"} {
		t.Run(store, func(t *testing.T) {
			functions := []func(httpapi.Deps) *httpapi.Function{httpapi.Filing, httpapi.AnnualReport, httpapi.DeadlineJan31, httpapi.ClusterApplication}
			var h *harness
			if store == "sqlite" {
				h = newHarness(t, httpapi.SubsidyClaim, functions...)
			} else {
				h = newHarnessOn(t, dynamotest.Start(t).Store(t), httpapi.SubsidyClaim, functions...)
			}
			w := claimWorldOn(t, h)
			want := feedScenario(t, w)
			province := w.token(domain.RoleProvinceOfficer, "officer-js", "320000")

			all := w.feed(t, province, "0", 500)
			if got := changeKinds(all); !slices.Equal(got, want) {
				t.Fatalf("from cursor 0 the province sees\n%v\nwant\n%v", got, want)
			}
			for i, c := range all {
				if c.Cursor != strconv.Itoa(i+1) || c.RecordID == "" || c.Href == "" || c.RecordVersion < 1 || c.At.IsZero() {
					t.Errorf("change %d: %+v", i, c)
				}
			}
			// Every change can be followed to its record.
			for _, c := range all {
				if c.RecordType == "subsidy_claim" || c.RecordType == "agency" || c.RecordType == "cluster_application" {
					w.expect(w.do("GET", c.Href, province, nil), http.StatusOK)
				}
			}
			if got := changeKinds(w.feed(t, province, "0", 2)); !slices.Equal(got, want) {
				t.Errorf("two at a time, the feed is\n%v", got)
			}
			middle := all[3].Cursor
			if got := changeKinds(w.feed(t, province, middle, 3)); !slices.Equal(got, want[4:]) {
				t.Errorf("from cursor %s: %v, want %v", middle, got, want[4:])
			}

			seen := func(token string) []string { return changeKinds(w.feed(t, token, "0", 50)) }
			onlyKinds := func(prefixes ...string) []string {
				var out []string
				for _, k := range want {
					for _, p := range prefixes {
						if len(k) >= len(p) && k[:len(p)] == p {
							out = append(out, k)
						}
					}
				}
				return out
			}
			register := w.scoped("js-data-platform", "changes:read", "register:read")
			if got, exp := seen(register), onlyKinds("filing.", "sanction."); !slices.Equal(got, exp) {
				t.Errorf("the data platform (register:read) sees %v, want %v", got, exp)
			}
			bankFeed := w.scoped(bankCode, "changes:read", "claims:submit")
			if got, exp := seen(bankFeed), onlyKinds("claim."); !slices.Equal(got, exp) {
				t.Errorf("the bank sees %v, want its claim's changes %v", got, exp)
			}
			if got := seen(w.scoped("other-bank-system", "changes:read", "claims:submit")); len(got) != 0 {
				t.Errorf("another bank sees %v", got)
			}
			if got := seen(w.scoped("js-data-platform", "changes:read")); len(got) != 0 {
				t.Errorf("a credential that may read no record sees %v", got)
			}
			if got := seen(w.token(domain.RoleCityOfficer, "officer-wx", "320200")); len(got) != 0 {
				t.Errorf("a Wuxi officer sees Suzhou's and Jiangyin's changes: %v", got)
			}
			if got := seen(w.token(domain.RoleCountyGovernment, "320281", "320281")); !slices.Equal(got, []string{"cluster.status_changed:cluster_application:draft"}) {
				t.Errorf("the county sees %v, want its draft", got)
			}
			if got, exp := seen(w.token(domain.RoleEnterprise, w.code, "")), onlyKinds("claim."); !slices.Equal(got, exp) {
				t.Errorf("the enterprise sees %v, want the changes of the claim made for it %v", got, exp)
			}

			w.expect(w.do("GET", "/v1/changes?after=0", w.scoped("js-data-platform", "register:read"), nil), http.StatusForbidden)
			w.expect(w.do("GET", "/v1/changes?after=0", "", nil), http.StatusUnauthorized)
			bad := w.expect(w.do("GET", "/v1/changes?after=-1&limit=501", province, nil), http.StatusUnprocessableEntity)
			if got := bad.fields(t); !slices.Equal(got, []string{"after", "limit"}) {
				t.Errorf("bad cursor and limit name %v", got)
			}
			// The last change, the county's draft, is hidden from the province, yet the cursor
			// moves past it.
			head := strconv.Itoa(len(want) + 1)
			w.expect(w.do("GET", "/v1/changes?after="+strconv.Itoa(len(want)+2), province, nil), http.StatusUnprocessableEntity)
			end := w.expect(w.do("GET", "/v1/changes?after="+strconv.Itoa(len(want)), province, nil), http.StatusOK).json(t)
			if end["next_cursor"] != head || len(end["items"].([]any)) != 0 {
				t.Errorf("at the end of the feed: %v", end)
			}
		})
	}
}

func TestIntegratorScopesGuardEachOperation(t *testing.T) {
	w := newClaimWorld(t)
	body := pledgeClaim(w.code, 300_000_000, "2022-05-20")
	body["mandate"] = map[string]any{"submitter_uscc": bankCode, "reference": "WT-2022-0611"}
	w.expect(w.do("POST", "/v1/subsidy-claims", w.scoped(bankCode, "eligibility:read"), body), http.StatusForbidden)
	w.expect(w.do("POST", "/v1/subsidy-claims", w.scoped("91320211MA20WX013C", "claims:submit"), body), http.StatusForbidden)
	noMandate := pledgeClaim(w.code, 300_000_000, "2022-05-20")
	if got := w.expect(w.do("POST", "/v1/subsidy-claims", w.scoped(bankCode, "claims:submit"), noMandate), http.StatusUnprocessableEntity).fields(t); !slices.Contains(got, "/mandate") {
		t.Errorf("a bank's system claiming without a mandate: %v", got)
	}
	bank := w.scoped(bankCode, "claims:submit")
	id := w.expect(w.do("POST", "/v1/subsidy-claims", bank, body), http.StatusCreated).json(t)["id"].(string)
	w.expect(w.do("GET", "/v1/subsidy-claims/"+id, bank, nil), http.StatusOK)
	w.expect(w.do("GET", "/v1/subsidy-claims/"+id, w.scoped(bankCode, "eligibility:read"), nil), http.StatusNotFound)
	// The bank sees the claim, so reviewing it is refused, not hidden.
	w.expect(w.do("POST", "/v1/subsidy-claims/"+id+"/reviews", bank, map[string]any{"stage": "district", "outcome": "pass"}), http.StatusForbidden)

	agency := uscc(t, "320508", "MA1FD002")
	w.expect(w.do("POST", "/v1/agencies", w.token(domain.RoleAgency, agency, ""), filingBody(agency, "苏州专利事务所", "320508")), http.StatusCreated)
	w.expect(w.do("GET", "/v1/agencies/"+agency, w.scoped("js-data-platform", "register:read"), nil), http.StatusOK)
	w.expect(w.do("GET", "/v1/agencies/"+agency, w.scoped("js-data-platform", "changes:read"), nil), http.StatusNotFound)
	w.expect(w.do("GET", "/v1/agencies?status=submitted", w.scoped("js-data-platform", "register:read"), nil), http.StatusOK)
	w.expect(w.do("GET", "/v1/agencies?status=submitted", w.scoped("js-data-platform", "eligibility:read"), nil), http.StatusForbidden)
	w.expect(w.do("GET", "/v1/eligibility?entity="+w.code+"&year=2022", w.scoped("sci-tech", "register:read"), nil), http.StatusForbidden)
}
