package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// The runner stands in for everything a deployment puts in front of the functions (CloudFront,
// API Gateway, Lambda's timeout), so it adds here what those add there: security headers on
// every answer, CORS for the configured site origins only, a deadline on every handler, and a
// cap on the requests one client may have in flight. The server's own timeouts (a slowloris
// client is cut off after 10 s of headers) are shared/host's, as for every function.

const (
	defaultMaxPerClient   = 64
	defaultRequestTimeout = 30 * time.Second
)

// guards are the runner's limits, from IPS_SITE_ORIGIN, IPS_MAX_CONCURRENT_PER_CLIENT and
// IPS_REQUEST_TIMEOUT (README "Environment").
type guards struct {
	origins      map[string]bool // exact origins allowed to call cross-origin; empty: none
	maxPerClient int
	timeout      time.Duration
}

func newGuards(cfg config) (guards, error) {
	g := guards{origins: map[string]bool{}, maxPerClient: defaultMaxPerClient, timeout: defaultRequestTimeout}
	for _, o := range strings.Split(cfg.SiteOrigins, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		origin, err := parseOrigin(o)
		if err != nil {
			return guards{}, fmt.Errorf("IPS_SITE_ORIGIN: %w", err)
		}
		g.origins[origin] = true
	}
	if s := strings.TrimSpace(cfg.MaxPerClient); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return guards{}, fmt.Errorf("IPS_MAX_CONCURRENT_PER_CLIENT must be a whole number of at least 1, not %q", s)
		}
		g.maxPerClient = n
	}
	if s := strings.TrimSpace(cfg.RequestTimeout); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return guards{}, fmt.Errorf("IPS_REQUEST_TIMEOUT must be a positive duration such as 30s, not %q", s)
		}
		g.timeout = d
	}
	return g, nil
}

// parseOrigin accepts an origin as browsers send it (scheme://host[:port]) and nothing wider: a
// wildcard or a path would let pages the site does not control read answers.
func parseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.Contains(u.Host, "*") {
		return "", fmt.Errorf("%q is not an origin such as https://ips.example.cn or http://localhost:5173", s)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// wrap puts the guards around h, outermost first: the headers go on every answer (a 429 or a
// timeout included), CORS answers preflights before they take a client's slot, and the slot is
// held by the handler itself, so a handler that outlives its deadline still counts against its
// client until it really ends.
func (g guards) wrap(h http.Handler) http.Handler {
	h = newClientCap(g.maxPerClient).wrap(h)
	h = withDeadline(h, g.timeout)
	h = g.cors(h)
	return securityHeaders(h)
}

// securityHeaders sets what every answer carries, whoever makes it (the runner's own 404s,
// /healthz, a 429): the API's strict CSP unless a handler sets its own (the site's), and HSTS
// only when the request came over HTTPS (a TLS proxy in front of the runner), never on plain
// HTTP where a browser would ignore it anyway.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy", httpapi.ContentSecurityPolicy)
		if httpapi.ViaHTTPS(r) {
			hd.Set("Strict-Transport-Security", httpapi.StrictTransportSecurity)
		}
		h.ServeHTTP(w, r)
	})
}

// The request headers a site page sends the API, and the answer headers its scripts read.
const (
	corsAllowHeaders  = "Authorization, Content-Type, Accept-Language, Idempotency-Key, If-Match, X-Request-Id"
	corsExposeHeaders = "ETag, Location, Retry-After, X-Request-Id, Idempotent-Replayed, Content-Language"
)

// cors answers a browser at one of the configured origins, and nobody else: another origin gets
// no Access-Control-* header at all, so its pages cannot read any answer (bearer tokens, never
// cookies, so no credentials mode either). Without IPS_SITE_ORIGIN the site is served from the
// runner's own origin and needs no CORS.
func (g guards) cors(h http.Handler) http.Handler {
	if len(g.origins) == 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Answers differ by Origin, so no cache may give one origin's answer to another.
		w.Header().Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		if origin == "" || !g.origins[strings.ToLower(origin)] {
			h.ServeHTTP(w, r)
			return
		}
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", origin)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			hd.Set("Access-Control-Allow-Methods", "GET, POST, PUT")
			hd.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			hd.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		hd.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		h.ServeHTTP(w, r)
	})
}

