package main

// The citizens' remaining tasks in a browser: an enterprise corrects and resubmits a returned
// claim; an enterprise its agency reported as a client rates the agency; the eligibility page
// shows a late agency's block with its basis; an agency sees its sanction and notices and
// deregisters; a county government reads its notices. The records are set up through the API
// (b.api) as the API tests do. The platform clock stays years ahead of the browser's, since the
// site drops a session whose expiry has passed by the browser's own clock; claims of 2022
// events are still judged by the 2021–2023 measures, which go by the date of the event.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/testkit"
)

// citizenSignIn signs in through the sign-in page as a fresh identity and waits until the page
// has sent the browser on, so the next b.open is not overtaken by that navigation.
func citizenSignIn(b *browser, role, subject, division string) string {
	b.t.Helper()
	if strings.HasPrefix(b.location(), b.url) {
		eval[bool](b, `(sessionStorage.clear(), true)`)
	}
	tok := b.signIn(role, subject, division)
	b.waitFor("the sign-in page to send the browser on", `!location.pathname.endsWith('/signin.html')`)
	return tok
}

// citizenReport is a complete annual report listing clients by code.
func citizenReport(clients ...string) map[string]any {
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

// acceptedAgency files an agency of 江阴 (320281) through the API and has its city officer
// accept it; it answers the agency's code.
func acceptedAgency(t *testing.T, b *browser, body8, name string) string {
	t.Helper()
	code := fileAgency(t, b, body8, name, "320281")
	if status, res := b.api(http.MethodPost, "/v1/agencies/"+code+"/review", b.token("city_officer", "", "320281"), map[string]any{"outcome": "accept"}); status != http.StatusOK {
		t.Fatalf("accept %s: %d %v", code, status, res)
	}
	return code
}

// reportClients submits the agency's annual report for year listing clients, at the clock's time.
func reportClients(t *testing.T, b *browser, code string, year int, clients ...string) map[string]any {
	t.Helper()
	status, res := b.api(http.MethodPut, fmt.Sprintf("/v1/agencies/%s/annual-reports/%d", code, year), b.token("agency", code, ""), citizenReport(clients...))
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("report %d of %s: %d %v", year, code, status, res)
	}
	return res
}

// runJan31 runs the 31 January deadline of year as the scheduler would.
func runJan31(t *testing.T, b *browser, year int) {
	t.Helper()
	status, res := b.api(http.MethodPost, "/v1/deadline-runs", b.token("scheduler", "cron-ops-01", ""), map[string]any{"deadline": "jan31", "year": year})
	if status/100 != 2 {
		t.Fatalf("jan31 run %d: %d %v", year, status, res)
	}
}

