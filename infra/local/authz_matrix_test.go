package main

// The authorisation matrix (README "What we test"): every role of DOMAIN.md §7 and the anonymous
// public × every operation the platform serves × the caller's own record, another party's
// record and one that does not exist, against the runner binary, each with the status this
// table expects. The table is the independent statement: written from DOMAIN.md §7, API.md and
// README "Extensions to API.md", not read from the policy. The policy is only compared with it
// (TestAuthzMatrixAgreesWithTheGrants), so a grant added or dropped without a row changing fails
// there, by name.
//
// Another party's record must answer exactly as a record that does not exist: the same status
// and the same problem, never 403 and never 2xx. Every way of telling them apart, every success
// where the table says no, and every listing that shows another party's record is a leak.
//
// To add a row (a new route, or a new integrator scope): one op below with its route, the grant
// it exercises, who succeeds on their own record (ok), who sees the record but may not do this
// (sees, 403), whose reach covers the other party's record too (wide), and how to build the
// record; give the integrator actor the new scope in integratorScopes.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/jsipa/ips/infra/catalog"
	"github.com/jsipa/ips/policies"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/testkit"
	"github.com/jsipa/ips/shared/validate"
)

// The matrix runs with the clock frozen here: the 2035 cluster round is open (it closes on
// 1 July), 2034's annual reports are due, the zones designated in 2031 have finished their
// three-year construction and may be assessed, and claims of 2035-04 have passed their notice.
const (
	matrixNow      = "2035-05-10T10:00:00+08:00"
	reportYear     = "2034"
	roundYear      = 2035
	expertDivision = "320100" // Nanjing: outside both parties' divisions, so an expert may score both
)

// actor is one caller of the matrix: a role of DOMAIN.md §7 with the credential it carries.
type actor struct {
	name, role string
	scopes     []string
}

// integratorScopes are the scopes the integrator actor's credential carries: every scope a grant
// names (the cross-check fails when a grant names one missing here).
var integratorScopes = []string{"eligibility:read", "credit:write", "claims:submit", "register:read", "changes:read"}

var matrixActors = []actor{
	{name: "anonymous"},
	{name: "agency", role: "agency"},
	{name: "enterprise", role: "enterprise"},
	{name: "mandated_submitter", role: "mandated_submitter"},
	{name: "county_government", role: "county_government"},
	{name: "district_reviewer", role: "district_reviewer"},
	{name: "city_officer", role: "city_officer"},
	{name: "prefecture_officer", role: "prefecture_officer"},
	{name: "province_officer", role: "province_officer"},
	{name: "expert", role: "expert"},
	{name: "integrator", role: "integrator", scopes: integratorScopes},
	// The same system without scopes: a credential's role alone must grant nothing.
	{name: "integrator_unscoped", role: "integrator"},
	{name: "scheduler", role: "scheduler"},
}

// signedIn names every actor with a credential.
var signedIn = func() []string {
	var out []string
	for _, a := range matrixActors[1:] {
		out = append(out, a.name)
	}
	return out
}()

type relation string

const (
	relOwn    relation = "own"
	relOther  relation = "another's"
	relAbsent relation = "absent"
	relNone   relation = "-" // an operation on no record (a run, one's own notices)
)

type kind int

const (
	onRecord  kind = iota // the path names a record: a refusal is 404, as for a missing record
	onSubject             // a collection or a query naming a party in the body or query (file, claim, eligibility)
	listing               // a list filtered to what the caller may read
	general               // no record and no party: one cell per actor
	publicRecord
	publicGeneral
)

// party is one side of the matrix: the organisations and divisions a set of records belongs to.
// The acting principals are always the home party's; the other party sits in other divisions
// (another prefecture for filings and clusters, another Suzhou district for claims, which the
// Suzhou measures confine to 3205xx).
type party struct {
	home                               bool
	agency, enterprise, bank           string // USCCs
	filing, claims, county, prefecture string // divisions of its filings, claims and cluster zone
	ids                                map[string]string
}

type target map[string]string

type op struct {
	name          string
	method, route string
	query         string // appended to the path, with {placeholders} filled like the route's
	action        string // the grant it exercises ("" when the route asks none, or asks per item)
	kind          kind
	ok            map[string]int // actor → status on its own record
	sees          []string       // may see its own record but not do this: 403
	wide          []string       // whose reach covers the other party's record as its own
	shows         []string       // listing: whose list holds its own record
	otherStatus   map[string]int // onSubject: the status on another party's (and a missing) subject
	public        int            // publicGeneral: everyone's status
	party         string         // fixture group (records shared by several ops); default: the op's name
	fresh         bool           // a success consumes the record: a new one for each allowed cell
	fixed         target         // path values every target has ({year}, {kind})
	build         func(w *world, p *party) target
	missing       func(w *world, p *party) target // the absent relation's target (p owns nothing)
	prepare       func(w *world, p *party, t target, a actor, allowed bool) target
	body          func(c *cell) any
	item          func(item map[string]any, t target) bool
	judge         func(status int, body map[string]any) (int, map[string]any) // the answer to judge (a batch's item)
	// cursorParam names the query parameter a listing resumes with: "cursor", or the change
	// feed's "after", whose last page is the one that brings nothing new.
	cursorParam string
}

type cell struct {
	o        *op
	a        actor
	rel      relation
	acting   *party
	rec      *party
	t        target
	expected int
}

func all(status int, names ...string) map[string]int {
	m := map[string]int{}
	for _, n := range names {
		m[n] = status
	}
	return m
}

func byID(item map[string]any, t target) bool   { return item["id"] == t["id"] }
func byUSCC(item map[string]any, t target) bool { return item["uscc"] == t["uscc"] }

