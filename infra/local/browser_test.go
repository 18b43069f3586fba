package main

// Browser tests of the pages everyone shares: home, sign-in, the public register with each
// agency's page, and the public notices (helpers in browser_helpers_test.go).

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fileAccepted files an agency of 江阴 through the API and has a city officer accept it, so it
// is on the public register; it answers the agency's code.
func fileAccepted(b *browser, i int, name string) string {
	b.t.Helper()
	code := agencyCode(b.t, i)
	agency := b.token("agency", code, "")
	if status, body := b.api(http.MethodPost, "/v1/agencies", agency, filing(code, name)); status != http.StatusCreated {
		b.t.Fatalf("file %q: %d %v", name, status, body)
	}
	officer := b.token("city_officer", "", "320281")
	if status, body := b.api(http.MethodPost, "/v1/agencies/"+code+"/review", officer, map[string]any{"outcome": "accept"}); status != http.StatusOK {
		b.t.Fatalf("accept %q: %d %v", name, status, body)
	}
	return code
}

// beijingDaysUntil counts calendar days in Beijing from the instant now to month/day, the next
// one on or after today.
func beijingDaysUntil(now time.Time, month time.Month, day int) int {
	bj := time.FixedZone("CST", 8*3600)
	n := now.In(bj)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	due := time.Date(n.Year(), month, day, 0, 0, 0, 0, time.UTC)
	if due.Before(today) {
		due = due.AddDate(1, 0, 0)
	}
	return int(due.Sub(today).Hours() / 24)
}

func (b *browser) noConsoleErrors(t *testing.T) {
	t.Helper()
	for _, m := range b.consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}

func TestBrowserHomeShowsCutoffsFromThePlatformClock(t *testing.T) {
	b := newBrowser(t)
	cases := []struct {
		clock            string
		jan31, jun30     int
		today, jan31Text string
	}{
		{"2027-01-16T10:00:00+08:00", 15, 165, "2027年1月16日", "还剩 15 天"},
		// 17:00 UTC on 30 January is already 31 January in Beijing: the last day.
		{"2027-01-30T17:00:00Z", 0, 150, "2027年1月31日", "今天截止"},
		// Five seconds after the cutoff, the next one is a year away.
		{"2027-02-01T00:00:05+08:00", 364, 149, "2027年2月1日", "还剩 364 天"},
		{"2027-07-01T09:00:00+08:00", 214, 365, "2027年7月1日", "还剩 214 天"},
	}
	for _, c := range cases {
		now, err := time.Parse(time.RFC3339, c.clock)
		if err != nil {
			t.Fatal(err)
		}
		if got := beijingDaysUntil(now, time.January, 31); got != c.jan31 {
			t.Fatalf("test table: %s is %d days before 31 January, not %d", c.clock, got, c.jan31)
		}
		if got := beijingDaysUntil(now, time.June, 30); got != c.jun30 {
			t.Fatalf("test table: %s is %d days before 30 June, not %d", c.clock, got, c.jun30)
		}
		b.setClock(c.clock)
		b.open("/")
		b.waitVisible("#cutoff-jan31")
		for id, want := range map[string]int{"#cutoff-jan31": c.jan31, "#cutoff-jun30": c.jun30} {
			got := eval[string](b, fmt.Sprintf(`document.querySelector(%q).dataset.days`, id))
			if got != strconv.Itoa(want) {
				t.Errorf("clock %s: %s shows %s days, want %d", c.clock, id, got, want)
			}
		}
		if got := b.text("#cutoff-jan31 .big-number"); got != c.jan31Text {
			t.Errorf("clock %s: the annual report cutoff says %q, want %q", c.clock, got, c.jan31Text)
		}
		if got := b.text("#today"); !strings.Contains(got, c.today) {
			t.Errorf("clock %s: today is %q, want the Beijing date %s", c.clock, got, c.today)
		}
	}
	if got := b.text("#cutoff-jun30"); !strings.Contains(got, "2028年6月30日") || !strings.Contains(got, "集聚发展区申报") {
		t.Errorf("the cluster round card says %q", got)
	}
	b.setClock("2027-01-16T10:00:00+08:00")
	b.open("/")
	b.waitVisible("#cutoff-jan31")
	b.screenshot("home")
	b.noConsoleErrors(t)
}

