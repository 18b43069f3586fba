package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"sync"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/httpapi"
)

// Races of one party's requests against each other, on SQLite and on DynamoDB, each with the
// invariant it must keep. Racing cap consumption is TestConcurrentAllocationsNeverExceedTheAnnualCap
// (claims_test.go) and the racing tests of shared/caps; racing deadline runs are
// TestRepeatedAndConcurrentRunsCreateEachSanctionOnce (deadlines_test.go) and
// shared/deadlines' TestConcurrentJan31RunsCreateEachRecordOnce.

// racers is how many requests race; `make soak` races more, more often.
func racers() (n, rounds int) {
	if soak {
		return 16, 25
	}
	return 8, 2
}

// race sends n requests at once and returns their answers in order.
func race(n int, send func(i int) reply) []reply {
	out := make([]reply, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = send(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

func statuses(rs []reply) map[int]int {
	m := map[int]int{}
	for _, r := range rs {
		m[r.status]++
	}
	return m
}

// raceWorld is every function on one store, SQLite or dynalite.
func raceWorlds(t *testing.T, fn func(t *testing.T, w *claimWorld)) {
	all := []func(httpapi.Deps) *httpapi.Function{httpapi.Filing, httpapi.AnnualReport, httpapi.DeadlineJan31}
	t.Run("sqlite", func(t *testing.T) { fn(t, claimWorldOn(t, newHarness(t, httpapi.SubsidyClaim, all...))) })
	t.Run("dynamodb", func(t *testing.T) {
		fn(t, claimWorldOn(t, newHarnessOn(t, dynamotest.Start(t).Store(t), httpapi.SubsidyClaim, all...)))
	})
}

func (w *claimWorld) claimsOf(t *testing.T, code string) []*domain.Claim {
	t.Helper()
	repo := domain.Repo[domain.Claim, *domain.Claim]{Store: w.store, Collection: domain.ClaimCollection}
	cs, _, err := repo.Query(context.Background(), domain.Query{Index: 1, Partition: "claimant#" + code, Limit: domain.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A client that times out and sends again, or two tabs submitting at once: the same request
// racing itself stores one record, whatever the key.
func TestConcurrentDuplicateSubmissionsStoreOneRecord(t *testing.T) {
	n, rounds := racers()
	raceWorlds(t, func(t *testing.T, w *claimWorld) {
		w.at("2026-03-10T09:00:00")
		races, extra := 0, 0
		for round := range rounds {
			for _, sameKey := range []bool{true, false} {
				code := uscc(t, jiangyin, fmt.Sprintf("MA2R%02d%02d", round, map[bool]int{true: 1, false: 2}[sameKey]))
				agency := w.token(domain.RoleAgency, code, "")
				body := filingBody(code, "江阴市并发重复提交代理有限公司", jiangyin)
				rs := race(n, func(i int) reply {
					key := "filing-" + code
					if !sameKey {
						key = fmt.Sprintf("filing-%s-%d", code, i)
					}
					return w.do("POST", "/v1/agencies", agency, body, "Idempotency-Key", key)
				})
				// One 201; the others the first's answer replayed (same key), a 409 while it
				// was still running (same key), or the duplicate refused (another key).
				got := statuses(rs)
				if got[http.StatusCreated] < 1 || got[http.StatusCreated]+got[http.StatusConflict] != n || (!sameKey && got[http.StatusCreated] != 1) {
					t.Errorf("filing, same key %v: statuses %v", sameKey, got)
				}
				races++
				a := w.expect(w.do("GET", "/v1/agencies/"+code, agency, nil), http.StatusOK).json(t)
				if a["version"] != float64(1) || len(a["history"].([]any)) != 1 {
					extra++
					t.Errorf("filing, same key %v: the stored filing was written %v times", sameKey, a["version"])
				}
				for _, r := range rs {
					if r.status == http.StatusCreated && r.json(t)["version"] != float64(1) {
						t.Errorf("a 201 answered another version: %s", r.body)
					}
				}
			}

			// Claims: with one key, one claim; every 201 names it.
			w.at("2022-06-01T09:00:00")
			w.code = uscc(t, "320508", fmt.Sprintf("MA1R%02d01", round))
			w.at("2022-06-01T09:00:00")
			body := pledgeClaim(w.code, 500_000_000, "2022-05-20")
			rs := race(n, func(int) reply {
				return w.do("POST", "/v1/subsidy-claims", w.enterprise, body, "Idempotency-Key", "claim-"+w.code)
			})
			races++
			stored := w.claimsOf(t, w.code)
			extra += len(stored) - 1
			if len(stored) != 1 {
				t.Fatalf("%d claims stored for one request racing itself (statuses %v)", len(stored), statuses(rs))
			}
			for _, r := range rs {
				switch {
				case r.status == http.StatusCreated && r.json(t)["id"] != stored[0].ID:
					t.Errorf("a 201 named claim %v, the one stored is %s", r.json(t)["id"], stored[0].ID)
				case r.status != http.StatusCreated && !inFlight(r):
					t.Errorf("racing the same request: %d %s", r.status, r.body)
				}
			}
			if again := w.do("POST", "/v1/subsidy-claims", w.enterprise, body, "Idempotency-Key", "claim-"+w.code); again.status != http.StatusCreated ||
				again.json(t)["id"] != stored[0].ID || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("a retry after the race: %d %s", again.status, again.body)
			}
			w.at("2026-03-10T09:00:00")
		}
		t.Logf("duplicate submissions, %s: %d races of %d identical requests (filings under one key and under %d keys, claims under one key): %d records stored or written beyond one",
			path.Base(t.Name()), races, n, n, extra)
	})
}

// A claim is a request, not an event: the same event claimed under different keys is several
// claims (DOMAIN.md §4: "two claims of one enterprise can never together exceed a cap, however
// they race"). Racing through the allocation, the once-per-enterprise reward is paid once.
func TestDuplicateClaimsOfOneEventRacingToAllocationArePaidOnce(t *testing.T) {
	n, _ := racers()
	n /= 2
	raceWorlds(t, func(t *testing.T, w *claimWorld) {
		body := pledgeClaim(w.code, 500_000_000, "2022-05-20")
		rs := race(n, func(i int) reply {
			return w.do("POST", "/v1/subsidy-claims", w.enterprise, body, "Idempotency-Key", fmt.Sprintf("dup-%d", i))
		})
		if got := statuses(rs); got[http.StatusCreated] != n {
			t.Fatalf("statuses %v", got)
		}
		var ids []string
		for _, r := range rs {
			id := r.json(t)["id"].(string)
			w.throughNotice(t, id)
			ids = append(ids, id)
		}
		w.at("2022-06-08T09:00:00")
		for _, id := range ids {
			w.review(t, w.city, id, "notice", "pass", http.StatusOK)
		}
		race(n, func(i int) reply {
			return w.do("POST", "/v1/subsidy-claims/"+ids[i]+"/reviews", w.city, map[string]any{"stage": "allocation", "outcome": "pass"})
		})
		var paid int64
		allocated := 0
		stored := w.claimsOf(t, w.code)
		for _, c := range stored {
			if c.Status == domain.ClaimAllocated {
				allocated++
				paid += c.AllocatedFen
			}
		}
		if allocated != 1 || paid != 5_000_000 {
			t.Errorf("%d of %d duplicate claims allocated, %d fen paid; want one, 50,000 CNY (once per enterprise)", allocated, n, paid)
		}
		t.Logf("one event claimed under %d keys at once, %s: %d claims stored, %d allocated racing, %d fen paid (cap: once, 5000000 fen)",
			n, path.Base(t.Name()), len(stored), allocated, paid)
	})
}

// Reviewers of one stage deciding one claim at once: exactly one decision takes effect, the
// others are told the claim moved on (409), and the history holds one entry for the stage.
func TestConcurrentReviewsOfOneClaimTakeEffectOnce(t *testing.T) {
	n, rounds := racers()
	raceWorlds(t, func(t *testing.T, w *claimWorld) {
		took, races := 0, 0
		for round := range rounds {
			w.code = uscc(t, "320508", fmt.Sprintf("MA1W%02d01", round))
			w.at("2022-06-01T09:00:00")
			c := w.submit(t, pledgeClaim(w.code, 500_000_000, "2022-05-20"))
			for _, stage := range []struct {
				name, at, token string
			}{{"district", "2022-06-01T10:00:00", "district"}, {"city", "2022-06-01T11:00:00", "city"},
				{"notice", "2022-06-08T09:00:00", "city"}, {"allocation", "2022-06-08T10:00:00", "city"}} {
				w.at(stage.at)
				token := map[string]string{"district": w.district, "city": w.city}[stage.token]
				before := w.get(t, c.ID)
				rs := race(n, func(i int) reply {
					return w.do("POST", "/v1/subsidy-claims/"+c.ID+"/reviews", token,
						map[string]any{"stage": stage.name, "outcome": "pass", "comment": fmt.Sprintf("审核人 %d", i)})
				})
				after := w.get(t, c.ID)
				got := statuses(rs)
				if got[http.StatusOK] != 1 || got[http.StatusConflict] != n-1 {
					t.Errorf("%s: statuses %v, want one 200 and %d 409", stage.name, got, n-1)
				}
				var passes []domain.ClaimHistoryEntry
				for _, h := range after.History {
					if h.Action == "pass" && h.Stage == stage.name {
						passes = append(passes, h)
					}
				}
				races++
				took += len(passes)
				if len(passes) != 1 || after.Version != before.Version+1 {
					t.Errorf("%s: %d passes recorded, version %d → %d; want one pass, one write", stage.name, len(passes), before.Version, after.Version)
				}
				for _, r := range rs {
					if r.status != http.StatusOK || len(passes) == 0 {
						continue
					}
					h := r.json(t)["history"].([]any)
					if h[len(h)-1].(map[string]any)["comment"] != passes[0].Comment {
						t.Errorf("%s: the 200 answered a decision other than the one stored", stage.name)
					}
				}
			}
			w.expectLedger(t, c.ID, 5_000_000)
		}
		t.Logf("concurrent reviews, %s: %d stages raced by %d reviewers each (district, city, notice, allocation): %d decisions took effect",
			path.Base(t.Name()), races, n, took)
	})
}

// At the last stage a pass and a rejection racing: whichever takes effect, the ledgers hold the
// claim only if it was allocated, so a rejected claim takes no room from the enterprise's next.
func TestAnAllocationRacingARejectionLeavesTheLedgersAsTheClaimEnds(t *testing.T) {
	n, rounds := racers()
	raceWorlds(t, func(t *testing.T, w *claimWorld) {
		outcomes, leaks := map[domain.ClaimStatus]int{}, 0
		for round := range rounds * 2 {
			w.code = uscc(t, "320508", fmt.Sprintf("MA1J%02d01", round))
			w.at("2022-06-01T09:00:00")
			c := w.submit(t, pledgeClaim(w.code, 500_000_000, "2022-05-20"))
			w.throughNotice(t, c.ID)
			w.at("2022-06-08T09:00:00")
			w.review(t, w.city, c.ID, "notice", "pass", http.StatusOK)
			race(n, func(i int) reply {
				in := map[string]any{"stage": "allocation", "outcome": "pass"}
				if i%2 == 1 {
					in = map[string]any{"stage": "allocation", "outcome": "reject", "comment": "担保合同与登记不符"}
				}
				return w.do("POST", "/v1/subsidy-claims/"+c.ID+"/reviews", w.city, in)
			})
			final := w.get(t, c.ID)
			outcomes[final.Status]++
			switch final.Status {
			case domain.ClaimAllocated:
				w.expectLedger(t, c.ID, final.AllocatedFen)
			case domain.ClaimRejected:
				if !w.expectLedger(t, c.ID, 0) {
					leaks++
				}
			default:
				t.Errorf("claim ended %s", final.Status)
			}
		}
		t.Logf("allocation racing rejection, %s: %d claims, each raced by %d passes and %d rejections: ended %v, ledgers holding an unallocated claim: %d",
			path.Base(t.Name()), rounds*2, n/2, n/2, outcomes, leaks)
	})
}

func (w *claimWorld) get(t *testing.T, id string) domain.Claim {
	t.Helper()
	var c domain.Claim
	if err := json.Unmarshal(w.expect(w.do("GET", "/v1/subsidy-claims/"+id, w.city, nil), http.StatusOK).body, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// expectLedger checks that the enterprise's reward ledger holds exactly fen for the claim, and
// nothing for any other (a claim holding 0 holds no room).
func (w *claimWorld) expectLedger(t *testing.T, id string, fen int64) bool {
	t.Helper()
	repo := domain.Repo[domain.Ledger, *domain.Ledger]{Store: w.store, Collection: domain.LedgerCollection}
	l, err := repo.Get(context.Background(), w.code+"#pledge_reward")
	if err != nil {
		if fen == 0 {
			return true // never charged
		}
		t.Fatalf("ledger: %v", err)
	}
	var held []string
	for claim, e := range l.Entries {
		if e.AmountFen > 0 || claim == id && fen > 0 {
			held = append(held, fmt.Sprintf("%s=%d", claim, e.AmountFen))
		}
	}
	want := []string{}
	if fen > 0 {
		want = []string{fmt.Sprintf("%s=%d", id, fen)}
	}
	if !slices.Equal(held, want) {
		t.Errorf("ledger %s holds %v, want %v", l.Key, held, want)
		return false
	}
	return true
}
