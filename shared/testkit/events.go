package testkit

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The keys API Gateway always sends in an HTTP API payload 2.0 event; a struct cannot tell a
// missing key from an empty value, so they are checked on the raw JSON.
var (
	eventKeys       = []string{"version", "routeKey", "rawPath", "rawQueryString", "headers", "requestContext", "isBase64Encoded"}
	contextKeys     = []string{"accountId", "apiId", "domainName", "domainPrefix", "http", "requestId", "routeKey", "stage", "time", "timeEpoch"}
	contextHTTPKeys = []string{"method", "path", "protocol", "sourceIp", "userAgent"}
)

// apiGatewayTime is requestContext.time's layout.
const apiGatewayTime = "02/Jan/2006:15:04:05 -0700"

// httpAPIEvent is what the checks read of an event. testkit may not import the AWS types (only
// the edges import AWS), so the functions' tests decode their events into those strictly and
// hand the raw file here.
type httpAPIEvent struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters"`
	PathParameters        map[string]string `json:"pathParameters"`
	RequestContext        struct {
		AccountID    string `json:"accountId"`
		APIID        string `json:"apiId"`
		DomainName   string `json:"domainName"`
		DomainPrefix string `json:"domainPrefix"`
		HTTP         struct {
			Method    string `json:"method"`
			Path      string `json:"path"`
			Protocol  string `json:"protocol"`
			SourceIP  string `json:"sourceIp"`
			UserAgent string `json:"userAgent"`
		} `json:"http"`
		RequestID string `json:"requestId"`
		RouteKey  string `json:"routeKey"`
		Stage     string `json:"stage"`
		Time      string `json:"time"`
		TimeEpoch int64  `json:"timeEpoch"`
	} `json:"requestContext"`
	Body            string `json:"body"`
	IsBase64Encoded bool   `json:"isBase64Encoded"`
}

