package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// OIDCConfig configures a Verifier for an OpenID Connect provider's tokens.
type OIDCConfig struct {
	// Issuer is the provider's issuer identifier, compared exactly with the iss claim.
	Issuer string
	// Audience must be in the aud claim: the client id this platform is registered under.
	Audience string
	// JWKSURL is the provider's key set; empty discovers it from the issuer's
	// /.well-known/openid-configuration on first use.
	JWKSURL string
	// HTTPClient fetches discovery and key set documents; nil is a client with a short timeout.
	HTTPClient *http.Client
	// Now is the platform's clock for token validity; nil is time.Now.
	Now func() time.Time
}

const (
	// minRefresh bounds how often tokens naming unknown key ids can make us refetch: a flood of
	// forged kids must not turn into a flood of requests to the provider.
	minRefresh = time.Minute
	// retryAfterFailure is shorter than minRefresh so that a cold start that met a network blip
	// does not refuse every caller for a whole minute.
	retryAfterFailure = 5 * time.Second
	// maxKeyAge refetches a set even when every kid is known, so that a key the provider
	// withdrew (say, after a compromise) stops verifying within this time.
	maxKeyAge = 15 * time.Minute
	// fetchTimeout bounds one discovery or key set request.
	fetchTimeout = 10 * time.Second
	// maxDocBytes bounds what a misbehaving provider can make us read.
	maxDocBytes = 1 << 20
)

// NewOIDC verifies tokens from an OIDC provider. It only checks cfg: nothing is fetched until
// the first Verify, because a Lambda cold start must not wait on the provider, and a provider
// outage must not stop functions that serve public, unauthenticated requests from starting.
func NewOIDC(_ context.Context, cfg OIDCConfig) (*Verifier, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("auth: OIDC issuer is required")
	}
	if cfg.Audience == "" {
		return nil, errors.New("auth: OIDC audience is required")
	}
	iu, err := checkURL(cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: OIDC issuer: %w", err)
	}
	if iu.RawQuery != "" || iu.Fragment != "" {
		return nil, errors.New("auth: OIDC issuer must not have a query or fragment")
	}
	if cfg.JWKSURL != "" {
		if _, err := checkURL(cfg.JWKSURL); err != nil {
			return nil, fmt.Errorf("auth: OIDC JWKS URL: %w", err)
		}
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: fetchTimeout}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Verifier{
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		now:      now,
		keys: &remoteKeys{
			issuer:  cfg.Issuer,
			jwksURL: cfg.JWKSURL,
			client:  client,
			clock:   time.Now,
		},
	}, nil
}

// checkURL allows https, and http only to a loopback host, where tests and a local provider run.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q carries credentials", raw)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return u, nil
		}
		return nil, fmt.Errorf("%q is plain http to a non-loopback host", raw)
	default:
		return nil, fmt.Errorf("%q is not an https URL", raw)
	}
}

// remoteKeys is a provider's key set, fetched lazily and refetched when a token names a key we
// have not seen (rotation) or the set grows old. It is our own rather than jwk.Cache because
// jwk.Cache refreshes from background goroutines, which Lambda freezes between invocations,
// and its Refresh fetches unconditionally, so the rate limit would be ours to write anyway.
type remoteKeys struct {
	issuer  string
	jwksURL string // configured; empty means discover
	client  *http.Client
	// clock measures refresh intervals. It is the real clock, not the platform's: a dev clock
	// pinned or moved must neither freeze refreshes nor unleash them.
	clock func() time.Time

	current atomic.Pointer[keySnapshot] // read without locking on every Verify

	mu          sync.Mutex // serialises fetches, so a burst of callers shares one request
	lastAttempt time.Time
	lastErr     error
	discovered  string // jwks_uri from discovery; cleared when fetching it fails
}

type keySnapshot struct {
	set     jwk.Set
	fetched time.Time
}

