package main

// The runner's HTTP hardening (hardening.go; README "What we test"): security headers on every
// answer, CORS for the configured site origin only, the handler deadline, the server's header
// timeout against a slowloris client, and the cap on one client's requests in flight.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jsipa/ips/infra/catalog"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/site"
)

// inProcess serves the runner's handler (guards included) on a free port.
func inProcess(t *testing.T, cfg config) *httptest.Server {
	t.Helper()
	cfg.DataDir = t.TempDir()
	p, err := newPlatform(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.handler)
	t.Cleanup(func() { srv.Close(); p.close() })
	return srv
}

type probe struct{ method, path string }

// everyAnswer is a request for every route the runner serves (path values made up, no
// credential, so most answer an error), its fallbacks and every file of the site.
func everyAnswer(t *testing.T) (api, siteFiles []probe) {
	t.Helper()
	value := regexp.MustCompile(`\{[a-z]+\}`)
	fns := []*httpapi.Function{devFunction(httpapi.Deps{}, nil, nil)}
	for _, build := range catalog.HTTPFunctions {
		fns = append(fns, build(httpapi.Deps{}))
	}
	for _, fn := range fns {
		for _, rt := range fn.Routes() {
			api = append(api, probe{rt.Method, value.ReplaceAllString(rt.Path, "X1")})
		}
	}
	api = append(api, probe{"GET", "/healthz"}, probe{"GET", "/v1/nothing-here"}, probe{"GET", "/dev/nothing-here"},
		probe{"DELETE", "/v1/agencies"}, probe{"POST", "/v1/public/agencies"}, probe{"GET", "/v1/public/agencies?district=nowhere"})
	err := fs.WalkDir(site.Files, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			siteFiles = append(siteFiles, probe{"GET", "/" + path})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return api, append(siteFiles, probe{"GET", "/"}, probe{"GET", "/no-such-page.html"})
}

func send(t *testing.T, client *http.Client, base string, pr probe, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(pr.method, base+pr.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", pr.method, pr.path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// securityHeaderFaults lists what an answer lacks; csp is the policy it must carry.
func securityHeaderFaults(h http.Header, csp string, https bool) []string {
	var out []string
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Referrer-Policy": "no-referrer", "Content-Security-Policy": csp} {
		if got := h.Get(name); got != want {
			out = append(out, fmt.Sprintf("%s %q, want %q", name, got, want))
		}
	}
	switch hsts := h.Get("Strict-Transport-Security"); {
	case https && hsts != httpapi.StrictTransportSecurity:
		out = append(out, fmt.Sprintf("Strict-Transport-Security %q over HTTPS, want %q", hsts, httpapi.StrictTransportSecurity))
	case !https && hsts != "":
		out = append(out, fmt.Sprintf("Strict-Transport-Security %q over plain HTTP", hsts))
	}
	return out
}

func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	srv := inProcess(t, config{})
	api, siteFiles := everyAnswer(t)
	statuses := map[int]int{}
	checked := 0
	for _, https := range []bool{false, true} {
		header := map[string]string{}
		if https {
			// As API Gateway and a TLS-terminating proxy tell the platform.
			header["X-Forwarded-Proto"] = "https"
		}
		for _, set := range []struct {
			probes []probe
			csp    string
		}{{api, httpapi.ContentSecurityPolicy}, {siteFiles, site.ContentSecurityPolicy}} {
			for _, pr := range set.probes {
				resp := send(t, srv.Client(), srv.URL, pr, header)
				statuses[resp.StatusCode]++
				checked++
				for _, f := range securityHeaderFaults(resp.Header, set.csp, https) {
					t.Errorf("%s %s (%d, https %v): %s", pr.method, pr.path, resp.StatusCode, https, f)
				}
			}
		}
	}
	// The answers must include errors of every kind, or the check proves less than it says.
	for _, s := range []int{200, 401, 404, 405, 415, 422} {
		if statuses[s] == 0 {
			t.Errorf("no answer with status %d among %v", s, statuses)
		}
	}
	t.Logf("security headers: %d answers checked (%d routes and fallbacks, %d site files, over HTTP and HTTPS), statuses %v",
		checked, len(api), len(siteFiles), statuses)
}

func corsHeaders(h http.Header) []string {
	var out []string
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out = append(out, k)
		}
	}
	return out
}