// matrixOps is the table: one row per operation, in the order the matrix runs them.
func matrixOps() []*op {
	filed := func(w *world, p *party) target { w.file(p); return target{"uscc": p.agency} }
	accepted := func(w *world, p *party) target { w.file(p); w.accept(p); return target{"uscc": p.agency} }
	reported := func(w *world, p *party) target {
		t := accepted(w, p)
		w.report(p)
		return t
	}
	sanctioned := func(w *world, p *party) target {
		t := accepted(w, p)
		t["id"] = w.violation(p)
		return t
	}
	claimed := func(w *world, p *party) target { return target{"id": w.claim(p)} }
	timeline := func(key string) func(w *world, p *party) target {
		return func(w *world, p *party) target { return target{"id": p.ids[key]} }
	}
	application := func(upTo string) func(w *world, p *party) target {
		return func(w *world, p *party) target { return target{"id": w.application(p, roundYear, upTo)} }
	}
	review := func(stage string) func(c *cell) any {
		return func(*cell) any { return map[string]any{"stage": stage, "outcome": "pass", "comment": "矩阵测试"} }
	}
	reportBody := func(c *cell) any { return annualReport(c.rec.enterprise) }
	// Who reads a claim: its enterprise, the bank that claimed for it (in person or through its
	// system's claims:submit credential) and the reviewers over its district.
	officers := []string{"enterprise", "mandated_submitter", "district_reviewer", "city_officer", "province_officer", "integrator"}
	claimSees := func(except string) []string {
		return slices.DeleteFunc(slices.Clone(officers), func(s string) bool { return s == except })
	}
	pdf := func(*cell) any { return pdfBody(matrixPDF) }

	return []*op{
		// --- filing function: agency filings, violations and sanctions, the public register ---
		{name: "filing.create", method: "POST", route: "/v1/agencies", action: "filing.create", kind: onSubject,
			ok: all(201, "agency"),
			build: func(w *world, p *party) target {
				if !p.home {
					w.file(p) // another party's filing exists; filing its code must not say so
				}
				return target{"uscc": p.agency}
			},
			body: func(c *cell) any { return filingBody(c.t["uscc"], c.rec.filing) }},
		{name: "filing.list", method: "GET", route: "/v1/agencies", query: "?status=submitted&limit=500", action: "filing.list", kind: listing,
			ok: all(200, "city_officer", "province_officer", "integrator"), shows: []string{"city_officer", "province_officer", "integrator"},
			wide: []string{"province_officer", "integrator"}, build: filed, item: byUSCC},
		{name: "filing.read", method: "GET", route: "/v1/agencies/{uscc}", action: "filing.read", kind: onRecord,
			ok: all(200, "agency", "city_officer", "province_officer", "integrator"), wide: []string{"province_officer", "integrator"}, build: filed},
		{name: "filing.amend", method: "PUT", route: "/v1/agencies/{uscc}", action: "filing.amend", kind: onRecord,
			ok: all(200, "agency"), wide: []string{"province_officer"}, build: accepted,
			body: func(c *cell) any { return filingBody(c.t["uscc"], c.rec.filing) }},
		{name: "filing.review", method: "POST", route: "/v1/agencies/{uscc}/review", action: "filing.review", kind: onRecord,
			ok: all(200, "city_officer"), wide: []string{"province_officer"}, fresh: true, build: filed,
			body: func(*cell) any { return map[string]any{"outcome": "accept"} }},
		{name: "filing.deregister", method: "POST", route: "/v1/agencies/{uscc}/deregistration", action: "filing.deregister", kind: onRecord,
			ok: all(200, "agency", "city_officer"), wide: []string{"province_officer"}, fresh: true, build: accepted,
			body: func(*cell) any { return map[string]any{"reason": "矩阵测试：注销备案"} }},
		{name: "rating.create", method: "POST", route: "/v1/agencies/{uscc}/ratings", action: "rating.create", kind: onRecord,
			// The enterprise's own agency is one whose annual report lists it as a client.
			ok: all(201, "enterprise"), build: reported,
			body: func(*cell) any { return map[string]any{"score": 4, "comment": "矩阵测试"} }},
		{name: "register.list", method: "GET", route: "/v1/public/agencies", kind: publicGeneral, public: 200},
		{name: "register.read", method: "GET", route: "/v1/public/agencies/{uscc}", kind: publicRecord, build: accepted},
		{name: "auth.config", method: "GET", route: "/v1/auth/config", kind: publicGeneral, public: 200},
		{name: "openapi", method: "GET", route: "/v1/openapi.json", kind: publicGeneral, public: 200},
		// The runner has no OIDC provider here, so the exchange is not served to anyone.
		{name: "auth.token", method: "POST", route: "/v1/auth/token", kind: publicGeneral, public: 404,
			body: func(*cell) any {
				return map[string]any{"code": "c", "code_verifier": strings.Repeat("v", 43), "redirect_uri": "http://127.0.0.1/signin.html", "nonce": "n"}
			}},
		{name: "violation.record", method: "POST", route: "/v1/agencies/{uscc}/violations", action: "violation.record", kind: onRecord,
			ok: all(201, "city_officer"), wide: []string{"province_officer"}, build: accepted,
			body: func(*cell) any { return violationBody() }},
		{name: "sanction.read", method: "GET", route: "/v1/agencies/{uscc}/sanctions", action: "sanction.read", kind: onRecord,
			ok: all(200, "agency", "city_officer", "province_officer", "integrator"), wide: []string{"province_officer", "integrator"}, build: sanctioned},
		{name: "sanction.waive", method: "POST", route: "/v1/agencies/{uscc}/sanctions/{id}/waiver", action: "sanction.waive", kind: onRecord,
			ok: all(201, "city_officer"), wide: []string{"province_officer"}, fresh: true, build: sanctioned,
			missing: func(w *world, p *party) target {
				return target{"uscc": p.agency, "id": "20350510T020000.000000000Z-000000"}
			},
			body: func(*cell) any { return map[string]any{"reason": "矩阵测试：豁免"} }},

		// --- annual-report function ---
		{name: "report.submit", method: "PUT", route: "/v1/agencies/{uscc}/annual-reports/{year}", action: "report.submit", kind: onRecord,
			ok: all(201, "agency"), wide: []string{"province_officer"}, fixed: target{"year": reportYear}, build: accepted, body: reportBody},
		{name: "report.read", method: "GET", route: "/v1/agencies/{uscc}/annual-reports/{year}", action: "report.read", kind: onRecord,
			ok: all(200, "agency", "city_officer", "province_officer"), wide: []string{"province_officer"}, fixed: target{"year": reportYear}, build: reported},
		{name: "report.review", method: "POST", route: "/v1/agencies/{uscc}/annual-reports/{year}/review", action: "report.review", kind: onRecord,
			ok: all(200, "city_officer"), wide: []string{"province_officer"}, fresh: true, fixed: target{"year": reportYear}, build: reported,
			body: func(*cell) any { return map[string]any{"outcome": "accept"} }},
		// The queue asks nothing of the caller; each item is kept only when report.read allows it.
		{name: "report.list", method: "GET", route: "/v1/annual-reports", query: "?status=submitted&limit=500", kind: listing,
			ok: all(200, signedIn...), shows: []string{"agency", "city_officer", "province_officer"}, wide: []string{"province_officer"},
			build: reported, item: func(item map[string]any, t target) bool {
				return item["uscc"] == t["uscc"] && fmt.Sprint(item["year"]) == reportYear
			}},

		// --- deadline-jan31 function ---
		{name: "deadline.run", method: "POST", route: "/v1/deadline-runs", action: "deadline.run", kind: general,
			ok:   all(200, "scheduler", "city_officer", "province_officer"),
			body: func(*cell) any { return map[string]any{"deadline": "jan31", "year": roundYear} }},
		{name: "deadline.list", method: "GET", route: "/v1/deadline-runs", query: "?deadline=jan31", action: "deadline.list", kind: general,
			ok: all(200, "scheduler", "city_officer", "province_officer")},
		{name: "notice.read", method: "GET", route: "/v1/notices", action: "notice.read", kind: general,
			ok: all(200, "agency", "county_government")},

		// --- subsidy-claim function ---
		{name: "eligibility.read", method: "GET", route: "/v1/eligibility", query: "?entity={entity}&year=" + reportYear, action: "eligibility.read", kind: onSubject,
			ok:   all(200, "enterprise", "city_officer", "province_officer", "integrator"),
			wide: []string{"city_officer", "province_officer", "integrator"},
			build: func(w *world, p *party) target {
				return target{"entity": p.enterprise}
			}},
		{name: "eligibility.batch", method: "POST", route: "/v1/eligibility/batch", action: "eligibility.read", kind: onSubject,
			ok:   all(200, "enterprise", "city_officer", "province_officer", "integrator"),
			wide: []string{"city_officer", "province_officer", "integrator"},
			build: func(w *world, p *party) target {
				return target{"entity": p.enterprise}
			},
			body: func(c *cell) any {
				return map[string]any{"queries": []any{map[string]any{"entity": c.t["entity"], "year": 2034}}}
			},
			// The call succeeds for anyone signed in; each query is answered as the single query.
			judge: func(status int, body map[string]any) (int, map[string]any) {
				results, _ := body["results"].([]any)
				if status != http.StatusOK || len(results) != 1 {
					return status, body
				}
				r, _ := results[0].(map[string]any)
				problem, _ := r["error"].(map[string]any)
				s, _ := r["status"].(float64)
				return int(s), problem
			}},
		{name: "claim.evaluate", method: "POST", route: "/v1/subsidy-evaluations", action: "claim.evaluate", kind: general,
			ok:   all(200, "enterprise", "mandated_submitter", "agency", "district_reviewer", "city_officer", "province_officer", "integrator"),
			body: func(c *cell) any { return claimBody(c.acting, false) }},
		{name: "claim.submit", method: "POST", route: "/v1/subsidy-claims", action: "claim.submit", kind: onSubject,
			ok: all(201, "enterprise", "mandated_submitter", "integrator"),
			build: func(w *world, p *party) target {
				if !p.home {
					w.claim(p)
				}
				return target{"entity": p.enterprise}
			},
			// Whoever claims for an enterprise names the mandate (a validation before any grant).
			body: func(c *cell) any {
				return claimBody(c.rec, c.a.role == "mandated_submitter" || c.a.role == "integrator")
			}},
		{name: "claim.list", method: "GET", route: "/v1/subsidy-claims", query: "?status=submitted&limit=500", kind: listing,
			ok: all(200, signedIn...), shows: officers, wide: []string{"province_officer"}, build: claimed, item: byID},
		{name: "claim.read", method: "GET", route: "/v1/subsidy-claims/{id}", action: "claim.read", kind: onRecord,
			ok: all(200, officers...), wide: []string{"province_officer"}, build: claimed},
		{name: "claim.resubmit", method: "PUT", route: "/v1/subsidy-claims/{id}", action: "claim.submit", kind: onRecord,
			ok: all(200, "enterprise", "mandated_submitter", "integrator"), wide: []string{"province_officer"}, fresh: true,
			build: func(w *world, p *party) target {
				id := w.claim(p)
				w.reviewClaim(p, id, "district", "return")
				return target{"id": id}
			},
			body: func(c *cell) any { return claimBody(c.rec, true) }},
		{name: "claim.review_district", method: "POST", route: "/v1/subsidy-claims/{id}/reviews", action: "claim.review_district", kind: onRecord,
			ok: all(200, "district_reviewer"), sees: claimSees("district_reviewer"), wide: []string{"province_officer"}, fresh: true,
			build: claimed, body: review("district")},
		{name: "claim.review_city", method: "POST", route: "/v1/subsidy-claims/{id}/reviews", action: "claim.review_city", kind: onRecord,
			ok: all(200, "city_officer"), sees: claimSees("city_officer"), wide: []string{"province_officer"}, fresh: true,
			build: func(w *world, p *party) target {
				id := w.claim(p)
				w.reviewClaim(p, id, "district", "pass")
				return target{"id": id}
			}, body: review("city")},
		{name: "claim.review_notice", method: "POST", route: "/v1/subsidy-claims/{id}/reviews", action: "claim.review_notice", kind: onRecord,
			ok: all(200, "city_officer"), sees: claimSees("city_officer"), wide: []string{"province_officer"},
			build: timeline("claim"), body: review("notice")},
		{name: "claim.allocate", method: "POST", route: "/v1/subsidy-claims/{id}/reviews", action: "claim.allocate", kind: onRecord,
			ok: all(200, "city_officer"), sees: claimSees("city_officer"), wide: []string{"province_officer"},
			build: timeline("claim"), body: review("allocation")},
		{name: "claim.recover", method: "POST", route: "/v1/subsidy-claims/{id}/recovery", action: "claim.recover", kind: onRecord,
			ok: all(200, "city_officer"), sees: claimSees("city_officer"), wide: []string{"province_officer"},
			build: timeline("claim"),
			body: func(*cell) any {
				return map[string]any{"kind": "other", "amount_fen": 1, "reason": "矩阵测试：追回"}
			}},
		// A credit record concerns an entity, not a division or an owner: officers and the credit
		// system's integrators write any.
		{name: "credit.write", method: "PUT", route: "/v1/credit-records/{id}", action: "credit.write", kind: general,
			ok: all(201, "city_officer", "province_officer", "integrator"),
			build: func(w *world, p *party) target {
				n := w.next()
				return target{"id": fmt.Sprintf("MATRIX-%06d", n), "entity": w.uscc("91320506", "MK", n)}
			},
			body: func(c *cell) any {
				return map[string]any{"entity": c.t["entity"], "level": "minor", "period": map[string]any{"from": "2035-01-01"}, "source": "矩阵测试"}
			}},
		{name: "notices.public", method: "GET", route: "/v1/public/notices", kind: publicGeneral, public: 200},

		// --- the change feed (filing function): a change shows exactly when its record could be read ---
		{name: "change.list", method: "GET", route: "/v1/changes", query: "?after=0&limit=500", action: "change.list", kind: listing, cursorParam: "after",
			ok: all(200, "agency", "enterprise", "mandated_submitter", "county_government", "district_reviewer", "city_officer",
				"prefecture_officer", "province_officer", "integrator"),
			shows: []string{"agency", "city_officer", "province_officer", "integrator"}, wide: []string{"province_officer", "integrator"},
			build: accepted, item: func(item map[string]any, t target) bool {
				return item["record_id"] == t["uscc"] && item["kind"] == "filing.accepted"
			}},

		// --- cluster-application function: applications, then designated zones ---
		{name: "cluster.create", method: "POST", route: "/v1/cluster-applications", action: "cluster.create", kind: onSubject,
			// A county government naming another county is told to name its own (422), whether
			// that county has an application or not.
			ok: all(201, "county_government"), otherStatus: all(422, "county_government"),
			build: func(w *world, p *party) target {
				if !p.home {
					w.application(p, roundYear, "draft")
				}
				return target{"county": p.county}
			},
			body: func(c *cell) any { return clusterBody(c.t["county"], roundYear) }},
		{name: "cluster.list", method: "GET", route: "/v1/cluster-applications", action: "cluster.list", kind: listing,
			// The county lists its own, the prefecture what awaits its recommendation, the province
			// the round's; experts see nothing before the provincial review.
			ok:    all(200, "county_government", "prefecture_officer", "province_officer", "expert"),
			shows: []string{"county_government", "prefecture_officer", "province_officer"}, wide: []string{"province_officer", "expert"},
			build: application("submitted"), item: byID},
		{name: "cluster.read", method: "GET", route: "/v1/cluster-applications/{id}", action: "cluster.read", kind: onRecord,
			ok: all(200, "county_government", "prefecture_officer", "province_officer", "expert"), wide: []string{"province_officer", "expert"},
			party: "zone", build: timeline("zone")},
		{name: "cluster.edit", method: "PUT", route: "/v1/cluster-applications/{id}", action: "cluster.edit", kind: onRecord,
			// The province and experts do not see a draft at all.
			ok: all(200, "county_government"), sees: []string{"prefecture_officer"}, wide: []string{"province_officer", "expert"},
			build: application("draft"), body: func(c *cell) any { return clusterBody(c.rec.county, roundYear) }},
		{name: "cluster.upload_form", method: "PUT", route: "/v1/cluster-applications/{id}/documents/{kind}", action: "cluster.upload", kind: onRecord,
			ok: all(200, "county_government"), sees: []string{"prefecture_officer"}, wide: []string{"province_officer", "expert"},
			fixed: target{"kind": "application_form"}, build: application("draft"), body: pdf},
		{name: "cluster.upload_letter", method: "PUT", route: "/v1/cluster-applications/{id}/documents/{kind}", action: "cluster.upload", kind: onRecord,
			ok: all(200, "prefecture_officer"), sees: []string{"county_government", "province_officer"}, wide: []string{"province_officer", "expert"},
			fixed: target{"kind": "recommendation_letter"}, build: application("submitted"), body: pdf},
		{name: "cluster.download", method: "GET", route: "/v1/cluster-applications/{id}/documents/{kind}", action: "cluster.read", kind: onRecord,
			ok: all(200, "county_government", "prefecture_officer", "province_officer", "expert"), wide: []string{"province_officer", "expert"},
			fixed: target{"kind": "work_plan"}, party: "zone", build: timeline("zone")},
		{name: "cluster.submit", method: "POST", route: "/v1/cluster-applications/{id}/submission", action: "cluster.submit", kind: onRecord,
			ok: all(200, "county_government"), sees: []string{"prefecture_officer"}, wide: []string{"province_officer", "expert"}, fresh: true,
			build: application("complete")},
		{name: "cluster.recommend", method: "POST", route: "/v1/cluster-applications/{id}/recommendation", action: "cluster.recommend", kind: onRecord,
			ok: all(200, "prefecture_officer"), sees: []string{"county_government", "province_officer"}, wide: []string{"province_officer", "expert"},
			build: application("lettered"),
			body: func(*cell) any {
				return map[string]any{"outcome": "recommend", "opinion": "矩阵测试：同意推荐"}
			}},
		{name: "cluster.score", method: "POST", route: "/v1/cluster-applications/{id}/reviews", action: "cluster.score", kind: onRecord,
			ok: all(200, "expert"), sees: []string{"county_government", "prefecture_officer", "province_officer"}, wide: []string{"province_officer", "expert"},
			party: "review1", build: timeline("application"),
			body: func(*cell) any { return map[string]any{"kind": "score", "score": 80, "comment": "矩阵测试"} }},
		{name: "cluster.visit", method: "POST", route: "/v1/cluster-applications/{id}/reviews", action: "cluster.review", kind: onRecord,
			ok: all(200, "province_officer"), sees: []string{"county_government", "prefecture_officer", "expert"}, wide: []string{"province_officer", "expert"},
			party: "review1", build: timeline("application"),
			body: func(*cell) any {
				return map[string]any{"kind": "site_visit", "visited_on": "2035-05-01", "findings": "矩阵测试"}
			}},
		{name: "cluster.decide", method: "POST", route: "/v1/cluster-applications/{id}/reviews", action: "cluster.review", kind: onRecord,
			ok: all(200, "province_officer"), sees: []string{"county_government", "prefecture_officer", "expert"}, wide: []string{"province_officer", "expert"},
			party: "review2", build: timeline("application"),
			body: func(*cell) any {
				return map[string]any{"kind": "decision", "outcome": "not_selected", "comment": "矩阵测试"}
			}},
		{name: "zone.read", method: "GET", route: "/v1/clusters/{id}", action: "zone.read", kind: onRecord,
			ok: all(200, "county_government", "prefecture_officer", "province_officer"), wide: []string{"province_officer"},
			party: "zone", build: timeline("zone")},
		// The plan was filed in 2031; filing the same plan again is a success that changes nothing.
		{name: "zone.plan_file", method: "PUT", route: "/v1/clusters/{id}/plan", action: "zone.plan_file", kind: onRecord,
			ok: all(200, "county_government"), sees: []string{"prefecture_officer", "province_officer"}, wide: []string{"province_officer"},
			party: "zone", build: timeline("zone"), body: func(*cell) any { return zonePlan }},
		{name: "zone.annual", method: "PUT", route: "/v1/clusters/{id}/annual/{year}", action: "zone.annual_submit", kind: onRecord,
			ok: all(200, "county_government"), sees: []string{"prefecture_officer", "province_officer"}, wide: []string{"province_officer"},
			party: "zone", fixed: target{"year": fmt.Sprint(roundYear)},
			build: func(w *world, p *party) target { w.zoneAnnual(p); return target{"id": p.ids["zone"]} },
			body:  func(*cell) any { return zoneAnnual }},
		{name: "zone.plan_change", method: "POST", route: "/v1/clusters/{id}/plan-changes", action: "zone.plan_change", kind: onRecord,
			ok: all(201, "county_government"), sees: []string{"prefecture_officer", "province_officer"}, wide: []string{"province_officer"},
			party: "zone", build: timeline("zone"),
			prepare: func(w *world, p *party, t target, a actor, allowed bool) target {
				if allowed {
					w.closeChanges(p) // one change is open at a time
				}
				return t
			},
			body: func(*cell) any { return map[string]any{"plan": zonePlanChanged, "reason": "矩阵测试：调整"} }},
		{name: "zone.plan_review", method: "POST", route: "/v1/clusters/{id}/plan-changes/{n}/review", action: "zone.plan_review", kind: onRecord,
			ok: all(200, "prefecture_officer", "province_officer"), sees: []string{"county_government"}, wide: []string{"province_officer"},
			party: "zone", build: timeline("zone"), fixed: target{"n": "1"},
			prepare: func(w *world, p *party, t target, a actor, allowed bool) target {
				t = maps.Clone(t)
				t["n"] = fmt.Sprint(w.openChange(p, a.role))
				return t
			},
			body: func(*cell) any { return map[string]any{"decision": "approve", "opinion": "矩阵测试"} }},
		{name: "zone.assess", method: "POST", route: "/v1/clusters/{id}/assessments", action: "zone.assess", kind: onRecord,
			ok: all(201, "province_officer"), sees: []string{"county_government", "prefecture_officer"}, wide: []string{"province_officer"},
			party: "zone", build: timeline("zone"),
			body: func(*cell) any { return map[string]any{"outcome": "pass", "comment": "矩阵测试"} }},
	}
}

