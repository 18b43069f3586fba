package domain

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Annual reports (年度报告, seed 000 §二(二)1; DOMAIN.md §2): every filed agency reports its
// business in the city during the previous calendar year on or before 31 January.

// ReportCollection holds one AnnualReport per agency and year, keyed by ReportKey.
const ReportCollection = "annual_reports"

// ClientLinkCollection holds one ClientLink per client, year and agency, keyed by ClientLinkKey.
const ClientLinkCollection = "client_links"

// ReportKey is the key of an agency's report for a year: the USCC, "#" and the 4-digit year.
func ReportKey(uscc string, year int) string { return fmt.Sprintf("%s#%04d", uscc, year) }

// CutoffFor is the instant at or after which a report for reportYear is late: 1 February of the
// next year, 00:00 Shanghai (DOMAIN.md "Time": "每年1月31日前" means on or before 31 January, so
// 23:59:59.999 on 31 January is on time).
func CutoffFor(reportYear int) time.Time {
	return time.Date(reportYear+1, time.February, 1, 0, 0, 0, 0, Shanghai)
}

// OnTimeAt tells whether a submission at t beats the cutoff of reportYear.
func OnTimeAt(reportYear int, t time.Time) bool { return t.Before(CutoffFor(reportYear)) }

// CorrectionDue is the instant a correction period of days ends for a report returned at
// returnedAt (decision, DOMAIN.md §2): the day of the return is not counted, the period ends
// with the last of those days, so a report returned on 25 January with 15 days may be corrected
// until 9 February 23:59:59.999 and the period is over at 10 February 00:00 Shanghai.
func CorrectionDue(returnedAt time.Time, days int) time.Time {
	return DateOf(returnedAt).Start().AddDate(0, 0, days+1)
}

// PatentApplications counts the patent applications filed for clients during the year.
type PatentApplications struct {
	Invention    *int `json:"invention" validate:"required,min=0,max=1000000"`
	UtilityModel *int `json:"utility_model" validate:"required,min=0,max=1000000"`
	Design       *int `json:"design" validate:"required,min=0,max=1000000"`
}

// ReportClient is one client served during the year: an organisation by its USCC or a person
// by resident ID, and the services given, named as the filing's service types.
type ReportClient struct {
	ID       string   `json:"id" validate:"required,uscc_or_id"`
	Name     string   `json:"name" validate:"required,max=200,no_control"`
	Services []string `json:"services" validate:"required,min=1,max=10,unique,dive,oneof=patent_agency trademark_agency copyright information_search legal_services valuation operation_transaction finance_services consulting_training data_ip"`
}

// ReportBody is what an agency reports for a year (DOMAIN.md §2 contents; API.md "Report body
// fields"). Every figure must be given, zero included: a missing count is a mistake in a
// regulatory record, not a zero, so the figures are pointers the tag rules require. The bounds
// (1,000,000 per count, 10^13 fen = 1000 亿元 of revenue, 5000 clients) are far above any
// agency's year and low enough to catch a slipped digit.
type ReportBody struct {
	PatentApplications     *PatentApplications `json:"patent_applications" validate:"required"`
	TrademarkApplications  *int                `json:"trademark_applications" validate:"required,min=0,max=1000000"`
	CopyrightRegistrations *int                `json:"copyright_registrations" validate:"required,min=0,max=1000000"`
	OtherServices          *int                `json:"other_services" validate:"required,min=0,max=1000000"`
	RevenueFen             *int64              `json:"revenue_fen" validate:"required,min=0,max=10000000000000"`
	PractitionersAtYearEnd *int                `json:"practitioners_at_year_end" validate:"required,min=0,max=1000000"`
	// Clients may be empty (a year without business) but must be given; each id at most once.
	Clients                []ReportClient `json:"clients" validate:"required,max=5000,dive"`
	SciTechProjectServices *bool          `json:"sci_tech_project_services" validate:"required"`
	// SciTechProjectClients names, by id, the clients given science-and-technology project
	// application services (科技项目申报服务): required exactly when such services were given.
	SciTechProjectClients []string `json:"sci_tech_project_clients,omitempty" validate:"omitempty,max=5000,unique,dive,uscc_or_id"`
	ComplaintsReceived    *int     `json:"complaints_received" validate:"required,min=0,max=1000000"`
}

