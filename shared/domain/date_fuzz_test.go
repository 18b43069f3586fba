package domain_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

var dateShape = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// existingDate decides by the Gregorian leap-year rule, not by the time package ParseDate
// builds on, whether YYYY-MM-DD names a real day.
func existingDate(s string) (y, m, d int, ok bool) {
	if !dateShape.MatchString(s) {
		return 0, 0, 0, false
	}
	y, _ = strconv.Atoi(s[:4])
	m, _ = strconv.Atoi(s[5:7])
	d, _ = strconv.Atoi(s[8:])
	days := []int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if m < 1 || m > 12 || d < 1 {
		return y, m, d, false
	}
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return y, m, d, d <= 29
	}
	return y, m, d, d <= days[m]
}

// FuzzParseDate: a date is accepted exactly when it is YYYY-MM-DD naming a real day, prints
// back as the same text, starts at midnight in Shanghai on that day, and survives JSON both
// ways; whatever ParseDate refuses, a request body's date field refuses too.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2027-01-31", "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2027-13-01",
		"2027-00-10", "2027-04-31", "0000-01-01", "9999-12-31", "2027-1-5", "2027-01-05T00:00:00+08:00", " 2027-01-05",
		"２０２７-01-05", "2027-01-05\x00", "+2027-01-05", "-001-01-01", "2027/01/05", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := domain.ParseDate(s)
		y, m, day, exists := existingDate(s)
		if exists != (err == nil) {
			t.Fatalf("ParseDate(%q) = %v, %v; the date exists: %v", s, d, err, exists)
		}
		quoted, _ := json.Marshal(s)
		var fromJSON domain.Date
		jsonErr := fromJSON.UnmarshalJSON(quoted)
		if !exists {
			if jsonErr == nil {
				t.Fatalf("UnmarshalJSON(%s) accepted %v, which ParseDate refuses", quoted, fromJSON)
			}
			return
		}
		if jsonErr != nil || fromJSON != d {
			t.Fatalf("UnmarshalJSON(%s) = %v, %v; ParseDate gave %v", quoted, fromJSON, jsonErr, d)
		}
		if d.Year != y || int(d.Month) != m || d.Day != day || d.String() != s {
			t.Fatalf("ParseDate(%q) = %+v, printed %q", s, d, d.String())
		}
		start := d.Start()
		if sy, sm, sd := start.Date(); sy != y || int(sm) != m || sd != day || start.Location() != domain.Shanghai ||
			start.Hour() != 0 || start.Minute() != 0 || start.Second() != 0 {
			t.Fatalf("%s starts at %v", s, start)
		}
		if domain.DateOf(start) != d || domain.DateOf(start.Add(24*time.Hour-time.Nanosecond)) != d {
			t.Fatalf("the instants of %s do not all fall on it", s)
		}
		out, err := json.Marshal(d)
		if err != nil || string(out) != string(quoted) {
			t.Fatalf("Marshal(%v) = %s, %v; want %s", d, out, err, quoted)
		}
	})
}
