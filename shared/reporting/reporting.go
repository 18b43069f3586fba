// Package reporting is the annual report use case (年度报告, seed 000 §二(二)1; DOMAIN.md §2):
// filed agencies submit their report for the previous year, stamped on time or late against
// the 1 February cutoff, and a city officer of the agency's division accepts it or returns it
// for correction.
//
// Decisions (DOMAIN.md §2, where the seeds are silent):
//   - on_time is stamped at the first submission: before CutoffFor(year) it is on time. A
//     resubmission while the report waits for review keeps the stamp (API.md: fixed at the
//     first submission), and so does a correction of a returned report made within the
//     correction period. A correction made after that period counts as submitted when it is
//     made: late if at or after the cutoff.
//   - The correction period is policy data (policies/annual_report, 15 days), read for the day
//     of the return; it counts from the day after the return (domain.CorrectionDue).
//   - A report is for a year that has ended, not before 2000 and not before the year the agency
//     began business in the city; only an agency on the register (accepted at least once) may
//     report, and not for a year that began after it was deregistered.
//   - Every client of a submitted report gets a client link (domain.ClientLink), written after
//     the report by create-if-absent: a retry of the same PUT heals a crash in between.
package reporting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
)

// FirstYear is the earliest year a report may be for (decision: the platform holds no records
// of agencies' business before 2000).
const FirstYear = 2000

// Parameters are the annual report's policy parameters in force on a date.
type Parameters struct {
	CorrectionPeriodDays int    `json:"correction_period_days"`
	EffectiveFrom        string `json:"effective_from"`
	Basis                string `json:"basis"`
}

// Service runs the annual report use cases; every method checks the authorisation policy first.
type Service struct {
	reports  domain.Repo[domain.AnnualReport, *domain.AnnualReport]
	links    domain.Repo[domain.ClientLink, *domain.ClientLink]
	agencies domain.Repo[domain.Agency, *domain.Agency]
	authz    domain.Authorizer
	policy   domain.Decider
	clock    domain.Clock
}

// New builds the service; policy answers the report's parameters (the correction period).
func New(store domain.Store, authz domain.Authorizer, policy domain.Decider, clock domain.Clock) *Service {
	return &Service{
		reports:  domain.Repo[domain.AnnualReport, *domain.AnnualReport]{Store: store, Collection: domain.ReportCollection},
		links:    domain.Repo[domain.ClientLink, *domain.ClientLink]{Store: store, Collection: domain.ClientLinkCollection},
		agencies: domain.Agencies(store),
		authz:    authz,
		policy:   policy,
		clock:    clock,
	}
}

func resourceOf(r *domain.AnnualReport) domain.Resource {
	return domain.Resource{Kind: "annual_report", Owner: r.USCC, Division: r.Division}
}

func badYear(code, zh, en string) error {
	return domain.Invalid(domain.FieldError{Field: "/year", Code: code, Message: domain.Text{ZH: zh, EN: en}})
}

// checkYear refuses a year that has not ended in Shanghai, or one before FirstYear.
func checkYear(year int, now time.Time) error {
	current := now.In(domain.Shanghai).Year()
	switch {
	case year >= current:
		return badYear("year_not_ended",
			fmt.Sprintf("%d 年度尚未结束，年度报告自 %d 年 1 月 1 日起报送", year, year+1),
			fmt.Sprintf("the year %d has not ended; its report can be submitted from 1 January %d", year, year+1))
	case year < FirstYear:
		return badYear("min", fmt.Sprintf("年度不得早于 %d 年", FirstYear), fmt.Sprintf("must be %d or later", FirstYear))
	}
	return nil
}

// ErrNotFiled refuses a report from an agency that is not on the register.
var ErrNotFiled = &domain.Error{Code: domain.CodeRuleRefused, Message: domain.Text{
	ZH: "该机构尚无已通过的备案登记，须先向市知识产权局办理备案，备案通过后方可报送年度报告",
	EN: "This agency has no accepted filing: it must file with the city IP bureau first, and can submit annual reports once the filing is accepted.",
}}

