package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/jsipa/ips/shared/domain"
)

const (
	agencyA = "91320281MA1AAAAA0A"
	agencyB = "91320281MA1BBBBB0B"
)

var filingA = domain.Resource{Kind: "agency_filing", Owner: agencyA, Division: "320281"}

func loadEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return e
}

func TestLoadPreparesTheEmbeddedBundle(t *testing.T) {
	e := loadEngine(t)
	v := e.Version()
	if !strings.HasPrefix(v, "sha256:") || len(v) != len("sha256:")+12 {
		t.Errorf("Version() = %q, want sha256: and 12 hex digits", v)
	}
	if _, ok := e.prepared[QueryAuthz]; !ok {
		t.Errorf("%s was not prepared", QueryAuthz)
	}
}

func TestAuthorize(t *testing.T) {
	e := loadEngine(t)
	tests := []struct {
		name       string
		req        domain.AuthzRequest
		allow      bool
		reasonHave string
	}{
		{
			name:  "the owner agency reads its filing",
			req:   domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleAgency, Subject: agencyA}, Action: "filing.read", Resource: filingA},
			allow: true,
		},
		{
			name:  "a city officer of the prefecture reviews a county's filing",
			req:   domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleCityOfficer, Subject: "officer-1", Division: "320200"}, Action: "filing.review", Resource: filingA},
			allow: true,
		},
		{
			name:  "a city officer lists the review queue",
			req:   domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleCityOfficer, Subject: "officer-1", Division: "320281"}, Action: "filing.list", Resource: domain.Resource{Kind: "agency_filing"}},
			allow: true,
		},
		{
			name:       "another agency may not amend the filing",
			req:        domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleAgency, Subject: agencyB}, Action: "filing.amend", Resource: filingA},
			reasonHave: "only the record's owner may filing.amend",
		},
		{
			name:       "an officer of another county may not review",
			req:        domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleCityOfficer, Subject: "officer-2", Division: "320211"}, Action: "filing.review", Resource: filingA},
			reasonHave: "division 320211 does not contain 320281",
		},
		{
			name:       "the anonymous public may not read a filing",
			req:        domain.AuthzRequest{Action: "filing.read", Resource: filingA},
			reasonHave: "anonymous callers may not filing.read",
		},
		{
			name:       "an unknown action is refused",
			req:        domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleProvinceOfficer, Subject: "officer-3", Division: "320000"}, Action: "filing.explode", Resource: filingA},
			reasonHave: `unknown action "filing.explode"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := e.Authorize(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			if d.Allow != tt.allow {
				t.Fatalf("Allow = %v, want %v (reasons %q)", d.Allow, tt.allow, d.Reasons)
			}
			if tt.allow {
				if len(d.Reasons) != 0 {
					t.Errorf("an allowed request has reasons %q", d.Reasons)
				}
				return
			}
			if !containsReason(d.Reasons, tt.reasonHave) {
				t.Errorf("reasons %q do not mention %q", d.Reasons, tt.reasonHave)
			}
			for _, r := range d.Reasons {
				if !strings.HasSuffix(r, ")") || !strings.Contains(r, "DOMAIN.md §7") {
					t.Errorf("reason %q does not name its basis", r)
				}
			}
		})
	}
}

func containsReason(reasons []string, part string) bool {
	for _, r := range reasons {
		if strings.Contains(r, part) {
			return true
		}
	}
	return false
}

func TestAuthorizeConcurrently(t *testing.T) {
	e := loadEngine(t)
	owner := domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleAgency, Subject: agencyA}, Action: "filing.amend", Resource: filingA}
	stranger := domain.AuthzRequest{Principal: domain.Principal{Role: domain.RoleAgency, Subject: agencyB}, Action: "filing.amend", Resource: filingA}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 64 {
		wg.Go(func() {
			for i := range 50 {
				req, want := owner, true
				if (g+i)%2 == 1 {
					req, want = stranger, false
				}
				d, err := e.Authorize(context.Background(), req)
				if err != nil {
					errs <- err
					return
				}
				if d.Allow != want {
					errs <- fmt.Errorf("goroutine %d, call %d: Allow = %v, want %v", g, i, d.Allow, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The input is built by hand to spare a JSON round trip per request; it must still be exactly
// what OPA would make of the struct's JSON, or the policy would see a different request.
func TestAuthzInputEqualsTheRequestsJSON(t *testing.T) {
	reqs := []domain.AuthzRequest{
		{},
		{Action: "filing.read", Resource: filingA},
		{Principal: domain.Principal{Role: domain.RoleIntegrator, Subject: "int-1", Scopes: []string{"eligibility.read", "credit.read"}}, Action: "filing.list", Resource: domain.Resource{Kind: "agency_filing"}},
		{Principal: domain.Principal{Role: domain.RoleCityOfficer, Subject: "o", Division: "320200", Scopes: []string{}}, Action: "filing.review", Resource: domain.Resource{Kind: "agency_filing", Division: "320281"}},
		{Principal: domain.Principal{Role: domain.RoleAgency, Subject: agencyA}, Action: "filing.create", Resource: domain.Resource{Kind: "agency_filing", Owner: agencyA}},
	}
	for i, req := range reqs {
		want, err := ast.InterfaceToValue(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := authzInput(req); got.Compare(want) != 0 {
			t.Errorf("request %d: input\n%v\nwant\n%v", i, got, want)
		}
	}
}

func TestVersionIsStableAcrossLoads(t *testing.T) {
	a, b := loadEngine(t), loadEngine(t)
	if a.Version() != b.Version() {
		t.Errorf("two loads of one bundle: %q and %q", a.Version(), b.Version())
	}
}

func fakeBundle() fstest.MapFS {
	return fstest.MapFS{
		"demo/demo.rego": {Data: []byte(`package demo

