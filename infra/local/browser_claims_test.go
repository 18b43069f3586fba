package main

// Browser tests of the subsidy claim (claim.html, claims.html) and the cluster-zone application
// (cluster.html), done as a person would with the helpers of browser_helpers_test.go.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/jsipa/ips/shared/testkit"
)

// gusuEnterprise is the README's enterprise in 姑苏区 (320508), Suzhou.
const gusuEnterprise = "91320508MA1CL0012P"

// fillPledgeReward fills claim.html for the README's pledge-reward claim: a 5,000,000.00 元 loan
// disbursed on 2022-05-20; commit ticks the credit commitment.
func fillPledgeReward(b *browser, commit bool) {
	b.t.Helper()
	b.open("/claim.html")
	b.waitVisible("#programme-pledge_reward")
	b.click("#programme-pledge_reward")
	b.waitVisible("#loan")
	if got := eval[string](b, `document.querySelector('#claimant-uscc').value`); got != gusuEnterprise {
		b.t.Errorf("claimant USCC prefilled %q, want the signed-in enterprise's %q", got, gusuEnterprise)
	}
	if got := eval[string](b, `document.querySelector('#claimant-district').value`); got != "320508" {
		b.t.Errorf("claimant district prefilled %q, want 320508", got)
	}
	b.fill("#claimant-name", "苏州姑苏智造科技有限公司")
	b.fill("#claimant-platform", "true")
	b.fill("#loan", "5,000,000.00")
	b.fill("#disbursed-on", "2022-05-20")
	b.fill("#lender", "苏州银行姑苏支行")
	b.fill("#pledge-no", "Y2022320000123")
	b.fill("#pledged-ip", "ZL201910123456.7")
	if commit {
		b.click("#credit-commitment")
	}
}

func TestBrowserClaimPledgeReward(t *testing.T) {
	b := newBrowser(t)
	b.signIn("enterprise", gusuEnterprise, "")
	fillPledgeReward(b, true)
	b.checkLabels(t)

	// The only programme's fields are those of the pledge reward.
	for _, other := range []string{"#premium", "#costs", "#fee-0-amount"} {
		if eval[bool](b, fmt.Sprintf(`!!document.querySelector(%q)`, other)) {
			t.Errorf("%s is shown for the pledge reward", other)
		}
	}

	// The live preview: 1% of 5,000,000.00 元, with its basis (seed 003 第四条).
	b.waitFor("the preview's amount", `document.querySelector('#preview .decision-amount')?.textContent === '50,000.00 元'`)
	preview := b.text("#preview")
	for _, want := range []string{"可获资助", "50,000.00 元", "seed 003 第四条", "seed 003 第十八条"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q:\n%s", want, preview)
		}
	}
	b.screenshot("claim-preview")

	b.click("#claim-submit")
	b.waitVisible("#receipt")
	id := b.text("#receipt-id")
	if !strings.HasPrefix(id, "SC") {
		t.Fatalf("receipt reference %q", id)
	}
	if got := b.text("#receipt-status"); got != "已提交，待区（县）初审" {
		t.Errorf("receipt status %q", got)
	}
	if got := b.text("#receipt-amount"); got != "50,000.00 元" {
		t.Errorf("receipt amount %q", got)
	}
	if next := b.text("#receipt-next"); !strings.Contains(next, "初审") || !strings.Contains(next, "公示") || !strings.Contains(next, "拨付") {
		t.Errorf("what happens next: %q", next)
	}
	b.screenshot("claim-receipt")

	// The claim as stored: the amount exactly in fen.
	tok := b.token("enterprise", gusuEnterprise, "")
	status, claim := b.api("GET", "/v1/subsidy-claims/"+id, tok, nil)
	if status != 200 {
		t.Fatalf("GET claim %s: %d %v", id, status, claim)
	}
	if ev := claim["claim"].(map[string]any)["event"].(map[string]any); ev["loan_fen"] != float64(500000000) {
		t.Errorf("loan_fen stored %v, want 500000000", ev["loan_fen"])
	}

	// My claims: remembered by the browser, with its history and decision receipt.
	b.open("/claims.html")
	b.waitVisible("#claim-" + id + " .claim-history")
	card := b.text("#claim-" + id)
	for _, want := range []string{id, "已提交，待区（县）初审", "提交", "50,000.00 元", "seed 003 第四条", "政策版本"} {
		if !strings.Contains(card, want) {
			t.Errorf("my claims lacks %q:\n%s", want, card)
		}
	}
	b.checkLabels(t)
	b.screenshot("claims-list")

	// The English switch changes every label and message.
	b.click("#lang-en")
	b.waitFor("English", `document.documentElement.lang === 'en' && document.querySelector('h1').textContent === 'My subsidy claims'`)
	card = b.text("#claim-" + id)
	for _, want := range []string{"Submitted, awaiting the district review", "Pledge financing reward", "CNY 50,000.00", "Policy version"} {
		if !strings.Contains(card, want) {
			t.Errorf("my claims in English lacks %q:\n%s", want, card)
		}
	}
	b.screenshot("claims-list-en")
	if errs := scriptErrors(b); len(errs) > 0 {
		t.Errorf("script errors: %v", errs)
	}

	// Opening an unknown reference says so at the field.
	b.fill("#open-id", "SC20270101-000000000000")
	b.click("#open-submit")
	b.waitVisible(".error-summary")
	if !eval[bool](b, `document.activeElement.classList.contains('error-summary') && !!document.activeElement.querySelector('a[href="#open-id"]')`) {
		t.Errorf("an unknown reference does not focus the error summary linking to the field")
	}

	// The claim form in English, the preview too.
	b.open("/claim.html")
	b.waitFor("English form", `document.querySelector('h1')?.textContent === 'Claim an IP finance subsidy'`)
	if got := b.text("label[for=programme-pledge_reward]"); got != "Pledge financing reward" {
		t.Errorf("programme label in English %q", got)
	}
	b.checkLabels(t)
}

