//go:build unix

package sam

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jsipa/ips/shared/dynamo"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/testkit"
)

// step sends one event file and names the status its caller must get; a scheduled event has
// no caller, and its step names no status (0): its run must complete.
type step struct {
	event  string
	status int
}

// scenarios walk each function through its event files in an order that makes every one of
// them meaningful (an amendment needs a filing). Each function's own tests check the bodies in
// depth; here the point is the built artifact on the Lambda runtime protocol and DynamoDB.
var scenarios = map[string][]step{
	"filing": {
		{"file-agency", 201},
		{"file-agency", 201}, // Lambda's retry of the same event replays the first answer
		{"get-agency", 200},
		{"list-submitted", 200},
		{"review-accept", 200},
		{"record-violation", 201},
		{"rate-agency", 404}, // the entity is no client in any annual report (none exists here)
		{"public-register", 200},
		{"public-agency", 200},
		{"amend-agency", 200},
		{"amend-agency", 409}, // the same If-Match again is stale
		{"deregister-agency", 200},
		{"public-agency", 200},
		{"change-feed", 200}, // the feed, written through the recording store on DynamoDB
	},
	// A fresh table holds no filing, and the events are of January 2028 while the bootstrap runs
	// on the real clock: every submission is refused (422: the year has not ended, or the agency
	// is not filed), and there is no report to read or review (404). The lifecycle with a filed
	// agency runs in functions/annual-report's own tests.
	"annual-report": {
		{"submit-report-unfiled", 422},
		{"submit-report", 422},
		{"resubmit-report", 422},
		{"get-report", 404},
		{"review-return", 404}, // with an Idempotency-Key: its record is what the table holds
		{"correct-report", 422},
		{"review-accept", 404},
	},
	"deadline-jan31": {
		{"scheduled-cutoff", 0}, // EventBridge Scheduler at 1 February 2026 00:00 Beijing time
		{"run-deadline", 200},   // a cron re-runs it by HTTP: nothing new
		{"list-runs", 200},
		{"scheduled-reminders", 0}, // 16 January 2026 09:00 Beijing: 15 days before; nobody owes on a fresh table
		{"list-notices", 200},      // an agency lists its own notices
	},
	// Scheduled only: the HTTP route of the 30 June run is deadline-jan31's.
	"deadline-jun30": {
		{"scheduled-round-close", 0},        // EventBridge Scheduler at 1 July 2026 00:00 Beijing time: an empty round closes
		{"scheduled-relative-deadlines", 0}, // 1 July 2026 09:00: no zone on a fresh table, nothing due
	},
	// An integrator holding the eligibility:read scope asks about an entity no agency reported
	// and the query names none: on a fresh table it is eligible for every family.
	"subsidy-claim": {
		{"eligibility-query", 200},
		{"eligibility-batch", 200}, // two queries in one call, each answered as alone
		{"evaluate-claim", 200},    // a bank's dry run for the enterprise that mandated it
		{"submit-claim", 201},      // the claim itself: the loan of May 2022 is judged by the 2021–2023 measures
		{"review-claim", 404},      // the id is the one a real submission returned; on this table it is another
		{"put-credit-record", 201}, // the provincial credit system reports a minor finding
		{"public-notices", 200},
	},
	// The county starts a draft (its content is free until submission); every later event names
	// the id a real creation returned, CA2027-320281-0A1B2C3D4E5F, and the service makes ids at
	// random, so on a fresh table that application does not exist for anyone (404), the PDF
	// upload (a base64 body, as API Gateway delivers binary) included. The lifecycle with a real
	// id runs in shared/httpapi's tests.
	"cluster-application": {
		{"create-application", 201},
		{"create-application", 201}, // Lambda's retry of the same event replays the first answer
		{"list-applications", 200},  // the prefecture's queue: a draft is not in it
		{"get-application", 404},
		{"edit-application", 404},
		{"upload-document", 404},
		{"submit-application", 404},
		{"recommend-application", 404},
		{"review-score", 404},
		{"get-zone", 404}, // no zone was designated
	},
}

const artifactAudience = "ips-artifact-test"

// runtimeAPI emulates the Lambda Runtime API a provided.al2023 bootstrap polls: it hands out
// one invocation at a time and collects what the function answers.
type runtimeAPI struct {
	srv         *httptest.Server
	pending     chan invocation
	results     chan result
	invocations int

	mu      sync.Mutex
	current string // request id handed out and not yet answered
	faults  []string
}

