package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/jsipa/ips/shared/claims"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/eligibility"
	"github.com/jsipa/ips/shared/validate"
)

// SubsidyClaim is the subsidy-claim function (API.md "Subsidy claim"): evaluations, claims and
// their review, credit records, the public notices, and the eligibility query.
func SubsidyClaim(d Deps) *Function {
	h := eligibilityHandlers{svc: eligibility.New(d.Store, d.Authz, d.Policy, d.Clock), clock: d.Clock}
	c := claimHandlers{svc: claims.New(d.Store, d.Authz, d.Policy, d.Clock)}
	return NewFunction("subsidy-claim", d, []Route{
		{http.MethodGet, "/v1/eligibility", SignedIn, h.check},
		{http.MethodPost, "/v1/subsidy-evaluations", SignedIn, c.evaluate},
		{http.MethodPost, "/v1/subsidy-claims", SignedIn, c.submit},
		{http.MethodGet, "/v1/subsidy-claims", SignedIn, c.queue},
		{http.MethodGet, "/v1/subsidy-claims/{id}", SignedIn, c.get},
		{http.MethodPut, "/v1/subsidy-claims/{id}", SignedIn, c.resubmit},
		{http.MethodPost, "/v1/subsidy-claims/{id}/reviews", SignedIn, c.review},
		{http.MethodPost, "/v1/subsidy-claims/{id}/recovery", SignedIn, c.recover},
		{http.MethodPut, "/v1/credit-records/{id}", SignedIn, c.putCredit},
		{http.MethodGet, "/v1/public/notices", Public, c.notices},
	})
}

type eligibilityHandlers struct {
	svc   *eligibility.Service
	clock domain.Clock
}

// check serves GET /v1/eligibility?entity=ID&year=Y&agency=USCC&agency=USCC2. Every bad
// parameter is named at once: entity, year, agency (too many) and agency/<i> (0-based).
func (h eligibilityHandlers) check(ctx context.Context, r *Request) (Response, error) {
	q := r.URL.Query()
	var bad []domain.FieldError
	entity := q.Get("entity")
	if !validate.USCC(entity) && !validate.ResidentID(entity) {
		bad = append(bad, domain.FieldError{Field: "entity", Code: "entity_id", Message: domain.Text{
			ZH: "须为统一社会信用代码或居民身份证号码", EN: "must be a unified social credit code or a resident ID number"}})
	}
	maxYear := h.clock.Now().Year() + 1
	year, err := strconv.Atoi(q.Get("year"))
	if err != nil || year < 2000 || year > maxYear {
		bad = append(bad, domain.FieldError{Field: "year", Code: "range", Message: domain.Text{
			ZH: fmt.Sprintf("须为 2000 到 %d 之间的年份", maxYear), EN: fmt.Sprintf("must be a year from 2000 to %d", maxYear)}})
	}
	agencies := q["agency"]
	if len(agencies) > eligibility.MaxAgencies {
		bad = append(bad, domain.FieldError{Field: "agency", Code: "max", Message: domain.Text{
			ZH: fmt.Sprintf("最多 %d 个机构", eligibility.MaxAgencies), EN: fmt.Sprintf("at most %d agencies", eligibility.MaxAgencies)}})
	}
	for i, a := range agencies {
		if !validate.USCC(a) {
			bad = append(bad, domain.FieldError{Field: fmt.Sprintf("agency/%d", i), Code: "uscc", Message: domain.Text{
				ZH: "须为统一社会信用代码", EN: "must be a unified social credit code"}})
		}
	}
	if len(bad) > 0 {
		return Response{}, domain.Invalid(bad...)
	}
	res, err := h.svc.Check(ctx, r.Principal, eligibility.Query{Entity: entity, Year: year, Agencies: agencies})
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusOK, Body: res}, nil
}
