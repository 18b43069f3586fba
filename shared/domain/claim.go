package domain

import (
	"fmt"
	"slices"
	"time"
)

// Subsidy programmes of the Suzhou IP finance subsidy measures (seed 003 第三条–第七条).
const (
	ProgrammePledgeReward     = "pledge_reward"
	ProgrammePledgeServiceFee = "pledge_service_fee"
	ProgrammeInsurancePremium = "insurance_premium"
	ProgrammeSecuritisation   = "securitisation"
)

// Claimant is the enterprise or institution a claim is for (seed 003 第二条, 第九条).
type Claimant struct {
	USCC                      string `json:"uscc" validate:"required,uscc"`
	Name                      string `json:"name" validate:"required,max=200,no_control"`
	DistrictCode              string `json:"district_code" validate:"required,js_county"`
	KeyEnterprise             bool   `json:"key_enterprise"`
	FinancePlatformRegistered bool   `json:"finance_platform_registered"`
}

// Fee is one service fee paid for a pledge financing (seed 003 第五条).
type Fee struct {
	Kind      string `json:"kind" validate:"required,oneof=guarantee valuation other"`
	AmountFen *int64 `json:"amount_fen" validate:"required,min=1,max=100000000000"`
	PaidOn    Date   `json:"paid_on" validate:"required"`
	InvoiceNo string `json:"invoice_no" validate:"required,max=64,no_control"`
}

// ClaimEvent is what the claim is for; which fields it needs depends on the programme
// (CheckFields of ClaimBody).
type ClaimEvent struct {
	// pledge_reward (第三条, 第四条)
	LoanFen              *int64   `json:"loan_fen,omitempty" validate:"omitempty,min=1,max=100000000000000"`
	DisbursedOn          Date     `json:"disbursed_on,omitzero"`
	Lender               string   `json:"lender,omitempty" validate:"max=200,no_control"`
	PledgeRegistrationNo string   `json:"pledge_registration_no,omitempty" validate:"max=64,no_control"`
	PledgedIP            []string `json:"pledged_ip,omitempty" validate:"max=100,dive,required,max=64,no_control"`
	// pledge_service_fee (第五条)
	Fees []Fee `json:"fees,omitempty" validate:"max=50,dive"`
	// insurance_premium (第六条)
	PremiumFen *int64 `json:"premium_fen,omitempty" validate:"omitempty,min=1,max=100000000000"`
	PaidOn     Date   `json:"paid_on,omitzero"`
	PolicyNo   string `json:"policy_no,omitempty" validate:"max=64,no_control"`
	// securitisation (第七条): interest, taxes, guarantee and service fees together
	CostsFen  *int64 `json:"costs_fen,omitempty" validate:"omitempty,min=1,max=100000000000000"`
	IssuedOn  Date   `json:"issued_on,omitzero"`
	ProjectID string `json:"project_id,omitempty" validate:"max=64,no_control"`
}

// ClaimAgency is an agency the claim names, and its role in the financing.
type ClaimAgency struct {
	USCC string `json:"uscc" validate:"required,uscc"`
	Role string `json:"role" validate:"required,max=100,no_control"`
}

// Mandate records that the enterprise mandated a financial institution or service agency to
// claim for it (seed 003 第十一条(一)).
type Mandate struct {
	SubmitterUSCC string `json:"submitter_uscc" validate:"required,uscc"`
	Reference     string `json:"reference" validate:"required,max=100,no_control"`
}

// ClaimBody is a claim as submitted (API.md "Subsidy claim").
type ClaimBody struct {
	Programme         string        `json:"programme" validate:"required,oneof=pledge_reward pledge_service_fee insurance_premium securitisation"`
	Claimant          Claimant      `json:"claimant"`
	Event             ClaimEvent    `json:"event"`
	Agencies          []ClaimAgency `json:"agencies" validate:"max=20,dive"`
	OwnershipDisputed bool          `json:"ownership_disputed"`
	// CreditCommitment is the claimant's commitment that the material is true, legal, valid and
	// complete (第十五条); a claim without it is refused as invalid.
	CreditCommitment bool     `json:"credit_commitment" validate:"is_true"`
	Mandate          *Mandate `json:"mandate,omitempty"`
}