func missingKeys(obj map[string]json.RawMessage, keys []string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// CheckHTTPAPIEvent holds an event file (events/<function>/*.json) to what API Gateway HTTP
// APIs deliver in payload format 2.0: the keys it always sends, a route key, path and path
// parameters that agree, lower-case headers, a host, address and user agent matching the
// request context, a time that matches its epoch, a JSON body with its length and type, and a
// credential only as a `{{token …}}` placeholder (events/README.md).
func CheckHTTPAPIEvent(t testing.TB, raw []byte) {
	t.Helper()
	var e httpAPIEvent
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	var top, rc, rcHTTP map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(top["requestContext"], &rc); err != nil {
		t.Fatalf("requestContext: %v", err)
	}
	if err := json.Unmarshal(rc["http"], &rcHTTP); err != nil {
		t.Fatalf("requestContext.http: %v", err)
	}
	for _, m := range [][]string{missingKeys(top, eventKeys), missingKeys(rc, contextKeys), missingKeys(rcHTTP, contextHTTPKeys)} {
		if len(m) > 0 {
			t.Errorf("missing keys %v", m)
		}
	}

	ctx := e.RequestContext
	method, path, _ := strings.Cut(e.RouteKey, " ")
	for _, c := range []struct {
		ok   bool
		what string
	}{
		{e.Version == "2.0", "version is not 2.0"},
		{ctx.RouteKey == e.RouteKey, "requestContext.routeKey differs from routeKey"},
		{ctx.HTTP.Method == method, "requestContext.http.method is not the route's method"},
		{ctx.HTTP.Path == e.RawPath, "requestContext.http.path differs from rawPath"},
		{ctx.Stage == "$default", "stage is not $default, the HTTP API's only stage (paths carry no stage prefix)"},
		{ctx.HTTP.Protocol == "HTTP/1.1" || ctx.HTTP.Protocol == "HTTP/2.0", "protocol is neither HTTP/1.1 nor HTTP/2.0"},
	} {
		if !c.ok {
			t.Error(c.what)
		}
	}
	if got := pathParams(path, e.RawPath); !reflect.DeepEqual(got, e.PathParameters) {
		t.Errorf("pathParameters %v; %s on %s gives %v", e.PathParameters, path, e.RawPath, got)
	}

	q, err := url.ParseQuery(e.RawQueryString)
	if err != nil {
		t.Errorf("rawQueryString: %v", err)
	}
	var wantQ map[string]string
	for k, vs := range q {
		if wantQ == nil {
			wantQ = map[string]string{}
		}
		wantQ[k] = strings.Join(vs, ",") // how HTTP APIs fold repeated parameters
	}
	if !reflect.DeepEqual(wantQ, e.QueryStringParameters) {
		t.Errorf("queryStringParameters %v; rawQueryString %q gives %v", e.QueryStringParameters, e.RawQueryString, wantQ)
	}

	for k := range e.Headers {
		if k != strings.ToLower(k) {
			t.Errorf("header %q: HTTP APIs deliver header names in lower case", k)
		}
	}
	if h := e.Headers["host"]; h != ctx.DomainName {
		t.Errorf("host %q differs from domainName %q", h, ctx.DomainName)
	}
	if prefix, _, _ := strings.Cut(ctx.DomainName, "."); prefix != ctx.DomainPrefix || prefix != ctx.APIID {
		t.Errorf("domainPrefix %q and apiId %q must be the first label of %q", ctx.DomainPrefix, ctx.APIID, ctx.DomainName)
	}
	// API Gateway appends the address it was reached from to any proxies' list.
	xff := strings.Split(e.Headers["x-forwarded-for"], ",")
	if last := strings.TrimSpace(xff[len(xff)-1]); last != ctx.HTTP.SourceIP {
		t.Errorf("x-forwarded-for %q does not end with sourceIp %q", e.Headers["x-forwarded-for"], ctx.HTTP.SourceIP)
	}
	if ua := e.Headers["user-agent"]; ua != ctx.HTTP.UserAgent {
		t.Errorf("user-agent header differs from requestContext.http.userAgent")
	}
	at, err := time.Parse(apiGatewayTime, ctx.Time)
	if err != nil {
		t.Errorf("time %q: %v", ctx.Time, err)
	} else if epoch := time.UnixMilli(ctx.TimeEpoch); !epoch.Truncate(time.Second).Equal(at) {
		t.Errorf("time %q and timeEpoch %d (%s) disagree", ctx.Time, ctx.TimeEpoch, epoch.UTC())
	}
	if len(ctx.AccountID) != 12 || ctx.RequestID == "" {
		t.Errorf("accountId %q or requestId %q is not what API Gateway sends", ctx.AccountID, ctx.RequestID)
	}

	if e.IsBase64Encoded {
		t.Error("isBase64Encoded: a JSON body arrives as text")
	}
	// API Gateway omits the key when there is no body, and a browser sends none with GET.
	_, hasBody := top["body"]
	if hasBody && method == http.MethodGet {
		t.Error("a GET with a body")
	}
	if !hasBody && (e.Headers["content-length"] != "" || e.Headers["content-type"] != "") {
		t.Error("content-length or content-type without a body")
	}
	if hasBody {
		if !json.Valid([]byte(e.Body)) {
			t.Errorf("body is not JSON: %s", e.Body)
		}
		if ct := e.Headers["content-type"]; ct != "application/json" {
			t.Errorf("content-type %q, want application/json", ct)
		}
		if cl := e.Headers["content-length"]; cl != strconv.Itoa(len(e.Body)) {
			t.Errorf("content-length %s, but the body has %d bytes", cl, len(e.Body))
		}
	}

	authz, signedIn := e.Headers["authorization"]
	if signedIn {
		if _, err := PrincipalOf(authz); err != nil {
			t.Error(err)
		}
	}
	if n := bytes.Count(raw, []byte("{{")); n != 0 && (!signedIn || n != 1) {
		t.Errorf("%d placeholders; only the authorization header may hold one", n)
	}
	if bytes.Contains(raw, []byte("eyJ")) {
		t.Error("the file seems to hold a JWT; tokens expire, so files name principals instead")
	}
}

// pathParams matches rawPath against a route path such as /v1/agencies/{uscc}; nil when the
// route has no parameter, as API Gateway then omits pathParameters.
func pathParams(route, rawPath string) map[string]string {
	rs, ps := strings.Split(route, "/"), strings.Split(rawPath, "/")
	if len(rs) != len(ps) {
		return map[string]string{"<mismatch>": rawPath}
	}
	var out map[string]string
	for i, seg := range rs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if out == nil {
				out = map[string]string{}
			}
			out[strings.Trim(seg, "{}")] = ps[i]
		} else if seg != ps[i] {
			return map[string]string{"<mismatch>": rawPath}
		}
	}
	return out
}
