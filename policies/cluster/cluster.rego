# METADATA
# title: Cluster zone
# description: >-
#   Two decisions on provincial IP service industry cluster zones (集聚发展区). screening
#   checks a county's application when it is submitted to the prefecture: who may apply, the
#   conditions, the materials, one application per county per round and the round's cutoff
#   (input a domain.ScreeningFacts, the engine reads data.cluster.screening). assessment turns
#   the final assessment's outcome into the zone's status (input a domain.AssessmentFacts, the
#   engine reads data.cluster.assessment). Every parameter (thresholds, IP types and service
#   kinds, documents, cutoff, periods, bases and wording) is data.cluster, in parameter sets
#   keyed by effective_from, so an administration changes them without code.
# scope: package
# custom:
#   basis: "seed 001 §四; DOMAIN.md §5 and §6"
package cluster

# --- Screening ---------------------------------------------------------------------------------

# METADATA
# title: Screening decision
# description: >-
#   The document the engine reads for a submission, always defined, even for an empty or
#   malformed input. passed is true exactly when failures is empty (never null); every failure
#   names its code, the field it is about (a JSON pointer into the application), its basis and
#   both messages. round is the application year's round (null when the year or the submission
#   instant is malformed, or no parameters are in force); next_round_cutoff is the cutoff of the
#   first round after it still open at the submission (null likewise).
# custom:
#   basis: "seed 001 §四(一)–(三); DOMAIN.md §5; API.md Cluster-zone application"
screening := {
	"passed": count(failures) == 0,
	"failures": failures,
	"round": round,
	"next_round_cutoff": next_round_cutoff,
}

# METADATA
# title: Failures
# description: >-
#   Every failed condition, in the order of the checks below, then by field, so the same facts
#   always give the same list.
# custom:
#   basis: "API.md Cluster-zone application: screening answers every failed condition and its basis"
failures := [f | some t in sort(failure_set); f := t[2]]

# METADATA
# title: Facts
# description: The input when it is an object; anything else reads as no facts, which fail every condition.
# scope: document
# custom:
#   basis: "API.md Conventions"
default facts := {}

facts := input if is_object(input)

# METADATA
# title: Application year
# description: The round's year when it is an integer from 1970 to 2199; undefined otherwise.
# custom:
#   basis: "seed 001 §四(三): 每年申报一次"
year := y if {
	y := object.get(facts, "year", null)
	is_int(y)
	y >= 1970
	y <= 2199
}

# METADATA
# title: Submission instant
# description: The submission as nanoseconds since the epoch; undefined unless a valid RFC 3339 instant.
# custom:
#   basis: "DOMAIN.md Time"
submitted_ns := instant_ns(object.get(facts, "submitted_at", null))

# METADATA
# title: Parameters in force at the submission
# description: The parameter set in force on the Shanghai date of the submission.
# custom:
#   basis: "ARCHITECTURE.md: parameters are data keyed by effective dates"
params := in_force(local_date(submitted_ns))

# --- The round -----------------------------------------------------------------------------------

# METADATA
# title: Round
# description: >-
#   The application year's round: its year, its cutoff (1 July 00:00 +08:00 of that year, from
#   the parameters) and whether the submission came at or after the cutoff.
# scope: document
# custom:
#   basis: "seed 001 §四(三); DOMAIN.md Time and §6"
default round := null

round := {"year": year, "cutoff": cutoff_text(year), "closed": closed}

# METADATA
# title: Round closed
# description: >-
#   The submission is at or after the cutoff instant: 2027-06-30T23:59:59.999+08:00 is in the
#   2027 round, 2027-07-01T00:00:00+08:00 is not.
# custom:
#   basis: "seed 001 §四(三): 6月30日前; DOMAIN.md Time"
closed := submitted_ns >= time.parse_rfc3339_ns(cutoff_text(year))

# METADATA
# title: Next round
# description: >-
#   The year of the next round one can still apply in: after the application's year, and not
#   one whose cutoff had passed at the submission.
# custom:
#   basis: "seed 001 §四(三); DOMAIN.md §5: the date the next round closes"
next_round_year := max([year + 1, first_open_year])

