// Package faultstore wraps a domain.Store to make it fail the way a real store and its network
// fail: a call that errors or times out before it reaches the store (nothing changes), and one
// that reaches the store and lands but whose answer is lost (the caller sees an error or a
// timeout, the item has changed). The second kind is the one that breaks naive retries: the
// caller cannot tell it from the first, so whatever it does next must be right in both worlds.
//
// A test arms a rule ("fail the 3rd write from now, after it lands"), runs service code on the
// wrapper, and then checks that a retry heals, that no record is half-changed and that no ledger
// counts twice. Dump reads a whole store back so runs can be compared item by item.
//
// Only tests import it (shared/archtest checks).
package faultstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jsipa/ips/shared/domain"
)

// Op is a kind of store call; Ops combine with |.
type Op uint8

const (
	OpCreate Op = 1 << iota
	OpGet
	OpUpdate
	OpDelete
	OpQuery

	// Writes are the calls that change the store.
	Writes = OpCreate | OpUpdate | OpDelete
	// Reads are the calls that do not.
	Reads = OpGet | OpQuery
	All   = Writes | Reads
)

func (o Op) String() string {
	switch o {
	case OpCreate:
		return "create"
	case OpGet:
		return "get"
	case OpUpdate:
		return "update"
	case OpDelete:
		return "delete"
	case OpQuery:
		return "query"
	}
	return fmt.Sprintf("ops(%#x)", uint8(o))
}

// Mode is how an injected fault shows itself.
type Mode int

const (
	// ErrorBefore fails the call before it reaches the store: nothing changes.
	ErrorBefore Mode = iota
	// ErrorAfter lets the call land, then loses its answer: the store changed, the caller sees
	// an error.
	ErrorAfter
	// TimeoutBefore is ErrorBefore reported as a timeout (errors.Is context.DeadlineExceeded), as
	// an SDK reports a request that never got through.
	TimeoutBefore
	// TimeoutAfter is ErrorAfter reported as a timeout: the write landed while the caller gave
	// up waiting for it.
	TimeoutAfter
)

// Modes lists every mode, for tests that sweep them all.
var Modes = []Mode{ErrorBefore, ErrorAfter, TimeoutBefore, TimeoutAfter}

func (m Mode) String() string {
	return [...]string{"error before", "error after (landed)", "timeout before", "timeout after (landed)"}[m]
}

// Lands says whether a call failed in this mode still reached the store.
func (m Mode) Lands() bool { return m == ErrorAfter || m == TimeoutAfter }

// ErrInjected is wrapped by every error a fault returns.
var ErrInjected = errors.New("faultstore: injected fault")

// Call describes one store call as the rule saw it.
type Call struct {
	// N counts the calls the armed rule matched, from 1.
	N          int
	Op         Op
	Collection string
	Key        string
	Mode       Mode
}

// Rule says which call fails and how.
type Rule struct {
	// At is the matching call to fail, counted from 1 when the rule is armed.
	At int
	// Ops are the calls that count (Writes when zero).
	Ops Op
	// Collection, when set, counts only calls on it.
	Collection string
	Mode       Mode
	// Repeat fails every matching call from At on (a store that went away), not just one.
	Repeat bool
}

// Store is a domain.Store that fails as its armed rule says and otherwise delegates.
type Store struct {
	inner domain.Store

	mu          sync.Mutex
	rule        *Rule
	matched     int
	calls       map[Op]int
	injected    []Call
	collections map[string]bool
}

var _ domain.Store = (*Store)(nil)

// New wraps inner, with no rule armed.
func New(inner domain.Store) *Store {
	return &Store{inner: inner, calls: map[Op]int{}, collections: map[string]bool{}}
}

// Inner is the wrapped store, for reading state behind the faults' back.
func (s *Store) Inner() domain.Store { return s.inner }

