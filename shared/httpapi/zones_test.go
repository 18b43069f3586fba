package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/deadlines"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
)

// zoneWorld mounts the zone routes on a test function (the cluster-application function
// serves them when deployed), beside deadline-jan31 and the scheduled deadline-jun30.
type zoneWorld struct {
	*roundWorld
}

func newZoneWorld(t *testing.T) *zoneWorld {
	rec := &recordingNotifier{}
	var jun30 *httpapi.Function
	h := newHarness(t, func(d httpapi.Deps) *httpapi.Function {
		return httpapi.NewFunction("cluster-zones-test", d, httpapi.ZoneRoutes(d))
	}, func(d httpapi.Deps) *httpapi.Function {
		d.Notifier = rec
		jun30 = httpapi.DeadlineJun30(d)
		return httpapi.DeadlineJan31(d)
	})
	w := &zoneWorld{&roundWorld{harness: h, jun30: jun30, notifier: rec}}
	w.at(w.clock.Now())
	return w
}

// designated stores a zone designated at the Beijing time at, as the application service does
// right after the designation.
func (w *zoneWorld) designated(t *testing.T, county, at string) string {
	t.Helper()
	app := &domain.ClusterApplication{}
	app.Create("ca-2027-"+county, domain.ClusterApplicationBody{Year: 2027, CountyCode: county, ZoneName: county + "知识产权服务业集聚区"},
		domain.Actor{Role: domain.RoleCountyGovernment, Subject: county}, beijing("2027-03-01T10:00:00"))
	app.Status, app.DecidedAt = domain.ClusterDesignated, beijing(at)
	if err := w.applications().Create(context.Background(), app); err != nil {
		t.Fatal(err)
	}
	c := domain.NewCluster(app, beijing(at).Add(time.Second))
	if err := (domain.Repo[domain.Cluster, *domain.Cluster]{Store: w.store, Collection: domain.ClusterCollection}).Create(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func (w *zoneWorld) county(code string) string {
	return w.token(domain.RoleCountyGovernment, code, code)
}
func (w *zoneWorld) prefecture(code string) string {
	return w.token(domain.RolePrefectureOfficer, "pre-"+code, code)
}
func (w *zoneWorld) province() string { return w.token(domain.RoleProvinceOfficer, "prov-1", "320000") }

func zoneOf(t *testing.T, r reply) domain.Cluster {
	t.Helper()
	var c domain.Cluster
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *zoneWorld) zone(t *testing.T, id string) domain.Cluster {
	t.Helper()
	return zoneOf(t, w.expect(w.do("GET", "/v1/clusters/"+id, w.province(), nil), http.StatusOK))
}

func annual(summary string) map[string]any {
	return map[string]any{"summary": summary, "plan": "下一年度工作计划"}
}

// A zone designated on 15 September 2027: the plan on the last day, a change through the
// prefecture and the province, summaries on time, one missed (the 31 January run flags it and
// tells the province, once), and a fail, rectification and pass at the end.
func TestADesignatedZoneFromPlanToAssessment(t *testing.T) {
	w := newZoneWorld(t)
	id := w.designated(t, "320281", "2027-09-15T10:00:00")

	w.at(beijing("2027-10-01T09:00:00"))
	c := w.zone(t, id)
	if !c.PlanDue.Equal(beijing("2027-12-16T00:00:00")) || !c.ConstructionEnds.Equal(beijing("2030-09-16T00:00:00")) || c.Status != domain.ZoneInConstruction {
		t.Fatalf("zone %+v: plan due 16 December 2027 00:00, construction until 15 September 2030", c)
	}
	// Who sees it: the county, its prefecture, the province; nobody else.
	w.expect(w.do("GET", "/v1/clusters/"+id, w.county("320281"), nil), http.StatusOK)
	w.expect(w.do("GET", "/v1/clusters/"+id, w.prefecture("320200"), nil), http.StatusOK)
	w.expect(w.do("GET", "/v1/clusters/"+id, w.county("320282"), nil), http.StatusNotFound)
	w.expect(w.do("GET", "/v1/clusters/"+id, w.prefecture("320500"), nil), http.StatusNotFound)
	w.expect(w.do("GET", "/v1/clusters/"+id, w.token(domain.RoleCityOfficer, "c-1", "320281"), nil), http.StatusNotFound)
	w.expect(w.do("GET", "/v1/clusters/nope", w.province(), nil), http.StatusNotFound)

	// The plan, on its last day.
	plan := map[string]any{"title": "江阴市知识产权服务业集聚区建设实施方案", "content": "一、目标\n二、任务"}
	w.expect(w.do("PUT", "/v1/clusters/"+id+"/plan", w.prefecture("320200"), plan), http.StatusForbidden)
	w.expect(w.do("PUT", "/v1/clusters/"+id+"/plan", w.county("320281"), map[string]any{"title": ""}), http.StatusUnprocessableEntity)
	w.at(beijing("2027-12-15T23:59:59.999"))
	c = zoneOf(t, w.expect(w.do("PUT", "/v1/clusters/"+id+"/plan", w.county("320281"), plan), http.StatusCreated))
	if c.Plan == nil || !c.Plan.OnTime || c.Plan.Revision != 0 {
		t.Fatalf("plan %+v", c.Plan)
	}
	w.expect(w.do("PUT", "/v1/clusters/"+id+"/plan", w.county("320281"), plan), http.StatusOK)
	w.expect(w.do("PUT", "/v1/clusters/"+id+"/plan", w.county("320281"), map[string]any{"title": "另一方案", "content": "x"}), http.StatusConflict)

	// A change: county → prefecture → province.
	change := map[string]any{"plan": map[string]any{"title": "实施方案（调整）", "content": "调整后的任务"}, "reason": "重点项目调整"}
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes", w.county("320281"), change), http.StatusCreated)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes", w.county("320281"), change), http.StatusConflict) // one at a time
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/1/review", w.province(), map[string]any{"decision": "approve"}), http.StatusConflict)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/1/review", w.county("320281"), map[string]any{"decision": "approve"}), http.StatusForbidden)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/1/review", w.prefecture("320500"), map[string]any{"decision": "approve"}), http.StatusNotFound)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/1/review", w.prefecture("320200"), map[string]any{"decision": "approve", "opinion": "同意"}), http.StatusOK)
	if c = w.zone(t, id); c.Plan.Title != plan["title"] || c.PlanChanges[0].Status != domain.PlanChangeAtProvince {
		t.Fatalf("after the prefecture: plan %q, change %s", c.Plan.Title, c.PlanChanges[0].Status)
	}
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/1/review", w.province(), map[string]any{"decision": "approve"}), http.StatusOK)
	if c = w.zone(t, id); c.Plan.Title != "实施方案（调整）" || c.Plan.Revision != 1 || c.PlanChanges[0].Status != domain.PlanChangeApproved {
		t.Fatalf("after the province: plan %+v, change %s", c.Plan, c.PlanChanges[0].Status)
	}
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/1/review", w.province(), map[string]any{"decision": "approve"}), http.StatusConflict)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes", w.county("320281"), change), http.StatusCreated)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/2/review", w.prefecture("320200"), map[string]any{"decision": "refuse", "opinion": "依据不足"}), http.StatusOK)
	if c = w.zone(t, id); c.PlanChanges[1].Status != domain.PlanChangeRefused || c.Plan.Revision != 1 {
		t.Fatalf("a refused change: %s, revision %d", c.PlanChanges[1].Status, c.Plan.Revision)
	}
	w.expect(w.do("POST", "/v1/clusters/"+id+"/plan-changes/9/review", w.prefecture("320200"), map[string]any{"decision": "approve"}), http.StatusNotFound)

	// 2028: the summary of 2027 and the plan for 2028, on time.
	w.at(beijing("2028-01-31T23:59:59.999"))
	w.expect(w.do("PUT", "/v1/clusters/"+id+"/annual/2027", w.county("320281"), annual("2026")), http.StatusUnprocessableEntity) // before the designation
	c = zoneOf(t, w.expect(w.do("PUT", "/v1/clusters/"+id+"/annual/2028", w.county("320281"), annual("2027年度工作总结")), http.StatusCreated))
	if a := c.AnnualFor(2028); a == nil || !a.OnTime {
		t.Fatalf("2028 submission %+v", a)
	}
	w.expect(w.do("PUT", "/v1/clusters/"+id+"/annual/2028", w.county("320282"), annual("x")), http.StatusNotFound)
	w.at(beijing("2028-02-01T00:00:00"))
	run := w.runJan31(t, 2028)
	if run.Counts["clusters_owing"] != 1 || run.Counts["clusters_on_time"] != 1 || run.Counts["clusters_overdue"] != 0 {
		t.Errorf("2028 run counts %v", run.Counts)
	}

	// 2029: missing at the cutoff. The run, twice and then later, flags it once and tells the
	// province once; a late submission is stamped late.
	w.at(beijing("2029-02-01T00:00:00"))
	w.runJan31(t, 2029)
	w.runJan31(t, 2029)
	w.at(beijing("2029-02-03T10:00:00"))
	c = zoneOf(t, w.expect(w.do("PUT", "/v1/clusters/"+id+"/annual/2029", w.county("320281"), annual("2028年度工作总结")), http.StatusCreated))
	if a := c.AnnualFor(2029); a == nil || a.OnTime {
		t.Errorf("late 2029 submission %+v", a)
	}
	run = w.runJan31(t, 2029)
	overdue := domain.NoticeID(domain.ProvinceCode, domain.NoticeZoneAnnualOverdue, 2029, id)
	if run.Counts["clusters_owing"] != 1 || run.Counts["clusters_overdue"] != 1 || !slices.Equal(run.Created, []string{overdue}) || run.Counts["agencies"] != 0 {
		t.Errorf("2029 run %+v", run)
	}
	c = w.zone(t, id)
	if !c.Flagged(domain.FlagAnnualOverdue, "2029") || len(c.Flags) != 1 || c.Flagged(domain.FlagAnnualOverdue, "2028") {
		t.Errorf("flags %+v; want annual_overdue 2029 once", c.Flags)
	}
	if got := w.notifier.sent(); !slices.Equal(got, []string{overdue}) {
		t.Errorf("delivered %v; want the province told once: %s", got, overdue)
	}
	if ns := w.notices(t); len(ns) != 1 || ns[0].Recipient != "320000" {
		t.Errorf("notices %v", noticeIDs(ns))
	}

	// The final assessment: not before the construction period ends; fail, rectify, pass.
	w.at(beijing("2030-09-15T23:59:59"))
	fail := map[string]any{"outcome": "fail", "comment": "指标未完成"}
	w.expect(w.do("POST", "/v1/clusters/"+id+"/assessments", w.province(), fail), http.StatusConflict)
	w.at(beijing("2030-09-20T10:00:00"))
	w.expect(w.do("POST", "/v1/clusters/"+id+"/assessments", w.prefecture("320200"), fail), http.StatusForbidden)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/assessments", w.province(), map[string]any{"outcome": "good"}), http.StatusUnprocessableEntity)
	w.expect(w.do("POST", "/v1/clusters/"+id+"/assessments", w.province(), fail), http.StatusCreated)
	c = w.zone(t, id)
	if c.Status != domain.ZoneRectifying || !c.RectificationDue.Equal(beijing("2031-03-21T00:00:00")) || !c.HasTitle() ||
		c.Assessments[0].Result != "rectification" || c.Assessments[0].Basis == "" || c.Assessments[0].PolicyVersion == "" {
		t.Fatalf("after a fail: %s, rectify by %s, %+v", c.Status, c.RectificationDue, c.Assessments)
	}
	w.at(beijing("2031-03-10T10:00:00"))
	w.expect(w.do("POST", "/v1/clusters/"+id+"/assessments", w.province(), map[string]any{"outcome": "pass"}), http.StatusCreated)
	c = w.zone(t, id)
	if c.Status != domain.ZoneAssessed || !c.HasTitle() || c.NationalPilotRecommended || c.Assessments[1].Result != "pass" {
		t.Errorf("after the reassessment: %s, %+v", c.Status, c.Assessments)
	}
	w.expect(w.do("POST", "/v1/clusters/"+id+"/assessments", w.province(), map[string]any{"outcome": "excellent"}), http.StatusConflict)
}

