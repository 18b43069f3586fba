package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

const jiangyin, xishan = "320281", "320205"

type filingFixture struct {
	*harness
	code, agencyTok, officerTok string
}

func newFiling(t *testing.T) filingFixture {
	h := newHarness(t, httpapi.Filing)
	code := uscc(t, jiangyin, "MA20JY01")
	return filingFixture{harness: h, code: code,
		agencyTok:  h.token(domain.RoleAgency, code, ""),
		officerTok: h.token(domain.RoleCityOfficer, "officer-1", jiangyin)}
}

func (f filingFixture) file(t *testing.T) reply {
	t.Helper()
	return f.expect(f.do("POST", "/v1/agencies", f.agencyTok, filingBody(f.code, "江阴市知信专利代理有限公司", jiangyin)), http.StatusCreated)
}

func (f filingFixture) review(t *testing.T, outcome string, reasons ...string) reply {
	t.Helper()
	body := map[string]any{"outcome": outcome}
	if len(reasons) > 0 {
		var rs []map[string]string
		for _, r := range reasons {
			rs = append(rs, map[string]string{"field": "/address", "message": r})
		}
		body["reasons"] = rs
	}
	return f.do("POST", "/v1/agencies/"+f.code+"/review", f.officerTok, body)
}

func TestFilingIsSubmittedWithETagAndLocation(t *testing.T) {
	f := newFiling(t)
	r := f.file(t)
	got := r.json(t)
	if got["status"] != "submitted" || got["uscc"] != f.code || got["version"] != float64(1) {
		t.Fatalf("filed: %s", r.body)
	}
	if r.header.Get("ETag") != `"1"` || r.header.Get("Location") != "/v1/agencies/"+f.code {
		t.Fatalf("ETag %q Location %q", r.header.Get("ETag"), r.header.Get("Location"))
	}
	read := f.expect(f.do("GET", "/v1/agencies/"+f.code, f.agencyTok, nil), http.StatusOK).json(t)
	if read["filing"].(map[string]any)["name"] != "江阴市知信专利代理有限公司" {
		t.Fatalf("read back: %v", read)
	}
}

func TestOfficerAcceptsAndTheAgencyAppearsOnTheRegister(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	// Not on the public register before acceptance.
	f.expect(f.do("GET", "/v1/public/agencies/"+f.code, "", nil), http.StatusNotFound)
	queue := f.expect(f.do("GET", "/v1/agencies?status=submitted", f.officerTok, nil), http.StatusOK).json(t)
	if items := queue["items"].([]any); len(items) != 1 {
		t.Fatalf("review queue: %v", queue)
	}
	acc := f.expect(f.review(t, "accept"), http.StatusOK).json(t)
	if acc["status"] != "accepted" || acc["filing_no"] != "320281-2027-00001" {
		t.Fatalf("accepted: %v", acc)
	}
	pub := f.expect(f.do("GET", "/v1/public/agencies?q=知信", "", nil), http.StatusOK)
	list := pub.json(t)["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["filing_no"] != "320281-2027-00001" {
		t.Fatalf("register: %s", pub.body)
	}
	for _, private := range []string{"contact_phone", "contact_email", "qualification_no", "0510-86861234", "info@example.cn", "QN-1234567"} {
		if strings.Contains(string(pub.body), private) {
			t.Errorf("public register shows %s: %s", private, pub.body)
		}
	}
	if cc := pub.header.Get("Cache-Control"); !strings.Contains(cc, "public") {
		t.Errorf("register Cache-Control %q", cc)
	}
}

func TestEveryBadFieldIsReportedAtOnceAndNothingIsStored(t *testing.T) {
	f := newFiling(t)
	body := filingBody(f.code, "", jiangyin)
	body["contact_phone"] = "12345"
	body["district_code"] = "320200" // a prefecture, not a county
	body["service_types"] = []string{"patent_agency", "astrology"}
	body["practitioners"] = []map[string]any{{"name": "", "role": "代理师"}}
	body["truthfulness_commitment"] = false
	body["patent_agency_license_no"] = ""
	body["surprise"] = "unknown"
	contentLanguage := map[string]string{"": "zh-CN", "en": "en"}
	for lang, want := range map[string]string{"": "必填", "en": "is required"} {
		r := f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body, "Accept-Language", lang), http.StatusUnprocessableEntity)
		got := r.fields(t)
		for _, field := range []string{"/name", "/contact_phone", "/district_code", "/service_types/1", "/practitioners/0/name",
			"/truthfulness_commitment", "/patent_agency_license_no", "/surprise"} {
			if !slices.Contains(got, field) {
				t.Errorf("lang %q: %s not reported; got %v", lang, field, got)
			}
		}
		if !strings.Contains(string(r.body), want) || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("lang %q: no %q in %s", lang, want, r.body)
		}
		if got := r.header.Get("Content-Language"); got != contentLanguage[lang] {
			t.Errorf("lang %q: Content-Language %q", lang, got)
		}
	}
	f.expect(f.do("GET", "/v1/agencies/"+f.code, f.agencyTok, nil), http.StatusNotFound)
}