# METADATA
# title: First open round at the submission
# description: The Shanghai year of the submission, or the year after if its cutoff had passed.
# scope: document
# custom:
#   basis: "seed 001 §四(三)"
first_open_year := y if {
	y := time.date(submitted_ns + offset_ns)[0]
	submitted_ns < time.parse_rfc3339_ns(cutoff_text(y))
}

first_open_year := y + 1 if {
	y := time.date(submitted_ns + offset_ns)[0]
	submitted_ns >= time.parse_rfc3339_ns(cutoff_text(y))
}

# METADATA
# title: Next round's cutoff
# description: The next round's cutoff as RFC 3339 in +08:00; null when the round is unknown.
# scope: document
# custom:
#   basis: "seed 001 §四(三); DOMAIN.md §5"
default next_round_cutoff := null

next_round_cutoff := cutoff_text(next_round_year)

# METADATA
# title: Cutoff of a year's round
# description: The cutoff instant of year y's round, as RFC 3339 in the Shanghai offset.
# custom:
#   basis: "seed 001 §四(三); DOMAIN.md Time"
cutoff_text(y) := sprintf("%04d-%02d-%02dT00:00:00%s", [y, params.round.cutoff_month, params.round.cutoff_day, data.cluster.zone.offset])

# METADATA
# title: Cutoff as shown
# description: The cutoff of year y's round as "YYYY-MM-DD 00:00", for messages.
# custom:
#   basis: "seed 001 §四(三); DOMAIN.md Time"
cutoff_shown(y) := sprintf("%04d-%02d-%02d 00:00", [y, params.round.cutoff_month, params.round.cutoff_day])

# --- The conditions -------------------------------------------------------------------------------

# METADATA
# title: A failure
# description: A failure object with its messages from data.cluster.messages[code] filled with args.
# custom:
#   basis: "ARCHITECTURE.md: every reason names its basis, in both languages"
failure(code, field, basis, args_zh, args_en) := {
	"code": code,
	"field": field,
	"basis": basis,
	"message_zh": sprintf(data.cluster.messages[code].zh, args_zh),
	"message_en": sprintf(data.cluster.messages[code].en, args_en),
}

# METADATA
# title: Failure set
# description: >-
#   Triples [order, field, failure], one per failed condition. A malformed year or submission
#   instant fails on its own; with no parameters in force (which a malformed instant implies)
#   the conditions cannot be judged and only that is said, so the input still fails.
# scope: document
# custom:
#   basis: "seed 001 §四(一)–(三); DOMAIN.md §5"
failure_set contains [0, "/year", f] if {
	not year
	f := failure("malformed", "/year", "API.md Cluster-zone application", ["/year"], ["/year"])
}

failure_set contains [0, "/submitted_at", f] if {
	not submitted_ns
	f := failure("malformed", "/submitted_at", "DOMAIN.md Time", ["/submitted_at"], ["/submitted_at"])
}

failure_set contains [0, "/other_applications_this_round", f] if {
	# Only a list (or nothing) may say there is no other application: anything else fails closed.
	v := object.get(facts, "other_applications_this_round", null)
	not is_array(v)
	not is_null(v)
	field := "/other_applications_this_round"
	f := failure("malformed", field, "seed 001 §四(三)", [field], [field])
}

failure_set contains [1, "/submitted_at", f] if {
	submitted_ns
	not params
	d := local_date(submitted_ns)
	f := failure("no_parameters_in_force", "/submitted_at", "ARCHITECTURE.md: parameters are data keyed by effective dates", [d], [d])
}

failure_set contains [10, "/county_code", f] if {
	# §四(一): a county-level government in Jiangsu.
	params
	not county_level(county_code)
	f := failure("not_county_level", "/county_code", params.applicant.basis, [county_code], [county_code])
}

failure_set contains [20, "/agencies", f] if {
	# §四(二)3: 15 agencies or more.
	params
	agency_count < params.agencies.min
	args := [agency_count, params.agencies.min]
	f := failure("too_few_agencies", "/agencies", params.agencies.basis, args, args)
}

