package domain

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date (YYYY-MM-DD) in the Shanghai calendar, with no time of day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate accepts exactly YYYY-MM-DD and only dates that exist (no 2023-02-29).
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, Shanghai)
	if err != nil || t.Format(time.DateOnly) != s {
		return Date{}, fmt.Errorf("not a date in the form YYYY-MM-DD: %q", s)
	}
	return DateOf(t), nil
}

// DateOf is the Shanghai calendar date of an instant.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Shanghai).Date()
	return Date{y, m, d}
}

func (d Date) IsZero() bool { return d == Date{} }

// Start is 00:00 of the date in Shanghai.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Shanghai) }

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

func (d Date) Before(o Date) bool { return d.Start().Before(o.Start()) }
func (d Date) After(o Date) bool  { return d.Start().After(o.Start()) }

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string YYYY-MM-DD")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
