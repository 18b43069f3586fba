package caps_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/caps"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/sqlite"
)

const yuan = 100 // fen

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var clock = fixedClock{time.Date(2023, 5, 10, 10, 0, 0, 0, domain.Shanghai)}

// runBoth runs fn on a fresh SQLite database and on a fresh dynalite table.
func runBoth(t *testing.T, fn func(t *testing.T, s domain.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("dynamo", func(t *testing.T) {
		local := dynamotest.Start(t)
		fn(t, local.Store(t))
	})
}

// The pledge service fee caps of seed 003 第五条 for one enterprise: 100,000 CNY a year, for at
// most two years.
func annual(enterprise, year string) domain.Cap {
	return domain.Cap{ID: "pledge_service_fee:annual", Key: enterprise + "#pledge_service_fee#" + year,
		LimitFen: 100_000 * yuan, Distinct: year, Basis: "seed 003 第五条"}
}

func years(enterprise, year string) domain.Cap {
	return domain.Cap{ID: "pledge_service_fee:years", Key: enterprise + "#pledge_service_fee#years",
		MaxDistinct: 2, Distinct: year, Basis: "seed 003 第五条"}
}

func serviceFee(enterprise, year string) []domain.Cap {
	return []domain.Cap{annual(enterprise, year), years(enterprise, year)}
}

// plain is a cap of limit CNY with nothing else to it.
func plain(key string, limitYuan int64) domain.Cap {
	return domain.Cap{ID: "test:" + key, Key: key, LimitFen: limitYuan * yuan, Basis: "test"}
}

func ledger(t *testing.T, s domain.Store, key string) *domain.Ledger {
	t.Helper()
	l, err := domain.Repo[domain.Ledger, *domain.Ledger]{Store: s, Collection: domain.LedgerCollection}.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("ledger %s: %v", key, err)
	}
	return l
}

func charge(t *testing.T, l *caps.Ledgers, claim string, fen int64, cs []domain.Cap) caps.Grant {
	t.Helper()
	g, err := l.Charge(context.Background(), claim, fen, cs)
	if err != nil {
		t.Fatalf("charge %s: %v", claim, err)
	}
	return g
}

func usage(t *testing.T, l *caps.Ledgers, c domain.Cap, claim string) (int64, []string, bool) {
	t.Helper()
	used, distinct, counted, err := l.Usage(context.Background(), c, claim)
	if err != nil {
		t.Fatal(err)
	}
	return used, distinct, counted
}

// entriesEqualGrant checks that every cap holds claim at exactly its grant: a settled charge.
func entriesEqualGrant(t *testing.T, s domain.Store, claim string, g caps.Grant, cs []domain.Cap) {
	t.Helper()
	for _, c := range cs {
		e, ok := ledger(t, s, c.Key).Entries[claim]
		if !ok || e.AmountFen != g.GrantedFen {
			t.Errorf("%s holds %s at %+v (present %v), want %d", c.Key, claim, e, ok, g.GrantedFen)
		}
	}
}

func TestChargeExactlyAtTheCapThenNothingMore(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		l := caps.New(s, clock)
		cs := serviceFee("E", "2022")
		g := charge(t, l, "a", 100_000*yuan, cs)
		want := caps.Grant{GrantedFen: 100_000 * yuan, Caps: []caps.CapGrant{
			{Cap: "pledge_service_fee:annual", Key: "E#pledge_service_fee#2022", LimitFen: 100_000 * yuan, GrantedFen: 100_000 * yuan},
			{Cap: "pledge_service_fee:years", Key: "E#pledge_service_fee#years", GrantedFen: 100_000 * yuan},
		}}
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("grant at the cap:\n got %+v\nwant %+v", g, want)
		}

		g = charge(t, l, "b", 1, cs)
		if g.GrantedFen != 0 || g.Caps[0].Limited != domain.LimitAmount || g.Caps[0].BeforeFen != 100_000*yuan || g.Caps[1].GrantedFen != 0 {
			t.Fatalf("one fen more: %+v, want 0 limited by the annual amount", g)
		}
		entriesEqualGrant(t, s, "b", g, cs)
		if used, _, counted := usage(t, l, cs[0], "b"); used != 100_000*yuan || !counted {
			t.Errorf("annual usage besides b: %d counted %v", used, counted)
		}
		if used, distinct, _ := usage(t, l, cs[1], ""); used != 100_000*yuan || !reflect.DeepEqual(distinct, []string{"2022"}) {
			t.Errorf("years usage: %d %v", used, distinct)
		}
	})
}

