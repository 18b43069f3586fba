package domain

import "time"

// The subsidy policy (policies/subsidy, query data.subsidy.decision) decides a claim under the
// Suzhou IP finance subsidy measures (seed 003 第一条–第十八条; DOMAIN.md §4). SubsidyFacts is
// its input and SubsidyDecision its answer; the JSON of both is the policy's contract.

// Codes of the reasons a subsidy decision gives (SubsidyReason.Code), with the article each
// rests on. Every reason refusing the claim makes it not eligible; ReasonReducedToCap and
// ReasonReducedToCapRemaining only reduce the amount.
const (
	// ReasonNoProgrammeInForce: no period of the data has the programme in force on the event
	// date (第十八条: 2021–2023); the message says when it was. It is then the only reason.
	ReasonNoProgrammeInForce = "no_programme_in_force"
	// ReasonOutsideJurisdiction: the claimant's district is outside the period's jurisdiction
	// (第二条: 苏州市区).
	ReasonOutsideJurisdiction = "outside_jurisdiction"
	// ReasonNotRegisteredOnPlatform: not registered on the city's IP finance service platform (第九条).
	ReasonNotRegisteredOnPlatform = "not_registered_on_platform"
	// ReasonNotKeyEnterprise: the insurance premium subsidy is for key enterprises only (第六条).
	ReasonNotKeyEnterprise = "not_key_enterprise"
	// ReasonOwnershipDisputed: the ownership of the IP is disputed (第十二条(一)).
	ReasonOwnershipDisputed = "ownership_disputed"
	// ReasonDishonestyRecord: a serious or relatively serious dishonesty record (第十二条(二)).
	ReasonDishonestyRecord = "dishonesty_record"
	// ReasonCreditUnknown: the credit level is none of CreditLevels (第十二条(二); fails closed).
	ReasonCreditUnknown = "credit_unknown"
	// ReasonNoCreditCommitment: the claimant has not made the credit commitment (第十五条).
	ReasonNoCreditCommitment = "no_credit_commitment"
	// ReasonDisqualified: a previous false commitment (第十五条) or a recovered subsidy (第十条).
	ReasonDisqualified = "disqualified"
	// ReasonAgencySanctioned: an agency the claim names or that served the claimant is blocked
	// by the eligibility policy for ip_subsidy in the event's year (第十二条(三); seed 000).
	ReasonAgencySanctioned = "agency_sanctioned"
	// ReasonNoAmount: the event has nothing to subsidise (a requested amount of 0 fen).
	ReasonNoAmount = "no_amount"
	// ReasonAlreadyClaimed: a ledger cap counting claims is reached (第四条 once, 第五条 two
	// years, 第六条 one year, 第七条 once per project).
	ReasonAlreadyClaimed = "already_claimed"
	// ReasonCapExhausted: nothing remains under a ledger cap's amount limit.
	ReasonCapExhausted = "cap_exhausted"
	// ReasonReducedToCap: the requested amount was reduced to a per-claim cap (not a refusal).
	ReasonReducedToCap = "reduced_to_cap"
	// ReasonReducedToCapRemaining: the amount was reduced to what remains under a ledger cap
	// (not a refusal).
	ReasonReducedToCapRemaining = "reduced_to_cap_remaining"
)

// SubsidyFacts is the subsidy policy's input: the claim and everything read for it before
// deciding. Go validates the claim (ClaimBody) first; the policy reads only what it needs.
type SubsidyFacts struct {
	// Programme is one of ProgrammePledgeReward, ProgrammePledgeServiceFee,
	// ProgrammeInsurancePremium, ProgrammeSecuritisation.
	Programme string     `json:"programme"`
	Claimant  Claimant   `json:"claimant"`
	Event     ClaimEvent `json:"event"`
	// EventDate (YYYY-MM-DD) is the date the parameters are judged by (DOMAIN.md §4):
	// ClaimBody.EventDate, the disbursement, the last fee payment, the premium's payment or the
	// issue.
	EventDate         string        `json:"event_date"`
	OwnershipDisputed bool          `json:"ownership_disputed"`
	CreditCommitment  bool          `json:"credit_commitment"`
	Credit            SubsidyCredit `json:"credit"`
	// FalseCommitment: a previous false commitment was found (第十五条) or a recovery
	// disqualified the claimant (第十条): a Disqualification exists.
	FalseCommitment bool `json:"false_commitment"`
	// AgencyBlocks are the blocking reasons the eligibility policy gave for ip_subsidy in the
	// event's year; each becomes one ReasonAgencySanctioned.
	AgencyBlocks []AgencyBlock `json:"agency_blocks"`
	// Ledger is what the cap ledgers already hold for the caps of the claim (one entry per
	// Cap of SubsidyDecision.LedgerCaps, matched by Cap.ID). Empty when not yet read.
	Ledger []LedgerUsage `json:"ledger"`
}

