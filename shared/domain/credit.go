package domain

import (
	"slices"
	"time"
)

// Credit levels of the public credit system, mildest first (seed 003 第十二条(二)).
var CreditLevels = []string{"none", "minor", "relatively_serious", "serious"}

// CreditPeriod is when a credit record applies; an open end is empty.
type CreditPeriod struct {
	From Date `json:"from" validate:"required"`
	To   Date `json:"to,omitzero"`
}

// CreditRecordBody is what an officer or an integrator of the credit system reports.
type CreditRecordBody struct {
	Entity string       `json:"entity" validate:"required,uscc_or_id"`
	Level  string       `json:"level" validate:"required,oneof=none minor relatively_serious serious"`
	Period CreditPeriod `json:"period"`
	Source string       `json:"source" validate:"required,max=200,no_control"`
	Detail string       `json:"detail,omitempty" validate:"max=2000,no_control"`
}

// CheckFields: a period cannot end before it starts.
func (b *CreditRecordBody) CheckFields() []FieldError {
	if !b.Period.To.IsZero() && b.Period.To.Before(b.Period.From) {
		return []FieldError{{Field: "/period/to", Code: "gtefield", Message: Text{ZH: "结束日期不能早于开始日期", EN: "cannot be before the start of the period"}}}
	}
	return nil
}

// CreditRecordVersion is one state of a credit record, kept in its history.
type CreditRecordVersion struct {
	CreditRecordBody
	By Actor     `json:"by"`
	At time.Time `json:"at"`
}

// CreditRecord is a credit finding about an entity, by the id its source gives it; every change
// is kept in History.
type CreditRecord struct {
	ID string `json:"id"`
	CreditRecordBody
	UpdatedBy Actor                 `json:"updated_by"`
	UpdatedAt time.Time             `json:"updated_at"`
	History   []CreditRecordVersion `json:"history"`
	Version   int64                 `json:"version"`
}

// CreditRecordCollection holds the credit records by id.
const CreditRecordCollection = "credit_records"

func (r *CreditRecord) RecordKey() string        { return r.ID }
func (r *CreditRecord) RecordVersion() int64     { return r.Version }
func (r *CreditRecord) SetRecordVersion(v int64) { r.Version = v }

// RecordIndex: 1 an entity's records.
func (r *CreditRecord) RecordIndex() [NumIndexes]IndexKey {
	return [NumIndexes]IndexKey{{Partition: "entity#" + r.Entity, Sort: r.ID}}
}

// Set records a new state of the record.
func (r *CreditRecord) Set(id string, b CreditRecordBody, by Actor, at time.Time) {
	r.ID, r.CreditRecordBody, r.UpdatedBy, r.UpdatedAt = id, b, by, at
	r.History = append(r.History, CreditRecordVersion{CreditRecordBody: b, By: by, At: at})
}

// AppliesOn tells whether the record's period covers day.
func (r *CreditRecord) AppliesOn(day Date) bool {
	return !day.Before(r.Period.From) && (r.Period.To.IsZero() || !day.After(r.Period.To))
}

// WorstCreditLevel is the most serious level among records applying on day ("none" if none).
func WorstCreditLevel(records []*CreditRecord, day Date) string {
	worst := 0
	for _, r := range records {
		if i := slices.Index(CreditLevels, r.Level); r.AppliesOn(day) && i > worst {
			worst = i
		}
	}
	return CreditLevels[worst]
}

// Disqualification records that a claimant made a false commitment or broke one (seed 003
// 第十条, 第十五条): later claims are refused. One per entity, never deleted.
type Disqualification struct {
	Entity  string    `json:"entity"`
	ClaimID string    `json:"claim_id"`
	Reason  string    `json:"reason"`
	By      Actor     `json:"by"`
	At      time.Time `json:"at"`
	Version int64     `json:"version"`
}

// DisqualificationCollection holds one Disqualification per entity.
const DisqualificationCollection = "disqualifications"

func (d *Disqualification) RecordKey() string                 { return d.Entity }
func (d *Disqualification) RecordVersion() int64              { return d.Version }
func (d *Disqualification) SetRecordVersion(v int64)          { d.Version = v }
func (d *Disqualification) RecordIndex() [NumIndexes]IndexKey { return [NumIndexes]IndexKey{} }
