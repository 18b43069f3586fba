package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/storetest/faultstore"
)

// These tests put the fault-injecting store under the HTTP functions and interrupt every write
// of every request of a record's life, in each way a store call fails (an error or a timeout,
// before the write reaches the store or after it landed with the answer lost). The client does
// what API.md tells it to: it retries with the same Idempotency-Key. The store must then hold
// exactly what an uninterrupted life leaves: no record duplicated or half-changed, no ledger
// counting a claim twice.

// soak is set by `make soak` (IPS_SOAK=1): the long variants sweep more.
var soak = os.Getenv("IPS_SOAK") != ""

// faultWorld is every function the lifecycles touch, served on one store behind the wrapper.
type faultWorld struct {
	*harness
	fs *faultstore.Store
}

func newFaultWorld(t *testing.T, inner domain.Store) *faultWorld {
	fs := faultstore.New(inner)
	h := newHarnessOn(t, fs, httpapi.SubsidyClaim, httpapi.Filing, httpapi.AnnualReport, httpapi.DeadlineJan31)
	return &faultWorld{harness: h, fs: fs}
}

// storeOpener gives each scenario a fresh, empty store, so a scenario's dump is comparable
// with the reference's item by item.
type storeOpener func(t *testing.T) domain.Store

// onEachStore runs fn on SQLite files and on dynalite tables.
func onEachStore(t *testing.T, fn func(t *testing.T, open storeOpener)) {
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

// subject is the party whose records a lifecycle makes, and what the answers told about them.
type subject struct {
	code     string // the agency's or enterprise's USCC
	claimID  string
	filingNo string
	// shifted are instants a retry had to wait for, with the instant they stand for.
	shifted [][2]time.Time
}

// step is one request of a lifecycle.
type step struct {
	name string
	at   time.Time
	send func(w *faultWorld, s *subject, key string) reply
	want int
	// learn takes what later steps and the comparison need from the answer or the store.
	learn func(w *faultWorld, s *subject, r reply)
	// landed are answers a retry may give, besides want, when a write of the interrupted
	// attempt had landed: a review that took effect is a conflict the second time.
	landed []int
}

type lifecycle struct {
	name    string
	subject subject
	steps   []step
}

// post sends a POST with the Idempotency-Key a client retries with.
func (w *faultWorld) post(path, token string, body any, key string) reply {
	return w.do("POST", path, token, body, "Idempotency-Key", key)
}

// filingLife: an agency files, is accepted, reports for 2026 naming two clients, and the report
// is accepted.
func filingLife(t *testing.T) lifecycle {
	code := uscc(t, jiangyin, "MA20FT01")
	officer := func(w *faultWorld) string { return w.token(domain.RoleCityOfficer, "officer-7", jiangyin) }
	agency := func(w *faultWorld, s *subject) string { return w.token(domain.RoleAgency, s.code, "") }
	clients := []string{uscc(t, jiangyin, "MA2CL0F1"), uscc(t, jiangyin, "MA2CL0F2")}
	return lifecycle{name: "filing", subject: subject{code: code}, steps: []step{
		// A filing retried after its first attempt landed is refused as a second filing (409):
		// the stored one is the one sent, which the comparison checks whole.
		{name: "file", at: beijing("2026-03-10T09:00:00"), want: http.StatusCreated, landed: []int{http.StatusConflict},
			send: func(w *faultWorld, s *subject, key string) reply {
				return w.post("/v1/agencies", agency(w, s), filingBody(s.code, "江阴市故障演练专利代理有限公司", jiangyin), key)
			}},
		{name: "accept", at: beijing("2026-03-11T09:00:00"), want: http.StatusOK, landed: []int{http.StatusConflict},
			send: func(w *faultWorld, s *subject, key string) reply {
				return w.post("/v1/agencies/"+s.code+"/review", officer(w), map[string]any{"outcome": "accept"}, key)
			},
			// From the record: a retry whose first attempt landed answers 409.
			learn: func(w *faultWorld, s *subject, _ reply) {
				var a domain.Agency
				json.Unmarshal(w.expect(w.do("GET", "/v1/agencies/"+s.code, officer(w), nil), http.StatusOK).body, &a)
				s.filingNo = a.FilingNo
			}},
		{name: "report", at: beijing("2027-01-20T10:00:00"), want: http.StatusCreated, landed: []int{http.StatusOK},
			send: func(w *faultWorld, s *subject, _ string) reply {
				return w.do("PUT", reportPath(s.code, 2026), agency(w, s), reportBody(clients...))
			}},
		{name: "accept report", at: beijing("2027-01-22T10:00:00"), want: http.StatusOK, landed: []int{http.StatusConflict},
			send: func(w *faultWorld, s *subject, key string) reply {
				return w.post(reportPath(s.code, 2026)+"/review", officer(w), map[string]any{"outcome": "accept"}, key)
			}},
	}}
}

// claimLife: an enterprise claims the pledge-financing reward and the claim passes the district,
// the city, the public notice and the allocation, which charges the cap ledgers.
func claimLife(t *testing.T) lifecycle {
	code := uscc(t, "320508", "MA1CLF01")
	review := func(stage string, token func(w *faultWorld) string) func(w *faultWorld, s *subject, key string) reply {
		return func(w *faultWorld, s *subject, key string) reply {
			return w.post("/v1/subsidy-claims/"+s.claimID+"/reviews", token(w), map[string]any{"stage": stage, "outcome": "pass", "comment": "核验无误"}, key)
		}
	}
	district := func(w *faultWorld) string { return w.token(domain.RoleDistrictReviewer, "reviewer-gusu", "320508") }
	city := func(w *faultWorld) string { return w.token(domain.RoleCityOfficer, "officer-sz", "320500") }
	conflict := []int{http.StatusConflict}
	return lifecycle{name: "claim", subject: subject{code: code}, steps: []step{
		{name: "submit", at: beijing("2022-06-01T09:00:00"), want: http.StatusCreated,
			send: func(w *faultWorld, s *subject, key string) reply {
				return w.post("/v1/subsidy-claims", w.token(domain.RoleEnterprise, s.code, ""), pledgeClaim(s.code, 500_000_000, "2022-05-20"), key)
			},
			learn: func(_ *faultWorld, s *subject, r reply) {
				var c domain.Claim
				json.Unmarshal(r.body, &c)
				s.claimID = c.ID
			}},
		{name: "district", at: beijing("2022-06-01T10:00:00"), want: http.StatusOK, landed: conflict, send: review("district", district)},
		{name: "city", at: beijing("2022-06-01T11:00:00"), want: http.StatusOK, landed: conflict, send: review("city", city)},
		{name: "notice", at: beijing("2022-06-08T09:00:00"), want: http.StatusOK, landed: conflict, send: review("notice", city)},
		{name: "allocation", at: beijing("2022-06-08T10:00:00"), want: http.StatusOK, landed: conflict, send: review("allocation", city)},
	}}
}

// sweepStats are the figures a sweep reports.
type sweepStats struct {
	scenarios, landed, failedAnswers, retries, leaseWaits, divergent int
	// feedMissing counts change-feed entries an interrupted life lacks (see normalised).
	feedMissing int
}

// inFlight is the answer to a key whose first request has not finished.
func inFlight(r reply) bool {
	return r.status == http.StatusConflict && strings.Contains(string(r.body), "Idempotency-Key")
}

// live runs the lifecycle on w; at step faultAt (-1: none) it arms rule first. It returns the
// normalised store after each step and the writes each step made.
func (lc lifecycle) live(t *testing.T, w *faultWorld, faultAt int, rule faultstore.Rule, stats *sweepStats) (dumps []map[string]string, feeds [][]string, writes []int, fired bool) {
	t.Helper()
	s := lc.subject
	for i, st := range lc.steps {
		w.clock.Set(st.at, true)
		key := lc.name + "-" + strings.ReplaceAll(st.name, " ", "-")
		before := w.fs.Count(faultstore.Writes)
		var r reply
		if i == faultAt {
			w.fs.Arm(rule)
			r = st.send(w, &s, key)
			w.fs.Disarm()
			fired = len(w.fs.Injected()) > 0
			if !fired {
				return nil, nil, nil, false // the step makes fewer writes than rule.At
			}
			if r.status >= 500 {
				stats.failedAnswers++
				// The client retries with the same key; the fault was one-shot.
				for attempt := 0; attempt < 3 && r.status >= 500; attempt++ {
					stats.retries++
					r = st.send(w, &s, key)
					if inFlight(r) {
						// The key's record landed but its answer was lost: the key stays taken
						// until its lease ends (README: 30 s), and the client tries again then.
						// What the retry stamps is compared as if made at the step's instant.
						stats.leaseWaits++
						later := st.at.Add(domain.NewIdempotency(nil).Lease + time.Second)
						w.clock.Set(later, true)
						s.shifted = append(s.shifted, [2]time.Time{later, st.at})
						r = st.send(w, &s, key)
					}
				}
				// A retry may find the first attempt's work done (a review that took effect is a
				// 409); whether it really was is for the comparison of the stores below.
				if r.status != st.want && !slices.Contains(st.landed, r.status) {
					t.Errorf("%s: the retry after %s at write %d answered %d: %s", st.name, rule.Mode, rule.At, r.status, r.body)
				}
			} else if r.status != st.want {
				t.Errorf("%s: %s at write %d answered %d (want %d or a server error): %s", st.name, rule.Mode, rule.At, r.status, st.want, r.body)
			}
		} else if r = st.send(w, &s, key); r.status != st.want {
			t.Fatalf("%s, uninterrupted: %d %s", st.name, r.status, r.body)
		}
		if st.learn != nil {
			st.learn(w, &s, r)
		}
		writes = append(writes, w.fs.Count(faultstore.Writes)-before)
		dumps = append(dumps, w.normalised(t, &s))
		feeds = append(feeds, w.feed(t, &s))
	}
	return dumps, feeds, writes, true
}

// normalised is the whole store as comparable text, one entry per item. What legitimately
// differs between two lives is replaced by a placeholder or left out, each for a stated reason:
//   - the claim id: derived from the request's key, the same in every life today, but random
//     without a key, so the comparison does not lean on it (the subject's id becomes <CLAIM>);
//   - a filing number taken by an attempt that then failed is a gap (README: "a crash between
//     taking a number and using it leaves a gap, never a duplicate"), so the subject's number
//     becomes <FILING-NO> and the counters are left out;
//   - idempotency records are the requests' own bookkeeping: one whose answer could not be
//     recorded stays in flight until its lease frees it (README, HTTP conventions);
//   - the change feed is compared apart (feed): its entries are numbered from a shared counter,
//     and an entry whose append failed is a gap by design (shared/changes);
//   - an allocation retried after its charge reached the ledgers decides again on facts that
//     say so (input.ledger[].counted), and the policy then leaves the ledger caps out of
//     caps_applied (the charge holds already): both are left out of every claim's decisions,
//     while the ledgers themselves and the amounts are compared exactly;
//   - an annual report is replaced by PUT, which has no Idempotency-Key: a retry after a landed
//     first attempt records one more "resubmit" of the same report at the same instant, which
//     is dropped here (the report itself is compared whole).
func (w *faultWorld) normalised(t *testing.T, s *subject) map[string]string {
	t.Helper()
	dump, err := faultstore.Dump(context.Background(), w.fs.Inner(), w.fs.Collections())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for key, it := range dump {
		if it.Collection == "idempotency" || it.Collection == "counters" || it.Collection == "changes" {
			continue
		}
		data, version := it.Data, it.Version
		switch it.Collection {
		case domain.ReportCollection:
			data, version = collapseReplayedPut(t, data, version)
		case domain.ClaimCollection:
			data = withoutLedgerView(t, data)
		}
		key, out[key] = s.normalise(key, fmt.Sprintf("v%d %v %s", version, it.Index, data))
	}
	return out
}

// normalise replaces what legitimately differs between two lives of s in key and text.
func (s *subject) normalise(key, text string) (string, string) {
	r := []string{}
	if s.claimID != "" {
		r = append(r, s.claimID, "<CLAIM>")
	}
	if s.filingNo != "" {
		r = append(r, s.filingNo, "<FILING-NO>")
	}
	for _, sh := range s.shifted {
		for _, layout := range []func(time.Time) string{
			func(t time.Time) string { return t.In(domain.Shanghai).Format(time.RFC3339Nano) },
			func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
		} {
			r = append(r, layout(sh[0]), layout(sh[1]))
		}
	}
	rep := strings.NewReplacer(r...)
	return rep.Replace(key), rep.Replace(text)
}

// feed lists the change feed's entries without their numbers, sorted.
func (w *faultWorld) feed(t *testing.T, s *subject) []string {
	t.Helper()
	dump, err := faultstore.Dump(context.Background(), w.fs.Inner(), []string{"changes"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range dump {
		var c domain.Change
		if err := json.Unmarshal(it.Data, &c); err != nil {
			t.Fatal(err)
		}
		_, text := s.normalise("", fmt.Sprintf("%s %s %s v%d %s %s", c.Kind, c.RecordType, c.RecordID, c.RecordVersion, c.Status, c.At.Format(time.RFC3339Nano)))
		out = append(out, text)
	}
	slices.Sort(out)
	return out
}

// feedGaps counts the reference's entries got lacks, and lists entries it has that the
// reference has not (which no fault may cause: each would report a change that never was).
func feedGaps(got, want []string) (missing int, extra []string) {
	left := slices.Clone(want)
	for _, g := range got {
		if i := slices.Index(left, g); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else {
			extra = append(extra, g)
		}
	}
	return len(left), extra
}

// withoutLedgerView removes from a claim's decisions what a decision says about the ledgers'
// view of the claim itself (see normalised).
func withoutLedgerView(t *testing.T, data []byte) []byte {
	var c map[string]any
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	decisions, _ := c["decisions"].([]any)
	for _, d := range append(decisions, c["decision"]) {
		d, ok := d.(map[string]any)
		if !ok {
			continue
		}
		ledgerCaps := map[any]bool{}
		for _, lc := range anySlice(d["ledger_caps"]) {
			ledgerCaps[lc.(map[string]any)["cap"]] = true
		}
		var applied []any
		for _, a := range anySlice(d["caps_applied"]) {
			if !ledgerCaps[a.(map[string]any)["cap"]] {
				applied = append(applied, a)
			}
		}
		d["caps_applied"] = applied
		if in, ok := d["input"].(map[string]any); ok {
			for _, u := range anySlice(in["ledger"]) {
				delete(u.(map[string]any), "counted")
			}
		}
	}
	out, _ := json.Marshal(c)
	return out
}

func anySlice(v any) []any { s, _ := v.([]any); return s }

// collapseReplayedPut drops "resubmit" events that repeat the event before them (same instant,
// same actor) and the versions they took.
func collapseReplayedPut(t *testing.T, data []byte, version int64) ([]byte, int64) {
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	hist, _ := rec["history"].([]any)
	var kept []any
	for _, h := range hist {
		e := h.(map[string]any)
		if n := len(kept); n > 0 && e["action"] == "resubmit" {
			prev := kept[n-1].(map[string]any)
			if (prev["action"] == "submit" || prev["action"] == "resubmit") && prev["at"] == e["at"] && fmt.Sprint(prev["actor"]) == fmt.Sprint(e["actor"]) {
				version--
				continue
			}
		}
		kept = append(kept, e)
	}
	rec["history"] = kept
	rec["version"] = version - 1 // the record's own field, one behind the item's
	out, _ := json.Marshal(rec)
	return out, version
}

// diff describes how two normalised stores differ, for the failure message.
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

// sweep interrupts every write of every step in every mode, each in a fresh store, and compares
// the store after the interrupted step and at the end of the life with the uninterrupted ones.
func sweep(t *testing.T, open storeOpener, lc lifecycle, modes []faultstore.Mode) sweepStats {
	var stats sweepStats
	ref, refFeeds, writes, _ := lc.live(t, newFaultWorld(t, open(t)), -1, faultstore.Rule{}, &stats)
	for i, st := range lc.steps {
		if writes[i] == 0 {
			t.Fatalf("%s wrote nothing: the sweep would interrupt nothing", st.name)
		}
		for _, m := range modes {
			// Each scenario starts from an empty store, so the step makes the reference's writes.
			for k := 1; k <= writes[i]; k++ {
				t.Run(fmt.Sprintf("%s/%s/write %d", st.name, m, k), func(t *testing.T) {
					w := newFaultWorld(t, open(t))
					got, feeds, _, fired := lc.live(t, w, i, faultstore.Rule{At: k, Mode: m}, &stats)
					if !fired {
						t.Fatalf("%s made fewer than %d writes this time: the sweep is not deterministic", st.name, k)
					}
					stats.scenarios++
					if m.Lands() {
						stats.landed++
					}
					if d := diff(got[i], ref[i]); d != "" {
						stats.divergent++
						t.Errorf("after %s interrupted at write %d (%s: %+v) and retried, the store differs from an uninterrupted life:%s",
							st.name, k, m, w.fs.Injected()[0], d)
					} else if d := diff(got[len(got)-1], ref[len(ref)-1]); d != "" {
						stats.divergent++
						t.Errorf("the life went on after %s was interrupted at write %d (%s), and ended differently:%s", st.name, k, m, d)
					}
					missing, extra := feedGaps(feeds[len(feeds)-1], refFeeds[len(refFeeds)-1])
					stats.feedMissing += missing
					// A write whose answer was lost is looked up by the feed's recorder, so even
					// a change the retry finds already made reaches the feed, once.
					if missing > 0 {
						t.Errorf("after %s was interrupted at write %d (%s), the change feed lacks %d of the changes an uninterrupted life made", st.name, k, m, missing)
					}
					if len(extra) > 0 {
						t.Errorf("after %s was interrupted at write %d (%s), the change feed reports changes an uninterrupted life never made: %v", st.name, k, m, extra)
					}
				})
			}
		}
	}
	return stats
}

// sweepModes are the faults each write meets: in `make test` one that never reaches the store
// (an error) and one that lands with its answer lost (a timeout), which between them take every
// path the code has (it never tells an error from a timeout); `make soak` adds the other two.
func sweepModes() []faultstore.Mode {
	if soak {
		return faultstore.Modes
	}
	return []faultstore.Mode{faultstore.ErrorBefore, faultstore.TimeoutAfter}
}

func TestEveryWriteOfAFilingsLifeInterruptedThenRetriedEndsAsIfUninterrupted(t *testing.T) {
	onEachStore(t, func(t *testing.T, open storeOpener) {
		s := sweep(t, open, filingLife(t), sweepModes())
		t.Logf("store faults, filing and annual report, %s: %d interrupted requests (%d landed before the answer was lost), %d answered 5xx and retried (%d retries, %d waited for a lease), %d ended differently; change-feed entries missing: %d",
			path.Base(t.Name()), s.scenarios, s.landed, s.failedAnswers, s.retries, s.leaseWaits, s.divergent, s.feedMissing)
	})
}

func TestEveryWriteOfAClaimsLifeInterruptedThenRetriedEndsAsIfUninterrupted(t *testing.T) {
	onEachStore(t, func(t *testing.T, open storeOpener) {
		s := sweep(t, open, claimLife(t), sweepModes())
		t.Logf("store faults, subsidy claim, %s: %d interrupted requests (%d landed before the answer was lost), %d answered 5xx and retried (%d retries, %d waited for a lease), %d ended differently; change-feed entries missing: %d",
			path.Base(t.Name()), s.scenarios, s.landed, s.failedAnswers, s.retries, s.leaseWaits, s.divergent, s.feedMissing)
	})
}

// A claim whose answer was lost at 23:59:59 and sent again after midnight: the id an
// Idempotency-Key derives names the day, so the retry must look at the day before too.
func TestAClaimRetriedAcrossMidnightFindsItsFirstAttempt(t *testing.T) {
	w := newFaultWorld(t, func() domain.Store {
		s, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}())
	code := uscc(t, "320508", "MA1CLM01")
	body := pledgeClaim(code, 500_000_000, "2022-05-20")
	send := func(body any) reply {
		return w.post("/v1/subsidy-claims", w.token(domain.RoleEnterprise, code, ""), body, "claim-at-midnight")
	}
	w.clock.Set(beijing("2022-06-01T23:59:59"), true)
	w.fs.Arm(faultstore.Rule{At: 1, Ops: faultstore.OpCreate, Collection: domain.ClaimCollection, Mode: faultstore.TimeoutAfter})
	w.expect(send(body), http.StatusInternalServerError)
	w.fs.Disarm()
	w.clock.Set(beijing("2022-06-02T00:00:30"), true)
	r := w.expect(send(body), http.StatusCreated)
	repo := domain.Repo[domain.Claim, *domain.Claim]{Store: w.fs.Inner(), Collection: domain.ClaimCollection}
	stored, _, err := repo.Query(context.Background(), domain.Query{Index: 1, Partition: "claimant#" + code})
	if err != nil || len(stored) != 1 || r.json(t)["id"] != stored[0].ID || !strings.HasPrefix(stored[0].ID, "SC20220601-") {
		t.Fatalf("after the retry: %d claims stored (%v), the answer names %v", len(stored), err, r.json(t)["id"])
	}
	// The same key with another body is refused, as API.md says, though the key's record was
	// released by the failed first attempt.
	other := pledgeClaim(code, 400_000_000, "2022-05-20")
	if p := w.expect(send(other), http.StatusUnprocessableEntity).json(t); p["code"] != "invalid" {
		t.Errorf("another body under the key: %v", p)
	}
}
