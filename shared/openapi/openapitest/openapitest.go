// Package openapitest holds answers to the OpenAPI document (tests only): every answer the
// HTTP and end-to-end tests receive goes through Check, which finds the operation the request
// named and fails the test when the status is not one the document lists for it, or the body
// does not fit the schema documented for that status.
//
// Answers are checked more strictly than the document promises: the document leaves answers'
// objects open (clients should ignore fields they do not know, as API.md lets the platform add
// them), while Check refuses any field the schema does not name, so a field the platform writes
// and the document does not describe fails a test rather than going unmentioned.
package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/jsipa/ips/shared/openapi"
)

const docURL = "mem://ips/openapi.json"

// Document is a loaded OpenAPI document with its schemas compiled on demand.
type Document struct {
	raw      map[string]any
	ops      []*Operation
	paths    []*pathEntry
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
}

// Operation is one operation of the document.
type Operation struct {
	Method, Path string
	ID           string
	// Raw is the operation object as the document has it.
	Raw map[string]any
	ptr string // JSON pointer of the operation in the document
}

type pathEntry struct {
	template string
	re       *regexp.Regexp
	literals int
	methods  map[string]*Operation
}

var (
	defaultOnce sync.Once
	defaultDoc  *Document
	defaultErr  error
)

// Default is the platform's document (shared/openapi), loaded once.
func Default() (*Document, error) {
	defaultOnce.Do(func() { defaultDoc, defaultErr = Load(openapi.JSON()) })
	return defaultDoc, defaultErr
}

// Load reads a document.
func Load(b []byte) (*Document, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("openapitest: the document is not JSON: %w", err)
	}
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapitest: the document is not an object")
	}
	strict := deepCopy(raw).(map[string]any)
	closeObjects(strict)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, strict); err != nil {
		return nil, err
	}
	d := &Document{raw: raw, compiler: c, compiled: map[string]*jsonschema.Schema{}}
	paths, _ := raw["paths"].(map[string]any)
	var templates []string
	for p := range paths {
		templates = append(templates, p)
	}
	sort.Strings(templates)
	for _, p := range templates {
		item, _ := paths[p].(map[string]any)
		e := &pathEntry{template: p, methods: map[string]*Operation{}}
		var re strings.Builder
		re.WriteString("^")
		for _, seg := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
			re.WriteString("/")
			if strings.HasPrefix(seg, "{") {
				re.WriteString("[^/]+")
			} else {
				re.WriteString(regexp.QuoteMeta(seg))
				e.literals++
			}
		}
		re.WriteString("$")
		e.re = regexp.MustCompile(re.String())
		for m, o := range item {
			op, _ := o.(map[string]any)
			id, _ := op["operationId"].(string)
			oper := &Operation{Method: strings.ToUpper(m), Path: p, ID: id, Raw: op,
				ptr: "/paths/" + escape(p) + "/" + m}
			e.methods[oper.Method] = oper
			d.ops = append(d.ops, oper)
		}
		d.paths = append(d.paths, e)
	}
	// A literal segment beats a parameter, as net/http's patterns decide.
	sort.SliceStable(d.paths, func(i, j int) bool { return d.paths[i].literals > d.paths[j].literals })
	return d, nil
}

// Operations lists the document's operations.
func (d *Document) Operations() []*Operation { return d.ops }

// Raw is the document as parsed.
func (d *Document) Raw() map[string]any { return d.raw }

func escape(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

// closeObjects makes every object schema that names its properties refuse any other (see the
// package doc). Request bodies already do.
func closeObjects(v any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["properties"].(map[string]any); ok {
			if _, set := x["additionalProperties"]; !set {
				if t, _ := x["type"].(string); t == "object" {
					x["additionalProperties"] = false
				}
			}
		}
		for _, vv := range x {
			closeObjects(vv)
		}
	case []any:
		for _, vv := range x {
			closeObjects(vv)
		}
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = deepCopy(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = deepCopy(vv)
		}
		return out
	}
	return v
}

// Find is the operation method and path (a request's path, not a template) name, with the
// template that matched. ok is false when no template matches; op is nil when one matches but
// has no such method.
func (d *Document) Find(method, path string) (op *Operation, template string, ok bool) {
	for _, e := range d.paths {
		if e.re.MatchString(path) {
			return e.methods[method], e.template, true
		}
	}
	return nil, "", false
}

