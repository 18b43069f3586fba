package authz_test

import data.authz

# --- Fixtures ---------------------------------------------------------------------------------

agency_a := "91320281MA1AAAAA0A"

agency_b := "91320281MA1BBBBB0B"

principal(role, subject, division) := {"role": role, "subject": subject, "division": division, "scopes": null}

owner_a := principal("agency", agency_a, "")

other_agency := principal("agency", agency_b, "")

city(division) := principal("city_officer", "officer-c", division)

province(division) := principal("province_officer", "officer-p", division)

anonymous := principal("", "", "")

# A filing of agency A, registered in Jiangyin (320281), a county-level city under Wuxi (320200).
filing_a := {"kind": "agency_filing", "owner": agency_a, "division": "320281"}

# A collection has neither owner nor division (the Go side omits both).
filings := {"kind": "agency_filing"}

# Deadline runs act on every record, so the resource has no owner or division.
runs := {"kind": "deadline_run"}

request(p, action, resource) := {"principal": p, "action": action, "resource": resource}

basis := "seed 000 §二(二)1; DOMAIN.md §7"

# --- Every action x allowed role x own / other / out of division ------------------------------

cases := {
	# filing.create: an agency files only for itself.
	"create: owner agency": {"req": request(owner_a, "filing.create", filing_a), "allow": true},
	"create: another agency": {"req": request(other_agency, "filing.create", filing_a), "allow": false},
	"create: city officer": {"req": request(city("320281"), "filing.create", filing_a), "allow": false},
	"create: province officer": {"req": request(province("320000"), "filing.create", filing_a), "allow": false},
	"create: enterprise": {"req": request(principal("enterprise", agency_a, ""), "filing.create", filing_a), "allow": false},
	"create: anonymous": {"req": request(anonymous, "filing.create", filing_a), "allow": false},
	"create: integrator": {"req": request(principal("integrator", "int-1", ""), "filing.create", filing_a), "allow": false},
	# filing.read: the owner; city and province officers within their division.
	"read: owner agency": {"req": request(owner_a, "filing.read", filing_a), "allow": true},
	"read: another agency": {"req": request(other_agency, "filing.read", filing_a), "allow": false},
	"read: city officer of the same county": {"req": request(city("320281"), "filing.read", filing_a), "allow": true},
	"read: city officer of the prefecture": {"req": request(city("320200"), "filing.read", filing_a), "allow": true},
	"read: city officer of another county": {"req": request(city("320211"), "filing.read", filing_a), "allow": false},
	"read: city officer of another prefecture": {"req": request(city("321000"), "filing.read", filing_a), "allow": false},
	"read: province officer of Jiangsu": {"req": request(province("320000"), "filing.read", filing_a), "allow": true},
	"read: province officer of another province": {"req": request(province("310000"), "filing.read", filing_a), "allow": false},
	"read: enterprise": {"req": request(principal("enterprise", agency_a, ""), "filing.read", filing_a), "allow": false},
	"read: expert": {"req": request(principal("expert", "expert-1", "320000"), "filing.read", filing_a), "allow": false},
	"read: anonymous": {"req": request(anonymous, "filing.read", filing_a), "allow": false},
	"read: integrator": {"req": request(principal("integrator", "int-1", "320000"), "filing.read", filing_a), "allow": false},
	# filing.amend: the owner only.
	"amend: owner agency": {"req": request(owner_a, "filing.amend", filing_a), "allow": true},
	"amend: another agency": {"req": request(other_agency, "filing.amend", filing_a), "allow": false},
	"amend: city officer of the division": {"req": request(city("320281"), "filing.amend", filing_a), "allow": false},
	"amend: province officer": {"req": request(province("320000"), "filing.amend", filing_a), "allow": false},
	"amend: anonymous": {"req": request(anonymous, "filing.amend", filing_a), "allow": false},
	# filing.review: a city officer within the division; the province does not review.
	"review: city officer of the same county": {"req": request(city("320281"), "filing.review", filing_a), "allow": true},
	"review: city officer of the prefecture": {"req": request(city("320200"), "filing.review", filing_a), "allow": true},
	"review: city officer of another county": {"req": request(city("320211"), "filing.review", filing_a), "allow": false},
	"review: city officer of another prefecture": {"req": request(city("321000"), "filing.review", filing_a), "allow": false},
	"review: province officer": {"req": request(province("320000"), "filing.review", filing_a), "allow": false},
	"review: owner agency": {"req": request(owner_a, "filing.review", filing_a), "allow": false},
	"review: district reviewer": {"req": request(principal("district_reviewer", "rev-1", "320281"), "filing.review", filing_a), "allow": false},
	"review: prefecture officer": {"req": request(principal("prefecture_officer", "pre-1", "320200"), "filing.review", filing_a), "allow": false},
	# filing.deregister: the owner, or a city officer within the division.
	"deregister: owner agency": {"req": request(owner_a, "filing.deregister", filing_a), "allow": true},
	"deregister: another agency": {"req": request(other_agency, "filing.deregister", filing_a), "allow": false},
	"deregister: city officer of the same county": {"req": request(city("320281"), "filing.deregister", filing_a), "allow": true},
	"deregister: city officer of another county": {"req": request(city("320211"), "filing.deregister", filing_a), "allow": false},
	"deregister: province officer": {"req": request(province("320000"), "filing.deregister", filing_a), "allow": false},
	"deregister: anonymous": {"req": request(anonymous, "filing.deregister", filing_a), "allow": false},
	# filing.list: the officers' queue; items are checked with filing.read.
	"list: city officer": {"req": request(city("320281"), "filing.list", filings), "allow": true},
	"list: province officer": {"req": request(province("320000"), "filing.list", filings), "allow": true},
	"list: agency": {"req": request(owner_a, "filing.list", filings), "allow": false},
	"list: enterprise": {"req": request(principal("enterprise", agency_a, ""), "filing.list", filings), "allow": false},
	"list: anonymous": {"req": request(anonymous, "filing.list", filings), "allow": false},
	"list: integrator": {"req": request(principal("integrator", "int-1", "320000"), "filing.list", filings), "allow": false},
	# Whatever is not granted is refused.
	"unknown action: city officer": {"req": request(city("320281"), "filing.explode", filing_a), "allow": false},
	"unknown action: owner agency": {"req": request(owner_a, "filings.read", filing_a), "allow": false},
	"unknown role": {"req": request(principal("superuser", agency_a, "320000"), "filing.read", filing_a), "allow": false},
	"the scheduler has no filing grants": {"req": request(principal("scheduler", "cron", ""), "filing.list", filings), "allow": false},
	# deadline.run and deadline.list: the scheduler and officers; nobody else.
	"run deadline: scheduler": {"req": request(principal("scheduler", "cron", ""), "deadline.run", runs), "allow": true},
	"run deadline: city officer": {"req": request(city("320281"), "deadline.run", runs), "allow": true},
	"run deadline: province officer": {"req": request(province("320000"), "deadline.run", runs), "allow": true},
	"run deadline: agency": {"req": request(owner_a, "deadline.run", runs), "allow": false},
	"run deadline: integrator": {"req": request(principal("integrator", "int-1", "320000"), "deadline.run", runs), "allow": false},
	"run deadline: anonymous": {"req": request(anonymous, "deadline.run", runs), "allow": false},
	"list runs: scheduler": {"req": request(principal("scheduler", "cron", ""), "deadline.list", runs), "allow": true},
	"list runs: city officer": {"req": request(city("320281"), "deadline.list", runs), "allow": true},
	"list runs: agency": {"req": request(owner_a, "deadline.list", runs), "allow": false},
	"list runs: enterprise": {"req": request(principal("enterprise", agency_a, ""), "deadline.list", runs), "allow": false},
	# notice.read: an agency its own notices; nobody else.
	"notices: owner agency": {"req": request(owner_a, "notice.read", {"kind": "notices", "owner": agency_a}), "allow": true},
	"notices: another agency": {"req": request(other_agency, "notice.read", {"kind": "notices", "owner": agency_a}), "allow": false},
	"notices: city officer": {"req": request(city("320281"), "notice.read", {"kind": "notices", "owner": "officer-c"}), "allow": false},
	"notices: scheduler": {"req": request(principal("scheduler", "cron", ""), "notice.read", {"kind": "notices", "owner": "cron"}), "allow": false},
	"notices: anonymous": {"req": request(anonymous, "notice.read", {"kind": "notices"}), "allow": false},
	"notices: county government, its own": {"req": request(principal("county_government", "320281", "320281"), "notice.read", {"kind": "notices", "owner": "320281"}), "allow": true},
	"notices: county government, another's": {"req": request(principal("county_government", "320282", "320282"), "notice.read", {"kind": "notices", "owner": "320281"}), "allow": false},
	"role names are case-sensitive": {"req": request(principal("Agency", agency_a, ""), "filing.read", filing_a), "allow": false},
}

