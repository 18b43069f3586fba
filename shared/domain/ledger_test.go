package domain_test

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

const yuan = 100 // fen

var ledgerNow = time.Date(2023, 3, 1, 9, 0, 0, 0, domain.Shanghai)

func TestRemainingFen(t *testing.T) {
	tests := []struct {
		name        string
		limit, used int64
		want        int64
	}{
		{"room left", 100_000 * yuan, 60_000 * yuan, 40_000 * yuan},
		{"exactly full", 100_000 * yuan, 100_000 * yuan, 0},
		{"over a lowered limit is no room, not negative room", 50_000 * yuan, 60_000 * yuan, 0},
		{"no limit", 0, 60_000 * yuan, math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := domain.RemainingFen(tc.limit, tc.used); got != tc.want {
				t.Fatalf("RemainingFen(%d, %d) = %d, want %d", tc.limit, tc.used, got, tc.want)
			}
		})
	}
}

func TestAdmitsDistinct(t *testing.T) {
	tests := []struct {
		name    string
		max     int
		counted []string
		value   string
		want    bool
	}{
		{"no limit admits anything", 0, []string{"2021", "2022", "2023"}, "2024", true},
		{"first value", 2, nil, "2021", true},
		{"second value", 2, []string{"2021"}, "2022", true},
		{"a third value is refused", 2, []string{"2021", "2022"}, "2023", false},
		{"a value already held is admitted again", 2, []string{"2021", "2022"}, "2022", true},
		{"once: a second claim of the same once", 1, []string{"once"}, "once", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := domain.AdmitsDistinct(tc.max, tc.counted, tc.value); got != tc.want {
				t.Fatalf("AdmitsDistinct(%d, %v, %q) = %v, want %v", tc.max, tc.counted, tc.value, got, tc.want)
			}
		})
	}
}

func TestStricterLimits(t *testing.T) {
	if got := domain.StricterLimit(0, 5); got != 5 {
		t.Errorf("StricterLimit(0, 5) = %d", got)
	}
	if got := domain.StricterLimit(7, 0); got != 7 {
		t.Errorf("StricterLimit(7, 0) = %d", got)
	}
	if got := domain.StricterLimit(7, 5); got != 5 {
		t.Errorf("StricterLimit(7, 5) = %d", got)
	}
	if got := domain.StricterLimit(0, 0); got != 0 {
		t.Errorf("StricterLimit(0, 0) = %d", got)
	}
	if got := domain.StricterMaxDistinct(2, 0); got != 2 {
		t.Errorf("StricterMaxDistinct(2, 0) = %d", got)
	}
	if got := domain.StricterMaxDistinct(2, 1); got != 1 {
		t.Errorf("StricterMaxDistinct(2, 1) = %d", got)
	}
}

func annualCap(year string) domain.Cap {
	return domain.Cap{ID: "pledge_service_fee:annual", Key: "E#pledge_service_fee#" + year,
		LimitFen: 100_000 * yuan, Distinct: year, Basis: "seed 003 第五条"}
}

func yearsCap(year string) domain.Cap {
	return domain.Cap{ID: "pledge_service_fee:years", Key: "E#pledge_service_fee",
		MaxDistinct: 2, Distinct: year, Basis: "seed 003 第五条"}
}

func TestLedgerUsageExcludesTheClaimAndRefusals(t *testing.T) {
	l := domain.NewLedger(yearsCap("2021"), ledgerNow)
	l.Record(yearsCap("2021"), "a", 10*yuan, ledgerNow)
	l.Record(yearsCap("2022"), "b", 20*yuan, ledgerNow)
	l.Record(yearsCap("2022"), "c", 30*yuan, ledgerNow)
	l.Record(yearsCap("2023"), "refused", 0, ledgerNow)

	if got := l.UsedFen(""); got != 60*yuan {
		t.Errorf("UsedFen(all) = %d", got)
	}
	if got := l.UsedFen("b"); got != 40*yuan {
		t.Errorf("UsedFen(excluding b) = %d", got)
	}
	if got := l.DistinctValues(""); !reflect.DeepEqual(got, []string{"2021", "2022"}) {
		t.Errorf("DistinctValues(all) = %v; a 0-fen entry holds no value", got)
	}
	if got := l.DistinctValues("a"); !reflect.DeepEqual(got, []string{"2022"}) {
		t.Errorf("DistinctValues(excluding a) = %v", got)
	}
	if got := l.DistinctValues("nobody-else"); len(got) != 2 {
		t.Errorf("DistinctValues = %v", got)
	}
}

