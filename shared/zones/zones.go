// Package zones is the life of a designated cluster zone (集聚区) after its designation (seed 001
// §四(五), §四(六), §五(三); DOMAIN.md §5): the implementation plan filed within 3 months, changes
// to it approved county → prefecture → province, the yearly summary and plan by 31 January, and
// the final assessment after the 3-year construction period, whose consequences the cluster
// policy decides (policies/cluster, data.cluster.assessment).
//
// Who may do what is the authz policy's (zone.* grants): the county government its own zone
// (the record's owner is its county code), prefecture officers the zones of their division,
// provincial officers any zone of Jiangsu. Anyone else asking about a zone gets the answer for
// one that does not exist.
package zones

import (
	"context"
	"fmt"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
)

// Service runs the zone use cases.
type Service struct {
	clusters domain.Repo[domain.Cluster, *domain.Cluster]
	authz    domain.Authorizer
	policy   domain.Decider
	clock    domain.Clock
}

func New(store domain.Store, authz domain.Authorizer, policy domain.Decider, clock domain.Clock) *Service {
	return &Service{clusters: domain.Repo[domain.Cluster, *domain.Cluster]{Store: store, Collection: domain.ClusterCollection},
		authz: authz, policy: policy, clock: clock}
}

func resourceOf(c *domain.Cluster) domain.Resource {
	return c.Resource()
}

// allowed checks that p may see the zone (else it does not exist for p) and take action on it
// (else 403: p sees the zone but its role may not do this).
func (s *Service) allowed(ctx context.Context, p domain.Principal, action string, c *domain.Cluster) error {
	if err := domain.Authorize(ctx, s.authz, p, "zone.read", resourceOf(c)); err != nil {
		return domain.Hidden(err)
	}
	if action == "zone.read" {
		return nil
	}
	return domain.Authorize(ctx, s.authz, p, action, resourceOf(c))
}

// Get reads a zone (GET /v1/clusters/{id}).
func (s *Service) Get(ctx context.Context, p domain.Principal, id string) (*domain.Cluster, error) {
	c, err := s.clusters.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.allowed(ctx, p, "zone.read", c); err != nil {
		return nil, err
	}
	return c, nil
}

// change applies fn to a zone p may take action on, in one conditional write (retried on a
// lost race, so fn may run more than once). ifMatch, when not 0, must be the stored version.
func (s *Service) change(ctx context.Context, p domain.Principal, action, id string, ifMatch int64, fn func(*domain.Cluster) error) (*domain.Cluster, error) {
	return s.clusters.Update(ctx, id, func(c *domain.Cluster) error {
		if err := s.allowed(ctx, p, action, c); err != nil {
			return err
		}
		if ifMatch != 0 && ifMatch != c.Version {
			return domain.NewError(domain.CodeConflict, "该记录已被修改，请重新读取后再试", "The zone has changed since you read it; read it again and retry.")
		}
		return fn(c)
	})
}

// FilePlan files the implementation plan (PUT /v1/clusters/{id}/plan, seed 001 §四(五)2); created
// is false when the same plan was already filed.
func (s *Service) FilePlan(ctx context.Context, p domain.Principal, id string, ifMatch int64, b domain.ZonePlanBody) (c *domain.Cluster, created bool, err error) {
	now := s.clock.Now()
	c, err = s.change(ctx, p, "zone.plan_file", id, ifMatch, func(c *domain.Cluster) error {
		created, err = c.FilePlan(b, domain.ActorOf(p), now)
		return err
	})
	return c, created, err
}

// ProposeChange proposes a change to the plan (POST /v1/clusters/{id}/plan-changes, seed 001
// §四(六) "须由集聚区所在地人民政府将调整意见及说明，经设区市知识产权局审核后，报送省知识产权局批准").
func (s *Service) ProposeChange(ctx context.Context, p domain.Principal, id string, b domain.PlanChangeBody) (*domain.Cluster, *domain.PlanChange, error) {
	now := s.clock.Now()
	var change domain.PlanChange
	c, err := s.change(ctx, p, "zone.plan_change", id, 0, func(c *domain.Cluster) error {
		pc, err := c.ProposeChange(b, domain.ActorOf(p), now)
		if err == nil {
			change = *pc
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, &change, nil
}

// ReviewChange is the prefecture's review or the province's approval of change n (POST
// /v1/clusters/{id}/plan-changes/{n}/review).
func (s *Service) ReviewChange(ctx context.Context, p domain.Principal, id string, n int, b domain.PlanReviewBody) (*domain.Cluster, *domain.PlanChange, error) {
	now := s.clock.Now()
	var change domain.PlanChange
	c, err := s.change(ctx, p, "zone.plan_review", id, 0, func(c *domain.Cluster) error {
		pc, err := c.ReviewChange(n, b, domain.ActorOf(p), now)
		if err == nil {
			change = *pc
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, &change, nil
}

// SubmitAnnual stores the summary of year-1 and the plan for year (PUT
// /v1/clusters/{id}/annual/{year}, seed 001 §五(三)).
func (s *Service) SubmitAnnual(ctx context.Context, p domain.Principal, id string, year int, b domain.ZoneAnnualBody) (c *domain.Cluster, created bool, err error) {
	now := s.clock.Now()
	c, err = s.change(ctx, p, "zone.annual_submit", id, 0, func(c *domain.Cluster) error {
		created, err = c.SubmitAnnual(year, b, domain.ActorOf(p), now)
		return err
	})
	return c, created, err
}

// Assess records the final assessment (POST /v1/clusters/{id}/assessments, seed 001 §四(六)):
// the outcome is the province's, its consequence the cluster policy's (excellent: recommended
// for the national pilot; pass: keeps the title; a first fail: rectification by a deadline; a
// fail after a fail: the title revoked).
func (s *Service) Assess(ctx context.Context, p domain.Principal, id string, b domain.AssessmentBody) (*domain.Cluster, *domain.ZoneAssessment, error) {
	now := s.clock.Now()
	var made domain.ZoneAssessment
	c, err := s.change(ctx, p, "zone.assess", id, 0, func(c *domain.Cluster) error {
		if err := c.Assessable(now); err != nil {
			return err
		}
		var d domain.AssessmentDecision
		facts := domain.AssessmentFacts{Outcome: b.Outcome, PreviousFails: c.Fails(), AssessedAt: now}
		if err := s.policy.Decide(ctx, policy.QueryClusterAssessment, facts, &d); err != nil {
			return domain.Internal(fmt.Errorf("cluster assessment policy: %w", err))
		}
		a := domain.ZoneAssessment{Outcome: b.Outcome, Comment: b.Comment, Basis: d.Basis,
			Message: domain.Text{ZH: d.MessageZH, EN: d.MessageEN}, PolicyVersion: s.policy.Version(), By: domain.ActorOf(p), At: now}
		switch d.Status {
		case domain.AssessmentStatusExcellent:
			a.Result = "excellent"
		case domain.AssessmentStatusPassed:
			a.Result = "pass"
		case domain.AssessmentStatusRevoked:
			a.Result = "revoked"
		case domain.AssessmentStatusRectification:
			a.Result = "rectification"
			due, ok := d.RectifyByTime()
			if !ok {
				return domain.Internal(fmt.Errorf("cluster assessment policy: rectify_by %q", d.RectifyBy))
			}
			a.RectificationDue = due.In(domain.Shanghai)
		default:
			return domain.Internal(fmt.Errorf("cluster assessment policy: status %q for %+v", d.Status, facts))
		}
		c.Assess(a)
		made = c.Assessments[len(c.Assessments)-1]
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return c, &made, nil
}
