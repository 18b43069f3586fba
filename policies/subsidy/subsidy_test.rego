package subsidy_test

import data.subsidy

# --- Fixtures ---------------------------------------------------------------------------------

uscc := "91320508MA1XXXXX0X"

agency_a := "91320508MA1AAAAA0A"

claimant := {
	"uscc": uscc,
	"name": "苏州某科技有限公司",
	"district_code": "320508",
	"key_enterprise": true,
	"finance_platform_registered": true,
}

fee(amount, paid_on) := {"kind": "guarantee", "amount_fen": amount, "paid_on": paid_on, "invoice_no": sprintf("INV-%s-%d", [paid_on, amount])}

# A clean event of each programme, and its event date.
events := {
	"pledge_reward": {
		"loan_fen": 500000000, "disbursed_on": "2022-03-01", "lender": "苏州银行",
		"pledge_registration_no": "Y2022320000123", "pledged_ip": ["ZL202010000001.1"],
	},
	"pledge_service_fee": {"fees": [fee(3000000, "2022-03-01"), fee(1000001, "2022-04-01")]},
	"insurance_premium": {"premium_fen": 1000001, "paid_on": "2022-05-01", "policy_no": "P-1"},
	"securitisation": {"costs_fen": 100000001, "issued_on": "2022-06-01", "project_id": "ABS-2022-1"},
}

dates := {
	"pledge_reward": "2022-03-01",
	"pledge_service_fee": "2022-04-01",
	"insurance_premium": "2022-05-01",
	"securitisation": "2022-06-01",
}

clean(programme) := {
	"programme": programme,
	"claimant": claimant,
	"event": events[programme],
	"event_date": dates[programme],
	"ownership_disputed": false,
	"credit_commitment": true,
	"credit": {"level": "none"},
	"false_commitment": false,
	"agency_blocks": [],
	"ledger": [],
}

# with_event replaces the event (and its date) of a clean claim.
with_event(programme, event, date) := object.union(clean(programme), {"event": event, "event_date": date})

loan(fen) := with_event("pledge_reward", object.union(events.pledge_reward, {"loan_fen": fen}), "2022-03-01")

fees(amounts) := with_event("pledge_service_fee", {"fees": [fee(a, "2022-04-01") | some a in amounts]}, "2022-04-01")

premium(fen) := with_event("insurance_premium", object.union(events.insurance_premium, {"premium_fen": fen}), "2022-05-01")

costs(fen) := with_event("securitisation", object.union(events.securitisation, {"costs_fen": fen}), "2022-06-01")

on(facts, date) := object.union(facts, {"event_date": date})

ledger(facts, entries) := object.union(facts, {"ledger": entries})

usage(cap, used, distinct, counted) := {"cap": cap, "used_fen": used, "distinct": distinct, "counted": counted}

decide(f) := d if {
	d := subsidy.decision with input as f
}

codes(d) := [r.code | some r in d.reasons]

# consistent holds for every answer: the fields of the contract, eligible exactly when no
# refusal, nothing granted unless eligible, never more than requested, shares that sum.
consistent(d) if {
	object.keys(d) == {
		"eligible", "programme", "period", "requested_fen", "amount_fen", "city_share_fen",
		"district_share_fen", "caps_applied", "ledger_caps", "reasons", "policy_version", "decided_at",
	}
	is_array(d.reasons)
	is_array(d.caps_applied)
	is_array(d.ledger_caps)
	d.city_share_fen + d.district_share_fen == d.amount_fen
	d.city_share_fen >= 0
	d.district_share_fen >= 0
	d.amount_fen <= d.requested_fen
	d.policy_version == ""
	d.decided_at == null
	every r in d.reasons {
		is_string(r.basis)
		r.basis != ""
		r.message_zh != ""
		r.message_en != ""
		not contains(r.message_zh, "%!")
		not contains(r.message_en, "%!")
	}
	granted_or_refused(d)
}

granted_or_refused(d) if {
	d.eligible
	d.amount_fen > 0
	every r in d.reasons {
		r.code in {"reduced_to_cap", "reduced_to_cap_remaining"}
	}
}

granted_or_refused(d) if {
	not d.eligible
	d.amount_fen == 0
	count(d.reasons) > 0
	every r in d.reasons {
		not r.code in {"reduced_to_cap", "reduced_to_cap_remaining"}
	}
}

# --- Each programme, granted in full ------------------------------------------------------------