# An annual report of agency A; its division is the agency's (Jiangyin, 320281).
report_a := {"kind": "annual_report", "owner": agency_a, "division": "320281"}

report_cases := {
	# report.submit: an agency reports only for itself; nobody reports for it.
	"report submit: owner agency": {"req": request(owner_a, "report.submit", report_a), "allow": true},
	"report submit: another agency": {"req": request(other_agency, "report.submit", report_a), "allow": false},
	"report submit: city officer of the division": {"req": request(city("320281"), "report.submit", report_a), "allow": false},
	"report submit: province officer": {"req": request(province("320000"), "report.submit", report_a), "allow": false},
	"report submit: enterprise": {"req": request(principal("enterprise", agency_a, ""), "report.submit", report_a), "allow": false},
	"report submit: mandated submitter": {"req": request(principal("mandated_submitter", agency_a, ""), "report.submit", report_a), "allow": false},
	"report submit: anonymous": {"req": request(anonymous, "report.submit", report_a), "allow": false},
	# report.read: the owner; city and province officers within their division.
	"report read: owner agency": {"req": request(owner_a, "report.read", report_a), "allow": true},
	"report read: another agency": {"req": request(other_agency, "report.read", report_a), "allow": false},
	"report read: city officer of the same county": {"req": request(city("320281"), "report.read", report_a), "allow": true},
	"report read: city officer of the prefecture": {"req": request(city("320200"), "report.read", report_a), "allow": true},
	"report read: city officer of another county": {"req": request(city("320211"), "report.read", report_a), "allow": false},
	"report read: province officer of Jiangsu": {"req": request(province("320000"), "report.read", report_a), "allow": true},
	"report read: province officer of another province": {"req": request(province("310000"), "report.read", report_a), "allow": false},
	"report read: enterprise": {"req": request(principal("enterprise", agency_a, ""), "report.read", report_a), "allow": false},
	"report read: scheduler": {"req": request(principal("scheduler", "cron", ""), "report.read", report_a), "allow": false},
	"report read: anonymous": {"req": request(anonymous, "report.read", report_a), "allow": false},
	# report.review: a city officer within the division; the province oversees, not reviews.
	"report review: city officer of the same county": {"req": request(city("320281"), "report.review", report_a), "allow": true},
	"report review: city officer of the prefecture": {"req": request(city("320200"), "report.review", report_a), "allow": true},
	"report review: city officer of another county": {"req": request(city("320211"), "report.review", report_a), "allow": false},
	"report review: province officer": {"req": request(province("320000"), "report.review", report_a), "allow": false},
	"report review: owner agency": {"req": request(owner_a, "report.review", report_a), "allow": false},
	"report review: district reviewer": {"req": request(principal("district_reviewer", "rev-1", "320281"), "report.review", report_a), "allow": false},
}

