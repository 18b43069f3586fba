package host_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/jsipa/ips/shared/host"
)

// echo is what the test handler saw of the request.
type echo struct {
	Method, Proto      string
	Path, RawPath      string
	EscapedPath        string
	RequestURI, Query  string
	Host, RemoteAddr   string
	Header             http.Header
	Cookies            map[string]string
	Body               string
	ContentLength      int64
	LambdaRequestID    string
	InvokedFunctionArn string
	ContextHasDeadline bool
	QueryStatus        []string
	EmptyBodyIsNoBody  bool
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func testHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		e := echo{
			Method: r.Method, Proto: r.Proto,
			Path: r.URL.Path, RawPath: r.URL.RawPath, EscapedPath: r.URL.EscapedPath(),
			RequestURI: r.RequestURI, Query: r.URL.RawQuery, QueryStatus: r.URL.Query()["status"],
			Host: r.Host, RemoteAddr: r.RemoteAddr,
			Header: r.Header, Cookies: map[string]string{},
			Body: string(body), ContentLength: r.ContentLength,
			EmptyBodyIsNoBody: r.Body == http.NoBody,
		}
		for _, c := range r.Cookies() {
			e.Cookies[c.Name] = c.Value
		}
		if lc, ok := lambdacontext.FromContext(r.Context()); ok {
			e.LambdaRequestID, e.InvokedFunctionArn = lc.AwsRequestID, lc.InvokedFunctionArn
		}
		_, e.ContextHasDeadline = r.Context().Deadline()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(e)
	})
	mux.HandleFunc("/cookies", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/", HttpOnly: true, Secure: true})
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: "zh-CN", Path: "/"})
		w.Header().Add("Vary", "Accept")
		w.Header().Add("Vary", "Accept-Language")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		w.Header().Set("X-Too-Late", "ignored, as net/http ignores it")
		_, _ = io.WriteString(w, "已创建")
	})
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(pngBytes)
	})
	mux.HandleFunc("/latin1.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=iso-8859-1")
		_, _ = w.Write([]byte("caf\xe9"))
	})
	mux.HandleFunc("/problem", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"title":"统一社会信用代码无效","status":422}`)
	})
	mux.HandleFunc("/gzip.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, `{"ok":true}`)
		_ = zw.Close()
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<!DOCTYPE html><html><body>备案</body></html>")
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/no-content", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
		if _, err := io.WriteString(w, "dropped"); !errors.Is(err, http.ErrBodyNotAllowed) {
			panic("write after 204 should fail like net/http's")
		}
	})
	mux.HandleFunc("/export.zip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		_, _ = w.Write(make([]byte, 5<<20)) // 6.7 MiB once base64-encoded
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "half a response")
		panic("boom")
	})
	return mux
}

func fixture(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return e
}

func invoke(t *testing.T, e events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	resp, err := host.LambdaHandler(testHandler())(t.Context(), e)
	if err != nil {
		t.Fatalf("LambdaHandler returned an invocation error: %v", err)
	}
	return resp
}

func decodeEcho(t *testing.T, resp events.APIGatewayV2HTTPResponse) echo {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.StatusCode, resp.Body)
	}
	if resp.IsBase64Encoded {
		t.Fatalf("a JSON response came back base64-encoded: %s", resp.Body)
	}
	if ct := resp.Headers["Content-Type"]; ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	var e echo
	if err := json.Unmarshal([]byte(resp.Body), &e); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	return e
}

func check[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

func TestLambdaRequestArrivesAsTheServerWouldShapeIt(t *testing.T) {
	ev := fixture(t, "get-reports.json")
	got := decodeEcho(t, invoke(t, ev))

	check(t, "Method", got.Method, "GET")
	check(t, "Proto", got.Proto, "HTTP/1.1")
	check(t, "Path", got.Path, "/filings/91320500MA1XXXXX0A/reports")
	check(t, "RawQuery", got.Query, "year=2025&status=draft&status=filed")
	check(t, "repeated query values", strings.Join(got.QueryStatus, ","), "draft,filed")
	check(t, "RequestURI", got.RequestURI, "/filings/91320500MA1XXXXX0A/reports?year=2025&status=draft&status=filed")
	check(t, "Host", got.Host, "a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn")
	check(t, "Host header promoted out of the map", got.Header.Get("Host"), "")
	check(t, "RemoteAddr", got.RemoteAddr, "203.0.113.17:0")
	check(t, "Accept-Language", got.Header.Get("Accept-Language"), "zh-CN,zh;q=0.9,en;q=0.8")
	check(t, "joined header kept whole", got.Header.Get("If-None-Match"), `"v3", "v4"`)
	check(t, "X-Forwarded-Proto", got.Header.Get("X-Forwarded-Proto"), "https")
	check(t, "Cookie header", got.Header.Get("Cookie"), "session=8f14e45fceea167a; lang=zh-CN")
	check(t, "cookie session", got.Cookies["session"], "8f14e45fceea167a")
	check(t, "cookie lang", got.Cookies["lang"], "zh-CN")
	check(t, "X-Request-Id from API Gateway", got.Header.Get("X-Request-Id"), ev.RequestContext.RequestID)
	check(t, "Body", got.Body, "")
	check(t, "ContentLength", got.ContentLength, 0)
	check(t, "empty body is http.NoBody", got.EmptyBodyIsNoBody, true)
}

func TestLambdaBase64BodyIsDecoded(t *testing.T) {
	ev := fixture(t, "post-filing-base64.json")
	got := decodeEcho(t, invoke(t, ev))

	want := `{"name":"苏州示范专利代理有限公司","uscc":"91320500MA1XXXXX0A","county":"320505"}`
	check(t, "Method", got.Method, "POST")
	check(t, "Body", got.Body, want)
	check(t, "ContentLength", got.ContentLength, int64(len(want)))
	check(t, "Content-Type", got.Header.Get("Content-Type"), "application/json; charset=utf-8")
	check(t, "Idempotency-Key", got.Header.Get("Idempotency-Key"), "0b6f3c5e-2f1c-4f61-9a53-4c1f0e7d9a11")
	check(t, "the client's X-Request-Id wins", got.Header.Get("X-Request-Id"), "client-7f3a")
}

func TestLambdaMalformedEventIsAnswered400(t *testing.T) {
	noMethod := fixture(t, "get-reports.json")
	noMethod.RequestContext.HTTP.Method = ""
	relative := fixture(t, "get-reports.json")
	relative.RawPath, relative.RequestContext.HTTP.Path = "filings", "filings"

	for name, ev := range map[string]events.APIGatewayV2HTTPRequest{
		"bad base64 body":              fixture(t, "bad-base64.json"),
		"not an HTTP API event at all": {},
		"no method":                    noMethod,
		"path not starting with /":     relative,
	} {
		t.Run(name, func(t *testing.T) {
			resp := invoke(t, ev)
			check(t, "StatusCode", resp.StatusCode, http.StatusBadRequest)
			check(t, "Content-Type", resp.Headers["Content-Type"], "application/problem+json")
			check(t, "Body", resp.Body, `{"title":"bad request"}`)
		})
	}
}

func TestLambdaPathIsKeptEscaped(t *testing.T) {
	for _, tc := range []struct {
		name, rawPath, httpPath, query string
		path, escapedPath, requestURI  string
	}{{
		name:    "decoded by the HTTP API, non-ASCII and space",
		rawPath: "/files/苏州 年报.pdf", path: "/files/苏州 年报.pdf",
		escapedPath: "/files/%E8%8B%8F%E5%B7%9E%20%E5%B9%B4%E6%8A%A5.pdf",
		requestURI:  "/files/%E8%8B%8F%E5%B7%9E%20%E5%B9%B4%E6%8A%A5.pdf",
	}, {
		name:    "still encoded (Function URLs, hand-written events): an escaped slash survives",
		rawPath: "/docs/a%2Fb", path: "/docs/a/b", escapedPath: "/docs/a%2Fb", requestURI: "/docs/a%2Fb",
	}, {
		name:    "decoded ? and # stay in the path",
		rawPath: "/odd?#name", query: "x=1", path: "/odd?#name", escapedPath: "/odd%3F%23name", requestURI: "/odd%3F%23name?x=1",
	}, {
		name:    "a lone percent",
		rawPath: "/rate/100%", path: "/rate/100%", escapedPath: "/rate/100%25", requestURI: "/rate/100%25",
	}, {
		name:     "no rawPath falls back to requestContext.http.path",
		httpPath: "/fallback", path: "/fallback", escapedPath: "/fallback", requestURI: "/fallback",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ev := fixture(t, "get-reports.json")
			ev.RawPath, ev.RequestContext.HTTP.Path, ev.RawQueryString = tc.rawPath, tc.httpPath, tc.query
			got := decodeEcho(t, invoke(t, ev))
			check(t, "Path", got.Path, tc.path)
			check(t, "EscapedPath", got.EscapedPath, tc.escapedPath)
			check(t, "RequestURI", got.RequestURI, tc.requestURI)
			check(t, "RawQuery", got.Query, tc.query)
		})
	}
}

func TestLambdaHostFallsBackToDomainName(t *testing.T) {
	ev := fixture(t, "get-reports.json")
	delete(ev.Headers, "host")
	ev.RequestContext.DomainName = "api.ips.example.cn"
	check(t, "Host", decodeEcho(t, invoke(t, ev)).Host, "api.ips.example.cn")
}

func TestLambdaResponse(t *testing.T) {
	gzipped := func() string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = io.WriteString(zw, `{"ok":true}`)
		_ = zw.Close()
		return base64.StdEncoding.EncodeToString(b.Bytes())
	}()
	for _, tc := range []struct {
		name, path string
		status     int
		headers    map[string]string
		cookies    []string
		body       string
		base64     bool
	}{{
		name: "Set-Cookie goes to cookies, repeated headers are joined, late headers are dropped", path: "/cookies",
		status:  http.StatusCreated,
		headers: map[string]string{"Content-Type": "text/plain; charset=utf-8", "Vary": "Accept, Accept-Language"},
		cookies: []string{"session=s1; Path=/; HttpOnly; Secure", "lang=zh-CN; Path=/"},
		body:    "已创建",
	}, {
		name: "binary is base64-encoded", path: "/logo.png", status: http.StatusOK,
		headers: map[string]string{"Content-Type": "image/png"},
		body:    base64.StdEncoding.EncodeToString(pngBytes), base64: true,
	}, {
		name: "text that is not UTF-8 is base64-encoded", path: "/latin1.txt", status: http.StatusOK,
		headers: map[string]string{"Content-Type": "text/plain; charset=iso-8859-1"},
		body:    base64.StdEncoding.EncodeToString([]byte("caf\xe9")), base64: true,
	}, {
		name: "problem+json is sent as text", path: "/problem", status: http.StatusUnprocessableEntity,
		headers: map[string]string{"Content-Type": "application/problem+json"},
		body:    `{"title":"统一社会信用代码无效","status":422}`,
	}, {
		name: "compressed JSON is binary", path: "/gzip.json", status: http.StatusOK,
		headers: map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"},
		body:    gzipped, base64: true,
	}, {
		name: "Content-Type is sniffed like net/http", path: "/page", status: http.StatusOK,
		headers: map[string]string{"Content-Type": "text/html; charset=utf-8"},
		body:    "<!DOCTYPE html><html><body>备案</body></html>",
	}, {
		name: "a handler that writes nothing answers 200", path: "/empty", status: http.StatusOK,
		headers: map[string]string{},
	}, {
		name: "204 carries no body", path: "/no-content", status: http.StatusNoContent,
		headers: map[string]string{},
	}, {
		name: "a response over Lambda's 6 MB limit is answered 500", path: "/export.zip",
		status:  http.StatusInternalServerError,
		headers: map[string]string{"Content-Type": "application/problem+json"},
		body:    `{"title":"internal error"}`,
	}, {
		name: "a panic is answered 500 and the partial response discarded", path: "/panic",
		status:  http.StatusInternalServerError,
		headers: map[string]string{"Content-Type": "application/problem+json"},
		body:    `{"title":"internal error"}`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ev := fixture(t, "get-reports.json")
			ev.RawPath, ev.RawQueryString = tc.path, ""
			resp := invoke(t, ev)
			check(t, "StatusCode", resp.StatusCode, tc.status)
			check(t, "IsBase64Encoded", resp.IsBase64Encoded, tc.base64)
			check(t, "Body", resp.Body, tc.body)
			check(t, "headers", mapString(resp.Headers), mapString(tc.headers))
			check(t, "cookies", strings.Join(resp.Cookies, " | "), strings.Join(tc.cookies, " | "))
		})
	}
}

func TestLambdaHeadKeepsHeadersDropsBody(t *testing.T) {
	ev := fixture(t, "get-reports.json")
	ev.RequestContext.HTTP.Method, ev.RawPath = http.MethodHead, "/page"
	resp := invoke(t, ev)
	check(t, "StatusCode", resp.StatusCode, http.StatusOK)
	check(t, "Content-Type", resp.Headers["Content-Type"], "text/html; charset=utf-8")
	check(t, "Body", resp.Body, "")
}

func mapString(m map[string]string) string {
	b, _ := json.Marshal(m) // sorts keys
	return string(b)
}

// logLines lets a test read what the host logs, for the address it listens on.
type logLines chan map[string]any

func (c logLines) Write(p []byte) (int, error) {
	var rec map[string]any
	if json.Unmarshal(p, &rec) == nil {
		select {
		case c <- rec:
		default: // nobody reads past the lines a test waits for
		}
	}
	return len(p), nil
}

func (c logLines) await(t *testing.T, msg string) map[string]any {
	t.Helper()
	for rec := range c {
		if rec["msg"] == msg {
			return rec
		}
	}
	panic("unreachable")
}

func testLogger(t *testing.T) (*slog.Logger, logLines) {
	lines := make(logLines, 64)
	return slog.New(slog.NewJSONHandler(io.MultiWriter(t.Output(), lines), nil)), lines
}

func getBody(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// serving runs a blocking serve call as main would, and makes sure it has
// returned before the test ends, so that nothing logs to a finished test.
type serving struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

func serve(t *testing.T, run func(context.Context) error) *serving {
	ctx, cancel := context.WithCancel(t.Context())
	s := &serving{cancel: cancel, done: make(chan struct{})}
	go func() { s.err = run(ctx); close(s.done) }()
	t.Cleanup(func() { cancel(); <-s.done })
	return s
}

// stop cancels the context, as SIGTERM would, and returns what the call returned.
func (s *serving) stop() error {
	s.cancel()
	<-s.done
	return s.err
}

func (s *serving) returned() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func TestListenAndServeLogsItsAddressAndStopsOnCancel(t *testing.T) {
	log, lines := testLogger(t)
	s := serve(t, func(ctx context.Context) error { return host.ListenAndServe(ctx, "127.0.0.1:0", testHandler(), log) })

	addr, _ := lines.await(t, "listening")["addr"].(string)
	status, body := getBody(t, newClient(t), "http://"+addr+"/page")
	check(t, "status", status, http.StatusOK)
	check(t, "body", body, "<!DOCTYPE html><html><body>备案</body></html>")

	if err := s.stop(); err != nil {
		t.Fatalf("ListenAndServe = %v, want nil after a graceful shutdown", err)
	}
}

func TestServeListenerDrainsInFlightRequests(t *testing.T) {
	ln, err := host.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })

	log, _ := testLogger(t)
	s := serve(t, func(ctx context.Context) error { return host.ServeListener(ctx, ln, mux, log) })
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(releaseAll) // runs before serve's cleanup waits for the drain

	client, base := newClient(t), "http://"+ln.Addr().String()
	if _, body := getBody(t, client, base+"/"); body != "ok" {
		t.Fatalf("body = %q", body)
	}
	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := client.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{resp.StatusCode, string(b), err}
	}()
	<-started

	s.cancel()
	// Once the listener refuses connections, shutdown has begun.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(5 * time.Millisecond)
	}
	if s.returned() {
		t.Fatalf("ServeListener returned %v while a request was in flight", s.err)
	}

	releaseAll()
	r := <-slow
	if r.err != nil || r.status != http.StatusOK || r.body != "finished" {
		t.Fatalf("in-flight request got %d %q %v, want 200 \"finished\"", r.status, r.body, r.err)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("ServeListener = %v, want nil after a graceful shutdown", err)
	}
}

func TestServeListensOnPORT(t *testing.T) {
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "")
	t.Setenv("PORT", "0")
	log, lines := testLogger(t)
	s := serve(t, func(ctx context.Context) error { return host.Serve(ctx, testHandler(), log) })

	addr, _ := lines.await(t, "listening")["addr"].(string)
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := getBody(t, newClient(t), "http://127.0.0.1:"+port+"/empty"); status != http.StatusOK {
		t.Fatalf("status = %d", status)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("Serve = %v", err)
	}
}

// runtimeAPI emulates the Lambda Runtime API
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
type runtimeAPI struct {
	*httptest.Server
	invocations chan invocation
	results     chan posted
}

type invocation struct {
	id      string
	payload []byte
}

type posted struct {
	id, kind string // kind is "response" or "error"
	body     []byte
}

func newRuntimeAPI() *runtimeAPI {
	rt := &runtimeAPI{invocations: make(chan invocation, 16), results: make(chan posted, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		var inv invocation
		select {
		case inv = <-rt.invocations:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws-cn:lambda:cn-north-1:123456789012:function:ips-filing")
		w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-66a1f2b3-0123456789abcdef01234567;Sampled=0")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(inv.payload)
	})
	for _, kind := range []string{"response", "error"} {
		mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/"+kind, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			rt.results <- posted{r.PathValue("id"), kind, body}
			w.WriteHeader(http.StatusAccepted)
		})
	}
	rt.Server = httptest.NewServer(mux)
	return rt
}

func (rt *runtimeAPI) invoke(t *testing.T, id string, ev events.APIGatewayV2HTTPRequest) {
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	rt.invocations <- invocation{id, b}
}

func (rt *runtimeAPI) await(t *testing.T, id string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	r := <-rt.results
	if r.id != id || r.kind != "response" {
		t.Fatalf("runtime API got %s for %s: %s; want a response for %s", r.kind, r.id, r.body, id)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(r.body, &resp); err != nil {
		t.Fatalf("response %s: %v", r.body, err)
	}
	return resp
}

// TestServeOnLambda runs Serve against an emulated Runtime API in-process.
//
// aws-lambda-go's loop cannot be stopped: it polls /next with its own
// background context and calls log.Fatalf (exiting the whole test binary) as
// soon as /next fails. So the emulator is never closed: once the queued events
// are answered, /next simply blocks, and that one poll (and its goroutine)
// outlives the test, idle, until the test binary exits. Cancelling ctx still
// makes Serve return, which is what is tested.
func TestServeOnLambda(t *testing.T) {
	rt := newRuntimeAPI()
	t.Setenv("AWS_LAMBDA_RUNTIME_API", strings.TrimPrefix(rt.URL, "http://"))
	log, _ := testLogger(t)
	s := serve(t, func(ctx context.Context) error { return host.Serve(ctx, testHandler(), log) })

	get := fixture(t, "get-reports.json")
	rt.invoke(t, "8476a536-e9f4-11e8-9739-2dfe598c3fcd", get)
	got := decodeEcho(t, rt.await(t, "8476a536-e9f4-11e8-9739-2dfe598c3fcd"))
	check(t, "Path", got.Path, get.RawPath)
	check(t, "Cookie header", got.Header.Get("Cookie"), "session=8f14e45fceea167a; lang=zh-CN")
	check(t, "X-Request-Id", got.Header.Get("X-Request-Id"), get.RequestContext.RequestID)
	check(t, "Lambda request id in the request context", got.LambdaRequestID, "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
	check(t, "invoked function ARN", got.InvokedFunctionArn, "arn:aws-cn:lambda:cn-north-1:123456789012:function:ips-filing")
	check(t, "the Lambda deadline bounds the request", got.ContextHasDeadline, true)

	rt.invoke(t, "bad-1", fixture(t, "bad-base64.json"))
	check(t, "malformed event status", rt.await(t, "bad-1").StatusCode, http.StatusBadRequest)

	panicking := fixture(t, "get-reports.json")
	panicking.RawPath = "/panic"
	rt.invoke(t, "panic-1", panicking)
	resp := rt.await(t, "panic-1")
	check(t, "panic status", resp.StatusCode, http.StatusInternalServerError)
	check(t, "panic body", resp.Body, `{"title":"internal error"}`)

	post := fixture(t, "post-filing-base64.json")
	rt.invoke(t, "post-1", post)
	check(t, "the runtime still serves after a panic", decodeEcho(t, rt.await(t, "post-1")).Method, "POST")

	if err := s.stop(); err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
}
