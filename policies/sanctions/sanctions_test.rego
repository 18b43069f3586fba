package sanctions_test

import data.sanctions

# --- Fixtures ---------------------------------------------------------------------------------

agency_a := "91320281MA1AAAAA0A"

entity_x := "91320281MA1XXXXX0X"

entity_y := "320281199001011234"

facts(trigger, year) := {"agency": agency_a, "trigger": trigger, "year": year}

decided(f) := ss if {
	ss := sanctions.decision.sanctions with input as f
}

only(f) := s if {
	[s] := decided(f)
}

served_block := {"kind": "subsidy_block", "families": ["ip_subsidy", "sci_tech_subsidy"], "entities": "served"}

affected_patent_block := {"kind": "subsidy_block", "families": ["patent_subsidy"], "entities": "affected"}

basis_1 := "seed 000 §二(二)1"

basis_5 := "seed 000 §二(二)5"

# --- Every row of DOMAIN.md §3 ----------------------------------------------------------------

rows := {
	"report not on time: IP and sci-tech subsidies of served entities, the next year": {
		"facts": facts("report_not_on_time", 2026),
		"want": {"year_of_effect": 2027, "effects": [served_block], "public": true, "basis": basis_1},
	},
	"sci-tech project services: the same block, the violation's year": {
		"facts": facts("sci_tech_project_services", 2026),
		"want": {"year_of_effect": 2026, "effects": [served_block], "public": false, "basis": basis_1},
	},
	"plagiarism: public criticism and patent subsidies of the affected applicants": {
		"facts": object.union(facts("plagiarism", 2026), {"affected_entities": [entity_x, entity_y]}),
		"want": {"year_of_effect": 2026, "effects": [{"kind": "public_criticism"}, affected_patent_block], "public": true, "basis": basis_5},
	},
	"abnormal patent applications: the same as plagiarism": {
		"facts": object.union(facts("abnormal_patent_applications", 2026), {"affected_entities": [entity_x]}),
		"want": {"year_of_effect": 2026, "effects": [{"kind": "public_criticism"}, affected_patent_block], "public": true, "basis": basis_5},
	},
	"poor credit: public criticism, interview, blacklist": {
		"facts": facts("poor_credit", 2026),
		"want": {"year_of_effect": 2026, "effects": [{"kind": "public_criticism"}, {"kind": "interview"}, {"kind": "blacklist"}], "public": true, "basis": basis_5},
	},
	"poor service: public criticism, interview, blacklist": {
		"facts": facts("poor_service", 2026),
		"want": {"year_of_effect": 2026, "effects": [{"kind": "public_criticism"}, {"kind": "interview"}, {"kind": "blacklist"}], "public": true, "basis": basis_5},
	},
	"unfair competition: transfer": {
		"facts": facts("unfair_competition", 2026),
		"want": {"year_of_effect": 2026, "effects": [{"kind": "transfer"}], "public": true, "basis": basis_5},
	},
	"refused correction: transfer": {
		"facts": facts("refused_correction", 2026),
		"want": {"year_of_effect": 2026, "effects": [{"kind": "transfer"}], "public": true, "basis": basis_5},
	},
}

test_table_row[name] if {
	some name, row in rows
	s := only(row.facts)
	s.trigger == row.facts.trigger
	s.year_of_effect == row.want.year_of_effect
	s.effects == row.want.effects
	s.public == row.want.public
	s.basis == row.want.basis
}

test_every_message_names_the_agency_and_the_years[name] if {
	some name, row in rows
	s := only(row.facts)
	some msg in [s.message_zh, s.message_en]
	contains(msg, agency_a)
	contains(msg, "2026")
	not contains(msg, "%!")
}

test_both_languages_differ[name] if {
	some name, row in rows
	s := only(row.facts)
	s.message_zh != s.message_en
	regex.match(`\p{Han}`, s.message_zh)
	not regex.match(`\p{Han}`, s.message_en)
}

test_the_decision_has_exactly_one_key if {
	d := sanctions.decision with input as facts("poor_credit", 2026)
	object.keys(d) == {"sanctions"}
}

