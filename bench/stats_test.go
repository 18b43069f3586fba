package main

import (
	"math"
	"testing"
	"time"
)

func TestPercentileIsAnObservedSampleByNearestRank(t *testing.T) {
	var samples []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		samples = append(samples, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.1, time.Millisecond}} {
		if got := percentile(samples, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if samples[0] != 100*time.Millisecond {
		t.Error("percentile sorted the caller's slice")
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %v", got)
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one sample = %v", got)
	}
}

func TestRatioOfAMissingBaselineIsNotANumber(t *testing.T) {
	if r := ratio(3, 2); r != 1.5 {
		t.Errorf("ratio(3, 2) = %v", r)
	}
	if r := ratio(3, 0); !math.IsNaN(r) || fmtRatio(r) != "n/a" {
		t.Errorf("ratio(3, 0) = %v printed %q", r, fmtRatio(r))
	}
	for r, want := range map[float64]string{0.123: "0.12×", 12.34: "12.3×", 1234: "1234×"} {
		if got := fmtRatio(r); got != want {
			t.Errorf("fmtRatio(%v) = %q, want %q", r, got, want)
		}
	}
}
