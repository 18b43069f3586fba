package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// SubsidyFamily is a family of subsidies a sanction can block and an eligibility query answers
// for (API.md GET /v1/eligibility).
type SubsidyFamily string

const (
	// FamilyIPSubsidy is the IP subsidies of seed 000 §二(二)1 (知识产权资助政策).
	FamilyIPSubsidy SubsidyFamily = "ip_subsidy"
	// FamilySciTechSubsidy is the sci-tech project subsidies of seed 000 §二(二)1 (科技项目资助政策).
	FamilySciTechSubsidy SubsidyFamily = "sci_tech_subsidy"
	// FamilyPatentSubsidy is the patent subsidies of seed 000 §二(二)5 (专利资助).
	FamilyPatentSubsidy SubsidyFamily = "patent_subsidy"
)

// SubsidyFamilies is every family, in the order the API lists them.
var SubsidyFamilies = []SubsidyFamily{FamilyIPSubsidy, FamilySciTechSubsidy, FamilyPatentSubsidy}

// Trigger is what a sanction was decided for: a report not on time, or a violation an officer
// recorded (DOMAIN.md §3; the violation kinds of API.md).
type Trigger string

const (
	TriggerReportNotOnTime            Trigger = "report_not_on_time"
	TriggerSciTechProjectServices     Trigger = "sci_tech_project_services"
	TriggerAbnormalPatentApplications Trigger = "abnormal_patent_applications"
	TriggerPlagiarism                 Trigger = "plagiarism"
	TriggerPoorCredit                 Trigger = "poor_credit"
	TriggerPoorService                Trigger = "poor_service"
	TriggerUnfairCompetition          Trigger = "unfair_competition"
	TriggerRefusedCorrection          Trigger = "refused_correction"
)

// Effect kinds a sanction can have (DOMAIN.md §3).
const (
	EffectSubsidyBlock    = "subsidy_block"    // the entities may not receive the Families that year
	EffectPublicCriticism = "public_criticism" // 通报批评
	EffectInterview       = "interview"        // 约谈 the person in charge
	EffectBlacklist       = "blacklist"        // 黑名单
	EffectTransfer        = "transfer"         // 移送 to the competent authorities
)

// Whom a subsidy block reaches (Effect.Entities).
const (
	// EntitiesServed is every entity the agency served (seed 000 §二(二)1).
	EntitiesServed = "served"
	// EntitiesAffected is only the sanction's AffectedEntities (seed 000 §二(二)5: 相关申请单位和个人).
	EntitiesAffected = "affected"
)

// Effect is one consequence of a sanction. Families and Entities are set for subsidy blocks only.
type Effect struct {
	Kind     string          `json:"kind"`
	Families []SubsidyFamily `json:"families,omitempty"`
	Entities string          `json:"entities,omitempty"`
}

// SanctionFacts is the sanctions policy's input (policies/sanctions).
type SanctionFacts struct {
	Agency  string  `json:"agency"` // USCC
	Trigger Trigger `json:"trigger"`
	// Year is the year of the failure: the report year Y for report_not_on_time, the
	// violation's year otherwise.
	Year             int      `json:"year"`
	AffectedEntities []string `json:"affected_entities,omitempty"`
}

// SanctionDecision is the sanctions policy's answer: zero or more sanctions (normally one per
// trigger; none for an unknown trigger or malformed facts).
type SanctionDecision struct {
	Sanctions []DecidedSanction `json:"sanctions"`
}

// DecidedSanction is one sanction as the policy decided it.
type DecidedSanction struct {
	Trigger Trigger `json:"trigger"`
	// YearOfEffect is the year the effects apply to: Y+1 for a report for Y not on time
	// (DOMAIN.md "Time"), the violation's year otherwise.
	YearOfEffect int      `json:"year_of_effect"`
	Effects      []Effect `json:"effects"`
	// Public is whether the public register shows it.
	Public    bool   `json:"public"`
	Basis     string `json:"basis"`
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
}

// Sanction is the stored record of a sanction (DOMAIN.md §3). Sanctions are never deleted: a
// waiver or an appeal outcome is a new record that lifts the effect.
type Sanction struct {
	ID      string  `json:"id"`
	Agency  string  `json:"agency"`
	Trigger Trigger `json:"trigger"`
	// FailureYear is the year of the failure (SanctionFacts.Year); Year is the year of effect.
	FailureYear      int      `json:"failure_year"`
	Year             int      `json:"year"`
	Effects          []Effect `json:"effects"`
	Public           bool     `json:"public"`
	AffectedEntities []string `json:"affected_entities,omitempty"`
	Basis            string   `json:"basis"`
	Message          Text     `json:"message"`
	PolicyVersion    string   `json:"policy_version"`
	// Input is the exact SanctionFacts the policy decided on, so the decision can be replayed.
	Input     json.RawMessage `json:"input"`
	DecidedBy Actor           `json:"decided_by"`
	DecidedAt time.Time       `json:"decided_at"`
	Version   int64           `json:"version"`
}

// SanctionID is deterministic so that re-runs create each sanction once:
// "<agency>#<trigger>#<failure year>", plus "#<ref>" when ref (a violation id) is not empty.
func SanctionID(agency string, trigger Trigger, failureYear int, ref string) string {
	id := agency + "#" + string(trigger) + "#" + strconv.Itoa(failureYear)
	if ref != "" {
		id += "#" + ref
	}
	return id
}

