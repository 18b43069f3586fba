package reporting_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/reporting"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/testkit"
)

// failingLinks fails the next n creates of client links, as a crash between the report's write
// and its links would leave them.
type failingLinks struct {
	domain.Store
	n atomic.Int32
}

func (s *failingLinks) Create(ctx context.Context, it domain.Item) (domain.Item, error) {
	if it.Collection == domain.ClientLinkCollection && s.n.Add(-1) >= 0 {
		return domain.Item{}, errors.New("connection reset")
	}
	return s.Store.Create(ctx, it)
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func setup(t *testing.T) (*failingLinks, *policy.Engine) {
	t.Helper()
	ctx := context.Background()
	engine, err := policy.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return &failingLinks{Store: store}, engine
}

func ptr[T any](v T) *T { return &v }

func TestTheCorrectionPeriodIsPolicyData(t *testing.T) {
	store, engine := setup(t)
	svc := reporting.New(store, engine, engine, fixedClock(time.Now()))
	p, err := svc.Parameters(context.Background(), domain.Date{Year: 2028, Month: time.January, Day: 25})
	if err != nil || p.CorrectionPeriodDays != 15 || p.EffectiveFrom != "2000-01-01" || p.Basis == "" {
		t.Fatalf("parameters %+v, %v", p, err)
	}
	if _, err := svc.Parameters(context.Background(), domain.Date{Year: 1999, Month: time.December, Day: 31}); domain.CodeOf(err) != domain.CodeInternal {
		t.Fatalf("a date no parameters cover: %v; want an internal error, never a default", err)
	}
	none := reporting.New(store, engine, nil, fixedClock(time.Now()))
	if _, err := none.Parameters(context.Background(), domain.Date{Year: 2028, Month: time.January, Day: 25}); domain.CodeOf(err) != domain.CodeInternal {
		t.Fatalf("without a policy engine: %v", err)
	}
}

// A crash after the report is written and before its links is healed by the agency's retry.
func TestARetryHealsMissingClientLinks(t *testing.T) {
	store, engine := setup(t)
	ctx := context.Background()
	code := testkit.USCC(t, "91320281", "MA20JY01")
	client := testkit.USCC(t, "91320281", "MA2CL001")

	agency := &domain.Agency{}
	filed := time.Date(2026, 6, 1, 9, 0, 0, 0, domain.Shanghai)
	f := domain.AgencyFiling{USCC: code, Name: "江阴市知信专利代理有限公司", DistrictCode: "320281",
		BusinessStartedOn: domain.Date{Year: 2020, Month: time.March, Day: 1}}
	if err := agency.File(f, domain.Actor{Role: domain.RoleAgency, Subject: code}, filed); err != nil {
		t.Fatal(err)
	}
	if err := agency.Accept("320281-2026-00001", domain.Actor{Role: domain.RoleCityOfficer, Subject: "o", Division: "320281"}, filed, ""); err != nil {
		t.Fatal(err)
	}
	if err := (domain.Repo[domain.Agency, *domain.Agency]{Store: store, Collection: "agencies"}).Create(ctx, agency); err != nil {
		t.Fatal(err)
	}

	svc := reporting.New(store, engine, engine, fixedClock(time.Date(2027, 1, 20, 10, 0, 0, 0, domain.Shanghai)))
	p := domain.Principal{Role: domain.RoleAgency, Subject: code}
	body := domain.ReportBody{
		PatentApplications:    &domain.PatentApplications{Invention: ptr(1), UtilityModel: ptr(0), Design: ptr(0)},
		TrademarkApplications: ptr(0), CopyrightRegistrations: ptr(0), OtherServices: ptr(0), RevenueFen: ptr(int64(100)),
		PractitionersAtYearEnd: ptr(3), ComplaintsReceived: ptr(0), SciTechProjectServices: ptr(false),
		Clients: []domain.ReportClient{{ID: client, Name: "客户", Services: []string{"patent_agency"}}},
	}
	store.n.Store(1)
	if _, _, err := svc.Submit(ctx, p, code, 2026, body, 0); domain.CodeOf(err) != domain.CodeInternal {
		t.Fatalf("the links' failure: %v", err)
	}
	links := domain.Repo[domain.ClientLink, *domain.ClientLink]{Store: store, Collection: domain.ClientLinkCollection}
	if _, err := links.Get(ctx, domain.ClientLinkKey(client, 2026, code)); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a link after the failure: %v", err)
	}
	rep, created, err := svc.Submit(ctx, p, code, 2026, body, 0)
	if err != nil || created || rep.Version != 2 || !rep.OnTime {
		t.Fatalf("the retry: %+v created %v, %v", rep, created, err)
	}
	l, err := links.Get(ctx, domain.ClientLinkKey(client, 2026, code))
	if err != nil || l.Entity != client || l.Year != 2026 || l.Agency != code {
		t.Fatalf("link after the retry: %+v, %v", l, err)
	}
	// And once more: existing links are no failure.
	if _, _, err := svc.Submit(ctx, p, code, 2026, body, 0); err != nil {
		t.Fatal(err)
	}
}
