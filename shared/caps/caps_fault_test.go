package caps_test

import (
	"context"
	"errors"
	"fmt"
	"path"
	"reflect"
	"testing"

	"github.com/jsipa/ips/shared/caps"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/storetest/faultstore"
)

// TestACrashAtAnyWriteThenARetryEndsLikeAnUninterruptedCharge interrupts writes with an error;
// here every call of a charge, reads included, fails in each of the shared fault store's modes
// (timeouts too, which an SDK reports otherwise), and a retry must still end in the state and
// grant of a charge never interrupted: no ledger counting the claim twice.
func TestAChargeInterruptedAtAnyCallInAnyModeHealsOnRetry(t *testing.T) {
	runBoth(t, func(t *testing.T, s domain.Store) {
		ctx := context.Background()
		plainLedgers := caps.New(s, clock)
		interrupted, differed := 0, 0
		for si, sc := range crashScenarios() {
			ns := fmt.Sprintf("f%d-ref-", si)
			sc.setup(t, plainLedgers, ns)
			counting := faultstore.New(s)
			want, err := caps.New(counting, clock).Charge(ctx, "x", sc.fen, sc.caps(ns))
			if err != nil || want.GrantedFen != sc.want {
				t.Fatalf("%s uninterrupted: %+v, %v", sc.name, want, err)
			}
			wantState := snapshot(t, s, sc.caps(ns))
			calls := counting.Count(faultstore.All)
			for _, m := range faultstore.Modes {
				for n := 1; n <= calls; n++ {
					ns := fmt.Sprintf("f%d-%d-%d-", si, m, n)
					sc.setup(t, plainLedgers, ns)
					faulty := faultstore.New(s)
					faulty.Arm(faultstore.Rule{At: n, Ops: faultstore.All, Mode: m})
					if _, err := caps.New(faulty, clock).Charge(ctx, "x", sc.fen, sc.caps(ns)); !errors.Is(err, faultstore.ErrInjected) {
						t.Fatalf("%s, call %d (%s): err %v, want the fault", sc.name, n, m, err)
					}
					interrupted++
					got := charge(t, plainLedgers, "x", sc.fen, sc.caps(ns))
					for i := range got.Caps {
						got.Caps[i].Key, got.Caps[i].Cap = want.Caps[i].Key, want.Caps[i].Cap // namespaced
					}
					if !reflect.DeepEqual(got, want) {
						differed++
						t.Errorf("%s, call %d (%s: %+v), then retry: %+v, want %+v", sc.name, n, m, faulty.Injected(), got, want)
					}
					if state := snapshot(t, s, sc.caps(ns)); !reflect.DeepEqual(state, wantState) {
						differed++
						t.Errorf("%s, call %d (%s: %+v), then retry: ledgers\n%+v\nwant\n%+v", sc.name, n, m, faulty.Injected(), state, wantState)
					}
				}
			}
		}
		t.Logf("cap ledgers, %s: %d charges interrupted at a read or write in 4 modes and retried: %d grants or ledgers unlike an uninterrupted charge",
			path.Base(t.Name()), interrupted, differed)
	})
}