// expect is the status the table expects of a on rel.
func (o *op) expect(a actor, rel relation) int {
	switch o.kind {
	case publicGeneral:
		return o.public
	case publicRecord:
		if rel == relAbsent {
			return http.StatusNotFound
		}
		return http.StatusOK
	}
	if a.role == "" {
		return http.StatusUnauthorized
	}
	own := func() int {
		if s, ok := o.ok[a.name]; ok {
			return s
		}
		if slices.Contains(o.sees, a.name) {
			return http.StatusForbidden
		}
		if o.kind == onRecord {
			return http.StatusNotFound
		}
		return http.StatusForbidden
	}
	switch {
	case rel == relOwn || rel == relNone || o.kind == listing:
		return own()
	case o.kind == onRecord && rel == relAbsent:
		return http.StatusNotFound
	case o.otherStatus[a.name] != 0:
		return o.otherStatus[a.name]
	case slices.Contains(o.wide, a.name):
		return own()
	case o.kind == onRecord:
		return http.StatusNotFound
	}
	return http.StatusForbidden
}

func (o *op) relations() []relation {
	switch o.kind {
	case general, publicGeneral:
		return []relation{relNone}
	case listing:
		return []relation{relOwn, relOther}
	}
	return []relation{relOwn, relOther, relAbsent}
}

