# METADATA
# title: Annual report parameters
# description: >-
#   The parameters of the annual report (年度报告) that an administration may change without
#   code, as data with effective dates (data.annual_report.parameter_sets). The engine reads
#   data.annual_report.parameters with input {"on": "YYYY-MM-DD"}, the Shanghai date of the
#   event the parameters apply to (for the correction period: the day the report is returned),
#   and gets the set in force on that date. A date no set covers has no answer, which the
#   caller treats as a failure, never as a default.
# scope: package
# custom:
#   basis: "DOMAIN.md §2 (decision)"
package annual_report

# METADATA
# title: Parameters in force
# description: >-
#   The set in force on input.on: of the sets whose period contains the date, the one that
#   took effect last. Its correction_period_days is how long a returned report may be corrected
#   while keeping the on-time stamp of its first submission; its reminder_days_before lists how
#   many days before 31 January the agencies still owing the report are reminded (DOMAIN.md §6).
# custom:
#   basis: "DOMAIN.md §2 (decision); DOMAIN.md §6 reminders (decision)"
parameters := {
	"correction_period_days": s.correction_period_days,
	"reminder_days_before": s.reminder_days_before,
	"effective_from": s.effective_from,
	"basis": s.basis,
} if {
	latest := max({x.effective_from | some x in in_force})
	some s in in_force
	s.effective_from == latest
}

# METADATA
# title: Sets in force
# description: >-
#   The parameter sets whose period contains input.on: effective_from on or before it, and
#   effective_until (exclusive, optional) after it. Dates in YYYY-MM-DD form compare as strings.
# custom:
#   basis: "DOMAIN.md §2 (decision); ARCHITECTURE.md: parameters are data keyed by effective dates"
in_force contains s if {
	valid_date(input.on)
	some s in data.annual_report.parameter_sets
	s.effective_from <= input.on
	not ended(s)
}

# METADATA
# title: Set ended
# description: A set with an effective_until on or before input.on is no longer in force.
# custom:
#   basis: "DOMAIN.md §2 (decision)"
ended(s) if s.effective_until <= input.on

# METADATA
# title: Date
# description: A calendar date in YYYY-MM-DD form; anything else selects nothing.
# custom:
#   basis: "API.md Conventions (dates are YYYY-MM-DD)"
valid_date(d) if {
	is_string(d)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, d)
}
