package main

// Browser test of the sign-in through an OIDC provider (authorization code flow with PKCE, the
// code exchanged by the platform): the platform in-process with an issuer that is a fake
// provider served by the test, and a person clicking through it.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/testkit"
)

const (
	oidcAudience = "ips-provider-test"
	oidcClientID = "ips-site"
)

// fakeProvider implements what the flow needs of a provider: discovery, an authorization
// endpoint that signs everyone in at once as subject (an agency), a token endpoint that checks
// PKCE, and the key set.
type fakeProvider struct {
	t       *testing.T
	url     string
	signer  *auth.Signer
	subject string

	mu       sync.Mutex
	codes    map[string]grant // issued, not yet exchanged
	tamper   bool             // answer with another state
	deny     bool             // answer error=access_denied
	issued   int              // tokens issued
	problems []string         // what the provider refused
}

type grant struct{ challenge, redirectURI string }

func newFakeProvider(t *testing.T, subject string) *fakeProvider {
	t.Helper()
	p := &fakeProvider{t: t, subject: subject, codes: map[string]grant{}}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.url = srv.URL
	p.signer = testkit.Signer(t, p.url, oidcAudience, "")
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.url, "authorization_endpoint": p.url + "/authorize", "token_endpoint": p.url + "/token",
			"jwks_uri": p.url + "/jwks", "code_challenge_methods_supported": []string{"S256"},
			"response_types_supported": []string{"code"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) { w.Write(p.signer.JWKS()) })
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	return p
}

func (p *fakeProvider) refuse(w http.ResponseWriter, status int, oauthError, why string) {
	p.mu.Lock()
	p.problems = append(p.problems, why)
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": oauthError, "error_description": why})
}

