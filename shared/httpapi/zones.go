package httpapi

import (
	"context"
	"net/http"
	"regexp"
	"strconv"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/zones"
)

// ZoneRoutes are the designated zone's lifecycle (API.md "Cluster-zone application": GET
// /v1/clusters/{id} and the plan, summary and assessment endpoints; DOMAIN.md §5). The
// cluster-application function serves them beside the application's own routes.
func ZoneRoutes(d Deps) []Route {
	h := zoneHandlers{svc: zones.New(d.Store, d.Authz, d.Policy, d.Clock)}
	return []Route{
		{http.MethodGet, "/v1/clusters/{id}", SignedIn, h.get},
		{http.MethodPut, "/v1/clusters/{id}/plan", SignedIn, h.plan},
		{http.MethodPost, "/v1/clusters/{id}/plan-changes", SignedIn, h.proposeChange},
		{http.MethodPost, "/v1/clusters/{id}/plan-changes/{n}/review", SignedIn, h.reviewChange},
		{http.MethodPut, "/v1/clusters/{id}/annual/{year}", SignedIn, h.annual},
		{http.MethodPost, "/v1/clusters/{id}/assessments", SignedIn, h.assess},
	}
}

type zoneHandlers struct{ svc *zones.Service }

var zoneIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:#-]{1,100}$`)

func zoneID(r *Request) (string, error) {
	id := r.PathValue("id")
	if !zoneIDPattern.MatchString(id) {
		return "", domain.ErrNotFound
	}
	return id, nil
}

func (h zoneHandlers) get(ctx context.Context, r *Request) (Response, error) {
	id, err := zoneID(r)
	if err != nil {
		return Response{}, err
	}
	c, err := h.svc.Get(ctx, r.Principal, id)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: c, Version: c.Version}, nil
}

// plan files the implementation plan: 201 when filed, 200 when the same plan was already filed.
func (h zoneHandlers) plan(ctx context.Context, r *Request) (Response, error) {
	id, err := zoneID(r)
	if err != nil {
		return Response{}, err
	}
	ifMatch, err := r.IfMatch()
	if err != nil {
		return Response{}, err
	}
	var b domain.ZonePlanBody
	if err := r.Decode(&b); err != nil {
		return Response{}, err
	}
	c, created, err := h.svc.FilePlan(ctx, r.Principal, id, ifMatch, b)
	if err != nil {
		return Response{}, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return Response{Status: status, Body: c, Version: c.Version}, nil
}

// changeAnswer is a plan change with the zone it belongs to.
type changeAnswer struct {
	Change *domain.PlanChange `json:"change"`
	Zone   *domain.Cluster    `json:"zone"`
}

func (h zoneHandlers) proposeChange(ctx context.Context, r *Request) (Response, error) {
	id, err := zoneID(r)
	if err != nil {
		return Response{}, err
	}
	var b domain.PlanChangeBody
	if err := r.Decode(&b); err != nil {
		return Response{}, err
	}
	c, pc, err := h.svc.ProposeChange(ctx, r.Principal, id, b)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusCreated, Body: changeAnswer{pc, c}, Version: c.Version,
		Location: "/v1/clusters/" + c.ID + "/plan-changes/" + strconv.Itoa(pc.N)}, nil
}

func (h zoneHandlers) reviewChange(ctx context.Context, r *Request) (Response, error) {
	id, err := zoneID(r)
	if err != nil {
		return Response{}, err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 10000 {
		return Response{}, domain.ErrNotFound
	}
	var b domain.PlanReviewBody
	if err := r.Decode(&b); err != nil {
		return Response{}, err
	}
	c, pc, err := h.svc.ReviewChange(ctx, r.Principal, id, n, b)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: changeAnswer{pc, c}, Version: c.Version}, nil
}

// annual stores a year's summary and plan: 201 for the first submission, 200 for a replacement.
func (h zoneHandlers) annual(ctx context.Context, r *Request) (Response, error) {
	id, err := zoneID(r)
	if err != nil {
		return Response{}, err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 2000 || year > 2200 {
		return Response{}, badQuery("year", "range", "须为 2000 到 2200 之间的年份", "must be a year from 2000 to 2200")
	}
	var b domain.ZoneAnnualBody
	if err := r.Decode(&b); err != nil {
		return Response{}, err
	}
	c, created, err := h.svc.SubmitAnnual(ctx, r.Principal, id, year, b)
	if err != nil {
		return Response{}, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return Response{Status: status, Body: c, Version: c.Version}, nil
}

// assessmentAnswer is an assessment with the zone it changed.
type assessmentAnswer struct {
	Assessment *domain.ZoneAssessment `json:"assessment"`
	Zone       *domain.Cluster        `json:"zone"`
}

func (h zoneHandlers) assess(ctx context.Context, r *Request) (Response, error) {
	id, err := zoneID(r)
	if err != nil {
		return Response{}, err
	}
	var b domain.AssessmentBody
	if err := r.Decode(&b); err != nil {
		return Response{}, err
	}
	c, a, err := h.svc.Assess(ctx, r.Principal, id, b)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusCreated, Body: assessmentAnswer{a, c}, Version: c.Version}, nil
}