// required names a field the programme needs and the body lacks.
func required(field string) FieldError {
	return FieldError{Field: field, Code: "required", Message: Text{ZH: "该资助项目须填写此项", EN: "is required for this programme"}}
}

func excluded(field string) FieldError {
	return FieldError{Field: field, Code: "excluded", Message: Text{ZH: "该资助项目不填写此项", EN: "does not belong to this programme"}}
}

// CheckFields holds the rules the tags cannot say: which event fields each programme needs,
// and that no field of another programme is sent (it would be silently ignored otherwise).
func (b *ClaimBody) CheckFields() []FieldError {
	e := b.Event
	present := map[string]bool{
		"/event/loan_fen": e.LoanFen != nil, "/event/disbursed_on": !e.DisbursedOn.IsZero(), "/event/lender": e.Lender != "",
		"/event/pledge_registration_no": e.PledgeRegistrationNo != "", "/event/pledged_ip": len(e.PledgedIP) > 0,
		"/event/fees":        len(e.Fees) > 0,
		"/event/premium_fen": e.PremiumFen != nil, "/event/paid_on": !e.PaidOn.IsZero(), "/event/policy_no": e.PolicyNo != "",
		"/event/costs_fen": e.CostsFen != nil, "/event/issued_on": !e.IssuedOn.IsZero(), "/event/project_id": e.ProjectID != "",
	}
	needs := map[string][]string{
		ProgrammePledgeReward:     {"/event/loan_fen", "/event/disbursed_on", "/event/lender", "/event/pledge_registration_no", "/event/pledged_ip"},
		ProgrammePledgeServiceFee: {"/event/fees"},
		ProgrammeInsurancePremium: {"/event/premium_fen", "/event/paid_on", "/event/policy_no"},
		ProgrammeSecuritisation:   {"/event/costs_fen", "/event/issued_on", "/event/project_id"},
	}[b.Programme]
	if needs == nil {
		return nil // the programme itself is reported by its tag
	}
	var errs []FieldError
	fields := make([]string, 0, len(present))
	for f := range present {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		switch want := slices.Contains(needs, f); {
		case want && !present[f]:
			errs = append(errs, required(f))
		case !want && present[f]:
			errs = append(errs, excluded(f))
		}
	}
	return errs
}

// EventDate is the date a claim is judged by: the parameters in force on the day of the event
// it claims for (DOMAIN.md §4). For fees it is the last payment.
func (b *ClaimBody) EventDate() Date {
	e := b.Event
	switch b.Programme {
	case ProgrammePledgeReward:
		return e.DisbursedOn
	case ProgrammeInsurancePremium:
		return e.PaidOn
	case ProgrammeSecuritisation:
		return e.IssuedOn
	}
	var last Date
	for _, f := range e.Fees {
		if f.PaidOn.After(last) {
			last = f.PaidOn
		}
	}
	return last
}

// ClaimStatus is where a claim stands (API.md "Claim status").
type ClaimStatus string

const (
	ClaimSubmitted    ClaimStatus = "submitted" // awaiting the district's initial review
	ClaimCityReview   ClaimStatus = "city_review"
	ClaimPublicNotice ClaimStatus = "public_notice"
	ClaimAllocation   ClaimStatus = "allocation"
	ClaimAllocated    ClaimStatus = "allocated"
	ClaimReturned     ClaimStatus = "returned"
	ClaimRejected     ClaimStatus = "rejected"
	ClaimRecovered    ClaimStatus = "recovered"
)

// Review stages (seed 003 第十一条) and the status a claim has while at each.
const (
	StageDistrict   = "district"
	StageCity       = "city"
	StageNotice     = "notice"
	StageAllocation = "allocation"
)

// StageOf is the review stage a status waits for, or "" when no review is due.
func StageOf(s ClaimStatus) string {
	switch s {
	case ClaimSubmitted:
		return StageDistrict
	case ClaimCityReview:
		return StageCity
	case ClaimPublicNotice:
		return StageNotice
	case ClaimAllocation:
		return StageAllocation
	}
	return ""
}

