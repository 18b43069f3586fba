# METADATA
# title: Subsidy eligibility
# description: >-
#   May an entity receive subsidies of each family in a year, given the agencies that served it
#   and their sanctions of that year? The input is a domain.EligibilityInput as JSON; the engine
#   reads data.eligibility.decision. Blocks come from two places: an agency that had no accepted
#   filing (decided here, by data.eligibility.rule_sets keyed by effective_from), and the stored
#   sanctions, whose effects were decided by policies/sanctions and are applied here as stored.
#   The families, the agency-not-filed rule and every message template are data.
# scope: package
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3"
package eligibility

# METADATA
# title: Decision
# description: >-
#   {"families": {family: {"eligible", "reasons"}}} for every family of data.eligibility.families
#   (ip_subsidy, sci_tech_subsidy, patent_subsidy), always all of them and always defined, even
#   for an empty or malformed input. A family is eligible exactly when no reason blocks it;
#   reasons are every blocking reason, sorted so the same input always gives the same answer,
#   and empty (never null) when eligible.
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3"
decision := {"families": {f: family_decision(f) | some f in family_names}}

# METADATA
# title: Subsidy families
# description: The keys of data.eligibility.families, whose values are the families' names in zh and en.
# custom:
#   basis: "DOMAIN.md §3; API.md GET /v1/eligibility"
family_names := object.keys(data.eligibility.families)

# METADATA
# title: One family's answer
# description: Eligible when nothing blocks the family; otherwise every reason, sorted.
# custom:
#   basis: "DOMAIN.md §3"
family_decision(f) := {"eligible": count(reasons) == 0, "reasons": reasons} if {
	reasons := sort({r | some b in blocks; b[0] == f; r := b[1]})
}

# --- The input --------------------------------------------------------------------------------

# METADATA
# title: Input
# description: >-
#   The input when it is an object; anything else reads as an empty query, which nothing blocks
#   and which gives no builtin error.
# scope: document
# custom:
#   basis: "API.md Conventions"
default query := {}

query := input if is_object(input)

# METADATA
# title: Entity
# description: The USCC or resident ID of the entity asked about.
# custom:
#   basis: "API.md GET /v1/eligibility"
entity := object.get(query, "entity", "")

# METADATA
# title: Year
# description: >-
#   The year asked about. Only an integer year of four digits can match a sanction or select a
#   rule set; the handler validates it before asking.
# custom:
#   basis: "API.md GET /v1/eligibility; DOMAIN.md Time"
year := object.get(query, "year", 0)

# METADATA
# title: Valid year
# description: >-
#   The year asked about as an integer, when it is an integer year of four digits (2026.0 reads
#   as 2026); undefined otherwise, so nothing dated can match a malformed year.
# custom:
#   basis: "DOMAIN.md Time"
the_year := floor(year) if {
	is_number(year)
	year == floor(year)
	year >= 1000
	year <= 9999
}

# METADATA
# title: Agencies
# description: >-
#   The agencies that served the entity: those whose annual reports list it as a client and
#   those the caller named. A missing or null list is empty; entries that are not objects with a
#   USCC are dropped (nothing can be said about an agency without its code).
# custom:
#   basis: "DOMAIN.md §3: which entities did an agency serve?"
agencies := [a |
	some a in list_of(query, "agencies")
	is_object(a)
	is_string(a.uscc)
	a.uscc != ""
]

# METADATA
# title: Serving agencies' codes
# description: The USCCs of agencies, as a set.
# custom:
#   basis: "DOMAIN.md §3"
serving := {a.uscc | some a in agencies}

# METADATA
# title: A list field
# description: The field of an object when it is an array; empty when it is absent, null or anything else.
# scope: document
# custom:
#   basis: "API.md Conventions"
default list_of(_, _) := []

list_of(obj, key) := v if {
	v := object.get(obj, key, [])
	is_array(v)
}

# --- Rule: agency not filed -------------------------------------------------------------------

# METADATA
# title: Rule set in force
# description: >-
#   The entry of data.eligibility.rule_sets with the latest effective_from on or before 1
#   January of the year asked about; undefined (so the agency-not-filed rule does not apply)
#   when the year is not a valid year or precedes every entry.
# custom:
#   basis: "ARCHITECTURE.md: parameters are data keyed by effective dates"
rule_set := rs if {
	on := sprintf("%d-01-01", [the_year])
	froms := [r.effective_from | some r in data.eligibility.rule_sets; r.effective_from <= on]
	some rs in data.eligibility.rule_sets
	rs.effective_from == max(froms)
}

