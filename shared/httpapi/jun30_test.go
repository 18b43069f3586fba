package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// roundWorld is the 30 June cutoff: applications of a round written straight to the store (the
// application routes are the cluster-application function's), the deadline-jan31 function that
// serves POST /v1/deadline-runs, and the scheduled deadline-jun30 function, on one store.
type roundWorld struct {
	*harness
	jun30     *httpapi.Function
	notifier  *recordingNotifier
	scheduler string
}

func newRoundWorld(t *testing.T, wrap func(domain.Store) domain.Store) *roundWorld {
	rec := &recordingNotifier{}
	var jun30 *httpapi.Function
	h := newHarness(t, func(d httpapi.Deps) *httpapi.Function {
		if wrap != nil {
			d.Store = wrap(d.Store)
		}
		d.Notifier = rec
		jun30 = httpapi.DeadlineJun30(d)
		return httpapi.DeadlineJan31(d)
	})
	w := &roundWorld{harness: h, jun30: jun30, notifier: rec}
	w.at(w.clock.Now())
	return w
}

func (w *roundWorld) at(t time.Time) {
	w.clock.Set(t, true)
	w.scheduler = w.token(domain.RoleScheduler, "cron-ops-01", "")
}

func (w *roundWorld) applications() domain.Repo[domain.ClusterApplication, *domain.ClusterApplication] {
	return domain.Repo[domain.ClusterApplication, *domain.ClusterApplication]{Store: w.store, Collection: domain.ClusterApplicationCollection}
}

// application stores an application of county for year in status.
func (w *roundWorld) application(t *testing.T, county string, year int, status domain.ClusterStatus) string {
	t.Helper()
	a := &domain.ClusterApplication{}
	id := fmt.Sprintf("ca-%d-%s", year, county)
	a.Create(id, domain.ClusterApplicationBody{Year: year, CountyCode: county, ZoneName: county + "知识产权服务业集聚区"},
		domain.Actor{Role: domain.RoleCountyGovernment, Subject: county, Division: county}, beijing(fmt.Sprintf("%d-03-01T10:00:00", year)))
	a.Status = status
	if err := w.applications().Create(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *roundWorld) get(t *testing.T, id string) *domain.ClusterApplication {
	t.Helper()
	a, err := w.applications().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *roundWorld) closeRound(t *testing.T, year int) domain.DeadlineRun {
	t.Helper()
	r := w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "jun30", "year": year}), http.StatusOK)
	var run domain.DeadlineRun
	if err := json.Unmarshal(r.body, &run); err != nil {
		t.Fatal(err)
	}
	return run
}

