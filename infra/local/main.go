// Command local runs the whole platform on one machine (make run): every function of
// template.yaml, the site, and dev mode, on the embedded SQLite store.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, configFromEnv(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "local runner:", err)
		os.Exit(1)
	}
}
