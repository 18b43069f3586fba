package main

// The officers' workbench in a browser: a city officer accepts a filing and sees its number, a
// refusal shows in the officer's language, a district reviewer passes a claim, and the deadline
// runs show their counts once the cutoff has passed.

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/testkit"
)

// fileAgency files an agency of district through the API and answers its code.
func fileAgency(t *testing.T, b *browser, body8, name, district string) string {
	t.Helper()
	code := testkit.USCC(t, "91"+district, body8)
	if status, res := b.api(http.MethodPost, "/v1/agencies", b.token("agency", code, ""), testkit.AgencyFiling(code, name, district)); status != http.StatusCreated {
		t.Fatalf("filing %s: %d %v", code, status, res)
	}
	return code
}

// officerSignIn signs in through the sign-in page and waits until it has sent the browser on,
// so the next b.open is not overtaken by the sign-in page's own navigation (the header shows
// the identity before that navigation happens).
func officerSignIn(b *browser, role, division string) {
	b.t.Helper()
	if strings.HasPrefix(b.location(), b.url) {
		eval[bool](b, `(sessionStorage.clear(), true)`)
	}
	b.signIn(role, "", division)
	b.waitFor("the sign-in page to send the browser on", `!location.pathname.endsWith('/signin.html')`)
}

func TestWorkbenchCityOfficerAcceptsAFilingAndSeesItsNumber(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2030-03-01T10:00:00+08:00")
	code := fileAgency(t, b, "MA20JY01", "江阴市知信专利代理有限公司", "320281")
	other := fileAgency(t, b, "MA20JY02", `江阴"><img src=x onerror=alert(1)>知识产权咨询有限公司`, "320281")

	officerSignIn(b, "city_officer", "320281")
	b.open("/workbench.html")
	item := fmt.Sprintf(`article[data-uscc="%s"]`, code)
	b.waitVisible(item)
	if got := b.text(item + " h3"); got != "江阴市知信专利代理有限公司" {
		t.Errorf("the queue shows %q", got)
	}
	// A name with markup is shown as text, never parsed.
	otherItem := fmt.Sprintf(`article[data-uscc="%s"]`, other)
	if got := b.text(otherItem + " h3"); !strings.Contains(got, `"><img src=x onerror=alert(1)>`) {
		t.Errorf("the second filing's name shows as %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll('#main img').length`); n != 0 {
		t.Errorf("%d img elements in the workbench: user text was parsed", n)
	}
	b.checkLabels(t)
	b.screenshot("workbench-filings-queue")

	// Returning without reasons is refused by the API: the error summary says why, in Chinese.
	b.click(otherItem + ` input[value="return"]`)
	b.click(otherItem + ` button[type="submit"]`)
	b.waitVisible(otherItem + " .error-summary")
	if got := b.text(otherItem + " .error-summary"); !strings.Contains(got, "理由") {
		t.Errorf("refusal in Chinese: %q", got)
	}
	if !eval[bool](b, `document.activeElement && document.activeElement.classList.contains('error-summary')`) {
		t.Error("the error summary does not take the focus")
	}

	// Accept the first: the filing number appears where the form was.
	b.click(item + ` input[value="accept"]`)
	b.click(item + ` button[type="submit"]`)
	b.waitVisible(item + " .wb-done")
	done := b.text(item + " .wb-done")
	no := regexp.MustCompile(`320281-2030-\d{5}`).FindString(done)
	if no == "" {
		t.Fatalf("after accepting: %q, want the filing number", done)
	}
	if status, res := b.api(http.MethodGet, "/v1/agencies/"+code, b.token("agency", code, ""), nil); status != http.StatusOK || res["filing_no"] != no || res["status"] != "accepted" {
		t.Errorf("the filing is %d %v; the page showed %s", status, res, no)
	}
	b.screenshot("workbench-filing-accepted")

	// In English the same refusal is in English, and the draft (return chosen) survives the switch.
	b.click("#lang-en")
	b.waitFor("the English workbench", `document.querySelector('#main h1')?.textContent === 'Review workbench'`)
	b.waitVisible(otherItem + ` button[type="submit"]`)
	if !eval[bool](b, fmt.Sprintf(`document.querySelector('%s input[value="return"]').checked`, otherItem)) {
		t.Error("the chosen decision was lost in the language switch")
	}
	b.click(otherItem + ` button[type="submit"]`)
	b.waitVisible(otherItem + " .error-summary")
	if got := b.text(otherItem + " .error-summary"); !strings.Contains(got, "There is a problem") || !strings.Contains(strings.ToLower(got), "reason") {
		t.Errorf("refusal in English: %q", got)
	}
	if got := b.text("#tablink-filings"); got != "Filings" {
		t.Errorf("tab label %q", got)
	}
	b.checkLabels(t)
	b.screenshot("workbench-filings-english")
	if errs := b.consoleErrors(); len(errs) > 0 {
		// a 422 answer is logged by the browser as a failed resource; anything else is a bug
		for _, e := range errs {
			if !strings.Contains(e, "422") {
				t.Errorf("console: %s", e)
			}
		}
	}
	if d := b.dialogsOpened(); len(d) > 0 {
		t.Errorf("dialogs opened: %v", d)
	}
}

func TestWorkbenchDistrictReviewerPassesAClaim(t *testing.T) {
	b := newBrowser(t)
	// The claim is for a loan of May 2022, judged by the 2021–2023 measures then in force. The
	// clock stays ahead of the browser's: the site treats a session whose expiry has passed by
	// the browser's own clock as signed out, so a platform clock in the past cannot sign in.
	b.setClock("2030-03-01T09:00:00+08:00")
	code := testkit.USCC(t, "91320508", "MA1CL001")
	claim := map[string]any{
		"programme": "pledge_reward",
		"claimant": map[string]any{"uscc": code, "name": "苏州姑苏智造科技有限公司", "district_code": "320508",
			"key_enterprise": false, "finance_platform_registered": true},
		"event": map[string]any{"loan_fen": 500_000_000, "disbursed_on": "2022-05-20", "lender": "苏州银行姑苏支行",
			"pledge_registration_no": "Y2022320000123", "pledged_ip": []string{"ZL201910123456.7"}},
		"agencies": []any{}, "ownership_disputed": false, "credit_commitment": true,
	}
	status, res := b.api(http.MethodPost, "/v1/subsidy-claims", b.token("enterprise", code, ""), claim)
	id, _ := res["id"].(string)
	if status != http.StatusCreated || id == "" {
		t.Fatalf("claim: %d %v", status, res)
	}

	officerSignIn(b, "district_reviewer", "320508")
	b.open("/workbench.html")
	item := fmt.Sprintf(`article[data-claim="%s"]`, id)
	b.waitVisible(item)
	if got := b.text(item + " .receipt"); !strings.Contains(got, "50,000.00") || !strings.Contains(got, "质押融资奖励") && !strings.Contains(got, "policy") && !strings.Contains(got, "政策版本") {
		t.Errorf("the decision receipt: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("workbench-claim-district")

	b.click(item + ` input[value="pass"]`)
	b.fill(item+` textarea[name="comment"]`, "材料齐全，核验无误")
	b.click(item + ` button[type="submit"]`)
	b.waitVisible(item + " .wb-done")
	if got := b.text(item + " .wb-done"); !strings.Contains(got, "待市级审核") {
		t.Errorf("after the pass: %q", got)
	}
	city := b.token("city_officer", "", "320500")
	if status, res := b.api(http.MethodGet, "/v1/subsidy-claims/"+id, city, nil); status != http.StatusOK || res["status"] != "city_review" {
		t.Errorf("the claim is %d %v", status, res["status"])
	}
	b.screenshot("workbench-claim-passed")

	// The city officer sees it at the city stage.
	officerSignIn(b, "city_officer", "320500")
	b.open("/workbench.html#tab-claims")
	b.waitVisible(`section[data-stage="city_review"] ` + item)
}

func TestWorkbenchDeadlineRunsShowTheirCounts(t *testing.T) {
	b := newBrowser(t)
	// An agency accepted in 2030 owes its 2030 report by 31 January 2031 and sends none. (Years
	// ahead of the browser's clock: the site drops a session its expiry says has ended.)
	b.setClock("2030-06-01T09:00:00+08:00")
	code := fileAgency(t, b, "MA20JY03", "江阴市未报科技服务有限公司", "320281")
	if status, res := b.api(http.MethodPost, "/v1/agencies/"+code+"/review", b.token("city_officer", "", "320281"), map[string]any{"outcome": "accept"}); status != http.StatusOK {
		t.Fatalf("accept: %d %v", status, res)
	}

	// Before the cutoff "run now" is refused with the reason.
	b.setClock("2031-01-20T10:00:00+08:00")
	officerSignIn(b, "city_officer", "320281")
	b.open("/workbench.html#tab-runs")
	b.waitVisible(".wb-run-now")
	b.fill(`.wb-run-now select[name="deadline"]`, "jan31")
	b.fill(`.wb-run-now input[name="year"]`, "2031")
	b.click(`.wb-run-now button[type="submit"]`)
	b.waitVisible(".wb-run-now .error-summary")
	if got := b.text(".wb-run-now .error-summary"); !strings.Contains(got, "尚未到达") {
		t.Errorf("a run before the cutoff: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("workbench-run-too-early")

	// After the cutoff the run counts the missing report and lists what it created.
	b.setClock("2031-02-01T00:00:05+08:00")
	officerSignIn(b, "city_officer", "320281")
	b.open("/workbench.html#tab-runs")
	b.waitVisible(".wb-run-now")
	b.fill(`.wb-run-now input[name="year"]`, "2031")
	b.click(`.wb-run-now button[type="submit"]`)
	b.waitVisible(".wb-run-now .wb-done")
	run := `article[data-run="jan31#2031"]`
	b.waitVisible(run)
	for count, want := range map[string]string{"owing": "1", "missing": "1", "on_time": "0"} {
		if got := b.text(fmt.Sprintf(`%s tr[data-count="%s"] td`, run, count)); got != want {
			t.Errorf("count %s = %q, want %s", count, got, want)
		}
	}
	if got := eval[string](b, `document.querySelector('article[data-run="jan31#2031"] .wb-created').textContent`); !strings.Contains(got, code) {
		t.Errorf("created records %q do not name the agency's sanction", got)
	}
	b.screenshot("workbench-run-counts")

	b.click("#lang-en")
	b.waitFor("the English runs", `document.querySelector('article[data-run="jan31#2031"] tr[data-count="missing"] th')?.textContent === 'Missing'`)
	if got := b.text(run + " h3"); !strings.Contains(got, "31 January") {
		t.Errorf("run heading in English: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("workbench-run-counts-english")
}
