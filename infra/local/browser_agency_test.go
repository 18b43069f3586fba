package main

// The agency's pages in a browser: filing (with its errors, its draft and a double click),
// the receipt, "my submissions", the annual report with its client list and an amount in yuan,
// a returned report corrected, and the English switch. Each control has a label.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/testkit"
)

const agencyUSCC = "91320281MA20JY015Q" // an agency in 江阴 (320281)

// agencyFillFiling fills every field of the filing form with a valid filing.
func agencyFillFiling(b *browser) {
	b.t.Helper()
	b.fill("#f-name", "江阴市知信专利代理有限公司")
	b.fill("#f-org_form", "company")
	b.fill("#f-is_branch-no", "true")
	b.fill("#f-service_types-patent_agency", "true")
	b.fill("#f-service_types-trademark_agency", "true")
	b.fill("#f-patent_agency_license_no", "32123")
	b.fill("#f-address", "江苏省江阴市澄江街道人民东路1号")
	b.fill("#f-district_code", "320281")
	b.fill("#f-business_started_on", "2020-03-01")
	b.fill("#f-legal_representative", "张三")
	b.fill("#f-responsible_person", "李四")
	b.fill("#f-contact_phone", "0510-86861234")
	b.fill("#f-contact_email", "info@example.cn")
	b.fill("#f-practitioners-0-name", "王五")
	b.fill("#f-practitioners-0-role", "专利代理师")
	b.fill("#f-practitioners-0-qualification_no", "QN-1234567")
	b.fill("#f-truthfulness_commitment", "true")
}

func agencyActiveID(b *browser) string {
	return eval[string](b, `document.activeElement ? (document.activeElement.id || document.activeElement.className) : ''`)
}

