package domain

import (
	"fmt"
	"slices"
	"time"
)

// IP types and service kinds a zone's services must cover (seed 001 §四(二)).
var (
	ClusterIPTypes     = []string{"patent", "trademark", "copyright", "geographical_indication", "plant_variety", "ic_layout"}
	ClusterServiceKind = []string{"info_consulting", "rights_protection", "agency", "valuation", "legal", "commercial"}
)

// Document kinds of an application (seed 001 §四(三)); the recommendation letter is the
// prefecture's.
var ClusterDocumentKinds = []string{"recommendation_letter", "application_form", "work_plan", "authenticity_commitment", "supporting_materials"}

// ManagementBody is the zone's IP management body.
type ManagementBody struct {
	Name       string `json:"name" validate:"max=200,no_control"`
	StaffCount int    `json:"staff_count" validate:"min=0,max=10000"`
}

// ZoneAgency is an IP service agency in the zone.
type ZoneAgency struct {
	USCC         string   `json:"uscc" validate:"required,uscc"`
	Name         string   `json:"name" validate:"required,max=200,no_control"`
	ServiceTypes []string `json:"service_types" validate:"max=10,unique,dive,oneof=patent_agency trademark_agency copyright information_search legal_services valuation operation_transaction finance_services consulting_training data_ip"`
}

// ClusterApplicationBody is the long form a county fills in, saved as a draft until submitted:
// every field may still be empty in a draft; screening at submission names what is missing.
type ClusterApplicationBody struct {
	Year                  int                 `json:"year" validate:"required,min=2020,max=2100"`
	CountyCode            string              `json:"county_code" validate:"required,division"`
	ZoneName              string              `json:"zone_name" validate:"max=200,no_control"`
	ManagementBody        ManagementBody      `json:"management_body"`
	HasDevelopmentPlan    bool                `json:"has_development_plan"`
	SpecialFundFenPerYear int64               `json:"special_fund_fen_per_year" validate:"min=0,max=100000000000000"`
	Industry              string              `json:"industry" validate:"max=500,no_control"`
	Agencies              []ZoneAgency        `json:"agencies" validate:"max=1000,unique=USCC,dive"`
	Coverage              map[string][]string `json:"coverage" validate:"max=6,dive,keys,oneof=patent trademark copyright geographical_indication plant_variety ic_layout,endkeys,max=6,unique,dive,oneof=info_consulting rights_protection agency valuation legal commercial"`
}

// ClusterStatus is where an application stands (API.md "Application status").
type ClusterStatus string

const (
	ClusterDraft       ClusterStatus = "draft"
	ClusterSubmitted   ClusterStatus = "submitted" // with the prefecture; screening passed
	ClusterRecommended ClusterStatus = "recommended"
	ClusterReturned    ClusterStatus = "returned"
	ClusterUnderReview ClusterStatus = "under_review"
	ClusterMissedRound ClusterStatus = "missed_round"
	ClusterDesignated  ClusterStatus = "designated"
	ClusterNotSelected ClusterStatus = "not_selected"
)

