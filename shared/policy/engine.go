// Package policy makes the platform's decisions with OPA from the Rego bundle embedded in
// package policies. Everything expensive (parsing, compiling, preparing each query) happens
// once in Load; a request only evaluates an already prepared query, which OPA allows from many
// goroutines at once.
package policy

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"

	"github.com/jsipa/ips/policies"
	"github.com/jsipa/ips/shared/domain"
)

// Queries the engine answers, by the Rego document each decision is read from.
const (
	QueryAuthz = "data.authz.decision"
	// QuerySanctions turns a domain.SanctionFacts into a domain.SanctionDecision.
	QuerySanctions = "data.sanctions.decision"
	// QueryEligibility turns a domain.EligibilityInput into a domain.EligibilityDecision.
	QueryEligibility = "data.eligibility.decision"
	// QueryReportParameters is the annual report's parameters in force on input.on.
	QueryReportParameters = "data.annual_report.parameters"
	// QuerySubsidy turns a domain.SubsidyFacts into a domain.SubsidyDecision.
	QuerySubsidy = "data.subsidy.decision"
	// QueryClusterScreening turns a domain.ScreeningFacts into a domain.ScreeningDecision.
	QueryClusterScreening = "data.cluster.screening"
	// QueryClusterAssessment turns a domain.AssessmentFacts into a domain.AssessmentDecision.
	QueryClusterAssessment = "data.cluster.assessment"
)

// queries is every decision prepared at Load. A new decision (sanctions, subsidy, cluster
// screening) is one more line here and a folder under policies/; a name missing from this list
// is refused by Decide rather than compiled on the request path.
var queries = []string{
	QueryAuthz,
	QuerySanctions,
	QueryEligibility,
	QueryReportParameters,
	QuerySubsidy,
	QueryClusterScreening,
	QueryClusterAssessment,
}

var (
	// ErrUnknownQuery is returned for a query that was not registered, so it was never prepared.
	ErrUnknownQuery = errors.New("policy: unknown query")
	// ErrUndefined is returned when a decision has no value for an input. Callers must treat
	// it as a failure, never as a refusal or a permission: the policy did not answer.
	ErrUndefined = errors.New("policy: decision undefined")
)

// Engine answers decisions from one compiled bundle. It is safe for concurrent use.
type Engine struct {
	version  string
	prepared map[string]rego.PreparedEvalQuery
}

var _ domain.Authorizer = (*Engine)(nil)

// Load compiles the embedded bundle and prepares every registered query. A policy that does
// not compile, or a registered query that names no rule, fails here at start rather than on
// the first request that needs it.
func Load(ctx context.Context) (*Engine, error) {
	return load(ctx, policies.Bundle, queries)
}

func load(ctx context.Context, fsys fs.FS, queries []string) (*Engine, error) {
	version, err := bundleVersion(fsys)
	if err != nil {
		return nil, err
	}

	loaded, err := loader.NewFileLoader().
		WithFS(fsys).
		// rego.metadata.rule() reads the METADATA blocks, so they must reach the compiler.
		WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		Filtered([]string{"."}, func(p string, info fs.FileInfo, _ int) bool {
			return !info.IsDir() && !inBundle(p)
		})
	if err != nil {
		return nil, fmt.Errorf("policy: load bundle: %w", err)
	}
	store, err := loaded.Store()
	if err != nil {
		return nil, fmt.Errorf("policy: load data: %w", err)
	}

	compiler, err := compile(ctx, store, loaded.ParsedModules())
	if err != nil {
		return nil, err
	}

	e := &Engine{version: version, prepared: make(map[string]rego.PreparedEvalQuery, len(queries))}
	for _, q := range queries {
		ref, err := ast.ParseRef(q)
		if err != nil {
			return nil, fmt.Errorf("policy: query %q: %w", q, err)
		}
		if len(compiler.GetRules(ref)) == 0 {
			return nil, fmt.Errorf("policy: query %q names no rule in the bundle", q)
		}
		// Passing the compiled compiler and no modules makes rego reuse it as is: the bundle
		// is compiled once however many queries there are.
		pq, err := rego.New(
			rego.Query(q),
			rego.Compiler(compiler),
			rego.Store(store),
			// A builtin that fails (a type error, a bad regex) would otherwise leave its rule
			// silently undefined and the decision quietly different; as an error it fails
			// closed and shows in the log. The Rego tests run the same way.
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("policy: prepare %q: %w", q, err)
		}
		e.prepared[q] = pq
	}
	return e, nil
}

func compile(ctx context.Context, store storage.Store, modules map[string]*ast.Module) (*ast.Compiler, error) {
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	defer store.Abort(ctx, txn)

	compiler := ast.NewCompiler().
		WithDefaultRegoVersion(ast.RegoV1).
		// A data file and a rule claiming the same path would silently shadow one another.
		WithPathConflictsCheck(storage.NonEmpty(ctx, store, txn))
	if compiler.Compile(modules); compiler.Failed() {
		return nil, fmt.Errorf("policy: compile bundle: %w", compiler.Errors)
	}
	return compiler, nil
}

// Version identifies the policy the engine decides with. It depends only on the bundle's
// content, so every replica built from the same source reports the same version and a stored
// decision can be traced to the exact rules and data that made it.
func (e *Engine) Version() string { return e.version }

