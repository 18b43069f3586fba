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
	d = d.recorded()
	h := eligibilityHandlers{svc: eligibility.New(d.Store, d.Authz, d.Policy, d.Clock), clock: d.Clock}
	c := claimHandlers{svc: claims.New(d.Store, d.Authz, d.Policy, d.Clock)}
	return NewFunction("subsidy-claim", d, []Route{
		{http.MethodGet, "/v1/eligibility", SignedIn, h.check},
		{http.MethodPost, "/v1/eligibility/batch", SignedIn, h.batch},
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

// MaxBatchQueries is how many queries one batch may hold.
const MaxBatchQueries = 500

// batchQuery is one query of a batch, as the single query's parameters.
type batchQuery struct {
	Entity   string   `json:"entity" validate:"required,uscc_or_id"`
	Year     int      `json:"year" validate:"required,min=2000,max=2200"`
	Agencies []string `json:"agencies" validate:"max=50,dive,uscc"`
}

type batchBody struct {
	Queries []batchQuery `json:"queries" validate:"required,min=1,max=500,dive"`
}

// batchAnswer is one query's answer: what GET /v1/eligibility would have answered, its status
// with either the result or the problem.
type batchAnswer struct {
	Status int                 `json:"status"`
	Result *eligibility.Result `json:"result,omitempty"`
	Error  *Problem            `json:"error,omitempty"`
}

// BatchAnswers is a batch's answer: one per query, in order.
type BatchAnswers struct {
	Results []batchAnswer `json:"results"`
}

// batch serves POST /v1/eligibility/batch: up to 500 queries in one call, each answered (and
// authorised) exactly as the single query would be, in order. A malformed batch is refused
// whole, naming every bad field; a query the caller may not ask is answered 403 in its place.
func (h eligibilityHandlers) batch(ctx context.Context, r *Request) (Response, error) {
	var body batchBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	maxYear := h.clock.Now().Year() + 1
	var bad []domain.FieldError
	for i, q := range body.Queries {
		if q.Year > maxYear {
			bad = append(bad, domain.FieldError{Field: fmt.Sprintf("/queries/%d/year", i), Code: "range", Message: domain.Text{
				ZH: fmt.Sprintf("须为 2000 到 %d 之间的年份", maxYear), EN: fmt.Sprintf("must be a year from 2000 to %d", maxYear)}})
		}
	}
	if len(bad) > 0 {
		return Response{}, domain.Invalid(bad...)
	}
	answers := make([]batchAnswer, len(body.Queries))
	for i, q := range body.Queries {
		res, err := h.svc.Check(ctx, r.Principal, eligibility.Query{Entity: q.Entity, Year: q.Year, Agencies: q.Agencies})
		if err != nil {
			if domain.CodeOf(err) == domain.CodeInternal {
				return Response{}, err // the platform failed, not the query: the whole call is retried
			}
			p := problemOf(err, r.Lang, r.ID)
			answers[i] = batchAnswer{Status: p.Status, Error: &p}
			continue
		}
		answers[i] = batchAnswer{Status: http.StatusOK, Result: res}
	}
	return Response{Status: http.StatusOK, Body: BatchAnswers{Results: answers}}, nil
}
