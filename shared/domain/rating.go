package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Ratings of an agency's service quality by the entities it served (seed 000 §二(二)2: 邀请服务对象
// 对知识产权服务机构的服务质量进行评价; DOMAIN.md §1, the public register).

// RatingCollection holds one Rating per agency, entity and year, keyed by RatingKey.
const RatingCollection = "ratings"

// RatingKey is <agency USCC>#<entity>#<4-digit year of the rating>: an entity rates an agency
// at most once a year, and rating again that year replaces the rating (decision).
func RatingKey(agency, entity string, year int) string {
	return fmt.Sprintf("%s#%s#%04d", agency, entity, year)
}

// RatingPartition lists an agency's ratings in index 1.
func RatingPartition(agency string) string { return "agency#" + agency }

// Rating is one entity's rating of an agency's service quality in one year. Only the entity
// (the rater) sees it whole; the public register shows only the average and the count.
type Rating struct {
	Agency    string    `json:"agency"`
	Entity    string    `json:"entity"`
	Year      int       `json:"year"`
	Score     int       `json:"score"`
	Comment   string    `json:"comment,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

func (r *Rating) RecordKey() string        { return RatingKey(r.Agency, r.Entity, r.Year) }
func (r *Rating) RecordVersion() int64     { return r.Version }
func (r *Rating) SetRecordVersion(v int64) { r.Version = v }

// RecordIndex: 1 an agency's ratings (the register's average); 2 and 3 unused.
func (r *Rating) RecordIndex() [NumIndexes]IndexKey {
	var ix [NumIndexes]IndexKey
	ix[0] = IndexKey{Partition: RatingPartition(r.Agency), Sort: fmt.Sprintf("%04d#%s", r.Year, r.Entity)}
	return ix
}

// RatingInput is the body of POST /v1/agencies/{uscc}/ratings.
type RatingInput struct {
	Score   int    `json:"score" validate:"required,min=1,max=5"`
	Comment string `json:"comment" validate:"omitempty,max=1000"`
}

// MaxRatingComment is the longest comment, in characters.
const MaxRatingComment = 1000

// CheckFields: the comment is valid text without control characters other than line breaks
// and tabs (a comment may run over several lines).
func (in *RatingInput) CheckFields() []FieldError {
	if !utf8.ValidString(in.Comment) || strings.ContainsFunc(in.Comment, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}) {
		return []FieldError{{Field: "/comment", Code: "no_control", Message: Text{
			ZH: "不得包含控制字符", EN: "must not contain control characters"}}}
	}
	return nil
}

// RatingSummary is what the public register shows of an agency's ratings: no rater, no comment.
type RatingSummary struct {
	// Average is the mean score rounded to two decimals; 0 when Count is 0.
	Average float64 `json:"average"`
	Count   int     `json:"count"`
}

// Summarize averages scores.
func Summarize(scores []int) RatingSummary {
	if len(scores) == 0 {
		return RatingSummary{}
	}
	sum := 0
	for _, s := range scores {
		sum += s
	}
	// Rounded to two decimals in integer arithmetic, so 4.666… shows as 4.67 on every platform.
	hundredths := (sum*100*2 + len(scores)) / (2 * len(scores))
	return RatingSummary{Average: float64(hundredths) / 100, Count: len(scores)}
}

// Annual-report compliance of one year as the public register shows it (DOMAIN.md §1).
const (
	ComplianceOnTime  = "on_time" // submitted before the cutoff (or corrected within its period)
	ComplianceLate    = "late"    // submitted at or after the cutoff
	ComplianceMissing = "missing" // not submitted, and the cutoff has passed
	ComplianceNotDue  = "not_due" // not submitted yet, and the cutoff has not come
)

// ReportCompliance is one year's line of the register's compliance record.
type ReportCompliance struct {
	Year   int       `json:"year"`
	Status string    `json:"status"`
	Cutoff time.Time `json:"cutoff"`
}

// ComplianceOf judges a year from its report (nil when none is stored) and the instant now.
func ComplianceOf(year int, report *AnnualReport, now time.Time) ReportCompliance {
	c := ReportCompliance{Year: year, Cutoff: CutoffFor(year)}
	switch {
	case report != nil && report.OnTime:
		c.Status = ComplianceOnTime
	case report != nil:
		c.Status = ComplianceLate
	case now.Before(c.Cutoff):
		c.Status = ComplianceNotDue
	default:
		c.Status = ComplianceMissing
	}
	return c
}

// ReportYears are the years the register shows compliance for: from the year of the first
// acceptance to the year before now (Shanghai), keeping the years the agency owed a report
// (a year after deregistration is not owed).
func (a *Agency) ReportYears(now time.Time) []int {
	if a.AcceptedAt.IsZero() {
		return nil
	}
	var years []int
	for y := a.AcceptedAt.In(Shanghai).Year(); y < now.In(Shanghai).Year(); y++ {
		if a.OwesAnnualReport(y) {
			years = append(years, y)
		}
	}
	return years
}

// PublicSanction is a public sanction as the register shows it: no input, no decider.
type PublicSanction struct {
	Trigger      Trigger   `json:"trigger"`
	FailureYear  int       `json:"failure_year"`
	YearOfEffect int       `json:"year_of_effect"`
	Effects      []string  `json:"effects"`
	Basis        string    `json:"basis"`
	Message      Text      `json:"message"`
	DecidedAt    time.Time `json:"decided_at"`
}

// PublicView is the register's view of a sanction.
func (s *Sanction) PublicView() PublicSanction {
	kinds := make([]string, 0, len(s.Effects))
	for _, e := range s.Effects {
		kinds = append(kinds, e.Kind)
	}
	return PublicSanction{Trigger: s.Trigger, FailureYear: s.FailureYear, YearOfEffect: s.Year, Effects: kinds,
		Basis: s.Basis, Message: s.Message, DecidedAt: s.DecidedAt}
}

// PublicAgencyDetail is one register entry with what only GET /v1/public/agencies/{uscc}
// computes: compliance by year, public sanctions not waived, and the clients' ratings.
type PublicAgencyDetail struct {
	PublicAgency
	Reports         []ReportCompliance `json:"reports"`
	PublicSanctions []PublicSanction   `json:"public_sanctions"`
	Rating          RatingSummary      `json:"rating"`
}
