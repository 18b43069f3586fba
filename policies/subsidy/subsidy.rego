# METADATA
# title: Subsidy claim
# description: >-
#   Decides a claim under the Suzhou IP finance subsidy measures: whether the claimant may
#   receive the programme's subsidy for the event it claims for, how much (in whole fen), each
#   level's share, the caps applied, the caps the ledgers must hold across claims, and every
#   reason refusing or reducing it. The input is a domain.SubsidyFacts as JSON; the engine
#   reads data.subsidy.decision. Every parameter (periods of validity, jurisdiction, rates,
#   caps, shares, ledger keys, bases and wording) is data.subsidy, and a claim is judged by the
#   period in force on its event_date, so a new period of measures is a data change.
# scope: package
# custom:
#   basis: "seed 003 第一条–第十八条; DOMAIN.md §4"
package subsidy

# METADATA
# title: Decision
# description: >-
#   The one document the engine reads, always defined, even for an empty or malformed input.
#   amount_fen is 0 unless eligible; reasons is empty (never null) exactly when the claim is
#   granted in full. policy_version is "" and decided_at null: the caller stamps both (null, so
#   it decodes into a Go time.Time).
# custom:
#   basis: "seed 003 第一条–第十八条; DOMAIN.md §4; API.md Subsidy claim"
decision := {
	"eligible": eligible,
	"programme": programme,
	"period": period_out,
	"requested_fen": requested,
	"amount_fen": amount,
	"city_share_fen": amount - district_share,
	"district_share_fen": district_share,
	"caps_applied": caps_applied,
	"ledger_caps": ledger_caps,
	"reasons": reasons,
	"policy_version": "",
	"decided_at": null,
}

# METADATA
# title: Eligible
# description: No reason refuses the claim (reductions do not refuse).
# custom:
#   basis: "seed 003 第十二条; DOMAIN.md §4"
eligible := count(refusals) == 0

# METADATA
# title: Amount granted
# description: >-
#   The requested amount after every cap (the smallest of the requested amount and the room
#   each cap leaves); 0 when a reason refuses the claim.
# scope: document
# custom:
#   basis: "seed 003 第四条–第七条"
default amount := 0

amount := capped if eligible

# METADATA
# title: District share
# description: >-
#   The programme's district_share_bp of the amount (basis points), rounded down to the fen;
#   the city's share is the rest, so the shares always sum to the amount and the city pays an
#   odd fen (decision). 第五条 and 第六条 split 50/50; 第四条 and 第七条 name no split and are
#   paid wholly by the city from its special fund (第十三条; decision, in the data).
# scope: document
# custom:
#   basis: "seed 003 第五条、第六条、第十三条"
default district_share := 0

district_share := rated(amount, params.district_share_bp)

# --- The facts --------------------------------------------------------------------------------

# METADATA
# title: Facts
# description: The input when it is an object; anything else reads as no facts, which the policy refuses.
# scope: document
# custom:
#   basis: "API.md Conventions"
default facts := {}

facts := input if is_object(input)

# METADATA
# title: Programme
# description: pledge_reward, pledge_service_fee, insurance_premium or securitisation; "" when not a string.
# custom:
#   basis: "seed 003 第四条–第七条; API.md Subsidy claim"
programme := string_of(facts, "programme")

# METADATA
# title: Claimant
# description: The claimant object ({} when missing or malformed).
# custom:
#   basis: "seed 003 第二条、第九条"
claimant := object_of(facts, "claimant")

# METADATA
# title: Event
# description: The programme-specific event object ({} when missing or malformed); Go validated it.
# custom:
#   basis: "seed 003 第三条–第七条"
event := object_of(facts, "event")

# METADATA
# title: Event date
# description: >-
#   The date the claim is judged by (DOMAIN.md §4): the loan's disbursement, the last fee
#   payment, the premium's payment or the issue, as Go computed it. Only a YYYY-MM-DD string
#   counts (text order is then date order); anything else matches no period.
# custom:
#   basis: "DOMAIN.md §4"
event_date := d if {
	d := string_of(facts, "event_date")
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, d)
}

