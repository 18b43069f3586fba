package main

// The browser tests' helpers (the site's contract): a platform in-process on a free port with
// its own data and a settable dev clock, and Debian's chromium driven through chromedp. Each
// test function starts one with newBrowser(t) and works as a person would: open a page, fill,
// click, read. The tests fail, never skip, when chromium is missing (`make test` installs it).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/jsipa/ips/shared/openapi/openapitest"
)

// chromiumPath is Debian's chromium, which `make test` installs (Makefile, tools).
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds each helper's wait, so a missing element fails the test with its
// selector instead of hanging until go test's deadline.
const browserTimeout = 20 * time.Second

type browser struct {
	t    *testing.T
	url  string          // the platform's base URL, without a trailing slash
	plat *platform       // the in-process platform
	ctx  context.Context // the chromedp tab

	mu       sync.Mutex
	dialogs  []string // messages of every JavaScript dialog the pages opened
	messages []string // console errors, uncaught exceptions and browser log errors
}

// rawBody is a b.api body sent as it is, with its media type (a PDF upload).
type rawBody struct {
	ContentType string
	Data        []byte
}

// newBrowser starts the platform and a headless chromium for t; both stop when t ends. options
// change the platform's config before it starts (an OIDC provider to sign in with).
func newBrowser(t *testing.T, options ...func(*config)) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser tests need Debian's chromium at %s: run `make tools` (or `apt-get install chromium`): %v", chromiumPath, err)
	}
	dataDir := t.TempDir()
	cfg := config{DataDir: dataDir}
	for _, o := range options {
		o(&cfg)
	}
	plat, err := newPlatform(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(plat.handler)
	b := &browser{t: t, url: srv.URL, plat: plat}

	// chromium may still be writing its profile as it exits, so its folder is removed leniently.
	profile, err := os.MkdirTemp("", "ips-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		if t.Failed() {
			b.screenshot("FAILED-" + t.Name())
			b.mu.Lock()
			for _, m := range b.messages {
				t.Logf("browser console: %s", m)
			}
			b.mu.Unlock()
		}
		cancelTab()
		cancelAlloc()
		srv.Close()
		plat.close()
		os.RemoveAll(profile)
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser with no deadline
		t.Fatalf("starting chromium: %v", err)
	}
	b.ctx = ctx

	// Dialogs are recorded and dismissed, so a page that opens one never blocks a test.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, fmt.Sprintf("%s: %s", ev.Type, ev.Message))
			b.mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException) && !expectedLoadError(b.url, m) {
				b.mu.Lock()
				b.messages = append(b.messages, fmt.Sprintf("%s %s:%d %s", m.Type, m.URL, m.Line+1, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// expectedLoadError: the browser logs every non-2xx answer as an error, but a 4xx from the API
// (a refusal the page shows) and the favicon nobody serves are not faults of a page.
func expectedLoadError(base string, m chromedp.ConsoleMessage) bool {
	if !strings.HasPrefix(m.Text, "Failed to load resource") || !strings.HasPrefix(m.URL, base+"/") {
		return false
	}
	path := strings.TrimPrefix(m.URL, base)
	return path == "/favicon.ico" || (strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/dev/")) && !strings.Contains(m.Text, "status of 5")
}

// run runs chromedp actions with the helpers' timeout and fails the test on an error.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v (page %s)", expr, err, b.location())
	}
	return v
}

// navigating tells the errors of a page torn down by a navigation mid-evaluation.
func navigating(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "navigated or closed") || strings.Contains(msg, "Cannot find context") ||
		strings.Contains(msg, "Execution context was destroyed")
}

func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// open loads a page of the site, e.g. b.open("/register.html?q=知信"), and waits for its load.
func (b *browser) open(path string) {
	b.t.Helper()
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	b.run("open "+path, chromedp.Navigate(b.url+path))
}

// fill sets a control's value as typing would (input and change events fire, so drafts and
// live previews follow). A checkbox or radio is checked by "true" or "on", unchecked otherwise;
// a select takes an option's value.
func (b *browser) fill(selector, value string) {
	b.t.Helper()
	b.run("fill "+selector, chromedp.WaitReady(chromedp.CSS(selector)))
	sel, _ := json.Marshal(selector)
	val, _ := json.Marshal(value)
	ok := eval[bool](b, fmt.Sprintf(`(() => {
		const el = document.querySelector(%s), v = %s;
		if (!el) return false;
		el.focus();
		if (el.type === 'checkbox' || el.type === 'radio') el.checked = v === 'true' || v === 'on';
		else el.value = v;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`, sel, val))
	if !ok {
		b.t.Fatalf("fill %s: no such element (page %s)", selector, b.location())
	}
}

// click clicks the element with the mouse once it is visible.
func (b *browser) click(selector string) {
	b.t.Helper()
	b.run("click "+selector, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// text is the visible text of the first element matching selector, once it is visible.
func (b *browser) text(selector string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("text of %s: %v (page %s)", selector, err, b.location())
	}
	return strings.TrimSpace(s)
}

// waitVisible waits until an element matching selector is visible.
func (b *browser) waitVisible(selector string) {
	b.t.Helper()
	b.run("wait for "+selector, chromedp.WaitVisible(chromedp.CSS(selector)))
}

// screenshot saves the whole page as screenshots/<name>.png at the repository root (git-ignored).
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("..", "..", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	file := regexp.MustCompile(`[^\p{L}\p{N}._-]+`).ReplaceAllString(name, "_") + ".png"
	if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// setClock moves the platform's clock to an RFC 3339 instant (PUT /dev/clock); it runs on from
// there. Pages read the clock when they load, so open the page after setting it.
func (b *browser) setClock(rfc3339 string) {
	b.t.Helper()
	if status, body := b.api(http.MethodPut, "/dev/clock", "", map[string]any{"now": rfc3339}); status != http.StatusOK {
		b.t.Fatalf("set clock %s: %d %v", rfc3339, status, body)
	}
}

// api calls the platform directly, to set up records: body is JSON, a rawBody, or nil. It
// answers the status and the decoded JSON object (nil when the answer is not one).
func (b *browser) api(method, path, token string, body any) (int, map[string]any) {
	b.t.Helper()
	status, _, m := b.apiFull(method, path, token, body, nil)
	return status, m
}

// apiFull is api with extra request headers (Idempotency-Key, If-Match), answering the
// response headers too.
func (b *browser) apiFull(method, path, token string, body any, header map[string]string) (int, http.Header, map[string]any) {
	b.t.Helper()
	var rd io.Reader
	contentType := ""
	switch v := body.(type) {
	case nil:
	case rawBody:
		rd, contentType = bytes.NewReader(v.Data), v.ContentType
	default:
		data, err := json.Marshal(v)
		if err != nil {
			b.t.Fatal(err)
		}
		rd, contentType = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	// Every answer must be one the OpenAPI document describes for the operation asked.
	openapitest.Check(b.t, method, req.URL.Path, resp.StatusCode, resp.Header, raw)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, resp.Header, m
}

// token is a dev token for an identity, straight from the platform (no browser).
func (b *browser) token(role, subject, division string) string {
	b.t.Helper()
	req := map[string]any{"role": role}
	if subject != "" {
		req["subject"] = subject
	}
	if division != "" {
		req["division"] = division
	}
	status, body := b.api(http.MethodPost, "/dev/token", "", req)
	tok, _ := body["token"].(string)
	if status != http.StatusCreated || tok == "" {
		b.t.Fatalf("dev token %v: %d %v", req, status, body)
	}
	return tok
}

// signIn signs in through the sign-in page as a person would (role, USCC or ID, division; empty
// ones left blank) and answers the session's token, for b.api calls as the same identity.
func (b *browser) signIn(role, subject, division string) string {
	b.t.Helper()
	b.open("/signin.html")
	b.fill("#role", role)
	b.fill("#subject", subject)
	b.fill("#division", division)
	b.click("#signin-submit")
	// The sign-in page shows the identity as soon as the session is kept, then moves on to the
	// next page: wait for that page, or the caller's next step races the navigation.
	b.waitFor("the page after signing in", "location.pathname !== '/signin.html' && !!document.querySelector('#identity-who')")
	tok := eval[string](b, `(JSON.parse(sessionStorage.getItem('ips.session') || '{}').token || '')`)
	if tok == "" {
		b.t.Fatalf("signed in as %s %s %s but no session is kept (page %s)", role, subject, division, b.location())
	}
	return tok
}

// dialogsOpened lists the JavaScript dialogs (alert, confirm, prompt) the pages opened so far.
func (b *browser) dialogsOpened() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// consoleErrors lists the console errors, uncaught exceptions and browser log errors so far
// (a Content-Security-Policy violation is one).
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.messages...)
}

// checkLabels reports (t.Errorf) every input, select and textarea of the current page that no
// label names: a label[for] of its id, a label around it, aria-label or aria-labelledby
// pointing at text. Hidden inputs and buttons need none.
func (b *browser) checkLabels(t *testing.T) {
	t.Helper()
	unlabelled := eval[[]string](b, `(() => {
		const named = (el) => {
			if ((el.getAttribute('aria-label') || '').trim()) return true;
			const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
			if (ids.length && ids.every((id) => document.getElementById(id)) &&
				ids.map((id) => document.getElementById(id).textContent.trim()).join('')) return true;
			if (el.id && [...document.querySelectorAll('label[for]')].some((l) => l.htmlFor === el.id && l.textContent.trim())) return true;
			const wrap = el.closest('label');
			return !!(wrap && wrap.textContent.trim());
		};
		return [...document.querySelectorAll('input, select, textarea')]
			.filter((el) => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
			.filter((el) => !named(el))
			.map((el) => el.outerHTML.slice(0, 160));
	})()`)
	for _, el := range unlabelled {
		t.Errorf("%s: a control without a label: %s", b.location(), el)
	}
}

// waitFor waits until a JavaScript expression is truthy (a page's asynchronous rendering).
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(browserTimeout)
	for {
		// A page that navigates while it is asked (a sign-in redirect) answers with an error;
		// that is "not yet", and the next try asks the new page.
		ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")", chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && v {
			return
		}
		if err != nil && !navigating(err) {
			b.t.Fatalf("waiting for %s (%s): %v (page %s)", what, expr, err, b.location())
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waiting for %s (%s): timed out (page %s)", what, expr, b.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
