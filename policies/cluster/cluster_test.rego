package cluster_test

import data.cluster

# --- Fixtures ---------------------------------------------------------------------------------

ip_types := ["patent", "trademark", "copyright", "geographical_indication", "plant_variety", "ic_layout"]

service_kinds := ["info_consulting", "rights_protection", "agency", "valuation", "legal", "commercial"]

full_coverage := {t: service_kinds | some t in ip_types}

agency(i) := {"uscc": sprintf("91320281MA1%07d", [i]), "name": sprintf("服务机构%d", [i]), "service_types": ["patent_agency"]}

agencies(n) := [agency(i) | some i in numbers.range(1, n)]

documents := ["application_form", "work_plan", "authenticity_commitment", "supporting_materials"]

# A clean application of 江阴市 (320281) for the 2027 round, submitted on 1 May 2027.
clean := {
	"county_code": "320281",
	"year": 2027,
	"submitted_at": "2027-05-01T10:00:00+08:00",
	"management_body": {"name": "江阴市知识产权服务业集聚区管理办公室", "staff_count": 3},
	"has_development_plan": true,
	"special_fund_fen_per_year": 5000000,
	"industry": "高端装备制造",
	"agencies": agencies(15),
	"coverage": full_coverage,
	"documents": documents,
	"other_applications_this_round": [],
}

# with_facts replaces top-level fields of the clean application (object.union alone would
# merge objects such as coverage rather than replace them).
with_facts(patch) := object.union(object.remove(clean, object.keys(patch)), patch)

screened(f) := d if {
	d := cluster.screening with input as f
}

# only(f) is the one failure of f; undefined unless there is exactly one.
only(f) := x if {
	[x] := screened(f).failures
}

codes(f) := [x.code | some x in screened(f).failures]

fields(f) := [x.field | some x in screened(f).failures]

assessed(f) := d if {
	d := cluster.assessment with input as f
}

# --- Everything passing ------------------------------------------------------------------------

test_clean_application_passes if {
	d := screened(clean)
	d.passed == true
	d.failures == []
	d.round == {"year": 2027, "cutoff": "2027-07-01T00:00:00+08:00", "closed": false}
	d.next_round_cutoff == "2028-07-01T00:00:00+08:00"
}

test_the_screening_has_exactly_its_keys if {
	object.keys(screened(clean)) == {"passed", "failures", "round", "next_round_cutoff"}
}

test_exactly_the_thresholds_pass if {
	screened(with_facts({"agencies": agencies(15), "management_body": {"name": "办公室", "staff_count": 2}, "special_fund_fen_per_year": 1})).passed
}

test_the_recommendation_letter_is_not_required_at_submission if {
	screened(with_facts({"documents": array.concat(documents, ["recommendation_letter"])})).passed
	screened(with_facts({"documents": documents})).passed
}

test_extra_service_kinds_and_null_other_applications_pass if {
	screened(with_facts({
		"coverage": object.union(full_coverage, {"patent": array.concat(service_kinds, ["training"])}),
		"other_applications_this_round": null,
	})).passed
}

# --- Each condition alone -----------------------------------------------------------------------

single_failures := {
	"14 agencies": {
		"patch": {"agencies": agencies(14)},
		"want": {"code": "too_few_agencies", "field": "/agencies", "basis": "seed 001 §四(二)3"},
	},
	"15 agencies, one listed twice": {
		"patch": {"agencies": array.concat(agencies(14), [agency(14)])},
		"want": {"code": "too_few_agencies", "field": "/agencies", "basis": "seed 001 §四(二)3"},
	},
	"plant varieties without commercial services": {
		"patch": {"coverage": object.union(full_coverage, {"plant_variety": array.slice(service_kinds, 0, 5)})},
		"want": {"code": "coverage_missing", "field": "/coverage/plant_variety", "basis": "seed 001 §四(二)3"},
	},
	"1 staff": {
		"patch": {"management_body": {"name": "办公室", "staff_count": 1}},
		"want": {"code": "too_few_staff", "field": "/management_body/staff_count", "basis": "seed 001 §四(二)1; seed 001 附件 建设指引（建立工作机制）"},
	},
	"no work plan": {
		"patch": {"documents": ["application_form", "authenticity_commitment", "supporting_materials"]},
		"want": {"code": "document_missing", "field": "/documents/work_plan", "basis": "seed 001 §四(三)"},
	},
	"no development plan": {
		"patch": {"has_development_plan": false},
		"want": {"code": "no_development_plan", "field": "/has_development_plan", "basis": "seed 001 §四(二)1"},
	},
	"no special fund": {
		"patch": {"special_fund_fen_per_year": 0},
		"want": {"code": "no_special_fund", "field": "/special_fund_fen_per_year", "basis": "seed 001 §四(二)1"},
	},
	"a prefecture as applicant": {
		"patch": {"county_code": "320200"},
		"want": {"code": "not_county_level", "field": "/county_code", "basis": "seed 001 §四(一)"},
	},
	"a second application this round": {
		"patch": {"other_applications_this_round": ["ca_01J0000000000000000000000"]},
		"want": {"code": "duplicate_application", "field": "/year", "basis": "seed 001 §四(三)"},
	},
	"submitted at the cutoff": {
		"patch": {"submitted_at": "2027-07-01T00:00:00+08:00"},
		"want": {"code": "round_closed", "field": "/submitted_at", "basis": "seed 001 §四(三)"},
	},
}