func TestOneFenOverIsReducedToTheRoom(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		l := caps.New(s, clock)
		cs := serviceFee("E", "2022")
		charge(t, l, "a", 60_000*yuan, cs)
		g := charge(t, l, "b", 40_000*yuan+1, cs)
		if g.GrantedFen != 40_000*yuan || g.Caps[0].BeforeFen != 60_000*yuan || g.Caps[0].Limited != domain.LimitAmount || g.Caps[1].Limited != domain.LimitNone {
			t.Fatalf("one fen over: %+v", g)
		}
		entriesEqualGrant(t, s, "b", g, cs)
		if used := ledger(t, s, cs[0].Key).UsedFen(""); used != 100_000*yuan {
			t.Errorf("annual ledger holds %d, want exactly the cap", used)
		}
	})
}

func TestALaterCapHoldingLessSettlesEveryCapDownToIt(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		l := caps.New(s, clock)
		p, q, r := plain("p", 100_000), plain("q", 100_000), plain("r", 100_000)
		charge(t, l, "other-q", 70_000*yuan, []domain.Cap{q})
		charge(t, l, "other-r", 90_000*yuan, []domain.Cap{r})
		// Given out of key order: charged p, q, r; reported in the order given.
		g := charge(t, l, "x", 50_000*yuan, []domain.Cap{r, p, q})
		want := caps.Grant{GrantedFen: 10_000 * yuan, Caps: []caps.CapGrant{
			{Cap: "test:r", Key: "r", LimitFen: 100_000 * yuan, BeforeFen: 90_000 * yuan, GrantedFen: 10_000 * yuan, Limited: domain.LimitAmount},
			{Cap: "test:p", Key: "p", LimitFen: 100_000 * yuan, GrantedFen: 10_000 * yuan},
			{Cap: "test:q", Key: "q", LimitFen: 100_000 * yuan, BeforeFen: 70_000 * yuan, GrantedFen: 10_000 * yuan, Limited: domain.LimitAmount},
		}}
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("grant:\n got %+v\nwant %+v", g, want)
		}
		entriesEqualGrant(t, s, "x", g, []domain.Cap{p, q, r})
		if used, _, _ := usage(t, l, q, ""); used != 80_000*yuan {
			t.Errorf("q holds %d after settling, want 80,000 CNY", used)
		}
	})
}

func TestMaxDistinctRefusesAThirdYearAndAdmitsAHeldOne(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		l := caps.New(s, clock)
		charge(t, l, "y2021", 30_000*yuan, serviceFee("E", "2021"))
		charge(t, l, "y2022", 30_000*yuan, serviceFee("E", "2022"))

		third := serviceFee("E", "2023")
		g := charge(t, l, "y2023", 30_000*yuan, third)
		if g.GrantedFen != 0 || g.Caps[1].Limited != domain.LimitDistinct || g.Caps[0].GrantedFen != 0 {
			t.Fatalf("third year: %+v, want 0 refused by max_distinct", g)
		}
		// Refused after the annual cap had counted it: released from that cap too.
		if used, _, counted := usage(t, l, third[0], "y2023"); used != 0 || !counted {
			t.Errorf("2023 annual ledger holds %d (claim counted: %v), want 0 with the refusal remembered", used, counted)
		}
		if _, distinct, _ := usage(t, l, third[1], ""); !reflect.DeepEqual(distinct, []string{"2021", "2022"}) {
			t.Errorf("years held: %v", distinct)
		}
		// A retry is refused the same way, though nothing changed.
		if again := charge(t, l, "y2023", 30_000*yuan, third); !reflect.DeepEqual(again, g) {
			t.Errorf("retried refusal: %+v, want %+v", again, g)
		}

		g = charge(t, l, "y2022-second", 80_000*yuan, serviceFee("E", "2022"))
		if g.GrantedFen != 70_000*yuan {
			t.Fatalf("a second claim of a held year: %+v, want the 70,000 CNY left that year", g)
		}
	})
}

