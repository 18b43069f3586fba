package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jsipa/ips/shared/deadlines"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// recordingNotifier is the delivery channel, remembering what it was handed.
type recordingNotifier struct {
	mu   sync.Mutex
	got  []string
	fail bool
}

func (r *recordingNotifier) Notify(_ context.Context, n *domain.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("sms gateway: 503")
	}
	r.got = append(r.got, n.ID)
	return nil
}

func (r *recordingNotifier) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.got)
	slices.Sort(out)
	return out
}

type reminderWorld struct {
	*deadlineWorld
	fn       *httpapi.Function
	notifier *recordingNotifier
}

func newReminderWorld(t *testing.T) *reminderWorld {
	rec := &recordingNotifier{}
	var fn *httpapi.Function
	h := newHarness(t, func(d httpapi.Deps) *httpapi.Function {
		d.Notifier = rec
		fn = httpapi.DeadlineJan31(d)
		return fn
	}, httpapi.Filing, httpapi.AnnualReport)
	w := &reminderWorld{deadlineWorld: &deadlineWorld{harness: h}, fn: fn, notifier: rec}
	w.at(w.clock.Now())
	return w
}

// remind runs the daily job as EventBridge Scheduler would at the Beijing time s.
func (w *reminderWorld) remind(t *testing.T, s string) (*deadlines.ReminderRun, error) {
	t.Helper()
	at := beijing(s)
	w.at(at)
	out, err := w.fn.RunScheduled(context.Background(), httpapi.JobJan31Reminders, at.UTC())
	if err != nil {
		return nil, err
	}
	return out.(*deadlines.ReminderRun), nil
}