# METADATA
# title: Event year
# description: The year of the event date, as text; ledger keys and distinct values use it.
# custom:
#   basis: "seed 003 第五条、第六条"
event_year := substring(event_date, 0, 4)

# METADATA
# title: A string field
# description: The field when it is a string; "" otherwise.
# scope: document
# custom:
#   basis: "API.md Conventions"
default string_of(_, _) := ""

string_of(obj, key) := v if {
	v := object.get(obj, key, "")
	is_string(v)
}

# METADATA
# title: An object field
# description: The field when it is an object; {} otherwise.
# scope: document
# custom:
#   basis: "API.md Conventions"
default object_of(_, _) := {}

object_of(obj, key) := v if {
	v := object.get(obj, key, {})
	is_object(v)
}

# METADATA
# title: A list field
# description: The field when it is an array; [] when absent, null or anything else.
# scope: document
# custom:
#   basis: "API.md Conventions"
default list_of(_, _) := []

list_of(obj, key) := v if {
	v := object.get(obj, key, [])
	is_array(v)
}

# METADATA
# title: An amount in fen
# description: The field when it is a whole, non-negative number of fen; 0 otherwise.
# scope: document
# custom:
#   basis: "DOMAIN.md §4: all amounts are integers in fen"
default fen_of(_, _) := 0

fen_of(obj, key) := v if {
	v := object.get(obj, key, 0)
	is_number(v)
	v == floor(v)
	v >= 0
}

# METADATA
# title: A share in basis points
# description: >-
#   floor(x × bp / 10000) computed on integers (the remainder is taken off before dividing), so
#   1% of a loan and 50% of costs round down to the fen exactly, however large the amount.
# custom:
#   basis: "DOMAIN.md §4 (decision: rounding down to the fen)"
rated(x, bp) := floor((p - (p % 10000)) / 10000) if p := x * bp

# METADATA
# title: True only when true
# description: Whether a field is the boolean true; a missing or malformed flag reads as not true.
# custom:
#   basis: "API.md Conventions"
is_true(obj, key) if object.get(obj, key, false) == true

# --- The period in force ------------------------------------------------------------------------

# METADATA
# title: Periods of the programme
# description: >-
#   The entries of data.subsidy.periods that have parameters for the programme, whenever they
#   are in force.
# custom:
#   basis: "DOMAIN.md §4: programme parameters are data with a validity period"
programme_periods := [p | some p in data.subsidy.periods; is_object(p.programmes[programme])]

# METADATA
# title: Period in force
# description: >-
#   The period of the programme whose from and to (both included) hold the event date; if
#   periods overlap, the one that began last. Undefined when none does: no programme in force.
# custom:
#   basis: "seed 003 第十八条; DOMAIN.md §4"
period := p if {
	covering := [c | some c in programme_periods; c.from <= event_date; event_date <= c.to]
	latest := max({c.from | some c in covering})
	some p in covering
	p.from == latest
}

# METADATA
# title: Period as shown
# description: from, to and source of the period in force; null when no programme is in force.
# scope: document
# custom:
#   basis: "seed 003 第十八条"
default period_out := null

period_out := {"from": period.from, "to": period.to, "source": period.source}

# METADATA
# title: Programme parameters
# description: The programme's parameters in the period in force.
# custom:
#   basis: "seed 003 第四条–第七条"
params := period.programmes[programme]

# METADATA
# title: Programme name
# description: The programme's names from data.subsidy.programme_names; the code itself when it has none.
# scope: document
# custom:
#   basis: "API.md Subsidy claim"
programme_name := data.subsidy.programme_names[programme]

programme_name := {"zh": programme, "en": programme} if not data.subsidy.programme_names[programme]

# --- The amount ----------------------------------------------------------------------------------

# METADATA
# title: Base amount
# description: >-
#   What the rate applies to, read from the event as params.base says: one field (the loan,
#   the premium, the costs), or the sum of a field over a list (the fees).
# scope: document
# custom:
#   basis: "seed 003 第四条–第七条"
base_amount := fen_of(event, params.base.field) if not params.base.list

base_amount := sum([fen_of(f, params.base.field) | some f in list_of(event, params.base.list); is_object(f)]) if {
	params.base.list
}

