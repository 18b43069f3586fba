package domain

import (
	"math"
	"slices"
	"time"
)

// Cap is one limit a claim is charged against, as the subsidy policy names it (DOMAIN.md §4:
// once per enterprise and 100,000 CNY; 100,000 CNY per enterprise per year for at most 2 years;
// 300,000 CNY per enterprise, one year only; 2,000,000 CNY per securitisation project, once).
type Cap struct {
	ID          string `json:"cap"`          // e.g. "pledge_service_fee:annual"
	Key         string `json:"key"`          // the ledger record, e.g. "91320508MA1XXXXX#pledge_service_fee#2022"
	LimitFen    int64  `json:"limit_fen"`    // 0: no amount limit
	MaxDistinct int    `json:"max_distinct"` // 0: no limit on distinct values (e.g. at most 2 years: 2)
	Distinct    string `json:"distinct"`     // the value this claim adds (e.g. "2022"; "once")
	Basis       string `json:"basis"`
}

// Claims that add the same Distinct value share one of MaxDistinct's slots: "at most 2 years"
// is MaxDistinct 2 with the claim's year. A cap a single claim may use ("once per enterprise")
// is MaxDistinct 1 with a value naming that claim (its id, or the loan it claims for), so that
// its own retries are admitted and every other claim is refused.

// LedgerCollection holds one Ledger per cap key.
const LedgerCollection = "ledgers"

// Limit names what held a charge below what was asked of a cap.
type Limit string

const (
	LimitNone     Limit = ""
	LimitAmount   Limit = "limit_fen"    // the cap had less room than asked (maybe none)
	LimitDistinct Limit = "max_distinct" // other claims already hold MaxDistinct other values
)

// Ledger is one cap's record (collection "ledgers", key Cap.Key): every claim counted, by id.
// It is the single item an invariant spanning claims lives in, so each change to it is one
// conditional write, and because it remembers claim ids a retried change counts nothing twice
// (ARCHITECTURE.md, "One item, one conditional write").
type Ledger struct {
	Key   string `json:"key"`
	Cap   string `json:"cap"`
	Basis string `json:"basis,omitempty"`
	// LimitFen and MaxDistinct are remembered from the first charge; a charge is held to the
	// stricter of these and its own Cap's, so no caller's statement of a cap is ever exceeded.
	LimitFen    int64                  `json:"limit_fen"`
	MaxDistinct int                    `json:"max_distinct"`
	Entries     map[string]LedgerEntry `json:"entries"`
	CreatedAt   time.Time              `json:"created_at"`
	Version     int64                  `json:"-"`
}

// LedgerEntry is what one claim holds of a cap. An entry of 0 fen holds no room and no distinct
// value: it records that the claim was refused, so that a retry answers the same.
type LedgerEntry struct {
	AmountFen int64  `json:"amount_fen"`
	Distinct  string `json:"distinct,omitempty"`
	// BeforeFen is what other claims held when this claim was first recorded.
	BeforeFen int64 `json:"before_fen"`
	// Limited says why the cap gave less than asked when the claim was first recorded.
	Limited Limit     `json:"limited,omitempty"`
	At      time.Time `json:"at"`
}

func (l *Ledger) RecordKey() string                 { return l.Key }
func (l *Ledger) RecordVersion() int64              { return l.Version }
func (l *Ledger) SetRecordVersion(v int64)          { l.Version = v }
func (l *Ledger) RecordIndex() [NumIndexes]IndexKey { return [NumIndexes]IndexKey{} }

// NewLedger is the empty ledger of c, remembering c's limits.
func NewLedger(c Cap, now time.Time) *Ledger {
	return &Ledger{Key: c.Key, Cap: c.ID, Basis: c.Basis, LimitFen: c.LimitFen, MaxDistinct: c.MaxDistinct,
		Entries: map[string]LedgerEntry{}, CreatedAt: now}
}

// UsedFen is what every claim but excluding holds.
func (l *Ledger) UsedFen(excluding string) int64 {
	var sum int64
	for id, e := range l.Entries {
		if id != excluding {
			sum += e.AmountFen
		}
	}
	return sum
}