// TestAuthzMatrix runs every cell against the runner binary and reports how many it checked and
// how many leaked.
func TestAuthzMatrix(t *testing.T) {
	ops := matrixOps()
	// Rate limiting paces integrators' credentials; that is the rate limiter's test, not this one.
	p := startRunner(t, t.TempDir(), "IPS_NOW=2031-05-10T10:00:00+08:00", "IPS_RATE_LIMIT_PER_MINUTE=0")
	w := newWorld(t, p)
	start := time.Now()
	w.timeline()
	t.Logf("fixtures through 2035-04 built in %s", time.Since(start).Round(time.Millisecond))

	var cells, leaks, wrong int
	for _, o := range ops {
		for _, a := range matrixActors {
			var otherAnswer, absentAnswer *answer
			otherLeaked := false
			for _, rel := range o.relations() {
				c := w.cell(o, a, rel)
				got := w.run(c)
				cells++
				if bad, leak := judge(c, got); bad != "" {
					if leak {
						leaks++
						otherLeaked = otherLeaked || rel == relOther
						bad = "LEAK: " + bad
					} else {
						wrong++
					}
					t.Errorf("%s × %s × %s: %s", o.name, a.name, rel, bad)
				}
				switch rel {
				case relOther:
					otherAnswer = got
				case relAbsent:
					absentAnswer = got
				}
			}
			// Another party's record answers exactly as a missing one, for everyone it is not
			// within reach of.
			if otherAnswer != nil && absentAnswer != nil && a.role != "" && !slices.Contains(o.wide, a.name) && o.kind != publicRecord {
				if diff := otherAnswer.differs(absentAnswer); diff != "" {
					if !otherLeaked { // one leak per cell, however many ways it shows
						leaks++
					}
					t.Errorf("%s × %s: LEAK: another party's record is told apart from a missing one: %s", o.name, a.name, diff)
				}
			}
		}
	}
	t.Logf("authz matrix: %d cells checked (%d operations × %d actors), %d leaks, %d other mismatches, in %s",
		cells, len(ops), len(matrixActors), leaks, wrong, time.Since(start).Round(time.Millisecond))
}

// answer is what a cell got: the status judged and, for a refusal, the problem.
type answer struct {
	status  int
	problem map[string]any
	items   []map[string]any
}