# --- Year boundaries --------------------------------------------------------------------------

test_report_for_2026_takes_effect_in_2027_only if {
	s := only(facts("report_not_on_time", 2026))
	s.year_of_effect == 2027
	s.year_of_effect != 2026
	s.year_of_effect != 2028
}

test_report_message_names_report_year_cutoff_and_year_of_effect if {
	s := only(facts("report_not_on_time", 2026))
	s.message_zh == "知识产权服务机构 91320281MA1AAAAA0A 未于2027年1月31日前按时报告2026年度在本市开展业务情况，接受其服务的单位和个人不得享受2027年度知识产权和科技项目资助政策。"
	s.message_en == "IP service agency 91320281MA1AAAAA0A did not report its 2026 business in the city on or before 31 January 2027; the organisations and individuals it served may not receive IP or sci-tech project subsidies in 2027."
}

test_violations_take_effect_in_their_own_year[name] if {
	some name in ["sci_tech_project_services", "plagiarism", "abnormal_patent_applications", "poor_credit", "poor_service", "unfair_competition", "refused_correction"]
	only(facts(name, 2027)).year_of_effect == 2027
}

test_first_year_of_the_rules if {
	only(facts("report_not_on_time", 2018)).year_of_effect == 2019
}

test_before_the_first_rule_set_nothing_is_decided if {
	decided(facts("report_not_on_time", 2017)) == []
}

# --- Rule sets keyed by effective date --------------------------------------------------------

new_rules := {
	"effective_from": "2030-07-01",
	"triggers": {"report_not_on_time": object.union(data.sanctions.rule_sets[0].triggers.report_not_on_time, {"year_offset": 2})},
}

test_a_mid_year_change_applies_from_the_next_year if {
	sets := array.concat(data.sanctions.rule_sets, [new_rules])
	s2030 := only(facts("report_not_on_time", 2030)) with data.sanctions.rule_sets as sets
	s2030.year_of_effect == 2031
	s2031 := only(facts("report_not_on_time", 2031)) with data.sanctions.rule_sets as sets
	s2031.year_of_effect == 2033
}

test_a_trigger_dropped_by_a_later_rule_set_is_not_decided if {
	sets := array.concat(data.sanctions.rule_sets, [new_rules])
	decided(facts("poor_credit", 2031)) == [] with data.sanctions.rule_sets as sets
	count(decided(facts("poor_credit", 2030))) == 1 with data.sanctions.rule_sets as sets
}

test_rule_sets_order_does_not_matter if {
	sets := array.concat([new_rules], data.sanctions.rule_sets)
	only(facts("report_not_on_time", 2031)).year_of_effect == 2033 with data.sanctions.rule_sets as sets
	only(facts("report_not_on_time", 2029)).year_of_effect == 2030 with data.sanctions.rule_sets as sets
}

test_no_rule_sets_no_sanctions if {
	decided(facts("report_not_on_time", 2026)) == [] with data.sanctions.rule_sets as []
}

# --- Unknown and malformed facts give an empty list, never undefined --------------------------

malformed := {
	"unknown trigger": facts("parking_fine", 2026),
	"trigger in the wrong case": facts("Report_Not_On_Time", 2026),
	"empty trigger": facts("", 2026),
	"trigger not a string": facts(7, 2026),
	"no trigger": {"agency": agency_a, "year": 2026},
	"no agency": {"trigger": "poor_credit", "year": 2026},
	"empty agency": object.union(facts("poor_credit", 2026), {"agency": ""}),
	"agency in lower case": object.union(facts("poor_credit", 2026), {"agency": "91320281ma1aaaaa0a"}),
	"agency too short": object.union(facts("poor_credit", 2026), {"agency": "91320281MA1AAAAA0"}),
	"agency with I": object.union(facts("poor_credit", 2026), {"agency": "91320281MA1IIIII0I"}),
	"agency not a string": object.union(facts("poor_credit", 2026), {"agency": 913202}),
	"no year": {"agency": agency_a, "trigger": "poor_credit"},
	"year zero": facts("poor_credit", 0),
	"year as a string": facts("poor_credit", "2026"),
	"year with a fraction": facts("poor_credit", 2026.5),
	"two-digit year": facts("poor_credit", 26),
	"five-digit year": facts("poor_credit", 20260),
	"negative year": facts("poor_credit", -2026),
	"affected entities not a list": object.union(facts("plagiarism", 2026), {"affected_entities": entity_x}),
	"affected entity empty": object.union(facts("plagiarism", 2026), {"affected_entities": [entity_x, ""]}),
	"affected entity not a string": object.union(facts("plagiarism", 2026), {"affected_entities": [1]}),
	"empty object": {},
	"a list": [facts("poor_credit", 2026)],
	"a string": "poor_credit",
	"null": null,
}

