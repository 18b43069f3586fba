package domain_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

const reportAgency = "91320281MA20JY015Q"

var (
	reportOwner   = domain.Actor{Role: domain.RoleAgency, Subject: reportAgency}
	reportOfficer = domain.Actor{Role: domain.RoleCityOfficer, Subject: "o", Division: "320281"}
	// jan20 is a day within the 2026 report's period (1–31 January 2027).
	jan20 = time.Date(2027, 1, 20, 10, 0, 0, 0, domain.Shanghai)
)

func ptr[T any](v T) *T { return &v }

func reportBody(clients ...string) domain.ReportBody {
	b := domain.ReportBody{
		PatentApplications:    &domain.PatentApplications{Invention: ptr(3), UtilityModel: ptr(5), Design: ptr(1)},
		TrademarkApplications: ptr(12), CopyrightRegistrations: ptr(0), OtherServices: ptr(2),
		RevenueFen: ptr(int64(123_456_00)), PractitionersAtYearEnd: ptr(6), ComplaintsReceived: ptr(0),
		SciTechProjectServices: ptr(false), Clients: []domain.ReportClient{},
	}
	for _, id := range clients {
		b.Clients = append(b.Clients, domain.ReportClient{ID: id, Name: "客户" + id[len(id)-2:], Services: []string{"patent_agency"}})
	}
	return b
}