func TestLedgerOffer(t *testing.T) {
	full := func() *domain.Ledger {
		l := domain.NewLedger(annualCap("2022"), ledgerNow)
		l.Record(annualCap("2022"), "earlier", 60_000*yuan, ledgerNow)
		return l
	}
	years := func() *domain.Ledger {
		l := domain.NewLedger(yearsCap("2021"), ledgerNow)
		l.Record(yearsCap("2021"), "y1", 1, ledgerNow)
		l.Record(yearsCap("2022"), "y2", 1, ledgerNow)
		return l
	}
	tests := []struct {
		name    string
		ledger  *domain.Ledger
		cap     domain.Cap
		claim   string
		want    int64
		grant   int64
		limited domain.Limit
	}{
		{"within the room", full(), annualCap("2022"), "x", 40_000 * yuan, 40_000 * yuan, domain.LimitNone},
		{"one fen over is reduced", full(), annualCap("2022"), "x", 40_000*yuan + 1, 40_000 * yuan, domain.LimitAmount},
		{"the claim's own entry is not counted against it", full(), annualCap("2022"), "earlier", 100_000 * yuan, 100_000 * yuan, domain.LimitNone},
		{"a stricter cap than remembered applies", full(), func() domain.Cap { c := annualCap("2022"); c.LimitFen = 70_000 * yuan; return c }(), "x", 40_000 * yuan, 10_000 * yuan, domain.LimitAmount},
		{"a looser cap than remembered does not", full(), func() domain.Cap { c := annualCap("2022"); c.LimitFen = 0; return c }(), "x", 50_000 * yuan, 40_000 * yuan, domain.LimitAmount},
		{"a third year is refused", years(), yearsCap("2023"), "x", 5, 0, domain.LimitDistinct},
		{"a held year is admitted", years(), yearsCap("2022"), "x", 5, 5, domain.LimitNone},
		{"nothing asked, nothing granted", full(), annualCap("2022"), "x", 0, 0, domain.LimitNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			grant, limited := tc.ledger.Offer(tc.cap, tc.claim, tc.want)
			if grant != tc.grant || limited != tc.limited {
				t.Fatalf("Offer = %d %q, want %d %q", grant, limited, tc.grant, tc.limited)
			}
		})
	}
}

func TestLedgerRecordNeverRaisesAnEntry(t *testing.T) {
	c := annualCap("2022")
	l := domain.NewLedger(c, ledgerNow)
	e, added := l.Record(c, "x", 30_000*yuan, ledgerNow)
	if !added || e.AmountFen != 30_000*yuan || e.BeforeFen != 0 || e.Distinct != "2022" {
		t.Fatalf("first record = %+v %v", e, added)
	}
	again, added := l.Record(c, "x", 90_000*yuan, ledgerNow.Add(time.Hour))
	if added || again != e {
		t.Fatalf("second record = %+v %v, want the first entry unchanged", again, added)
	}
	if l.Lower("x", 40_000*yuan, ledgerNow) {
		t.Fatal("Lower raised an entry")
	}
	if !l.Lower("x", 10_000*yuan, ledgerNow) || l.Entries["x"].AmountFen != 10_000*yuan {
		t.Fatalf("Lower to 10,000: %+v", l.Entries["x"])
	}
	if l.Lower("ghost", 0, ledgerNow) {
		t.Fatal("Lower added an entry")
	}
	if !l.Remove("x") || l.Remove("x") || l.UsedFen("") != 0 {
		t.Fatalf("Remove: %+v", l.Entries)
	}
}

func TestLedgerRoundTripsThroughJSON(t *testing.T) {
	c := annualCap("2022")
	l := domain.NewLedger(c, ledgerNow)
	l.Record(c, "x", 30_000*yuan, ledgerNow)
	l.Version = 7
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back domain.Ledger
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) || back.Entries["x"].AmountFen != 30_000*yuan || !back.Entries["x"].At.Equal(ledgerNow) {
		t.Fatalf("round trip:\n got %s\nwant %s", again, data)
	}
	if back.RecordKey() != c.Key {
		t.Fatalf("RecordKey = %q", back.RecordKey())
	}
}
