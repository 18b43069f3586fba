package domain

import "time"

// The cluster policy (policies/cluster) makes two decisions on provincial IP service industry
// cluster zones (seed 001 §四; DOMAIN.md §5): the screening of an application when the county
// submits it (query data.cluster.screening, ScreeningFacts → ScreeningDecision) and the
// consequence of the final assessment (query data.cluster.assessment, AssessmentFacts →
// AssessmentDecision). The JSON of these types is the policy's contract; every threshold,
// list, period and wording is policies/cluster/data.json.

// Codes of the screening's failures (ScreeningFailure.Code). Each failed condition is its own
// failure; Field is a JSON pointer into the application.
const (
	// ScreeningMalformed: a field the decision needs is missing or malformed (/year,
	// /submitted_at, /other_applications_this_round). The screening fails closed.
	ScreeningMalformed = "malformed"
	// ScreeningNoParametersInForce: no parameter set was in force on the submission's date.
	ScreeningNoParametersInForce = "no_parameters_in_force"
	// ScreeningNotCountyLevel: the applicant is not a Jiangsu county-level division (32xxxx,
	// not 32xx00 nor 320000), field /county_code (§四(一)).
	ScreeningNotCountyLevel = "not_county_level"
	// ScreeningTooFewAgencies: fewer than 15 agencies (distinct USCCs), field /agencies (§四(二)3).
	ScreeningTooFewAgencies = "too_few_agencies"
	// ScreeningCoverageMissing: one IP type not covered for one service kind, field
	// /coverage/<type>; one failure per missing cell of the 6 × 6 (§四(二)3).
	ScreeningCoverageMissing = "coverage_missing"
	// ScreeningTooFewStaff: the management body has fewer than 2 dedicated staff, field
	// /management_body/staff_count (§四(二)1 and the guide's 建立工作机制).
	ScreeningTooFewStaff = "too_few_staff"
	// ScreeningNoDevelopmentPlan: no development plan and policies, field /has_development_plan (§四(二)1).
	ScreeningNoDevelopmentPlan = "no_development_plan"
	// ScreeningNoSpecialFund: no special fund (0 fen a year), field /special_fund_fen_per_year (§四(二)1).
	ScreeningNoSpecialFund = "no_special_fund"
	// ScreeningDocumentMissing: a required document is not uploaded, field /documents/<kind> (§四(三)).
	ScreeningDocumentMissing = "document_missing"
	// ScreeningDuplicateApplication: the county already has a live application this round,
	// field /year (§四(三) 每年申报一次).
	ScreeningDuplicateApplication = "duplicate_application"
	// ScreeningRoundClosed: submitted at or after the round's cutoff (1 July 00:00 +08:00),
	// field /submitted_at; the message names the cutoff and the next round's (§四(三)).
	ScreeningRoundClosed = "round_closed"
)

// ScreeningFacts is the screening's input: the application as submitted and what the service
// read for it.
type ScreeningFacts struct {
	CountyCode string `json:"county_code"`
	// Year is the round applied for.
	Year int `json:"year"`
	// SubmittedAt is the submission instant, judged against the round's cutoff.
	SubmittedAt           time.Time      `json:"submitted_at"`
	ManagementBody        ManagementBody `json:"management_body"`
	HasDevelopmentPlan    bool           `json:"has_development_plan"`
	SpecialFundFenPerYear int64          `json:"special_fund_fen_per_year"`
	Industry              string         `json:"industry"`
	Agencies              []ZoneAgency   `json:"agencies"`
	// Coverage maps each IP type to the service kinds covered for it.
	Coverage map[string][]string `json:"coverage"`
	// Documents are the kinds uploaded so far. The recommendation_letter is the prefecture's,
	// uploaded when it recommends, and is not required at submission.
	Documents []string `json:"documents"`
	// OtherApplicationsThisRound are the ids of the county's other applications of the same
	// year that are neither drafts nor withdrawn: one application per county per round.
	OtherApplicationsThisRound []string `json:"other_applications_this_round"`
}

