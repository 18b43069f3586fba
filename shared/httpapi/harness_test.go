package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/docfs"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/openapi/openapitest"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/testkit"
)

// harness serves one function over real HTTP on a real SQLite file with the real policy.
type harness struct {
	t      *testing.T
	url    string
	signer *auth.Signer
	clock  *domain.SettableClock
	store  domain.Store
	logs   *testkit.SyncBuffer
}

var (
	engineOnce sync.Once
	engine     *policy.Engine
)

// newHarness serves build's function, and with more the other functions too, on one store and
// one address, as the local runner does.
func newHarness(t *testing.T, build func(httpapi.Deps) *httpapi.Function, more ...func(httpapi.Deps) *httpapi.Function) *harness {
	t.Helper()
	store, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newHarnessOn(t, store, build, more...)
}

// newHarnessOn is newHarness on a store of the test's choosing (DynamoDB, a faulty wrapper).
func newHarnessOn(t *testing.T, store domain.Store, build func(httpapi.Deps) *httpapi.Function, more ...func(httpapi.Deps) *httpapi.Function) *harness {
	t.Helper()
	engineOnce.Do(func() {
		var err error
		if engine, err = policy.Load(context.Background()); err != nil {
			panic(err)
		}
	})
	signer, err := auth.LoadOrCreateSigner(t.TempDir()+"/key.pem", "urn:test", "ips-test")
	if err != nil {
		t.Fatal(err)
	}
	clock := &domain.SettableClock{}
	clock.Set(time.Date(2027, 1, 15, 10, 0, 0, 0, domain.Shanghai), true)
	logs := &testkit.SyncBuffer{}
	documents, err := docfs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	deps := httpapi.Deps{Store: store, Authz: engine, Policy: engine, Auth: auth.NewStatic("urn:test", "ips-test", signer.PublicKeys(), clock.Now),
		Clock: clock, Log: log, Documents: documents}
	var handler http.Handler = build(deps)
	if len(more) > 0 {
		mux := http.NewServeMux()
		paths := map[string]bool{}
		for _, b := range append([]func(httpapi.Deps) *httpapi.Function{build}, more...) {
			fn := b(deps)
			for _, rt := range fn.Routes() {
				mux.Handle(rt.Method+" "+rt.Path, fn)
				// As the local runner mounts them: another method reaches the function, whose
				// 405 is a problem, not the mux's text.
				if !paths[rt.Path] {
					paths[rt.Path] = true
					mux.Handle(rt.Path, fn)
				}
			}
		}
		handler = mux
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &harness{t: t, url: srv.URL, signer: signer, clock: clock, store: store, logs: logs}
}

func (h *harness) token(role domain.Role, subject, division string) string {
	h.t.Helper()
	tok, err := h.signer.Sign(domain.Principal{Role: role, Subject: subject, Division: division}, h.clock.Now(), time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// reply is a response with its body read.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object (%d): %s", r.status, r.body)
	}
	return m
}

// fields lists the JSON pointers of a problem's errors.
func (r reply) fields(t *testing.T) []string {
	t.Helper()
	var p httpapi.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// do sends a request; body may be nil, a string (sent as is) or a value (sent as JSON).
// headers are name, value pairs.
func (h *harness) do(method, path, token string, body any, headers ...string) reply {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	// Every answer must be one the OpenAPI document describes for the operation asked.
	openapitest.Check(h.t, method, req.URL.Path, resp.StatusCode, resp.Header, b)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (h *harness) expect(r reply, status int) reply {
	h.t.Helper()
	if r.status != status {
		h.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// uscc makes a valid code for a test organisation in a district.
func uscc(t *testing.T, district, body8 string) string { return testkit.USCC(t, "91"+district, body8) }

var filingBody = testkit.AgencyFiling