failure_set contains [o, field, f] if {
	# §四(二)3: every IP type for every service kind, each missing cell on its own.
	params
	some i, t in params.coverage.ip_types
	some j, k in params.coverage.service_kinds
	not k in list_of(object_of(facts, "coverage"), t)
	field := sprintf("/coverage/%s", [t])
	o := (100 + (10 * i)) + j
	names := data.cluster.names
	args_zh := [names.ip_types[t].zh, names.service_kinds[k].zh]
	args_en := [names.ip_types[t].en, names.service_kinds[k].en]
	f := failure("coverage_missing", field, params.coverage.basis, args_zh, args_en)
}

failure_set contains [200, "/management_body/staff_count", f] if {
	# §四(二)1 and the guide: a management body with at least 2 dedicated staff.
	params
	staff_count < params.management_body.min_staff
	args := [staff_count, params.management_body.min_staff]
	f := failure("too_few_staff", "/management_body/staff_count", params.management_body.basis, args, args)
}

failure_set contains [210, "/has_development_plan", f] if {
	# §四(二)1: a development plan and policies. Only true counts.
	params
	object.get(facts, "has_development_plan", false) != true
	f := failure("no_development_plan", "/has_development_plan", params.development_plan.basis, [], [])
}

failure_set contains [220, "/special_fund_fen_per_year", f] if {
	# §四(二)1: a special fund, more than 0 fen a year.
	params
	not positive_int(object.get(facts, "special_fund_fen_per_year", null))
	f := failure("no_special_fund", "/special_fund_fen_per_year", params.special_fund.basis, [], [])
}

failure_set contains [230, field, f] if {
	# §四(三): materials 2 to 5 uploaded by the county.
	params
	some kind in params.documents.required
	not kind in list_of(facts, "documents")
	field := sprintf("/documents/%s", [kind])
	name := data.cluster.names.documents[kind]
	f := failure("document_missing", field, params.documents.basis, [name.zh], [name.en])
}

failure_set contains [240, "/year", f] if {
	# §四(三): 每年申报一次 — the county's other live applications of the same year.
	params
	year
	others := list_of(facts, "other_applications_this_round")
	count(others) >= params.round.per_county
	ids := concat(", ", [sprintf("%v", [x]) | some x in others])
	args := [county_code, year, ids]
	f := failure("duplicate_application", "/year", params.round.basis, args, args)
}

failure_set contains [250, "/submitted_at", f] if {
	# §四(三): 6月30日前 — the cutoff is 1 July 00:00 +08:00.
	closed
	args := [year, cutoff_shown(year), cutoff_shown(next_round_year)]
	f := failure("round_closed", "/submitted_at", params.round.basis, args, args)
}

# METADATA
# title: County code
# description: The applicant's division code as given (any JSON value; only a string can pass).
# custom:
#   basis: "seed 001 §四(一); DOMAIN.md Identifiers"
county_code := object.get(facts, "county_code", null)

# METADATA
# title: County-level division of Jiangsu
# description: >-
#   Six digits starting with the province's prefix (32) that are neither the province (320000)
#   nor a prefecture (32xx00): the last two digits are not 00.
# custom:
#   basis: "seed 001 §四(一); DOMAIN.md Identifiers"
county_level(code) if {
	is_string(code)
	regex.match(`^[0-9]{6}$`, code)
	startswith(code, params.applicant.province_prefix)
	not endswith(code, "00")
}

# METADATA
# title: Agencies in the zone
# description: >-
#   The number of distinct USCCs among the agencies listed (decision: an agency listed twice,
#   or without a USCC, counts once or not at all).
# custom:
#   basis: "seed 001 §四(二)3"
agency_count := count({u |
	some a in list_of(facts, "agencies")
	u := string_of(a, "uscc")
	u != ""
})

# METADATA
# title: Staff
# description: The management body's dedicated staff when a non-negative integer; 0 otherwise.
# scope: document
# custom:
#   basis: "seed 001 §四(二)1; seed 001 附件 建设指引（建立工作机制）"
default staff_count := 0

staff_count := n if {
	n := object.get(object_of(facts, "management_body"), "staff_count", null)
	positive_int(n)
}

# --- Assessment ----------------------------------------------------------------------------------

