# METADATA
# title: Authorisation
# description: >-
#   Decides every request: may this principal take this action on this resource? The input is
#   a domain.AuthzRequest as JSON; the engine reads data.authz.decision. Who may do what is the
#   grants table, one entry per action naming the roles it admits and the scope each role acts
#   in; what a scope means is in_scope. A new action is one more grants entry.
# scope: package
# custom:
#   basis: "DOMAIN.md §7"
package authz

# METADATA
# title: Decision
# description: >-
#   The one document the engine reads. Reasons are empty when the request is allowed and never
#   empty when it is refused, so every refusal can be explained in the log.
# custom:
#   basis: "DOMAIN.md §7"
decision := {"allow": allow, "reasons": reasons}

# METADATA
# title: Allowed
# description: >-
#   Fail closed: a request is allowed only when its action grants the caller's role a scope and
#   the request lies within that scope. Unknown actions, unknown roles and the anonymous public
#   have no grant, so they get nothing.
# scope: document
# custom:
#   basis: "DOMAIN.md §7"
default allow := false

allow if in_scope(grants[action].roles[role])

# METADATA
# title: Caller's role
# description: >-
#   Empty for the anonymous public. A missing field reads as anonymous, so a malformed input
#   can never gain more than the public has.
# custom:
#   basis: "API.md Conventions"
role := object.get(input, ["principal", "role"], "")

# METADATA
# title: Caller's subject
# description: The USCC or resident ID the credential speaks for, or an officer's id.
# custom:
#   basis: "API.md Conventions"
subject := object.get(input, ["principal", "subject"], "")

# METADATA
# title: Caller's division
# description: The GB/T 2260 code an officer acts within.
# custom:
#   basis: "API.md Conventions; DOMAIN.md §7"
principal_division := object.get(input, ["principal", "division"], "")

# METADATA
# title: Record's division
# description: Empty for actions on a collection, which have no record.
# custom:
#   basis: "DOMAIN.md §7"
resource_division := object.get(input, ["resource", "division"], "")

# METADATA
# title: Action
# description: The name the handler gives the operation, "<record>.<verb>".
# custom:
#   basis: "DOMAIN.md §7"
action := object.get(input, "action", "")

# --- Who may do what: one entry per action --------------------------------------------------
#
# Each entry maps a role to the scope it acts in (see in_scope). Its basis is read from the
# entry's own METADATA, so the citation a refusal gives is the one an auditor reads here.

