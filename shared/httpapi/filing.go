package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/filing"
	"github.com/jsipa/ips/shared/validate"
)

// Filing is the agency filing function (API.md "Agency filing") with the public register.
func Filing(d Deps) *Function {
	d = d.recorded()
	h := filingHandlers{svc: filing.New(d.Store, d.Authz, d.Clock)}
	routes := append([]Route{
		{http.MethodPost, "/v1/agencies", SignedIn, h.file},
		{http.MethodGet, "/v1/agencies", SignedIn, h.queue},
		{http.MethodGet, "/v1/agencies/{uscc}", SignedIn, h.get},
		{http.MethodPut, "/v1/agencies/{uscc}", SignedIn, h.amend},
		{http.MethodPost, "/v1/agencies/{uscc}/review", SignedIn, h.review},
		{http.MethodPost, "/v1/agencies/{uscc}/deregistration", SignedIn, h.deregister},
		{http.MethodPost, "/v1/agencies/{uscc}/ratings", SignedIn, h.rate},
		{http.MethodGet, "/v1/public/agencies", Public, h.register},
		{http.MethodGet, "/v1/public/agencies/{uscc}", Public, h.publicAgency},
	}, violationRoutes(d)...)
	routes = append(routes, changeRoutes(d)...)
	routes = append(routes, openAPIRoutes()...)
	// Sign-in through the OIDC provider lives here, beside the public register: both serve
	// people who are not signed in.
	f := NewFunction("filing", d, append(routes, loginRoutes(d)...))
	f.noReplay = map[string]bool{http.MethodPost + " /v1/auth/token": true}
	return f
}

type filingHandlers struct{ svc *filing.Service }

func agencyResponse(status int, a *domain.Agency) Response {
	return Response{Status: status, Body: a, Version: a.Version, Location: "/v1/agencies/" + a.USCC}
}

func (h filingHandlers) file(ctx context.Context, r *Request) (Response, error) {
	var f domain.AgencyFiling
	if err := r.Decode(&f); err != nil {
		return Response{}, err
	}
	a, err := h.svc.File(ctx, r.Principal, f)
	if err != nil {
		return Response{}, err
	}
	return agencyResponse(http.StatusCreated, a), nil
}

func (h filingHandlers) get(ctx context.Context, r *Request) (Response, error) {
	a, err := h.svc.Get(ctx, r.Principal, r.PathValue("uscc"))
	if err != nil {
		return Response{}, err
	}
	return agencyResponse(http.StatusOK, a), nil
}

func (h filingHandlers) amend(ctx context.Context, r *Request) (Response, error) {
	ifMatch, err := r.IfMatch()
	if err != nil {
		return Response{}, err
	}
	var f domain.AgencyFiling
	if err := r.Decode(&f); err != nil {
		return Response{}, err
	}
	a, err := h.svc.Amend(ctx, r.Principal, r.PathValue("uscc"), f, ifMatch)
	if err != nil {
		return Response{}, err
	}
	return agencyResponse(http.StatusOK, a), nil
}

func (h filingHandlers) review(ctx context.Context, r *Request) (Response, error) {
	var in filing.ReviewInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	a, err := h.svc.Review(ctx, r.Principal, r.PathValue("uscc"), in)
	if err != nil {
		return Response{}, err
	}
	return agencyResponse(http.StatusOK, a), nil
}

func (h filingHandlers) deregister(ctx context.Context, r *Request) (Response, error) {
	var in filing.DeregisterInput
	if len(r.Payload) > 0 { // the owner may deregister without saying why
		if err := r.Decode(&in); err != nil {
			return Response{}, err
		}
	}
	a, err := h.svc.Deregister(ctx, r.Principal, r.PathValue("uscc"), in)
	if err != nil {
		return Response{}, err
	}
	return agencyResponse(http.StatusOK, a), nil
}

func (h filingHandlers) queue(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	status := r.URL.Query().Get("status")
	if status == "" {
		status = string(domain.AgencySubmitted)
	}
	if !slices.Contains(filing.QueueStatuses, status) {
		return Response{}, badQuery("status", "oneof", "须为以下之一："+strings.Join(filing.QueueStatuses, "、"),
			"must be one of: "+strings.Join(filing.QueueStatuses, ", "))
	}
	items, next, err := h.svc.Queue(ctx, r.Principal, status, cursor, limit)
	if err != nil {
		return Response{}, err
	}
	if items == nil {
		items = []*domain.Agency{}
	}
	return Response{Body: List[*domain.Agency]{Items: items, NextCursor: next}}, nil
}

func badQuery(param, code, zh, en string) error {
	return domain.Invalid(domain.FieldError{Field: param, Code: code, Message: domain.Text{ZH: zh, EN: en}})
}

func (h filingHandlers) register(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	q := r.URL.Query()
	rq := filing.RegisterQuery{Q: strings.TrimSpace(q.Get("q")), District: q.Get("district"), ServiceType: q.Get("service_type"),
		Status: q.Get("status"), Cursor: cursor, Limit: limit}
	var bad []domain.FieldError
	if utf8.RuneCountInString(rq.Q) > 100 || !utf8.ValidString(rq.Q) {
		bad = append(bad, domain.FieldError{Field: "q", Code: "max", Message: domain.Text{ZH: "最多 100 个字符", EN: "at most 100 characters"}})
	}
	if rq.District != "" && !validate.JiangsuCounty(rq.District) {
		bad = append(bad, domain.FieldError{Field: "district", Code: "js_county", Message: domain.Text{
			ZH: "须为江苏省县级行政区划代码", EN: "must be a Jiangsu county-level division code"}})
	}
	if rq.ServiceType != "" && !slices.Contains(domain.ServiceTypes, rq.ServiceType) {
		bad = append(bad, domain.FieldError{Field: "service_type", Code: "oneof", Message: domain.Text{
			ZH: "须为以下之一：" + strings.Join(domain.ServiceTypes, "、"), EN: "must be one of: " + strings.Join(domain.ServiceTypes, ", ")}})
	}
	if rq.Status != "" && rq.Status != string(domain.AgencyAccepted) && rq.Status != string(domain.AgencyDeregistered) {
		bad = append(bad, domain.FieldError{Field: "status", Code: "oneof", Message: domain.Text{
			ZH: "须为 accepted 或 deregistered", EN: "must be accepted or deregistered"}})
	}
	if len(bad) > 0 {
		return Response{}, domain.Invalid(bad...)
	}
	items, next, err := h.svc.Register(ctx, rq)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: List[domain.PublicAgency]{Items: items, NextCursor: next}}, nil
}

func (h filingHandlers) publicAgency(ctx context.Context, r *Request) (Response, error) {
	a, err := h.svc.PublicAgency(ctx, r.PathValue("uscc"))
	if err != nil {
		return Response{}, err
	}
	return Response{Body: a}, nil
}

// rate records an entity's rating of an agency that served it: 201 for the first rating of the
// year, 200 when it replaces that year's rating (README "Extensions to API.md").
func (h filingHandlers) rate(ctx context.Context, r *Request) (Response, error) {
	var in domain.RatingInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	rating, created, err := h.svc.Rate(ctx, r.Principal, r.PathValue("uscc"), in)
	if err != nil {
		return Response{}, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return Response{Status: status, Body: rating}, nil
}
