package httpapi

import (
	"context"
	"net/http"
	"regexp"
	"strconv"

	"github.com/jsipa/ips/shared/clusters"
	"github.com/jsipa/ips/shared/domain"
)

// ClusterApplication is the cluster-zone application function (API.md "Cluster-zone
// application"; DOMAIN.md §5), with the designated zone's lifecycle (ZoneRoutes) beside it.
// Document uploads take a raw application/pdf body of up to domain.MaxDocumentBytes, streamed
// into the document store; every other route takes JSON.
func ClusterApplication(d Deps) *Function {
	d = d.recorded()
	h := clusterHandlers{svc: clusters.New(d.Store, d.Authz, d.Policy, d.Clock, d.Documents)}
	const document = "/v1/cluster-applications/{id}/documents/{kind}"
	return NewFunction("cluster-application", d, append([]Route{
		{http.MethodPost, "/v1/cluster-applications", SignedIn, h.create},
		{http.MethodGet, "/v1/cluster-applications", SignedIn, h.list},
		{http.MethodGet, "/v1/cluster-applications/{id}", SignedIn, h.get},
		{http.MethodPut, "/v1/cluster-applications/{id}", SignedIn, h.edit},
		{http.MethodPut, document, SignedIn, h.upload},
		{http.MethodGet, document, SignedIn, h.download},
		{http.MethodPost, "/v1/cluster-applications/{id}/submission", SignedIn, h.submit},
		{http.MethodPost, "/v1/cluster-applications/{id}/recommendation", SignedIn, h.recommend},
		{http.MethodPost, "/v1/cluster-applications/{id}/reviews", SignedIn, h.review},
	}, ZoneRoutes(d)...)).WithRawBodies(RawBody{Method: http.MethodPut, Path: document, MediaType: clusters.PDF, Max: domain.MaxDocumentBytes})
}

type clusterHandlers struct{ svc *clusters.Service }

// applicationID admits the ids the service makes (CA2027-320281-0A1B2C3D4E5F) and nothing that
// could leave the document keys' alphabet.
var applicationID = regexp.MustCompile(`^[A-Za-z0-9-]{1,100}$`)

func pathID(r *Request) (string, error) {
	id := r.PathValue("id")
	if !applicationID.MatchString(id) {
		return "", domain.ErrNotFound
	}
	return id, nil
}

func applicationResponse(status int, a *domain.ClusterApplication) Response {
	return Response{Status: status, Body: a, Version: a.Version, Location: "/v1/cluster-applications/" + a.ID}
}

func (h clusterHandlers) create(ctx context.Context, r *Request) (Response, error) {
	var body domain.ClusterApplicationBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	a, err := h.svc.Create(ctx, r.Principal, body)
	if err != nil {
		return Response{}, err
	}
	return applicationResponse(http.StatusCreated, a), nil
}

func (h clusterHandlers) get(ctx context.Context, r *Request) (Response, error) {
	id, err := pathID(r)
	if err != nil {
		return Response{}, err
	}
	a, err := h.svc.Get(ctx, r.Principal, id)
	if err != nil {
		return Response{}, err
	}
	return applicationResponse(http.StatusOK, a), nil
}

func (h clusterHandlers) edit(ctx context.Context, r *Request) (Response, error) {
	id, err := pathID(r)
	if err != nil {
		return Response{}, err
	}
	ifMatch, err := r.IfMatch()
	if err != nil {
		return Response{}, err
	}
	var body domain.ClusterApplicationBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	a, err := h.svc.Edit(ctx, r.Principal, id, ifMatch, body)
	if err != nil {
		return Response{}, err
	}
	return applicationResponse(http.StatusOK, a), nil
}

// documentAnswer is what an upload answers (API.md: sha256, size).
type documentAnswer struct {
	Kind       string `json:"kind"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	UploadedAt string `json:"uploaded_at"`
}

func (h clusterHandlers) upload(ctx context.Context, r *Request) (Response, error) {
	id, err := pathID(r)
	if err != nil {
		return Response{}, err
	}
	size := r.ContentLength // -1 when the client did not say
	a, doc, err := h.svc.Upload(ctx, r.Principal, id, r.PathValue("kind"), r.Body, size)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusOK, Version: a.Version,
		Location: "/v1/cluster-applications/" + id + "/documents/" + r.PathValue("kind"),
		Body: documentAnswer{Kind: r.PathValue("kind"), SHA256: doc.SHA256, Size: doc.Size,
			UploadedAt: doc.UploadedAt.In(domain.Shanghai).Format("2006-01-02T15:04:05.999999999Z07:00")}}, nil
}

func (h clusterHandlers) download(ctx context.Context, r *Request) (Response, error) {
	id, err := pathID(r)
	if err != nil {
		return Response{}, err
	}
	kind := r.PathValue("kind")
	body, _, err := h.svc.Download(ctx, r.Principal, id, kind)
	if err != nil {
		return Response{}, err
	}
	return Response{Raw: body, ContentType: clusters.PDF, Filename: id + "-" + kind + ".pdf"}, nil
}

func (h clusterHandlers) submit(ctx context.Context, r *Request) (Response, error) {
	id, err := pathID(r)
	if err != nil {
		return Response{}, err
	}
	ifMatch, err := r.IfMatch()
	if err != nil {
		return Response{}, err
	}
	if len(r.Payload) > 0 {
		var none struct{}
		if err := r.Decode(&none); err != nil {
			return Response{}, err
		}
	}
	a, err := h.svc.Submit(ctx, r.Principal, id, ifMatch)
	if err != nil {
		return Response{}, err
	}
	return applicationResponse(http.StatusOK, a), nil
}

func (h clusterHandlers) recommend(ctx context.Context, r *Request) (Response, error) {
	id, err := pathID(r)
	if err != nil {
		return Response{}, err
	}
	var in clusters.RecommendInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	a, err := h.svc.Recommend(ctx, r.Principal, id, in)
	if err != nil {
		return Response{}, err
	}
	return applicationResponse(http.StatusOK, a), nil
}

func (h clusterHandlers) review(ctx context.Context, r *Request) (Response, error) {
	id, err := pathID(r)
	if err != nil {
		return Response{}, err
	}
	var in clusters.ReviewInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	a, err := h.svc.Review(ctx, r.Principal, id, in)
	if err != nil {
		return Response{}, err
	}
	return applicationResponse(http.StatusOK, a), nil
}

var clusterStatuses = []domain.ClusterStatus{domain.ClusterDraft, domain.ClusterSubmitted, domain.ClusterRecommended,
	domain.ClusterReturned, domain.ClusterUnderReview, domain.ClusterMissedRound, domain.ClusterDesignated, domain.ClusterNotSelected}

func (h clusterHandlers) list(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	in := clusters.ListInput{Limit: limit, Cursor: cursor}
	q := r.URL.Query()
	if s := q.Get("status"); s != "" {
		in.Status = domain.ClusterStatus(s)
		known := false
		for _, st := range clusterStatuses {
			known = known || st == in.Status
		}
		if !known {
			return Response{}, badQuery("status", "oneof", "申报状态无效", "is not an application status")
		}
	}
	if s := q.Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2100 {
			return Response{}, badQuery("year", "range", "年度须为 2000 到 2100 之间的整数", "must be a year from 2000 to 2100")
		}
		in.Year = y
	}
	items, next, err := h.svc.List(ctx, r.Principal, in)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: List[*domain.ClusterApplication]{Items: items, NextCursor: next}}, nil
}
