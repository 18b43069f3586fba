package domain_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

const subsidyClaimant = "91320508MA1XXXXX0X"

func subsidyFen(v int64) *int64 { return &v }

func pledgeRewardFacts() domain.SubsidyFacts {
	return domain.SubsidyFacts{
		Programme: domain.ProgrammePledgeReward,
		Claimant: domain.Claimant{USCC: subsidyClaimant, Name: "苏州某科技有限公司", DistrictCode: "320508",
			FinancePlatformRegistered: true},
		Event: domain.ClaimEvent{LoanFen: subsidyFen(500_000_000), DisbursedOn: domain.Date{Year: 2022, Month: 3, Day: 1},
			Lender: "苏州银行", PledgeRegistrationNo: "Y2022320000123", PledgedIP: []string{"ZL202010000001.1"}},
		EventDate:        "2022-03-01",
		CreditCommitment: true,
		Credit:           domain.SubsidyCredit{Level: "none"},
		AgencyBlocks:     domain.AgencyBlocksFrom(nil),
		Ledger: []domain.LedgerUsage{{Cap: "pledge_reward_per_enterprise", UsedFen: 0,
			Distinct: []string{}, Counted: false}},
	}
}

func jsonObject(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// The facts' JSON is the subsidy policy's input contract: these names, lists never null.
func TestSubsidyFactsJSONIsThePolicyInput(t *testing.T) {
	m := jsonObject(t, pledgeRewardFacts())
	want := []string{"agency_blocks", "claimant", "credit", "credit_commitment", "event", "event_date",
		"false_commitment", "ledger", "ownership_disputed", "programme"}
	if got := sortedKeys(m); !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	if m["event_date"] != "2022-03-01" || m["programme"] != "pledge_reward" {
		t.Errorf("event_date %v, programme %v", m["event_date"], m["programme"])
	}
	if blocks, ok := m["agency_blocks"].([]any); !ok || len(blocks) != 0 {
		t.Errorf("agency_blocks %#v, want []", m["agency_blocks"])
	}
	if got := m["credit"]; !reflect.DeepEqual(got, map[string]any{"level": "none"}) {
		t.Errorf("credit %#v", got)
	}
	event := m["event"].(map[string]any)
	if got := sortedKeys(event); !slices.Equal(got, []string{"disbursed_on", "lender", "loan_fen", "pledge_registration_no", "pledged_ip"}) {
		t.Errorf("event keys %v: only the programme's fields", got)
	}
	if event["loan_fen"] != float64(500_000_000) || event["disbursed_on"] != "2022-03-01" {
		t.Errorf("event %v", event)
	}
	ledger := m["ledger"].([]any)[0].(map[string]any)
	if got := sortedKeys(ledger); !slices.Equal(got, []string{"cap", "counted", "distinct", "used_fen"}) {
		t.Errorf("ledger entry keys %v", got)
	}
	claimant := m["claimant"].(map[string]any)
	if got := sortedKeys(claimant); !slices.Equal(got, []string{"district_code", "finance_platform_registered", "key_enterprise", "name", "uscc"}) {
		t.Errorf("claimant keys %v", got)
	}
}

func TestAgencyBlocksFrom(t *testing.T) {
	if got := domain.AgencyBlocksFrom(nil); got == nil || len(got) != 0 {
		t.Fatalf("AgencyBlocksFrom(nil) = %#v, want an empty list", got)
	}
	reasons := []domain.EligibilityReason{
		{Code: "report_not_on_time", Agency: "91320508MA1AAAAA0A", Trigger: domain.TriggerReportNotOnTime, Year: 2022,
			Basis: "seed 000 §二(二)1", SanctionID: "s-1", MessageZH: "未按时报告", MessageEN: "not on time"},
		{Code: domain.ReasonAgencyNotFiled, Agency: "91320508MA1BBBBB0B", Year: 2022, Basis: "seed 000 §二(二)1",
			MessageZH: "未备案", MessageEN: "not filed"},
	}
	want := []domain.AgencyBlock{
		{Agency: "91320508MA1AAAAA0A", Trigger: "report_not_on_time", Year: 2022, Basis: "seed 000 §二(二)1", MessageZH: "未按时报告", MessageEN: "not on time"},
		{Agency: "91320508MA1BBBBB0B", Trigger: "agency_not_filed", Year: 2022, Basis: "seed 000 §二(二)1", MessageZH: "未备案", MessageEN: "not filed"},
	}
	if got := domain.AgencyBlocksFrom(reasons); !reflect.DeepEqual(got, want) {
		t.Errorf("AgencyBlocksFrom = %+v, want %+v", got, want)
	}
	if got := jsonObject(t, want[0]); !slices.Equal(sortedKeys(got), []string{"agency", "basis", "message_en", "message_zh", "trigger", "year"}) {
		t.Errorf("block keys %v", sortedKeys(got))
	}
}

// What the policy answers, as JSON: decided_at null and policy_version "" for the caller to fill.
const policyAnswer = `{
	"eligible": true,
	"programme": "insurance_premium",
	"period": {"from": "2021-01-01", "to": "2023-12-31", "source": "seed 003 第十八条"},
	"requested_fen": 10000001,
	"amount_fen": 5000000,
	"city_share_fen": 2500000,
	"district_share_fen": 2500000,
	"caps_applied": [
		{"cap": "insurance_premium_per_claim", "limit_fen": 30000000, "before_fen": 10000001, "after_fen": 10000001, "basis": "seed 003 第六条"},
		{"cap": "insurance_premium_per_enterprise", "limit_fen": 30000000, "before_fen": 10000001, "after_fen": 5000000, "basis": "seed 003 第六条"}
	],
	"ledger_caps": [
		{"cap": "insurance_premium_per_enterprise", "key": "91320508MA1XXXXX0X#insurance_premium", "limit_fen": 30000000, "max_distinct": 1, "distinct": "2022", "basis": "seed 003 第六条"}
	],
	"reasons": [
		{"code": "reduced_to_cap_remaining", "basis": "seed 003 第六条", "item": "91320508MA1XXXXX0X#insurance_premium", "message_zh": "按剩余额度核定", "message_en": "what remains is granted"}
	],
	"policy_version": "",
	"decided_at": null
}`

func TestSubsidyDecisionDecodesThePolicyAnswer(t *testing.T) {
	var d domain.SubsidyDecision
	if err := json.Unmarshal([]byte(policyAnswer), &d); err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := domain.SubsidyDecision{
		Eligible:  true,
		Programme: domain.ProgrammeInsurancePremium,
		Period: &domain.SubsidyPeriod{From: domain.Date{Year: 2021, Month: 1, Day: 1}, To: domain.Date{Year: 2023, Month: 12, Day: 31},
			Source: "seed 003 第十八条"},
		RequestedFen: 10_000_001, AmountFen: 5_000_000, CityShareFen: 2_500_000, DistrictShareFen: 2_500_000,
		CapsApplied: []domain.CapApplied{
			{Cap: "insurance_premium_per_claim", LimitFen: 30_000_000, BeforeFen: 10_000_001, AfterFen: 10_000_001, Basis: "seed 003 第六条"},
			{Cap: "insurance_premium_per_enterprise", LimitFen: 30_000_000, BeforeFen: 10_000_001, AfterFen: 5_000_000, Basis: "seed 003 第六条"},
		},
		LedgerCaps: []domain.Cap{{ID: "insurance_premium_per_enterprise", Key: subsidyClaimant + "#insurance_premium",
			LimitFen: 30_000_000, MaxDistinct: 1, Distinct: "2022", Basis: "seed 003 第六条"}},
		Reasons: []domain.SubsidyReason{{Code: domain.ReasonReducedToCapRemaining, Basis: "seed 003 第六条",
			Item: subsidyClaimant + "#insurance_premium", MessageZH: "按剩余额度核定", MessageEN: "what remains is granted"}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", d, want)
	}
	if !d.DecidedAt.IsZero() || d.PolicyVersion != "" {
		t.Errorf("decided_at %v, policy_version %q: the caller fills them", d.DecidedAt, d.PolicyVersion)
	}
	if d.Reasons[0].Refuses() {
		t.Errorf("%s refuses, want a reduction only", d.Reasons[0].Code)
	}
}

func TestSubsidyDecisionWithoutPeriod(t *testing.T) {
	var d domain.SubsidyDecision
	in := `{"eligible": false, "programme": "pledge_reward", "period": null, "requested_fen": 0, "amount_fen": 0,
		"city_share_fen": 0, "district_share_fen": 0, "caps_applied": [], "ledger_caps": [],
		"reasons": [{"code": "no_programme_in_force", "basis": "seed 003 第十八条", "item": "2024-01-01", "message_zh": "无", "message_en": "none"}],
		"policy_version": "", "decided_at": null}`
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if d.Period != nil || d.Eligible || len(d.Reasons) != 1 || !d.Reasons[0].Refuses() {
		t.Errorf("decoded %+v", d)
	}
	if m := jsonObject(t, d); m["period"] != nil {
		t.Errorf("period %v, want null", m["period"])
	}
}

// A decision stored with its input (domain.StoredDecision) keeps every field through JSON, the
// decision's at the top level beside stage and input.
func TestStoredSubsidyDecisionRoundTrip(t *testing.T) {
	var d domain.SubsidyDecision
	if err := json.Unmarshal([]byte(policyAnswer), &d); err != nil {
		t.Fatal(err)
	}
	d.PolicyVersion, d.DecidedAt = "sha256:0123456789ab", time.Date(2022, 6, 1, 2, 3, 4, 0, time.UTC)
	stored := domain.StoredDecision{SubsidyDecision: d, Stage: "submission", Input: pledgeRewardFacts()}

	m := jsonObject(t, stored)
	for _, k := range []string{"eligible", "amount_fen", "caps_applied", "ledger_caps", "reasons", "policy_version", "decided_at", "stage", "input"} {
		if _, ok := m[k]; !ok {
			t.Errorf("stored decision has no %q: %v", k, sortedKeys(m))
		}
	}
	b, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	var back domain.StoredDecision
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, stored) {
		t.Errorf("round trip\n%+v\nwant\n%+v", back, stored)
	}
}

func TestSubsidyReasonRefuses(t *testing.T) {
	for code, refuses := range map[string]bool{
		domain.ReasonNoProgrammeInForce:    true,
		domain.ReasonOutsideJurisdiction:   true,
		domain.ReasonAgencySanctioned:      true,
		domain.ReasonCapExhausted:          true,
		domain.ReasonAlreadyClaimed:        true,
		domain.ReasonReducedToCap:          false,
		domain.ReasonReducedToCapRemaining: false,
	} {
		if got := (domain.SubsidyReason{Code: code}).Refuses(); got != refuses {
			t.Errorf("%s: Refuses() = %v, want %v", code, got, refuses)
		}
	}
}
