package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/host"
	"github.com/jsipa/ips/shared/host/hosttest"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/testkit"
)

const (
	eventsDir = "../../events/annual-report"
	// The filing function's events put the agency on the register first (March 2027).
	filingEventsDir = "../../events/filing"

	// The agency the events report for, filed in 江阴 by events/filing, and one never filed.
	agencyUSCC  = "91320281MA20JY015Q"
	unfiledUSCC = "91320211MA20WX013C"
	reportYear  = 2027
)

// eventFiles lists the function's event files by name.
func eventFiles(t *testing.T) []string { return hosttest.EventNames(t, eventsDir) }

func TestEventFilesAreHTTPAPIPayloadV2Events(t *testing.T) {
	for _, name := range eventFiles(t) {
		t.Run(name, func(t *testing.T) {
			_, raw := hosttest.LoadEvent(t, eventsDir, name)
			testkit.CheckHTTPAPIEvent(t, raw)
		})
	}
}

func TestEveryEventTargetsARouteOfTheFunction(t *testing.T) {
	var routes []string
	for _, r := range httpapi.AnnualReport(httpapi.Deps{}).Routes() {
		routes = append(routes, r.Method+" "+r.Path)
	}
	for _, name := range eventFiles(t) {
		e, _ := hosttest.LoadEvent(t, eventsDir, name)
		if !slices.Contains(routes, e.RouteKey) {
			t.Errorf("%s.json: routeKey %q is not a route of the annual-report function %v", name, e.RouteKey, routes)
		}
	}
}

type lambdaHandler = func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// reportLambda is the annual-report function as a deployment builds it, beside the filing
// function on the same store, verifying tokens against the test's own signer on a clock the
// test moves.
type reportLambda struct {
	report, filing lambdaHandler
	store          domain.Store
	clock          *domain.SettableClock
	signer         *auth.Signer
	logs           *testkit.SyncBuffer
}

const (
	lambdaIssuer   = "https://id.example.gov.cn/realms/ips"
	lambdaAudience = "ips-api"
)

func newReportLambda(t *testing.T) *reportLambda {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	engine, err := policy.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signer := testkit.Signer(t, lambdaIssuer, lambdaAudience, "")
	clock := &domain.SettableClock{}
	logs := &testkit.SyncBuffer{}
	deps := httpapi.Deps{
		Store:  store,
		Authz:  engine,
		Policy: engine,
		Auth:   auth.NewStatic(lambdaIssuer, lambdaAudience, signer.PublicKeys(), clock.Now),
		Clock:  clock,
		Log:    slog.New(slog.NewJSONHandler(logs, nil)),
	}
	quiet := deps
	quiet.Log = slog.New(slog.DiscardHandler)
	return &reportLambda{report: host.LambdaHandler(httpapi.AnnualReport(deps)), filing: host.LambdaHandler(httpapi.Filing(quiet)),
		store: store, clock: clock, signer: signer, logs: logs}
}

// invoke sends an event file as API Gateway would at the instant the event records, with a
// fresh token for the principal its placeholder names.
func (f *reportLambda) invoke(t *testing.T, handle lambdaHandler, dir, name string) lambdaResponse {
	t.Helper()
	e, _ := hosttest.LoadEvent(t, dir, name)
	f.clock.Set(time.UnixMilli(e.RequestContext.TimeEpoch), true)
	if h, ok := e.Headers["authorization"]; ok {
		e.Headers["authorization"] = testkit.BearerFor(t, f.signer, h, f.clock.Now())
	}
	resp, err := handle(context.Background(), e)
	if err != nil {
		t.Fatalf("%s.json: the handler returned an error, which API Gateway turns into a bare 500: %v", name, err)
	}
	header := http.Header{}
	for k, v := range resp.Headers {
		header.Set(k, v)
	}
	if resp.IsBase64Encoded {
		t.Errorf("%s.json: a JSON answer came back base64-encoded", name)
	}
	return lambdaResponse{Status: resp.StatusCode, Header: header, Body: resp.Body, event: e}
}

type lambdaResponse struct {
	Status int
	Header http.Header
	Body   string
	event  events.APIGatewayV2HTTPRequest
}

func (r lambdaResponse) report(t *testing.T) domain.AnnualReport {
	t.Helper()
	var rep domain.AnnualReport
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	return rep
}

// receivedAt is when API Gateway received the event, as the platform states instants.
func (r lambdaResponse) receivedAt() string {
	return time.UnixMilli(r.event.RequestContext.TimeEpoch).In(domain.Shanghai).Format(time.RFC3339Nano)
}

func (r lambdaResponse) has(field, value string) bool {
	return strings.Contains(r.Body, `"`+field+`":"`+value+`"`)
}

func checkJSON(t *testing.T, r lambdaResponse, status int, version int64) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if got, want := r.Header.Get("ETag"), strconv.Quote(strconv.FormatInt(version, 10)); got != want {
		t.Errorf("ETag %s, want %s", got, want)
	}
}

