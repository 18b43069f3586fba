package oidclogin_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/oidclogin"
	"github.com/jsipa/ips/shared/testkit"
)

const (
	audience = "ips-api"
	site     = "https://ips.example.gov.cn"
	redirect = site + "/signin.html"
	verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636 Appendix B
	code     = "SplxlOBeZQQYbYS6WxSbIA"
	agency   = "91320281MA20JY015Q"
)

// provider is a fake OIDC provider: discovery, a key set and a token endpoint whose answer
// each test chooses.
type provider struct {
	t       *testing.T
	url     string
	signer  *auth.Signer
	key     *ecdsa.PrivateKey
	meta    map[string]any
	answer  func(form url.Values) (int, any) // the token endpoint's answer
	mu      sync.Mutex
	forms   []url.Values
	auths   []string // Authorization headers the token endpoint received
	discovs atomic.Int32
}

func newProvider(t *testing.T) *provider {
	t.Helper()
	p := &provider{t: t}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.url = srv.URL + "/realms/ips"
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p.key = key
	if p.signer, err = auth.NewSigner(p.url, audience, key, "k1"); err != nil {
		t.Fatal(err)
	}
	p.meta = map[string]any{
		"issuer":                           p.url,
		"authorization_endpoint":           p.url + "/protocol/openid-connect/auth",
		"token_endpoint":                   p.url + "/protocol/openid-connect/token",
		"jwks_uri":                         p.url + "/protocol/openid-connect/certs",
		"code_challenge_methods_supported": []string{"plain", "S256"},
	}
	p.answer = func(url.Values) (int, any) {
		return http.StatusOK, map[string]any{"access_token": p.token(t, audience, nil), "token_type": "Bearer", "expires_in": 300}
	}
	mux.HandleFunc("GET /realms/ips/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		p.discovs.Add(1)
		json.NewEncoder(w).Encode(p.meta)
	})
	mux.HandleFunc("GET /realms/ips/protocol/openid-connect/certs", func(w http.ResponseWriter, r *http.Request) {
		w.Write(p.signer.JWKS())
	})
	mux.HandleFunc("POST /realms/ips/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("token request Content-Type %q", r.Header.Get("Content-Type"))
		}
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		p.mu.Lock()
		p.forms = append(p.forms, r.PostForm)
		p.auths = append(p.auths, r.Header.Get("Authorization"))
		p.mu.Unlock()
		status, body := p.answer(r.PostForm)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if s, ok := body.(string); ok {
			w.Write([]byte(s))
			return
		}
		json.NewEncoder(w).Encode(body)
	})
	return p
}

// token signs a JWT for an agency with the provider's key; extra claims replace or add.
func (p *provider) token(t *testing.T, aud string, extra map[string]any) string {
	t.Helper()
	now := time.Now()
	b := jwt.NewBuilder().Issuer(p.url).Audience([]string{aud}).Subject(agency).IssuedAt(now).
		Expiration(now.Add(5*time.Minute).Truncate(time.Second)).Claim("role", "agency")
	for k, v := range extra {
		b = b.Claim(k, v)
	}
	tok, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.NewHeaders()
	hdr.Set(jws.KeyIDKey, "k1")
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.ES256(), p.key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}

func (p *provider) tokenCalls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.forms)
}

func (p *provider) client(t *testing.T, mutate ...func(*oidclogin.Config)) *oidclogin.Client {
	t.Helper()
	v, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: p.url, Audience: audience})
	if err != nil {
		t.Fatal(err)
	}
	cfg := oidclogin.Config{Issuer: p.url, ClientID: "ips-site", Scope: "ips", Verifier: v}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := oidclogin.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func request() oidclogin.TokenRequest {
	return oidclogin.TokenRequest{Code: code, CodeVerifier: verifier, RedirectURI: redirect}
}

func codeOf(t *testing.T, err error) domain.Code {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a *domain.Error", err)
	}
	return de.Code
}

func TestSettingsComeFromTheDiscoveryDocumentOnce(t *testing.T) {
	p := newProvider(t)
	c := p.client(t)
	for range 3 {
		s, err := c.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := oidclogin.Settings{Enabled: true, AuthorizationEndpoint: p.url + "/protocol/openid-connect/auth", ClientID: "ips-site", Scope: "openid ips"}
		if s != want {
			t.Errorf("settings %+v, want %+v", s, want)
		}
	}
	if n := p.discovs.Load(); n != 1 {
		t.Errorf("discovery read %d times, want once (cached)", n)
	}
}

