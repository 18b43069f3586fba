package domain

import (
	"slices"
	"time"
)

// Service types an agency may offer (DOMAIN.md §1, from the service chain of seed 001 §二(一)).
var ServiceTypes = []string{"patent_agency", "trademark_agency", "copyright", "information_search",
	"legal_services", "valuation", "operation_transaction", "finance_services", "consulting_training", "data_ip"}

// OrgForms are the organisation forms a filing may state (decision: the legal forms IP service
// agencies take in China; "other" keeps the list from blocking an unusual one).
var OrgForms = []string{"company", "partnership", "sole_proprietorship", "law_firm", "public_institution",
	"social_organisation", "other"}

// Practitioner is one person working for the agency. The qualification number is personal data:
// it is never shown on the public register.
type Practitioner struct {
	Name            string `json:"name" validate:"required,max=50,no_control"`
	Role            string `json:"role" validate:"required,max=50,no_control"`
	QualificationNo string `json:"qualification_no" validate:"omitempty,max=50,no_control"`
}

// AgencyFiling is what an agency files (备案登记, seed 000 §二(二)1; contents per DOMAIN.md §1).
type AgencyFiling struct {
	USCC                   string         `json:"uscc" validate:"required,uscc"`
	Name                   string         `json:"name" validate:"required,max=200,no_control"`
	OrgForm                string         `json:"org_form" validate:"required,oneof=company partnership sole_proprietorship law_firm public_institution social_organisation other"`
	IsBranch               bool           `json:"is_branch"`
	ParentUSCC             string         `json:"parent_uscc" validate:"omitempty,uscc"`
	ServiceTypes           []string       `json:"service_types" validate:"required,min=1,unique,dive,oneof=patent_agency trademark_agency copyright information_search legal_services valuation operation_transaction finance_services consulting_training data_ip"`
	PatentAgencyLicenseNo  string         `json:"patent_agency_license_no" validate:"omitempty,max=50,no_control"`
	Address                string         `json:"address" validate:"required,max=300,no_control"`
	DistrictCode           string         `json:"district_code" validate:"required,js_county"`
	LegalRepresentative    string         `json:"legal_representative" validate:"required,max=50,no_control"`
	ResponsiblePerson      string         `json:"responsible_person" validate:"required,max=50,no_control"`
	ContactPhone           string         `json:"contact_phone" validate:"required,cn_phone"`
	ContactEmail           string         `json:"contact_email" validate:"required,email,max=254"`
	Practitioners          []Practitioner `json:"practitioners" validate:"required,min=1,max=500,dive"`
	BusinessStartedOn      Date           `json:"business_started_on" validate:"required"`
	TruthfulnessCommitment bool           `json:"truthfulness_commitment" validate:"is_true"`
}

// CheckFields holds the rules that join fields (DOMAIN.md §1): a branch names its parent, a
// patent agency gives its licence.
func (f *AgencyFiling) CheckFields() []FieldError {
	var errs []FieldError
	if f.IsBranch && f.ParentUSCC == "" {
		errs = append(errs, FieldError{Field: "/parent_uscc", Code: "required_if", Message: Text{
			ZH: "分支机构须填写上级机构的统一社会信用代码", EN: "a branch must give its head office's unified social credit code"}})
	}
	if !f.IsBranch && f.ParentUSCC != "" {
		errs = append(errs, FieldError{Field: "/parent_uscc", Code: "excluded_unless", Message: Text{
			ZH: "仅分支机构填写上级机构代码", EN: "only a branch gives a head office code"}})
	}
	if f.ParentUSCC != "" && f.ParentUSCC == f.USCC {
		errs = append(errs, FieldError{Field: "/parent_uscc", Code: "ne", Message: Text{
			ZH: "上级机构不能是本机构", EN: "the head office cannot be the branch itself"}})
	}
	if slices.Contains(f.ServiceTypes, "patent_agency") && f.PatentAgencyLicenseNo == "" {
		errs = append(errs, FieldError{Field: "/patent_agency_license_no", Code: "required_if", Message: Text{
			ZH: "提供专利代理服务须填写专利代理机构执业许可证编号", EN: "required when the service types include patent agency"}})
	}
	return errs
}

