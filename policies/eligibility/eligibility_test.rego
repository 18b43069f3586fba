package eligibility_test

import data.eligibility
import data.sanctions

# --- Fixtures ---------------------------------------------------------------------------------

entity_x := "91320281MA1XXXXX0X"

entity_y := "320281199001011234"

agency_a := "91320281MA1AAAAA0A"

agency_b := "91320281MA1BBBBB0B"

filed(uscc) := {"uscc": uscc, "accepted_filing": true, "relations": ["report_client"]}

not_filed(uscc) := {"uscc": uscc, "accepted_filing": false, "relations": ["named"]}

families := {"ip_subsidy", "sci_tech_subsidy", "patent_subsidy"}

served_block := {"kind": "subsidy_block", "families": ["ip_subsidy", "sci_tech_subsidy"], "entities": "served"}

patent_block := {"kind": "subsidy_block", "families": ["patent_subsidy"], "entities": "affected"}

late_report(agency, year) := {
	"id": sprintf("%s#report_not_on_time#%d", [agency, year - 1]),
	"agency": agency,
	"trigger": "report_not_on_time",
	"year": year,
	"effects": [served_block],
	"basis": "seed 000 §二(二)1",
	"waived": false,
}

plagiarism(agency, year, affected) := {
	"id": sprintf("%s#plagiarism#%d#v-1", [agency, year]),
	"agency": agency,
	"trigger": "plagiarism",
	"year": year,
	"effects": [{"kind": "public_criticism"}, patent_block],
	"basis": "seed 000 §二(二)5",
	"affected_entities": affected,
	"waived": false,
}

query(entity, year, agencies, sanctions) := {"entity": entity, "year": year, "agencies": agencies, "sanctions": sanctions}

decide(q) := d if {
	d := eligibility.decision with input as q
}

# blocked(d) is the set of families a decision blocks.
blocked(d) := {f | some f, fam in d.families; not fam.eligible}

# consistent holds for every well-formed answer: all three families, eligible exactly when no
# reason, reasons a list.
consistent(d) if {
	object.keys(d) == {"families"}
	object.keys(d.families) == families
	every _, fam in d.families {
		is_array(fam.reasons)
		fam.eligible == (count(fam.reasons) == 0)
	}
}

# --- The cases --------------------------------------------------------------------------------

