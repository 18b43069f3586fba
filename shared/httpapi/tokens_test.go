package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/jsipa/ips/infra/catalog"
	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/docfs"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/testkit"
)

const (
	tokenIssuer   = "https://id.example.gov.cn/realms/ips"
	tokenAudience = "ips-api"
)

// newSigner signs for issuer and audience with key under kid.
func newSigner(t *testing.T, issuer, audience string, key *ecdsa.PrivateKey, kid string) *auth.Signer {
	t.Helper()
	s, err := auth.NewSigner(issuer, audience, key, kid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func segment(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Every way a bearer token can be wrong, sent to every signed-in route of every function through
// the whole pipeline, is a 401 with `WWW-Authenticate: Bearer` and one problem document that
// tells the caller nothing about which check failed, while the access log line of the request
// says exactly that (auth.Reason) and no log line holds the token.
func TestBadTokensAre401EverywhereWithTheReasonOnlyInTheLog(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	engine, err := policy.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	documents, err := docfs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := &domain.SettableClock{}
	clock.Set(time.Date(2027, 1, 15, 10, 0, 0, 0, domain.Shanghai), true)
	now := clock.Now()

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := newSigner(t, tokenIssuer, tokenAudience, key, "k1")
	logs := &testkit.SyncBuffer{}
	deps := httpapi.Deps{Store: store, Authz: engine, Policy: engine, Clock: clock, Documents: documents,
		Auth: auth.NewStatic(tokenIssuer, tokenAudience, good.PublicKeys(), clock.Now),
		Log:  slog.New(slog.NewJSONHandler(logs, nil))}
	mux := http.NewServeMux()
	var routes []httpapi.RouteSpec
	for _, build := range catalog.HTTPFunctions {
		fn := build(deps)
		for _, rt := range fn.Routes() {
			mux.Handle(rt.Method+" "+rt.Path, fn)
			routes = append(routes, rt)
		}
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	officer := domain.Principal{Role: domain.RoleProvinceOfficer, Subject: "officer-1", Division: "320000"}
	promoted := domain.Principal{Role: domain.RoleProvinceOfficer, Subject: "officer-1", Division: "320000", Scopes: []string{"all"}}
	sign := func(s *auth.Signer, p domain.Principal, at time.Time, ttl time.Duration) string {
		tok, err := s.Sign(p, at, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	valid := sign(good, officer, now, time.Hour)
	parts := strings.Split(valid, ".")
	hmacWithPublicKey := func() string {
		h := jws.NewHeaders()
		_ = h.Set(jws.KeyIDKey, "k1")
		b, err := jws.Sign([]byte(mustDecode(t, parts[1])), jws.WithKey(jwa.HS256(), good.JWKS(), jws.WithProtectedHeaders(h)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}()

	// reason is a fragment of what auth.Reason logs for the case.
	cases := []struct {
		name   string
		header string // the whole Authorization header; "" sends none
		reason string
	}{
		{"no credential", "", "no bearer token"},
		{"another scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin")), "no bearer token"},
		{"not a JWT", "Bearer not-a-jwt", "not a compact JWS"},
		{"expired", "Bearer " + sign(good, officer, now.Add(-2*time.Hour), time.Hour), "expired at"},
		{"not yet valid", "Bearer " + sign(good, officer, now.Add(time.Hour), time.Hour), "not valid before"},
		{"wrong audience", "Bearer " + sign(newSigner(t, tokenIssuer, "another-app", key, "k1"), officer, now, time.Hour), `does not include "ips-api"`},
		{"wrong issuer", "Bearer " + sign(newSigner(t, "https://evil.example", tokenAudience, key, "k1"), officer, now, time.Hour), `issuer "https://evil.example"`},
		{"alg none", "Bearer " + segment(map[string]string{"alg": "none", "typ": "JWT", "kid": "k1"}) + "." + parts[1] + ".", `algorithm "none" not allowed`},
		{"HS256 keyed with the published key set", "Bearer " + hmacWithPublicKey, `algorithm "HS256" not allowed`},
		{"changed payload", "Bearer " + parts[0] + "." + strings.Split(sign(good, promoted, now, time.Hour), ".")[1] + "." + parts[2], "signature or payload invalid"},
		{"dropped signature", "Bearer " + parts[0] + "." + parts[1] + ".", "signature missing"},
		{"unknown key id", "Bearer " + sign(newSigner(t, tokenIssuer, tokenAudience, otherKey, "k2"), officer, now, time.Hour), `unknown key id "k2"`},
		{"another key under our key id", "Bearer " + sign(newSigner(t, tokenIssuer, tokenAudience, otherKey, "k1"), officer, now, time.Hour), "signature or payload invalid"},
	}

	type answer struct {
		status int
		header http.Header
		body   []byte
	}
	n := 0
	send := func(rt httpapi.RouteSpec, contentType, authorization string) (answer, string) {
		n++
		id := fmt.Sprintf("tok-%d", n)
		path := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(rt.Path, "p1")
		req, err := http.NewRequest(rt.Method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Request-Id", id)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, resp.Header, b}, id
	}

	signedIn := 0
	var firstProblem map[string]any
	for _, rt := range routes {
		// An upload route checks its media type before the credential, so it is asked in its
		// own type; a public route answers without a credential and is not this test's.
		contentType := "application/json"
		probe, _ := send(rt, contentType, "")
		if probe.status == http.StatusUnsupportedMediaType {
			contentType = "application/pdf"
			probe, _ = send(rt, contentType, "")
		}
		if probe.status != http.StatusUnauthorized {
			continue
		}
		signedIn++
		// The control: the good token gets past authentication, so a 401 below is the token's.
		if ok, _ := send(rt, contentType, "Bearer "+valid); ok.status == http.StatusUnauthorized {
			t.Fatalf("%s %s: the good token is refused too: %s", rt.Method, rt.Path, ok.body)
		}
		for _, tc := range cases {
			got, id := send(rt, contentType, tc.header)
			where := fmt.Sprintf("%s %s, %s", rt.Method, rt.Path, tc.name)
			if got.status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401: %s", where, got.status, got.body)
				continue
			}
			if !strings.HasPrefix(got.header.Get("WWW-Authenticate"), "Bearer") || got.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: headers %v", where, got.header)
			}
			var problem map[string]any
			if err := json.Unmarshal(got.body, &problem); err != nil || problem["code"] != "unauthenticated" || problem["request_id"] != id {
				t.Errorf("%s: body %s", where, got.body)
			}
			delete(problem, "request_id")
			if firstProblem == nil {
				firstProblem = problem
			} else if fmt.Sprint(problem) != fmt.Sprint(firstProblem) {
				t.Errorf("%s: answered %v, another bad token %v; every failure must read the same", where, problem, firstProblem)
			}
			if lower := strings.ToLower(string(got.body)); strings.Contains(lower, strings.ToLower(tc.reason)) ||
				strings.Contains(lower, "kid") || strings.Contains(lower, "signature") || strings.Contains(lower, "audience") {
				t.Errorf("%s: the answer tells why: %s", where, got.body)
			}
			line := accessLine(t, logs.Bytes(), id)
			if line["status"] != float64(http.StatusUnauthorized) || !strings.Contains(fmt.Sprint(line["reason"]), tc.reason) {
				t.Errorf("%s: access log %v, want status 401 and a reason mentioning %q", where, line, tc.reason)
			}
		}
	}
	if signedIn < 20 {
		t.Fatalf("only %d signed-in routes found; the route discovery is broken", signedIn)
	}
	// No log line holds a credential, good or bad: a logged token is a stolen token.
	for _, tc := range append(cases, struct{ name, header, reason string }{"good", "Bearer " + valid, ""}) {
		if tok, ok := strings.CutPrefix(tc.header, "Bearer "); ok && len(tok) > 20 && bytes.Contains(logs.Bytes(), []byte(tok)) {
			t.Errorf("the log holds the %s token", tc.name)
		}
	}
	t.Logf("%d signed-in routes × %d bad credentials: every one 401 with the reason logged only", signedIn, len(cases))
}

func mustDecode(t *testing.T, seg string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// accessLine finds the JSON access log line ("request") of the request id.
func accessLine(t *testing.T, logs []byte, id string) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(logs))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "request" && m["request_id"] == id {
			return m
		}
	}
	t.Fatalf("no access log line for request %s", id)
	return nil
}
