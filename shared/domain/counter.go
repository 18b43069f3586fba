package domain

import (
	"context"
	"errors"
)

// Counter hands out sequence numbers (filing numbers) by one conditional write each. A crash
// after a number is taken and before it is used leaves a gap, never a duplicate.
type Counter struct {
	Name    string `json:"name"`
	Last    int64  `json:"last"`
	Version int64  `json:"-"`
}

func (c *Counter) RecordKey() string                 { return c.Name }
func (c *Counter) RecordVersion() int64              { return c.Version }
func (c *Counter) SetRecordVersion(v int64)          { c.Version = v }
func (c *Counter) RecordIndex() [NumIndexes]IndexKey { return [NumIndexes]IndexKey{} }

// Counters keeps the named sequences of one store.
type Counters struct {
	repo Repo[Counter, *Counter]
}

func NewCounters(s Store) *Counters {
	return &Counters{repo: Repo[Counter, *Counter]{Store: s, Collection: "counters"}}
}

// Next returns the next number of the named sequence, starting at 1.
func (c *Counters) Next(ctx context.Context, name string) (int64, error) {
	for {
		got, err := c.repo.Update(ctx, name, func(r *Counter) error { r.Last++; return nil })
		if err == nil {
			return got.Last, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return 0, err
		}
		first := &Counter{Name: name, Last: 1}
		err = c.repo.Create(ctx, first)
		if err == nil {
			return 1, nil
		}
		if !errors.Is(err, ErrAlreadyExists) {
			return 0, err
		}
	}
}
