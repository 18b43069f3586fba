package spec

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/jsipa/ips/policies"
)

// grant is one entry of policies/authz's grants table: the roles an action admits, the scope
// each acts in, the credential scope an integrator needs, and the entry's legal basis.
type grant struct {
	Roles map[string]string `json:"roles"`
	// Scope is the credential scope the entry names for roles acting in scope "credential":
	// one string, or a list when the table grows one.
	Scope any    `json:"scope"`
	Basis string `json:"basis"`
}

func (g grant) scopes() []string {
	switch s := g.Scope.(type) {
	case string:
		return []string{s}
	case []any:
		var out []string
		for _, v := range s {
			if str, ok := v.(string); ok {
				out = append(out, str)
			}
		}
		sort.Strings(out)
		return out
	case map[string]any: // by role
		var out []string
		for _, v := range s {
			if str, ok := v.(string); ok {
				out = append(out, str)
			}
		}
		sort.Strings(out)
		return out
	}
	return nil
}

// loadGrants reads who may do what from the policy itself, so the roles and scopes the
// document lists for an operation are the ones the platform enforces, and a change of the
// policy shows as a change of the document (the drift test then asks for `make openapi`).
func loadGrants(ctx context.Context) (map[string]grant, error) {
	loaded, err := loader.NewFileLoader().
		WithFS(policies.Bundle).
		WithProcessAnnotation(true). // the entries read their basis from their METADATA
		WithRegoVersion(ast.RegoV1).
		Filtered([]string{"."}, func(p string, info fs.FileInfo, _ int) bool {
			if info.IsDir() {
				return false
			}
			ext := path.Ext(p)
			return !(ext == ".json" || (ext == ".rego" && !strings.HasSuffix(p, "_test.rego")))
		})
	if err != nil {
		return nil, fmt.Errorf("spec: load policies: %w", err)
	}
	store, err := loaded.Store()
	if err != nil {
		return nil, fmt.Errorf("spec: policy data: %w", err)
	}
	opts := []func(*rego.Rego){rego.Query("data.authz.grants"), rego.Store(store)}
	for _, m := range loaded.ParsedModules() {
		opts = append(opts, rego.ParsedModule(m))
	}
	rs, err := rego.New(opts...).Eval(ctx)
	if err != nil {
		return nil, fmt.Errorf("spec: data.authz.grants: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, fmt.Errorf("spec: data.authz.grants is undefined")
	}
	b, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		return nil, err
	}
	var out map[string]grant
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("spec: data.authz.grants: %w", err)
	}
	return out, nil
}
