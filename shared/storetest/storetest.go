// Package storetest is the conformance suite every domain.Store adapter passes unchanged: the
// behaviour the services rely on, stated once, so SQLite and DynamoDB cannot drift apart.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Open returns a store for one subtest. Subtests use collection names of their own, so an
// adapter may hand out the same underlying database every time.
type Open func(t *testing.T) domain.Store

// Run runs the whole suite against the adapter.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s domain.Store, col string)
	}{
		{"create then get returns what was stored at version 1", createThenGet},
		{"second create of a key fails and keeps the first", createIfAbsent},
		{"racing creates of one key store exactly one", racingCreates},
		{"get of a missing key is not found", getMissing},
		{"update on the current version advances it", updateCurrent},
		{"update on a stale version is a conflict and changes nothing", updateStale},
		{"update of a missing key is not found", updateMissing},
		{"concurrent read-modify-write loses no update", noLostUpdates},
		{"delete is conditional on the version", deleteConditional},
		{"collections do not see each other", collectionsIsolated},
		{"query by key pages through everything once in order", queryByKey},
		{"query by key prefix", queryByPrefix},
		{"query by secondary index orders by sort key then key", querySecondary},
		{"secondary indexes are sparse and follow updates", sparseIndexes},
		{"a foreign or forged cursor is refused", badCursor},
		{"page size is capped", pageSizeCapped},
		{"idempotency: first proceeds, retry replays, other body mismatches", idempotencyLifecycle},
		{"idempotency: racing first requests let exactly one proceed", idempotencyRace},
		{"idempotency: a crashed request's lease can be taken over", idempotencyLease},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			// A fresh collection per subtest and per run, so a shared database stays clean.
			tc.fn(t, s, fmt.Sprintf("conf%d_%d", i, time.Now().UnixNano()))
		})
	}
}

func item(col, key, data string, ix ...domain.IndexKey) domain.Item {
	it := domain.Item{Collection: col, Key: key, Data: []byte(data)}
	copy(it.Index[:], ix)
	return it
}

func mustCreate(t *testing.T, s domain.Store, it domain.Item) domain.Item {
	t.Helper()
	got, err := s.Create(context.Background(), it)
	if err != nil {
		t.Fatalf("create %s: %v", it.Key, err)
	}
	return got
}

func mustGet(t *testing.T, s domain.Store, col, key string) domain.Item {
	t.Helper()
	got, err := s.Get(context.Background(), col, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return got
}

func createThenGet(t *testing.T, s domain.Store, col string) {
	data := `{"name":"苏州知识产权代理有限公司","n":1}` + "\x00\xff"
	ix := domain.IndexKey{Partition: "p", Sort: "s"}
	created := mustCreate(t, s, item(col, "k/1 é", data, ix))
	if created.Version != 1 {
		t.Fatalf("created version = %d, want 1", created.Version)
	}
	got := mustGet(t, s, col, "k/1 é")
	if got.Version != 1 || !bytes.Equal(got.Data, []byte(data)) || got.Index[0] != ix || !got.Index[1].IsZero() {
		t.Fatalf("got %+v, want data %q index %+v at version 1", got, data, ix)
	}
}

func createIfAbsent(t *testing.T, s domain.Store, col string) {
	mustCreate(t, s, item(col, "a", "first"))
	_, err := s.Create(context.Background(), item(col, "a", "second"))
	if !errors.Is(err, domain.ErrAlreadyExists) {
		t.Fatalf("second create err = %v, want ErrAlreadyExists", err)
	}
	if domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("second create code = %s, want conflict", domain.CodeOf(err))
	}
	if got := mustGet(t, s, col, "a"); string(got.Data) != "first" {
		t.Fatalf("data = %q, want the first create's", got.Data)
	}
}

func racingCreates(t *testing.T, s domain.Store, col string) {
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Create(context.Background(), item(col, "race", fmt.Sprint(i)))
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, domain.ErrAlreadyExists):
			t.Fatalf("racing create: unexpected %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d creates succeeded, want exactly 1", wins)
	}
}

