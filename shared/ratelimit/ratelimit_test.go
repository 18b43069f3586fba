package ratelimit_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/ratelimit"
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

// clock is a wall clock the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestRacingRequestsOfOneCredentialGetExactlyTheBurstAndOthersAreUntouched(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
			lim := ratelimit.New(open(t), ratelimit.Limit{PerMinute: 60, Burst: 5}).WithClock(c.Now)
			var admitted, refused atomic.Int32
			var wg sync.WaitGroup
			for range 12 {
				wg.Go(func() {
					wait, err := lim.Take(ctx, "integrator|bank")
					switch {
					case err != nil:
						t.Error(err)
					case wait == 0:
						admitted.Add(1)
					default:
						refused.Add(1)
						if wait > time.Second {
							t.Errorf("told to wait %v; one request a second frees a slot each second", wait)
						}
					}
				})
			}
			wg.Wait()
			if admitted.Load() != 5 || refused.Load() != 7 {
				t.Fatalf("%d admitted, %d refused; want the burst of 5 admitted", admitted.Load(), refused.Load())
			}
			if wait, err := lim.Take(ctx, "integrator|another"); err != nil || wait != 0 {
				t.Fatalf("another credential waits %v (%v)", wait, err)
			}
			// A second later the credential has earned one request, and only one.
			c.Add(time.Second)
			if wait, err := lim.Take(ctx, "integrator|bank"); err != nil || wait != 0 {
				t.Fatalf("after a second: wait %v (%v)", wait, err)
			}
			if wait, _ := lim.Take(ctx, "integrator|bank"); wait != time.Second {
				t.Fatalf("the next request waits %v, want 1s", wait)
			}
			// Idle for a minute, it has its whole burst back, and no more.
			c.Add(time.Minute)
			for i := range 6 {
				wait, err := lim.Take(ctx, "integrator|bank")
				if err != nil || (i < 5) != (wait == 0) {
					t.Fatalf("request %d after a minute's rest: wait %v (%v)", i, wait, err)
				}
			}
		})
	}
}