// DistinctValues are the values held by claims other than excluding, sorted. A claim holding
// 0 fen holds no value.
func (l *Ledger) DistinctValues(excluding string) []string {
	var out []string
	for id, e := range l.Entries {
		if id != excluding && e.AmountFen > 0 && !slices.Contains(out, e.Distinct) {
			out = append(out, e.Distinct)
		}
	}
	slices.Sort(out)
	return out
}

// Limits are the stricter of the remembered limits and c's.
func (l *Ledger) Limits(c Cap) (limitFen int64, maxDistinct int) {
	return StricterLimit(l.LimitFen, c.LimitFen), StricterMaxDistinct(l.MaxDistinct, c.MaxDistinct)
}

// Offer is what the ledger would grant claimID of c if it asked for wantFen now, and what held it
// below wantFen. Whatever claimID already holds is not counted against it.
func (l *Ledger) Offer(c Cap, claimID string, wantFen int64) (grantFen int64, limited Limit) {
	if wantFen <= 0 {
		return 0, LimitNone
	}
	limitFen, maxDistinct := l.Limits(c)
	if !AdmitsDistinct(maxDistinct, l.DistinctValues(claimID), c.Distinct) {
		return 0, LimitDistinct
	}
	if room := RemainingFen(limitFen, l.UsedFen(claimID)); room < wantFen {
		return room, LimitAmount
	}
	return wantFen, LimitNone
}

// Record counts claimID against c for at most wantFen, unless the ledger already counts it: an
// entry, once recorded, is never raised. It returns the claim's entry and whether it is new.
func (l *Ledger) Record(c Cap, claimID string, wantFen int64, at time.Time) (LedgerEntry, bool) {
	if e, ok := l.Entries[claimID]; ok {
		return e, false
	}
	grant, limited := l.Offer(c, claimID, wantFen)
	e := LedgerEntry{AmountFen: grant, Distinct: c.Distinct, BeforeFen: l.UsedFen(claimID), Limited: limited, At: at}
	if l.Entries == nil {
		l.Entries = map[string]LedgerEntry{}
	}
	l.Entries[claimID] = e
	return e, true
}

// Lower brings claimID's entry down to at most fen; it never raises one and never adds one.
// It reports whether the entry changed.
func (l *Ledger) Lower(claimID string, fen int64, at time.Time) bool {
	e, ok := l.Entries[claimID]
	if !ok || e.AmountFen <= fen {
		return false
	}
	e.AmountFen, e.At = max(fen, 0), at
	l.Entries[claimID] = e
	return true
}

// Remove forgets claimID, returning its room and its distinct value; it reports whether the
// ledger held it.
func (l *Ledger) Remove(claimID string) bool {
	if _, ok := l.Entries[claimID]; !ok {
		return false
	}
	delete(l.Entries, claimID)
	return true
}

// RemainingFen is the room a limit leaves after usedFen; a limit of 0 is no limit.
func RemainingFen(limitFen, usedFen int64) int64 {
	if limitFen <= 0 {
		return math.MaxInt64
	}
	return max(limitFen-usedFen, 0)
}

// AdmitsDistinct says whether a claim adding value may be counted when other claims already hold
// the values counted: always when there is no limit or value is already held, else only while
// fewer than maxDistinct values are held.
func AdmitsDistinct(maxDistinct int, counted []string, value string) bool {
	return maxDistinct <= 0 || slices.Contains(counted, value) || len(counted) < maxDistinct
}

// StricterLimit is the smaller of two amount limits, where 0 is no limit.
func StricterLimit(a, b int64) int64 {
	switch {
	case a <= 0:
		return max(b, 0)
	case b <= 0:
		return a
	}
	return min(a, b)
}

// StricterMaxDistinct is the smaller of two distinct-value limits, where 0 is no limit.
func StricterMaxDistinct(a, b int) int {
	switch {
	case a <= 0:
		return max(b, 0)
	case b <= 0:
		return a
	}
	return min(a, b)
}