// Schema compiles the schema at a JSON pointer of the document.
func (d *Document) Schema(ptr string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.compiled[ptr]; ok {
		return s, nil
	}
	s, err := d.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, fmt.Errorf("openapitest: compile %s: %w", ptr, err)
	}
	d.compiled[ptr] = s
	return s, nil
}

// Validate checks a JSON body against the schema at ptr.
func (d *Document) Validate(ptr string, body []byte) error {
	s, err := d.Schema(ptr)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := s.Validate(v); err != nil {
		return err
	}
	return nil
}

// ValidateValue checks a decoded JSON value (as encoding/json decodes it) against ptr.
func (d *Document) ValidateValue(ptr string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return d.Validate(ptr, b)
}

// resolve follows a local $ref of the document (responses, parameters) to its object and
// pointer.
func (d *Document) resolve(v map[string]any, ptr string) (map[string]any, string) {
	for i := 0; i < 8; i++ {
		r, ok := v["$ref"].(string)
		if !ok || !strings.HasPrefix(r, "#/") {
			return v, ptr
		}
		ptr = strings.TrimPrefix(r, "#")
		var cur any = d.raw
		for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
			m, _ := cur.(map[string]any)
			cur = m[seg]
		}
		v, _ = cur.(map[string]any)
		if v == nil {
			return nil, ptr
		}
	}
	return v, ptr
}

// CheckResponse tells whether an answer to method path fits the document. Paths outside the
// API (/v1/) are the site's or the local runner's dev mode, which no deployment serves, and are
// not checked.
func (d *Document) CheckResponse(method, path string, status int, header http.Header, body []byte) error {
	path, _, _ = strings.Cut(path, "?")
	if !strings.HasPrefix(path, "/v1/") {
		return nil
	}
	if u, err := url.PathUnescape(path); err == nil {
		path = u
	}
	op, template, ok := d.Find(method, path)
	switch {
	case !ok:
		if status != http.StatusNotFound {
			return fmt.Errorf("%s %s matches no path of the document, yet answered %d", method, path, status)
		}
		return d.checkProblem(header, body)
	case op == nil:
		if status != http.StatusMethodNotAllowed {
			return fmt.Errorf("%s %s: the document has no %s on %s, yet it answered %d", method, path, method, template, status)
		}
		return d.checkProblem(header, body)
	}
	responses, _ := op.Raw["responses"].(map[string]any)
	rv, ok := responses[strconv.Itoa(status)].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s (%s) answered %d, which the document does not list for it", method, path, op.ID, status)
	}
	resp, ptr := d.resolve(rv, op.ptr+"/responses/"+strconv.Itoa(status))
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) > 0 {
			return fmt.Errorf("%s %s (%s) %d: the document lists no body, yet one came: %.200s", method, path, op.ID, status, body)
		}
		return nil
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("%s %s (%s) %d: Content-Type %q", method, path, op.ID, status, header.Get("Content-Type"))
	}
	media, ok := content[mt].(map[string]any)
	if !ok {
		var want []string
		for k := range content {
			want = append(want, k)
		}
		return fmt.Errorf("%s %s (%s) %d answered %s; the document lists %v", method, path, op.ID, status, mt, want)
	}
	if mt != "application/json" && mt != "application/problem+json" {
		return nil // a file: its media type is what the document can say
	}
	if _, ok := media["schema"]; !ok {
		return nil
	}
	if err := d.Validate(ptr+"/content/"+escape(mt)+"/schema", body); err != nil {
		return fmt.Errorf("%s %s (%s) %d does not fit the document: %v\nbody: %.2000s", method, path, op.ID, status, err, body)
	}
	return nil
}

func (d *Document) checkProblem(header http.Header, body []byte) error {
	if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt != "application/problem+json" {
		return fmt.Errorf("a problem answered as %q", header.Get("Content-Type"))
	}
	if err := d.Validate("/components/schemas/Problem", body); err != nil {
		return fmt.Errorf("not a problem document: %v: %.500s", err, body)
	}
	return nil
}

// Check fails t when an answer does not fit the platform's document (CheckResponse).
func Check(t testing.TB, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.CheckResponse(method, path, status, header, body); err != nil {
		t.Errorf("OpenAPI (shared/openapi/openapi.json; regenerate with make openapi): %v", err)
	}
}
