// Package changes keeps the change feed (GET /v1/changes): filings accepted or deregistered,
// sanctions created or waived, and every status change of a subsidy claim, a cluster
// application or a cluster zone, in order, each with its record id and time.
//
// Entries are written by Recording, a domain.Store that watches the writes of every service
// below it, so no service can change a status without the feed hearing of it, the deadline runs
// included. An entry is its own record (one item, one write, ARCHITECTURE.md), written right
// after the write it reports, at the next number of the "changes" counter.
//
// A change whose write failed ambiguously (a timeout, a lost answer) is looked up, and reported
// if the write landed, since the caller's retry will find nothing left to change. What can
// still miss the feed is a process that dies between a record's write and its entry's: a
// window of one write, which the record itself survives (its history has the change).
//
// Two writers can take numbers 5 and 6 and land 6 first. A reader who took 6 and moved on would
// never see 5, so Read stops before the first missing number and the next read resumes there.
// A number whose writer crashed after taking it stays missing for good; Read skips it once a
// later entry is older than AllocationGrace, since a live writer lands its entry within a
// single write's retries of taking the number.
package changes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Collection holds the entries, keyed by their zero-padded number so the key order is the
// feed's order on every store.
const Collection = "changes"

// counter names the sequence the entries are numbered from.
const counter = "changes"

// AllocationGrace is how long a missing number holds the feed back before Read skips it.
const AllocationGrace = time.Minute

// maxScan bounds the entries one Read looks at, however few of them the reader may see, so a
// reader who sees little of the feed still gets an answer (and a cursor further on) quickly.
var maxScan = 5 * domain.MaxPageSize

func key(seq int64) string { return fmt.Sprintf("%020d", seq) }

type entry struct{ domain.Change }

func (e *entry) RecordKey() string        { return key(e.Seq) }
func (e *entry) RecordVersion() int64     { return e.Version }
func (e *entry) SetRecordVersion(v int64) { e.Version = v }
func (e *entry) RecordIndex() [domain.NumIndexes]domain.IndexKey {
	return [domain.NumIndexes]domain.IndexKey{}
}

// Feed appends and reads the change feed of one store.
type Feed struct {
	store    domain.Store
	entries  domain.Repo[entry, *entry]
	counters *domain.Counters
}

func NewFeed(store domain.Store) *Feed {
	return &Feed{store: store, entries: domain.Repo[entry, *entry]{Store: store, Collection: Collection},
		counters: domain.NewCounters(store)}
}

// maxNumberAttempts bounds the retries for a number. Every change of the platform takes its
// number from one counter, so at busy moments writers race for it; a change is rare enough
// (a status change, not a request) that a short jittered wait settles the race.
const maxNumberAttempts = 64

// Append numbers c and stores it.
func (f *Feed) Append(ctx context.Context, c domain.Change) (domain.Change, error) {
	var seq int64
	failures := 0
	for attempt := 0; ; attempt++ {
		var err error
		seq, err = f.counters.Next(ctx, counter)
		if err == nil {
			break
		}
		// A lost race is retried at length; any other failure a few times, since the store
		// has already retried it (a number taken whose answer was lost is a gap Read skips).
		if !errors.Is(err, domain.ErrVersionConflict) {
			failures++
		}
		if failures >= maxCreateAttempts || attempt+1 >= maxNumberAttempts || ctx.Err() != nil {
			return c, err
		}
		backoff := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 5)))
		select {
		case <-ctx.Done():
			return c, ctx.Err()
		case <-time.After(backoff):
		}
	}
	c.Seq = seq
	// The number is this writer's alone, so a retried create that finds its key taken found
	// its own first attempt, which landed although its answer was lost.
	var err error
	for attempt := range maxCreateAttempts {
		e := &entry{c}
		err = f.entries.Create(ctx, e)
		if err == nil || (attempt > 0 && errors.Is(err, domain.ErrAlreadyExists)) {
			return e.Change, nil
		}
		if errors.Is(err, domain.ErrAlreadyExists) || ctx.Err() != nil {
			break
		}
	}
	return c, err
}

// maxCreateAttempts bounds the retries of an entry's write after a failure the store did not
// heal itself.
const maxCreateAttempts = 3

