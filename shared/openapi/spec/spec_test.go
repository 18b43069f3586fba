package spec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jsipa/ips/infra/catalog"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/openapi"
	"github.com/jsipa/ips/shared/openapi/openapitest"
	"github.com/jsipa/ips/shared/openapi/spec"
)

// The committed document is the one the code generates now: a route, a type, a comment or a
// grant that changed without `make openapi` fails here, so the served document never drifts.
func TestTheCommittedDocumentIsWhatTheCodeGenerates(t *testing.T) {
	fresh, err := spec.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	committed := openapi.JSON()
	if bytes.Equal(fresh, committed) {
		return
	}
	a, b := strings.Split(string(committed), "\n"), strings.Split(string(fresh), "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			t.Fatalf("shared/openapi/openapi.json is stale: run `make openapi`.\nfirst difference at line %d:\ncommitted: %s\ngenerated: %s", i+1, x, y)
		}
	}
}

// Every route of every function has exactly one operation in the table, served by that
// function, and every operation of a function is one of its routes; public operations are
// exactly the routes that answer without a credential.
func TestEveryRouteHasExactlyOneOperation(t *testing.T) {
	ops := map[string]spec.Op{}
	for _, op := range spec.Operations() {
		key := op.Method + " " + op.Path
		if _, dup := ops[key]; dup {
			t.Errorf("%s is in the table twice", key)
		}
		ops[key] = op
	}
	served := map[string]string{}
	for name, build := range catalog.HTTPFunctions {
		fn := build(httpapi.Deps{})
		for _, rt := range fn.Routes() {
			key := rt.Method + " " + rt.Path
			served[key] = name
			op, ok := ops[key]
			if !ok {
				t.Errorf("%s (function %s) has no operation in shared/openapi/spec/operations.go", key, name)
				continue
			}
			if op.Function != name {
				t.Errorf("%s is served by %s, the table says %s", key, name, op.Function)
			}
			// A signed-in route refuses a request without a token before its handler runs; a
			// public one lets it through (to a handler that may then fail on the empty deps).
			rec := httptest.NewRecorder()
			path := regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(rt.Path, "x")
			func() {
				defer func() { recover() }()
				req := httptest.NewRequest(rt.Method, path, nil)
				if op.BodyMedia != "" {
					req.Header.Set("Content-Type", op.BodyMedia) // a raw body's type is checked first
				}
				fn.ServeHTTP(rec, req)
			}()
			if public := rec.Code != http.StatusUnauthorized; public != op.Public {
				t.Errorf("%s answers %d without a credential; the table says public=%v", key, rec.Code, op.Public)
			}
		}
	}
	for key, op := range ops {
		if op.Function == "dev" {
			continue // the local runner's dev mode: infra/local's test holds these to its routes
		}
		if _, ok := served[key]; !ok {
			t.Errorf("the table documents %s, which no function serves", key)
		}
	}
}

func loadDoc(t *testing.T) *openapitest.Document {
	t.Helper()
	d, err := openapitest.Load(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The document is well formed: every schema compiles against the JSON Schema 2020-12
// meta-schema, every local $ref resolves, every path parameter is declared, every operation
// answers something.
func TestTheDocumentIsWellFormed(t *testing.T) {
	d := loadDoc(t)
	raw := d.Raw()
	if raw["openapi"] != "3.1.0" {
		t.Errorf("openapi %v", raw["openapi"])
	}
	schemas := raw["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		if _, err := d.Schema("/components/schemas/" + name); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				refs = append(refs, r)
			}
			for _, vv := range x {
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		}
	}
	walk(raw)
	for _, r := range refs {
		if !strings.HasPrefix(r, "#/components/") {
			t.Errorf("$ref %s is not a local component", r)
			continue
		}
		parts := strings.Split(strings.TrimPrefix(r, "#/"), "/")
		var cur any = raw
		for _, p := range parts {
			m, _ := cur.(map[string]any)
			cur = m[p]
		}
		if cur == nil {
			t.Errorf("$ref %s resolves to nothing", r)
		}
	}
	for _, op := range d.Operations() {
		declared := map[string]bool{}
		params, _ := op.Raw["parameters"].([]any)
		for _, p := range params {
			pm := p.(map[string]any)
			if pm["in"] == "path" {
				declared[pm["name"].(string)] = true
			}
		}
		for _, m := range regexp.MustCompile(`\{([a-z_]+)\}`).FindAllStringSubmatch(op.Path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s %s: path parameter %s is not declared", op.Method, op.Path, m[1])
			}
		}
		responses, _ := op.Raw["responses"].(map[string]any)
		has2xx := false
		for status := range responses {
			has2xx = has2xx || strings.HasPrefix(status, "2")
		}
		if !has2xx {
			t.Errorf("%s %s documents no success", op.Method, op.Path)
		}
		if op.Raw["summary"] == "" || op.Raw["x-summary-zh"] == "" {
			t.Errorf("%s %s has no summary in both languages", op.Method, op.Path)
		}
	}
}

