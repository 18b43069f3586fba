package host

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// responseWriter buffers a response for API Gateway, which takes it whole.
// Where it can, it keeps net/http's server semantics (headers frozen at
// WriteHeader, Content-Type sniffing, no body for HEAD, 204 or 304), so a
// handler cannot behave differently on Lambda.
type responseWriter struct {
	method string
	header http.Header
	sent   http.Header // header as it was at WriteHeader
	status int
	body   bytes.Buffer
}

func newResponseWriter(method string) *responseWriter {
	return &responseWriter{method: method, header: make(http.Header)}
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code)) // as net/http does
	}
	if w.status != 0 {
		return
	}
	// net/http sends 1xx responses ahead of the final one; API Gateway has no
	// way to, so they are dropped and the handler goes on to the real status.
	if code < 200 && code != http.StatusSwitchingProtocols {
		return
	}
	w.status = code
	w.sent = w.header.Clone()
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	return w.body.Write(p)
}

// Flush lets handlers that stream (and check for http.Flusher) run unchanged;
// on Lambda their output simply arrives at once.
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
}

func (w *responseWriter) result() events.APIGatewayV2HTTPResponse {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	h, body := w.sent, w.body.Bytes()
	// A key present with no value means "do not add one", as in net/http.
	if _, ok := h["Content-Type"]; !ok && len(body) > 0 {
		h.Set("Content-Type", http.DetectContentType(body))
	}
	if w.method == http.MethodHead {
		body = nil // kept until now only so that HEAD sniffs the same Content-Type as GET
	}

	resp := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: make(map[string]string, len(h))}
	for k, vs := range h {
		k = http.CanonicalHeaderKey(k)
		switch {
		case len(vs) == 0:
		case k == "Set-Cookie":
			// API Gateway folds only this field into a header of its own per cookie.
			resp.Cookies = append(resp.Cookies, vs...)
		case resp.Headers[k] != "":
			resp.Headers[k] += ", " + strings.Join(vs, ", ")
		default:
			resp.Headers[k] = strings.Join(vs, ", ")
		}
	}
	if len(body) == 0 {
		return resp
	}
	if isText(h.Get("Content-Type")) && !isEncoded(h.Get("Content-Encoding")) && utf8.Valid(body) {
		resp.Body = string(body)
	} else {
		// API Gateway only passes bytes intact when told they are base64.
		resp.Body = base64.StdEncoding.EncodeToString(body)
		resp.IsBase64Encoded = true
	}
	return resp
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// isText reports whether a body of this media type can travel as a JSON
// string; the caller still checks that the bytes are UTF-8.
func isText(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "application/json", "application/javascript", "application/xml", "image/svg+xml":
		return true
	}
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	// application/problem+json, application/atom+xml and the like.
	return strings.HasPrefix(mt, "application/") && (strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml"))
}

// isEncoded reports a compressed body, which is binary whatever its media type.
func isEncoded(contentEncoding string) bool {
	ce := strings.TrimSpace(contentEncoding)
	return ce != "" && !strings.EqualFold(ce, "identity")
}
