# METADATA
# title: Sanctions
# description: >-
#   Turns one fact about an IP service agency (a report not submitted on time, or a violation an
#   officer recorded) into the sanctions it calls for, each with its effects, the year they apply
#   to and its legal basis. The input is a domain.SanctionFacts as JSON; the engine reads
#   data.sanctions.decision. What each trigger does (effects, subsidy families, year offset,
#   whether it is public, basis, wording) is data: data.sanctions.rule_sets, one entry per
#   period keyed by effective_from, so an administration changes the table without code.
# scope: package
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3"
package sanctions

# METADATA
# title: Decision
# description: >-
#   The one document the engine reads: {"sanctions": [...]}, normally one sanction per fact. It
#   is always defined: an unknown trigger, a malformed input or a failure year no rule set
#   covers gives an empty list, never undefined and never an error, so a caller can tell "no
#   sanction" from "the policy did not answer".
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3"
decision := {"sanctions": sanctions}

# METADATA
# title: Sanctions decided
# description: >-
#   The rule of the trigger, from the rule set in force, applied to the facts. The year of
#   effect is the failure year plus the rule's year_offset: a report for Y missing at the cutoff
#   of 1 February Y+1 blocks subsidies in Y+1 (offset 1, DOMAIN.md "Time"); a violation in Y
#   takes effect in Y (offset 0, "当年度"). Messages are the rule's templates filled with the
#   agency's USCC (%[1]s), the failure year (%[2]d) and the year of effect (%[3]d).
# scope: document
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3 and Time"
default sanctions := []

sanctions := [sanction] if {
	valid_facts
	rule := rule_set.triggers[trigger]
	year_of_effect := failure_year + rule.year_offset
	args := [agency, failure_year, year_of_effect]
	sanction := {
		"trigger": trigger,
		"year_of_effect": year_of_effect,
		"effects": rule.effects,
		"public": rule.public,
		"basis": rule.basis,
		"message_zh": sprintf(rule.message_zh, args),
		"message_en": sprintf(rule.message_en, args),
	}
}

# --- The facts --------------------------------------------------------------------------------

# METADATA
# title: Facts
# description: >-
#   The input when it is an object; anything else reads as no facts at all, so a malformed input
#   gives no sanction instead of a builtin error.
# scope: document
# custom:
#   basis: "API.md Conventions"
default facts := {}

facts := input if is_object(input)

# METADATA
# title: Agency
# description: The USCC of the agency the fact is about.
# custom:
#   basis: "DOMAIN.md Identifiers"
agency := object.get(facts, "agency", "")

# METADATA
# title: Trigger
# description: >-
#   report_not_on_time, or a violation kind of API.md. A trigger no rule set names gives no
#   sanction.
# custom:
#   basis: "DOMAIN.md §3; API.md violations"
trigger := object.get(facts, "trigger", "")

# METADATA
# title: Year as given
# description: The year field of the input, whatever it holds; checked by valid_year.
# custom:
#   basis: "DOMAIN.md Time"
raw_year := object.get(facts, "year", 0)

# METADATA
# title: Failure year
# description: >-
#   The year of the failure: the report year Y for report_not_on_time, the violation's year
#   otherwise. Undefined unless the input's year is a valid year; 2026.0 reads as 2026.
# custom:
#   basis: "DOMAIN.md Time"
failure_year := floor(raw_year) if valid_year(raw_year)

# METADATA
# title: Well-formed facts
# description: >-
#   A USCC-shaped agency (18 characters of the GB 32100 alphabet; the handlers check the check
#   character), a string trigger, a four-digit integer year, and affected entities that are
#   absent, null or a list of non-empty strings. Anything else gives no sanction.
# custom:
#   basis: "DOMAIN.md Identifiers; API.md Conventions"
valid_facts if {
	is_string(agency)
	regex.match(`^[0-9A-HJ-NP-RTUW-Y]{18}$`, agency)
	is_string(trigger)
	valid_year(raw_year)
	valid_entities(object.get(facts, "affected_entities", null))
}

# METADATA
# title: Year
# description: An integer year of four digits, so it makes a date of the form YYYY-01-01.
# custom:
#   basis: "DOMAIN.md Time"
valid_year(y) if {
	is_number(y)
	y == floor(y)
	y >= 1000
	y <= 9999
}

# METADATA
# title: Affected entities
# description: >-
#   Absent (null) or a list of the USCCs or resident IDs of the applicants concerned; only the
#   patent-subsidy effect of plagiarism and abnormal applications reads them.
# scope: document
# custom:
#   basis: "seed 000 §二(二)5"
valid_entities(null) := true

valid_entities(xs) if {
	is_array(xs)
	every x in xs {
		is_string(x)
		x != ""
	}
}

# --- The table in force -----------------------------------------------------------------------

# METADATA
# title: Rule set in force
# description: >-
#   The entry of data.sanctions.rule_sets with the latest effective_from on or before 1 January
#   of the failure year: a fact is judged by the rules in force for the whole year it happened
#   in, so a table changed mid-year applies from the next year and never reaches back. Before
#   the first entry (2018-01-01, a decision: the seed is undated) no rule set is in force and
#   nothing is decided.
# custom:
#   basis: "ARCHITECTURE.md: parameters are data keyed by effective dates"
rule_set := in_force(sprintf("%d-01-01", [failure_year]))

# METADATA
# title: In force on a date
# description: >-
#   The rule set with the latest effective_from (YYYY-MM-DD, so text order is date order) on or
#   before the date; undefined when none is.
# custom:
#   basis: "ARCHITECTURE.md: parameters are data keyed by effective dates"
in_force(on) := rs if {
	froms := [r.effective_from | some r in data.sanctions.rule_sets; r.effective_from <= on]
	some rs in data.sanctions.rule_sets
	rs.effective_from == max(froms)
}