decision := {"amount": data.demo.rate * input.base, "note": "demo"} if input.base > 0
`)},
		"demo/data.json":      {Data: []byte(`{"rate": 3}`)},
		"demo/demo_test.rego": {Data: []byte("package demo_test\n\ntest_it if true\n")},
		"README.md":           {Data: []byte("not policy")},
	}
}

func TestVersionFollowsContent(t *testing.T) {
	version := func(fsys fstest.MapFS) string {
		t.Helper()
		v, err := bundleVersion(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	base := version(fakeBundle())
	if again := version(fakeBundle()); again != base {
		t.Fatalf("the same content hashed to %q and %q", base, again)
	}

	changes := map[string]func(fstest.MapFS){
		"a rule changes":      func(m fstest.MapFS) { m["demo/demo.rego"].Data = append(m["demo/demo.rego"].Data, '\n') },
		"a data file changes": func(m fstest.MapFS) { m["demo/data.json"] = &fstest.MapFile{Data: []byte(`{"rate": 4}`)} },
		"a policy file is added": func(m fstest.MapFS) {
			m["other/other.rego"] = &fstest.MapFile{Data: []byte("package other\n")}
		},
		"a file is renamed": func(m fstest.MapFS) {
			m["demo/rules.rego"] = m["demo/demo.rego"]
			delete(m, "demo/demo.rego")
		},
	}
	for name, change := range changes {
		m := fakeBundle()
		change(m)
		if v := version(m); v == base {
			t.Errorf("%s: version stayed %q", name, v)
		}
	}

	// Tests and other files decide nothing, so they do not make a new policy version.
	same := map[string]func(fstest.MapFS){
		"a test changes": func(m fstest.MapFS) {
			m["demo/demo_test.rego"].Data = []byte("package demo_test\n\ntest_other if true\n")
		},
		"a README is added":   func(m fstest.MapFS) { m["demo/README.md"] = &fstest.MapFile{Data: []byte("notes")} },
		"a Go file is edited": func(m fstest.MapFS) { m["embed.go"] = &fstest.MapFile{Data: []byte("package policies")} },
	}
	for name, change := range same {
		m := fakeBundle()
		change(m)
		if v := version(m); v != base {
			t.Errorf("%s: version changed from %q to %q", name, base, v)
		}
	}
}

func TestDecideReadsDataFromItsFolder(t *testing.T) {
	fsys := fakeBundle()
	// A broken test must not stop the engine: tests are never loaded.
	fsys["demo/broken_test.rego"] = &fstest.MapFile{Data: []byte("package demo_test\n\ntest_broken if {")}
	e, err := load(context.Background(), fsys, []string{"data.demo.decision"})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var out struct {
		Amount int    `json:"amount"`
		Note   string `json:"note"`
	}
	if err := e.Decide(context.Background(), "data.demo.decision", map[string]any{"base": 5}, &out); err != nil {
		t.Fatalf("Decide: %v", err)
	}
	if out.Amount != 15 || out.Note != "demo" {
		t.Errorf("Decide = %+v, want amount 15 (data.demo.rate 3 × 5), note demo", out)
	}
}

func TestDecideUnknownQuery(t *testing.T) {
	e := loadEngine(t)
	var out any
	err := e.Decide(context.Background(), "data.nothing.decision", map[string]any{}, &out)
	if !errors.Is(err, ErrUnknownQuery) {
		t.Errorf("Decide(unregistered query) = %v, want ErrUnknownQuery", err)
	}
}

func TestUndefinedDecisionIsAnError(t *testing.T) {
	e, err := load(context.Background(), fakeBundle(), []string{"data.demo.decision"})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var out any
	err = e.Decide(context.Background(), "data.demo.decision", map[string]any{"base": 0}, &out)
	if !errors.Is(err, ErrUndefined) {
		t.Errorf("Decide(undefined) = %v, want ErrUndefined", err)
	}
}

// A broken authorisation policy must never let anyone in: every way it can fail to answer
// properly is an error, and the zero decision that comes with it refuses.
func TestAuthorizeFailsClosed(t *testing.T) {
	policies := map[string]string{
		"undefined":           `decision := {"allow": true, "reasons": []} if input.action == "never"`,
		"allow not a boolean": `decision := {"allow": "true", "reasons": []}`,
		"reasons not a list":  `decision := {"allow": true, "reasons": "none"}`,
		"reason not a string": `decision := {"allow": false, "reasons": [1]}`,
		"not an object":       `decision := true`,
		"builtin error":       `decision := {"allow": true, "reasons": [x]} if x := 1 / 0`,
		"conflict": `decision := {"allow": true, "reasons": []}

