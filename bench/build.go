package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// helloLambda names the hello-world bootstrap among the functions' bootstraps.
const helloLambda = "hellolambda"

// build makes every binary the figures run, before anything is measured, so that no figure
// shares the machine with the compiler.
func (b *bench) build(ctx context.Context) error {
	bin := filepath.Join(b.work, "bin")
	progress("building the local runner and the hello-world HTTP server")
	b.runnerBin = filepath.Join(bin, "ips-local")
	b.helloHTTP = filepath.Join(bin, "hellohttp")
	if err := run(ctx, b.root, nil, "go", "build", "-o", b.runnerBin, "./infra/local"); err != nil {
		return err
	}
	if err := run(ctx, b.root, nil, "go", "build", "-o", b.helloHTTP, "./bench/hellohttp"); err != nil {
		return err
	}

	// The Makefile's lambda macro builds each function exactly as for Lambda (cgo-free,
	// lambda.norpc, stripped), here for this machine's architecture so the bootstraps run.
	progress("building every function's bootstrap and the hello-world bootstrap (make bench-bootstraps)")
	lambdaDir := filepath.Join(b.work, "lambda")
	if err := run(ctx, b.root, nil, "make", "--no-print-directory", "-s", "bench-bootstraps",
		"BENCH_BIN="+lambdaDir, "LAMBDA_GOARCH="+runtime.GOARCH); err != nil {
		return err
	}
	entries, err := os.ReadDir(lambdaDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		b.bootstrap[e.Name()] = filepath.Join(lambdaDir, e.Name(), "bootstrap")
	}
	if _, ok := b.bootstrap[helloLambda]; !ok || len(b.bootstrap) < 2 {
		return fmt.Errorf("make bench-bootstraps built %v: want every function and %s", entries, helloLambda)
	}

	opa, err := b.buildOPA(ctx)
	if err != nil {
		return err
	}
	b.opaBin = opa
	return nil
}

// buildOPA builds OPA's own command from the module version this module requires, in a module
// of its own kept in the user's cache: the server's dependencies (gRPC, OpenTelemetry,
// Prometheus…) stay out of this module's go.mod, where they could move the versions the
// functions are built with. The binary is kept between runs, per version.
func (b *bench) buildOPA(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Version}}", "github.com/open-policy-agent/opa").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m github.com/open-policy-agent/opa: %w", err)
	}
	version := strings.TrimSpace(string(out))
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "ips-bench", "opa-"+version)
	bin := filepath.Join(dir, "opa")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	progress("building OPA %s's server (once per version, kept in %s)", version, dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// GOWORK=off and GOFLAGS=-mod=mod: the scratch module must not pick up a workspace or a
	// vendor setting of the environment.
	env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		if err := run(ctx, dir, env, "go", "mod", "init", "ipsbench/opa"); err != nil {
			return "", err
		}
	}
	if err := run(ctx, dir, env, "go", "get", "github.com/open-policy-agent/opa@"+version); err != nil {
		return "", err
	}
	if err := run(ctx, dir, env, "go", "build", "-o", bin+".tmp", "github.com/open-policy-agent/opa"); err != nil {
		return "", err
	}
	return bin, os.Rename(bin+".tmp", bin)
}