func TestBrowserCitizenCorrectsAReturnedClaim(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2030-03-01T09:00:00+08:00")
	ent := b.token("enterprise", gusuEnterprise, "")
	claim := map[string]any{
		"programme": "pledge_service_fee",
		"claimant": map[string]any{"uscc": gusuEnterprise, "name": "苏州姑苏智造科技有限公司", "district_code": "320508",
			"key_enterprise": false, "finance_platform_registered": true},
		"event":    map[string]any{"fees": []map[string]any{{"kind": "guarantee", "amount_fen": 3_000_000, "paid_on": "2022-05-10", "invoice_no": "FP-2022-100"}}},
		"agencies": []any{}, "ownership_disputed": false, "credit_commitment": true,
	}
	status, res := b.api(http.MethodPost, "/v1/subsidy-claims", ent, claim)
	id, _ := res["id"].(string)
	if status != http.StatusCreated || id == "" {
		t.Fatalf("claim: %d %v", status, res)
	}
	review := func(token, stage, outcome, comment string) {
		t.Helper()
		if status, res := b.api(http.MethodPost, "/v1/subsidy-claims/"+id+"/reviews", token, map[string]any{"stage": stage, "outcome": outcome, "comment": comment}); status != http.StatusOK {
			t.Fatalf("%s %s: %d %v", stage, outcome, status, res)
		}
	}
	review(b.token("district_reviewer", "", "320508"), "district", "pass", "材料齐全")
	const comment = "发票号码有误，应为 FP-2022-100A；担保费按发票金额 28,000.00 元申报"
	review(b.token("city_officer", "", "320500"), "city", "return", comment)

	// A fresh browser remembers no claim: the list comes from the platform.
	citizenSignIn(b, "enterprise", gusuEnterprise, "")
	b.open("/claims.html")
	card := "#claim-" + id
	b.waitVisible(card + " .claim-returned")
	returned := b.text(card + " .claim-returned")
	for _, want := range []string{"需要您补正", "市级复审", comment} {
		if !strings.Contains(returned, want) {
			t.Errorf("the returned claim's notice lacks %q:\n%s", want, returned)
		}
	}
	if got := b.text(card + " .claim-status"); got != "已退回补正" {
		t.Errorf("status %q", got)
	}
	b.checkLabels(t)
	b.screenshot("claims-returned")

	// The correction: the return shown, the form filled with what was submitted.
	b.click(card + " a.claim-correct")
	b.waitVisible("#correct-form")
	if got := b.text("#return-comment"); got != comment {
		t.Errorf("return comment %q", got)
	}
	if got := b.text("#return-stage"); got != "市级复审" {
		t.Errorf("return stage %q", got)
	}
	for sel, want := range map[string]string{"#fee-0-invoice": "FP-2022-100", "#fee-0-amount": "30,000.00", "#fee-0-paid-on": "2022-05-10", "#claimant-name": "苏州姑苏智造科技有限公司"} {
		if got := eval[string](b, fmt.Sprintf(`document.querySelector(%q).value`, sel)); got != want {
			t.Errorf("%s prefilled %q, want %q", sel, got, want)
		}
	}
	if !eval[bool](b, `document.querySelector('#credit-commitment').checked`) {
		t.Error("the credit commitment is not prefilled")
	}
	b.checkLabels(t)

	// A bad amount is refused in place; the draft survives a reload.
	b.fill("#fee-0-invoice", "FP-2022-100A")
	b.fill("#fee-0-amount", "28,000.001")
	b.click("#correct-submit")
	b.waitVisible(".error-summary")
	b.waitFor("the error summary focused, linking to the amount", `document.activeElement?.classList.contains('error-summary') && !!document.activeElement.querySelector('a[href="#fee-0-amount"]')`)
	b.screenshot("claim-correct-error")
	b.open("/claim-correct.html?id=" + id)
	b.waitVisible("#correct-form")
	if got := eval[string](b, `document.querySelector('#fee-0-invoice').value`); got != "FP-2022-100A" {
		t.Errorf("after a reload the invoice holds %q, want the draft's FP-2022-100A", got)
	}
	b.fill("#fee-0-amount", "28,000.00")
	b.click("#correct-submit")
	b.waitVisible("#correct-receipt")
	if got := b.text("#correct-receipt-status"); got != "待市级复审" {
		t.Errorf("receipt status %q", got)
	}
	if got := b.text("#correct-next"); !strings.Contains(got, "市级复审") {
		t.Errorf("what happens next: %q", got)
	}
	b.screenshot("claim-corrected")

	status, res = b.api(http.MethodGet, "/v1/subsidy-claims/"+id, ent, nil)
	if status != http.StatusOK || res["status"] != "city_review" {
		t.Fatalf("after the correction: %d %v", status, res["status"])
	}
	fee := res["claim"].(map[string]any)["event"].(map[string]any)["fees"].([]any)[0].(map[string]any)
	if fee["invoice_no"] != "FP-2022-100A" || fee["amount_fen"] != float64(2_800_000) {
		t.Errorf("stored fee %v, want FP-2022-100A for 2,800,000 fen", fee)
	}

	// A claim that is no longer returned has nothing to correct.
	b.open("/claim-correct.html?id=" + id)
	b.waitVisible("#correct-problem")
	if got := b.text("#correct-problem"); !strings.Contains(got, "待市级复审") {
		t.Errorf("a claim under review offered for correction: %q", got)
	}
	if errs := scriptErrors(b); len(errs) > 0 {
		t.Errorf("script errors: %v", errs)
	}
}