// NewSanction builds the record of a decided sanction: the facts it was decided on (kept as
// Input for replay), the policy version, who decided it and when.
func NewSanction(facts SanctionFacts, d DecidedSanction, ref, policyVersion string, by Actor, at time.Time) (*Sanction, error) {
	if d.Trigger != facts.Trigger {
		return nil, fmt.Errorf("sanction: decided trigger %q differs from the facts' %q", d.Trigger, facts.Trigger)
	}
	input, err := json.Marshal(facts)
	if err != nil {
		return nil, fmt.Errorf("sanction: encode facts: %w", err)
	}
	return &Sanction{
		ID:               SanctionID(facts.Agency, facts.Trigger, facts.Year, ref),
		Agency:           facts.Agency,
		Trigger:          facts.Trigger,
		FailureYear:      facts.Year,
		Year:             d.YearOfEffect,
		Effects:          slices.Clone(d.Effects),
		Public:           d.Public,
		AffectedEntities: slices.Clone(facts.AffectedEntities),
		Basis:            d.Basis,
		Message:          Text{ZH: d.MessageZH, EN: d.MessageEN},
		PolicyVersion:    policyVersion,
		Input:            input,
		DecidedBy:        by,
		DecidedAt:        at,
	}, nil
}

func (s *Sanction) RecordKey() string        { return s.ID }
func (s *Sanction) RecordVersion() int64     { return s.Version }
func (s *Sanction) SetRecordVersion(v int64) { s.Version = v }

// RecordIndex: 1 an agency's sanctions (GET /v1/agencies/{uscc}/sanctions); 2 the sanctions in
// effect in a year, by agency (what an eligibility query reads); 3 unused.
func (s *Sanction) RecordIndex() [NumIndexes]IndexKey {
	var ix [NumIndexes]IndexKey
	ix[0] = IndexKey{Partition: "agency#" + s.Agency, Sort: s.ID}
	ix[1] = IndexKey{Partition: "effect#" + strconv.Itoa(s.Year), Sort: s.Agency + "#" + s.ID}
	return ix
}

// Blocks tells whether the sanction's effects block family for entity, assuming the agency
// served the entity and the sanction is not waived. It is for display; the authoritative
// answer is the eligibility policy.
func (s *Sanction) Blocks(f SubsidyFamily, entity string) bool {
	for _, e := range s.Effects {
		if e.Kind != EffectSubsidyBlock || !slices.Contains(e.Families, f) {
			continue
		}
		// As in the policy: only "affected" narrows the block; any other scope reaches every
		// entity the agency served.
		if e.Entities != EntitiesAffected || (entity != "" && slices.Contains(s.AffectedEntities, entity)) {
			return true
		}
	}
	return false
}

// Relations of an agency to the entity of an eligibility query (DOMAIN.md §3: which entities
// did an agency serve?).
const (
	RelationReportClient = "report_client" // the agency's annual report lists the entity as a client
	RelationNamed        = "named"         // the caller or the claim names the agency
)

// ReasonAgencyNotFiled is the code of an eligibility reason for an agency that had no accepted
// filing; every other reason's code is its sanction's trigger.
const ReasonAgencyNotFiled = "agency_not_filed"

// EligibilityInput is the eligibility policy's input (policies/eligibility).
type EligibilityInput struct {
	Entity   string              `json:"entity"`
	Year     int                 `json:"year"`
	Agencies []EligibilityAgency `json:"agencies"`
	// Sanctions are every sanction of those agencies whose year of effect is Year.
	Sanctions []EligibilitySanction `json:"sanctions"`
}

// EligibilityAgency is one agency that served the entity.
type EligibilityAgency struct {
	USCC string `json:"uscc"`
	// AcceptedFiling is whether it had an accepted filing (is on the register); false blocks
	// (DOMAIN.md §3, agency not filed).
	AcceptedFiling bool `json:"accepted_filing"`
	// Relations say how it served the entity: RelationReportClient, RelationNamed.
	Relations []string `json:"relations"`
}

// EligibilitySanction is a stored sanction as the eligibility policy reads it.
type EligibilitySanction struct {
	ID               string   `json:"id"`
	Agency           string   `json:"agency"`
	Trigger          Trigger  `json:"trigger"`
	Year             int      `json:"year"`
	Effects          []Effect `json:"effects"`
	Basis            string   `json:"basis"`
	AffectedEntities []string `json:"affected_entities,omitempty"`
	// Waived is whether a waiver record lifts the sanction's effect.
	Waived bool `json:"waived"`
}

// EligibilityDecision is the eligibility policy's answer: always all three families.
type EligibilityDecision struct {
	Families map[SubsidyFamily]FamilyEligibility `json:"families"`
}

// FamilyEligibility is the answer for one family.
type FamilyEligibility struct {
	Eligible bool `json:"eligible"`
	// Reasons are every blocking reason; empty (not null) when eligible.
	Reasons []EligibilityReason `json:"reasons"`
}

// EligibilityReason is one reason a family is blocked.
type EligibilityReason struct {
	Code       string  `json:"code"` // ReasonAgencyNotFiled or the sanction's trigger
	Agency     string  `json:"agency"`
	Trigger    Trigger `json:"trigger,omitempty"`
	Year       int     `json:"year"` // year of effect
	Basis      string  `json:"basis"`
	SanctionID string  `json:"sanction_id,omitempty"`
	MessageZH  string  `json:"message_zh"`
	MessageEN  string  `json:"message_en"`
}
