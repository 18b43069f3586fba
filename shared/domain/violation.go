package domain

import (
	"slices"
	"time"
)

// Collections of the violation and waiver records.
const (
	ViolationCollection      = "violations"
	SanctionCollection       = "sanctions"
	SanctionWaiverCollection = "sanction_waivers"
)

// ViolationKinds are the violations a city officer records (API.md POST
// /v1/agencies/{uscc}/violations); each is a sanctions policy trigger.
var ViolationKinds = []Trigger{TriggerSciTechProjectServices, TriggerAbnormalPatentApplications, TriggerPlagiarism,
	TriggerPoorCredit, TriggerPoorService, TriggerUnfairCompetition, TriggerRefusedCorrection}

// NeedsAffectedEntities tells whether a violation kind must name the applicants concerned: the
// patent-subsidy block of seed 000 §二(二)5 reaches only them.
func NeedsAffectedEntities(k Trigger) bool {
	return k == TriggerAbnormalPatentApplications || k == TriggerPlagiarism
}

// Violation is a violation of an agency as a city officer recorded it (DOMAIN.md §3); the
// sanctions it produced are separate records whose ids end in the violation's id.
type Violation struct {
	ID               string    `json:"id"`
	Agency           string    `json:"agency"`
	Kind             Trigger   `json:"kind"`
	Year             int       `json:"year"`
	Detail           string    `json:"detail"`
	AffectedEntities []string  `json:"affected_entities"`
	RecordedBy       Actor     `json:"recorded_by"`
	At               time.Time `json:"at"`
	// RequestRef identifies the request that recorded it (a hash of the caller and the
	// Idempotency-Key), so a retry after a crash finds the violation instead of recording a
	// second one. Empty without an Idempotency-Key.
	RequestRef string `json:"request_ref,omitempty"`
	Version    int64  `json:"version"`
}

// ViolationKey is the record key: "<agency>#<id>".
func ViolationKey(agency, id string) string { return agency + "#" + id }

func (v *Violation) RecordKey() string        { return ViolationKey(v.Agency, v.ID) }
func (v *Violation) RecordVersion() int64     { return v.Version }
func (v *Violation) SetRecordVersion(n int64) { v.Version = n }

// RecordIndex: 1 an agency's violations in id (time) order; 2 the request that recorded it.
func (v *Violation) RecordIndex() [NumIndexes]IndexKey {
	var ix [NumIndexes]IndexKey
	ix[0] = IndexKey{Partition: "agency#" + v.Agency, Sort: v.ID}
	if v.RequestRef != "" {
		ix[1] = IndexKey{Partition: "request#" + v.RequestRef, Sort: v.ID}
	}
	return ix
}

// Facts are what the sanctions policy decides the violation on.
func (v *Violation) Facts() SanctionFacts {
	return SanctionFacts{Agency: v.Agency, Trigger: v.Kind, Year: v.Year, AffectedEntities: slices.Clone(v.AffectedEntities)}
}

// SanctionWaiver lifts the effect of a sanction (DOMAIN.md §3: sanctions are never deleted; a
// waiver is a new record with a reason). Its key is the sanction's id, so a sanction has at
// most one waiver.
type SanctionWaiver struct {
	SanctionID string    `json:"sanction_id"`
	Agency     string    `json:"agency"`
	Reason     string    `json:"reason"`
	By         Actor     `json:"by"`
	At         time.Time `json:"at"`
	Version    int64     `json:"version"`
}

func (w *SanctionWaiver) RecordKey() string        { return w.SanctionID }
func (w *SanctionWaiver) RecordVersion() int64     { return w.Version }
func (w *SanctionWaiver) SetRecordVersion(n int64) { w.Version = n }

// RecordIndex: 1 an agency's waivers by sanction id.
func (w *SanctionWaiver) RecordIndex() [NumIndexes]IndexKey {
	var ix [NumIndexes]IndexKey
	ix[0] = IndexKey{Partition: "agency#" + w.Agency, Sort: w.SanctionID}
	return ix
}
