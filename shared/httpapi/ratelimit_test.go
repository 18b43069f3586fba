package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/ratelimit"
	"github.com/jsipa/ips/shared/sqlite"
)

func TestAnIntegratorOverItsRateIsToldWhenToComeBack(t *testing.T) {
	store, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	limiter := ratelimit.New(store, ratelimit.Limit{PerMinute: 6, Burst: 3})
	paced := func(d httpapi.Deps) *httpapi.Function {
		d.Limiter = limiter
		return httpapi.SubsidyClaim(d)
	}
	h := newHarnessOn(t, store, paced)
	entity := uscc(t, "320508", "MA1CL001")
	query := "/v1/eligibility?entity=" + entity + "&year=2027"
	system := h.scoped("patent-subsidy-system", "eligibility:read")
	for range 3 {
		h.expect(h.do("GET", query, system, nil), http.StatusOK)
	}
	r := h.expect(h.do("GET", query, system, nil, "Accept-Language", "en"), http.StatusTooManyRequests)
	if got := r.header.Get("Retry-After"); got != "10" {
		t.Errorf("Retry-After %q; at 6 a minute the next slot is 10 s away", got)
	}
	if p := r.json(t); p["code"] != "throttled" || p["status"] != float64(429) || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("throttled answer %s", r.body)
	}
	// The limit is the credential's: another system, and people, are not held back by it.
	h.expect(h.do("GET", query, h.scoped("sci-tech-system", "eligibility:read"), nil), http.StatusOK)
	enterprise := h.token(domain.RoleEnterprise, entity, "")
	for range 5 {
		h.expect(h.do("GET", query, enterprise, nil), http.StatusOK)
	}
}
