package policy

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// The subsidy decision (policies/subsidy) through the real engine, decoded into the domain
// types the claim service stores: seed 003, the Suzhou IP finance subsidy measures.

const subsidyClaimantUSCC = "91320508MA1XXXXX0X"

func subsidyFen(v int64) *int64 { return &v }

// subsidyFacts is a clean claim of programme: a key enterprise of 姑苏区 registered on the
// platform, with its commitment, no dishonesty record, no block and empty ledgers.
func subsidyFacts(programme string) domain.SubsidyFacts {
	f := domain.SubsidyFacts{
		Programme: programme,
		Claimant: domain.Claimant{USCC: subsidyClaimantUSCC, Name: "苏州某科技有限公司", DistrictCode: "320508",
			KeyEnterprise: true, FinancePlatformRegistered: true},
		CreditCommitment: true,
		Credit:           domain.SubsidyCredit{Level: "none"},
		AgencyBlocks:     []domain.AgencyBlock{},
		Ledger:           []domain.LedgerUsage{},
	}
	day := func(y, m, d int) domain.Date { return domain.Date{Year: y, Month: time.Month(m), Day: d} }
	switch programme {
	case domain.ProgrammePledgeReward:
		f.Event = domain.ClaimEvent{LoanFen: subsidyFen(500_000_000), DisbursedOn: day(2022, 3, 1), Lender: "苏州银行",
			PledgeRegistrationNo: "Y2022320000123", PledgedIP: []string{"ZL202010000001.1"}}
	case domain.ProgrammePledgeServiceFee:
		f.Event = domain.ClaimEvent{Fees: []domain.Fee{
			{Kind: "guarantee", AmountFen: subsidyFen(3_000_000), PaidOn: day(2022, 3, 1), InvoiceNo: "INV-1"},
			{Kind: "valuation", AmountFen: subsidyFen(1_000_001), PaidOn: day(2022, 4, 1), InvoiceNo: "INV-2"},
		}}
	case domain.ProgrammeInsurancePremium:
		f.Event = domain.ClaimEvent{PremiumFen: subsidyFen(10_000_001), PaidOn: day(2022, 5, 1), PolicyNo: "P-1"}
	case domain.ProgrammeSecuritisation:
		f.Event = domain.ClaimEvent{CostsFen: subsidyFen(100_000_001), IssuedOn: day(2022, 6, 1), ProjectID: "ABS-2022-1"}
	}
	body := domain.ClaimBody{Programme: programme, Event: f.Event}
	f.EventDate = body.EventDate().String()
	return f
}

func decideSubsidy(t *testing.T, e *Engine, f domain.SubsidyFacts) domain.SubsidyDecision {
	t.Helper()
	var d domain.SubsidyDecision
	if err := e.Decide(context.Background(), QuerySubsidy, f, &d); err != nil {
		t.Fatalf("Decide subsidy: %v", err)
	}
	// What holds for every decision.
	switch {
	case d.Reasons == nil || d.CapsApplied == nil || d.LedgerCaps == nil:
		t.Errorf("null lists in %+v", d)
	case d.CityShareFen+d.DistrictShareFen != d.AmountFen:
		t.Errorf("shares %d + %d != amount %d", d.CityShareFen, d.DistrictShareFen, d.AmountFen)
	case !d.Eligible && d.AmountFen != 0:
		t.Errorf("not eligible but %d fen granted", d.AmountFen)
	case d.AmountFen > d.RequestedFen:
		t.Errorf("granted %d fen of %d requested", d.AmountFen, d.RequestedFen)
	case d.PolicyVersion != "" || !d.DecidedAt.IsZero():
		t.Errorf("policy version %q, decided at %v: the caller fills them", d.PolicyVersion, d.DecidedAt)
	}
	for _, r := range d.Reasons {
		if r.Basis == "" || r.MessageZH == "" || r.MessageEN == "" || strings.Contains(r.MessageZH+r.MessageEN, "%!") {
			t.Errorf("reason %+v lacks its basis or a message", r)
		}
		if r.Refuses() == d.Eligible {
			t.Errorf("reason %s with eligible %v", r.Code, d.Eligible)
		}
	}
	return d
}

