// Package violations is recording an agency's violations and the sanctions they call for
// (seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3), listing an agency's sanctions, and waiving
// one with a reason. What a violation calls for is the sanctions policy's decision; this
// package stores it.
//
// Recording is two writes, the violation and then its sanctions, with no transaction between
// them. A retry heals a crash between the two: the violation of a request with an
// Idempotency-Key is found again by a reference derived from the caller, the key and the body,
// and each sanction's id is derived from the violation, so it is created only if absent.
package violations

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
)

// Service records violations and lists and waives sanctions; every method checks the
// authorisation policy first.
type Service struct {
	agencies   domain.Repo[domain.Agency, *domain.Agency]
	violations domain.Repo[domain.Violation, *domain.Violation]
	sanctions  domain.Repo[domain.Sanction, *domain.Sanction]
	waivers    domain.Repo[domain.SanctionWaiver, *domain.SanctionWaiver]
	authz      domain.Authorizer
	policy     domain.Decider
	clock      domain.Clock
}

func New(store domain.Store, authz domain.Authorizer, policy domain.Decider, clock domain.Clock) *Service {
	return &Service{
		agencies:   domain.Agencies(store),
		violations: domain.Repo[domain.Violation, *domain.Violation]{Store: store, Collection: domain.ViolationCollection},
		sanctions:  domain.Repo[domain.Sanction, *domain.Sanction]{Store: store, Collection: domain.SanctionCollection},
		waivers:    domain.Repo[domain.SanctionWaiver, *domain.SanctionWaiver]{Store: store, Collection: domain.SanctionWaiverCollection},
		authz:      authz,
		policy:     policy,
		clock:      clock,
	}
}

// load reads the agency the caller may act on; for everyone else it does not exist (DOMAIN.md
// §7), as with filings.
func (s *Service) load(ctx context.Context, p domain.Principal, action, uscc string) (*domain.Agency, error) {
	a, err := s.agencies.Get(ctx, uscc)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(ctx, s.authz, p, action, a.SanctionsResource()); err != nil {
		return nil, domain.Hidden(err)
	}
	return a, nil
}

// RecordInput is a violation as a city officer reports it.
type RecordInput struct {
	Kind             domain.Trigger `json:"kind" validate:"required,oneof=sci_tech_project_services abnormal_patent_applications plagiarism poor_credit poor_service unfair_competition refused_correction"`
	Year             int            `json:"year" validate:"required,min=2000"`
	Detail           string         `json:"detail" validate:"required,max=2000"`
	AffectedEntities []string       `json:"affected_entities" validate:"omitempty,max=1000,dive,uscc_or_id"`
	// maxYear is the current year in Beijing time: a violation cannot lie in the future.
	maxYear int
}

// NewRecordInput is the input to decode a request into: it knows the current year, so the
// validation names a future year with every other bad field.
func (s *Service) NewRecordInput() RecordInput {
	return RecordInput{maxYear: s.clock.Now().In(domain.Shanghai).Year()}
}

// CheckFields: the year is not in the future, the detail says something, and plagiarism and
// abnormal applications name the applicants concerned (seed 000 §二(二)5).
func (in *RecordInput) CheckFields() []domain.FieldError {
	var bad []domain.FieldError
	if in.maxYear != 0 && in.Year > in.maxYear {
		bad = append(bad, domain.FieldError{Field: "/year", Code: "max", Message: domain.Text{
			ZH: fmt.Sprintf("不得晚于今年（%d）", in.maxYear), EN: fmt.Sprintf("must not be later than this year (%d)", in.maxYear)}})
	}
	if in.Detail != "" && strings.TrimSpace(in.Detail) == "" {
		bad = append(bad, domain.FieldError{Field: "/detail", Code: "required", Message: domain.Text{
			ZH: "请说明违规情况", EN: "describe the violation"}})
	}
	if strings.ContainsFunc(in.Detail, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
		bad = append(bad, domain.FieldError{Field: "/detail", Code: "no_control", Message: domain.Text{
			ZH: "不得包含控制字符", EN: "must not contain control characters"}})
	}
	if domain.NeedsAffectedEntities(in.Kind) && len(in.AffectedEntities) == 0 {
		bad = append(bad, domain.FieldError{Field: "/affected_entities", Code: "required_if", Message: domain.Text{
			ZH: "抄袭或大量非正常专利申请须列明相关申请单位和个人", EN: "name the applicants concerned for plagiarism or abnormal patent applications"}})
	}
	return bad
}

// Recorded is the answer to recording a violation: the violation and the sanctions it produced.
type Recorded struct {
	*domain.Violation
	Sanctions []*domain.Sanction `json:"sanctions"`
}

// Record stores a violation of an agency on the register and the sanctions the policy decides
// for it. requestRef, when not empty, identifies the request (see package doc): a request seen
// before reuses its violation and creates only the sanctions still missing.
func (s *Service) Record(ctx context.Context, p domain.Principal, uscc string, in RecordInput, requestRef string) (*Recorded, error) {
	a, err := s.load(ctx, p, "violation.record", uscc)
	if err != nil {
		return nil, err
	}
	if !a.OnRegister() {
		return nil, domain.NewError(domain.CodeRuleRefused, "该机构从未获准备案，不在备案名录中，不能记录违规",
			"This agency has never been accepted onto the register, so no violation can be recorded against it.")
	}
	v, err := s.violation(ctx, p, a.USCC, in, requestRef)
	if err != nil {
		return nil, err
	}
	sanctions, err := s.sanction(ctx, v)
	if err != nil {
		return nil, err
	}
	return &Recorded{Violation: v, Sanctions: sanctions}, nil
}

