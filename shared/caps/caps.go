// Package caps enforces the subsidy caps across claims (DOMAIN.md §4: two claims of one
// enterprise can never together exceed a cap, however they race) without multi-item
// transactions. Each cap is one ledger record (domain.Ledger, collection "ledgers", keyed by
// Cap.Key) that remembers, by claim id, what every claim holds of it; every change is a single
// conditional write through domain.Repo (ARCHITECTURE.md, "One item, one conditional write").
//
// # Charging a claim against several caps
//
// A claim is charged against its caps in the order of their keys, so two claims sharing caps
// always meet them in the same order.
//
//  1. First pass. The running grant starts at the amount requested. At each cap one conditional
//     write records the claim at min(running grant, the cap's room for it), where the room is
//     zero when the cap's MaxDistinct is reached by other claims' values. If the ledger already
//     counts the claim (an earlier attempt), nothing is written and the recorded amount is used:
//     an entry, once recorded, is never raised. The running grant becomes the recorded amount,
//     so it only falls from cap to cap.
//  2. Settle. The final grant is the running grant after the last cap, which is the smallest
//     amount recorded. Every cap whose entry is above it is lowered to it by one conditional
//     write each. A final grant of 0 lowers every entry to 0: the claim is released from every
//     cap (it holds no room and no distinct value) while the ledgers still remember the refusal,
//     so a retry answers 0 again.
//
// Guarantees:
//   - No cap is ever exceeded, whatever races: a write that adds or raises an amount checks the
//     room against the version it read, and once written an entry only ever falls, so the sum
//     of a ledger's entries never passes its limit and the values held never pass MaxDistinct.
//   - Idempotent per claim id: once a charge completes, every cap holds the claim at the final
//     grant, and a retry with the same caps reads the same entries, writes nothing and returns
//     the same Grant. A retry with a larger amount is not granted more; with a smaller one, the
//     grant is lowered to it and the room returned.
//   - Crash healing: a charge that stops anywhere (a crash, a lost answer, a conflict that
//     outlasted the retries) leaves entries that a retry of Charge with the same claim id and
//     caps completes: the caps already charged keep their amounts, the rest are charged, and all
//     settle to the smallest. With no other claims moving in between, that is exactly the state
//     and grant of a charge that was never interrupted. A retry never raises an amount the first
//     attempt recorded, so it never grants more than the caps the first attempt reached had
//     admitted.
//   - Concurrent charges of the same claim (a retried invocation while the first still runs)
//     converge on the same final grant: each cap holds one entry for the claim, written once and
//     then only lowered, and each run's grant is the smallest of them.
//
// Edge cases, stated honestly:
//   - Over-reservation, never over-granting. Between its first pass and its settle a claim holds
//     more of the earlier caps than it will keep; a claim racing it in that window sees less
//     room, or a distinct value that is then given up, and may be granted less (or refused)
//     although a serial order would have granted it more. A refusal is sticky, so such a claim
//     stays refused until it is released and charged again.
//   - A charge that crashed and is never retried keeps its reservation until Charge is retried
//     or Release is called; the claim's own record must drive that retry.
//   - A retry reaches the caps the first attempt never reached with their room at retry time,
//     which other claims may have changed in between; it may then be granted less (or, if room
//     was freed, up to what the earlier caps recorded, never more).
//   - A claim refused (granted 0) stays at 0 until Release; to charge it afresh, Release it first.
//   - A retry that passes other caps only charges and settles the caps it names.
//   - Release racing a Charge of the same claim has no defined outcome; finish one first.
//   - A ledger keeps the limits of its first charge; a charge is held to the stricter of those
//     and its own cap's. Lowering a cap below what is already used takes nothing back.
//   - A ledger is one item (DynamoDB: 400 KB), a few hundred bytes per claim: ample for caps
//     kept per enterprise or per project, not for a cap shared by a whole city.
package caps

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Ledgers charges claims against the cap ledgers of one store.
type Ledgers struct {
	repo  domain.Repo[domain.Ledger, *domain.Ledger]
	clock domain.Clock
}

