package main

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jsipa/ips/infra/catalog"
	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/host"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/oidclogin"
	"github.com/jsipa/ips/site"
)

// Dev tokens are signed by the runner's own key and verified by the same code that verifies
// OIDC tokens in a deployment.
const (
	devIssuer   = "urn:ips:local-dev"
	devAudience = "ips-local"
)

type config struct {
	Addr    string // IPS_ADDR
	DataDir string // IPS_DATA_DIR
	Now     string // IPS_NOW: pins the clock at this instant

	// The runner's HTTP guards (hardening.go): IPS_SITE_ORIGIN, the origins answered with CORS
	// (comma-separated; none by default, the site being on the runner's own origin),
	// IPS_MAX_CONCURRENT_PER_CLIENT (default 64) and IPS_REQUEST_TIMEOUT (default 30s).
	SiteOrigins, MaxPerClient, RequestTimeout string

	// An OIDC provider to sign in with besides dev mode (IPS_OIDC_ISSUER, IPS_OIDC_AUDIENCE,
	// IPS_OIDC_CLIENT_ID defaulting to the audience, IPS_OIDC_CLIENT_SECRET, IPS_OIDC_SCOPE).
	// Without an issuer only dev tokens are accepted.
	OIDC app.Config
}

func configFromEnv() config {
	c := config{Addr: os.Getenv("IPS_ADDR"), DataDir: os.Getenv("IPS_DATA_DIR"), Now: os.Getenv("IPS_NOW"),
		SiteOrigins: os.Getenv("IPS_SITE_ORIGIN"), MaxPerClient: os.Getenv("IPS_MAX_CONCURRENT_PER_CLIENT"),
		RequestTimeout: os.Getenv("IPS_REQUEST_TIMEOUT")}
	env := app.ConfigFromEnv()
	c.OIDC = app.Config{Issuer: env.Issuer, Audience: env.Audience, JWKSURL: env.JWKSURL,
		ClientID: env.ClientID, ClientSecret: env.ClientSecret, Scope: env.Scope, RateLimit: env.RateLimit}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.DataDir == "" {
		c.DataDir = "./data"
	}
	return c
}

// platform is everything the runner serves, built once.
type platform struct {
	handler   http.Handler
	functions map[string]*httpapi.Function
	clock     *domain.SettableClock
	close     func()
}

func newPlatform(ctx context.Context, cfg config) (*platform, error) {
	guards, err := newGuards(cfg)
	if err != nil {
		return nil, err
	}
	clock := &domain.SettableClock{}
	if cfg.Now != "" {
		t, err := time.Parse(time.RFC3339Nano, cfg.Now)
		if err != nil {
			return nil, fmt.Errorf("IPS_NOW must be an RFC 3339 instant such as 2027-02-01T00:00:05+08:00: %w", err)
		}
		clock.Set(t, true)
	}
	signer, err := auth.LoadOrCreateSigner(filepath.Join(cfg.DataDir, "dev-signing-key.pem"), devIssuer, devAudience)
	if err != nil {
		return nil, err
	}
	var verifier httpapi.Authenticator = auth.NewStatic(devIssuer, devAudience, signer.PublicKeys(), clock.Now)
	var login httpapi.Login
	if cfg.OIDC.Issuer != "" {
		verifier, login, err = withProvider(ctx, cfg.OIDC, verifier, clock)
		if err != nil {
			return nil, err
		}
	}
	deps, closeDeps, err := app.Build(ctx, app.Config{DataDir: cfg.DataDir, RateLimit: cfg.OIDC.RateLimit}, verifier, clock)
	if err != nil {
		return nil, err
	}
	deps.Login = login
	p := &platform{functions: map[string]*httpapi.Function{}, clock: clock, close: closeDeps}
	mux := http.NewServeMux()
	for name, build := range catalog.HTTPFunctions {
		fn := build(deps)
		p.functions[name] = fn
		mountFunction(mux, fn)
	}
	mountFunction(mux, devFunction(deps, signer, clock))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	notFound := func(w http.ResponseWriter, r *http.Request) { httpapi.WriteError(w, r, domain.ErrNotFound) }
	mux.HandleFunc("/v1/", notFound)
	mux.HandleFunc("/dev/", notFound)
	mux.Handle("/", siteHandler(site.Files))
	p.handler = guards.wrap(mux)
	return p, nil
}

