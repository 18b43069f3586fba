package domain

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Deadlines the scheduled functions enforce (DOMAIN.md §6).
const DeadlineJan31 = "jan31"

// Jan31Cutoff is the instant the 31 January deadline of year passes: 1 February of that year,
// 00:00 in Beijing. "每年1月31日前" means on or before 31 January, so 23:59:59.999 that night is
// still on time (DOMAIN.md "Time").
func Jan31Cutoff(year int) time.Time { return CutoffFor(year - 1) }

// Jan31YearAt is the year whose 31 January deadline is the latest to have passed at t: a run
// scheduled for 2027-02-01T00:00+08:00 (2027-01-31T16:00Z on EventBridge's clock) judges 2027.
func Jan31YearAt(t time.Time) int {
	t = t.In(Shanghai)
	if t.Before(Jan31Cutoff(t.Year())) {
		return t.Year() - 1
	}
	return t.Year()
}

// OwesAnnualReport tells whether an agency owes the report for reportYear (DOMAIN.md §2, a
// decision): it was accepted on or before 31 December of that year and not deregistered before
// the cutoff.
func (a *Agency) OwesAnnualReport(reportYear int) bool {
	if !a.OnRegister() || a.AcceptedAt.IsZero() {
		return false
	}
	endOfYear := time.Date(reportYear+1, time.January, 1, 0, 0, 0, 0, Shanghai)
	if !a.AcceptedAt.Before(endOfYear) {
		return false
	}
	cutoff := CutoffFor(reportYear)
	return a.DeregisteredAt.IsZero() || !a.DeregisteredAt.Before(cutoff)
}

// RunTrigger records one start of a deadline run: who or what started it, and how.
type RunTrigger struct {
	At  time.Time `json:"at"`
	By  Actor     `json:"by"`
	Via string    `json:"via"` // "schedule", "http" or "local_scheduler"
}

// DeadlineRun is the record of enforcing one deadline of one year. Runs are idempotent, so the
// record is one per deadline and year: every start (a retry, a second scheduler, a crash and a
// resume) adds its trigger and merges what it created.
type DeadlineRun struct {
	ID       string    `json:"id"`
	Deadline string    `json:"deadline"`
	Year     int       `json:"year"`
	Cutoff   time.Time `json:"cutoff"`
	// Status is "running" until a pass over every record completes, then "completed".
	Status      string         `json:"status"`
	StartedAt   time.Time      `json:"started_at"`
	CompletedAt time.Time      `json:"completed_at,omitzero"`
	Triggers    []RunTrigger   `json:"triggers"`
	Counts      map[string]int `json:"counts"`
	// Created lists the ids of every record the run created, over all its passes.
	Created []string `json:"created"`
	Version int64    `json:"version"`
}

const (
	RunRunning   = "running"
	RunCompleted = "completed"
)

// DeadlineRunCollection holds the run records.
const DeadlineRunCollection = "deadline_runs"

// DeadlineRunID names the run of deadline in year.
func DeadlineRunID(deadline string, year int) string { return fmt.Sprintf("%s#%04d", deadline, year) }

func (r *DeadlineRun) RecordKey() string        { return r.ID }
func (r *DeadlineRun) RecordVersion() int64     { return r.Version }
func (r *DeadlineRun) SetRecordVersion(v int64) { r.Version = v }

// RecordIndex: 1 lists a deadline's runs by year.
func (r *DeadlineRun) RecordIndex() [NumIndexes]IndexKey {
	return [NumIndexes]IndexKey{{Partition: "deadline#" + r.Deadline, Sort: strconv.Itoa(r.Year)}}
}

// Merge folds one completed pass into the record: the created ids join the set, the counts
// are those of the latest complete pass (every pass looks at every record).
func (r *DeadlineRun) Merge(counts map[string]int, created []string, at time.Time) {
	for _, id := range created {
		if !slices.Contains(r.Created, id) {
			r.Created = append(r.Created, id)
		}
	}
	slices.Sort(r.Created)
	r.Counts = counts
	r.Status = RunCompleted
	if r.CompletedAt.IsZero() {
		r.CompletedAt = at
	}
}
