package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/jsipa/ips/shared/domain"
)

// Custom claim names; the standard ones are jwt.*Key.
const (
	ClaimRole     = "role"
	ClaimDivision = "division"
	ClaimScope    = "scope"
)

// ClockSkew is how far the issuer's clock and ours may disagree before exp, nbf and iat count.
const ClockSkew = 30 * time.Second

// maxTokenBytes bounds the work an anonymous caller can make us do before any signature check;
// real tokens are well under 2 KiB.
const maxTokenBytes = 16 << 10

// allowedAlgs is the whole list of what we verify. Only asymmetric algorithms: with HS* the
// verification key is the signing key, so anyone holding the published key set could mint
// tokens, and "none" is no signature at all. The header's alg is only ever checked against this
// list and against the key; it never chooses how to verify on its own.
var allowedAlgs = map[string]jwa.SignatureAlgorithm{
	"RS256": jwa.RS256(),
	"PS256": jwa.PS256(),
	"ES256": jwa.ES256(),
	"EdDSA": jwa.EdDSA(),
}

// keySource finds the verification key a token names.
type keySource interface {
	lookup(ctx context.Context, kid string) (jwk.Key, error)
}

// Verifier checks bearer tokens: signature, issuer, audience, validity period and the claims a
// Principal is made of. It is safe for concurrent use.
type Verifier struct {
	issuer   string
	audience string
	now      func() time.Time
	keys     keySource
}

// NewStatic verifies tokens against a fixed key set: the local runner's own signer and tests.
// now is the platform's clock (nil: time.Now), so a moved dev clock moves token expiry with it.
func NewStatic(issuer, audience string, keys jwk.Set, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{issuer: issuer, audience: audience, now: now, keys: staticKeys{set: keys}}
}

type staticKeys struct{ set jwk.Set }

func (s staticKeys) lookup(_ context.Context, kid string) (jwk.Key, error) {
	if s.set == nil {
		return nil, errors.New("no key set configured")
	}
	if k, ok := s.set.LookupKeyID(kid); ok {
		return k, nil
	}
	return nil, fmt.Errorf("unknown key id %q", kid)
}

// Verify checks token and returns who it speaks for. Every failure is a *domain.Error with
// CodeUnauthenticated and the same client message; Reason(err) tells the log why.
func (v *Verifier) Verify(ctx context.Context, token string) (domain.Principal, error) {
	p, err := v.verify(ctx, token)
	if err != nil {
		return domain.Principal{}, Unauthenticated(err)
	}
	return p, nil
}

func (v *Verifier) verify(ctx context.Context, token string) (domain.Principal, error) {
	if token == "" {
		return domain.Principal{}, errors.New("empty token")
	}
	if len(token) > maxTokenBytes {
		return domain.Principal{}, fmt.Errorf("token of %d bytes exceeds %d", len(token), maxTokenBytes)
	}
	// Only the compact form: the JSON serialisations can carry several signatures and
	// unprotected headers, which a bearer token never needs.
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return domain.Principal{}, fmt.Errorf("not a compact JWS: %d segments", len(parts))
	}
	hdr, err := parseHeader(parts[0])
	if err != nil {
		return domain.Principal{}, err
	}
	alg, ok := allowedAlgs[hdr.alg]
	if !ok {
		return domain.Principal{}, fmt.Errorf("algorithm %q not allowed", hdr.alg)
	}
	if parts[2] == "" {
		return domain.Principal{}, errors.New("signature missing")
	}
	if hdr.kid == "" {
		return domain.Principal{}, errors.New("no key id (kid) in header")
	}
	key, err := v.keys.lookup(ctx, hdr.kid)
	if err != nil {
		return domain.Principal{}, err
	}
	raw, err := verificationKey(key, hdr.alg)
	if err != nil {
		return domain.Principal{}, fmt.Errorf("key %q: %w", hdr.kid, err)
	}
	// Claims are checked below rather than by jwt's validator so that each failure gets its
	// own reason for the log and the clock is ours.
	tok, err := jwt.ParseString(token, jwt.WithKey(alg, raw), jwt.WithValidate(false),
		jwt.WithStrictStringClaims(true))
	if err != nil {
		return domain.Principal{}, fmt.Errorf("signature or payload invalid: %w", err)
	}
	return v.principal(tok)
}

type header struct{ alg, kid string }

func parseHeader(seg string) (header, error) {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return header{}, fmt.Errorf("header is not base64url: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return header{}, fmt.Errorf("header is not a JSON object: %w", err)
	}
	// We implement no JWS extension, and RFC 7515 §4.1.11 requires refusing a token that
	// depends on one; b64 (RFC 7797) would change what the signature covers.
	for _, name := range []string{"crit", "b64"} {
		if _, ok := fields[name]; ok {
			return header{}, fmt.Errorf("unsupported header parameter %q", name)
		}
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return header{}, fmt.Errorf("header alg or kid is not a string: %w", err)
	}
	return header{alg: h.Alg, kid: h.Kid}, nil
}