// ScreeningDecision is the screening's answer.
type ScreeningDecision struct {
	// Passed is true exactly when Failures is empty.
	Passed bool `json:"passed"`
	// Failures are every failed condition in a stable order; empty, never null, when passed.
	Failures []ScreeningFailure `json:"failures"`
	// Round is the application year's round; nil when the year or the submission instant is
	// malformed (then a ScreeningMalformed failure says so).
	Round *ScreeningRound `json:"round"`
	// NextRoundCutoff is the cutoff of the first round after Round still open at the
	// submission (2028-07-01T00:00:00+08:00 for a 2027 application); nil with Round.
	NextRoundCutoff *time.Time `json:"next_round_cutoff"`
}

// ScreeningFailure is one failed condition.
type ScreeningFailure struct {
	Code string `json:"code"`
	// Field is a JSON pointer into the application: /agencies, /coverage/plant_variety,
	// /management_body/staff_count, /documents/work_plan, ...
	Field     string `json:"field"`
	Basis     string `json:"basis"`
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
}

// ScreeningRound is the round an application was screened in.
type ScreeningRound struct {
	Year int `json:"year"`
	// Cutoff is the first instant after the round: 1 July 00:00 +08:00 of Year.
	Cutoff time.Time `json:"cutoff"`
	// Closed: the submission came at or after the cutoff.
	Closed bool `json:"closed"`
}

// Failure returns the first failure with the code, and whether there is one.
func (d ScreeningDecision) Failure(code string) (ScreeningFailure, bool) {
	for _, f := range d.Failures {
		if f.Code == code {
			return f, true
		}
	}
	return ScreeningFailure{}, false
}

// Outcomes of the final assessment (AssessmentFacts.Outcome; seed 001 §四(六)2 优秀、合格、不合格).
const (
	AssessmentOutcomeExcellent = "excellent"
	AssessmentOutcomePass      = "pass"
	AssessmentOutcomeFail      = "fail"
)

// Statuses of an assessment decision (AssessmentDecision.Status).
const (
	// AssessmentStatusExcellent: recommended first for the national pilot; keeps the title.
	AssessmentStatusExcellent = "excellent"
	// AssessmentStatusPassed: keeps the title.
	AssessmentStatusPassed = "passed"
	// AssessmentStatusRectification: a first fail; rectify by RectifyBy, then be reassessed.
	// The title stands meanwhile (KeepsTitle is true).
	AssessmentStatusRectification = "rectification"
	// AssessmentStatusRevoked: failed again after a previous fail; the title is revoked.
	AssessmentStatusRevoked = "revoked"
	// AssessmentStatusInvalid: the facts were malformed; nothing is decided and the caller
	// must refuse (the policy fails closed).
	AssessmentStatusInvalid = "invalid"
)

// AssessmentFacts is the assessment decision's input.
type AssessmentFacts struct {
	// Outcome is one of AssessmentOutcomeExcellent, AssessmentOutcomePass, AssessmentOutcomeFail.
	Outcome string `json:"outcome"`
	// PreviousFails is how many assessments of the zone failed before this one.
	PreviousFails int `json:"previous_fails"`
	// AssessedAt is when the assessment was made; the rectification period runs from its
	// Shanghai date.
	AssessedAt time.Time `json:"assessed_at"`
}

// AssessmentDecision is the assessment decision's answer.
type AssessmentDecision struct {
	// Status is one of the AssessmentStatus constants.
	Status string `json:"status"`
	// RectifyBy is the first instant after the rectification period (RFC 3339, +08:00:
	// 00:00 of the day after its last day), "" unless Status is rectification.
	RectifyBy              string `json:"rectify_by"`
	RecommendNationalPilot bool   `json:"recommend_national_pilot"`
	// KeepsTitle is false only when revoked (and when invalid, which decides nothing).
	KeepsTitle bool   `json:"keeps_title"`
	Basis      string `json:"basis"`
	MessageZH  string `json:"message_zh"`
	MessageEN  string `json:"message_en"`
}

// RectifyByTime is RectifyBy as a time; false when there is none (or it does not parse).
func (d AssessmentDecision) RectifyByTime() (time.Time, bool) {
	if d.RectifyBy == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, d.RectifyBy)
	return t, err == nil
}