// New keeps the ledgers in store; clock stamps every entry.
func New(store domain.Store, clock domain.Clock) *Ledgers {
	return &Ledgers{repo: domain.Repo[domain.Ledger, *domain.Ledger]{Store: store, Collection: domain.LedgerCollection}, clock: clock}
}

// Grant is what a charge granted: overall, and per cap in the order the caps were given.
type Grant struct {
	GrantedFen int64      `json:"granted_fen"`
	Caps       []CapGrant `json:"caps"`
}

// CapGrant is one cap's part in a grant, for the stored decision.
type CapGrant struct {
	Cap string `json:"cap"`
	Key string `json:"key"`
	// LimitFen is the limit applied (0: none); BeforeFen what other claims held when this claim
	// was first counted.
	LimitFen   int64 `json:"limit_fen"`
	BeforeFen  int64 `json:"before_fen"`
	GrantedFen int64 `json:"granted_fen"`
	// Limited says why this cap gave less than it was asked when the claim was first counted
	// (empty if it gave all it was asked).
	Limited domain.Limit `json:"limited,omitempty"`
}

// errUnchanged ends an update whose change is already in place, so nothing is written.
var errUnchanged = errors.New("caps: ledger unchanged")

// conflictRounds bounds how often a ledger update that used up Repo.Update's attempts starts
// again after a pause: a burst of claims of one enterprise should queue, not fail, yet a caller
// that keeps losing gets the conflict and heals by retrying Charge.
const conflictRounds = 4

// Charge counts claimID against every cap for at most requestedFen and returns what was granted
// (≤ requested) per cap and overall. Idempotent per claimID: a retry returns the same grant and
// counts nothing twice. Racing charges never exceed a cap. A cap with no room, or whose
// MaxDistinct is reached by other values, grants 0 and the claim is then released from every cap
// it was charged against (granted 0 overall). With no caps the whole request is granted. The
// package documentation describes the algorithm.
func (l *Ledgers) Charge(ctx context.Context, claimID string, requestedFen int64, caps []domain.Cap) (Grant, error) {
	if err := check(claimID, caps); err != nil {
		return Grant{}, err
	}
	if requestedFen < 0 {
		return Grant{}, fmt.Errorf("caps: claim %s requests %d fen", claimID, requestedFen)
	}
	order := byKey(caps)
	grant := Grant{Caps: make([]CapGrant, len(caps))}
	recorded := make([]int64, len(caps))
	running := requestedFen
	for _, i := range order {
		c := caps[i]
		var entry domain.LedgerEntry
		var limitFen int64
		err := l.write(ctx, c,
			func(led *domain.Ledger) bool {
				var added bool
				entry, added = led.Record(c, claimID, running, l.clock.Now())
				limitFen, _ = led.Limits(c)
				return added
			})
		if err != nil {
			return Grant{}, fmt.Errorf("caps: charge %s against %s: %w", claimID, c.Key, err)
		}
		recorded[i] = entry.AmountFen
		running = min(running, entry.AmountFen)
		grant.Caps[i] = CapGrant{Cap: c.ID, Key: c.Key, LimitFen: limitFen, BeforeFen: entry.BeforeFen, Limited: entry.Limited}
	}
	for _, i := range order {
		if recorded[i] > running {
			if err := l.lower(ctx, caps[i], claimID, running); err != nil {
				return Grant{}, fmt.Errorf("caps: settle %s on %s at %d fen: %w", claimID, caps[i].Key, running, err)
			}
		}
		grant.Caps[i].GrantedFen = running
	}
	grant.GrantedFen = running
	return grant, nil
}

