package httpapi

import (
	"context"
	"net/http"
	"regexp"
	"slices"

	"github.com/jsipa/ips/shared/claims"
	"github.com/jsipa/ips/shared/domain"
)

type claimHandlers struct{ svc *claims.Service }

func claimResponse(status int, c *domain.Claim) Response {
	return Response{Status: status, Body: c, Version: c.Version, Location: "/v1/subsidy-claims/" + c.ID}
}

func (h claimHandlers) evaluate(ctx context.Context, r *Request) (Response, error) {
	var body domain.ClaimBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	d, err := h.svc.Evaluate(ctx, r.Principal, body)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusOK, Body: d}, nil
}

func (h claimHandlers) submit(ctx context.Context, r *Request) (Response, error) {
	var body domain.ClaimBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	c, err := h.svc.Submit(ctx, r.Principal, body, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return Response{}, err
	}
	return claimResponse(http.StatusCreated, c), nil
}

func (h claimHandlers) get(ctx context.Context, r *Request) (Response, error) {
	c, err := h.svc.Get(ctx, r.Principal, r.PathValue("id"))
	if err != nil {
		return Response{}, err
	}
	return claimResponse(http.StatusOK, c), nil
}

func (h claimHandlers) resubmit(ctx context.Context, r *Request) (Response, error) {
	ifMatch, err := r.IfMatch()
	if err != nil {
		return Response{}, err
	}
	var body domain.ClaimBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	c, err := h.svc.Resubmit(ctx, r.Principal, r.PathValue("id"), body, ifMatch)
	if err != nil {
		return Response{}, err
	}
	return claimResponse(http.StatusOK, c), nil
}

func (h claimHandlers) review(ctx context.Context, r *Request) (Response, error) {
	var in claims.ReviewInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	c, err := h.svc.Review(ctx, r.Principal, r.PathValue("id"), in)
	if err != nil {
		return Response{}, err
	}
	return claimResponse(http.StatusOK, c), nil
}

func (h claimHandlers) recover(ctx context.Context, r *Request) (Response, error) {
	var in claims.RecoveryInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	c, err := h.svc.Recover(ctx, r.Principal, r.PathValue("id"), in)
	if err != nil {
		return Response{}, err
	}
	return claimResponse(http.StatusOK, c), nil
}

// creditID is what a source may name its records: letters, digits and - _ . :
var creditID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

func (h claimHandlers) putCredit(ctx context.Context, r *Request) (Response, error) {
	id := r.PathValue("id")
	if !creditID.MatchString(id) {
		return Response{}, badQuery("id", "pattern", "记录编号须为 1–100 位字母、数字或 - _ . :", "must be 1–100 letters, digits or - _ . :")
	}
	var body domain.CreditRecordBody
	if err := r.Decode(&body); err != nil {
		return Response{}, err
	}
	rec, created, err := h.svc.PutCredit(ctx, r.Principal, id, body)
	if err != nil {
		return Response{}, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return Response{Status: status, Body: rec, Version: rec.Version, Location: "/v1/credit-records/" + id}, nil
}

func (h claimHandlers) notices(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	items, next, err := h.svc.Notices(ctx, cursor, limit)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: List[claims.PublicNotice]{Items: items, NextCursor: next}}, nil
}

// claimStatuses are the statuses GET /v1/subsidy-claims?status= lists.
var claimStatuses = []domain.ClaimStatus{domain.ClaimSubmitted, domain.ClaimCityReview, domain.ClaimPublicNotice,
	domain.ClaimAllocation, domain.ClaimAllocated, domain.ClaimReturned, domain.ClaimRejected, domain.ClaimRecovered}

// queue serves GET /v1/subsidy-claims?status= (default submitted): a review stage's queue, the
// claims of a status the caller may read, by district then oldest submission.
func (h claimHandlers) queue(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	status := domain.ClaimStatus(r.URL.Query().Get("status"))
	if status == "" {
		status = domain.ClaimSubmitted
	}
	if !slices.Contains(claimStatuses, status) {
		return Response{}, badQuery("status", "oneof", "申请状态无效", "is not a claim status")
	}
	items, next, err := h.svc.Queue(ctx, r.Principal, status, cursor, limit)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: List[*domain.Claim]{Items: items, NextCursor: next}}, nil
}