test_pledge_reward_is_one_percent_of_the_loan_all_city if {
	d := decide(clean("pledge_reward"))
	consistent(d)
	d.eligible
	d.programme == "pledge_reward"
	d.period == {"from": "2021-01-01", "to": "2023-12-31", "source": "seed 003 第十八条"}
	d.requested_fen == 5000000
	d.amount_fen == 5000000
	d.city_share_fen == 5000000
	d.district_share_fen == 0
	d.reasons == []
	d.caps_applied == [
		{"cap": "pledge_reward_per_claim", "limit_fen": 10000000, "before_fen": 5000000, "after_fen": 5000000, "basis": "seed 003 第四条"},
		{"cap": "pledge_reward_per_enterprise", "limit_fen": 10000000, "before_fen": 5000000, "after_fen": 5000000, "basis": "seed 003 第四条"},
	]
	d.ledger_caps == [{
		"cap": "pledge_reward_per_enterprise", "key": "91320508MA1XXXXX0X#pledge_reward", "limit_fen": 10000000,
		"max_distinct": 1, "distinct": "once", "basis": "seed 003 第四条",
	}]
}

test_service_fees_are_summed_and_split_half_and_half if {
	d := decide(clean("pledge_service_fee"))
	consistent(d)
	d.eligible
	d.requested_fen == 4000001
	d.amount_fen == 4000001

	# The odd fen is the city's.
	d.district_share_fen == 2000000
	d.city_share_fen == 2000001
	d.reasons == []
	d.ledger_caps == [
		{
			"cap": "pledge_service_fee_per_year", "key": "91320508MA1XXXXX0X#pledge_service_fee#2022", "limit_fen": 10000000,
			"max_distinct": 0, "distinct": "", "basis": "seed 003 第五条",
		},
		{
			"cap": "pledge_service_fee_years", "key": "91320508MA1XXXXX0X#pledge_service_fee#years", "limit_fen": 0,
			"max_distinct": 2, "distinct": "2022", "basis": "seed 003 第五条",
		},
	]

	# The years cap limits no amount, so only the claim cap and the year's cap are applied.
	[c.cap | some c in d.caps_applied] == ["pledge_service_fee_per_claim", "pledge_service_fee_per_year"]
}

test_insurance_premium_split_half_and_half if {
	d := decide(clean("insurance_premium"))
	consistent(d)
	d.eligible
	d.amount_fen == 1000001
	d.district_share_fen == 500000
	d.city_share_fen == 500001
	d.ledger_caps == [{
		"cap": "insurance_premium_per_enterprise", "key": "91320508MA1XXXXX0X#insurance_premium", "limit_fen": 30000000,
		"max_distinct": 1, "distinct": "2022", "basis": "seed 003 第六条",
	}]
}

test_securitisation_is_half_the_costs_rounded_down_all_city if {
	d := decide(clean("securitisation"))
	consistent(d)
	d.eligible
	d.requested_fen == 50000000
	d.amount_fen == 50000000
	d.city_share_fen == 50000000
	d.district_share_fen == 0
	d.ledger_caps == [{
		"cap": "securitisation_per_project", "key": "ABS-2022-1#securitisation", "limit_fen": 200000000,
		"max_distinct": 1, "distinct": "once", "basis": "seed 003 第七条",
	}]
}

test_one_percent_rounds_down_to_the_fen if {
	decide(loan(12399)).amount_fen == 123
	decide(loan(100)).amount_fen == 1
}

test_a_non_key_enterprise_may_claim_the_other_programmes if {
	every programme in ["pledge_reward", "pledge_service_fee", "securitisation"] {
		f := object.union(clean(programme), {"claimant": object.union(claimant, {"key_enterprise": false})})
		d := decide(f)
		consistent(d)
		d.eligible
	}
}

test_a_minor_credit_record_does_not_refuse if {
	d := decide(object.union(clean("pledge_reward"), {"credit": {"level": "minor"}}))
	consistent(d)
	d.eligible
}

# --- Caps: exactly at each cap, and one fen over ------------------------------------------------

