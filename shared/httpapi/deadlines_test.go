package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// deadlineWorld is the platform around the 31 January deadline: filings, reports and the
// deadline function on one store.
type deadlineWorld struct {
	*harness
	officer, scheduler string
}

func newDeadlineWorld(t *testing.T) *deadlineWorld {
	h := newHarness(t, httpapi.DeadlineJan31, httpapi.Filing, httpapi.AnnualReport)
	return &deadlineWorld{harness: h,
		officer:   h.token(domain.RoleCityOfficer, "officer-7", "320281"),
		scheduler: h.token(domain.RoleScheduler, "cron-ops-01", ""),
	}
}

// at moves the clock; tokens are valid for an hour from when they were signed, so the world
// signs fresh ones.
func (w *deadlineWorld) at(t time.Time) {
	w.clock.Set(t, true)
	w.officer = w.token(domain.RoleCityOfficer, "officer-7", "320281")
	w.scheduler = w.token(domain.RoleScheduler, "cron-ops-01", "")
}

// beijing reads a wall-clock time in Asia/Shanghai.
func beijing(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999", s, domain.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// accepted files an agency of 江阴 and has it accepted, at the clock's time.
func (w *deadlineWorld) accepted(t *testing.T, body8 string) string {
	t.Helper()
	code := uscc(t, "320281", body8)
	agency := w.token(domain.RoleAgency, code, "")
	w.expect(w.do("POST", "/v1/agencies", agency, filingBody(code, "代理机构"+body8, "320281")), http.StatusCreated)
	w.expect(w.do("POST", "/v1/agencies/"+code+"/review", w.officer, map[string]any{"outcome": "accept"}), http.StatusOK)
	return code
}

// report submits the agency's report for year at the clock's time.
func (w *deadlineWorld) report(t *testing.T, code string, year int) {
	t.Helper()
	agency := w.token(domain.RoleAgency, code, "")
	client := uscc(t, "320281", "CL"+code[10:16])
	w.expect(w.do("PUT", fmt.Sprintf("/v1/agencies/%s/annual-reports/%d", code, year), agency, reportBody(client)), http.StatusCreated)
}

func (w *deadlineWorld) run(t *testing.T, year int) domain.DeadlineRun {
	t.Helper()
	r := w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "jan31", "year": year}), http.StatusOK)
	var run domain.DeadlineRun
	if err := json.Unmarshal(r.body, &run); err != nil {
		t.Fatal(err)
	}
	return run
}

// sanctions lists every sanction in the store.
func (w *deadlineWorld) sanctions(t *testing.T) []*domain.Sanction {
	t.Helper()
	repo := domain.Repo[domain.Sanction, *domain.Sanction]{Store: w.store, Collection: "sanctions"}
	all, _, err := repo.Query(context.Background(), domain.Query{Limit: domain.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func sanctionID(code string, year int) string {
	return domain.SanctionID(code, domain.TriggerReportNotOnTime, year, "")
}

func TestTheDeadlineCannotBeRunBeforeItsCutoff(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2027-01-31T23:59:59.999"))
	r := w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "jan31", "year": 2027}), http.StatusConflict)
	if p := r.json(t); p["code"] != "conflict" {
		t.Errorf("problem %v", p)
	}
	w.at(beijing("2027-02-01T00:00:00"))
	if run := w.run(t, 2027); run.Status != domain.RunCompleted || !run.Cutoff.Equal(beijing("2027-02-01T00:00:00")) {
		t.Errorf("at the cutoff: %+v", run)
	}
}