test_each_condition_fails_alone[name] if {
	some name, tc in single_failures
	x := only(with_facts(tc.patch))
	x.code == tc.want.code
	x.field == tc.want.field
	x.basis == tc.want.basis
	screened(with_facts(tc.patch)).passed == false
}

test_every_failure_has_both_messages[name] if {
	some name, tc in single_failures
	x := only(with_facts(tc.patch))
	object.keys(x) == {"code", "field", "basis", "message_zh", "message_en"}
	regex.match(`\p{Han}`, x.message_zh)
	not regex.match(`\p{Han}`, x.message_en)
	not contains(x.message_zh, "%!")
	not contains(x.message_en, "%!")
}

test_14_agencies_names_14_and_15 if {
	x := only(with_facts({"agencies": agencies(14)}))
	x.message_zh == "区内已有知识产权服务机构 14 家，应在 15 家以上。"
	x.message_en == "The zone has 14 IP service agencies; at least 15 are required."
}

test_a_missing_cell_names_the_type_and_the_kind if {
	x := only(with_facts({"coverage": object.union(full_coverage, {"plant_variety": array.slice(service_kinds, 0, 5)})}))
	x.message_zh == "区内知识产权服务未覆盖植物新品种的商用服务。"
	x.message_en == "The zone's IP services do not cover commercial services for plant varieties."
}

test_each_missing_cell_is_its_own_failure if {
	f := with_facts({"coverage": object.remove(full_coverage, {"ic_layout"})})
	fields(f) == [sprintf("/coverage/%s", ["ic_layout"]) | some _ in service_kinds]
	count({x.message_en | some x in screened(f).failures}) == 6
}

test_no_coverage_at_all_is_36_failures_in_order if {
	f := with_facts({"coverage": null})
	codes(f) == ["coverage_missing" | some _ in numbers.range(1, 36)]
	xs := screened(f).failures
	xs[0].message_en == "The zone's IP services do not cover information consulting services for patents."
	xs[35].message_en == "The zone's IP services do not cover commercial services for IC layout designs."
}

test_one_staff_names_1_and_2 if {
	x := only(with_facts({"management_body": {"name": "办公室", "staff_count": 1}}))
	x.message_zh == "知识产权管理机构有效工作人员 1 人，应不低于 2 人。"
	x.message_en == "The IP management body has 1 dedicated staff; at least 2 are required."
}

test_malformed_staff_counts_as_none[name] if {
	some name, body in {
		"no body": null,
		"no count": {"name": "办公室"},
		"a string": {"name": "办公室", "staff_count": "3"},
		"a fraction": {"name": "办公室", "staff_count": 2.5},
	}
	x := only(with_facts({"management_body": body}))
	x.code == "too_few_staff"
	contains(x.message_en, "has 0 dedicated staff")
}

test_the_missing_document_is_named if {
	x := only(with_facts({"documents": ["application_form", "authenticity_commitment", "supporting_materials"]}))
	x.message_zh == "缺少申报材料：知识产权服务业集聚发展区建设工作方案。"
}

test_no_documents_is_4_failures if {
	fields(with_facts({"documents": null})) == [
		"/documents/application_form",
		"/documents/authenticity_commitment",
		"/documents/supporting_materials",
		"/documents/work_plan",
	]
}

