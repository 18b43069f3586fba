// Package filing is the agency filing use case (备案登记, seed 000 §二(二)1; DOMAIN.md §1): filing,
// amending, reviewing and deregistering, and the public register built from the filings.
package filing

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Service runs the filing use cases; every method checks the authorisation policy first.
type Service struct {
	agencies domain.Repo[domain.Agency, *domain.Agency]
	counters *domain.Counters
	authz    domain.Authorizer
	clock    domain.Clock
	// What the register reads besides filings, and the ratings (ratings.go, register.go).
	reports   domain.Repo[domain.AnnualReport, *domain.AnnualReport]
	links     domain.Repo[domain.ClientLink, *domain.ClientLink]
	sanctions domain.Repo[domain.Sanction, *domain.Sanction]
	waivers   domain.Repo[domain.SanctionWaiver, *domain.SanctionWaiver]
	ratings   domain.Repo[domain.Rating, *domain.Rating]
}

func New(store domain.Store, authz domain.Authorizer, clock domain.Clock) *Service {
	return &Service{
		agencies:  domain.Agencies(store),
		counters:  domain.NewCounters(store),
		authz:     authz,
		clock:     clock,
		reports:   domain.Repo[domain.AnnualReport, *domain.AnnualReport]{Store: store, Collection: domain.ReportCollection},
		links:     domain.Repo[domain.ClientLink, *domain.ClientLink]{Store: store, Collection: domain.ClientLinkCollection},
		sanctions: domain.Repo[domain.Sanction, *domain.Sanction]{Store: store, Collection: domain.SanctionCollection},
		waivers:   domain.Repo[domain.SanctionWaiver, *domain.SanctionWaiver]{Store: store, Collection: domain.SanctionWaiverCollection},
		ratings:   domain.Repo[domain.Rating, *domain.Rating]{Store: store, Collection: domain.RatingCollection},
	}
}

func resourceOf(a *domain.Agency) domain.Resource {
	return a.Resource()
}

// load reads a filing the caller may act on; for everyone else it does not exist.
func (s *Service) load(ctx context.Context, p domain.Principal, action, uscc string) (*domain.Agency, error) {
	a, err := s.agencies.Get(ctx, uscc)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(ctx, s.authz, p, action, resourceOf(a)); err != nil {
		return nil, domain.Hidden(err)
	}
	return a, nil
}

// change applies fn to a filing the caller may act on, in one read and one conditional write
// (retried on a lost race, so fn may run more than once); for anyone else it does not exist.
func (s *Service) change(ctx context.Context, p domain.Principal, action, uscc string, fn func(*domain.Agency) error) (*domain.Agency, error) {
	return s.agencies.Update(ctx, uscc, func(a *domain.Agency) error {
		if err := domain.Authorize(ctx, s.authz, p, action, resourceOf(a)); err != nil {
			return domain.Hidden(err)
		}
		return fn(a)
	})
}

func (s *Service) checkFiling(f domain.AgencyFiling, now time.Time) error {
	if f.BusinessStartedOn.After(domain.DateOf(now)) {
		return domain.Invalid(domain.FieldError{Field: "/business_started_on", Code: "not_future", Message: domain.Text{
			ZH: "开始营业日期不能晚于今天", EN: "cannot be later than today"}})
	}
	return nil
}

// File records a filing (POST /v1/agencies). One USCC has one record: of racing filings
// exactly one is stored; a second filing while one is pending or in force is a conflict.
func (s *Service) File(ctx context.Context, p domain.Principal, f domain.AgencyFiling) (*domain.Agency, error) {
	// An agency files only for itself: the policy compares the body's USCC with the caller's.
	if err := domain.Authorize(ctx, s.authz, p, "filing.create", domain.Resource{Kind: "agency_filing", Owner: f.USCC, Division: f.DistrictCode}); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if err := s.checkFiling(f, now); err != nil {
		return nil, err
	}
	a := &domain.Agency{}
	if err := a.File(f, domain.ActorOf(p), now); err != nil {
		return nil, err
	}
	err := s.agencies.Create(ctx, a)
	if !errors.Is(err, domain.ErrAlreadyExists) {
		return a, err
	}
	// A record exists: filing again is allowed only after a rejection or deregistration.
	updated, err := s.agencies.Update(ctx, f.USCC, func(cur *domain.Agency) error {
		if cur.Status != domain.AgencyRejected && cur.Status != domain.AgencyDeregistered {
			return &domain.Error{Code: domain.CodeConflict, Message: domain.Text{
				ZH: "该统一社会信用代码已有备案或待审核的备案申请，请使用变更（PUT）", EN: "This organisation already has a filing in force or under review; amend it with PUT."}}
		}
		return cur.File(f, domain.ActorOf(p), now)
	})
	return updated, err
}

