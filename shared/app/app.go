// Package app wires a deployed function from its environment: the store, the policy engine,
// the OIDC verifier, the clock and the logger. Only main packages import it.
package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/jsipa/ips/shared/ratelimit"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/docfs"
	"github.com/jsipa/ips/shared/docs3"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo"
	"github.com/jsipa/ips/shared/host"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/oidclogin"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/sqlite"
)

// Config is read from the environment (README "Environment").
type Config struct {
	// Table is the DynamoDB table holding every record (IPS_DYNAMODB_TABLE); when it is empty
	// the records live in SQLite under DataDir.
	Table string
	// DataDir holds the SQLite file (IPS_DATA_DIR, default ./data).
	DataDir string
	// DocumentsBucket is the S3 bucket holding uploaded documents (IPS_DOCUMENTS_BUCKET); when
	// it is empty they live in the folder DataDir/documents.
	DocumentsBucket string
	// OIDC issuer, audience and optionally the JWKS URL (otherwise discovered from the issuer).
	Issuer, Audience, JWKSURL string
	// The site's sign-in at the provider (shared/oidclogin): the client id (IPS_OIDC_CLIENT_ID,
	// default the audience), its secret for a confidential client (IPS_OIDC_CLIENT_SECRET) and
	// the scope asked for (IPS_OIDC_SCOPE, default openid).
	ClientID, ClientSecret, Scope string
	// RateLimit paces each integrator credential (IPS_RATE_LIMIT_PER_MINUTE, default 600, and
	// IPS_RATE_LIMIT_BURST, default 60); 0 turns it off.
	RateLimit ratelimit.Limit
}

// ConfigFromEnv reads Config.
func ConfigFromEnv() Config {
	return Config{
		Table:    os.Getenv("IPS_DYNAMODB_TABLE"),
		DataDir:  envOr("IPS_DATA_DIR", "./data"),
		Issuer:   os.Getenv("IPS_OIDC_ISSUER"),
		Audience: os.Getenv("IPS_OIDC_AUDIENCE"),
		JWKSURL:  os.Getenv("IPS_OIDC_JWKS_URL"),

		ClientID:     envOr("IPS_OIDC_CLIENT_ID", os.Getenv("IPS_OIDC_AUDIENCE")),
		ClientSecret: os.Getenv("IPS_OIDC_CLIENT_SECRET"),
		Scope:        os.Getenv("IPS_OIDC_SCOPE"),

		DocumentsBucket: os.Getenv("IPS_DOCUMENTS_BUCKET"),
		RateLimit: ratelimit.Limit{PerMinute: envInt("IPS_RATE_LIMIT_PER_MINUTE", DefaultRateLimit.PerMinute),
			Burst: envInt("IPS_RATE_LIMIT_BURST", DefaultRateLimit.Burst)},
	}
}

// DefaultRateLimit lets an integrator sustain 10 requests a second, with a burst of 60 (a
// batch of 500 eligibility queries is one request).
var DefaultRateLimit = ratelimit.Limit{PerMinute: 600, Burst: 60}

// envInt reads a whole number, or def when the variable is unset or not a number.
func envInt(name string, def int) int {
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil {
		return def
	}
	return n
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Logger is the JSON logger every process uses; request lines carry the function's name.
func Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, nil))
}

// Build opens the store and the policy engine and returns what every function is built from,
// with the caller's authenticator and clock: OIDC and the system clock in a deployment, the dev
// signer's keys and a settable clock in the local runner. One place, so the two cannot drift.
func Build(ctx context.Context, cfg Config, authn httpapi.Authenticator, clock domain.Clock) (httpapi.Deps, func(), error) {
	engine, err := policy.Load(ctx)
	if err != nil {
		return httpapi.Deps{}, nil, err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return httpapi.Deps{}, nil, err
	}
	documents, err := OpenDocuments(ctx, cfg)
	if err != nil {
		store.Close()
		return httpapi.Deps{}, nil, err
	}
	log := Logger()
	var limiter httpapi.Limiter
	if cfg.RateLimit.Enabled() {
		limiter = ratelimit.New(store, cfg.RateLimit)
	}
	return httpapi.Deps{Store: store, Authz: engine, Policy: engine, Auth: authn, Clock: clock, Log: log, Documents: documents, Limiter: limiter},
		func() { store.Close() }, nil
}

// OpenDocuments picks S3 when the environment names a documents bucket, the folder
// DataDir/documents otherwise.
func OpenDocuments(ctx context.Context, cfg Config) (domain.Documents, error) {
	if cfg.DocumentsBucket != "" {
		return docs3.Open(ctx, cfg.DocumentsBucket)
	}
	return docfs.Open(filepath.Join(cfg.DataDir, "documents"))
}

// openStore picks DynamoDB when the environment names a table, the SQLite file otherwise.
func openStore(ctx context.Context, cfg Config) (domain.Store, error) {
	if cfg.Table != "" {
		return dynamo.Open(ctx, cfg.Table)
	}
	return sqlite.Open(ctx, cfg.DataDir)
}

// Open builds a deployed function's dependencies. A deployment always verifies OIDC tokens:
// without an issuer and audience it refuses to start rather than run unauthenticated.
func Open(ctx context.Context, cfg Config) (httpapi.Deps, func(), error) {
	verifier, err := auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: cfg.Issuer, Audience: cfg.Audience, JWKSURL: cfg.JWKSURL})
	if err != nil {
		return httpapi.Deps{}, nil, fmt.Errorf("authentication (IPS_OIDC_ISSUER, IPS_OIDC_AUDIENCE): %w", err)
	}
	clientID := cmp.Or(cfg.ClientID, cfg.Audience)
	login, err := oidclogin.New(oidclogin.Config{Issuer: cfg.Issuer, ClientID: clientID, ClientSecret: cfg.ClientSecret,
		Scope: cfg.Scope, Verifier: verifier})
	if err != nil {
		return httpapi.Deps{}, nil, fmt.Errorf("sign-in (IPS_OIDC_CLIENT_ID): %w", err)
	}
	deps, closeDeps, err := Build(ctx, cfg, verifier, domain.SystemClock{})
	if err != nil {
		return httpapi.Deps{}, nil, err
	}
	deps.Login = login
	return deps, closeDeps, nil
}

// Serve is a function's whole main: build the handler from the environment and serve it on
// Lambda or on $PORT until told to stop.
func Serve(function string, build func(httpapi.Deps) *httpapi.Function) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	deps, closeDeps, err := Open(ctx, ConfigFromEnv())
	if err != nil {
		Logger().Error("cannot start", "function", function, "error", err.Error())
		os.Exit(1)
	}
	defer closeDeps()
	if err := host.Serve(ctx, build(deps), deps.Log.With("function", function)); err != nil {
		deps.Log.Error("stopped", "function", function, "error", err.Error())
		os.Exit(1)
	}
}