cap_cases := {
	"loan exactly at the reward cap": {"f": loan(1000000000), "requested": 10000000, "amount": 10000000, "codes": []},
	"loan whose 1% rounds down to the cap": {"f": loan(1000000099), "requested": 10000000, "amount": 10000000, "codes": []},
	"loan one fen of reward over the cap": {"f": loan(1000000100), "requested": 10000001, "amount": 10000000, "codes": ["reduced_to_cap"]},
	"fees exactly at the yearly cap": {"f": fees([6000000, 4000000]), "requested": 10000000, "amount": 10000000, "codes": []},
	"fees one fen over the yearly cap": {"f": fees([6000000, 4000001]), "requested": 10000001, "amount": 10000000, "codes": ["reduced_to_cap"]},
	"premium exactly at the cap": {"f": premium(30000000), "requested": 30000000, "amount": 30000000, "codes": []},
	"premium one fen over the cap": {"f": premium(30000001), "requested": 30000001, "amount": 30000000, "codes": ["reduced_to_cap"]},
	"costs exactly at the project cap": {"f": costs(400000000), "requested": 200000000, "amount": 200000000, "codes": []},
	"costs whose half rounds down to the cap": {"f": costs(400000001), "requested": 200000000, "amount": 200000000, "codes": []},
	"costs one fen of subsidy over the cap": {"f": costs(400000002), "requested": 200000001, "amount": 200000000, "codes": ["reduced_to_cap"]},
}

test_cap[name] if {
	some name, tc in cap_cases
	d := decide(tc.f)
	consistent(d)
	d.eligible
	d.requested_fen == tc.requested
	d.amount_fen == tc.amount
	codes(d) == tc.codes
}

test_reduced_to_cap_reason_names_the_cap_and_amounts if {
	d := decide(premium(30000001))
	d.reasons == [{
		"code": "reduced_to_cap",
		"basis": "seed 003 第六条",
		"item": "insurance_premium_per_claim",
		"message_zh": "申请金额 300000.01 元超过知识产权保险保费补贴的上限 300000.00 元，按上限核定。",
		"message_en": "The 300000.01 CNY asked for exceeds the cap of 300000.00 CNY for the IP insurance premium subsidy; the cap is granted.",
	}]
	d.caps_applied[0] == {"cap": "insurance_premium_per_claim", "limit_fen": 30000000, "before_fen": 30000001, "after_fen": 30000000, "basis": "seed 003 第六条"}
	d.caps_applied[1] == {"cap": "insurance_premium_per_enterprise", "limit_fen": 30000000, "before_fen": 30000000, "after_fen": 30000000, "basis": "seed 003 第六条"}
	d.district_share_fen == 15000000
	d.city_share_fen == 15000000
}

test_a_refused_claim_lists_no_reduction if {
	f := object.union(loan(2000000000), {"credit_commitment": false})
	d := decide(f)
	consistent(d)
	codes(d) == ["no_credit_commitment"]
	d.requested_fen == 20000000
	d.amount_fen == 0

	# The caps are still shown, so the claimant sees what would be granted.
	d.caps_applied[0].after_fen == 10000000
}

test_nothing_to_subsidise if {
	d := decide(loan(99))
	consistent(d)
	codes(d) == ["no_amount"]
	d.reasons[0].basis == "seed 003 第三条、第四条"
	d2 := decide(fees([]))
	codes(d2) == ["no_amount"]
}

# --- The period: first day, last day, the day after, the day before -----------------------------

test_period_boundaries[name] if {
	some name, tc in {
		"the day before the first day": {"date": "2020-12-31", "eligible": false},
		"the first day": {"date": "2021-01-01", "eligible": true},
		"the last day": {"date": "2023-12-31", "eligible": true},
		"the day after the last day": {"date": "2024-01-01", "eligible": false},
	}
	every programme in object.keys(events) {
		d := decide(on(clean(programme), tc.date))
		consistent(d)
		d.eligible == tc.eligible
		in_force := d.period != null
		tc.eligible == in_force
	}
}

test_no_programme_in_force_says_when_it_was if {
	d := decide(on(clean("pledge_reward"), "2024-01-01"))
	consistent(d)
	d.period == null
	d.requested_fen == 0
	d.caps_applied == []
	d.ledger_caps == []
	d.reasons == [{
		"code": "no_programme_in_force",
		"basis": "seed 003 第十八条",
		"item": "2024-01-01",
		"message_zh": "2024-01-01（所申报事项的发生日期）没有有效的知识产权质押融资奖励政策；该政策的有效期为：2021-01-01至2023-12-31 (seed 003 第十八条)。",
		"message_en": "No measures for the IP pledge-financing reward were in force on 2024-01-01, the date of the event claimed for; they were in force: 2021-01-01 to 2023-12-31 (seed 003 第十八条).",
	}]
}

test_no_programme_in_force_is_the_only_reason if {
	f := object.union(on(clean("insurance_premium"), "2020-06-30"), {"credit_commitment": false, "ownership_disputed": true})
	codes(decide(f)) == ["no_programme_in_force"]
}