// Get returns the filing with its history to its owner and the officers over its division.
func (s *Service) Get(ctx context.Context, p domain.Principal, uscc string) (*domain.Agency, error) {
	return s.load(ctx, p, "filing.read", uscc)
}

// Amend replaces the submission (PUT). ifMatch, when not zero, is the version the caller saw:
// a stale one is a conflict, so nobody overwrites a change they have not seen.
func (s *Service) Amend(ctx context.Context, p domain.Principal, uscc string, f domain.AgencyFiling, ifMatch int64) (*domain.Agency, error) {
	if f.USCC != uscc {
		return nil, domain.Invalid(domain.FieldError{Field: "/uscc", Code: "eqfield", Message: domain.Text{
			ZH: "统一社会信用代码不可变更，须与地址中的一致", EN: "must equal the code in the URL; it cannot be changed"}})
	}
	now := s.clock.Now()
	if err := s.checkFiling(f, now); err != nil {
		return nil, err
	}
	return s.change(ctx, p, "filing.amend", uscc, func(a *domain.Agency) error {
		if ifMatch != 0 && a.Version != ifMatch {
			return domain.ErrVersionConflict
		}
		return a.Amend(f, domain.ActorOf(p), now)
	})
}

// ReviewInput is a city officer's decision on a submission.
type ReviewInput struct {
	Outcome string                `json:"outcome" validate:"required,oneof=accept return reject"`
	Reasons []domain.ReviewReason `json:"reasons" validate:"omitempty,max=50,dive"`
	Comment string                `json:"comment" validate:"omitempty,max=2000,no_control"`
}

// CheckFields: a return or a rejection must say why (DOMAIN.md §1: returned with reasons).
func (in *ReviewInput) CheckFields() []domain.FieldError {
	if in.Outcome != "accept" && in.Outcome != "" && len(in.Reasons) == 0 {
		return []domain.FieldError{{Field: "/reasons", Code: "required_unless", Message: domain.Text{
			ZH: "退回或不予备案时须说明理由", EN: "give at least one reason when returning or rejecting"}}}
	}
	return nil
}

// Review decides a submission. Acceptance gives a filing number at the first acceptance.
func (s *Service) Review(ctx context.Context, p domain.Principal, uscc string, in ReviewInput) (*domain.Agency, error) {
	now := s.clock.Now()
	by := domain.ActorOf(p)
	// Taken at most once: a retry after a lost race reuses it, so a race costs no number.
	var filingNo string
	return s.change(ctx, p, "filing.review", uscc, func(a *domain.Agency) error {
		switch in.Outcome {
		case "accept":
			if a.FilingNo == "" && filingNo == "" && a.Status == domain.AgencySubmitted {
				n, err := s.nextFilingNo(ctx, a.Division(), now)
				if err != nil {
					return err
				}
				filingNo = n
			}
			return a.Accept(filingNo, by, now, in.Comment)
		case "return":
			return a.Return(in.Reasons, by, now, in.Comment)
		default:
			return a.Reject(in.Reasons, by, now, in.Comment)
		}
	})
}

// nextFilingNo numbers filings per district and year: 320281-2027-00001 (decision: the seeds
// prescribe no format; a district prefix lets a reader see where an agency is filed).
func (s *Service) nextFilingNo(ctx context.Context, district string, now time.Time) (string, error) {
	year := now.Year()
	n, err := s.counters.Next(ctx, fmt.Sprintf("filing_no#%s#%d", district, year))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%05d", district, year, n), nil
}

// DeregisterInput says why a filing ends.
type DeregisterInput struct {
	Reason string `json:"reason" validate:"omitempty,max=2000,no_control"`
}

// Deregister ends a filing in force (注销), by its owner or a city officer over it.
func (s *Service) Deregister(ctx context.Context, p domain.Principal, uscc string, in DeregisterInput) (*domain.Agency, error) {
	if p.Role != domain.RoleAgency && strings.TrimSpace(in.Reason) == "" {
		return nil, domain.Invalid(domain.FieldError{Field: "/reason", Code: "required", Message: domain.Text{
			ZH: "主管部门注销备案须说明理由", EN: "an officer must give the reason for deregistering"}})
	}
	now := s.clock.Now()
	return s.change(ctx, p, "filing.deregister", uscc, func(a *domain.Agency) error {
		return a.Deregister(in.Reason, domain.ActorOf(p), now)
	})
}

// Statuses an officer's queue may list.
var QueueStatuses = []string{string(domain.AgencySubmitted), string(domain.AgencyReturned),
	string(domain.AgencyAccepted), string(domain.AgencyRejected), string(domain.AgencyDeregistered)}