func TestFailingTwiceRevokesTheTitleAndExcellentRecommendsTheZone(t *testing.T) {
	w := newZoneWorld(t)
	failing := w.designated(t, "320281", "2027-09-15T10:00:00")
	excellent := w.designated(t, "320583", "2027-09-15T10:00:00")
	w.at(beijing("2030-09-16T09:00:00"))
	w.expect(w.do("POST", "/v1/clusters/"+excellent+"/assessments", w.province(), map[string]any{"outcome": "excellent"}), http.StatusCreated)
	if c := w.zone(t, excellent); c.Status != domain.ZoneAssessed || !c.NationalPilotRecommended {
		t.Errorf("excellent: %s, recommended %v", c.Status, c.NationalPilotRecommended)
	}
	w.expect(w.do("POST", "/v1/clusters/"+failing+"/assessments", w.province(), map[string]any{"outcome": "fail"}), http.StatusCreated)
	w.at(beijing("2031-03-20T09:00:00"))
	var answer struct {
		Assessment domain.ZoneAssessment `json:"assessment"`
		Zone       domain.Cluster        `json:"zone"`
	}
	r := w.expect(w.do("POST", "/v1/clusters/"+failing+"/assessments", w.province(), map[string]any{"outcome": "fail"}), http.StatusCreated)
	if err := json.Unmarshal(r.body, &answer); err != nil {
		t.Fatal(err)
	}
	if answer.Assessment.Result != "revoked" || answer.Zone.Status != domain.ZoneRevoked || answer.Zone.HasTitle() || answer.Zone.TitleRevokedAt.IsZero() {
		t.Fatalf("a second fail: %+v", answer)
	}
	w.expect(w.do("POST", "/v1/clusters/"+failing+"/assessments", w.province(), map[string]any{"outcome": "pass"}), http.StatusConflict)
	w.expect(w.do("PUT", "/v1/clusters/"+failing+"/annual/2031", w.county("320281"), annual("x")), http.StatusConflict)
}