# METADATA
# title: Requested amount
# description: >-
#   The base amount at the programme's rate (1% of the loan, 100% of fees and premium, 50% of
#   costs), rounded down to the fen, before any cap; 0 when no programme is in force.
# scope: document
# custom:
#   basis: "seed 003 第四条–第七条"
default requested := 0

requested := rated(base_amount, params.rate_bp)

# --- Caps ----------------------------------------------------------------------------------------

# METADATA
# title: Ledger caps
# description: >-
#   The caps the ledgers must enforce across claims when the claim is allocated (a
#   domain.Cap each), named by the programme's ledger_caps with their keys and distinct values
#   filled in. Given whenever the programme is in force, eligible or not, so a caller can read
#   the ledgers and decide again.
# scope: document
# custom:
#   basis: "seed 003 第四条–第七条; DOMAIN.md §4: caps are enforced across claims"
default ledger_caps := []

ledger_caps := [object.remove(c, {"exclusive"}) | some c in declared_ledger_caps]

# METADATA
# title: Ledger caps as declared
# description: >-
#   The programme's ledger_caps with {uscc}, {project_id}, {programme} and {year} (of the event
#   date) filled in, and whether each is exclusive: the ledger may hold its distinct value for
#   one claim only (第四条 限奖励一次, 第七条 一次性补贴), which this policy checks.
# custom:
#   basis: "seed 003 第四条–第七条"
declared_ledger_caps := [lc |
	some c in params.ledger_caps
	lc := {
		"cap": c.cap,
		"key": fill(c.key),
		"limit_fen": c.limit_fen,
		"max_distinct": c.max_distinct,
		"distinct": fill(c.distinct),
		"exclusive": object.get(c, "exclusive", false),
		"basis": c.basis,
	}
]

# METADATA
# title: Fill a ledger template
# description: Replaces {uscc}, {project_id}, {programme} and {year} in a key or distinct template.
# custom:
#   basis: "DOMAIN.md §4"
fill(template) := strings.replace_n(
	{
		"{uscc}": string_of(claimant, "uscc"),
		"{project_id}": string_of(event, "project_id"),
		"{programme}": programme,
		"{year}": event_year,
	},
	template,
)

# METADATA
# title: Ledger usage
# description: >-
#   What the input's ledger entries for a cap hold, merged if several: the amount used, the
#   distinct values held, and whether this claim is already counted there (a re-decision).
# custom:
#   basis: "DOMAIN.md §4: caps are enforced across claims"
usage(cap) := {"used_fen": sum(used), "distinct": distinct, "counted": true in counted} if {
	entries := [e | some e in list_of(facts, "ledger"); is_object(e); e.cap == cap]
	used := [fen_of(e, "used_fen") | some e in entries]
	distinct := {d | some e in entries; some d in list_of(e, "distinct"); is_string(d)}
	counted := [object.get(e, "counted", false) | some e in entries]
}

# METADATA
# title: Ledger caps that apply
# description: >-
#   The ledger caps with their usage, except those that already count this claim: a
#   re-decision is not counted against itself twice.
# custom:
#   basis: "DOMAIN.md §4"
open_ledger_caps := [[c, u] |
	some c in declared_ledger_caps
	u := usage(c.cap)
	not u.counted
]

# METADATA
# title: Amount caps in order
# description: >-
#   First the programme's per-claim caps, then the ledger caps with an amount limit that apply,
#   each with the room it leaves: a per-claim cap its limit, a ledger cap what remains of its
#   limit after what the ledger already holds (never below 0).
# custom:
#   basis: "seed 003 第四条–第七条"
steps := array.concat(
	[{"cap": c.cap, "limit_fen": c.limit_fen, "room": c.limit_fen, "basis": c.basis, "ledger": false} |
		some c in params.claim_caps
	],
	[{"cap": c.cap, "limit_fen": c.limit_fen, "room": max([0, c.limit_fen - u.used_fen]), "used_fen": u.used_fen, "key": c.key, "basis": c.basis, "ledger": true} |
		some [c, u] in open_ledger_caps
		c.limit_fen > 0
	],
)

