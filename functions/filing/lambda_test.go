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
	"github.com/jsipa/ips/shared/violations"
)

const (
	eventsDir = "../../events/filing"

	// The agency the event files speak for, and one they do not.
	agencyUSCC = "91320281MA20JY015Q"
	otherUSCC  = "91320211MA20WX013C"

	// What the event files' filing body says, and so what must or must not show where.
	agencyName   = "江阴澄知知识产权代理有限公司"
	filedAddress = "江苏省江阴市澄江街道长江路 168 号 5 楼"
	newAddress   = "江苏省江阴市澄江街道人民东路 299 号 12 楼"
	contactPhone = "0510-86801234"
	contactEmail = "filing@chengzhi-ip.example.cn"
)

// The filing's personal data, by value and by field name: none of it may reach the public
// register, and no value may reach a log line.
var (
	personalValues = []string{contactPhone, contactEmail, "1132019876", "TM-2021-04417"}
	personalFields = []string{`"contact_phone"`, `"contact_email"`, `"qualification_no"`}
)

// eventFiles lists the function's event files by name.
func eventFiles(t *testing.T) []string { return hosttest.EventNames(t, eventsDir) }

// Each file is what an HTTP API delivers (testkit holds the checks every function's events
// share); loadEvent has already decoded it strictly into the Lambda event type.
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
	for _, r := range httpapi.Filing(httpapi.Deps{}).Routes() {
		routes = append(routes, r.Method+" "+r.Path)
	}
	for _, name := range eventFiles(t) {
		e, _ := hosttest.LoadEvent(t, eventsDir, name)
		if !slices.Contains(routes, e.RouteKey) {
			t.Errorf("%s.json: routeKey %q is not a route of the filing function %v", name, e.RouteKey, routes)
		}
	}
}

// filingLambda is the filing function as a deployment builds it, but verifying tokens against
// the test's own signer and on a clock the test moves.
type filingLambda struct {
	handle func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
	clock  *domain.SettableClock
	signer *auth.Signer
	logs   *bytes.Buffer
}

const (
	lambdaIssuer   = "https://id.example.gov.cn/realms/ips"
	lambdaAudience = "ips-api"
)

func newFilingLambda(t *testing.T) *filingLambda {
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
	logs := &bytes.Buffer{}
	fn := httpapi.Filing(httpapi.Deps{
		Store:  store,
		Authz:  engine,
		Policy: engine,
		Auth:   auth.NewStatic(lambdaIssuer, lambdaAudience, signer.PublicKeys(), clock.Now),
		Clock:  clock,
		Log:    slog.New(slog.NewJSONHandler(logs, nil)),
	})
	return &filingLambda{handle: host.LambdaHandler(fn), clock: clock, signer: signer, logs: logs}
}