func (a *answer) differs(b *answer) string {
	if a.status != b.status {
		return fmt.Sprintf("status %d, a missing record %d", a.status, b.status)
	}
	pick := func(p map[string]any) string {
		out, _ := json.Marshal(map[string]any{"type": p["type"], "code": p["code"], "title": p["title"], "detail": p["detail"], "errors": p["errors"]})
		return string(out)
	}
	if x, y := pick(a.problem), pick(b.problem); x != y {
		return fmt.Sprintf("problem %s, a missing record's %s", x, y)
	}
	return ""
}

// judge compares a cell's answer with the table: bad says how it differs, leak whether the
// difference gives the caller something the table refuses.
func judge(c *cell, got *answer) (bad string, leak bool) {
	success := func(s int) bool { return s >= 200 && s < 300 }
	within := c.rel != relOther || slices.Contains(c.o.wide, c.a.name)
	if got.status != c.expected {
		bad = fmt.Sprintf("got %d, want %d (%v)", got.status, c.expected, got.problem["detail"])
		// A leak gives the caller what the table refuses: a success, or, on another party's
		// record, any answer but a missing record's.
		leak = success(got.status) && !success(c.expected) ||
			!within && c.o.kind == onRecord && c.a.role != "" && got.status != http.StatusNotFound
		return bad, leak
	}
	if c.o.kind != listing || !success(got.status) {
		return "", false
	}
	found := slices.ContainsFunc(got.items, func(it map[string]any) bool { return c.o.item(it, c.t) })
	shows := slices.Contains(c.o.shows, c.a.name) && (c.rel == relOwn || slices.Contains(c.o.wide, c.a.name))
	switch {
	case found && !shows:
		return fmt.Sprintf("the list holds %v, which is not the caller's to see", c.t), true
	case !found && shows:
		return fmt.Sprintf("the list lacks %v (%d items)", c.t, len(got.items)), false
	}
	return "", false
}

// The table holds a row for every route the functions serve: a new route fails here until it
// has one.
func TestAuthzMatrixCoversEveryRoute(t *testing.T) {
	ops := matrixOps()
	served := map[string]bool{}
	for _, build := range catalog.HTTPFunctions {
		for _, rt := range build(httpapi.Deps{}).Routes() {
			served[rt.Method+" "+rt.Path] = true
		}
	}
	inTable := map[string]bool{}
	for _, o := range ops {
		inTable[o.method+" "+o.route] = true
	}
	for r := range served {
		if !inTable[r] {
			t.Errorf("route %s has no row in the authorisation matrix (matrixOps)", r)
		}
	}
	for r := range inTable {
		if !served[r] {
			t.Errorf("the matrix has a row for %s, which no function serves", r)
		}
	}
}

// TestAuthzMatrixAgreesWithTheGrants compares the table with policies/authz: every grant has a
// row, the roles a grant admits are exactly those the rows expect to succeed, and the matrix's
// integrator carries every scope a grant names. The table stays the statement the platform is
// tested against; this only makes a drift between the two fail by name.
func TestAuthzMatrixAgreesWithTheGrants(t *testing.T) {
	grants := policyGrants(t)
	ops := matrixOps()
	actorRole := map[string]string{}
	for _, a := range matrixActors {
		actorRole[a.name] = a.role
	}
	succeed := map[string]map[string]bool{} // action → roles some row expects to succeed
	for _, o := range ops {
		if o.action == "" {
			continue
		}
		if _, ok := grants[o.action]; !ok {
			t.Errorf("%s exercises %s, which policies/authz does not grant", o.name, o.action)
		}
		if succeed[o.action] == nil {
			succeed[o.action] = map[string]bool{}
		}
		for name := range o.ok {
			succeed[o.action][actorRole[name]] = true
		}
	}
	for action, g := range grants {
		if succeed[action] == nil {
			t.Errorf("grant %s has no row in the authorisation matrix", action)
			continue
		}
		want := slices.Sorted(maps.Keys(g.Roles))
		got := slices.Sorted(maps.Keys(succeed[action]))
		if !slices.Equal(got, want) {
			t.Errorf("grant %s admits %v; the matrix expects a success for %v", action, want, got)
		}
		if g.Scope != "" && !slices.Contains(integratorScopes, g.Scope) {
			t.Errorf("grant %s names the scope %s, which the matrix's integrator does not carry", action, g.Scope)
		}
	}
	var roles []string
	for _, a := range matrixActors {
		if a.role != "" && !slices.Contains(roles, a.role) {
			roles = append(roles, a.role)
		}
	}
	var domainRoles []string
	for _, r := range domain.Roles {
		domainRoles = append(domainRoles, string(r))
	}
	if !slices.Equal(roles, domainRoles) {
		t.Errorf("the matrix's roles %v are not DOMAIN.md §7's %v", roles, domainRoles)
	}
}

type policyGrant struct {
	Roles map[string]string `json:"roles"`
	Scope string            `json:"scope"`
}

// policyGrants reads data.authz.grants from the embedded bundle, as the engine loads it.
func policyGrants(t *testing.T) map[string]policyGrant {
	t.Helper()
	loaded, err := loader.NewFileLoader().WithFS(policies.Bundle).WithProcessAnnotation(true).WithRegoVersion(ast.RegoV1).
		Filtered([]string{"."}, func(_ string, info fs.FileInfo, _ int) bool {
			return !info.IsDir() && strings.HasSuffix(info.Name(), "_test.rego")
		})
	if err != nil {
		t.Fatal(err)
	}
	store, err := loaded.Store()
	if err != nil {
		t.Fatal(err)
	}
	opts := []func(*rego.Rego){rego.Query("data.authz.grants"), rego.Store(store)}
	for _, m := range loaded.ParsedModules() {
		opts = append(opts, rego.ParsedModule(m))
	}
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil || len(rs) != 1 || len(rs[0].Expressions) != 1 {
		t.Fatalf("data.authz.grants: %v %v", rs, err)
	}
	b, _ := json.Marshal(rs[0].Expressions[0].Value)
	var out map[string]policyGrant
	if err := json.Unmarshal(b, &out); err != nil || len(out) == 0 {
		t.Fatalf("data.authz.grants %s: %v", b, err)
	}
	return out
}

// --- the world: the runner, its clock, tokens and fixtures -----------------------------------

type world struct {
	t      *testing.T
	p      *runnerProc
	client *http.Client
	tokens map[string]string
	seq    int
	groups map[string][2]*party
	built  map[string]target // by op name and party's agency code
	absent *party
}

func newWorld(t *testing.T, p *runnerProc) *world {
	w := &world{t: t, p: p, client: &http.Client{Timeout: 30 * time.Second}, tokens: map[string]string{},
		groups: map[string][2]*party{}, built: map[string]target{}}
	w.absent = w.newParty(true, "320571") // its codes are never used for a record
	return w
}

func (w *world) next() int { w.seq++; return w.seq }

func (w *world) uscc(prefix8, tag string, n int) string {
	return testkit.USCC(w.t, prefix8, fmt.Sprintf("%s%06d", tag, n))
}

func (w *world) newParty(home bool, county string) *party {
	n := w.next()
	p := &party{home: home, county: county, ids: map[string]string{}}
	if home {
		p.agency, p.enterprise, p.bank = w.uscc("91320506", "MA", n), w.uscc("91320506", "ME", n), w.uscc("91320506", "MB", n)
		p.filing, p.claims, p.prefecture = "320506", "320506", "320500"
	} else {
		p.agency, p.enterprise, p.bank = w.uscc("91320281", "MA", n), w.uscc("91320508", "ME", n), w.uscc("91320508", "MB", n)
		p.filing, p.claims, p.prefecture = "320281", "320508", "320200"
	}
	return p
}

