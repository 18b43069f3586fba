package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/oidclogin"
)

// stubLogin records what the handler passes on and answers a fixed session.
type stubLogin struct {
	mu      sync.Mutex
	origins []string
}

func (s *stubLogin) Settings(context.Context) (oidclogin.Settings, error) {
	return oidclogin.Settings{Enabled: true, AuthorizationEndpoint: "https://id.example/auth", ClientID: "ips-site", Scope: "openid"}, nil
}

func (s *stubLogin) Exchange(_ context.Context, in oidclogin.TokenRequest, origin string) (oidclogin.Session, error) {
	s.mu.Lock()
	s.origins = append(s.origins, origin)
	s.mu.Unlock()
	if err := oidclogin.CheckRedirectURI(in.RedirectURI, origin); err != nil {
		return oidclogin.Session{}, err
	}
	return oidclogin.Session{Token: "a.b.c", ExpiresAt: time.Date(2027, 1, 15, 11, 0, 0, 0, domain.Shanghai),
		Principal: domain.Principal{Role: domain.RoleAgency, Subject: "91320281MA20JY015Q"}}, nil
}

const goodVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

func TestSignInRoutesWithoutAProvider(t *testing.T) {
	h := newHarness(t, httpapi.Filing)
	r := h.expect(h.do(http.MethodGet, "/v1/auth/config", "", nil), http.StatusOK)
	if strings.TrimSpace(string(r.body)) != `{"enabled":false}` {
		t.Errorf("config %s, want disabled", r.body)
	}
	r = h.expect(h.do(http.MethodPost, "/v1/auth/token", "", map[string]any{"code": "c", "code_verifier": goodVerifier,
		"redirect_uri": h.url + "/signin.html"}, "Accept-Language", "en"), http.StatusNotFound)
	if !strings.Contains(string(r.body), "not configured") {
		t.Errorf("%s", r.body)
	}
}

func TestSignInRoutesWithAProvider(t *testing.T) {
	stub := &stubLogin{}
	h := newHarness(t, func(d httpapi.Deps) *httpapi.Function { d.Login = stub; return httpapi.Filing(d) })
	r := h.expect(h.do(http.MethodGet, "/v1/auth/config", "", nil), http.StatusOK)
	if m := r.json(t); m["enabled"] != true || m["authorization_endpoint"] != "https://id.example/auth" || m["client_id"] != "ips-site" || m["scope"] != "openid" {
		t.Errorf("config %v", m)
	}
	body := map[string]any{"code": "c", "code_verifier": goodVerifier, "redirect_uri": h.url + "/signin.html"}

	t.Run("the site's own sign-in page, judged by Host", func(t *testing.T) {
		r := h.expect(h.do(http.MethodPost, "/v1/auth/token", "", body), http.StatusOK)
		m := r.json(t)
		if m["token"] != "a.b.c" || m["expires_at"] != "2027-01-15T11:00:00+08:00" || m["principal"].(map[string]any)["role"] != "agency" {
			t.Errorf("answer %v", m)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q: a token must not be cached", cc)
		}
	})
	t.Run("judged by the Origin header behind a CDN", func(t *testing.T) {
		b := map[string]any{"code": "c", "code_verifier": goodVerifier, "redirect_uri": "https://ips.example.gov.cn/signin.html"}
		h.expect(h.do(http.MethodPost, "/v1/auth/token", "", b, "Origin", "https://ips.example.gov.cn"), http.StatusOK)
		r := h.expect(h.do(http.MethodPost, "/v1/auth/token", "", b, "Origin", "https://evil.example", "Accept-Language", "en"), http.StatusUnprocessableEntity)
		if f := r.fields(t); len(f) != 1 || f[0] != "/redirect_uri" || !strings.Contains(string(r.body), "sign-in page") {
			t.Errorf("%s", r.body)
		}
	})
	t.Run("another page is refused in Chinese by default", func(t *testing.T) {
		b := map[string]any{"code": "c", "code_verifier": goodVerifier, "redirect_uri": h.url + "/index.html"}
		r := h.expect(h.do(http.MethodPost, "/v1/auth/token", "", b), http.StatusUnprocessableEntity)
		if r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.body), "登录页") {
			t.Errorf("%s %s", r.header.Get("Content-Type"), r.body)
		}
	})
	t.Run("every bad field at once", func(t *testing.T) {
		r := h.expect(h.do(http.MethodPost, "/v1/auth/token", "", map[string]any{"code_verifier": "short", "extra": 1}), http.StatusUnprocessableEntity)
		got := strings.Join(r.fields(t), " ")
		for _, f := range []string{"/code", "/code_verifier", "/redirect_uri", "/extra"} {
			if !strings.Contains(got, f) {
				t.Errorf("fields %s lack %s", got, f)
			}
		}
	})
	t.Run("an Idempotency-Key never stores the token for replay", func(t *testing.T) {
		for range 2 {
			r := h.expect(h.do(http.MethodPost, "/v1/auth/token", "", body, "Idempotency-Key", "k-1"), http.StatusOK)
			if r.header.Get("Idempotent-Replayed") != "" {
				t.Error("a token answer was replayed from the store")
			}
		}
	})
}
