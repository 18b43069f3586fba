package domain

import "time"

// Change kinds: what the change feed (GET /v1/changes) reports.
const (
	ChangeFilingAccepted     = "filing.accepted"
	ChangeFilingDeregistered = "filing.deregistered"
	ChangeSanctionCreated    = "sanction.created"
	ChangeSanctionWaived     = "sanction.waived"
	ChangeClaimStatus        = "claim.status_changed"
	ChangeClusterStatus      = "cluster.status_changed"
	ChangeClusterZoneStatus  = "cluster_zone.status_changed"
	ChangeRecordAgency       = "agency"
	ChangeRecordSanction     = "sanction"
	ChangeRecordClaim        = "subsidy_claim"
	ChangeRecordCluster      = "cluster_application"
	ChangeRecordClusterZone  = "cluster_zone"
)

// Change is one entry of the change feed, stored as its own record (one item, one write) right
// after the change it reports. Seq orders the feed; ReadAction and Resource say who may see it:
// a reader sees an entry exactly when authz lets them take ReadAction on Resource, so the feed
// shows nobody a record they could not read.
type Change struct {
	Seq        int64  `json:"seq"`
	Kind       string `json:"kind"`
	RecordType string `json:"record_type"`
	RecordID   string `json:"record_id"`
	// RecordVersion is the record's version the change made: a reader that sees a change of a
	// record after a later one (two writers may append out of order) keeps the higher version.
	RecordVersion int64     `json:"record_version"`
	Status        string    `json:"status,omitempty"`
	At            time.Time `json:"at"`
	// Href is where the record is read through the API.
	Href       string   `json:"href"`
	ReadAction string   `json:"read_action"`
	Resource   Resource `json:"resource"`
	Version    int64    `json:"-"`
}

// ChangeItem is a Change as the feed answers it: without who may see it.
type ChangeItem struct {
	// Cursor resumes the feed after this change (GET /v1/changes?after=<cursor>).
	Cursor     string `json:"cursor"`
	Kind       string `json:"kind"`
	RecordType string `json:"record_type"`
	RecordID   string `json:"record_id"`
	// RecordVersion is the version of the record this change made (GET Href answers it as
	// "version" and ETag); of two changes of one record, the higher version is the later.
	RecordVersion int64     `json:"record_version"`
	Status        string    `json:"status,omitempty"`
	At            time.Time `json:"at"`
	Href          string    `json:"href"`
}

// ChangePage is one answer of the feed. NextCursor is always set: it is where to resume, also
// after the last change (the feed is followed, never finished).
type ChangePage struct {
	Items      []ChangeItem `json:"items"`
	NextCursor string       `json:"next_cursor"`
}
