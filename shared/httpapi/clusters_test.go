package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// The cluster-zone application (seed 001 §四; DOMAIN.md §5) through the HTTP API: a county of
// Wuxi, 江阴市 (320281), applies in the 2027 round; the harness clock stands at 15 January 2027.

const (
	jyCounty     = "320281"
	wxPrefecture = "320200"
)

type clusterWorld struct {
	*harness
}

func newClusterWorld(t *testing.T) *clusterWorld {
	return &clusterWorld{newHarness(t, httpapi.ClusterApplication)}
}

func (w *clusterWorld) county(code string) string {
	return w.token(domain.RoleCountyGovernment, code, code)
}
func (w *clusterWorld) prefecture(code string) string {
	return w.token(domain.RolePrefectureOfficer, "pre-"+code, code)
}
func (w *clusterWorld) province() string {
	return w.token(domain.RoleProvinceOfficer, "officer-js", "320000")
}
func (w *clusterWorld) expert(subject, division string) string {
	return w.token(domain.RoleExpert, subject, division)
}

// applicationBody is a complete 2027 application of county: 15 agencies, every IP type for
// every service kind, 3 staff, a plan and a fund.
func applicationBody(t *testing.T, county string) map[string]any {
	agencies := []map[string]any{}
	for i := range 15 {
		agencies = append(agencies, map[string]any{"uscc": uscc(t, county, fmt.Sprintf("MA1%05d", i+1)),
			"name": fmt.Sprintf("服务机构%d", i+1), "service_types": []string{"patent_agency"}})
	}
	coverage := map[string][]string{}
	for _, ty := range domain.ClusterIPTypes {
		coverage[ty] = slices.Clone(domain.ClusterServiceKind)
	}
	return map[string]any{
		"year": 2027, "county_code": county, "zone_name": "江阴市知识产权服务业集聚区",
		"management_body":      map[string]any{"name": "江阴市知识产权服务业集聚区管理办公室", "staff_count": 3},
		"has_development_plan": true, "special_fund_fen_per_year": 5_000_000, "industry": "高端装备制造",
		"agencies": agencies, "coverage": coverage,
	}
}

// pdf is a small, real PDF file; tag makes its content (and digest) unique.
func pdf(tag string) []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% " +
		tag + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// gif is a 1×1 GIF: named .pdf, it is still no PDF.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

var countyKinds = []string{"application_form", "work_plan", "authenticity_commitment", "supporting_materials"}

func (w *clusterWorld) create(t *testing.T, body map[string]any) string {
	t.Helper()
	r := w.expect(w.do(http.MethodPost, "/v1/cluster-applications", w.county(body["county_code"].(string)), body), http.StatusCreated)
	m := r.json(t)
	if m["status"] != "draft" {
		t.Fatalf("created as %v", m["status"])
	}
	return m["id"].(string)
}

func (w *clusterWorld) upload(id, kind, token string, content []byte) reply {
	w.t.Helper()
	w.clock.Set(w.clock.Now().Add(time.Second), true) // one upload per instant, as a real clock gives
	return w.do(http.MethodPut, "/v1/cluster-applications/"+id+"/documents/"+kind, token, content, "Content-Type", "application/pdf")
}

func (w *clusterWorld) get(t *testing.T, id, token string) map[string]any {
	t.Helper()
	return w.expect(w.do(http.MethodGet, "/v1/cluster-applications/"+id, token, nil), http.StatusOK).json(t)
}

func (w *clusterWorld) submit(id string) reply {
	w.t.Helper()
	return w.do(http.MethodPost, "/v1/cluster-applications/"+id+"/submission", w.county(jyCounty), nil)
}

// problemErrors reads a problem's errors by field.
func problemErrors(t *testing.T, r reply) map[string]httpapi.ProblemField {
	t.Helper()
	var p httpapi.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	out := map[string]httpapi.ProblemField{}
	for _, e := range p.Errors {
		if _, dup := out[e.Field]; !dup {
			out[e.Field] = e
		}
	}
	return out
}

