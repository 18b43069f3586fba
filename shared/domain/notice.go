package domain

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Notices are what the platform tells a party: for now the reminders before the 31 January
// cutoff (DOMAIN.md §6, "reminders (decision)"), one per recipient, kind, year and milestone.

// NoticeCollection holds the notices, keyed by NoticeID.
const NoticeCollection = "notices"

// NoticeAnnualReportDue reminds an agency that owes the annual report for a year and has none
// submitted (seed 000 §二(二)1; DOMAIN.md §2, §6).
const NoticeAnnualReportDue = "annual_report_due"

// NoticeID names a notice so a milestone is sent once per recipient:
// 91320281MA20JY015Q#annual_report_due#2026#d15.
func NoticeID(recipient, kind string, year int, milestone string) string {
	return fmt.Sprintf("%s#%s#%04d#%s", recipient, kind, year, milestone)
}

// ReminderMilestone names the reminder sent days before 31 January: "d15", "d3".
func ReminderMilestone(daysBefore int) string { return fmt.Sprintf("d%d", daysBefore) }

// ReminderFrom is the instant the reminder of daysBefore for the cutoff of reportYear is due
// (decision, DOMAIN.md §6): the start (00:00 Shanghai) of the calendar day daysBefore days before
// 31 January, so "15 days before" is 16 January and "3 days before" 28 January.
func ReminderFrom(reportYear, daysBefore int) time.Time {
	return CutoffFor(reportYear).AddDate(0, 0, -(daysBefore + 1))
}

// Notice is one message to one recipient.
type Notice struct {
	ID        string    `json:"id"`
	Recipient string    `json:"recipient"` // the USCC of the agency
	Kind      string    `json:"kind"`
	Year      int       `json:"year"`      // the report year
	Milestone string    `json:"milestone"` // "d15", "d3"
	Due       time.Time `json:"due"`       // the cutoff instant
	Title     Text      `json:"title"`
	Body      Text      `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	ReadAt    time.Time `json:"read_at,omitzero"`
	// ClaimedAt is when a run took on handing the notice to the Notifier, DeliveredAt when the
	// Notifier accepted it. A claim older than the delivery lease with no delivery is a run that
	// died in between: the next run claims it again (at-least-once).
	ClaimedAt   time.Time `json:"claimed_at,omitzero"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	Version     int64     `json:"version"`
}

func (n *Notice) RecordKey() string        { return n.ID }
func (n *Notice) RecordVersion() int64     { return n.Version }
func (n *Notice) SetRecordVersion(v int64) { n.Version = v }

// RecordIndex: 1 lists a recipient's notices newest first (the sort key counts down with
// created_at, as the store lists in ascending order).
func (n *Notice) RecordIndex() [NumIndexes]IndexKey {
	return [NumIndexes]IndexKey{{Partition: "recipient#" + n.Recipient, Sort: fmt.Sprintf("%019d", math.MaxInt64-n.CreatedAt.UnixNano())}}
}

// NewAnnualReportReminder is the reminder of milestone to recipient, who owes the report for
// reportYear and has submitted none.
func NewAnnualReportReminder(recipient string, reportYear, daysBefore int, at time.Time) *Notice {
	milestone := ReminderMilestone(daysBefore)
	cutoffYear := reportYear + 1
	return &Notice{
		ID: NoticeID(recipient, NoticeAnnualReportDue, reportYear, milestone), Recipient: recipient,
		Kind: NoticeAnnualReportDue, Year: reportYear, Milestone: milestone, Due: CutoffFor(reportYear),
		Title: Text{
			ZH: fmt.Sprintf("请于%d年1月31日前提交%d年度报告", cutoffYear, reportYear),
			EN: fmt.Sprintf("Your annual report for %d is due by 31 January %d", reportYear, cutoffYear)},
		Body: Text{
			ZH: fmt.Sprintf("贵机构尚未提交%d年度报告。请于%d年1月31日（含当日）前提交；逾期未报送的，将按规定予以相应处理。", reportYear, cutoffYear),
			EN: fmt.Sprintf("Your agency has not yet submitted its annual report for %d. Please submit it on or before 31 January %d; a report not submitted by then leads to the measures the rules provide.", reportYear, cutoffYear)},
		CreatedAt: at,
	}
}

// Notifier delivers a notice over a channel outside the platform (SMS, e-mail, a log line).
// The notice record itself is the platform's inbox; Notify must not change it.
type Notifier interface {
	Notify(ctx context.Context, n *Notice) error
}