# METADATA
# title: filing.create — file an agency filing
# description: >-
#   An agency files only for itself: the handler sets the resource owner to the USCC being
#   filed, which must be the caller's.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7"
grants["filing.create"] := {
	"roles": {"agency": "own"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: filing.read — see a filing and its history
# description: >-
#   The owner, the officers who review or oversee filings of the record's division, and the
#   systems that mirror the register (the provincial data platform) whose credential carries
#   the scope named in the entry. Every item of a listing, and every filing change in the
#   change feed, is checked with this action too.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7"
grants["filing.read"] := {
	"roles": {
		"agency": "own",
		"city_officer": "division",
		"province_officer": "division",
		"integrator": "credential",
	},
	"scope": "register:read",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: filing.amend — amend a filing
# description: Only the owner changes what it filed; the amendment goes back to review.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7"
grants["filing.amend"] := {
	"roles": {"agency": "own"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: filing.review — accept, return or reject a filing
# description: >-
#   Filing is with the city bureau, so only a city officer of the record's division reviews; a
#   provincial officer oversees but does not review city filings.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7"
grants["filing.review"] := {
	"roles": {"city_officer": "division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: filing.deregister — take a filing off the register
# description: The owner, or a city officer of the record's division.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7"
grants["filing.deregister"] := {
	"roles": {
		"agency": "own",
		"city_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: filing.list — the officers' review queue, and the register in bulk
# description: >-
#   A collection, so there is no record to scope by; every item is then checked with
#   filing.read, which confines each officer to their division. Systems mirroring the register
#   list it with the scope named in the entry.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7 (integrator: bulk reads)"
grants["filing.list"] := {
	"roles": {
		"city_officer": "any",
		"province_officer": "any",
		"integrator": "credential",
	},
	"scope": "register:read",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: deadline.run — enforce a deadline now
# description: >-
#   The scheduler's credential (a cron outside AWS), and officers who must be able to re-run a
#   deadline by hand. A run is idempotent and judges by the cutoff instant, so a second run can
#   change nothing; it acts on all records, hence scope any.
# custom:
#   basis: "seed 000 §二(二)1 (the 31 January report); seed 001 §四(三) (the 30 June round); DOMAIN.md §6; DOMAIN.md §7 (scheduler: run the deadline functions)"
grants["deadline.run"] := {
	"roles": {
		"scheduler": "any",
		"city_officer": "any",
		"province_officer": "any",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: deadline.list — see past deadline runs
# description: What each run found and created is the audit trail of the sanctions.
# custom:
#   basis: "seed 000 §二(二)1 (the 31 January report); DOMAIN.md §6; DOMAIN.md §7"
grants["deadline.list"] := {
	"roles": {
		"scheduler": "any",
		"city_officer": "any",
		"province_officer": "any",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: report.submit — submit or resubmit an annual report
# description: >-
#   An agency reports only for itself: the handler sets the resource owner to the USCC in the
#   path, which must be the caller's.
# custom:
#   basis: "seed 000 §二(二)1 (annual report by 31 January); DOMAIN.md §7"
grants["report.submit"] := {
	"roles": {"agency": "own"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: report.read — see an annual report and its history
# description: >-
#   The owner, and the officers who review or oversee reports of the agency's division.
# custom:
#   basis: "seed 000 §二(二)1 (annual report by 31 January); DOMAIN.md §7"
grants["report.read"] := {
	"roles": {
		"agency": "own",
		"city_officer": "division",
		"province_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: report.review — accept or return an annual report
# description: >-
#   Reports go to the city bureau the agency is filed with, so only a city officer of the
#   agency's division reviews them.
# custom:
#   basis: "seed 000 §二(二)1 (annual report by 31 January); DOMAIN.md §7"
grants["report.review"] := {
	"roles": {"city_officer": "division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: violation.record — record a violation of an agency
# description: >-
#   The city bureau the agency is filed with records violations, so only a city officer of the
#   agency's division; the sanctions policy then decides what the violation calls for.
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3; DOMAIN.md §7 (city officer: record violations)"
grants["violation.record"] := {
	"roles": {"city_officer": "division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: sanction.read — see an agency's sanctions with their basis
# description: >-
#   The agency sees its own sanctions; city and provincial officers those of agencies in their
#   division; systems mirroring the register with the scope named in the entry.
# custom:
#   basis: "seed 000 §二(二)1 and §二(二)5; DOMAIN.md §3; DOMAIN.md §7 (agency: see its own sanctions; integrator: bulk reads)"
grants["sanction.read"] := {
	"roles": {
		"agency": "own",
		"city_officer": "division",
		"province_officer": "division",
		"integrator": "credential",
	},
	"scope": "register:read",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: sanction.waive — waive a sanction with a reason
# description: >-
#   A city officer of the agency's division; the waiver is a new record, the sanction stays.
# custom:
#   basis: "seed 000 §二(二)5; DOMAIN.md §3; DOMAIN.md §7 (city officer: waive sanctions with a reason)"
grants["sanction.waive"] := {
	"roles": {"city_officer": "division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: notice.read — read one's own notices
# description: >-
#   The notices the platform sends go to agencies (the reminders before the 31 January cutoff)
#   and to county governments (a missed cluster-zone round, the zone's reminders; their subject
#   is their county code); each lists only its own (the handler sets the resource owner to the
#   caller). Officers and everyone else have no notices here and are refused.
# custom:
#   basis: "seed 000 §二(二)1; seed 001 §四(三), §四(五); DOMAIN.md §6 (reminders); DOMAIN.md §7 (nobody reads another party's records)"
grants["notice.read"] := {
	"roles": {
		"agency": "own",
		"county_government": "own",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: eligibility.read — may an entity receive subsidies in a year?
# description: >-
#   The entity itself (the handler sets the resource owner to the entity asked about), city and
#   provincial officers for any entity (an entity has no division known to the platform), and
#   integrators whose credential carries the scope named in the entry.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7"
grants["eligibility.read"] := {
	"roles": {
		"enterprise": "own",
		"city_officer": "any",
		"province_officer": "any",
		"integrator": "credential",
	},
	"scope": "eligibility:read",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: rating.create — rate an agency's service quality
# description: >-
#   An enterprise rates as itself: the handler sets the resource owner to the rating entity,
#   which must be the caller's subject. Every other role is refused here; whether the agency
#   served the entity (its annual reports list it) is checked against the records, and a
#   refusal of either kind is answered as if the agency did not exist.
# custom:
#   basis: "seed 000 §二(二)2 (邀请服务对象对知识产权服务机构的服务质量进行评价); DOMAIN.md §1; DOMAIN.md §7 (enterprise: rate agencies that served it)"
grants["rating.create"] := {
	"roles": {"enterprise": "own"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.evaluate — dry-run a claim
# description: >-
#   Anyone signed in may ask what a claim would get; nothing is stored and no
#   record is read but the facts the caller sends. An integrator needs the scope that lets it
#   claim.
# custom:
#   basis: "seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7"
grants["claim.evaluate"] := {
	"roles": {
		"enterprise": "any",
		"mandated_submitter": "any",
		"agency": "any",
		"district_reviewer": "any",
		"city_officer": "any",
		"province_officer": "any",
		"integrator": "credential",
	},
	"scope": "claims:submit",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.submit — submit or resubmit a claim
# description: >-
#   The enterprise for itself, or the institution it mandated (seed 003 第十一条(一)): the
#   handler names the claimant as owner and the mandate's submitter as submitter. A bank
#   claiming through its system's credential is an integrator: its credential must carry the
#   scope named in the entry, and its subject must be the mandate's submitter.
# custom:
#   basis: "seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7"
grants["claim.submit"] := {
	"roles": {
		"enterprise": "own",
		"mandated_submitter": "submitter",
		"integrator": "credential_submitter",
	},
	"scope": "claims:submit",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.read — see a claim with its decisions and history
# description: >-
#   The claimant, the institution that claimed for it (in person, or through its system's
#   credential with the scope named in the entry), and the reviewers over the claimant's
#   district.
# custom:
#   basis: "seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7"
grants["claim.read"] := {
	"roles": {
		"enterprise": "own",
		"mandated_submitter": "submitter",
		"district_reviewer": "division",
		"city_officer": "division",
		"province_officer": "division",
		"integrator": "credential_submitter",
	},
	"scope": "claims:submit",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.review_district — initial review
# description: >-
#   The district market-regulation bureau of the claimant's district (seed 003 第十一条(二)).
# custom:
#   basis: "seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7"
grants["claim.review_district"] := {
	"roles": {
		"district_reviewer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.review_city — city review
# description: >-
#   The city bureau reviews after the district (seed 003 第十一条(三)).
# custom:
#   basis: "seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7"
grants["claim.review_city"] := {
	"roles": {
		"city_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.review_notice — close the public notice
# description: >-
#   The city bureau passes a claim whose notice drew no objection, or reopens the
#   review on one (seed 003 第十一条(四)).
# custom:
#   basis: "seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7"
grants["claim.review_notice"] := {
	"roles": {
		"city_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.allocate — allocate the funds
# description: >-
#   The city bureau issues the allocation with the finance bureau (seed 003 第十一条(四)).
# custom:
#   basis: "seed 003 第十一条; DOMAIN.md §4; DOMAIN.md §7"
grants["claim.allocate"] := {
	"roles": {
		"city_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: claim.recover — claw back an allocated claim
# description: >-
#   Early surrender of an insured policy or a fraud finding (seed 003 第十条, 第十六条).
# custom:
#   basis: "seed 003 第十条; seed 003 第十六条; DOMAIN.md §7"
grants["claim.recover"] := {
	"roles": {
		"city_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: credit.write — record a credit finding
# description: >-
#   Officers, and the public credit system's integrators with the scope named here
#   (seed 003 第十二条(二)); a record concerns an entity, not a division.
# custom:
#   basis: "seed 003 第十二条(二); DOMAIN.md §7"
grants["credit.write"] := {
	"roles": {
		"city_officer": "any",
		"province_officer": "any",
		"integrator": "credential",
	},
	"scope": "credit:write",
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: zone.read — see a designated cluster zone
# description: >-
#   The county government of the zone (the handler sets the owner and the division to the
#   zone's county code), the prefecture officers over it and provincial officers. Anyone else
#   is answered as if the zone did not exist; every other zone.* action is checked after this.
# custom:
#   basis: "seed 001 §四(五); DOMAIN.md §5; DOMAIN.md §7 (county government: its own cluster application, plans and summaries)"
grants["zone.read"] := {
	"roles": {
		"county_government": "own",
		"prefecture_officer": "division",
		"province_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: zone.plan_file — file the implementation plan
# description: The county government of the zone files its plan (《实施方案》) with the province.
# custom:
#   basis: "seed 001 §四(五)2; DOMAIN.md §7 (county government: its own plans and summaries)"
grants["zone.plan_file"] := {
	"roles": {"county_government": "own"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: zone.plan_change — propose a change to the plan
# description: The county government of the zone proposes, with its explanation (调整意见及说明).
# custom:
#   basis: "seed 001 §四(六); DOMAIN.md §7 (county government: its own plans and summaries)"
grants["zone.plan_change"] := {
	"roles": {"county_government": "own"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: zone.plan_review — review or approve a change to the plan
# description: >-
#   The prefecture officer over the zone reviews first (经设区市知识产权局审核), then a provincial
#   officer approves or refuses (报送省知识产权局批准); which stage a reviewer may decide is the
#   change's, checked by the zone's lifecycle.
# custom:
#   basis: "seed 001 §四(六); DOMAIN.md §5; DOMAIN.md §7 (prefecture officer; provincial officer)"
grants["zone.plan_review"] := {
	"roles": {
		"prefecture_officer": "division",
		"province_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: zone.annual_submit — submit the yearly summary and plan
# description: The county government of the zone, every year by the end of January.
# custom:
#   basis: "seed 001 §五(三); DOMAIN.md §7 (county government: its own plans and summaries)"
grants["zone.annual_submit"] := {
	"roles": {"county_government": "own"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: zone.assess — record the final assessment
# description: >-
#   The provincial IP bureau assesses a zone when its construction period ends (期满考核); its
#   officers act on any zone of Jiangsu.
# custom:
#   basis: "seed 001 §四(六); DOMAIN.md §7 (provincial officers: assess clusters)"
grants["zone.assess"] := {
	"roles": {"province_officer": "division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.create — start a cluster-zone application
# description: >-
#   A county government applies for its own county only (the handler sets the record's division
#   to the application's county_code, which must be the caller's division). Whether the county
#   may apply at all is the screening's, at submission.
# custom:
#   basis: "seed 001 §四(一); DOMAIN.md §5; DOMAIN.md §7 (county government: its own cluster application)"
grants["cluster.create"] := {
	"roles": {"county_government": "county"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.read — see a cluster-zone application and its documents
# description: >-
#   The county, the prefecture officers over it (the application goes through its prefecture
#   bureau), provincial officers, and experts (any expert, for the provincial review; the
#   service shows them only applications under review or decided). Everyone else is answered
#   as if the application did not exist.
# custom:
#   basis: "seed 001 §四(三), §四(四); DOMAIN.md §5; DOMAIN.md §7 (county government; prefecture officer; provincial officer and experts)"
grants["cluster.read"] := {
	"roles": {
		"county_government": "county",
		"prefecture_officer": "division",
		"province_officer": "division",
		"expert": "any",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.list — the applications' queues
# description: >-
#   A collection: each role lists its queue (the county its own applications, the prefecture
#   its counties', the province and experts a round's) and every item is checked with
#   cluster.read.
# custom:
#   basis: "seed 001 §四(三), §四(四); DOMAIN.md §5; DOMAIN.md §7"
grants["cluster.list"] := {
	"roles": {
		"county_government": "any",
		"prefecture_officer": "any",
		"province_officer": "any",
		"expert": "any",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.edit — edit the application form
# description: The county government of the application, while it is a draft or returned.
# custom:
#   basis: "seed 001 §四(三); DOMAIN.md §5; DOMAIN.md §7 (county government: its own cluster application)"
grants["cluster.edit"] := {
	"roles": {"county_government": "county"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.upload — upload one of the application's documents
# description: >-
#   The county uploads materials 2 to 5 (application form, work plan, authenticity commitment,
#   supporting documents); the prefecture officer over the county uploads material 1, its
#   recommendation letter. Which kind each may upload, and when, the service checks.
# custom:
#   basis: "seed 001 §四(三) 1–5; DOMAIN.md §5; DOMAIN.md §7 (county government; prefecture officer)"
grants["cluster.upload"] := {
	"roles": {
		"county_government": "county",
		"prefecture_officer": "division",
	},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.submit — submit the application to the prefecture
# description: The county government of the application; the screening decides whether it may.
# custom:
#   basis: "seed 001 §四(三) (向设区市知识产权局提出申报申请); DOMAIN.md §5; DOMAIN.md §7 (county government: its own cluster application)"
grants["cluster.submit"] := {
	"roles": {"county_government": "county"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.recommend — recommend or return an application
# description: The prefecture officers over the county (设区市知识产权局审核合格后，提出推荐意见).
# custom:
#   basis: "seed 001 §四(三); DOMAIN.md §5; DOMAIN.md §7 (prefecture officer: recommend or return its counties' cluster applications)"
grants["cluster.recommend"] := {
	"roles": {"prefecture_officer": "division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.score — an expert's evaluation
# description: >-
#   An expert scores applications under provincial review, never one from their own division
#   (decision: an expert's division is their affiliation, and an expert does not evaluate the
#   county they belong to, nor any county of the prefecture or province their division is).
# custom:
#   basis: "seed 001 §四(四) (组织专家评估); DOMAIN.md §5; DOMAIN.md §7 (provincial officer and experts: score)"
grants["cluster.score"] := {
	"roles": {"expert": "outside_division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: cluster.review — site visit and selection
# description: >-
#   Provincial officers record the site visit and designate the zone or not (审核确认 by the
#   provincial IP bureau).
# custom:
#   basis: "seed 001 §四(四); DOMAIN.md §5; DOMAIN.md §7 (provincial officer: review, designate)"
grants["cluster.review"] := {
	"roles": {"province_officer": "division"},
	"basis": rego.metadata.rule().custom.basis,
}

# METADATA
# title: change.list — follow the change feed
# description: >-
#   A collection: anyone signed in may follow it, but every change in it is shown only to
#   those who may read its record (filing.read, sanction.read, claim.read, cluster.read,
#   zone.read), so each sees the changes of their own records or division. Integrators need
#   the scope named in the entry. Experts are left out: what they may read of an application
#   depends on its status, which a change's record has moved on from.
# custom:
#   basis: "seed 000 §二(二)1; DOMAIN.md §7 (integrator: what its credential's scopes allow)"
grants["change.list"] := {
	"roles": {
		"agency": "any",
		"enterprise": "any",
		"mandated_submitter": "any",
		"county_government": "any",
		"district_reviewer": "any",
		"city_officer": "any",
		"prefecture_officer": "any",
		"province_officer": "any",
		"integrator": "credential",
	},
	"scope": "changes:read",
	"basis": rego.metadata.rule().custom.basis,
}

# --- What a scope means -----------------------------------------------------------------------

# METADATA
# title: Scope "own"
# description: >-
#   The caller owns the record. An empty subject owns nothing, so a missing owner can never
#   match a missing subject.
# custom:
#   basis: "DOMAIN.md §7: nobody reads or changes another party's records"
in_scope("own") if {
	subject != ""
	subject == input.resource.owner
}

# METADATA
# title: Scope "division"
# description: The caller's division contains the record's.
# custom:
#   basis: "DOMAIN.md §7: officers act within their division"
in_scope("division") if division_contains(principal_division, resource_division)

# METADATA
# title: Scope "any"
# description: The role alone suffices; used for collections, whose items are checked one by one.
# custom:
#   basis: "DOMAIN.md §7"
in_scope("any") := true

# METADATA
# title: Scope "submitter"
# description: >-
#   The caller filed the record for its owner under a mandate (a bank claiming for an
#   enterprise). An empty subject submits nothing.
# custom:
#   basis: "seed 003 第十一条(一); DOMAIN.md §7"
in_scope("submitter") if {
	subject != ""
	subject == object.get(input, ["resource", "submitter"], "")
}

# METADATA
# title: Scope "credential"
# description: >-
#   The caller's credential carries the scope the action's entry names (an integrator's
#   token); an entry naming no scope admits nobody this way.
# custom:
#   basis: "DOMAIN.md §7: integrators do what their credential's scopes allow"
in_scope("credential") if grants[action].scope in principal_scopes

# METADATA
# title: Scope "credential_submitter"
# description: >-
#   An institution's system acting for it: the credential carries the entry's scope, and the
#   record was filed by that institution (its subject is the record's submitter).
# custom:
#   basis: "seed 003 第十一条(一); DOMAIN.md §7: integrators do what their credential's scopes allow"
in_scope("credential_submitter") if {
	grants[action].scope in principal_scopes
	subject != ""
	subject == object.get(input, ["resource", "submitter"], "")
}

# METADATA
# title: Caller's credential scopes
# description: The scopes of the caller's token; empty when missing, null or not a list.
# scope: document
# custom:
#   basis: "API.md Conventions; DOMAIN.md §7"
default principal_scopes := []

principal_scopes := s if {
	s := object.get(input, ["principal", "scopes"], [])
	is_array(s)
}

# METADATA
# title: Scope "county"
# description: >-
#   A county government acts on the records of its own county: the caller's division is the
#   record's, exactly (a county government contains no other division).
# custom:
#   basis: "seed 001 §四(一); DOMAIN.md §7: county government: its own cluster application"
in_scope("county") if {
	valid_division(principal_division)
	principal_division == resource_division
}

# METADATA
# title: Scope "outside_division"
# description: >-
#   The record lies outside the caller's division (an expert never evaluates their own
#   division's records); both divisions must be valid, so a missing one gains nothing.
# custom:
#   basis: "seed 001 §四(四); DOMAIN.md §7 (decision: experts do not evaluate their own division)"
in_scope("outside_division") if {
	valid_division(principal_division)
	valid_division(resource_division)
	not division_contains(principal_division, resource_division)
}

# METADATA
# title: Division containment
# description: >-
#   An officer's division contains a record's when they are equal, when the officer's ends in
#   00 and shares the first four digits, or when it ends in 0000 and shares the first two:
#   320000 contains every 32xxxx, 320500 every 3205xx, 320281 only itself.
# scope: document
# custom:
#   basis: "API.md Conventions; DOMAIN.md §7"
division_contains(officer, record) if {
	valid_division(officer)
	valid_division(record)
	officer == record
}

division_contains(officer, record) if {
	valid_division(officer)
	valid_division(record)
	endswith(officer, "00")
	substring(officer, 0, 4) == substring(record, 0, 4)
}

division_contains(officer, record) if {
	valid_division(officer)
	valid_division(record)
	endswith(officer, "0000")
	substring(officer, 0, 2) == substring(record, 0, 2)
}

# METADATA
# title: Division code
# description: >-
#   Six digits, the first not zero. Anything else (empty, a prefix, a wildcard) contains
#   nothing and is contained by nothing, so two missing divisions never match.
# custom:
#   basis: "DOMAIN.md Identifiers (GB/T 2260)"
valid_division(code) if {
	is_string(code)
	regex.match(`^[1-9][0-9]{5}$`, code)
}

# --- Why a request is refused -----------------------------------------------------------------

# METADATA
# title: Reasons
# description: >-
#   Empty when allowed; otherwise every refusal, sorted so the same request always logs the
#   same text. The default is a safety net: a refusal that no rule explains still says so.
# scope: document
# custom:
#   basis: "DOMAIN.md §7"
default reasons := ["no grant permits this request (DOMAIN.md §7)"]

reasons := [] if allow

reasons := sort(refusals) if {
	not allow
	count(refusals) > 0
}

# METADATA
# title: Basis of the action
# description: The citation every reason for this action ends with.
# scope: document
# custom:
#   basis: "DOMAIN.md §7"
default basis := "DOMAIN.md §7"

basis := grants[action].basis

# METADATA
# title: Reason
# description: A refusal's text followed by the basis it rests on.
# custom:
#   basis: "ARCHITECTURE.md: every reason a decision gives names its basis"
reason(text) := sprintf("%s (%s)", [text, basis])

# METADATA
# title: Refusals
# description: One reason per condition the request fails.
# scope: document
# custom:
#   basis: "DOMAIN.md §7"
refusals contains reason(sprintf("unknown action %q", [action])) if not grants[action]

refusals contains reason(sprintf("anonymous callers may not %s", [action])) if role == ""

refusals contains reason(sprintf("unknown role %q", [role])) if {
	role != ""
	not role in data.authz.roles
}

refusals contains reason(sprintf("role %s may not %s", [role, action])) if {
	role in data.authz.roles
	grants[action]
	not grants[action].roles[role]
}

refusals contains reason(sprintf("only the record's owner may %s", [action])) if {
	grants[action].roles[role] == "own"
	not in_scope("own")
}

refusals contains reason(sprintf("the credential lacks the scope %s", [grants[action].scope])) if {
	grants[action].roles[role] == "credential"
	not in_scope("credential")
}

refusals contains reason(sprintf("the credential lacks the scope %s", [grants[action].scope])) if {
	grants[action].roles[role] == "credential_submitter"
	not grants[action].scope in principal_scopes
}

refusals contains reason(sprintf("only the institution that submitted the record may %s", [action])) if {
	grants[action].roles[role] == "credential_submitter"
	not in_scope("submitter")
}

refusals contains reason("the caller has no valid division") if {
	grants[action].roles[role] == "division"
	not valid_division(principal_division)
}

refusals contains reason("the record has no valid division") if {
	grants[action].roles[role] == "division"
	not valid_division(resource_division)
}

refusals contains reason(sprintf("division %s does not contain %s", [principal_division, resource_division])) if {
	grants[action].roles[role] == "division"
	valid_division(principal_division)
	valid_division(resource_division)
	not division_contains(principal_division, resource_division)
}

refusals contains reason(sprintf("only the county government of the record's county may %s", [action])) if {
	grants[action].roles[role] == "county"
	not in_scope("county")
}

refusals contains reason(sprintf("division %s contains %s: %s is for records outside one's own division", [principal_division, resource_division, action])) if {
	grants[action].roles[role] == "outside_division"
	not in_scope("outside_division")
}
