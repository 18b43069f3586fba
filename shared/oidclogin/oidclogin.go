// Package oidclogin signs people in to the site through the deployment's OpenID Connect
// provider: the authorization code flow with PKCE (RFC 7636), whose token exchange the platform
// makes on the browser's behalf, so the site's Content-Security-Policy keeps connect-src 'self'.
//
// The browser asks Settings where to send the person (the provider's authorization endpoint,
// the client id and scope), comes back to the site's /signin.html with a code, and hands the
// code and its PKCE verifier to Exchange. Exchange posts them to the provider's token endpoint
// and verifies what comes back with the verifier the API itself uses, so a token the API would
// refuse is never handed to the browser.
package oidclogin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Verifier is the API's token verifier (auth.Verifier, or the local runner's composition).
type Verifier interface {
	Verify(ctx context.Context, token string) (domain.Principal, error)
}

// Config configures a Client.
type Config struct {
	// Issuer is the provider's issuer; its discovery document names the endpoints.
	Issuer string
	// ClientID is the client the site signs in as (IPS_OIDC_CLIENT_ID, by default the audience).
	ClientID string
	// ClientSecret authenticates a confidential client at the token endpoint; empty for a
	// public client, which PKCE alone protects.
	ClientSecret string
	// Scope is asked for at the authorization endpoint; empty is "openid". It always holds openid.
	Scope string
	// Verifier checks the token before it is handed out.
	Verifier Verifier
	// HTTPClient talks to the provider; nil is a client with a short timeout.
	HTTPClient *http.Client
}

// Settings is what the site needs to send a person to the provider (GET /v1/auth/config).
type Settings struct {
	Enabled               bool   `json:"enabled"`
	AuthorizationEndpoint string `json:"authorization_endpoint,omitempty"`
	ClientID              string `json:"client_id,omitempty"`
	Scope                 string `json:"scope,omitempty"`
}

// TokenRequest is the browser's half of the exchange (POST /v1/auth/token).
type TokenRequest struct {
	Code         string `json:"code" validate:"required,max=4096,no_control"`
	CodeVerifier string `json:"code_verifier" validate:"required"`
	RedirectURI  string `json:"redirect_uri" validate:"required,max=2048,no_control"`
	// Nonce, when sent, must be the nonce claim of an ID token handed out (OIDC Core §3.1.3.7).
	Nonce string `json:"nonce" validate:"omitempty,max=256,no_control"`
}

// CheckFields holds RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
func (r *TokenRequest) CheckFields() []domain.FieldError {
	if r.CodeVerifier != "" && !validVerifier(r.CodeVerifier) {
		return []domain.FieldError{{Field: "/code_verifier", Code: "pkce_verifier", Message: domain.Text{
			ZH: "须为 43 到 128 个字母、数字或 -._~ 字符（RFC 7636）", EN: "must be 43 to 128 letters, digits or -._~ (RFC 7636)"}}}
	}
	return nil
}

func validVerifier(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			return false
		}
	}
	return true
}

// Session is the exchange's answer: the token the API accepts, when it expires and whom it
// speaks for.
type Session struct {
	Token     string           `json:"token"`
	ExpiresAt time.Time        `json:"expires_at"`
	Principal domain.Principal `json:"principal"`
}

// SignInPath is the only page a provider may send a person back to.
const SignInPath = "/signin.html"

const (
	// metadataTTL: the discovery document is read again after this long.
	metadataTTL = time.Hour
	// retryAfterFailure: a failed discovery is not retried sooner, so a provider outage does
	// not turn every page view into a request to it.
	retryAfterFailure = 5 * time.Second
	fetchTimeout      = 10 * time.Second
	maxDocBytes       = 1 << 20
)

// Client is the platform's side of the sign-in. It is safe for concurrent use.
type Client struct {
	cfg    Config
	client *http.Client
	clock  func() time.Time // real time, for the discovery cache

	mu          sync.Mutex
	meta        *metadata
	fetched     time.Time
	lastAttempt time.Time
	lastErr     error
}

type metadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	TokenAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
}

// New checks cfg; nothing is fetched until the first Settings or Exchange.
func New(cfg Config) (*Client, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("oidclogin: issuer is required")
	}
	if _, err := checkURL(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("oidclogin: issuer: %w", err)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("oidclogin: client id is required")
	}
	if cfg.Verifier == nil {
		return nil, errors.New("oidclogin: a token verifier is required")
	}
	scopes := strings.Fields(cfg.Scope)
	if !slices.Contains(scopes, "openid") {
		scopes = append([]string{"openid"}, scopes...)
	}
	cfg.Scope = strings.Join(scopes, " ")
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: fetchTimeout}
	}
	return &Client{cfg: cfg, client: client, clock: time.Now}, nil
}

var errUnavailable = domain.Text{
	ZH: "统一身份认证服务暂时无法使用，请稍后重试",
	EN: "The identity provider cannot be reached just now; try again later.",
}

func upstream(err error) error {
	return &domain.Error{Code: domain.CodeUpstream, Message: errUnavailable, Err: err}
}