test_an_unknown_programme_was_never_in_force if {
	f := object.union(clean("pledge_reward"), {"programme": "venture_loan"})
	d := decide(f)
	consistent(d)
	d.reasons[0].code == "no_programme_in_force"
	d.reasons[0].basis == "DOMAIN.md §4"
	contains(d.reasons[0].message_en, "venture_loan")
	contains(d.reasons[0].message_en, "never")
	contains(d.reasons[0].message_zh, "无")
}

# --- Each exclusion alone -------------------------------------------------------------------------

exclusions := {
	"outside the jurisdiction (昆山, a county-level city)": {
		"f": object.union(clean("pledge_reward"), {"claimant": object.union(claimant, {"district_code": "320583"})}),
		"code": "outside_jurisdiction", "basis": "seed 003 第二条",
	},
	"outside Suzhou altogether": {
		"f": object.union(clean("pledge_service_fee"), {"claimant": object.union(claimant, {"district_code": "320281"})}),
		"code": "outside_jurisdiction", "basis": "seed 003 第二条",
	},
	"not registered on the finance platform": {
		"f": object.union(clean("securitisation"), {"claimant": object.union(claimant, {"finance_platform_registered": false})}),
		"code": "not_registered_on_platform", "basis": "seed 003 第九条",
	},
	"insurance for an enterprise that is not a key enterprise": {
		"f": object.union(clean("insurance_premium"), {"claimant": object.union(claimant, {"key_enterprise": false})}),
		"code": "not_key_enterprise", "basis": "seed 003 第六条",
	},
	"ownership disputed": {
		"f": object.union(clean("pledge_reward"), {"ownership_disputed": true}),
		"code": "ownership_disputed", "basis": "seed 003 第十二条(一)",
	},
	"a serious dishonesty record": {
		"f": object.union(clean("pledge_reward"), {"credit": {"level": "serious"}}),
		"code": "dishonesty_record", "basis": "seed 003 第十二条(二)",
	},
	"a relatively serious dishonesty record": {
		"f": object.union(clean("insurance_premium"), {"credit": {"level": "relatively_serious"}}),
		"code": "dishonesty_record", "basis": "seed 003 第十二条(二)",
	},
	"no credit review result": {
		"f": object.union(clean("pledge_reward"), {"credit": {"level": null}}),
		"code": "credit_unknown", "basis": "seed 003 第十二条(二)",
	},
	"no credit commitment": {
		"f": object.union(clean("pledge_service_fee"), {"credit_commitment": false}),
		"code": "no_credit_commitment", "basis": "seed 003 第十五条",
	},
	"a previous false commitment or recovery": {
		"f": object.union(clean("insurance_premium"), {"false_commitment": true}),
		"code": "disqualified", "basis": "seed 003 第十五条、第十条",
	},
	"a sanctioned agency": {
		"f": object.union(clean("pledge_reward"), {"agency_blocks": [{
			"agency": agency_a, "trigger": "report_not_on_time", "year": 2022, "basis": "seed 000 §二(二)1",
			"message_zh": "为您提供服务的知识产权服务机构未按时报告", "message_en": "the agency did not report on time",
		}]}),
		"code": "agency_sanctioned", "basis": "seed 000 §二(二)1; seed 003 第十二条(三)",
	},
	"a second pledge reward": {
		"f": ledger(clean("pledge_reward"), [usage("pledge_reward_per_enterprise", 5000000, ["once"], false)]),
		"code": "already_claimed", "basis": "seed 003 第四条",
	},
	"the insurance subsidy of a second year": {
		"f": ledger(clean("insurance_premium"), [usage("insurance_premium_per_enterprise", 1000000, ["2021"], false)]),
		"code": "already_claimed", "basis": "seed 003 第六条",
	},
	"service fees of a third year": {
		"f": ledger(clean("pledge_service_fee"), [usage("pledge_service_fee_years", 0, ["2020", "2021"], false)]),
		"code": "already_claimed", "basis": "seed 003 第五条",
	},
	"a second subsidy for the same bond project": {
		"f": ledger(clean("securitisation"), [usage("securitisation_per_project", 1, [], false)]),
		"code": "already_claimed", "basis": "seed 003 第七条",
	},
}

test_exclusion[name] if {
	some name, tc in exclusions
	d := decide(tc.f)
	consistent(d)
	not d.eligible
	d.amount_fen == 0
	d.city_share_fen == 0
	d.district_share_fen == 0
	[r] := d.reasons
	r.code == tc.code
	r.basis == tc.basis
}

