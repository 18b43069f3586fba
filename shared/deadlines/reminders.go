package deadlines

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
)

// DeliveryLease is how long a run's claim on delivering a notice stands. A run that claimed a
// notice and died before the notifier accepted it leaves a stale claim; the next run after the
// lease claims it again. It is far longer than a run may last (the function's timeout is 300 s),
// so a live run is never doubled.
const DeliveryLease = 15 * time.Minute

// Reminders sends the reminders before the 31 January cutoff (DOMAIN.md §6, "reminders").
//
// A run for the instant it was scheduled for (a daily 09:00 Beijing) looks at the next cutoff
// after that instant and at the reminder milestones the annual report policy names
// (reminder_days_before, e.g. [15, 3]). A milestone N is reached at 00:00 on the calendar day N
// days before 31 January; of the milestones reached before the cutoff, only the latest is sent
// (decision: a 15-day reminder that a 3-day one has overtaken is not sent as well). Every agency
// that owes the report and has none submitted gets the milestone's notice, created only if
// absent (the id names recipient, kind, year and milestone), so repeated and concurrent runs
// create it once.
//
// Delivery is at least once, and once under concurrency: the run that creates a notice holds
// the claim to deliver it; a notice whose claim is older than DeliveryLease and was never
// delivered (a run died between creating and delivering, or the notifier failed) is claimed
// again, by one run only (a conditional write), and delivered.
type Reminders struct {
	agencies domain.Repo[domain.Agency, *domain.Agency]
	reports  domain.Repo[domain.AnnualReport, *domain.AnnualReport]
	notices  domain.Repo[domain.Notice, *domain.Notice]
	authz    domain.Authorizer
	policy   domain.Decider
	notifier domain.Notifier
	clock    domain.Clock
}

func NewReminders(store domain.Store, authz domain.Authorizer, policy domain.Decider, notifier domain.Notifier, clock domain.Clock) *Reminders {
	return &Reminders{
		agencies: domain.Agencies(store),
		reports:  domain.Repo[domain.AnnualReport, *domain.AnnualReport]{Store: store, Collection: domain.ReportCollection},
		notices:  domain.Repo[domain.Notice, *domain.Notice]{Store: store, Collection: domain.NoticeCollection},
		authz:    authz, policy: policy, notifier: notifier, clock: clock,
	}
}

// ReminderRun is what a reminders run answers: which reminder it sent and what it found.
type ReminderRun struct {
	// ID names the run by the Shanghai day it was scheduled for: jan31-reminders#2027-01-16.
	ID           string    `json:"id"`
	Status       string    `json:"status"` // "completed"
	ScheduledFor time.Time `json:"scheduled_for"`
	ReportYear   int       `json:"report_year"`
	Cutoff       time.Time `json:"cutoff"`
	// Milestone is the reminder sent ("d15", "d3"), empty when none is due.
	Milestone string         `json:"milestone"`
	Counts    map[string]int `json:"counts"`
}

// reminderParameters is the part of the annual report parameters the reminders read.
type reminderParameters struct {
	ReminderDaysBefore []int `json:"reminder_days_before"`
}