// Settings answers where the site sends a person to sign in.
func (c *Client) Settings(ctx context.Context) (Settings, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return Settings{}, upstream(err)
	}
	return Settings{Enabled: true, AuthorizationEndpoint: m.AuthorizationEndpoint, ClientID: c.cfg.ClientID, Scope: c.cfg.Scope}, nil
}

// metadata is the provider's discovery document, cached (OpenID Connect Discovery 1.0 §4).
func (c *Client) metadata(ctx context.Context) (*metadata, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock()
	if c.meta != nil && now.Sub(c.fetched) < metadataTTL {
		return c.meta, nil
	}
	if c.lastErr != nil && now.Sub(c.lastAttempt) < retryAfterFailure {
		if c.meta != nil {
			return c.meta, nil
		}
		return nil, c.lastErr
	}
	c.lastAttempt = now
	m, err := c.discover(ctx)
	c.lastErr = err
	if err != nil {
		// A document read earlier still serves while the provider is unreachable.
		if c.meta != nil {
			return c.meta, nil
		}
		return nil, err
	}
	c.meta, c.fetched = m, now
	return m, nil
}

func (c *Client) discover(ctx context.Context) (*metadata, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	u := strings.TrimSuffix(c.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("discovery: GET %s: %s", u, resp.Status)
	}
	body, err := readLimited(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	var m metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("discovery document from %s: %w", u, err)
	}
	if m.Issuer != c.cfg.Issuer {
		return nil, fmt.Errorf("discovery document names issuer %q, not %q", m.Issuer, c.cfg.Issuer)
	}
	for name, v := range map[string]string{"authorization_endpoint": m.AuthorizationEndpoint, "token_endpoint": m.TokenEndpoint} {
		if v == "" {
			return nil, fmt.Errorf("discovery document from %s has no %s", u, name)
		}
		if _, err := checkURL(v); err != nil {
			return nil, fmt.Errorf("discovery %s: %w", name, err)
		}
	}
	if len(m.CodeChallengeMethods) > 0 && !slices.Contains(m.CodeChallengeMethods, "S256") {
		return nil, fmt.Errorf("the provider does not support PKCE with S256 (code_challenge_methods_supported %v)", m.CodeChallengeMethods)
	}
	return &m, nil
}

func readLimited(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxDocBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxDocBytes {
		return nil, fmt.Errorf("document exceeds %d bytes", maxDocBytes)
	}
	return body, nil
}

// checkURL allows https, and http only to a loopback host, where tests and a local provider run.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("%q is not a URL without credentials", raw)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return u, nil
		}
		return nil, fmt.Errorf("%q is plain http to a non-loopback host", raw)
	default:
		return nil, fmt.Errorf("%q is not an https URL", raw)
	}
}

func badRedirect(reason error) error {
	e := domain.Invalid(domain.FieldError{Field: "/redirect_uri", Code: "redirect_uri", Message: domain.Text{
		ZH: "须为本站的登录页地址（…/signin.html）", EN: "must be this site's sign-in page (…/signin.html)"}})
	e.Err = reason
	return e
}

// CheckRedirectURI accepts only the site's own sign-in page: origin (scheme, host and port) is
// the origin of the page that asked, the path ends in /signin.html, and there is no query or
// fragment (the provider matches redirect URIs exactly).
func CheckRedirectURI(raw, origin string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return badRedirect(err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return badRedirect(fmt.Errorf("%q is not an absolute http(s) URL", raw))
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return badRedirect(fmt.Errorf("%q has a query or fragment", raw))
	}
	if !strings.HasSuffix(u.EscapedPath(), SignInPath) || strings.Contains(u.Path, "/../") || strings.Contains(u.Path, "/./") {
		return badRedirect(fmt.Errorf("%q is not a sign-in page", raw))
	}
	if origin == "" || !strings.EqualFold(u.Scheme+"://"+u.Host, origin) {
		return badRedirect(fmt.Errorf("%q is not on the origin %q", raw, origin))
	}
	return nil
}