test_the_agency_reason_carries_the_block if {
	b := {
		"agency": agency_a, "trigger": "report_not_on_time", "year": 2022, "basis": "seed 000 §二(二)1",
		"message_zh": "为您提供服务的知识产权服务机构未按时报告", "message_en": "the agency did not report on time",
	}
	d := decide(object.union(clean("pledge_reward"), {"agency_blocks": [b]}))
	d.reasons == [{
		"code": "agency_sanctioned",
		"agency": agency_a,
		"item": "report_not_on_time",
		"basis": "seed 000 §二(二)1; seed 003 第十二条(三)",
		"message_zh": "为您提供服务的知识产权服务机构未按时报告",
		"message_en": "the agency did not report on time",
	}]
}

test_each_agency_block_is_one_reason_and_a_bare_block_gets_the_template if {
	blocks := [
		{"agency": "91320508MA1BBBBB0B", "trigger": "agency_not_filed", "year": 2022, "basis": "seed 000 §二(二)1", "message_zh": "未备案", "message_en": "not filed"},
		{"agency": agency_a},
		"not a block",
	]
	d := decide(object.union(clean("pledge_reward"), {"agency_blocks": blocks}))
	consistent(d)
	codes(d) == ["agency_sanctioned", "agency_sanctioned"]
	some bare in d.reasons
	bare.agency == agency_a
	bare.basis == "seed 003 第十二条(三)"
	bare.message_zh == "知识产权服务机构 91320508MA1AAAAA0A 受到处理，2022年度不得享受知识产权资助政策。"
	bare.message_en == "IP service agency 91320508MA1AAAAA0A is under a sanction: no IP subsidies in 2022."
	not bare.item
}

test_every_refusal_at_once_in_order if {
	f := {
		"programme": "insurance_premium",
		"claimant": {"uscc": uscc, "district_code": "320583"},
		"event": events.insurance_premium,
		"event_date": "2022-05-01",
		"ownership_disputed": true,
		"credit": {"level": "serious"},
		"false_commitment": true,
		"agency_blocks": [{"agency": agency_a}],
		"ledger": [usage("insurance_premium_per_enterprise", 30000000, ["2021"], false)],
	}
	d := decide(f)
	consistent(d)
	codes(d) == [
		"outside_jurisdiction", "not_registered_on_platform", "not_key_enterprise", "ownership_disputed",
		"dishonesty_record", "no_credit_commitment", "disqualified", "agency_sanctioned", "already_claimed",
		"cap_exhausted",
	]
}

test_jurisdiction_by_prefix if {
	p := object.union(data.subsidy.periods[0], {"jurisdiction": object.union(data.subsidy.periods[0].jurisdiction, {"districts": [], "prefixes": ["3205"]})})
	kunshan := object.union(clean("pledge_reward"), {"claimant": object.union(claimant, {"district_code": "320583"})})
	wuxi := object.union(clean("pledge_reward"), {"claimant": object.union(claimant, {"district_code": "320281"})})
	d1 := subsidy.decision with input as kunshan with data.subsidy.periods as [p]
	d1.eligible
	d2 := subsidy.decision with input as wuxi with data.subsidy.periods as [p]
	codes(d2) == ["outside_jurisdiction"]
	contains(d2.reasons[0].message_en, "(3205xx)")
}

# --- Ledgers: reducing, exhausting, counting claims -----------------------------------------------

