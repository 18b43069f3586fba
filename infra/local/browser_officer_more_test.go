package main

// More of the officers' work in a browser (DOMAIN.md §3, §4, §5): a city officer records a
// violation, sees the sanctions the policy decided with their basis and waives one; recovers an
// allocated claim and keeps a credit record; a county government files its zone's plan, a plan
// change and a yearly summary on zone.html; the prefecture and the province review the change in
// the workbench, and the province records the final assessment (a fail, then a pass).

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/testkit"
)

// signInAs signs in through the sign-in page (as officerSignIn, with a subject) and waits until
// the page has sent the browser on. Dev tokens last 12 hours of the platform's clock: sign in
// again after moving it.
func signInAs(b *browser, role, subject, division string) {
	b.t.Helper()
	if strings.HasPrefix(b.location(), b.url) {
		eval[bool](b, `(sessionStorage.clear(), true)`)
	}
	b.signIn(role, subject, division)
	b.waitFor("the sign-in page to send the browser on", `!location.pathname.endsWith('/signin.html')`)
}

// onlyRefusals fails t for console errors other than the API's 4xx answers the pages show.
func onlyRefusals(t *testing.T, b *browser) {
	t.Helper()
	for _, e := range b.consoleErrors() {
		if !strings.Contains(e, "status of 4") {
			t.Errorf("console: %s", e)
		}
	}
	if d := b.dialogsOpened(); len(d) > 0 {
		t.Errorf("dialogs opened: %v", d)
	}
}