func TestMalformedOversizedAndWrongTypeBodies(t *testing.T) {
	f := newFiling(t)
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, `{"uscc": "x",`), http.StatusBadRequest)
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, "uscc=x", "Content-Type", "application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType)
	huge := `{"name":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, huge), http.StatusRequestEntityTooLarge)
	f.expect(f.do("GET", "/v1/agencies/"+f.code, f.agencyTok, nil), http.StatusNotFound)
}

func TestCredentialsAreRequiredAndChecked(t *testing.T) {
	f := newFiling(t)
	r := f.expect(f.do("POST", "/v1/agencies", "", filingBody(f.code, "x", jiangyin)), http.StatusUnauthorized)
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 without WWW-Authenticate: %v", r.header)
	}
	f.expect(f.do("POST", "/v1/agencies", "not-a-jwt", filingBody(f.code, "x", jiangyin)), http.StatusUnauthorized)
	// The 401's reason goes to the log, never to the client.
	if !strings.Contains(f.logs.String(), `"reason"`) || strings.Contains(string(r.body), "bearer token") {
		t.Errorf("reason not logged or leaked: %s", r.body)
	}
}

func TestAnAgencyFilesOnlyForItself(t *testing.T) {
	f := newFiling(t)
	other := uscc(t, jiangyin, "MA20JY02")
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, filingBody(other, "别家", jiangyin)), http.StatusForbidden)
	ent := f.token(domain.RoleEnterprise, f.code, "")
	f.expect(f.do("POST", "/v1/agencies", ent, filingBody(f.code, "x", jiangyin)), http.StatusForbidden)
}

func TestAnotherPartysFilingDoesNotExistForThem(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	otherAgency := f.token(domain.RoleAgency, uscc(t, jiangyin, "MA20JY02"), "")
	otherOfficer := f.token(domain.RoleCityOfficer, "officer-2", xishan)
	enterprise := f.token(domain.RoleEnterprise, uscc(t, jiangyin, "MA20JY03"), "")
	missing := f.do("GET", "/v1/agencies/"+uscc(t, jiangyin, "MA20JY09"), otherAgency, nil)
	for name, tok := range map[string]string{"another agency": otherAgency, "an officer of another district": otherOfficer, "an enterprise": enterprise} {
		got := f.expect(f.do("GET", "/v1/agencies/"+f.code, tok, nil), http.StatusNotFound)
		if got.json(t)["detail"] != missing.json(t)["detail"] {
			t.Errorf("%s: the answer differs from a missing record's: %s vs %s", name, got.body, missing.body)
		}
		f.expect(f.do("PUT", "/v1/agencies/"+f.code, tok, filingBody(f.code, "篡改", jiangyin)), http.StatusNotFound)
		f.expect(f.do("POST", "/v1/agencies/"+f.code+"/review", tok, map[string]any{"outcome": "accept"}), http.StatusNotFound)
		f.expect(f.do("POST", "/v1/agencies/"+f.code+"/deregistration", tok, map[string]any{"reason": "x"}), http.StatusNotFound)
	}
	// The prefecture's and the province's officers see it; a province officer does not review it.
	f.expect(f.do("GET", "/v1/agencies/"+f.code, f.token(domain.RoleCityOfficer, "wuxi", "320200"), nil), http.StatusOK)
	prov := f.token(domain.RoleProvinceOfficer, "js", "320000")
	f.expect(f.do("GET", "/v1/agencies/"+f.code, prov, nil), http.StatusOK)
	f.expect(f.do("POST", "/v1/agencies/"+f.code+"/review", prov, map[string]any{"outcome": "accept"}), http.StatusNotFound)
	if a := f.expect(f.do("GET", "/v1/agencies/"+f.code, f.agencyTok, nil), http.StatusOK).json(t); a["status"] != "submitted" || a["version"] != float64(1) {
		t.Fatalf("refused requests changed the filing: %v", a)
	}
}

func TestSecondFilingOfOneCodeIsAConflict(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, filingBody(f.code, "第二次", jiangyin)), http.StatusConflict)
}

func TestEightRacingFilingsStoreExactlyOne(t *testing.T) {
	f := newFiling(t)
	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = f.do("POST", "/v1/agencies", f.agencyTok, filingBody(f.code, fmt.Sprintf("并发%d", i), jiangyin)).status
		}()
	}
	wg.Wait()
	created, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			conflicts++
		}
	}
	if created != 1 || conflicts != 7 {
		t.Fatalf("statuses %v: want one 201 and seven 409", statuses)
	}
	a := f.expect(f.do("GET", "/v1/agencies/"+f.code, f.agencyTok, nil), http.StatusOK).json(t)
	if a["version"] != float64(1) || len(a["history"].([]any)) != 1 {
		t.Fatalf("the stored filing was touched by the losers: %v", a)
	}
}

func TestAmendmentHonoursIfMatchAndKeepsTheRegisterUntilAccepted(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	f.expect(f.review(t, "accept"), http.StatusOK) // version 2
	changed := filingBody(f.code, "江阴市知信知识产权代理有限公司", jiangyin)
	r := f.do("PUT", "/v1/agencies/"+f.code, f.agencyTok, changed, "If-Match", `"1"`)
	f.expect(r, http.StatusConflict)
	r = f.expect(f.do("PUT", "/v1/agencies/"+f.code, f.agencyTok, changed, "If-Match", `"2"`), http.StatusOK)
	if a := r.json(t); a["status"] != "submitted" || r.header.Get("ETag") != `"3"` {
		t.Fatalf("amended: %s (ETag %s)", r.body, r.header.Get("ETag"))
	}
	pub := f.expect(f.do("GET", "/v1/public/agencies/"+f.code, "", nil), http.StatusOK).json(t)
	if pub["name"] != "江阴市知信专利代理有限公司" || pub["status"] != "accepted" {
		t.Fatalf("register during amendment review: %v", pub)
	}
	acc := f.expect(f.review(t, "accept"), http.StatusOK).json(t)
	if acc["filing_no"] != "320281-2027-00001" {
		t.Fatalf("an amendment changed the filing number: %v", acc)
	}
	pub = f.expect(f.do("GET", "/v1/public/agencies/"+f.code, "", nil), http.StatusOK).json(t)
	if pub["name"] != "江阴市知信知识产权代理有限公司" {
		t.Fatalf("register after accepting the amendment: %v", pub)
	}
	// The code in the body cannot differ from the one in the path.
	other := filingBody(uscc(t, jiangyin, "MA20JY02"), "x", jiangyin)
	if got := f.expect(f.do("PUT", "/v1/agencies/"+f.code, f.agencyTok, other), http.StatusUnprocessableEntity).fields(t); !slices.Contains(got, "/uscc") {
		t.Fatalf("fields %v", got)
	}
}

func TestReturnNeedsReasonsAndTheCorrectionGoesBackToReview(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	if got := f.expect(f.review(t, "return"), http.StatusUnprocessableEntity).fields(t); !slices.Contains(got, "/reasons") {
		t.Fatalf("return without reasons: %v", got)
	}
	ret := f.expect(f.review(t, "return", "地址须为本市经营地址"), http.StatusOK).json(t)
	if ret["status"] != "returned" || len(ret["return_reasons"].([]any)) != 1 {
		t.Fatalf("returned: %v", ret)
	}
	f.expect(f.review(t, "accept"), http.StatusConflict) // nothing to review until corrected
	f.expect(f.do("PUT", "/v1/agencies/"+f.code, f.agencyTok, filingBody(f.code, "江阴市知信专利代理有限公司", jiangyin)), http.StatusOK)
	acc := f.expect(f.review(t, "accept"), http.StatusOK).json(t)
	history := acc["history"].([]any)
	var actions []string
	for _, e := range history {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if fmt.Sprint(actions) != "[file return amend accept]" {
		t.Fatalf("history %v", actions)
	}
}

func TestRejectionEndsTheSubmissionAndAllowsANewOne(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	if rej := f.expect(f.review(t, "reject", "非知识产权服务机构"), http.StatusOK).json(t); rej["status"] != "rejected" {
		t.Fatalf("rejected: %v", rej)
	}
	f.expect(f.do("PUT", "/v1/agencies/"+f.code, f.agencyTok, filingBody(f.code, "x", jiangyin)), http.StatusConflict)
	again := f.file(t).json(t)
	if again["status"] != "submitted" {
		t.Fatalf("new filing after rejection: %v", again)
	}
}

func TestRejectedAmendmentLeavesTheAcceptedFilingInForce(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	f.expect(f.review(t, "accept"), http.StatusOK)
	f.expect(f.do("PUT", "/v1/agencies/"+f.code, f.agencyTok, filingBody(f.code, "改名", jiangyin)), http.StatusOK)
	a := f.expect(f.review(t, "reject", "变更事项不实"), http.StatusOK).json(t)
	if a["status"] != "accepted" || a["filing"].(map[string]any)["name"] != "江阴市知信专利代理有限公司" {
		t.Fatalf("after rejecting an amendment: %v", a)
	}
}

func TestDeregistration(t *testing.T) {
	f := newFiling(t)
	f.file(t)
	// A filing never accepted cannot be deregistered.
	f.expect(f.do("POST", "/v1/agencies/"+f.code+"/deregistration", f.agencyTok, nil), http.StatusConflict)
	f.expect(f.review(t, "accept"), http.StatusOK)
	// An officer must say why.
	if got := f.expect(f.do("POST", "/v1/agencies/"+f.code+"/deregistration", f.officerTok, map[string]any{}), http.StatusUnprocessableEntity).fields(t); !slices.Contains(got, "/reason") {
		t.Fatalf("fields %v", got)
	}
	d := f.expect(f.do("POST", "/v1/agencies/"+f.code+"/deregistration", f.agencyTok, nil), http.StatusOK).json(t)
	if d["status"] != "deregistered" {
		t.Fatalf("deregistered: %v", d)
	}
	f.expect(f.do("POST", "/v1/agencies/"+f.code+"/deregistration", f.agencyTok, nil), http.StatusConflict)
	pub := f.expect(f.do("GET", "/v1/public/agencies/"+f.code, "", nil), http.StatusOK).json(t)
	if pub["status"] != "deregistered" {
		t.Fatalf("register after deregistration: %v", pub)
	}
	active := f.expect(f.do("GET", "/v1/public/agencies?status=accepted", "", nil), http.StatusOK).json(t)
	if len(active["items"].([]any)) != 0 {
		t.Fatalf("a deregistered agency is listed as accepted: %v", active)
	}
}

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	f := newFiling(t)
	body := filingBody(f.code, "江阴市知信专利代理有限公司", jiangyin)
	first := f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body, "Idempotency-Key", "file-1"), http.StatusCreated)
	retry := f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body, "Idempotency-Key", "file-1"), http.StatusCreated)
	if string(retry.body) != string(first.body) || retry.header.Get("Idempotent-Replayed") != "true" || retry.header.Get("ETag") != first.header.Get("ETag") {
		t.Fatalf("retry was not a replay: %s / %v", retry.body, retry.header)
	}
	body["name"] = "另一个名称"
	if got := f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body, "Idempotency-Key", "file-1"), http.StatusUnprocessableEntity).fields(t); !slices.Contains(got, "Idempotency-Key") {
		t.Fatalf("fields %v", got)
	}
	// A refusal is replayed too: a retried duplicate does not turn into something else.
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body, "Idempotency-Key", "file-2"), http.StatusConflict)
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body, "Idempotency-Key", "file-2"), http.StatusConflict)
	a := f.expect(f.do("GET", "/v1/agencies/"+f.code, f.agencyTok, nil), http.StatusOK).json(t)
	if a["version"] != float64(1) {
		t.Fatalf("retries changed the record: %v", a)
	}
}

func TestRegisterSearchFiltersAndPages(t *testing.T) {
	f := newFiling(t)
	officer := map[string]string{jiangyin: f.officerTok, xishan: f.token(domain.RoleCityOfficer, "o", xishan)}
	agencies := []struct {
		district, body8, name string
		types                 []string
	}{
		{jiangyin, "MA20JY11", "甲专利代理", []string{"patent_agency"}},
		{jiangyin, "MA20JY12", "乙商标代理", []string{"trademark_agency"}},
		{xishan, "MA20XH13", "丙知识产权咨询", []string{"consulting_training"}},
		{xishan, "MA20XH14", "丁专利代理", []string{"patent_agency", "valuation"}},
	}
	for _, a := range agencies {
		code := uscc(t, a.district, a.body8)
		body := filingBody(code, a.name, a.district)
		body["service_types"] = a.types
		f.expect(f.do("POST", "/v1/agencies", f.token(domain.RoleAgency, code, ""), body), http.StatusCreated)
		f.expect(f.do("POST", "/v1/agencies/"+code+"/review", officer[a.district], map[string]any{"outcome": "accept"}), http.StatusOK)
	}
	names := func(path string) []string {
		var out []string
		for cursor := ""; ; {
			p := path
			if cursor != "" {
				p += "&cursor=" + cursor
			}
			page := f.expect(f.do("GET", p, "", nil), http.StatusOK).json(t)
			for _, it := range page["items"].([]any) {
				out = append(out, it.(map[string]any)["name"].(string))
			}
			if cursor, _ = page["next_cursor"].(string); cursor == "" {
				return out
			}
		}
	}
	for path, want := range map[string][]string{
		"/v1/public/agencies?limit=1":                                    {"丁专利代理", "丙知识产权咨询", "乙商标代理", "甲专利代理"},
		"/v1/public/agencies?limit=1&district=" + xishan:                 {"丁专利代理", "丙知识产权咨询"},
		"/v1/public/agencies?limit=1&service_type=patent_agency":         {"丁专利代理", "甲专利代理"},
		"/v1/public/agencies?limit=2&q=专利":                               {"丁专利代理", "甲专利代理"},
		"/v1/public/agencies?limit=5&q=" + uscc(t, jiangyin, "MA20JY12"): {"乙商标代理"},
	} {
		if got := names(path); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	bad := f.expect(f.do("GET", "/v1/public/agencies?limit=0&district=999999&service_type=x&status=y&cursor=zz", "", nil), http.StatusUnprocessableEntity)
	if got := bad.fields(t); fmt.Sprint(got) != "[limit]" {
		t.Errorf("bad limit: %v", got)
	}
	bad = f.expect(f.do("GET", "/v1/public/agencies?district=999999&service_type=x&status=y", "", nil), http.StatusUnprocessableEntity)
	if got := bad.fields(t); fmt.Sprint(got) != "[district service_type status]" {
		t.Errorf("bad filters: %v", got)
	}
	f.expect(f.do("GET", "/v1/public/agencies?cursor=forged", "", nil), http.StatusUnprocessableEntity)
}

func TestUnknownPathsAndMethodsAnswerProblems(t *testing.T) {
	f := newFiling(t)
	r := f.expect(f.do("DELETE", "/v1/agencies/"+f.code, f.agencyTok, nil), http.StatusMethodNotAllowed)
	if r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(r.header.Get("Allow"), "PUT") {
		t.Fatalf("405: %v %s", r.header, r.body)
	}
	f.expect(f.do("GET", "/v1/nothing-here", "", nil), http.StatusNotFound)
}

func TestRequestIDsAreEchoedAndLoggedWithoutTokens(t *testing.T) {
	f := newFiling(t)
	r := f.do("GET", "/v1/agencies/"+f.code, f.agencyTok, nil, "X-Request-Id", "trace-abc.1")
	if r.header.Get("X-Request-Id") != "trace-abc.1" || r.json(t)["request_id"] != "trace-abc.1" {
		t.Fatalf("request id not echoed: %v %s", r.header, r.body)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, `"request_id":"trace-abc.1"`) || !strings.Contains(logs, `"function":"filing"`) || !strings.Contains(logs, `"subject":"`+f.code) {
		t.Fatalf("log lines: %s", logs)
	}
	if strings.Contains(logs, f.agencyTok) {
		t.Fatal("a token was logged")
	}
	gateway := f.do("GET", "/v1/public/agencies", "", nil, "X-Request-Id", "JKJaXmPLvHcESHA=")
	if id := gateway.header.Get("X-Request-Id"); id != "JKJaXmPLvHcESHA=" {
		t.Fatalf("API Gateway's request id was replaced: %q", id)
	}
	generated := f.do("GET", "/v1/public/agencies", "", nil, "X-Request-Id", "bad id with spaces")
	if id := generated.header.Get("X-Request-Id"); id == "" || id == "bad id with spaces" {
		t.Fatalf("an unsafe request id was kept: %q", id)
	}
}

func TestBusinessStartCannotBeInTheFuture(t *testing.T) {
	f := newFiling(t)
	body := filingBody(f.code, "x", jiangyin)
	body["business_started_on"] = domain.DateOf(f.clock.Now()).Start().AddDate(0, 0, 1).Format("2006-01-02")
	if got := f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body), http.StatusUnprocessableEntity).fields(t); fmt.Sprint(got) != "[/business_started_on]" {
		t.Fatalf("fields %v", got)
	}
	body["business_started_on"] = domain.DateOf(f.clock.Now()).String()
	f.expect(f.do("POST", "/v1/agencies", f.agencyTok, body), http.StatusCreated)
}
