// Package app wires a deployed function from its environment: the store, the policy engine,
// the OIDC verifier, the clock and the logger. Only main packages import it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/host"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/sqlite"
)

// Config is read from the environment (README "Environment").
type Config struct {
	// DataDir holds the SQLite file (IPS_DATA_DIR, default ./data).
	DataDir string
	// OIDC issuer, audience and optionally the JWKS URL (otherwise discovered from the issuer).
	Issuer, Audience, JWKSURL string
}

// ConfigFromEnv reads Config.
func ConfigFromEnv() Config {
	return Config{
		DataDir:  envOr("IPS_DATA_DIR", "./data"),
		Issuer:   os.Getenv("IPS_OIDC_ISSUER"),
		Audience: os.Getenv("IPS_OIDC_AUDIENCE"),
		JWKSURL:  os.Getenv("IPS_OIDC_JWKS_URL"),
	}
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

// OpenStore opens the store the configuration names.
func OpenStore(ctx context.Context, cfg Config) (domain.Store, error) {
	return sqlite.Open(ctx, cfg.DataDir)
}

// Open builds a deployed function's dependencies. A deployment always verifies OIDC tokens:
// without an issuer and audience it refuses to start rather than run unauthenticated.
func Open(ctx context.Context, function string, cfg Config) (httpapi.Deps, func(), error) {
	log := Logger()
	verifier, err := auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: cfg.Issuer, Audience: cfg.Audience, JWKSURL: cfg.JWKSURL})
	if err != nil {
		return httpapi.Deps{}, nil, fmt.Errorf("authentication (IPS_OIDC_ISSUER, IPS_OIDC_AUDIENCE): %w", err)
	}
	engine, err := policy.Load(ctx)
	if err != nil {
		return httpapi.Deps{}, nil, err
	}
	store, err := OpenStore(ctx, cfg)
	if err != nil {
		return httpapi.Deps{}, nil, err
	}
	return httpapi.Deps{Store: store, Authz: engine, Auth: verifier, Clock: domain.SystemClock{}, Log: log},
		func() { store.Close() }, nil
}

// Serve is a function's whole main: build the handler from the environment and serve it on
// Lambda or on $PORT until told to stop.
func Serve(function string, build func(httpapi.Deps) *httpapi.Function) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	deps, closeDeps, err := Open(ctx, function, ConfigFromEnv())
	if err != nil {
		Logger().Error("cannot start", "function", function, "error", err.Error())
		os.Exit(1)
	}
	defer closeDeps()
	var h http.Handler = build(deps)
	if err := host.Serve(ctx, h, deps.Log.With("function", function)); err != nil {
		deps.Log.Error("stopped", "function", function, "error", err.Error())
		os.Exit(1)
	}
}
