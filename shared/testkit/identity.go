package testkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
)

// Signer makes a fresh ES256 signing key for tokens of issuer and audience, published under
// kid (or a key id derived from the key when kid is empty).
func Signer(t testing.TB, issuer, audience, kid string) *auth.Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := auth.NewSigner(issuer, audience, key, kid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// OIDCProvider publishes a signer's key the way an OIDC provider does: discovery at the
// issuer, the key set at jwks_uri. A deployed function pointed at URL verifies its tokens.
type OIDCProvider struct {
	URL         string
	Signer      *auth.Signer
	discoveries atomic.Int32
}

// NewOIDCProvider serves a provider for the rest of t.
func NewOIDCProvider(t testing.TB, audience string) *OIDCProvider {
	t.Helper()
	p := &OIDCProvider{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		p.discoveries.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                p.URL,
			"jwks_uri":                              p.URL + "/protocol/openid-connect/certs",
			"id_token_signing_alg_values_supported": []string{"ES256"},
		})
	})
	mux.HandleFunc("GET /protocol/openid-connect/certs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(p.Signer.JWKS())
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	p.Signer = Signer(t, p.URL, audience, "")
	return p
}

// Discoveries counts how often the discovery document was read.
func (p *OIDCProvider) Discoveries() int { return int(p.discoveries.Load()) }

// A credential in an event file is always this placeholder (events/README.md): a real token
// would expire, and a file that carried one would be a credential in the repository.
var placeholderPattern = regexp.MustCompile(`^Bearer \{\{token( [a-z]+=[^\s{}=]+)+\}\}$`)

// PrincipalOf reads the principal a placeholder names. Officers without a subject are known by
// post, as the local runner's dev tokens know them.
func PrincipalOf(authorization string) (domain.Principal, error) {
	if !placeholderPattern.MatchString(authorization) {
		return domain.Principal{}, fmt.Errorf("authorization %q is not of the form `Bearer {{token role=... subject=... division=... scopes=a,b}}`", authorization)
	}
	inner := strings.TrimSuffix(strings.TrimPrefix(authorization, "Bearer {{token "), "}}")
	var p domain.Principal
	seen := map[string]bool{}
	for _, kv := range strings.Fields(inner) {
		k, v, _ := strings.Cut(kv, "=")
		if seen[k] {
			return domain.Principal{}, fmt.Errorf("%q names %s twice", authorization, k)
		}
		seen[k] = true
		switch k {
		case "role":
			p.Role = domain.Role(v)
		case "subject":
			p.Subject = v
		case "division":
			p.Division = v
		case "scopes":
			// scopes=a,b: the credential's scopes, as an integrator's token carries them.
			for sc := range strings.SplitSeq(v, ",") {
				if sc == "" {
					return domain.Principal{}, fmt.Errorf("%q has an empty scope", authorization)
				}
				p.Scopes = append(p.Scopes, sc)
			}
		default:
			return domain.Principal{}, fmt.Errorf("%q has unknown key %q (role, subject, division, scopes)", authorization, k)
		}
	}
	if !slices.Contains(domain.Roles, p.Role) {
		return domain.Principal{}, fmt.Errorf("%q names no known role", authorization)
	}
	if p.Subject == "" {
		p.Subject = string(p.Role)
		if p.Division != "" {
			p.Subject += "@" + p.Division
		}
	}
	return p, nil
}

// BearerFor replaces an event's placeholder with a fresh token for the principal it names,
// valid for an hour from now.
func BearerFor(t testing.TB, signer *auth.Signer, placeholder string, now time.Time) string {
	t.Helper()
	p, err := PrincipalOf(placeholder)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := signer.Sign(p, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}