func (p *fakeProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	for k, want := range map[string]string{"response_type": "code", "client_id": oidcClientID, "code_challenge_method": "S256"} {
		if q.Get(k) != want {
			p.refuse(w, http.StatusBadRequest, "invalid_request", k+" is "+q.Get(k))
			return
		}
	}
	if len(q.Get("code_challenge")) != 43 || q.Get("state") == "" || q.Get("nonce") == "" || !strings.Contains(q.Get("scope"), "openid") ||
		!strings.HasSuffix(redirect, "/signin.html") {
		p.refuse(w, http.StatusBadRequest, "invalid_request", "no code_challenge, state, nonce, openid scope or sign-in page: "+r.URL.RawQuery)
		return
	}
	back, _ := url.Parse(redirect)
	v := url.Values{"state": {q.Get("state")}}
	p.mu.Lock()
	switch {
	case p.deny:
		v.Set("error", "access_denied")
	default:
		b := make([]byte, 16)
		rand.Read(b)
		code := base64.RawURLEncoding.EncodeToString(b)
		p.codes[code] = grant{challenge: q.Get("code_challenge"), redirectURI: redirect}
		v.Set("code", code)
		if p.tamper {
			v.Set("state", q.Get("state")+"x")
		}
	}
	p.mu.Unlock()
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *fakeProvider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("client_id") != oidcClientID {
		p.refuse(w, http.StatusBadRequest, "invalid_request", "not an authorization code grant of the client: "+r.PostForm.Encode())
		return
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, ok := p.codes[code]
	delete(p.codes, code) // a code is good once
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !ok:
		p.refuse(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		p.refuse(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the S256 code_challenge")
		return
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		p.refuse(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
		return
	}
	tok, err := p.signer.Sign(domain.Principal{Role: domain.RoleAgency, Subject: p.subject}, time.Now(), 10*time.Minute)
	if err != nil {
		p.t.Error(err)
	}
	p.mu.Lock()
	p.issued++
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 600})
}

func (p *fakeProvider) set(tamper, deny bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper, p.deny = tamper, deny
}

func (p *fakeProvider) report() (issued int, problems []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.issued, append([]string(nil), p.problems...)
}

func TestBrowserSignsInThroughTheOIDCProvider(t *testing.T) {
	code := agencyCode(t, 71)
	idp := newFakeProvider(t, code)
	b := newBrowser(t, func(c *config) {
		c.OIDC.Issuer, c.OIDC.Audience, c.OIDC.ClientID = idp.url, oidcAudience, oidcClientID
	})
	session := func() map[string]any {
		return eval[map[string]any](b, `JSON.parse(sessionStorage.getItem('ips.session') || 'null')`)
	}

	t.Run("the provider signs the agency in and the code leaves the address bar", func(t *testing.T) {
		b.open("/signin.html?next=" + url.QueryEscape("/mine.html"))
		b.waitVisible("#oidc-signin")
		if got := b.text("#oidc-signin"); !strings.Contains(got, strings.TrimPrefix(idp.url, "http://")) {
			t.Errorf("the button says %q, want the provider's host", got)
		}
		b.waitVisible("#signin-form") // dev mode is still on beside the provider
		b.checkLabels(t)
		b.screenshot("signin-oidc")
		b.click("#oidc-signin")
		b.waitFor("the page after sign-in", `location.pathname === '/mine.html' && !!document.querySelector('#identity-who')`)
		if loc := b.location(); strings.Contains(loc, "code=") || strings.Contains(loc, "state=") {
			t.Errorf("the address %s still holds the code or state", loc)
		}
		if got := b.text("#identity-who"); !strings.Contains(got, code) {
			t.Errorf("signed in as %q, want the agency %s", got, code)
		}
		s := session()
		if s["role"] != "agency" || s["subject"] != code || s["token"] == "" || s["expires_at"] == "" {
			t.Fatalf("session %v", s)
		}
		if eval[bool](b, `sessionStorage.getItem('ips.oidc') !== null`) {
			t.Error("the PKCE verifier and state outlived the sign-in")
		}
		if issued, problems := idp.report(); issued != 1 || len(problems) > 0 {
			t.Errorf("the provider issued %d tokens and refused %v", issued, problems)
		}
		// The token the browser holds is the provider's, and the API accepts it.
		tok, _ := s["token"].(string)
		if status, body := b.api(http.MethodPost, "/v1/agencies", tok, filing(code, "江阴市统一认证专利代理有限公司")); status != http.StatusCreated {
			t.Errorf("filing with the provider's token: %d %v", status, body)
		}
		// Dev tokens still verify beside the provider's.
		if status, _ := b.api(http.MethodGet, "/v1/agencies/"+code, b.token("agency", code, ""), nil); status != http.StatusOK {
			t.Errorf("a dev token: %d", status)
		}
		b.screenshot("signin-oidc-done")
	})

	signOutAndStart := func() {
		eval[bool](b, `(sessionStorage.clear(), true)`)
		b.open("/signin.html")
		b.waitVisible("#oidc-signin")
		b.click("#oidc-signin")
	}

	t.Run("a tampered state shows the error summary and signs nobody in", func(t *testing.T) {
		idp.set(true, false)
		signOutAndStart()
		b.waitVisible("#oidc-form .error-summary")
		if got := b.text("#oidc-form .error-summary"); !strings.Contains(got, "不一致") {
			t.Errorf("the summary says %q, want the state mismatch", got)
		}
		if !eval[bool](b, `document.activeElement === document.querySelector('#oidc-form .error-summary')`) {
			t.Error("the error summary did not take focus")
		}
		if loc := b.location(); strings.Contains(loc, "code=") {
			t.Errorf("the address %s still holds the code", loc)
		}
		if s := session(); s != nil {
			t.Errorf("signed in after a tampered state: %v", s)
		}
		if issued, _ := idp.report(); issued != 1 {
			t.Errorf("the provider issued %d tokens in all, want no new one", issued)
		}
		b.screenshot("signin-oidc-state")
	})

	t.Run("a refusal at the provider is shown in English", func(t *testing.T) {
		idp.set(false, true)
		eval[bool](b, `(localStorage.setItem('ips.lang', 'en'), true)`)
		signOutAndStart()
		b.waitVisible("#oidc-form .error-summary")
		if got := b.text("#oidc-form .error-summary"); !strings.Contains(got, "cancelled the sign-in") {
			t.Errorf("the summary says %q", got)
		}
		if got := b.text("#oidc-signin"); !strings.HasPrefix(got, "Sign in with ") {
			t.Errorf("the button says %q", got)
		}
		eval[bool](b, `(localStorage.removeItem('ips.lang'), true)`)
	})
	b.noConsoleErrors(t)
}
