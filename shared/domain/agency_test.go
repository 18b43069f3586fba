package domain_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

var (
	now     = time.Date(2027, 1, 10, 9, 0, 0, 0, domain.Shanghai)
	owner   = domain.Actor{Role: domain.RoleAgency, Subject: "91320281MA20JY015Q"}
	officer = domain.Actor{Role: domain.RoleCityOfficer, Subject: "o", Division: "320281"}
)

func filing(name string) domain.AgencyFiling {
	return domain.AgencyFiling{USCC: "91320281MA20JY015Q", Name: name, DistrictCode: "320281"}
}

// agencyIn builds an agency that reached status by the lifecycle itself.
func agencyIn(t *testing.T, status domain.AgencyStatus) *domain.Agency {
	t.Helper()
	a := &domain.Agency{}
	steps := map[domain.AgencyStatus][]func() error{
		"":                        nil,
		domain.AgencySubmitted:    {func() error { return a.File(filing("甲"), owner, now) }},
		domain.AgencyReturned:     {func() error { return a.File(filing("甲"), owner, now) }, func() error { return a.Return([]domain.ReviewReason{{Message: "补正"}}, officer, now, "") }},
		domain.AgencyAccepted:     {func() error { return a.File(filing("甲"), owner, now) }, func() error { return a.Accept("320281-2027-00001", officer, now, "") }},
		domain.AgencyRejected:     {func() error { return a.File(filing("甲"), owner, now) }, func() error { return a.Reject([]domain.ReviewReason{{Message: "不符"}}, officer, now, "") }},
		domain.AgencyDeregistered: {func() error { return a.File(filing("甲"), owner, now) }, func() error { return a.Accept("320281-2027-00001", officer, now, "") }, func() error { return a.Deregister("停业", owner, now) }},
	}
	for _, step := range steps[status] {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if a.Status != status {
		t.Fatalf("built %s, want %s", a.Status, status)
	}
	return a
}

// The whole lifecycle table of DOMAIN.md §1: every status × every action.
func TestAgencyLifecycle(t *testing.T) {
	actions := map[string]func(a *domain.Agency) error{
		"file":       func(a *domain.Agency) error { return a.File(filing("乙"), owner, now) },
		"amend":      func(a *domain.Agency) error { return a.Amend(filing("乙"), owner, now) },
		"accept":     func(a *domain.Agency) error { return a.Accept("320281-2027-00002", officer, now, "") },
		"return":     func(a *domain.Agency) error { return a.Return([]domain.ReviewReason{{Message: "x"}}, officer, now, "") },
		"reject":     func(a *domain.Agency) error { return a.Reject([]domain.ReviewReason{{Message: "x"}}, officer, now, "") },
		"deregister": func(a *domain.Agency) error { return a.Deregister("x", owner, now) },
	}
	// want: the status after the action, or "" when the action is refused.
	table := map[domain.AgencyStatus]map[string]domain.AgencyStatus{
		"":                        {"file": "submitted"},
		domain.AgencySubmitted:    {"amend": "submitted", "accept": "accepted", "return": "returned", "reject": "rejected"},
		domain.AgencyReturned:     {"amend": "submitted"},
		domain.AgencyAccepted:     {"amend": "submitted", "deregister": "deregistered"},
		domain.AgencyRejected:     {"file": "submitted"},
		domain.AgencyDeregistered: {"file": "submitted"},
	}
	for from, allowed := range table {
		for action, do := range actions {
			t.Run(fmt.Sprintf("%s/%s", from, action), func(t *testing.T) {
				a := agencyIn(t, from)
				before := len(a.History)
				err := do(a)
				want, ok := allowed[action]
				switch {
				case ok && err != nil:
					t.Fatalf("refused: %v", err)
				case ok && a.Status != want:
					t.Fatalf("status %s, want %s", a.Status, want)
				case ok && len(a.History) != before+1:
					t.Fatal("the action left no history")
				case !ok && domain.CodeOf(err) != domain.CodeConflict:
					t.Fatalf("allowed (status %s, err %v); want a conflict", a.Status, err)
				case !ok && (a.Status != from || len(a.History) != before):
					t.Fatal("a refused action changed the record")
				}
			})
		}
	}
}

func TestAmendmentKeepsTheRegisteredFilingUntilAccepted(t *testing.T) {
	a := agencyIn(t, domain.AgencyAccepted)
	if err := a.Amend(filing("改名"), owner, now); err != nil {
		t.Fatal(err)
	}
	if pub, ok := a.Public(); !ok || pub.Name != "甲" || pub.Status != domain.AgencyAccepted {
		t.Fatalf("register during review: %+v %v", pub, ok)
	}
	if err := a.Accept("ignored", officer, now, ""); err != nil {
		t.Fatal(err)
	}
	if pub, _ := a.Public(); pub.Name != "改名" || pub.FilingNo != "320281-2027-00001" {
		t.Fatalf("after acceptance: %+v", pub)
	}
}

func TestRefilingAfterDeregistrationStartsANewRegistration(t *testing.T) {
	a := agencyIn(t, domain.AgencyDeregistered)
	if err := a.File(filing("新"), owner, now); err != nil {
		t.Fatal(err)
	}
	if a.OnRegister() || a.FilingNo != "" {
		t.Fatalf("a new filing kept the old registration: %+v", a)
	}
	if err := a.Accept("", officer, now, ""); !errors.Is(err, domain.ErrVersionConflict) {
		t.Fatalf("accepting without a number: %v", err)
	}
}

func TestFilingCrossFieldRules(t *testing.T) {
	f := domain.AgencyFiling{USCC: "X", IsBranch: true, ServiceTypes: []string{"patent_agency"}}
	got := map[string]bool{}
	for _, e := range f.CheckFields() {
		got[e.Field] = true
	}
	if !got["/parent_uscc"] || !got["/patent_agency_license_no"] {
		t.Fatalf("errors %v", got)
	}
	f = domain.AgencyFiling{USCC: "X", ParentUSCC: "X", IsBranch: true, ServiceTypes: []string{"copyright"}}
	if errs := f.CheckFields(); len(errs) != 1 || errs[0].Code != "ne" {
		t.Fatalf("a branch of itself: %v", errs)
	}
}

func TestDates(t *testing.T) {
	for _, bad := range []string{"2023-02-29", "2024-13-01", "2024-1-5", "20240105", "2024-01-05T00:00:00Z", ""} {
		if _, err := domain.ParseDate(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	d, err := domain.ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" || !d.Start().Equal(time.Date(2024, 2, 28, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("leap day: %v %v %v", d, err, d.Start())
	}
	// The Shanghai calendar decides the date of an instant.
	if got := domain.DateOf(time.Date(2027, 1, 31, 16, 0, 0, 0, time.UTC)); got.String() != "2027-02-01" {
		t.Fatalf("16:00 UTC on 31 January is %s in Shanghai", got)
	}
}

func TestSettableClock(t *testing.T) {
	var c domain.SettableClock
	at := time.Date(2027, 2, 1, 0, 0, 0, 0, domain.Shanghai)
	c.Set(at, true)
	time.Sleep(2 * time.Millisecond)
	if !c.Now().Equal(at) || !c.Frozen() {
		t.Fatalf("a frozen clock moved: %v", c.Now())
	}
	c.Set(at, false)
	time.Sleep(2 * time.Millisecond)
	if n := c.Now(); !n.After(at) || n.Sub(at) > time.Second || c.Frozen() {
		t.Fatalf("a running clock: %v", n)
	}
}