func TestSettingsRefuseAProviderThatIsNotTheIssuer(t *testing.T) {
	p := newProvider(t)
	p.meta["issuer"] = "https://evil.example"
	_, err := p.client(t).Settings(context.Background())
	if codeOf(t, err) != domain.CodeUpstream {
		t.Errorf("error %v, want upstream", err)
	}
	p2 := newProvider(t)
	p2.meta["code_challenge_methods_supported"] = []string{"plain"}
	if _, err := p2.client(t).Settings(context.Background()); codeOf(t, err) != domain.CodeUpstream {
		t.Errorf("a provider without S256: %v, want upstream", err)
	}
}

func TestExchangeHandsOutTheVerifiedAccessToken(t *testing.T) {
	p := newProvider(t)
	s, err := p.client(t).Exchange(context.Background(), request(), site)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if s.Principal.Role != domain.RoleAgency || s.Principal.Subject != agency || s.Token == "" {
		t.Errorf("session %+v", s)
	}
	if d := time.Until(s.ExpiresAt); d < 4*time.Minute || d > 5*time.Minute {
		t.Errorf("expires_at %s, want the token's exp, in 5 minutes", s.ExpiresAt)
	}
	if p.tokenCalls() != 1 {
		t.Fatalf("%d token requests", p.tokenCalls())
	}
	f := p.forms[0]
	for k, want := range map[string]string{"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
		"redirect_uri": redirect, "client_id": "ips-site"} {
		if f.Get(k) != want {
			t.Errorf("token request %s=%q, want %q", k, f.Get(k), want)
		}
	}
	if p.auths[0] != "" || f.Has("client_secret") {
		t.Error("a public client sent a secret")
	}
}

func TestExchangeFallsBackToTheIDTokenWhenTheAccessTokenIsOpaque(t *testing.T) {
	p := newProvider(t)
	p.answer = func(url.Values) (int, any) {
		return http.StatusOK, map[string]any{"access_token": "opaque-handle", "id_token": p.token(t, audience, map[string]any{"nonce": "n-1"})}
	}
	in := request()
	in.Nonce = "n-1"
	s, err := p.client(t).Exchange(context.Background(), in, site)
	if err != nil {
		t.Fatal(err)
	}
	if s.Token == "opaque-handle" || s.Principal.Subject != agency {
		t.Errorf("session %+v, want the id token's", s)
	}
	in.Nonce = "another"
	if _, err := p.client(t).Exchange(context.Background(), in, site); codeOf(t, err) != domain.CodeForbidden {
		t.Errorf("an ID token of another sign-in (nonce): %v, want forbidden", err)
	}
}

func TestExchangeRefusesATokenTheAPIWouldRefuse(t *testing.T) {
	p := newProvider(t)
	cases := map[string]func() map[string]any{
		"another audience": func() map[string]any {
			return map[string]any{"access_token": p.token(t, "another-app", nil), "id_token": p.token(t, "another-app", nil)}
		},
		"no role": func() map[string]any {
			return map[string]any{"access_token": p.token(t, audience, map[string]any{"role": ""})}
		},
		"another key": func() map[string]any {
			other := testkit.Signer(t, p.url, audience, "k1")
			tok, _ := other.Sign(domain.Principal{Role: domain.RoleAgency, Subject: agency}, time.Now(), time.Minute)
			return map[string]any{"access_token": tok}
		},
		"no token at all": func() map[string]any { return map[string]any{"token_type": "Bearer"} },
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			p.answer = func(url.Values) (int, any) { return http.StatusOK, answer() }
			s, err := p.client(t).Exchange(context.Background(), request(), site)
			if codeOf(t, err) != domain.CodeForbidden || s.Token != "" {
				t.Errorf("session %+v, error %v; want forbidden and no token", s, err)
			}
		})
	}
}

