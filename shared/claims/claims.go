// Package claims is the subsidy claim use case (seed 003, the Suzhou IP finance subsidy
// measures; DOMAIN.md §4): dry-run evaluations, claims by enterprises or the institutions they
// mandated, the four review stages, caps that hold across claims, credit records and recovery.
//
// Every decision comes from the subsidy policy, fed with the claim, the claimant's credit
// records and disqualification, the blocks the eligibility policy gives for the agencies that
// served the claimant, and what the cap ledgers already hold. Each decision is stored on the
// claim with its exact input and the policy version. Money is committed only at the
// allocation pass, by charging the ledgers (shared/caps), which never let racing claims exceed
// a cap and remember which claims they counted, so a retried allocation charges once.
package claims

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/caps"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/eligibility"
	"github.com/jsipa/ips/shared/policy"
)

// NoticeDays is how long a claim stays in public notice (公示) before allocation may pass.
const NoticeDays = 5

// Service runs the claim use cases; every method checks the authorisation policy first.
type Service struct {
	claims           domain.Repo[domain.Claim, *domain.Claim]
	credit           domain.Repo[domain.CreditRecord, *domain.CreditRecord]
	disqualification domain.Repo[domain.Disqualification, *domain.Disqualification]
	ledgers          *caps.Ledgers
	eligibility      *eligibility.Service
	authz            domain.Authorizer
	policy           domain.Decider
	clock            domain.Clock
}

func New(store domain.Store, authz domain.Authorizer, decider domain.Decider, clock domain.Clock) *Service {
	return &Service{
		claims:           domain.Repo[domain.Claim, *domain.Claim]{Store: store, Collection: domain.ClaimCollection},
		credit:           domain.Repo[domain.CreditRecord, *domain.CreditRecord]{Store: store, Collection: domain.CreditRecordCollection},
		disqualification: domain.Repo[domain.Disqualification, *domain.Disqualification]{Store: store, Collection: domain.DisqualificationCollection},
		ledgers:          caps.New(store, clock),
		eligibility:      eligibility.New(store, authz, decider, clock),
		authz:            authz,
		policy:           decider,
		clock:            clock,
	}
}

func resourceOf(b *domain.ClaimBody) domain.Resource {
	return b.Resource()
}

// facts gathers what the subsidy policy decides on for body; claimID names the claim when it
// is already stored, so the ledgers report whether they have counted it.
func (s *Service) facts(ctx context.Context, body *domain.ClaimBody, claimID string) (domain.SubsidyFacts, error) {
	day := body.EventDate()
	f := domain.SubsidyFacts{
		Programme: body.Programme, Claimant: body.Claimant, Event: body.Event, EventDate: day.String(),
		OwnershipDisputed: body.OwnershipDisputed, CreditCommitment: body.CreditCommitment,
		AgencyBlocks: []domain.AgencyBlock{}, Ledger: []domain.LedgerUsage{},
	}
	records, _, err := s.credit.Query(ctx, domain.Query{Index: 1, Partition: "entity#" + body.Claimant.USCC, Limit: domain.MaxPageSize})
	if err != nil {
		return f, err
	}
	f.Credit.Level = domain.WorstCreditLevel(records, day)
	switch _, err := s.disqualification.Get(ctx, body.Claimant.USCC); {
	case err == nil:
		f.FalseCommitment = true
	case !errors.Is(err, domain.ErrNotFound):
		return f, err
	}

	// Any block of an agency the claim names or that served the claimant (seed 003 第十二条(三)).
	q := eligibility.Query{Entity: body.Claimant.USCC, Year: day.Year}
	for _, a := range body.Agencies {
		q.Agencies = append(q.Agencies, a.USCC)
	}
	res, err := s.eligibility.Decide(ctx, q)
	if err != nil {
		return f, err
	}
	for _, r := range res.Families[domain.FamilyIPSubsidy].Reasons {
		f.AgencyBlocks = append(f.AgencyBlocks, domain.AgencyBlock{Agency: r.Agency, Trigger: string(r.Trigger), Year: r.Year,
			Basis: r.Basis, MessageZH: r.MessageZH, MessageEN: r.MessageEN})
	}

	// What the ledgers hold: the policy names the caps, so ask it once without usage, then read.
	var probe domain.SubsidyDecision
	if err := s.policy.Decide(ctx, policy.QuerySubsidy, f, &probe); err != nil {
		return f, domain.Internal(fmt.Errorf("subsidy policy: %w", err))
	}
	for _, c := range probe.LedgerCaps {
		used, distinct, counted, err := s.ledgers.Usage(ctx, c, claimID)
		if err != nil {
			return f, err
		}
		if distinct == nil {
			distinct = []string{}
		}
		f.Ledger = append(f.Ledger, domain.LedgerUsage{Cap: c.ID, UsedFen: used, Distinct: distinct, Counted: counted})
	}
	return f, nil
}