// StoredDocument is an uploaded file as the application refers to it.
type StoredDocument struct {
	Key        string    `json:"-"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	UploadedBy Actor     `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// ExpertScore is one expert's evaluation (seed 001 §四(四)).
type ExpertScore struct {
	Expert  Actor     `json:"expert"`
	Score   int       `json:"score"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
}

// SiteVisit records the provincial site visit.
type SiteVisit struct {
	VisitedOn Date      `json:"visited_on"`
	Findings  string    `json:"findings"`
	By        Actor     `json:"by"`
	At        time.Time `json:"at"`
}

// ClusterEvent is one step of an application's life.
type ClusterEvent struct {
	At      time.Time     `json:"at"`
	Action  string        `json:"action"`
	Actor   Actor         `json:"actor"`
	Status  ClusterStatus `json:"status"`
	Comment string        `json:"comment,omitempty"`
}

// ClusterApplication is a county's application for one round, with its review.
type ClusterApplication struct {
	ID        string                     `json:"id"`
	Body      ClusterApplicationBody     `json:"application"`
	Status    ClusterStatus              `json:"status"`
	Documents map[string]*StoredDocument `json:"documents"`
	Screening *ScreeningDecision         `json:"screening,omitempty"`
	// ScreeningInput and ScreeningPolicy are what the screening was decided on, for replay.
	ScreeningInput  *ScreeningFacts `json:"screening_input,omitempty"`
	ScreeningPolicy string          `json:"screening_policy_version,omitempty"`
	SubmittedAt     time.Time       `json:"submitted_at,omitzero"`
	Opinion         string          `json:"prefecture_opinion,omitempty"`
	Scores          []ExpertScore   `json:"expert_scores"`
	SiteVisit       *SiteVisit      `json:"site_visit,omitempty"`
	DecidedAt       time.Time       `json:"decided_at,omitzero"`
	// RoundClosedBy names the deadline run that sorted the application at the cutoff.
	RoundClosedBy string         `json:"round_closed_by,omitempty"`
	CreatedBy     Actor          `json:"created_by"`
	History       []ClusterEvent `json:"history"`
	Version       int64          `json:"version"`
}

// ClusterApplicationCollection holds the applications by id.
const ClusterApplicationCollection = "cluster_applications"

func (a *ClusterApplication) RecordKey() string        { return a.ID }
func (a *ClusterApplication) RecordVersion() int64     { return a.Version }
func (a *ClusterApplication) SetRecordVersion(v int64) { a.Version = v }

// RecordIndex: 1 a county's applications by year, 2 a round's applications by status (the
// 30 June run and the provincial queue), 3 a prefecture's queue by status.
func (a *ClusterApplication) RecordIndex() [NumIndexes]IndexKey {
	return [NumIndexes]IndexKey{
		{Partition: "county#" + a.Body.CountyCode, Sort: fmt.Sprintf("%04d#%s", a.Body.Year, a.ID)},
		{Partition: fmt.Sprintf("round#%04d", a.Body.Year), Sort: string(a.Status) + "#" + a.ID},
		{Partition: "prefecture#" + a.Prefecture() + "#" + string(a.Status), Sort: a.ID},
	}
}

// Prefecture is the prefecture (32xx00) of the applicant county.
func (a *ClusterApplication) Prefecture() string {
	if len(a.Body.CountyCode) != 6 {
		return ""
	}
	return a.Body.CountyCode[:4] + "00"
}

// Open tells whether the application is still in the round: the cutoff sorts these.
func (a *ClusterApplication) Open() bool {
	return slices.Contains([]ClusterStatus{ClusterDraft, ClusterSubmitted, ClusterRecommended, ClusterReturned}, a.Status)
}

func (a *ClusterApplication) record(action string, by Actor, at time.Time, comment string) {
	a.History = append(a.History, ClusterEvent{At: at, Action: action, Actor: by, Status: a.Status, Comment: comment})
}

// ErrClusterTransition is the conflict of an action the application's status does not allow.
func ErrClusterTransition(action string, s ClusterStatus) *Error {
	return &Error{Code: CodeConflict, Message: Text{
		ZH: fmt.Sprintf("申报当前状态（%s）不允许此操作", s),
		EN: fmt.Sprintf("This cannot be done while the application is %s.", s)}}
}

func (a *ClusterApplication) must(action string, allowed ...ClusterStatus) error {
	if !slices.Contains(allowed, a.Status) {
		return ErrClusterTransition(action, a.Status)
	}
	return nil
}

// Create starts a draft.
func (a *ClusterApplication) Create(id string, b ClusterApplicationBody, by Actor, at time.Time) {
	a.ID, a.Body, a.Status, a.CreatedBy, a.Documents, a.Scores = id, b, ClusterDraft, by, map[string]*StoredDocument{}, []ExpertScore{}
	a.record("create", by, at, "")
}

// Edit replaces the form while it is a draft or returned.
func (a *ClusterApplication) Edit(b ClusterApplicationBody, by Actor, at time.Time) error {
	if err := a.must("edit", ClusterDraft, ClusterReturned); err != nil {
		return err
	}
	a.Body = b
	a.record("edit", by, at, "")
	return nil
}

// Attach records an uploaded document. The county uploads its four while the form is
// editable; the prefecture uploads its letter while the application is with it.
func (a *ClusterApplication) Attach(kind string, d *StoredDocument) error {
	allowed := []ClusterStatus{ClusterDraft, ClusterReturned}
	if kind == "recommendation_letter" {
		allowed = []ClusterStatus{ClusterSubmitted}
	}
	if err := a.must("upload "+kind, allowed...); err != nil {
		return err
	}
	a.Documents[kind] = d
	a.record("upload:"+kind, d.UploadedBy, d.UploadedAt, "")
	return nil
}

// Submit sends the application to the prefecture after screening passed.
func (a *ClusterApplication) Submit(s ScreeningDecision, by Actor, at time.Time) error {
	if err := a.must("submit", ClusterDraft, ClusterReturned); err != nil {
		return err
	}
	a.Screening, a.Status, a.SubmittedAt = &s, ClusterSubmitted, at
	a.record("submit", by, at, "")
	return nil
}

// Recommend is the prefecture's decision: recommend to the province, or return to the county.
func (a *ClusterApplication) Recommend(recommend bool, opinion string, by Actor, at time.Time) error {
	if err := a.must("recommend", ClusterSubmitted); err != nil {
		return err
	}
	if recommend && a.Documents["recommendation_letter"] == nil {
		return Invalid(FieldError{Field: "/documents/recommendation_letter", Code: "required", Message: Text{
			ZH: "推荐前须上传设区市知识产权局推荐函", EN: "upload the prefecture's recommendation letter before recommending"}})
	}
	a.Opinion = opinion
	if recommend {
		a.Status = ClusterRecommended
		a.record("recommend", by, at, opinion)
	} else {
		a.Status = ClusterReturned
		a.record("return", by, at, opinion)
	}
	return nil
}

// CloseRound sorts the application at the 30 June cutoff: recommended ones go to provincial
// review as the round's batch, every other open one misses the round.
func (a *ClusterApplication) CloseRound(runID string, by Actor, at time.Time) bool {
	if !a.Open() {
		return false
	}
	if a.Status == ClusterRecommended {
		a.Status = ClusterUnderReview
	} else {
		a.Status = ClusterMissedRound
	}
	a.RoundClosedBy = runID
	a.record("close_round", by, at, "")
	return true
}

// Score records an expert's score; an expert scores once.
func (a *ClusterApplication) Score(s ExpertScore) error {
	if err := a.must("score", ClusterUnderReview); err != nil {
		return err
	}
	if slices.ContainsFunc(a.Scores, func(x ExpertScore) bool { return x.Expert.Subject == s.Expert.Subject }) {
		return &Error{Code: CodeConflict, Message: Text{ZH: "该专家已评分", EN: "This expert has already scored the application."}}
	}
	a.Scores = append(a.Scores, s)
	a.record("score", s.Expert, s.At, "")
	return nil
}

// Visit records the site visit.
func (a *ClusterApplication) Visit(v SiteVisit) error {
	if err := a.must("site_visit", ClusterUnderReview); err != nil {
		return err
	}
	a.SiteVisit = &v
	a.record("site_visit", v.By, v.At, v.Findings)
	return nil
}

// Decide designates the zone or not; designation needs the scores and the site visit.
func (a *ClusterApplication) Decide(designate bool, by Actor, at time.Time, comment string) error {
	if err := a.must("decide", ClusterUnderReview); err != nil {
		return err
	}
	if designate && (len(a.Scores) == 0 || a.SiteVisit == nil) {
		return &Error{Code: CodeConflict, Message: Text{
			ZH: "认定前须完成专家评分和实地考察", EN: "Expert scores and a site visit come before a designation."}}
	}
	a.Status, a.DecidedAt = ClusterNotSelected, at
	if designate {
		a.Status = ClusterDesignated
	}
	a.record(map[bool]string{true: "designate", false: "not_selected"}[designate], by, at, comment)
	return nil
}

// Resource names the application for the policy: its county owns it and is its division.
func (b *ClusterApplicationBody) Resource() Resource {
	return Resource{Kind: "cluster_application", Owner: b.CountyCode, Division: b.CountyCode}
}

// VisibleTo is the rule the authorisation policy cannot see, an application's status: experts
// see an application once it is under provincial review (and after the decision); provincial
// officers once the county has submitted it. The county and its prefecture see it from the
// draft on (the county drafts under the prefecture bureau's guidance, seed 001 §四(三)).
func (s ClusterStatus) VisibleTo(role Role) bool {
	switch role {
	case RoleExpert:
		return s == ClusterUnderReview || s == ClusterDesignated || s == ClusterNotSelected
	case RoleProvinceOfficer:
		return s != ClusterDraft
	}
	return true
}
