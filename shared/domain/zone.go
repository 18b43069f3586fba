package domain

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// A designated cluster zone (集聚区) after its designation: seed 001 §四(五) and §四(六), §五(三);
// DOMAIN.md §5.
//
// Periods counted from the designation date follow the civil code's rule for periods in
// months and years (民法典 第二百零一条、第二百零三条; decision): the designation day is not
// counted, and the period ends with the day of the last month or year that corresponds to it.
// A zone designated on 15 September 2027 files its implementation plan on or before
// 15 December 2027 (due at 16 December 00:00 Beijing) and is in construction until
// 15 September 2030 included (over at 16 September 00:00).

// ClusterCollection holds the designated zones, keyed by the id of the application that was
// designated, so creating a zone is create-if-absent.
const ClusterCollection = "clusters"

// Periods of seed 001 §四(五) (policies/cluster data.json names the same: construction.years,
// implementation_plan.due_months).
const (
	ZoneConstructionYears = 3 // 集聚区建设期限为三年，自设立之日起计算
	ZonePlanDueMonths     = 3 // 集聚区设立之日起三个月内……《实施方案》须报送省知识产权局备案
)

// ProvinceCode is the provincial IP bureau's division: notices to the province go to it.
const ProvinceCode = "320000"

// ZoneStatus is where a designated zone stands.
type ZoneStatus string

const (
	// ZoneInConstruction: within the 3-year construction period.
	ZoneInConstruction ZoneStatus = "in_construction"
	// ZoneAssessmentDue: the period has ended; the final assessment is due.
	ZoneAssessmentDue ZoneStatus = "assessment_due"
	// ZoneRectifying: failed the assessment; rectification until RectificationDue, then reassessed.
	ZoneRectifying ZoneStatus = "rectifying"
	// ZoneAssessed: rated excellent or pass; the zone keeps its title.
	ZoneAssessed ZoneStatus = "assessed"
	// ZoneRevoked: failed again after rectification; the title is revoked.
	ZoneRevoked ZoneStatus = "revoked"
)

// Flags a deadline run sets on a zone, once each (the key names the year or the assessment).
const (
	FlagPlanOverdue          = "plan_overdue"
	FlagAnnualOverdue        = "annual_overdue"
	FlagAssessmentDue        = "assessment_due"
	FlagRectificationOverdue = "rectification_overdue"
)

// ZonePlanBody is the implementation plan (《实施方案》), as filed or as a change proposes it.
type ZonePlanBody struct {
	Title   string `json:"title" validate:"required,max=200,no_control"`
	Content string `json:"content" validate:"required,max=50000"`
}