// AgencyStatus is the state of an agency's latest submission (API.md "Filing status").
type AgencyStatus string

const (
	AgencySubmitted    AgencyStatus = "submitted"
	AgencyAccepted     AgencyStatus = "accepted"
	AgencyReturned     AgencyStatus = "returned"
	AgencyRejected     AgencyStatus = "rejected"
	AgencyDeregistered AgencyStatus = "deregistered"
)

// ReviewReason explains a return or rejection, optionally pointing at the field to correct.
type ReviewReason struct {
	Field   string `json:"field,omitempty" validate:"omitempty,startswith=/,max=200"`
	Message string `json:"message" validate:"required,max=1000,no_control"`
}

// AgencyEvent is one entry of a filing's history.
type AgencyEvent struct {
	At      time.Time      `json:"at"`
	Action  string         `json:"action"`
	Actor   Actor          `json:"actor"`
	Status  AgencyStatus   `json:"status"`
	Reasons []ReviewReason `json:"reasons,omitempty"`
	Comment string         `json:"comment,omitempty"`
}

// Actor records who acted, by role and id (never a name: logs and histories carry ids only).
type Actor struct {
	Role     Role   `json:"role"`
	Subject  string `json:"subject"`
	Division string `json:"division,omitempty"`
}

func ActorOf(p Principal) Actor { return Actor{Role: p.Role, Subject: p.Subject, Division: p.Division} }

// AgencyCollection holds one Agency per USCC.
const AgencyCollection = "agencies"

// Agencies is the typed store of filings.
func Agencies(s Store) Repo[Agency, *Agency] {
	return Repo[Agency, *Agency]{Store: s, Collection: AgencyCollection}
}

// Agency is an agency's filing record: the latest submission, what the register shows, and
// the history of both.
type Agency struct {
	USCC   string       `json:"uscc"`
	Status AgencyStatus `json:"status"`
	// FilingNo is given at the first acceptance (备案号) and kept through amendments.
	FilingNo string `json:"filing_no,omitempty"`
	// Filing is the latest submission, the one under review or last decided.
	Filing AgencyFiling `json:"filing"`
	// Registered is the accepted content the public register shows; an amendment under review
	// leaves it in place, so the agency stays on the register (API.md).
	Registered     *AgencyFiling  `json:"registered,omitempty"`
	SubmittedAt    time.Time      `json:"submitted_at"`
	AcceptedAt     time.Time      `json:"accepted_at,omitzero"`
	DeregisteredAt time.Time      `json:"deregistered_at,omitzero"`
	ReturnReasons  []ReviewReason `json:"return_reasons,omitempty"`
	History        []AgencyEvent  `json:"history"`
	Version        int64          `json:"version"`
}

func (a *Agency) RecordKey() string        { return a.USCC }
func (a *Agency) RecordVersion() int64     { return a.Version }
func (a *Agency) SetRecordVersion(v int64) { a.Version = v }

// RecordIndex: 1 the register by name, 2 the register by district, 3 officers' queues by status.
func (a *Agency) RecordIndex() [NumIndexes]IndexKey {
	var ix [NumIndexes]IndexKey
	if r := a.Registered; r != nil {
		ix[0] = IndexKey{Partition: "register", Sort: r.Name}
		ix[1] = IndexKey{Partition: "register#" + r.DistrictCode, Sort: r.Name}
	}
	ix[2] = IndexKey{Partition: "status#" + string(a.Status), Sort: a.SubmittedAt.UTC().Format(time.RFC3339Nano)}
	return ix
}

// Division is where the agency is filed: the registered district while on the register (an
// amendment moving it elsewhere is not in force until accepted), else the submission's.
func (a *Agency) Division() string {
	if a.Registered != nil {
		return a.Registered.DistrictCode
	}
	return a.Filing.DistrictCode
}