// clientCap bounds the requests one client (by remote IP) has in flight: one busy script cannot
// take every worker of a machine that also serves everyone else. The runner is reached
// directly, so the address is the connection's; X-Forwarded-For is not trusted.
type clientCap struct {
	max      int
	mu       sync.Mutex
	inFlight map[string]int
}

func newClientCap(max int) *clientCap { return &clientCap{max: max, inFlight: map[string]int{}} }

func (c *clientCap) acquire(client string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inFlight[client] >= c.max {
		return false
	}
	c.inFlight[client]++
	return true
}

func (c *clientCap) release(client string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inFlight[client]--; c.inFlight[client] <= 0 {
		delete(c.inFlight, client) // the map holds only clients with requests in flight
	}
}

func (c *clientCap) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			client = r.RemoteAddr
		}
		if !c.acquire(client) {
			w.Header().Set("Retry-After", "1")
			if r.ContentLength != 0 {
				// Otherwise net/http reads the unread body before answering: a client that
				// trickles it would hold the refusal, and its connection, as long as it likes.
				w.Header().Set("Connection", "close")
			}
			httpapi.WriteError(w, r, &domain.Error{Code: domain.CodeThrottled, Message: domain.Text{
				ZH: fmt.Sprintf("同一客户端同时进行的请求不得超过 %d 个，请稍后重试", c.max),
				EN: fmt.Sprintf("At most %d requests from one client may be in progress at once; retry shortly.", c.max)}})
			return
		}
		defer c.release(client)
		h.ServeHTTP(w, r)
	})
}

// withDeadline gives every request at most d, as Lambda gives a function its timeout: the
// handler's context ends then, and a handler still running is answered 503 in its place. The
// handler writes into a buffer until it returns, so nothing it writes after the 503 reaches the
// client (http.TimeoutHandler does the same, but answers in plain text, not problem+json).
func withDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		bw := &bufferedWriter{header: http.Header{}}
		done := make(chan struct{})
		panicked := make(chan any, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					panicked <- p
				}
			}()
			h.ServeHTTP(bw, r.WithContext(ctx))
			close(done)
		}()
		select {
		case p := <-panicked:
			panic(p) // net/http logs it and drops the connection, as without the deadline
		case <-done:
			bw.mu.Lock()
			defer bw.mu.Unlock()
			dst := w.Header()
			for k, v := range bw.header {
				dst[k] = v
			}
			w.WriteHeader(cmpStatus(bw.status))
			w.Write(bw.buf.Bytes())
		case <-ctx.Done():
			bw.mu.Lock()
			defer bw.mu.Unlock()
			bw.expired = true
			if ctx.Err() == context.DeadlineExceeded {
				writeTimeout(w, r, d)
			}
		}
	})
}

func cmpStatus(s int) int {
	if s == 0 {
		return http.StatusOK
	}
	return s
}

// bufferedWriter keeps a handler's answer until withDeadline sends it, and refuses writes after
// the deadline has answered for it.
type bufferedWriter struct {
	mu      sync.Mutex
	header  http.Header
	buf     bytes.Buffer
	status  int
	expired bool
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.expired && b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.expired {
		return 0, http.ErrHandlerTimeout
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}

// writeTimeout answers a request whose handler outlived its deadline, as every other error.
func writeTimeout(w http.ResponseWriter, r *http.Request, d time.Duration) {
	// The handler may still be reading the body; net/http must not read it too to reuse the
	// connection, so the connection ends with this answer.
	w.Header().Set("Connection", "close")
	httpapi.WriteError(w, r, &domain.Error{Code: domain.CodeTimeout, Message: domain.Text{
		ZH: fmt.Sprintf("请求未能在 %s 内处理完毕，请稍后重试", d),
		EN: fmt.Sprintf("The request could not be completed within %s; retry shortly.", d)}})
}
