package policy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/claims"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/eligibility"
	"github.com/jsipa/ips/shared/filing"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/reporting"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/testkit"
	"github.com/jsipa/ips/shared/validate"
	"github.com/jsipa/ips/shared/violations"
)

// The fuzz targets here feed the input builders — the code that turns a validated request and
// what the store holds into a policy's input — with arbitrary valid requests, and hold each
// decision to what its callers rely on. A decision the engine cannot make is a 500 for the
// caller, so "no engine error" is the first check; the policy may refuse (fail closed), but
// only with reasons that name their legal basis. Each decision is also replayed from its input
// as JSON, as a stored decision would be.

// world is a store with three agencies of 江阴 — one sanctioned (a poor-credit violation of
// 2026), one clean, both on the register, and one never filed — and the services over it.
type world struct {
	engine                        *policy.Engine
	store                         *sqlite.Store
	clock                         *domain.SettableClock
	claims                        *claims.Service
	eligibility                   *eligibility.Service
	violations                    *violations.Service
	reporting                     *reporting.Service
	sanctioned, clean, neverFiled string
}

const jiangyin = "320281"

// lazyWorld gives a fuzz target its world, built on first use in the target's temporary folder
// and closed with it: the coordinating process, which runs no input, never builds one, and each
// worker process builds its own once.
func lazyWorld(f *testing.F) func(*testing.T) *world {
	dir := f.TempDir()
	var (
		once sync.Once
		w    *world
		err  error
	)
	f.Cleanup(func() {
		if w != nil {
			w.store.Close()
		}
	})
	return func(t *testing.T) *world {
		t.Helper()
		once.Do(func() { w, err = newWorld(dir) })
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
}

func newWorld(dir string) (*world, error) {
	ctx := context.Background()
	engine, err := policy.Load(ctx)
	if err != nil {
		return nil, err
	}
	store, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	clock := &domain.SettableClock{}
	clock.Set(time.Date(2027, 3, 1, 10, 0, 0, 0, domain.Shanghai), true)
	w := &world{engine: engine, store: store, clock: clock,
		claims:      claims.New(store, engine, engine, clock),
		eligibility: eligibility.New(store, engine, engine, clock),
		violations:  violations.New(store, engine, engine, clock),
		reporting:   reporting.New(store, engine, engine, clock),
	}
	codes := make([]string, 3)
	for i := range codes {
		if codes[i], err = validate.ComposeUSCC("91"+jiangyin, fmt.Sprintf("MA2FC%03d", i)); err != nil {
			return nil, err
		}
	}
	w.sanctioned, w.clean, w.neverFiled = codes[0], codes[1], codes[2]
	officer := domain.Principal{Role: domain.RoleCityOfficer, Subject: "officer@" + jiangyin, Division: jiangyin}
	filings := filing.New(store, engine, clock)
	for _, code := range codes[:2] {
		var body domain.AgencyFiling
		raw, _ := json.Marshal(testkit.AgencyFiling(code, "江阴模糊测试代理有限公司"+code[12:], jiangyin))
		if err := validate.Request(raw, &body); err != nil {
			return nil, fmt.Errorf("filing of %s: %w", code, err)
		}
		if _, err := filings.File(ctx, domain.Principal{Role: domain.RoleAgency, Subject: code}, body); err != nil {
			return nil, fmt.Errorf("filing of %s: %w", code, err)
		}
		if _, err := filings.Review(ctx, officer, code, filing.ReviewInput{Outcome: "accept"}); err != nil {
			return nil, fmt.Errorf("accepting %s: %w", code, err)
		}
	}
	in := w.violations.NewRecordInput()
	in.Kind, in.Year, in.Detail = domain.TriggerPoorCredit, 2026, "被列入严重失信名单"
	rec, err := w.violations.Record(ctx, officer, w.sanctioned, in, "")
	if err != nil {
		return nil, fmt.Errorf("recording the violation: %w", err)
	}
	if len(rec.Sanctions) == 0 {
		return nil, fmt.Errorf("the poor-credit violation produced no sanction, so the fuzzing would never meet one")
	}
	return w, nil
}

// pick returns s when ok(s), else one of the fallbacks chosen by s, so that arbitrary text still
// lands on valid values while text that is valid is used as it is.
func pick(s string, ok func(string) bool, fallbacks ...string) string {
	if ok(s) {
		return s
	}
	return fallbacks[len(s)%len(fallbacks)]
}

// within maps v onto lo..hi, keeping it when it is already there.
func within(v, lo, hi int) int {
	if v >= lo && v <= hi {
		return v
	}
	n := hi - lo + 1
	return lo + (v%n+n)%n
}

func clampFen(v, max int64) int64 {
	if v >= 1 && v <= max {
		return v
	}
	r := v % max
	if r < 0 {
		r += max
	}
	return r + 1
}

var counties = []string{"320508", "320505", "320506", "320507", "320571", jiangyin, "320102", "320583", "321002"}

// claimOf builds a claim of one programme from fuzzed fields, nudged into what validation takes.
func (w *world) claimOf(programme uint8, amountA, amountB int64, y uint16, m, d uint8, district string,
	key, registered, disputed, commitment bool, agencies uint8, text string) domain.ClaimBody {
	day := domain.Date{Year: 2018 + int(y%12), Month: time.Month(1 + m%12), Day: 1 + int(d%28)}
	name := pick(text, func(s string) bool { return s != "" && len(s) <= 64 && validate.NoControl(s) }, "苏州银行", "x", "'; DROP TABLE claims;--")
	b := domain.ClaimBody{
		Programme: []string{domain.ProgrammePledgeReward, domain.ProgrammePledgeServiceFee, domain.ProgrammeInsurancePremium, domain.ProgrammeSecuritisation}[programme%4],
		Claimant: domain.Claimant{USCC: "91320508MA1CL0012P", Name: "苏州姑苏智造科技有限公司",
			DistrictCode: pick(district, validate.JiangsuCounty, counties...), KeyEnterprise: key, FinancePlatformRegistered: registered},
		OwnershipDisputed: disputed, CreditCommitment: commitment,
	}
	fen := func(v int64) *int64 { return &v }
	switch b.Programme {
	case domain.ProgrammePledgeReward:
		b.Event = domain.ClaimEvent{LoanFen: fen(clampFen(amountA, 100_000_000_000_000)), DisbursedOn: day, Lender: name,
			PledgeRegistrationNo: "Y2022320000123", PledgedIP: []string{name}}
	case domain.ProgrammePledgeServiceFee:
		b.Event = domain.ClaimEvent{Fees: []domain.Fee{
			{Kind: "guarantee", AmountFen: fen(clampFen(amountA, 100_000_000_000)), PaidOn: day, InvoiceNo: name},
			{Kind: []string{"valuation", "other", "guarantee"}[m%3], AmountFen: fen(clampFen(amountB, 100_000_000_000)),
				PaidOn: domain.Date{Year: day.Year, Month: time.Month(1 + d%12), Day: 1 + int(m%28)}, InvoiceNo: "INV-2"},
		}}
	case domain.ProgrammeInsurancePremium:
		b.Event = domain.ClaimEvent{PremiumFen: fen(clampFen(amountA, 100_000_000_000)), PaidOn: day, PolicyNo: name}
	case domain.ProgrammeSecuritisation:
		b.Event = domain.ClaimEvent{CostsFen: fen(clampFen(amountA, 100_000_000_000_000)), IssuedOn: day, ProjectID: name}
	}
	for i, code := range []string{w.sanctioned, w.clean, w.neverFiled} {
		if agencies&(1<<i) != 0 {
			b.Agencies = append(b.Agencies, domain.ClaimAgency{USCC: code, Role: []string{"guarantor", "valuer", "agent"}[i]})
		}
	}
	return b
}

// FuzzSubsidyDecisionOfAClaim evaluates fuzzed claims (POST /v1/subsidy-evaluations): the claim
// service gathers the facts — credit, disqualification, the agencies' blocks, the ledgers — and
// the subsidy policy decides.
func FuzzSubsidyDecisionOfAClaim(f *testing.F) {
	fuzzWorld := lazyWorld(f)
	f.Add(uint8(0), int64(500_000_000), int64(0), uint16(4), uint8(4), uint8(19), "320508", true, true, false, true, uint8(0), "苏州银行")
	f.Add(uint8(1), int64(3_000_000), int64(1_000_001), uint16(4), uint8(2), uint8(0), "320505", false, true, false, true, uint8(2), "INV-1")
	f.Add(uint8(2), int64(10_000_001), int64(0), uint16(5), uint8(4), uint8(0), "320583", true, true, false, true, uint8(1), "P-1")
	f.Add(uint8(3), int64(100_000_000_000_000), int64(0), uint16(3), uint8(5), uint8(0), jiangyin, true, false, true, false, uint8(7), "ABS-2022-1")
	f.Add(uint8(0), int64(-1), int64(-1), uint16(65535), uint8(255), uint8(255), "../../etc/passwd", false, false, false, true, uint8(4), "\x00")
	f.Fuzz(func(t *testing.T, programme uint8, amountA, amountB int64, y uint16, m, d uint8, district string,
		key, registered, disputed, commitment bool, agencies uint8, text string) {
		w := fuzzWorld(t)
		body := w.claimOf(programme, amountA, amountB, y, m, d, district, key, registered, disputed, commitment, agencies, text)
		// Without the commitment validation refuses the claim (is_true) before any decision;
		// every other claim the builder makes must be valid, or the fuzzing tests nothing.
		if err := validate.Struct(&body); err != nil {
			if commitment {
				t.Fatalf("the builder made an invalid claim %+v: %v", body, err)
			}
			return
		}
		ctx := context.Background()
		got, err := w.claims.Evaluate(ctx, domain.Principal{Role: domain.RoleEnterprise, Subject: body.Claimant.USCC}, body)
		if err != nil {
			t.Fatalf("evaluating %+v: %v", body, err)
		}
		d0 := got.SubsidyDecision
		switch {
		case d0.Reasons == nil || d0.CapsApplied == nil:
			t.Fatalf("null lists in %+v", d0)
		case d0.CityShareFen+d0.DistrictShareFen != d0.AmountFen || d0.CityShareFen < 0 || d0.DistrictShareFen < 0:
			t.Fatalf("shares %d + %d for an amount of %d", d0.CityShareFen, d0.DistrictShareFen, d0.AmountFen)
		case !d0.Eligible && d0.AmountFen != 0, d0.AmountFen < 0, d0.AmountFen > d0.RequestedFen:
			t.Fatalf("eligible %v, %d fen granted of %d requested", d0.Eligible, d0.AmountFen, d0.RequestedFen)
		case d0.PolicyVersion != w.engine.Version() || d0.DecidedAt.IsZero():
			t.Fatalf("decision without its policy version or time: %q %v", d0.PolicyVersion, d0.DecidedAt)
		}
		refusing := false
		for _, r := range d0.Reasons {
			if r.Code == "" || r.Basis == "" || r.MessageZH == "" || r.MessageEN == "" || strings.Contains(r.MessageZH+r.MessageEN, "%!") {
				t.Fatalf("reason %+v lacks its code, basis or a message", r)
			}
			refusing = refusing || r.Refuses()
		}
		if refusing == d0.Eligible {
			t.Fatalf("eligible %v with reasons %+v", d0.Eligible, d0.Reasons)
		}
		// A claim naming an agency never filed is blocked (seed 003 第十二条(三), seed 000 §二(二)1),
		// and so is one out of any programme's period.
		if agencies&0b100 != 0 && d0.Eligible {
			t.Fatalf("eligible though it names %s, never filed: %+v", w.neverFiled, d0)
		}
		// Replay: the stored input, as JSON, decides the same again.
		raw, err := json.Marshal(got.Input)
		if err != nil {
			t.Fatal(err)
		}
		var input domain.SubsidyFacts
		if err := json.Unmarshal(raw, &input); err != nil {
			t.Fatal(err)
		}
		var replayed domain.SubsidyDecision
		if err := w.engine.Decide(ctx, policy.QuerySubsidy, input, &replayed); err != nil {
			t.Fatalf("replaying %s: %v", raw, err)
		}
		d0.PolicyVersion, d0.DecidedAt = "", time.Time{}
		if !reflect.DeepEqual(normalSubsidy(replayed), normalSubsidy(d0)) {
			t.Fatalf("replayed input %s decides %+v, first %+v", raw, replayed, d0)
		}
	})
}

// normalSubsidy makes empty lists compare equal however they were decoded.
func normalSubsidy(d domain.SubsidyDecision) string {
	b, _ := json.Marshal(d)
	return strings.NewReplacer("null", "[]").Replace(string(b))
}

// FuzzEligibilityOfAQuery asks the eligibility decision about fuzzed entities, years and
// agencies (GET /v1/eligibility): the service reads filings, report links, sanctions and
// waivers into the input, and the answer must cover every family.
func FuzzEligibilityOfAQuery(f *testing.F) {
	fuzzWorld := lazyWorld(f)
	f.Add("91320508MA1CL0012P", 2026, "0,1")
	f.Add("320102199001011234", 2027, "2")
	f.Add("11010519491231002X", 2000, "")
	f.Add("'; DROP TABLE sanctions;--", -2147483648, "../../etc/passwd,\x00,0,0,0")
	f.Fuzz(func(t *testing.T, entity string, year int, agencies string) {
		w := fuzzWorld(t)
		q := eligibility.Query{
			Entity: pick(entity, func(s string) bool { return validate.USCC(s) || validate.ResidentID(s) },
				"91320508MA1CL0012P", "320102199001011234", w.clean),
			Year: within(year, 2000, 2028),
		}
		known := []string{w.sanctioned, w.clean, w.neverFiled}
		if agencies != "" {
			for i, a := range strings.Split(agencies, ",") {
				if i == eligibility.MaxAgencies {
					break
				}
				q.Agencies = append(q.Agencies, pick(a, validate.USCC, known...))
			}
		}
		ctx := context.Background()
		res, err := w.eligibility.Decide(ctx, q)
		if err != nil {
			t.Fatalf("deciding %+v: %v", q, err)
		}
		if len(res.Families) != len(domain.SubsidyFamilies) {
			t.Fatalf("%d families answered, want %d: %+v", len(res.Families), len(domain.SubsidyFamilies), res.Families)
		}
		for _, fam := range domain.SubsidyFamilies {
			fe, ok := res.Families[fam]
			if !ok || fe.Reasons == nil || fe.Eligible != (len(fe.Reasons) == 0) {
				t.Fatalf("family %s: %+v", fam, fe)
			}
			for _, r := range fe.Reasons {
				if r.Basis == "" || r.MessageZH == "" || r.MessageEN == "" || !slices.Contains(q.Agencies, r.Agency) {
					t.Fatalf("reason %+v lacks its basis or message, or names an agency the query did not", r)
				}
			}
		}
		// An agency never filed blocks the IP subsidies (seed 000 §二(二)1) once the rules are in force.
		if slices.Contains(q.Agencies, w.neverFiled) && q.Year >= firstEligibilityYear() && res.Families[domain.FamilyIPSubsidy].Eligible {
			t.Fatalf("ip_subsidy eligible though %s was never filed", w.neverFiled)
		}
	})
}

// FuzzSanctionsOfAViolation takes fuzzed violations (POST /v1/agencies/{uscc}/violations) and
// missed reports (the 31 January run) through their facts to the sanctions policy; every
// sanction it decides must make a sanction record, as the services store it.
func FuzzSanctionsOfAViolation(f *testing.F) {
	fuzzWorld := lazyWorld(f)
	for _, k := range []string{"sci_tech_project_services", "abnormal_patent_applications", "plagiarism", "poor_credit",
		"poor_service", "unfair_competition", "refused_correction", "report_not_on_time", "admin"} {
		f.Add(k, 2026, "91320508MA1CL0012P,320102199001011234", false)
	}
	f.Add("poor_credit", 2000, "", true)
	f.Fuzz(func(t *testing.T, kind string, year int, entities string, missedReport bool) {
		w := fuzzWorld(t)
		in := w.violations.NewRecordInput()
		in.Kind, in.Year, in.Detail = domain.Trigger(kind), within(year, 2000, 2027), "违规情况"
		if entities != "" {
			for _, e := range strings.Split(entities, ",") {
				in.AffectedEntities = append(in.AffectedEntities, pick(e, func(s string) bool { return validate.USCC(s) || validate.ResidentID(s) },
					"91320508MA1CL0012P", "320102199001011234"))
			}
		}
		var facts domain.SanctionFacts
		if missedReport {
			facts = domain.SanctionFacts{Agency: w.clean, Trigger: domain.TriggerReportNotOnTime, Year: in.Year}
		} else {
			if validate.Struct(&in) != nil {
				return // refused before any decision
			}
			v := domain.Violation{Agency: w.clean, Kind: in.Kind, Year: in.Year, AffectedEntities: in.AffectedEntities}
			facts = v.Facts()
		}
		var d domain.SanctionDecision
		if err := w.engine.Decide(context.Background(), policy.QuerySanctions, facts, &d); err != nil {
			t.Fatalf("deciding %+v: %v", facts, err)
		}
		if len(d.Sanctions) == 0 && facts.Year >= firstSanctionYear() {
			t.Fatalf("no sanction for %+v, a trigger validation accepted in a year the rules are in force", facts)
		}
		for _, ds := range d.Sanctions {
			if ds.Trigger != facts.Trigger || ds.Basis == "" || ds.MessageZH == "" || ds.MessageEN == "" {
				t.Fatalf("sanction %+v for %+v", ds, facts)
			}
			if _, err := domain.NewSanction(facts, ds, "ref", w.engine.Version(), domain.Actor{Role: domain.RoleCityOfficer, Subject: "o"}, w.clock.Now()); err != nil {
				t.Fatalf("sanction %+v of %+v cannot be stored: %v", ds, facts, err)
			}
		}
	})
}

// firstYear is the year the earliest rule set of a policy's data takes effect; for a year
// before it the policy rightly decides nothing, having no rules in force.
func firstYear(policyData string) int {
	raw, err := os.ReadFile("../../policies/" + policyData)
	if err != nil {
		panic(err)
	}
	var data struct {
		RuleSets []struct {
			EffectiveFrom string `json:"effective_from"`
		} `json:"rule_sets"`
	}
	if err := json.Unmarshal(raw, &data); err != nil || len(data.RuleSets) == 0 {
		panic(fmt.Sprintf("%s: no rule sets (%v)", policyData, err))
	}
	first := 9999
	for _, rs := range data.RuleSets {
		d, err := domain.ParseDate(rs.EffectiveFrom)
		if err != nil {
			panic(err)
		}
		first = min(first, d.Year)
	}
	return first
}

var (
	firstSanctionYear    = sync.OnceValue(func() int { return firstYear("sanctions/data.json") })
	firstEligibilityYear = sync.OnceValue(func() int { return firstYear("eligibility/data.json") })
)

// FuzzAssessmentAndReportParameters takes fuzzed final assessments of a cluster zone (POST
// /v1/clusters/{id}/assessments) to the assessment policy, whose unknown status the zone
// service answers with a 500, and asks the annual report parameters in force on the day.
func FuzzAssessmentAndReportParameters(f *testing.F) {
	fuzzWorld := lazyWorld(f)
	for _, o := range []string{"excellent", "pass", "fail", "FAIL", ""} {
		f.Add(o, 0, int64(1_800_000_000))
	}
	f.Add("fail", 1, int64(1_900_000_000))
	f.Add("fail", -7, int64(-1))
	f.Fuzz(func(t *testing.T, outcome string, fails int, unix int64) {
		w := fuzzWorld(t)
		b := domain.AssessmentBody{Outcome: outcome}
		if validate.Struct(&b) != nil {
			return
		}
		// Instants from 2021 to 2040, where zones exist.
		const from, span = 1_609_459_200, 20 * 365 * 24 * 3600
		at := time.Unix(from+(unix%span+span)%span, 0).In(domain.Shanghai)
		facts := domain.AssessmentFacts{Outcome: b.Outcome, PreviousFails: within(fails, 0, 5), AssessedAt: at}
		var d domain.AssessmentDecision
		if err := w.engine.Decide(context.Background(), policy.QueryClusterAssessment, facts, &d); err != nil {
			t.Fatalf("deciding %+v: %v", facts, err)
		}
		want := map[string]string{"excellent": domain.AssessmentStatusExcellent, "pass": domain.AssessmentStatusPassed}[b.Outcome]
		if b.Outcome == "fail" {
			want = domain.AssessmentStatusRectification
			if facts.PreviousFails > 0 {
				want = domain.AssessmentStatusRevoked
			}
		}
		if d.Status != want || d.KeepsTitle != (want != domain.AssessmentStatusRevoked) || d.Basis == "" || d.MessageZH == "" {
			t.Fatalf("%+v decided %+v, want status %s", facts, d, want)
		}
		due, ok := d.RectifyByTime()
		if ok != (want == domain.AssessmentStatusRectification) || (ok && !due.After(at)) {
			t.Fatalf("%+v: rectify by %q", facts, d.RectifyBy)
		}
		params, err := w.reporting.Parameters(context.Background(), domain.DateOf(at))
		if err != nil || params.Basis == "" {
			t.Fatalf("report parameters on %s: %+v, %v", domain.DateOf(at), params, err)
		}
	})
}