// statusAt is the status of a claim waiting at stage.
func statusAt(stage string) ClaimStatus {
	switch stage {
	case StageCity:
		return ClaimCityReview
	case StageNotice:
		return ClaimPublicNotice
	case StageAllocation:
		return ClaimAllocation
	}
	return ClaimSubmitted
}

// next is where a pass at stage leads.
var next = map[string]ClaimStatus{
	StageDistrict: ClaimCityReview, StageCity: ClaimPublicNotice, StageNotice: ClaimAllocation, StageAllocation: ClaimAllocated,
}

// ClaimHistoryEntry is one step of a claim's life.
type ClaimHistoryEntry struct {
	At        time.Time   `json:"at"`
	Action    string      `json:"action"` // submit, resubmit, pass, return, reject, reopen, recover
	Stage     string      `json:"stage,omitempty"`
	Actor     Actor       `json:"actor"`
	Status    ClaimStatus `json:"status"`
	Comment   string      `json:"comment,omitempty"`
	AmountFen int64       `json:"amount_fen,omitempty"`
}

// StoredDecision is a policy decision with the exact facts it was decided on, so it can be
// replayed against the policy version it names.
type StoredDecision struct {
	SubsidyDecision
	Stage string       `json:"stage"` // "submission", "district", "city", "notice", "allocation", "evaluation"
	Input SubsidyFacts `json:"input"`
}

// Recovery records the clawback of an allocated claim (seed 003 第十条, 第十六条).
type Recovery struct {
	AmountFen int64     `json:"amount_fen"`
	Reason    string    `json:"reason"`
	Kind      string    `json:"kind"` // early_surrender, fraud, other
	By        Actor     `json:"by"`
	At        time.Time `json:"at"`
	// FalseCommitment marks the claimant's commitment as false: later claims are refused
	// (第十条, 第十五条).
	FalseCommitment bool `json:"false_commitment"`
}

// Claim is a subsidy claim with its decisions and review history.
type Claim struct {
	ID          string          `json:"id"`
	Body        ClaimBody       `json:"claim"`
	SubmittedBy Actor           `json:"submitted_by"`
	Status      ClaimStatus     `json:"status"`
	SubmittedAt time.Time       `json:"submitted_at"`
	ReturnedAt  time.Time       `json:"returned_at,omitzero"`
	ReturnedBy  string          `json:"returned_stage,omitempty"` // the stage a resubmission goes back to
	NoticeFrom  time.Time       `json:"notice_from,omitzero"`
	NoticeUntil time.Time       `json:"notice_until,omitzero"`
	Decision    *StoredDecision `json:"decision"`
	// Decisions holds every decision, oldest first; Decision is the latest.
	Decisions    []StoredDecision    `json:"decisions"`
	AllocatedFen int64               `json:"allocated_fen,omitempty"`
	CityShareFen int64               `json:"city_share_fen,omitempty"`
	DistShareFen int64               `json:"district_share_fen,omitempty"`
	Recovery     *Recovery           `json:"recovery,omitempty"`
	History      []ClaimHistoryEntry `json:"history"`
	Version      int64               `json:"version"`
}

// ClaimCollection holds the claims by id.
const ClaimCollection = "claims"

func (c *Claim) RecordKey() string        { return c.ID }
func (c *Claim) RecordVersion() int64     { return c.Version }
func (c *Claim) SetRecordVersion(v int64) { c.Version = v }

// RecordIndex: 1 a claimant's claims, 2 a submitter's, 3 each status's queue by district.
func (c *Claim) RecordIndex() [NumIndexes]IndexKey {
	at := c.SubmittedAt.UTC().Format(time.RFC3339Nano)
	return [NumIndexes]IndexKey{
		{Partition: "claimant#" + c.Body.Claimant.USCC, Sort: at},
		{Partition: "submitter#" + c.SubmittedBy.Subject, Sort: at},
		{Partition: "claim_status#" + string(c.Status), Sort: c.Body.Claimant.DistrictCode + "#" + at},
	}
}

// Division is the claimant's district, where the district review happens and the district
// share is paid.
func (c *Claim) Division() string { return c.Body.Claimant.DistrictCode }