# METADATA
# title: Before a cap
# description: The amount before step i, which is the requested amount after the caps before it.
# custom:
#   basis: "seed 003 第四条–第七条"
before(i) := min(array.concat([requested], [s.room | some j, s in steps; j < i]))

# METADATA
# title: Caps applied
# description: >-
#   Every amount cap the claim went through, in order, with its limit and the amount before and
#   after it (after < before when it bit); [] when no programme is in force.
# scope: document
# custom:
#   basis: "seed 003 第四条–第七条; API.md Subsidy claim"
default caps_applied := []

caps_applied := [a |
	some i, s in steps
	b := before(i)
	a := {"cap": s.cap, "limit_fen": s.limit_fen, "before_fen": b, "after_fen": min([b, s.room]), "basis": s.basis}
]

# METADATA
# title: Capped amount
# description: The requested amount after every cap.
# scope: document
# custom:
#   basis: "seed 003 第四条–第七条"
default capped := 0

capped := min(array.concat([requested], [s.room | some s in steps]))

# --- Reasons -------------------------------------------------------------------------------------

# METADATA
# title: Reasons
# description: >-
#   Every refusal, in the order of the checks below (then by content, so the same facts always
#   give the same list); when nothing refuses, every reduction. A reduction is not listed
#   beside a refusal: nothing is granted to be reduced.
# scope: document
# custom:
#   basis: "API.md Subsidy claim; ARCHITECTURE.md: every reason names its basis"
reasons := [r | some pair in sort(refusals); r := pair[1]] if count(refusals) > 0

reasons := [r | some pair in sort(reductions); r := pair[1]] if count(refusals) == 0

# METADATA
# title: A reason
# description: >-
#   A reason object: code, basis and both messages from data.subsidy.messages[code] filled with
#   args; extra adds the agency or item concerned, when not empty.
# custom:
#   basis: "ARCHITECTURE.md: every reason names its basis, in both languages"
reason(code, basis, args_zh, args_en, extra) := object.union({k: v | some k, v in extra; v != ""}, {
	"code": code,
	"basis": basis,
	"message_zh": sprintf(data.subsidy.messages[code].zh, args_zh),
	"message_en": sprintf(data.subsidy.messages[code].en, args_en),
})

# METADATA
# title: Refusals
# description: >-
#   Pairs [order, reason]. With no programme in force only that reason is given: the measures'
#   other articles are not in force either. Otherwise each rule below is one check of the
#   measures.
# scope: document
# custom:
#   basis: "seed 003 第二条、第六条、第九条、第十条、第十二条、第十五条、第十八条"
refusals contains [0, r] if {
	not period
	r := reason(
		"no_programme_in_force",
		no_programme_basis,
		[programme_name.zh, event_date_shown, periods_shown("zh", "至")],
		[programme_name.en, event_date_shown, periods_shown("en", " to ")],
		{"item": event_date_shown},
	)
}

refusals contains [10, r] if {
	# 第二条: registered within the period's jurisdiction.
	period
	not within_jurisdiction
	j := period.jurisdiction
	d := string_of(claimant, "district_code")
	r := reason("outside_jurisdiction", j.basis, [d, j.zh, jurisdiction_list], [d, j.en, jurisdiction_list], {"item": d})
}

refusals contains [20, r] if {
	# 第九条: registered on the city's IP finance service platform.
	period
	not is_true(claimant, "finance_platform_registered")
	b := period.bases.not_registered_on_platform
	r := reason("not_registered_on_platform", b, [period.platform.zh], [period.platform.en], {})
}

refusals contains [30, r] if {
	# 第六条: the premium subsidy is for key enterprises.
	params.key_enterprise_only == true
	not is_true(claimant, "key_enterprise")
	r := reason("not_key_enterprise", params.key_enterprise_basis, [programme_name.zh], [programme_name.en], {})
}

refusals contains [40, r] if {
	# 第十二条(一): ownership of the IP disputed. Only false is clean.
	period
	object.get(facts, "ownership_disputed", null) != false
	r := reason("ownership_disputed", period.bases.ownership_disputed, [], [], {})
}