// OnRegister tells whether the agency has ever been accepted; deregistered agencies stay on the
// public register with that status, so the public can see that a filing ended.
func (a *Agency) OnRegister() bool { return a.Registered != nil }

// Filing actions of the lifecycle.
const (
	ActionFile       = "file"
	ActionAmend      = "amend"
	ActionAccept     = "accept"
	ActionReturn     = "return"
	ActionReject     = "reject"
	ActionDeregister = "deregister"
)

// agencyTransitions is the filing lifecycle (DOMAIN.md §1): which action each status allows.
// Filing again is possible only after a rejection or a deregistration; an amendment may also
// replace a submission still waiting for review.
var agencyTransitions = map[AgencyStatus][]string{
	"":                 {ActionFile},
	AgencySubmitted:    {ActionAmend, ActionAccept, ActionReturn, ActionReject, ActionDeregister},
	AgencyReturned:     {ActionAmend, ActionDeregister},
	AgencyAccepted:     {ActionAmend, ActionDeregister},
	AgencyRejected:     {ActionFile},
	AgencyDeregistered: {ActionFile},
}

// ErrTransition is the conflict of an action the current status does not allow.
func ErrTransition(action string, status AgencyStatus) *Error {
	return &Error{Code: CodeConflict, Message: Text{
		ZH: "当前状态（" + statusZH[status] + "）不允许此操作",
		EN: "This cannot be done while the filing is " + string(status) + ".",
	}}
}

var statusZH = map[AgencyStatus]string{"": "未备案", AgencySubmitted: "待审核", AgencyAccepted: "已备案",
	AgencyReturned: "退回修改", AgencyRejected: "不予备案", AgencyDeregistered: "已注销"}

func (a *Agency) can(action string) error {
	if slices.Contains(agencyTransitions[a.Status], action) {
		// Deregistering needs a filing in force, not just a pending first submission.
		if action == ActionDeregister && !a.OnRegister() {
			return ErrTransition(action, a.Status)
		}
		return nil
	}
	return ErrTransition(action, a.Status)
}

func (a *Agency) record(action string, by Actor, at time.Time, reasons []ReviewReason, comment string) {
	a.History = append(a.History, AgencyEvent{At: at, Action: action, Actor: by, Status: a.Status, Reasons: reasons, Comment: comment})
}

// File submits a first filing, or a new one after a rejection or deregistration.
func (a *Agency) File(f AgencyFiling, by Actor, now time.Time) error {
	if err := a.can(ActionFile); err != nil {
		return err
	}
	if a.Status == AgencyDeregistered {
		// A new filing after deregistration is a new registration with a new number.
		a.Registered, a.FilingNo, a.AcceptedAt, a.DeregisteredAt = nil, "", time.Time{}, time.Time{}
	}
	a.USCC, a.Filing, a.Status, a.SubmittedAt, a.ReturnReasons = f.USCC, f, AgencySubmitted, now, nil
	a.record(ActionFile, by, now, nil, "")
	return nil
}

// Amend replaces the submission (a correction after a return, or a change of an accepted
// filing) and sends it back to review.
func (a *Agency) Amend(f AgencyFiling, by Actor, now time.Time) error {
	if err := a.can(ActionAmend); err != nil {
		return err
	}
	a.Filing, a.Status, a.SubmittedAt, a.ReturnReasons = f, AgencySubmitted, now, nil
	a.record(ActionAmend, by, now, nil, "")
	return nil
}

// Accept puts the submission on the register. filingNo is used only at the first acceptance.
func (a *Agency) Accept(filingNo string, by Actor, now time.Time, comment string) error {
	if err := a.can(ActionAccept); err != nil {
		return err
	}
	if a.FilingNo == "" && filingNo == "" {
		// The caller read the record before it was submitted and brought no number: let it retry.
		return ErrVersionConflict
	}
	accepted := a.Filing
	a.Registered, a.Status = &accepted, AgencyAccepted
	if a.FilingNo == "" {
		a.FilingNo, a.AcceptedAt = filingNo, now
	}
	a.record(ActionAccept, by, now, nil, comment)
	return nil
}

