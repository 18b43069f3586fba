package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/jsipa/ips/shared/domain"
)

const (
	testIssuer   = "https://id.example.gov.cn/realms/ips"
	testAudience = "ips-api"
)

var testNow = time.Date(2027, 2, 1, 0, 0, 5, 0, time.FixedZone("CST", 8*3600))

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// testKey is a private key with the kid and alg its tokens carry.
type testKey struct {
	alg  jwa.SignatureAlgorithm
	priv crypto.Signer
	kid  string
}

func newES256(t *testing.T, kid string) testKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{alg: jwa.ES256(), priv: k, kid: kid}
}

// public is the key as a provider would publish it; withAlg false leaves alg out, as some do.
func (k testKey) public(t *testing.T, withAlg bool) jwk.Key {
	t.Helper()
	jk, err := jwk.Import(k.priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := jk.Set(jwk.KeyIDKey, k.kid); err != nil {
		t.Fatal(err)
	}
	if withAlg {
		if err := jk.Set(jwk.AlgorithmKey, k.alg); err != nil {
			t.Fatal(err)
		}
	}
	return jk
}

func keySet(t *testing.T, keys ...testKey) jwk.Set {
	t.Helper()
	set := jwk.NewSet()
	for _, k := range keys {
		if err := set.AddKey(k.public(t, true)); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

func jwksDoc(t *testing.T, keys ...testKey) []byte {
	t.Helper()
	b, err := json.Marshal(keySet(t, keys...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goodClaims are the claims of a token that verifies at testNow.
func goodClaims() map[string]any {
	return map[string]any{
		"iss":      testIssuer,
		"aud":      []string{testAudience},
		"sub":      "91320100MA1W000001",
		"iat":      testNow.Unix(),
		"nbf":      testNow.Unix(),
		"exp":      testNow.Add(time.Hour).Unix(),
		"role":     "city_officer",
		"division": "320100",
		"scope":    "filing:read filing:review",
	}
}

func with(c map[string]any, changes map[string]any) map[string]any {
	out := make(map[string]any, len(c))
	for k, v := range c {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// sign builds a token by hand, so tests control every header and claim.
func sign(t *testing.T, k testKey, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	h := jws.NewHeaders()
	if err := h.Set(jws.KeyIDKey, k.kid); err != nil {
		t.Fatal(err)
	}
	b, err := jws.Sign(payload, jws.WithKey(k.alg, k.priv, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func wantPrincipal() domain.Principal {
	return domain.Principal{
		Role:     domain.RoleCityOfficer,
		Subject:  "91320100MA1W000001",
		Division: "320100",
		Scopes:   []string{"filing:read", "filing:review"},
	}
}

// checkUnauthenticated asserts the one shape every failure has and returns its reason.
func checkUnauthenticated(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("verified; want a failure")
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %T is not a *domain.Error", err)
	}
	if de.Code != domain.CodeUnauthenticated {
		t.Errorf("code %q, want %q", de.Code, domain.CodeUnauthenticated)
	}
	if de.Message != unauthenticatedText {
		t.Errorf("client message %+v, want the generic one", de.Message)
	}
	if len(de.Fields) != 0 {
		t.Errorf("fields %+v, want none", de.Fields)
	}
	r := Reason(err)
	if r == "" || r == string(domain.CodeUnauthenticated) {
		t.Errorf("no internal reason: %q", r)
	}
	return r
}

func TestGoodTokenVerifiesIntoItsPrincipal(t *testing.T) {
	es := newES256(t, "es")
	ed := func() testKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return testKey{alg: jwa.EdDSA(), priv: k, kid: "ed"}
	}()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs := testKey{alg: jwa.RS256(), priv: rsaKey, kid: "rs"}
	ps := testKey{alg: jwa.PS256(), priv: rsaKey, kid: "ps"}
	noAlg := newES256(t, "noalg")

	set := keySet(t, es, ed, rs, ps)
	if err := set.AddKey(noAlg.public(t, false)); err != nil {
		t.Fatal(err)
	}
	v := NewStatic(testIssuer, testAudience, set, fixedClock(testNow))

	tests := []struct {
		name   string
		key    testKey
		claims map[string]any
		want   domain.Principal
	}{
		{"ES256", es, goodClaims(), wantPrincipal()},
		{"EdDSA", ed, goodClaims(), wantPrincipal()},
		{"RS256", rs, goodClaims(), wantPrincipal()},
		{"PS256", ps, goodClaims(), wantPrincipal()},
		{"key published without alg is matched by its type", noAlg, goodClaims(), wantPrincipal()},
		{"audience as a plain string", es, with(goodClaims(), map[string]any{"aud": testAudience}), wantPrincipal()},
		{"audience as an array containing ours", es, with(goodClaims(), map[string]any{"aud": []string{"other", testAudience}}), wantPrincipal()},
		{"expired within clock skew", es, with(goodClaims(), map[string]any{"exp": testNow.Add(-29 * time.Second).Unix()}), wantPrincipal()},
		{"not yet valid within clock skew", es, with(goodClaims(), map[string]any{"nbf": testNow.Add(29 * time.Second).Unix(), "iat": testNow.Add(29 * time.Second).Unix()}), wantPrincipal()},
		{"no division and no scope", es, with(goodClaims(), map[string]any{"division": nil, "scope": nil, "role": "enterprise"}),
			domain.Principal{Role: domain.RoleEnterprise, Subject: "91320100MA1W000001"}},
		{"empty division and scope", es, with(goodClaims(), map[string]any{"division": "", "scope": "", "role": "expert", "sub": "320102199001011234"}),
			domain.Principal{Role: domain.RoleExpert, Subject: "320102199001011234"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), sign(t, tc.key, tc.claims))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("principal %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestEveryRoleVerifies(t *testing.T) {
	k := newES256(t, "k1")
	v := NewStatic(testIssuer, testAudience, keySet(t, k), fixedClock(testNow))
	for _, r := range domain.Roles {
		p, err := v.Verify(context.Background(), sign(t, k, with(goodClaims(), map[string]any{"role": string(r)})))
		if err != nil || p.Role != r {
			t.Errorf("role %s: %+v, %v", r, p, err)
		}
	}
}

func TestBadTokensAreUnauthenticatedWithDistinctReasons(t *testing.T) {
	k := newES256(t, "k1")
	other := newES256(t, "k1") // same kid, different key: a forger's guess
	v := NewStatic(testIssuer, testAudience, keySet(t, k), fixedClock(testNow))

	good := sign(t, k, goodClaims())
	parts := strings.Split(good, ".")
	promoted := sign(t, k, with(goodClaims(), map[string]any{"role": "province_officer", "division": "320000"}))

	pubDER, err := x509.MarshalPKIXPublicKey(k.priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	pubJWK, err := json.Marshal(k.public(t, true))
	if err != nil {
		t.Fatal(err)
	}
	hmacToken := func(secret []byte) string {
		h := jws.NewHeaders()
		_ = h.Set(jws.KeyIDKey, k.kid)
		payload, _ := json.Marshal(goodClaims())
		b, err := jws.Sign(payload, jws.WithKey(jwa.HS256(), secret, jws.WithProtectedHeaders(h)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// want is a fragment of the expected reason; cases with different wants must log
	// different reasons, so the log tells the failures apart.
	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"empty", "", "empty token"},
		{"not a JWT", "hello", "not a compact JWS"},
		{"JSON serialisation", `{"payload":"` + parts[1] + `","signatures":[]}`, "not a compact JWS"},
		{"expired", sign(t, k, with(goodClaims(), map[string]any{"exp": testNow.Add(-31 * time.Second).Unix()})), "expired at"},
		{"not yet valid", sign(t, k, with(goodClaims(), map[string]any{"nbf": testNow.Add(time.Minute).Unix()})), "not valid before"},
		{"issued in the future", sign(t, k, with(goodClaims(), map[string]any{"iat": testNow.Add(time.Minute).Unix()})), "issued in the future"},
		{"missing exp", sign(t, k, with(goodClaims(), map[string]any{"exp": nil})), "exp claim missing"},
		{"wrong audience", sign(t, k, with(goodClaims(), map[string]any{"aud": "another-app"})), "does not include"},
		{"wrong audiences", sign(t, k, with(goodClaims(), map[string]any{"aud": []string{"a", "b"}})), "does not include"},
		{"missing audience", sign(t, k, with(goodClaims(), map[string]any{"aud": nil})), "does not include"},
		{"wrong issuer", sign(t, k, with(goodClaims(), map[string]any{"iss": "https://evil.example"})), "issuer"},
		{"missing sub", sign(t, k, with(goodClaims(), map[string]any{"sub": nil})), "sub claim missing"},
		{"missing role", sign(t, k, with(goodClaims(), map[string]any{"role": nil})), "role claim missing"},
		{"unknown role", sign(t, k, with(goodClaims(), map[string]any{"role": "admin"})), "unknown role"},
		{"role not a string", sign(t, k, with(goodClaims(), map[string]any{"role": []string{"city_officer"}})), "role claim is"},
		{"division not a string", sign(t, k, with(goodClaims(), map[string]any{"division": 320100})), "division claim is"},
		{"alg none", b64(map[string]string{"alg": "none", "kid": "k1"}) + "." + b64(goodClaims()) + ".", `algorithm "none" not allowed`},
		{"HS256 keyed with the public key PEM", hmacToken(pubPEM), `algorithm "HS256" not allowed`},
		{"HS256 keyed with the public JWK", hmacToken(pubJWK), `algorithm "HS256" not allowed`},
		{"changed payload", parts[0] + "." + strings.Split(promoted, ".")[1] + "." + parts[2], "signature or payload invalid"},
		{"signature of another key under our kid", sign(t, other, goodClaims()), "signature or payload invalid"},
		{"dropped signature", parts[0] + "." + parts[1] + ".", "signature missing"},
		{"unknown kid", sign(t, newES256(t, "k2"), goodClaims()), "unknown key id"},
		{"no kid", b64(map[string]string{"alg": "ES256"}) + "." + parts[1] + "." + parts[2], "no key id"},
		{"crit header", b64(map[string]any{"alg": "ES256", "kid": "k1", "crit": []string{"exp"}}) + "." + parts[1] + "." + parts[2], "unsupported header parameter"},
	}
	wantOf := map[string]string{} // reason → the want it was logged for
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := v.Verify(context.Background(), tc.token)
			r := checkUnauthenticated(t, err)
			if !reflect.DeepEqual(p, domain.Principal{}) {
				t.Errorf("principal %+v on failure, want the zero one", p)
			}
			if !strings.Contains(r, tc.want) {
				t.Errorf("reason %q, want it to mention %q", r, tc.want)
			}
			if prev, seen := wantOf[r]; seen && prev != tc.want {
				t.Errorf("reason %q is logged for both %q and %q", r, prev, tc.want)
			}
			wantOf[r] = tc.want
		})
	}

	// The good token itself verifies, so the failures above are due to their one change.
	if _, err := v.Verify(context.Background(), good); err != nil {
		t.Fatalf("good token: %v", err)
	}
}

func TestVerifierTakesTimeFromTheInjectedClock(t *testing.T) {
	k := newES256(t, "k1")
	var now atomic.Pointer[time.Time]
	start := testNow
	now.Store(&start)
	v := NewStatic(testIssuer, testAudience, keySet(t, k), func() time.Time { return *now.Load() })
	tok := sign(t, k, goodClaims())
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	later := testNow.Add(2 * time.Hour)
	now.Store(&later)
	r := checkUnauthenticated(t, func() error { _, err := v.Verify(context.Background(), tok); return err }())
	if !strings.Contains(r, "expired") {
		t.Errorf("reason %q, want expiry", r)
	}
}

func TestStaticVerifierWithoutKeysRefusesAll(t *testing.T) {
	v := NewStatic(testIssuer, testAudience, nil, nil)
	_, err := v.Verify(context.Background(), sign(t, newES256(t, "k1"), goodClaims()))
	checkUnauthenticated(t, err)
}

func TestSignerTokensVerifyIntoTheSignedPrincipal(t *testing.T) {
	s, err := NewSigner(testIssuer, testAudience, newES256(t, "").priv, "")
	if err != nil {
		t.Fatal(err)
	}
	v := NewStatic(testIssuer, testAudience, s.PublicKeys(), fixedClock(testNow.Add(time.Minute)))
	for _, p := range []domain.Principal{
		wantPrincipal(),
		{Role: domain.RoleEnterprise, Subject: "91320100MA1W000002"},
		{Role: domain.RoleScheduler, Subject: "scheduler", Scopes: []string{"deadline:run"}},
	} {
		tok, err := s.Sign(p, testNow, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, err := v.Verify(context.Background(), tok)
		if err != nil {
			t.Fatalf("Verify: %v (%s)", err, Reason(err))
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("principal %+v, want %+v", got, p)
		}
		hdr, _ := parseHeader(strings.Split(tok, ".")[0])
		if hdr.alg != "ES256" || hdr.kid != s.KeyID() || s.KeyID() == "" {
			t.Errorf("header %+v, kid %q", hdr, s.KeyID())
		}
	}
	if _, err := s.Sign(domain.Principal{Role: "admin", Subject: "x"}, testNow, time.Hour); err == nil {
		t.Error("signed an unknown role")
	}
	if _, err := s.Sign(domain.Principal{Role: domain.RoleExpert}, testNow, time.Hour); err == nil {
		t.Error("signed without a subject")
	}
	if _, err := s.Sign(wantPrincipal(), testNow, 0); err == nil {
		t.Error("signed with no lifetime")
	}
}

func TestSignerPublishesOnlyThePublicKey(t *testing.T) {
	s, err := NewSigner(testIssuer, testAudience, newES256(t, "").priv, "dev-1")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(s.JWKS(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Keys) != 1 {
		t.Fatalf("keys %v", doc.Keys)
	}
	k := doc.Keys[0]
	if _, private := k["d"]; private {
		t.Error("JWKS contains the private key")
	}
	if k["kid"] != "dev-1" || k["alg"] != "ES256" || k["use"] != "sig" || k["kty"] != "EC" || k["crv"] != "P-256" {
		t.Errorf("key %v", k)
	}
	set := s.PublicKeys()
	key, ok := set.LookupKeyID("dev-1")
	if !ok {
		t.Fatal("PublicKeys lacks the kid")
	}
	if priv, _ := jwk.IsPrivateKey(key); priv {
		t.Error("PublicKeys holds a private key")
	}
	// A caller changing its copy does not change the signer's.
	_ = set.RemoveKey(key)
	if s.PublicKeys().Len() != 1 {
		t.Error("PublicKeys shares state with the signer")
	}
}

func TestNewSignerRefusesOtherKeys(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for name, k := range map[string]crypto.Signer{"P-384": p384, "Ed25519": ed, "nil": nil} {
		if _, err := NewSigner(testIssuer, testAudience, k, ""); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewSigner("", testAudience, newES256(t, "").priv, ""); err == nil {
		t.Error("accepted an empty issuer")
	}
}

func TestLoadOrCreateSignerKeepsTheKeyAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "dev", "signing-key.pem")
	first, err := LoadOrCreateSigner(path, testIssuer, testAudience)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if block, _ := pem.Decode(data); block == nil || block.Type != "PRIVATE KEY" {
		t.Errorf("key file is not a PKCS#8 PEM block:\n%s", data)
	}

	second, err := LoadOrCreateSigner(path, testIssuer, testAudience)
	if err != nil {
		t.Fatal(err)
	}
	if first.KeyID() != second.KeyID() {
		t.Errorf("kid changed across restart: %q → %q", first.KeyID(), second.KeyID())
	}
	tok, err := second.Sign(wantPrincipal(), testNow, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v := NewStatic(testIssuer, testAudience, first.PublicKeys(), fixedClock(testNow))
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Errorf("token of the reloaded signer does not verify with the first's keys: %s", Reason(err))
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("stray files beside the key: %v", entries)
	}
}

func TestLoadOrCreateSignerTightensALooseKeyFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	path := filepath.Join(t.TempDir(), "key.pem")
	if _, err := LoadOrCreateSigner(path, testIssuer, testAudience); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSigner(path, testIssuer, testAudience); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestLoadOrCreateSignerRefusesAFileThatIsNotAKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSigner(path, testIssuer, testAudience); err == nil {
		t.Error("accepted garbage")
	}
	if data, _ := os.ReadFile(path); string(data) != "not a key" {
		t.Error("overwrote a file it could not read")
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    string
		ok      bool
	}{
		{"bearer token", []string{"Bearer abc.def.ghi"}, "abc.def.ghi", true},
		{"scheme is case-insensitive", []string{"bEaReR abc"}, "abc", true},
		{"token68 padding", []string{"Bearer a+b/c=="}, "a+b/c==", true},
		{"no header", nil, "", false},
		{"other scheme", []string{"Basic dXNlcjpwYXNz"}, "", false},
		{"scheme only", []string{"Bearer"}, "", false},
		{"empty token", []string{"Bearer "}, "", false},
		{"two spaces", []string{"Bearer  abc"}, "", false},
		{"two tokens", []string{"Bearer abc def"}, "", false},
		{"trailing space", []string{"Bearer abc "}, "", false},
		{"tab", []string{"Bearer\tabc"}, "", false},
		{"no space", []string{"Bearerabc"}, "", false},
		{"padding only", []string{"Bearer =="}, "", false},
		{"padding inside", []string{"Bearer a=b"}, "", false},
		{"quoted", []string{`Bearer "abc"`}, "", false},
		{"two Authorization headers", []string{"Bearer abc", "Bearer def"}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, h := range tc.headers {
				r.Header.Add("Authorization", h)
			}
			got, ok := BearerToken(r)
			if got != tc.want || ok != tc.ok {
				t.Errorf("BearerToken = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestReason(t *testing.T) {
	if Reason(nil) != "" {
		t.Error("Reason(nil) not empty")
	}
	if got := Reason(Unauthenticated(errors.New("why"))); got != "why" {
		t.Errorf("Reason = %q", got)
	}
	if got := Reason(fmt.Errorf("wrapped: %w", Unauthenticated(errors.New("why")))); got != "why" {
		t.Errorf("Reason of wrapped = %q", got)
	}
	if got := Reason(errors.New("plain")); got != "plain" {
		t.Errorf("Reason of plain = %q", got)
	}
}

// provider is a minimal OIDC provider: discovery and a key set that tests can rotate.
type provider struct {
	srv        *httptest.Server
	discovery  atomic.Int64
	jwksHits   atomic.Int64
	mu         sync.Mutex
	jwks       []byte
	down       bool
	issuerName string // what discovery claims; the server's URL unless set
}

func newProvider(t *testing.T, keys ...testKey) *provider {
	t.Helper()
	p := &provider{jwks: jwksDoc(t, keys...)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		p.discovery.Add(1)
		p.mu.Lock()
		iss, down := p.issuerName, p.down
		p.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if iss == "" {
			iss = p.srv.URL
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": p.srv.URL + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		p.jwksHits.Add(1)
		p.mu.Lock()
		doc, down := p.jwks, p.down
		p.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) publish(t *testing.T, keys ...testKey) {
	doc := jwksDoc(t, keys...)
	p.mu.Lock()
	p.jwks = doc
	p.mu.Unlock()
}

func (p *provider) setDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
}

func (p *provider) claims() map[string]any {
	return with(goodClaims(), map[string]any{"iss": p.srv.URL})
}

// fakeClock stands in for the real clock that paces key set refreshes.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newOIDC(t *testing.T, p *provider) (*Verifier, *fakeClock) {
	t.Helper()
	v, err := NewOIDC(context.Background(), OIDCConfig{
		Issuer: p.srv.URL, Audience: testAudience, HTTPClient: p.srv.Client(), Now: fixedClock(testNow),
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	v.keys.(*remoteKeys).clock = clock.Now
	return v, clock
}

func TestOIDCDiscoversKeysLazilyOnFirstVerify(t *testing.T) {
	k := newES256(t, "k1")
	p := newProvider(t, k)
	v, _ := newOIDC(t, p)
	if d, j := p.discovery.Load(), p.jwksHits.Load(); d != 0 || j != 0 {
		t.Fatalf("construction made %d discovery and %d key set requests; want none", d, j)
	}
	for range 3 {
		got, err := v.Verify(context.Background(), sign(t, k, p.claims()))
		if err != nil {
			t.Fatalf("Verify: %s", Reason(err))
		}
		if !reflect.DeepEqual(got, wantPrincipal()) {
			t.Errorf("principal %+v", got)
		}
	}
	if d, j := p.discovery.Load(), p.jwksHits.Load(); d != 1 || j != 1 {
		t.Errorf("%d discovery and %d key set requests; want one each, then the cache", d, j)
	}
}

func TestOIDCWithConfiguredJWKSURLSkipsDiscovery(t *testing.T) {
	k := newES256(t, "k1")
	p := newProvider(t, k)
	v, err := NewOIDC(context.Background(), OIDCConfig{
		Issuer: p.srv.URL, Audience: testAudience, JWKSURL: p.srv.URL + "/keys", Now: fixedClock(testNow),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), sign(t, k, p.claims())); err != nil {
		t.Fatalf("Verify: %s", Reason(err))
	}
	if d, j := p.discovery.Load(), p.jwksHits.Load(); d != 0 || j != 1 {
		t.Errorf("%d discovery and %d key set requests; want 0 and 1", d, j)
	}
}

func TestOIDCKeyRotationVerifiesAfterRefresh(t *testing.T) {
	oldKey, newKey := newES256(t, "2026-01"), newES256(t, "2026-02")
	p := newProvider(t, oldKey)
	v, clock := newOIDC(t, p)
	ctx := context.Background()
	if _, err := v.Verify(ctx, sign(t, oldKey, p.claims())); err != nil {
		t.Fatalf("old key: %s", Reason(err))
	}

	p.publish(t, oldKey, newKey)
	newTok := sign(t, newKey, p.claims())
	// Within the refresh interval the new kid is refused without asking the provider again.
	r := checkUnauthenticated(t, func() error { _, err := v.Verify(ctx, newTok); return err }())
	if !strings.Contains(r, "unknown key id") || p.jwksHits.Load() != 1 {
		t.Errorf("reason %q after %d fetches", r, p.jwksHits.Load())
	}

	clock.Advance(minRefresh)
	if _, err := v.Verify(ctx, newTok); err != nil {
		t.Fatalf("new key after refresh: %s", Reason(err))
	}
	if _, err := v.Verify(ctx, sign(t, oldKey, p.claims())); err != nil {
		t.Errorf("old key while still published: %s", Reason(err))
	}
	if j := p.jwksHits.Load(); j != 2 {
		t.Errorf("%d key set fetches, want 2", j)
	}

	// A withdrawn key stops verifying once the set is old enough to be refetched.
	p.publish(t, newKey)
	clock.Advance(maxKeyAge)
	r = checkUnauthenticated(t, func() error { _, err := v.Verify(ctx, sign(t, oldKey, p.claims())); return err }())
	if !strings.Contains(r, "unknown key id") {
		t.Errorf("withdrawn key: reason %q", r)
	}
	if _, err := v.Verify(ctx, newTok); err != nil {
		t.Errorf("new key after the old was withdrawn: %s", Reason(err))
	}
}

func TestOIDCUnknownKidFloodRefetchesAtMostOncePerInterval(t *testing.T) {
	k := newES256(t, "k1")
	p := newProvider(t, k)
	v, clock := newOIDC(t, p)
	ctx := context.Background()
	if _, err := v.Verify(ctx, sign(t, k, p.claims())); err != nil {
		t.Fatal(Reason(err))
	}
	forger := newES256(t, "")
	forged := make([]string, 100)
	for i := range forged {
		f := forger
		f.kid = fmt.Sprintf("forged-%d", i)
		forged[i] = sign(t, f, p.claims())
	}
	flood := func() {
		var wg sync.WaitGroup
		for _, tok := range forged {
			wg.Go(func() {
				if _, err := v.Verify(ctx, tok); err == nil {
					t.Error("forged token verified")
				}
			})
		}
		wg.Wait()
	}

	flood()
	if j := p.jwksHits.Load(); j != 1 {
		t.Errorf("flood right after a fetch: %d key set fetches, want still 1", j)
	}
	clock.Advance(minRefresh)
	flood()
	if j := p.jwksHits.Load(); j != 2 {
		t.Errorf("flood after the interval: %d key set fetches, want 2", j)
	}
	clock.Advance(minRefresh / 2)
	flood()
	if j := p.jwksHits.Load(); j != 2 {
		t.Errorf("flood within the next interval: %d key set fetches, want still 2", j)
	}
	// Known keys keep verifying throughout, without fetching.
	if _, err := v.Verify(ctx, sign(t, k, p.claims())); err != nil {
		t.Error(Reason(err))
	}
	if d := p.discovery.Load(); d != 1 {
		t.Errorf("%d discovery requests, want 1", d)
	}
}

func TestOIDCProviderOutage(t *testing.T) {
	k := newES256(t, "k1")
	p := newProvider(t, k)
	p.setDown(true)
	v, clock := newOIDC(t, p)
	ctx := context.Background()
	tok := sign(t, k, p.claims())

	r := checkUnauthenticated(t, func() error { _, err := v.Verify(ctx, tok); return err }())
	if !strings.Contains(r, "key set unavailable") {
		t.Errorf("reason %q", r)
	}
	p.setDown(false)
	// Failures are retried sooner than the refresh interval, but not on every request.
	checkUnauthenticated(t, func() error { _, err := v.Verify(ctx, tok); return err }())
	if d := p.discovery.Load(); d != 1 {
		t.Errorf("%d discovery requests right after a failure, want 1", d)
	}
	clock.Advance(retryAfterFailure)
	if _, err := v.Verify(ctx, tok); err != nil {
		t.Fatalf("after the provider recovered: %s", Reason(err))
	}

	// Once keys are held, an outage at refresh time keeps the old keys working.
	p.setDown(true)
	clock.Advance(maxKeyAge)
	if _, err := v.Verify(ctx, tok); err != nil {
		t.Errorf("stale keys during an outage: %s", Reason(err))
	}
}

func TestOIDCRefusesDiscoveryForAnotherIssuer(t *testing.T) {
	k := newES256(t, "k1")
	p := newProvider(t, k)
	p.mu.Lock()
	p.issuerName = "https://evil.example"
	p.mu.Unlock()
	v, _ := newOIDC(t, p)
	r := checkUnauthenticated(t, func() error { _, err := v.Verify(context.Background(), sign(t, k, p.claims())); return err }())
	if !strings.Contains(r, "discovery document names issuer") {
		t.Errorf("reason %q", r)
	}
	if j := p.jwksHits.Load(); j != 0 {
		t.Errorf("fetched the key set of a mismatched issuer")
	}
}

func TestNewOIDCChecksConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  OIDCConfig
		ok   bool
	}{
		{"https issuer", OIDCConfig{Issuer: "https://id.example.gov.cn/realms/ips", Audience: "a"}, true},
		{"loopback http issuer", OIDCConfig{Issuer: "http://127.0.0.1:8080", Audience: "a"}, true},
		{"localhost http issuer", OIDCConfig{Issuer: "http://localhost:8080", Audience: "a"}, true},
		{"IPv6 loopback http issuer", OIDCConfig{Issuer: "http://[::1]:8080", Audience: "a"}, true},
		{"no issuer", OIDCConfig{Audience: "a"}, false},
		{"no audience", OIDCConfig{Issuer: "https://id.example.gov.cn"}, false},
		{"remote http issuer", OIDCConfig{Issuer: "http://id.example.gov.cn", Audience: "a"}, false},
		{"issuer without scheme", OIDCConfig{Issuer: "id.example.gov.cn", Audience: "a"}, false},
		{"issuer with query", OIDCConfig{Issuer: "https://id.example.gov.cn/?x=1", Audience: "a"}, false},
		{"remote http JWKS", OIDCConfig{Issuer: "https://id.example.gov.cn", Audience: "a", JWKSURL: "http://id.example.gov.cn/keys"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewOIDC(context.Background(), tc.cfg)
			if (err == nil) != tc.ok {
				t.Errorf("NewOIDC error %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
