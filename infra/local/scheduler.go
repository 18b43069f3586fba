package main

import (
	"context"
	"log/slog"
	"time"
)

// runScheduler stands in for EventBridge Scheduler: whenever the platform's clock (which dev
// mode can move) passes a job's due instant, it runs the job for that instant. On start it
// catches up on the latest instant already passed; the jobs are idempotent, so catching up on
// one that already ran changes nothing. A failed run is tried again on the next tick.
func (p *platform) runScheduler(ctx context.Context, every time.Duration, log *slog.Logger) {
	fired := map[string]time.Time{}
	tick := func() {
		now := p.clock.Now()
		for name, fn := range p.functions {
			for job, j := range fn.Jobs() {
				due, key := j.LatestDue(now), name+"/"+job
				if !due.After(fired[key]) {
					continue
				}
				if _, err := fn.RunScheduled(ctx, job, due); err != nil {
					log.Error("scheduled job failed; retrying on the next tick", "function", name, "job", job, "error", err.Error())
					continue
				}
				fired[key] = due
			}
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		tick()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