// Authorize answers an authorisation request with policies/authz. It fails closed: an
// evaluation error or an answer of the wrong shape is an error, never an allow.
func (e *Engine) Authorize(ctx context.Context, req domain.AuthzRequest) (domain.AuthzDecision, error) {
	v, err := e.eval(ctx, QueryAuthz, rego.EvalParsedInput(authzInput(req)))
	if err != nil {
		return domain.AuthzDecision{}, err
	}
	return authzDecision(v)
}

// Decide evaluates a registered query with input and decodes its value into out, as JSON
// would. It is the way in for every decision without a typed method of its own.
func (e *Engine) Decide(ctx context.Context, query string, input any, out any) error {
	v, err := e.eval(ctx, query, rego.EvalInput(input))
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("policy: %s: encode result: %w", query, err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("policy: %s: decode result: %w", query, err)
	}
	return nil
}

func (e *Engine) eval(ctx context.Context, query string, input rego.EvalOption) (any, error) {
	pq, ok := e.prepared[query]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownQuery, query)
	}
	rs, err := pq.Eval(ctx, input)
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", query, err)
	}
	switch {
	case len(rs) == 0 || len(rs[0].Expressions) == 0:
		return nil, fmt.Errorf("%w: %s", ErrUndefined, query)
	case len(rs) > 1:
		// A plain document reference has one value; more means the query is not one.
		return nil, fmt.Errorf("policy: %s: %d results, want 1", query, len(rs))
	}
	return rs[0].Expressions[0].Value, nil
}

// authzInput builds the input as OPA's own value rather than handing over the struct, which
// OPA would turn into JSON and back on every request. It must equal the request's JSON form
// (field names and omitempty included); a test holds it to that.
func authzInput(req domain.AuthzRequest) ast.Value {
	var scopes *ast.Term
	if req.Principal.Scopes == nil {
		scopes = ast.NullTerm()
	} else {
		terms := make([]*ast.Term, len(req.Principal.Scopes))
		for i, s := range req.Principal.Scopes {
			terms[i] = ast.StringTerm(s)
		}
		scopes = ast.ArrayTerm(terms...)
	}

	resource := [][2]*ast.Term{ast.Item(ast.StringTerm("kind"), ast.StringTerm(req.Resource.Kind))}
	if req.Resource.Owner != "" {
		resource = append(resource, ast.Item(ast.StringTerm("owner"), ast.StringTerm(req.Resource.Owner)))
	}
	if req.Resource.Division != "" {
		resource = append(resource, ast.Item(ast.StringTerm("division"), ast.StringTerm(req.Resource.Division)))
	}
	if req.Resource.Submitter != "" {
		resource = append(resource, ast.Item(ast.StringTerm("submitter"), ast.StringTerm(req.Resource.Submitter)))
	}

	return ast.NewObject(
		ast.Item(ast.StringTerm("principal"), ast.ObjectTerm(
			ast.Item(ast.StringTerm("role"), ast.StringTerm(string(req.Principal.Role))),
			ast.Item(ast.StringTerm("subject"), ast.StringTerm(req.Principal.Subject)),
			ast.Item(ast.StringTerm("division"), ast.StringTerm(req.Principal.Division)),
			ast.Item(ast.StringTerm("scopes"), scopes),
		)),
		ast.Item(ast.StringTerm("action"), ast.StringTerm(req.Action)),
		ast.Item(ast.StringTerm("resource"), ast.ObjectTerm(resource...)),
	)
}

// authzDecision reads the policy's answer strictly: anything but a boolean allow and a list of
// strings is a broken policy, and a broken policy must not let anyone in.
func authzDecision(v any) (domain.AuthzDecision, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return domain.AuthzDecision{}, fmt.Errorf("policy: %s: got %T, want an object", QueryAuthz, v)
	}
	allow, ok := obj["allow"].(bool)
	if !ok {
		return domain.AuthzDecision{}, fmt.Errorf("policy: %s: allow is %T, want a boolean", QueryAuthz, obj["allow"])
	}
	raw, ok := obj["reasons"].([]any)
	if !ok {
		return domain.AuthzDecision{}, fmt.Errorf("policy: %s: reasons is %T, want a list", QueryAuthz, obj["reasons"])
	}
	reasons := make([]string, len(raw))
	for i, r := range raw {
		s, ok := r.(string)
		if !ok {
			return domain.AuthzDecision{}, fmt.Errorf("policy: %s: reason %d is %T, want a string", QueryAuthz, i, r)
		}
		reasons[i] = s
	}
	return domain.AuthzDecision{Allow: allow, Reasons: reasons}, nil
}

// inBundle reports whether a file is part of the policy the engine runs: non-test Rego and the
// JSON data files. Tests are embedded for `go test` but never decide anything.
func inBundle(p string) bool {
	switch path.Ext(p) {
	case ".rego":
		return !strings.HasSuffix(p, "_test.rego")
	case ".json":
		return true
	}
	return false
}

// bundleVersion hashes the files the engine loads, in path order, each as its path and its
// length-prefixed content so no two different bundles can hash the same bytes.
func bundleVersion(fsys fs.FS) (string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && inBundle(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("policy: list bundle: %w", err)
	}
	if len(files) == 0 {
		return "", errors.New("policy: the bundle holds no policy files")
	}
	sort.Strings(files)

	h := sha256.New()
	var n [8]byte
	for _, p := range files {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return "", fmt.Errorf("policy: read %s: %w", p, err)
		}
		h.Write([]byte(p))
		h.Write([]byte{0})
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:12], nil
}
