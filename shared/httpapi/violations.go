package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/jsipa/ips/shared/violations"
)

// violationHandlers serve an agency's violations and sanctions, on the filing function (API.md
// "Agency filing"); the waiver route is an extension of API.md (README).
type violationHandlers struct{ svc *violations.Service }

func violationRoutes(d Deps) []Route {
	h := violationHandlers{svc: violations.New(d.Store, d.Authz, d.Policy, d.Clock)}
	return []Route{
		{http.MethodPost, "/v1/agencies/{uscc}/violations", SignedIn, h.record},
		{http.MethodGet, "/v1/agencies/{uscc}/sanctions", SignedIn, h.list},
		{http.MethodPost, "/v1/agencies/{uscc}/sanctions/{id}/waiver", SignedIn, h.waive},
	}
}

func (h violationHandlers) record(ctx context.Context, r *Request) (Response, error) {
	in := h.svc.NewRecordInput()
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	uscc := r.PathValue("uscc")
	rec, err := h.svc.Record(ctx, r.Principal, uscc, in, requestRef(r, uscc))
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusCreated, Body: rec, Location: "/v1/agencies/" + uscc + "/sanctions"}, nil
}

// requestRef names a request with an Idempotency-Key by its caller, agency, key and body, so
// that a retry after a crash finds the violation the first attempt stored; "" without a key.
func requestRef(r *Request, uscc string) string {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return ""
	}
	p := r.Principal
	sum := sha256.Sum256([]byte(strings.Join([]string{string(p.Role), p.Subject, p.Division, uscc, key, string(r.Payload)}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

func (h violationHandlers) list(ctx context.Context, r *Request) (Response, error) {
	limit, cursor, err := r.Page()
	if err != nil {
		return Response{}, err
	}
	items, next, err := h.svc.List(ctx, r.Principal, r.PathValue("uscc"), cursor, limit)
	if err != nil {
		return Response{}, err
	}
	return Response{Body: List[violations.SanctionView]{Items: items, NextCursor: next}}, nil
}

func (h violationHandlers) waive(ctx context.Context, r *Request) (Response, error) {
	var in violations.WaiveInput
	if err := r.Decode(&in); err != nil {
		return Response{}, err
	}
	view, err := h.svc.Waive(ctx, r.Principal, r.PathValue("uscc"), r.PathValue("id"), in)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusCreated, Body: view}, nil
}