// verificationKey is the raw public key to check a signature made with alg. A key must fit the
// algorithm by its own type, not by what the token claims, so a token cannot talk us into
// using an RSA key as an HMAC secret or a P-384 key for ES256.
func verificationKey(key jwk.Key, alg string) (any, error) {
	if ka, ok := key.Algorithm(); ok && ka.String() != "" && ka.String() != alg {
		return nil, fmt.Errorf("key is for %s, token is signed with %s", ka, alg)
	}
	if use, ok := key.KeyUsage(); ok && use != "" && use != string(jwk.ForSignature) {
		return nil, fmt.Errorf("key use is %q, not sig", use)
	}
	// A set built from private keys must verify exactly as its public half would.
	pub, err := key.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("no public key: %w", err)
	}
	var raw any
	if err := jwk.Export(pub, &raw); err != nil {
		return nil, fmt.Errorf("unusable key: %w", err)
	}
	switch k := raw.(type) {
	case *rsa.PublicKey:
		if alg != "RS256" && alg != "PS256" {
			return nil, fmt.Errorf("RSA key cannot verify %s", alg)
		}
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("RSA key of %d bits is too short", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if alg != "ES256" || k.Curve == nil || k.Curve.Params().Name != "P-256" {
			return nil, fmt.Errorf("EC key cannot verify %s", alg)
		}
	case ed25519.PublicKey:
		if alg != "EdDSA" {
			return nil, fmt.Errorf("Ed25519 key cannot verify %s", alg)
		}
	default:
		return nil, fmt.Errorf("key of type %T cannot verify %s", raw, alg)
	}
	return raw, nil
}

func (v *Verifier) principal(tok jwt.Token) (domain.Principal, error) {
	now := v.now()
	exp, ok := tok.Expiration()
	if !ok {
		return domain.Principal{}, errors.New("exp claim missing")
	}
	if !now.Before(exp.Add(ClockSkew)) {
		return domain.Principal{}, fmt.Errorf("expired at %s, now %s", exp.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	if nbf, ok := tok.NotBefore(); ok && now.Before(nbf.Add(-ClockSkew)) {
		return domain.Principal{}, fmt.Errorf("not valid before %s, now %s", nbf.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	if iat, ok := tok.IssuedAt(); ok && now.Before(iat.Add(-ClockSkew)) {
		return domain.Principal{}, fmt.Errorf("issued in the future at %s, now %s", iat.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	if iss, _ := tok.Issuer(); iss != v.issuer {
		return domain.Principal{}, fmt.Errorf("issuer %q is not %q", iss, v.issuer)
	}
	if aud, _ := tok.Audience(); !slices.Contains(aud, v.audience) {
		return domain.Principal{}, fmt.Errorf("audience %q does not include %q", aud, v.audience)
	}
	sub, _ := tok.Subject()
	if sub == "" {
		return domain.Principal{}, errors.New("sub claim missing")
	}
	role, ok, err := stringClaim(tok, ClaimRole)
	if err != nil {
		return domain.Principal{}, err
	}
	if !ok || role == "" {
		return domain.Principal{}, errors.New("role claim missing")
	}
	if !slices.Contains(domain.Roles, domain.Role(role)) {
		return domain.Principal{}, fmt.Errorf("unknown role %q", role)
	}
	division, _, err := stringClaim(tok, ClaimDivision)
	if err != nil {
		return domain.Principal{}, err
	}
	scope, _, err := stringClaim(tok, ClaimScope)
	if err != nil {
		return domain.Principal{}, err
	}
	p := domain.Principal{Role: domain.Role(role), Subject: sub, Division: division}
	// nil rather than empty, so a token without scopes yields the same Principal however it
	// spelled that (no claim or "").
	if scopes := strings.Fields(scope); len(scopes) > 0 {
		p.Scopes = scopes
	}
	return p, nil
}

// stringClaim reads an optional private claim that must be a string when present.
func stringClaim(tok jwt.Token, name string) (string, bool, error) {
	if !tok.Has(name) {
		return "", false, nil
	}
	var v any
	if err := tok.Get(name, &v); err != nil {
		return "", false, fmt.Errorf("%s claim unreadable: %w", name, err)
	}
	s, ok := v.(string)
	if !ok {
		return "", false, fmt.Errorf("%s claim is %T, not a string", name, v)
	}
	return s, true, nil
}
