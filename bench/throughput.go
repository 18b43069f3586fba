package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Issue 10's goals for submissions: a share of the HTTP ceiling and a p99.
const (
	throughputShare = 0.30
	submissionP99   = 20 * time.Millisecond
)

// concurrency is how many filings are in flight at once: enough to keep both the runner's
// cores and its single SQLite writer busy, as agencies filing together before a cutoff would.
const concurrency = 16

// loadResult is what a load run measured: how many requests completed in how long, and how
// long each one took.
type loadResult struct {
	n       int
	elapsed time.Duration
	latency []time.Duration
}

func (l loadResult) perSecond() float64 { return float64(l.n) / l.elapsed.Seconds() }

func loadClient() *http.Client {
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency, DisableCompression: true}}
}

// load sends requests from concurrency workers, request i made by next, until n requests
// (n > 0) or until d has passed; every answer must have status want.
func load(ctx context.Context, client *http.Client, n int, d time.Duration, next func(i int) (*http.Request, error), want int) (loadResult, error) {
	var issued atomic.Int64
	var failed atomic.Pointer[error]
	lat := make([][]time.Duration, concurrency)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for failed.Load() == nil && ctx.Err() == nil {
				i := int(issued.Add(1) - 1)
				if (n > 0 && i >= n) || (n == 0 && time.Now().After(deadline)) {
					return
				}
				req, err := next(i)
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				t := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != want {
						err = fmt.Errorf("%s %s: %d, want %d", req.Method, req.URL.Path, resp.StatusCode, want)
					}
				}
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				lat[w] = append(lat[w], time.Since(t))
			}
		}()
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		return loadResult{}, *err
	}
	if err := ctx.Err(); err != nil {
		return loadResult{}, err
	}
	r := loadResult{elapsed: time.Since(start)}
	for _, l := range lat {
		r.latency = append(r.latency, l...)
	}
	r.n = len(r.latency)
	return r, nil
}

// filings makes the requests of agencies from..from+len(tokens)-1 filing, each as itself, with
// an Idempotency-Key as the site sends one with every submission.
func filings(url string, from int, tokens []string) (func(i int) (*http.Request, error), error) {
	bodies := make([][]byte, len(tokens))
	for i := range bodies {
		f, err := agencyFiling(from + i)
		if err != nil {
			return nil, err
		}
		if bodies[i], err = json.Marshal(f); err != nil {
			return nil, err
		}
	}
	return func(i int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, url+"/v1/agencies", bytes.NewReader(bodies[i]))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[i])
		req.Header.Set("Idempotency-Key", "bench-filing-"+strconv.Itoa(from+i))
		return req, nil
	}, nil
}

