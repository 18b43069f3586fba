package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/openapi/openapitest"
	"github.com/jsipa/ips/shared/openapi/spec"
)

// The OpenAPI document's promise to integrators, checked the way one would: every example it
// documents, sent to the built local runner in the order of its story (each step's x-examples
// "step"), gets the status the document says, with an answer that fits the schema documented
// for that status. The document is read from the runner's own GET /v1/openapi.json.
//
// The only things the test adds are what the document says an example needs: a dev token for
// the example's principal (POST /dev/token, itself checked), and the ids the platform makes at
// random, taken from the earlier answer the example's "from" names.
func TestEveryDocumentedExampleWorksAgainstTheLocalRunner(t *testing.T) {
	p := startRunner(t, t.TempDir(), "IPS_NOW=2027-01-11T09:00:00+08:00")
	resp, err := http.Get(p.url + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json: %d %s", resp.StatusCode, raw)
	}
	doc, err := openapitest.Load(raw)
	if err != nil {
		t.Fatal(err)
	}

	type step struct {
		op  *openapitest.Operation
		ex  map[string]any
		n   int
		dev *spec.Example // a dev-mode step (a token, the clock), which the document leaves out
	}
	var steps []step
	devOps := map[string]bool{}
	for _, op := range spec.Operations() {
		if op.Function == "dev" {
			devOps[op.Method+" "+op.Path] = true
		}
	}
	for i, ex := range spec.Examples() {
		if devOps[ex.Op] {
			steps = append(steps, step{dev: &ex, n: i + 1, ex: map[string]any{"name": ex.Name}})
		}
	}
	for _, op := range doc.Operations() {
		xs, _ := op.Raw["x-examples"].([]any)
		if len(xs) == 0 {
			t.Errorf("%s %s documents no example", op.Method, op.Path)
		}
		for _, x := range xs {
			ex := x.(map[string]any)
			n, _ := ex["step"].(json.Number).Int64()
			steps = append(steps, step{op: op, ex: ex, n: int(n)})
		}
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].n < steps[j].n })
	for i, s := range steps {
		if s.n != i+1 {
			t.Fatalf("the story's steps are not 1..%d: step %d is %d (%s)", len(steps), i+1, s.n, s.ex["name"])
		}
	}

	answers := map[string]any{}
	for _, s := range steps {
		name := s.ex["name"].(string)
		if s.dev != nil {
			method, path, _ := strings.Cut(s.dev.Op, " ")
			status, body := p.call(t, method, path, "", s.dev.Body)
			t.Logf("step %d %s: %s → %d", s.n, name, s.dev.Op, status)
			if status != s.dev.Status {
				t.Fatalf("step %d %s (%s): %d, the story says %d: %v", s.n, name, s.dev.Op, status, s.dev.Status, body)
			}
			continue
		}
		status, body := playExample(t, p, doc, s.op, s.ex, answers)
		want, _ := s.ex["status"].(json.Number).Int64()
		t.Logf("step %d %s: %s %s → %d", s.n, name, s.op.Method, s.op.Path, status)
		if status != int(want) {
			t.Fatalf("step %d %s (%s %s): %d, the document says %d: %s", s.n, name, s.op.Method, s.op.Path, status, want, body)
		}
		var v any
		if json.Unmarshal(body, &v) == nil {
			answers[name] = v
		}
	}
	if len(steps) < len(spec.Examples()) {
		t.Errorf("the runner's document holds %d examples, the story %d", len(steps), len(spec.Examples()))
	}
}

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// playExample sends one documented example and checks its answer against the document.
func playExample(t *testing.T, p *runnerProc, doc *openapitest.Document, op *openapitest.Operation, ex map[string]any, answers map[string]any) (int, []byte) {
	t.Helper()
	name := ex["name"].(string)
	values := map[string]string{}
	if path, ok := ex["path"].(map[string]any); ok {
		for k, v := range path {
			values[k] = v.(string)
		}
	}
	if from, ok := ex["from"].(map[string]any); ok {
		for param, src := range from {
			exName, ptr, _ := strings.Cut(src.(string), "#")
			v, ok := pointer(answers[exName], ptr)
			if !ok {
				t.Fatalf("%s: %s takes %s from the answer of %s, which has none", name, param, ptr, exName)
			}
			values[param] = fmt.Sprint(v)
		}
	}
	path := pathParamRE.ReplaceAllStringFunc(op.Path, func(m string) string {
		v, ok := values[m[1:len(m)-1]]
		if !ok {
			t.Fatalf("%s: no value for %s", name, m)
		}
		return url.PathEscape(v)
	})
	if q, ok := ex["query"].([]any); ok {
		qv := url.Values{}
		for _, kv := range q {
			pair := kv.([]any)
			qv.Add(pair[0].(string), pair[1].(string))
		}
		path += "?" + qv.Encode()
	}
	var body io.Reader
	media := ""
	if ex["body"] == true {
		content := op.Raw["requestBody"].(map[string]any)["content"].(map[string]any)
		for mt, c := range content {
			value := c.(map[string]any)["examples"].(map[string]any)[name].(map[string]any)["value"]
			media = mt
			if s, isText := value.(string); isText && mt != "application/json" {
				body = strings.NewReader(s)
			} else {
				b, err := json.Marshal(value)
				if err != nil {
					t.Fatal(err)
				}
				body = bytes.NewReader(b)
			}
		}
	}
	req, err := http.NewRequest(op.Method, p.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if media != "" {
		req.Header.Set("Content-Type", media)
	}
	if h, ok := ex["headers"].(map[string]any); ok {
		for k, v := range h {
			req.Header.Set(k, v.(string))
		}
	}
	if as, ok := ex["principal"].(map[string]any); ok {
		tokenReq := map[string]any{}
		for k, v := range as {
			tokenReq[k] = v
		}
		req.Header.Set("Authorization", "Bearer "+p.token(t, tokenReq))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := doc.CheckResponse(op.Method, req.URL.Path, resp.StatusCode, resp.Header, b); err != nil {
		t.Errorf("example %s: %v", name, err)
	}
	return resp.StatusCode, b
}

// pointer reads a JSON pointer of a decoded JSON value.
func pointer(v any, ptr string) (any, bool) {
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, v != nil
}

// Dev mode is documented as the runner serves it: the operations tagged function "dev" are its
// routes, and the types the document describes its bodies with (package spec cannot import
// this main package) have the shapes of the runner's own.
func TestDevModeIsDocumentedAsServed(t *testing.T) {
	var documented, served []string
	for _, op := range spec.Operations() {
		if op.Function == "dev" {
			documented = append(documented, op.Method+" "+op.Path)
		}
	}
	for _, rt := range devFunction(httpapi.Deps{}, nil, &domain.SettableClock{}).Routes() {
		served = append(served, rt.Method+" "+rt.Path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("dev mode serves %v; the document describes %v", served, documented)
	}
	for _, pair := range []struct {
		own, documented reflect.Type
		form            spec.Form
	}{
		{reflect.TypeFor[tokenRequest](), reflect.TypeFor[spec.DevTokenRequest](), spec.In},
		{reflect.TypeFor[tokenResponse](), reflect.TypeFor[spec.DevTokenResponse](), spec.Out},
		{reflect.TypeFor[clockRequest](), reflect.TypeFor[spec.DevClockRequest](), spec.In},
		{reflect.TypeFor[clockState](), reflect.TypeFor[spec.DevClock](), spec.Out},
	} {
		own, err := spec.ObjectSchema(pair.own, pair.form)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.ObjectSchema(pair.documented, pair.form)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(own, doc) {
			t.Errorf("%v reads\n%s\nbut the document describes it as %v:\n%s", pair.own, own, pair.documented, doc)
		}
	}
}