// decide evaluates the subsidy policy on body and returns the decision to store.
func (s *Service) decide(ctx context.Context, body *domain.ClaimBody, claimID, stage string) (domain.StoredDecision, error) {
	f, err := s.facts(ctx, body, claimID)
	if err != nil {
		return domain.StoredDecision{}, err
	}
	var d domain.SubsidyDecision
	if err := s.policy.Decide(ctx, policy.QuerySubsidy, f, &d); err != nil {
		return domain.StoredDecision{}, domain.Internal(fmt.Errorf("subsidy policy: %w", err))
	}
	d.PolicyVersion, d.DecidedAt = s.policy.Version(), s.clock.Now()
	if d.Reasons == nil {
		d.Reasons = []domain.SubsidyReason{}
	}
	return domain.StoredDecision{SubsidyDecision: d, Stage: stage, Input: f}, nil
}

// refused is the 422 of a decision that does not allow the claim, naming every reason.
func refused(d domain.StoredDecision) error {
	var zh, en []string
	for _, r := range d.Reasons {
		zh = append(zh, r.MessageZH+"（"+r.Basis+"）")
		en = append(en, r.MessageEN+" ("+r.Basis+")")
	}
	return &domain.Error{Code: domain.CodeRuleRefused, Message: domain.Text{
		ZH: "不予支持：" + strings.Join(zh, "；"), EN: "Not supported: " + strings.Join(en, "; ")}}
}

// Evaluate is the dry run (POST /v1/subsidy-evaluations): the decision a claim would get now,
// stored nowhere.
func (s *Service) Evaluate(ctx context.Context, p domain.Principal, body domain.ClaimBody) (domain.StoredDecision, error) {
	if err := domain.Authorize(ctx, s.authz, p, "claim.evaluate", domain.Resource{Kind: "subsidy_claim"}); err != nil {
		return domain.StoredDecision{}, err
	}
	return s.decide(ctx, &body, "", "evaluation")
}

func newClaimID(at time.Time) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "SC" + at.In(domain.Shanghai).Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(b))
}

// Submit stores a claim the policy supports (POST /v1/subsidy-claims). The enterprise claims
// for itself; a mandated institution claims for it under the mandate it names, in person or
// through its system's integrator credential.
//
// idempotencyKey is the request's Idempotency-Key, or empty. With a key the claim's id is
// derived from it rather than drawn at random, so a retry of a request whose first attempt
// stored the claim and then failed (its answer lost, a 5xx that released the key) answers that
// claim instead of storing a second one. The create is conditional on the id, so no index lag
// can let a duplicate through. A retry that crosses midnight in Shanghai derives the next day's
// id, so the previous day's is looked up too (keys are kept 24 hours).
func (s *Service) Submit(ctx context.Context, p domain.Principal, body domain.ClaimBody, idempotencyKey string) (*domain.Claim, error) {
	if p.Role == domain.RoleEnterprise && body.Mandate != nil {
		return nil, domain.Invalid(domain.FieldError{Field: "/mandate", Code: "excluded", Message: domain.Text{
			ZH: "企业自行申报时不填写委托", EN: "is only for a mandated institution claiming for the enterprise"}})
	}
	if (p.Role == domain.RoleMandatedSubmitter || p.Role == domain.RoleIntegrator) && body.Mandate == nil {
		return nil, domain.Invalid(domain.FieldError{Field: "/mandate", Code: "required", Message: domain.Text{
			ZH: "代为申报须填写企业的委托", EN: "is required when claiming for an enterprise"}})
	}
	if err := domain.Authorize(ctx, s.authz, p, "claim.submit", resourceOf(&body)); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	id := newClaimID(now)
	if idempotencyKey != "" {
		id = requestClaimID(p, idempotencyKey, now)
		for _, earlier := range []string{id, requestClaimID(p, idempotencyKey, now.AddDate(0, 0, -1))} {
			if c, err := s.stored(ctx, p, body, earlier); c != nil || err != nil {
				return c, err
			}
		}
	}
	d, err := s.decide(ctx, &body, "", "submission")
	if err != nil {
		return nil, err
	}
	if !d.Eligible {
		return nil, refused(d)
	}
	c := &domain.Claim{}
	c.Submit(id, body, domain.ActorOf(p), now)
	c.Decide(d)
	err = s.claims.Create(ctx, c)
	if errors.Is(err, domain.ErrAlreadyExists) && idempotencyKey != "" {
		// An attempt of the same request racing this one stored it first.
		if earlier, err := s.stored(ctx, p, body, id); earlier != nil || err != nil {
			return earlier, err
		}
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// requestClaimID is the id of the claim a request with an Idempotency-Key stores on day: the
// caller and the key name it, so every attempt of the request names the same claim.
func requestClaimID(p domain.Principal, key string, day time.Time) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{string(p.Role), p.Subject, p.Division, key}, "\x00")))
	return "SC" + day.In(domain.Shanghai).Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(sum[:6]))
}

