// Package httpapi turns the use cases into HTTP functions speaking API.md's conventions:
// problem+json errors naming every bad field in zh-CN or en, bearer authentication,
// Idempotency-Key replay, ETag/If-Match, a 1 MiB body limit, request ids and JSON logs. Each
// function is one http.Handler; where it runs (Lambda, a container, the local runner) is
// the host's business.
package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/validate"
)

// MaxBodyBytes is the request body limit (API.md: 413 above 1 MiB).
const MaxBodyBytes = 1 << 20

// Authenticator turns a bearer token into a principal; auth.Verifier is the implementation.
type Authenticator interface {
	Verify(ctx context.Context, token string) (domain.Principal, error)
}

// Deps is what every function is built from.
type Deps struct {
	Store domain.Store
	Authz domain.Authorizer
	// Policy makes the decisions other than authorisation; the same engine as Authz.
	Policy domain.Decider
	Auth   Authenticator
	Clock  domain.Clock
	Log    *slog.Logger
	// Notifier delivers notices outside the platform; nil means notify.Log, a JSON log line.
	Notifier domain.Notifier
	// Documents keeps uploaded files (docfs on a folder, docs3 on S3).
	Documents domain.Documents
	// Login signs people in through the OIDC provider (oidclogin); nil when there is none.
	Login Login
	// Limiter paces integrator credentials (ratelimit); nil admits every request.
	Limiter Limiter
}

// Limiter admits a request of the credential named key, or says how long to wait.
type Limiter interface {
	Take(ctx context.Context, key string) (wait time.Duration, err error)
}

// throttled is the refusal of a request over its credential's rate; the pipeline answers it
// 429 with Retry-After.
type throttled struct {
	refusal    *domain.Error
	retryAfter time.Duration
}

func (t *throttled) Error() string { return t.refusal.Error() }
func (t *throttled) Unwrap() error { return t.refusal }

// pace applies the rate limit of integrator credentials. People are not paced here: the site
// sends what a person clicks, and the gateway's throttle bounds the whole API. A limiter that
// cannot reach its store admits the request: losing the limit for a moment is better than
// losing the API.
func (f *Function) pace(ctx context.Context, p domain.Principal, requestID string) error {
	if f.deps.Limiter == nil || p.Role != domain.RoleIntegrator {
		return nil
	}
	wait, err := f.deps.Limiter.Take(ctx, string(p.Role)+"|"+p.Subject)
	if err != nil {
		f.deps.Log.Error("rate limit not applied", "request_id", requestID, "function", f.Name, "error", err.Error())
		return nil
	}
	if wait <= 0 {
		return nil
	}
	return &throttled{refusal: domain.NewError(domain.CodeThrottled, "请求过于频繁，请按 Retry-After 所示秒数后重试",
		"Too many requests for this credential; retry after the seconds Retry-After gives."), retryAfter: wait}
}

// Access says whether a route needs a credential.
type Access int

const (
	SignedIn Access = iota
	Public
)

// Route is one operation of a function.
type Route struct {
	Method string
	Path   string // a net/http pattern path: /v1/agencies/{uscc}
	Access Access
	Handle HandlerFunc
}

// HandlerFunc serves one operation; it returns data, never writes the response itself, so the
// answer can be recorded for idempotent replay.
type HandlerFunc func(ctx context.Context, r *Request) (Response, error)

// Request is an incoming request with what the pipeline learnt about it.
type Request struct {
	*http.Request
	ID        string
	Lang      string
	Principal domain.Principal
	// Payload is the whole request body, read once under the size limit.
	Payload []byte
}

// Decode parses the JSON body into dst and validates it, reporting every bad field at once.
func (r *Request) Decode(dst any) error { return validate.Request(r.Payload, dst) }

// IfMatch is the version named by If-Match, or 0 when the header is absent.
func (r *Request) IfMatch() (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v < 1 {
		return 0, &domain.Error{Code: domain.CodeMalformed, Message: domain.Text{
			ZH: "If-Match 须为本记录的 ETag", EN: "If-Match must be an ETag this API gave out."}}
	}
	return v, nil
}