cases := {
	"no agency: everything eligible": {
		"q": query(entity_x, 2027, [], []),
		"blocked": set(),
	},
	"a filed agency without sanctions: everything eligible": {
		"q": query(entity_x, 2027, [filed(agency_a)], []),
		"blocked": set(),
	},
	"an agency not filed blocks IP and sci-tech subsidies": {
		"q": query(entity_x, 2027, [not_filed(agency_a)], []),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
	"an agency without accepted_filing counts as not filed": {
		"q": query(entity_x, 2027, [{"uscc": agency_a, "relations": ["named"]}], []),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
	"accepted_filing must be true, not truthy": {
		"q": query(entity_x, 2027, [{"uscc": agency_a, "accepted_filing": "true"}], []),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
	"a late 2026 report blocks in 2027": {
		"q": query(entity_x, 2027, [filed(agency_a)], [late_report(agency_a, 2027)]),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
	"a sanction of 2027 does not block 2026": {
		"q": query(entity_x, 2026, [filed(agency_a)], [late_report(agency_a, 2027)]),
		"blocked": set(),
	},
	"a sanction of 2027 does not block 2028": {
		"q": query(entity_x, 2028, [filed(agency_a)], [late_report(agency_a, 2027)]),
		"blocked": set(),
	},
	"a waived sanction does not block": {
		"q": query(entity_x, 2027, [filed(agency_a)], [object.union(late_report(agency_a, 2027), {"waived": true})]),
		"blocked": set(),
	},
	"waived must be true, not truthy": {
		"q": query(entity_x, 2027, [filed(agency_a)], [object.union(late_report(agency_a, 2027), {"waived": "yes"})]),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
	"a sanction without waived blocks": {
		"q": query(entity_x, 2027, [filed(agency_a)], [object.remove(late_report(agency_a, 2027), {"waived"})]),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
	"a sanction of an agency that did not serve the entity does not block": {
		"q": query(entity_x, 2027, [filed(agency_b)], [late_report(agency_a, 2027)]),
		"blocked": set(),
	},
	"a named agency counts as much as a report client": {
		"q": query(entity_x, 2027, [{"uscc": agency_a, "accepted_filing": true, "relations": ["named"]}], [late_report(agency_a, 2027)]),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
	"plagiarism blocks patent subsidies of an affected applicant": {
		"q": query(entity_x, 2026, [filed(agency_a)], [plagiarism(agency_a, 2026, [entity_y, entity_x])]),
		"blocked": {"patent_subsidy"},
	},
	"plagiarism does not reach an applicant not affected": {
		"q": query(entity_x, 2026, [filed(agency_a)], [plagiarism(agency_a, 2026, [entity_y])]),
		"blocked": set(),
	},
	"plagiarism without affected entities reaches nobody": {
		"q": query(entity_x, 2026, [filed(agency_a)], [object.remove(plagiarism(agency_a, 2026, []), {"affected_entities"})]),
		"blocked": set(),
	},
	"an empty entity is never affected": {
		"q": query("", 2026, [filed(agency_a)], [plagiarism(agency_a, 2026, [""])]),
		"blocked": set(),
	},
	"an affected applicant is still blocked only in the sanction's year": {
		"q": query(entity_x, 2027, [filed(agency_a)], [plagiarism(agency_a, 2026, [entity_x])]),
		"blocked": set(),
	},
	"an affected applicant of an agency it did not name is not blocked": {
		"q": query(entity_x, 2026, [filed(agency_b)], [plagiarism(agency_a, 2026, [entity_x])]),
		"blocked": set(),
	},
	"a block without entities reaches every served entity": {
		"q": query(entity_x, 2026, [filed(agency_a)], [object.union(plagiarism(agency_a, 2026, []), {"effects": [{"kind": "subsidy_block", "families": ["patent_subsidy"]}]})]),
		"blocked": {"patent_subsidy"},
	},
	"public criticism, interview, blacklist and transfer block nothing": {
		"q": query(entity_x, 2026, [filed(agency_a)], [{
			"id": "x", "agency": agency_a, "trigger": "poor_credit", "year": 2026, "basis": "seed 000 §二(二)5",
			"effects": [{"kind": "public_criticism"}, {"kind": "interview"}, {"kind": "blacklist"}, {"kind": "transfer"}],
		}]),
		"blocked": set(),
	},
	"not filed and sanctioned: every family the two block": {
		"q": query(entity_x, 2026, [not_filed(agency_b), filed(agency_a)], [plagiarism(agency_a, 2026, [entity_x])]),
		"blocked": families,
	},
	"a year of effect written as float still matches": {
		"q": query(entity_x, 2027.0, [filed(agency_a)], [late_report(agency_a, 2027)]),
		"blocked": {"ip_subsidy", "sci_tech_subsidy"},
	},
}

test_case[name] if {
	some name, tc in cases
	d := decide(tc.q)
	consistent(d)
	blocked(d) == tc.blocked
}

# --- Reasons ----------------------------------------------------------------------------------

test_agency_not_filed_reason if {
	d := decide(query(entity_x, 2027, [not_filed(agency_a)], []))
	d.families.ip_subsidy.reasons == [{
		"code": "agency_not_filed",
		"agency": agency_a,
		"year": 2027,
		"basis": "seed 000 §二(二)1",
		"message_zh": "为您提供服务的知识产权服务机构 91320281MA1AAAAA0A 未向市知识产权局备案登记，接受其服务的单位和个人不得享受2027年度知识产权资助政策。",
		"message_en": "IP service agency 91320281MA1AAAAA0A, which served you, has not filed with the city IP bureau: the organisations and individuals it served may not receive IP subsidies in 2027.",
	}]
	d.families.patent_subsidy == {"eligible": true, "reasons": []}
}

test_late_report_reason if {
	d := decide(query(entity_x, 2027, [filed(agency_a)], [late_report(agency_a, 2027)]))
	d.families.sci_tech_subsidy.reasons == [{
		"code": "report_not_on_time",
		"agency": agency_a,
		"trigger": "report_not_on_time",
		"year": 2027,
		"basis": "seed 000 §二(二)1",
		"sanction_id": "91320281MA1AAAAA0A#report_not_on_time#2026",
		"message_zh": "为您提供服务的知识产权服务机构 91320281MA1AAAAA0A 未按时报告上一年度在本市开展业务情况，接受其服务的单位和个人不得享受2027年度科技项目资助政策。",
		"message_en": "IP service agency 91320281MA1AAAAA0A, which served you, did not submit its annual report on time: the organisations and individuals it served may not receive sci-tech project subsidies in 2027.",
	}]
}

test_affected_reason if {
	d := decide(query(entity_x, 2026, [filed(agency_a)], [plagiarism(agency_a, 2026, [entity_x])]))
	[r] := d.families.patent_subsidy.reasons
	r.code == "plagiarism"
	r.sanction_id == "91320281MA1AAAAA0A#plagiarism#2026#v-1"
	r.basis == "seed 000 §二(二)5"
	r.message_zh == "为您提供服务的专利代理机构 91320281MA1AAAAA0A 出现抄袭等恶意行为，您作为相关申请单位或个人，取消2026年度专利资助申请资格。"
	r.message_en == "Patent agency 91320281MA1AAAAA0A, which served you, engaged in plagiarism or similar malicious conduct: as an applicant concerned, you may not apply for patent subsidies in 2026."
}

test_every_reason_names_agency_year_basis_and_both_messages if {
	d := decide(query(entity_x, 2026, [not_filed(agency_b), filed(agency_a)], [
		plagiarism(agency_a, 2026, [entity_x]),
		object.union(late_report(agency_a, 2026), {"id": "s-2"}),
	]))
	every _, fam in d.families {
		every r in fam.reasons {
			r.agency in {agency_a, agency_b}
			r.year == 2026
			startswith(r.basis, "seed 000 §二(二)")
			contains(r.message_zh, r.agency)
			contains(r.message_zh, "2026")
			contains(r.message_en, r.agency)
			contains(r.message_en, "2026")
			not contains(r.message_zh, "%!")
			not contains(r.message_en, "%!")
		}
	}
	count(d.families.ip_subsidy.reasons) == 2
	count(d.families.patent_subsidy.reasons) == 1
}

test_reasons_are_sorted_and_deduplicated if {
	d := decide(query(entity_x, 2027, [not_filed(agency_b), filed(agency_a), not_filed(agency_b)], [late_report(agency_a, 2027), late_report(agency_a, 2027)]))
	rs := d.families.ip_subsidy.reasons
	count(rs) == 2
	rs == sort(rs)
}

test_the_same_input_in_another_order_gives_the_same_answer if {
	d1 := decide(query(entity_x, 2027, [not_filed(agency_b), filed(agency_a)], [late_report(agency_a, 2027)]))
	d2 := decide(query(entity_x, 2027, [filed(agency_a), not_filed(agency_b)], [late_report(agency_a, 2027)]))
	d1 == d2
}

test_unknown_trigger_still_blocks_with_a_readable_reason if {
	s := object.union(late_report(agency_a, 2027), {"trigger": "new_kind"})
	d := decide(query(entity_x, 2027, [filed(agency_a)], [s]))
	[r] := d.families.ip_subsidy.reasons
	r.code == "new_kind"
	contains(r.message_zh, "受到处理")
	contains(r.message_en, "is under a sanction")
}

test_a_record_without_trigger_or_basis_still_blocks if {
	s := object.remove(late_report(agency_a, 2027), {"trigger", "basis"})
	d := decide(query(entity_x, 2027, [filed(agency_a)], [s]))
	[r] := d.families.ip_subsidy.reasons
	r.code == "sanction"
	r.trigger == "sanction"
	r.basis == "DOMAIN.md §3"
}

# --- Undefined-safety: always all three families -------------------------------------------

malformed := {
	"empty object": {},
	"null": null,
	"a string": "entity",
	"a list": [query(entity_x, 2027, [], [])],
	"null lists": query(entity_x, 2027, null, null),
	"lists of the wrong type": query(entity_x, 2027, "agencies", {"a": 1}),
	"entries of the wrong type": query(entity_x, 2027, ["x", 1, null, {"uscc": 5}, {"uscc": ""}], ["x", 1, null]),
	"effects of the wrong type": query(entity_x, 2027, [filed(agency_a)], [object.union(late_report(agency_a, 2027), {"effects": ["subsidy_block", null]})]),
	"families of the wrong type": query(entity_x, 2027, [filed(agency_a)], [object.union(late_report(agency_a, 2027), {"effects": [{"kind": "subsidy_block", "families": "ip_subsidy"}]})]),
	"a family nobody knows": query(entity_x, 2027, [filed(agency_a)], [object.union(late_report(agency_a, 2027), {"effects": [{"kind": "subsidy_block", "families": ["lottery"]}]})]),
	"year as a string": query(entity_x, "2027", [filed(agency_a)], [object.union(late_report(agency_a, 2027), {"year": "2027"})]),
	"no year": {"entity": entity_x, "agencies": [filed(agency_a)], "sanctions": [object.remove(late_report(agency_a, 2027), {"year"})]},
}

test_malformed_input_is_answered_with_every_family[name] if {
	some name, q in malformed
	d := decide(q)
	consistent(d)
	blocked(d) == set()
}

test_no_input_at_all if {
	d := eligibility.decision
	consistent(d)
	blocked(d) == set()
}

test_a_malformed_year_does_not_apply_the_filing_rule[name] if {
	some name, y in {"string": "2027", "fraction": 2027.5, "short": 27, "missing": null}
	d := decide(query(entity_x, y, [not_filed(agency_a)], []))
	consistent(d)
	blocked(d) == set()
}

# --- The filing rule keyed by effective date --------------------------------------------------

test_before_the_first_rule_set_an_unfiled_agency_blocks_nothing if {
	blocked(decide(query(entity_x, 2017, [not_filed(agency_a)], []))) == set()
	blocked(decide(query(entity_x, 2018, [not_filed(agency_a)], []))) == {"ip_subsidy", "sci_tech_subsidy"}
}

test_a_later_rule_set_takes_over_from_the_next_year if {
	later := object.union(data.eligibility.rule_sets[0], {
		"effective_from": "2030-03-01",
		"agency_not_filed": object.union(data.eligibility.rule_sets[0].agency_not_filed, {"families": ["ip_subsidy", "sci_tech_subsidy", "patent_subsidy"]}),
	})
	sets := array.concat([later], data.eligibility.rule_sets)
	d2030 := decide(query(entity_x, 2030, [not_filed(agency_a)], [])) with data.eligibility.rule_sets as sets
	blocked(d2030) == {"ip_subsidy", "sci_tech_subsidy"}
	d2031 := decide(query(entity_x, 2031, [not_filed(agency_a)], [])) with data.eligibility.rule_sets as sets
	blocked(d2031) == families
}

# --- The two policies together ----------------------------------------------------------------

# stored turns the sanctions policy's decision into what the store gives back to eligibility.
stored(f) := [s |
	some ds in sanctions.decision.sanctions with input as f
	s := {
		"id": sprintf("%s#%s#%d", [f.agency, ds.trigger, f.year]),
		"agency": f.agency,
		"trigger": ds.trigger,
		"year": ds.year_of_effect,
		"effects": ds.effects,
		"basis": ds.basis,
		"affected_entities": object.get(f, "affected_entities", []),
		"waived": false,
	}
]

test_a_late_2026_report_blocks_only_2027[name] if {
	some name, tc in {
		"2026": {"year": 2026, "blocked": set()},
		"2027": {"year": 2027, "blocked": {"ip_subsidy", "sci_tech_subsidy"}},
		"2028": {"year": 2028, "blocked": set()},
	}
	ss := stored({"agency": agency_a, "trigger": "report_not_on_time", "year": 2026})
	count(ss) == 1
	blocked(decide(query(entity_x, tc.year, [filed(agency_a)], ss))) == tc.blocked
}

test_abnormal_applications_block_only_affected_applicants_patent_subsidy[name] if {
	some name, tc in {
		"affected": {"entity": entity_x, "blocked": {"patent_subsidy"}},
		"not affected": {"entity": entity_y, "blocked": set()},
	}
	ss := stored({"agency": agency_a, "trigger": "abnormal_patent_applications", "year": 2026, "affected_entities": [entity_x]})
	blocked(decide(query(tc.entity, 2026, [filed(agency_a)], ss))) == tc.blocked
}

test_every_violation_kind_decided_blocks_as_the_table_says[name] if {
	some name, want in {
		"sci_tech_project_services": {"ip_subsidy", "sci_tech_subsidy"},
		"plagiarism": {"patent_subsidy"},
		"abnormal_patent_applications": {"patent_subsidy"},
		"poor_credit": set(),
		"poor_service": set(),
		"unfair_competition": set(),
		"refused_correction": set(),
	}
	ss := stored({"agency": agency_a, "trigger": name, "year": 2026, "affected_entities": [entity_x]})
	blocked(decide(query(entity_x, 2026, [filed(agency_a)], ss))) == want
}

# --- The data itself --------------------------------------------------------------------------

test_the_three_families if {
	object.keys(data.eligibility.families) == families
}

test_every_sanction_trigger_has_words if {
	every rs in data.sanctions.rule_sets {
		every t, _ in rs.triggers {
			data.eligibility.trigger_labels[t].zh != ""
			data.eligibility.trigger_labels[t].en != ""
		}
	}
}

test_the_filing_rule_names_known_families if {
	every rs in data.eligibility.rule_sets {
		every f in rs.agency_not_filed.families {
			f in families
		}
		rs.agency_not_filed.basis == "seed 000 §二(二)1"
	}
}