# The sanctions of agency A; their division is the agency's (Jiangyin, 320281).
sanctions_a := {"kind": "agency_sanctions", "owner": agency_a, "division": "320281"}

sanction_cases := {
	# violation.record: a city officer within the division; nobody else.
	"violation record: city officer of the same county": {"req": request(city("320281"), "violation.record", sanctions_a), "allow": true},
	"violation record: city officer of the prefecture": {"req": request(city("320200"), "violation.record", sanctions_a), "allow": true},
	"violation record: city officer of another county": {"req": request(city("320211"), "violation.record", sanctions_a), "allow": false},
	"violation record: province officer": {"req": request(province("320000"), "violation.record", sanctions_a), "allow": false},
	"violation record: owner agency": {"req": request(owner_a, "violation.record", sanctions_a), "allow": false},
	"violation record: enterprise": {"req": request(principal("enterprise", agency_a, ""), "violation.record", sanctions_a), "allow": false},
	"violation record: anonymous": {"req": request(anonymous, "violation.record", sanctions_a), "allow": false},
	# sanction.read: the owner; city and province officers within their division.
	"sanction read: owner agency": {"req": request(owner_a, "sanction.read", sanctions_a), "allow": true},
	"sanction read: another agency": {"req": request(other_agency, "sanction.read", sanctions_a), "allow": false},
	"sanction read: city officer of the same county": {"req": request(city("320281"), "sanction.read", sanctions_a), "allow": true},
	"sanction read: city officer of another county": {"req": request(city("320211"), "sanction.read", sanctions_a), "allow": false},
	"sanction read: province officer of Jiangsu": {"req": request(province("320000"), "sanction.read", sanctions_a), "allow": true},
	"sanction read: province officer of another province": {"req": request(province("310000"), "sanction.read", sanctions_a), "allow": false},
	"sanction read: enterprise": {"req": request(principal("enterprise", agency_a, ""), "sanction.read", sanctions_a), "allow": false},
	"sanction read: anonymous": {"req": request(anonymous, "sanction.read", sanctions_a), "allow": false},
	# sanction.waive: a city officer within the division.
	"sanction waive: city officer of the same county": {"req": request(city("320281"), "sanction.waive", sanctions_a), "allow": true},
	"sanction waive: city officer of another county": {"req": request(city("320211"), "sanction.waive", sanctions_a), "allow": false},
	"sanction waive: province officer": {"req": request(province("320000"), "sanction.waive", sanctions_a), "allow": false},
	"sanction waive: owner agency": {"req": request(owner_a, "sanction.waive", sanctions_a), "allow": false},
	"sanction waive: anonymous": {"req": request(anonymous, "sanction.waive", sanctions_a), "allow": false},
}

