package filing

import (
	"context"
	"errors"

	"github.com/jsipa/ips/shared/domain"
)

// What the single register entry adds to a listing's item (seed 000 §二(二)2; DOMAIN.md §1):
// compliance by year, public sanctions and the clients' ratings. Each needs reads of other
// collections (a report per owed year, the agency's sanctions with their waivers, its ratings),
// so only GET /v1/public/agencies/{uscc} computes them; the listing stays one index read per
// page (decision, README "Extensions to API.md").

// detail completes the register entry of a.
func (s *Service) detail(ctx context.Context, a *domain.Agency, pub domain.PublicAgency) (domain.PublicAgencyDetail, error) {
	d := domain.PublicAgencyDetail{PublicAgency: pub, Reports: []domain.ReportCompliance{}, PublicSanctions: []domain.PublicSanction{}}
	now := s.clock.Now()
	for _, y := range a.ReportYears(now) {
		r, err := s.reports.Get(ctx, domain.ReportKey(a.USCC, y))
		switch {
		case errors.Is(err, domain.ErrNotFound):
			r = nil
		case err != nil:
			return domain.PublicAgencyDetail{}, err
		}
		d.Reports = append(d.Reports, domain.ComplianceOf(y, r, now))
	}
	if err := s.publicSanctions(ctx, a.USCC, &d); err != nil {
		return domain.PublicAgencyDetail{}, err
	}
	rating, err := s.RatingSummary(ctx, a.USCC)
	if err != nil {
		return domain.PublicAgencyDetail{}, err
	}
	d.Rating = rating
	return d, nil
}

// publicSanctions adds the agency's sanctions the policy made public and no waiver lifted.
func (s *Service) publicSanctions(ctx context.Context, uscc string, d *domain.PublicAgencyDetail) error {
	q := domain.Query{Index: 1, Partition: "agency#" + uscc, Limit: domain.MaxPageSize}
	for {
		page, next, err := s.sanctions.Query(ctx, q)
		if err != nil {
			return err
		}
		for _, sn := range page {
			if !sn.Public {
				continue
			}
			_, err := s.waivers.Get(ctx, sn.ID)
			switch {
			case err == nil:
				continue // lifted: the waiver ends the public criticism too
			case !errors.Is(err, domain.ErrNotFound):
				return err
			}
			d.PublicSanctions = append(d.PublicSanctions, sn.PublicView())
		}
		if next == "" {
			return nil
		}
		q.Cursor = next
	}
}

// RatingSummary averages every rating of the agency, every year's.
func (s *Service) RatingSummary(ctx context.Context, uscc string) (domain.RatingSummary, error) {
	var scores []int
	q := domain.Query{Index: 1, Partition: domain.RatingPartition(uscc), Limit: domain.MaxPageSize}
	for {
		page, next, err := s.ratings.Query(ctx, q)
		if err != nil {
			return domain.RatingSummary{}, err
		}
		for _, r := range page {
			scores = append(scores, r.Score)
		}
		if next == "" {
			return domain.Summarize(scores), nil
		}
		q.Cursor = next
	}
}