func TestClusterScreeningRefusesEveryFailedConditionWithItsBasis(t *testing.T) {
	w := newClusterWorld(t)
	body := applicationBody(t, jyCounty)
	body["agencies"] = body["agencies"].([]map[string]any)[:14]
	body["coverage"].(map[string][]string)["plant_variety"] = []string{"info_consulting", "rights_protection", "agency", "valuation", "commercial"}
	body["management_body"] = map[string]any{"name": "江阴市知识产权局", "staff_count": 1}
	id := w.create(t, body)
	county := w.county(jyCounty)
	for _, kind := range countyKinds[:3] { // no supporting materials
		w.expect(w.upload(id, kind, county, pdf(kind)), http.StatusOK)
	}
	before := w.get(t, id, county)

	r := w.expect(w.submit(id), http.StatusUnprocessableEntity)
	if got := r.json(t)["code"]; got != "rule_refused" {
		t.Errorf("code %v, want rule_refused", got)
	}
	errs := problemErrors(t, r)
	for field, want := range map[string]struct{ code, basis string }{
		"/agencies":                       {"too_few_agencies", "seed 001 §四(二)3"},
		"/coverage/plant_variety":         {"coverage_missing", "seed 001 §四(二)3"},
		"/management_body/staff_count":    {"too_few_staff", "seed 001 §四(二)1"},
		"/documents/supporting_materials": {"document_missing", "seed 001 §四(三)"},
	} {
		e, ok := errs[field]
		if !ok {
			t.Errorf("no failure for %s in %s", field, r.body)
			continue
		}
		if e.Code != want.code || !strings.Contains(e.Message, want.basis) {
			t.Errorf("%s: %s %q, want %s citing %s", field, e.Code, e.Message, want.code, want.basis)
		}
	}
	if len(errs) != 4 {
		t.Errorf("%d failed fields, want exactly the 4 made to fail: %s", len(errs), r.body)
	}
	// Nothing changed on the refusal.
	after := w.get(t, id, county)
	if after["status"] != "draft" || after["version"] != before["version"] || after["screening"] != nil {
		t.Errorf("a refused submission changed the application: %v → %v", before, after)
	}
	// In English, each message names its basis too.
	r = w.do(http.MethodPost, "/v1/cluster-applications/"+id+"/submission", county, nil, "Accept-Language", "en")
	if e := problemErrors(t, r)["/agencies"]; !strings.Contains(e.Message, "(seed 001 §四(二)3)") {
		t.Errorf("English message %q does not cite its basis", e.Message)
	}
}

func TestClusterOneApplicationPerRoundAndTheCutoff(t *testing.T) {
	w := newClusterWorld(t)
	county := w.county(jyCounty)
	first := w.create(t, applicationBody(t, jyCounty))
	second := w.create(t, applicationBody(t, jyCounty)) // a second draft is allowed
	for _, id := range []string{first, second} {
		for _, kind := range countyKinds {
			w.expect(w.upload(id, kind, county, pdf(id+kind)), http.StatusOK)
		}
	}
	m := w.expect(w.submit(first), http.StatusOK).json(t)
	if m["status"] != "submitted" || m["screening"].(map[string]any)["passed"] != true {
		t.Fatalf("submitted as %v with %v", m["status"], m["screening"])
	}
	r := w.expect(w.submit(second), http.StatusUnprocessableEntity)
	if e := problemErrors(t, r)["/year"]; e.Code != "duplicate_application" || !strings.Contains(e.Message, first) {
		t.Errorf("the second application of the round: %s", r.body)
	}
	// Submitting again what is already with the prefecture is a conflict.
	w.expect(w.submit(first), http.StatusConflict)

	// After the cutoff (1 July 2027 00:00 Beijing) the round is closed, and the answer names
	// the next round's cutoff.
	third := w.create(t, applicationBody(t, "320282"))
	for _, kind := range countyKinds {
		w.expect(w.upload(third, kind, w.county("320282"), pdf(third+kind)), http.StatusOK)
	}
	w.clock.Set(time.Date(2027, 7, 1, 0, 0, 0, 0, domain.Shanghai), true)
	r = w.expect(w.do(http.MethodPost, "/v1/cluster-applications/"+third+"/submission", w.county("320282"), nil, "Accept-Language", "en"), http.StatusUnprocessableEntity)
	e := problemErrors(t, r)["/submitted_at"]
	if e.Code != "round_closed" || !strings.Contains(e.Message, "2028-07-01") {
		t.Errorf("after the cutoff: %s", r.body)
	}
	if d := r.json(t)["detail"].(string); !strings.Contains(d, "2028-07-01") {
		t.Errorf("the detail %q does not name the next round's cutoff", d)
	}
}