func (w *zoneWorld) runJan31(t *testing.T, year int) domain.DeadlineRun {
	t.Helper()
	w.scheduler = w.token(domain.RoleScheduler, "cron-ops-01", "")
	r := w.expect(w.do("POST", "/v1/deadline-runs", w.scheduler, map[string]any{"deadline": "jan31", "year": year}), http.StatusOK)
	var run domain.DeadlineRun
	if err := json.Unmarshal(r.body, &run); err != nil {
		t.Fatal(err)
	}
	return run
}

func (w *zoneWorld) relative(t *testing.T, s string) *deadlines.RelativeRun {
	t.Helper()
	w.at(beijing(s))
	out, err := w.jun30.RunScheduled(context.Background(), httpapi.JobRelativeDeadlines, beijing(s).UTC())
	if err != nil {
		t.Fatal(err)
	}
	return out.(*deadlines.RelativeRun)
}

// The daily job: the plan's reminders 15 and 3 days before its deadline and its flag when it
// passes, the end of construction marking the assessment due, the rectification deadline;
// each once however often the job runs.
func TestRelativeDeadlinesAreFlaggedAndRemindedOnce(t *testing.T) {
	w := newZoneWorld(t)
	id := w.designated(t, "320281", "2027-09-15T10:00:00")
	filed := w.designated(t, "320282", "2027-09-15T10:00:00")
	w.at(beijing("2027-10-10T10:00:00"))
	w.expect(w.do("PUT", "/v1/clusters/"+filed+"/plan", w.county("320282"), map[string]any{"title": "方案", "content": "内容"}), http.StatusCreated)

	if run := w.relative(t, "2027-11-29T09:00:00"); len(run.Reminded) != 0 || run.Status != "completed" || run.ID != "relative-deadlines#2027-11-29" {
		t.Errorf("17 days before: %+v", run)
	}
	d15 := domain.NoticeID("320281", domain.NoticeZonePlanDue, 2027, id+"#d15")
	if run := w.relative(t, "2027-11-30T09:00:00"); !slices.Equal(run.Reminded, []string{d15}) {
		t.Errorf("15 days before the last day (15 December): reminded %v, want %s", run.Reminded, d15)
	}
	if run := w.relative(t, "2027-11-30T09:00:00"); len(run.Reminded) != 0 {
		t.Errorf("the same day again reminded %v", run.Reminded)
	}
	d3 := domain.NoticeID("320281", domain.NoticeZonePlanDue, 2027, id+"#d3")
	if run := w.relative(t, "2027-12-12T09:00:00"); !slices.Equal(run.Reminded, []string{d3}) {
		t.Errorf("3 days before: reminded %v", run.Reminded)
	}
	if run := w.relative(t, "2027-12-15T09:00:00"); len(run.Flagged) != 0 || len(run.Reminded) != 0 {
		t.Errorf("on the last day: %+v", run)
	}
	if run := w.relative(t, "2027-12-16T09:00:00"); !slices.Equal(run.Flagged, []string{id + "#plan_overdue#plan"}) {
		t.Errorf("the day after: flagged %v", run.Flagged)
	}
	if run := w.relative(t, "2027-12-17T09:00:00"); len(run.Flagged) != 0 {
		t.Errorf("the next day flagged again: %v", run.Flagged)
	}

	// The end of construction: reminded, then the assessment is due.
	ends15 := domain.NoticeID("320281", domain.NoticeZoneConstructionEnds, 2030, id+"#d15")
	if run := w.relative(t, "2030-08-31T09:00:00"); !slices.Contains(run.Reminded, ends15) || len(run.Reminded) != 2 {
		t.Errorf("15 days before the end of construction: %v", run.Reminded)
	}
	if run := w.relative(t, "2030-09-12T09:00:00"); len(run.Reminded) != 2 {
		t.Errorf("3 days before the end of construction: %v", run.Reminded)
	}
	run := w.relative(t, "2030-09-16T09:00:00")
	if want := sorted(id+"#assessment_due#construction", filed+"#assessment_due#construction"); !slices.Equal(sorted(run.Flagged...), want) {
		t.Errorf("construction over: flagged %v, want %v", run.Flagged, want)
	}
	if c := w.zone(t, id); c.Status != domain.ZoneAssessmentDue {
		t.Errorf("status %s, want assessment_due", c.Status)
	}
	if run := w.relative(t, "2030-09-17T09:00:00"); len(run.Flagged) != 0 {
		t.Errorf("flagged again %v", run.Flagged)
	}

	// A fail: the rectification deadline (2031-03-21 00:00) is reminded and then flagged.
	w.at(beijing("2030-09-20T10:00:00"))
	w.expect(w.do("POST", "/v1/clusters/"+id+"/assessments", w.province(), map[string]any{"outcome": "fail"}), http.StatusCreated)
	rect3 := domain.NoticeID("320281", domain.NoticeZoneRectificationDue, 2031, id+"#d3")
	if run := w.relative(t, "2031-03-17T09:00:00"); !slices.Equal(run.Reminded, []string{rect3}) {
		t.Errorf("3 days before the rectification deadline: %v", run.Reminded)
	}
	if run := w.relative(t, "2031-03-21T09:00:00"); !slices.Equal(run.Flagged, []string{id + "#rectification_overdue#1"}) {
		t.Errorf("rectification over: %v", run.Flagged)
	}
	w.relative(t, "2031-03-22T09:00:00")

	sent := w.notifier.sent()
	if len(sent) != len(slices.Compact(slices.Clone(sent))) || len(w.notices(t)) != len(sent) {
		t.Errorf("a notice was delivered twice or not at all: %v", sent)
	}
	inbox := w.expect(w.do("GET", "/v1/notices", w.county("320281"), nil), http.StatusOK)
	var list httpapi.List[domain.Notice]
	if err := json.Unmarshal(inbox.body, &list); err != nil || len(list.Items) != 5 {
		t.Errorf("the county's notices (plan d15, d3; construction d15, d3; rectification d3): %s", inbox.body)
	}
}
