package site

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// The home page's weight budget (issue 7): the HTML with the CSS and every module it loads.
const homeBudget = 100 * 1024

var (
	htmlRefs  = regexp.MustCompile(`(?i)<(?:link|script)\b[^>]*?\s(?:href|src)="([^"]+)"`)
	scriptTag = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	jsImports = regexp.MustCompile(`(?m)(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)`)
)

// resolve turns a reference in file into a path of Files ("" for another origin).
func resolve(file, ref string) string {
	if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") || strings.HasPrefix(ref, "data:") {
		return ""
	}
	ref = strings.SplitN(strings.SplitN(ref, "?", 2)[0], "#", 2)[0]
	if strings.HasPrefix(ref, "/") {
		return path.Clean(strings.TrimPrefix(ref, "/"))
	}
	return path.Join(path.Dir(file), ref)
}

// loads lists what a page makes the browser fetch from the site: its stylesheets and scripts,
// and every module those scripts import, transitively. A reference to a file that is not
// embedded is an error.
func loads(t *testing.T, page string) []string {
	t.Helper()
	seen := map[string]bool{page: true}
	order := []string{page}
	for i := 0; i < len(order); i++ {
		file := order[i]
		data, err := fs.ReadFile(Files, file)
		if err != nil {
			t.Errorf("%s is referenced but not embedded (site.go's //go:embed): %v", file, err)
			continue
		}
		var refs []string
		switch {
		case strings.HasSuffix(file, ".html"):
			for _, m := range htmlRefs.FindAllStringSubmatch(string(data), -1) {
				refs = append(refs, m[1])
			}
		case strings.HasSuffix(file, ".js"):
			for _, m := range jsImports.FindAllStringSubmatch(string(data), -1) {
				refs = append(refs, m[1]+m[2])
			}
		}
		for _, ref := range refs {
			if p := resolve(file, ref); p != "" && !seen[p] {
				seen[p] = true
				order = append(order, p)
			}
		}
	}
	return order
}

func TestHomePageWeighsAtMost100KB(t *testing.T) {
	total := 0
	files := loads(t, "index.html")
	for _, f := range files {
		data, _ := fs.ReadFile(Files, f)
		total += len(data)
	}
	t.Logf("the home page loads %d bytes in %d files: %s", total, len(files), strings.Join(files, " "))
	if total > homeBudget {
		t.Errorf("the home page loads %d bytes (%s), over the %d-byte budget", total, strings.Join(files, " "), homeBudget)
	}
	for _, want := range []string{"site.css", "js/pages/index.js", "js/layout.js", "js/i18n.js"} {
		if !contains(files, want) {
			t.Errorf("the walk missed %s: %v", want, files)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Every page keeps the shared layout and what the Content-Security-Policy allows (no inline
// script, style or handler), and everything it loads is embedded.
func TestEveryPageFollowsTheContract(t *testing.T) {
	pages, err := fs.Glob(Files, "*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages: %v", err)
	}
	inline := []*regexp.Regexp{
		regexp.MustCompile(`(?i)<style\b`),
		regexp.MustCompile(`(?i)\sstyle\s*=`),
		regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`),
		regexp.MustCompile(`(?i)javascript:`),
	}
	for _, page := range pages {
		data, _ := fs.ReadFile(Files, page)
		html := string(data)
		for _, want := range []string{`<html lang="zh-CN">`, `<header id="site-header">`, `<main id="main"`, `<footer id="site-footer">`, `<script type="module" src="js/pages/`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s lacks %s", page, want)
			}
		}
		for _, re := range inline {
			if m := re.FindString(html); m != "" {
				t.Errorf("%s has %q, which the Content-Security-Policy blocks", page, m)
			}
		}
		for _, tag := range scriptTag.FindAllString(html, -1) {
			if !strings.Contains(tag, " src=") {
				t.Errorf("%s has an inline script (%s), which the Content-Security-Policy blocks", page, tag)
			}
		}
		loads(t, page)
	}
	// No module builds markup from strings: user text goes in as text nodes (dom.js).
	scripts, _ := fs.Glob(Files, "js/*.js")
	more, _ := fs.Glob(Files, "js/pages/*.js")
	for _, f := range append(scripts, more...) {
		data, _ := fs.ReadFile(Files, f)
		for i, line := range strings.Split(string(data), "\n") {
			if code := strings.SplitN(line, "//", 2)[0]; unsafeRe.MatchString(code) {
				t.Errorf("%s:%d parses or injects markup or code: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// unsafeRe: what would parse or inject markup or code, or set an inline style the policy blocks.
var unsafeRe = regexp.MustCompile(`\.innerHTML\b|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|\.setAttribute\(\s*['"]style`)
