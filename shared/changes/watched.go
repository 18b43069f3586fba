package changes

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"

	"github.com/jsipa/ips/shared/domain"
)

// describer tells whether a write of one collection (before is nil for a create) is a change
// the feed reports, and describes it with who may read it.
type describer func(ctx context.Context, store domain.Store, before, after []byte) (domain.Change, bool, error)

// watched names the collections whose writes the feed reports, with what it reports of them.
var watched = map[string]describer{
	domain.AgencyCollection:             agencyChange,
	domain.SanctionCollection:           sanctionCreated,
	domain.SanctionWaiverCollection:     sanctionWaived,
	domain.ClaimCollection:              claimChange,
	domain.ClusterApplicationCollection: clusterChange,
	domain.ClusterCollection:            zoneChange,
}

// decodePair decodes the record before (when there was one) and after a write.
func decodePair[T any](before, after []byte) (old *T, now *T, err error) {
	now = new(T)
	if err := json.Unmarshal(after, now); err != nil {
		return nil, nil, err
	}
	if before != nil {
		old = new(T)
		if err := json.Unmarshal(before, old); err != nil {
			return nil, nil, err
		}
	}
	return old, now, nil
}

func path(parts ...string) string {
	p := ""
	for i, s := range parts {
		if i%2 == 1 {
			s = url.PathEscape(s)
		}
		p += s
	}
	return p
}

// agencyChange reports a filing reaching the register (its first acceptance or an accepted
// amendment) and its deregistration; the other statuses are the agency's business with its
// bureau, not the register's.
func agencyChange(_ context.Context, _ domain.Store, before, after []byte) (domain.Change, bool, error) {
	old, a, err := decodePair[domain.Agency](before, after)
	if err != nil {
		return domain.Change{}, false, err
	}
	if old != nil && old.Status == a.Status {
		return domain.Change{}, false, nil
	}
	var kind string
	switch a.Status {
	case domain.AgencyAccepted:
		kind = domain.ChangeFilingAccepted
	case domain.AgencyDeregistered:
		kind = domain.ChangeFilingDeregistered
	default:
		return domain.Change{}, false, nil
	}
	return domain.Change{Kind: kind, RecordType: domain.ChangeRecordAgency, RecordID: a.USCC, Status: string(a.Status),
		Href: path("/v1/agencies/", a.USCC), ReadAction: "filing.read", Resource: a.Resource()}, true, nil
}

// sanctionCreated reports a new sanction. Its readers are the agency's (sanction.read), so the
// agency's division is read from its filing; a sanction of an agency without one is read by
// nobody below the province.
func sanctionCreated(ctx context.Context, store domain.Store, before, after []byte) (domain.Change, bool, error) {
	if before != nil {
		return domain.Change{}, false, nil // sanctions never change; a waiver is its own record
	}
	var s domain.Sanction
	if err := json.Unmarshal(after, &s); err != nil {
		return domain.Change{}, false, err
	}
	res, err := sanctionsResource(ctx, store, s.Agency)
	if err != nil {
		return domain.Change{}, false, err
	}
	return domain.Change{Kind: domain.ChangeSanctionCreated, RecordType: domain.ChangeRecordSanction, RecordID: s.ID,
		Href: path("/v1/agencies/", s.Agency, "/sanctions"), ReadAction: "sanction.read", Resource: res}, true, nil
}

func sanctionWaived(ctx context.Context, store domain.Store, before, after []byte) (domain.Change, bool, error) {
	if before != nil {
		return domain.Change{}, false, nil
	}
	var w domain.SanctionWaiver
	if err := json.Unmarshal(after, &w); err != nil {
		return domain.Change{}, false, err
	}
	res, err := sanctionsResource(ctx, store, w.Agency)
	if err != nil {
		return domain.Change{}, false, err
	}
	return domain.Change{Kind: domain.ChangeSanctionWaived, RecordType: domain.ChangeRecordSanction, RecordID: w.SanctionID,
		Href: path("/v1/agencies/", w.Agency, "/sanctions"), ReadAction: "sanction.read", Resource: res}, true, nil
}

func sanctionsResource(ctx context.Context, store domain.Store, uscc string) (domain.Resource, error) {
	a, err := domain.Agencies(store).Get(ctx, uscc)
	if err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return domain.Resource{Kind: "agency_sanctions", Owner: uscc}, nil
		}
		return domain.Resource{}, err
	}
	return a.SanctionsResource(), nil
}

func claimChange(_ context.Context, _ domain.Store, before, after []byte) (domain.Change, bool, error) {
	old, c, err := decodePair[domain.Claim](before, after)
	if err != nil || (old != nil && old.Status == c.Status) {
		return domain.Change{}, false, err
	}
	return domain.Change{Kind: domain.ChangeClaimStatus, RecordType: domain.ChangeRecordClaim, RecordID: c.ID, Status: string(c.Status),
		Href: path("/v1/subsidy-claims/", c.ID), ReadAction: "claim.read", Resource: c.Body.Resource()}, true, nil
}

func clusterChange(_ context.Context, _ domain.Store, before, after []byte) (domain.Change, bool, error) {
	old, a, err := decodePair[domain.ClusterApplication](before, after)
	if err != nil || (old != nil && old.Status == a.Status) {
		return domain.Change{}, false, err
	}
	return domain.Change{Kind: domain.ChangeClusterStatus, RecordType: domain.ChangeRecordCluster, RecordID: a.ID, Status: string(a.Status),
		Href: path("/v1/cluster-applications/", a.ID), ReadAction: "cluster.read", Resource: a.Body.Resource()}, true, nil
}

func zoneChange(_ context.Context, _ domain.Store, before, after []byte) (domain.Change, bool, error) {
	old, z, err := decodePair[domain.Cluster](before, after)
	if err != nil || (old != nil && old.Status == z.Status) {
		return domain.Change{}, false, err
	}
	return domain.Change{Kind: domain.ChangeClusterZoneStatus, RecordType: domain.ChangeRecordClusterZone, RecordID: z.ID, Status: string(z.Status),
		Href: path("/v1/clusters/", z.ID), ReadAction: "zone.read", Resource: z.Resource()}, true, nil
}