test_only_true_is_a_plan[name] if {
	some name, v in {"string": "true", "null": null, "one": 1}
	only(with_facts({"has_development_plan": v})).code == "no_development_plan"
}

test_only_a_positive_whole_fund_counts[name] if {
	some name, v in {"negative": -1, "fraction": 0.5, "string": "5000000", "null": null}
	only(with_facts({"special_fund_fen_per_year": v})).code == "no_special_fund"
}

test_not_a_county_of_jiangsu[code] if {
	some code in ["320200", "320000", "321300", "310101", "32028", "3202811", "32028a", ""]
	x := only(with_facts({"county_code": code}))
	x.code == "not_county_level"
	contains(x.message_en, sprintf("division code %s is not one", [code]))
}

test_a_number_is_not_a_county_code if {
	only(with_facts({"county_code": 320281})).code == "not_county_level"
}

test_counties_and_districts_of_jiangsu_pass[code] if {
	some code in ["320281", "320102", "320506", "321302"]
	screened(with_facts({"county_code": code})).passed
}

test_a_second_application_names_the_other if {
	x := only(with_facts({"other_applications_this_round": ["ca_A", "ca_B"]}))
	x.message_zh == "行政区划 320281 已有2027年度的集聚区申报（ca_A, ca_B），每个县（市、区）每年申报一次。"
	x.message_en == "Division 320281 already has an application in the 2027 round (ca_A, ca_B); a county-level division applies once a year."
}

test_everything_failing_at_once if {
	f := {"county_code": "320200", "year": 2027, "submitted_at": "2027-07-01T00:00:00+08:00", "other_applications_this_round": ["ca_A"]}
	d := screened(f)
	d.passed == false

	# county, agencies, 36 cells, staff, plan, fund, 4 documents, second application, cutoff
	count(d.failures) == 47
	d.failures[0].code == "not_county_level"
	d.failures[1].code == "too_few_agencies"
	d.failures[count(d.failures) - 1].code == "round_closed"
	{x.code | some x in d.failures} == {
		"not_county_level", "too_few_agencies", "coverage_missing", "too_few_staff", "no_development_plan",
		"no_special_fund", "document_missing", "duplicate_application", "round_closed",
	}
}

# --- The cutoff -----------------------------------------------------------------------------------

test_the_last_instant_of_30_june_is_in_the_round if {
	d := screened(with_facts({"submitted_at": "2027-06-30T23:59:59.999+08:00"}))
	d.passed
	d.round.closed == false
	d.next_round_cutoff == "2028-07-01T00:00:00+08:00"
}

test_1_july_00_00_is_round_closed if {
	d := screened(with_facts({"submitted_at": "2027-07-01T00:00:00+08:00"}))
	d.passed == false
	d.round == {"year": 2027, "cutoff": "2027-07-01T00:00:00+08:00", "closed": true}
	d.next_round_cutoff == "2028-07-01T00:00:00+08:00"
	[x] := d.failures
	x.code == "round_closed"
	x.message_zh == "2027年度集聚区申报已于 2027-07-01 00:00（北京时间）截止；下一轮申报截止时间为 2028-07-01 00:00。"
	x.message_en == "The 2027 round closed at 2027-07-01 00:00 (Asia/Shanghai); the next round closes at 2028-07-01 00:00."
}

test_the_cutoff_is_shanghai_time[at] if {
	some at, closed in {
		"2027-06-30T15:59:59.999999999Z": false,
		"2027-06-30T16:00:00Z": true,
		"2027-06-30T12:00:00-04:00": true,
		"2027-06-30T11:59:59-04:00": false,
	}
	screened(with_facts({"submitted_at": at})).round.closed == closed
}

test_a_year_late_the_next_round_is_the_one_still_open if {
	d := screened(with_facts({"submitted_at": "2028-08-01T09:00:00+08:00"}))
	d.round.closed
	d.next_round_cutoff == "2029-07-01T00:00:00+08:00"
	contains(only(with_facts({"submitted_at": "2028-08-01T09:00:00+08:00"})).message_en, "the next round closes at 2029-07-01 00:00")
}

test_late_in_the_next_year_before_its_cutoff if {
	d := screened(with_facts({"submitted_at": "2028-03-01T09:00:00+08:00"}))
	d.round.closed
	d.next_round_cutoff == "2028-07-01T00:00:00+08:00"
}

