package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// percentile is the nearest-rank percentile p (0 < p <= 100) of samples: a value that was
// actually observed, so a p99 over a few thousand samples is one real request, not an
// interpolation between two.
func percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// median is the 50th percentile.
func median(samples []time.Duration) time.Duration { return percentile(samples, 50) }

// ratio is a/b, or NaN when the baseline is zero (a figure that could not be measured).
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// fmtRatio prints a ratio with enough digits to compare, and "n/a" when it has no meaning.
func fmtRatio(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "n/a"
	case r >= 100:
		return fmt.Sprintf("%.0f×", r)
	case r >= 10:
		return fmt.Sprintf("%.1f×", r)
	default:
		return fmt.Sprintf("%.2f×", r)
	}
}

// micros, millis and seconds express a duration in the unit a figure is printed in.
func micros(d time.Duration) float64  { return float64(d) / float64(time.Microsecond) }
func millis(d time.Duration) float64  { return float64(d) / float64(time.Millisecond) }
func seconds(d time.Duration) float64 { return d.Seconds() }