func TestClusterDocumentsArePDFsCheckedByContent(t *testing.T) {
	w := newClusterWorld(t)
	id := w.create(t, applicationBody(t, jyCounty))
	county := w.county(jyCounty)
	path := "/v1/cluster-applications/" + id + "/documents/application_form"

	w.expect(w.upload(id, "application_form", county, gif), http.StatusUnsupportedMediaType)
	w.expect(w.do(http.MethodPut, path, county, pdf("x"), "Content-Type", "image/gif"), http.StatusUnsupportedMediaType)

	content := pdf("the application form")
	sum := sha256.Sum256(content)
	m := w.expect(w.upload(id, "application_form", county, content), http.StatusOK).json(t)
	if m["kind"] != "application_form" || m["sha256"] != hex.EncodeToString(sum[:]) || m["size"] != float64(len(content)) || m["uploaded_at"] == "" {
		t.Errorf("upload answered %v", m)
	}
	app := w.get(t, id, county)
	doc := app["documents"].(map[string]any)["application_form"].(map[string]any)
	if doc["sha256"] != hex.EncodeToString(sum[:]) || doc["size"] != float64(len(content)) {
		t.Errorf("the application holds %v", doc)
	}

	// Downloaded by those who read the application, byte for byte.
	for _, token := range []string{county, w.prefecture(wxPrefecture)} {
		r := w.expect(w.do(http.MethodGet, path, token, nil), http.StatusOK)
		if !bytes.Equal(r.body, content) || r.header.Get("Content-Type") != "application/pdf" {
			t.Errorf("download: %s %q", r.header.Get("Content-Type"), r.body)
		}
	}
	w.expect(w.do(http.MethodGet, path, w.county("320282"), nil), http.StatusNotFound)
	w.expect(w.do(http.MethodGet, "/v1/cluster-applications/"+id+"/documents/work_plan", county, nil), http.StatusNotFound)
	w.expect(w.do(http.MethodGet, "/v1/cluster-applications/"+id+"/documents/photo", county, nil), http.StatusNotFound)

	// Over 20 MiB: refused by its declared length, and by its length when none is declared.
	big := append(pdf("big"), bytes.Repeat([]byte{' '}, domain.MaxDocumentBytes)...)
	w.expect(w.upload(id, "work_plan", county, big), http.StatusRequestEntityTooLarge)
	req, _ := http.NewRequest(http.MethodPut, w.url+"/v1/cluster-applications/"+id+"/documents/work_plan", io.MultiReader(bytes.NewReader(big)))
	req.Header.Set("Authorization", "Bearer "+county)
	req.Header.Set("Content-Type", "application/pdf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || req.ContentLength != 0 {
		t.Errorf("a streamed body over 20 MiB: %d (declared %d)", resp.StatusCode, req.ContentLength)
	}
	if docs := w.get(t, id, county)["documents"].(map[string]any); len(docs) != 1 {
		t.Errorf("refused uploads left documents: %v", docs)
	}

	// The letter is the prefecture's, and only while the application is with it.
	w.expect(w.upload(id, "recommendation_letter", county, pdf("letter")), http.StatusForbidden)
	w.expect(w.upload(id, "recommendation_letter", w.prefecture(wxPrefecture), pdf("letter")), http.StatusConflict)
	w.expect(w.upload(id, "work_plan", w.prefecture(wxPrefecture), pdf("plan")), http.StatusForbidden)
	w.expect(w.upload(id, "work_plan", w.prefecture("320500"), pdf("plan")), http.StatusNotFound)
}

