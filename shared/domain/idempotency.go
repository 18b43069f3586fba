package domain

import (
	"context"
	"errors"
	"time"
)

// Idempotency records let a retried POST replay its first answer instead of acting twice
// (API.md: every POST honours Idempotency-Key).
type IdempotencyRecord struct {
	// Key scopes the client's key by caller, method and path, so two callers never collide.
	Key string `json:"key"`
	// Fingerprint is a hash of the request body: the same key with another body is refused.
	Fingerprint string `json:"fingerprint"`
	// Done is false while the first request is in flight.
	Done        bool              `json:"done"`
	Status      int               `json:"status,omitempty"`
	Header      map[string]string `json:"header,omitempty"`
	Body        []byte            `json:"body,omitempty"`
	LeaseUntil  time.Time         `json:"lease_until"`
	ExpiresAt   time.Time         `json:"expires_at"`
	Version     int64             `json:"-"`
	CreatedAt   time.Time         `json:"created_at"`
	CompletedAt time.Time         `json:"completed_at,omitzero"`
}

func (r *IdempotencyRecord) RecordKey() string                 { return r.Key }
func (r *IdempotencyRecord) RecordVersion() int64              { return r.Version }
func (r *IdempotencyRecord) SetRecordVersion(v int64)          { r.Version = v }
func (r *IdempotencyRecord) RecordIndex() [NumIndexes]IndexKey { return [NumIndexes]IndexKey{} }

const idempotencyCollection = "idempotency"

// Idempotency keeps idempotency records in a Store.
type Idempotency struct {
	repo Repo[IdempotencyRecord, *IdempotencyRecord]
	// Lease is how long a first request may run before a retry may take over its key: a crash
	// between acting and recording the answer must not lock the key for ever.
	Lease time.Duration
	// Retention is how long an answer is replayed.
	Retention time.Duration
}

func NewIdempotency(s Store) *Idempotency {
	return &Idempotency{repo: Repo[IdempotencyRecord, *IdempotencyRecord]{Store: s, Collection: idempotencyCollection},
		Lease: 30 * time.Second, Retention: 24 * time.Hour}
}

// Outcome of Begin.
type IdemOutcome int

const (
	// IdemProceed: the caller owns the key and must Finish or Abandon it.
	IdemProceed IdemOutcome = iota
	// IdemReplay: a finished answer exists for this key and body.
	IdemReplay
	// IdemInFlight: the first request with this key is still running.
	IdemInFlight
	// IdemMismatch: the key was used with another body.
	IdemMismatch
)

// Begin claims key for a request with this fingerprint, or says why the caller may not act.
func (s *Idempotency) Begin(ctx context.Context, key, fingerprint string, now time.Time) (IdemOutcome, *IdempotencyRecord, error) {
	for attempt := 0; attempt < 3; attempt++ {
		fresh := &IdempotencyRecord{Key: key, Fingerprint: fingerprint, LeaseUntil: now.Add(s.Lease),
			ExpiresAt: now.Add(s.Retention), CreatedAt: now}
		err := s.repo.Create(ctx, fresh)
		if err == nil {
			return IdemProceed, fresh, nil
		}
		if !errors.Is(err, ErrAlreadyExists) {
			return 0, nil, err
		}
		existing, err := s.repo.Get(ctx, key)
		if errors.Is(err, ErrNotFound) {
			continue // abandoned between our create and get: try again
		}
		if err != nil {
			return 0, nil, err
		}
		expired := now.After(existing.ExpiresAt)
		stale := !existing.Done && now.After(existing.LeaseUntil)
		if !expired && !stale {
			switch {
			case existing.Fingerprint != fingerprint:
				return IdemMismatch, existing, nil
			case existing.Done:
				return IdemReplay, existing, nil
			default:
				return IdemInFlight, existing, nil
			}
		}
		// Take over an expired answer or a crashed request's lease, conditionally on its version
		// so that only one of several retries wins.
		fresh.Version = existing.Version
		err = s.repo.Put(ctx, fresh)
		if err == nil {
			return IdemProceed, fresh, nil
		}
		if !errors.Is(err, ErrVersionConflict) && !errors.Is(err, ErrNotFound) {
			return 0, nil, err
		}
	}
	return IdemInFlight, nil, nil
}

// Finish records the answer to replay.
func (s *Idempotency) Finish(ctx context.Context, rec *IdempotencyRecord, status int, header map[string]string, body []byte, now time.Time) error {
	rec.Done, rec.Status, rec.Header, rec.Body, rec.CompletedAt = true, status, header, body, now
	return s.repo.Put(ctx, rec)
}

// Abandon releases the key so a retry may act, used when the request failed in a way a retry
// could fix (a server error).
func (s *Idempotency) Abandon(ctx context.Context, rec *IdempotencyRecord) error {
	err := s.repo.Store.Delete(ctx, idempotencyCollection, rec.Key, rec.Version)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrVersionConflict) {
		return nil
	}
	return err
}

// ErrIdempotencyKeyReused refuses a key already used for a request with another body (API.md:
// the same key with another body is a 422).
var ErrIdempotencyKeyReused = Invalid(FieldError{Field: "Idempotency-Key", Code: "idempotency_key_reused", Message: Text{
	ZH: "该 Idempotency-Key 已用于内容不同的请求", EN: "this key was already used for a request with another body"}})