// The heart of the regulation: on the cutoff night, who owes what, judged by the cutoff
// instant even when the run comes days late.
func TestADelayedRunDecidesAsAtTheCutoff(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2026-03-10T09:00:00"))
	onTime := w.accepted(t, "MA20AA01")
	lastSecond := w.accepted(t, "MA20AA02")
	late := w.accepted(t, "MA20AA03")
	missing := w.accepted(t, "MA20AA04")
	w.at(beijing("2026-12-31T23:59:59.999")) // accepted on 31 December: owes the 2026 report
	newYearsEve := w.accepted(t, "MA20AA05")
	w.at(beijing("2027-01-01T00:00:00")) // accepted on 1 January: owes nothing for 2026
	newYear := w.accepted(t, "MA20AA06")

	w.at(beijing("2027-01-20T10:00:00"))
	w.report(t, onTime, 2026)
	w.report(t, newYearsEve, 2026)
	w.at(beijing("2027-01-31T23:59:59.999"))
	w.report(t, lastSecond, 2026)
	w.at(beijing("2027-02-01T00:00:00"))
	w.report(t, late, 2026) // the first instant that is late

	// EventBridge was down; the run comes on 3 February.
	w.at(beijing("2027-02-03T08:30:00"))
	run := w.run(t, 2027)

	want := []string{sanctionID(late, 2026), sanctionID(missing, 2026)}
	slices.Sort(want)
	if !slices.Equal(run.Created, want) {
		t.Errorf("created %v, want the late and the missing reports' sanctions %v", run.Created, want)
	}
	wantCounts := map[string]int{"agencies": 6, "owing": 5, "on_time": 3, "late": 1, "missing": 1, "sanctions": 2}
	for k, v := range wantCounts {
		if run.Counts[k] != v {
			t.Errorf("count %s = %d, want %d (all: %v)", k, run.Counts[k], v, run.Counts)
		}
	}
	for _, s := range w.sanctions(t) {
		if s.Year != 2027 || s.FailureYear != 2026 || s.Trigger != domain.TriggerReportNotOnTime || s.PolicyVersion == "" ||
			s.DecidedBy.Role != domain.RoleScheduler || s.Basis == "" || len(s.Input) == 0 {
			t.Errorf("sanction %+v: want report_not_on_time for 2026 taking effect in 2027, with basis, policy version, input and the scheduler as decider", s)
		}
		if s.Agency == newYear || s.Agency == onTime || s.Agency == lastSecond || s.Agency == newYearsEve {
			t.Errorf("%s was sanctioned, but it owed nothing or reported on time", s.Agency)
		}
	}
}

func TestRepeatedAndConcurrentRunsCreateEachSanctionOnce(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2026-06-01T09:00:00"))
	a := w.accepted(t, "MA20BB01")
	b := w.accepted(t, "MA20BB02")
	w.at(beijing("2027-02-01T00:00:07"))

	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(t, 2027)
		}()
	}
	wg.Wait()
	run := w.run(t, 2027) // and once more, later

	if got := w.sanctions(t); len(got) != 2 {
		t.Fatalf("%d sanctions after five runs, want 2 (one per agency)", len(got))
	}
	want := []string{sanctionID(a, 2026), sanctionID(b, 2026)}
	slices.Sort(want)
	if !slices.Equal(run.Created, want) || len(run.Triggers) != 5 || run.Status != domain.RunCompleted {
		t.Errorf("run created %v with %d starts (%s); want %v and 5", run.Created, len(run.Triggers), run.Status, want)
	}
	list := w.expect(w.do("GET", "/v1/deadline-runs?deadline=jan31&year=2027", w.officer, nil), http.StatusOK)
	var runs httpapi.List[domain.DeadlineRun]
	if err := json.Unmarshal(list.body, &runs); err != nil || len(runs.Items) != 1 {
		t.Fatalf("runs listed: %s", list.body)
	}
}

// failingStore fails sanction creates after the first few, as a crash mid-run would leave it.
type failingStore struct {
	domain.Store
	mu    sync.Mutex
	left  int
	armed bool
}

func (s *failingStore) Create(ctx context.Context, it domain.Item) (domain.Item, error) {
	s.mu.Lock()
	if s.armed && it.Collection == "sanctions" {
		if s.left == 0 {
			s.mu.Unlock()
			return domain.Item{}, errors.New("connection reset by peer")
		}
		s.left--
	}
	s.mu.Unlock()
	return s.Store.Create(ctx, it)
}

