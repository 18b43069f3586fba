package changes_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/changes"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/sqlite"
)

func stores(t *testing.T) map[string]func(t *testing.T) domain.Store {
	return map[string]func(t *testing.T) domain.Store{
		"sqlite": func(t *testing.T) domain.Store {
			s, err := sqlite.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"dynamodb": func(t *testing.T) domain.Store { return dynamotest.Start(t).Store(t) },
	}
}

var everyone = func(domain.Change) (bool, error) { return true, nil }

func ids(p domain.ChangePage) []string {
	out := []string{}
	for _, c := range p.Items {
		out = append(out, c.RecordID)
	}
	return out
}

var t0 = time.Date(2027, 2, 1, 0, 0, 0, 0, domain.Shanghai)

func TestConcurrentChangesAreAllReadBackInTheOrderOfTheirNumbers(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			feed := changes.NewFeed(open(t))
			const writers, each = 8, 10
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						if _, err := feed.Append(ctx, domain.Change{Kind: domain.ChangeClaimStatus, RecordID: fmt.Sprintf("w%d-%d", w, i), At: t0}); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			var got []domain.ChangeItem
			after := int64(0)
			for {
				p, err := feed.Read(ctx, after, 7, t0, everyone)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Items) == 0 {
					break
				}
				got = append(got, p.Items...)
				after, _ = strconv.ParseInt(p.NextCursor, 10, 64)
			}
			if len(got) != writers*each {
				t.Fatalf("%d changes read back, %d written", len(got), writers*each)
			}
			perWriter := map[string]int{}
			for i, c := range got {
				if c.Cursor != strconv.Itoa(i+1) {
					t.Fatalf("change %d has cursor %s", i, c.Cursor)
				}
				// Each writer's own changes keep the order it made them in.
				var w, n int
				fmt.Sscanf(c.RecordID, "w%d-%d", &w, &n)
				key := strconv.Itoa(w)
				if n != perWriter[key] {
					t.Fatalf("writer %d's change %d came before its change %d", w, n, perWriter[key])
				}
				perWriter[key]++
			}
		})
	}
}

func TestANumberTakenButNotYetWrittenHoldsTheFeedUntilItLandsOrIsAbandoned(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			store := open(t)
			feed := changes.NewFeed(store)
			if _, err := feed.Append(ctx, domain.Change{RecordID: "first", At: t0}); err != nil {
				t.Fatal(err)
			}
			// A writer takes number 2 and is slow (or dies) before writing its entry, while
			// another writes number 3.
			if _, err := domain.NewCounters(store).Next(ctx, "changes"); err != nil {
				t.Fatal(err)
			}
			if _, err := feed.Append(ctx, domain.Change{RecordID: "third", At: t0}); err != nil {
				t.Fatal(err)
			}
			p, err := feed.Read(ctx, 0, 50, t0.Add(time.Second), everyone)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(p), []string{"first"}) || p.NextCursor != "1" {
				t.Fatalf("with number 2 in flight the feed answers %v up to %s; want only the first, resuming after 1", ids(p), p.NextCursor)
			}
			// Once the entry after the gap is older than the grace, the number is abandoned.
			p, err = feed.Read(ctx, 1, 50, t0.Add(changes.AllocationGrace), everyone)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(p), []string{"third"}) || p.NextCursor != "3" {
				t.Fatalf("after the grace: %v up to %s", ids(p), p.NextCursor)
			}
		})
	}
}

func TestTheFeedRefusesCursorsItNeverGaveOut(t *testing.T) {
	for _, bad := range []string{"-1", "01", "1e3", "abc", " 1", "9223372036854775808"} {
		if _, ok := changes.ParseCursor(bad); ok {
			t.Errorf("cursor %q accepted", bad)
		}
	}
	for _, good := range []string{"", "0", "42"} {
		if _, ok := changes.ParseCursor(good); !ok {
			t.Errorf("cursor %q refused", good)
		}
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := changes.NewFeed(s).Read(ctx, 1, 50, t0, everyone); domain.CodeOf(err) != domain.CodeInvalid {
		t.Errorf("a cursor past the head: %v", err)
	}
}

func TestAReaderWhoSeesLittleStillMovesOn(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	feed := changes.NewFeed(s)
	defer changes.SetMaxScan(100)()
	for i := range 130 {
		if _, err := feed.Append(ctx, domain.Change{RecordID: strconv.Itoa(i), At: t0}); err != nil {
			t.Fatal(err)
		}
	}
	onlyLast := func(c domain.Change) (bool, error) { return c.RecordID == "129", nil }
	p, err := feed.Read(ctx, 0, 50, t0, onlyLast)
	if err != nil {
		t.Fatal(err)
	}
	// One read looks at a bounded number of changes and answers where it stopped.
	if len(p.Items) != 0 || p.NextCursor != "100" {
		t.Fatalf("first read: %v up to %s", ids(p), p.NextCursor)
	}
	p, err = feed.Read(ctx, 100, 50, t0, onlyLast)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(p), []string{"129"}) || p.NextCursor != "130" {
		t.Fatalf("second read: %v up to %s", ids(p), p.NextCursor)
	}
}

// lossy applies or refuses each write as told, and then fails it: the write that landed with
// its answer lost, and the one that never landed.
type lossy struct {
	domain.Store
	apply, fail bool
}

func (l *lossy) Update(ctx context.Context, it domain.Item) (domain.Item, error) {
	if !l.fail || it.Collection != domain.ClaimCollection {
		return l.Store.Update(ctx, it)
	}
	if l.apply {
		l.Store.Update(ctx, it)
	}
	return domain.Item{}, context.DeadlineExceeded
}

func TestAStatusChangeWhoseAnswerWasLostStillReachesTheFeedOnce(t *testing.T) {
	for _, landed := range []bool{true, false} {
		t.Run(fmt.Sprintf("landed=%v", landed), func(t *testing.T) {
			ctx := context.Background()
			base, err := sqlite.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer base.Close()
			faulty := &lossy{Store: base, apply: landed}
			clock := &domain.SettableClock{}
			clock.Set(t0, true)
			store := changes.Record(faulty, clock, slog.New(slog.DiscardHandler))
			claims := domain.Repo[domain.Claim, *domain.Claim]{Store: store, Collection: domain.ClaimCollection}
			c := &domain.Claim{ID: "SC1", Status: domain.ClaimSubmitted}
			if err := claims.Create(ctx, c); err != nil {
				t.Fatal(err)
			}
			faulty.fail = true
			c.Status = domain.ClaimCityReview
			if err := claims.Put(ctx, c); err == nil {
				t.Fatal("the lossy store answered an update")
			}
			faulty.fail = false
			// The caller retries; if the first attempt landed, its retry changes nothing.
			if !landed {
				if err := claims.Put(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			p, err := changes.NewFeed(base).Read(ctx, 0, 50, t0, everyone)
			if err != nil {
				t.Fatal(err)
			}
			var statuses []string
			for _, it := range p.Items {
				statuses = append(statuses, it.Status)
			}
			if !slices.Equal(statuses, []string{"submitted", "city_review"}) {
				t.Fatalf("the feed holds %v; want the submission and the one change to city review", statuses)
			}
		})
	}
}
