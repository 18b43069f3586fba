package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// figure is one measured value with its ratio to a baseline measured in the same run: on a
// shared machine the value moves with the neighbours' load, the ratio much less.
type figure struct {
	name     string
	value    float64
	format   string // how value is printed, e.g. "%.1f"
	unit     string
	ratio    float64
	baseline string // what the ratio is against, with its own value
}

func (f figure) String() string {
	return fmt.Sprintf("%s: %s %s (%s vs %s)", f.name, fmt.Sprintf(f.format, f.value), f.unit, fmtRatio(f.ratio), f.baseline)
}

// goal is one of issue 10's goals judged on this run's figures; detail says by how much it was
// met or missed.
type goal struct {
	text   string
	met    bool
	detail string
}

func (g goal) String() string {
	verdict := "met"
	if !g.met {
		verdict = "MISSED"
	}
	return fmt.Sprintf("goal %s: %s (%s)", g.text, verdict, g.detail)
}

// machine describes where the figures were measured, for the reader of results.md.
func machine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	kernel := ""
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		kernel = ", Linux " + utsString(u.Release[:])
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = fmt.Sprintf("; load average at start %s %s %s", f[0], f[1], f[2])
		}
	}
	return fmt.Sprintf("%s, %d cores%s%s, %s %s/%s%s", cpu, runtime.NumCPU(), mem, kernel,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, load)
}

func utsString(b []int8) string {
	var s strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		s.WriteByte(byte(c))
	}
	return s.String()
}

// writeResults writes results.md: the machine, the date, every figure line exactly as printed,
// and the goals.
func writeResults(w io.Writer, host string, started time.Time, took time.Duration, sections []section, goals []goal) {
	fmt.Fprintf(w, "# `make bench`: the last run\n\n")
	fmt.Fprintf(w, "- Machine: %s\n", host)
	fmt.Fprintf(w, "- Date: %s (took %s)\n", started.UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	fmt.Fprintf(w, "- Reproduce: `make bench` (README, \"Benchmarks\").\n\n")
	fmt.Fprintf(w, "The machine is shared and noisy: every figure carries its ratio to a baseline measured in the\n")
	fmt.Fprintf(w, "same run, and the ratios are what to compare between runs.\n\n")
	for _, s := range sections {
		fmt.Fprintf(w, "## %s\n\n", s.title)
		if s.note != "" {
			fmt.Fprintf(w, "%s\n\n", s.note)
		}
		fmt.Fprintf(w, "```text\n")
		for _, f := range s.figures {
			fmt.Fprintln(w, f)
		}
		fmt.Fprintf(w, "```\n\n")
	}
	fmt.Fprintf(w, "## Goals\n\n```text\n")
	for _, g := range goals {
		fmt.Fprintln(w, g)
	}
	fmt.Fprintf(w, "```\n")
}

// section is one numbered figure of the issue with the lines it produced.
type section struct {
	title   string
	note    string // how it was measured, in a sentence or two
	figures []figure
}
