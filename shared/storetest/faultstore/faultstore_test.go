package faultstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/storetest/faultstore"
)

func open(t *testing.T) *faultstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return faultstore.New(s)
}

// The tests that rely on the wrapper are only as good as its promise: a fault "before" leaves
// the store untouched, a fault "after" leaves the write in place, and both look like failures.
func TestEachModeFailsTheCallAndLandsOnlyWhenItSays(t *testing.T) {
	ctx := context.Background()
	for _, m := range faultstore.Modes {
		t.Run(m.String(), func(t *testing.T) {
			s := open(t)
			s.Arm(faultstore.Rule{At: 2, Mode: m})
			if _, err := s.Create(ctx, domain.Item{Collection: "c", Key: "first", Data: []byte("1")}); err != nil {
				t.Fatalf("the first write failed: %v", err)
			}
			_, err := s.Create(ctx, domain.Item{Collection: "c", Key: "second", Data: []byte("2")})
			if !errors.Is(err, faultstore.ErrInjected) {
				t.Fatalf("the second write: %v, want the injected fault", err)
			}
			timeout := m == faultstore.TimeoutBefore || m == faultstore.TimeoutAfter
			if errors.Is(err, context.DeadlineExceeded) != timeout {
				t.Errorf("%v: reported as a timeout %v, want %v", err, !timeout, timeout)
			}
			_, getErr := s.Inner().Get(ctx, "c", "second")
			if landed := getErr == nil; landed != m.Lands() {
				t.Errorf("landed %v, want %v (%v)", landed, m.Lands(), getErr)
			}
			if _, err := s.Create(ctx, domain.Item{Collection: "c", Key: "third", Data: []byte("3")}); err != nil {
				t.Errorf("a one-shot rule failed a later write too: %v", err)
			}
			if got := s.Injected(); len(got) != 1 || got[0].Key != "second" || got[0].Op != faultstore.OpCreate {
				t.Errorf("injected %+v", got)
			}
		})
	}
}

func TestRulesCountOnlyTheirOpsAndCollection(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	s.Arm(faultstore.Rule{At: 1, Ops: faultstore.OpUpdate, Collection: "target", Mode: faultstore.ErrorAfter, Repeat: true})
	a, err := s.Create(ctx, domain.Item{Collection: "target", Key: "k", Data: []byte("v1")})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Create(ctx, domain.Item{Collection: "other", Key: "k", Data: []byte("o")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, other); err != nil {
		t.Fatalf("an update of another collection failed: %v", err)
	}
	a.Data = []byte("v2")
	for range 2 { // Repeat: a store that stays unreachable
		if _, err := s.Update(ctx, a); !errors.Is(err, faultstore.ErrInjected) {
			t.Fatalf("update of the target: %v", err)
		}
		a.Version++
	}
	if got, _ := s.Inner().Get(ctx, "target", "k"); got.Version != 3 {
		t.Errorf("target at version %d, want 3: both lost answers landed", got.Version)
	}
	if _, err := s.Get(ctx, "target", "k"); err != nil {
		t.Errorf("a read failed under a write rule: %v", err)
	}
	s.Disarm()
	if _, err := s.Update(ctx, a); err != nil {
		t.Errorf("disarmed: %v", err)
	}
	if n := s.Count(faultstore.Writes); n != 6 {
		t.Errorf("%d writes counted, want 6", n)
	}
	dump, err := faultstore.Dump(ctx, s, s.Collections())
	if err != nil || len(dump) != 2 || string(dump["target/k"].Data) != "v2" || dump["target/k"].Version != 4 {
		t.Errorf("dump %v (%v)", dump, err)
	}
}
