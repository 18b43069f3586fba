package httpapi

import (
	"context"
	"time"

	"github.com/jsipa/ips/shared/deadlines"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/notify"
)

// JobJun30 is the scheduled job closing the cluster-zone round at 1 July 00:00 Beijing.
const JobJun30 = "jun30"

// JobRelativeDeadlines is the daily job of the zones' relative deadlines (DOMAIN.md §6, "daily").
const JobRelativeDeadlines = "relative-deadlines"

// DeadlineJun30 is the scheduled function of the cluster zones' deadlines (API.md "Deadlines";
// DOMAIN.md §5, §6): it closes the round at 1 July 00:00 and runs the daily relative deadlines.
//
// It serves no HTTP route. API Gateway routes POST and GET /v1/deadline-runs to one function,
// deadline-jan31, which runs {"deadline": "jun30"} with the same shared/deadlines code; both
// functions link it, and the run record is one per deadline and year whichever starts it.
func DeadlineJun30(d Deps) *Function {
	d = d.recorded()
	notifier := d.Notifier
	if notifier == nil {
		notifier = notify.Log{Log: d.Log}
	}
	svc := deadlines.New(d.Store, d.Authz, d.Policy, d.Clock).WithNotifier(notifier)
	return NewFunction("deadline-jun30", d, nil).WithJobs(map[string]Job{
		JobJun30: {
			Run: func(ctx context.Context, scheduledFor time.Time) (any, error) {
				return svc.RunJun30Scheduled(ctx, scheduledFor, "schedule")
			},
			// cron(0 0 1 7 ? *) in Asia/Shanghai: 1 July 00:00.
			LatestDue: func(now time.Time) time.Time { return domain.Jun30Cutoff(domain.Jun30YearAt(now)) },
		},
		JobRelativeDeadlines: {
			Run: func(ctx context.Context, scheduledFor time.Time) (any, error) {
				return svc.RunRelative(ctx, JobRelativeDeadlines, scheduledFor)
			},
			// cron(0 9 * * ? *) in Asia/Shanghai: every day at 09:00.
			LatestDue: latestNineOClock,
		},
	})
}
