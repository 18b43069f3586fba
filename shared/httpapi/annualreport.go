package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/reporting"
)

// AnnualReport is the annual report function (API.md "Annual report").
func AnnualReport(d Deps) *Function {
	d = d.recorded()
	h := reportHandlers{svc: reporting.New(d.Store, d.Authz, d.Policy, d.Clock)}
	const report = "/v1/agencies/{uscc}/annual-reports/{year}"
	return NewFunction("annual-report", d, []Route{
		{http.MethodPut, report, SignedIn, h.submit},
		{http.MethodGet, report, SignedIn, h.get},
		{http.MethodPost, report + "/review", SignedIn, h.review},
		{http.MethodGet, "/v1/annual-reports", SignedIn, h.queue},
	})
}

type reportHandlers struct{ svc *reporting.Service }

func reportResponse(status int, r *domain.AnnualReport) Response {
	return Response{Status: status, Body: r, Version: r.Version,
		Location: fmt.Sprintf("/v1/agencies/%s/annual-reports/%04d", r.USCC, r.Year)}
}

// reportYear reads the {year} of the path: four digits, named /year when it is not.
func reportYear(r *Request) (int, error) {
	s := r.PathValue("year")
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || s[0] < '0' || s[0] > '9' {
		return 0, domain.Invalid(domain.FieldError{Field: "/year", Code: "year", Message: domain.Text{
			ZH: "年度须为 4 位数字，如 2027", EN: "must be a year of four digits, such as 2027"}})
	}
	return y, nil
}

func (h reportHandlers) submit(ctx context.Context, r *Request) (Response, error) {
	year, err := reportYear(r)
	if err != nil {
		return Response{}, err
	}
	ifMatch, err := r.IfMatch()
	if err != nil {
		return Response{}, err
	}
	var body domain.ReportBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	rep, created, err := h.svc.Submit(ctx, r.Principal, r.PathValue("uscc"), year, body, ifMatch)
	if err != nil {
		return Response{}, err
	}
	if created {
		return reportResponse(http.StatusCreated, rep), nil
	}
	return reportResponse(http.StatusOK, rep), nil
}

func (h reportHandlers) get(ctx context.Context, r *Request) (Response, error) {
	year, err := reportYear(r)
	if err != nil {
		return Response{}, err
	}
	rep, err := h.svc.Get(ctx, r.Principal, r.PathValue("uscc"), year)
	if err != nil {
		return Response{}, err
	}
	return reportResponse(http.StatusOK, rep), nil
}

func (h reportHandlers) review(ctx context.Context, r *Request) (Response, error) {
	year, err := reportYear(r)
	if err != nil {
		return Response{}, err
	}
	var in reporting.ReviewInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	rep, err := h.svc.Review(ctx, r.Principal, r.PathValue("uscc"), year, in)
	if err != nil {
		return Response{}, err
	}
	return reportResponse(http.StatusOK, rep), nil
}

// reportStatuses are the statuses GET /v1/annual-reports?status= lists.
var reportStatuses = []domain.ReportStatus{domain.ReportSubmitted, domain.ReportReturned, domain.ReportAccepted}

// queue serves GET /v1/annual-reports?status= (default submitted): the reports of a status the
// caller may read, oldest submission first (the officers' review queue).
func (h reportHandlers) queue(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	status := domain.ReportStatus(r.URL.Query().Get("status"))
	if status == "" {
		status = domain.ReportSubmitted
	}
	if !slices.Contains(reportStatuses, status) {
		return Response{}, badQuery("status", "oneof", "须为 submitted、returned 或 accepted", "must be submitted, returned or accepted")
	}
	items, next, err := h.svc.Queue(ctx, r.Principal, status, cursor, limit)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: List[*domain.AnnualReport]{Items: items, NextCursor: next}}, nil
}