// ErrClaimTransition is the conflict of an action the claim's status does not allow.
func ErrClaimTransition(action string, s ClaimStatus) *Error {
	return &Error{Code: CodeConflict, Message: Text{
		ZH: fmt.Sprintf("申请当前状态（%s）不允许此操作", s),
		EN: fmt.Sprintf("This cannot be done while the claim is %s.", s)}}
}

func (c *Claim) record(action, stage string, by Actor, at time.Time, comment string, amount int64) {
	c.History = append(c.History, ClaimHistoryEntry{At: at, Action: action, Stage: stage, Actor: by, Status: c.Status, Comment: comment, AmountFen: amount})
}

// Decide records a decision as the latest.
func (c *Claim) Decide(d StoredDecision) {
	c.Decisions = append(c.Decisions, d)
	c.Decision = &c.Decisions[len(c.Decisions)-1]
}

// Submit starts a claim.
func (c *Claim) Submit(id string, body ClaimBody, by Actor, at time.Time) {
	c.ID, c.Body, c.SubmittedBy, c.Status, c.SubmittedAt = id, body, by, ClaimSubmitted, at
	c.record("submit", "", by, at, "", 0)
}

// Resubmit replaces a returned claim's body and sends it back to the stage that returned it.
func (c *Claim) Resubmit(body ClaimBody, by Actor, at time.Time) error {
	if c.Status != ClaimReturned {
		return ErrClaimTransition("resubmit", c.Status)
	}
	c.Body, c.Status = body, statusAt(c.ReturnedBy)
	c.record("resubmit", c.ReturnedBy, by, at, "", 0)
	return nil
}

// Pass moves the claim past stage; at allocation the granted amount and shares are final.
func (c *Claim) Pass(stage string, by Actor, at time.Time, comment string, noticeDays int, amount, city, district int64) error {
	if StageOf(c.Status) != stage {
		return ErrClaimTransition("pass "+stage, c.Status)
	}
	c.Status = next[stage]
	switch stage {
	case StageCity:
		c.NoticeFrom, c.NoticeUntil = at, DateOf(at).Start().AddDate(0, 0, noticeDays+1)
	case StageAllocation:
		c.AllocatedFen, c.CityShareFen, c.DistShareFen = amount, city, district
	}
	c.record("pass", stage, by, at, comment, amount)
	return nil
}

// Return sends the claim back for correction; at the notice stage an objection reopens the
// city review instead (seed 003 第十一条(四); DOMAIN.md §4).
func (c *Claim) Return(stage string, by Actor, at time.Time, comment string) error {
	if StageOf(c.Status) != stage {
		return ErrClaimTransition("return "+stage, c.Status)
	}
	if stage == StageNotice {
		c.Status, c.NoticeFrom, c.NoticeUntil = ClaimCityReview, time.Time{}, time.Time{}
		c.record("reopen", stage, by, at, comment, 0)
		return nil
	}
	c.Status, c.ReturnedAt, c.ReturnedBy = ClaimReturned, at, stage
	c.record("return", stage, by, at, comment, 0)
	return nil
}

// Reject ends the claim.
func (c *Claim) Reject(stage string, by Actor, at time.Time, comment string) error {
	if StageOf(c.Status) != stage {
		return ErrClaimTransition("reject "+stage, c.Status)
	}
	c.Status = ClaimRejected
	c.record("reject", stage, by, at, comment, 0)
	return nil
}

// Recover claws back an allocated claim.
func (c *Claim) Recover(r Recovery) error {
	if c.Status != ClaimAllocated {
		return ErrClaimTransition("recover", c.Status)
	}
	c.Status, c.Recovery = ClaimRecovered, &r
	c.record("recover", "", r.By, r.At, r.Reason, r.AmountFen)
	return nil
}

// Resource names the claim for the authorisation policy: the claimant owns it within its
// district, and a mandated bank is its submitter (seed 003 第十一条(一)).
func (b *ClaimBody) Resource() Resource {
	r := Resource{Kind: "subsidy_claim", Owner: b.Claimant.USCC, Division: b.Claimant.DistrictCode}
	if b.Mandate != nil {
		r.Submitter = b.Mandate.SubmitterUSCC
	}
	return r
}