// Once per enterprise: claims sharing a distinct value share the slot, so "once" takes a value
// naming the claim (here its id).
func TestOncePerEnterpriseRefusesASecondClaimButNotARetry(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		l := caps.New(s, clock)
		once := func(claim string) []domain.Cap {
			return []domain.Cap{{ID: "pledge_reward:once", Key: "E#pledge_reward", LimitFen: 100_000 * yuan,
				MaxDistinct: 1, Distinct: claim, Basis: "seed 003 第四条"}}
		}
		first := charge(t, l, "c1", 40_000*yuan, once("c1"))
		if first.GrantedFen != 40_000*yuan {
			t.Fatalf("first: %+v", first)
		}
		if g := charge(t, l, "c2", 10_000*yuan, once("c2")); g.GrantedFen != 0 || g.Caps[0].Limited != domain.LimitDistinct {
			t.Fatalf("second claim: %+v, want refused by max_distinct", g)
		}
		if g := charge(t, l, "c1", 40_000*yuan, once("c1")); !reflect.DeepEqual(g, first) {
			t.Fatalf("retry of the first: %+v, want %+v", g, first)
		}
	})
}

func TestReleaseReturnsTheRoomAndTheYear(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		l := caps.New(s, clock)
		ctx := context.Background()
		cs := serviceFee("E", "2021")
		charge(t, l, "a", 100_000*yuan, cs)
		charge(t, l, "other-year", 10_000*yuan, serviceFee("E", "2022"))
		if g := charge(t, l, "b", 50_000*yuan, cs); g.GrantedFen != 0 {
			t.Fatalf("b before release: %+v", g)
		}
		if g := charge(t, l, "c2023", 50_000*yuan, serviceFee("E", "2023")); g.GrantedFen != 0 {
			t.Fatalf("a third year before release: %+v", g)
		}
		for range 2 { // idempotent
			if err := l.Release(ctx, "a", cs); err != nil {
				t.Fatal(err)
			}
		}
		if used, distinct, counted := usage(t, l, cs[1], "a"); used != 10_000*yuan || counted || !reflect.DeepEqual(distinct, []string{"2022"}) {
			t.Fatalf("years after release: used %d distinct %v counted %v", used, distinct, counted)
		}
		if used, _, _ := usage(t, l, cs[0], ""); used != 0 {
			t.Fatalf("2021 annual after release: %d", used)
		}
		// Nothing to release is no error: a claim never charged, a cap never created.
		if err := l.Release(ctx, "ghost", append(cs, plain("never", 1))); err != nil {
			t.Fatal(err)
		}
		if g := charge(t, l, "c", 100_000*yuan, cs); g.GrantedFen != 100_000*yuan {
			t.Fatalf("after release: %+v, want the whole room", g)
		}
		// A refusal is remembered until released; then the claim is judged afresh.
		if err := l.Release(ctx, "c2023", serviceFee("E", "2023")); err != nil {
			t.Fatal(err)
		}
		if err := l.Release(ctx, "other-year", serviceFee("E", "2022")); err != nil {
			t.Fatal(err)
		}
		if g := charge(t, l, "c2023", 50_000*yuan, serviceFee("E", "2023")); g.GrantedFen != 50_000*yuan {
			t.Fatalf("third year once a year was released: %+v", g)
		}
	})
}