test_an_early_application_for_next_year_passes if {
	d := screened(with_facts({"year": 2028, "submitted_at": "2027-08-01T09:00:00+08:00"}))
	d.passed
	d.round == {"year": 2028, "cutoff": "2028-07-01T00:00:00+08:00", "closed": false}
	d.next_round_cutoff == "2029-07-01T00:00:00+08:00"
}

test_the_cutoff_is_data if {
	round := object.union(data.cluster.parameter_sets[0].round, {"cutoff_month": 8})
	sets := [object.union(data.cluster.parameter_sets[0], {"round": round})]
	d := cluster.screening with input as with_facts({"submitted_at": "2027-07-15T00:00:00+08:00"})
		with data.cluster.parameter_sets as sets
	d.passed
	d.round.cutoff == "2027-08-01T00:00:00+08:00"
}

test_the_thresholds_are_data if {
	set := object.union(data.cluster.parameter_sets[0], {"agencies": {"min": 10, "basis": "test"}})
	d := cluster.screening with input as with_facts({"agencies": agencies(10)})
		with data.cluster.parameter_sets as [set]
	d.passed
}

test_a_later_parameter_set_applies_from_its_date if {
	later := object.union(data.cluster.parameter_sets[0], {"effective_from": "2027-06-01", "agencies": {"min": 20, "basis": "test"}})
	sets := array.concat(data.cluster.parameter_sets, [later])
	before := cluster.screening with input as clean with data.cluster.parameter_sets as sets
	before.passed
	after := cluster.screening with input as with_facts({"submitted_at": "2027-06-01T00:00:00+08:00"})
		with data.cluster.parameter_sets as sets
	[x] := after.failures
	x.message_en == "The zone has 15 IP service agencies; at least 20 are required."
}

# --- Malformed input fails closed -----------------------------------------------------------------

test_not_an_object_fails_closed[name] if {
	some name, v in {"string": "x", "list": [], "number": 1, "empty": {}}
	d := cluster.screening with input as v
	d.passed == false
	fields(v) == ["/submitted_at", "/year"]
	{x.code | some x in d.failures} == {"malformed"}
	d.round == null
	d.next_round_cutoff == null
}

test_a_malformed_instant_fails_closed[at] if {
	some at in [
		"2027-02-29T10:00:00+08:00", "2100-02-29T10:00:00+08:00", "2027-04-31T10:00:00+08:00",
		"2027-06-30", "2027-06-30 10:00:00+08:00", "2027-06-30T24:00:00+08:00",
		"2027-06-30T10:00:00+24:00", "2027-06-30T10:00:00", "1969-12-31T23:59:59Z", "",
		123, null,
	]
	d := screened(with_facts({"submitted_at": at}))
	d.passed == false
	[x] := d.failures
	x.code == "malformed"
	x.field == "/submitted_at"
	x.message_en == "The field /submitted_at is missing or malformed."
	d.round == null
}

test_leap_days_are_instants[at] if {
	some at in ["2028-02-29T10:00:00+08:00", "2016-02-29T10:00:00+08:00"]
	screened(with_facts({"year": to_number(substring(at, 0, 4)), "submitted_at": at})).passed
}

test_a_malformed_year_fails_closed[name] if {
	some name, y in {"string": "2027", "fraction": 2027.5, "null": null, "too early": 1969}
	d := screened(with_facts({"year": y}))
	d.passed == false
	[x] := d.failures
	x.code == "malformed"
	x.field == "/year"
	x.message_zh == "字段 /year 缺失或格式不正确。"
	d.round == null
	d.next_round_cutoff == null
}

test_malformed_other_applications_fail_closed[name] if {
	some name, v in {"string": "ca_A", "object": {"id": "ca_A"}, "true": true}
	x := only(with_facts({"other_applications_this_round": v}))
	x.code == "malformed"
	x.field == "/other_applications_this_round"
}

test_no_parameters_before_the_first_set if {
	d := screened(with_facts({"year": 2015, "submitted_at": "2015-12-31T23:59:59+08:00"}))
	d.passed == false
	[x] := d.failures
	x.code == "no_parameters_in_force"
	x.message_en == "No cluster-zone application conditions were in force on 2015-12-31."
	d.round == null
}

test_the_first_set_applies_from_its_shanghai_date if {
	screened(with_facts({"year": 2016, "submitted_at": "2015-12-31T16:00:00Z"})).passed
}

# --- Assessment -----------------------------------------------------------------------------------

assessment_facts(outcome, previous) := {"outcome": outcome, "previous_fails": previous, "assessed_at": "2030-09-15T10:00:00+08:00"}