// filedAgency is the agency's filing if it may report for year: on the register, in business in
// the city by that year, and not deregistered before the year began.
func (s *Service) filedAgency(ctx context.Context, uscc string, year int) (*domain.Agency, error) {
	a, err := s.agencies.Get(ctx, uscc)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, ErrNotFiled
	}
	if err != nil {
		return nil, err
	}
	if !a.OnRegister() {
		return nil, ErrNotFiled
	}
	if started := a.Registered.BusinessStartedOn; !started.IsZero() && year < started.Year {
		return nil, badYear("before_business",
			fmt.Sprintf("该机构 %s 起在本市开展业务，无 %d 年度的业务可报告", started, year),
			fmt.Sprintf("the agency began business in the city on %s; it has no business of %d to report", started, year))
	}
	if a.Status == domain.AgencyDeregistered && a.DeregisteredAt.Before(time.Date(year, time.January, 1, 0, 0, 0, 0, domain.Shanghai)) {
		return nil, &domain.Error{Code: domain.CodeRuleRefused, Message: domain.Text{
			ZH: fmt.Sprintf("该机构已于 %s 注销备案，无须报送 %d 年度报告", domain.DateOf(a.DeregisteredAt), year),
			EN: fmt.Sprintf("This agency was deregistered on %s and owes no report for %d.", domain.DateOf(a.DeregisteredAt), year),
		}}
	}
	return a, nil
}

// Submit stores the agency's report for year (PUT): the first submission (created is true) or
// a resubmission or correction. ifMatch, when not zero, is the version the caller saw: a stale
// one, or one given when there is no report yet, is a conflict. Nothing is written on a refusal.
func (s *Service) Submit(ctx context.Context, p domain.Principal, uscc string, year int, body domain.ReportBody, ifMatch int64) (rep *domain.AnnualReport, created bool, err error) {
	// An agency reports only for itself; for anyone else the report does not exist.
	if err := domain.Authorize(ctx, s.authz, p, "report.submit", domain.Resource{Kind: "annual_report", Owner: uscc}); err != nil {
		return nil, false, domain.Hidden(err)
	}
	now := s.clock.Now()
	if err := checkYear(year, now); err != nil {
		return nil, false, err
	}
	a, err := s.filedAgency(ctx, uscc, year)
	if err != nil {
		return nil, false, err
	}
	by := domain.ActorOf(p)
	if ifMatch == 0 {
		first := &domain.AnnualReport{}
		if err := first.Submit(uscc, year, a.Division(), body, by, now); err != nil {
			return nil, false, err
		}
		err := s.reports.Create(ctx, first)
		if err == nil {
			return first, true, s.link(ctx, first)
		}
		if !errors.Is(err, domain.ErrAlreadyExists) {
			return nil, false, err
		}
	}
	// A report exists: replace it, as its status allows.
	rep, err = s.reports.Update(ctx, domain.ReportKey(uscc, year), func(cur *domain.AnnualReport) error {
		if ifMatch != 0 && cur.Version != ifMatch {
			return domain.ErrVersionConflict
		}
		return cur.Resubmit(a.Division(), body, by, now)
	})
	if errors.Is(err, domain.ErrNotFound) {
		return nil, false, domain.ErrVersionConflict // If-Match named a version of a report that does not exist
	}
	if err != nil {
		return nil, false, err
	}
	return rep, false, s.link(ctx, rep)
}

// link creates the client links of a stored report; an existing link is fine. It runs after
// the report's own write, so a failure here leaves the report stored and a retry completes it.
func (s *Service) link(ctx context.Context, r *domain.AnnualReport) error {
	for _, l := range r.ClientLinks() {
		if err := s.links.Create(ctx, &l); err != nil && !errors.Is(err, domain.ErrAlreadyExists) {
			return domain.Internal(fmt.Errorf("client link %s: %w", l.RecordKey(), err))
		}
	}
	return nil
}

