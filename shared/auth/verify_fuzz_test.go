package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/jsipa/ips/shared/domain"
)

// fuzzKey is a fixed P-256 key, so that the corpus the fuzzer keeps (tokens signed with it)
// still verifies on the next run; a key made per run would turn every kept token into an
// unknown signature.
func fuzzKey(t testing.TB) testKey {
	t.Helper()
	raw, _ := hex.DecodeString("7a1d5c3b9e2f48a6b0c4d8e2f6a1b5c9d3e7f1a5b9c3d7e1f5a9b3c7d1e5f9a3")
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{alg: jwa.ES256(), priv: priv, kid: "fuzz"}
}

// fuzzSign is sign for a fuzz target's setup, which has a *testing.F rather than a *testing.T.
func fuzzSign(t testing.TB, k testKey, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	h := jws.NewHeaders()
	if err := h.Set(jws.KeyIDKey, k.kid); err != nil {
		t.Fatal(err)
	}
	b, err := jws.Sign(payload, jws.WithKey(k.alg, k.priv, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzVerify hands the verifier arbitrary tokens, seeded with a good one and every kind of bad
// one. Whatever the bytes, Verify must not panic, must refuse with the one generic message and a
// reason for the log, and may accept only what the key signed: the good token's principal.
func FuzzVerify(f *testing.F) {
	k := fuzzKey(f)
	pub, err := jwk.Import(k.priv.Public())
	if err != nil {
		f.Fatal(err)
	}
	if err := errors.Join(pub.Set(jwk.KeyIDKey, k.kid), pub.Set(jwk.AlgorithmKey, k.alg)); err != nil {
		f.Fatal(err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(pub); err != nil {
		f.Fatal(err)
	}
	v := NewStatic(testIssuer, testAudience, set, fixedClock(testNow))
	good := fuzzSign(f, k, goodClaims())
	if _, err := v.Verify(context.Background(), good); err != nil {
		f.Fatalf("the good seed does not verify, so nothing could be learnt from it: %v", err)
	}
	parts := strings.Split(good, ".")
	for _, tok := range []string{
		good,
		fuzzSign(f, k, with(goodClaims(), map[string]any{"exp": testNow.Add(-time.Hour).Unix()})),
		fuzzSign(f, k, with(goodClaims(), map[string]any{"nbf": testNow.Add(time.Hour).Unix()})),
		fuzzSign(f, k, with(goodClaims(), map[string]any{"aud": "another-app"})),
		fuzzSign(f, k, with(goodClaims(), map[string]any{"iss": "https://evil.example"})),
		fuzzSign(f, k, with(goodClaims(), map[string]any{"role": []string{"province_officer"}})),
		b64(map[string]string{"alg": "none", "kid": "fuzz"}) + "." + parts[1] + ".",
		b64(map[string]string{"alg": "HS256", "kid": "fuzz"}) + "." + parts[1] + "." + parts[2],
		b64(map[string]any{"alg": "ES256", "kid": "fuzz", "crit": []string{"b64"}, "b64": false}) + "." + parts[1] + "." + parts[2],
		parts[0] + "." + b64(with(goodClaims(), map[string]any{"role": "province_officer"})) + "." + parts[2],
		parts[0] + "." + parts[1] + ".",
		parts[0] + "." + parts[1],
		b64(map[string]string{"alg": "ES256", "kid": strings.Repeat("k", 5000)}) + "." + parts[1] + "." + parts[2],
		"", ".", "..", "a.b.c", strings.Repeat("A", maxTokenBytes+1),
	} {
		f.Add(tok)
	}
	want := wantPrincipal()
	f.Fuzz(func(t *testing.T, token string) {
		p, err := v.Verify(context.Background(), token)
		if err == nil {
			if !reflect.DeepEqual(p, want) {
				t.Fatalf("verified %q into %+v; the key only ever signed %+v", token, p, want)
			}
			return
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeUnauthenticated || de.Message != unauthenticatedText || len(de.Fields) != 0 {
			t.Fatalf("Verify(%q): %#v, want the generic unauthenticated error", token, err)
		}
		if r := Reason(err); r == "" || r == string(domain.CodeUnauthenticated) {
			t.Fatalf("Verify(%q) refused without a reason for the log", token)
		}
		if !reflect.DeepEqual(p, domain.Principal{}) {
			t.Fatalf("Verify(%q) refused but returned %+v", token, p)
		}
		// The header parser in front of Verify takes exactly one "Bearer <token68>".
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		if got, ok := BearerToken(r); ok && got != token {
			t.Fatalf("BearerToken read %q out of %q", got, "Bearer "+token)
		}
	})
}