# METADATA
# title: Assessment decision
# description: >-
#   The document the engine reads for a final assessment, always defined. excellent: keeps the
#   title and is recommended for the national pilot; pass: keeps the title; a first fail:
#   rectification by assessed_at plus the rectification months, the title standing until the
#   reassessment (keeps_title true: only 仍不合格 takes it away); a fail after a previous fail:
#   the title is revoked. A malformed input gives status "invalid" with keeps_title false,
#   which changes nothing and which the caller must refuse.
# custom:
#   basis: "seed 001 §四(六)2"
assessment := {
	"status": status,
	"rectify_by": rectify_by,
	"recommend_national_pilot": status == "excellent",
	"keeps_title": status in {"excellent", "passed", "rectification"},
	"basis": assessment_basis,
	"message_zh": assessment_message.zh,
	"message_en": assessment_message.en,
}

# METADATA
# title: Assessment instant
# description: When the assessment was made, in nanoseconds; undefined unless a valid RFC 3339 instant.
# custom:
#   basis: "DOMAIN.md Time"
assessed_ns := instant_ns(object.get(facts, "assessed_at", null))

# METADATA
# title: Assessment parameters
# description: The parameter set in force on the Shanghai date of the assessment.
# custom:
#   basis: "ARCHITECTURE.md: parameters are data keyed by effective dates"
assessment_params := in_force(local_date(assessed_ns))

# METADATA
# title: Previous fails
# description: How many times the zone failed an assessment before, when a non-negative integer.
# custom:
#   basis: "seed 001 §四(六)2: 仍不合格"
previous_fails := n if {
	n := object.get(facts, "previous_fails", null)
	is_int(n)
	n >= 0
}

# METADATA
# title: Malformed assessment fields
# description: The fields of the assessment input that are missing or malformed.
# scope: document
# custom:
#   basis: "API.md Conventions"
assessment_malformed contains "/outcome" if not object.get(facts, "outcome", null) in {"excellent", "pass", "fail"}

assessment_malformed contains "/previous_fails" if not previous_fails

assessment_malformed contains "/assessed_at" if not assessment_params

# METADATA
# title: Status
# description: excellent, passed, rectification or revoked; invalid when any field is malformed.
# scope: document
# custom:
#   basis: "seed 001 §四(六)2"
default status := "invalid"

status := s if {
	count(assessment_malformed) == 0
	s := outcome_status(facts.outcome, previous_fails)
}

# METADATA
# title: Status of an outcome
# description: 优秀 → excellent, 合格 → passed, 不合格 → rectification the first time, revoked after a previous fail.
# scope: document
# custom:
#   basis: "seed 001 §四(六)2"
outcome_status("excellent", _) := "excellent"

outcome_status("pass", _) := "passed"

outcome_status("fail", 0) := "rectification"

outcome_status("fail", n) := "revoked" if n > 0

# METADATA
# title: Rectify by
# description: >-
#   For rectification, the end of the rectification period as a cutoff instant in +08:00: the
#   period counts months from the Shanghai date of the assessment, that day not counted, and
#   ends with the corresponding day (民法典 第二百零一条, as domain.PeriodEnd; decision), so
#   rectify_by is 00:00 of the day after it. Assessed on 15 September 2030 with 6 months: the
#   last day is 15 March 2031 and rectify_by 2031-03-16T00:00:00+08:00. "" otherwise.
# scope: document
# custom:
#   basis: "seed 001 §四(六)2: 限期整改; the period is a decision in the data"
default rectify_by := ""

rectify_by := local_text(rectification_end) if status == "rectification"

# METADATA
# title: End of rectification
# description: >-
#   The first instant after the rectification period, as Shanghai wall time in nanoseconds
#   (midnight of the assessment's Shanghai date read as UTC, plus the months and one day).
# custom:
#   basis: "seed 001 §四(六)2; DOMAIN.md Time"
rectification_end := time.add_date(
	time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [local_date(assessed_ns)])),
	0, assessment_params.assessment.rectification_months, 1,
)

# METADATA
# title: Assessment basis
# description: The parameters' basis; the seed's section when the input is malformed.
# scope: document
# custom:
#   basis: "seed 001 §四(六)2"
default assessment_basis := "seed 001 §四(六)2"

assessment_basis := assessment_params.assessment.basis