# METADATA
# title: Blocks
# description: >-
#   Pairs [family, reason]. Each rule below adds the blocks of one row of DOMAIN.md §3.
# scope: document
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3"
blocks contains [f, reason] if {
	# An agency that served the entity without an accepted filing blocks the families of the
	# rule for the year asked about. Only accepted_filing == true counts as filed: a missing or
	# malformed value fails closed.
	some a in agencies
	object.get(a, "accepted_filing", false) != true
	rule := rule_set.agency_not_filed
	some f in rule.families
	args := [a.uscc, the_year, data.eligibility.families[f].zh]
	args_en := [a.uscc, the_year, data.eligibility.families[f].en]
	reason := {
		"code": "agency_not_filed",
		"agency": a.uscc,
		"year": the_year,
		"basis": rule.basis,
		"message_zh": sprintf(rule.message_zh, args),
		"message_en": sprintf(rule.message_en, args_en),
	}
}

# --- Rule: sanctions --------------------------------------------------------------------------

blocks contains [f, reason] if {
	# A stored sanction blocks through its subsidy_block effects, as the sanctions policy decided
	# them, for the families each names.
	some s in sanctions_in_force
	some e in list_of(s, "effects")
	is_object(e)
	e.kind == "subsidy_block"
	scope := entities_of(e)
	reaches(scope, s)
	some f in list_of(e, "families")
	reason := sanction_reason(s, f, scope)
}

# METADATA
# title: Sanctions in force
# description: >-
#   The input's sanctions that apply to this query: their year of effect is the year asked
#   about, their agency served the entity, and no waiver lifted them. Only waived == true
#   waives: a missing or malformed value fails closed. The caller sends the sanctions of the
#   year; any other year is ignored here all the same.
# custom:
#   basis: "DOMAIN.md §3: a waiver is a new record that lifts the effect"
sanctions_in_force := [s |
	some s in list_of(query, "sanctions")
	is_object(s)
	s.year == the_year
	s.agency in serving
	object.get(s, "waived", false) != true
]

# METADATA
# title: Whom a block reaches
# description: >-
#   "affected" reaches only the entities listed in the sanction's affected_entities (the
#   applicants of seed 000 §二(二)5); anything else, "served" included, reaches every entity
#   the agency served, so a block whose scope is missing or unknown fails closed.
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5"
entities_of(e) := object.get(e, "entities", "served")

# METADATA
# title: Reaches the entity
# description: Whether a block of this scope reaches the entity asked about.
# scope: document
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5"
reaches(scope, _) if scope != "affected"

reaches("affected", s) if {
	entity != ""
	entity in list_of(s, "affected_entities")
}

# METADATA
# title: A sanction's reason
# description: >-
#   Names the sanction, its agency, its year of effect and its basis, in both languages. The
#   message template is data.eligibility.sanction_messages["served" or "affected"], filled with
#   the agency's USCC (%[1]s), the year (%[2]d), the family (%[3]s) and what the agency did
#   (%[4]s, from data.eligibility.trigger_labels).
# custom:
#   basis: "ARCHITECTURE.md: every reason a decision gives names its basis"
sanction_reason(s, f, scope) := {
	"code": code,
	"agency": s.agency,
	"trigger": code,
	"year": the_year,
	"basis": basis_of(s),
	"sanction_id": object.get(s, "id", ""),
	"message_zh": sprintf(template.zh, [s.agency, the_year, family.zh, label.zh]),
	"message_en": sprintf(template.en, [s.agency, the_year, family.en, label.en]),
} if {
	code := trigger_of(s)
	family := data.eligibility.families[f]
	label := trigger_label(code)
	template := message_template(scope)
}

# METADATA
# title: A sanction's trigger
# description: Its trigger; "sanction" when the record has none, so the block still shows.
# scope: document
# custom:
#   basis: "DOMAIN.md §3"
default trigger_of(_) := "sanction"

trigger_of(s) := s.trigger if {
	is_string(s.trigger)
	s.trigger != ""
}

# METADATA
# title: What the agency did
# description: >-
#   The trigger's words from data.eligibility.trigger_labels; a trigger without words is named
#   as it is, so a new trigger still gives a readable reason.
# scope: document
# custom:
#   basis: "DOMAIN.md §3"
default trigger_label(_) := {"zh": "受到处理", "en": "is under a sanction"}

trigger_label(t) := data.eligibility.trigger_labels[t]

# METADATA
# title: Message template
# description: The "affected" template for affected-only blocks, the "served" one otherwise.
# scope: document
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5"
message_template(scope) := data.eligibility.sanction_messages.affected if scope == "affected"

message_template(scope) := data.eligibility.sanction_messages.served if scope != "affected"

# METADATA
# title: A sanction's basis
# description: The basis stored with the sanction; DOMAIN.md §3 when the record has none.
# scope: document
# custom:
#   basis: "ARCHITECTURE.md: every reason a decision gives names its basis"
default basis_of(_) := "DOMAIN.md §3"

basis_of(s) := s.basis if {
	is_string(s.basis)
	s.basis != ""
}