func TestUsageOfACapNeverChargedIsEmpty(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		used, distinct, counted, err := caps.New(s, clock).Usage(context.Background(), plain("none", 1), "x")
		if err != nil || used != 0 || distinct != nil || counted {
			t.Fatalf("usage: %d %v %v %v", used, distinct, counted, err)
		}
	})
}

func TestChargeRefusesMalformedCaps(t *testing.T) {
	l := caps.New(nil, clock) // refused before any store is touched
	ctx := context.Background()
	tests := []struct {
		name  string
		claim string
		fen   int64
		caps  []domain.Cap
	}{
		{"no claim id", "", 1, []domain.Cap{plain("p", 1)}},
		{"a negative amount", "x", -1, []domain.Cap{plain("p", 1)}},
		{"a cap without a key", "x", 1, []domain.Cap{{ID: "c"}}},
		{"a ledger named twice", "x", 1, []domain.Cap{plain("p", 1), plain("p", 2)}},
		{"a distinct limit without a value", "x", 1, []domain.Cap{{ID: "c", Key: "k", MaxDistinct: 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := l.Charge(ctx, tc.claim, tc.fen, tc.caps); err == nil {
				t.Fatal("charged")
			}
		})
	}
}

// countingStore counts writes and, when failAt is set, fails the failAt-th: before it reaches
// the store (a crash before the write) or after (a crash before the answer came back).
type countingStore struct {
	domain.Store
	mu        sync.Mutex
	writes    int
	conflicts int // updates refused for a stale version: evidence that the racers raced
	failAt    int
	after     bool
}

var errCrash = errors.New("simulated crash")

func (c *countingStore) fail() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.writes == c.failAt
}

func (c *countingStore) Create(ctx context.Context, it domain.Item) (domain.Item, error) {
	if c.fail() {
		if c.after {
			c.Store.Create(ctx, it)
		}
		return domain.Item{}, errCrash
	}
	return c.Store.Create(ctx, it)
}

func (c *countingStore) Update(ctx context.Context, it domain.Item) (domain.Item, error) {
	if c.fail() {
		if c.after {
			c.Store.Update(ctx, it)
		}
		return domain.Item{}, errCrash
	}
	got, err := c.Store.Update(ctx, it)
	if errors.Is(err, domain.ErrVersionConflict) {
		c.mu.Lock()
		c.conflicts++
		c.mu.Unlock()
	}
	return got, err
}

func (c *countingStore) Delete(ctx context.Context, col, key string, version int64) error {
	if c.fail() {
		if c.after {
			c.Store.Delete(ctx, col, key, version)
		}
		return errCrash
	}
	return c.Store.Delete(ctx, col, key, version)
}

func TestARetryWritesNothingAndReturnsTheSameGrant(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		counting := &countingStore{Store: s}
		l := caps.New(counting, clock)
		p, q := plain("p", 100_000), plain("q", 100_000)
		charge(t, l, "other", 70_000*yuan, []domain.Cap{q})
		first := charge(t, l, "x", 50_000*yuan, []domain.Cap{p, q})
		if first.GrantedFen != 30_000*yuan {
			t.Fatalf("first: %+v", first)
		}
		versions := []int64{ledger(t, s, "p").Version, ledger(t, s, "q").Version}
		writes := counting.writes
		for _, fen := range []int64{50_000 * yuan, 90_000 * yuan} { // the same, or more, asked again
			if g := charge(t, l, "x", fen, []domain.Cap{q, p}); g.GrantedFen != first.GrantedFen ||
				!reflect.DeepEqual(g.Caps, []caps.CapGrant{first.Caps[1], first.Caps[0]}) {
				t.Fatalf("retry asking %d: %+v, want %+v", fen, g, first)
			}
		}
		if counting.writes != writes {
			t.Errorf("retries wrote %d times, want none", counting.writes-writes)
		}
		if got := []int64{ledger(t, s, "p").Version, ledger(t, s, "q").Version}; !reflect.DeepEqual(got, versions) {
			t.Errorf("ledger versions %v after retries, want %v", got, versions)
		}
		// Asked for less (a review lowered the amount): lowered, and the room returned.
		if g := charge(t, l, "x", 20_000*yuan, []domain.Cap{p, q}); g.GrantedFen != 20_000*yuan {
			t.Fatalf("asking less: %+v", g)
		}
		if used, _, _ := usage(t, l, q, "x"); used != 70_000*yuan {
			t.Fatalf("q besides x: %d", used)
		}
		if used, _, _ := usage(t, l, q, ""); used != 90_000*yuan {
			t.Fatalf("q: %d, want 90,000 CNY", used)
		}
	})
}

