//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/host/hosttest"
	"github.com/jsipa/ips/shared/testkit"
)

const binaryAudience = "ips-test"

// buildFiling builds the function as `go build` would for a container, for this machine.
func buildFiling(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the function binary")
	}
	bin := filepath.Join(t.TempDir(), "filing")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type process struct {
	cmd    *exec.Cmd
	out    *testkit.SyncBuffer
	exited chan struct{}
	err    error // Wait's error, once exited is closed
}

// deployedEnv is this process's environment without anything that would change how the
// binary runs, plus the deployment's own settings.
func deployedEnv(settings ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "PORT" || name == "AWS_LAMBDA_RUNTIME_API" || strings.HasPrefix(name, "IPS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, settings...)
}

func startBinary(t *testing.T, bin string, env []string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin), out: &testkit.SyncBuffer{}, exited: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(bin), p.out.String())
		}
	})
	return p
}

// waitExit waits for the process to end and returns its exit code.
func (p *process) waitExit(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(within):
		t.Fatalf("still running after %s", within)
	}
	var exit *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exit) {
		t.Fatalf("wait: %v", p.err)
	}
	return p.cmd.ProcessState.ExitCode()
}

// logLines parses the output as the JSON lines every process writes.
func (p *process) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(p.out.String()))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Errorf("output line is not JSON: %s", sc.Text())
			continue
		}
		lines = append(lines, m)
	}
	return lines
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

type httpResult struct {
	status int
	header http.Header
	body   string
}

func call(t *testing.T, method, url, token, body string) httpResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return httpResult{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func sign(t *testing.T, s *auth.Signer, p domain.Principal) string {
	t.Helper()
	tok, err := s.Sign(p, time.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestBuiltBinaryServesFilingOnPortWithOIDCTokens(t *testing.T) {
	bin := buildFiling(t)
	idp := testkit.NewOIDCProvider(t, binaryAudience)
	port := freePort(t)
	proc := startBinary(t, bin, deployedEnv("PORT="+port, "IPS_DATA_DIR="+t.TempDir(),
		"IPS_OIDC_ISSUER="+idp.URL, "IPS_OIDC_AUDIENCE="+binaryAudience))
	base := "http://127.0.0.1:" + port

	// Ready once it answers the public register, which needs neither token nor provider.
	probe := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-proc.exited:
			t.Fatalf("exited before serving: %v", proc.err)
		default:
		}
		resp, err := probe.Get(base + "/v1/public/agencies")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not answering on port %s: %v", port, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The same body the Lambda event files; one filing must work on every host.
	fileEvent, _ := hosttest.LoadEvent(t, eventsDir, "file-agency")
	owner := sign(t, idp.Signer, domain.Principal{Role: domain.RoleAgency, Subject: agencyUSCC})
	agencyURL := base + "/v1/agencies/" + agencyUSCC

	t.Run("the agency files", func(t *testing.T) {
		r := call(t, http.MethodPost, base+"/v1/agencies", owner, fileEvent.Body)
		if r.status != http.StatusCreated || !strings.Contains(r.body, `"status":"submitted"`) || r.header.Get("ETag") != `"1"` {
			t.Fatalf("%d %s %s", r.status, r.header.Get("ETag"), r.body)
		}
		if idp.Discoveries() == 0 {
			t.Error("the token verified without the provider's discovery document being read")
		}
	})
	t.Run("the agency reads its filing back", func(t *testing.T) {
		r := call(t, http.MethodGet, agencyURL, owner, "")
		if r.status != http.StatusOK || !strings.Contains(r.body, `"uscc":"`+agencyUSCC+`"`) || !strings.Contains(r.body, contactPhone) {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("another agency cannot tell the filing exists", func(t *testing.T) {
		other := sign(t, idp.Signer, domain.Principal{Role: domain.RoleAgency, Subject: otherUSCC})
		r := call(t, http.MethodGet, agencyURL, other, "")
		if r.status != http.StatusNotFound || strings.Contains(r.body, agencyName) {
			t.Fatalf("%d %s; want 404 without the record", r.status, r.body)
		}
	})
	t.Run("no token is unauthenticated", func(t *testing.T) {
		r := call(t, http.MethodGet, agencyURL, "", "")
		if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") ||
			r.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%d %q %s", r.status, r.header.Get("WWW-Authenticate"), r.body)
		}
	})
	t.Run("a key the provider does not publish is unauthenticated", func(t *testing.T) {
		stranger := testkit.Signer(t, idp.URL, binaryAudience, "")
		// A forger who copies the published key id still lacks the key.
		impostor := testkit.Signer(t, idp.URL, binaryAudience, idp.Signer.KeyID())
		for name, s := range map[string]*auth.Signer{"own key id": stranger, "published key id": impostor} {
			r := call(t, http.MethodGet, agencyURL, sign(t, s, domain.Principal{Role: domain.RoleAgency, Subject: agencyUSCC}), "")
			if r.status != http.StatusUnauthorized {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}
	})
	t.Run("the public register needs no token", func(t *testing.T) {
		r := call(t, http.MethodGet, base+"/v1/public/agencies", "", "")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		// Filed but not yet accepted, so not on the register.
		if strings.TrimSpace(r.body) != `{"items":[],"next_cursor":""}` {
			t.Errorf("register %s, want it empty before acceptance", r.body)
		}
	})

	if err := proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := proc.waitExit(t, 5*time.Second); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	msgs := []string{}
	for _, l := range proc.logLines(t) {
		msg, _ := l["msg"].(string)
		msgs = append(msgs, msg)
	}
	if !slices.Contains(msgs, "listening") || !slices.Contains(msgs, "stopped") {
		t.Errorf("log messages %v, want listening … stopped", msgs)
	}
}

func TestBuiltBinaryRefusesToStartWithoutAnIssuer(t *testing.T) {
	bin := buildFiling(t)
	proc := startBinary(t, bin, deployedEnv("PORT="+freePort(t), "IPS_DATA_DIR="+t.TempDir(),
		"IPS_OIDC_AUDIENCE="+binaryAudience))
	if code := proc.waitExit(t, 10*time.Second); code == 0 {
		t.Fatal("started without IPS_OIDC_ISSUER, so it would serve unauthenticated; want a non-zero exit")
	}
	var told bool
	for _, l := range proc.logLines(t) {
		if l["msg"] == "listening" {
			t.Error("it listened before refusing")
		}
		errText, _ := l["error"].(string)
		if l["level"] == "ERROR" && l["function"] == "filing" && strings.Contains(errText, "IPS_OIDC_ISSUER") {
			told = true
		}
	}
	if !told {
		t.Errorf("no ERROR log line naming the filing function and IPS_OIDC_ISSUER:\n%s", proc.out.String())
	}
}

func TestBuiltBinaryHasNoDevModeEndpoints(t *testing.T) {
	b, err := os.ReadFile(buildFiling(t))
	if err != nil {
		t.Fatal(err)
	}
	// Without this, a binary whose strings were unreadable (packed, compressed) would pass.
	if !bytes.Contains(b, []byte("/v1/public/agencies")) {
		t.Fatal("the binary does not contain its own route strings; the search below would prove nothing")
	}
	for _, s := range []string{"/dev/token", "/dev/clock"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the deployed binary contains %q: dev mode belongs to infra/local only", s)
		}
	}
}