func getMissing(t *testing.T, s domain.Store, col string) {
	_, err := s.Get(context.Background(), col, "nope")
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func updateCurrent(t *testing.T, s domain.Store, col string) {
	it := mustCreate(t, s, item(col, "u", "v1"))
	it.Data = []byte("v2")
	got, err := s.Update(context.Background(), it)
	if err != nil || got.Version != 2 {
		t.Fatalf("update = %+v, %v; want version 2", got, err)
	}
	stored := mustGet(t, s, col, "u")
	if stored.Version != 2 || string(stored.Data) != "v2" {
		t.Fatalf("stored %+v, want v2 at version 2", stored)
	}
}

func updateStale(t *testing.T, s domain.Store, col string) {
	it := mustCreate(t, s, item(col, "u", "v1"))
	fresh := it
	fresh.Data = []byte("v2")
	if _, err := s.Update(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	it.Data = []byte("stale")
	_, err := s.Update(context.Background(), it)
	if !errors.Is(err, domain.ErrVersionConflict) {
		t.Fatalf("stale update err = %v, want ErrVersionConflict", err)
	}
	if stored := mustGet(t, s, col, "u"); string(stored.Data) != "v2" || stored.Version != 2 {
		t.Fatalf("stale update changed the item: %+v", stored)
	}
}

func updateMissing(t *testing.T, s domain.Store, col string) {
	_, err := s.Update(context.Background(), domain.Item{Collection: col, Key: "ghost", Version: 1, Data: []byte("x")})
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

type counter struct {
	N       int   `json:"n"`
	Version int64 `json:"-"`
}

func (c *counter) RecordKey() string        { return "counter" }
func (c *counter) RecordVersion() int64     { return c.Version }
func (c *counter) SetRecordVersion(v int64) { c.Version = v }
func (c *counter) RecordIndex() [domain.NumIndexes]domain.IndexKey {
	return [domain.NumIndexes]domain.IndexKey{}
}

func noLostUpdates(t *testing.T, s domain.Store, col string) {
	repo := domain.Repo[counter, *counter]{Store: s, Collection: col}
	ctx := context.Background()
	if err := repo.Create(ctx, &counter{}); err != nil {
		t.Fatal(err)
	}
	const workers, each = 4, 5
	var wg sync.WaitGroup
	var failures sync.Map
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				// Repo.Update gives up after a few lost races; a caller retries, as services do.
				for {
					_, err := repo.Update(ctx, "counter", func(c *counter) error { c.N++; return nil })
					if err == nil {
						break
					}
					if !errors.Is(err, domain.ErrVersionConflict) {
						failures.Store(w, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	failures.Range(func(k, v any) bool { t.Fatalf("worker %v: %v", k, v); return false })
	got, err := repo.Get(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	if got.N != workers*each || got.Version != int64(workers*each+1) {
		t.Fatalf("counter = %d at version %d, want %d at %d", got.N, got.Version, workers*each, workers*each+1)
	}
}

func deleteConditional(t *testing.T, s domain.Store, col string) {
	ctx := context.Background()
	it := mustCreate(t, s, item(col, "d", "x"))
	if err := s.Delete(ctx, col, "d", it.Version+1); !errors.Is(err, domain.ErrVersionConflict) {
		t.Fatalf("delete on a wrong version err = %v, want ErrVersionConflict", err)
	}
	if err := s.Delete(ctx, col, "d", it.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, col, "d"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("after delete err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, col, "d", it.Version); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("second delete err = %v, want ErrNotFound", err)
	}
	// A deleted key can be created again.
	mustCreate(t, s, item(col, "d", "again"))
}

func collectionsIsolated(t *testing.T, s domain.Store, col string) {
	ctx := context.Background()
	mustCreate(t, s, item(col+"a", "k", "A", domain.IndexKey{Partition: "p", Sort: "1"}))
	mustCreate(t, s, item(col+"b", "k", "B", domain.IndexKey{Partition: "p", Sort: "1"}))
	if got := mustGet(t, s, col+"a", "k"); string(got.Data) != "A" {
		t.Fatalf("collection a holds %q", got.Data)
	}
	page, err := s.Query(ctx, domain.Query{Collection: col + "b", Index: 1, Partition: "p"})
	if err != nil || len(page.Items) != 1 || string(page.Items[0].Data) != "B" {
		t.Fatalf("query of collection b = %+v, %v; want only B", page.Items, err)
	}
}

// drain reads every page of q with the given page size and returns the keys in order.
func drain(t *testing.T, s domain.Store, q domain.Query) []string {
	t.Helper()
	var keys []string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("query never ends")
		}
		page, err := s.Query(context.Background(), q)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		if len(page.Items) > q.Limit && q.Limit > 0 {
			t.Fatalf("page of %d items over the limit %d", len(page.Items), q.Limit)
		}
		for _, it := range page.Items {
			keys = append(keys, it.Key)
		}
		if page.NextCursor == "" {
			return keys
		}
		q.Cursor = page.NextCursor
	}
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func queryByKey(t *testing.T, s domain.Store, col string) {
	want := []string{"a", "b", "c", "d", "e"}
	for _, k := range []string{"c", "a", "e", "b", "d"} {
		mustCreate(t, s, item(col, k, k))
	}
	for _, limit := range []int{1, 2, 5, 50} {
		if got := drain(t, s, domain.Query{Collection: col, Limit: limit}); !equal(got, want) {
			t.Fatalf("limit %d: keys %v, want %v", limit, got, want)
		}
	}
}

func queryByPrefix(t *testing.T, s domain.Store, col string) {
	for _, k := range []string{"agency#1#2025", "agency#1#2026", "agency#10#2026", "agency#2#2026", "agency#"} {
		mustCreate(t, s, item(col, k, k))
	}
	got := drain(t, s, domain.Query{Collection: col, Prefix: "agency#1#", Limit: 1})
	if want := []string{"agency#1#2025", "agency#1#2026"}; !equal(got, want) {
		t.Fatalf("prefix keys %v, want %v", got, want)
	}
}

func querySecondary(t *testing.T, s domain.Store, col string) {
	p := func(sort string) domain.IndexKey { return domain.IndexKey{Partition: "register", Sort: sort} }
	mustCreate(t, s, item(col, "k3", "", domain.IndexKey{}, p("b")))
	mustCreate(t, s, item(col, "k1", "", domain.IndexKey{}, p("b")))
	mustCreate(t, s, item(col, "k2", "", domain.IndexKey{}, p("a")))
	mustCreate(t, s, item(col, "k4", "", domain.IndexKey{}, domain.IndexKey{Partition: "other", Sort: "a"}))
	mustCreate(t, s, item(col, "k5", "", domain.IndexKey{}, p("ab")))
	want := []string{"k2", "k5", "k1", "k3"}
	for _, limit := range []int{1, 3, 10} {
		if got := drain(t, s, domain.Query{Collection: col, Index: 2, Partition: "register", Limit: limit}); !equal(got, want) {
			t.Fatalf("limit %d: keys %v, want %v", limit, got, want)
		}
	}
	if got := drain(t, s, domain.Query{Collection: col, Index: 2, Partition: "register", Prefix: "a", Limit: 1}); !equal(got, []string{"k2", "k5"}) {
		t.Fatalf("sort prefix a: %v", got)
	}
	if got := drain(t, s, domain.Query{Collection: col, Index: 1, Partition: "register"}); len(got) != 0 {
		t.Fatalf("index 1 holds %v, want nothing", got)
	}
}

func sparseIndexes(t *testing.T, s domain.Store, col string) {
	ctx := context.Background()
	queue := func(status string) []string {
		return drain(t, s, domain.Query{Collection: col, Index: 3, Partition: "status#" + status, Limit: 10})
	}
	it := mustCreate(t, s, item(col, "x", "", domain.IndexKey{}, domain.IndexKey{}, domain.IndexKey{Partition: "status#submitted", Sort: "1"}))
	if got := queue("submitted"); !equal(got, []string{"x"}) {
		t.Fatalf("submitted queue %v", got)
	}
	it.Index[2] = domain.IndexKey{Partition: "status#accepted", Sort: "1"}
	it, err := s.Update(ctx, it)
	if err != nil {
		t.Fatal(err)
	}
	if got := queue("submitted"); len(got) != 0 {
		t.Fatalf("item still in the submitted queue after moving: %v", got)
	}
	if got := queue("accepted"); !equal(got, []string{"x"}) {
		t.Fatalf("accepted queue %v", got)
	}
	it.Index[2] = domain.IndexKey{}
	if _, err := s.Update(ctx, it); err != nil {
		t.Fatal(err)
	}
	if got := queue("accepted"); len(got) != 0 {
		t.Fatalf("item with no index key is still listed: %v", got)
	}
}

func badCursor(t *testing.T, s domain.Store, col string) {
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		mustCreate(t, s, item(col, k, k, domain.IndexKey{Partition: "p", Sort: k}))
	}
	page, err := s.Query(ctx, domain.Query{Collection: col, Limit: 1})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	for name, q := range map[string]domain.Query{
		"garbage":          {Collection: col, Cursor: "%%%not-a-cursor"},
		"another index":    {Collection: col, Index: 1, Partition: "p", Cursor: page.NextCursor},
		"another list":     {Collection: col + "x", Cursor: page.NextCursor},
		"forged json":      {Collection: col, Cursor: "eyJrIjoiYSJ9"},
		"truncated cursor": {Collection: col, Cursor: page.NextCursor[:len(page.NextCursor)/2]},
	} {
		_, err := s.Query(ctx, q)
		if !errors.Is(err, domain.ErrBadCursor) || domain.CodeOf(err) != domain.CodeInvalid {
			t.Errorf("%s: err = %v, want ErrBadCursor (invalid)", name, err)
		}
	}
}

func pageSizeCapped(t *testing.T, s domain.Store, col string) {
	for i := range domain.MaxPageSize + 2 {
		mustCreate(t, s, item(col, fmt.Sprintf("%04d", i), "x"))
	}
	page, err := s.Query(context.Background(), domain.Query{Collection: col, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != domain.MaxPageSize || page.NextCursor == "" {
		t.Fatalf("page of %d items (cursor %q), want %d and a cursor", len(page.Items), page.NextCursor, domain.MaxPageSize)
	}
	def, err := s.Query(context.Background(), domain.Query{Collection: col})
	if err != nil || len(def.Items) != domain.DefaultPageSize {
		t.Fatalf("default page of %d items, want %d (%v)", len(def.Items), domain.DefaultPageSize, err)
	}
}

func idempotencyLifecycle(t *testing.T, s domain.Store, col string) {
	ctx := context.Background()
	idem := domain.NewIdempotency(s)
	now := time.Date(2027, 1, 31, 12, 0, 0, 0, domain.Shanghai)
	key := col + "|agency-1|POST /v1/agencies|key-1"
	out, rec, err := idem.Begin(ctx, key, "fp-a", now)
	if err != nil || out != domain.IdemProceed {
		t.Fatalf("first begin = %v, %v; want proceed", out, err)
	}
	if out, _, _ := idem.Begin(ctx, key, "fp-a", now); out != domain.IdemInFlight {
		t.Fatalf("begin while in flight = %v, want in-flight", out)
	}
	body := []byte(`{"status":"submitted"}`)
	if err := idem.Finish(ctx, rec, 201, map[string]string{"Content-Type": "application/json"}, body, now); err != nil {
		t.Fatal(err)
	}
	out, replay, err := idem.Begin(ctx, key, "fp-a", now.Add(time.Minute))
	if err != nil || out != domain.IdemReplay || replay.Status != 201 || !bytes.Equal(replay.Body, body) || replay.Header["Content-Type"] != "application/json" {
		t.Fatalf("retry = %v %+v %v; want the first answer replayed", out, replay, err)
	}
	if out, _, _ := idem.Begin(ctx, key, "fp-b", now.Add(time.Minute)); out != domain.IdemMismatch {
		t.Fatalf("other body = %v, want mismatch", out)
	}
	// After retention the key is free again.
	if out, _, err := idem.Begin(ctx, key, "fp-b", now.Add(25*time.Hour)); err != nil || out != domain.IdemProceed {
		t.Fatalf("after retention = %v, %v; want proceed", out, err)
	}
}

func idempotencyRace(t *testing.T, s domain.Store, col string) {
	idem := domain.NewIdempotency(s)
	now := time.Now()
	const n = 8
	outs := make([]domain.IdemOutcome, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], _, errs[i] = idem.Begin(context.Background(), col+"|race", "fp", now)
		}()
	}
	wg.Wait()
	proceeds := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if outs[i] == domain.IdemProceed {
			proceeds++
		}
	}
	if proceeds != 1 {
		t.Fatalf("%d racing requests proceeded, want 1", proceeds)
	}
}

func idempotencyLease(t *testing.T, s domain.Store, col string) {
	ctx := context.Background()
	idem := domain.NewIdempotency(s)
	now := time.Now()
	if out, _, _ := idem.Begin(ctx, col+"|lease", "fp", now); out != domain.IdemProceed {
		t.Fatal("first begin did not proceed")
	}
	// The first request crashed without finishing: once its lease ends a retry may act.
	out, rec, err := idem.Begin(ctx, col+"|lease", "fp", now.Add(idem.Lease+time.Second))
	if err != nil || out != domain.IdemProceed {
		t.Fatalf("after lease = %v, %v; want proceed", out, err)
	}
	if err := idem.Abandon(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := idem.Begin(ctx, col+"|lease", "fp", now.Add(idem.Lease+2*time.Second)); out != domain.IdemProceed {
		t.Fatalf("after abandon = %v, want proceed", out)
	}
}
