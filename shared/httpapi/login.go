package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/oidclogin"
)

// Login is sign-in through the deployment's OIDC provider (oidclogin.Client): the site's
// settings for the authorization request, and the code exchange made for the browser.
type Login interface {
	Settings(ctx context.Context) (oidclogin.Settings, error)
	Exchange(ctx context.Context, in oidclogin.TokenRequest, origin string) (oidclogin.Session, error)
}

// loginRoutes are public: nobody is signed in yet. Without a Login (a local runner with no
// provider) the settings say so and the exchange is not found.
func loginRoutes(d Deps) []Route {
	h := loginHandlers{login: d.Login}
	return []Route{
		{http.MethodGet, "/v1/auth/config", Public, h.settings},
		{http.MethodPost, "/v1/auth/token", Public, h.token},
	}
}

type loginHandlers struct{ login Login }

func (h loginHandlers) settings(ctx context.Context, _ *Request) (Response, error) {
	if h.login == nil {
		return Response{Body: oidclogin.Settings{Enabled: false}}, nil
	}
	s, err := h.login.Settings(ctx)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: s}, nil
}

func (h loginHandlers) token(ctx context.Context, r *Request) (Response, error) {
	if h.login == nil {
		return Response{}, domain.NewError(domain.CodeNotFound, "本平台未配置统一身份认证登录", "Sign-in through an identity provider is not configured here.")
	}
	var in oidclogin.TokenRequest
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	s, err := h.login.Exchange(ctx, in, requestOrigin(r.Request))
	if err != nil {
		return Response{}, err
	}
	return Response{Body: s}, nil
}

// requestOrigin is the origin of the page that sent r: its Origin header, which browsers send
// with every POST (and CloudFront forwards, while it replaces Host with the API's), or else
// the scheme and host r was sent to.
func requestOrigin(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.Path == "" {
			return u.Scheme + "://" + u.Host
		}
		return ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]); p == "https" || p == "http" {
		scheme = p
	}
	if r.Host == "" {
		return ""
	}
	return scheme + "://" + r.Host
}
