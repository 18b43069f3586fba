package deadlines_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/changes"
	"github.com/jsipa/ips/shared/deadlines"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/filing"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/reporting"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/storetest/faultstore"
	"github.com/jsipa/ips/shared/testkit"
)

// The 31 January run interrupted at each of its writes, in each way a store call fails, and then
// run again must leave the store exactly as one uninterrupted run does (DOMAIN.md §6: "running it
// twice ... leaves the same records"), on SQLite and on DynamoDB.

var soak = os.Getenv("IPS_SOAK") != ""

var (
	engineOnce sync.Once
	engine     *policy.Engine
	engineErr  error
)

func loadEngine(t *testing.T) *policy.Engine {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = policy.Load(context.Background()) })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engine
}

func beijing(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04:05", s, domain.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// countingNotifier accepts every notice and counts each delivery, to tell at-least-once from
// lost.
type countingNotifier struct {
	mu        sync.Mutex
	delivered map[string]int
}

func (n *countingNotifier) Notify(_ context.Context, notice *domain.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.delivered[notice.ID]++
	return nil
}

// jan31World is the platform on the night of 1 February 2027: four agencies accepted in 2026
// (one reported on time, one late, two not at all) and two zones designated in 2025 (one filed
// its yearly summary on time, one did not). The run owes three sanctions, one zone flag and one
// notice to the province.
type jan31World struct {
	store    domain.Store // what the run writes through: the change feed over the fault wrapper
	fs       *faultstore.Store
	engine   *policy.Engine
	clock    *domain.SettableClock
	notifier *countingNotifier
}

var cutoff = beijing("2027-02-01T00:00:00")

const reportJSON = `{"patent_applications": {"invention": 1, "utility_model": 2, "design": 0}, "trademark_applications": 5,
	"copyright_registrations": 0, "other_services": 1, "revenue_fen": 1000000, "practitioners_at_year_end": 3, "clients": [],
	"sci_tech_project_services": false, "complaints_received": 0}`

func newJan31World(t *testing.T, inner domain.Store) *jan31World {
	t.Helper()
	ctx := context.Background()
	e := loadEngine(t)
	clock := &domain.SettableClock{}
	fs := faultstore.New(inner)
	w := &jan31World{store: changes.Record(fs, clock, slog.New(slog.NewJSONHandler(io.Discard, nil))), fs: fs, engine: e, clock: clock,
		notifier: &countingNotifier{delivered: map[string]int{}}}
	filings := filing.New(w.store, e, clock)
	reports := reporting.New(w.store, e, e, clock)
	officer := domain.Principal{Role: domain.RoleCityOfficer, Subject: "officer-7", Division: "320281"}
	codes := map[string]string{}
	clock.Set(beijing("2026-04-01T09:00:00"), true)
	for _, name := range []string{"on_time", "late", "missing", "missing2"} {
		code := testkit.USCC(t, "91320281", fmt.Sprintf("MA2DL%03d", len(codes)))
		codes[name] = code
		agency := domain.Principal{Role: domain.RoleAgency, Subject: code}
		var f domain.AgencyFiling
		raw, _ := json.Marshal(testkit.AgencyFiling(code, "江阴市"+name+"代理有限公司", "320281"))
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		if _, err := filings.File(ctx, agency, f); err != nil {
			t.Fatalf("file %s: %v", name, err)
		}
		if _, err := filings.Review(ctx, officer, code, filing.ReviewInput{Outcome: "accept"}); err != nil {
			t.Fatalf("accept %s: %v", name, err)
		}
	}
	report := func(name string, at time.Time) {
		clock.Set(at, true)
		var body domain.ReportBody
		if err := json.Unmarshal([]byte(reportJSON), &body); err != nil {
			t.Fatal(err)
		}
		if _, _, err := reports.Submit(ctx, domain.Principal{Role: domain.RoleAgency, Subject: codes[name]}, codes[name], 2026, body, 0); err != nil {
			t.Fatalf("report %s: %v", name, err)
		}
	}
	report("on_time", beijing("2027-01-20T10:00:00"))
	report("late", cutoff)
	zones := domain.Repo[domain.Cluster, *domain.Cluster]{Store: w.store, Collection: domain.ClusterCollection}
	for i, county := range []string{"320282", "320281"} {
		app := &domain.ClusterApplication{ID: fmt.Sprintf("CA2025-%s-%d", county, i),
			Body:      domain.ClusterApplicationBody{Year: 2025, CountyCode: county, ZoneName: "江阴知识产权服务集聚区" + strconv.Itoa(i)},
			DecidedAt: beijing("2025-09-15T10:00:00")}
		zone := domain.NewCluster(app, app.DecidedAt)
		if i == 0 {
			zone.Annual = append(zone.Annual, domain.ZoneAnnual{Year: 2027, OnTime: true, SubmittedAt: beijing("2027-01-25T10:00:00")})
		}
		if err := zones.Create(ctx, zone); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// run starts the deadline as the scheduler does; its error is the caller's to judge.
func (w *jan31World) run(at time.Time) (*domain.DeadlineRun, error) {
	w.clock.Set(at, true)
	svc := deadlines.New(w.store, w.engine, w.engine, w.clock).WithNotifier(w.notifier)
	return svc.RunScheduled(context.Background(), cutoff, "schedule")
}

// dump is the store as comparable text, with the run's own timestamps made alike: every instant
// a run stamped (at, ...) stands for the first run's instant, and what only says that a run
// started again is left out (its starts, and the versions the run record and a re-claimed
// notice took on the way). The change feed is compared apart (feed).
func (w *jan31World) dump(t *testing.T, runInstants ...time.Time) map[string]string {
	t.Helper()
	items, err := faultstore.Dump(context.Background(), w.fs.Inner(), w.fs.Collections())
	if err != nil {
		t.Fatal(err)
	}
	var r []string
	for _, at := range runInstants[1:] {
		for _, f := range []func(time.Time) string{
			func(t time.Time) string { return t.In(domain.Shanghai).Format(time.RFC3339Nano) },
			func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
			func(t time.Time) string { return fmt.Sprintf("%019d", math.MaxInt64-t.UnixNano()) },
		} {
			r = append(r, f(at), f(runInstants[0]))
		}
	}
	rep := strings.NewReplacer(r...)
	out := map[string]string{}
	for key, it := range items {
		if it.Collection == "changes" || (it.Collection == "counters" && it.Key == "changes") {
			continue
		}
		data, version := it.Data, fmt.Sprint(it.Version)
		switch it.Collection {
		case domain.DeadlineRunCollection:
			var run map[string]any
			json.Unmarshal(data, &run)
			delete(run, "triggers")
			delete(run, "version")
			data, _ = json.Marshal(run)
			version = "-"
		case domain.NoticeCollection:
			var n map[string]any
			json.Unmarshal(data, &n)
			delete(n, "version")
			data, _ = json.Marshal(n)
			version = "-"
		}
		out[key] = rep.Replace(fmt.Sprintf("v%s %v %s", version, it.Index, data))
	}
	return out
}

// feed lists the change feed's entries without their numbers, with run instants made alike.
func (w *jan31World) feed(t *testing.T, runInstants ...time.Time) []string {
	t.Helper()
	items, err := faultstore.Dump(context.Background(), w.fs.Inner(), []string{"changes"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		var c domain.Change
		if err := json.Unmarshal(it.Data, &c); err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(runInstants, c.At.Equal) {
			c.At = runInstants[0]
		}
		out = append(out, fmt.Sprintf("%s %s v%d %s %s", c.Kind, c.RecordID, c.RecordVersion, c.Status, c.At.Format(time.RFC3339)))
	}
	slices.Sort(out)
	return out
}

func diff(got, want map[string]string) string {
	var b strings.Builder
	for k, v := range want {
		if g, ok := got[k]; !ok {
			fmt.Fprintf(&b, "\n  missing %s", k)
		} else if g != v {
			fmt.Fprintf(&b, "\n  changed %s:\n    got  %s\n    want %s", k, g, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "\n  extra %s: %s", k, got[k])
		}
	}
	return b.String()
}

func onEachStore(t *testing.T, fn func(t *testing.T, open func(t *testing.T) domain.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, func(t *testing.T) domain.Store {
			s, err := sqlite.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("dynamodb", func(t *testing.T) {
		local := dynamotest.Start(t)
		fn(t, func(t *testing.T) domain.Store { return local.Store(t) })
	})
}

func TestAJan31RunInterruptedAtEveryWriteThenRunAgainEndsAsOneUninterruptedRun(t *testing.T) {
	modes := []faultstore.Mode{faultstore.ErrorBefore, faultstore.TimeoutAfter}
	if soak {
		modes = faultstore.Modes
	}
	// The first run at 00:00:07; the next start once a notice claim the first left behind has
	// gone stale (deadlines.DeliveryLease), as Scheduler's retries would come.
	first := cutoff.Add(7 * time.Second)
	again := first.Add(deadlines.DeliveryLease + time.Minute)
	onEachStore(t, func(t *testing.T, open func(t *testing.T) domain.Store) {
		ref := newJan31World(t, open(t))
		before := ref.fs.Count(faultstore.Writes)
		run, err := ref.run(first)
		if err != nil {
			t.Fatal(err)
		}
		writes := ref.fs.Count(faultstore.Writes) - before
		if len(run.Created) != 4 || run.Counts["sanctions"] != 3 || run.Counts["clusters_overdue"] != 1 || run.Status != domain.RunCompleted {
			t.Fatalf("uninterrupted run %+v: want three sanctions and one overdue zone", run)
		}
		want, wantFeed := ref.dump(t, first), ref.feed(t, first)
		var interrupted, failedRuns, differed, redelivered, feedMissing int
		for _, m := range modes {
			for k := 1; k <= writes; k++ {
				t.Run(fmt.Sprintf("%s/write %d", m, k), func(t *testing.T) {
					w := newJan31World(t, open(t))
					w.fs.Arm(faultstore.Rule{At: k, Mode: m})
					_, err := w.run(first)
					w.fs.Disarm()
					injected := w.fs.Injected()
					if len(injected) != 1 {
						t.Fatalf("%d faults fired at write %d of %d", len(injected), k, writes)
					}
					interrupted++
					if err != nil {
						failedRuns++
					}
					if run, err := w.run(again); err != nil || run.Status != domain.RunCompleted {
						t.Fatalf("the run again after %s at write %d (%+v): %+v, %v", m, k, injected[0], run, err)
					}
					if d := diff(w.dump(t, first, again), want); d != "" {
						differed++
						t.Errorf("interrupted at write %d (%s: %+v) and run again, the store differs from one uninterrupted run:%s", k, m, injected[0], d)
					}
					for _, n := range w.notifier.delivered {
						if n > 1 {
							redelivered++ // at least once, by design: counted, not refused
						}
					}
					if len(w.notifier.delivered) != 1 {
						t.Errorf("notices delivered: %v, want the province's one", w.notifier.delivered)
					}
					got := w.feed(t, first, again)
					left := slices.Clone(wantFeed)
					for _, g := range got {
						i := slices.Index(left, g)
						if i < 0 {
							t.Errorf("the change feed reports %q, which one uninterrupted run never made", g)
							continue
						}
						left = slices.Delete(left, i, i+1)
					}
					feedMissing += len(left)
					if len(left) > 0 {
						t.Errorf("the change feed lacks %v, which one uninterrupted run reports", left)
					}
				})
			}
		}
		t.Logf("deadline run faults, %s: %d writes per run, %d runs interrupted (%d answered an error), each run again: %d ended unlike one uninterrupted run; notices delivered twice (at least once, by design): %d; change-feed entries missing: %d",
			path.Base(t.Name()), writes, interrupted, failedRuns, differed, redelivered, feedMissing)
	})
}