func reasonCodes(d domain.SubsidyDecision) []string {
	codes := make([]string, 0, len(d.Reasons))
	for _, r := range d.Reasons {
		codes = append(codes, r.Code)
	}
	return codes
}

func TestSubsidyPledgeRewardGranted(t *testing.T) {
	e := decisionEngine(t)
	d := decideSubsidy(t, e, subsidyFacts(domain.ProgrammePledgeReward))

	want := domain.SubsidyDecision{
		Eligible:  true,
		Programme: domain.ProgrammePledgeReward,
		Period: &domain.SubsidyPeriod{From: domain.Date{Year: 2021, Month: 1, Day: 1}, To: domain.Date{Year: 2023, Month: 12, Day: 31},
			Source: "seed 003 第十八条"},
		RequestedFen: 5_000_000, AmountFen: 5_000_000, CityShareFen: 5_000_000, DistrictShareFen: 0,
		CapsApplied: []domain.CapApplied{
			{Cap: "pledge_reward_per_claim", LimitFen: 10_000_000, BeforeFen: 5_000_000, AfterFen: 5_000_000, Basis: "seed 003 第四条"},
			{Cap: "pledge_reward_per_enterprise", LimitFen: 10_000_000, BeforeFen: 5_000_000, AfterFen: 5_000_000, Basis: "seed 003 第四条"},
		},
		LedgerCaps: []domain.Cap{{ID: "pledge_reward_per_enterprise", Key: subsidyClaimantUSCC + "#pledge_reward",
			LimitFen: 10_000_000, MaxDistinct: 1, Distinct: "once", Basis: "seed 003 第四条"}},
		Reasons: []domain.SubsidyReason{},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("decision\n%+v\nwant\n%+v", d, want)
	}
}

func TestSubsidyLedgerCapsOfEachProgramme(t *testing.T) {
	e := decisionEngine(t)
	tests := map[string][]domain.Cap{
		domain.ProgrammePledgeServiceFee: {
			{ID: "pledge_service_fee_per_year", Key: subsidyClaimantUSCC + "#pledge_service_fee#2022", LimitFen: 10_000_000, Basis: "seed 003 第五条"},
			{ID: "pledge_service_fee_years", Key: subsidyClaimantUSCC + "#pledge_service_fee#years", MaxDistinct: 2, Distinct: "2022", Basis: "seed 003 第五条"},
		},
		domain.ProgrammeInsurancePremium: {
			{ID: "insurance_premium_per_enterprise", Key: subsidyClaimantUSCC + "#insurance_premium", LimitFen: 30_000_000, MaxDistinct: 1, Distinct: "2022", Basis: "seed 003 第六条"},
		},
		domain.ProgrammeSecuritisation: {
			{ID: "securitisation_per_project", Key: "ABS-2022-1#securitisation", LimitFen: 200_000_000, MaxDistinct: 1, Distinct: "once", Basis: "seed 003 第七条"},
		},
	}
	for programme, want := range tests {
		t.Run(programme, func(t *testing.T) {
			d := decideSubsidy(t, e, subsidyFacts(programme))
			if !d.Eligible || len(d.Reasons) != 0 {
				t.Fatalf("not granted in full: %+v", d)
			}
			if !reflect.DeepEqual(d.LedgerCaps, want) {
				t.Errorf("ledger caps %+v, want %+v", d.LedgerCaps, want)
			}
		})
	}
}

