package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Record is what a typed record tells Repo about itself.
type Record interface {
	RecordKey() string
	RecordVersion() int64
	SetRecordVersion(int64)
	// RecordIndex places the record in the store's secondary indexes.
	RecordIndex() [NumIndexes]IndexKey
}

// Repo stores one kind of record as JSON items of one collection.
type Repo[T any, P interface {
	*T
	Record
}] struct {
	Store      Store
	Collection string
}

func (r Repo[T, P]) item(rec P) (Item, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return Item{}, fmt.Errorf("encode %s: %w", r.Collection, err)
	}
	return Item{Collection: r.Collection, Key: rec.RecordKey(), Version: rec.RecordVersion(), Data: data, Index: rec.RecordIndex()}, nil
}

func (r Repo[T, P]) decode(it Item) (P, error) {
	rec := P(new(T))
	if err := json.Unmarshal(it.Data, rec); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", r.Collection, it.Key, err)
	}
	rec.SetRecordVersion(it.Version)
	return rec, nil
}

// Create stores a new record; ErrAlreadyExists if its key is taken.
func (r Repo[T, P]) Create(ctx context.Context, rec P) error {
	it, err := r.item(rec)
	if err != nil {
		return err
	}
	stored, err := r.Store.Create(ctx, it)
	if err != nil {
		return err
	}
	rec.SetRecordVersion(stored.Version)
	return nil
}

// Get reads a record or returns ErrNotFound.
func (r Repo[T, P]) Get(ctx context.Context, key string) (P, error) {
	it, err := r.Store.Get(ctx, r.Collection, key)
	if err != nil {
		return nil, err
	}
	return r.decode(it)
}

// Put writes rec if the stored version is still rec's version, and advances rec's version.
func (r Repo[T, P]) Put(ctx context.Context, rec P) error {
	it, err := r.item(rec)
	if err != nil {
		return err
	}
	stored, err := r.Store.Update(ctx, it)
	if err != nil {
		return err
	}
	rec.SetRecordVersion(stored.Version)
	return nil
}

// maxUpdateAttempts bounds the optimistic retry loop: contention on one record is rare, and a
// caller that keeps losing deserves a conflict rather than an endless spin.
const maxUpdateAttempts = 8

// Update reads the record, applies change and writes it back conditionally, retrying from a
// fresh read when another writer got there first. change must be a pure function of the
// record it is given: it may run more than once.
func (r Repo[T, P]) Update(ctx context.Context, key string, change func(P) error) (P, error) {
	for attempt := 0; ; attempt++ {
		rec, err := r.Get(ctx, key)
		if err != nil {
			return nil, err
		}
		if err := change(rec); err != nil {
			return nil, err
		}
		err = r.Put(ctx, rec)
		if err == nil {
			return rec, nil
		}
		if !errors.Is(err, ErrVersionConflict) || attempt+1 >= maxUpdateAttempts {
			return nil, err
		}
	}
}

// Query lists records a page at a time.
func (r Repo[T, P]) Query(ctx context.Context, q Query) ([]P, string, error) {
	q.Collection = r.Collection
	page, err := r.Store.Query(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out := make([]P, 0, len(page.Items))
	for _, it := range page.Items {
		rec, err := r.decode(it)
		if err != nil {
			return nil, "", err
		}
		out = append(out, rec)
	}
	return out, page.NextCursor, nil
}

// Each calls fn with every record q lists, a page at a time, stopping at fn's first error.
func (r Repo[T, P]) Each(ctx context.Context, q Query, fn func(P) error) error {
	q.Limit = MaxPageSize
	for {
		recs, next, err := r.Query(ctx, q)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if err := fn(rec); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		q.Cursor = next
	}
}