// Arm replaces the rule; the count of matching calls starts again from zero.
func (s *Store) Arm(r Rule) {
	if r.Ops == 0 {
		r.Ops = Writes
	}
	if r.At < 1 {
		panic("faultstore: Rule.At counts from 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rule, s.matched = &r, 0
}

// Disarm removes the rule: every call delegates.
func (s *Store) Disarm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rule = nil
}

// Count is how many calls of ops were made through the wrapper, failed ones included.
func (s *Store) Count(ops Op) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for op, c := range s.calls {
		if op&ops != 0 {
			n += c
		}
	}
	return n
}

// Injected lists the faults injected so far, oldest first.
func (s *Store) Injected() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.injected)
}

// Collections lists, sorted, every collection a call named through the wrapper: what a Dump
// of everything the code under test touched must read.
func (s *Store) Collections() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.collections))
	for c := range s.collections {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// fault counts the call and says whether it fails, and how.
func (s *Store) fault(op Op, collection, key string) (Mode, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
	s.collections[collection] = true
	r := s.rule
	if r == nil || r.Ops&op == 0 || (r.Collection != "" && r.Collection != collection) {
		return 0, false
	}
	s.matched++
	if s.matched < r.At || (s.matched > r.At && !r.Repeat) {
		return 0, false
	}
	s.injected = append(s.injected, Call{N: s.matched, Op: op, Collection: collection, Key: key, Mode: r.Mode})
	return r.Mode, true
}

// injectedError is what the caller sees in place of the store's answer.
func injectedError(m Mode, op Op, collection, key string) error {
	where := fmt.Sprintf("%s %s/%s", op, collection, key)
	if m == TimeoutBefore || m == TimeoutAfter {
		return fmt.Errorf("%w: %s (%s): %w", ErrInjected, where, m, context.DeadlineExceeded)
	}
	return fmt.Errorf("%w: %s (%s)", ErrInjected, where, m)
}

// call runs do under the fault rule. A landing fault runs do to completion, detached from the
// caller's cancellation as a request already on the wire is, and then drops its answer.
func call[T any](s *Store, ctx context.Context, op Op, collection, key string, do func(context.Context) (T, error)) (T, error) {
	m, failing := s.fault(op, collection, key)
	if !failing {
		return do(ctx)
	}
	var zero T
	if m.Lands() {
		do(context.WithoutCancel(ctx))
	}
	return zero, injectedError(m, op, collection, key)
}

func (s *Store) Create(ctx context.Context, it domain.Item) (domain.Item, error) {
	return call(s, ctx, OpCreate, it.Collection, it.Key, func(ctx context.Context) (domain.Item, error) { return s.inner.Create(ctx, it) })
}

func (s *Store) Get(ctx context.Context, collection, key string) (domain.Item, error) {
	return call(s, ctx, OpGet, collection, key, func(ctx context.Context) (domain.Item, error) { return s.inner.Get(ctx, collection, key) })
}

func (s *Store) Update(ctx context.Context, it domain.Item) (domain.Item, error) {
	return call(s, ctx, OpUpdate, it.Collection, it.Key, func(ctx context.Context) (domain.Item, error) { return s.inner.Update(ctx, it) })
}

func (s *Store) Delete(ctx context.Context, collection, key string, version int64) error {
	_, err := call(s, ctx, OpDelete, collection, key, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.inner.Delete(ctx, collection, key, version)
	})
	return err
}

func (s *Store) Query(ctx context.Context, q domain.Query) (domain.Page, error) {
	return call(s, ctx, OpQuery, q.Collection, "", func(ctx context.Context) (domain.Page, error) { return s.inner.Query(ctx, q) })
}

func (s *Store) Close() error { return s.inner.Close() }

// Dump reads every item of the collections (Index 0, every page), keyed "collection/key".
func Dump(ctx context.Context, s domain.Store, collections []string) (map[string]domain.Item, error) {
	out := map[string]domain.Item{}
	for _, c := range collections {
		q := domain.Query{Collection: c, Limit: domain.MaxPageSize}
		for {
			page, err := s.Query(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("dump %s: %w", c, err)
			}
			for _, it := range page.Items {
				out[c+"/"+it.Key] = it
			}
			if page.NextCursor == "" {
				break
			}
			q.Cursor = page.NextCursor
		}
	}
	return out, nil
}
