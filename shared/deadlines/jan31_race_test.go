package deadlines_test

import (
	"context"
	"path"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Scheduler retries while the first invocation still runs, an officer starts the same run by
// hand: concurrent runs of one deadline must together do what one run does, once. (The same race
// over HTTP on SQLite is TestRepeatedAndConcurrentRunsCreateEachSanctionOnce in shared/httpapi.)
func TestConcurrentJan31RunsCreateEachRecordOnce(t *testing.T) {
	runs, rounds := 4, 2
	if soak {
		runs, rounds = 8, 25
	}
	onEachStore(t, func(t *testing.T, open func(t *testing.T) domain.Store) {
		var sanctionsMade, flagsSet, deliveries int
		for range rounds {
			w := newJan31World(t, open(t))
			at := cutoff.Add(7 * time.Second)
			var wg sync.WaitGroup
			errs := make([]error, runs)
			start := make(chan struct{})
			for i := range runs {
				wg.Go(func() {
					<-start
					_, errs[i] = w.run(at)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("run %d of %d racing: %v", i, runs, err)
				}
			}
			final, err := w.run(at.Add(time.Minute)) // and once more, later
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			sanctions, _, err := domain.Repo[domain.Sanction, *domain.Sanction]{Store: w.store, Collection: domain.SanctionCollection}.Query(ctx, domain.Query{Limit: domain.MaxPageSize})
			sanctionsMade += len(sanctions)
			if err != nil || len(sanctions) != 3 {
				t.Errorf("%d sanctions after %d racing runs (%v), want 3", len(sanctions), runs, err)
			}
			var flags int
			zones, _, _ := domain.Repo[domain.Cluster, *domain.Cluster]{Store: w.store, Collection: domain.ClusterCollection}.Query(ctx, domain.Query{Limit: domain.MaxPageSize})
			for _, z := range zones {
				for _, h := range z.History {
					if h.Action == "flag:"+domain.FlagAnnualOverdue {
						flags++
					}
				}
			}
			flagsSet += flags
			for _, n := range w.notifier.delivered {
				deliveries += n
			}
			if flags != 1 {
				t.Errorf("the overdue zone was flagged %d times, want once", flags)
			}
			if len(w.notifier.delivered) != 1 || slices.ContainsFunc(mapValues(w.notifier.delivered), func(n int) bool { return n != 1 }) {
				t.Errorf("deliveries %v: want the province's notice delivered once", w.notifier.delivered)
			}
			if len(final.Created) != 4 || len(final.Triggers) != runs+1 || final.Status != domain.RunCompleted || final.Counts["sanctions"] != 3 {
				t.Errorf("run record %+v: want 4 records created, %d starts, completed", final, runs+1)
			}
		}
		t.Logf("concurrent deadline runs, %s: %d rounds of %d racing runs and one more: %d sanctions (want %d), %d zone flags (want %d), %d notice deliveries (want %d)",
			path.Base(t.Name()), rounds, runs, sanctionsMade, 3*rounds, flagsSet, rounds, deliveries, rounds)
	})
}

func mapValues(m map[string]int) []int {
	var out []int
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