func TestSubsidyAmountsAndShares(t *testing.T) {
	e := decisionEngine(t)
	tests := []struct {
		programme                 string
		requested, city, district int64
	}{
		// 4,000,001 fen of fees, half each; the odd fen is the city's (第五条).
		{domain.ProgrammePledgeServiceFee, 4_000_001, 2_000_001, 2_000_000},
		{domain.ProgrammeInsurancePremium, 10_000_001, 5_000_001, 5_000_000},
		// Half of 100,000,001 fen of costs, rounded down, all city (第七条).
		{domain.ProgrammeSecuritisation, 50_000_000, 50_000_000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.programme, func(t *testing.T) {
			d := decideSubsidy(t, e, subsidyFacts(tt.programme))
			if d.RequestedFen != tt.requested || d.AmountFen != tt.requested || d.CityShareFen != tt.city || d.DistrictShareFen != tt.district {
				t.Errorf("requested %d, amount %d, city %d, district %d; want %d, %d, %d, %d",
					d.RequestedFen, d.AmountFen, d.CityShareFen, d.DistrictShareFen, tt.requested, tt.requested, tt.city, tt.district)
			}
		})
	}
}

func TestSubsidyRefusals(t *testing.T) {
	e := decisionEngine(t)
	tests := []struct {
		name   string
		change func(*domain.SubsidyFacts)
		code   string
		basis  string
	}{
		{"no programme in force after 2023", func(f *domain.SubsidyFacts) { f.EventDate = "2024-01-01" },
			domain.ReasonNoProgrammeInForce, "seed 003 第十八条"},
		{"昆山 is not 苏州市区", func(f *domain.SubsidyFacts) { f.Claimant.DistrictCode = "320583" },
			domain.ReasonOutsideJurisdiction, "seed 003 第二条"},
		{"not on the platform", func(f *domain.SubsidyFacts) { f.Claimant.FinancePlatformRegistered = false },
			domain.ReasonNotRegisteredOnPlatform, "seed 003 第九条"},
		{"not a key enterprise", func(f *domain.SubsidyFacts) { f.Claimant.KeyEnterprise = false },
			domain.ReasonNotKeyEnterprise, "seed 003 第六条"},
		{"ownership disputed", func(f *domain.SubsidyFacts) { f.OwnershipDisputed = true },
			domain.ReasonOwnershipDisputed, "seed 003 第十二条(一)"},
		{"relatively serious dishonesty", func(f *domain.SubsidyFacts) { f.Credit.Level = "relatively_serious" },
			domain.ReasonDishonestyRecord, "seed 003 第十二条(二)"},
		{"no credit review", func(f *domain.SubsidyFacts) { f.Credit.Level = "" },
			domain.ReasonCreditUnknown, "seed 003 第十二条(二)"},
		{"no commitment", func(f *domain.SubsidyFacts) { f.CreditCommitment = false },
			domain.ReasonNoCreditCommitment, "seed 003 第十五条"},
		{"disqualified", func(f *domain.SubsidyFacts) { f.FalseCommitment = true },
			domain.ReasonDisqualified, "seed 003 第十五条、第十条"},
		{"premium of a second year", func(f *domain.SubsidyFacts) {
			f.Ledger = []domain.LedgerUsage{{Cap: "insurance_premium_per_enterprise", UsedFen: 1_000_000, Distinct: []string{"2021"}}}
		}, domain.ReasonAlreadyClaimed, "seed 003 第六条"},
		{"the cap used up", func(f *domain.SubsidyFacts) {
			f.Ledger = []domain.LedgerUsage{{Cap: "insurance_premium_per_enterprise", UsedFen: 30_000_000, Distinct: []string{"2022"}}}
		}, domain.ReasonCapExhausted, "seed 003 第六条"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := subsidyFacts(domain.ProgrammeInsurancePremium)
			tt.change(&f)
			d := decideSubsidy(t, e, f)
			if d.Eligible || len(d.Reasons) != 1 || d.Reasons[0].Code != tt.code || d.Reasons[0].Basis != tt.basis {
				t.Errorf("decision %+v, want only %s (%s)", d, tt.code, tt.basis)
			}
		})
	}
}

