package testkit

import (
	"reflect"
	"testing"

	"github.com/jsipa/ips/shared/domain"
)

func TestTokenPlaceholdersNameThePrincipalToSignFor(t *testing.T) {
	good := []struct {
		header string
		want   domain.Principal
	}{
		{"Bearer {{token role=agency subject=91320281MA20JY015Q}}",
			domain.Principal{Role: domain.RoleAgency, Subject: "91320281MA20JY015Q"}},
		{"Bearer {{token role=city_officer division=320281}}",
			domain.Principal{Role: domain.RoleCityOfficer, Subject: "city_officer@320281", Division: "320281"}},
		{"Bearer {{token role=province_officer subject=officer-17 division=320000}}",
			domain.Principal{Role: domain.RoleProvinceOfficer, Subject: "officer-17", Division: "320000"}},
		{"Bearer {{token role=integrator subject=patent-subsidy-system scopes=eligibility:read,credit:read}}",
			domain.Principal{Role: domain.RoleIntegrator, Subject: "patent-subsidy-system", Scopes: []string{"eligibility:read", "credit:read"}}},
	}
	for _, tc := range good {
		got, err := PrincipalOf(tc.header)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, %v; want %+v", tc.header, got, err, tc.want)
		}
	}
	for _, bad := range []string{
		"Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
		"{{token role=agency subject=91320281MA20JY015Q}}",
		"Bearer {{token}}",
		"Bearer {{token role=admin subject=x}}",
		"Bearer {{token subject=91320281MA20JY015Q}}",
		"Bearer {{token role=agency role=city_officer}}",
		"Bearer {{token role=agency sub=91320281MA20JY015Q}}",
		"Bearer {{ token role=agency subject=91320281MA20JY015Q }}",
		"Bearer {{token role=integrator scopes=eligibility:read,}}",
		"Bearer {{token role=integrator scopes=,eligibility:read}}",
	} {
		if p, err := PrincipalOf(bad); err == nil {
			t.Errorf("%q read as %+v; want it refused", bad, p)
		}
	}
}