// Return sends the submission back for correction with reasons.
func (a *Agency) Return(reasons []ReviewReason, by Actor, now time.Time, comment string) error {
	if err := a.can(ActionReturn); err != nil {
		return err
	}
	a.Status, a.ReturnReasons = AgencyReturned, reasons
	a.record(ActionReturn, by, now, reasons, comment)
	return nil
}

// Reject refuses the submission for good. A rejected amendment leaves the accepted filing in
// force; a rejected first filing ends that submission.
func (a *Agency) Reject(reasons []ReviewReason, by Actor, now time.Time, comment string) error {
	if err := a.can(ActionReject); err != nil {
		return err
	}
	if a.OnRegister() {
		a.Filing, a.Status = *a.Registered, AgencyAccepted
	} else {
		a.Status = AgencyRejected
	}
	a.record(ActionReject, by, now, reasons, comment)
	return nil
}

// Deregister ends the filing (注销); the agency stays on the register as deregistered.
func (a *Agency) Deregister(reason string, by Actor, now time.Time) error {
	if err := a.can(ActionDeregister); err != nil {
		return err
	}
	a.Status, a.DeregisteredAt = AgencyDeregistered, now
	a.record(ActionDeregister, by, now, nil, reason)
	return nil
}

// PublicAgency is the register's view of an agency (seed 000 §二(二)2): names, roles, status and
// dates, and no phone, e-mail, ID or qualification number.
type PublicAgency struct {
	USCC                string               `json:"uscc"`
	Name                string               `json:"name"`
	FilingNo            string               `json:"filing_no"`
	Status              AgencyStatus         `json:"status"`
	OrgForm             string               `json:"org_form"`
	IsBranch            bool                 `json:"is_branch"`
	ParentUSCC          string               `json:"parent_uscc,omitempty"`
	ServiceTypes        []string             `json:"service_types"`
	Address             string               `json:"address"`
	DistrictCode        string               `json:"district_code"`
	LegalRepresentative string               `json:"legal_representative"`
	ResponsiblePerson   string               `json:"responsible_person"`
	Practitioners       []PublicPractitioner `json:"practitioners"`
	BusinessStartedOn   Date                 `json:"business_started_on"`
	AcceptedAt          time.Time            `json:"accepted_at"`
	DeregisteredAt      time.Time            `json:"deregistered_at,omitzero"`
}

// PublicPractitioner is a practitioner as the public sees one: name and role only.
type PublicPractitioner struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Public is the register entry, or false when the agency has never been accepted.
func (a *Agency) Public() (PublicAgency, bool) {
	r := a.Registered
	if r == nil {
		return PublicAgency{}, false
	}
	status := AgencyAccepted
	if a.Status == AgencyDeregistered {
		status = AgencyDeregistered
	}
	people := make([]PublicPractitioner, len(r.Practitioners))
	for i, p := range r.Practitioners {
		people[i] = PublicPractitioner{Name: p.Name, Role: p.Role}
	}
	return PublicAgency{USCC: a.USCC, Name: r.Name, FilingNo: a.FilingNo, Status: status, OrgForm: r.OrgForm,
		IsBranch: r.IsBranch, ParentUSCC: r.ParentUSCC, ServiceTypes: r.ServiceTypes, Address: r.Address,
		DistrictCode: r.DistrictCode, LegalRepresentative: r.LegalRepresentative, ResponsiblePerson: r.ResponsiblePerson,
		Practitioners: people, BusinessStartedOn: r.BusinessStartedOn, AcceptedAt: a.AcceptedAt, DeregisteredAt: a.DeregisteredAt}, true
}

// Resource names the filing for the authorisation policy: its agency owns it, within the
// district it registered in.
func (a *Agency) Resource() Resource {
	return Resource{Kind: "agency_filing", Owner: a.USCC, Division: a.Division()}
}

// SanctionsResource names the agency's sanctions for the policy: they are the agency's, within
// its district.
func (a *Agency) SanctionsResource() Resource {
	return Resource{Kind: "agency_sanctions", Owner: a.USCC, Division: a.Division()}
}
