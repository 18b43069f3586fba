// Package deadlines enforces the legal cutoffs (DOMAIN.md §6). The 31 January run turns every
// annual report owed and not submitted on time into the sanction the sanctions policy decides
// (seed 000 §二(二)1).
//
// A run judges by the cutoff instant, never by when it runs: it reads each report's on_time
// stamp, fixed at submission against the cutoff, so a run delayed to 3 February decides as one
// at 00:00 on 1 February. It is idempotent: each sanction's id is derived from its agency,
// trigger and year and created only if absent, so a second run, four at once, or a run resumed
// after a crash create each sanction exactly once. The run record (one per deadline and year)
// gathers every start and every record created.
package deadlines

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/notify"
	"github.com/jsipa/ips/shared/policy"
)

// Scheduler is who a scheduled run acts as.
var Scheduler = domain.Actor{Role: domain.RoleScheduler, Subject: "deadline-jan31"}

// Service runs and lists deadline runs.
type Service struct {
	store     domain.Store
	runs      domain.Repo[domain.DeadlineRun, *domain.DeadlineRun]
	agencies  domain.Repo[domain.Agency, *domain.Agency]
	reports   domain.Repo[domain.AnnualReport, *domain.AnnualReport]
	sanctions domain.Repo[domain.Sanction, *domain.Sanction]
	authz     domain.Authorizer
	policy    domain.Decider
	clock     domain.Clock
	// The cluster zones' deadlines (jun30.go, clusters.go): applications, zones, and the
	// notices they send, delivered through sender as the reminders are.
	applications domain.Repo[domain.ClusterApplication, *domain.ClusterApplication]
	clusters     domain.Repo[domain.Cluster, *domain.Cluster]
	sender       *Reminders
}

func New(store domain.Store, authz domain.Authorizer, policy domain.Decider, clock domain.Clock) *Service {
	return &Service{
		store:     store,
		runs:      domain.Repo[domain.DeadlineRun, *domain.DeadlineRun]{Store: store, Collection: domain.DeadlineRunCollection},
		agencies:  domain.Agencies(store),
		reports:   domain.Repo[domain.AnnualReport, *domain.AnnualReport]{Store: store, Collection: domain.ReportCollection},
		sanctions: domain.Repo[domain.Sanction, *domain.Sanction]{Store: store, Collection: domain.SanctionCollection},
		authz:     authz,
		policy:    policy,
		clock:     clock,

		applications: domain.Repo[domain.ClusterApplication, *domain.ClusterApplication]{Store: store, Collection: domain.ClusterApplicationCollection},
		clusters:     domain.Repo[domain.Cluster, *domain.Cluster]{Store: store, Collection: domain.ClusterCollection},
		sender:       NewReminders(store, authz, policy, notify.Log{}, clock),
	}
}

// WithNotifier delivers the notices the runs send (a missed round, an overdue zone) through n
// instead of the log.
func (s *Service) WithNotifier(n domain.Notifier) *Service {
	s.sender.notifier = n
	return s
}

// RunInput names the deadline and the year whose deadline it is: {"deadline": "jan31",
// "year": 2027} enforces 31 January 2027, so the reports for 2026; {"deadline": "jun30",
// "year": 2027} closes the 2027 cluster-zone round at 1 July 2027 00:00.
type RunInput struct {
	Deadline string `json:"deadline" validate:"required,oneof=jan31 jun30"`
	Year     int    `json:"year" validate:"required,min=2000,max=2200"`
}

// Run enforces a deadline for a caller of the HTTP API (a scheduler's or an officer's
// credential).
func (s *Service) Run(ctx context.Context, p domain.Principal, in RunInput) (*domain.DeadlineRun, error) {
	if err := domain.Authorize(ctx, s.authz, p, "deadline.run", domain.Resource{Kind: "deadline_run"}); err != nil {
		return nil, err
	}
	trigger := domain.RunTrigger{At: s.clock.Now(), By: domain.ActorOf(p), Via: "http"}
	if in.Deadline == domain.DeadlineJun30 {
		return s.runJun30(ctx, in.Year, trigger)
	}
	return s.run(ctx, in.Year, trigger)
}

// RunScheduled enforces the 31 January deadline that had passed at scheduledFor, the instant
// the schedule fired for (EventBridge Scheduler's scheduled time, or the local scheduler's).
func (s *Service) RunScheduled(ctx context.Context, scheduledFor time.Time, via string) (*domain.DeadlineRun, error) {
	return s.run(ctx, domain.Jan31YearAt(scheduledFor), domain.RunTrigger{At: s.clock.Now(), By: Scheduler, Via: via})
}

