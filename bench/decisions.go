package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/jsipa/ips/policies"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
)

// decisionGoal is issue 10's goal for a decision's p99, and decisionSpeedup how many times
// faster than OPA's server it should be.
const (
	decisionGoal    = 100 * time.Microsecond
	decisionSpeedup = 10.0
)

// decisionCase is one decision measured: its query, its input, and a fresh value to decode
// the answer into (so the engine's and the server's answers can be compared).
type decisionCase struct {
	name  string
	query string
	input any
	out   func() any
}

// subsidyClaim is the README's pledge-reward claim ("Try it: a subsidy claim"): an enterprise of
// 姑苏区 with a 5 million CNY loan disbursed in May 2022, judged by the 2021–2023 measures.
const subsidyClaim = `{"programme":"pledge_reward",
 "claimant":{"uscc":"91320508MA1CL0012P","name":"苏州姑苏智造科技有限公司","district_code":"320508",
             "key_enterprise":false,"finance_platform_registered":true},
 "event":{"loan_fen":500000000,"disbursed_on":"2022-05-20","lender":"苏州银行姑苏支行",
          "pledge_registration_no":"Y2022320000123","pledged_ip":["ZL201910123456.7"]},
 "agencies":[],"ownership_disputed":false,"credit_commitment":true}`

// decisionCases builds the two decisions' inputs as the services build them: the subsidy facts
// of the claim with the ledgers the policy names read (empty), as shared/claims decides a claim
// at submission; the facts of a report missing at the 31 January cutoff, as shared/deadlines
// decides each one.
func decisionCases(ctx context.Context, e *policy.Engine) ([]decisionCase, error) {
	var body domain.ClaimBody
	if err := json.Unmarshal([]byte(subsidyClaim), &body); err != nil {
		return nil, err
	}
	facts := domain.SubsidyFacts{Programme: body.Programme, Claimant: body.Claimant, Event: body.Event,
		EventDate: body.EventDate().String(), OwnershipDisputed: body.OwnershipDisputed,
		CreditCommitment: body.CreditCommitment, Credit: domain.SubsidyCredit{Level: "none"},
		AgencyBlocks: []domain.AgencyBlock{}, Ledger: []domain.LedgerUsage{}}
	var probe domain.SubsidyDecision
	if err := e.Decide(ctx, policy.QuerySubsidy, facts, &probe); err != nil {
		return nil, err
	}
	for _, c := range probe.LedgerCaps {
		facts.Ledger = append(facts.Ledger, domain.LedgerUsage{Cap: c.ID, Distinct: []string{}})
	}
	agency, err := agencyCode(1)
	if err != nil {
		return nil, err
	}
	return []decisionCase{
		{"subsidy", policy.QuerySubsidy, facts, func() any { return new(domain.SubsidyDecision) }},
		{"sanctions", policy.QuerySanctions, domain.SanctionFacts{Agency: agency, Trigger: domain.TriggerReportNotOnTime, Year: 2026},
			func() any { return new(domain.SanctionDecision) }},
	}, nil
}

func (b *bench) decisionLatency(ctx context.Context) (section, []goal, error) {
	s := section{title: "1. Decision latency",
		note: "Each decision evaluated one after another through the engine's prepared query (shared/policy, " +
			"as the services call it), against OPA's own server built from the module version go.mod names, " +
			"on the same policy files and input, queried over loopback HTTP with keep-alive."}
	inProcess, server := 20000, 3000
	if b.quick {
		inProcess, server = 2000, 300
	}
	progress("decisions: loading the policy engine")
	engine, err := policy.Load(ctx)
	if err != nil {
		return s, nil, err
	}
	cases, err := decisionCases(ctx, engine)
	if err != nil {
		return s, nil, err
	}
	opa, err := b.startOPA(ctx)
	if err != nil {
		return s, nil, err
	}
	defer opa.stop.stop()

	var goals []goal
	for _, c := range cases {
		progress("decisions: %s, %d in-process and %d through OPA's server", c.name, inProcess, server)
		cpu0, err := cpuTime(os.Getpid())
		if err != nil {
			return s, nil, err
		}
		local, err := timeEach(inProcess/10, inProcess, func() error {
			return engine.Decide(ctx, c.query, c.input, c.out())
		})
		if err != nil {
			return s, nil, err
		}
		cpu1, err := cpuTime(os.Getpid())
		if err != nil {
			return s, nil, err
		}
		if err := opa.sameAnswer(ctx, engine, c); err != nil {
			return s, nil, err
		}
		srv0, err := cpuTime(opa.stop.pid())
		if err != nil {
			return s, nil, err
		}
		remote, err := timeEach(server/10, server, func() error { return opa.decide(ctx, c, c.out()) })
		if err != nil {
			return s, nil, err
		}
		srv1, err := cpuTime(opa.stop.pid())
		if err != nil {
			return s, nil, err
		}
		cpu2, err := cpuTime(os.Getpid())
		if err != nil {
			return s, nil, err
		}
		for _, p := range []float64{50, 99} {
			l, r := percentile(local, p), percentile(remote, p)
			s.figures = append(s.figures, figure{name: fmt.Sprintf("%s decision p%.0f", c.name, p), value: micros(l), format: "%.1f",
				unit: "µs", ratio: ratio(float64(l), float64(r)), baseline: fmt.Sprintf("OPA server p%.0f %.1f µs", p, micros(r))})
		}
		// CPU time per decision moves far less than wall time with the neighbours' load: both
		// loops ran warm-up calls too, counted here in both, so the two stay comparable.
		perLocal := (cpu1 - cpu0) / time.Duration(inProcess+inProcess/10)
		perRemote := ((srv1 - srv0) + (cpu2 - cpu1)) / time.Duration(server+server/10)
		s.figures = append(s.figures, figure{name: c.name + " decision CPU", value: micros(perLocal), format: "%.1f",
			unit: "µs per decision", ratio: ratio(float64(perLocal), float64(perRemote)),
			baseline: fmt.Sprintf("OPA server %.1f µs per decision, server and client", micros(perRemote))})
		l99, r99 := percentile(local, 99), percentile(remote, 99)
		goals = append(goals,
			goal{text: fmt.Sprintf("%s decision p99 ≤ %.0f µs", c.name, micros(decisionGoal)), met: l99 <= decisionGoal,
				detail: fmt.Sprintf("%.1f µs, %s", micros(l99), margin(micros(l99), micros(decisionGoal), "µs"))},
			goal{text: fmt.Sprintf("%s decision p99 ≥ %.0f× faster than OPA's server", c.name, decisionSpeedup),
				met:    ratio(float64(r99), float64(l99)) >= decisionSpeedup,
				detail: speedupDetail(ratio(float64(r99), float64(l99)), decisionSpeedup)})
	}
	printSection(s)
	return s, goals, nil
}