// Release removes claimID from every cap (a recovery, or a refusal after a partial charge),
// returning its room and its distinct values. Idempotent.
func (l *Ledgers) Release(ctx context.Context, claimID string, caps []domain.Cap) error {
	if err := check(claimID, caps); err != nil {
		return err
	}
	for _, i := range byKey(caps) {
		err := l.update(ctx, caps[i].Key, func(led *domain.Ledger) bool { return led.Remove(claimID) })
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("caps: release %s from %s: %w", claimID, caps[i].Key, err)
		}
	}
	return nil
}

// Usage reads what a cap's ledger holds (for the policy's input before deciding): what claims
// other than claimID hold, the distinct values they hold, and whether the ledger counts claimID
// (a refused claim is counted at 0). A cap never charged holds nothing.
func (l *Ledgers) Usage(ctx context.Context, c domain.Cap, claimID string) (usedFen int64, distinct []string, counted bool, err error) {
	led, err := l.repo.Get(ctx, c.Key)
	if errors.Is(err, domain.ErrNotFound) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("caps: usage of %s: %w", c.Key, err)
	}
	_, counted = led.Entries[claimID]
	return led.UsedFen(claimID), led.DistinctValues(claimID), counted, nil
}

// lower settles claimID's entry on c down to fen.
func (l *Ledgers) lower(ctx context.Context, c domain.Cap, claimID string, fen int64) error {
	err := l.update(ctx, c.Key, func(led *domain.Ledger) bool { return led.Lower(claimID, fen, l.clock.Now()) })
	if errors.Is(err, domain.ErrNotFound) {
		return nil // nothing held, nothing to lower
	}
	return err
}

// write applies change to c's ledger, creating the ledger if it does not exist yet.
func (l *Ledgers) write(ctx context.Context, c domain.Cap, change func(*domain.Ledger) bool) error {
	for {
		err := l.update(ctx, c.Key, change)
		if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		led := domain.NewLedger(c, l.clock.Now())
		change(led)
		err = l.repo.Create(ctx, led)
		if !errors.Is(err, domain.ErrAlreadyExists) {
			return err
		}
		// Another claim created it first: update theirs.
	}
}

// update applies change to the ledger at key by one conditional write, writing nothing when
// change reports no change, and starts again after a pause when Repo.Update's attempts are used
// up by other writers.
func (l *Ledgers) update(ctx context.Context, key string, change func(*domain.Ledger) bool) error {
	for round := 1; ; round++ {
		_, err := l.repo.Update(ctx, key, func(led *domain.Ledger) error {
			if !change(led) {
				return errUnchanged
			}
			return nil
		})
		switch {
		case errors.Is(err, errUnchanged):
			return nil
		case !errors.Is(err, domain.ErrVersionConflict) || round >= conflictRounds:
			return err
		}
		pause := time.Duration(rand.Int64N(int64(round) * int64(5*time.Millisecond)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

// check refuses what no policy should produce: a charge with no claim id, or caps that are not
// each one distinct, named ledger with the value MaxDistinct counts.
func check(claimID string, caps []domain.Cap) error {
	if claimID == "" {
		return errors.New("caps: no claim id")
	}
	seen := make(map[string]bool, len(caps))
	for _, c := range caps {
		switch {
		case strings.TrimSpace(c.Key) == "":
			return fmt.Errorf("caps: cap %q has no ledger key", c.ID)
		case seen[c.Key]:
			return fmt.Errorf("caps: ledger %s named twice", c.Key)
		case c.LimitFen < 0 || c.MaxDistinct < 0:
			return fmt.Errorf("caps: cap %s has a negative limit", c.Key)
		case c.MaxDistinct > 0 && c.Distinct == "":
			return fmt.Errorf("caps: cap %s limits distinct values but names none", c.Key)
		}
		seen[c.Key] = true
	}
	return nil
}

// byKey is the charging order: the caps' indexes sorted by ledger key.
func byKey(caps []domain.Cap) []int {
	order := make([]int, len(caps))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(caps[a].Key, caps[b].Key) })
	return order
}