// Every example a success is expected from fits the document: its body the request schema,
// its path and query values their parameters' schemas. (Examples of refusals are refused by
// the schema too; the live test sends them all.)
func TestExamplesFitTheDocument(t *testing.T) {
	d := loadDoc(t)
	seen := map[string]bool{}
	for _, op := range d.Operations() {
		xs, _ := op.Raw["x-examples"].([]any)
		if len(xs) == 0 {
			t.Errorf("%s %s has no example", op.Method, op.Path)
		}
		params := map[string]string{} // "in:name" → pointer of its schema
		list, _ := op.Raw["parameters"].([]any)
		for i, p := range list {
			pm := p.(map[string]any)
			if _, isRef := pm["$ref"]; isRef {
				name := strings.TrimPrefix(pm["$ref"].(string), "#/components/parameters/")
				pm = d.Raw()["components"].(map[string]any)["parameters"].(map[string]any)[name].(map[string]any)
				params[pm["in"].(string)+":"+pm["name"].(string)] = "/components/parameters/" + name + "/schema"
				continue
			}
			params[pm["in"].(string)+":"+pm["name"].(string)] = opPointer(op) + "/parameters/" + strconv.Itoa(i) + "/schema"
		}
		for _, x := range xs {
			ex := x.(map[string]any)
			name := ex["name"].(string)
			seen[name] = true
			status, _ := ex["status"].(json.Number).Int64()
			if status >= 300 {
				continue
			}
			if ex["body"] == true {
				rb := op.Raw["requestBody"].(map[string]any)["content"].(map[string]any)
				for media, c := range rb {
					value := c.(map[string]any)["examples"].(map[string]any)[name].(map[string]any)["value"]
					if media != "application/json" {
						if _, ok := value.(string); !ok {
							t.Errorf("%s: a %s body must be text", name, media)
						}
						continue
					}
					if err := d.ValidateValue(opPointer(op)+"/requestBody/content/application~1json/schema", value); err != nil {
						t.Errorf("example %s: the body does not fit %s %s: %v", name, op.Method, op.Path, err)
					}
				}
			}
			check := func(in, k string, v any) {
				ptr, ok := params[in+":"+k]
				if !ok {
					t.Errorf("example %s gives %s parameter %s, which %s %s does not declare", name, in, k, op.Method, op.Path)
					return
				}
				s := v.(string)
				var val any = s
				if n, err := strconv.Atoi(s); err == nil && in != "header" && !strings.HasPrefix(s, "0") {
					if err := d.ValidateValue(ptr, n); err == nil {
						return
					}
					val = s
				}
				if err := d.ValidateValue(ptr, val); err != nil {
					// a repeatable parameter's schema is an array of them
					if err2 := d.ValidateValue(ptr, []any{val}); err2 != nil {
						t.Errorf("example %s: %s %s=%q does not fit: %v", name, in, k, s, err)
					}
				}
			}
			if p, ok := ex["path"].(map[string]any); ok {
				for k, v := range p {
					check("path", k, v)
				}
			}
			if q, ok := ex["query"].([]any); ok {
				for _, kv := range q {
					pair := kv.([]any)
					check("query", pair[0].(string), pair[1])
				}
			}
		}
	}
	devOps := map[string]bool{}
	for _, op := range spec.Operations() {
		if op.Function == "dev" {
			devOps[op.Method+" "+op.Path] = true
		}
	}
	var want []string
	for _, ex := range spec.Examples() {
		if !devOps[ex.Op] { // dev mode's steps are the runner's, kept out of the deployed document
			want = append(want, ex.Name)
		}
	}
	var got []string
	for n := range seen {
		got = append(got, n)
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(want, got) {
		t.Errorf("examples in the document %v, in the story %v", got, want)
	}
}

func opPointer(op *openapitest.Operation) string {
	p := strings.ReplaceAll(strings.ReplaceAll(op.Path, "~", "~0"), "/", "~1")
	return "/paths/" + p + "/" + strings.ToLower(op.Method)
}
