// Package eligibility answers whether an entity may receive subsidies of each family in a year
// (API.md GET /v1/eligibility; DOMAIN.md §3). It gathers the facts — which agencies served the
// entity, whether each had an accepted filing, their sanctions in effect that year and whether
// each is waived — and the eligibility policy (policies/eligibility) decides.
//
// Which agencies served the entity (DOMAIN.md §3): those the caller names (relation "named")
// and those whose annual report for the year before or the year itself lists the entity as a
// client (relation "report_client"). The year before matters because the report for Y-1 is
// filed in January of Y and describes the service relation a year-Y subsidy rests on; the year
// itself covers a report already filed for Y. A client link is confirmed against its report,
// since links are never deleted when a resubmission drops a client.
//
// An agency "had an accepted filing" for year Y (decision) when its record exists, it has been
// accepted (it is on the register) on or before 31 December of Y, and it was not deregistered
// before 1 January of Y: its filing was in force at some time during the year. An agency with
// no record at all is not filed.
package eligibility

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
)

// MaxAgencies is how many agencies one query may name.
const MaxAgencies = 50

// Query is one eligibility question.
type Query struct {
	Entity   string
	Year     int
	Agencies []string // named by the caller; duplicates are read once
}

// Result is the answer: the decision per family, with what it was decided on.
type Result struct {
	Entity string `json:"entity"`
	Year   int    `json:"year"`
	domain.EligibilityDecision
	// Agencies are the agencies considered, with how each served the entity.
	Agencies      []domain.EligibilityAgency `json:"agencies"`
	PolicyVersion string                     `json:"policy_version"`
	DecidedAt     time.Time                  `json:"decided_at"`
}

// Service answers eligibility queries.
type Service struct {
	store     domain.Store
	agencies  domain.Repo[domain.Agency, *domain.Agency]
	reports   domain.Repo[domain.AnnualReport, *domain.AnnualReport]
	links     domain.Repo[domain.ClientLink, *domain.ClientLink]
	sanctions domain.Repo[domain.Sanction, *domain.Sanction]
	authz     domain.Authorizer
	policy    domain.Decider
	clock     domain.Clock
}

func New(store domain.Store, authz domain.Authorizer, policy domain.Decider, clock domain.Clock) *Service {
	return &Service{
		store:     store,
		agencies:  domain.Agencies(store),
		reports:   domain.Repo[domain.AnnualReport, *domain.AnnualReport]{Store: store, Collection: domain.ReportCollection},
		links:     domain.Repo[domain.ClientLink, *domain.ClientLink]{Store: store, Collection: domain.ClientLinkCollection},
		sanctions: domain.Repo[domain.Sanction, *domain.Sanction]{Store: store, Collection: domain.SanctionCollection},
		authz:     authz,
		policy:    policy,
		clock:     clock,
	}
}

// authorize asks the policy whether p may ask about entity. A refusal is 403, not 404: a query
// is about no record of another party, so there is nothing whose existence a 403 could reveal.
func (s *Service) authorize(ctx context.Context, p domain.Principal, entity string) error {
	const action = "eligibility.read"
	d, err := s.authz.Authorize(ctx, domain.AuthzRequest{Principal: p, Action: action,
		Resource: domain.Resource{Kind: "eligibility", Owner: entity}})
	if err != nil {
		return domain.Internal(fmt.Errorf("authorize %s: %w", action, err))
	}
	if !d.Allow {
		return &domain.Error{Code: domain.CodeForbidden, Message: domain.Text{
			ZH: "您无权查询该主体的资助资格", EN: "You may not ask about this entity's eligibility."},
			Err: fmt.Errorf("denied %s: %s", action, strings.Join(d.Reasons, "; "))}
	}
	return nil
}

// Check answers q for p. q must already be valid (the handler validates it).
func (s *Service) Check(ctx context.Context, p domain.Principal, q Query) (*Result, error) {
	if err := s.authorize(ctx, p, q.Entity); err != nil {
		return nil, err
	}
	return s.Decide(ctx, q)
}