func TestBrowserAgencyFilingAndReport(t *testing.T) {
	b := newBrowser(t)
	// Mid-January: last year's report is due by 31 January, so it is on time.
	b.setClock("2027-01-10T10:00:00+08:00")
	tok := b.signIn("agency", agencyUSCC, "")

	// The form, every control labelled.
	b.open("/filing.html")
	b.waitVisible("#filing-form")
	b.checkLabels(t)
	if v := eval[string](b, `document.querySelector('#f-uscc').value`); v != agencyUSCC {
		t.Errorf("the USCC field holds %q, want the signed-in agency's %s", v, agencyUSCC)
	}

	// A bad filing: no name, a bad phone. The summary takes focus and links to both fields.
	agencyFillFiling(b)
	b.fill("#f-name", "")
	b.fill("#f-contact_phone", "12345")
	b.click("#submit-filing")
	b.waitVisible(".error-summary")
	if got := eval[bool](b, `document.activeElement === document.querySelector('.error-summary')`); !got {
		t.Errorf("the error summary does not have focus (focus on %q)", agencyActiveID(b))
	}
	links := eval[[]string](b, `[...document.querySelectorAll('.error-summary a')].map(a => a.getAttribute('href'))`)
	if !slices.Contains(links, "#f-name") || !slices.Contains(links, "#f-contact_phone") {
		t.Errorf("the summary links to %v, want #f-name and #f-contact_phone", links)
	}
	if n := len(links); n != 2 {
		t.Errorf("the summary has %d links (%v), want exactly the 2 bad fields", n, links)
	}
	if v := eval[string](b, `document.querySelector('#f-contact_phone').getAttribute('aria-invalid') || ''`); v != "true" {
		t.Errorf("the phone field is not marked invalid (aria-invalid=%q)", v)
	}
	b.screenshot("agency-filing-errors")
	b.click(`.error-summary a[href="#f-name"]`)
	if id := agencyActiveID(b); id != "f-name" {
		t.Errorf("the summary's link to the name moved focus to %q, want f-name", id)
	}
	b.click(`.error-summary a[href="#f-contact_phone"]`)
	if id := agencyActiveID(b); id != "f-contact_phone" {
		t.Errorf("the summary's link to the phone moved focus to %q, want f-contact_phone", id)
	}

	// Correct it, add a second practitioner, and reload: the draft keeps everything.
	b.fill("#f-name", "江阴市知信专利代理有限公司")
	b.fill("#f-contact_phone", "0510-86861234")
	b.click("#add-practitioner")
	b.waitVisible("#f-practitioners-1-name")
	b.fill("#f-practitioners-1-name", "赵六")
	b.fill("#f-practitioners-1-role", "商标代理人")
	b.open("/filing.html")
	b.waitVisible("#f-practitioners-1-name")
	for sel, want := range map[string]string{
		"#f-name": "江阴市知信专利代理有限公司", "#f-contact_phone": "0510-86861234",
		"#f-practitioners-1-name": "赵六", "#f-practitioners-1-role": "商标代理人", "#f-district_code": "320281",
	} {
		if got := eval[string](b, fmt.Sprintf(`document.querySelector(%q).value`, sel)); got != want {
			t.Errorf("after a reload %s holds %q, want %q", sel, got, want)
		}
	}
	if !eval[bool](b, `document.querySelector('#f-service_types-trademark_agency').checked && document.querySelector('#f-truthfulness_commitment').checked`) {
		t.Error("after a reload the checked boxes are not checked")
	}
	b.screenshot("agency-filing-draft-restored")

	// A double click (and a second submit on top) files once.
	eval[bool](b, `(() => { const btn = document.querySelector('#submit-filing');
		btn.click(); btn.click(); document.querySelector('#filing-form').requestSubmit(); return true; })()`)
	b.waitVisible("#receipt-panel")
	if got := b.text("#receipt-reference"); got != agencyUSCC {
		t.Errorf("the receipt's reference is %q, want %s", got, agencyUSCC)
	}
	if got := b.text("#receipt-status"); got != "待审核" {
		t.Errorf("the receipt's status is %q, want 待审核", got)
	}
	if got := b.text("#receipt-submitted-at"); !strings.Contains(got, "2027") {
		t.Errorf("the receipt's submission time is %q", got)
	}
	if got := b.text("#receipt-next"); !strings.Contains(got, "市知识产权局") || !strings.Contains(got, "备案号") {
		t.Errorf("the receipt does not say what happens next: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("agency-filing-receipt")

	status, rec := b.api(http.MethodGet, "/v1/agencies/"+agencyUSCC, tok, nil)
	if status != http.StatusOK {
		t.Fatalf("GET the filing: %d %v", status, rec)
	}
	if h, _ := rec["history"].([]any); len(h) != 1 {
		t.Errorf("the filing's history has %d entries, want 1 (one submission): %v", len(h), h)
	}
	filing, _ := rec["filing"].(map[string]any)
	if p, _ := filing["practitioners"].([]any); len(p) != 2 {
		t.Errorf("the filing has %d practitioners, want 2", len(p))
	}
	officer := b.token("city_officer", "", "320281")
	if status, q := b.api(http.MethodGet, "/v1/agencies?status=submitted", officer, nil); status != http.StatusOK {
		t.Fatalf("the officers' queue: %d %v", status, q)
	} else if items, _ := q["items"].([]any); len(items) != 1 {
		t.Errorf("the officers' queue holds %d filings, want exactly 1", len(items))
	}

	// The officer accepts it; "my submissions" shows the filing number and the history.
	status, acc := b.api(http.MethodPost, "/v1/agencies/"+agencyUSCC+"/review", officer, map[string]any{"outcome": "accept"})
	if status != http.StatusOK {
		t.Fatalf("accepting the filing: %d %v", status, acc)
	}
	filingNo, _ := acc["filing_no"].(string)
	b.open("/mine.html")
	b.waitVisible("#filing-no")
	if got := b.text("#filing-no"); got != filingNo || filingNo == "" {
		t.Errorf("my submissions shows filing number %q, want %q", got, filingNo)
	}
	if got := b.text("#filing-status"); got != "已备案" {
		t.Errorf("my submissions shows the filing as %q, want 已备案", got)
	}
	if got := b.text("#report-2026 .report-status"); !strings.Contains(got, "未报送") {
		t.Errorf("my submissions shows the 2026 report as %q, want 未报送", got)
	}
	b.checkLabels(t)
	b.screenshot("agency-mine-accepted")

	// The decision receipt: the outcome, who decided, the basis; printable.
	b.open("/receipt.html?kind=filing")
	b.waitVisible("#receipt-decision")
	if got := b.text("#receipt-filing-no"); got != filingNo {
		t.Errorf("the receipt shows filing number %q, want %q", got, filingNo)
	}
	if got := b.text("#receipt-decision"); !strings.Contains(got, "审核通过") || !strings.Contains(got, "二（二）1") {
		t.Errorf("the decision receipt lacks the outcome or its basis: %q", got)
	}
	b.screenshot("agency-filing-decision-receipt")

	// The annual report for last year (2026 by the platform's clock): two clients, an amount in
	// yuan, sci-tech project services for one of them.
	client1 := "91320508MA1CL0012P"
	client2 := testkit.USCC(t, "91320281", "MA20KH01")
	b.open("/report.html")
	b.waitVisible("#report-form")
	if got := b.text("#main h1"); !strings.Contains(got, "2026") {
		t.Errorf("the report page's heading is %q, want the year 2026 by default", got)
	}
	b.checkLabels(t)
	for sel, v := range map[string]string{
		"#f-patent_applications-invention": "12", "#f-patent_applications-utility_model": "30", "#f-patent_applications-design": "4",
		"#f-trademark_applications": "25", "#f-copyright_registrations": "3", "#f-other_services": "7",
		"#f-revenue_yuan": "1,234.07", "#f-practitioners_at_year_end": "9", "#f-complaints_received": "0",
	} {
		b.fill(sel, v)
	}
	b.click("#add-client")
	b.waitVisible("#f-clients-0-id")
	b.fill("#f-clients-0-id", client1)
	b.fill("#f-clients-0-name", "苏州姑苏智造科技有限公司")
	b.fill("#f-clients-0-services-patent_agency", "true")
	b.click("#add-client")
	b.waitVisible("#f-clients-1-id")
	b.fill("#f-clients-1-id", client2)
	b.fill("#f-clients-1-name", "江阴澄星新材料有限公司")
	b.fill("#f-clients-1-services-trademark_agency", "true")
	b.fill("#f-clients-1-services-consulting_training", "true")
	b.click("#f-scitech-yes")
	b.waitVisible("#f-scitech_client-1")
	if got := b.text(`label[for="f-scitech_client-1"]`); !strings.Contains(got, "江阴澄星新材料有限公司") {
		t.Errorf("the sci-tech client choice is labelled %q, want the client's name", got)
	}
	b.click("#f-scitech_client-1")
	b.checkLabels(t)
	b.screenshot("agency-report-filled")
	b.click("#submit-report")
	b.waitVisible("#receipt-panel")
	if got := b.text("#receipt-on-time"); !strings.Contains(got, "按时") {
		t.Errorf("the report receipt says %q, want on time (按时)", got)
	}
	if got := b.text("#receipt-status"); got != "待审核" {
		t.Errorf("the report receipt's status is %q, want 待审核", got)
	}
	b.screenshot("agency-report-receipt")

	path := "/v1/agencies/" + agencyUSCC + "/annual-reports/2026"
	status, rep := b.api(http.MethodGet, path, tok, nil)
	if status != http.StatusOK {
		t.Fatalf("GET the report: %d %v", status, rep)
	}
	body, _ := rep["report"].(map[string]any)
	if fen, _ := body["revenue_fen"].(float64); fen != 123407 {
		t.Errorf("revenue_fen is %v, want 123407 (1,234.07 元)", body["revenue_fen"])
	}
	if cl, _ := body["clients"].([]any); len(cl) != 2 {
		t.Errorf("the report has %d clients, want 2", len(cl))
	}
	if sc, _ := body["sci_tech_project_clients"].([]any); len(sc) != 1 || sc[0] != client2 {
		t.Errorf("sci_tech_project_clients is %v, want [%s]", body["sci_tech_project_clients"], client2)
	}
	if pa, _ := body["patent_applications"].(map[string]any); pa["invention"] != float64(12) {
		t.Errorf("patent_applications is %v", body["patent_applications"])
	}
	if rep["on_time"] != true {
		t.Errorf("the report is not on time: %v", rep["on_time"])
	}

	// The officer returns it with a reason; the agency sees the reason, corrects and resubmits.
	status, ret := b.api(http.MethodPost, path+"/review", officer, map[string]any{"outcome": "return",
		"reasons": []map[string]any{{"field": "/revenue_fen", "message": "收入与纳税申报不符"}}})
	if status != http.StatusOK {
		t.Fatalf("returning the report: %d %v", status, ret)
	}
	b.open("/report.html?year=2026")
	b.waitVisible("#report-state")
	if got := b.text("#report-state"); !strings.Contains(got, "收入与纳税申报不符") {
		t.Errorf("the returned report does not show the reason: %q", got)
	}
	if got := eval[string](b, `document.querySelector('#f-revenue_yuan').value`); got != "1,234.07" {
		t.Errorf("the returned report's revenue shows %q, want 1,234.07", got)
	}
	b.screenshot("agency-report-returned")
	b.fill("#f-revenue_yuan", "2,000.5")
	b.click("#submit-report")
	b.waitVisible("#receipt-panel")
	if _, rep = b.api(http.MethodGet, path, tok, nil); rep["status"] != "submitted" || rep["on_time"] != true {
		t.Errorf("after the correction the report is %v, on time %v; want submitted and on time", rep["status"], rep["on_time"])
	}
	if body, _ = rep["report"].(map[string]any); body["revenue_fen"] != float64(200050) {
		t.Errorf("the corrected revenue_fen is %v, want 200050", body["revenue_fen"])
	}

	// My submissions lists the report with its status and history.
	b.open("/mine.html")
	b.waitVisible("#report-2026")
	if got := b.text("#report-2026 .report-on-time"); got != "按时" {
		t.Errorf("my submissions shows the 2026 report as %q, want 按时", got)
	}
	b.click("#report-history-2026 summary")
	if got := b.text("#report-history-2026"); !strings.Contains(got, "收入与纳税申报不符") || !strings.Contains(got, "更正后提交") {
		t.Errorf("the report's history lacks the return or the correction: %q", got)
	}
	b.screenshot("agency-mine-report")
	agencyNoScriptErrors(t, b)
}

// The English switch changes every label and message of the agency's pages.
func TestBrowserAgencyEnglish(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2027-01-10T10:00:00+08:00")
	tok := b.signIn("agency", agencyUSCC, "")
	b.open("/filing.html")
	b.waitVisible("#filing-form")
	b.fill("#f-name", "Typed before the switch")
	b.click("#lang-en")
	b.waitFor("the English labels", `document.querySelector('label[for="f-name"]').textContent === 'Agency name'`)
	for sel, want := range map[string]string{
		"#main h1": "File your IP service agency", `label[for="f-contact_phone"]`: "Contact phone",
		"#practitioners legend": "Practitioners", `label[for="f-service_types-data_ip"]`: "Data IP",
		"#submit-filing": "Submit filing",
	} {
		if got := b.text(sel); got != want {
			t.Errorf("in English %s reads %q, want %q", sel, got, want)
		}
	}
	if got := eval[string](b, `document.querySelector('#f-name').value`); got != "Typed before the switch" {
		t.Errorf("the switch lost what was typed: %q", got)
	}
	if got := eval[string](b, `document.documentElement.lang`); got != "en" {
		t.Errorf("<html lang> is %q after the switch", got)
	}
	// Errors come back in English too.
	b.fill("#f-name", "")
	b.click("#submit-filing")
	b.waitVisible(".error-summary")
	if got := b.text(".error-summary"); !strings.Contains(got, "There is a problem") || strings.ContainsAny(got, "须请") {
		t.Errorf("the English error summary reads %q", got)
	}
	b.checkLabels(t)
	b.screenshot("agency-filing-en")

	// Report, my submissions and a receipt, in English (the choice is kept across pages).
	filing := testkit.AgencyFiling(agencyUSCC, "江阴市知信专利代理有限公司", "320281")
	if status, _, body := b.apiFull(http.MethodPost, "/v1/agencies", tok, filing, map[string]string{"Idempotency-Key": "en-filing"}); status != http.StatusCreated {
		t.Fatalf("filing: %d %v", status, body)
	}
	officer := b.token("city_officer", "", "320281")
	if status, body := b.api(http.MethodPost, "/v1/agencies/"+agencyUSCC+"/review", officer, map[string]any{"outcome": "accept"}); status != http.StatusOK {
		t.Fatalf("accepting: %d %v", status, body)
	}
	b.open("/report.html")
	b.waitVisible("#report-form")
	for sel, want := range map[string]string{
		"#main h1": "Annual report for 2026", `label[for="f-revenue_yuan"]`: "Revenue from business in the city (CNY)",
		"#clients legend": "Clients", "#add-client": "Add a client",
	} {
		if got := b.text(sel); got != want {
			t.Errorf("in English %s reads %q, want %q", sel, got, want)
		}
	}
	b.fill("#f-revenue_yuan", "1.234")
	b.click("#submit-report")
	b.waitVisible(".error-summary")
	if got := b.text(".error-summary"); !strings.Contains(got, "at most two decimals") {
		t.Errorf("a revenue with three decimals is answered %q", got)
	}
	b.checkLabels(t)
	b.screenshot("agency-report-en")

	b.open("/mine.html")
	b.waitVisible("#filing-status")
	if got := b.text("#filing-status"); got != "Filed (accepted)" {
		t.Errorf("in English the filing's status reads %q", got)
	}
	if got := b.text("#report-2026 .report-status"); !strings.Contains(got, "Not submitted") {
		t.Errorf("in English the 2026 report reads %q", got)
	}
	b.checkLabels(t)
	b.screenshot("agency-mine-en")

	b.open("/receipt.html?kind=filing")
	b.waitVisible("#receipt-decision")
	if got := b.text("#receipt-title"); got != "Filing accepted" {
		t.Errorf("in English the receipt's title reads %q", got)
	}
	// And back to Chinese without reloading.
	b.click("#lang-zh")
	b.waitFor("the Chinese receipt", `document.querySelector('#receipt-title').textContent === '备案已通过'`)
	b.checkLabels(t)
	b.screenshot("agency-receipt-zh")
	agencyNoScriptErrors(t, b)
}

// agencyNoScriptErrors fails t on an uncaught exception or a Content-Security-Policy violation;
// answers of 4xx the pages expect (a missing report, a refused form) are logged by chromium as
// failed loads and are not errors of the pages.
func agencyNoScriptErrors(t *testing.T, b *browser) {
	t.Helper()
	for _, m := range b.consoleErrors() {
		if !strings.Contains(m, "Failed to load resource") {
			t.Errorf("the page logged an error: %s", m)
		}
	}
}