# METADATA
# title: Assessment message
# description: The status's messages; for rectification they name the deadline and the months.
# scope: document
# custom:
#   basis: "seed 001 §四(六)2"
assessment_message := {"zh": m.zh, "en": m.en} if {
	status in {"excellent", "passed", "revoked"}
	m := data.cluster.messages[sprintf("assessment_%s", [status])]
}

assessment_message := {"zh": sprintf(m.zh, args), "en": sprintf(m.en, args)} if {
	status == "rectification"
	m := data.cluster.messages.assessment_rectification
	shown := sprintf("%04d-%02d-%02d", time.date(rectification_end - 1))
	args := [shown, assessment_params.assessment.rectification_months]
}

assessment_message := {"zh": sprintf(m.zh, [fields]), "en": sprintf(m.en, [fields])} if {
	status == "invalid"
	m := data.cluster.messages.assessment_invalid
	fields := concat(", ", sort(assessment_malformed))
}

# --- Helpers ---------------------------------------------------------------------------------------

# METADATA
# title: In force on a date
# description: >-
#   The parameter set with the latest effective_from (YYYY-MM-DD, so text order is date order)
#   on or before the date; undefined when none is.
# custom:
#   basis: "ARCHITECTURE.md: parameters are data keyed by effective dates"
in_force(on) := s if {
	froms := [p.effective_from | some p in data.cluster.parameter_sets; p.effective_from <= on]
	some s in data.cluster.parameter_sets
	s.effective_from == max(froms)
}

# METADATA
# title: Shanghai offset
# description: The offset of Asia/Shanghai (UTC+8, no DST) in nanoseconds.
# custom:
#   basis: "DOMAIN.md Time"
offset_ns := data.cluster.zone.offset_seconds * 1000000000

# METADATA
# title: Shanghai date
# description: The Shanghai calendar date (YYYY-MM-DD) of an instant in nanoseconds.
# custom:
#   basis: "DOMAIN.md Time"
local_date(ns) := sprintf("%04d-%02d-%02d", time.date(ns + offset_ns))

# METADATA
# title: Shanghai time as text
# description: An instant already shifted to Shanghai wall time, as RFC 3339 in +08:00, to the second.
# custom:
#   basis: "DOMAIN.md Time"
local_text(shifted) := sprintf("%04d-%02d-%02dT%02d:%02d:%02d%s", array.concat(
	array.concat(time.date(shifted), time.clock(shifted)),
	[data.cluster.zone.offset],
))

# METADATA
# title: An instant
# description: >-
#   An RFC 3339 instant in nanoseconds. The text is checked first (years 1970–2199, real
#   calendar days, offsets below 24 hours), so a malformed value is undefined rather than a
#   builtin error.
# custom:
#   basis: "DOMAIN.md Time; API.md Conventions"
instant_ns(s) := time.parse_rfc3339_ns(s) if {
	is_string(s)
	regex.match(`^(19[7-9][0-9]|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`, s)
	to_number(substring(s, 8, 2)) <= days_in_month(to_number(substring(s, 0, 4)), to_number(substring(s, 5, 2)))
}

# METADATA
# title: Days in a month
# description: The number of days of month m of year y in the Gregorian calendar.
# scope: document
# custom:
#   basis: "DOMAIN.md Time"
days_in_month(y, 2) := 29 if leap_year(y)

days_in_month(y, 2) := 28 if not leap_year(y)

days_in_month(_, m) := [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] if m != 2

# METADATA
# title: Leap year
# description: Divisible by 4, and not by 100 unless by 400.
# scope: document
# custom:
#   basis: "DOMAIN.md Time"
leap_year(y) if {
	y % 4 == 0
	y % 100 != 0
}

leap_year(y) if y % 400 == 0

# METADATA
# title: Integer
# description: A JSON number with no fraction.
# custom:
#   basis: "API.md Conventions"
is_int(x) if {
	is_number(x)
	x == floor(x)
}

# METADATA
# title: Positive integer
# description: An integer above 0.
# custom:
#   basis: "API.md Conventions"
positive_int(x) if {
	is_int(x)
	x > 0
}

# METADATA
# title: A string field
# description: The field when it is a string; "" otherwise (also when obj is not an object).
# scope: document
# custom:
#   basis: "API.md Conventions"
default string_of(_, _) := ""

string_of(obj, key) := v if {
	is_object(obj)
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