func (b *bench) submissionThroughput(ctx context.Context) (section, []goal, error) {
	s := section{title: "2. Submission throughput",
		note: fmt.Sprintf("New agencies filing through the local runner binary (POST /v1/agencies: strict decoding, "+
			"validation, the authz policy, the idempotency record and the filing, each write fsynced by SQLite "+
			"on disk), %d in flight from a Go load generator over keep-alive connections, against a "+
			"hello-world net/http server under the same load in the same run.", concurrency)}
	warm, measureFor, helloFor := 300, 8*time.Second, 5*time.Second
	if b.quick {
		warm, measureFor, helloFor = 100, 2*time.Second, time.Second
	}

	// The load stands for many agencies but comes from one address: the runner's cap on one
	// client's requests in flight must not be what is measured.
	r, err := b.startRunner(ctx, filepath.Join(b.work, "throughput-data"),
		"IPS_MAX_CONCURRENT_PER_CLIENT="+strconv.Itoa(4*concurrency))
	if err != nil {
		return s, nil, err
	}
	defer r.stop()
	if err := r.call(ctx, http.MethodGet, "/healthz", "", nil, nil, http.StatusOK); err != nil {
		return s, nil, err
	}
	if b.mem.idle, err = procStatus(r.pid(), "VmRSS"); err != nil {
		return s, nil, err
	}

	// A short unmeasured run warms the runner and sizes the measured one, whose tokens are
	// signed beforehand so that signing is not part of what is measured.
	progress("submissions: warming up with %d filings", warm)
	tokens, err := r.agencyTokens(ctx, 0, warm)
	if err != nil {
		return s, nil, err
	}
	next, err := filings(r.url, 0, tokens)
	if err != nil {
		return s, nil, err
	}
	client := loadClient()
	w, err := load(ctx, client, warm, 0, next, http.StatusCreated)
	if err != nil {
		return s, nil, err
	}
	n := max(int(w.perSecond()*measureFor.Seconds()), warm)
	progress("submissions: signing in %d agencies, then filing them (about %s)", n, measureFor)
	if tokens, err = r.agencyTokens(ctx, warm, warm+n); err != nil {
		return s, nil, err
	}
	if next, err = filings(r.url, warm, tokens); err != nil {
		return s, nil, err
	}
	sub, err := load(ctx, client, n, 0, next, http.StatusCreated)
	if err != nil {
		return s, nil, err
	}
	if b.mem.submissions, err = procStatus(r.pid(), "VmHWM"); err != nil {
		return s, nil, err
	}
	r.stop()

	progress("submissions: the hello-world net/http server for %s", helloFor)
	hp, addr, err := startProc(ctx, "hello-world HTTP server", b.helloHTTP, nil, nil, true,
		regexp.MustCompile(`listening on (http://\S+)`), 30*time.Second)
	if err != nil {
		return s, nil, err
	}
	defer hp.stop()
	hello := func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, addr+"/", nil) }
	if _, err := load(ctx, client, 0, helloFor/10, hello, http.StatusOK); err != nil {
		return s, nil, err
	}
	ceiling, err := load(ctx, client, 0, helloFor, hello, http.StatusOK)
	if err != nil {
		return s, nil, err
	}
	hp.stop()

	share := ratio(sub.perSecond(), ceiling.perSecond())
	p99, helloP99 := percentile(sub.latency, 99), percentile(ceiling.latency, 99)
	s.figures = append(s.figures,
		figure{name: "filings accepted", value: sub.perSecond(), format: "%.0f", unit: "req/s", ratio: share,
			baseline: fmt.Sprintf("hello-world net/http %.0f req/s", ceiling.perSecond())},
		figure{name: "filing p99", value: millis(p99), format: "%.2f", unit: "ms", ratio: ratio(float64(p99), float64(helloP99)),
			baseline: fmt.Sprintf("hello-world p99 %.2f ms", millis(helloP99))},
		figure{name: "filing p50", value: millis(median(sub.latency)), format: "%.2f", unit: "ms",
			ratio:    ratio(float64(median(sub.latency)), float64(median(ceiling.latency))),
			baseline: fmt.Sprintf("hello-world p50 %.2f ms", millis(median(ceiling.latency)))},
	)
	goals := []goal{
		{text: fmt.Sprintf("filings ≥ %.0f%% of the HTTP ceiling", 100*throughputShare), met: share >= throughputShare,
			detail: shareDetail(share, throughputShare, sub.perSecond(), ceiling.perSecond())},
		{text: fmt.Sprintf("filing p99 < %.0f ms", millis(submissionP99)), met: p99 < submissionP99,
			detail: fmt.Sprintf("%.2f ms, %s", millis(p99), margin(millis(p99), millis(submissionP99), "ms"))},
	}
	printSection(s)
	return s, goals, nil
}

// shareDetail says how a rate compares with the share of the ceiling it should reach.
func shareDetail(share, want, rate, ceiling float64) string {
	if share >= want {
		return fmt.Sprintf("%.1f%% of the ceiling", 100*share)
	}
	return fmt.Sprintf("%.1f%% of the ceiling: missed by %.0f req/s (needs %.1f× the rate)", 100*share,
		want*ceiling-rate, ratio(want*ceiling, rate))
}