// reportIn builds a 2026 report that reached status through the lifecycle.
func reportIn(t *testing.T, status domain.ReportStatus) *domain.AnnualReport {
	t.Helper()
	r := &domain.AnnualReport{}
	submit := func() error { return r.Submit(reportAgency, 2026, "320281", reportBody(), reportOwner, jan20) }
	steps := map[domain.ReportStatus][]func() error{
		"":                     nil,
		domain.ReportSubmitted: {submit},
		domain.ReportReturned: {submit, func() error {
			return r.Return([]domain.ReviewReason{{Field: "/revenue_fen", Message: "营业收入与纳税申报不符"}}, domain.CorrectionDue(jan20, 15), reportOfficer, jan20, "")
		}},
		domain.ReportAccepted: {submit, func() error { return r.Accept(reportOfficer, jan20, "") }},
	}
	for _, step := range steps[status] {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if r.Status != status {
		t.Fatalf("built %q, want %q", r.Status, status)
	}
	return r
}

// The whole lifecycle table of DOMAIN.md §2: every status × every action.
func TestReportLifecycle(t *testing.T) {
	actions := map[string]func(r *domain.AnnualReport) error{
		"submit": func(r *domain.AnnualReport) error {
			return r.Submit(reportAgency, 2026, "320281", reportBody(), reportOwner, jan20)
		},
		"resubmit": func(r *domain.AnnualReport) error { return r.Resubmit("320281", reportBody(), reportOwner, jan20) },
		"accept":   func(r *domain.AnnualReport) error { return r.Accept(reportOfficer, jan20, "") },
		"return": func(r *domain.AnnualReport) error {
			return r.Return([]domain.ReviewReason{{Message: "x"}}, jan20.AddDate(0, 0, 16), reportOfficer, jan20, "")
		},
	}
	// want: the status after the action and the history action it records; absent when refused.
	type outcome struct {
		status domain.ReportStatus
		action string
	}
	table := map[domain.ReportStatus]map[string]outcome{
		"":                     {"submit": {"submitted", "submit"}},
		domain.ReportSubmitted: {"resubmit": {"submitted", "resubmit"}, "accept": {"accepted", "accept"}, "return": {"returned", "return"}},
		domain.ReportReturned:  {"resubmit": {"submitted", "correct"}},
		domain.ReportAccepted:  {},
	}
	for from, allowed := range table {
		for action, do := range actions {
			t.Run(fmt.Sprintf("%s/%s", cmpOr(string(from), "none"), action), func(t *testing.T) {
				r := reportIn(t, from)
				before := len(r.History)
				err := do(r)
				want, ok := allowed[action]
				switch {
				case ok && err != nil:
					t.Fatalf("refused: %v", err)
				case ok && r.Status != want.status:
					t.Fatalf("status %s, want %s", r.Status, want.status)
				case ok && (len(r.History) != before+1 || r.History[before].Action != want.action):
					t.Fatalf("history %+v, want one more %s entry", r.History, want.action)
				case !ok && domain.CodeOf(err) != domain.CodeConflict:
					t.Fatalf("allowed (status %s, err %v); want a conflict", r.Status, err)
				case !ok && (r.Status != from || len(r.History) != before):
					t.Fatal("a refused action changed the record")
				}
			})
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DOMAIN.md "Time": on or before 31 January means up to 23:59:59.999 that day, Shanghai time.
func TestTheCutoffIsFirstFebruaryMidnightInShanghai(t *testing.T) {
	cutoff := domain.CutoffFor(2026)
	if want := time.Date(2027, 1, 31, 16, 0, 0, 0, time.UTC); !cutoff.Equal(want) {
		t.Fatalf("cutoff %s, want %s", cutoff, want)
	}
	last := time.Date(2027, 1, 31, 23, 59, 59, 999_000_000, domain.Shanghai)
	for at, want := range map[time.Time]bool{
		last:                         true,
		cutoff:                       false,
		cutoff.Add(-time.Nanosecond): true,
		time.Date(2027, 1, 1, 0, 0, 0, 0, domain.Shanghai): true,
		// 20:00 on 31 January in UTC is already 1 February in Shanghai.
		time.Date(2027, 1, 31, 20, 0, 0, 0, time.UTC): false,
	} {
		if got := domain.OnTimeAt(2026, at); got != want {
			t.Errorf("OnTimeAt(2026, %s) = %v", at.Format(time.RFC3339Nano), got)
		}
	}
	r := &domain.AnnualReport{}
	if err := r.Submit(reportAgency, 2026, "320281", reportBody(), reportOwner, last); err != nil || !r.OnTime || !r.Cutoff.Equal(cutoff) {
		t.Fatalf("submitted at the last millisecond: on_time %v, cutoff %s, %v", r.OnTime, r.Cutoff, err)
	}
	r = &domain.AnnualReport{}
	if err := r.Submit(reportAgency, 2026, "320281", reportBody(), reportOwner, cutoff); err != nil || r.OnTime {
		t.Fatalf("submitted at the cutoff: on_time %v, %v", r.OnTime, err)
	}
}

func TestTheCorrectionPeriodCountsFromTheDayAfterTheReturn(t *testing.T) {
	returned := time.Date(2027, 1, 25, 16, 30, 0, 0, domain.Shanghai)
	if got, want := domain.CorrectionDue(returned, 15), time.Date(2027, 2, 10, 0, 0, 0, 0, domain.Shanghai); !got.Equal(want) {
		t.Fatalf("due %s, want %s", got, want)
	}
	// 23:00 UTC on 24 January is already the 25th in Shanghai.
	if got, want := domain.CorrectionDue(time.Date(2027, 1, 24, 23, 0, 0, 0, time.UTC), 15), time.Date(2027, 2, 10, 0, 0, 0, 0, domain.Shanghai); !got.Equal(want) {
		t.Fatalf("due %s, want %s", got, want)
	}
}

func TestOnTimeIsFixedAtTheFirstSubmission(t *testing.T) {
	at := func(month time.Month, day, hour int) time.Time {
		return time.Date(2027, month, day, hour, 0, 0, 0, domain.Shanghai)
	}
	// Returned on 25 January with 15 days: the correction period ends at 10 February 00:00.
	returned := at(time.January, 25, 9)
	due := domain.CorrectionDue(returned, 15)
	cases := []struct {
		name                   string
		first, returned, again time.Time // a zero returned: resubmitted while waiting for review
		due                    time.Time
		want                   bool
	}{
		{"resubmitted after the cutoff while waiting for review", jan20, time.Time{}, at(time.March, 1, 9), time.Time{}, true},
		{"corrected within the period, after the cutoff", jan20, returned, due.Add(-time.Millisecond), due, true},
		{"corrected after the period and after the cutoff", jan20, returned, due, due, false},
		{"corrected after a period that ended before the cutoff", at(time.January, 3, 9), at(time.January, 5, 9), at(time.January, 31, 9),
			domain.CorrectionDue(at(time.January, 5, 9), 15), true},
		{"a late report corrected within the period stays late", at(time.February, 3, 9), at(time.February, 4, 9), at(time.February, 5, 9),
			domain.CorrectionDue(at(time.February, 4, 9), 15), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &domain.AnnualReport{}
			if err := r.Submit(reportAgency, 2026, "320281", reportBody(), reportOwner, tc.first); err != nil {
				t.Fatal(err)
			}
			if !tc.returned.IsZero() {
				if err := r.Return([]domain.ReviewReason{{Message: "补正"}}, tc.due, reportOfficer, tc.returned, ""); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Resubmit("320281", reportBody(), reportOwner, tc.again); err != nil {
				t.Fatal(err)
			}
			if r.OnTime != tc.want || !r.FirstSubmittedAt.Equal(tc.first) || !r.SubmittedAt.Equal(tc.again) {
				t.Fatalf("on_time %v (want %v), first %s, submitted %s", r.OnTime, tc.want, r.FirstSubmittedAt, r.SubmittedAt)
			}
			if !r.CorrectionDue.IsZero() || r.ReturnReasons != nil {
				t.Fatal("a resubmission kept the return's period or reasons")
			}
		})
	}
}

func TestSciTechClientsAreRequiredExactlyWhenDeclaredAndMustBeClients(t *testing.T) {
	a, b := "91320281MA20JY015Q", "320281199001011233"
	fields := func(body domain.ReportBody) []string {
		var out []string
		for _, e := range body.CheckFields() {
			out = append(out, e.Field+" "+e.Code)
		}
		return out
	}
	body := reportBody(a, b)
	body.SciTechProjectServices = ptr(true)
	if got := fields(body); fmt.Sprint(got) != "[/sci_tech_project_clients required_if]" {
		t.Errorf("declared without clients: %v", got)
	}
	body.SciTechProjectClients = []string{a, "91320211MA20WX013C", b, "x"}
	if got := fields(body); fmt.Sprint(got) != "[/sci_tech_project_clients/1 in_clients /sci_tech_project_clients/3 in_clients]" {
		t.Errorf("strangers on the list: %v", got)
	}
	body.SciTechProjectClients = []string{b}
	if got := fields(body); len(got) != 0 {
		t.Errorf("a client on the list: %v", got)
	}
	body.SciTechProjectServices = ptr(false)
	if got := fields(body); fmt.Sprint(got) != "[/sci_tech_project_clients excluded_unless]" {
		t.Errorf("a list without the declaration: %v", got)
	}
	body.SciTechProjectServices = nil
	if got := fields(body); len(got) != 0 {
		t.Errorf("a missing declaration is the tags' to report: %v", got)
	}
}

func TestReportKeysAndIndexes(t *testing.T) {
	r := reportIn(t, domain.ReportSubmitted)
	if got := r.RecordKey(); got != reportAgency+"#2026" || got != domain.ReportKey(reportAgency, 2026) {
		t.Fatalf("key %q", got)
	}
	if got := domain.ReportKey(reportAgency, 999); got != reportAgency+"#0999" {
		t.Fatalf("key of year 999: %q", got)
	}
	ix := r.RecordIndex()
	want := [domain.NumIndexes]domain.IndexKey{
		{Partition: "year#2026", Sort: reportAgency},
		{},
		{Partition: "report_status#submitted", Sort: "2027-01-20T02:00:00Z"},
	}
	if ix != want {
		t.Fatalf("index %+v, want %+v", ix, want)
	}
}

func TestClientLinks(t *testing.T) {
	r := reportIn(t, domain.ReportSubmitted)
	r.Report = reportBody("91320281MA20JY015Q", "320281199001011233")
	links := r.ClientLinks()
	var keys []string
	for _, l := range links {
		keys = append(keys, l.RecordKey())
	}
	if want := []string{"91320281MA20JY015Q#2026#" + reportAgency, "320281199001011233#2026#" + reportAgency}; !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	// A person's links never share a prefix with a longer id that starts with theirs.
	if prefix := domain.ClientLinkPrefix("320281199001011233"); prefix != "320281199001011233#" ||
		!strings.HasPrefix(keys[1], prefix) || strings.HasPrefix(keys[0], prefix) {
		t.Errorf("prefix %q for keys %v", prefix, keys)
	}
	if !r.Report.Serves("320281199001011233") || r.Report.Serves("91320211MA20WX013C") {
		t.Fatal("Serves")
	}
}

func TestEachClientIsListedOnce(t *testing.T) {
	a, b := "91320281MA20JY015Q", "320281199001011233"
	body := reportBody(a, b, a, b, a)
	var got []string
	for _, e := range body.CheckFields() {
		got = append(got, e.Field+" "+e.Code+" "+e.Message.EN)
	}
	want := []string{
		"/clients/2/id unique repeats the id of /clients/0; list each client once",
		"/clients/3/id unique repeats the id of /clients/1; list each client once",
		"/clients/4/id unique repeats the id of /clients/0; list each client once",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
}
