package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
)

// siteBudget is issue 10's goal (and site/site_test.go's) for the home page.
const siteBudget = 100 * 1024

// The references a page makes the browser fetch: the same patterns site/site_test.go walks
// the embedded files with, here applied to what the runner actually serves.
var (
	htmlRefs  = regexp.MustCompile(`(?i)<(?:link|script)\b[^>]*?\s(?:href|src)="([^"]+)"`)
	jsImports = regexp.MustCompile(`(?m)(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)`)
)

// homeAPIReads are the API calls the home page makes as it loads (site/js/api.js platformNow
// reads the dev clock, and a deployment answers it 404): a browser transfers them too.
var homeAPIReads = []string{"/dev/clock"}

// countingConn counts the bytes a connection receives: what the wire carries, headers and
// any compression included.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (b *bench) siteWeight(ctx context.Context) (section, []goal, error) {
	s := section{title: "6. Site weight",
		note: "A first visit to the home page on the local runner: the HTML, every stylesheet and script it " +
			"references, every module those import (transitively) and the API reads it makes, fetched over " +
			"HTTP as a browser with an empty cache would (gzip accepted); bytes received on the wire."}
	r, err := b.startRunner(ctx, filepath.Join(b.work, "site-data"))
	if err != nil {
		return s, nil, err
	}
	defer r.stop()

	var wire atomic.Int64
	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, n: &wire}, nil
	}}}
	base, err := url.Parse(r.url + "/")
	if err != nil {
		return s, nil, err
	}
	var body int64
	files := []string{"/"}
	seen := map[string]bool{"/": true}
	for i := 0; i < len(files); i++ {
		data, err := get(ctx, client, base, files[i], http.StatusOK)
		if err != nil {
			return s, nil, err
		}
		body += int64(len(data))
		var refs []string
		switch {
		case files[i] == "/" || strings.HasSuffix(files[i], ".html"):
			for _, m := range htmlRefs.FindAllStringSubmatch(string(data), -1) {
				refs = append(refs, m[1])
			}
		case strings.HasSuffix(files[i], ".js"):
			for _, m := range jsImports.FindAllStringSubmatch(string(data), -1) {
				refs = append(refs, m[1]+m[2])
			}
		}
		for _, ref := range refs {
			if p := resolveRef(files[i], ref); p != "" && !seen[p] {
				seen[p] = true
				files = append(files, p)
			}
		}
	}
	for _, p := range homeAPIReads {
		data, err := get(ctx, client, base, p, 0)
		if err != nil {
			return s, nil, err
		}
		body += int64(len(data))
	}
	requests := len(files) + len(homeAPIReads)
	s.figures = append(s.figures,
		figure{name: "home page transferred", value: float64(wire.Load()) / 1024, format: "%.1f", unit: "KB",
			ratio: ratio(float64(wire.Load()), siteBudget), baseline: fmt.Sprintf("the %d KB budget; %d requests", siteBudget/1024, requests)},
		figure{name: "home page content", value: float64(body) / 1024, format: "%.1f", unit: "KB",
			ratio: ratio(float64(body), siteBudget), baseline: fmt.Sprintf("the %d KB budget; bodies as decoded", siteBudget/1024)},
	)
	printSection(s)
	kb := float64(wire.Load()) / 1024
	return s, []goal{{text: fmt.Sprintf("home page ≤ %d KB", siteBudget/1024), met: wire.Load() <= siteBudget,
		detail: fmt.Sprintf("%.1f KB, %s", kb, margin(kb, siteBudget/1024, "KB"))}}, nil
}

// get fetches p from the site and returns its body; want 0 accepts any status.
func get(ctx context.Context, client *http.Client, base *url.URL, p string, want int) ([]byte, error) {
	u := base.ResolveReference(&url.URL{Path: p})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if want != 0 && resp.StatusCode != want {
		return nil, fmt.Errorf("GET %s: %d, want %d", p, resp.StatusCode, want)
	}
	return data, nil
}

// resolveRef turns a reference in file into a path on the site ("" for another origin).
func resolveRef(file, ref string) string {
	if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") || strings.HasPrefix(ref, "data:") {
		return ""
	}
	ref = strings.SplitN(strings.SplitN(ref, "?", 2)[0], "#", 2)[0]
	if strings.HasPrefix(ref, "/") {
		return path.Clean(ref)
	}
	dir := path.Dir(file)
	if strings.HasSuffix(file, "/") {
		dir = strings.TrimSuffix(file, "/")
	}
	return path.Join("/", dir, ref)
}
