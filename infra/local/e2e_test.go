package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/openapi/openapitest"
	"github.com/jsipa/ips/shared/testkit"
)

// These tests run the built runner binary as a newcomer would after `make run`.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func runnerBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ips-local-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "ips-local")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type runnerProc struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

var urlLine = regexp.MustCompile(`open (http://127\.0\.0\.1:\d+)/`)

// startRunner starts the binary on a free port and waits for the URL it prints.
func startRunner(t *testing.T, dataDir string, env ...string) *runnerProc {
	t.Helper()
	cmd := exec.Command(runnerBinary(t))
	cmd.Env = append(os.Environ(), append([]string{"IPS_ADDR=127.0.0.1:0", "IPS_DATA_DIR=" + dataDir}, env...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &runnerProc{cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case p.url = <-found:
	case err := <-p.done:
		t.Fatalf("runner exited before printing its URL: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("runner printed no URL within 30 s")
	}
	return p
}

func (p *runnerProc) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	raw, _ := io.ReadAll(resp.Body)
	// Every answer must be one the OpenAPI document describes for the operation asked.
	openapitest.Check(t, method, req.URL.Path, resp.StatusCode, resp.Header, raw)
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

func (p *runnerProc) token(t *testing.T, req map[string]any) string {
	t.Helper()
	status, body := p.call(t, "POST", "/dev/token", "", req)
	if status != http.StatusCreated {
		t.Fatalf("dev token %v: %d %v", req, status, body)
	}
	return body["token"].(string)
}

func agencyCode(t *testing.T, i int) string {
	return testkit.USCC(t, "91320281", fmt.Sprintf("MA%06d", i))
}

// filing is a valid filing of a trademark agency of 江阴.
func filing(code, name string) map[string]any {
	f := testkit.AgencyFiling(code, name, "320281")
	f["service_types"], f["patent_agency_license_no"] = []string{"trademark_agency"}, ""
	return f
}

func TestNewcomerFilesAnAgencyAndFindsItOnTheRegister(t *testing.T) {
	p := startRunner(t, t.TempDir())
	resp, err := http.Get(p.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `lang="zh-CN"`) || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("home page: %d %v", resp.StatusCode, resp.Header)
	}
	code := agencyCode(t, 1)
	agency := p.token(t, map[string]any{"role": "agency", "subject": code})
	if status, body := p.call(t, "POST", "/v1/agencies", agency, filing(code, "江阴市新人商标代理有限公司")); status != http.StatusCreated {
		t.Fatalf("file: %d %v", status, body)
	}
	officer := p.token(t, map[string]any{"role": "city_officer", "division": "320281"})
	if status, body := p.call(t, "POST", "/v1/agencies/"+code+"/review", officer, map[string]any{"outcome": "accept"}); status != http.StatusOK || body["filing_no"] == nil {
		t.Fatalf("accept: %d %v", status, body)
	}
	status, reg := p.call(t, "GET", "/v1/public/agencies?q=新人", "", nil)
	if items, _ := reg["items"].([]any); status != http.StatusOK || len(items) != 1 {
		t.Fatalf("register: %d %v", status, reg)
	}
	// Graceful shutdown on SIGTERM.
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("runner did not exit cleanly on SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("runner still running 20 s after SIGTERM")
	}
}

// Durability under kill -9, with writes of every kind: crash_test.go.

func TestDevModeTokensAndClock(t *testing.T) {
	dir := t.TempDir()
	p := startRunner(t, dir, "IPS_NOW=2027-01-31T23:59:59.999+08:00")
	status, clock := p.call(t, "GET", "/dev/clock", "", nil)
	if status != http.StatusOK || clock["now"] != "2027-01-31T23:59:59.999+08:00" || clock["frozen"] != true {
		t.Fatalf("IPS_NOW did not pin the clock: %v", clock)
	}
	status, clock = p.call(t, "PUT", "/dev/clock", "", map[string]any{"now": "2027-02-01T00:00:05+08:00"})
	if status != http.StatusOK || clock["now"] != "2027-02-01T00:00:05+08:00" {
		t.Fatalf("PUT /dev/clock: %d %v", status, clock)
	}
	status, bad := p.call(t, "POST", "/dev/token", "", map[string]any{"role": "astronaut", "division": "12"})
	errs, _ := bad["errors"].([]any)
	if status != http.StatusUnprocessableEntity || len(errs) != 2 {
		t.Fatalf("bad token request: %d %v", status, bad)
	}
	status, bad = p.call(t, "POST", "/dev/token", "", map[string]any{"role": "agency", "subject": "not-a-code"})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("agency with a bad code: %d %v", status, bad)
	}
	// A token survives a restart: the signing key is kept in the data directory.
	code := agencyCode(t, 77)
	tok := p.token(t, map[string]any{"role": "agency", "subject": code})
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
	p = startRunner(t, dir, "IPS_NOW=2027-02-01T00:00:05+08:00")
	if status, body := p.call(t, "POST", "/v1/agencies", tok, filing(code, "重启后")); status != http.StatusCreated {
		t.Fatalf("token after restart: %d %v", status, body)
	}
	if status, _ := p.call(t, "PUT", "/dev/clock", "", map[string]any{"now": "yesterday"}); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad clock: %d", status)
	}
}