test_malformed_facts_give_no_sanction[name] if {
	some name, f in malformed
	d := sanctions.decision with input as f
	d == {"sanctions": []}
}

test_no_input_at_all_gives_no_sanction if {
	sanctions.decision == {"sanctions": []}
}

test_affected_entities_may_be_absent_null_or_empty[name] if {
	some name, f in {
		"absent": facts("plagiarism", 2026),
		"null": object.union(facts("plagiarism", 2026), {"affected_entities": null}),
		"empty": object.union(facts("plagiarism", 2026), {"affected_entities": []}),
	}
	only(f).effects == [{"kind": "public_criticism"}, affected_patent_block]
}

test_affected_entities_are_ignored_where_no_effect_reads_them if {
	f := object.union(facts("report_not_on_time", 2026), {"affected_entities": [entity_x]})
	only(f).effects == [served_block]
}

test_a_whole_number_written_as_float_is_a_year if {
	only(facts("poor_credit", 2026.0)).year_of_effect == 2026
}

# --- The table itself -------------------------------------------------------------------------

triggers := {
	"report_not_on_time", "sci_tech_project_services", "abnormal_patent_applications",
	"plagiarism", "poor_credit", "poor_service", "unfair_competition", "refused_correction",
}

test_every_rule_set_covers_every_trigger if {
	every rs in data.sanctions.rule_sets {
		object.keys(rs.triggers) == triggers
	}
}

test_effective_dates_are_unique_dates if {
	froms := [rs.effective_from | some rs in data.sanctions.rule_sets]
	count(froms) == count({f | some f in froms})
	every f in froms {
		regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, f)
	}
}

test_every_effect_is_known if {
	every rs in data.sanctions.rule_sets {
		every rule in rs.triggers {
			every e in rule.effects {
				e.kind in {"subsidy_block", "public_criticism", "interview", "blacklist", "transfer"}
			}
		}
	}
}

test_every_subsidy_block_names_families_and_entities if {
	every rs in data.sanctions.rule_sets {
		every rule in rs.triggers {
			every e in rule.effects {
				block_well_formed(e)
			}
		}
	}
}

block_well_formed(e) if e.kind != "subsidy_block"

block_well_formed(e) if {
	e.kind == "subsidy_block"
	count(e.families) > 0
	every f in e.families {
		f in {"ip_subsidy", "sci_tech_subsidy", "patent_subsidy"}
	}
	e.entities in {"served", "affected"}
}

test_every_rule_cites_the_seed if {
	every rs in data.sanctions.rule_sets {
		every rule in rs.triggers {
			rule.basis in {basis_1, basis_5}
			is_boolean(rule.public)
			rule.year_offset in {0, 1}
		}
	}
}

test_public_measures_are_public if {
	every rs in data.sanctions.rule_sets {
		every rule in rs.triggers {
			public_if_a_public_measure(rule)
		}
	}
}

public_if_a_public_measure(rule) if {
	some e in rule.effects
	e.kind in {"public_criticism", "blacklist", "transfer"}
	rule.public == true
}

public_if_a_public_measure(rule) if {
	every e in rule.effects {
		not e.kind in {"public_criticism", "blacklist", "transfer"}
	}
}