func TestClusterOtherPartiesSeeNothing(t *testing.T) {
	w := newClusterWorld(t)
	body := applicationBody(t, jyCounty)
	// A county applies for its own county only.
	w.expect(w.do(http.MethodPost, "/v1/cluster-applications", w.county("320282"), body), http.StatusUnprocessableEntity)
	w.expect(w.do(http.MethodPost, "/v1/cluster-applications", w.prefecture(wxPrefecture), body), http.StatusForbidden)
	id := w.create(t, body)
	path := "/v1/cluster-applications/" + id

	w.expect(w.do(http.MethodGet, path, w.county("320282"), nil), http.StatusNotFound)
	w.expect(w.do(http.MethodGet, path, w.prefecture("320500"), nil), http.StatusNotFound)
	w.expect(w.do(http.MethodGet, path, w.token(domain.RoleCityOfficer, "c", jyCounty), nil), http.StatusNotFound)
	w.expect(w.do(http.MethodGet, path, w.expert("expert-1", "320500"), nil), http.StatusNotFound) // a draft
	w.expect(w.do(http.MethodGet, path, w.prefecture(wxPrefecture), nil), http.StatusOK)
	w.expect(w.do(http.MethodPut, path, w.county("320282"), body), http.StatusNotFound)

	// Edit with If-Match; a stale one is a conflict, the county cannot change.
	m := w.get(t, id, w.county(jyCounty))
	etag := fmt.Sprintf(`"%v"`, m["version"])
	body["zone_name"] = "澄江知识产权服务港"
	w.expect(w.do(http.MethodPut, path, w.county(jyCounty), body, "If-Match", etag), http.StatusOK)
	w.expect(w.do(http.MethodPut, path, w.county(jyCounty), body, "If-Match", etag), http.StatusConflict)
	body["county_code"] = "320282"
	w.expect(w.do(http.MethodPut, path, w.county(jyCounty), body), http.StatusUnprocessableEntity)
	body["county_code"] = jyCounty

	for _, kind := range countyKinds {
		w.expect(w.upload(id, kind, w.county(jyCounty), pdf(kind)), http.StatusOK)
	}
	w.expect(w.submit(id), http.StatusOK)
	w.expect(w.do(http.MethodPut, path, w.county(jyCounty), body), http.StatusConflict) // with the prefecture now

	// Another prefecture recommending: the application does not exist for it.
	rec := map[string]any{"outcome": "recommend", "opinion": "同意推荐"}
	w.expect(w.do(http.MethodPost, path+"/recommendation", w.prefecture("320500"), rec), http.StatusNotFound)
	w.expect(w.do(http.MethodPost, path+"/recommendation", w.county(jyCounty), rec), http.StatusForbidden)
	// Recommending needs the letter.
	r := w.expect(w.do(http.MethodPost, path+"/recommendation", w.prefecture(wxPrefecture), rec), http.StatusUnprocessableEntity)
	if !slices.Contains(r.fields(t), "/documents/recommendation_letter") {
		t.Errorf("recommending without the letter: %s", r.body)
	}
	// The prefecture's queue lists it; the other prefecture's does not.
	q := w.expect(w.do(http.MethodGet, "/v1/cluster-applications?status=submitted", w.prefecture(wxPrefecture), nil), http.StatusOK).json(t)
	if items := q["items"].([]any); len(items) != 1 {
		t.Errorf("Wuxi's queue: %v", q)
	}
	q = w.expect(w.do(http.MethodGet, "/v1/cluster-applications", w.prefecture("320500"), nil), http.StatusOK).json(t)
	if items := q["items"].([]any); len(items) != 0 {
		t.Errorf("Suzhou's queue: %v", q)
	}
	w.expect(w.do(http.MethodGet, "/v1/cluster-applications?status=nonsense", w.prefecture(wxPrefecture), nil), http.StatusUnprocessableEntity)
}

