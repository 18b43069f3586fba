package host

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// LambdaHandler adapts h to API Gateway HTTP API events (payload format 2.0),
// for lambda.Start. The request h sees is shaped as net/http's server would
// shape it, so the same handler behaves the same on Lambda and on a plain
// server. It never returns an error: a Lambda error would reach the client as
// API Gateway's opaque 500, so a malformed event is answered 400 and a panic 500.
func LambdaHandler(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return lambdaHandler(h, nil)
}

func lambdaHandler(h http.Handler, log *slog.Logger) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	log = orDefault(log)
	return func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return serveEvent(ctx, h, log, &e), nil
	}
}

func serveEvent(ctx context.Context, h http.Handler, log *slog.Logger, e *events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse) {
	req, err := newRequest(ctx, e)
	if err != nil {
		log.WarnContext(ctx, "malformed API Gateway event", "request_id", e.RequestContext.RequestID, "err", err.Error())
		return problem(http.StatusBadRequest, "bad request")
	}
	w := newResponseWriter(req.Method)
	// The handler has its own recovery; this is the last line, because on
	// Lambda a panic that escapes would fail the invocation (and, through
	// aws-lambda-go, restart the runtime) instead of answering the client.
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		// net/http treats ErrAbortHandler as a deliberate abort and stays quiet.
		if err, ok := v.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
			log.ErrorContext(ctx, "handler panicked",
				"request_id", req.Header.Get("X-Request-Id"),
				"method", req.Method, "path", req.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
		resp = problem(http.StatusInternalServerError, "internal error")
	}()
	h.ServeHTTP(w, req)
	resp = w.result()
	if tooLarge(resp) {
		log.ErrorContext(ctx, "response exceeds the Lambda payload limit",
			"request_id", req.Header.Get("X-Request-Id"),
			"method", req.Method, "path", req.URL.Path, "body_bytes", len(resp.Body))
		return problem(http.StatusInternalServerError, "internal error")
	}
	return resp
}

// maxResponse is Lambda's limit on a synchronous response. Past it the Runtime
// API refuses the response, aws-lambda-go exits the process, and the client
// gets API Gateway's bare 502 after a cold start; a 500 that says why is better.
const maxResponse = 6 << 20

func tooLarge(resp events.APIGatewayV2HTTPResponse) bool {
	if len(resp.Body) < maxResponse/6 {
		return false // JSON escaping at most sextuples a byte, so it fits
	}
	b, err := json.Marshal(resp)
	return err != nil || len(b) > maxResponse
}

// newRequest builds the *http.Request that net/http's server would have
// built for the same client request.
func newRequest(ctx context.Context, e *events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	method := e.RequestContext.HTTP.Method
	if method == "" {
		return nil, errors.New("no requestContext.http.method: not an HTTP API v2 event")
	}
	path := cmp.Or(e.RawPath, e.RequestContext.HTTP.Path)
	if path == "" {
		return nil, errors.New("no rawPath: not an HTTP API v2 event")
	}
	requestURI := escapePath(path)
	if e.RawQueryString != "" {
		requestURI += "?" + e.RawQueryString
	}
	// ParseRequestURI is what the server uses: it keeps RawPath only when the
	// escaping differs from Path's default one (an encoded "/" in a segment).
	u, err := url.ParseRequestURI(requestURI)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", path, err)
	}

	var body []byte
	if e.IsBase64Encoded {
		body, err = base64.StdEncoding.DecodeString(e.Body)
		if err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
	} else {
		body = []byte(e.Body)
	}

	proto := cmp.Or(e.RequestContext.HTTP.Protocol, "HTTP/1.1")
	major, minor, ok := http.ParseHTTPVersion(proto)
	if !ok {
		proto, major, minor = "HTTP/1.1", 1, 1
	}

	header := make(http.Header, len(e.Headers)+2)
	for k, v := range e.Headers {
		// HTTP APIs already join repeated headers with commas.
		header[http.CanonicalHeaderKey(k)] = []string{v}
	}
	if len(e.Cookies) > 0 {
		cookies := strings.Join(e.Cookies, "; ")
		if c := header.Get("Cookie"); c != "" {
			cookies = c + "; " + cookies
		}
		header.Set("Cookie", cookies)
	}
	// The server promotes Host out of the header map; so do we.
	host := cmp.Or(header.Get("Host"), e.RequestContext.DomainName)
	header.Del("Host")
	if header.Get("X-Request-Id") == "" && e.RequestContext.RequestID != "" {
		// So that logs from this invocation correlate with API Gateway's access log.
		header.Set("X-Request-Id", e.RequestContext.RequestID)
	}

	req := &http.Request{
		Method:        method,
		URL:           u,
		Proto:         proto,
		ProtoMajor:    major,
		ProtoMinor:    minor,
		Header:        header,
		Body:          http.NoBody,
		ContentLength: int64(len(body)),
		Host:          host,
		RemoteAddr:    remoteAddr(e.RequestContext.HTTP.SourceIP),
		RequestURI:    requestURI,
	}
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	// ctx is the invocation's: it carries the Lambda deadline and lambdacontext.
	return req.WithContext(ctx), nil
}

// remoteAddr keeps the server's "IP:port" form so that code splitting
// RemoteAddr works on both hosts; API Gateway does not pass the client port.
func remoteAddr(ip string) string {
	if ip == "" {
		return ""
	}
	return net.JoinHostPort(ip, "0")
}

// escapePath returns p as a valid escaped path. HTTP APIs deliver rawPath
// percent-decoded despite its name ("/a%2Fb" arrives as "/a/b"), while
// Function URLs and hand-written events keep it encoded; escaping only the
// bytes that can never appear literally in an encoded path serves both.
// A decoded path that happens to contain "%XX" is read as encoded: the
// information to tell them apart is already gone.
func escapePath(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) || pathByte(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// pathByte reports whether c may appear unescaped in a path (RFC 3986 pchar
// and "/"; "[" and "]" too, which browsers leave alone).
func pathByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/[]", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func problem(status int, title string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/problem+json"},
		Body:       fmt.Sprintf(`{"title":%q}`, title),
	}
}