// ZonePlan is the plan in force.
type ZonePlan struct {
	ZonePlanBody
	// Revision counts the approved changes: 0 as filed.
	Revision int       `json:"revision"`
	FiledAt  time.Time `json:"filed_at"`
	FiledBy  Actor     `json:"filed_by"`
	// OnTime is stamped at filing against PlanDue.
	OnTime    bool      `json:"on_time"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PlanChangeBody is the county's proposal of a change to the plan, with its explanation
// (seed 001 §四(六) "调整意见及说明").
type PlanChangeBody struct {
	Plan   ZonePlanBody `json:"plan"`
	Reason string       `json:"reason" validate:"required,max=5000"`
}

// PlanChangeStatus is where a change stands: the prefecture reviews, then the province approves.
type PlanChangeStatus string

const (
	PlanChangeAtPrefecture PlanChangeStatus = "pending_prefecture"
	PlanChangeAtProvince   PlanChangeStatus = "pending_province"
	PlanChangeApproved     PlanChangeStatus = "approved"
	PlanChangeRefused      PlanChangeStatus = "refused"
)

// PlanReviewBody is a reviewer's decision on a change.
type PlanReviewBody struct {
	Decision string `json:"decision" validate:"required,oneof=approve refuse"`
	Opinion  string `json:"opinion" validate:"max=5000"`
}

// PlanReview is one stage's decision.
type PlanReview struct {
	Stage    string    `json:"stage"` // "prefecture" or "province"
	Decision string    `json:"decision"`
	Opinion  string    `json:"opinion,omitempty"`
	By       Actor     `json:"by"`
	At       time.Time `json:"at"`
}

// PlanChange is one proposed change, numbered from 1.
type PlanChange struct {
	N          int              `json:"n"`
	Plan       ZonePlanBody     `json:"plan"`
	Reason     string           `json:"reason"`
	Status     PlanChangeStatus `json:"status"`
	ProposedBy Actor            `json:"proposed_by"`
	ProposedAt time.Time        `json:"proposed_at"`
	Reviews    []PlanReview     `json:"reviews"`
}

// ZoneAnnualBody is the yearly submission of §五(三): the previous year's work summary and the
// current year's work plan.
type ZoneAnnualBody struct {
	Summary string `json:"summary" validate:"required,max=50000"`
	Plan    string `json:"plan" validate:"required,max=50000"`
}

// ZoneAnnual is the submission of one year (the year of its 31 January deadline).
type ZoneAnnual struct {
	Year int `json:"year"`
	ZoneAnnualBody
	// Due is the cutoff: 1 February of Year, 00:00 Beijing.
	Due time.Time `json:"due"`
	// SubmittedAt is the first submission, which stamps OnTime; a resubmission replaces the
	// texts and keeps the stamp.
	SubmittedAt time.Time `json:"submitted_at"`
	SubmittedBy Actor     `json:"submitted_by"`
	UpdatedAt   time.Time `json:"updated_at"`
	OnTime      bool      `json:"on_time"`
}

// AssessmentBody is the provincial officer's final assessment (seed 001 §四(六)2).
type AssessmentBody struct {
	Outcome string `json:"outcome" validate:"required,oneof=excellent pass fail"`
	Comment string `json:"comment" validate:"max=5000"`
}

// ZoneAssessment is one assessment with what the policy made of it.
type ZoneAssessment struct {
	N       int    `json:"n"`
	Outcome string `json:"outcome"`
	Comment string `json:"comment,omitempty"`
	// Result is the policy's consequence: "excellent" (recommended for the national pilot),
	// "pass" (keeps the title), "rectification", "revoked".
	Result           string    `json:"result"`
	RectificationDue time.Time `json:"rectification_due,omitzero"`
	Basis            string    `json:"basis"`
	Message          Text      `json:"message"`
	PolicyVersion    string    `json:"policy_version"`
	By               Actor     `json:"by"`
	At               time.Time `json:"at"`
}

// ZoneFlag is something a scheduled run established about the zone (an overdue plan or
// summary, the assessment falling due), set once.
type ZoneFlag struct {
	Kind string    `json:"kind"`
	Key  string    `json:"key"`
	At   time.Time `json:"at"` // the due instant it was judged by
	By   string    `json:"by"` // the run that set it
}

// ZoneEvent is one step of a zone's life.
type ZoneEvent struct {
	At      time.Time `json:"at"`
	Action  string    `json:"action"`
	Actor   Actor     `json:"actor"`
	Comment string    `json:"comment,omitempty"`
}

// Cluster is a designated zone.
type Cluster struct {
	ID            string     `json:"id"`
	ApplicationID string     `json:"application_id"`
	RoundYear     int        `json:"round_year"`
	CountyCode    string     `json:"county_code"`
	ZoneName      string     `json:"zone_name"`
	Status        ZoneStatus `json:"status"`
	DesignatedAt  time.Time  `json:"designated_at"`
	DesignatedOn  Date       `json:"designated_on"`
	// ConstructionEnds is the first instant after the construction period; PlanDue the first
	// instant the implementation plan is late.
	ConstructionEnds time.Time        `json:"construction_ends"`
	PlanDue          time.Time        `json:"plan_due"`
	Plan             *ZonePlan        `json:"plan"`
	PlanChanges      []PlanChange     `json:"plan_changes"`
	Annual           []ZoneAnnual     `json:"annual"`
	Assessments      []ZoneAssessment `json:"assessments"`
	RectificationDue time.Time        `json:"rectification_due,omitzero"`
	// NationalPilotRecommended: rated excellent, recommended first for the national pilot zone.
	NationalPilotRecommended bool        `json:"national_pilot_recommended"`
	TitleRevokedAt           time.Time   `json:"title_revoked_at,omitzero"`
	Flags                    []ZoneFlag  `json:"flags"`
	History                  []ZoneEvent `json:"history"`
	CreatedAt                time.Time   `json:"created_at"`
	Version                  int64       `json:"version"`
}

func (c *Cluster) RecordKey() string        { return c.ID }
func (c *Cluster) RecordVersion() int64     { return c.Version }
func (c *Cluster) SetRecordVersion(v int64) { c.Version = v }

// RecordIndex: 1 a county's zones by designation, 2 a prefecture's zones by designation.
func (c *Cluster) RecordIndex() [NumIndexes]IndexKey {
	sort := c.DesignatedOn.String() + "#" + c.ID
	return [NumIndexes]IndexKey{
		{Partition: "county#" + c.CountyCode, Sort: sort},
		{Partition: "prefecture#" + c.Prefecture(), Sort: sort},
	}
}

// Prefecture is the prefecture (32xx00) of the zone's county.
func (c *Cluster) Prefecture() string {
	if len(c.CountyCode) != 6 {
		return ""
	}
	return c.CountyCode[:4] + "00"
}

// NewCluster is the zone an application's designation creates (seed 001 §四(五)1): the
// construction period and the plan's deadline run from the designation date (the application's
// DecidedAt, or at when it has none). Its id is the application's, so whoever creates it
// after the designation creates it if absent, once.
func NewCluster(app *ClusterApplication, at time.Time) *Cluster {
	designated := app.DecidedAt
	if designated.IsZero() {
		designated = at
	}
	day := DateOf(designated)
	c := &Cluster{
		ID: app.ID, ApplicationID: app.ID, RoundYear: app.Body.Year, CountyCode: app.Body.CountyCode,
		ZoneName: app.Body.ZoneName, Status: ZoneInConstruction, DesignatedAt: designated.In(Shanghai), DesignatedOn: day,
		ConstructionEnds: PeriodEnd(day, ZoneConstructionYears, 0), PlanDue: PeriodEnd(day, 0, ZonePlanDueMonths),
		PlanChanges: []PlanChange{}, Annual: []ZoneAnnual{}, Assessments: []ZoneAssessment{}, Flags: []ZoneFlag{},
		CreatedAt: at,
	}
	c.record("designate", Actor{Role: RoleProvinceOfficer, Subject: "designation"}, designated, "")
	return c
}

// PeriodEnd is the first instant after a period of years and months counted from day (the day
// itself not counted, 民法典 第二百零一条): 00:00 Beijing of the day after the corresponding day.
func PeriodEnd(day Date, years, months int) time.Time {
	return day.Start().AddDate(years, months, 1)
}

func (c *Cluster) record(action string, by Actor, at time.Time, comment string) {
	c.History = append(c.History, ZoneEvent{At: at, Action: action, Actor: by, Comment: comment})
}

// HasTitle tells whether the zone still holds the title (not revoked).
func (c *Cluster) HasTitle() bool { return c.Status != ZoneRevoked }

// InConstructionAt tells whether t falls within the construction period.
func (c *Cluster) InConstructionAt(t time.Time) bool {
	return c.HasTitle() && !t.Before(c.DesignatedAt) && t.Before(c.ConstructionEnds)
}

// OwesAnnual tells whether the zone owes the submission due on 31 January of year (the summary
// of year-1 and the plan for year, seed 001 §五(三)). Decision: a zone owes it when it was
// designated before 1 January of year (so it has a previous year to sum up) and is still in
// construction at the cutoff; once the period has ended the final assessment takes its place.
func (c *Cluster) OwesAnnual(year int) bool {
	startOfYear := time.Date(year, time.January, 1, 0, 0, 0, 0, Shanghai)
	return c.DesignatedAt.Before(startOfYear) && c.InConstructionAt(Jan31Cutoff(year).Add(-time.Nanosecond))
}

// AnnualFor is the submission for year, or nil.
func (c *Cluster) AnnualFor(year int) *ZoneAnnual {
	for i := range c.Annual {
		if c.Annual[i].Year == year {
			return &c.Annual[i]
		}
	}
	return nil
}

// Flagged tells whether the flag is set.
func (c *Cluster) Flagged(kind, key string) bool {
	return slices.ContainsFunc(c.Flags, func(f ZoneFlag) bool { return f.Kind == kind && f.Key == key })
}

// Flag sets a flag once; it reports whether it was absent.
func (c *Cluster) Flag(kind, key string, due time.Time, by string) bool {
	if c.Flagged(kind, key) {
		return false
	}
	c.Flags = append(c.Flags, ZoneFlag{Kind: kind, Key: key, At: due, By: by})
	c.record("flag:"+kind, Actor{Role: RoleScheduler, Subject: by}, due, key)
	return true
}

// ErrZoneState is the conflict of an action the zone's state does not allow.
func ErrZoneState(zh, en string) *Error {
	return &Error{Code: CodeConflict, Message: Text{ZH: zh, EN: en}}
}

func (c *Cluster) mustHaveTitle() error {
	if !c.HasTitle() {
		return ErrZoneState("该集聚区称号已被取消", "The zone's title has been revoked.")
	}
	return nil
}

// FilePlan files the implementation plan (seed 001 §四(五)2), stamped on time against PlanDue.
// A plan filed late is accepted and stamped late. Filing again with the same plan changes
// nothing (created false); a different plan goes through a plan change.
func (c *Cluster) FilePlan(b ZonePlanBody, by Actor, at time.Time) (created bool, err error) {
	if err := c.mustHaveTitle(); err != nil {
		return false, err
	}
	if c.Plan != nil {
		if c.Plan.ZonePlanBody == b {
			return false, nil
		}
		return false, ErrZoneState("实施方案已备案，调整须经设区市知识产权局审核后报省知识产权局批准（plan-changes）",
			"The implementation plan is filed; a change needs the prefecture's review and the province's approval (plan-changes).")
	}
	c.Plan = &ZonePlan{ZonePlanBody: b, FiledAt: at, FiledBy: by, OnTime: at.Before(c.PlanDue), UpdatedAt: at}
	c.record("file_plan", by, at, "")
	return true, nil
}

// ProposeChange adds a change to the plan; one change is open at a time.
func (c *Cluster) ProposeChange(b PlanChangeBody, by Actor, at time.Time) (*PlanChange, error) {
	if err := c.mustHaveTitle(); err != nil {
		return nil, err
	}
	if c.Plan == nil {
		return nil, ErrZoneState("实施方案尚未备案，请先备案", "No implementation plan is filed yet; file it first.")
	}
	if slices.ContainsFunc(c.PlanChanges, func(p PlanChange) bool { return p.open() }) {
		return nil, ErrZoneState("已有一项方案调整正在审核中", "A change to the plan is already under review.")
	}
	c.PlanChanges = append(c.PlanChanges, PlanChange{N: len(c.PlanChanges) + 1, Plan: b.Plan, Reason: b.Reason,
		Status: PlanChangeAtPrefecture, ProposedBy: by, ProposedAt: at, Reviews: []PlanReview{}})
	c.record("propose_change", by, at, strconv.Itoa(len(c.PlanChanges)))
	return &c.PlanChanges[len(c.PlanChanges)-1], nil
}

func (p *PlanChange) open() bool {
	return p.Status == PlanChangeAtPrefecture || p.Status == PlanChangeAtProvince
}

// Change is change n, or nil.
func (c *Cluster) Change(n int) *PlanChange {
	if n < 1 || n > len(c.PlanChanges) {
		return nil
	}
	return &c.PlanChanges[n-1]
}

// ReviewChange is one stage's decision on change n: the prefecture first, then the province,
// whose approval puts the changed plan in force (seed 001 §四(六)). A refusal at either stage
// ends the change. The stage is the reviewer's: a prefecture officer at the prefecture stage,
// a provincial officer at the province's.
func (c *Cluster) ReviewChange(n int, b PlanReviewBody, by Actor, at time.Time) (*PlanChange, error) {
	if err := c.mustHaveTitle(); err != nil {
		return nil, err
	}
	p := c.Change(n)
	if p == nil {
		return nil, ErrNotFound
	}
	var stage string
	switch {
	case p.Status == PlanChangeAtPrefecture && by.Role == RolePrefectureOfficer:
		stage = "prefecture"
	case p.Status == PlanChangeAtProvince && by.Role == RoleProvinceOfficer:
		stage = "province"
	case !p.open():
		return nil, ErrZoneState(fmt.Sprintf("方案调整 %d 已审结（%s）", n, p.Status), fmt.Sprintf("Change %d is already decided (%s).", n, p.Status))
	default:
		return nil, ErrZoneState(fmt.Sprintf("方案调整 %d 当前待%s审核", n, map[PlanChangeStatus]string{PlanChangeAtPrefecture: "设区市知识产权局", PlanChangeAtProvince: "省知识产权局"}[p.Status]),
			fmt.Sprintf("Change %d now awaits the %s's review.", n, map[PlanChangeStatus]string{PlanChangeAtPrefecture: "prefecture", PlanChangeAtProvince: "province"}[p.Status]))
	}
	p.Reviews = append(p.Reviews, PlanReview{Stage: stage, Decision: b.Decision, Opinion: b.Opinion, By: by, At: at})
	switch {
	case b.Decision == "refuse":
		p.Status = PlanChangeRefused
	case stage == "prefecture":
		p.Status = PlanChangeAtProvince
	default:
		p.Status = PlanChangeApproved
		c.Plan.ZonePlanBody = p.Plan
		c.Plan.Revision++
		c.Plan.UpdatedAt = at
	}
	c.record("review_change:"+stage+":"+b.Decision, by, at, strconv.Itoa(n))
	return p, nil
}

// SubmitAnnual stores the summary of year-1 and plan for year (seed 001 §五(三)), stamped on
// time against 1 February of year 00:00 at the first submission.
func (c *Cluster) SubmitAnnual(year int, b ZoneAnnualBody, by Actor, at time.Time) (created bool, err error) {
	if err := c.mustHaveTitle(); err != nil {
		return false, err
	}
	if year <= c.DesignatedOn.Year || year > c.ConstructionEnds.In(Shanghai).Year()+1 {
		return false, Invalid(FieldError{Field: "year", Code: "range", Message: Text{
			ZH: fmt.Sprintf("须为 %d 到 %d 之间的年份（设立次年起，每年报送上年度工作总结和当年度工作计划）", c.DesignatedOn.Year+1, c.ConstructionEnds.In(Shanghai).Year()+1),
			EN: fmt.Sprintf("must be a year from %d to %d (from the year after the designation, each year's summary of the previous year and plan)", c.DesignatedOn.Year+1, c.ConstructionEnds.In(Shanghai).Year()+1)}})
	}
	if a := c.AnnualFor(year); a != nil {
		if a.ZoneAnnualBody == b {
			return false, nil
		}
		a.ZoneAnnualBody, a.UpdatedAt = b, at
		c.record("resubmit_annual", by, at, strconv.Itoa(year))
		return false, nil
	}
	due := Jan31Cutoff(year)
	c.Annual = append(c.Annual, ZoneAnnual{Year: year, ZoneAnnualBody: b, Due: due, SubmittedAt: at, SubmittedBy: by, UpdatedAt: at, OnTime: at.Before(due)})
	slices.SortFunc(c.Annual, func(x, y ZoneAnnual) int { return x.Year - y.Year })
	c.record("submit_annual", by, at, strconv.Itoa(year))
	return true, nil
}

// Assessable tells whether a final assessment may be recorded at t: the construction period
// has ended (seed 001 §四(六) "建设期满"), or the zone is rectifying after a fail.
func (c *Cluster) Assessable(t time.Time) error {
	switch {
	case c.Status == ZoneRevoked:
		return c.mustHaveTitle()
	case c.Status == ZoneAssessed:
		return ErrZoneState("该集聚区已通过期满考核", "The zone has already passed its final assessment.")
	case c.Status == ZoneRectifying:
		return nil
	case t.Before(c.ConstructionEnds):
		return ErrZoneState(fmt.Sprintf("建设期至 %s 届满，期满后方可考核", c.ConstructionEnds.Add(-time.Nanosecond).Format("2006-01-02")),
			fmt.Sprintf("The construction period runs until %s; the assessment comes after it.", c.ConstructionEnds.Add(-time.Nanosecond).Format("2006-01-02")))
	}
	return nil
}

// Fails counts the failed assessments so far.
func (c *Cluster) Fails() int {
	n := 0
	for _, a := range c.Assessments {
		if a.Outcome == "fail" {
			n++
		}
	}
	return n
}

// Assess records an assessment with the consequence the policy decided (result: excellent,
// pass, rectification, revoked).
func (c *Cluster) Assess(a ZoneAssessment) {
	a.N = len(c.Assessments) + 1
	c.Assessments = append(c.Assessments, a)
	switch a.Result {
	case "excellent":
		c.Status, c.NationalPilotRecommended = ZoneAssessed, true
	case "pass":
		c.Status = ZoneAssessed
	case "rectification":
		c.Status, c.RectificationDue = ZoneRectifying, a.RectificationDue
	case "revoked":
		c.Status, c.TitleRevokedAt = ZoneRevoked, a.At
	}
	c.record("assess:"+a.Outcome, a.By, a.At, a.Result)
}

// Zone notices (DOMAIN.md §6 "reminders" and the 1 February row).
const (
	NoticeZonePlanDue          = "cluster_plan_due"
	NoticeZoneRectificationDue = "cluster_rectification_due"
	NoticeZoneConstructionEnds = "cluster_construction_ends"
	NoticeZoneAnnualOverdue    = "cluster_annual_overdue"
)

// ZoneReminderAt is when the reminder daysBefore a due instant is reached: 00:00 of the
// calendar day daysBefore days before the period's last day (as for the 31 January reminders).
func ZoneReminderAt(due time.Time, daysBefore int) time.Time {
	return due.AddDate(0, 0, -(daysBefore + 1))
}

// NewZoneReminder is the reminder to the county that something of the zone is due: kind names
// what (the plan, the rectification, the end of construction).
func NewZoneReminder(c *Cluster, kind string, due time.Time, daysBefore int, at time.Time) *Notice {
	milestone := c.ID + "#" + ReminderMilestone(daysBefore)
	last := due.Add(-time.Nanosecond).In(Shanghai).Format("2006-01-02")
	var title, body Text
	switch kind {
	case NoticeZonePlanDue:
		title = Text{ZH: fmt.Sprintf("请于 %s 前报送集聚区建设实施方案", last), EN: fmt.Sprintf("File the zone's implementation plan by %s", last)}
		body = Text{ZH: fmt.Sprintf("%s自设立之日起三个月内须制定《实施方案》并报送省知识产权局备案（截止 %s，含当日）。", c.ZoneName, last),
			EN: fmt.Sprintf("%s must file its implementation plan with the provincial IP bureau within three months of its designation, on or before %s.", c.ZoneName, last)}
	case NoticeZoneRectificationDue:
		title = Text{ZH: fmt.Sprintf("集聚区整改期限至 %s", last), EN: fmt.Sprintf("The zone's rectification is due by %s", last)}
		body = Text{ZH: fmt.Sprintf("%s期满考核不合格，须于 %s（含当日）前完成整改，整改后仍不合格的将取消称号。", c.ZoneName, last),
			EN: fmt.Sprintf("%s failed its final assessment and must complete its rectification on or before %s; failing again revokes the title.", c.ZoneName, last)}
	default:
		title = Text{ZH: fmt.Sprintf("集聚区建设期于 %s 届满", last), EN: fmt.Sprintf("The zone's construction period ends on %s", last)}
		body = Text{ZH: fmt.Sprintf("%s三年建设期于 %s 届满，届时由省知识产权局组织期满考核，请做好准备。", c.ZoneName, last),
			EN: fmt.Sprintf("%s's three-year construction period ends on %s; the provincial IP bureau then assesses it. Please prepare.", c.ZoneName, last)}
	}
	return &Notice{ID: NoticeID(c.CountyCode, kind, DateOf(due.Add(-time.Nanosecond)).Year, milestone), Recipient: c.CountyCode,
		Kind: kind, Year: DateOf(due.Add(-time.Nanosecond)).Year, Milestone: milestone, Due: due, Title: title, Body: body, CreatedAt: at}
}

// NewAnnualOverdueNotice tells the province that a zone has no summary and plan on time for
// the 31 January deadline of year (DOMAIN.md §6, 1 February row).
func NewAnnualOverdueNotice(c *Cluster, year int, at time.Time) *Notice {
	return &Notice{ID: NoticeID(ProvinceCode, NoticeZoneAnnualOverdue, year, c.ID), Recipient: ProvinceCode,
		Kind: NoticeZoneAnnualOverdue, Year: year, Milestone: c.ID, Due: Jan31Cutoff(year),
		Title: Text{ZH: fmt.Sprintf("%s（%s）未按时报送%d年度工作总结和%d年度工作计划", c.ZoneName, c.CountyCode, year-1, year),
			EN: fmt.Sprintf("%s (%s) did not submit its %d summary and %d plan on time", c.ZoneName, c.CountyCode, year-1, year)},
		Body: Text{ZH: fmt.Sprintf("集聚区应于每年1月底前报送上年度工作总结、当年度工作计划。截至 %s（北京时间），%s（集聚区 %s）未按时报送。", Jan31Cutoff(year).Format("2006-01-02 15:04"), c.CountyCode, c.ID),
			EN: fmt.Sprintf("Zones submit the previous year's summary and the current year's plan by the end of January. At %s (Asia/Shanghai), %s (zone %s) had not submitted them.", Jan31Cutoff(year).Format(time.RFC3339), c.CountyCode, c.ID)},
		CreatedAt: at}
}

// Resource names the zone for the policy: its county owns it and is its division.
func (c *Cluster) Resource() Resource {
	return Resource{Kind: "cluster", Owner: c.CountyCode, Division: c.CountyCode}
}