// A claim decided once without usage names its ledger caps; with what those ledgers hold it is
// reduced to what remains, and decided again once counted it is not counted against itself.
func TestSubsidyLedgerRoundTrip(t *testing.T) {
	e := decisionEngine(t)
	f := subsidyFacts(domain.ProgrammeInsurancePremium)
	probe := decideSubsidy(t, e, f)
	if len(probe.LedgerCaps) != 1 {
		t.Fatalf("ledger caps %+v", probe.LedgerCaps)
	}
	c := probe.LedgerCaps[0]

	f.Ledger = []domain.LedgerUsage{{Cap: c.ID, UsedFen: 25_000_000, Distinct: []string{"2022"}}}
	d := decideSubsidy(t, e, f)
	if !d.Eligible || d.AmountFen != 5_000_000 || d.CityShareFen != 2_500_000 || d.DistrictShareFen != 2_500_000 {
		t.Errorf("reduced decision %+v, want 5,000,000 fen split half and half", d)
	}
	if len(d.Reasons) != 1 || d.Reasons[0].Code != domain.ReasonReducedToCapRemaining || d.Reasons[0].Item != c.Key {
		t.Errorf("reasons %+v, want one reduced_to_cap_remaining naming %s", d.Reasons, c.Key)
	}
	if last := d.CapsApplied[len(d.CapsApplied)-1]; last.Cap != c.ID || last.BeforeFen != 10_000_001 || last.AfterFen != 5_000_000 {
		t.Errorf("last cap applied %+v", last)
	}

	// After allocation the ledger holds 30,000,000 fen, this claim's 5,000,000 among them.
	f.Ledger = []domain.LedgerUsage{{Cap: c.ID, UsedFen: 30_000_000, Distinct: []string{"2022"}, Counted: true}}
	again := decideSubsidy(t, e, f)
	if !again.Eligible || again.AmountFen != 10_000_001 {
		t.Errorf("re-decision of a counted claim %+v, want it granted as without the ledger", again)
	}
}

// An agency's sanction, decided by the sanctions policy and given as a block by the eligibility
// policy, refuses the claim through 第十二条(三).
func TestSubsidyRefusedForASanctionedAgency(t *testing.T) {
	e := decisionEngine(t)
	late := sanction(t, e, domain.SanctionFacts{Agency: agencyA, Trigger: domain.TriggerReportNotOnTime, Year: 2021}, "")
	el := eligibility(t, e, domain.EligibilityInput{Entity: subsidyClaimantUSCC, Year: 2022,
		Agencies: []domain.EligibilityAgency{filedAgency(agencyA)}, Sanctions: []domain.EligibilitySanction{asEligibility(late, false)}})

	f := subsidyFacts(domain.ProgrammePledgeReward)
	f.AgencyBlocks = domain.AgencyBlocksFrom(el.Families[domain.FamilyIPSubsidy].Reasons)
	d := decideSubsidy(t, e, f)
	if d.Eligible || !reflect.DeepEqual(reasonCodes(d), []string{domain.ReasonAgencySanctioned}) {
		t.Fatalf("decision %+v, want refused for the agency", d)
	}
	r := d.Reasons[0]
	if r.Agency != agencyA || r.Item != string(domain.TriggerReportNotOnTime) || r.Basis != "seed 000 §二(二)1; seed 003 第十二条(三)" ||
		!strings.Contains(r.MessageZH, agencyA) || !strings.Contains(r.MessageEN, "2022") {
		t.Errorf("reason %+v", r)
	}
}

func TestSubsidyEmptyFactsGiveADecision(t *testing.T) {
	e := decisionEngine(t)
	d := decideSubsidy(t, e, domain.SubsidyFacts{})
	if d.Eligible || d.Period != nil || !reflect.DeepEqual(reasonCodes(d), []string{domain.ReasonNoProgrammeInForce}) {
		t.Errorf("decision %+v", d)
	}
}