func TestClusterFromDraftToDesignatedZone(t *testing.T) {
	w := newClusterWorld(t)
	county, pref := w.county(jyCounty), w.prefecture(wxPrefecture)
	id := w.create(t, applicationBody(t, jyCounty))
	path := "/v1/cluster-applications/" + id
	for _, kind := range countyKinds {
		w.expect(w.upload(id, kind, county, pdf(kind)), http.StatusOK)
	}
	w.expect(w.submit(id), http.StatusOK)

	// Returned once, corrected, submitted again.
	w.expect(w.do(http.MethodPost, path+"/recommendation", pref, map[string]any{"outcome": "return", "opinion": "请补充证明材料"}), http.StatusOK)
	w.expect(w.upload(id, "supporting_materials", county, pdf("more evidence")), http.StatusOK)
	w.expect(w.submit(id), http.StatusOK)

	w.expect(w.upload(id, "recommendation_letter", pref, pdf("letter")), http.StatusOK)
	m := w.expect(w.do(http.MethodPost, path+"/recommendation", pref, map[string]any{"outcome": "recommend", "opinion": "同意推荐"}), http.StatusOK).json(t)
	if m["status"] != "recommended" || m["prefecture_opinion"] != "同意推荐" {
		t.Fatalf("recommended: %v %v", m["status"], m["prefecture_opinion"])
	}

	// Experts see nothing before the provincial review; scoring now is refused.
	score := map[string]any{"kind": "score", "score": 86, "comment": "服务链条完整"}
	w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-sz", "320500"), score), http.StatusNotFound)

	// The 30 June run sorts the round: recommended applications go to provincial review.
	repo := domain.Repo[domain.ClusterApplication, *domain.ClusterApplication]{Store: w.store, Collection: domain.ClusterApplicationCollection}
	w.clock.Set(time.Date(2027, 7, 1, 0, 0, 0, 0, domain.Shanghai), true)
	if _, err := repo.Update(context.Background(), id, func(a *domain.ClusterApplication) error {
		a.CloseRound("jun30-2027", domain.Actor{Role: domain.RoleScheduler, Subject: "jun30"}, w.clock.Now())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	w.clock.Set(time.Date(2027, 9, 10, 10, 0, 0, 0, domain.Shanghai), true)
	county = w.county(jyCounty) // tokens of the new day
	province := w.province()

	// The province's queue of the round.
	q := w.expect(w.do(http.MethodGet, "/v1/cluster-applications?year=2027&status=under_review", province, nil), http.StatusOK).json(t)
	if items := q["items"].([]any); len(items) != 1 {
		t.Errorf("the province's queue: %v", q)
	}

	// An expert of Wuxi (the county's prefecture) may not score it: 403, saying why.
	r := w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-wx", wxPrefecture), score, "Accept-Language", "en"), http.StatusForbidden)
	if d := r.json(t)["detail"].(string); !strings.Contains(d, "own division") {
		t.Errorf("the refusal says %q", d)
	}
	w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-jy", jyCounty), score), http.StatusForbidden)
	w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-sz", "320500"), score), http.StatusOK)
	w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-sz", "320500"), score), http.StatusConflict) // once per expert
	w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-nj", "320100"), map[string]any{"kind": "score", "score": 101}), http.StatusUnprocessableEntity)
	w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-nj", "320100"), map[string]any{"kind": "score", "score": 78}), http.StatusOK)
	w.expect(w.do(http.MethodPost, path+"/reviews", w.expert("expert-nj", "320100"), map[string]any{"kind": "decision", "outcome": "designate"}), http.StatusForbidden)

	// Designation needs the site visit first.
	designate := map[string]any{"kind": "decision", "outcome": "designate", "comment": "择优遴选"}
	w.expect(w.do(http.MethodPost, path+"/reviews", province, designate), http.StatusConflict)
	w.expect(w.do(http.MethodPost, path+"/reviews", province, map[string]any{"kind": "site_visit", "visited_on": "2027-09-30", "findings": "x"}), http.StatusUnprocessableEntity) // in the future
	w.expect(w.do(http.MethodPost, path+"/reviews", province, map[string]any{"kind": "site_visit", "visited_on": "2027-09-08"}), http.StatusUnprocessableEntity)
	w.expect(w.do(http.MethodPost, path+"/reviews", province, map[string]any{"kind": "site_visit", "visited_on": "2027-09-08", "findings": "服务大厅运行良好，机构集聚"}), http.StatusOK)
	m = w.expect(w.do(http.MethodPost, path+"/reviews", province, designate), http.StatusOK).json(t)
	if m["status"] != "designated" || len(m["expert_scores"].([]any)) != 2 || m["site_visit"] == nil {
		t.Fatalf("designated: %v", m)
	}

	// The zone exists, served by the same function (ZoneRoutes), from the designation date.
	zone := w.expect(w.do(http.MethodGet, "/v1/clusters/"+id, county, nil), http.StatusOK).json(t)
	if zone["county_code"] != jyCounty || zone["status"] != "in_construction" || zone["designated_on"] != "2027-09-10" {
		t.Errorf("the zone: %v", zone)
	}
	// Designating again (a retry after a crash between the two writes) heals and changes nothing.
	again := w.expect(w.do(http.MethodPost, path+"/reviews", province, designate), http.StatusOK).json(t)
	if again["version"] != m["version"] {
		t.Errorf("a repeated designation changed the application: %v → %v", m["version"], again["version"])
	}
	w.expect(w.do(http.MethodPost, path+"/reviews", province, map[string]any{"kind": "decision", "outcome": "not_selected"}), http.StatusConflict)

	// Experts read decided applications; the county reads its history.
	w.get(t, id, w.expert("expert-sz", "320500"))
	hist := w.get(t, id, county)["history"].([]any)
	if last := hist[len(hist)-1].(map[string]any); last["action"] != "designate" {
		t.Errorf("the last step is %v", last)
	}
}

func TestClusterDesignationHealsAMissingZone(t *testing.T) {
	w := newClusterWorld(t)
	// An application designated whose zone a crash left uncreated.
	app := &domain.ClusterApplication{}
	app.Create("CA2027-320281-HEAL00000001", domain.ClusterApplicationBody{Year: 2027, CountyCode: jyCounty, ZoneName: "江阴"},
		domain.Actor{Role: domain.RoleCountyGovernment, Subject: jyCounty}, w.clock.Now())
	app.Status, app.DecidedAt = domain.ClusterDesignated, w.clock.Now()
	repo := domain.Repo[domain.ClusterApplication, *domain.ClusterApplication]{Store: w.store, Collection: domain.ClusterApplicationCollection}
	if err := repo.Create(context.Background(), app); err != nil {
		t.Fatal(err)
	}
	w.expect(w.do(http.MethodGet, "/v1/clusters/"+app.ID, w.province(), nil), http.StatusNotFound)
	w.expect(w.do(http.MethodPost, "/v1/cluster-applications/"+app.ID+"/reviews", w.province(),
		map[string]any{"kind": "decision", "outcome": "designate"}), http.StatusOK)
	w.expect(w.do(http.MethodGet, "/v1/clusters/"+app.ID, w.province(), nil), http.StatusOK)
}

// Two drafts of one county submitted at the same moment each see no other submission when
// screened; the round slot lets exactly one through (seed 001 §四(三)).
func TestClusterRacingSubmissionsOfOneCountyLetOneThrough(t *testing.T) {
	w := newClusterWorld(t)
	county := w.county(jyCounty)
	var ids []string
	for range 4 {
		id := w.create(t, applicationBody(t, jyCounty))
		for _, kind := range countyKinds {
			w.expect(w.upload(id, kind, county, pdf(id+kind)), http.StatusOK)
		}
		ids = append(ids, id)
	}
	statuses := make([]int, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = w.submit(id).status
		}()
	}
	wg.Wait()
	submitted := 0
	for i, id := range ids {
		status := w.get(t, id, county)["status"]
		if status == "submitted" {
			submitted++
		}
		if (statuses[i] == http.StatusOK) != (status == "submitted") {
			t.Errorf("%s answered %d but is %v", id, statuses[i], status)
		}
	}
	if submitted != 1 {
		t.Fatalf("%d applications of one county submitted in one round (answers %v), want exactly 1", submitted, statuses)
	}
}