test_sanction_decision[name] if {
	some name, tc in sanction_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

test_report_decision[name] if {
	some name, tc in report_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

test_decision[name] if {
	some name, tc in cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

# An allowed decision explains nothing; a refused one always says why.
consistent(d, true) if d == {"allow": true, "reasons": []}

consistent(d, false) if {
	d.allow == false
	count(d.reasons) > 0
}

# --- Division containment boundaries ----------------------------------------------------------

containment := {
	"county contains itself": {"officer": "320281", "record": "320281", "contains": true},
	"county does not contain a sibling county": {"officer": "320281", "record": "320211", "contains": false},
	"county does not contain its prefecture": {"officer": "320281", "record": "320200", "contains": false},
	"county does not contain the province": {"officer": "320281", "record": "320000", "contains": false},
	"prefecture contains itself": {"officer": "320200", "record": "320200", "contains": true},
	"prefecture contains its county": {"officer": "320200", "record": "320281", "contains": true},
	"prefecture contains its district": {"officer": "320200", "record": "320211", "contains": true},
	"prefecture does not contain another prefecture's county": {"officer": "320200", "record": "320581", "contains": false},
	"prefecture does not contain the province": {"officer": "320200", "record": "320000", "contains": false},
	"prefecture 321000 contains its county": {"officer": "321000", "record": "321081", "contains": true},
	"prefecture 321000 does not contain 320281": {"officer": "321000", "record": "320281", "contains": false},
	"prefecture 321000 does not contain 321100": {"officer": "321000", "record": "321100", "contains": false},
	"province contains itself": {"officer": "320000", "record": "320000", "contains": true},
	"province contains a county": {"officer": "320000", "record": "320281", "contains": true},
	"province contains a prefecture": {"officer": "320000", "record": "321000", "contains": true},
	"province contains a county of 3210": {"officer": "320000", "record": "321081", "contains": true},
	"province does not contain another province": {"officer": "320000", "record": "310101", "contains": false},
	"another province does not contain Jiangsu": {"officer": "310000", "record": "320281", "contains": false},
	"district 320211 does not contain 320281": {"officer": "320211", "record": "320281", "contains": false},
	"empty contains nothing": {"officer": "", "record": "", "contains": false},
	"empty officer": {"officer": "", "record": "320281", "contains": false},
	"empty record": {"officer": "320000", "record": "", "contains": false},
	"a prefix is not a code": {"officer": "32", "record": "320281", "contains": false},
	"a short record is not a code": {"officer": "320000", "record": "32", "contains": false},
	"letters are not a code": {"officer": "3202xx", "record": "3202xx", "contains": false},
	"a leading zero is not a code": {"officer": "020000", "record": "020000", "contains": false},
	"a number is not a code": {"officer": 320000, "record": 320281, "contains": false},
}

test_division_contains[name] if {
	some name, tc in containment
	contains_as_expected(tc)
}

contains_as_expected(tc) if {
	tc.contains
	authz.division_contains(tc.officer, tc.record)
}

contains_as_expected(tc) if {
	not tc.contains
	not authz.division_contains(tc.officer, tc.record)
}

# --- Reasons name the refusal and its basis ---------------------------------------------------

test_reason_role_not_granted if {
	d := authz.decision with input as request(principal("enterprise", agency_a, ""), "filing.review", filing_a)
	d.reasons == [sprintf("role enterprise may not filing.review (%s)", [basis])]
}

test_reason_province_does_not_review if {
	d := authz.decision with input as request(province("320000"), "filing.review", filing_a)
	d.reasons == [sprintf("role province_officer may not filing.review (%s)", [basis])]
}

test_reason_out_of_division if {
	d := authz.decision with input as request(city("320211"), "filing.review", filing_a)
	d.reasons == [sprintf("division 320211 does not contain 320281 (%s)", [basis])]
}

test_reason_not_the_owner if {
	d := authz.decision with input as request(other_agency, "filing.amend", filing_a)
	d.reasons == [sprintf("only the record's owner may filing.amend (%s)", [basis])]
}

test_reason_anonymous if {
	d := authz.decision with input as request(anonymous, "filing.read", filing_a)
	d.reasons == [sprintf("anonymous callers may not filing.read (%s)", [basis])]
}

test_reason_unknown_action if {
	d := authz.decision with input as request(city("320281"), "filing.explode", filing_a)
	d.reasons == [`unknown action "filing.explode" (DOMAIN.md §7)`]
}

test_reason_unknown_role if {
	d := authz.decision with input as request(principal("superuser", agency_a, "320000"), "filing.read", filing_a)
	d.reasons == [sprintf(`unknown role "superuser" (%s)`, [basis])]
}

test_reason_record_without_division if {
	d := authz.decision with input as request(city("320281"), "filing.read", {"kind": "agency_filing", "owner": agency_a})
	d.reasons == [sprintf("the record has no valid division (%s)", [basis])]
}

test_reason_officer_without_division if {
	d := authz.decision with input as request(city(""), "filing.read", filing_a)
	d.reasons == [sprintf("the caller has no valid division (%s)", [basis])]
}

test_reasons_accumulate_sorted if {
	d := authz.decision with input as request(anonymous, "filing.explode", filing_a)
	d.reasons == [
		`anonymous callers may not filing.explode (DOMAIN.md §7)`,
		`unknown action "filing.explode" (DOMAIN.md §7)`,
	]
}

# --- Malformed input never gains anything -----------------------------------------------------

test_empty_input_is_refused if {
	d := authz.decision with input as {}
	d.allow == false
	d.reasons == [
		`anonymous callers may not  (DOMAIN.md §7)`,
		`unknown action "" (DOMAIN.md §7)`,
	]
}

test_empty_subject_owns_no_ownerless_record if {
	d := authz.decision with input as request(principal("agency", "", ""), "filing.amend", {"kind": "agency_filing"})
	d.allow == false
}

test_empty_subject_owns_no_empty_owner if {
	d := authz.decision with input as request(principal("agency", "", ""), "filing.amend", {"kind": "agency_filing", "owner": ""})
	d.allow == false
}

test_two_missing_divisions_do_not_match if {
	d := authz.decision with input as request(city(""), "filing.read", {"kind": "agency_filing", "owner": agency_a})
	d.allow == false
	count(d.reasons) == 2
}

test_unexplained_refusal_still_has_a_reason if {
	d := authz.decision with input as request(other_agency, "filing.amend", filing_a)
		with authz.refusals as set()
	d == {"allow": false, "reasons": ["no grant permits this request (DOMAIN.md §7)"]}
}

# --- The grants table itself ------------------------------------------------------------------

test_every_grant_names_its_basis if {
	every _, grant in authz.grants {
		startswith(grant.basis, "seed ")
		contains(grant.basis, "DOMAIN.md §7")
	}
}

test_every_granted_role_is_known if {
	every _, grant in authz.grants {
		every role, _ in grant.roles {
			role in data.authz.roles
		}
	}
}

test_every_granted_scope_is_defined if {
	every _, grant in authz.grants {
		every _, scope in grant.roles {
			scope in {"own", "division", "any", "credential", "submitter", "credential_submitter", "county", "outside_division"}
		}
	}
}

test_the_filing_actions_are_granted if {
	object.keys(authz.grants) == {
		"filing.create", "filing.read", "filing.amend",
		"filing.review", "filing.deregister", "filing.list",
		"deadline.run", "deadline.list", "notice.read",
		"report.submit", "report.read", "report.review",
		"violation.record", "sanction.read", "sanction.waive",
		"eligibility.read",
		"rating.create",
		"claim.evaluate", "claim.submit", "claim.read", "claim.review_district",
		"claim.review_city", "claim.review_notice", "claim.allocate", "claim.recover",
		"credit.write",
		"zone.read", "zone.plan_file", "zone.plan_change", "zone.plan_review",
		"zone.annual_submit", "zone.assess",
		"cluster.create", "cluster.read", "cluster.list", "cluster.edit", "cluster.upload",
		"cluster.submit", "cluster.recommend", "cluster.score", "cluster.review",
		"change.list",
	}
}

test_integrators_get_nothing_yet if {
	every action, _ in authz.grants {
		d := authz.decision with input as request(principal("integrator", "int-1", "320000"), action, filing_a)
		d.allow == false
	}
}

# --- eligibility.read: the entity, officers, and integrators holding the scope -----------------

entity_x := "91320281MA2EEEEE0E"

eligibility_of_x := {"kind": "eligibility", "owner": entity_x}

integrator(scopes) := {"role": "integrator", "subject": "patent-subsidy-system", "division": "", "scopes": scopes}

eligibility_cases := {
	"eligibility: the entity itself": {"req": request(principal("enterprise", entity_x, ""), "eligibility.read", eligibility_of_x), "allow": true},
	"eligibility: another enterprise": {"req": request(principal("enterprise", agency_b, ""), "eligibility.read", eligibility_of_x), "allow": false},
	"eligibility: city officer": {"req": request(city("320281"), "eligibility.read", eligibility_of_x), "allow": true},
	"eligibility: province officer": {"req": request(province("320000"), "eligibility.read", eligibility_of_x), "allow": true},
	"eligibility: integrator with the scope": {"req": request(integrator(["credit:read", "eligibility:read"]), "eligibility.read", eligibility_of_x), "allow": true},
	"eligibility: integrator with other scopes": {"req": request(integrator(["credit:read"]), "eligibility.read", eligibility_of_x), "allow": false},
	"eligibility: integrator without scopes": {"req": request(integrator(null), "eligibility.read", eligibility_of_x), "allow": false},
	"eligibility: integrator with a malformed scope claim": {"req": request(integrator("eligibility:read"), "eligibility.read", eligibility_of_x), "allow": false},
	"eligibility: agency": {"req": request(owner_a, "eligibility.read", eligibility_of_x), "allow": false},
	"eligibility: prefecture officer": {"req": request(principal("prefecture_officer", "pre-1", "320200"), "eligibility.read", eligibility_of_x), "allow": false},
	"eligibility: anonymous": {"req": request(anonymous, "eligibility.read", eligibility_of_x), "allow": false},
}

test_eligibility_decision[name] if {
	some name, tc in eligibility_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

test_reason_integrator_without_the_scope if {
	d := authz.decision with input as request(integrator(["credit:read"]), "eligibility.read", eligibility_of_x)
	d.reasons == ["the credential lacks the scope eligibility:read (seed 000 §二(二)1; DOMAIN.md §7)"]
}

test_a_scope_grants_only_the_action_that_names_it if {
	d := authz.decision with input as request(integrator(["eligibility:read"]), "filing.read", filing_a)
	d.allow == false
}

# --- rating.create: an enterprise rating as itself ----------------------------------------------

# The handler sets the owner to the rating entity; whether the agency served it is checked
# against the annual reports, not here.
rating_by_x := {"kind": "agency_rating", "owner": entity_x, "division": "320281"}

rating_cases := {
	"rating: the enterprise as itself": {"req": request(principal("enterprise", entity_x, ""), "rating.create", rating_by_x), "allow": true},
	"rating: an enterprise for another": {"req": request(principal("enterprise", agency_b, ""), "rating.create", rating_by_x), "allow": false},
	"rating: an enterprise without subject": {"req": request(principal("enterprise", "", ""), "rating.create", {"kind": "agency_rating", "owner": "", "division": "320281"}), "allow": false},
	"rating: the agency itself": {"req": request(owner_a, "rating.create", {"kind": "agency_rating", "owner": agency_a, "division": "320281"}), "allow": false},
	"rating: city officer": {"req": request(city("320281"), "rating.create", {"kind": "agency_rating", "owner": "officer-c", "division": "320281"}), "allow": false},
	"rating: integrator with scopes": {"req": request(integrator(["eligibility:read"]), "rating.create", rating_by_x), "allow": false},
	"rating: anonymous": {"req": request(anonymous, "rating.create", rating_by_x), "allow": false},
}

test_rating_decision[name] if {
	some name, tc in rating_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

test_reason_agency_rating if {
	d := authz.decision with input as request(owner_a, "rating.create", rating_by_x)
	d.reasons == ["role agency may not rating.create (seed 000 §二(二)2 (邀请服务对象对知识产权服务机构的服务质量进行评价); DOMAIN.md §1; DOMAIN.md §7 (enterprise: rate agencies that served it))"]
}

# --- Subsidy claims: the claimant, its mandated submitter, and the reviewers of each stage ----

enterprise_e := "91320508MA1EEEEE0E"

bank := "91320500MA1BANK031"

claim_of_e := {"kind": "subsidy_claim", "owner": enterprise_e, "division": "320508"}

claim_by_bank := {"kind": "subsidy_claim", "owner": enterprise_e, "division": "320508", "submitter": bank}

district_reviewer(division) := principal("district_reviewer", "reviewer-d", division)

claim_cases := {
	"claim evaluate: enterprise": {"req": request(principal("enterprise", enterprise_e, ""), "claim.evaluate", {"kind": "subsidy_claim"}), "allow": true},
	"claim evaluate: anonymous": {"req": request(anonymous, "claim.evaluate", {"kind": "subsidy_claim"}), "allow": false},
	"claim evaluate: integrator": {"req": request(integrator(["eligibility:read"]), "claim.evaluate", {"kind": "subsidy_claim"}), "allow": false},
	"claim submit: the enterprise itself": {"req": request(principal("enterprise", enterprise_e, ""), "claim.submit", claim_of_e), "allow": true},
	"claim submit: another enterprise": {"req": request(principal("enterprise", agency_b, ""), "claim.submit", claim_of_e), "allow": false},
	"claim submit: the mandated bank": {"req": request(principal("mandated_submitter", bank, ""), "claim.submit", claim_by_bank), "allow": true},
	"claim submit: a bank without a mandate": {"req": request(principal("mandated_submitter", bank, ""), "claim.submit", claim_of_e), "allow": false},
	"claim submit: another bank": {"req": request(principal("mandated_submitter", agency_b, ""), "claim.submit", claim_by_bank), "allow": false},
	"claim submit: a bank with no subject": {"req": request(principal("mandated_submitter", "", ""), "claim.submit", {"kind": "subsidy_claim", "owner": enterprise_e, "submitter": ""}), "allow": false},
	"claim read: the enterprise a bank claimed for": {"req": request(principal("enterprise", enterprise_e, ""), "claim.read", claim_by_bank), "allow": true},
	"claim read: the bank": {"req": request(principal("mandated_submitter", bank, ""), "claim.read", claim_by_bank), "allow": true},
	"claim read: district reviewer of the district": {"req": request(district_reviewer("320508"), "claim.read", claim_of_e), "allow": true},
	"claim read: district reviewer of another district": {"req": request(district_reviewer("320505"), "claim.read", claim_of_e), "allow": false},
	"claim read: city officer of Suzhou": {"req": request(city("320500"), "claim.read", claim_of_e), "allow": true},
	"claim read: an agency": {"req": request(owner_a, "claim.read", claim_of_e), "allow": false},
	"claim district review: district reviewer": {"req": request(district_reviewer("320508"), "claim.review_district", claim_of_e), "allow": true},
	"claim district review: city officer": {"req": request(city("320500"), "claim.review_district", claim_of_e), "allow": false},
	"claim city review: city officer": {"req": request(city("320500"), "claim.review_city", claim_of_e), "allow": true},
	"claim city review: district reviewer": {"req": request(district_reviewer("320508"), "claim.review_city", claim_of_e), "allow": false},
	"claim notice: city officer": {"req": request(city("320500"), "claim.review_notice", claim_of_e), "allow": true},
	"claim allocate: city officer": {"req": request(city("320500"), "claim.allocate", claim_of_e), "allow": true},
	"claim allocate: city officer of another city": {"req": request(city("320200"), "claim.allocate", claim_of_e), "allow": false},
	"claim allocate: the enterprise": {"req": request(principal("enterprise", enterprise_e, ""), "claim.allocate", claim_of_e), "allow": false},
	"claim recover: city officer": {"req": request(city("320500"), "claim.recover", claim_of_e), "allow": true},
	"claim recover: district reviewer": {"req": request(district_reviewer("320508"), "claim.recover", claim_of_e), "allow": false},
	"credit write: city officer": {"req": request(city("320500"), "credit.write", {"kind": "credit_record"}), "allow": true},
	"credit write: integrator with the scope": {"req": request(integrator(["credit:write"]), "credit.write", {"kind": "credit_record"}), "allow": true},
	"credit write: integrator without it": {"req": request(integrator(["eligibility:read"]), "credit.write", {"kind": "credit_record"}), "allow": false},
	"credit write: enterprise": {"req": request(principal("enterprise", enterprise_e, ""), "credit.write", {"kind": "credit_record"}), "allow": false},
}

test_claim_decision[name] if {
	some name, tc in claim_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

# --- zone.*: a designated cluster zone of Jiangyin (320281) -------------------------------------

zone_jy := {"kind": "cluster", "owner": "320281", "division": "320281"}

county(code) := principal("county_government", code, code)

prefecture(code) := principal("prefecture_officer", "pre-1", code)

zone_cases := {
	"zone read: the county": {"req": request(county("320281"), "zone.read", zone_jy), "allow": true},
	"zone read: another county": {"req": request(county("320282"), "zone.read", zone_jy), "allow": false},
	"zone read: its prefecture": {"req": request(prefecture("320200"), "zone.read", zone_jy), "allow": true},
	"zone read: another prefecture": {"req": request(prefecture("320500"), "zone.read", zone_jy), "allow": false},
	"zone read: the province": {"req": request(province("320000"), "zone.read", zone_jy), "allow": true},
	"zone read: a city officer": {"req": request(city("320281"), "zone.read", zone_jy), "allow": false},
	"zone read: an agency": {"req": request(owner_a, "zone.read", zone_jy), "allow": false},
	"zone plan: the county": {"req": request(county("320281"), "zone.plan_file", zone_jy), "allow": true},
	"zone plan: another county": {"req": request(county("320282"), "zone.plan_file", zone_jy), "allow": false},
	"zone plan: the prefecture": {"req": request(prefecture("320200"), "zone.plan_file", zone_jy), "allow": false},
	"zone change: the county": {"req": request(county("320281"), "zone.plan_change", zone_jy), "allow": true},
	"zone change: the province": {"req": request(province("320000"), "zone.plan_change", zone_jy), "allow": false},
	"zone review: its prefecture": {"req": request(prefecture("320200"), "zone.plan_review", zone_jy), "allow": true},
	"zone review: another prefecture": {"req": request(prefecture("320500"), "zone.plan_review", zone_jy), "allow": false},
	"zone review: the province": {"req": request(province("320000"), "zone.plan_review", zone_jy), "allow": true},
	"zone review: the county": {"req": request(county("320281"), "zone.plan_review", zone_jy), "allow": false},
	"zone annual: the county": {"req": request(county("320281"), "zone.annual_submit", zone_jy), "allow": true},
	"zone annual: another county": {"req": request(county("320282"), "zone.annual_submit", zone_jy), "allow": false},
	"zone assess: the province": {"req": request(province("320000"), "zone.assess", zone_jy), "allow": true},
	"zone assess: the prefecture": {"req": request(prefecture("320200"), "zone.assess", zone_jy), "allow": false},
	"zone assess: the county": {"req": request(county("320281"), "zone.assess", zone_jy), "allow": false},
	"zone assess: an expert": {"req": request(principal("expert", "expert-1", "320000"), "zone.assess", zone_jy), "allow": false},
}

test_zone_decision[name] if {
	some name, tc in zone_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

# --- cluster.*: a cluster-zone application of Jiangyin (320281), under Wuxi (320200) ------------

application_jy := {"kind": "cluster_application", "owner": "320281", "division": "320281"}

applications := {"kind": "cluster_application"}

expert(division) := principal("expert", "expert-1", division)

cluster_cases := {
	"cluster create: the county": {"req": request(county("320281"), "cluster.create", application_jy), "allow": true},
	"cluster create: another county": {"req": request(county("320282"), "cluster.create", application_jy), "allow": false},
	"cluster create: a county government of its prefecture": {"req": request(county("320200"), "cluster.create", application_jy), "allow": false},
	"cluster create: a county without division": {"req": request(principal("county_government", "320281", ""), "cluster.create", application_jy), "allow": false},
	"cluster create: the prefecture": {"req": request(prefecture("320200"), "cluster.create", application_jy), "allow": false},
	"cluster read: the county": {"req": request(county("320281"), "cluster.read", application_jy), "allow": true},
	"cluster read: another county": {"req": request(county("320282"), "cluster.read", application_jy), "allow": false},
	"cluster read: its prefecture": {"req": request(prefecture("320200"), "cluster.read", application_jy), "allow": true},
	"cluster read: another prefecture": {"req": request(prefecture("320500"), "cluster.read", application_jy), "allow": false},
	"cluster read: the province": {"req": request(province("320000"), "cluster.read", application_jy), "allow": true},
	"cluster read: an expert": {"req": request(expert("320500"), "cluster.read", application_jy), "allow": true},
	"cluster read: a city officer": {"req": request(city("320281"), "cluster.read", application_jy), "allow": false},
	"cluster read: an agency": {"req": request(owner_a, "cluster.read", application_jy), "allow": false},
	"cluster list: the county": {"req": request(county("320281"), "cluster.list", applications), "allow": true},
	"cluster list: the prefecture": {"req": request(prefecture("320200"), "cluster.list", applications), "allow": true},
	"cluster list: the province": {"req": request(province("320000"), "cluster.list", applications), "allow": true},
	"cluster list: an expert": {"req": request(expert("320500"), "cluster.list", applications), "allow": true},
	"cluster list: a city officer": {"req": request(city("320281"), "cluster.list", applications), "allow": false},
	"cluster edit: the county": {"req": request(county("320281"), "cluster.edit", application_jy), "allow": true},
	"cluster edit: another county": {"req": request(county("320282"), "cluster.edit", application_jy), "allow": false},
	"cluster edit: the prefecture": {"req": request(prefecture("320200"), "cluster.edit", application_jy), "allow": false},
	"cluster upload: the county": {"req": request(county("320281"), "cluster.upload", application_jy), "allow": true},
	"cluster upload: its prefecture": {"req": request(prefecture("320200"), "cluster.upload", application_jy), "allow": true},
	"cluster upload: another prefecture": {"req": request(prefecture("320500"), "cluster.upload", application_jy), "allow": false},
	"cluster upload: the province": {"req": request(province("320000"), "cluster.upload", application_jy), "allow": false},
	"cluster submit: the county": {"req": request(county("320281"), "cluster.submit", application_jy), "allow": true},
	"cluster submit: another county": {"req": request(county("320282"), "cluster.submit", application_jy), "allow": false},
	"cluster submit: the prefecture": {"req": request(prefecture("320200"), "cluster.submit", application_jy), "allow": false},
	"cluster recommend: its prefecture": {"req": request(prefecture("320200"), "cluster.recommend", application_jy), "allow": true},
	"cluster recommend: another prefecture": {"req": request(prefecture("320500"), "cluster.recommend", application_jy), "allow": false},
	"cluster recommend: the county": {"req": request(county("320281"), "cluster.recommend", application_jy), "allow": false},
	"cluster recommend: the province": {"req": request(province("320000"), "cluster.recommend", application_jy), "allow": false},
	"cluster score: an expert of another prefecture": {"req": request(expert("320500"), "cluster.score", application_jy), "allow": true},
	"cluster score: an expert of another county of the prefecture": {"req": request(expert("320282"), "cluster.score", application_jy), "allow": true},
	"cluster score: an expert of the county": {"req": request(expert("320281"), "cluster.score", application_jy), "allow": false},
	"cluster score: an expert of its prefecture": {"req": request(expert("320200"), "cluster.score", application_jy), "allow": false},
	"cluster score: an expert of the province": {"req": request(expert("320000"), "cluster.score", application_jy), "allow": false},
	"cluster score: an expert without division": {"req": request(expert(""), "cluster.score", application_jy), "allow": false},
	"cluster score: an expert on a record without division": {"req": request(expert("320500"), "cluster.score", applications), "allow": false},
	"cluster score: the province": {"req": request(province("320000"), "cluster.score", application_jy), "allow": false},
	"cluster review: the province": {"req": request(province("320000"), "cluster.review", application_jy), "allow": true},
	"cluster review: an expert": {"req": request(expert("320500"), "cluster.review", application_jy), "allow": false},
	"cluster review: the prefecture": {"req": request(prefecture("320200"), "cluster.review", application_jy), "allow": false},
}

test_cluster_decision[name] if {
	some name, tc in cluster_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

cluster_basis := "seed 001 §四(一); DOMAIN.md §5; DOMAIN.md §7 (county government: its own cluster application)"

test_reason_another_county if {
	d := authz.decision with input as request(county("320282"), "cluster.create", application_jy)
	d.reasons == [sprintf("only the county government of the record's county may cluster.create (%s)", [cluster_basis])]
}

test_reason_expert_of_the_division if {
	d := authz.decision with input as request(expert("320200"), "cluster.score", application_jy)
	d.reasons == ["division 320200 contains 320281: cluster.score is for records outside one's own division (seed 001 §四(四) (组织专家评估); DOMAIN.md §5; DOMAIN.md §7 (provincial officer and experts: score))"]
}

# --- Integrator scopes: register:read, claims:submit, changes:read ------------------------------

bank := "91320500MA1BANK031"

claim_for_x_by_bank := {"kind": "subsidy_claim", "owner": entity_x, "division": "320505", "submitter": bank}

bank_system(scopes) := {"role": "integrator", "subject": bank, "division": "", "scopes": scopes}

sanctions_of_a := {"kind": "agency_sanctions", "owner": agency_a, "division": "320281"}

scope_cases := {
	"register:read reads a filing": {"req": request(integrator(["register:read"]), "filing.read", filing_a), "allow": true},
	"register:read lists the register": {"req": request(integrator(["register:read"]), "filing.list", filings), "allow": true},
	"register:read reads sanctions": {"req": request(integrator(["register:read"]), "sanction.read", sanctions_of_a), "allow": true},
	"register:read does not review": {"req": request(integrator(["register:read"]), "filing.review", filing_a), "allow": false},
	"register:read does not read claims": {"req": request(integrator(["register:read"]), "claim.read", claim_for_x_by_bank), "allow": false},
	"no register:read, no filing": {"req": request(integrator(["changes:read"]), "filing.read", filing_a), "allow": false},
	"claims:submit submits as the mandated bank": {"req": request(bank_system(["claims:submit"]), "claim.submit", claim_for_x_by_bank), "allow": true},
	"claims:submit reads what the bank submitted": {"req": request(bank_system(["claims:submit"]), "claim.read", claim_for_x_by_bank), "allow": true},
	"claims:submit evaluates": {"req": request(bank_system(["claims:submit"]), "claim.evaluate", {"kind": "subsidy_claim"}), "allow": true},
	"claims:submit for another bank's mandate": {"req": request(integrator(["claims:submit"]), "claim.submit", claim_for_x_by_bank), "allow": false},
	"claims:submit reads no other bank's claim": {"req": request(integrator(["claims:submit"]), "claim.read", claim_for_x_by_bank), "allow": false},
	"the bank without claims:submit": {"req": request(bank_system(["eligibility:read"]), "claim.submit", claim_for_x_by_bank), "allow": false},
	"claims:submit does not review": {"req": request(bank_system(["claims:submit"]), "claim.review_district", claim_for_x_by_bank), "allow": false},
	"changes:read follows the feed": {"req": request(integrator(["changes:read"]), "change.list", {"kind": "change"}), "allow": true},
	"no changes:read, no feed": {"req": request(integrator(["register:read"]), "change.list", {"kind": "change"}), "allow": false},
	"an agency follows the feed": {"req": request(owner_a, "change.list", {"kind": "change"}), "allow": true},
	"a city officer follows the feed": {"req": request(city("320281"), "change.list", {"kind": "change"}), "allow": true},
	"an expert does not follow the feed": {"req": request(principal("expert", "ex-1", "320500"), "change.list", {"kind": "change"}), "allow": false},
	"the scheduler does not follow the feed": {"req": request(principal("scheduler", "cron", ""), "change.list", {"kind": "change"}), "allow": false},
	"anonymous does not follow the feed": {"req": request(anonymous, "change.list", {"kind": "change"}), "allow": false},
}

test_scope_decision[name] if {
	some name, tc in scope_cases
	d := authz.decision with input as tc.req
	consistent(d, tc.allow)
}

test_reason_bank_without_claims_submit if {
	d := authz.decision with input as request(bank_system(["eligibility:read"]), "claim.submit", claim_for_x_by_bank)
	d.reasons == ["the credential lacks the scope claims:submit (seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7)"]
}

test_reason_another_banks_claim if {
	d := authz.decision with input as request(integrator(["claims:submit"]), "claim.read", claim_for_x_by_bank)
	d.reasons == ["only the institution that submitted the record may claim.read (seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7)"]
}