// tokenAnswer is the provider's answer (RFC 6749 §5.1, §5.2; OIDC Core §3.1.3.3).
type tokenAnswer struct {
	AccessToken      string `json:"access_token"`
	IDToken          string `json:"id_token"`
	TokenType        string `json:"token_type"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// Exchange trades the code for a token the API accepts. origin is the origin of the page that
// asked (the request's Origin header, or its host); redirect_uri must be that origin's sign-in
// page. Errors are *domain.Error: 422 for a bad request or a code the provider refuses, 403 for
// a token the API would not accept, 502 when the provider fails.
func (c *Client) Exchange(ctx context.Context, in TokenRequest, origin string) (Session, error) {
	if bad := in.CheckFields(); len(bad) > 0 {
		return Session{}, domain.Invalid(bad...)
	}
	if in.Code == "" {
		return Session{}, domain.Invalid(domain.FieldError{Field: "/code", Code: "required", Message: domain.Text{ZH: "必填", EN: "is required"}})
	}
	if err := CheckRedirectURI(in.RedirectURI, origin); err != nil {
		return Session{}, err
	}
	m, err := c.metadata(ctx)
	if err != nil {
		return Session{}, upstream(err)
	}
	ans, err := c.postToken(ctx, m, in)
	if err != nil {
		return Session{}, err
	}
	var reasons []string
	for _, cand := range []struct{ name, token string }{{"access_token", ans.AccessToken}, {"id_token", ans.IDToken}} {
		if cand.token == "" {
			reasons = append(reasons, cand.name+": absent")
			continue
		}
		p, err := c.cfg.Verifier.Verify(ctx, cand.token)
		if err != nil {
			reasons = append(reasons, cand.name+": "+reason(err))
			continue
		}
		claims, err := payload(cand.token)
		if err != nil {
			reasons = append(reasons, cand.name+": "+err.Error())
			continue
		}
		if cand.name == "id_token" && in.Nonce != "" && claims.Nonce != in.Nonce {
			return Session{}, refused(errors.New("id_token nonce does not match the one the sign-in began with"))
		}
		return Session{Token: cand.token, ExpiresAt: time.Unix(claims.Exp, 0).In(domain.Shanghai), Principal: p}, nil
	}
	return Session{}, refused(fmt.Errorf("no token of the provider is accepted: %s", strings.Join(reasons, "; ")))
}

func refused(reason error) error {
	return &domain.Error{Code: domain.CodeForbidden, Message: domain.Text{
		ZH: "统一身份认证返回的账号不能使用本平台（未授予本平台的身份或角色），请联系管理部门",
		EN: "The account the identity provider signed you in with is not allowed on this platform (no role here); contact the administration.",
	}, Err: reason}
}

// reason is the internal cause of a verification failure, for the log.
func reason(err error) string {
	var e *domain.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Err.Error()
	}
	return err.Error()
}

type claims struct {
	Exp   int64  `json:"exp"`
	Nonce string `json:"nonce"`
}

// payload reads claims of a token the verifier has just accepted.
func payload(token string) (claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims{}, errors.New("not a compact JWS")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return claims{}, fmt.Errorf("payload: %w", err)
	}
	var c claims
	if err := json.Unmarshal(b, &c); err != nil {
		return claims{}, fmt.Errorf("payload: %w", err)
	}
	if c.Exp == 0 {
		return claims{}, errors.New("payload has no exp")
	}
	return c, nil
}

func (c *Client) postToken(ctx context.Context, m *metadata, in TokenRequest) (*tokenAnswer, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {in.Code},
		"redirect_uri":  {in.RedirectURI},
		"code_verifier": {in.CodeVerifier},
		"client_id":     {c.cfg.ClientID},
	}
	// RFC 6749 §2.3.1: Basic is the default every provider supports; the secret goes in the
	// body only when the provider says it takes nothing else.
	basic := c.cfg.ClientSecret != "" && (len(m.TokenAuthMethods) == 0 || slices.Contains(m.TokenAuthMethods, "client_secret_basic"))
	if c.cfg.ClientSecret != "" && !basic {
		form.Set("client_secret", c.cfg.ClientSecret)
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, upstream(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if basic {
		req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, upstream(fmt.Errorf("token endpoint: %w", err))
	}
	defer resp.Body.Close()
	body, err := readLimited(resp.Body)
	if err != nil {
		return nil, upstream(fmt.Errorf("token endpoint: %w", err))
	}
	var ans tokenAnswer
	jsonErr := json.Unmarshal(body, &ans)
	if resp.StatusCode == http.StatusOK && jsonErr == nil && ans.Error == "" {
		return &ans, nil
	}
	if jsonErr != nil || ans.Error == "" {
		return nil, upstream(fmt.Errorf("token endpoint answered %s without an OAuth error", resp.Status))
	}
	return nil, providerError(ans.Error, ans.ErrorDescription)
}

// oauthCode is the shape of an error code worth repeating to a person.
var oauthCode = regexp.MustCompile(`^[a-z_]{1,64}$`)

// providerError maps an OAuth error (RFC 6749 §5.2). invalid_grant is the person's: the code
// expired, was used already, or the verifier does not match; they sign in again. Every other
// error means the platform and the provider disagree about the client: the operator's to fix.
func providerError(code, description string) error {
	cause := fmt.Errorf("token endpoint: %q: %q", code, description)
	if code == "invalid_grant" {
		e := domain.Invalid(domain.FieldError{Field: "/code", Code: "invalid_grant", Message: domain.Text{
			ZH: "登录授权已失效或已使用，请重新登录", EN: "The sign-in has expired or was already used; sign in again."}})
		e.Err = cause
		return e
	}
	if !oauthCode.MatchString(code) {
		code = "error"
	}
	return &domain.Error{Code: domain.CodeUpstream, Message: domain.Text{
		ZH: "统一身份认证服务拒绝了本平台的请求（" + code + "），请联系管理部门",
		EN: "The identity provider refused the platform's request (" + code + "); contact the administration.",
	}, Err: cause}
}