decision := {"allow": false, "reasons": []} if input.action != ""`,
	}
	for name, src := range policies {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"authz/authz.rego": {Data: []byte("package authz\n\n" + src + "\n")}}
			e, err := load(context.Background(), fsys, []string{QueryAuthz})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			d, err := e.Authorize(context.Background(), domain.AuthzRequest{
				Principal: domain.Principal{Role: domain.RoleAgency, Subject: agencyA}, Action: "filing.read", Resource: filingA,
			})
			t.Logf("Authorize: %v", err)
			if err == nil {
				t.Errorf("Authorize = %+v, nil; want an error", d)
			}
			if d.Allow {
				t.Errorf("a failed decision allowed the request")
			}
		})
	}
}

func TestLoadRefuses(t *testing.T) {
	tests := map[string]struct {
		fsys    fstest.MapFS
		queries []string
	}{
		"a query naming no rule":          {fakeBundle(), []string{"data.demo.desicion"}},
		"a query that is not a reference": {fakeBundle(), []string{"data.demo.decision +"}},
		"a policy that does not compile": {fstest.MapFS{
			"demo/demo.rego": {Data: []byte("package demo\n\ndecision := undefined_function(1)\n")},
		}, []string{"data.demo.decision"}},
		"a data file clobbering a rule": {fstest.MapFS{
			"demo/demo.rego": {Data: []byte("package demo\n\ndecision := 1\n")},
			"demo/data.json": {Data: []byte(`{"decision": 2}`)},
		}, []string{"data.demo.decision"}},
		"a bundle without policy": {fstest.MapFS{"README.md": {Data: []byte("x")}}, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := load(context.Background(), tt.fsys, tt.queries)
			t.Logf("load: %v", err)
			if err == nil {
				t.Error("load succeeded, want an error")
			}
		})
	}
}