// groupCounties gives each group whose applications are submitted its own counties, home
// (Suzhou, 3205xx) and other (Wuxi, 3202xx): a county submits one application a round.
var groupCounties = map[string][2]string{
	"zone":                  {"320585", "320281"},
	"review1":               {"320582", "320214"},
	"review2":               {"320583", "320282"},
	"cluster.list":          {"320505", "320205"},
	"cluster.submit":        {"320509", "320211"},
	"cluster.recommend":     {"320581", "320213"},
	"cluster.upload_letter": {"320507", "320206"},
}

// group is the home and other party of a fixture group.
func (w *world) group(name string) [2]*party {
	if g, ok := w.groups[name]; ok {
		return g
	}
	counties, ok := groupCounties[name]
	if !ok {
		counties = [2]string{"320506", "320281"}
	}
	g := [2]*party{w.newParty(true, counties[0]), w.newParty(false, counties[1])}
	w.groups[name] = g
	return g
}

// target builds (once) the record o acts on for p.
func (w *world) target(o *op, p *party) target {
	key := o.name + "|" + p.agency
	if t, ok := w.built[key]; ok {
		return t
	}
	t := target{}
	if o.build != nil {
		t = o.build(w, p)
	}
	t = mergeTargets(o.fixed, t)
	w.built[key] = t
	return t
}

func mergeTargets(fixed, t target) target {
	out := maps.Clone(fixed)
	if out == nil {
		out = target{}
	}
	maps.Copy(out, t)
	return out
}

// cell sets up one cell: the parties, the record and the expected status.
func (w *world) cell(o *op, a actor, rel relation) *cell {
	group := o.party
	if group == "" {
		group = o.name
	}
	g := w.group(group)
	c := &cell{o: o, a: a, rel: rel, acting: g[0], expected: o.expect(a, rel)}
	allowed := c.expected >= 200 && c.expected < 300
	switch rel {
	case relOwn, relNone:
		c.rec = g[0]
	case relOther:
		c.rec = g[1]
	case relAbsent:
		c.rec = w.absent
	}
	if o.fresh && allowed && rel != relAbsent {
		// The success consumes the record, so it gets one of its own; the home party's new
		// codes make the acting principal its owner.
		c.rec = w.newParty(c.rec.home, c.rec.county)
		if rel == relOwn {
			c.acting = c.rec
		}
	}
	switch {
	case o.kind == general && o.build != nil:
		c.t = mergeTargets(o.fixed, o.build(w, c.acting)) // a record of the caller's own making
	case rel == relAbsent && o.missing != nil:
		c.t = mergeTargets(o.fixed, o.missing(w, c.rec))
	case rel == relAbsent && o.kind == onRecord:
		c.t = mergeTargets(o.fixed, target{"uscc": c.rec.agency, "id": missingID(o.route)})
	case rel == relAbsent:
		c.t = mergeTargets(o.fixed, target{"uscc": c.rec.agency, "entity": c.rec.enterprise, "county": c.rec.county})
	case rel != relNone:
		c.t = w.target(o, c.rec)
	}
	if o.prepare != nil && rel != relAbsent && rel != relNone {
		c.t = o.prepare(w, c.rec, c.t, a, allowed)
	}
	return c
}

func missingID(route string) string {
	switch {
	case strings.HasPrefix(route, "/v1/subsidy-claims"):
		return "SC20350510-000000000000"
	case strings.HasPrefix(route, "/v1/cluster-applications"):
		return "CA2035-320506-000000000000"
	case strings.HasPrefix(route, "/v1/clusters"):
		return "CA2031-320585-000000000000"
	}
	return "none"
}

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

func fill(pattern string, t target) string {
	return placeholder.ReplaceAllStringFunc(pattern, func(p string) string {
		v, ok := t[strings.Trim(p, "{}")]
		if !ok {
			panic(fmt.Sprintf("no value for %s in %v", p, t))
		}
		return url.PathEscape(v)
	})
}

// run sends the cell's request as its actor and reads the answer (every page of a listing).
func (w *world) run(c *cell) *answer {
	token := ""
	if c.a.role != "" {
		token = w.token(principal(c.a, c.acting))
	}
	var body any
	if c.o.body != nil {
		body = c.o.body(c)
	}
	path := fill(c.o.route, c.t) + fill(c.o.query, c.t)
	got := &answer{}
	for page := 0; ; page++ {
		status, _, raw := w.do(c.o.method, path, token, body)
		var m map[string]any
		json.Unmarshal(raw, &m)
		if c.o.judge != nil {
			status, m = c.o.judge(status, m)
		}
		got.status = status
		if status >= 300 {
			got.problem = m
		}
		if c.o.kind != listing || status != http.StatusOK {
			return got
		}
		items, _ := m["items"].([]any)
		for _, it := range items {
			if item, ok := it.(map[string]any); ok {
				got.items = append(got.items, item)
			}
		}
		next, _ := m["next_cursor"].(string)
		if next == "" || page == 50 {
			return got
		}
		if c.o.cursorParam == "after" {
			if len(items) == 0 {
				return got
			}
			path = fill(c.o.route, c.t) + "?limit=500&after=" + url.QueryEscape(next)
			continue
		}
		sep := "?"
		if c.o.query != "" {
			sep = "&"
		}
		path = fill(c.o.route, c.t) + fill(c.o.query, c.t) + sep + "cursor=" + url.QueryEscape(next)
	}
}

func principal(a actor, p *party) map[string]any {
	m := map[string]any{"role": a.role}
	switch a.role {
	case "agency":
		m["subject"] = p.agency
	case "enterprise":
		m["subject"] = p.enterprise
	case "mandated_submitter":
		m["subject"] = p.bank
	case "county_government":
		m["subject"], m["division"] = p.county, p.county
	case "district_reviewer":
		m["division"] = p.claims
	case "city_officer":
		m["division"] = p.filing
	case "prefecture_officer":
		m["division"] = p.prefecture
	case "province_officer":
		m["division"] = "320000"
	case "expert":
		m["subject"], m["division"] = "expert-nanjing", expertDivision
	case "integrator":
		// The bank's own system: claims:submit acts for the bank the mandates name.
		m["subject"] = p.bank
	default:
		m["subject"] = "matrix-" + a.name
	}
	if len(a.scopes) > 0 {
		m["scopes"] = a.scopes
	}
	return m
}

func (w *world) token(req map[string]any) string {
	b, _ := json.Marshal(req)
	if tok, ok := w.tokens[string(b)]; ok {
		return tok
	}
	status, _, raw := w.do("POST", "/dev/token", "", req)
	var res struct{ Token string }
	if json.Unmarshal(raw, &res); status != http.StatusCreated || res.Token == "" {
		w.t.Fatalf("dev token %s: %d %s", b, status, raw)
	}
	w.tokens[string(b)] = res.Token
	return res.Token
}

// as is a privileged caller building fixtures.
func (w *world) as(role, subject, division string) string {
	m := map[string]any{"role": role}
	if subject != "" {
		m["subject"] = subject
	}
	if division != "" {
		m["division"] = division
	}
	return w.token(m)
}

type pdfBody []byte

