// Package host runs one http.Handler wherever a function is deployed: on AWS
// Lambda behind an API Gateway HTTP API (payload format 2.0), or as a plain
// HTTP server on any container FaaS that routes to $PORT (Knative, Cloud Run,
// OpenFaaS, Function Compute custom runtime). The handler never learns which;
// only a function's main.go calls Serve.
package host

import (
	"cmp"
	"context"
	"fmt"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10

	// Knative and Cloud Run give a container 30 s between SIGTERM and SIGKILL
	// by default; 20 s of drain leaves room for the caller's own cleanup.
	shutdownTimeout = 20 * time.Second
)

var shutdownSignals = []os.Signal{syscall.SIGTERM, os.Interrupt}

// Serve runs h until ctx is cancelled or the process receives SIGTERM or
// SIGINT. On Lambda (AWS_LAMBDA_RUNTIME_API set) it answers API Gateway HTTP
// API v2 events; anywhere else it listens on ":$PORT" (default 8080).
//
// On Lambda, stopping returns without waiting for aws-lambda-go's polling loop,
// which cannot be stopped: it polls the Runtime API with its own background
// context and ends the process with log.Fatalf if the loop ever fails. That is
// harmless there, because Lambda only sends SIGTERM between invocations, and
// returning lets main run its deferred cleanup before the process exits.
func Serve(ctx context.Context, h http.Handler, log *slog.Logger) error {
	log = orDefault(log)
	if api := os.Getenv("AWS_LAMBDA_RUNTIME_API"); api != "" {
		return serveLambda(ctx, api, h, log)
	}
	return ListenAndServe(ctx, ":"+cmp.Or(os.Getenv("PORT"), "8080"), h, log)
}

func serveLambda(ctx context.Context, api string, h http.Handler, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, shutdownSignals...)
	defer stop()
	if ctx.Err() != nil {
		return nil
	}
	log.Info("serving lambda invocations", "runtime_api", api)
	// aws-lambda-go reports a failed invocation through the standard logger; send those lines
	// into the JSON log at error level, so Lambda's JSON log format keeps them as records.
	stdlog.SetFlags(0)
	stdlog.SetOutput(slog.NewLogLogger(log.Handler(), slog.LevelError).Writer())
	// WithoutCancel: an invocation ends at its own Lambda deadline, not when
	// the host begins to stop, the same as a request on the HTTP server.
	go lambda.StartWithOptions(eventHandler(h, log), lambda.WithContext(context.WithoutCancel(ctx)))
	<-ctx.Done()
	log.Info("stopped", "cause", context.Cause(ctx).Error())
	return nil
}

// ListenAndServe binds addr and serves h on it like ServeListener.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return ServeListener(ctx, ln, h, log)
}

// Listen binds a TCP address, so that a caller can learn the real port of
// ":0" before serving.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("host: listen on %s: %w", addr, err)
	}
	return ln, nil
}

// ServeListener serves h on ln until ctx is cancelled or the process receives
// SIGTERM or SIGINT, then stops accepting connections and lets in-flight
// requests finish for up to 20 s. It returns nil after a complete drain.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	log = orDefault(log)
	stopCtx, stop := signal.NotifyContext(ctx, shutdownSignals...)
	defer stop()

	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		// net/http reports recovered panics and connection errors here; keep
		// them in the same JSON stream as everything else.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests keep ctx's values but must not be cancelled by shutdown,
		// or the drain below would cut them off instead of letting them end.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("host: serve on %s: %w", ln.Addr(), err)
	case <-stopCtx.Done():
	}
	// A second Ctrl-C or SIGTERM should kill at once rather than wait out the drain.
	stop()
	log.Info("shutting down", "cause", context.Cause(stopCtx).Error(), "drain", shutdownTimeout.String())

	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(drainCtx); err != nil {
		srv.Close()
		<-served
		return fmt.Errorf("host: graceful shutdown: %w", err)
	}
	<-served // http.ErrServerClosed, expected after Shutdown
	log.Info("stopped")
	return nil
}

// orDefault keeps the logs JSON even when a caller passes no logger.
func orDefault(log *slog.Logger) *slog.Logger {
	if log != nil {
		return log
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, nil))
}