func (w *roundWorld) notices(t *testing.T) []*domain.Notice {
	t.Helper()
	all, _, err := domain.Repo[domain.Notice, *domain.Notice]{Store: w.store, Collection: domain.NoticeCollection}.
		Query(context.Background(), domain.Query{Limit: domain.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func closeEvents(a *domain.ClusterApplication) int {
	n := 0
	for _, e := range a.History {
		if e.Action == "close_round" {
			n++
		}
	}
	return n
}

// The round closes at 1 July 00:00: not a millisecond before; recommended applications go to
// provincial review, every other open one misses the round with a notice naming the next
// cutoff; four runs at once and one more later change each application once and notify once.
func TestTheRoundClosesAtOneJulyMidnightOnce(t *testing.T) {
	w := newRoundWorld(t, nil)
	recommended := w.application(t, "320281", 2027, domain.ClusterRecommended)
	submitted := w.application(t, "320282", 2027, domain.ClusterSubmitted)
	draft := w.application(t, "320211", 2027, domain.ClusterDraft)
	returned := w.application(t, "320505", 2027, domain.ClusterReturned)
	lastYear := w.application(t, "320283", 2026, domain.ClusterRecommended)

	w.at(beijing("2027-06-30T23:59:59.999"))
	r := w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "jun30", "year": 2027}), http.StatusConflict)
	if p := r.json(t); p["code"] != "conflict" || !strings.Contains(fmt.Sprint(p["detail"]), "2027-07-01") {
		t.Errorf("before the cutoff: %v", p)
	}
	if a := w.get(t, submitted); a.Status != domain.ClusterSubmitted {
		t.Fatalf("a refused run moved %s to %s", submitted, a.Status)
	}

	w.at(beijing("2027-07-01T00:00:00"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.closeRound(t, 2027)
		}()
	}
	wg.Wait()
	w.at(beijing("2027-07-03T08:00:00")) // and once more, days later
	run := w.closeRound(t, 2027)

	want := sorted(recommended, submitted, draft, returned)
	if run.ID != "jun30#2027" || run.Status != domain.RunCompleted || !slices.Equal(run.Created, want) || len(run.Triggers) != 5 ||
		!run.Cutoff.Equal(beijing("2027-07-01T00:00:00")) {
		t.Errorf("run %+v; want jun30#2027 completed with 5 starts, cutoff 1 July 00:00, moving %v", run, want)
	}
	if run.Counts["applications"] != 4 || run.Counts["under_review"] != 1 || run.Counts["missed_round"] != 3 {
		t.Errorf("counts %v", run.Counts)
	}
	for id, status := range map[string]domain.ClusterStatus{recommended: domain.ClusterUnderReview, submitted: domain.ClusterMissedRound,
		draft: domain.ClusterMissedRound, returned: domain.ClusterMissedRound} {
		a := w.get(t, id)
		if a.Status != status || a.RoundClosedBy != "jun30#2027" || closeEvents(a) != 1 {
			t.Errorf("%s: %s closed by %q with %d close events; want %s by jun30#2027, once", id, a.Status, a.RoundClosedBy, closeEvents(a), status)
		}
	}
	if a := w.get(t, lastYear); a.Status != domain.ClusterRecommended || closeEvents(a) != 0 {
		t.Errorf("the 2026 round's application was touched: %s", a.Status)
	}

	ns := w.notices(t)
	wantNotices := sorted(
		domain.NoticeID("320282", domain.NoticeRoundMissed, 2027, submitted),
		domain.NoticeID("320211", domain.NoticeRoundMissed, 2027, draft),
		domain.NoticeID("320505", domain.NoticeRoundMissed, 2027, returned))
	if got := noticeIDs(ns); !slices.Equal(got, wantNotices) {
		t.Fatalf("notices %v, want %v", got, wantNotices)
	}
	if got := w.notifier.sent(); !slices.Equal(got, wantNotices) {
		t.Errorf("delivered %v, want each missed round's notice once: %v", got, wantNotices)
	}
	for _, n := range ns {
		if !n.Due.Equal(beijing("2028-07-01T00:00:00")) || !strings.Contains(n.Body.ZH, "2028-07-01 00:00") || !strings.Contains(n.Body.EN, "2028-07-01T00:00:00+08:00") {
			t.Errorf("notice %s does not name the next round's cutoff: due %s, %q", n.ID, n.Due, n.Body.EN)
		}
	}

	// The county reads its notice; the runs are listed under jun30.
	county := w.token(domain.RoleCountyGovernment, "320282", "320282")
	inbox := w.expect(w.do("GET", "/v1/notices", county, nil), http.StatusOK)
	var list httpapi.List[domain.Notice]
	if err := json.Unmarshal(inbox.body, &list); err != nil || len(list.Items) != 1 || list.Items[0].Kind != domain.NoticeRoundMissed {
		t.Errorf("the county's inbox: %s", inbox.body)
	}
	officer := w.token(domain.RoleProvinceOfficer, "prov-1", "320000")
	runs := w.expect(w.do("GET", "/v1/deadline-runs?deadline=jun30&year=2027", officer, nil), http.StatusOK)
	var listed httpapi.List[domain.DeadlineRun]
	if err := json.Unmarshal(runs.body, &listed); err != nil || len(listed.Items) != 1 || listed.Items[0].Deadline != "jun30" {
		t.Errorf("jun30 runs listed: %s", runs.body)
	}
	if r := w.do("GET", "/v1/deadline-runs?deadline=jan31&year=2027", officer, nil); !strings.Contains(string(r.body), `"items":[]`) {
		t.Errorf("jan31 runs of 2027: %s", r.body)
	}
	w.expect(w.do("GET", "/v1/deadline-runs?deadline=dec31", officer, nil), http.StatusUnprocessableEntity)
}