func TestWorkbenchCityOfficerRecordsAPlagiarismAndWaivesItsSanction(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2031-03-02T10:00:00+08:00")
	code := fileAgency(t, b, "MA20WL01", "江阴市抄袭专利代理有限公司", "320281")
	if status, res := b.api(http.MethodPost, "/v1/agencies/"+code+"/review", b.token("city_officer", "", "320281"), map[string]any{"outcome": "accept"}); status != http.StatusOK {
		t.Fatalf("accept: %d %v", status, res)
	}
	first := testkit.USCC(t, "91320281", "MA20AP01")
	second := testkit.USCC(t, "91320281", "MA20AP02")

	signInAs(b, "city_officer", "", "320281")
	b.open("/workbench.html#tab-sanctions")
	b.waitVisible("#wb-violation")
	b.checkLabels(t)

	// Plagiarism without the applicants concerned: the API refuses, the summary takes the focus
	// and links to the applicants' fieldset.
	b.fill("#violation-agency", code)
	b.fill("#violation-kind", "plagiarism")
	b.fill("#violation-year", "2031")
	b.fill("#violation-detail", "代理的 3 件发明专利申请文件抄袭他人已公开的申请")
	b.click("#violation-submit")
	b.waitVisible("#wb-violation .error-summary")
	if got := b.text("#wb-violation .error-summary"); !strings.Contains(got, "申请单位") {
		t.Errorf("the refusal: %q", got)
	}
	if !eval[bool](b, `document.activeElement?.classList.contains('error-summary')`) {
		t.Error("the error summary does not take the focus")
	}
	b.screenshot("workbench-violation-refused")

	// Two applicants: the violation is recorded, with public criticism and the patent-subsidy
	// block of the applicants, each with its basis.
	b.fill("#violation-entity-0", first)
	b.click("#violation-add-entity")
	b.fill("#violation-entity-1", second)
	b.click("#violation-submit")
	b.waitVisible("#wb-violation-result .wb-done")
	made := b.text("#wb-violation-result .wb-done")
	for _, want := range []string{"产生 1 项处理措施", "通报批评", "专利资助", "相关申请单位和个人", "seed 000 §二(二)5"} {
		if !strings.Contains(made, want) {
			t.Errorf("the recorded violation lacks %q: %q", want, made)
		}
	}
	card := "#wb-sanction-list article.wb-sanction"
	b.waitVisible(card)
	text := b.text(card)
	for _, want := range []string{"抄袭", "执行中", "通报批评", "专利资助", first, second, "seed 000 §二(二)5"} {
		if !strings.Contains(text, want) {
			t.Errorf("the sanction card lacks %q: %q", want, text)
		}
	}
	if got := eval[string](b, `document.querySelector('#wb-sanction-list li[data-effect="subsidy_block"]')?.dataset.families || ''`); got != "patent_subsidy" {
		t.Errorf("the block's families: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("workbench-violation-recorded")

	// Waived with a reason: the card says so, and the API agrees.
	b.fill(card+` textarea[name="reason"]`, "经复核，抄袭系委托人提供材料所致，机构已整改")
	b.click(card + ` button[type="submit"]`)
	b.waitVisible(card + " .wb-done")
	if got := b.text(card + " .wb-sanction-state"); got != "已免除" {
		t.Errorf("after the waiver the card says %q", got)
	}
	if got := b.text(card + " .wb-waiver"); !strings.Contains(got, "机构已整改") {
		t.Errorf("the waiver line: %q", got)
	}
	status, res := b.api(http.MethodGet, "/v1/agencies/"+code+"/sanctions", b.token("city_officer", "", "320281"), nil)
	items, _ := res["items"].([]any)
	if status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["waived"] != true {
		t.Errorf("the sanctions after the waiver: %d %v", status, res)
	}
	b.screenshot("workbench-sanction-waived")

	// In English: the same list, found by the agency's code.
	b.click("#lang-en")
	b.waitFor("the English workbench", `document.querySelector('#tablink-sanctions')?.textContent === 'Violations and sanctions'`)
	b.fill("#sanction-agency", code)
	b.click("#sanction-lookup-submit")
	b.waitFor("the English card", `document.querySelector('#wb-sanction-list .wb-sanction-state')?.textContent === 'Waived'`)
	if got := b.text(card); !strings.Contains(got, "Public criticism") || !strings.Contains(got, "Patent subsidies") {
		t.Errorf("the card in English: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("workbench-sanction-english")
	onlyRefusals(t, b)
}

func TestWorkbenchCityOfficerRecoversAnAllocatedClaimAndKeepsACreditRecord(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2030-03-01T09:00:00+08:00")
	code := testkit.USCC(t, "91320508", "MA1RC001")
	claim := map[string]any{
		"programme": "pledge_reward",
		"claimant": map[string]any{"uscc": code, "name": "苏州姑苏追回科技有限公司", "district_code": "320508",
			"key_enterprise": false, "finance_platform_registered": true},
		"event": map[string]any{"loan_fen": 500_000_000, "disbursed_on": "2022-05-20", "lender": "苏州银行姑苏支行",
			"pledge_registration_no": "Y2022320000456", "pledged_ip": []string{"ZL201910123456.7"}},
		"agencies": []any{}, "ownership_disputed": false, "credit_commitment": true,
	}
	status, res := b.api(http.MethodPost, "/v1/subsidy-claims", b.token("enterprise", code, ""), claim)
	id, _ := res["id"].(string)
	if status != http.StatusCreated || id == "" {
		t.Fatalf("claim: %d %v", status, res)
	}
	review := func(token, stage string) {
		t.Helper()
		if status, res := b.api(http.MethodPost, "/v1/subsidy-claims/"+id+"/reviews", token, map[string]any{"stage": stage, "outcome": "pass"}); status != http.StatusOK {
			t.Fatalf("%s: %d %v", stage, status, res)
		}
	}
	review(b.token("district_reviewer", "", "320508"), "district")
	review(b.token("city_officer", "", "320500"), "city")
	b.setClock("2030-03-08T09:00:00+08:00") // after the 5-day public notice
	city := b.token("city_officer", "", "320500")
	review(city, "notice")
	review(city, "allocation")

	signInAs(b, "city_officer", "", "320500")
	b.open("/workbench.html#tab-recovery")
	item := fmt.Sprintf(`article[data-claim="%s"]`, id)
	b.waitVisible(item)
	if got := b.text(item); !strings.Contains(got, "50,000.00") {
		t.Errorf("the allocated claim: %q", got)
	}
	b.checkLabels(t)

	// Three decimals are refused in the browser, beside the field.
	b.click(item + ` input[value="fraud"]`)
	b.fill(item+` input[name="amount"]`, "12.345")
	b.fill(item+` textarea[name="reason"]`, "经查，质押登记材料系伪造")
	b.click(item + ` button[type="submit"]`)
	b.waitVisible(item + " .error-summary")
	if got := b.text(item + " .error-message"); !strings.Contains(got, "两位小数") {
		t.Errorf("the amount's message: %q", got)
	}
	b.screenshot("workbench-recovery-bad-amount")

	b.fill(item+` input[name="amount"]`, "1,000.07")
	b.click(item + ` button[type="submit"]`)
	b.waitVisible(item + " .wb-done")
	if got := b.text(item + " .wb-done"); !strings.Contains(got, "1,000.07") || !strings.Contains(got, "已追回") {
		t.Errorf("after the recovery: %q", got)
	}
	if got := eval[string](b, fmt.Sprintf(`document.querySelector('%s .wb-claim-status').dataset.status`, item)); got != "recovered" {
		t.Errorf("the claim's status on the page: %q", got)
	}
	status, res = b.api(http.MethodGet, "/v1/subsidy-claims/"+id, b.token("city_officer", "", "320500"), nil)
	rec, _ := res["recovery"].(map[string]any)
	if status != http.StatusOK || res["status"] != "recovered" || rec == nil || rec["amount_fen"] != float64(100007) || rec["kind"] != "fraud" {
		t.Errorf("the claim after the recovery: %d %v %v", status, res["status"], rec)
	}
	b.screenshot("workbench-recovered")

	// A credit record, then an update of it under the same number.
	b.click("#tablink-credit")
	b.waitVisible("#wb-credit")
	b.checkLabels(t)
	b.fill("#credit-id", "SZCREDIT-2030-001")
	b.fill("#credit-entity", code)
	b.fill("#credit-level", "minor")
	b.fill("#credit-from", "2030-01-01")
	b.fill("#credit-source", "苏州市公共信用信息平台")
	b.click("#credit-submit")
	b.waitVisible("#wb-credit .wb-done")
	if got := eval[string](b, `document.querySelector('#wb-credit .wb-done').dataset.status`); got != "created" {
		t.Errorf("the first save: %q", got)
	}
	b.fill("#credit-id", "SZCREDIT-2030-001")
	b.fill("#credit-entity", code)
	b.fill("#credit-level", "serious")
	b.fill("#credit-from", "2030-01-01")
	b.fill("#credit-source", "苏州市公共信用信息平台")
	b.click("#credit-submit")
	b.waitFor("the update", `document.querySelector('#wb-credit .wb-done')?.dataset.status === 'updated'`)
	if got := b.text("#wb-credit .wb-done"); !strings.Contains(got, "严重失信") || !strings.Contains(got, "2 个版本") {
		t.Errorf("the update: %q", got)
	}
	b.screenshot("workbench-credit-updated")
	onlyRefusals(t, b)
}

// zonePDF is a small PDF the platform accepts; tag makes each one different.
func zonePDF(tag string) []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% " +
		tag + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// designateZone takes a 2031 application of 江阴 (320281) from draft to designation through the
// API, as shared/httpapi/clusters_test.go does: submitted, recommended by Wuxi (320200), into
// the provincial review at the 30 June run, scored, visited and designated on 10 September
// 2031. The zone's id is the application's.
func designateZone(t *testing.T, b *browser) string {
	t.Helper()
	b.setClock("2031-05-10T10:00:00+08:00")
	county := b.token("county_government", "320281", "320281")
	agencies := []map[string]any{}
	for i := range 15 {
		agencies = append(agencies, map[string]any{"uscc": testkit.USCC(t, "91320281", fmt.Sprintf("MA1%05d", i+1)),
			"name": fmt.Sprintf("江阴市第%d知识产权服务有限公司", i+1), "service_types": []string{"patent_agency"}})
	}
	kinds := []string{"info_consulting", "rights_protection", "agency", "valuation", "legal", "commercial"}
	coverage := map[string][]string{}
	for _, ty := range []string{"patent", "trademark", "copyright", "geographical_indication", "plant_variety", "ic_layout"} {
		coverage[ty] = kinds
	}
	body := map[string]any{
		"year": 2031, "county_code": "320281", "zone_name": "江阴高新区知识产权服务业集聚发展区",
		"management_body":      map[string]any{"name": "江阴高新区知识产权服务中心", "staff_count": 5},
		"has_development_plan": true, "special_fund_fen_per_year": 200_000_000, "industry": "集成电路、高端装备",
		"agencies": agencies, "coverage": coverage,
	}
	status, res := b.api(http.MethodPost, "/v1/cluster-applications", county, body)
	id, _ := res["id"].(string)
	if status != http.StatusCreated || id == "" {
		t.Fatalf("application: %d %v", status, res)
	}
	path := "/v1/cluster-applications/" + id
	must := func(what string, want int, status int, res map[string]any) {
		t.Helper()
		if status != want {
			t.Fatalf("%s: %d %v", what, status, res)
		}
	}
	for _, kind := range []string{"application_form", "work_plan", "authenticity_commitment", "supporting_materials"} {
		s, r := b.api(http.MethodPut, path+"/documents/"+kind, county, rawBody{ContentType: "application/pdf", Data: zonePDF(kind)})
		must("upload "+kind, http.StatusOK, s, r)
	}
	s, r := b.api(http.MethodPost, path+"/submission", county, nil)
	must("submission", http.StatusOK, s, r)
	pref := b.token("prefecture_officer", "", "320200")
	s, r = b.api(http.MethodPut, path+"/documents/recommendation_letter", pref, rawBody{ContentType: "application/pdf", Data: zonePDF("letter")})
	must("letter", http.StatusOK, s, r)
	s, r = b.api(http.MethodPost, path+"/recommendation", pref, map[string]any{"outcome": "recommend", "opinion": "同意推荐"})
	must("recommendation", http.StatusOK, s, r)

	b.setClock("2031-07-01T00:00:05+08:00")
	s, r = b.api(http.MethodPost, "/v1/deadline-runs", b.token("province_officer", "", "320000"), map[string]any{"deadline": "jun30", "year": 2031})
	if s != http.StatusOK && s != http.StatusCreated {
		t.Fatalf("the 30 June run: %d %v", s, r)
	}
	b.setClock("2031-09-10T10:00:00+08:00")
	province := b.token("province_officer", "", "320000")
	s, r = b.api(http.MethodPost, path+"/reviews", b.token("expert", "expert-sz", "320500"), map[string]any{"kind": "score", "score": 86, "comment": "服务链条完整"})
	must("score", http.StatusOK, s, r)
	s, r = b.api(http.MethodPost, path+"/reviews", province, map[string]any{"kind": "site_visit", "visited_on": "2031-09-08", "findings": "服务大厅运行良好"})
	must("site visit", http.StatusOK, s, r)
	s, r = b.api(http.MethodPost, path+"/reviews", province, map[string]any{"kind": "decision", "outcome": "designate", "comment": "择优遴选"})
	must("designation", http.StatusOK, s, r)
	return id
}

func TestZoneCountyFilesThePlanAndSummaryAndOfficersReviewAndAssess(t *testing.T) {
	b := newBrowser(t)
	id := designateZone(t, b)
	zoneAPI := func() map[string]any {
		t.Helper()
		status, res := b.api(http.MethodGet, "/v1/clusters/"+id, b.token("province_officer", "", "320000"), nil)
		if status != http.StatusOK {
			t.Fatalf("the zone: %d %v", status, res)
		}
		return res
	}

	// The county opens its zone: the deadlines from the designation on 10 September 2031.
	b.setClock("2031-10-08T10:00:00+08:00")
	signInAs(b, "county_government", "320281", "320281")
	if got := eval[string](b, `[...document.querySelectorAll('#site-nav a')].map((a) => a.dataset.nav).join(' ')`); !strings.Contains(got, "zone") {
		t.Errorf("a county's navigation %q has no zone page", got)
	}
	b.open("/zone.html")
	b.waitVisible("#zone-plan-form")
	details := b.text("#zone-details")
	for _, want := range []string{id, "2031年9月10日", "2034年9月10日", "2031年12月10日", "建设期内"} {
		if !strings.Contains(details, want) {
			t.Errorf("the zone's details lack %q: %q", want, details)
		}
	}
	b.checkLabels(t)
	b.screenshot("zone-county-start")

	// The plan, filed on time.
	b.fill("#plan-title", "江阴高新区知识产权服务业集聚发展区建设实施方案")
	b.fill("#plan-content", "一、建设目标\n二、重点任务\n三、保障措施")
	b.click("#plan-submit")
	b.waitVisible("#zone-plan-done")
	if got := b.text("#zone-plan-done"); !strings.Contains(got, "按时") {
		t.Errorf("the plan filed: %q", got)
	}
	if got := eval[string](b, `document.querySelector('#zone-plan [data-on-time]')?.dataset.onTime`); got != "true" {
		t.Errorf("the plan's on-time stamp on the page: %q", got)
	}

	// A change of the plan: empty reasons are refused in the browser, then it goes to the prefecture.
	b.waitVisible("#zone-change-form")
	b.fill("#change-title", "江阴高新区知识产权服务业集聚发展区建设实施方案（调整）")
	b.fill("#change-content", "一、建设目标\n二、重点任务（增加数据知识产权服务）\n三、保障措施")
	b.click("#change-submit")
	b.waitVisible("#zone-change-form .error-summary")
	b.fill("#change-reason", "增加数据知识产权服务平台建设任务")
	b.click("#change-submit")
	b.waitVisible("#zone-change-done")
	if got := b.text("#zone-changes article[data-change='1']"); !strings.Contains(got, "待设区市知识产权局审核") {
		t.Errorf("the change: %q", got)
	}
	b.screenshot("zone-county-change-proposed")

	// The yearly summary and plan for 2032, before 31 January: on time.
	b.setClock("2032-01-20T10:00:00+08:00")
	signInAs(b, "county_government", "320281", "320281")
	b.open("/zone.html")
	b.waitVisible("#zone-annual-form")
	if got := eval[string](b, `document.querySelector('#annual-year').value`); got != "2032" {
		t.Errorf("the year offered: %q", got)
	}
	b.fill("#annual-summary", "2031 年引进服务机构 5 家，服务企业 300 余家")
	b.fill("#annual-plan", "2032 年建成数据知识产权服务平台")
	b.click("#annual-submit")
	b.waitVisible("#zone-annual-done")
	if got := b.text("#zone-annual tr[data-year='2032']"); !strings.Contains(got, "按时") {
		t.Errorf("the 2032 row: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("zone-county-annual")

	// The prefecture of Wuxi agrees to the change; then the province approves it.
	signInAs(b, "prefecture_officer", "", "320200")
	b.open("/workbench.html#tab-zones")
	item := fmt.Sprintf(`article.wb-zone[data-zone="%s"]`, id)
	b.waitVisible(item + ` article[data-change="1"] form`)
	b.checkLabels(t)
	b.click(item + ` article[data-change="1"] input[value="approve"]`)
	b.fill(item+` article[data-change="1"] textarea[name="opinion"]`, "同意调整，报省局批准")
	b.click(item + ` article[data-change="1"] button[type="submit"]`)
	b.waitVisible(item + " .wb-done")
	if got := b.text(item + " .wb-done"); !strings.Contains(got, "待省知识产权局批准") {
		t.Errorf("after the prefecture: %q", got)
	}
	b.screenshot("workbench-zone-prefecture")

	signInAs(b, "province_officer", "", "320000")
	b.open("/workbench.html#tab-zones")
	b.waitVisible(item + ` article[data-change="1"] form`)
	// Before the construction ends the province sees when it may assess.
	if got := b.text(item + " .inset"); !strings.Contains(got, "2034年9月10日") {
		t.Errorf("the assessment note: %q", got)
	}
	b.click(item + ` article[data-change="1"] input[value="approve"]`)
	b.click(item + ` article[data-change="1"] button[type="submit"]`)
	b.waitVisible(item + " .wb-done")
	if got := b.text(item + " .wb-done"); !strings.Contains(got, "已批准") {
		t.Errorf("after the province: %q", got)
	}
	z := zoneAPI()
	if plan, _ := z["plan"].(map[string]any); plan == nil || plan["revision"] != float64(1) || !strings.Contains(plan["title"].(string), "调整") {
		t.Errorf("the plan after the approval: %v", z["plan"])
	}
	b.screenshot("workbench-zone-change-approved")

	// After the construction period: a fail sets the rectification deadline, then a pass.
	b.setClock("2034-09-20T10:00:00+08:00")
	signInAs(b, "province_officer", "", "320000")
	b.open("/workbench.html#tab-zones")
	b.waitVisible(item + ` input[value="fail"]`)
	b.checkLabels(t)
	b.click(item + ` input[value="fail"]`)
	b.fill(item+` textarea[name="comment"]`, "服务机构数量未达方案目标")
	b.click(item + ` button[type="submit"]`)
	b.waitVisible(item + " .wb-done")
	if got := b.text(item + " .wb-done"); !strings.Contains(got, "限期整改至") || !strings.Contains(got, "取消称号") {
		t.Errorf("after the fail: %q", got)
	}
	if got := eval[string](b, fmt.Sprintf(`document.querySelector('%s').dataset.status`, item)); got != "rectifying" {
		t.Errorf("the zone after the fail: %q", got)
	}
	due := b.text(item + " .zone-rectification-due")
	b.screenshot("workbench-zone-fail")

	b.setClock("2035-02-10T10:00:00+08:00") // rectified within the deadline
	signInAs(b, "province_officer", "", "320000")
	b.open("/workbench.html#tab-zones")
	b.waitVisible(item + ` input[value="pass"]`)
	if got := b.text(item + " .zone-rectification-due"); got != due {
		t.Errorf("the rectification deadline shows %q, was %q", got, due)
	}
	b.click(item + ` input[value="pass"]`)
	b.click(item + ` button[type="submit"]`)
	b.waitVisible(item + " .wb-done")
	if got := b.text(item + " .wb-done"); !strings.Contains(got, "保留集聚区称号") {
		t.Errorf("after the pass: %q", got)
	}
	if z := zoneAPI(); z["status"] != "assessed" || len(z["assessments"].([]any)) != 2 {
		t.Errorf("the zone after the pass: %v %v", z["status"], z["assessments"])
	}
	b.screenshot("workbench-zone-pass")

	// The county sees both assessments, in English too.
	signInAs(b, "county_government", "320281", "320281")
	b.open("/zone.html")
	b.waitVisible("#zone-assessments article[data-assessment='2']")
	if got := b.text("#zone-assessments"); !strings.Contains(got, "不合格") || !strings.Contains(got, "合格：保留集聚区称号") {
		t.Errorf("the county's assessments: %q", got)
	}
	b.click("#lang-en")
	b.waitFor("the English zone", `document.querySelector('#zone-assessments-title')?.textContent === 'Final assessment'`)
	if got := b.text("#zone-assessments"); !strings.Contains(got, "Pass: the zone keeps its title") || !strings.Contains(got, "Fail: rectify by") {
		t.Errorf("the assessments in English: %q", got)
	}
	if got := b.text("#zone-details"); !strings.Contains(got, "Passed the final assessment") {
		t.Errorf("the zone's status in English: %q", got)
	}
	b.checkLabels(t)
	b.screenshot("zone-county-english")
	onlyRefusals(t, b)
}
