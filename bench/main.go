// Command bench is `make bench`: it measures the platform's six figures of issue 10 (decision
// latency, submission throughput, the 31 January sweep, cold starts, memory, site weight),
// each beside a baseline measured in the same run, prints one line per figure and writes the
// same lines to bench/results.md with the machine and the date.
//
// The machines it runs on are shared and noisy, so a figure alone says little; its ratio to
// the baseline (OPA's own server, a hello-world HTTP server, a raw read of the same rows, a
// hello-world Lambda bootstrap) is what a reader compares between runs. Nothing here is a
// test: speed is never asserted, only reported against the goals.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// bench holds what the figures share: where the repository and the scratch space are, and the
// binaries built once at the start.
type bench struct {
	root  string // the repository (go.mod's folder)
	work  string // scratch space on disk, removed at the end
	quick bool   // smaller runs, to try the bench itself; nothing is written

	runnerBin string            // infra/local
	helloHTTP string            // bench/hellohttp
	opaBin    string            // OPA's own server, from the module version go.mod names
	bootstrap map[string]string // function (and helloLambda) → bootstrap built as for Lambda

	// What later figures report from earlier ones.
	mem memoryFigures
}

func main() {
	out := flag.String("out", "bench/results.md", "where to write the results (relative to the repository)")
	quick := flag.Bool("quick", false, "smaller runs to try the bench itself; writes no results")
	only := flag.String("only", "", "measure only these figures (e.g. 1,3); writes no results")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := runBench(ctx, *out, *quick, *only)
	stop()
	stopAll()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func runBench(ctx context.Context, out string, quick bool, only string) error {
	started := time.Now()
	host := machine()
	root, err := repoRoot()
	if err != nil {
		return err
	}
	// On disk, not tmpfs: the stores' fsyncs are part of what is measured.
	work, err := os.MkdirTemp("", "ips-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	defer stopAll() // before the scratch space goes: servers still write there
	b := &bench{root: root, work: work, quick: quick, bootstrap: map[string]string{}}

	fmt.Printf("make bench on %s\n", host)
	if err := b.build(ctx); err != nil {
		return err
	}

	var sections []section
	var goals []goal
	steps := []func(context.Context) (section, []goal, error){
		b.decisionLatency, b.submissionThroughput, b.deadlineSweep, b.coldStart, b.memory, b.siteWeight,
	}
	for i, step := range steps {
		if only != "" && !slices.Contains(strings.Split(only, ","), strconv.Itoa(i+1)) {
			continue
		}
		s, g, err := step(ctx)
		if err != nil {
			return err
		}
		sections, goals = append(sections, s), append(goals, g...)
	}
	fmt.Println()
	for _, g := range goals {
		fmt.Println(g)
	}
	took := time.Since(started)
	fmt.Printf("took %s\n", took.Round(time.Second))
	if quick || only != "" {
		fmt.Println("partial run: results not written")
		return nil
	}
	path := out
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	writeResults(f, host, started, took, sections, goals)
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", out)
	return nil
}

// printSection prints a figure's lines as soon as they are measured.
func printSection(s section) {
	fmt.Printf("\n%s\n", s.title)
	for _, f := range s.figures {
		fmt.Println(f)
	}
}

// progress tells the person waiting what the bench is doing; it goes to stderr so that stdout
// holds only the figures.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "  %5.0fs … "+format+"\n", append([]any{time.Since(benchStart).Seconds()}, args...)...)
}

var benchStart = time.Now()

// repoRoot is the folder holding go.mod, found from the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s: run the bench from the repository", dir)
		}
		dir = parent
	}
}
