//go:build unix

package host_test

import (
	"context"
	"strings"
	"syscall"
	"testing"

	"github.com/jsipa/ips/shared/host"
)

// These send a real SIGTERM to the test process. That is safe only after the
// host has subscribed to it, which it does before logging where it serves.
// The context is cancelled only by the test's cleanup, should the signal fail.

func TestServeListenerStopsOnSIGTERM(t *testing.T) {
	log, lines := testLogger(t)
	s := serve(t, func(ctx context.Context) error { return host.ListenAndServe(ctx, "127.0.0.1:0", testHandler(), log) })
	lines.await(t, "listening")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-s.done
	if s.err != nil {
		t.Fatalf("ListenAndServe = %v, want nil after SIGTERM", s.err)
	}
}

func TestServeOnLambdaStopsOnSIGTERM(t *testing.T) {
	rt := newRuntimeAPI() // never closed: see TestServeOnLambda
	t.Setenv("AWS_LAMBDA_RUNTIME_API", strings.TrimPrefix(rt.URL, "http://"))
	log, lines := testLogger(t)
	s := serve(t, func(ctx context.Context) error { return host.Serve(ctx, testHandler(), log) })
	lines.await(t, "serving lambda invocations")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-s.done
	if s.err != nil {
		t.Fatalf("Serve = %v, want nil after SIGTERM", s.err)
	}
}