func TestConcurrentRunsOfOneClaimCountItOnce(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		l := caps.New(s, clock)
		p, q, r := plain("p", 100_000), plain("q", 100_000), plain("r", 100_000)
		charge(t, l, "other", 60_000*yuan, []domain.Cap{q})
		charge(t, l, "other2", 75_000*yuan, []domain.Cap{r})
		const runs = 6
		grants := make([]caps.Grant, runs)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range runs {
			wg.Go(func() {
				<-start
				grants[i] = chargeRetrying(t, l, "x", 50_000*yuan, []domain.Cap{p, q, r})
			})
		}
		close(start)
		wg.Wait()
		for i, g := range grants {
			if g.GrantedFen != 25_000*yuan || !reflect.DeepEqual(g, grants[0]) {
				t.Errorf("run %d: %+v, want 25,000 CNY like run 0 %+v", i, g, grants[0])
			}
		}
		entriesEqualGrant(t, s, "x", grants[0], []domain.Cap{p, q, r})
		for _, c := range []domain.Cap{p, q, r} {
			if n := len(ledger(t, s, c.Key).Entries); n > 2 {
				t.Errorf("%s has %d entries", c.Key, n)
			}
		}
	})
}

// chargeRetrying retries a charge that lost too many races, as a caller heals a partial charge.
func chargeRetrying(t *testing.T, l *caps.Ledgers, claim string, fen int64, cs []domain.Cap) caps.Grant {
	for attempt := 1; ; attempt++ {
		g, err := l.Charge(context.Background(), claim, fen, cs)
		if err == nil {
			return g
		}
		if !errors.Is(err, domain.ErrVersionConflict) || attempt == 20 {
			t.Errorf("charge %s, attempt %d: %v", claim, attempt, err)
			return g
		}
		retriedCharges.Add(1)
		time.Sleep(time.Duration(attempt) * 10 * time.Millisecond)
	}
}

var retriedCharges atomicCounter

type atomicCounter struct {
	mu sync.Mutex
	n  int
}

func (c *atomicCounter) Add(d int) { c.mu.Lock(); c.n += d; c.mu.Unlock() }
func (c *atomicCounter) Load() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

// racingRuns is how many times each racing test races on each store.
const racingRuns = 25

func TestEightRacingClaimsFillTheAnnualCapExactly(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		counting := &countingStore{Store: s}
		l := caps.New(counting, clock)
		for run := range racingRuns {
			ent := fmt.Sprintf("E%03d", run)
			// The enterprise was subsidised for 2021, so 2022 is its second and last year: the
			// years cap races too, and must admit every 2022 claim.
			charge(t, l, ent+"-2021", 30_000*yuan, serviceFee(ent, "2021"))
			const claims = 8
			grants := make([]caps.Grant, claims)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range claims {
				wg.Go(func() {
					<-start
					grants[i] = chargeRetrying(t, l, fmt.Sprintf("%s-2022-%d", ent, i), 20_000*yuan, serviceFee(ent, "2022"))
				})
			}
			close(start)
			wg.Wait()
			var total int64
			for i, g := range grants {
				if g.GrantedFen < 0 || g.GrantedFen > 20_000*yuan {
					t.Errorf("run %d claim %d granted %d", run, i, g.GrantedFen)
				}
				total += g.GrantedFen
				entriesEqualGrant(t, s, fmt.Sprintf("%s-2022-%d", ent, i), g, serviceFee(ent, "2022"))
			}
			if total != 100_000*yuan {
				t.Errorf("run %d: eight racing claims granted %d fen in total, want exactly 100,000 CNY", run, total)
			}
			if used := ledger(t, s, annual(ent, "2022").Key).UsedFen(""); used != 100_000*yuan {
				t.Errorf("run %d: annual ledger holds %d", run, used)
			}
			if _, distinct, _ := usage(t, l, years(ent, ""), ""); !reflect.DeepEqual(distinct, []string{"2021", "2022"}) {
				t.Errorf("run %d: years held %v", run, distinct)
			}
		}
		t.Logf("%d racing runs of 8 claims: %d version conflicts met; %d charges so far lost every retry and were charged again",
			racingRuns, counting.conflicts, retriedCharges.Load())
	})
}