// Run sends the reminder due at scheduledFor. It returns an error, after a complete pass, when
// any delivery failed, so the scheduler retries; the notices it created stay, and the retry
// delivers only what is undelivered.
func (s *Reminders) Run(ctx context.Context, job string, scheduledFor time.Time) (*ReminderRun, error) {
	reportYear := domain.Jan31YearAt(scheduledFor) // the cutoff next after scheduledFor is that of reportYear
	cutoff := domain.CutoffFor(reportYear)
	run := &ReminderRun{ID: job + "#" + domain.DateOf(scheduledFor).String(), Status: domain.RunCompleted,
		ScheduledFor: scheduledFor, ReportYear: reportYear, Cutoff: cutoff,
		Counts: map[string]int{"agencies": 0, "owing": 0, "reported": 0, "reminded": 0, "created": 0, "notified": 0}}
	days, err := s.milestones(ctx, scheduledFor)
	if err != nil {
		return nil, err
	}
	// The latest milestone reached before the cutoff: the smallest number of days before.
	due := -1
	for _, n := range days {
		if !domain.ReminderFrom(reportYear, n).After(scheduledFor) && (due < 0 || n < due) {
			due = n
		}
	}
	if due < 0 {
		return run, nil
	}
	run.Milestone = domain.ReminderMilestone(due)
	var failed []string
	err = s.agencies.Each(ctx, domain.Query{}, func(a *domain.Agency) error {
		run.Counts["agencies"]++
		if !a.OwesAnnualReport(reportYear) {
			return nil
		}
		run.Counts["owing"]++
		_, err := s.reports.Get(ctx, domain.ReportKey(a.USCC, reportYear))
		switch {
		case err == nil:
			run.Counts["reported"]++
			return nil
		case !errors.Is(err, domain.ErrNotFound):
			return err
		}
		run.Counts["reminded"]++
		created, notified, err := s.remind(ctx, domain.NewAnnualReportReminder(a.USCC, reportYear, due, s.clock.Now()))
		if created {
			run.Counts["created"]++
		}
		if notified {
			run.Counts["notified"]++
		}
		if err != nil {
			failed = append(failed, err.Error())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(failed) > 0 {
		return nil, fmt.Errorf("%d reminders not delivered: %s", len(failed), strings.Join(failed, "; "))
	}
	return run, nil
}

func (s *Reminders) milestones(ctx context.Context, at time.Time) ([]int, error) {
	var p reminderParameters
	on := domain.DateOf(at)
	if err := s.policy.Decide(ctx, policy.QueryReportParameters, map[string]any{"on": on.String()}, &p); err != nil {
		return nil, domain.Internal(fmt.Errorf("report parameters on %s: %w", on, err))
	}
	if slices.ContainsFunc(p.ReminderDaysBefore, func(n int) bool { return n < 0 }) {
		return nil, domain.Internal(fmt.Errorf("report parameters on %s: reminder days %v", on, p.ReminderDaysBefore))
	}
	return p.ReminderDaysBefore, nil
}

// errClaimed says another run holds a live claim on the notice, or it was delivered.
var errClaimed = errors.New("notice claimed or delivered")

// remind creates the notice if absent and delivers it when this run holds the claim: the run
// that created it, or the one that took over a stale claim.
func (s *Reminders) remind(ctx context.Context, n *domain.Notice) (created, notified bool, err error) {
	now := s.clock.Now()
	n.ClaimedAt = now
	err = s.notices.Create(ctx, n)
	switch {
	case err == nil:
		created = true
	case errors.Is(err, domain.ErrAlreadyExists):
		n, err = s.notices.Update(ctx, n.ID, func(stored *domain.Notice) error {
			if !stored.DeliveredAt.IsZero() || now.Sub(stored.ClaimedAt) < DeliveryLease {
				return errClaimed
			}
			stored.ClaimedAt = now
			return nil
		})
		if errors.Is(err, errClaimed) {
			return false, false, nil
		}
		if err != nil {
			return false, false, err
		}
	default:
		return false, false, err
	}
	if err := s.notifier.Notify(ctx, n); err != nil {
		// Give the claim up, so the scheduler's retry delivers it without waiting for the lease.
		s.notices.Update(context.WithoutCancel(ctx), n.ID, func(stored *domain.Notice) error {
			stored.ClaimedAt = time.Time{}
			return nil
		})
		return created, false, fmt.Errorf("notify %s: %w", n.ID, err)
	}
	_, err = s.notices.Update(ctx, n.ID, func(stored *domain.Notice) error {
		stored.DeliveredAt = s.clock.Now()
		return nil
	})
	return created, true, err
}

// NoticesInput pages through the caller's notices (GET /v1/notices).
type NoticesInput struct {
	Limit  int
	Cursor string
}

// Notices lists the caller's own notices, newest first. Only an agency has notices so far;
// anyone else is refused by the authorisation policy (notice.read grants agencies their own).
func (s *Reminders) Notices(ctx context.Context, p domain.Principal, in NoticesInput) ([]*domain.Notice, string, error) {
	d, err := s.authz.Authorize(ctx, domain.AuthzRequest{Principal: p, Action: "notice.read",
		Resource: domain.Resource{Kind: "notices", Owner: p.Subject}})
	if err != nil {
		return nil, "", domain.Internal(fmt.Errorf("authorize notice.read: %w", err))
	}
	if !d.Allow {
		return nil, "", &domain.Error{Code: domain.CodeForbidden, Message: domain.Text{
			ZH: "您的身份没有通知可查看", EN: "Your role has no notices to read."},
			Err: fmt.Errorf("denied notice.read: %s", strings.Join(d.Reasons, "; "))}
	}
	return s.notices.Query(ctx, domain.Query{Index: 1, Partition: "recipient#" + p.Subject, Limit: in.Limit, Cursor: in.Cursor})
}
