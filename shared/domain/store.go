package domain

import "context"

// NumIndexes is how many secondary keys an item may carry. Each maps to one sparse index in every
// adapter (a SQLite index, a DynamoDB GSI), so the number is small and fixed.
const NumIndexes = 3

// Item is the unit of storage: one record, written whole by one conditional write. Adapters
// know nothing of what Data holds; typed records live in Repo.
type Item struct {
	Collection string
	Key        string
	// Version is 1 after Create and grows by one on every Update; Update is conditional on it.
	Version int64
	Data    []byte
	// Index holds the item's secondary keys; a zero IndexKey leaves the item out of that index.
	Index [NumIndexes]IndexKey
}

// IndexKey places an item in a secondary index: items sharing Partition are listed in Sort order
// (then by Key).
type IndexKey struct {
	Partition string
	Sort      string
}

func (k IndexKey) IsZero() bool { return k.Partition == "" }

// Query lists items of one collection in a stable order, a page at a time.
type Query struct {
	Collection string
	// Index 0 lists the collection by Key; 1..NumIndexes list by Item.Index[Index-1].
	Index int
	// Partition is required for Index > 0.
	Partition string
	// Prefix keeps only keys (Index 0) or sort keys (Index > 0) that start with it.
	Prefix string
	// Limit caps the page size; 0 means DefaultPageSize.
	Limit int
	// Cursor is the NextCursor of the previous page; opaque to callers.
	Cursor string
}

const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Page is one page of a query. NextCursor is empty on the last page.
type Page struct {
	Items      []Item
	NextCursor string
}

// Store is what every storage adapter implements; storetest holds the suite they all pass.
// Every method is one conditional write or one read: no operation spans items, because the
// local DynamoDB has no transactions (ARCHITECTURE.md).
type Store interface {
	// Create stores the item at Version 1 if no item has its key; else ErrAlreadyExists.
	Create(ctx context.Context, it Item) (Item, error)
	// Get returns the item or ErrNotFound.
	Get(ctx context.Context, collection, key string) (Item, error)
	// Update replaces the item if its stored version equals it.Version and returns it at
	// Version+1; ErrVersionConflict if the version differs, ErrNotFound if there is no item.
	Update(ctx context.Context, it Item) (Item, error)
	// Delete removes the item if its stored version equals version.
	Delete(ctx context.Context, collection, key string, version int64) error
	// Query returns a page; a cursor it did not give out is ErrBadCursor.
	Query(ctx context.Context, q Query) (Page, error)
	Close() error
}
