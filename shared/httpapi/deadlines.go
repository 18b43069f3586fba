package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/jsipa/ips/shared/deadlines"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/notify"
)

// JobJan31 is the scheduled job of the deadline-jan31 function, as template.yaml's schedule
// and the local runner's scheduler name it.
const JobJan31 = "jan31"

// JobJan31Reminders is the daily job sending the reminders before the 31 January cutoff.
const JobJan31Reminders = "jan31-reminders"

// DeadlineJan31 is the function enforcing the 31 January annual-report deadline (API.md
// "Deadlines"): through its HTTP API for officers and any cron, and as a scheduled job.
func DeadlineJan31(d Deps) *Function {
	d = d.recorded()
	notifier := d.Notifier
	if notifier == nil {
		notifier = notify.Log{Log: d.Log}
	}
	// The HTTP route runs every deadline, jun30 included (deadline-jun30 is scheduled only).
	h := deadlineHandlers{svc: deadlines.New(d.Store, d.Authz, d.Policy, d.Clock).WithNotifier(notifier),
		reminders: deadlines.NewReminders(d.Store, d.Authz, d.Policy, notifier, d.Clock)}
	return NewFunction("deadline-jan31", d, []Route{
		{http.MethodPost, "/v1/deadline-runs", SignedIn, h.run},
		{http.MethodGet, "/v1/deadline-runs", SignedIn, h.list},
		{http.MethodGet, "/v1/notices", SignedIn, h.notices},
	}).WithJobs(map[string]Job{
		JobJan31Reminders: {
			Run: func(ctx context.Context, scheduledFor time.Time) (any, error) {
				return h.reminders.Run(ctx, JobJan31Reminders, scheduledFor)
			},
			// cron(0 9 * * ? *) in Asia/Shanghai: every day at 09:00.
			LatestDue: latestNineOClock,
		},
		JobJan31: {
			Run: func(ctx context.Context, scheduledFor time.Time) (any, error) {
				return h.svc.RunScheduled(ctx, scheduledFor, "schedule")
			},
			// cron(0 0 1 2 ? *) in Asia/Shanghai: 1 February 00:00.
			LatestDue: func(now time.Time) time.Time { return domain.Jan31Cutoff(domain.Jan31YearAt(now)) },
		},
	})
}

// latestNineOClock is the latest 09:00 Beijing time at or before now.
func latestNineOClock(now time.Time) time.Time {
	t := domain.DateOf(now).Start().Add(9 * time.Hour)
	if t.After(now) {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

type deadlineHandlers struct {
	svc       *deadlines.Service
	reminders *deadlines.Reminders
}

// notices lists the caller's own notices, newest first (GET /v1/notices).
func (h deadlineHandlers) notices(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	items, next, err := h.reminders.Notices(ctx, r.Principal, deadlines.NoticesInput{Limit: limit, Cursor: cursor})
	if err != nil {
		return Response{}, err
	}
	if items == nil {
		items = []*domain.Notice{}
	}
	return Response{Body: List[*domain.Notice]{Items: items, NextCursor: next}}, nil
}

func (h deadlineHandlers) run(ctx context.Context, r *Request) (Response, error) {
	var in deadlines.RunInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	run, err := h.svc.Run(ctx, r.Principal, in)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusOK, Body: run, Version: run.Version}, nil
}

func (h deadlineHandlers) list(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	q := r.URL.Query()
	in := deadlines.ListInput{Deadline: q.Get("deadline"), Limit: limit, Cursor: cursor}
	if in.Deadline != "" && in.Deadline != domain.DeadlineJan31 && in.Deadline != domain.DeadlineJun30 {
		return Response{}, badQuery("deadline", "oneof", "须为 jan31 或 jun30", "must be jan31 or jun30")
	}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2200 {
			return Response{}, badQuery("year", "range", "须为 2000 到 2200 之间的年份", "must be a year from 2000 to 2200")
		}
		in.Year = n
	}
	runs, next, err := h.svc.List(ctx, r.Principal, in)
	if err != nil {
		return Response{}, err
	}
	if runs == nil {
		runs = []*domain.DeadlineRun{}
	}
	return Response{Body: List[*domain.DeadlineRun]{Items: runs, NextCursor: next}}, nil
}