// stored returns the claim an earlier attempt of the same request stored under id, or nil when
// there is none. The same key with another body is refused, as API.md refuses it.
func (s *Service) stored(ctx context.Context, p domain.Principal, body domain.ClaimBody, id string) (*domain.Claim, error) {
	c, err := s.claims.Get(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	was, _ := json.Marshal(c.Body)
	now, _ := json.Marshal(body)
	if c.SubmittedBy != domain.ActorOf(p) || !bytes.Equal(was, now) {
		return nil, domain.ErrIdempotencyKeyReused
	}
	return c, nil
}

// Get returns a claim to its claimant, its submitter and the reviewers over its district.
func (s *Service) Get(ctx context.Context, p domain.Principal, id string) (*domain.Claim, error) {
	c, err := s.claims.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(ctx, s.authz, p, "claim.read", resourceOf(&c.Body)); err != nil {
		return nil, domain.Hidden(err)
	}
	return c, nil
}

// Queue lists the claims of a status (a review stage's queue), by district then oldest
// submission, keeping those the caller may read (claim.read per item). An officer's division
// narrows the index to its districts: a county code to itself, 32xx00 to 32xx, 320000 to 32.
func (s *Service) Queue(ctx context.Context, p domain.Principal, status domain.ClaimStatus, cursor string, limit int) ([]*domain.Claim, string, error) {
	q := domain.Query{Index: 3, Partition: "claim_status#" + string(status), Cursor: cursor, Limit: limit}
	reviewer := p.Role == domain.RoleDistrictReviewer || p.Role == domain.RoleCityOfficer || p.Role == domain.RoleProvinceOfficer
	if d := p.Division; reviewer && len(d) == 6 {
		switch {
		case strings.HasSuffix(d, "0000"):
			q.Prefix = d[:2]
		case strings.HasSuffix(d, "00"):
			q.Prefix = d[:4]
		default:
			q.Prefix = d + "#"
		}
	}
	recs, next, err := s.claims.Query(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out := make([]*domain.Claim, 0, len(recs))
	for _, c := range recs {
		d, err := s.authz.Authorize(ctx, domain.AuthzRequest{Principal: p, Action: "claim.read", Resource: resourceOf(&c.Body)})
		if err != nil {
			return nil, "", err
		}
		if d.Allow {
			out = append(out, c)
		}
	}
	return out, next, nil
}

// Resubmit replaces a returned claim and sends it back to the stage that returned it.
func (s *Service) Resubmit(ctx context.Context, p domain.Principal, id string, body domain.ClaimBody, ifMatch int64) (*domain.Claim, error) {
	cur, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if body.Programme != cur.Body.Programme || body.Claimant.USCC != cur.Body.Claimant.USCC {
		return nil, domain.Invalid(domain.FieldError{Field: "/claimant/uscc", Code: "immutable", Message: domain.Text{
			ZH: "申请主体和资助项目不可变更", EN: "the claimant and the programme of a claim cannot change"}})
	}
	if err := domain.Authorize(ctx, s.authz, p, "claim.submit", resourceOf(&body)); err != nil {
		return nil, domain.Hidden(err)
	}
	d, err := s.decide(ctx, &body, id, "submission")
	if err != nil {
		return nil, err
	}
	if !d.Eligible {
		return nil, refused(d)
	}
	return s.claims.Update(ctx, id, func(c *domain.Claim) error {
		if ifMatch != 0 && c.Version != ifMatch {
			return domain.ErrVersionConflict
		}
		if err := c.Resubmit(body, domain.ActorOf(p), s.clock.Now()); err != nil {
			return err
		}
		c.Decide(d)
		return nil
	})
}

// ReviewInput is a reviewer's decision at a stage (API.md).
type ReviewInput struct {
	Stage   string `json:"stage" validate:"required,oneof=district city notice allocation"`
	Outcome string `json:"outcome" validate:"required,oneof=pass return reject"`
	Comment string `json:"comment" validate:"max=2000,no_control"`
}

// CheckFields: returning or rejecting a claim needs a reason the claimant can act on.
func (in *ReviewInput) CheckFields() []domain.FieldError {
	if in.Outcome != "pass" && strings.TrimSpace(in.Comment) == "" {
		return []domain.FieldError{{Field: "/comment", Code: "required", Message: domain.Text{
			ZH: "退回或不予支持须说明理由", EN: "is required to return or reject a claim"}}}
	}
	return nil
}

var reviewAction = map[string]string{
	domain.StageDistrict: "claim.review_district", domain.StageCity: "claim.review_city",
	domain.StageNotice: "claim.review_notice", domain.StageAllocation: "claim.allocate",
}

// Review takes a stage's decision. A pass decides eligibility again: a claim no longer
// eligible cannot pass. The allocation pass charges the cap ledgers, which may reduce the
// amount to what remains under a cap, or refuse when nothing does.
func (s *Service) Review(ctx context.Context, p domain.Principal, id string, in ReviewInput) (*domain.Claim, error) {
	c, err := s.claims.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(ctx, s.authz, p, reviewAction[in.Stage], resourceOf(&c.Body)); err != nil {
		// Reviewers of a stage see the claim; anyone else is told nothing about it.
		if _, readErr := s.Get(ctx, p, id); readErr != nil {
			return nil, readErr
		}
		return nil, err
	}
	if domain.StageOf(c.Status) != in.Stage {
		if in.Stage == domain.StageAllocation {
			// A retried allocation decision heals what its first attempt could not finish.
			if err := s.releaseUnallocated(ctx, c); err != nil {
				return nil, err
			}
		}
		return nil, domain.ErrClaimTransition(in.Outcome+" "+in.Stage, c.Status)
	}
	now, by := s.clock.Now(), domain.ActorOf(p)
	if in.Outcome != "pass" {
		decided, err := s.claims.Update(ctx, id, func(c *domain.Claim) error {
			if in.Outcome == "return" {
				return c.Return(in.Stage, by, now, in.Comment)
			}
			return c.Reject(in.Stage, by, now, in.Comment)
		})
		if err == nil && in.Stage == domain.StageAllocation {
			// A pass racing this decision may have charged the ledgers first. Released only
			// once the claim has left the stage (a release before could strip the racing pass
			// that won); a charge landing after it is released by the pass that made it, and a
			// crash in between by the retry (above).
			err = s.releaseUnallocated(ctx, decided)
		}
		if err != nil {
			return nil, err
		}
		return decided, nil
	}
	if in.Stage == domain.StageNotice && now.Before(c.NoticeUntil) {
		return nil, &domain.Error{Code: domain.CodeConflict, Message: domain.Text{
			ZH: "公示期尚未结束（至 " + c.NoticeUntil.Format("2006-01-02 15:04") + "）",
			EN: "The public notice period has not ended; it ends at " + c.NoticeUntil.Format(time.RFC3339) + "."}}
	}
	d, err := s.decide(ctx, &c.Body, id, in.Stage)
	if err != nil {
		return nil, err
	}
	if !d.Eligible {
		// Record why it could not pass, then refuse.
		if _, err := s.claims.Update(ctx, id, func(c *domain.Claim) error { c.Decide(d); return nil }); err != nil {
			return nil, err
		}
		return nil, refused(d)
	}
	amount, city, district := d.AmountFen, d.CityShareFen, d.DistrictShareFen
	if in.Stage == domain.StageAllocation {
		grant, err := s.ledgers.Charge(ctx, id, d.AmountFen, perClaim(d.LedgerCaps, id))
		if err != nil {
			return nil, err
		}
		if grant.GrantedFen == 0 {
			return nil, &domain.Error{Code: domain.CodeRuleRefused, Message: domain.Text{
				ZH: "已达资助上限，无可分配额度", EN: "The cap is reached: nothing remains to allocate."}}
		}
		if grant.GrantedFen < d.AmountFen {
			// A claim allocated at the same moment took part of the room the decision saw.
			d.Reasons = append(d.Reasons, reducedAtAllocation(d.AmountFen, grant, d.LedgerCaps))
		}
		amount = grant.GrantedFen
		city, district = split(grant.GrantedFen, d.CityShareFen, d.DistrictShareFen)
		d.AmountFen, d.CityShareFen, d.DistrictShareFen = amount, city, district
	}
	passed, err := s.claims.Update(ctx, id, func(c *domain.Claim) error {
		if err := c.Pass(in.Stage, by, now, in.Comment, NoticeDays, amount, city, district); err != nil {
			return err
		}
		c.Decide(d)
		return nil
	})
	if err != nil && in.Stage == domain.StageAllocation {
		// The claim may have been returned or rejected while this pass charged the ledgers.
		if cur, getErr := s.claims.Get(ctx, id); getErr == nil {
			if relErr := s.releaseUnallocated(ctx, cur); relErr != nil {
				return nil, errors.Join(err, relErr)
			}
		}
	}
	return passed, err
}

// releaseUnallocated releases a claim that has left the allocation stage without being
// allocated from the cap ledgers: only allocated claims hold room (DOMAIN.md §4), so a rejected
// claim never takes room from the claimant's next one. Idempotent; nothing to do for a claim
// still at the allocation stage, allocated, or never decided.
func (s *Service) releaseUnallocated(ctx context.Context, c *domain.Claim) error {
	if c.Decision == nil || c.Status == domain.ClaimAllocated || domain.StageOf(c.Status) == domain.StageAllocation {
		return nil
	}
	return s.ledgers.Release(ctx, c.ID, perClaim(c.Decision.LedgerCaps, c.ID))
}

// reducedAtAllocation explains a grant the ledgers reduced, naming the cap that did.
func reducedAtAllocation(decided int64, g caps.Grant, ledgerCaps []domain.Cap) domain.SubsidyReason {
	r := domain.SubsidyReason{Code: domain.ReasonReducedToCapRemaining}
	for _, c := range g.Caps {
		if c.GrantedFen == g.GrantedFen && c.LimitFen > 0 && c.BeforeFen+c.GrantedFen >= c.LimitFen {
			r.Item = c.Cap
			break
		}
	}
	for _, c := range ledgerCaps {
		if c.ID == r.Item {
			r.Basis = c.Basis
		}
	}
	r.MessageZH = fmt.Sprintf("分配时同一上限下已有其他申请获批，本申请由 %d 分减至剩余额度 %d 分", decided, g.GrantedFen)
	r.MessageEN = fmt.Sprintf("Other claims under the same cap were allocated first: reduced from %d fen to the %d fen that remained.", decided, g.GrantedFen)
	return r
}

// perClaim makes a cap counted "once" admit one claim: the ledger tells claims apart by the
// value each adds, so the value of a once-only cap is the claim itself.
func perClaim(caps []domain.Cap, claimID string) []domain.Cap {
	out := make([]domain.Cap, len(caps))
	for i, c := range caps {
		if c.Distinct == "once" {
			c.Distinct = claimID
		}
		out[i] = c
	}
	return out
}

// split divides a granted amount in the proportion the decision gave its shares; the odd fen
// goes to the city, as in the policy.
func split(granted, city, district int64) (int64, int64) {
	if city+district == 0 {
		return granted, 0
	}
	d := granted * district / (city + district)
	return granted - d, d
}

// RecoveryInput is a clawback of an allocated claim (seed 003 第十条, 第十六条).
type RecoveryInput struct {
	Kind      string `json:"kind" validate:"required,oneof=early_surrender fraud other"`
	AmountFen *int64 `json:"amount_fen" validate:"required,min=1"`
	Reason    string `json:"reason" validate:"required,max=2000,no_control"`
}

// Recover claws back an allocated claim: the ledgers release it, and an early surrender or a
// fraud disqualifies the claimant from later claims.
func (s *Service) Recover(ctx context.Context, p domain.Principal, id string, in RecoveryInput) (*domain.Claim, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(ctx, s.authz, p, "claim.recover", resourceOf(&c.Body)); err != nil {
		return nil, err
	}
	if c.Status != domain.ClaimAllocated && c.Status != domain.ClaimRecovered {
		return nil, domain.ErrClaimTransition("recover", c.Status)
	}
	if *in.AmountFen > c.AllocatedFen {
		return nil, domain.Invalid(domain.FieldError{Field: "/amount_fen", Code: "lte", Message: domain.Text{
			ZH: "追回金额不能超过已拨付金额", EN: fmt.Sprintf("cannot exceed the %d fen allocated", c.AllocatedFen)}})
	}
	now, by := s.clock.Now(), domain.ActorOf(p)
	disqualify := in.Kind != "other"
	if disqualify {
		err := s.disqualification.Create(ctx, &domain.Disqualification{Entity: c.Body.Claimant.USCC, ClaimID: id, Reason: in.Reason, By: by, At: now})
		if err != nil && !errors.Is(err, domain.ErrAlreadyExists) {
			return nil, err
		}
	}
	if c.Decision != nil {
		if err := s.ledgers.Release(ctx, id, perClaim(c.Decision.LedgerCaps, id)); err != nil {
			return nil, err
		}
	}
	return s.claims.Update(ctx, id, func(c *domain.Claim) error {
		if c.Status == domain.ClaimRecovered {
			return nil // a retry after the first attempt landed
		}
		return c.Recover(domain.Recovery{AmountFen: *in.AmountFen, Reason: in.Reason, Kind: in.Kind, By: by, At: now, FalseCommitment: disqualify})
	})
}

// PutCredit records or updates a credit record (PUT /v1/credit-records/{id}).
func (s *Service) PutCredit(ctx context.Context, p domain.Principal, id string, body domain.CreditRecordBody) (*domain.CreditRecord, bool, error) {
	if err := domain.Authorize(ctx, s.authz, p, "credit.write", domain.Resource{Kind: "credit_record"}); err != nil {
		return nil, false, err
	}
	now, by := s.clock.Now(), domain.ActorOf(p)
	r := &domain.CreditRecord{}
	r.Set(id, body, by, now)
	err := s.credit.Create(ctx, r)
	if err == nil {
		return r, true, nil
	}
	if !errors.Is(err, domain.ErrAlreadyExists) {
		return nil, false, err
	}
	r, err = s.credit.Update(ctx, id, func(r *domain.CreditRecord) error {
		if r.Entity != body.Entity {
			return domain.Invalid(domain.FieldError{Field: "/entity", Code: "immutable", Message: domain.Text{
				ZH: "信用记录所属主体不可变更", EN: "a credit record cannot move to another entity"}})
		}
		r.Set(id, body, by, now)
		return nil
	})
	return r, false, err
}

// PublicNotice is a claim in its notice stage as the public sees it (seed 003 第十一条(四)).
type PublicNotice struct {
	ClaimID     string    `json:"claim_id"`
	Claimant    string    `json:"claimant"`
	Programme   string    `json:"programme"`
	AmountFen   int64     `json:"amount_fen"`
	NoticeFrom  time.Time `json:"notice_from"`
	NoticeUntil time.Time `json:"notice_until"`
}

// Notices lists the claims in public notice; no credential, no personal data.
func (s *Service) Notices(ctx context.Context, cursor string, limit int) ([]PublicNotice, string, error) {
	cs, next, err := s.claims.Query(ctx, domain.Query{Index: 3, Partition: "claim_status#" + string(domain.ClaimPublicNotice), Cursor: cursor, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]PublicNotice, 0, len(cs))
	for _, c := range cs {
		amount := int64(0)
		if c.Decision != nil {
			amount = c.Decision.AmountFen
		}
		out = append(out, PublicNotice{ClaimID: c.ID, Claimant: c.Body.Claimant.Name, Programme: c.Body.Programme,
			AmountFen: amount, NoticeFrom: c.NoticeFrom, NoticeUntil: c.NoticeUntil})
	}
	return out, next, nil
}