func TestBrowserCitizenRatesAnAgencyThatServedIt(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2030-06-01T09:00:00+08:00")
	code := acceptedAgency(t, b, "MA20RT01", "江阴市评价专利代理有限公司")
	client := testkit.USCC(t, "91320281", "MA2ECL01")
	b.setClock("2031-01-10T10:00:00+08:00")
	reportClients(t, b, code, 2030, client)

	citizenSignIn(b, "enterprise", client, "")
	b.open("/agency.html?uscc=" + code)
	b.waitVisible("#rating-form")
	if got := b.text("#rating"); got != "尚无评价。" {
		t.Errorf("rating before any: %q", got)
	}
	b.checkLabels(t)

	// No score: the summary takes focus and links to the first score.
	b.click("#rating-submit")
	b.waitVisible("#rating-form .error-summary")
	b.waitFor("the error summary focused", `document.activeElement?.classList.contains('error-summary') && !!document.activeElement.querySelector('a[href="#rating-score-5"]')`)

	b.click("#rating-score-4")
	b.fill("#rating-comment", "响应及时，检索报告清楚。\n<script>alert(1)</script>")
	b.click("#rating-submit")
	b.waitVisible("#rating-done")
	if got := b.text("#rating-done"); !strings.Contains(got, "4 分") {
		t.Errorf("confirmation %q", got)
	}
	b.waitFor("the public average", `document.querySelector('#rating')?.textContent.includes('平均 4.00 分') && document.querySelector('#rating').textContent.includes('共 1 条')`)
	b.screenshot("agency-rated")

	// Everyone sees the average on the public page.
	eval[bool](b, `(sessionStorage.clear(), true)`)
	b.open("/agency.html?uscc=" + code)
	b.waitVisible("#rate-signin")
	if got := b.text("#rating"); !strings.Contains(got, "平均 4.00 分") {
		t.Errorf("the public page's rating %q", got)
	}

	// An enterprise the agency never reported gets the platform's 404, explained.
	stranger := testkit.USCC(t, "91320281", "MA2ECL02")
	citizenSignIn(b, "enterprise", stranger, "")
	b.open("/agency.html?uscc=" + code)
	b.waitVisible("#rating-form")
	b.click("#rating-score-1")
	b.click("#rating-submit")
	b.waitVisible("#rating-form .error-summary")
	if got := b.text("#rating-form .error-summary"); !strings.Contains(got, "只有该机构在年度报告中列为服务对象的企业") {
		t.Errorf("a stranger's refusal: %q", got)
	}
	b.screenshot("agency-rating-refused")
	if d := b.dialogsOpened(); len(d) > 0 {
		t.Errorf("dialogs opened: %v", d)
	}
	if errs := scriptErrors(b); len(errs) > 0 {
		t.Errorf("script errors: %v", errs)
	}
}

func TestBrowserCitizenEligibilityShowsALateAgencysBlock(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2030-06-01T09:00:00+08:00")
	late := acceptedAgency(t, b, "MA20LT01", "江阴市迟报知识产权代理有限公司")
	client := testkit.USCC(t, "91320281", "MA2ECL03")
	// The 2030 report arrives after the cutoff, listing the client; the run sanctions the agency.
	b.setClock("2031-02-01T00:00:05+08:00")
	if rep := reportClients(t, b, late, 2030, client); rep["on_time"] != false {
		t.Fatalf("the late report is on_time=%v", rep["on_time"])
	}
	runJan31(t, b, 2031)

	citizenSignIn(b, "enterprise", client, "")
	if !eval[bool](b, `!!document.querySelector('#site-nav a[data-nav=eligibility]')`) {
		t.Error("an enterprise's navigation has no eligibility page")
	}
	b.open("/eligibility.html")
	b.waitVisible("#eligibility-form")
	if got := eval[string](b, `document.querySelector('#elig-entity').value`); got != client {
		t.Errorf("entity prefilled %q, want the enterprise's own %s", got, client)
	}
	if got := eval[string](b, `document.querySelector('#elig-year').value`); got != "2031" {
		t.Errorf("year prefilled %q, want the platform's 2031", got)
	}
	b.checkLabels(t)
	b.click("#elig-submit")
	b.waitVisible(`#family-ip_subsidy[data-eligible="false"]`)
	ip := b.text("#family-ip_subsidy")
	for _, want := range []string{"暂停资助", late, "未按时报送年度报告", "2031", "seed 000 §二(二)1"} {
		if !strings.Contains(ip, want) {
			t.Errorf("the IP subsidy block lacks %q:\n%s", want, ip)
		}
	}
	if !eval[bool](b, `document.querySelector('#family-patent_subsidy').dataset.eligible === 'true'`) {
		t.Errorf("patent subsidies: %s", b.text("#family-patent_subsidy"))
	}
	if got := b.text("#agencies-considered"); !strings.Contains(got, late) || !strings.Contains(got, "年度报告列为服务对象") {
		t.Errorf("agencies considered: %q", got)
	}
	b.screenshot("eligibility-blocked")

	// The sanction takes effect in 2031 only: 2030 is eligible in every family.
	b.fill("#elig-year", "2030")
	b.click("#elig-submit")
	b.waitFor("2030 eligible", `document.querySelector('#result-title')?.textContent.includes('2030') && [...document.querySelectorAll('.family')].every((f) => f.dataset.eligible === 'true')`)
	b.screenshot("eligibility-eligible")

	// In English.
	b.click("#lang-en")
	b.waitFor("English", `document.querySelector('h1')?.textContent === 'Subsidy eligibility'`)
	if got := b.text("label[for=elig-year]"); got != "Year" {
		t.Errorf("year label in English %q", got)
	}
	if got := b.text("#family-ip_subsidy .family-outcome"); got != "Eligible" {
		t.Errorf("outcome in English %q", got)
	}
	b.checkLabels(t)
	b.screenshot("eligibility-en")

	// A bad code is refused at the field.
	b.fill("#elig-entity", "123")
	b.click("#elig-submit")
	b.waitFor("the error summary linking to the entity", `document.activeElement?.classList.contains('error-summary') && !!document.activeElement.querySelector('a[href="#elig-entity"]')`)
	if errs := scriptErrors(b); len(errs) > 0 {
		t.Errorf("script errors: %v", errs)
	}
}