// Page reads ?limit= and ?cursor= (API.md Lists: default 50, at most 500).
func (r *Request) Page() (limit int, cursor string, err error) {
	limit, bad := r.pageLimit()
	if bad != nil {
		return 0, "", domain.Invalid(*bad)
	}
	return limit, r.URL.Query().Get("cursor"), nil
}

// pageLimit reads ?limit=, or names it when it is out of range.
func (r *Request) pageLimit() (int, *domain.FieldError) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return domain.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > domain.MaxPageSize {
		return 0, &domain.FieldError{Field: "limit", Code: "range", Message: domain.Text{
			ZH: fmt.Sprintf("须为 1 到 %d 之间的整数", domain.MaxPageSize), EN: fmt.Sprintf("must be a whole number from 1 to %d", domain.MaxPageSize)}}
	}
	return n, nil
}

// Response is what a handler answers.
type Response struct {
	Status   int
	Body     any
	Version  int64 // sets a strong ETag when above zero
	Location string
	// Raw, when set, is answered instead of Body as ContentType (a downloaded document), read
	// whole and closed by the pipeline; Filename names it in Content-Disposition: attachment.
	Raw         io.ReadCloser
	ContentType string
	Filename    string
}

// List is the shape of every list answer (API.md Lists).
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// Function is one deployable function: a name, its routes and the handler serving them.
type Function struct {
	Name   string
	deps   Deps
	routes []Route
	mux    *http.ServeMux
	idem   *domain.Idempotency
	jobs   map[string]Job
	raw    map[string]RawBody
	// noReplay holds routes ("METHOD /path") whose answers carry a credential: they ignore
	// Idempotency-Key, so no token is ever kept in the store for replay.
	noReplay map[string]bool
}

// RawBody lets the route Method Path take its body as a stream of MediaType of at most Max
// bytes, which the handler reads from Request.Body (an upload), instead of the JSON Payload
// every other route reads under MaxBodyBytes. Another Content-Type is 415; a declared
// Content-Length over Max is 413 before anything is read, and a body that turns out longer
// fails its Read with the same 413. A raw route takes no Idempotency-Key: make it a PUT that
// is idempotent by itself.
type RawBody struct {
	Method, Path, MediaType string
	Max                     int64
}

// WithRawBodies gives routes of the function raw bodies (RawBody).
func (f *Function) WithRawBodies(rules ...RawBody) *Function {
	if f.raw == nil {
		f.raw = map[string]RawBody{}
	}
	for _, r := range rules {
		f.raw[r.Method+" "+r.Path] = r
	}
	return f
}

// NewFunction builds the handler for routes.
func NewFunction(name string, d Deps, routes []Route) *Function {
	f := &Function{Name: name, deps: d, routes: routes, mux: http.NewServeMux(), idem: domain.NewIdempotency(d.Store)}
	paths := map[string][]string{}
	for _, rt := range routes {
		f.mux.Handle(rt.Method+" "+rt.Path, f.serveRoute(rt))
		paths[rt.Path] = append(paths[rt.Path], rt.Method)
	}
	// A known path with another method is a 405 in problem form, not the mux's plain text.
	for path, methods := range paths {
		allow := strings.Join(methods, ", ")
		f.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			lang := negotiate(r.Header.Get("Accept-Language"))
			writeProblem(w, Problem{Type: "/problems/method_not_allowed", Title: domain.Text{ZH: "方法不允许", EN: "Method not allowed"}.In(lang),
				Status: http.StatusMethodNotAllowed, Detail: domain.Text{ZH: "此地址不支持该请求方法", EN: "This address does not support the method."}.In(lang),
				Code: "method_not_allowed", RequestID: w.Header().Get("X-Request-Id"), lang: lang})
		})
	}
	return f
}

// RouteSpec names a route as "METHOD /path".
type RouteSpec struct{ Method, Path string }

// Routes lists what the function serves, for the template contract test and the local runner.
func (f *Function) Routes() []RouteSpec {
	out := make([]RouteSpec, len(f.routes))
	for i, rt := range f.routes {
		out[i] = RouteSpec{rt.Method, rt.Path}
	}
	return out
}

// requestIDPattern admits the ids callers and gateways send (API Gateway's are base64 and end
// in "="), and nothing that could forge a log line.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:=+/-]{1,128}$`)