// Head is the last number handed out; 0 before the first change.
func (f *Feed) Head(ctx context.Context) (int64, error) {
	it, err := f.store.Get(ctx, "counters", counter)
	if errors.Is(err, domain.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var c domain.Counter
	if err := json.Unmarshal(it.Data, &c); err != nil {
		return 0, fmt.Errorf("decode counter %s: %w", counter, err)
	}
	return c.Last, nil
}

// ParseCursor reads a feed cursor: the number of the last change seen, "0" (or nothing) for the
// beginning.
func ParseCursor(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != s {
		return 0, false
	}
	return n, true
}

// Read answers up to limit changes after the one numbered after that visible lets through, in
// order. The page's NextCursor is where the next read resumes: after the last change looked
// at, which may be further on than the last one answered when visible hid some.
func (f *Feed) Read(ctx context.Context, after int64, limit int, now time.Time, visible func(domain.Change) (bool, error)) (domain.ChangePage, error) {
	head, err := f.Head(ctx)
	if err != nil {
		return domain.ChangePage{}, err
	}
	if after > head {
		return domain.ChangePage{}, domain.Invalid(domain.FieldError{Field: "after", Code: "cursor", Message: domain.Text{
			ZH: "该位置尚未出现在变更流中", EN: "the feed has not reached this position"}})
	}
	page := domain.ChangePage{Items: []domain.ChangeItem{}}
	last := after
	q := domain.Query{Collection: Collection, Limit: min(domain.MaxPageSize, limit+1)}
	if after > 0 {
		q.Cursor = domain.EncodeCursor(q, domain.Cursor{Key: key(after)})
	}
	scanned := 0
scan:
	for {
		recs, next, err := f.entries.Query(ctx, q)
		if err != nil {
			return domain.ChangePage{}, err
		}
		for _, e := range recs {
			if e.Seq != last+1 && now.Sub(e.At) < AllocationGrace {
				break scan // a number before e may still land
			}
			ok, err := visible(e.Change)
			if err != nil {
				return domain.ChangePage{}, err
			}
			if ok {
				page.Items = append(page.Items, item(e.Change))
			}
			last = e.Seq
			scanned++
			if len(page.Items) == limit || scanned == maxScan {
				break scan
			}
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	page.NextCursor = strconv.FormatInt(last, 10)
	return page, nil
}

func item(c domain.Change) domain.ChangeItem {
	return domain.ChangeItem{Cursor: strconv.FormatInt(c.Seq, 10), Kind: c.Kind, RecordType: c.RecordType,
		RecordID: c.RecordID, RecordVersion: c.RecordVersion, Status: c.Status, At: c.At, Href: c.Href}
}

// Recording is the store every function writes through: it passes every call on, and after a
// watched record's status changes it appends the change to the feed. The write it reports has
// happened by then, so a failure to append is logged, never returned: the caller's write
// succeeded and a retry of it would be refused or repeated.
type Recording struct {
	domain.Store
	feed  *Feed
	clock domain.Clock
	log   *slog.Logger
}

// Record wraps store so its status changes reach the feed; a store already recording is
// returned as it is.
func Record(store domain.Store, clock domain.Clock, log *slog.Logger) domain.Store {
	if r, ok := store.(*Recording); ok {
		return r
	}
	return &Recording{Store: store, feed: NewFeed(store), clock: clock, log: log}
}

func (r *Recording) Create(ctx context.Context, it domain.Item) (domain.Item, error) {
	stored, err := r.Store.Create(ctx, it)
	if err == nil {
		r.note(ctx, nil, stored)
	} else if landed, ok := r.landed(ctx, it, 1, err); ok {
		r.note(ctx, nil, landed)
	}
	return stored, err
}

func (r *Recording) Update(ctx context.Context, it domain.Item) (domain.Item, error) {
	if _, ok := watched[it.Collection]; !ok {
		return r.Store.Update(ctx, it)
	}
	// The update is conditional on it.Version, so when it succeeds the item read here is
	// the one it replaced: a read of any other version means the update fails.
	// The status before the write is what tells a change from a rewrite, so a failed read of
	// it is retried; the update itself goes ahead regardless.
	var old domain.Item
	var getErr error
	for range maxCreateAttempts {
		if old, getErr = r.Store.Get(ctx, it.Collection, it.Key); getErr == nil || errors.Is(getErr, domain.ErrNotFound) || ctx.Err() != nil {
			break
		}
	}
	stored, err := r.Store.Update(ctx, it)
	if getErr == nil {
		if err == nil {
			r.note(ctx, &old, stored)
		} else if landed, ok := r.landed(ctx, it, it.Version+1, err); ok {
			r.note(ctx, &old, landed)
		}
	}
	return stored, err
}

// landed tells whether a write that failed with err took effect anyway (a timeout or a lost
// answer after the store applied it): the store then holds exactly it at version. The caller
// will see the failure and retry, and its retry finds the status already changed, so this is
// the one moment the change can still reach the feed.
func (r *Recording) landed(ctx context.Context, it domain.Item, version int64, err error) (domain.Item, bool) {
	if _, watch := watched[it.Collection]; !watch || errors.Is(err, domain.ErrVersionConflict) ||
		errors.Is(err, domain.ErrAlreadyExists) || errors.Is(err, domain.ErrNotFound) {
		return domain.Item{}, false
	}
	now, gerr := r.Store.Get(context.WithoutCancel(ctx), it.Collection, it.Key)
	if gerr != nil || now.Version != version || !bytes.Equal(now.Data, it.Data) {
		return domain.Item{}, false
	}
	return now, true
}

func (r *Recording) note(ctx context.Context, old *domain.Item, now domain.Item) {
	describe, ok := watched[now.Collection]
	if !ok {
		return
	}
	var before []byte
	if old != nil {
		before = old.Data
	}
	c, ok, err := describe(ctx, r.Store, before, now.Data)
	if err == nil && ok {
		c.RecordVersion, c.At = now.Version, r.clock.Now()
		_, err = r.feed.Append(context.WithoutCancel(ctx), c)
	}
	if err != nil {
		r.log.Error("change feed entry not written", "collection", now.Collection, "key", now.Key,
			"version", now.Version, "error", err.Error())
	}
}