func checkProblem(t *testing.T, r lambdaResponse, status int, code domain.Code) httpapi.Problem {
	t.Helper()
	if r.Status != status || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s %s, want a %d problem", r.Status, r.Header.Get("Content-Type"), r.Body, status)
	}
	var p httpapi.Problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil || p.Code != code {
		t.Fatalf("problem %s (%v), want code %s", r.Body, err, code)
	}
	return p
}

func historyActions(rep domain.AnnualReport) []string {
	var out []string
	for _, e := range rep.History {
		out = append(out, e.Action)
	}
	return out
}

// lifecycleStep is one invocation of an event file and what its caller must see. Steps of the
// filing function (filing: true) only set the scene.
type lifecycleStep struct {
	event  string
	filing bool
	check  func(t *testing.T, r lambdaResponse)
}

// lifecycle is a report's life told by the event files, in order: an agency never filed is
// refused; 江阴澄知 files (events/filing), reports its 2027 business on time, replaces it before
// review, is returned, corrects within the correction period (after the cutoff, still on
// time) and is accepted; then accepted is final.
func lifecycle() []lifecycleStep {
	var submitted, accepted lambdaResponse
	return []lifecycleStep{
		{"submit-report-unfiled", false, func(t *testing.T, r lambdaResponse) {
			p := checkProblem(t, r, http.StatusUnprocessableEntity, domain.CodeRuleRefused)
			if !strings.Contains(p.Detail, "备案") || r.Header.Get("ETag") != "" {
				t.Errorf("the refusal does not say the agency must file first: %s", r.Body)
			}
		}},
		{"file-agency", true, func(t *testing.T, r lambdaResponse) {
			if r.Status != http.StatusCreated {
				t.Fatalf("filing: %d %s", r.Status, r.Body)
			}
		}},
		{"review-accept", true, func(t *testing.T, r lambdaResponse) {
			if r.Status != http.StatusOK || !strings.Contains(r.Body, `"status":"accepted"`) {
				t.Fatalf("accepting the filing: %d %s", r.Status, r.Body)
			}
		}},
		{"submit-report", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusCreated, 1)
			if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/v1/agencies/%s/annual-reports/%d", agencyUSCC, reportYear) {
				t.Errorf("Location %q", loc)
			}
			rep := r.report(t)
			if rep.USCC != agencyUSCC || rep.Year != reportYear || rep.Division != "320281" || rep.Status != domain.ReportSubmitted || !rep.OnTime {
				t.Errorf("submitted: %s %d %s %s on_time %v", rep.USCC, rep.Year, rep.Division, rep.Status, rep.OnTime)
			}
			if !r.has("submitted_at", r.receivedAt()) || !r.has("first_submitted_at", r.receivedAt()) || !r.has("cutoff", "2028-02-01T00:00:00+08:00") {
				t.Errorf("instants are not the request's (%s) and the cutoff in +08:00: %s", r.receivedAt(), r.Body)
			}
			if len(rep.Report.Clients) != 3 || !rep.Report.ProvidesSciTechServices() || rep.Report.Serves(unfiledUSCC) {
				t.Errorf("report body %+v", rep.Report)
			}
			if fmt.Sprint(historyActions(rep)) != "[submit]" || rep.History[0].Actor.Subject != agencyUSCC {
				t.Errorf("history %+v", rep.History)
			}
			submitted = r
		}},
		{"resubmit-report", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK, 2)
			rep := r.report(t)
			if rep.Status != domain.ReportSubmitted || !rep.OnTime || len(rep.Report.Clients) != 4 || *rep.Report.TrademarkApplications != 91 {
				t.Errorf("resubmitted: %s on_time %v, %d clients", rep.Status, rep.OnTime, len(rep.Report.Clients))
			}
			if !r.has("first_submitted_at", submitted.receivedAt()) || !r.has("submitted_at", r.receivedAt()) {
				t.Errorf("first_submitted_at must stay %s, submitted_at become %s: %s", submitted.receivedAt(), r.receivedAt(), r.Body)
			}
		}},
		{"get-report", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK, 2)
			if rep := r.report(t); rep.Status != domain.ReportSubmitted || rep.USCC != agencyUSCC {
				t.Errorf("the officer reads %s %s", rep.USCC, rep.Status)
			}
		}},
		{"review-return", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK, 3)
			rep := r.report(t)
			if rep.Status != domain.ReportReturned || len(rep.ReturnReasons) != 1 || rep.ReturnReasons[0].Field != "/revenue_fen" {
				t.Errorf("returned: %s %+v", rep.Status, rep.ReturnReasons)
			}
			// 15 days of policy data from the day after the return (26 January to 9 February).
			if !r.has("correction_due", "2028-02-10T00:00:00+08:00") || !r.has("returned_at", r.receivedAt()) {
				t.Errorf("correction_due or returned_at: %s", r.Body)
			}
			last := rep.History[len(rep.History)-1]
			if last.Action != domain.ReportActionReturn || last.Actor.Role != domain.RoleCityOfficer || last.Actor.Division != "320281" {
				t.Errorf("last history entry %+v", last)
			}
		}},
		{"correct-report", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK, 4)
			rep := r.report(t)
			if rep.Status != domain.ReportSubmitted || *rep.Report.RevenueFen != 412870000 || rep.ReturnReasons != nil || !rep.CorrectionDue.IsZero() {
				t.Errorf("corrected: %s revenue %d", rep.Status, *rep.Report.RevenueFen)
			}
			// After the cutoff, but within the correction period: the first stamp stands.
			if !rep.OnTime || !rep.SubmittedAt.After(domain.CutoffFor(reportYear)) {
				t.Errorf("on_time %v at %s", rep.OnTime, rep.SubmittedAt)
			}
		}},
		{"review-accept", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK, 5)
			rep := r.report(t)
			if rep.Status != domain.ReportAccepted || !rep.OnTime || !r.has("accepted_at", r.receivedAt()) {
				t.Errorf("accepted: %s on_time %v: %s", rep.Status, rep.OnTime, r.Body)
			}
			if got := fmt.Sprint(historyActions(rep)); got != "[submit resubmit return correct accept]" {
				t.Errorf("history %s", got)
			}
			accepted = r
		}},
		// Lambda and the client both retry; the Idempotency-Key makes a retry harmless.
		{"review-accept", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK, 5)
			if r.Header.Get("Idempotent-Replayed") != "true" || r.Body != accepted.Body {
				t.Errorf("a retry of the review was not replayed: %s", r.Body)
			}
		}},
		// Accepted is final.
		{"resubmit-report", false, func(t *testing.T, r lambdaResponse) {
			checkProblem(t, r, http.StatusConflict, domain.CodeConflict)
		}},
		{"get-report", false, func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK, 5)
			if rep := r.report(t); rep.Status != domain.ReportAccepted || *rep.Report.RevenueFen != 412870000 {
				t.Errorf("after the refused resubmission: %s revenue %d", rep.Status, *rep.Report.RevenueFen)
			}
		}},
	}
}

