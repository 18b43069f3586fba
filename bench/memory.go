package main

import (
	"context"
	"fmt"
)

// memoryFigures are the local runner's resident sets, read from /proc while figures 2 and 3
// ran and reported together as figure 5.
type memoryFigures struct {
	idle        int64 // VmRSS of the runner started and answering, before any load
	submissions int64 // VmHWM after figure 2's filings
	sweep       int64 // VmHWM after the runner's own 31 January run over figure 3's largest store
	sweepSize   int
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func (b *bench) memory(ctx context.Context) (section, []goal, error) {
	m := b.mem
	s := section{title: "5. Memory",
		note: "Peak resident set (VmHWM of /proc/<pid>/status) of the local runner binary: during figure 2's " +
			"filings, and while its scheduler makes the 31 January run over figure 3's largest SQLite store " +
			"(started with the platform clock past the cutoff). Baseline: the runner's resident set once " +
			"started and answering, before any load."}
	if m.idle == 0 || m.sweep == 0 {
		return s, nil, fmt.Errorf("figure 5 reports what figures 2 and 3 measured: run them too")
	}
	base := fmt.Sprintf("the idle runner %.1f MiB", mib(m.idle))
	s.figures = append(s.figures,
		figure{name: "runner peak RSS, submissions", value: mib(m.submissions), format: "%.1f", unit: "MiB",
			ratio: ratio(float64(m.submissions), float64(m.idle)), baseline: base},
		figure{name: fmt.Sprintf("runner peak RSS, 31 January run over %s agencies", count(m.sweepSize)), value: mib(m.sweep),
			format: "%.1f", unit: "MiB", ratio: ratio(float64(m.sweep), float64(m.idle)), baseline: base},
	)
	printSection(s)
	return s, nil, nil
}

// count prints 10000 as 10k and 100000 as 100k.
func count(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
