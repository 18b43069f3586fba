package annual_report_test

import data.annual_report

# The shipped data: 15 days, from 2000 on.
test_the_correction_period_is_fifteen_days if {
	p := annual_report.parameters with input as {"on": "2028-01-25"}
	p.correction_period_days == 15
	p.reminder_days_before == [15, 3]
	p.effective_from == "2000-01-01"
	startswith(p.basis, "DOMAIN.md §2 (decision)")
}

test_the_first_day_in_force if {
	p := annual_report.parameters with input as {"on": "2000-01-01"}
	p.correction_period_days == 15
}

test_nothing_is_in_force_before_the_first_set if {
	not annual_report.parameters with input as {"on": "1999-12-31"}
}

# A new period is a new entry: the date of the event picks the set.
sets := [
	{"effective_from": "2000-01-01", "effective_until": "2030-01-01", "correction_period_days": 15, "reminder_days_before": [15, 3], "basis": "old"},
	{"effective_from": "2030-01-01", "correction_period_days": 10, "reminder_days_before": [7], "basis": "new"},
]

cases := {
	"before the change": {"on": "2029-12-31", "days": 15},
	"the day of the change": {"on": "2030-01-01", "days": 10},
	"after the change": {"on": "2031-06-30", "days": 10},
}

test_the_set_in_force_on_the_date_decides[name] if {
	some name, tc in cases
	p := annual_report.parameters with input as {"on": tc.on} with data.annual_report.parameter_sets as sets
	p.correction_period_days == tc.days
}

test_the_reminders_follow_the_set_in_force if {
	p := annual_report.parameters with input as {"on": "2031-01-10"} with data.annual_report.parameter_sets as sets
	p.reminder_days_before == [7]
}

test_a_set_without_reminder_days_gives_no_answer if {
	not annual_report.parameters with input as {"on": "2025-01-01"}
		with data.annual_report.parameter_sets as [{"effective_from": "2000-01-01", "correction_period_days": 15, "basis": "x"}]
}

test_an_ended_set_without_a_successor_gives_no_answer if {
	not annual_report.parameters with input as {"on": "2030-01-01"}
		with data.annual_report.parameter_sets as [sets[0]]
}

test_the_latest_of_overlapping_sets_wins if {
	overlapping := [sets[0], {"effective_from": "2020-01-01", "correction_period_days": 20, "reminder_days_before": [10], "basis": "amended"}]
	p := annual_report.parameters with input as {"on": "2025-01-01"} with data.annual_report.parameter_sets as overlapping
	p.correction_period_days == 20
	p.basis == "amended"
}

bad_dates := {"empty": "", "no dashes": "20280125", "a time": "2028-01-25T00:00:00Z", "a number": 20280125, "missing": null}

test_a_malformed_date_selects_nothing[name] if {
	some name, d in bad_dates
	not annual_report.parameters with input as {"on": d}
}

test_no_input_selects_nothing if {
	not annual_report.parameters with input as {}
}

# The data itself: every set is complete and periods are well formed.
test_every_shipped_set_is_complete if {
	count(data.annual_report.parameter_sets) > 0
	every s in data.annual_report.parameter_sets {
		annual_report.valid_date(s.effective_from)
		is_number(s.correction_period_days)
		s.correction_period_days > 0
		count(s.reminder_days_before) > 0
		every n in s.reminder_days_before {
			is_number(n)
			n >= 0
			n < 31
		}
		s.basis != ""
	}
}

test_no_two_shipped_sets_take_effect_the_same_day if {
	froms := [s.effective_from | some s in data.annual_report.parameter_sets]
	count(froms) == count({f | some f in froms})
}