// ProvidesSciTechServices tells whether the agency declared science-and-technology project
// application services.
func (b *ReportBody) ProvidesSciTechServices() bool {
	return b.SciTechProjectServices != nil && *b.SciTechProjectServices
}

// Serves tells whether the report names entity among its clients.
func (b *ReportBody) Serves(entity string) bool {
	return slices.ContainsFunc(b.Clients, func(c ReportClient) bool { return c.ID == entity })
}

// CheckFields names every client listed twice, and joins the sci-tech declaration to its client
// list: the list is required exactly when the services were given, and every id on it must be
// one of the clients. Every bad entry is named.
func (b *ReportBody) CheckFields() []FieldError {
	var errs []FieldError
	first := map[string]int{}
	for i, c := range b.Clients {
		if j, seen := first[c.ID]; seen && c.ID != "" {
			errs = append(errs, FieldError{Field: fmt.Sprintf("/clients/%d/id", i), Code: "unique", Message: Text{
				ZH: fmt.Sprintf("与 /clients/%d 重复，每个服务对象只填一次", j), EN: fmt.Sprintf("repeats the id of /clients/%d; list each client once", j)}})
			continue
		}
		first[c.ID] = i
	}
	if b.SciTechProjectServices == nil {
		return errs // the declaration itself is reported as required by the tags
	}
	switch {
	case *b.SciTechProjectServices && len(b.SciTechProjectClients) == 0:
		errs = append(errs, FieldError{Field: "/sci_tech_project_clients", Code: "required_if", Message: Text{
			ZH: "提供了科技项目申报服务时须列明服务对象", EN: "is required when sci_tech_project_services is true: name the clients served"}})
	case !*b.SciTechProjectServices && len(b.SciTechProjectClients) > 0:
		errs = append(errs, FieldError{Field: "/sci_tech_project_clients", Code: "excluded_unless", Message: Text{
			ZH: "未提供科技项目申报服务时不得填写", EN: "must be empty unless sci_tech_project_services is true"}})
		return errs
	}
	for i, id := range b.SciTechProjectClients {
		if !b.Serves(id) {
			errs = append(errs, FieldError{Field: fmt.Sprintf("/sci_tech_project_clients/%d", i), Code: "in_clients", Message: Text{
				ZH: "须为 clients 中列明的服务对象", EN: "must be the id of one of the clients"}})
		}
	}
	return errs
}

// ReportStatus is the state of an annual report (API.md "Report status").
type ReportStatus string

const (
	ReportSubmitted ReportStatus = "submitted"
	ReportAccepted  ReportStatus = "accepted"
	ReportReturned  ReportStatus = "returned"
)

// Report actions of the lifecycle.
const (
	ReportActionSubmit   = "submit"   // the first submission: stamps on_time
	ReportActionResubmit = "resubmit" // replaces a submission not yet reviewed
	ReportActionCorrect  = "correct"  // resubmits a returned report
	ReportActionAccept   = "accept"
	ReportActionReturn   = "return"
)

// reportTransitions is the report lifecycle (DOMAIN.md §2). Accepted is final.
var reportTransitions = map[ReportStatus][]string{
	"":              {ReportActionSubmit},
	ReportSubmitted: {ReportActionResubmit, ReportActionAccept, ReportActionReturn},
	ReportReturned:  {ReportActionCorrect},
	ReportAccepted:  nil,
}

var reportStatusZH = map[ReportStatus]string{"": "未报送", ReportSubmitted: "已报送待审核", ReportAccepted: "已通过",
	ReportReturned: "退回修改"}