func TestARunCutShortResumesAndCompletes(t *testing.T) {
	var store *failingStore
	h := newHarness(t, func(d httpapi.Deps) *httpapi.Function {
		store = &failingStore{Store: d.Store}
		d.Store = store
		return httpapi.DeadlineJan31(d)
	}, httpapi.Filing)
	w := &deadlineWorld{harness: h}
	w.at(beijing("2026-06-01T09:00:00"))
	codes := []string{w.accepted(t, "MA20CC01"), w.accepted(t, "MA20CC02"), w.accepted(t, "MA20CC03")}
	w.at(beijing("2027-02-01T00:00:00"))

	store.armed, store.left = true, 1
	w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "jan31", "year": 2027}), http.StatusInternalServerError)
	if got := w.sanctions(t); len(got) != 1 {
		t.Fatalf("%d sanctions after the crash, want the 1 created before it", len(got))
	}
	store.armed = false
	run := w.run(t, 2027)
	if got := w.sanctions(t); len(got) != 3 || len(run.Created) != 3 || run.Status != domain.RunCompleted {
		t.Fatalf("after resuming: %d sanctions, run %+v; want all 3, completed", len(got), run)
	}
	for _, c := range codes {
		if !slices.Contains(run.Created, sanctionID(c, 2026)) {
			t.Errorf("the run record does not list %s's sanction", c)
		}
	}
}

// EventBridge Scheduler's invocation names the instant it was scheduled for; a retry a day
// later judges the same deadline.
func TestTheScheduledJobJudgesTheDeadlineItWasScheduledFor(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2026-06-01T09:00:00"))
	code := w.accepted(t, "MA20DD01")
	w.at(beijing("2027-02-02T03:00:00"))
	fn := httpapi.DeadlineJan31(httpapi.Deps{Store: w.store, Authz: engine, Policy: engine, Clock: w.clock, Log: slog.New(slog.DiscardHandler)})
	out, err := fn.RunScheduled(context.Background(), httpapi.JobJan31, time.Date(2027, 1, 31, 16, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	run := out.(*domain.DeadlineRun)
	if run.Year != 2027 || !slices.Equal(run.Created, []string{sanctionID(code, 2026)}) || run.Triggers[0].Via != "schedule" {
		t.Errorf("scheduled run %+v", run)
	}
	if due := fn.Jobs()[httpapi.JobJan31].LatestDue(beijing("2027-06-30T12:00:00")); !due.Equal(beijing("2027-02-01T00:00:00")) {
		t.Errorf("latest due on 30 June 2027: %s, want 1 February 2027 00:00 +08:00", due)
	}
	if due := fn.Jobs()[httpapi.JobJan31].LatestDue(beijing("2027-01-31T23:59:59.999")); !due.Equal(beijing("2026-02-01T00:00:00")) {
		t.Errorf("latest due just before the 2027 cutoff: %s, want 2026's", due)
	}
}

func TestOnlySchedulersAndOfficersRunDeadlines(t *testing.T) {
	w := newDeadlineWorld(t)
	w.at(beijing("2027-02-01T00:00:00"))
	agency := w.token(domain.RoleAgency, uscc(t, "320281", "MA20EE01"), "")
	w.expect(w.do("POST", "/v1/deadline-runs", agency, map[string]any{"deadline": "jan31", "year": 2027}), http.StatusForbidden)
	w.expect(w.do("GET", "/v1/deadline-runs", agency, nil), http.StatusForbidden)
	w.expect(w.do("POST", "/v1/deadline-runs", "", map[string]any{"deadline": "jan31", "year": 2027}), http.StatusUnauthorized)
	r := w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "dec31", "year": 99}), http.StatusUnprocessableEntity)
	if got := r.fields(t); !slices.Equal(got, []string{"/deadline", "/year"}) {
		t.Errorf("bad fields %v, want /deadline and /year", got)
	}
	if got := w.sanctions(t); len(got) != 0 {
		t.Errorf("refused runs left %d sanctions", len(got))
	}
}