ledger_cases := {
	"insurance: part of the cap used, the rest granted": {
		"f": ledger(premium(10000000), [usage("insurance_premium_per_enterprise", 25000000, ["2022"], false)]),
		"eligible": true, "amount": 5000000, "codes": ["reduced_to_cap_remaining"],
	},
	"insurance: a claim exactly at what remains": {
		"f": ledger(premium(5000000), [usage("insurance_premium_per_enterprise", 25000000, ["2022"], false)]),
		"eligible": true, "amount": 5000000, "codes": [],
	},
	"insurance: a claim one fen over what remains": {
		"f": ledger(premium(5000001), [usage("insurance_premium_per_enterprise", 25000000, ["2022"], false)]),
		"eligible": true, "amount": 5000000, "codes": ["reduced_to_cap_remaining"],
	},
	"insurance: one fen remains": {
		"f": ledger(premium(5000000), [usage("insurance_premium_per_enterprise", 29999999, ["2022"], false)]),
		"eligible": true, "amount": 1, "codes": ["reduced_to_cap_remaining"],
	},
	"insurance: the cap used up": {
		"f": ledger(premium(5000000), [usage("insurance_premium_per_enterprise", 30000000, ["2022"], false)]),
		"eligible": false, "amount": 0, "codes": ["cap_exhausted"],
	},
	"insurance: a ledger over its cap is used up": {
		"f": ledger(premium(5000000), [usage("insurance_premium_per_enterprise", 30000001, ["2022"], false)]),
		"eligible": false, "amount": 0, "codes": ["cap_exhausted"],
	},
	"service fees: the year's cap partly used": {
		"f": ledger(fees([3000000]), [
			usage("pledge_service_fee_per_year", 9000000, [], false),
			usage("pledge_service_fee_years", 0, ["2021", "2022"], false),
		]),
		"eligible": true, "amount": 1000000, "codes": ["reduced_to_cap_remaining"],
	},
	"service fees: the year's cap used up": {
		"f": ledger(fees([3000000]), [
			usage("pledge_service_fee_per_year", 10000000, [], false),
			usage("pledge_service_fee_years", 0, ["2022"], false),
		]),
		"eligible": false, "amount": 0, "codes": ["cap_exhausted"],
	},
	"service fees: a second year": {
		"f": ledger(fees([3000000]), [usage("pledge_service_fee_years", 0, ["2021"], false)]),
		"eligible": true, "amount": 3000000, "codes": [],
	},
	"service fees: the second year again": {
		"f": ledger(fees([3000000]), [usage("pledge_service_fee_years", 0, ["2021", "2022"], false)]),
		"eligible": true, "amount": 3000000, "codes": [],
	},
	"service fees: a claim over the claim cap and over what remains": {
		"f": ledger(fees([20000000]), [usage("pledge_service_fee_per_year", 4000000, [], false)]),
		"eligible": true, "amount": 6000000, "codes": ["reduced_to_cap", "reduced_to_cap_remaining"],
	},
	"ledger entries of one cap are merged": {
		"f": ledger(premium(10000000), [
			usage("insurance_premium_per_enterprise", 20000000, ["2022"], false),
			usage("insurance_premium_per_enterprise", 5000000, [], false),
		]),
		"eligible": true, "amount": 5000000, "codes": ["reduced_to_cap_remaining"],
	},
	"another cap's ledger does not count": {
		"f": ledger(premium(10000000), [usage("pledge_reward_per_enterprise", 10000000, ["once"], false)]),
		"eligible": true, "amount": 10000000, "codes": [],
	},
}

test_ledger[name] if {
	some name, tc in ledger_cases
	d := decide(tc.f)
	consistent(d)
	d.eligible == tc.eligible
	d.amount_fen == tc.amount
	codes(d) == tc.codes
}

test_reduced_to_cap_remaining_reason_and_shares if {
	d := decide(ledger(premium(10000001), [usage("insurance_premium_per_enterprise", 25000000, ["2022"], false)]))
	d.amount_fen == 5000000
	d.district_share_fen == 2500000
	d.city_share_fen == 2500000
	d.caps_applied[1] == {"cap": "insurance_premium_per_enterprise", "limit_fen": 30000000, "before_fen": 10000001, "after_fen": 5000000, "basis": "seed 003 第六条"}
	d.reasons == [{
		"code": "reduced_to_cap_remaining",
		"basis": "seed 003 第六条",
		"item": "91320508MA1XXXXX0X#insurance_premium",
		"message_zh": "知识产权保险保费补贴的上限 300000.00 元已使用 250000.00 元（91320508MA1XXXXX0X#insurance_premium），按剩余额度 50000.00 元核定。",
		"message_en": "Of the cap of 300000.00 CNY for the IP insurance premium subsidy, 250000.00 CNY is used (91320508MA1XXXXX0X#insurance_premium); the 50000.00 CNY that remains is granted.",
	}]
}