// ErrReportTransition is the conflict of an action the report's status does not allow.
func ErrReportTransition(status ReportStatus) *Error {
	return &Error{Code: CodeConflict, Message: Text{
		ZH: "年度报告当前状态（" + reportStatusZH[status] + "）不允许此操作",
		EN: "This cannot be done while the annual report is " + cmp.Or(string(status), "not submitted") + ".",
	}}
}

// ReportEvent is one entry of a report's history.
type ReportEvent struct {
	At      time.Time      `json:"at"`
	Action  string         `json:"action"`
	Actor   Actor          `json:"actor"`
	Status  ReportStatus   `json:"status"`
	OnTime  bool           `json:"on_time"`
	Reasons []ReviewReason `json:"reasons,omitempty"`
	Comment string         `json:"comment,omitempty"`
	// CorrectionDue is the end of the correction period a return gave.
	CorrectionDue time.Time `json:"correction_due,omitzero"`
}

// AnnualReport is an agency's report for one year, with its history.
type AnnualReport struct {
	USCC string `json:"uscc"`
	Year int    `json:"year"`
	// Division is the agency's district at the latest submission: officers act within it.
	Division string       `json:"division"`
	Status   ReportStatus `json:"status"`
	// OnTime is stamped at the first submission against Cutoff. It is kept through
	// resubmissions and through a correction within the correction period; a correction after
	// the period counts as submitted when it is made (see Resubmit).
	OnTime           bool      `json:"on_time"`
	Cutoff           time.Time `json:"cutoff"`
	FirstSubmittedAt time.Time `json:"first_submitted_at"`
	SubmittedAt      time.Time `json:"submitted_at"`
	ReturnedAt       time.Time `json:"returned_at,omitzero"`
	// CorrectionDue is set while the report is returned: a correction before it keeps OnTime.
	CorrectionDue time.Time      `json:"correction_due,omitzero"`
	AcceptedAt    time.Time      `json:"accepted_at,omitzero"`
	Report        ReportBody     `json:"report"`
	ReturnReasons []ReviewReason `json:"return_reasons,omitempty"`
	History       []ReportEvent  `json:"history"`
	Version       int64          `json:"version"`
}

func (r *AnnualReport) RecordKey() string        { return ReportKey(r.USCC, r.Year) }
func (r *AnnualReport) RecordVersion() int64     { return r.Version }
func (r *AnnualReport) SetRecordVersion(v int64) { r.Version = v }

// RecordIndex: 1 a year's reports by agency (the deadline run), 2 unused, 3 officers' queues
// by status, oldest submission first.
func (r *AnnualReport) RecordIndex() [NumIndexes]IndexKey {
	var ix [NumIndexes]IndexKey
	ix[0] = IndexKey{Partition: ReportYearPartition(r.Year), Sort: r.USCC}
	ix[2] = IndexKey{Partition: ReportStatusPartition(r.Status), Sort: r.SubmittedAt.UTC().Format(time.RFC3339Nano)}
	return ix
}

// ReportYearPartition lists a year's reports in index 1.
func ReportYearPartition(year int) string { return fmt.Sprintf("year#%04d", year) }

// ReportStatusPartition lists reports of a status in index 3.
func ReportStatusPartition(s ReportStatus) string { return "report_status#" + string(s) }

func (r *AnnualReport) can(action string) error {
	if slices.Contains(reportTransitions[r.Status], action) {
		return nil
	}
	return ErrReportTransition(r.Status)
}

func (r *AnnualReport) record(action string, by Actor, at time.Time, reasons []ReviewReason, comment string) {
	r.History = append(r.History, ReportEvent{At: at, Action: action, Actor: by, Status: r.Status, OnTime: r.OnTime,
		Reasons: reasons, Comment: comment, CorrectionDue: r.CorrectionDue})
}

// Submit is the first submission of the report for year: on time when made before the cutoff.
func (r *AnnualReport) Submit(uscc string, year int, division string, body ReportBody, by Actor, now time.Time) error {
	if err := r.can(ReportActionSubmit); err != nil {
		return err
	}
	r.USCC, r.Year, r.Division, r.Report = uscc, year, division, body
	r.Status, r.Cutoff, r.OnTime = ReportSubmitted, CutoffFor(year), OnTimeAt(year, now)
	r.FirstSubmittedAt, r.SubmittedAt = now, now
	r.record(ReportActionSubmit, by, now, nil, "")
	return nil
}