func TestBrowserClaimWithoutCommitment(t *testing.T) {
	b := newBrowser(t)
	b.signIn("enterprise", gusuEnterprise, "")
	fillPledgeReward(b, false)
	b.waitFor("the preview asking for the commitment", `document.querySelector('#preview')?.textContent.includes('信用承诺')`)
	b.click("#claim-submit")
	b.waitVisible(".error-summary")
	b.waitFor("the error summary focused", `document.activeElement?.classList.contains('error-summary')`)
	if !eval[bool](b, `!!document.activeElement.querySelector('a[href="#credit-commitment"]')`) {
		t.Errorf("the error summary does not link to the credit commitment: %s", b.text(".error-summary"))
	}
	if got := eval[string](b, `document.querySelector('#credit-commitment').getAttribute('aria-invalid')`); got != "true" {
		t.Errorf("the commitment is not marked invalid (%q)", got)
	}
	if eval[bool](b, `!!document.querySelector('#receipt')`) {
		t.Errorf("a claim without the commitment got a receipt")
	}
	b.screenshot("claim-without-commitment")

	// Following the link focuses the checkbox; ticking it lets the claim through, the draft intact.
	b.click(".error-summary a")
	b.waitFor("the checkbox focused", `document.activeElement?.id === 'credit-commitment'`)
	b.open("/claim.html") // a reload keeps what was typed
	b.waitFor("the draft restored", `document.querySelector('#loan')?.value === '5,000,000.00'`)
	b.click("#credit-commitment")
	b.click("#claim-submit")
	b.waitVisible("#receipt")
}

// scriptErrors are the console's errors but the browser's report of each non-2xx answer (the
// favicon's 404, a refusal the page shows): uncaught exceptions, CSP violations, logged errors.
func scriptErrors(b *browser) []string {
	var out []string
	for _, m := range b.consoleErrors() {
		if !strings.Contains(m, "Failed to load resource: the server responded with a status of") {
			out = append(out, m)
		}
	}
	return out
}

