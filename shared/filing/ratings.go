package filing

import (
	"context"
	"errors"
	"fmt"

	"github.com/jsipa/ips/shared/domain"
)

// Rate records the caller's rating of an agency's service quality (POST
// /v1/agencies/{uscc}/ratings; seed 000 §二(二)2; DOMAIN.md §1 and §7): only an entity the
// agency served may rate it. For anyone else the relation does not exist, so the answer is the
// one for a missing agency (404): the policy refuses every role but an enterprise rating as
// itself, and the service refuses an enterprise the agency's annual reports do not list.
//
// One rating per entity, agency and year of the rating: rating again that year replaces it.
// created tells a first rating (201) from a replacement (200).
func (s *Service) Rate(ctx context.Context, p domain.Principal, uscc string, in domain.RatingInput) (r *domain.Rating, created bool, err error) {
	a, err := s.agencies.Get(ctx, uscc)
	if err != nil {
		return nil, false, err
	}
	// The rater owns its rating: the policy compares the owner with the caller's subject and
	// admits only the enterprise role.
	res := domain.Resource{Kind: "agency_rating", Owner: p.Subject, Division: a.Division()}
	if err := domain.Authorize(ctx, s.authz, p, "rating.create", res); err != nil {
		return nil, false, domain.Hidden(err)
	}
	served, err := s.served(ctx, a.USCC, p.Subject)
	if err != nil {
		return nil, false, err
	}
	if !served {
		return nil, false, &domain.Error{Code: domain.CodeNotFound, Message: domain.ErrNotFound.Message,
			Err: fmt.Errorf("rating.create: %s is not a client in any annual report of %s", p.Subject, a.USCC)}
	}
	now := s.clock.Now()
	r = &domain.Rating{Agency: a.USCC, Entity: p.Subject, Year: now.In(domain.Shanghai).Year(), Score: in.Score,
		Comment: in.Comment, CreatedAt: now, UpdatedAt: now}
	err = s.ratings.Create(ctx, r)
	if err == nil {
		return r, true, nil
	}
	if !errors.Is(err, domain.ErrAlreadyExists) {
		return nil, false, err
	}
	r, err = s.ratings.Update(ctx, r.RecordKey(), func(cur *domain.Rating) error {
		cur.Score, cur.Comment, cur.UpdatedAt = in.Score, in.Comment, now
		return nil
	})
	return r, false, err
}

// served tells whether one of the agency's annual reports, of any year, lists entity among its
// clients (DOMAIN.md §3). The client links find the candidate reports in one prefix read; a
// link is confirmed against its report, because a resubmission may have dropped the client
// and links are never deleted. A report counts in every status: it is the agency's own
// declaration of whom it served (decision).
func (s *Service) served(ctx context.Context, agency, entity string) (bool, error) {
	if entity == "" {
		return false, nil
	}
	q := domain.Query{Prefix: domain.ClientLinkPrefix(entity), Limit: domain.MaxPageSize}
	for {
		links, next, err := s.links.Query(ctx, q)
		if err != nil {
			return false, err
		}
		for _, l := range links {
			if l.Agency != agency || l.Entity != entity {
				continue
			}
			report, err := s.reports.Get(ctx, domain.ReportKey(agency, l.Year))
			switch {
			case errors.Is(err, domain.ErrNotFound):
				continue
			case err != nil:
				return false, err
			}
			if report.Report.Serves(entity) {
				return true, nil
			}
		}
		if next == "" {
			return false, nil
		}
		q.Cursor = next
	}
}