func (w *world) do(method, path, token string, body any) (int, http.Header, []byte) {
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case pdfBody:
		rd, contentType = bytes.NewReader(b), "application/pdf"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, w.p.url+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

// must sends a fixture's request and fails the test unless it gets want.
func (w *world) must(what string, want int, method, path, token string, body any) map[string]any {
	w.t.Helper()
	status, _, raw := w.do(method, path, token, body)
	if status != want {
		w.t.Fatalf("fixture %s: %s %s: %d %s; want %d", what, method, path, status, raw, want)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	return m
}

// at moves the platform's clock (frozen); tokens are minted again, as they expire in 12 hours.
func (w *world) at(instant string) {
	w.must("clock", http.StatusOK, "PUT", "/dev/clock", "", map[string]any{"now": instant, "frozen": true})
	clear(w.tokens)
}

// --- fixtures ----------------------------------------------------------------------------------

func filingBody(code, district string) map[string]any {
	f := testkit.AgencyFiling(code, "矩阵测试知识产权代理有限公司"+code[8:17], district)
	f["service_types"], f["patent_agency_license_no"] = []string{"trademark_agency"}, ""
	return f
}

func (w *world) file(p *party) {
	w.must("file "+p.agency, http.StatusCreated, "POST", "/v1/agencies", w.as("agency", p.agency, ""), filingBody(p.agency, p.filing))
}

func (w *world) accept(p *party) {
	w.must("accept "+p.agency, http.StatusOK, "POST", "/v1/agencies/"+p.agency+"/review", w.as("city_officer", "", p.filing),
		map[string]any{"outcome": "accept"})
}

func annualReport(client string) map[string]any {
	return map[string]any{
		"patent_applications":    map[string]any{"invention": 1, "utility_model": 2, "design": 0},
		"trademark_applications": 5, "copyright_registrations": 0, "other_services": 1,
		"revenue_fen": 12_000_000, "practitioners_at_year_end": 3,
		"clients":                   []map[string]any{{"id": client, "name": "矩阵测试客户有限公司", "services": []string{"trademark_agency"}}},
		"sci_tech_project_services": false, "complaints_received": 0,
	}
}

// report submits the agency's report for 2034, naming the party's enterprise as its client.
func (w *world) report(p *party) {
	w.must("report "+p.agency, http.StatusCreated, "PUT", "/v1/agencies/"+p.agency+"/annual-reports/"+reportYear,
		w.as("agency", p.agency, ""), annualReport(p.enterprise))
}

func violationBody() map[string]any {
	return map[string]any{"kind": "poor_credit", "year": 2034, "detail": "矩阵测试：信用不良"}
}

// violation records a violation of the party's agency and answers the id of a sanction it made.
func (w *world) violation(p *party) string {
	rec := w.must("violation "+p.agency, http.StatusCreated, "POST", "/v1/agencies/"+p.agency+"/violations",
		w.as("city_officer", "", p.filing), violationBody())
	sanctions, _ := rec["sanctions"].([]any)
	if len(sanctions) == 0 {
		w.t.Fatalf("fixture: the violation made no sanction: %v", rec)
	}
	return sanctions[0].(map[string]any)["id"].(string)
}

// claimBody is a pledge-financing reward claim of the party's enterprise (seed 003 第四条),
// made by its bank under a mandate when mandated.
func claimBody(p *party, mandated bool) map[string]any {
	b := map[string]any{
		"programme": "pledge_reward",
		"claimant": map[string]any{"uscc": p.enterprise, "name": "矩阵测试科技有限公司", "district_code": p.claims,
			"key_enterprise": false, "finance_platform_registered": true},
		"event": map[string]any{"loan_fen": 500_000_000, "disbursed_on": "2022-05-20", "lender": "苏州银行",
			"pledge_registration_no": "Y2022320000123", "pledged_ip": []string{"ZL201910123456.7"}},
		"agencies": []any{}, "ownership_disputed": false, "credit_commitment": true,
	}
	if mandated {
		b["mandate"] = map[string]any{"submitter_uscc": p.bank, "reference": "WT-2035-001"}
	}
	return b
}

// claim is submitted by the party's bank for its enterprise, so that both own it.
func (w *world) claim(p *party) string {
	c := w.must("claim "+p.enterprise, http.StatusCreated, "POST", "/v1/subsidy-claims", w.as("mandated_submitter", p.bank, ""), claimBody(p, true))
	return c["id"].(string)
}

func (w *world) reviewClaim(p *party, id, stage, outcome string) {
	reviewer := w.as("city_officer", "", p.claims)
	if stage == "district" {
		reviewer = w.as("district_reviewer", "", p.claims)
	}
	w.must(stage+" "+outcome+" "+id, http.StatusOK, "POST", "/v1/subsidy-claims/"+id+"/reviews", reviewer,
		map[string]any{"stage": stage, "outcome": outcome, "comment": "矩阵测试"})
}

var matrixPDF = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func clusterBody(county string, year int) map[string]any {
	agencies := []map[string]any{}
	for i := range 15 {
		code, err := validate.ComposeUSCC("91"+county, fmt.Sprintf("MC%06d", i+1))
		if err != nil {
			panic(err)
		}
		agencies = append(agencies, map[string]any{"uscc": code,
			"name": fmt.Sprintf("矩阵测试第%d知识产权服务有限公司", i+1), "service_types": []string{"patent_agency"}})
	}
	kinds := []string{"info_consulting", "rights_protection", "agency", "valuation", "legal", "commercial"}
	coverage := map[string][]string{}
	for _, ty := range []string{"patent", "trademark", "copyright", "geographical_indication", "plant_variety", "ic_layout"} {
		coverage[ty] = kinds
	}
	return map[string]any{
		"year": year, "county_code": county, "zone_name": "矩阵测试知识产权服务业集聚发展区",
		"management_body":      map[string]any{"name": "矩阵测试知识产权服务中心", "staff_count": 5},
		"has_development_plan": true, "special_fund_fen_per_year": 200_000_000, "industry": "高端装备",
		"agencies": agencies, "coverage": coverage,
	}
}

// application takes a new application of the party's county for year as far as upTo: "draft",
// "complete" (its four documents), "submitted", "lettered" (the prefecture's letter) or
// "recommended".
func (w *world) application(p *party, year int, upTo string) string {
	county := w.as("county_government", p.county, p.county)
	id := w.must("application "+p.county, http.StatusCreated, "POST", "/v1/cluster-applications", county, clusterBody(p.county, year))["id"].(string)
	path := "/v1/cluster-applications/" + id
	steps := []func(){
		func() {
			for _, kind := range []string{"application_form", "work_plan", "authenticity_commitment", "supporting_materials"} {
				w.must("upload "+kind, http.StatusOK, "PUT", path+"/documents/"+kind, county, pdfBody(matrixPDF))
			}
		},
		func() { w.must("submit "+id, http.StatusOK, "POST", path+"/submission", county, nil) },
		func() {
			w.must("letter "+id, http.StatusOK, "PUT", path+"/documents/recommendation_letter", w.as("prefecture_officer", "", p.prefecture), pdfBody(matrixPDF))
		},
		func() {
			w.must("recommend "+id, http.StatusOK, "POST", path+"/recommendation", w.as("prefecture_officer", "", p.prefecture),
				map[string]any{"outcome": "recommend", "opinion": "同意推荐"})
		},
	}
	n := map[string]int{"draft": 0, "complete": 1, "submitted": 2, "lettered": 3, "recommended": 4}[upTo]
	for _, step := range steps[:n] {
		step()
	}
	return id
}

// closeRound runs the 30 June deadline of year and waits for ids to reach provincial review (the
// runner's own scheduler may be running the same deadline at that moment; runs are idempotent).
func (w *world) closeRound(year int, ids ...string) {
	status, _, raw := w.do("POST", "/v1/deadline-runs", w.as("province_officer", "", "320000"), map[string]any{"deadline": "jun30", "year": year})
	if status != http.StatusOK {
		w.t.Fatalf("fixture: jun30 run %d: %d %s", year, status, raw)
	}
	province := w.as("province_officer", "", "320000")
	for _, id := range ids {
		deadline := time.Now().Add(20 * time.Second)
		for {
			a := w.must("read "+id, http.StatusOK, "GET", "/v1/cluster-applications/"+id, province, nil)
			if a["status"] == "under_review" {
				break
			}
			if time.Now().After(deadline) {
				w.t.Fatalf("fixture: %s is %v 20 s after the round closed", id, a["status"])
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

var (
	zonePlan        = map[string]any{"title": "矩阵测试集聚区实施方案", "content": "三年建设任务与保障措施"}
	zonePlanChanged = map[string]any{"title": "矩阵测试集聚区实施方案（调整）", "content": "调整后的建设任务"}
	zoneAnnual      = map[string]any{"summary": "上年度工作总结", "plan": "本年度工作计划"}
)

func (w *world) zoneAnnual(p *party) {
	status, _, raw := w.do("PUT", fmt.Sprintf("/v1/clusters/%s/annual/%d", p.ids["zone"], roundYear), w.as("county_government", p.county, p.county), zoneAnnual)
	if status != http.StatusCreated && status != http.StatusOK {
		w.t.Fatalf("fixture: zone annual: %d %s", status, raw)
	}
}

// changes reads the zone's plan changes.
func (w *world) changes(p *party) []map[string]any {
	z := w.must("zone "+p.ids["zone"], http.StatusOK, "GET", "/v1/clusters/"+p.ids["zone"], w.as("province_officer", "", "320000"), nil)
	var out []map[string]any
	list, _ := z["plan_changes"].([]any)
	for _, c := range list {
		out = append(out, c.(map[string]any))
	}
	return out
}

func (w *world) reviewChange(p *party, n any, role, decision string) {
	division := "320000"
	if role == "prefecture_officer" {
		division = p.prefecture
	}
	w.must("plan change review", http.StatusOK, "POST", fmt.Sprintf("/v1/clusters/%s/plan-changes/%v/review", p.ids["zone"], n),
		w.as(role, "", division), map[string]any{"decision": decision, "opinion": "矩阵测试"})
}

// closeChanges refuses the zone's open plan change, if any, so the county may propose one.
func (w *world) closeChanges(p *party) {
	for _, c := range w.changes(p) {
		switch c["status"] {
		case "pending_prefecture":
			w.reviewChange(p, c["n"], "prefecture_officer", "refuse")
		case "pending_province":
			w.reviewChange(p, c["n"], "province_officer", "refuse")
		}
	}
}

// openChange makes sure the zone has a change awaiting role's review (any change for a role that
// reviews none) and answers its number.
func (w *world) openChange(p *party, role string) int {
	want := map[string]string{"prefecture_officer": "pending_prefecture", "province_officer": "pending_province"}[role]
	if cs := w.changes(p); len(cs) > 0 && (want == "" || cs[len(cs)-1]["status"] == want) {
		return int(cs[len(cs)-1]["n"].(float64))
	}
	// Start over: close what is open, propose (it waits for the prefecture), and for the
	// province pass the prefecture's stage.
	w.closeChanges(p)
	w.must("propose a change", http.StatusCreated, "POST", "/v1/clusters/"+p.ids["zone"]+"/plan-changes",
		w.as("county_government", p.county, p.county), map[string]any{"plan": zonePlanChanged, "reason": "矩阵测试"})
	cs := w.changes(p)
	n := int(cs[len(cs)-1]["n"].(float64))
	if want == "pending_province" {
		w.reviewChange(p, n, "prefecture_officer", "approve")
	}
	return n
}

// timeline builds the records that need time to pass, moving the clock forward only: the zones
// designated in 2031, the 2034 round's applications under provincial review, and claims through
// their notice period; then freezes the clock at matrixNow.
func (w *world) timeline() {
	province := func() string { return w.as("province_officer", "", "320000") }
	zone := w.group("zone")
	review := [][2]*party{w.group("review1"), w.group("review2")}

	w.at("2031-05-10T10:00:00+08:00")
	for _, p := range zone {
		p.ids["zone"] = w.application(p, 2031, "recommended")
	}
	w.at("2031-07-01T00:00:05+08:00")
	w.closeRound(2031, zone[0].ids["zone"], zone[1].ids["zone"])
	w.at("2031-09-10T10:00:00+08:00")
	for _, p := range zone {
		path := "/v1/cluster-applications/" + p.ids["zone"] + "/reviews"
		w.must("score", http.StatusOK, "POST", path, w.as("expert", "expert-nanjing", expertDivision), map[string]any{"kind": "score", "score": 86})
		w.must("visit", http.StatusOK, "POST", path, province(), map[string]any{"kind": "site_visit", "visited_on": "2031-09-08", "findings": "运行良好"})
		w.must("designate", http.StatusOK, "POST", path, province(), map[string]any{"kind": "decision", "outcome": "designate"})
		w.must("plan", http.StatusCreated, "PUT", "/v1/clusters/"+p.ids["zone"]+"/plan", w.as("county_government", p.county, p.county), zonePlan)
	}

	w.at("2034-05-10T10:00:00+08:00")
	var underReview []string
	for _, g := range review {
		for _, p := range g {
			p.ids["application"] = w.application(p, 2034, "recommended")
			underReview = append(underReview, p.ids["application"])
		}
	}
	w.at("2034-07-01T00:00:05+08:00")
	w.closeRound(2034, underReview...)

	// Claims at the notice, allocation and allocated stages: the notice lasts five days.
	w.at("2035-04-01T10:00:00+08:00")
	stages := map[string][]string{"claim.review_notice": {"district", "city"},
		"claim.allocate": {"district", "city", "notice"}, "claim.recover": {"district", "city", "notice", "allocation"}}
	for name := range stages {
		for _, p := range w.group(name) {
			p.ids["claim"] = w.claim(p)
			for _, s := range []string{"district", "city"} {
				w.reviewClaim(p, p.ids["claim"], s, "pass")
			}
		}
	}
	w.at("2035-04-10T10:00:00+08:00")
	for name, ss := range stages {
		for _, p := range w.group(name) {
			for _, s := range ss[2:] {
				w.reviewClaim(p, p.ids["claim"], s, "pass")
			}
		}
	}
	w.at(matrixNow)
}

// The matrix's judgement must be able to fail: each way a platform could leak, shown to it.
func TestAuthzMatrixJudgeNamesEachLeak(t *testing.T) {
	ops := map[string]*op{}
	for _, o := range matrixOps() {
		ops[o.name] = o
	}
	named := func(name string) actor {
		i := slices.IndexFunc(matrixActors, func(a actor) bool { return a.name == name })
		return matrixActors[i]
	}
	agency, expert, city := named("agency"), named("expert"), named("city_officer")
	cellOf := func(name string, a actor, rel relation) *cell {
		o := ops[name]
		return &cell{o: o, a: a, rel: rel, t: target{"uscc": "X", "id": "X"}, expected: o.expect(a, rel)}
	}
	notFound := map[string]any{"type": "/problems/not_found", "code": "not_found", "title": "未找到", "detail": "没有找到该记录"}
	for _, tc := range []struct {
		what string
		c    *cell
		got  *answer
		leak bool
	}{
		{"another agency's filing read", cellOf("filing.read", agency, relOther), &answer{status: 200}, true},
		{"another agency's filing refused with 403", cellOf("filing.read", agency, relOther), &answer{status: 403}, true},
		{"an expert reviewing a filing", cellOf("filing.review", expert, relOwn), &answer{status: 200}, true},
		{"another party's record in a list", cellOf("filing.list", city, relOther), &answer{status: 200, items: []map[string]any{{"uscc": "X"}}}, true},
		{"an expert's list holding a submitted application", cellOf("cluster.list", expert, relOwn), &answer{status: 200, items: []map[string]any{{"id": "X"}}}, true},
		{"the owner refused its own filing", cellOf("filing.read", agency, relOwn), &answer{status: 404, problem: notFound}, false},
		{"an officer's list without its own record", cellOf("filing.list", city, relOwn), &answer{status: 200}, false},
	} {
		bad, leak := judge(tc.c, tc.got)
		if bad == "" || leak != tc.leak {
			t.Errorf("%s: judged %q, leak %v; want a failure, leak %v", tc.what, bad, leak, tc.leak)
		}
	}
	if got := judgeOK(judge(cellOf("filing.read", agency, relOther), &answer{status: 404, problem: notFound})); !got {
		t.Error("a 404 on another party's filing was judged wrong")
	}
	other := &answer{status: 404, problem: notFound}
	absent := &answer{status: 404, problem: maps.Clone(notFound)}
	if d := other.differs(absent); d != "" {
		t.Errorf("identical answers differ: %s", d)
	}
	absent.problem["detail"] = "该机构未备案"
	if other.differs(absent) == "" {
		t.Error("answers with different details were not told apart")
	}
}

func judgeOK(bad string, _ bool) bool { return bad == "" }