// minimalPDF is a small, real PDF of one empty page.
func minimalPDF(title string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
	}
	stream := "BT /F1 12 Tf 72 770 Td (" + title + ") Tj ET"
	objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	var sb strings.Builder
	sb.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = sb.Len()
		fmt.Fprintf(&sb, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := sb.Len()
	fmt.Fprintf(&sb, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&sb, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&sb, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(sb.String())
}

// fillAgencies makes the agencies part list n agencies of 江阴 and saves it.
func fillAgencies(b *browser, n int) {
	b.t.Helper()
	have := eval[int](b, `document.querySelectorAll('.agency-row').length`)
	for i := have; i < n; i++ {
		b.click("#agency-add")
	}
	for i := 0; i < n; i++ {
		b.fill(fmt.Sprintf("#agency-%d-uscc", i), testkit.USCC(b.t, "91320281", fmt.Sprintf("AG%06d", i+1)))
		b.fill(fmt.Sprintf("#agency-%d-name", i), fmt.Sprintf("江阴市第%d知识产权服务有限公司", i+1))
	}
	b.fill("#agency-0-type-patent_agency", "true")
	b.click("#save-agencies")
	b.waitFor("the agencies saved", fmt.Sprintf(`document.querySelector('#saved-agencies')?.textContent !== '' && document.querySelectorAll('.agency-row').length === %d`, n))
}

func TestBrowserClusterApplication(t *testing.T) {
	b := newBrowser(t)
	b.setClock("2027-05-10T10:00:00+08:00") // in the 2027 round, which closes on 30 June
	tok := b.signIn("county_government", "320281", "320281")
	b.open("/cluster.html")
	b.waitVisible("#create-application")
	if got := eval[string](b, `document.querySelector('#new-year').value`); got != "2027" {
		t.Errorf("the round offered is %q, want 2027", got)
	}
	b.checkLabels(t)
	b.screenshot("cluster-start")
	b.click("#create-application")
	b.waitVisible("#task-list")
	id := eval[string](b, `new URLSearchParams(location.search).get('id')`)
	if !strings.HasPrefix(id, "CA2027-320281-") {
		t.Fatalf("application id %q", id)
	}
	for _, part := range []string{"basic", "management", "agencies", "coverage", "documents"} {
		if got := eval[string](b, fmt.Sprintf(`document.querySelector('#task-%s-state').dataset.complete`, part)); got != "false" {
			t.Errorf("a new draft's %s is complete=%s", part, got)
		}
	}

	// Basic information and the management body, each saved on its own.
	b.fill("#zone-name", "江阴高新区知识产权服务业集聚发展区")
	b.fill("#industry", "集成电路、高端装备、新材料；区内高新技术企业 300 余家")
	b.fill("#has-plan", "true")
	b.fill("#special-fund", "2,000,000.00")
	b.click("#save-basic")
	b.waitFor("basic complete", `document.querySelector('#task-basic-state').dataset.complete === 'true'`)
	b.fill("#mb-name", "江阴高新区知识产权服务中心")
	b.fill("#mb-staff", "5")
	b.click("#save-management")
	b.waitFor("management complete", `document.querySelector('#task-management-state').dataset.complete === 'true'`)

	// 14 agencies: the screening refuses, naming the rule and its basis, linked to the part.
	fillAgencies(b, 14)
	if got := eval[string](b, `document.querySelector('#task-agencies-state').dataset.complete`); got != "false" {
		t.Errorf("14 agencies are complete=%s", got)
	}
	b.checkLabels(t)
	b.click("#submit-application")
	b.waitVisible("#screening")
	b.waitFor("the screening focused", `document.activeElement?.id === 'screening'`)
	li := eval[string](b, `document.querySelector('#screening li[data-code="too_few_agencies"]')?.textContent || ''`)
	for _, want := range []string{"14 家", "应在 15 家以上", "seed 001 §四(二)3", "前往：区内知识产权服务机构"} {
		if !strings.Contains(li, want) {
			t.Errorf("the agencies failure lacks %q: %q", want, li)
		}
	}
	if got := eval[string](b, `document.querySelector('#screening li[data-code="too_few_agencies"] a').getAttribute('href')`); got != "#part-agencies" {
		t.Errorf("the agencies failure links to %q", got)
	}
	screening := b.text("#screening")
	for _, want := range []string{"缺少申报材料", "seed 001 §四(三)", "未覆盖"} {
		if !strings.Contains(screening, want) {
			t.Errorf("the screening lacks %q:\n%s", want, screening)
		}
	}
	b.screenshot("cluster-screening-refused")
	status, app := b.api("GET", "/v1/cluster-applications/"+id, tok, nil)
	if status != 200 || app["status"] != "draft" {
		t.Fatalf("after a refused submission: %d %v", status, app["status"])
	}

	// 15 agencies, every cell of the coverage and the four documents.
	fillAgencies(b, 15)
	b.waitFor("agencies complete", `document.querySelector('#task-agencies-state').dataset.complete === 'true'`)
	b.click("#coverage-all")
	if n := eval[int](b, `document.querySelectorAll('.coverage-cell:checked').length`); n != 36 {
		t.Errorf("tick all ticked %d cells", n)
	}
	b.click("#save-coverage")
	b.waitFor("coverage complete", `document.querySelector('#task-coverage-state').dataset.complete === 'true'`)

	dir := t.TempDir()
	for _, kind := range []string{"application_form", "work_plan", "authenticity_commitment", "supporting_materials"} {
		pdf := minimalPDF(kind)
		file := filepath.Join(dir, kind+".pdf")
		if err := os.WriteFile(file, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pdf)
		b.run("choose "+kind, chromedp.SetUploadFiles(chromedp.CSS("#doc-"+kind), []string{file}))
		b.click("#upload-" + kind)
		b.waitFor(kind+" uploaded", fmt.Sprintf(`document.querySelector('#doc-%s-sha256')?.textContent === %q`, kind, hex.EncodeToString(sum[:])))
		if st := b.text("#doc-" + kind + "-status"); !strings.Contains(st, strconv.Itoa(len(pdf))+" 字节") {
			t.Errorf("%s status lacks its size %d: %q", kind, len(pdf), st)
		}
	}
	b.waitFor("documents complete", `document.querySelector('#task-documents-state').dataset.complete === 'true'`)
	b.checkLabels(t)
	b.screenshot("cluster-complete")

	b.click("#submit-application")
	b.waitVisible("#cluster-receipt")
	if got := b.text("#receipt-id"); got != id {
		t.Errorf("receipt reference %q, want %q", got, id)
	}
	if got := b.text("#receipt-status"); !strings.Contains(got, "已报设区市") {
		t.Errorf("receipt status %q", got)
	}
	status, app = b.api("GET", "/v1/cluster-applications/"+id, tok, nil)
	if status != 200 || app["status"] != "submitted" {
		t.Fatalf("after the submission: %d %v", status, app["status"])
	}
	if docs, _ := app["documents"].(map[string]any); len(docs) != 4 {
		t.Errorf("documents stored: %v", docs)
	}
	b.screenshot("cluster-submitted")

	// In English, the same application: read-only, its parts complete.
	b.click("#lang-en")
	b.waitFor("English", `document.querySelector('h1')?.textContent === 'Apply for an IP service cluster zone'`)
	if got := b.text("#task-agencies-state"); got != "Complete" {
		t.Errorf("agencies state in English %q", got)
	}
	if got := b.text("#receipt-status"); !strings.Contains(got, "With the prefecture") {
		t.Errorf("receipt status in English %q", got)
	}
	b.checkLabels(t)
	b.screenshot("cluster-submitted-en")
	if errs := scriptErrors(b); len(errs) > 0 {
		t.Errorf("script errors: %v", errs)
	}
}