type invocation struct {
	id      string
	payload []byte
}

type result struct {
	id        string
	errorType string // set when the function reported an invocation error
	body      []byte
}

func newRuntimeAPI(t *testing.T) *runtimeAPI {
	api := &runtimeAPI{pending: make(chan invocation), results: make(chan result, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case inv := <-api.pending:
			api.mu.Lock()
			api.current = inv.id
			api.mu.Unlock()
			h := w.Header()
			h.Set("Content-Type", "application/json")
			h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
			h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(15*time.Second).UnixMilli(), 10))
			h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws-cn:lambda:cn-north-1:123456789012:function:ips-test")
			h.Set("Lambda-Runtime-Trace-Id", "Root=1-6b861ba3-32ddd3fc052b6aa3da3955d7;Sampled=0")
			w.Write(inv.payload)
		case <-r.Context().Done():
		}
	})
	answer := func(errorType func(*http.Request) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			id := r.PathValue("id")
			body, _ := io.ReadAll(r.Body)
			api.mu.Lock()
			if id != api.current {
				api.faults = append(api.faults, fmt.Sprintf("answer for %q while %q was outstanding", id, api.current))
			}
			api.current = ""
			api.mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"status":"OK"}`)
			api.results <- result{id: id, errorType: errorType(r), body: body}
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", answer(func(*http.Request) string { return "" }))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", answer(func(r *http.Request) string {
		return cmpOr(r.Header.Get("Lambda-Runtime-Function-Error-Type"), "Unknown")
	}))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		api.mu.Lock()
		api.faults = append(api.faults, "init error: "+string(body))
		api.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})
	api.srv = httptest.NewServer(mux)
	t.Cleanup(api.srv.Close)
	return api
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// address is AWS_LAMBDA_RUNTIME_API: host and port, no scheme.
func (api *runtimeAPI) address() string { return strings.TrimPrefix(api.srv.URL, "http://") }

// invoke hands payload to the function and waits for its answer.
func (api *runtimeAPI) invoke(t *testing.T, payload []byte) result {
	t.Helper()
	api.invocations++
	id := fmt.Sprintf("8476a536-e9f4-11e8-9739-%012d", api.invocations)
	select {
	case api.pending <- invocation{id: id, payload: payload}:
	case <-time.After(30 * time.Second):
		t.Fatal("the function did not ask for the next invocation within 30 s")
	}
	select {
	case r := <-api.results:
		if r.id != id {
			t.Fatalf("answer for %s, want %s", r.id, id)
		}
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("the function did not answer within 30 s")
	}
	return result{}
}

func (api *runtimeAPI) checkFaults(t *testing.T) {
	api.mu.Lock()
	defer api.mu.Unlock()
	for _, f := range api.faults {
		t.Error(f)
	}
}

// buildArtifact runs the function's SAM build target for goarch and returns the bootstrap.
func buildArtifact(t *testing.T, logicalID, goarch string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("make", "--no-print-directory", "build-"+logicalID, "ARTIFACTS_DIR="+dir, "LAMBDA_GOARCH="+goarch)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build-%s: %v\n%s", logicalID, err, out)
	}
	return filepath.Join(dir, "bootstrap")
}

// checkLambdaBuild reads how a bootstrap was built: for provided.al2023, without cgo (the
// runtime image has no C library to match) and without the RPC mode only go1.x used.
func checkLambdaBuild(t *testing.T, path, goarch string) {
	t.Helper()
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for key, want := range map[string]string{"GOOS": "linux", "GOARCH": goarch, "CGO_ENABLED": "0", "-tags": "lambda.norpc", "-trimpath": "true"} {
		if settings[key] != want {
			t.Errorf("%s: built with %s=%q, want %q", path, key, settings[key], want)
		}
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s is not an ELF executable: %v", path, err)
	}
	defer f.Close()
	machine := map[string]elf.Machine{"arm64": elf.EM_AARCH64, "amd64": elf.EM_X86_64}[goarch]
	if f.Machine != machine {
		t.Errorf("%s: machine %s, want %s", path, f.Machine, machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s asks for a dynamic loader: it is not statically linked", path)
		}
	}
}

func TestSAMBuildsArm64CgoFreeBootstrapsWithoutRPC(t *testing.T) {
	for _, id := range functionIDs(readTemplate(t)) {
		t.Run(id, func(t *testing.T) {
			checkLambdaBuild(t, buildArtifact(t, id, "arm64"), "arm64")
		})
	}
}

// lambdaEnv is what Lambda sets for a provided.al2023 function, and nothing of this machine's
// own environment: a bootstrap that needs more would fail in the cloud.
func lambdaEnv(api *runtimeAPI, function, dir string, extra ...string) []string {
	return append([]string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"TZ=:UTC", // Lambda's zone: deadlines must not depend on it
		"AWS_LAMBDA_RUNTIME_API=" + api.address(),
		"AWS_LAMBDA_FUNCTION_NAME=ips-dev-" + function,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=" + dir,
		"HOME=" + dir,
	}, extra...)
}

// started is a running bootstrap and what it has printed.
type started struct {
	cmd  *exec.Cmd
	logs *testkit.SyncBuffer
	done chan error
}

func startBootstrap(t *testing.T, bootstrap string, env []string) *started {
	t.Helper()
	s := &started{cmd: exec.Command(bootstrap), logs: &testkit.SyncBuffer{}, done: make(chan error, 1)}
	s.cmd.Env = env
	s.cmd.Dir = filepath.Dir(bootstrap)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("bootstrap output:\n%s", s.logs.String())
		}
	})
	return s
}

var placeholder = regexp.MustCompile(`Bearer \{\{token[^}]*\}\}`)

// withToken puts a fresh token for the principal an event's placeholder names where the
// placeholder was, leaving every other byte of the file as it is.
func withToken(t *testing.T, raw []byte, idp *testkit.OIDCProvider) []byte {
	return placeholder.ReplaceAllFunc(raw, func(ph []byte) []byte {
		return []byte(testkit.BearerFor(t, idp.Signer, string(ph), time.Now()))
	})
}

func TestEveryScenarioCoversItsFunctionsEventFiles(t *testing.T) {
	facts := readRepo(t, nil)
	for _, id := range functionIDs(readTemplate(t)) {
		folder := functionFolder(id)
		steps, ok := scenarios[folder]
		if !ok {
			t.Errorf("%s has no artifact scenario", folder)
			continue
		}
		used := map[string]bool{}
		for _, s := range steps {
			used[s.event+".json"] = true
		}
		for _, f := range facts.events[folder] {
			if !used[f] {
				t.Errorf("events/%s/%s is in no step of the %s scenario", folder, f, folder)
			}
			delete(used, f)
		}
		for f := range used {
			t.Errorf("the %s scenario sends %s, which is not in events/%s", folder, f, folder)
		}
	}
}

// What `sam local invoke` does, without Docker: each function's bootstrap, built by its SAM
// target, runs as a process against the Runtime API and a real local DynamoDB table, and
// answers every one of its event files.
func TestBootstrapsAnswerTheirEventsOnTheLambdaRuntimeAPI(t *testing.T) {
	local := dynamotest.Start(t)
	idp := testkit.NewOIDCProvider(t, artifactAudience)
	for _, id := range functionIDs(readTemplate(t)) {
		folder := functionFolder(id)
		t.Run(folder, func(t *testing.T) {
			bootstrap := buildArtifact(t, id, runtime.GOARCH)
			checkLambdaBuild(t, bootstrap, runtime.GOARCH)
			api := newRuntimeAPI(t)
			table := local.NewTable(t)
			env := lambdaEnv(api, folder, filepath.Dir(bootstrap), local.Env(table)...)
			env = append(env, "IPS_OIDC_ISSUER="+idp.URL, "IPS_OIDC_AUDIENCE="+artifactAudience)
			fn := startBootstrap(t, bootstrap, env)

			for i, s := range scenarios[folder] {
				raw, err := os.ReadFile(filepath.Join(root, "events", folder, s.event+".json"))
				if err != nil {
					t.Fatal(err)
				}
				r := api.invoke(t, withToken(t, raw, idp))
				what := fmt.Sprintf("step %d %s", i+1, s.event)
				if r.errorType != "" {
					t.Fatalf("%s: the function reported an invocation error %s: %s", what, r.errorType, r.body)
				}
				if s.status == 0 {
					checkScheduledRun(t, what, r.body)
					continue
				}
				var e events.APIGatewayV2HTTPRequest
				if err := json.Unmarshal(raw, &e); err != nil {
					t.Fatalf("%s.json: %v", s.event, err)
				}
				checkResponse(t, what, r.body, s.status, e.RequestContext.RequestID)
			}

			// An event that is not an API Gateway request is the invocation's error, reported
			// to Lambda, and the function goes on serving.
			if r := api.invoke(t, []byte(`["not", "an", "event"]`)); r.errorType == "" {
				t.Errorf("a malformed event was answered as a response: %s", r.body)
			}
			first := scenarios[folder][0]
			raw, _ := os.ReadFile(filepath.Join(root, "events", folder, first.event+".json"))
			if r := api.invoke(t, withToken(t, raw, idp)); r.errorType != "" {
				t.Errorf("after a malformed event the function no longer answers: %s", r.body)
			}
			api.checkFaults(t)
			checkJSONLogs(t, fn.logs.Bytes())

			// Naming the table is what makes a function use DynamoDB: the records are there,
			// and no SQLite file appeared beside the bootstrap. A function whose scenario only
			// reads writes no record, so for it the missing SQLite file is the proof.
			out, err := dynamo.New(local.Config(), table).Client().Scan(context.Background(),
				&dynamodb.ScanInput{TableName: &table, Select: types.SelectCount})
			if err != nil || out.Count == 0 {
				t.Errorf("the table holds %v items (%v); the function did not write to DynamoDB", out, err)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(bootstrap), "data", sqlite.FileName)); err == nil {
				t.Error("the function opened a SQLite file although its environment names a table")
			}
		})
	}
}

func checkResponse(t *testing.T, what string, body []byte, status int, requestID string) {
	t.Helper()
	var resp events.APIGatewayV2HTTPResponse
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&resp); err != nil {
		t.Fatalf("%s: the answer is not an HTTP API response: %v: %s", what, err, body)
	}
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %s", what, resp.StatusCode, status, resp.Body)
	}
	want := "application/json; charset=utf-8"
	if status >= 400 {
		want = "application/problem+json"
	}
	if ct := resp.Headers["Content-Type"]; ct != want {
		t.Errorf("%s: Content-Type %q, want %q", what, ct, want)
	}
	if !json.Valid([]byte(resp.Body)) || resp.IsBase64Encoded {
		t.Errorf("%s: the body is not plain JSON: %s", what, resp.Body)
	}
	if id := resp.Headers["X-Request-Id"]; id != requestID {
		t.Errorf("%s: X-Request-Id %q, want API Gateway's %q", what, id, requestID)
	}
}

// checkScheduledRun reads what a scheduled job answers Lambda: the record of a completed run.
func checkScheduledRun(t *testing.T, what string, body []byte) {
	t.Helper()
	var run struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(body, &run); err != nil || run.ID == "" || run.Status != "completed" {
		t.Fatalf("%s: the scheduled run answered %s (%v); want a completed run record", what, body, err)
	}
}

// checkJSONLogs holds the function's output to Lambda's JSON log format: every line one JSON
// object, which CloudWatch indexes by field.
func checkJSONLogs(t *testing.T, logs []byte) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(logs))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Errorf("a log line is not JSON: %s", sc.Text())
		}
	}
}

// A function missing its configuration must fail at start, saying what is missing, rather
// than serve requests it cannot authenticate.
func TestABootstrapWithoutItsConfigurationRefusesToStart(t *testing.T) {
	id := functionIDs(readTemplate(t))[0]
	bootstrap := buildArtifact(t, id, runtime.GOARCH)
	api := newRuntimeAPI(t)
	fn := startBootstrap(t, bootstrap, lambdaEnv(api, functionFolder(id), filepath.Dir(bootstrap)))
	select {
	case err := <-fn.done:
		fn.done <- err // for the cleanup
		if err == nil {
			t.Fatal("the bootstrap exited successfully without its configuration")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the bootstrap kept running without IPS_OIDC_ISSUER and IPS_OIDC_AUDIENCE")
	}
	if out := fn.logs.String(); !strings.Contains(out, "IPS_OIDC_ISSUER") {
		t.Errorf("its last words do not name the missing setting: %s", out)
	}
}