func (w *reminderWorld) mustRemind(t *testing.T, s string) *deadlines.ReminderRun {
	t.Helper()
	run, err := w.remind(t, s)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func (w *reminderWorld) notices(t *testing.T) []*domain.Notice {
	t.Helper()
	repo := domain.Repo[domain.Notice, *domain.Notice]{Store: w.store, Collection: domain.NoticeCollection}
	all, _, err := repo.Query(context.Background(), domain.Query{Limit: domain.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func noticeIDs(ns []*domain.Notice) []string {
	var ids []string
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	slices.Sort(ids)
	return ids
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

func (w *reminderWorld) inbox(t *testing.T, code, query string) httpapi.List[domain.Notice] {
	t.Helper()
	r := w.expect(w.do("GET", "/v1/notices"+query, w.token(domain.RoleAgency, code, ""), nil), http.StatusOK)
	var list httpapi.List[domain.Notice]
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	return list
}

func TestRemindersGoToWhoeverStillOwesTheReportOncePerMilestone(t *testing.T) {
	w := newReminderWorld(t)
	w.at(beijing("2026-03-10T09:00:00"))
	a := w.accepted(t, "MA20RR01")
	b := w.accepted(t, "MA20RR02")
	reported := w.accepted(t, "MA20RR03")
	w.at(beijing("2027-01-01T00:00:00")) // accepted on 1 January: owes nothing for 2026
	newYear := w.accepted(t, "MA20RR04")
	w.at(beijing("2027-01-10T10:00:00"))
	w.report(t, reported, 2026)

	// The day before the 15-day milestone: nothing is due yet.
	if run := w.mustRemind(t, "2027-01-15T09:00:00"); run.Milestone != "" || len(w.notices(t)) != 0 {
		t.Fatalf("on 15 January: %+v, %d notices", run, len(w.notices(t)))
	}

	run := w.mustRemind(t, "2027-01-16T09:00:00")
	d15 := sorted(domain.NoticeID(a, domain.NoticeAnnualReportDue, 2026, "d15"), domain.NoticeID(b, domain.NoticeAnnualReportDue, 2026, "d15"))
	if got := noticeIDs(w.notices(t)); !slices.Equal(got, d15) {
		t.Fatalf("notices %v, want %v", got, d15)
	}
	if !slices.Equal(w.notifier.sent(), d15) {
		t.Errorf("notified %v, want %v", w.notifier.sent(), d15)
	}
	want := map[string]int{"agencies": 4, "owing": 3, "reported": 1, "reminded": 2, "created": 2, "notified": 2}
	if run.ID != "jan31-reminders#2027-01-16" || run.Status != "completed" || run.ReportYear != 2026 || run.Milestone != "d15" ||
		!run.Cutoff.Equal(beijing("2027-02-01T00:00:00")) || !maps.Equal(run.Counts, want) {
		t.Errorf("run %+v, want d15 for 2026 with counts %v", run, want)
	}
	for _, n := range w.notices(t) {
		if n.Recipient == newYear || n.Recipient == reported {
			t.Errorf("%s was reminded, but it owes nothing or has reported", n.Recipient)
		}
		if n.Kind != domain.NoticeAnnualReportDue || n.Year != 2026 || !n.Due.Equal(beijing("2027-02-01T00:00:00")) ||
			!strings.Contains(n.Title.ZH, "2027年1月31日") || !strings.Contains(n.Body.ZH, "2026年度报告") ||
			!strings.Contains(n.Body.EN, "31 January 2027") || n.DeliveredAt.IsZero() {
			t.Errorf("notice %+v", n)
		}
	}

	// Again later that day, and four at once: nothing new, nobody notified twice.
	again := w.mustRemind(t, "2027-01-16T09:00:00")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.fn.RunScheduled(context.Background(), httpapi.JobJan31Reminders, beijing("2027-01-17T09:00:00")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := noticeIDs(w.notices(t)); !slices.Equal(got, d15) || !slices.Equal(w.notifier.sent(), d15) || again.Counts["created"] != 0 {
		t.Fatalf("after six runs: notices %v, notified %v; want each once", got, w.notifier.sent())
	}

	// b reports; on 28 January the 3-day reminder goes to a alone.
	w.at(beijing("2027-01-20T10:00:00"))
	w.report(t, b, 2026)
	run = w.mustRemind(t, "2027-01-28T09:00:00")
	d3 := domain.NoticeID(a, domain.NoticeAnnualReportDue, 2026, "d3")
	if run.Milestone != "d3" || run.Counts["created"] != 1 || !slices.Equal(w.notifier.sent(), sorted(append(slices.Clone(d15), d3)...)) {
		t.Errorf("on 28 January: %+v, notified %v", run, w.notifier.sent())
	}

	// After the cutoff nothing more is sent for 2026; 2027's milestones are a year away.
	run = w.mustRemind(t, "2027-02-01T09:00:00")
	if run.ReportYear != 2027 || run.Milestone != "" || len(w.notices(t)) != 3 {
		t.Errorf("after the cutoff: %+v with %d notices", run, len(w.notices(t)))
	}

	// The recipient lists its notices, newest first, a page at a time; nobody else sees them.
	w.at(beijing("2027-02-02T10:00:00"))
	list := w.inbox(t, a, "")
	if len(list.Items) != 2 || list.Items[0].ID != d3 || list.Items[1].Milestone != "d15" || list.NextCursor != "" {
		t.Errorf("a's notices %+v", list)
	}
	page := w.inbox(t, a, "?limit=1")
	if len(page.Items) != 1 || page.Items[0].ID != d3 || page.NextCursor == "" {
		t.Fatalf("first page %+v", page)
	}
	if next := w.inbox(t, a, "?limit=1&cursor="+page.NextCursor); len(next.Items) != 1 || next.Items[0].Milestone != "d15" {
		t.Errorf("second page %+v", next)
	}
	if got := w.inbox(t, reported, ""); len(got.Items) != 0 {
		t.Errorf("another agency sees %+v", got.Items)
	}
	if got := w.inbox(t, b, ""); len(got.Items) != 1 || got.Items[0].Recipient != b {
		t.Errorf("b's notices %+v", got.Items)
	}
	w.expect(w.do("GET", "/v1/notices", w.officer, nil), http.StatusForbidden)
	w.expect(w.do("GET", "/v1/notices", "", nil), http.StatusUnauthorized)
}

// Only the latest milestone reached is sent: a first run on 29 January sends d3, not d15 too.
func TestALateFirstRunSendsOnlyTheLatestReminder(t *testing.T) {
	w := newReminderWorld(t)
	w.at(beijing("2026-05-01T09:00:00"))
	a := w.accepted(t, "MA20RP01")
	run := w.mustRemind(t, "2027-01-29T09:00:00")
	if got := noticeIDs(w.notices(t)); run.Milestone != "d3" || !slices.Equal(got, []string{domain.NoticeID(a, domain.NoticeAnnualReportDue, 2026, "d3")}) {
		t.Errorf("run %+v, notices %v", run, got)
	}
	// The last second before the cutoff still reminds (the cutoff itself is the next year's).
	if run := w.mustRemind(t, "2027-01-31T23:59:59.999"); run.ReportYear != 2026 || run.Milestone != "d3" {
		t.Errorf("just before the cutoff: %+v", run)
	}
}

// Delivery is at least once: a failed delivery fails the run, which the scheduler retries; a
// run that died between creating a notice and delivering it is healed by a run after the lease.
func TestAnUndeliveredReminderIsDeliveredOnceByALaterRun(t *testing.T) {
	w := newReminderWorld(t)
	w.at(beijing("2026-05-01T09:00:00"))
	a := w.accepted(t, "MA20RT01")
	b := w.accepted(t, "MA20RT02")
	idA := domain.NoticeID(a, domain.NoticeAnnualReportDue, 2026, "d15")
	idB := domain.NoticeID(b, domain.NoticeAnnualReportDue, 2026, "d15")

	// The gateway is down: both notices are created, none delivered, and the run fails.
	w.notifier.fail = true
	if _, err := w.remind(t, "2027-01-16T09:00:00"); err == nil {
		t.Fatal("a run whose deliveries failed reported success")
	}
	if got := noticeIDs(w.notices(t)); !slices.Equal(got, sorted(idA, idB)) {
		t.Fatalf("notices after the failed run: %v", got)
	}
	// The scheduler's retry a minute later delivers both, once.
	w.notifier.fail = false
	run := w.mustRemind(t, "2027-01-16T09:01:00")
	if !slices.Equal(w.notifier.sent(), sorted(idA, idB)) || run.Counts["created"] != 0 || run.Counts["notified"] != 2 {
		t.Fatalf("after the retry: notified %v, run %+v", w.notifier.sent(), run)
	}

	// A run died after creating c's notice, before handing it over: its claim stands for the
	// lease, so a run at once leaves it; the next day's run delivers it, and only once.
	w.at(beijing("2026-05-01T09:00:00"))
	c := w.accepted(t, "MA20RT03")
	crashed := domain.NewAnnualReportReminder(c, 2026, 15, beijing("2027-01-16T09:00:30"))
	crashed.ClaimedAt = crashed.CreatedAt
	repo := domain.Repo[domain.Notice, *domain.Notice]{Store: w.store, Collection: domain.NoticeCollection}
	if err := repo.Create(context.Background(), crashed); err != nil {
		t.Fatal(err)
	}
	w.mustRemind(t, "2027-01-16T09:02:00")
	if slices.Contains(w.notifier.sent(), crashed.ID) {
		t.Fatal("a live claim was taken over")
	}
	var wg sync.WaitGroup
	w.at(beijing("2027-01-17T09:00:00"))
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.fn.RunScheduled(context.Background(), httpapi.JobJan31Reminders, beijing("2027-01-17T09:00:00")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := w.notifier.sent(); !slices.Equal(got, sorted(idA, idB, crashed.ID)) {
		t.Errorf("notified %v, want each of a, b and c once", got)
	}
}

func TestRemindersAreDueDailyAtNineBeijingTime(t *testing.T) {
	fn := httpapi.DeadlineJan31(httpapi.Deps{})
	due := fn.Jobs()[httpapi.JobJan31Reminders].LatestDue
	for now, want := range map[string]string{
		"2027-01-16T09:00:00":     "2027-01-16T09:00:00",
		"2027-01-16T08:59:59.999": "2027-01-15T09:00:00",
		"2027-01-16T23:00:00":     "2027-01-16T09:00:00",
		"2027-01-01T00:00:00":     "2026-12-31T09:00:00",
	} {
		if got := due(beijing(now)); !got.Equal(beijing(want)) {
			t.Errorf("latest due at %s: %s, want %s", now, got, want)
		}
	}
}