refusals contains [50, r] if {
	# 第十二条(二): a serious or relatively serious dishonesty record.
	period
	credit_level in period.credit.refused_levels
	name := data.subsidy.credit_level_names[credit_level]
	r := reason("dishonesty_record", period.bases.dishonesty_record, [name.zh], [name.en], {"item": credit_level})
}

refusals contains [50, r] if {
	# 第十二条(二) again: no review result at all fails closed.
	period
	not credit_level in period.credit.refused_levels
	not credit_level in period.credit.accepted_levels
	r := reason("credit_unknown", period.bases.dishonesty_record, [credit_level], [credit_level], {})
}

refusals contains [60, r] if {
	# 第十五条: the credit commitment is required.
	period
	not is_true(facts, "credit_commitment")
	r := reason("no_credit_commitment", period.bases.no_credit_commitment, [], [], {})
}

refusals contains [70, r] if {
	# 第十五条 (a false commitment) and 第十条 (a recovered premium subsidy) disqualify. Only
	# false is clean.
	period
	object.get(facts, "false_commitment", null) != false
	r := reason("disqualified", period.bases.disqualified, [], [], {})
}

refusals contains [80, r] if {
	# 第十二条(三): other rules exclude it — a seed 000 sanction on an agency the claim names or
	# that served the claimant, as the eligibility policy gave it.
	period
	some b in list_of(facts, "agency_blocks")
	is_object(b)
	r := agency_reason(b)
}

refusals contains [90, r] if {
	period
	requested <= 0
	r := reason("no_amount", params.basis, [], [], {})
}

refusals contains [100, r] if {
	# A ledger cap counting claims (限奖励一次, 累计不超过2年, 限补贴1年) is reached.
	some [c, u] in open_ledger_caps
	already_claimed(c, u)
	held := concat(", ", sort(u.distinct))
	args := [programme_name.zh, c.key, held, c.max_distinct]
	args_en := [programme_name.en, c.key, held, c.max_distinct]
	r := reason("already_claimed", c.basis, args, args_en, {"item": c.key})
}

refusals contains [110, r] if {
	# Nothing remains under a ledger cap's amount limit.
	some s in steps
	s.ledger
	s.room == 0
	args := [programme_name.zh, yuan(s.limit_fen), s.key, yuan(s.used_fen)]
	args_en := [programme_name.en, yuan(s.limit_fen), s.key, yuan(s.used_fen)]
	r := reason("cap_exhausted", s.basis, args, args_en, {"item": s.key})
}

# METADATA
# title: Already claimed
# description: >-
#   A ledger cap counting distinct values refuses when this claim's value is new and the ledger
#   already holds max_distinct of them; an exclusive cap refuses as soon as the ledger holds
#   anything (an amount or a value) for another claim.
# scope: document
# custom:
#   basis: "seed 003 第四条、第五条、第六条、第七条"
already_claimed(c, u) if {
	c.max_distinct > 0
	not c.distinct in u.distinct
	count(u.distinct) >= c.max_distinct
}

already_claimed(c, u) if {
	c.exclusive == true
	c.distinct in u.distinct
}

already_claimed(c, u) if {
	c.exclusive == true
	u.used_fen > 0
}

# METADATA
# title: Reductions
# description: >-
#   Pairs [order, reason] for every cap that bit: reduced_to_cap for a per-claim cap,
#   reduced_to_cap_remaining for a ledger cap with some room left. Listed only when nothing
#   refuses.
# scope: document
# custom:
#   basis: "seed 003 第四条–第七条"
reductions contains [o, r] if {
	some i, s in steps
	o := 200 + i
	not s.ledger
	a := caps_applied[i]
	a.after_fen < a.before_fen
	args := [yuan(a.before_fen), yuan(a.limit_fen), programme_name.zh]
	args_en := [yuan(a.before_fen), yuan(a.limit_fen), programme_name.en]
	r := reason("reduced_to_cap", s.basis, args, args_en, {"item": s.cap})
}