func (s *Service) run(ctx context.Context, year int, trigger domain.RunTrigger) (*domain.DeadlineRun, error) {
	cutoff := domain.Jan31Cutoff(year)
	if trigger.At.Before(cutoff) {
		return nil, &domain.Error{Code: domain.CodeConflict, Message: domain.Text{
			ZH: fmt.Sprintf("%d年1月31日的截止时间（%s）尚未到达，不能执行", year, cutoff.Format("2006-01-02 15:04 -07:00")),
			EN: fmt.Sprintf("The 31 January %d deadline has not passed yet; it passes at %s.", year, cutoff.Format(time.RFC3339))}}
	}
	run, err := s.begin(ctx, domain.DeadlineJan31, year, cutoff, trigger)
	if err != nil {
		return nil, err
	}
	counts, created, err := s.enforceJan31(ctx, year-1, trigger)
	if err != nil {
		// The run stays "running": the next start resumes it, creating only what is missing.
		return nil, err
	}
	// The zones' summaries and plans, due the same night (seed 001 §五(三); DOMAIN.md §6).
	if err := s.enforceZoneAnnuals(ctx, year, run.ID, counts, &created); err != nil {
		return nil, err
	}
	return s.runs.Update(ctx, run.ID, func(r *domain.DeadlineRun) error {
		r.Merge(counts, created, s.clock.Now())
		return nil
	})
}

// begin creates the run record, or adds this start to an existing one.
func (s *Service) begin(ctx context.Context, deadline string, year int, cutoff time.Time, trigger domain.RunTrigger) (*domain.DeadlineRun, error) {
	run := &domain.DeadlineRun{ID: domain.DeadlineRunID(deadline, year), Deadline: deadline,
		Year: year, Cutoff: cutoff, Status: domain.RunRunning, StartedAt: trigger.At,
		Triggers: []domain.RunTrigger{trigger}, Counts: map[string]int{}, Created: []string{}}
	err := s.runs.Create(ctx, run)
	if !errors.Is(err, domain.ErrAlreadyExists) {
		return run, err
	}
	return s.runs.Update(ctx, run.ID, func(r *domain.DeadlineRun) error {
		r.Triggers = append(r.Triggers, trigger)
		return nil
	})
}

// enforceJan31 makes one complete pass over every agency: whoever owed the report for
// reportYear and has none stamped on time gets the sanction the policy decides. It returns the
// state it found (counts) and the ids of every sanction for the deadline, whether this pass or
// an earlier, interrupted one created it: only deadline runs create report_not_on_time
// sanctions, so all of them are the run's work, and a crash cannot lose one from the record.
func (s *Service) enforceJan31(ctx context.Context, reportYear int, trigger domain.RunTrigger) (map[string]int, []string, error) {
	counts := map[string]int{"agencies": 0, "owing": 0, "on_time": 0, "late": 0, "missing": 0, "sanctions": 0}
	var created []string
	err := s.agencies.Each(ctx, domain.Query{}, func(a *domain.Agency) error {
		counts["agencies"]++
		if !a.OwesAnnualReport(reportYear) {
			return nil
		}
		counts["owing"]++
		report, err := s.reports.Get(ctx, domain.ReportKey(a.USCC, reportYear))
		switch {
		case err == nil && report.OnTime:
			counts["on_time"]++
			return nil
		case err == nil:
			counts["late"]++
		case errors.Is(err, domain.ErrNotFound):
			counts["missing"]++
		default:
			return err
		}
		ids, err := s.sanction(ctx, domain.SanctionFacts{Agency: a.USCC, Trigger: domain.TriggerReportNotOnTime, Year: reportYear}, trigger.At)
		counts["sanctions"] += len(ids)
		created = append(created, ids...)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return counts, created, nil
}

// sanction asks the policy what the facts call for and stores each sanction once; it returns
// the ids of the sanctions that now exist for the facts.
func (s *Service) sanction(ctx context.Context, facts domain.SanctionFacts, at time.Time) ([]string, error) {
	var d domain.SanctionDecision
	if err := s.policy.Decide(ctx, policy.QuerySanctions, facts, &d); err != nil {
		return nil, domain.Internal(fmt.Errorf("sanctions policy: %w", err))
	}
	var ids []string
	for _, ds := range d.Sanctions {
		sanction, err := domain.NewSanction(facts, ds, "", s.policy.Version(), Scheduler, at)
		if err != nil {
			return nil, domain.Internal(err)
		}
		if err := s.sanctions.Create(ctx, sanction); err != nil && !errors.Is(err, domain.ErrAlreadyExists) {
			return nil, err
		}
		ids = append(ids, sanction.ID)
	}
	return ids, nil
}

// ListInput filters the runs (GET /v1/deadline-runs?deadline=&year=).
type ListInput struct {
	Deadline string
	Year     int
	Limit    int
	Cursor   string
}

// List returns past runs to officers and schedulers.
func (s *Service) List(ctx context.Context, p domain.Principal, in ListInput) ([]*domain.DeadlineRun, string, error) {
	if err := domain.Authorize(ctx, s.authz, p, "deadline.list", domain.Resource{Kind: "deadline_run"}); err != nil {
		return nil, "", err
	}
	deadline := in.Deadline
	if deadline == "" {
		deadline = domain.DeadlineJan31
	}
	q := domain.Query{Collection: domain.DeadlineRunCollection, Index: 1, Partition: "deadline#" + deadline, Limit: in.Limit, Cursor: in.Cursor}
	if in.Year != 0 {
		q.Prefix = fmt.Sprint(in.Year)
	}
	return s.runs.Query(ctx, q)
}
