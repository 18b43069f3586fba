package deadlines

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// The 30 June run closes the year's round of cluster-zone applications (seed 001 §四(三)
// "原则上每年6月30日前申报一次"; DOMAIN.md §5, §6): at 1 July 00:00 Beijing every application of
// the round still open is sorted, the recommended ones to provincial review as that year's
// batch, every other one out of the round, with a notice to its county naming when the next
// round closes.
//
// Like the 31 January run it judges by the cutoff instant (an application is sorted by the
// status it holds when the run reaches it, and nothing can change an open application's status
// after the cutoff but this run: submissions are refused once the round is closed), it is
// idempotent (an application is moved only while open, by one conditional write naming the run,
// and each notice is created if absent and delivered once), it resumes after a crash (the
// next start sorts what is still open and sends what is undelivered), and its record
// (DeadlineRunID("jun30", year)) lists every application the run moved.

// Jun30Scheduler is who the scheduled 30 June run acts as.
var Jun30Scheduler = domain.Actor{Role: domain.RoleScheduler, Subject: "deadline-jun30"}

// RunJun30Scheduled closes the round whose cutoff had passed at scheduledFor.
func (s *Service) RunJun30Scheduled(ctx context.Context, scheduledFor time.Time, via string) (*domain.DeadlineRun, error) {
	return s.runJun30(ctx, domain.Jun30YearAt(scheduledFor), domain.RunTrigger{At: s.clock.Now(), By: Jun30Scheduler, Via: via})
}

// errClosed says an application is no longer open: another start sorted it.
var errClosed = errors.New("application no longer open")

func (s *Service) runJun30(ctx context.Context, year int, trigger domain.RunTrigger) (*domain.DeadlineRun, error) {
	cutoff := domain.Jun30Cutoff(year)
	if trigger.At.Before(cutoff) {
		return nil, &domain.Error{Code: domain.CodeConflict, Message: domain.Text{
			ZH: fmt.Sprintf("%d年度集聚区申报的截止时间（%s）尚未到达，不能执行", year, cutoff.Format("2006-01-02 15:04 -07:00")),
			EN: fmt.Sprintf("The %d cluster-zone round has not closed yet; it closes at %s.", year, cutoff.Format(time.RFC3339))}}
	}
	run, err := s.begin(ctx, domain.DeadlineJun30, year, cutoff, trigger)
	if err != nil {
		return nil, err
	}
	counts, created, err := s.closeRound(ctx, year, run.ID, trigger)
	if err != nil {
		return nil, err // the run stays "running"; the next start resumes it
	}
	return s.runs.Update(ctx, run.ID, func(r *domain.DeadlineRun) error {
		r.Merge(counts, created, s.clock.Now())
		return nil
	})
}

// closeRound makes one complete pass over the round's applications. It lists them all first
// (the index sorts by status, which the pass changes) and then sorts each open one. Counts and
// created ids cover every application this run's record names as its own, whichever start
// moved it, so a resumed run reports the whole of its work.
func (s *Service) closeRound(ctx context.Context, year int, runID string, trigger domain.RunTrigger) (map[string]int, []string, error) {
	counts := map[string]int{"applications": 0, "open": 0, "under_review": 0, "missed_round": 0, "notices": 0, "notified": 0}
	var ids []string
	err := s.applications.Each(ctx, domain.Query{Index: 2, Partition: fmt.Sprintf("round#%04d", year)}, func(a *domain.ClusterApplication) error {
		ids = append(ids, a.ID)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var created, failed []string
	for _, id := range ids {
		counts["applications"]++
		a, err := s.applications.Update(ctx, id, func(a *domain.ClusterApplication) error {
			if !a.Open() {
				return errClosed
			}
			a.CloseRound(runID, trigger.By, domain.Jun30Cutoff(year))
			return nil
		})
		switch {
		case err == nil:
			counts["open"]++
		case errors.Is(err, errClosed):
			if a, err = s.applications.Get(ctx, id); err != nil {
				return nil, nil, err
			}
		default:
			return nil, nil, err
		}
		if a.RoundClosedBy != runID {
			continue
		}
		created = append(created, a.ID)
		if closedAs(a) == domain.ClusterUnderReview {
			counts["under_review"]++
			continue
		}
		counts["missed_round"]++
		made, notified, err := s.sender.remind(ctx, domain.NewRoundMissedNotice(a, s.clock.Now()))
		if made {
			counts["notices"]++
		}
		if notified {
			counts["notified"]++
		}
		if err != nil {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		return nil, nil, fmt.Errorf("%d notices not delivered: %v", len(failed), failed)
	}
	return counts, created, nil
}

// closedAs is the status the round's close gave the application, whatever happened to it since.
func closedAs(a *domain.ClusterApplication) domain.ClusterStatus {
	for _, e := range a.History {
		if e.Action == "close_round" {
			return e.Status
		}
	}
	return a.Status
}