func TestCORSAnswersOnlyTheSiteOrigin(t *testing.T) {
	const siteOrigin = "http://localhost:5173"
	srv := inProcess(t, config{SiteOrigins: siteOrigin})
	api, _ := everyAnswer(t)
	c := srv.Client()

	resp := send(t, c, srv.URL, probe{"GET", "/v1/public/agencies"}, map[string]string{"Origin": siteOrigin})
	if resp.Header.Get("Access-Control-Allow-Origin") != siteOrigin || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") ||
		!strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
		t.Errorf("the site's origin: %v", resp.Header)
	}
	// A refusal too, so the site can read the problem.
	if resp := send(t, c, srv.URL, probe{"POST", "/v1/agencies"}, map[string]string{"Origin": siteOrigin}); resp.StatusCode != http.StatusUnauthorized ||
		resp.Header.Get("Access-Control-Allow-Origin") != siteOrigin {
		t.Errorf("the site's origin on a 401: %d %v", resp.StatusCode, resp.Header)
	}
	preflight := map[string]string{"Origin": siteOrigin, "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "authorization, content-type, idempotency-key"}
	resp = send(t, c, srv.URL, probe{"OPTIONS", "/v1/agencies"}, preflight)
	allowHeaders := resp.Header.Get("Access-Control-Allow-Headers")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != siteOrigin ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(allowHeaders, "Authorization") || !strings.Contains(allowHeaders, "Idempotency-Key") || !strings.Contains(allowHeaders, "If-Match") {
		t.Errorf("the site's preflight: %d %v", resp.StatusCode, resp.Header)
	}

	// Any other origin, on every route and in a preflight, gets no CORS header at all.
	checked := 0
	for _, origin := range []string{"https://evil.example", "http://localhost:5174", "http://localhost:5173.evil.example", "https://localhost:5173", "null"} {
		for _, pr := range append(api, probe{"OPTIONS", "/v1/agencies"}, probe{"OPTIONS", "/v1/subsidy-claims/X1"}) {
			h := map[string]string{"Origin": origin}
			if pr.method == "OPTIONS" {
				h["Access-Control-Request-Method"] = "PUT"
			}
			resp := send(t, c, srv.URL, pr, h)
			checked++
			if got := corsHeaders(resp.Header); len(got) > 0 {
				t.Errorf("origin %s, %s %s: %v", origin, pr.method, pr.path, got)
			}
		}
	}
	// Without IPS_SITE_ORIGIN the site is the runner's own origin: nobody gets CORS headers.
	plain := inProcess(t, config{})
	for _, origin := range []string{siteOrigin, plain.URL} {
		resp := send(t, plain.Client(), plain.URL, probe{"OPTIONS", "/v1/agencies"}, map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"})
		if got := corsHeaders(resp.Header); len(got) > 0 {
			t.Errorf("no IPS_SITE_ORIGIN, origin %s: %v", origin, got)
		}
	}
	t.Logf("CORS: %d answers to other origins checked, none with an Access-Control-* header", checked)

	for _, bad := range []string{"*", "https://ips.example/app", "ftp://ips.example", "ips.example", "https://*.example"} {
		if _, err := newGuards(config{SiteOrigins: bad}); err == nil {
			t.Errorf("IPS_SITE_ORIGIN=%q accepted", bad)
		}
	}
}

func TestAHandlerPastItsDeadlineIsAnswered503AndKeepsItsClientsSlot(t *testing.T) {
	release := make(chan struct{})
	var ctxErr, lateWrite atomic.Value
	handler := http.NewServeMux()
	handler.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		ctxErr.Store(fmt.Sprint(r.Context().Err()))
		<-release // a handler that goes on after its deadline, as a stuck one would
		_, err := w.Write([]byte("too late"))
		lateWrite.Store(fmt.Sprint(err))
	})
	handler.HandleFunc("/fast", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"7"`)
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"ok":true}`))
	})
	g, err := newGuards(config{MaxPerClient: "1", RequestTimeout: "200ms"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.wrap(handler))
	defer srv.Close()
	get := func(path string, header map[string]string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	resp, body := get("/slow", map[string]string{"Accept-Language": "en"})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(body, `"code":"timeout"`) || !strings.Contains(body, "Timed out") {
		t.Errorf("past the deadline: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	for _, f := range securityHeaderFaults(resp.Header, httpapi.ContentSecurityPolicy, false) {
		t.Errorf("the 503: %s", f)
	}
	if got := ctxErr.Load(); got != context.DeadlineExceeded.Error() {
		t.Errorf("the handler's context ended with %v, want the deadline", got)
	}
	// The stuck handler still holds its client's only slot.
	if resp, body := get("/fast", nil); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("while the stuck handler runs: %d %s", resp.StatusCode, body)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for lateWrite.Load() == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := lateWrite.Load(); got != http.ErrHandlerTimeout.Error() {
		t.Errorf("the late write returned %v, want %v", got, http.ErrHandlerTimeout)
	}
	// Its slot freed, a quick handler's answer passes through whole.
	for {
		resp, body = get("/fast", nil)
		if resp.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("ETag") != `"7"` || body != `{"ok":true}` {
		t.Errorf("a quick handler: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	for _, bad := range []config{{RequestTimeout: "0s"}, {RequestTimeout: "soon"}, {MaxPerClient: "0"}, {MaxPerClient: "many"}} {
		if _, err := newGuards(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// A client that sends its headers a line at a time is cut off by the server's header timeout
// (shared/host, 10 s), while another client is served meanwhile.
func TestASlowlorisClientIsCutOff(t *testing.T) {
	t.Parallel()
	p := startRunner(t, t.TempDir())
	addr := strings.TrimPrefix(p.url, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	closed := make(chan string, 1)
	go func() {
		b, err := io.ReadAll(conn) // returns when the server closes the connection
		closed <- fmt.Sprintf("%q %v", b, err)
	}()
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n", addr)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case got := <-closed:
			elapsed := time.Since(start)
			if strings.Contains(got, "200 OK") {
				t.Fatalf("the slow client was served: %s", got)
			}
			t.Logf("slowloris: cut off after %s of trickled headers (%d lines sent)", elapsed.Round(100*time.Millisecond), i)
			return
		case <-tick.C:
			if time.Since(start) > 30*time.Second {
				t.Fatal("a client still trickling headers after 30 s was not cut off")
			}
			// Still connected: the server waits for the rest, and serves others meanwhile.
			fmt.Fprintf(conn, "X-Trickle-%d: 1\r\n", i)
			if i == 4 {
				if resp, err := http.Get(p.url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
					t.Errorf("another client during the trickle: %v %v", resp, err)
				} else {
					resp.Body.Close()
				}
			}
		}
	}
}

// heldRequest is a POST whose body is sent only in part, so its handler stays in flight
// reading it until finish sends the rest.
type heldRequest struct {
	conn net.Conn
	rest string
	r    *bufio.Reader
}

func holdRequest(t *testing.T, addr string) *heldRequest {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := `{"role":"scheduler","subject":"cap-test"}`
	fmt.Fprintf(conn, "POST /dev/token HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:1])
	return &heldRequest{conn: conn, rest: body[1:], r: bufio.NewReader(conn)}
}

// answer reads the response if one comes within d.
func (h *heldRequest) answer(d time.Duration) *http.Response {
	h.conn.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(h.r, nil)
	if err != nil {
		return nil
	}
	resp.Body.Close()
	return resp
}

func TestOneClientsConcurrentRequestsAreCapped(t *testing.T) {
	const limit = 3
	p := startRunner(t, t.TempDir(), fmt.Sprintf("IPS_MAX_CONCURRENT_PER_CLIENT=%d", limit))
	addr := strings.TrimPrefix(p.url, "http://")
	// limit+1 requests from 127.0.0.1, each stuck reading its body: exactly one is refused at
	// once, whichever came last, and the others wait.
	var held []*heldRequest
	for range limit + 1 {
		held = append(held, holdRequest(t, addr))
		time.Sleep(50 * time.Millisecond)
	}
	var refused *http.Response
	var waiting []*heldRequest
	for _, h := range held {
		if resp := h.answer(500 * time.Millisecond); resp != nil {
			if refused != nil {
				t.Fatalf("two of %d concurrent requests were answered: %d and %d", limit+1, refused.StatusCode, resp.StatusCode)
			}
			refused = resp
			continue
		}
		waiting = append(waiting, h)
	}
	if refused == nil || refused.StatusCode != http.StatusTooManyRequests || refused.Header.Get("Retry-After") != "1" ||
		refused.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("request %d of one client: %+v", limit+1, refused)
	}
	for _, f := range securityHeaderFaults(refused.Header, httpapi.ContentSecurityPolicy, false) {
		t.Errorf("the 429: %s", f)
	}
	// Another client (127.0.0.2 is loopback too) is served meanwhile.
	other := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).DialContext}}
	resp, err := other.Get(p.url + "/v1/public/notices")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("another client while the first is at its cap: %v %v", resp, err)
	}
	resp.Body.Close()
	// The held requests complete, and their client is served again.
	for _, h := range waiting {
		io.WriteString(h.conn, h.rest)
		if resp := h.answer(10 * time.Second); resp == nil || resp.StatusCode != http.StatusCreated {
			t.Errorf("a held request once its body came: %+v", resp)
		}
	}
	resp, err = http.Get(p.url + "/v1/public/notices")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the first client after its requests ended: %v %v", resp, err)
	}
	resp.Body.Close()
	t.Logf("per-client cap: request %d of 127.0.0.1 answered 429 with Retry-After, 127.0.0.2 served meanwhile", limit+1)
}