test_excellent_is_recommended_for_the_national_pilot if {
	assessed(assessment_facts("excellent", 0)) == {
		"status": "excellent",
		"rectify_by": "",
		"recommend_national_pilot": true,
		"keeps_title": true,
		"basis": "seed 001 §四(六)2",
		"message_zh": "期满考核结果为优秀，优先推荐申报国家知识产权服务业集聚发展试验区。",
		"message_en": "Rated excellent at the final assessment: recommended first for the national IP service industry cluster pilot zone.",
	}
}

test_pass_keeps_the_title if {
	d := assessed(assessment_facts("pass", 0))
	d.status == "passed"
	d.keeps_title == true
	d.recommend_national_pilot == false
	d.rectify_by == ""
	d.basis == "seed 001 §四(六)2"
	d.message_en == "Passed the final assessment: the zone keeps the title of Jiangsu IP service industry cluster zone."
}

test_pass_after_rectification_keeps_the_title if {
	d := assessed(assessment_facts("pass", 1))
	d.status == "passed"
	d.keeps_title == true
}

test_a_first_fail_is_rectification if {
	d := assessed(assessment_facts("fail", 0))
	d.status == "rectification"
	d.rectify_by == "2031-03-16T00:00:00+08:00"
	d.keeps_title == true
	d.recommend_national_pilot == false
	d.basis == "seed 001 §四(六)2"
	d.message_zh == "期满考核结果为不合格，限期整改：应于 2031-03-15（含）前完成整改（6个月）。"
	d.message_en == "Failed the final assessment: rectification is due on or before 2031-03-15 (6 months)."
}

test_rectification_counts_on_the_shanghai_calendar if {
	# 2030-08-31T20:00Z is 1 September 04:00 in Shanghai: the period ends on 1 March, not on
	# 3 March (31 August + 6 months).
	d := assessed({"outcome": "fail", "previous_fails": 0, "assessed_at": "2030-08-31T20:00:00Z"})
	d.rectify_by == "2031-03-02T00:00:00+08:00"
	contains(d.message_en, "on or before 2031-03-01 ")
	d2 := assessed({"outcome": "fail", "previous_fails": 0, "assessed_at": "2030-08-31T15:59:59Z"})
	d2.rectify_by == "2031-03-04T00:00:00+08:00"
}

test_rectification_months_are_data if {
	set := object.union(data.cluster.parameter_sets[0], {"assessment": {"rectification_months": 3, "basis": "seed 001 §四(六)2"}})
	d := cluster.assessment with input as assessment_facts("fail", 0) with data.cluster.parameter_sets as [set]
	d.rectify_by == "2030-12-16T00:00:00+08:00"
	contains(d.message_en, "(3 months)")
}

test_failing_again_revokes_the_title[n] if {
	some n in [1, 2]
	d := assessed(assessment_facts("fail", n))
	d.status == "revoked"
	d.keeps_title == false
	d.recommend_national_pilot == false
	d.rectify_by == ""
	d.message_zh == "整改后考核仍不合格，取消“江苏省知识产权服务业集聚发展区”称号。"
}

test_excellent_after_a_fail_is_excellent if {
	assessed(assessment_facts("excellent", 1)).status == "excellent"
}

test_a_malformed_assessment_is_invalid[name] if {
	some name, tc in {
		"unknown outcome": {"facts": assessment_facts("good", 0), "fields": "/outcome"},
		"negative previous fails": {"facts": assessment_facts("fail", -1), "fields": "/previous_fails"},
		"previous fails as text": {"facts": assessment_facts("fail", "0"), "fields": "/previous_fails"},
		"no instant": {"facts": {"outcome": "fail", "previous_fails": 0}, "fields": "/assessed_at"},
		"before any parameters": {"facts": object.union(assessment_facts("pass", 0), {"assessed_at": "2015-06-01T00:00:00+08:00"}), "fields": "/assessed_at"},
		"not an object": {"facts": "fail", "fields": "/assessed_at, /outcome, /previous_fails"},
	}
	d := assessed(tc.facts)
	d.status == "invalid"
	d.keeps_title == false
	d.recommend_national_pilot == false
	d.rectify_by == ""
	d.basis == "seed 001 §四(六)2"
	d.message_en == sprintf("The assessment facts are incomplete or malformed (%s): no decision can be made.", [tc.fields])
}