func TestClaimsRacingAcrossThreeYearsNeverExceedACap(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		counting := &countingStore{Store: s}
		l := caps.New(counting, clock)
		type claim struct {
			id, year string
			fen      int64
		}
		for run := range racingRuns {
			ent := fmt.Sprintf("E%03d", run)
			var claims []claim
			for i := range 6 {
				claims = append(claims, claim{fmt.Sprintf("%s-2022-%d", ent, i), "2022", 20_000 * yuan})
			}
			for _, year := range []string{"2021", "2023"} {
				for i := range 3 {
					claims = append(claims, claim{fmt.Sprintf("%s-%s-%d", ent, year, i), year, 40_000 * yuan})
				}
			}
			grants := make([]caps.Grant, len(claims))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, c := range claims {
				wg.Go(func() {
					<-start
					grants[i] = chargeRetrying(t, l, c.id, c.fen, serviceFee(ent, c.year))
				})
			}
			close(start)
			wg.Wait()
			perYear := map[string]int64{}
			for i, c := range claims {
				g := grants[i]
				if g.GrantedFen < 0 || g.GrantedFen > c.fen {
					t.Errorf("run %d: %s granted %d of %d", run, c.id, g.GrantedFen, c.fen)
				}
				perYear[c.year] += g.GrantedFen
				entriesEqualGrant(t, s, c.id, g, serviceFee(ent, c.year))
			}
			var granted []string
			for _, year := range []string{"2021", "2022", "2023"} {
				if perYear[year] > 100_000*yuan {
					t.Errorf("run %d: %s granted %d fen, over the annual cap", run, year, perYear[year])
				}
				if perYear[year] > 0 {
					granted = append(granted, year)
					if used := ledger(t, s, annual(ent, year).Key).UsedFen(""); used != perYear[year] {
						t.Errorf("run %d: %s ledger holds %d, grants %d", run, year, used, perYear[year])
					}
				}
			}
			// The years cap is charged last, so a year it admits is held for good: exactly two.
			if _, distinct, _ := usage(t, l, years(ent, ""), ""); len(granted) != 2 || !reflect.DeepEqual(distinct, granted) {
				t.Errorf("run %d: years granted %v, years cap holds %v; want the same two", run, granted, distinct)
			}
		}
		t.Logf("%d racing runs of 12 claims over three years: %d version conflicts met; %d charges so far lost every retry and were charged again",
			racingRuns, counting.conflicts, retriedCharges.Load())
	})
}

// crashScenario prepares other claims' usage and names the charge to interrupt.
type crashScenario struct {
	name  string
	setup func(t *testing.T, l *caps.Ledgers, ns string)
	caps  func(ns string) []domain.Cap
	fen   int64
	want  int64
}