// invoke sends an event file as API Gateway would at the instant the event records, with a
// fresh token for the principal its placeholder names.
func (f *filingLambda) invoke(t *testing.T, name string) lambdaResponse {
	t.Helper()
	e, _ := hosttest.LoadEvent(t, eventsDir, name)
	f.clock.Set(time.UnixMilli(e.RequestContext.TimeEpoch), true)
	if h, ok := e.Headers["authorization"]; ok {
		e.Headers["authorization"] = testkit.BearerFor(t, f.signer, h, f.clock.Now())
	}
	resp, err := f.handle(context.Background(), e)
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

func (r lambdaResponse) decode(t *testing.T, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
}

func (r lambdaResponse) agency(t *testing.T) domain.Agency {
	t.Helper()
	var a domain.Agency
	r.decode(t, &a)
	return a
}

// receivedAt is when API Gateway received the event, as the platform states instants.
func (r lambdaResponse) receivedAt() string {
	return time.UnixMilli(r.event.RequestContext.TimeEpoch).In(domain.Shanghai).Format(time.RFC3339Nano)
}

func checkJSON(t *testing.T, r lambdaResponse, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

func checkETag(t *testing.T, r lambdaResponse, version int64) {
	t.Helper()
	if got, want := r.Header.Get("ETag"), strconv.Quote(strconv.FormatInt(version, 10)); got != want {
		t.Errorf("ETag %s, want %s", got, want)
	}
}

func checkNoPersonalData(t *testing.T, body string) {
	t.Helper()
	for _, s := range slices.Concat(personalValues, personalFields) {
		if strings.Contains(body, s) {
			t.Errorf("the public answer contains %s: %s", s, body)
		}
	}
}

// lifecycleStep is one invocation of an event file and what its caller must see.
type lifecycleStep struct {
	event string
	check func(t *testing.T, r lambdaResponse)
}

// lifecycle is the filing's life told by the event files, in order. Some files are sent again
// to show what a retry or a later reader sees.
func lifecycle() []lifecycleStep {
	var filed lambdaResponse
	return []lifecycleStep{
		{"file-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusCreated)
			checkETag(t, r, 1)
			if loc := r.Header.Get("Location"); loc != "/v1/agencies/"+agencyUSCC {
				t.Errorf("Location %q", loc)
			}
			a := r.agency(t)
			if a.USCC != agencyUSCC || a.Status != domain.AgencySubmitted || a.FilingNo != "" || a.Registered != nil {
				t.Errorf("filed: uscc %s, status %s, filing_no %q, registered %v", a.USCC, a.Status, a.FilingNo, a.Registered != nil)
			}
			if !strings.Contains(r.Body, `"submitted_at":"`+r.receivedAt()+`"`) {
				t.Errorf("submitted_at is not the instant of the request (%s) in +08:00: %s", r.receivedAt(), r.Body)
			}
			if len(a.History) != 1 || a.History[0].Action != domain.ActionFile || a.History[0].Actor.Subject != agencyUSCC {
				t.Errorf("history %+v, want the filing by the agency", a.History)
			}
			filed = r
		}},
		// Lambda and the client both retry; the Idempotency-Key makes a retry harmless.
		{"file-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusCreated)
			if r.Header.Get("Idempotent-Replayed") != "true" || r.Body != filed.Body {
				t.Errorf("a retry of the filing was not replayed: %s %s", r.Header.Get("Idempotent-Replayed"), r.Body)
			}
		}},
		{"get-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			checkETag(t, r, 1)
			a := r.agency(t)
			if a.Status != domain.AgencySubmitted || a.Filing.Name != agencyName {
				t.Errorf("status %s, name %q", a.Status, a.Filing.Name)
			}
			if a.Filing.ContactPhone != contactPhone || a.Filing.Practitioners[0].QualificationNo == "" {
				t.Error("the owner does not see its own contact details and qualification numbers")
			}
		}},
		{"list-submitted", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			var l httpapi.List[domain.Agency]
			r.decode(t, &l)
			if len(l.Items) != 1 || l.Items[0].USCC != agencyUSCC || l.Items[0].Status != domain.AgencySubmitted {
				t.Errorf("the officer's queue is %+v, want the one submitted filing", l.Items)
			}
			if l.NextCursor != "" {
				t.Errorf("next_cursor %q on the only page", l.NextCursor)
			}
		}},
		{"review-accept", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			checkETag(t, r, 2)
			a := r.agency(t)
			if a.Status != domain.AgencyAccepted || a.FilingNo != "320281-2027-00001" {
				t.Errorf("status %s, filing_no %q; want accepted with the district's first 2027 number", a.Status, a.FilingNo)
			}
			if a.Registered == nil || a.Registered.Address != filedAddress {
				t.Error("the accepted filing is not what the register shows")
			}
			if !strings.Contains(r.Body, `"accepted_at":"`+r.receivedAt()+`"`) {
				t.Errorf("accepted_at is not the instant of the review (%s)", r.receivedAt())
			}
			last := a.History[len(a.History)-1]
			if last.Action != domain.ActionAccept || last.Actor.Role != domain.RoleCityOfficer || last.Actor.Division != "320281" {
				t.Errorf("last history entry %+v, want the city officer's acceptance", last)
			}
		}},
		// A violation recorded by the city officer produces the sanction the policy decides.
		{"record-violation", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusCreated)
			var v violations.Recorded
			r.decode(t, &v)
			if v.ID == "" || v.Agency != agencyUSCC || v.Kind != domain.TriggerSciTechProjectServices {
				t.Errorf("violation %+v", v)
			}
			if len(v.Sanctions) != 1 || v.Sanctions[0].Year != 2025 || v.Sanctions[0].Basis == "" ||
				v.Sanctions[0].ID != domain.SanctionID(agencyUSCC, domain.TriggerSciTechProjectServices, 2025, v.ID) {
				t.Errorf("sanctions %+v, want the one the policy decides for 2025", v.Sanctions)
			}
		}},
		// An enterprise rates the agency, but no annual report of the agency lists it as a
		// client (none exists yet): for it the relation does not exist, so 404, as for a missing
		// agency. A client's rating is in shared/httpapi/ratings_test.go.
		{"rate-agency", func(t *testing.T, r lambdaResponse) {
			if r.Status != http.StatusNotFound || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("a rating by an entity the agency did not report: %d %s %s, want a 404 problem",
					r.Status, r.Header.Get("Content-Type"), r.Body)
			}
		}},
		{"public-register", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=60" {
				t.Errorf("Cache-Control %q: the register is public and cacheable", cc)
			}
			var l httpapi.List[domain.PublicAgency]
			r.decode(t, &l)
			if len(l.Items) != 1 || l.Items[0].USCC != agencyUSCC || l.Items[0].FilingNo != "320281-2027-00001" ||
				l.Items[0].Status != domain.AgencyAccepted || l.Items[0].Name != agencyName {
				t.Errorf("register %+v, want the accepted agency", l.Items)
			}
			checkNoPersonalData(t, r.Body)
		}},
		{"public-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			var p domain.PublicAgencyDetail
			r.decode(t, &p)
			if p.USCC != agencyUSCC || p.Status != domain.AgencyAccepted || p.Address != filedAddress || len(p.Practitioners) != 2 {
				t.Errorf("register entry %+v", p)
			}
			// Accepted in 2027, so no year's report is owed yet; the sci-tech sanction is not a
			// public one; the one rating was refused.
			if p.Reports == nil || len(p.Reports) != 0 || p.PublicSanctions == nil || len(p.PublicSanctions) != 0 || p.Rating.Count != 0 {
				t.Errorf("reports %v, public sanctions %v, rating %+v; want none of each", p.Reports, p.PublicSanctions, p.Rating)
			}
			checkNoPersonalData(t, r.Body)
		}},
		{"amend-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			checkETag(t, r, 3)
			a := r.agency(t)
			if a.Status != domain.AgencySubmitted || a.Filing.Address != newAddress || a.FilingNo != "320281-2027-00001" {
				t.Errorf("amended: status %s, address %q, filing_no %q", a.Status, a.Filing.Address, a.FilingNo)
			}
			if a.Registered == nil || a.Registered.Address != filedAddress {
				t.Error("an amendment under review replaced what the register shows")
			}
		}},
		// The same If-Match again is now stale: nobody overwrites a version they have not seen.
		{"amend-agency", func(t *testing.T, r lambdaResponse) {
			if r.Status != http.StatusConflict || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("stale If-Match: %d %s %s, want a 409 problem", r.Status, r.Header.Get("Content-Type"), r.Body)
			}
		}},
		// While the amendment awaits review the agency stays on the register as accepted.
		{"public-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			var p domain.PublicAgencyDetail
			r.decode(t, &p)
			if p.Status != domain.AgencyAccepted || p.Address != filedAddress {
				t.Errorf("during the amendment the register shows %s at %q", p.Status, p.Address)
			}
		}},
		{"deregister-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			checkETag(t, r, 4)
			a := r.agency(t)
			if a.Status != domain.AgencyDeregistered {
				t.Errorf("status %s, want deregistered", a.Status)
			}
			if !strings.Contains(r.Body, `"deregistered_at":"`+r.receivedAt()+`"`) {
				t.Errorf("deregistered_at is not the instant of the request (%s)", r.receivedAt())
			}
		}},
		// A deregistered agency stays on the register so the public can see the filing ended.
		{"public-agency", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			var p domain.PublicAgencyDetail
			r.decode(t, &p)
			if p.Status != domain.AgencyDeregistered || p.FilingNo != "320281-2027-00001" {
				t.Errorf("after deregistration the register shows %s, %q", p.Status, p.FilingNo)
			}
			checkNoPersonalData(t, r.Body)
		}},
		// The provincial data platform follows the feed: the lifecycle's changes, in order.
		{"change-feed", func(t *testing.T, r lambdaResponse) {
			checkJSON(t, r, http.StatusOK)
			var page domain.ChangePage
			r.decode(t, &page)
			var got []string
			for _, c := range page.Items {
				got = append(got, c.Kind+" "+c.RecordID)
			}
			sanction := domain.SanctionID(agencyUSCC, domain.TriggerSciTechProjectServices, 2025, "")
			want := []string{"filing.accepted " + agencyUSCC, "sanction.created " + sanction, "filing.deregistered " + agencyUSCC}
			if len(got) != 3 || got[0] != want[0] || !strings.HasPrefix(got[1], want[1]) || got[2] != want[2] || page.NextCursor != "3" {
				t.Errorf("feed %v (next %s), want %v", got, page.NextCursor, want)
			}
		}},
	}
}

