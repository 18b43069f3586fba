// Package auth turns an `Authorization: Bearer <JWT>` credential into a domain.Principal.
//
// Production verifies OIDC tokens against the provider's published key set (NewOIDC). The local
// runner signs its own tokens (Signer) and verifies them with a fixed key set (NewStatic); both
// go through the same Verifier.Verify, so dev mode exercises the production checks.
package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/jsipa/ips/shared/domain"
)

// One message for every failure: telling a caller which check failed would help an attacker
// probe the verifier and would not help an honest user, who can only sign in again.
var unauthenticatedText = domain.Text{
	ZH: "登录凭证无效或已过期，请重新登录",
	EN: "Your sign-in is missing, invalid or expired; sign in again.",
}

// Unauthenticated is the error every credential failure becomes. reason is kept in Err for the
// log only. It is exported so that callers that refuse a request before Verify (no bearer
// token at all) answer exactly as Verify does.
func Unauthenticated(reason error) *domain.Error {
	return &domain.Error{Code: domain.CodeUnauthenticated, Message: unauthenticatedText, Err: reason}
}

// Reason is the internal cause of a failure returned by this package, for the log. It is never
// to be shown to the caller.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var e *domain.Error
	if errors.As(err, &e) {
		if e.Err != nil {
			return e.Err.Error()
		}
		return string(e.Code)
	}
	return err.Error()
}

// BearerToken extracts the credential from `Authorization: Bearer <token>`. The scheme is
// case-insensitive (RFC 9110 §11.1); anything looser than one space and one token68 (RFC 9110
// §11.2) is refused, as are several Authorization headers, because lenient parsing is where
// proxies and handlers start to disagree about which credential a request carries.
func BearerToken(r *http.Request) (string, bool) {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return "", false
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || !isToken68(token) {
		return "", false
	}
	return token, true
}

func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}
