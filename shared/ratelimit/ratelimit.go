// Package ratelimit limits how fast each integrator credential calls the platform, across every
// instance of every function: a Lambda's memory dies with it and instances multiply under load,
// so the limit lives in the store, one record per credential.
//
// The record holds the generic cell rate algorithm's one number, the theoretical arrival time
// (TAT) of the next request. A request is admitted when it would not push the TAT more than the
// burst ahead of now; admitting it is one conditional write, and refusing it writes nothing, so
// a client hammering while throttled costs one read per request.
package ratelimit

import (
	"context"
	"errors"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Collection holds one record per limited credential.
const Collection = "rate_limits"

// Limit is a sustained rate with the burst a client may spend at once.
type Limit struct {
	PerMinute int
	Burst     int
}

// Enabled tells whether the limit limits anything.
func (l Limit) Enabled() bool { return l.PerMinute > 0 && l.Burst > 0 }

type bucket struct {
	Key string `json:"key"`
	// TAT is when the credential would be back to a full burst, in Unix nanoseconds.
	TAT     int64 `json:"tat"`
	Version int64 `json:"-"`
}

func (b *bucket) RecordKey() string        { return b.Key }
func (b *bucket) RecordVersion() int64     { return b.Version }
func (b *bucket) SetRecordVersion(v int64) { b.Version = v }
func (b *bucket) RecordIndex() [domain.NumIndexes]domain.IndexKey {
	return [domain.NumIndexes]domain.IndexKey{}
}

// Limiter admits or refuses requests of credentials.
type Limiter struct {
	buckets domain.Repo[bucket, *bucket]
	limit   Limit
	// now is the wall clock: a rate is about real seconds, so the platform clock (which dev mode
	// moves to test deadlines) must not drain or fill a bucket.
	now func() time.Time
}

func New(store domain.Store, limit Limit) *Limiter {
	return &Limiter{buckets: domain.Repo[bucket, *bucket]{Store: store, Collection: Collection}, limit: limit, now: time.Now}
}

// WithClock makes the limiter read time from now; for tests.
func (l *Limiter) WithClock(now func() time.Time) *Limiter {
	l.now = now
	return l
}

// maxAttempts bounds the retries when requests of one credential race for its record; a
// request losing that many races is refused as if over the limit, which it nearly is.
const maxAttempts = 8

// Take admits one request of key, or answers how long to wait before the next would be
// admitted.
func (l *Limiter) Take(ctx context.Context, key string) (time.Duration, error) {
	interval := time.Minute / time.Duration(l.limit.PerMinute)
	tolerance := time.Duration(l.limit.Burst) * interval
	for range maxAttempts {
		now := l.now().UnixNano()
		b, err := l.buckets.Get(ctx, key)
		if errors.Is(err, domain.ErrNotFound) {
			err = l.buckets.Create(ctx, &bucket{Key: key, TAT: now + int64(interval)})
			if errors.Is(err, domain.ErrAlreadyExists) {
				continue
			}
			return 0, err
		}
		if err != nil {
			return 0, err
		}
		next := max(b.TAT, now) + int64(interval)
		if ahead := time.Duration(next - now); ahead > tolerance {
			return ahead - tolerance, nil
		}
		b.TAT = next
		err = l.buckets.Put(ctx, b)
		if errors.Is(err, domain.ErrVersionConflict) {
			continue
		}
		return 0, err
	}
	return interval, nil
}