func TestEveryEventFileIsPartOfTheLifecycle(t *testing.T) {
	used := map[string]bool{}
	for _, s := range lifecycle() {
		used[s.event] = true
	}
	for _, name := range eventFiles(t) {
		if !used[name] {
			t.Errorf("events/filing/%s.json has no expectation: add it to lifecycle()", name)
		}
		delete(used, name)
	}
	for name := range used {
		t.Errorf("lifecycle() sends %s.json, which is not in events/filing", name)
	}
}

func TestEventFilesWalkAFilingThroughItsLifecycle(t *testing.T) {
	f := newFilingLambda(t)
	var requestIDs []string
	for i, s := range lifecycle() {
		r := f.invoke(t, s.event)
		ok := t.Run(fmt.Sprintf("%02d-%s", i+1, s.event), func(t *testing.T) { s.check(t, r) })
		// The id operators quote is API Gateway's own, so its access log and ours correlate.
		if id := r.Header.Get("X-Request-Id"); id == r.event.RequestContext.RequestID {
			requestIDs = append(requestIDs, id)
		} else {
			t.Errorf("%s: X-Request-Id %q, want API Gateway's %q", s.event, id, r.event.RequestContext.RequestID)
		}
		if !ok {
			t.Fatalf("stopped at %s: later steps depend on it", s.event)
		}
	}

	// Operators read these lines; they must be JSON, name the function, and carry ids only.
	sc := bufio.NewScanner(bytes.NewReader(f.logs.Bytes()))
	lines := 0
	for sc.Scan() {
		var line struct {
			Msg       string `json:"msg"`
			Function  string `json:"function"`
			RequestID string `json:"request_id"`
			Status    int    `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Errorf("log line is not JSON: %s", sc.Text())
			continue
		}
		if line.Msg != "request" {
			continue
		}
		lines++
		if line.Function != "filing" || !slices.Contains(requestIDs, line.RequestID) {
			t.Errorf("request log line without the function or the request id it answered with: %s", sc.Text())
		}
	}
	if lines != len(requestIDs) {
		t.Errorf("%d request log lines for %d requests", lines, len(requestIDs))
	}
	for _, s := range personalValues {
		if strings.Contains(f.logs.String(), s) {
			t.Errorf("the log contains personal data %q", s)
		}
	}
}