// The local scheduler stands in for EventBridge: moving the clock past 1 February 00:00 runs
// the 31 January deadline for the instant it passed, once.
func TestTheLocalSchedulerEnforcesTheCutoffWhenTheClockPassesIt(t *testing.T) {
	p := startRunner(t, t.TempDir(), "IPS_NOW=2026-12-20T09:00:00+08:00")
	code := agencyCode(t, 31)
	agency := p.token(t, map[string]any{"role": "agency", "subject": code})
	officer := p.token(t, map[string]any{"role": "city_officer", "division": "320281"})
	if status, body := p.call(t, "POST", "/v1/agencies", agency, filing(code, "未年报的代理机构")); status != http.StatusCreated {
		t.Fatalf("file: %d %v", status, body)
	}
	if status, body := p.call(t, "POST", "/v1/agencies/"+code+"/review", officer, map[string]any{"outcome": "accept"}); status != http.StatusOK {
		t.Fatalf("accept: %d %v", status, body)
	}
	runs := func() []any {
		status, body := p.call(t, "GET", "/v1/deadline-runs?deadline=jan31&year=2027", officer, nil)
		if status != http.StatusOK {
			t.Fatalf("list runs: %d %v", status, body)
		}
		items, _ := body["items"].([]any)
		return items
	}
	time.Sleep(1500 * time.Millisecond) // a tick or two before the cutoff
	if got := runs(); len(got) != 0 {
		t.Fatalf("a run before the cutoff: %v", got)
	}
	if status, _ := p.call(t, "PUT", "/dev/clock", "", map[string]any{"now": "2027-02-01T00:00:01+08:00", "frozen": true}); status != http.StatusOK {
		t.Fatalf("move clock: %d", status)
	}
	officer = p.token(t, map[string]any{"role": "city_officer", "division": "320281"}) // the old one expired in the jump
	// The run appears when it starts and completes a moment later.
	completed := func() map[string]any {
		if items := runs(); len(items) > 0 && items[0].(map[string]any)["status"] == "completed" {
			return items[0].(map[string]any)
		}
		return nil
	}
	deadline := time.Now().Add(15 * time.Second)
	run := completed()
	for run == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no completed run 15 s after the clock passed the cutoff: %v", runs())
		}
		time.Sleep(200 * time.Millisecond)
		run = completed()
	}
	created, _ := run["created"].([]any)
	if run["status"] != "completed" || len(created) != 1 || created[0] != code+"#report_not_on_time#2026" {
		t.Fatalf("run %v; want it completed with the agency's sanction for 2026", run)
	}
	triggers, _ := run["triggers"].([]any)
	if len(triggers) != 1 {
		t.Errorf("the scheduler fired %d times for one cutoff", len(triggers))
	}
}