test_cap_exhausted_and_already_claimed_reasons if {
	d := decide(ledger(clean("pledge_reward"), [usage("pledge_reward_per_enterprise", 10000000, ["once"], false)]))
	d.reasons == [
		{
			"code": "already_claimed",
			"basis": "seed 003 第四条",
			"item": "91320508MA1XXXXX0X#pledge_reward",
			"message_zh": "知识产权质押融资奖励已申领过（91320508MA1XXXXX0X#pledge_reward 已记录 once，最多 1 项），不得再次申领。",
			"message_en": "Already claimed: 91320508MA1XXXXX0X#pledge_reward already holds once for the IP pledge-financing reward (at most 1).",
		},
		{
			"code": "cap_exhausted",
			"basis": "seed 003 第四条",
			"item": "91320508MA1XXXXX0X#pledge_reward",
			"message_zh": "知识产权质押融资奖励的上限 100000.00 元已用完（91320508MA1XXXXX0X#pledge_reward 已使用 100000.00 元），无剩余额度。",
			"message_en": "The cap of 100000.00 CNY for the IP pledge-financing reward is used up (91320508MA1XXXXX0X#pledge_reward has used 100000.00 CNY): nothing remains.",
		},
	]
}

# --- A re-decision of a claim the ledgers already count -------------------------------------------

test_a_counted_claim_is_not_counted_against_itself if {
	# The first pledge reward, decided again at a later review stage after allocation charged it.
	d := decide(ledger(clean("pledge_reward"), [usage("pledge_reward_per_enterprise", 5000000, ["once"], true)]))
	consistent(d)
	d.eligible
	d.amount_fen == 5000000
	d.reasons == []
	[c.cap | some c in d.caps_applied] == ["pledge_reward_per_claim"]

	# The ledger caps are still named, so the ledger can be charged (idempotently) again.
	count(d.ledger_caps) == 1
}

test_a_counted_claim_at_the_full_cap_keeps_its_amount if {
	d := decide(ledger(premium(30000000), [usage("insurance_premium_per_enterprise", 30000000, ["2022"], true)]))
	consistent(d)
	d.eligible
	d.amount_fen == 30000000
	d.reasons == []
}

test_the_same_used_amount_not_counted_exhausts if {
	d := decide(ledger(premium(30000000), [usage("insurance_premium_per_enterprise", 30000000, ["2022"], false)]))
	codes(d) == ["cap_exhausted"]
}

test_counted_only_when_true if {
	d := decide(ledger(premium(30000000), [usage("insurance_premium_per_enterprise", 30000000, ["2022"], "yes")]))
	codes(d) == ["cap_exhausted"]
}

# --- Shares always sum to the amount --------------------------------------------------------------

test_shares_sum[name] if {
	some name, f in {
		"odd premium": premium(1),
		"even premium": premium(2),
		"odd fees": fees([1, 2]),
		"odd fees over the cap": fees([10000001, 2]),
		"reduced by a ledger to an odd amount": ledger(premium(30000000), [usage("insurance_premium_per_enterprise", 29999997, ["2022"], false)]),
	}
	d := decide(f)
	consistent(d)
	d.eligible
	d.city_share_fen + d.district_share_fen == d.amount_fen
	d.city_share_fen >= d.district_share_fen
	d.city_share_fen - d.district_share_fen <= 1
	d.programme in {"insurance_premium", "pledge_service_fee"}
}

test_shares_all_city[name] if {
	some name, f in {"loan": loan(123456789), "costs": costs(3)}
	d := decide(f)
	d.eligible
	d.city_share_fen == d.amount_fen
	d.district_share_fen == 0
}

# --- A second period is a data change ---------------------------------------------------------

period_2024 := {
	"from": "2024-01-01",
	"to": "2026-12-31",
	"source": "a successor measure (test data)",
	"measures": {"zh": "新办法", "en": "the successor measures"},
	"jurisdiction": {"zh": "苏州市", "en": "Suzhou", "districts": [], "prefixes": ["3205"], "basis": "new 第二条"},
	"platform": {"zh": "金融服务平台", "en": "the finance platform"},
	"bases": data.subsidy.periods[0].bases,
	"credit": data.subsidy.periods[0].credit,
	"programmes": {"pledge_reward": object.union(data.subsidy.periods[0].programmes.pledge_reward, {
		"basis": "new 第四条",
		"rate_bp": 200,
		"claim_caps": [{"cap": "pledge_reward_per_claim", "limit_fen": 20000000, "basis": "new 第四条"}],
		"ledger_caps": [{"cap": "pledge_reward_per_enterprise_2024", "key": "{uscc}#{programme}#2024", "limit_fen": 20000000, "max_distinct": 1, "distinct": "once", "exclusive": true, "basis": "new 第四条"}],
	})},
}