// violation finds the violation an earlier attempt of the same request stored, or stores it.
func (s *Service) violation(ctx context.Context, p domain.Principal, uscc string, in RecordInput, requestRef string) (*domain.Violation, error) {
	if requestRef != "" {
		found, _, err := s.violations.Query(ctx, domain.Query{Collection: domain.ViolationCollection, Index: 2, Partition: "request#" + requestRef, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			return found[0], nil
		}
	}
	now := s.clock.Now()
	entities := in.AffectedEntities
	if entities == nil {
		entities = []string{}
	}
	v := &domain.Violation{ID: newID(now), Agency: uscc, Kind: in.Kind, Year: in.Year, Detail: in.Detail,
		AffectedEntities: slices.Clone(entities), RecordedBy: domain.ActorOf(p), At: now, RequestRef: requestRef}
	if err := s.violations.Create(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// newID is sortable by time: "20270115T020000.000000000Z-1a2b3c" (UTC, then randomness so two
// violations in one instant differ).
func newID(now time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:])
}

// sanction asks the policy what the violation calls for and stores each sanction once; it
// returns the stored sanctions, whichever attempt created them.
func (s *Service) sanction(ctx context.Context, v *domain.Violation) ([]*domain.Sanction, error) {
	facts := v.Facts()
	var d domain.SanctionDecision
	if err := s.policy.Decide(ctx, policy.QuerySanctions, facts, &d); err != nil {
		return nil, domain.Internal(fmt.Errorf("sanctions policy: %w", err))
	}
	out := []*domain.Sanction{}
	for _, ds := range d.Sanctions {
		sanction, err := domain.NewSanction(facts, ds, v.ID, s.policy.Version(), v.RecordedBy, v.At)
		if err != nil {
			return nil, domain.Internal(err)
		}
		err = s.sanctions.Create(ctx, sanction)
		if errors.Is(err, domain.ErrAlreadyExists) {
			sanction, err = s.sanctions.Get(ctx, sanction.ID)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sanction)
	}
	return out, nil
}

// SanctionView is a sanction as the list shows it: with its basis and whether a waiver lifted it.
type SanctionView struct {
	*domain.Sanction
	Waived bool                   `json:"waived"`
	Waiver *domain.SanctionWaiver `json:"waiver,omitempty"`
}

// List returns the agency's sanctions in id order, to the agency and the officers over it.
func (s *Service) List(ctx context.Context, p domain.Principal, uscc, cursor string, limit int) ([]SanctionView, string, error) {
	a, err := s.load(ctx, p, "sanction.read", uscc)
	if err != nil {
		return nil, "", err
	}
	items, next, err := s.sanctions.Query(ctx, domain.Query{Collection: domain.SanctionCollection, Index: 1,
		Partition: "agency#" + a.USCC, Limit: limit, Cursor: cursor})
	if err != nil {
		return nil, "", err
	}
	out := make([]SanctionView, 0, len(items))
	for _, sn := range items {
		view, err := s.view(ctx, sn)
		if err != nil {
			return nil, "", err
		}
		out = append(out, view)
	}
	return out, next, nil
}

func (s *Service) view(ctx context.Context, sn *domain.Sanction) (SanctionView, error) {
	w, err := s.waivers.Get(ctx, sn.ID)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return SanctionView{Sanction: sn}, nil
	case err != nil:
		return SanctionView{}, err
	}
	return SanctionView{Sanction: sn, Waived: true, Waiver: w}, nil
}

// WaiveInput says why a sanction is waived.
type WaiveInput struct {
	Reason string `json:"reason" validate:"required,max=2000"`
}

// CheckFields: the reason says something.
func (in *WaiveInput) CheckFields() []domain.FieldError {
	var bad []domain.FieldError
	if in.Reason != "" && strings.TrimSpace(in.Reason) == "" {
		bad = append(bad, domain.FieldError{Field: "/reason", Code: "required", Message: domain.Text{
			ZH: "请说明豁免理由", EN: "give the reason for the waiver"}})
	}
	if strings.ContainsFunc(in.Reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
		bad = append(bad, domain.FieldError{Field: "/reason", Code: "no_control", Message: domain.Text{
			ZH: "不得包含控制字符", EN: "must not contain control characters"}})
	}
	return bad
}

// Waive lifts a sanction's effect with a reason: a new record, the sanction stays as it was. A
// sanction is waived once; a second waiver is a conflict.
func (s *Service) Waive(ctx context.Context, p domain.Principal, uscc, id string, in WaiveInput) (SanctionView, error) {
	a, err := s.load(ctx, p, "sanction.waive", uscc)
	if err != nil {
		return SanctionView{}, err
	}
	sn, err := s.sanctions.Get(ctx, id)
	if err != nil {
		return SanctionView{}, err
	}
	if sn.Agency != a.USCC {
		return SanctionView{}, domain.ErrNotFound
	}
	w := &domain.SanctionWaiver{SanctionID: sn.ID, Agency: sn.Agency, Reason: in.Reason, By: domain.ActorOf(p), At: s.clock.Now()}
	err = s.waivers.Create(ctx, w)
	if errors.Is(err, domain.ErrAlreadyExists) {
		return SanctionView{}, domain.NewError(domain.CodeConflict, "该处罚已被豁免，不能再次豁免",
			"This sanction has already been waived.")
	}
	if err != nil {
		return SanctionView{}, err
	}
	return SanctionView{Sanction: sn, Waived: true, Waiver: w}, nil
}