func crashScenarios() []crashScenario {
	three := func(ns string) []domain.Cap {
		return []domain.Cap{plain(ns+"r", 100_000), plain(ns+"p", 100_000), plain(ns+"q", 100_000)}
	}
	return []crashScenario{
		{
			name: "reduced by later caps",
			setup: func(t *testing.T, l *caps.Ledgers, ns string) {
				charge(t, l, "other-q", 70_000*yuan, []domain.Cap{plain(ns+"q", 100_000)})
				charge(t, l, "other-r", 90_000*yuan, []domain.Cap{plain(ns+"r", 100_000)})
			},
			caps: three, fen: 50_000 * yuan, want: 10_000 * yuan,
		},
		{
			name: "refused by the last cap",
			setup: func(t *testing.T, l *caps.Ledgers, ns string) {
				charge(t, l, "other-q", 70_000*yuan, []domain.Cap{plain(ns+"q", 100_000)})
				charge(t, l, "other-r", 100_000*yuan, []domain.Cap{plain(ns+"r", 100_000)})
			},
			caps: three, fen: 50_000 * yuan, want: 0,
		},
		{
			name: "refused by max distinct after the annual cap counted it",
			setup: func(t *testing.T, l *caps.Ledgers, ns string) {
				charge(t, l, "y2021", 10_000*yuan, serviceFee(ns, "2021"))
				charge(t, l, "y2022", 10_000*yuan, serviceFee(ns, "2022"))
			},
			caps: func(ns string) []domain.Cap { return serviceFee(ns, "2023") },
			fen:  50_000 * yuan, want: 0,
		},
	}
}

type ledgerState struct {
	Version int64
	Entries map[string]domain.LedgerEntry
}

func snapshot(t *testing.T, s domain.Store, cs []domain.Cap) []ledgerState {
	t.Helper()
	var out []ledgerState
	for _, c := range cs {
		l := ledger(t, s, c.Key)
		for id, e := range l.Entries {
			e.At = e.At.UTC()
			l.Entries[id] = e
		}
		out = append(out, ledgerState{l.Version, l.Entries})
	}
	return out
}

func TestACrashAtAnyWriteThenARetryEndsLikeAnUninterruptedCharge(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		ctx := context.Background()
		plainLedgers := caps.New(s, clock)
		for si, sc := range crashScenarios() {
			t.Run(sc.name, func(t *testing.T) {
				// The uninterrupted charge, counting its writes.
				ns := fmt.Sprintf("s%d-ref-", si)
				sc.setup(t, plainLedgers, ns)
				counting := &countingStore{Store: s}
				want, err := caps.New(counting, clock).Charge(ctx, "x", sc.fen, sc.caps(ns))
				if err != nil || want.GrantedFen != sc.want {
					t.Fatalf("uninterrupted: %+v, %v; want %d", want, err, sc.want)
				}
				wantState := snapshot(t, s, sc.caps(ns))
				writes := counting.writes
				if writes < 3 {
					t.Fatalf("uninterrupted charge wrote %d times; the scenario should settle", writes)
				}
				for _, after := range []bool{false, true} {
					for n := 1; n <= writes; n++ {
						ns := fmt.Sprintf("s%d-%v-%d-", si, after, n)
						sc.setup(t, plainLedgers, ns)
						crashing := &countingStore{Store: s, failAt: n, after: after}
						if _, err := caps.New(crashing, clock).Charge(ctx, "x", sc.fen, sc.caps(ns)); !errors.Is(err, errCrash) {
							t.Fatalf("write %d (landed %v): err %v, want the crash", n, after, err)
						}
						got := charge(t, plainLedgers, "x", sc.fen, sc.caps(ns))
						for i := range got.Caps {
							got.Caps[i].Key, got.Caps[i].Cap = want.Caps[i].Key, want.Caps[i].Cap // namespaced
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("crash at write %d (landed %v), then retry: %+v, want %+v", n, after, got, want)
						}
						if state := snapshot(t, s, sc.caps(ns)); !reflect.DeepEqual(state, wantState) {
							t.Errorf("crash at write %d (landed %v), then retry: ledgers\n%+v\nwant\n%+v", n, after, state, wantState)
						}
					}
				}
			})
		}
	})
}
