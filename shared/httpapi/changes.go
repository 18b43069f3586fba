package httpapi

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jsipa/ips/shared/changes"
	"github.com/jsipa/ips/shared/domain"
)

// recorded makes every write of the function go through the change feed's recorder, so no
// function, however its dependencies were put together, changes a status without the feed
// hearing of it.
func (d Deps) recorded() Deps {
	if d.Store != nil {
		log := d.Log
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		d.Store = changes.Record(d.Store, d.Clock, log)
	}
	return d
}

// changeRoutes serves the change feed (GET /v1/changes?after=CURSOR&limit=N). The feed spans
// every function's records but reads only its own entries, so any function could serve it; it
// lives beside the register, which is what most of its followers mirror.
func changeRoutes(d Deps) []Route {
	h := changeHandlers{feed: changes.NewFeed(d.Store), authz: d.Authz, clock: d.Clock}
	return []Route{{"GET", "/v1/changes", SignedIn, h.list}}
}

type changeHandlers struct {
	feed  *changes.Feed
	authz domain.Authorizer
	clock domain.Clock
}

func (h changeHandlers) list(ctx context.Context, r *Request) (Response, error) {
	q := r.URL.Query()
	var bad []domain.FieldError
	after, ok := changes.ParseCursor(q.Get("after"))
	if !ok {
		bad = append(bad, domain.FieldError{Field: "after", Code: "cursor", Message: domain.Text{
			ZH: "须为变更流给出的游标（从头读取为 0）", EN: "must be a cursor the feed gave out (0 reads from the start)"}})
	}
	limit, badLimit := r.pageLimit()
	if badLimit != nil {
		bad = append(bad, *badLimit)
	}
	if len(bad) > 0 {
		return Response{}, domain.Invalid(bad...)
	}
	if err := domain.Authorize(ctx, h.authz, r.Principal, "change.list", domain.Resource{Kind: "change"}); err != nil {
		return Response{}, err
	}
	// Each change is shown exactly when its record, as the change left it, could be read by
	// the caller: by the grant that guards reading the record, and for an application by the
	// status rule the policy cannot see.
	visible := func(c domain.Change) (bool, error) {
		if c.RecordType == domain.ChangeRecordCluster && !domain.ClusterStatus(c.Status).VisibleTo(r.Principal.Role) {
			return false, nil
		}
		d, err := h.authz.Authorize(ctx, domain.AuthzRequest{Principal: r.Principal, Action: c.ReadAction, Resource: c.Resource})
		if err != nil {
			return false, domain.Internal(fmt.Errorf("authorize %s: %w", c.ReadAction, err))
		}
		return d.Allow, nil
	}
	page, err := h.feed.Read(ctx, after, limit, h.clock.Now(), visible)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: 200, Body: page}, nil
}