// speedupDetail says how many times faster than the server a decision was, against the goal.
func speedupDetail(speedup, want float64) string {
	if speedup >= want {
		return fmt.Sprintf("%s faster", fmtRatio(speedup))
	}
	return fmt.Sprintf("the server's p99 is %s ours: missed by a factor of %.1f", fmtRatio(speedup), want/speedup)
}

// margin says how far value is under (or over) a ceiling, in unit and in percent.
func margin(value, ceiling float64, unit string) string {
	if value <= ceiling {
		return fmt.Sprintf("%.1f %s under", ceiling-value, unit)
	}
	return fmt.Sprintf("missed by %.1f %s (%.0f%% over)", value-ceiling, unit, 100*(value-ceiling)/ceiling)
}

// timeEach runs fn warm times unmeasured (caches, the JIT of nothing, the pool of connections),
// then n times, timing each call.
func timeEach(warm, n int, fn func() error) ([]time.Duration, error) {
	for range warm {
		if err := fn(); err != nil {
			return nil, err
		}
	}
	samples := make([]time.Duration, n)
	for i := range samples {
		start := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		samples[i] = time.Since(start)
	}
	return samples, nil
}

// opaServer is OPA's own server on a loopback port, as most teams deploy OPA beside a service.
type opaServer struct {
	url    string
	client *http.Client
	stop   *proc
}

// startOPA writes the policy files the engine loads (every non-test Rego file and every data
// file, in their folders, so authz/data.json is data.authz as in an OPA bundle) and serves
// them with `opa run --server`.
func (b *bench) startOPA(ctx context.Context) (*opaServer, error) {
	dir := filepath.Join(b.work, "opa-bundle")
	err := fs.WalkDir(policies.Bundle, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// The same files policy.Load compiles: tests are embedded but never decide.
		if ext := path.Ext(p); !(ext == ".json" || ext == ".rego" && !strings.HasSuffix(p, "_test.rego")) {
			return nil
		}
		data, err := fs.ReadFile(policies.Bundle, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, _, err := startProc(ctx, "opa", b.opaBin, []string{"run", "--server", "--addr", addr, "--skip-version-check",
		"--log-level", "error", dir}, nil, true, nil, 0)
	if err != nil {
		return nil, err
	}
	s := &opaServer{url: "http://" + addr, stop: p,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := s.client.Get(s.url + "/health")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("opa exited: %v\n%s", p.err, p.output())
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("opa did not answer /health within a minute:\n%s", p.output())
		}
	}
}

// decide asks the server for c's decision as a service would: encode the input, POST it to
// the document's Data API path, decode the result.
func (s *opaServer) decide(ctx context.Context, c decisionCase, out any) error {
	body, err := json.Marshal(map[string]any{"input": c.input})
	if err != nil {
		return err
	}
	docPath := strings.ReplaceAll(strings.TrimPrefix(c.query, "data."), ".", "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/v1/data/"+docPath, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("opa %s: %d %s", c.query, resp.StatusCode, msg)
	}
	var answer struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return err
	}
	if len(answer.Result) == 0 {
		return fmt.Errorf("opa %s: undefined", c.query)
	}
	return json.Unmarshal(answer.Result, out)
}

// sameAnswer checks that the server decides exactly as the engine does, so the two figures
// measure the same work.
func (s *opaServer) sameAnswer(ctx context.Context, e *policy.Engine, c decisionCase) error {
	local, remote := c.out(), c.out()
	if err := e.Decide(ctx, c.query, c.input, local); err != nil {
		return err
	}
	if err := s.decide(ctx, c, remote); err != nil {
		return err
	}
	if !reflect.DeepEqual(local, remote) {
		l, _ := json.Marshal(local)
		r, _ := json.Marshal(remote)
		return fmt.Errorf("OPA's server decides %s otherwise than the engine:\nengine %s\nserver %s", c.name, l, r)
	}
	return nil
}

// freeAddr is a loopback address with a port the kernel just gave out, for a server that
// cannot report the port it picked itself.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// clockTick is Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times on every architecture
// Go runs Linux on.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time (user and system, every thread) process pid has used so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields are counted after it.
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, b)
	}
	var utime, stime int64
	if _, err := fmt.Sscan(f[11], &utime); err != nil {
		return 0, err
	}
	if _, err := fmt.Sscan(f[12], &stime); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * clockTick, nil
}