// Get returns a report to its agency and to the officers over the agency's division.
func (s *Service) Get(ctx context.Context, p domain.Principal, uscc string, year int) (*domain.AnnualReport, error) {
	r, err := s.reports.Get(ctx, domain.ReportKey(uscc, year))
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(ctx, s.authz, p, "report.read", resourceOf(r)); err != nil {
		return nil, domain.Hidden(err)
	}
	return r, nil
}

// Queue lists the reports of a status, oldest submission first, keeping those the caller may
// read (report.read per item, as the filing queue does): the officers' review queue for the
// workbench. A page may hold fewer than limit items; next is empty on the last page.
func (s *Service) Queue(ctx context.Context, p domain.Principal, status domain.ReportStatus, cursor string, limit int) ([]*domain.AnnualReport, string, error) {
	recs, next, err := s.reports.Query(ctx, domain.Query{Index: 3, Partition: domain.ReportStatusPartition(status), Cursor: cursor, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]*domain.AnnualReport, 0, len(recs))
	for _, r := range recs {
		d, err := s.authz.Authorize(ctx, domain.AuthzRequest{Principal: p, Action: "report.read", Resource: resourceOf(r)})
		if err != nil {
			return nil, "", err
		}
		if d.Allow {
			out = append(out, r)
		}
	}
	return out, next, nil
}

// ReviewInput is a city officer's decision on a submitted report.
type ReviewInput struct {
	Outcome string                `json:"outcome" validate:"required,oneof=accept return"`
	Reasons []domain.ReviewReason `json:"reasons" validate:"omitempty,max=50,dive"`
	Comment string                `json:"comment" validate:"omitempty,max=2000,no_control"`
}

// CheckFields: a return must say what to correct (DOMAIN.md §2, as for filings).
func (in *ReviewInput) CheckFields() []domain.FieldError {
	if in.Outcome == "return" && len(in.Reasons) == 0 {
		return []domain.FieldError{{Field: "/reasons", Code: "required_if", Message: domain.Text{
			ZH: "退回修改时须说明理由", EN: "give at least one reason when returning a report"}}}
	}
	return nil
}

// Review accepts or returns a submitted report. A return sets the correction period in force on
// the day of the return.
func (s *Service) Review(ctx context.Context, p domain.Principal, uscc string, year int, in ReviewInput) (*domain.AnnualReport, error) {
	now := s.clock.Now()
	by := domain.ActorOf(p)
	var due time.Time
	return s.reports.Update(ctx, domain.ReportKey(uscc, year), func(r *domain.AnnualReport) error {
		if err := domain.Authorize(ctx, s.authz, p, "report.review", resourceOf(r)); err != nil {
			return domain.Hidden(err)
		}
		if in.Outcome == "accept" {
			return r.Accept(by, now, in.Comment)
		}
		if due.IsZero() && r.Status == domain.ReportSubmitted {
			params, err := s.Parameters(ctx, domain.DateOf(now))
			if err != nil {
				return err
			}
			due = domain.CorrectionDue(now, params.CorrectionPeriodDays)
		}
		return r.Return(in.Reasons, due, by, now, in.Comment)
	})
}

// Parameters are the report parameters in force on a date (policies/annual_report).
func (s *Service) Parameters(ctx context.Context, on domain.Date) (Parameters, error) {
	if s.policy == nil {
		return Parameters{}, domain.Internal(errors.New("reporting: no policy engine for the report parameters"))
	}
	var params Parameters
	if err := s.policy.Decide(ctx, policy.QueryReportParameters, map[string]any{"on": on.String()}, &params); err != nil {
		return Parameters{}, domain.Internal(fmt.Errorf("report parameters on %s: %w", on, err))
	}
	if params.CorrectionPeriodDays <= 0 {
		return Parameters{}, domain.Internal(fmt.Errorf("report parameters on %s: correction period %d days", on, params.CorrectionPeriodDays))
	}
	return params, nil
}