func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); requestIDPattern.MatchString(id) {
		return id
	}
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
	w.ResponseWriter.WriteHeader(s)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ContentSecurityPolicy is every API answer's: JSON is never a document to render or frame.
const ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

// StrictTransportSecurity (RFC 6797) goes on answers that came over HTTPS: two years with
// subdomains, as the site's CloudFront policy in template.yaml sends it (a test compares them).
const StrictTransportSecurity = "max-age=63072000; includeSubDomains"

// ViaHTTPS tells whether the caller reached the platform over HTTPS: TLS on this connection, or
// a TLS-terminating front that says so (API Gateway sets X-Forwarded-Proto on every Lambda
// event; the first value is the client's hop). A plain-HTTP caller claiming it only gets a header
// that browsers ignore on plain HTTP.
func ViaHTTPS(r *http.Request) bool {
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return r.TLS != nil || strings.EqualFold(strings.TrimSpace(proto), "https")
}

type logKey struct{}

// logFields collects what the access log line says about the caller, filled in as the
// pipeline learns it.
type logFields struct {
	principal domain.Principal
	reason    string
}

func (f *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID(r)
	h := w.Header()
	h.Set("X-Request-Id", id)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	if ViaHTTPS(r) {
		h.Set("Strict-Transport-Security", StrictTransportSecurity)
	}
	sw := &statusWriter{ResponseWriter: w}
	lf := &logFields{}
	r.Header.Set("X-Request-Id", id)
	r = r.WithContext(context.WithValue(r.Context(), logKey{}, lf))
	defer func() {
		if v := recover(); v != nil {
			f.deps.Log.Error("panic", "request_id", id, "function", f.Name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status == 0 {
				writeProblem(sw, problemOf(domain.Internal(fmt.Errorf("panic: %v", v)), negotiate(r.Header.Get("Accept-Language")), id))
			}
		}
		attrs := []any{"request_id", id, "function", f.Name, "method", r.Method, "route", r.Pattern, "path", r.URL.Path,
			"status", sw.status, "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
		if !lf.principal.Anonymous() {
			attrs = append(attrs, "role", lf.principal.Role, "subject", lf.principal.Subject)
		}
		if lf.reason != "" {
			attrs = append(attrs, "reason", lf.reason)
		}
		f.deps.Log.Info("request", attrs...)
	}()
	if _, pattern := f.mux.Handler(r); pattern == "" {
		writeProblem(sw, problemOf(&domain.Error{Code: domain.CodeNotFound, Message: domain.Text{
			ZH: "没有这个地址", EN: "There is nothing at this address."}}, negotiate(r.Header.Get("Accept-Language")), id))
		return
	}
	f.mux.ServeHTTP(sw, r)
}

func (f *Function) serveRoute(rt Route) http.HandlerFunc {
	return func(w http.ResponseWriter, hr *http.Request) {
		req := &Request{Request: hr, ID: hr.Header.Get("X-Request-Id"), Lang: negotiate(hr.Header.Get("Accept-Language"))}
		lf, _ := hr.Context().Value(logKey{}).(*logFields)
		status, header, body, err := f.run(rt, req)
		if err != nil {
			if Status(err) >= 500 {
				f.deps.Log.Error("request failed", "request_id", req.ID, "function", f.Name, "error", err.Error())
			} else if lf != nil {
				lf.reason = err.Error()
			}
			var t *throttled
			if errors.As(err, &t) {
				w.Header().Set("Retry-After", strconv.FormatInt(int64(math.Ceil(t.retryAfter.Seconds())), 10))
			}
			if domain.CodeOf(err) == domain.CodeUnauthenticated {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ips"`)
				if lf != nil {
					lf.reason = auth.Reason(err)
				}
			}
			writeProblem(w, problemOf(err, req.Lang, req.ID))
			return
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		w.Write(body)
	}
}

// run takes a request through body reading, authentication, idempotency and the handler, and
// returns the answer as bytes so an idempotent retry can replay it exactly.
func (f *Function) run(rt Route, req *Request) (int, map[string]string, []byte, error) {
	rawRule, raw := f.raw[rt.Method+" "+rt.Path]
	if raw {
		if err := rawBody(req, rawRule); err != nil {
			return 0, nil, nil, err
		}
	} else if err := readBody(req); err != nil {
		return 0, nil, nil, err
	}
	if rt.Access == SignedIn {
		token, ok := auth.BearerToken(req.Request)
		if !ok {
			return 0, nil, nil, auth.Unauthenticated(errors.New("no bearer token"))
		}
		p, err := f.deps.Auth.Verify(req.Context(), token)
		if err != nil {
			return 0, nil, nil, err
		}
		req.Principal = p
		if lf, ok := req.Context().Value(logKey{}).(*logFields); ok {
			lf.principal = p
		}
		if err := f.pace(req.Context(), p, req.ID); err != nil {
			return 0, nil, nil, err
		}
	}
	key := req.Header.Get("Idempotency-Key")
	if req.Method != http.MethodPost || key == "" || raw || f.noReplay[rt.Method+" "+rt.Path] {
		return f.handle(rt, req)
	}
	return f.idempotent(rt, req, key)
}

var idemKeyPattern = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

func (f *Function) idempotent(rt Route, req *Request, key string) (int, map[string]string, []byte, error) {
	if !idemKeyPattern.MatchString(key) {
		return 0, nil, nil, domain.Invalid(domain.FieldError{Field: "Idempotency-Key", Code: "idempotency_key", Message: domain.Text{
			ZH: "Idempotency-Key 须为 1 到 255 个可见 ASCII 字符", EN: "must be 1 to 255 visible ASCII characters"}})
	}
	ctx := req.Context()
	sum := sha256.Sum256(append([]byte(req.Method+" "+req.URL.Path+"\n"), req.Payload...))
	scope := strings.Join([]string{string(req.Principal.Role), req.Principal.Subject, req.Principal.Division, req.Method + " " + req.URL.Path, key}, "|")
	now := f.deps.Clock.Now()
	outcome, rec, err := f.idem.Begin(ctx, scope, hex.EncodeToString(sum[:]), now)
	if err != nil {
		return 0, nil, nil, domain.Internal(err)
	}
	switch outcome {
	case domain.IdemReplay:
		header := map[string]string{"Idempotent-Replayed": "true"}
		for k, v := range rec.Header {
			header[k] = v
		}
		return rec.Status, header, rec.Body, nil
	case domain.IdemMismatch:
		return 0, nil, nil, domain.ErrIdempotencyKeyReused
	case domain.IdemInFlight:
		return 0, nil, nil, domain.NewError(domain.CodeConflict, "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试",
			"A request with this Idempotency-Key is still in progress; retry shortly.")
	}
	status, header, body, err := f.handle(rt, req)
	if err != nil {
		if Status(err) >= 500 {
			f.idem.Abandon(context.WithoutCancel(ctx), rec)
			return 0, nil, nil, err
		}
		// A refusal is an answer too: the retry must get the same one.
		p := problemOf(err, req.Lang, req.ID)
		body, _ = json.Marshal(p)
		status, header = p.Status, map[string]string{"Content-Type": "application/problem+json"}
	}
	if ferr := f.idem.Finish(context.WithoutCancel(ctx), rec, status, header, body, f.deps.Clock.Now()); ferr != nil {
		f.deps.Log.Error("idempotency record not saved", "request_id", req.ID, "error", ferr.Error())
	}
	if err != nil {
		return 0, nil, nil, err
	}
	return status, header, body, nil
}

func (f *Function) handle(rt Route, req *Request) (int, map[string]string, []byte, error) {
	resp, err := rt.Handle(req.Context(), req)
	if err != nil {
		return 0, nil, nil, err
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	header := map[string]string{"Cache-Control": "no-store"}
	if rt.Access == Public && req.Method == http.MethodGet {
		header["Cache-Control"] = "public, max-age=60"
	}
	if resp.Version > 0 {
		header["ETag"] = fmt.Sprintf(`"%d"`, resp.Version)
	}
	if resp.Location != "" {
		header["Location"] = resp.Location
	}
	if resp.Raw != nil {
		defer resp.Raw.Close()
		b, err := io.ReadAll(resp.Raw)
		if err != nil {
			return 0, nil, nil, domain.Internal(err)
		}
		header["Content-Type"] = resp.ContentType
		if resp.Filename != "" {
			header["Content-Disposition"] = mime.FormatMediaType("attachment", map[string]string{"filename": resp.Filename})
		}
		return status, header, b, nil
	}
	if resp.Body == nil {
		return status, header, nil, nil
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(resp.Body); err != nil {
		return 0, nil, nil, domain.Internal(err)
	}
	header["Content-Type"] = "application/json; charset=utf-8"
	return status, header, buf.Bytes(), nil
}

var jsonTypes = []string{"application/json"}

func readBody(req *Request) error {
	if req.ContentLength > MaxBodyBytes {
		return tooLarge()
	}
	if req.Request.Body != nil {
		b, err := io.ReadAll(io.LimitReader(req.Request.Body, MaxBodyBytes+1))
		if err != nil {
			return &domain.Error{Code: domain.CodeMalformed, Message: domain.Text{ZH: "读取请求内容失败", EN: "The request body could not be read."}, Err: err}
		}
		if len(b) > MaxBodyBytes {
			return tooLarge()
		}
		req.Payload = b
	}
	if len(req.Payload) == 0 {
		return nil
	}
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(jsonTypes, mt) {
		return domain.NewError(domain.CodeUnsupportedMedia, "请求内容须为 JSON（Content-Type: application/json）",
			"The body must be JSON, sent with Content-Type: application/json.")
	}
	return nil
}

// rawBody checks a raw route's body before its handler streams it: its media type and declared
// length, and a reader that fails past rule.Max.
func rawBody(req *Request, rule RawBody) error {
	tooBig := func() error {
		return domain.NewError(domain.CodeTooLarge, fmt.Sprintf("请求内容不得超过 %d 字节", rule.Max),
			fmt.Sprintf("The body must not exceed %d bytes.", rule.Max))
	}
	if req.ContentLength > rule.Max {
		return tooBig()
	}
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != rule.MediaType {
		return domain.NewError(domain.CodeUnsupportedMedia, "请求内容须为 "+rule.MediaType+"（Content-Type: "+rule.MediaType+"）",
			"The body must be sent with Content-Type: "+rule.MediaType+".")
	}
	if req.Request.Body == nil {
		req.Request.Body = http.NoBody
	}
	req.Request.Body = &limitedBody{ReadCloser: req.Request.Body, left: rule.Max, err: tooBig()}
	return nil
}

// limitedBody reads at most left bytes and fails with err when the body holds more.
type limitedBody struct {
	io.ReadCloser
	left int64
	err  error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, b.err
	}
	return n, err
}

func tooLarge() error {
	return domain.NewError(domain.CodeTooLarge, fmt.Sprintf("请求内容不得超过 %d 字节", MaxBodyBytes),
		fmt.Sprintf("The body must not exceed %d bytes.", MaxBodyBytes))
}

// Job is scheduled work of a function.
type Job struct {
	// Run does the work for the instant the job was scheduled for, which it judges by.
	Run func(ctx context.Context, scheduledFor time.Time) (any, error)
	// LatestDue is the latest instant at or before now the job was due, as its schedule in
	// template.yaml fires it; the local runner's scheduler fires from it, catching up on start.
	LatestDue func(now time.Time) time.Time
}

// WithJobs gives the function scheduled jobs by name; the host runs them from EventBridge
// Scheduler events, the local runner from its own scheduler.
func (f *Function) WithJobs(jobs map[string]Job) *Function {
	f.jobs = jobs
	return f
}

// Jobs names the function's scheduled jobs.
func (f *Function) Jobs() map[string]Job { return f.jobs }

// RunScheduled runs one of the function's jobs (host.Scheduled).
func (f *Function) RunScheduled(ctx context.Context, job string, scheduledFor time.Time) (any, error) {
	j, ok := f.jobs[job]
	if !ok {
		return nil, fmt.Errorf("%s has no scheduled job %q", f.Name, job)
	}
	start := time.Now()
	out, err := j.Run(ctx, scheduledFor)
	attrs := []any{"function", f.Name, "job", job, "scheduled_for", scheduledFor, "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
	if err != nil {
		f.deps.Log.ErrorContext(ctx, "job failed", append(attrs, "error", err.Error())...)
		return nil, err
	}
	f.deps.Log.InfoContext(ctx, "job", attrs...)
	return out, nil
}