test_a_2024_event_is_judged_by_the_second_period if {
	f := object.union(on(loan(500000000), "2024-03-01"), {"claimant": object.union(claimant, {"district_code": "320583"})})
	d := subsidy.decision with input as f with data.subsidy.periods as [data.subsidy.periods[0], period_2024]
	consistent(d)
	d.eligible
	d.period == {"from": "2024-01-01", "to": "2026-12-31", "source": "a successor measure (test data)"}
	d.requested_fen == 10000000
	d.amount_fen == 10000000
	d.ledger_caps[0].key == "91320508MA1XXXXX0X#pledge_reward#2024"
	d.caps_applied[0].basis == "new 第四条"
}

test_a_2023_event_is_still_judged_by_the_first_period if {
	d := subsidy.decision with input as on(loan(500000000), "2023-12-31") with data.subsidy.periods as [data.subsidy.periods[0], period_2024]
	d.eligible
	d.period.source == "seed 003 第十八条"
	d.amount_fen == 5000000
}

test_a_programme_the_second_period_lacks_is_not_in_force_then if {
	d := subsidy.decision with input as on(clean("insurance_premium"), "2024-03-01") with data.subsidy.periods as [data.subsidy.periods[0], period_2024]
	codes(d) == ["no_programme_in_force"]
	contains(d.reasons[0].message_en, "2021-01-01 to 2023-12-31")
}

test_no_programme_lists_every_period_of_the_programme if {
	d := subsidy.decision with input as on(loan(500000000), "2027-01-01") with data.subsidy.periods as [data.subsidy.periods[0], period_2024]
	d.reasons[0].message_en == "No measures for the IP pledge-financing reward were in force on 2027-01-01, the date of the event claimed for; they were in force: 2021-01-01 to 2023-12-31 (seed 003 第十八条); 2024-01-01 to 2026-12-31 (a successor measure (test data))."
	d.reasons[0].basis == "a successor measure (test data); seed 003 第十八条"
}

test_overlapping_periods_the_later_one_wins if {
	overlap := object.union(period_2024, {"from": "2023-07-01"})
	d := subsidy.decision with input as on(loan(500000000), "2023-08-01") with data.subsidy.periods as [data.subsidy.periods[0], overlap]
	d.period.from == "2023-07-01"
	d.amount_fen == 10000000
}

# --- Malformed input: always a decision, never an error -------------------------------------------

malformed := {
	"not an object": "x",
	"empty object": {},
	"no event date": object.remove(clean("pledge_reward"), {"event_date"}),
	"an event date that is not a date": on(clean("pledge_reward"), "1 March 2022"),
	"a programme that is not a string": object.union(clean("pledge_reward"), {"programme": 7}),
}

test_malformed[name] if {
	some name, f in malformed
	d := decide(f)
	consistent(d)
	codes(d) == ["no_programme_in_force"]
}

test_malformed_fields_fail_closed if {
	f := object.union(clean("pledge_reward"), {
		"claimant": "x",
		"event": {"loan_fen": -5},
		"ownership_disputed": "no",
		"credit_commitment": "yes",
		"credit": "none",
		"agency_blocks": null,
		"ledger": "x",
	})
	d := decide(f)
	consistent(d)
	codes(d) == [
		"outside_jurisdiction", "not_registered_on_platform", "ownership_disputed", "credit_unknown",
		"no_credit_commitment", "no_amount",
	]
}

test_a_missing_flag_fails_closed if {
	d := decide(object.remove(clean("pledge_reward"), {"ownership_disputed", "false_commitment"}))
	codes(d) == ["ownership_disputed", "disqualified"]
}

test_fees_that_are_not_fees_count_nothing if {
	f := with_event("pledge_service_fee", {"fees": [fee(1000, "2022-04-01"), "x", {"amount_fen": 1.5}, {"amount_fen": -3}]}, "2022-04-01")
	d := decide(f)
	consistent(d)
	d.amount_fen == 1000
}

# --- The data ----------------------------------------------------------------------------------------

test_every_period_has_what_the_policy_reads if {
	every p in data.subsidy.periods {
		p.from <= p.to
		regex.match(`^seed 003 `, p.source)
		every _, b in p.bases {
			startswith(b, "seed 003 第")
		}
		every code, prog in p.programmes {
			code in object.keys(data.subsidy.programme_names)
			prog.rate_bp > 0
			prog.district_share_bp >= 0
			prog.district_share_bp <= 10000
			count(prog.claim_caps) > 0
			every c in array.concat(prog.claim_caps, prog.ledger_caps) {
				startswith(c.basis, "seed 003 第")
				c.limit_fen >= 0
			}
		}
	}
}

test_every_message_has_both_languages if {
	every _, m in data.subsidy.messages {
		m.zh != ""
		m.en != ""
	}
}