// Decide answers q for a use case that has already authorised its caller, such as a subsidy
// claim, whose exclusions include every block this decision gives (seed 003 第十二条(三)).
func (s *Service) Decide(ctx context.Context, q Query) (*Result, error) {
	relations := map[string][]string{}
	for _, a := range q.Agencies {
		if !slices.Contains(relations[a], domain.RelationNamed) {
			relations[a] = append(relations[a], domain.RelationNamed)
		}
	}
	for _, year := range []int{q.Year - 1, q.Year} {
		clients, err := s.reportedBy(ctx, q.Entity, year)
		if err != nil {
			return nil, err
		}
		for _, a := range clients {
			if !slices.Contains(relations[a], domain.RelationReportClient) {
				relations[a] = append(relations[a], domain.RelationReportClient)
			}
		}
	}

	codes := make([]string, 0, len(relations))
	for a := range relations {
		codes = append(codes, a)
	}
	slices.Sort(codes)
	in := domain.EligibilityInput{Entity: q.Entity, Year: q.Year,
		Agencies: make([]domain.EligibilityAgency, 0, len(codes)), Sanctions: []domain.EligibilitySanction{}}
	for _, code := range codes {
		filed, err := s.filed(ctx, code, q.Year)
		if err != nil {
			return nil, err
		}
		rels := relations[code]
		slices.Sort(rels)
		in.Agencies = append(in.Agencies, domain.EligibilityAgency{USCC: code, AcceptedFiling: filed, Relations: rels})
		sanctions, err := s.sanctionsOf(ctx, code, q.Year)
		if err != nil {
			return nil, err
		}
		in.Sanctions = append(in.Sanctions, sanctions...)
	}

	var d domain.EligibilityDecision
	if err := s.policy.Decide(ctx, policy.QueryEligibility, in, &d); err != nil {
		return nil, domain.Internal(fmt.Errorf("eligibility policy: %w", err))
	}
	for _, f := range domain.SubsidyFamilies {
		fe, ok := d.Families[f]
		if !ok {
			return nil, domain.Internal(fmt.Errorf("eligibility policy: no answer for %s", f))
		}
		if fe.Reasons == nil {
			fe.Reasons = []domain.EligibilityReason{}
			d.Families[f] = fe
		}
	}
	return &Result{Entity: q.Entity, Year: q.Year, EligibilityDecision: d, Agencies: in.Agencies,
		PolicyVersion: s.policy.Version(), DecidedAt: s.clock.Now()}, nil
}

// reportedBy lists the agencies whose report for year lists entity as a client, each link
// confirmed against the report as it now stands.
func (s *Service) reportedBy(ctx context.Context, entity string, year int) ([]string, error) {
	var out []string
	q := domain.Query{Prefix: domain.ClientLinkPrefix(entity) + fmt.Sprintf("%04d#", year), Limit: domain.MaxPageSize}
	for {
		links, next, err := s.links.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if l.Entity != entity || l.Year != year {
				continue
			}
			r, err := s.reports.Get(ctx, domain.ReportKey(l.Agency, year))
			if errors.Is(err, domain.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if r.Report.Serves(entity) {
				out = append(out, l.Agency)
			}
		}
		if next == "" {
			return out, nil
		}
		q.Cursor = next
	}
}

// filed tells whether the agency's filing was in force at some time during year: accepted on
// or before 31 December and not deregistered before 1 January (see the package comment).
func (s *Service) filed(ctx context.Context, uscc string, year int) (bool, error) {
	a, err := s.agencies.Get(ctx, uscc)
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !a.OnRegister() || a.AcceptedAt.IsZero() {
		return false, nil
	}
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, domain.Shanghai)
	end := start.AddDate(1, 0, 0)
	if !a.AcceptedAt.Before(end) {
		return false, nil
	}
	return a.DeregisteredAt.IsZero() || !a.DeregisteredAt.Before(start), nil
}

// sanctionsOf reads the agency's sanctions whose year of effect is year (index 2), each with
// whether a waiver lifts it.
func (s *Service) sanctionsOf(ctx context.Context, uscc string, year int) ([]domain.EligibilitySanction, error) {
	var out []domain.EligibilitySanction
	q := domain.Query{Index: 2, Partition: "effect#" + strconv.Itoa(year), Prefix: uscc + "#", Limit: domain.MaxPageSize}
	for {
		page, next, err := s.sanctions.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, sn := range page {
			if sn.Agency != uscc || sn.Year != year {
				continue
			}
			waived, err := s.waived(ctx, sn.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, domain.EligibilitySanction{ID: sn.ID, Agency: sn.Agency, Trigger: sn.Trigger, Year: sn.Year,
				Effects: sn.Effects, Basis: sn.Basis, AffectedEntities: sn.AffectedEntities, Waived: waived})
		}
		if next == "" {
			return out, nil
		}
		q.Cursor = next
	}
}

// waived tells whether a waiver record exists for the sanction; none (or no such collection
// yet) means not waived.
func (s *Service) waived(ctx context.Context, sanctionID string) (bool, error) {
	_, err := s.store.Get(ctx, domain.SanctionWaiverCollection, sanctionID)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, domain.ErrNotFound):
		return false, nil
	default:
		return false, err
	}
}