func TestEveryEventFileIsPartOfTheLifecycle(t *testing.T) {
	used := map[string]bool{}
	for _, s := range lifecycle() {
		if !s.filing {
			used[s.event] = true
		}
	}
	for _, name := range eventFiles(t) {
		if !used[name] {
			t.Errorf("events/annual-report/%s.json has no expectation: add it to lifecycle()", name)
		}
		delete(used, name)
	}
	for name := range used {
		t.Errorf("lifecycle() sends %s.json, which is not in events/annual-report", name)
	}
}

func TestEventFilesWalkAReportThroughItsLifecycle(t *testing.T) {
	f := newReportLambda(t)
	var requestIDs []string
	for i, s := range lifecycle() {
		handle, dir := f.report, eventsDir
		if s.filing {
			handle, dir = f.filing, filingEventsDir
		}
		r := f.invoke(t, handle, dir, s.event)
		ok := t.Run(fmt.Sprintf("%02d-%s", i+1, s.event), func(t *testing.T) { s.check(t, r) })
		if !ok {
			t.Fatalf("stopped at %s: later steps depend on it", s.event)
		}
		if s.filing {
			continue
		}
		// The id operators quote is API Gateway's own, so its access log and ours correlate.
		if id := r.Header.Get("X-Request-Id"); id == r.event.RequestContext.RequestID {
			requestIDs = append(requestIDs, id)
		} else {
			t.Errorf("%s: X-Request-Id %q, want API Gateway's %q", s.event, id, r.event.RequestContext.RequestID)
		}
	}

	// Every client of the report is linked to the agency for the year, for eligibility queries;
	// the agency that was refused linked nobody.
	page, err := f.store.Query(context.Background(), domain.Query{Collection: domain.ClientLinkCollection})
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, it := range page.Items {
		links = append(links, it.Key)
	}
	want := []string{
		"320281198605120030#2027#" + agencyUSCC,
		"91320281MA1HC7Q20K#2027#" + agencyUSCC,
		"91320281MA1P3RWY3C#2027#" + agencyUSCC,
		"91320281MA27XK8D9N#2027#" + agencyUSCC,
	}
	if !slices.Equal(links, want) {
		t.Errorf("client links %v, want %v", links, want)
	}

	// Operators read these lines; they must be JSON, name the function, and carry ids only.
	sc := bufio.NewScanner(bytes.NewReader(f.logs.Bytes()))
	lines := 0
	for sc.Scan() {
		var line struct {
			Msg       string `json:"msg"`
			Function  string `json:"function"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Errorf("log line is not JSON: %s", sc.Text())
			continue
		}
		if line.Msg != "request" {
			continue
		}
		lines++
		if line.Function != "annual-report" || !slices.Contains(requestIDs, line.RequestID) {
			t.Errorf("request log line without the function or the request id it answered with: %s", sc.Text())
		}
	}
	if lines != len(requestIDs) {
		t.Errorf("%d request log lines for %d requests", lines, len(requestIDs))
	}
	for _, personal := range []string{"320281198605120030", "顾建国"} {
		if strings.Contains(f.logs.String(), personal) {
			t.Errorf("the log contains personal data %q", personal)
		}
	}
}