func TestBrowserCitizenAgencySeesItsSanctionAndDeregisters(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2030-06-01T09:00:00+08:00")
	code := acceptedAgency(t, b, "MA20DR01", "江阴市注销专利代理有限公司")

	// The 15-day reminder (the job the scheduler runs at 09:00), then the cutoff passes with no report.
	b.setClock("2031-01-20T10:00:00+08:00")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := b.plat.functions["deadline-jan31"].RunScheduled(ctx, httpapi.JobJan31Reminders, time.Date(2031, 1, 20, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))); err != nil {
		t.Fatalf("reminders: %v", err)
	}
	b.setClock("2031-02-01T00:00:05+08:00")
	runJan31(t, b, 2031)

	tok := citizenSignIn(b, "agency", code, "")
	b.open("/mine.html")
	b.waitVisible("#sanctions-table")
	row := b.text("#sanctions-table tbody tr")
	for _, want := range []string{"未按时报送年度报告", "2030", "2031", "seed 000 §二(二)1", "有效"} {
		if !strings.Contains(row, want) {
			t.Errorf("the sanction lacks %q:\n%s", want, row)
		}
	}
	if got := b.text("#notice-list"); !strings.Contains(got, "年度报告") {
		t.Errorf("notices: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("mine-sanction-notices")

	// Deregistration: a button, then a confirmation that must be ticked.
	b.click("#deregister-start")
	b.waitVisible("#deregister-form")
	b.checkLabels(t)
	b.click("#deregister-submit")
	b.waitFor("the error summary linking to the confirmation", `document.activeElement?.classList.contains('error-summary') && !!document.activeElement.querySelector('a[href="#deregister-confirm"]')`)
	if status, res := b.api(http.MethodGet, "/v1/agencies/"+code, tok, nil); status != http.StatusOK || res["status"] != "accepted" {
		t.Fatalf("an unconfirmed deregistration changed the filing: %d %v", status, res["status"])
	}
	b.screenshot("mine-deregister-confirm")
	b.click("#deregister-confirm")
	b.fill("#deregister-reason", "公司业务调整，不再从事知识产权服务")
	b.click("#deregister-submit")
	b.waitVisible("#deregistered")
	if got := b.text("#filing-status"); got != "已注销" {
		t.Errorf("filing status after deregistering %q", got)
	}
	if eval[bool](b, `!!document.querySelector('#deregister-start')`) {
		t.Error("a deregistered filing still offers deregistration")
	}
	if status, res := b.api(http.MethodGet, "/v1/agencies/"+code, tok, nil); status != http.StatusOK || res["status"] != "deregistered" {
		t.Errorf("the filing is %d %v", status, res["status"])
	}
	b.screenshot("mine-deregistered")

	b.click("#lang-en")
	b.waitFor("English", `document.querySelector('#sanctions-title')?.textContent === 'Sanctions'`)
	if got := b.text("#sanctions-table tbody tr"); !strings.Contains(got, "Annual report not on time") {
		t.Errorf("the sanction in English: %q", got)
	}
	b.screenshot("mine-deregistered-en")
	if errs := scriptErrors(b); len(errs) > 0 {
		t.Errorf("script errors: %v", errs)
	}
}

func TestBrowserCitizenCountyReadsItsNotices(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2030-03-01T09:00:00+08:00")
	citizenSignIn(b, "county_government", "320281", "320281")
	if !eval[bool](b, `!!document.querySelector('#site-nav a[data-nav="my-notices"]')`) {
		t.Error("a county's navigation has no notices page")
	}
	b.open("/notices-mine.html")
	b.waitVisible("#notices-none")
	b.checkLabels(t)
	b.screenshot("notices-mine-county")
	b.click("#lang-en")
	b.waitFor("English", `document.querySelector('#notices-none')?.textContent === 'No notice yet.' && document.querySelector('h1').textContent === 'My notices'`)
	if errs := scriptErrors(b); len(errs) > 0 {
		t.Errorf("script errors: %v", errs)
	}
}