// EventBridge Scheduler fires deadline-jun30 for 1 July 00:00 Beijing (30 June 16:00 UTC); a
// retry the next day closes the same round.
func TestTheScheduledRoundCloseJudgesTheRoundItWasScheduledFor(t *testing.T) {
	w := newRoundWorld(t, nil)
	id := w.application(t, "320281", 2027, domain.ClusterSubmitted)
	w.at(beijing("2027-07-02T03:00:00"))
	out, err := w.jun30.RunScheduled(context.Background(), httpapi.JobJun30, time.Date(2027, 6, 30, 16, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	run := out.(*domain.DeadlineRun)
	if run.Year != 2027 || !slices.Equal(run.Created, []string{id}) || run.Triggers[0].Via != "schedule" || run.Triggers[0].By.Subject != "deadline-jun30" {
		t.Errorf("scheduled run %+v", run)
	}
	if a := w.get(t, id); a.Status != domain.ClusterMissedRound {
		t.Errorf("status %s", a.Status)
	}
	job := w.jun30.Jobs()[httpapi.JobJun30]
	if due := job.LatestDue(beijing("2027-12-31T12:00:00")); !due.Equal(beijing("2027-07-01T00:00:00")) {
		t.Errorf("latest due at the end of 2027: %s", due)
	}
	if due := job.LatestDue(beijing("2027-06-30T23:59:59.999")); !due.Equal(beijing("2026-07-01T00:00:00")) {
		t.Errorf("latest due just before the 2027 cutoff: %s", due)
	}
	if len(w.jun30.Routes()) != 0 {
		t.Errorf("deadline-jun30 serves %v; its HTTP route is deadline-jan31's", w.jun30.Routes())
	}
}

// failingUpdates fails application writes once armed, as a crash in the middle of a run would.
type failingUpdates struct {
	domain.Store
	mu    sync.Mutex
	left  int
	armed bool
}

func (s *failingUpdates) Update(ctx context.Context, it domain.Item) (domain.Item, error) {
	s.mu.Lock()
	if s.armed && it.Collection == domain.ClusterApplicationCollection {
		if s.left == 0 {
			s.mu.Unlock()
			return domain.Item{}, errors.New("connection reset by peer")
		}
		s.left--
	}
	s.mu.Unlock()
	return s.Store.Update(ctx, it)
}

func TestARoundCloseCutShortResumes(t *testing.T) {
	var store *failingUpdates
	w := newRoundWorld(t, func(s domain.Store) domain.Store {
		store = &failingUpdates{Store: s}
		return store
	})
	ids := []string{w.application(t, "320281", 2027, domain.ClusterRecommended), w.application(t, "320282", 2027, domain.ClusterDraft),
		w.application(t, "320283", 2027, domain.ClusterSubmitted)}
	w.at(beijing("2027-07-01T00:00:01"))
	store.armed, store.left = true, 1
	w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "jun30", "year": 2027}), http.StatusInternalServerError)
	store.armed = false
	run := w.closeRound(t, 2027)
	if !slices.Equal(run.Created, sorted(ids...)) || run.Status != domain.RunCompleted || run.Counts["under_review"] != 1 || run.Counts["missed_round"] != 2 {
		t.Errorf("resumed run %+v", run)
	}
	for _, id := range ids {
		if a := w.get(t, id); a.Open() || closeEvents(a) != 1 {
			t.Errorf("%s: %s with %d close events", id, a.Status, closeEvents(a))
		}
	}
	if got := w.notifier.sent(); len(got) != 2 {
		t.Errorf("delivered %v, want the two missed rounds' notices", got)
	}
}