reductions contains [o, r] if {
	some i, s in steps
	o := 200 + i
	s.ledger
	s.room > 0
	a := caps_applied[i]
	a.after_fen < a.before_fen
	args := [programme_name.zh, yuan(s.limit_fen), yuan(s.used_fen), s.key, yuan(a.after_fen)]
	args_en := [programme_name.en, yuan(s.limit_fen), yuan(s.used_fen), s.key, yuan(a.after_fen)]
	r := reason("reduced_to_cap_remaining", s.basis, args, args_en, {"item": s.key})
}

# --- Helpers of the checks -----------------------------------------------------------------------

# METADATA
# title: Within the jurisdiction
# description: The claimant's district is listed in the period's jurisdiction or starts with one of its prefixes.
# scope: document
# custom:
#   basis: "seed 003 第二条"
within_jurisdiction if string_of(claimant, "district_code") in list_of(period.jurisdiction, "districts")

within_jurisdiction if {
	d := string_of(claimant, "district_code")
	some p in list_of(period.jurisdiction, "prefixes")
	is_string(p)
	p != ""
	startswith(d, p)
}

# METADATA
# title: The jurisdiction listed
# description: The districts and prefixes (as "3205xx") of the period's jurisdiction, for messages.
# custom:
#   basis: "seed 003 第二条"
jurisdiction_list := concat(", ", array.concat(
	list_of(period.jurisdiction, "districts"),
	[sprintf("%sxx", [p]) | some p in list_of(period.jurisdiction, "prefixes")],
))

# METADATA
# title: Credit level
# description: The level of the credit review (none, minor, relatively_serious, serious); null when missing.
# custom:
#   basis: "seed 003 第十二条(二)"
credit_level := object.get(object_of(facts, "credit"), "level", null)

# METADATA
# title: An agency's block as a reason
# description: >-
#   The block's agency, trigger (as item) and messages as the eligibility policy gave them, with
#   its basis followed by the measures' own (第十二条(三)); a block without messages gets the
#   data template naming the agency and year.
# scope: document
# custom:
#   basis: "seed 003 第十二条(三); seed 000 §二(二)1 and §二(二)5"
agency_reason(b) := object.union(generic, given) if {
	agency := string_of(b, "agency")
	year := object.get(b, "year", event_year)
	generic := reason("agency_sanctioned", agency_basis(b), [agency, year], [agency, year], {"agency": agency})
	given := {k: v |
		some [k, field] in [["item", "trigger"], ["message_zh", "message_zh"], ["message_en", "message_en"]]
		v := string_of(b, field)
		v != ""
	}
}

# METADATA
# title: An agency block's basis
# description: The block's own basis, then the measures' 第十二条(三).
# scope: document
# custom:
#   basis: "seed 003 第十二条(三)"
default agency_basis(_) := ""

agency_basis(b) := concat("; ", [x | some x in [string_of(b, "basis"), period.bases.agency_sanctioned]; x != ""])

# METADATA
# title: The event date as shown
# description: The event date as given (when a string), for messages.
# custom:
#   basis: "DOMAIN.md §4"
event_date_shown := string_of(facts, "event_date")

# METADATA
# title: When the programme was in force
# description: >-
#   Every period of the programme as "from to to (source)", for the no_programme_in_force
#   message; data.subsidy.messages.no_period when it never was.
# scope: document
# custom:
#   basis: "seed 003 第十八条"
periods_shown(lang, sep) := concat("; ", shown) if {
	shown := [sprintf("%s%s%s (%s)", [p.from, sep, p.to, p.source]) | some p in programme_periods]
	count(shown) > 0
}

periods_shown(lang, _) := data.subsidy.messages.no_period[lang] if count(programme_periods) == 0

# METADATA
# title: Basis of no programme in force
# description: The sources of the programme's periods; DOMAIN.md §4 when it has none.
# scope: document
# custom:
#   basis: "seed 003 第十八条; DOMAIN.md §4"
no_programme_basis := concat("; ", {p.source | some p in programme_periods}) if count(programme_periods) > 0

no_programme_basis := "DOMAIN.md §4" if count(programme_periods) == 0

# METADATA
# title: Fen as yuan
# description: An amount in fen written as yuan with two decimals, for messages.
# custom:
#   basis: "DOMAIN.md §4"
yuan(fen) := sprintf("%d.%02d", [floor(fen / 100), fen % 100])