// Queue lists filings by status, oldest submission first, keeping those within the officer's
// division (the officers' review queue; an extension of API.md for the workbench).
func (s *Service) Queue(ctx context.Context, p domain.Principal, status, cursor string, limit int) ([]*domain.Agency, string, error) {
	if err := domain.Authorize(ctx, s.authz, p, "filing.list", domain.Resource{Kind: "agency_filing"}); err != nil {
		return nil, "", err
	}
	var out []*domain.Agency
	next, err := s.scan(ctx, domain.Query{Index: 3, Partition: "status#" + status}, cursor, limit, func(a *domain.Agency) (bool, error) {
		d, err := s.authz.Authorize(ctx, domain.AuthzRequest{Principal: p, Action: "filing.read", Resource: resourceOf(a)})
		if err != nil || !d.Allow {
			return false, err
		}
		out = append(out, a)
		return true, nil
	})
	return out, next, err
}

// RegisterQuery filters the public register.
type RegisterQuery struct {
	Q           string // part of the name, or the USCC or filing number
	District    string
	ServiceType string
	Status      string // accepted or deregistered; empty for both
	Cursor      string
	Limit       int
}

func (q RegisterQuery) matches(p domain.PublicAgency) bool {
	if q.ServiceType != "" && !slices.Contains(p.ServiceTypes, q.ServiceType) {
		return false
	}
	if q.Status != "" && string(p.Status) != q.Status {
		return false
	}
	if q.Q != "" {
		needle := strings.ToLower(q.Q)
		return strings.Contains(strings.ToLower(p.Name), needle) || strings.EqualFold(p.USCC, q.Q) || strings.EqualFold(p.FilingNo, q.Q)
	}
	return true
}

// Register lists the public register in name order (seed 000 §二(二)2).
func (s *Service) Register(ctx context.Context, q RegisterQuery) ([]domain.PublicAgency, string, error) {
	store := domain.Query{Index: 1, Partition: "register"}
	if q.District != "" {
		store = domain.Query{Index: 2, Partition: "register#" + q.District}
	}
	out := []domain.PublicAgency{}
	next, err := s.scan(ctx, store, q.Cursor, q.Limit, func(a *domain.Agency) (bool, error) {
		pub, ok := a.Public()
		if !ok || !q.matches(pub) {
			return false, nil
		}
		out = append(out, pub)
		return true, nil
	})
	return out, next, err
}

// PublicAgency is one register entry with its compliance record, public sanctions and ratings
// (register.go); an agency never accepted is not on it.
func (s *Service) PublicAgency(ctx context.Context, uscc string) (domain.PublicAgencyDetail, error) {
	a, err := s.agencies.Get(ctx, uscc)
	if err != nil {
		return domain.PublicAgencyDetail{}, err
	}
	pub, ok := a.Public()
	if !ok {
		return domain.PublicAgencyDetail{}, domain.ErrNotFound
	}
	return s.detail(ctx, a, pub)
}

// scanCursor is where a filtered listing stopped: the store page it was reading and how many
// of that page's items it had consumed. Pages are read at a fixed size so the position stays
// valid on the next request.
type scanCursor struct {
	Page   string `json:"p,omitempty"`
	Offset int    `json:"o"`
}

const (
	scanPageSize = 100
	// scanBudget bounds the items one request reads, so a filter matching nothing cannot make a
	// request read the whole register; the caller follows the cursor for more.
	scanBudget = 2000
)

// scan reads q from cursor, offering each record to keep until limit records were kept or the
// budget is spent, and returns the cursor to resume from ("" at the end).
func (s *Service) scan(ctx context.Context, q domain.Query, cursor string, limit int, keep func(*domain.Agency) (bool, error)) (string, error) {
	var at scanCursor
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil || json.Unmarshal(b, &at) != nil || at.Offset < 0 || at.Offset >= scanPageSize {
			return "", domain.ErrBadCursor
		}
	}
	if limit <= 0 {
		limit = domain.DefaultPageSize
	}
	kept, read := 0, 0
	for {
		q.Cursor, q.Limit = at.Page, scanPageSize
		recs, next, err := s.agencies.Query(ctx, q)
		if err != nil {
			return "", err
		}
		for i := at.Offset; i < len(recs); i++ {
			if kept == limit || read == scanBudget {
				return encodeScan(scanCursor{Page: at.Page, Offset: i}), nil
			}
			read++
			ok, err := keep(recs[i])
			if err != nil {
				return "", err
			}
			if ok {
				kept++
			}
		}
		if next == "" {
			return "", nil
		}
		at = scanCursor{Page: next}
	}
}

func encodeScan(c scanCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}