func TestBrowserEnglishSwitchChangesEveryPageAndPersists(t *testing.T) {
	b := newBrowser(t)
	code := fileAccepted(b, 1, "江阴市双语商标代理有限公司")
	type check struct{ selector, zh, en string }
	pages := []struct {
		path   string
		checks []check
	}{
		{"/", []check{{"h1", "知识产权服务机构备案、年度报告与资助申请", "Agency filing, annual reports and IP subsidies"},
			{"#cutoffs h3", "服务机构年度报告", "Agencies’ annual reports"},
			{"#site-nav a[data-nav=register]", "备案公示名录", "Public register"}}},
		{"/signin.html", []check{{"h1", "登录", "Sign in"},
			{"label[for=role]", "您的身份", "Who you are"},
			{"label[for=subject]", "统一社会信用代码或身份证号码", "Unified social credit code or ID number"},
			{"label[for=division]", "行政区划代码", "Division code"},
			{"#role option[value=agency]", "知识产权服务机构", "IP service agency"},
			{"#signin-submit", "登录", "Sign in"}}},
		{"/register.html", []check{{"h1", "知识产权服务机构备案公示名录", "Public register of IP service agencies"},
			{"label[for=q]", "机构名称", "Agency name"},
			{"label[for=district]", "所在地区", "District"},
			{"label[for=service_type]", "服务类型", "Service type"},
			{"label[for=status]", "备案状态", "Filing status"},
			{"#register-table th", "机构名称", "Agency"},
			{"#search-submit", "搜索", "Search"}}},
		{"/agency.html?uscc=" + code, []check{{"#agency-details dt", "统一社会信用代码", "Unified social credit code"},
			{"main h2", "备案信息", "Filing"},
			{"#rating", "尚无评价。", "No rating yet."}}},
		{"/notices.html", []check{{"h1", "资助公示", "Subsidies in public notice"},
			{"#no-notices", "目前没有正在公示的资助申请。", "No subsidy claim is in public notice now."}}},
	}
	verify := func(lang string) {
		t.Helper()
		for _, p := range pages {
			b.open(p.path)
			for _, c := range p.checks {
				want := c.zh
				if lang == "en" {
					want = c.en
				}
				b.waitFor(fmt.Sprintf("%s to say %q", c.selector, want),
					fmt.Sprintf(`document.querySelector(%q)?.textContent.trim() === %q`, c.selector, want))
			}
			if got := eval[string](b, `document.documentElement.lang`); got != lang {
				t.Errorf("%s: <html lang=%q>, want %q", p.path, got, lang)
			}
		}
	}
	verify("zh-CN")
	// The switch changes the page in place, then every page after it.
	b.open("/register.html")
	b.waitVisible("#register-table")
	b.click("#lang-en")
	b.waitFor("the register in English", `document.querySelector('label[for=q]').textContent === 'Agency name' && document.querySelector('#register-table th').textContent === 'Agency'`)
	if got := eval[string](b, `document.querySelector('#lang-en').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("the English button is not pressed: %q", got)
	}
	verify("en")
	b.open("/")
	b.waitVisible("#cutoff-jan31")
	b.screenshot("home-en")
	b.open("/agency.html?uscc=" + code)
	b.waitVisible("#agency-details")
	b.screenshot("agency-en")
	b.click("#lang-zh")
	b.waitFor("the agency page in Chinese", `document.querySelector('#agency-details dt').textContent === '统一社会信用代码'`)
	verify("zh-CN")
	b.noConsoleErrors(t)
}

func TestBrowserSignInShowsTheRolesNavigation(t *testing.T) {
	b := newBrowser(t)
	code := agencyCode(t, 7)
	navLinks := func() string {
		return eval[string](b, `[...document.querySelectorAll('#site-nav a')].map((a) => a.dataset.nav).join(' ')`)
	}

	// A bad code: the error summary takes focus and links to the field, which shows the message.
	b.open("/signin.html")
	b.checkLabels(t)
	b.fill("#role", "agency")
	b.fill("#subject", "91320281MA0000000X")
	b.click("#signin-submit")
	b.waitVisible(".error-summary")
	if got := eval[string](b, `document.activeElement.className`); got != "error-summary" {
		t.Errorf("focus is on %q, not the error summary", got)
	}
	if got := eval[string](b, `document.querySelector('.error-summary a').getAttribute('href')`); got != "#subject" {
		t.Errorf("the summary links to %q, want #subject", got)
	}
	if got := b.text(".form-group--error .error-message"); !strings.Contains(got, "统一社会信用代码") {
		t.Errorf("inline message %q", got)
	}
	if got := eval[string](b, `document.querySelector('#subject').getAttribute('aria-invalid')`); got != "true" {
		t.Errorf("the field is not marked invalid: %q", got)
	}
	b.screenshot("signin-error")
	b.click(".error-summary a")
	if got := eval[string](b, `document.activeElement.id`); got != "subject" {
		t.Errorf("the summary's link focused %q, not the field", got)
	}

	// A division the server refuses for the role: its message comes back on the field.
	b.fill("#role", "province_officer")
	b.fill("#subject", "")
	b.fill("#division", "320500")
	b.click("#signin-submit")
	b.waitVisible(".error-summary")
	if got := b.text(".form-group--error .error-message"); !strings.Contains(got, "320000") {
		t.Errorf("the server's message for /division: %q", got)
	}

	if got := navLinks(); got != "home register notices" {
		t.Errorf("signed out, the navigation is %q", got)
	}
	b.signIn("agency", code, "")
	if got := navLinks(); got != "home filing annual-report submissions register notices" {
		t.Errorf("an agency's navigation is %q", got)
	}
	if got := b.text("#identity-who"); !strings.Contains(got, code) || !strings.Contains(got, "知识产权服务机构") {
		t.Errorf("identity %q", got)
	}
	if got := b.text("#tasks li.card:first-child h3"); !strings.Contains(got, "您的角色") {
		t.Errorf("the home page does not put the agency's tasks first: %q", got)
	}
	b.screenshot("signed-in-agency")
	b.click("#sign-out")
	b.waitVisible("#sign-in")
	if got := navLinks(); got != "home register notices" {
		t.Errorf("after sign-out the navigation is %q", got)
	}

	// The sign-in page returns to where the person came from.
	b.open("/signin.html?next=%2Fregister.html%3Fq%3Dx")
	b.fill("#role", "city_officer")
	b.fill("#division", "320281")
	b.click("#signin-submit")
	b.waitVisible("#identity-who")
	b.waitFor("the register", `location.pathname === '/register.html' && location.search === '?q=x'`)
	if got := navLinks(); got != "home workbench register notices" {
		t.Errorf("a city officer's navigation is %q", got)
	}
	// Tokens stay out of addresses.
	if got := b.location(); strings.Contains(got, "token") || strings.Contains(got, "eyJ") {
		t.Errorf("a token in the address: %s", got)
	}
	b.noConsoleErrors(t)
}

func TestBrowserRegisterSearchFindsAnAgency(t *testing.T) {
	b := newBrowser(t)
	code := fileAccepted(b, 1, "江阴市知信商标代理有限公司")
	fileAccepted(b, 2, "江阴市澄江商标代理有限公司")
	b.open("/register.html")
	b.waitVisible("#register-table")
	if n := eval[int](b, `document.querySelectorAll('#register-table tbody tr').length`); n != 2 {
		t.Errorf("the register lists %d agencies, want 2", n)
	}
	b.fill("#q", "知信")
	b.click("#search-submit")
	b.waitFor("one result", `document.querySelectorAll('#register-table tbody tr').length === 1`)
	if got := b.text("#register-table tbody tr a.agency-name"); got != "江阴市知信商标代理有限公司" {
		t.Errorf("the search found %q", got)
	}
	if got := eval[string](b, `location.search`); got != "?q=%E7%9F%A5%E4%BF%A1" {
		t.Errorf("the search is not in the address: %q", got)
	}
	b.screenshot("register-search")
	b.fill("#q", "没有这样的机构")
	b.click("#search-submit")
	b.waitVisible("#no-results")

	// A district that is not a county: the API's message, on the field.
	b.fill("#q", "")
	b.fill("#district", "320200")
	b.click("#search-submit")
	b.waitVisible(".error-summary")
	if got := eval[string](b, `document.querySelector('.error-summary a').getAttribute('href')`); got != "#district" {
		t.Errorf("the summary links to %q", got)
	}
	b.fill("#district", "320281")
	b.fill("#service_type", "trademark_agency")
	b.click("#search-submit")
	b.waitFor("both 江阴 agencies", `document.querySelectorAll('#register-table tbody tr').length === 2`)

	b.open("/register.html?q=" + "知信")
	b.click("#register-table a.agency-name")
	b.waitVisible("#agency-name")
	if got := b.text("#agency-name"); got != "江阴市知信商标代理有限公司" {
		t.Errorf("the agency page is for %q", got)
	}
	details := b.text("#agency-details")
	for _, want := range []string{code, "320281-", "商标代理", "已备案"} {
		if !strings.Contains(details, want) {
			t.Errorf("the agency page lacks %q: %s", want, details)
		}
	}
	b.text("#reports-none")
	b.text("#sanctions-none")
	b.screenshot("agency")
	b.open("/agency.html?uscc=91320281MA00000999")
	b.waitVisible("#agency-problem")
	b.noConsoleErrors(t)
}

func TestBrowserShowsHostileNamesAsText(t *testing.T) {
	b := newBrowser(t)
	names := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}
	codes := []string{fileAccepted(b, 1, names[0]), fileAccepted(b, 2, names[1])}
	b.open("/register.html")
	b.waitFor("both agencies", `document.querySelectorAll('#register-table tbody tr').length === 2`)
	shown := eval[[]string](b, `[...document.querySelectorAll('#register-table a.agency-name')].map((a) => a.textContent)`)
	for _, n := range names {
		if !strings.Contains(strings.Join(shown, "\n"), n) {
			t.Errorf("the register does not show %q literally: %q", n, shown)
		}
	}
	if n := eval[int](b, `document.querySelectorAll('main img, main script').length`); n != 0 {
		t.Errorf("the register made %d elements out of the names", n)
	}
	b.screenshot("register-hostile-names")
	for i, code := range codes {
		b.open("/agency.html?uscc=" + code)
		b.waitVisible("#agency-name")
		if got := eval[string](b, `document.querySelector('#agency-name').textContent`); got != names[i] {
			t.Errorf("the agency page shows %q, want %q literally", got, names[i])
		}
		if got := eval[string](b, `document.title`); !strings.HasPrefix(got, names[i]) {
			t.Errorf("the title is %q", got)
		}
		if n := eval[int](b, `document.querySelectorAll('main img, main script').length`); n != 0 {
			t.Errorf("the agency page made %d elements out of the name", n)
		}
	}
	b.screenshot("agency-hostile-name")
	time.Sleep(200 * time.Millisecond) // a dialog would have opened by now
	if d := b.dialogsOpened(); len(d) != 0 {
		t.Errorf("a page opened dialogs: %q", d)
	}
	b.noConsoleErrors(t)
}

func TestBrowserEveryControlOnThePublicPagesHasALabel(t *testing.T) {
	b := newBrowser(t)
	code := fileAccepted(b, 1, "江阴市标签商标代理有限公司")
	for _, p := range []struct{ path, ready string }{
		{"/", "#cutoff-jan31"}, {"/signin.html", "#signin-form"}, {"/register.html", "#register-table"},
		{"/agency.html?uscc=" + code, "#agency-details"}, {"/notices.html", "#no-notices"},
	} {
		b.open(p.path)
		b.waitVisible(p.ready)
		b.checkLabels(t)
	}
	b.screenshot("signin")
	b.noConsoleErrors(t)
}

// The shared form module in the browser: money parsed exactly, and one Idempotency-Key per
// attempt at a draft (a double click sends once; a retry after no answer reuses the key; a
// refusal or an edit gets a new one).
func TestBrowserFormsModule(t *testing.T) {
	b := newBrowser(t)
	b.open("/notices.html")
	b.waitVisible("h1")
	money := eval[map[string]any](b, `(async () => {
		const f = await import('/js/forms.js');
		const out = {};
		for (const s of ['0.07', '1,234.07', '1234', '0.1', '19.99', '１２.５', '¥3.30', '100元', '9999999999999.99',
			'1.234', '-1', 'abc', '1,23', '', '.5', '1.', '1e3', '99999999999999'])
			out['y' + s] = f.yuanToFen(s);
		for (const n of [123407, 7, -5, 0, 100000000]) out['f' + n] = f.fenToYuan(n);
		return out;
	})()`)
	want := map[string]any{"y0.07": 7.0, "y1,234.07": 123407.0, "y1234": 123400.0, "y0.1": 10.0, "y19.99": 1999.0, "y１２.５": 1250.0,
		"y¥3.30": 330.0, "y100元": 10000.0, "y9999999999999.99": 999999999999999.0,
		"y1.234": nil, "y-1": nil, "yabc": nil, "y1,23": nil, "y": nil, "y.5": nil, "y1.": nil, "y1e3": nil, "y99999999999999": nil,
		"f123407": "1,234.07", "f7": "0.07", "f-5": "-0.05", "f0": "0.00", "f100000000": "1,000,000.00"}
	for k, v := range want {
		if money[k] != v {
			t.Errorf("%s → %v, want %v", k, money[k], v)
		}
	}
	keys := eval[[]string](b, `(async () => {
		const f = await import('/js/forms.js');
		const { ApiError } = await import('/js/api.js');
		const form = document.createElement('form');
		form.id = 'probe';
		const input = Object.assign(document.createElement('input'), { name: 'a', value: 'x' });
		const button = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'go' });
		form.append(input, button);
		document.querySelector('main').append(form);
		const keys = [];
		let answer = 'network';
		f.submitOnce(form, async (key) => {
			keys.push(key);
			await new Promise((r) => setTimeout(r, 30));
			if (answer === 'network') throw new ApiError(0, { title: 'no answer' });
			if (answer === 'refused') throw new ApiError(422, { errors: [{ field: '/a', message: 'bad' }] });
			return 'ok';
		});
		const settle = () => new Promise((r) => setTimeout(r, 80));
		button.click(); button.click(); await settle();     // a double click: one call
		button.click(); await settle();                     // no answer before: the same key
		answer = 'refused'; button.click(); await settle(); // still the same key; refused
		button.click(); await settle();                     // after a refusal: a new key
		answer = 'network';
		input.value = 'y'; button.click(); await settle();  // an edited draft: a new key; no answer
		answer = 'ok'; button.click(); await settle();      // no answer before, unchanged: same key; succeeds
		button.click(); await settle();                     // a new submission: a new key
		return keys;
	})()`)
	if len(keys) != 7 {
		t.Fatalf("submitOnce called the form's function %d times, want 7: %v", len(keys), keys)
	}
	same := func(i, j int) bool { return keys[i] == keys[j] }
	if !same(0, 1) || !same(1, 2) || same(2, 3) || same(3, 4) || !same(4, 5) || same(5, 6) {
		t.Errorf("keys %v: want k1 k1 k1 k2 k3 k3 k4", keys)
	}
	b.noConsoleErrors(t)
}
