package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/jsipa/ips/shared/domain"
)

// Signer issues ES256 tokens in the shape Verifier expects: the local runner's stand-in for an
// OIDC provider, and the way tests get real tokens. It is safe for concurrent use.
type Signer struct {
	issuer   string
	audience string
	key      crypto.Signer
	kid      string
	public   jwk.Set
	jwks     []byte
}

// NewSigner signs with key, which must be ECDSA P-256. An empty kid becomes the key's RFC 7638
// thumbprint, so a key kept across restarts keeps its kid and old tokens still find it.
func NewSigner(issuer, audience string, key crypto.Signer, kid string) (*Signer, error) {
	if issuer == "" || audience == "" {
		return nil, errors.New("auth: signer needs an issuer and an audience")
	}
	if key == nil {
		return nil, errors.New("auth: signer needs a key")
	}
	pub, ok := key.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve == nil || pub.Curve.Params().Name != "P-256" {
		return nil, fmt.Errorf("auth: signer key must be ECDSA P-256, not %T", key.Public())
	}
	jk, err := jwk.Import(pub)
	if err != nil {
		return nil, fmt.Errorf("auth: signer public key: %w", err)
	}
	if kid == "" {
		tp, err := jk.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, fmt.Errorf("auth: signer key thumbprint: %w", err)
		}
		kid = base64.RawURLEncoding.EncodeToString(tp)
	}
	// Verifier refuses a key whose alg or use contradicts the token, so publish both: the set
	// then works with any strict verifier, not only ours.
	for name, v := range map[string]any{jwk.KeyIDKey: kid, jwk.AlgorithmKey: jwa.ES256(), jwk.KeyUsageKey: jwk.ForSignature} {
		if err := jk.Set(name, v); err != nil {
			return nil, fmt.Errorf("auth: signer public key %s: %w", name, err)
		}
	}
	set := jwk.NewSet()
	if err := set.AddKey(jk); err != nil {
		return nil, fmt.Errorf("auth: signer key set: %w", err)
	}
	doc, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("auth: signer key set: %w", err)
	}
	return &Signer{issuer: issuer, audience: audience, key: key, kid: kid, public: set, jwks: doc}, nil
}

// Sign issues a token for p valid from now for ttl. now is the platform's clock, so a dev clock
// that was moved issues tokens that are valid on that clock.
func (s *Signer) Sign(p domain.Principal, now time.Time, ttl time.Duration) (string, error) {
	if !slices.Contains(domain.Roles, p.Role) {
		return "", fmt.Errorf("auth: cannot sign for unknown role %q", p.Role)
	}
	if p.Subject == "" {
		return "", errors.New("auth: cannot sign without a subject")
	}
	if ttl <= 0 {
		return "", fmt.Errorf("auth: token lifetime %s is not positive", ttl)
	}
	for _, sc := range p.Scopes {
		if sc == "" || strings.ContainsAny(sc, " \t\r\n") {
			return "", fmt.Errorf("auth: scope %q is empty or contains whitespace", sc)
		}
	}
	b := jwt.NewBuilder().
		Issuer(s.issuer).
		Audience([]string{s.audience}).
		Subject(p.Subject).
		IssuedAt(now).
		NotBefore(now).
		Expiration(now.Add(ttl)).
		Claim(ClaimRole, string(p.Role))
	if p.Division != "" {
		b = b.Claim(ClaimDivision, p.Division)
	}
	if len(p.Scopes) > 0 {
		b = b.Claim(ClaimScope, strings.Join(p.Scopes, " "))
	}
	tok, err := b.Build()
	if err != nil {
		return "", fmt.Errorf("auth: building token: %w", err)
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.KeyIDKey, s.kid); err != nil {
		return "", fmt.Errorf("auth: token header: %w", err)
	}
	if err := hdr.Set(jws.TypeKey, "JWT"); err != nil {
		return "", fmt.Errorf("auth: token header: %w", err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.ES256(), s.key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("auth: signing token: %w", err)
	}
	return string(signed), nil
}

// KeyID is the kid the signer puts in its tokens' headers.
func (s *Signer) KeyID() string { return s.kid }

// PublicKeys is the verification key set (public key only, with kid, alg and use), for
// NewStatic. Each call returns a fresh copy, so a caller cannot change what others verify with.
func (s *Signer) PublicKeys() jwk.Set {
	set, err := jwk.Parse(s.jwks)
	if err != nil {
		// s.jwks was marshalled from a valid set in NewSigner.
		panic(fmt.Sprintf("auth: reparsing own key set: %v", err))
	}
	return set
}

// JWKS is the key set as a JSON document, for a dev JWKS endpoint or a test OIDC provider.
func (s *Signer) JWKS() []byte { return slices.Clone(s.jwks) }

// LoadOrCreateSigner keeps the local runner's signing key in a file, so tokens issued before a
// restart still verify after it. The key is ECDSA P-256 in a PKCS#8 PEM block; the file is
// created mode 0600 (with its directory, 0700) when absent.
func LoadOrCreateSigner(path, issuer, audience string) (*Signer, error) {
	key, err := loadKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(path)
	}
	if err != nil {
		return nil, err
	}
	return NewSigner(issuer, audience, key, "")
}

func loadKey(path string) (*ecdsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// A key file others can read is a key others can sign with; tighten it rather than
	// refuse, since this is a developer's machine and the key is only ever for dev mode.
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("auth: restricting %s to 0600: %w", path, err)
		}
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("auth: %s holds no PKCS#8 PEM private key", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("auth: %s: %w", path, err)
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || key.Curve.Params().Name != "P-256" {
		return nil, fmt.Errorf("auth: %s holds a %T, not an ECDSA P-256 key", path, parsed)
	}
	return key, nil
}

func createKey(path string) (*ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("auth: generating signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("auth: encoding signing key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: creating %s: %w", dir, err)
	}
	// Write a temporary file and link it into place: a crash leaves no half-written key, and
	// when two runners start together the second adopts the first's key instead of replacing
	// it and invalidating the tokens the first already issued.
	tmp, err := os.CreateTemp(dir, ".signing-key-*")
	if err != nil {
		return nil, fmt.Errorf("auth: writing signing key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: writing signing key: %w", err)
	}
	if err := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: writing signing key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: writing signing key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("auth: writing signing key: %w", err)
	}
	switch err := os.Link(tmp.Name(), path); {
	case err == nil:
		return key, nil
	case errors.Is(err, fs.ErrExist):
		return loadKey(path)
	default:
		// Some file systems have no hard links; an atomic rename still keeps the file whole.
		if err := os.Rename(tmp.Name(), path); err != nil {
			return nil, fmt.Errorf("auth: writing signing key: %w", err)
		}
		return key, nil
	}
}