func TestExchangeAcceptsOnlyTheSitesOwnSignInPage(t *testing.T) {
	p := newProvider(t)
	c := p.client(t)
	for _, uri := range []string{
		"https://evil.example/signin.html",
		site + ":8443/signin.html",
		"http://ips.example.gov.cn/signin.html",
		site + "/index.html",
		site + "/signin.html?next=/x",
		site + "/signin.html#x",
		site + "/signin.html.evil",
		"javascript:alert(1)//signin.html",
		"/signin.html",
		"https://user@ips.example.gov.cn/signin.html",
	} {
		in := request()
		in.RedirectURI = uri
		_, err := c.Exchange(context.Background(), in, site)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeInvalid || len(de.Fields) != 1 || de.Fields[0].Field != "/redirect_uri" {
			t.Errorf("%s: %v, want 422 on /redirect_uri", uri, err)
		}
	}
	in := request()
	if _, err := c.Exchange(context.Background(), in, ""); codeOf(t, err) != domain.CodeInvalid {
		t.Errorf("no origin known: %v, want refused", err)
	}
	in.CodeVerifier = "short"
	if _, err := c.Exchange(context.Background(), in, site); codeOf(t, err) != domain.CodeInvalid {
		t.Errorf("a verifier RFC 7636 does not allow: %v", err)
	}
	if p.tokenCalls() != 0 {
		t.Errorf("the provider was asked %d times for refused requests", p.tokenCalls())
	}
	// A sign-in page under a path, on a local runner's port, is the site's too.
	if err := oidclogin.CheckRedirectURI("http://127.0.0.1:8080/ips/signin.html", "http://127.0.0.1:8080"); err != nil {
		t.Errorf("a sign-in page under a path: %v", err)
	}
}

func TestProviderErrorsAreMapped(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   any
		want   domain.Code
		field  string
	}{
		{"a used or expired code", 400, map[string]any{"error": "invalid_grant", "error_description": "Code not valid"}, domain.CodeInvalid, "/code"},
		{"a PKCE verifier that does not match", 400, map[string]any{"error": "invalid_grant", "error_description": "PKCE verification failed"}, domain.CodeInvalid, "/code"},
		{"a client the provider does not know", 401, map[string]any{"error": "invalid_client"}, domain.CodeUpstream, ""},
		{"an unauthorized client", 400, map[string]any{"error": "unauthorized_client"}, domain.CodeUpstream, ""},
		{"a provider failing", 500, "<html>oops</html>", domain.CodeUpstream, ""},
		{"an error in a 200", 200, map[string]any{"error": "server_error"}, domain.CodeUpstream, ""},
		{"not JSON", 200, "access_token=x", domain.CodeUpstream, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProvider(t)
			p.answer = func(url.Values) (int, any) { return c.status, c.body }
			_, err := p.client(t).Exchange(context.Background(), request(), site)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != c.want {
				t.Fatalf("error %v, want %s", err, c.want)
			}
			if c.field != "" && (len(de.Fields) != 1 || de.Fields[0].Field != c.field) {
				t.Errorf("fields %+v, want %s", de.Fields, c.field)
			}
			if de.Message.ZH == "" || de.Message.EN == "" {
				t.Errorf("message %+v, want both languages", de.Message)
			}
		})
	}
	t.Run("a provider that cannot be reached", func(t *testing.T) {
		p := newProvider(t)
		p.meta["token_endpoint"] = "http://127.0.0.1:1/token"
		if _, err := p.client(t).Exchange(context.Background(), request(), site); codeOf(t, err) != domain.CodeUpstream {
			t.Errorf("%v, want upstream", err)
		}
	})
}

func TestAConfidentialClientAuthenticates(t *testing.T) {
	p := newProvider(t)
	secret := func(c *oidclogin.Config) { c.ClientSecret = "s3cr:t" }
	if _, err := p.client(t, secret).Exchange(context.Background(), request(), site); err != nil {
		t.Fatal(err)
	}
	if got := p.auths[0]; got != "Basic aXBzLXNpdGU6czNjciUzQXQ=" { // ips-site:s3cr%3At
		t.Errorf("Authorization %q, want client_secret_basic", got)
	}
	p.meta["token_endpoint_auth_methods_supported"] = []string{"client_secret_post"}
	if _, err := p.client(t, secret).Exchange(context.Background(), request(), site); err != nil {
		t.Fatal(err)
	}
	if p.auths[1] != "" || p.forms[1].Get("client_secret") != "s3cr:t" {
		t.Errorf("client_secret_post: Authorization %q, form %v", p.auths[1], p.forms[1])
	}
}

func TestNewChecksItsConfig(t *testing.T) {
	v := auth.NewStatic("https://id.example", audience, nil, nil)
	for name, cfg := range map[string]oidclogin.Config{
		"no issuer":         {ClientID: "c", Verifier: v},
		"plain http issuer": {Issuer: "http://id.example", ClientID: "c", Verifier: v},
		"no client id":      {Issuer: "https://id.example", Verifier: v},
		"no verifier":       {Issuer: "https://id.example", ClientID: "c"},
	} {
		if _, err := oidclogin.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
