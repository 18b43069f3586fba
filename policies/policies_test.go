package policies_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/jsipa/ips/policies"
)

// minCoverage is the share of each policy file's lines the Rego tests must reach; a rule no
// test exercises is a rule nobody has checked against the text it cites.
const minCoverage = 90.0

// loadBundle loads the bundle exactly as embedded, tests included, with data files where the
// engine puts them (authz/data.json is data.authz).
func loadBundle(t *testing.T) *loader.Result {
	t.Helper()
	loaded, err := loader.NewFileLoader().
		WithFS(policies.Bundle).
		WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		All([]string{"."})
	if err != nil {
		t.Fatalf("load bundle: %v", err)
	}
	return loaded
}

// TestRego runs every *_test.rego of the embedded bundle through OPA's own test runner, the
// same runner `opa test --coverage` uses, so what passes here passes there and vice versa.
func TestRego(t *testing.T) {
	ctx := context.Background()
	loaded := loadBundle(t)
	modules := loaded.ParsedModules()
	if len(modules) == 0 {
		t.Fatal("the bundle holds no Rego modules")
	}
	store, err := loaded.Store()
	if err != nil {
		t.Fatalf("store: %v", err)
	}

	cov := cover.New()
	runner := tester.NewRunner().
		SetStore(store).
		SetModules(modules).
		SetCoverageQueryTracer(cov).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		SetTimeout(30 * time.Second)

	var ran, cases, failed int
	err = storage.Txn(ctx, store, storage.TransactionParams{}, func(txn storage.Transaction) error {
		results, err := runner.RunTests(ctx, txn)
		if err != nil {
			return err
		}
		for r := range results {
			switch {
			case r.Skip:
				t.Logf("skipped %s.%s", r.Package, r.Name)
				continue
			case r.Error != nil:
				failed++
				t.Errorf("%s.%s (%s): error: %v", r.Package, r.Name, r.Location, r.Error)
			case r.Fail:
				failed++
				t.Errorf("%s.%s (%s): FAIL%s", r.Package, r.Name, r.Location, failedCases(r))
			}
			for _, sub := range r.SubResults.Iter {
				if len(sub.SubResults) == 0 {
					cases++
				}
			}
			if len(r.Output) > 0 {
				t.Logf("%s.%s printed:\n%s", r.Package, r.Name, r.Output)
			}
			ran++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("run Rego tests: %v", err)
	}
	if ran == 0 {
		t.Fatal("no Rego tests ran")
	}
	t.Logf("%d Rego tests ran (%d of them cases of parameterised tests), %d failed", ran, cases, failed)

	report := cov.Report(modules)
	files := make([]string, 0, len(modules))
	for file := range modules {
		if !strings.HasSuffix(file, "_test.rego") {
			files = append(files, file)
		}
	}
	if len(files) == 0 {
		t.Fatal("the bundle holds no policy files")
	}
	sort.Strings(files)
	for _, file := range files {
		fr := report.Files[file]
		if fr == nil {
			t.Errorf("%s: no coverage recorded (no test reaches it)", file)
			continue
		}
		t.Logf("coverage %-28s %6.2f%% (%d lines covered, %d not)", file, fr.Coverage, fr.CoveredLines, fr.NotCoveredLines)
		if fr.Coverage < minCoverage {
			t.Errorf("%s: coverage %.2f%% is below %.0f%%; not covered: %s", file, fr.Coverage, minCoverage, ranges(fr.NotCovered))
		}
	}
}

// failedCases names the failed cases of a parameterised test (test_x[name]), which the
// runner reports as sub-results rather than in the test's own outcome.
func failedCases(r *tester.Result) string {
	var b strings.Builder
	for name, sub := range r.SubResults.Iter {
		if sub.Fail {
			b.WriteString("\n\tcase " + strings.Join(name, " / ") + ": FAIL")
		}
	}
	return b.String()
}

func ranges(rs []cover.Range) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		part := "line " + strconv.Itoa(r.Start.Row)
		if r.Start.Row != r.End.Row {
			part = "lines " + strconv.Itoa(r.Start.Row) + "-" + strconv.Itoa(r.End.Row)
		}
		// The same range comes once per coverage pass that missed it; one mention is enough.
		if len(parts) == 0 || parts[len(parts)-1] != part {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ", ")
}

// TestEveryRuleCitesItsBasis holds the bundle to ARCHITECTURE.md's rule that every rule carries
// a METADATA block with a title and its legal basis, so a decision can be traced back to the
// text that demands it. A block with scope document covers every definition of its rule; the
// package's own block does not count, as it cites no particular rule.
func TestEveryRuleCitesItsBasis(t *testing.T) {
	modules := map[string]*ast.Module{}
	for file, m := range loadBundle(t).ParsedModules() {
		if !strings.HasSuffix(file, "_test.rego") {
			modules[file] = m
		}
	}
	compiler := ast.NewCompiler()
	if compiler.Compile(modules); compiler.Failed() {
		t.Fatalf("compile: %v", compiler.Errors)
	}
	set := compiler.GetAnnotationSet()

	checked := 0
	// The compiler's own copies of the modules: the annotation set is keyed by their rules.
	for file, m := range compiler.Modules {
		for _, rule := range m.Rules {
			checked++
			annots := set.GetRuleScope(rule)
			if doc := set.GetDocumentScope(rule.Ref().GroundPrefix()); doc != nil {
				annots = append(annots, doc)
			}
			if !citesBasis(annots) {
				t.Errorf("%s:%d: rule %s has no METADATA with a title and custom.basis",
					file, rule.Location.Row, rule.Head.Ref())
			}
		}
	}
	if checked == 0 {
		t.Fatal("no rules checked")
	}
}

func citesBasis(annots []*ast.Annotations) bool {
	for _, a := range annots {
		if basis, _ := a.Custom["basis"].(string); a.Title != "" && strings.TrimSpace(basis) != "" {
			return true
		}
	}
	return false
}
