package domain

import (
	"fmt"
	"time"
)

// The 30 June cutoff of the cluster-zone round (seed 001 §四(三) "原则上每年6月30日前申报一次";
// DOMAIN.md §5, §6).

// DeadlineJun30 names the run closing a round of cluster-zone applications.
const DeadlineJun30 = "jun30"

// Jun30Cutoff is the instant the round of year closes: 1 July 00:00 in Beijing. "6月30日前"
// means on or before 30 June, so 23:59:59.999 that night is still in the round (DOMAIN.md
// "Time").
func Jun30Cutoff(year int) time.Time { return time.Date(year, time.July, 1, 0, 0, 0, 0, Shanghai) }

// Jun30YearAt is the year whose round is the latest to have closed at t: a run scheduled for
// 2027-07-01T00:00+08:00 (2027-06-30T16:00Z on EventBridge's clock) closes the 2027 round.
func Jun30YearAt(t time.Time) int {
	t = t.In(Shanghai)
	if t.Before(Jun30Cutoff(t.Year())) {
		return t.Year() - 1
	}
	return t.Year()
}

// NoticeRoundMissed tells a county that its application missed the round (DOMAIN.md §5).
const NoticeRoundMissed = "cluster_round_missed"

// NewRoundMissedNotice is the notice to the applicant county of an application the 30 June
// cutoff found not recommended: the round is closed, and the next one closes at 1 July of the
// next year, 00:00 Beijing. One per application (its id is the milestone).
func NewRoundMissedNotice(app *ClusterApplication, at time.Time) *Notice {
	year := app.Body.Year
	closed, next := Jun30Cutoff(year), Jun30Cutoff(year+1)
	return &Notice{
		ID: NoticeID(app.Body.CountyCode, NoticeRoundMissed, year, app.ID), Recipient: app.Body.CountyCode,
		Kind: NoticeRoundMissed, Year: year, Milestone: app.ID, Due: next,
		Title: Text{
			ZH: fmt.Sprintf("%d年度集聚区申报已截止，贵单位的申报未获推荐", year),
			EN: fmt.Sprintf("The %d cluster-zone round has closed without your application", year)},
		Body: Text{
			ZH: fmt.Sprintf("%d年度知识产权服务业集聚发展区申报已于 %s（北京时间）截止。贵单位的申报（%s）截止时未经设区市知识产权局推荐，未进入本年度省级审核。下一轮申报截止时间为 %s（北京时间），即%d年6月30日（含当日）前。",
				year, closed.Format("2006-01-02 15:04"), app.ID, next.Format("2006-01-02 15:04"), year+1),
			EN: fmt.Sprintf("The %d round of IP service industry cluster-zone applications closed at %s (Asia/Shanghai). Your application (%s) had not been recommended by the prefecture IP bureau by then, so it is not in this year's provincial review. The next round closes at %s (Asia/Shanghai): apply on or before 30 June %d.",
				year, closed.Format(time.RFC3339), app.ID, next.Format(time.RFC3339), year+1)},
		CreatedAt: at,
	}
}

// RoundSlot holds a county's one place in a round (seed 001 §四(三): one application per county
// per year). Screening reads the county's other applications, but two submitted at the same
// moment would each see none; the slot is the one record both must create, so exactly one
// wins. It names the application that holds it, which may resubmit after a return.
type RoundSlot struct {
	County        string    `json:"county"`
	Year          int       `json:"year"`
	ApplicationID string    `json:"application_id"`
	TakenAt       time.Time `json:"taken_at"`
	Version       int64     `json:"version"`
}

// RoundSlotCollection holds one RoundSlot per county and year.
const RoundSlotCollection = "cluster_round_slots"

func (s *RoundSlot) RecordKey() string                 { return fmt.Sprintf("%s#%04d", s.County, s.Year) }
func (s *RoundSlot) RecordVersion() int64              { return s.Version }
func (s *RoundSlot) SetRecordVersion(v int64)          { s.Version = v }
func (s *RoundSlot) RecordIndex() [NumIndexes]IndexKey { return [NumIndexes]IndexKey{} }
