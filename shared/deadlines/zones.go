package deadlines

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// errUnchanged says a zone needs no write: the flag is already set.
var errUnchanged = errors.New("zone unchanged")

// enforceZoneAnnuals is the 31 January run's second loop (seed 001 §五(三) "集聚区每年1月底前将
// 上年度工作总结、当年度工作计划……报送"; DOMAIN.md §6, 1 February row): every designated zone that
// owed the submission due on 31 January of year and has none stamped on time is flagged
// overdue on its record, once, and the province is told, once. It adds its counts to counts
// and the notices' ids to created; it leaves the agencies' counts as they are.
func (s *Service) enforceZoneAnnuals(ctx context.Context, year int, runID string, counts map[string]int, created *[]string) error {
	counts["clusters"], counts["clusters_owing"], counts["clusters_on_time"], counts["clusters_overdue"] = 0, 0, 0, 0
	cutoff := domain.Jan31Cutoff(year)
	key := strconv.Itoa(year)
	var failed []string
	err := s.clusters.Each(ctx, domain.Query{}, func(c *domain.Cluster) error {
		counts["clusters"]++
		if !c.OwesAnnual(year) {
			return nil
		}
		counts["clusters_owing"]++
		if a := c.AnnualFor(year); a != nil && a.OnTime {
			counts["clusters_on_time"]++
			return nil
		}
		counts["clusters_overdue"]++
		if _, err := s.clusters.Update(ctx, c.ID, func(c *domain.Cluster) error {
			if !c.Flag(domain.FlagAnnualOverdue, key, cutoff, runID) {
				return errUnchanged
			}
			return nil
		}); err != nil && !errors.Is(err, errUnchanged) {
			return err
		}
		n := domain.NewAnnualOverdueNotice(c, year, s.clock.Now())
		*created = append(*created, n.ID)
		if _, _, err := s.sender.remind(ctx, n); err != nil {
			failed = append(failed, err.Error())
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d notices not delivered: %s", len(failed), strings.Join(failed, "; "))
	}
	return nil
}

// RelativeRun is what a relative-deadlines run answers.
type RelativeRun struct {
	// ID names the run by the Shanghai day it was scheduled for: relative-deadlines#2027-12-01.
	ID           string         `json:"id"`
	Status       string         `json:"status"` // "completed"
	ScheduledFor time.Time      `json:"scheduled_for"`
	Counts       map[string]int `json:"counts"`
	// Flagged lists "<zone>#<flag>#<key>" for every flag this run set.
	Flagged []string `json:"flagged"`
	// Reminded lists the ids of the reminders this run created.
	Reminded []string `json:"reminded"`
}

// ZoneReminderDays are the reminders before each of a zone's relative deadlines (decision,
// DOMAIN.md §6 "e.g. 15 and 3 days before"): of those reached before the due instant only the
// latest is sent, as for the 31 January reminders.
var ZoneReminderDays = []int{15, 3}

// RunRelative is the daily job of the relative deadlines (DOMAIN.md §6, "daily"), judged at the
// instant it was scheduled for:
//   - the implementation plan, due 3 months after the designation (seed 001 §四(五)2): overdue
//     when none is filed by then;
//   - the rectification after a failed assessment (seed 001 §四(六)2): overdue at its deadline,
//     the reassessment then being due;
//   - the end of the 3-year construction period (seed 001 §四(五)1, §四(六)): the final
//     assessment becomes due.
//
// Each is flagged on the zone once (a flag is set only if absent, by a conditional write), and
// the county is reminded 15 and 3 days before each, once per milestone (notices created if
// absent and delivered once).
func (s *Service) RunRelative(ctx context.Context, job string, scheduledFor time.Time) (*RelativeRun, error) {
	run := &RelativeRun{ID: job + "#" + domain.DateOf(scheduledFor).String(), Status: domain.RunCompleted, ScheduledFor: scheduledFor,
		Counts:  map[string]int{"clusters": 0, "flagged": 0, "reminded": 0, "notified": 0},
		Flagged: []string{}, Reminded: []string{}}
	by := job + "#" + domain.DateOf(scheduledFor).String()
	var failed []string
	err := s.clusters.Each(ctx, domain.Query{}, func(c *domain.Cluster) error {
		run.Counts["clusters"]++
		type deadline struct {
			due    time.Time
			owed   bool
			flag   string
			key    string
			notice string
		}
		var ds []deadline
		ds = append(ds, deadline{c.PlanDue, c.Plan == nil && c.HasTitle(), domain.FlagPlanOverdue, "plan", domain.NoticeZonePlanDue})
		if c.Status == domain.ZoneRectifying {
			ds = append(ds, deadline{c.RectificationDue, true, domain.FlagRectificationOverdue, strconv.Itoa(len(c.Assessments)), domain.NoticeZoneRectificationDue})
		}
		ds = append(ds, deadline{c.ConstructionEnds, c.Status == domain.ZoneInConstruction, domain.FlagAssessmentDue, "construction", domain.NoticeZoneConstructionEnds})
		for _, d := range ds {
			if !d.owed || d.due.IsZero() {
				continue
			}
			if !scheduledFor.Before(d.due) {
				flagged, err := s.flagZone(ctx, c.ID, d.flag, d.key, d.due, by)
				if err != nil {
					return err
				}
				if flagged {
					run.Counts["flagged"]++
					run.Flagged = append(run.Flagged, c.ID+"#"+d.flag+"#"+d.key)
				}
				continue
			}
			due := -1
			for _, n := range ZoneReminderDays {
				if !domain.ZoneReminderAt(d.due, n).After(scheduledFor) && (due < 0 || n < due) {
					due = n
				}
			}
			if due < 0 {
				continue
			}
			n := domain.NewZoneReminder(c, d.notice, d.due, due, s.clock.Now())
			made, notified, err := s.sender.remind(ctx, n)
			if made {
				run.Counts["reminded"]++
				run.Reminded = append(run.Reminded, n.ID)
			}
			if notified {
				run.Counts["notified"]++
			}
			if err != nil {
				failed = append(failed, err.Error())
			}
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

// flagZone sets a flag once; the assessment falling due also moves a zone in construction to
// assessment_due. It reports whether this call set it.
func (s *Service) flagZone(ctx context.Context, id, kind, key string, due time.Time, by string) (bool, error) {
	_, err := s.clusters.Update(ctx, id, func(c *domain.Cluster) error {
		if !c.Flag(kind, key, due, by) {
			return errUnchanged
		}
		if kind == domain.FlagAssessmentDue && c.Status == domain.ZoneInConstruction {
			c.Status = domain.ZoneAssessmentDue
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return false, nil
	}
	return err == nil, err
}
