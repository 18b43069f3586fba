package main

// Browser test of the integrators' API reference (reference.html): the page renders the
// platform's own OpenAPI document, fetched from the platform, with nothing from a CDN.

import (
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/openapi/openapitest"
)

func TestBrowserReferenceRendersTheOpenAPIDocument(t *testing.T) {
	doc, err := openapitest.Default()
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)

	// Anyone reaches it from the footer; an operation named in the address opens by itself.
	b.open("/index.html")
	b.click("#footer-reference")
	b.waitFor("the reference rendered", `!!document.querySelector('#op-fileAgency')`)
	b.checkLabels(t)
	if got, want := eval[int](b, `document.querySelectorAll('.ref-op').length`), len(doc.Operations()); got != want {
		t.Errorf("the page shows %d operations; the document has %d", got, want)
	}
	b.open("/reference.html#op-fileAgency")
	b.waitFor("the filing operation opened", `document.querySelector('#op-fileAgency')?.open === true`)
	op := b.text("#op-fileAgency")
	for _, want := range []string{
		"POST", "/v1/agencies", "服务机构备案登记", // method, path, summary in Chinese
		"filing.create", "知识产权服务机构 (agency)", // who may call it, from policies/authz
		"Idempotency-Key", "AgencyFilingInput", "application/json", // parameters and body
		"201", "422", "application/problem+json", // responses
		"第 7 步", "91320281MA20JY015Q", "应答状态 201", // the story's example
	} {
		if !strings.Contains(op, want) {
			t.Errorf("the filing operation lacks %q:\n%s", want, op)
		}
	}
	b.screenshot("reference-file-agency")

	// A schema link opens the schema, its fields with their rules.
	b.click(`#op-fileAgency .ref-body a[href="#schema-AgencyFilingInput"]`)
	b.waitFor("the schema opened", `document.querySelector('#schema-AgencyFilingInput')?.open === true`)
	if got := b.text(`#schema-AgencyFilingInput tr[data-field="uscc"]`); !strings.Contains(got, "必填") || !strings.Contains(got, "uscc") {
		t.Errorf("the uscc field reads %q", got)
	}

	// Filtering keeps the eligibility queries only.
	b.fill("#ref-filter", "eligibility")
	shown := eval[string](b, `[...document.querySelectorAll('.ref-op:not([hidden])')].map((el) => el.id).join(' ')`)
	if shown != "op-checkEligibility op-checkEligibilityBatch" {
		t.Errorf("filtered on eligibility, the page shows %q", shown)
	}
	if got := b.text("#ref-shown"); !strings.Contains(got, "2") {
		t.Errorf("the count reads %q", got)
	}

	// In English, with the integrator's scope named.
	b.fill("#ref-filter", "")
	b.click("#lang-en")
	b.waitFor("the reference in English", `document.querySelector('#op-checkEligibility summary').textContent.includes('May an entity receive subsidies')`)
	b.open("/reference.html#op-checkEligibility")
	b.waitFor("the eligibility operation opened", `document.querySelector('#op-checkEligibility')?.open === true`)
	if got := b.text(`#op-checkEligibility li[data-role="integrator"]`); !strings.Contains(got, "eligibility:read") {
		t.Errorf("the integrator's grant reads %q", got)
	}
	b.checkLabels(t)
	b.screenshot("reference-eligibility-en")
	b.click("#lang-zh")

	// An integrator signed in finds it in the navigation.
	b.signIn("integrator", "credit-jiangsu", "")
	if !eval[bool](b, `!!document.querySelector('#site-nav a[data-nav="reference"]')`) {
		t.Error("an integrator's navigation has no link to the reference")
	}
	b.noConsoleErrors(t)
	if d := b.dialogsOpened(); len(d) > 0 {
		t.Errorf("dialogs opened: %v", d)
	}
}