// SubsidyCredit is the result of the public credit review (seed 003 第十二条(二)).
type SubsidyCredit struct {
	// Level is one of CreditLevels (WorstCreditLevel on the event date); serious and
	// relatively_serious refuse, none and minor do not, anything else refuses as unknown.
	Level string `json:"level"`
}

// AgencyBlock is one blocking reason of the eligibility policy, as the subsidy policy reads it.
type AgencyBlock struct {
	Agency    string `json:"agency"`  // USCC
	Trigger   string `json:"trigger"` // the sanction's trigger, or agency_not_filed
	Year      int    `json:"year"`
	Basis     string `json:"basis"`
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
}

// AgencyBlocksFrom turns the eligibility policy's reasons for a family into the blocks the
// subsidy policy reads; a reason without a trigger (agency_not_filed) is named by its code.
// It never returns nil, so the facts say [] rather than null.
func AgencyBlocksFrom(reasons []EligibilityReason) []AgencyBlock {
	out := make([]AgencyBlock, 0, len(reasons))
	for _, r := range reasons {
		trigger := string(r.Trigger)
		if trigger == "" {
			trigger = r.Code
		}
		out = append(out, AgencyBlock{Agency: r.Agency, Trigger: trigger, Year: r.Year, Basis: r.Basis,
			MessageZH: r.MessageZH, MessageEN: r.MessageEN})
	}
	return out
}

// LedgerUsage is what one cap's ledger holds, read before deciding.
type LedgerUsage struct {
	Cap      string   `json:"cap"` // Cap.ID
	UsedFen  int64    `json:"used_fen"`
	Distinct []string `json:"distinct"`
	// Counted: the ledger already counts this claim (a re-decision). The policy then does not
	// apply that cap again, so a claim is never counted against itself.
	Counted bool `json:"counted"`
}

// SubsidyDecision is the subsidy policy's answer. PolicyVersion and DecidedAt are the caller's
// to fill (the policy gives "" and null).
type SubsidyDecision struct {
	Eligible  bool   `json:"eligible"`
	Programme string `json:"programme"`
	// Period is the period of the parameters the claim was judged by; nil when no programme
	// was in force on the event date.
	Period *SubsidyPeriod `json:"period"`
	// RequestedFen is the base amount before caps: 1% of the loan, the sum of the fees, the
	// premium, or 50% of the costs, rounded down to the fen.
	RequestedFen int64 `json:"requested_fen"`
	// AmountFen is what is granted after every cap; 0 unless Eligible.
	AmountFen int64 `json:"amount_fen"`
	// CityShareFen + DistrictShareFen == AmountFen. 第五条 and 第六条 split 50/50, the district's
	// half rounded down (the city pays an odd fen); 第四条 and 第七条 are all city.
	CityShareFen     int64 `json:"city_share_fen"`
	DistrictShareFen int64 `json:"district_share_fen"`
	// CapsApplied are the amount caps the claim went through, in order.
	CapsApplied []CapApplied `json:"caps_applied"`
	// LedgerCaps are the caps the ledgers must enforce across claims when the claim is
	// allocated; given whenever the programme is in force, eligible or not.
	LedgerCaps []Cap `json:"ledger_caps"`
	// Reasons are every reason refusing the claim or, when none refuses, reducing it; empty
	// (not null) when it is granted in full.
	Reasons       []SubsidyReason `json:"reasons"`
	PolicyVersion string          `json:"policy_version"`
	DecidedAt     time.Time       `json:"decided_at"`
}

// SubsidyPeriod is a period of validity of programme parameters (seed 003 第十八条: 2021–2023).
type SubsidyPeriod struct {
	From   Date   `json:"from"`
	To     Date   `json:"to"` // included
	Source string `json:"source"`
}

// CapApplied is one amount cap a claim went through: a per-claim cap (LimitFen is its limit),
// or a ledger cap (LimitFen is the cap's limit; AfterFen is at most what remains of it).
type CapApplied struct {
	Cap       string `json:"cap"`
	LimitFen  int64  `json:"limit_fen"`
	BeforeFen int64  `json:"before_fen"`
	AfterFen  int64  `json:"after_fen"`
	Basis     string `json:"basis"`
}

// SubsidyReason is one reason refusing or reducing a claim.
type SubsidyReason struct {
	Code      string `json:"code"`
	Basis     string `json:"basis"` // e.g. "seed 003 第十二条(二)"
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
	// Agency is the agency concerned (ReasonAgencySanctioned).
	Agency string `json:"agency,omitempty"`
	// Item is what else the reason concerns: the district, the credit level, the trigger of an
	// agency's sanction, the cap or the ledger key.
	Item string `json:"item,omitempty"`
}

// Refuses tells whether the reason refuses the claim rather than only reducing it.
func (r SubsidyReason) Refuses() bool {
	return r.Code != ReasonReducedToCap && r.Code != ReasonReducedToCapRemaining
}