// Resubmit replaces the report: a resubmission while it waits for review, or a correction of a
// returned report. Neither changes the on-time stamp of the first submission, except a
// correction made after its correction period: that counts as a submission made when it is made,
// so it is late if it comes at or after the cutoff (decision, DOMAIN.md §2).
func (r *AnnualReport) Resubmit(division string, body ReportBody, by Actor, now time.Time) error {
	action := ReportActionResubmit
	if r.Status == ReportReturned {
		action = ReportActionCorrect
	}
	if err := r.can(action); err != nil {
		return err
	}
	if action == ReportActionCorrect && !now.Before(r.CorrectionDue) && !OnTimeAt(r.Year, now) {
		r.OnTime = false
	}
	r.Division, r.Report, r.Status, r.SubmittedAt = division, body, ReportSubmitted, now
	r.ReturnReasons, r.CorrectionDue = nil, time.Time{}
	r.record(action, by, now, nil, "")
	return nil
}

// Accept ends the report's review; accepted is final. A late report is accepted as late.
func (r *AnnualReport) Accept(by Actor, now time.Time, comment string) error {
	if err := r.can(ReportActionAccept); err != nil {
		return err
	}
	r.Status, r.AcceptedAt = ReportAccepted, now
	r.record(ReportActionAccept, by, now, nil, comment)
	return nil
}

// Return sends the report back for correction with reasons; a correction before due keeps the
// on-time stamp.
func (r *AnnualReport) Return(reasons []ReviewReason, due time.Time, by Actor, now time.Time, comment string) error {
	if err := r.can(ReportActionReturn); err != nil {
		return err
	}
	r.Status, r.ReturnedAt, r.CorrectionDue, r.ReturnReasons = ReportReturned, now, due, reasons
	r.record(ReportActionReturn, by, now, reasons, comment)
	return nil
}

// ClientLink records that an agency named an entity among its clients in its report for a
// year, so that "which agencies served this entity?" is one key-prefix read (DOMAIN.md §3).
//
// Links are written after the report, one create-if-absent each: a crash in between leaves a
// report with missing links, which the agency's retry of the same PUT heals (creating an
// existing link is a no-op). Links are never deleted: a client dropped by a resubmission keeps
// its link, so a reader confirms a link against the report (AnnualReport.Report.Serves).
type ClientLink struct {
	Entity  string `json:"entity"`
	Year    int    `json:"year"`
	Agency  string `json:"agency"`
	Version int64  `json:"-"`
}

// ClientLinkKey is <entity>#<year>#<agency USCC>.
func ClientLinkKey(entity string, year int, agency string) string {
	return fmt.Sprintf("%s%04d#%s", ClientLinkPrefix(entity), year, agency)
}

// ClientLinkPrefix is the key prefix of every link of an entity (Query Index 0, Prefix); add
// the 4-digit year and "#" to narrow it to one year.
func ClientLinkPrefix(entity string) string { return entity + "#" }

func (l *ClientLink) RecordKey() string                 { return ClientLinkKey(l.Entity, l.Year, l.Agency) }
func (l *ClientLink) RecordVersion() int64              { return l.Version }
func (l *ClientLink) SetRecordVersion(v int64)          { l.Version = v }
func (l *ClientLink) RecordIndex() [NumIndexes]IndexKey { return [NumIndexes]IndexKey{} }

// ClientLinks are the links a report implies, one per client.
func (r *AnnualReport) ClientLinks() []ClientLink {
	out := make([]ClientLink, 0, len(r.Report.Clients))
	for _, c := range r.Report.Clients {
		out = append(out, ClientLink{Entity: c.ID, Year: r.Year, Agency: r.USCC})
	}
	return out
}