// withProvider adds an OIDC provider to dev mode: its tokens are verified as a deployment
// verifies them (on the platform's clock, like dev tokens), dev tokens still are, and the site
// offers to sign in with it.
func withProvider(ctx context.Context, oc app.Config, dev httpapi.Authenticator, clock domain.Clock) (httpapi.Authenticator, httpapi.Login, error) {
	if oc.Issuer == devIssuer {
		return nil, nil, fmt.Errorf("IPS_OIDC_ISSUER %q is the dev tokens' own issuer", oc.Issuer)
	}
	provider, err := auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: oc.Issuer, Audience: oc.Audience, JWKSURL: oc.JWKSURL, Now: clock.Now})
	if err != nil {
		return nil, nil, fmt.Errorf("IPS_OIDC_ISSUER, IPS_OIDC_AUDIENCE: %w", err)
	}
	both := byIssuer{devIssuer: dev, oc.Issuer: provider}
	login, err := oidclogin.New(oidclogin.Config{Issuer: oc.Issuer, ClientID: cmp.Or(oc.ClientID, oc.Audience),
		ClientSecret: oc.ClientSecret, Scope: oc.Scope, Verifier: both})
	if err != nil {
		return nil, nil, err
	}
	return both, login, nil
}

// byIssuer verifies a token with the verifier of the issuer it names. The iss claim is read
// before any check only to choose; the chosen verifier checks it again with everything else.
type byIssuer map[string]httpapi.Authenticator

func (v byIssuer) Verify(ctx context.Context, token string) (domain.Principal, error) {
	iss, err := unverifiedIssuer(token)
	if err != nil {
		return domain.Principal{}, auth.Unauthenticated(err)
	}
	verifier, ok := v[iss]
	if !ok {
		return domain.Principal{}, auth.Unauthenticated(fmt.Errorf("issuer %q is not accepted", iss))
	}
	return verifier.Verify(ctx, token)
}

func unverifiedIssuer(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a compact JWS: %d segments", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("payload is not base64url: %w", err)
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return "", fmt.Errorf("payload has no string iss: %w", err)
	}
	return c.Iss, nil
}

// mountFunction routes every path of fn to it, with and without a method, so that a known
// path with another method reaches fn and gets its 405 problem rather than the mux's text.
func mountFunction(mux *http.ServeMux, fn *httpapi.Function) {
	seen := map[string]bool{}
	for _, rt := range fn.Routes() {
		mux.Handle(rt.Method+" "+rt.Path, fn)
		if !seen[rt.Path] {
			seen[rt.Path] = true
			mux.Handle(rt.Path, fn)
		}
	}
}

// siteHandler serves the static site with the headers a deployment's CDN would add.
func siteHandler(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", site.ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		fileServer.ServeHTTP(w, r)
	})
}

func run(ctx context.Context, cfg config, out io.Writer) error {
	p, err := newPlatform(ctx, cfg)
	if err != nil {
		return err
	}
	defer p.close()
	ln, err := host.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	// The scheduler stops, and its job finishes, before the store closes.
	schedCtx, stopScheduler := context.WithCancel(ctx)
	schedulerDone := make(chan struct{})
	go func() {
		defer close(schedulerDone)
		p.runScheduler(schedCtx, time.Second, app.Logger().With("function", "local-scheduler"))
	}()
	defer func() { stopScheduler(); <-schedulerDone }()
	abs, _ := filepath.Abs(cfg.DataDir)
	fmt.Fprintf(out, "IPS local runner: open http://%s/ (data in %s; dev tokens at POST /dev/token)\n", ln.Addr(), abs)
	return host.ServeListener(ctx, ln, p.handler, app.Logger())
}