func (r *remoteKeys) lookup(ctx context.Context, kid string) (jwk.Key, error) {
	if snap := r.current.Load(); snap != nil {
		if k, ok := snap.set.LookupKeyID(kid); ok && r.clock().Sub(snap.fetched) < maxKeyAge {
			return k, nil
		}
	}
	snap, err := r.refresh(ctx)
	if snap == nil {
		return nil, fmt.Errorf("key set unavailable: %w", err)
	}
	// A stale set still verifies while the provider is unreachable: refusing everyone would
	// be worse than honouring keys that were valid minutes ago.
	if k, ok := snap.set.LookupKeyID(kid); ok {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("unknown key id %q (key set refresh failed: %v)", kid, err)
	}
	return nil, fmt.Errorf("unknown key id %q", kid)
}

// refresh fetches the key set unless an attempt was made too recently; either way it returns
// the newest snapshot it has (nil before any success) and the last fetch error.
func (r *remoteKeys) refresh(ctx context.Context) (*keySnapshot, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock()
	wait := minRefresh
	if r.lastErr != nil {
		wait = retryAfterFailure
	}
	if !r.lastAttempt.IsZero() && now.Sub(r.lastAttempt) < wait {
		return r.current.Load(), r.lastErr
	}
	r.lastAttempt = now
	set, err := r.fetch(ctx)
	r.lastErr = err
	if err != nil {
		return r.current.Load(), err
	}
	snap := &keySnapshot{set: set, fetched: now}
	r.current.Store(snap)
	return snap, nil
}

func (r *remoteKeys) fetch(ctx context.Context) (jwk.Set, error) {
	// The fetch serves every waiting caller, so the one whose request happened to trigger it
	// must not cancel it by hanging up.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	jwksURL := r.jwksURL
	if jwksURL == "" {
		if r.discovered == "" {
			u, err := r.discover(ctx)
			if err != nil {
				return nil, err
			}
			r.discovered = u
		}
		jwksURL = r.discovered
	}
	body, err := r.get(ctx, jwksURL)
	if err != nil {
		// The provider may have moved its keys; look again next time.
		r.discovered = ""
		return nil, fmt.Errorf("fetching key set: %w", err)
	}
	// Non-strict, so that one key of a type we cannot parse (a provider trying out a new
	// algorithm) does not cost us the keys we can.
	set, err := jwk.Parse(body, jwk.WithStrictKeySetParsing(false))
	if err != nil {
		return nil, fmt.Errorf("parsing key set from %s: %w", jwksURL, err)
	}
	if set.Len() == 0 {
		return nil, fmt.Errorf("key set from %s is empty", jwksURL)
	}
	return set, nil
}

// discover reads jwks_uri from the provider's metadata (OpenID Connect Discovery 1.0 §4).
func (r *remoteKeys) discover(ctx context.Context) (string, error) {
	// §4: a terminating "/" of the issuer is removed before appending the well-known path.
	u := strings.TrimSuffix(r.issuer, "/") + "/.well-known/openid-configuration"
	body, err := r.get(ctx, u)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &meta); err != nil {
		return "", fmt.Errorf("discovery document from %s: %w", u, err)
	}
	// §4.3: the metadata must be for the issuer we asked about, or another issuer's keys
	// could be slipped in as ours.
	if meta.Issuer != r.issuer {
		return "", fmt.Errorf("discovery document names issuer %q, not %q", meta.Issuer, r.issuer)
	}
	if meta.JWKSURI == "" {
		return "", fmt.Errorf("discovery document from %s has no jwks_uri", u)
	}
	if _, err := checkURL(meta.JWKSURI); err != nil {
		return "", fmt.Errorf("discovery jwks_uri: %w", err)
	}
	return meta.JWKSURI, nil
}

func (r *remoteKeys) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if len(body) > maxDocBytes {
		return nil, fmt.Errorf("GET %s: document exceeds %d bytes", u, maxDocBytes)
	}
	return body, nil
}
