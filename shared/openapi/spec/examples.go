package spec

import (
	"fmt"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/validate"
)

// The examples are one story, told in order on one platform whose clock dev mode moves: an
// agency of 江阴 files, reports and is rated; a Suzhou enterprise's claim goes from submission
// to allocation and recovery; the 31 January deadline passes; 江阴 applies for the 2027
// cluster-zone round and its zone is designated, planned and assessed. A test plays every
// example, in this order, against the local runner and checks the documented status and the
// answer's schema (infra/local/openapi_examples_test.go).

const (
	agencyUSCC   = "91320281MA20JY015Q" // 江阴市知信专利代理有限公司
	clientUSCC   = "91320281MA1EN0015W" // an enterprise of 江阴 the agency served
	claimantUSCC = "91320508MA1CL0012P" // an enterprise of 姑苏区, Suzhou
	jiangyin     = "320281"
)

var (
	asAgency     = &domain.Principal{Role: domain.RoleAgency, Subject: agencyUSCC}
	asClient     = &domain.Principal{Role: domain.RoleEnterprise, Subject: clientUSCC}
	asClaimant   = &domain.Principal{Role: domain.RoleEnterprise, Subject: claimantUSCC}
	asJiangyin   = &domain.Principal{Role: domain.RoleCityOfficer, Subject: "officer-jy", Division: jiangyin}
	asGusu       = &domain.Principal{Role: domain.RoleDistrictReviewer, Subject: "reviewer-gusu", Division: "320508"}
	asSuzhou     = &domain.Principal{Role: domain.RoleCityOfficer, Subject: "officer-sz", Division: "320500"}
	asProvince   = &domain.Principal{Role: domain.RoleProvinceOfficer, Subject: "officer-js", Division: "320000"}
	asCounty     = &domain.Principal{Role: domain.RoleCountyGovernment, Subject: jiangyin, Division: jiangyin}
	asWuxi       = &domain.Principal{Role: domain.RolePrefectureOfficer, Subject: "officer-wx", Division: "320200"}
	asExpert     = &domain.Principal{Role: domain.RoleExpert, Subject: "expert-sz", Division: "320500"}
	asScheduler  = &domain.Principal{Role: domain.RoleScheduler, Subject: "cron"}
	asIntegrator = &domain.Principal{Role: domain.RoleIntegrator, Subject: "credit-jiangsu",
		Scopes: []string{"eligibility:read", "credit:write", "changes:read", "register:read", "claims:submit"}}

	agencyPath = map[string]string{"uscc": agencyUSCC}
	reportPath = map[string]string{"uscc": agencyUSCC, "year": "2026"}
	fromClaim  = map[string]string{"id": "submit-claim#/id"}
	fromApp    = map[string]string{"id": "create-application#/id"}
)

func clock(name, now string, summary Text) Example {
	return Example{Name: name, Op: "PUT /dev/clock", Summary: summary, Body: map[string]any{"now": now, "frozen": true}, Status: 200}
}

func filingBody(address string) map[string]any {
	return map[string]any{
		"uscc": agencyUSCC, "name": "江阴市知信专利代理有限公司", "org_form": "company", "is_branch": false,
		"service_types": []string{"patent_agency", "trademark_agency"}, "patent_agency_license_no": "32123",
		"address": address, "district_code": jiangyin,
		"legal_representative": "张三", "responsible_person": "李四", "contact_phone": "0510-86861234",
		"contact_email":       "info@example.cn",
		"practitioners":       []any{map[string]any{"name": "王五", "role": "专利代理师", "qualification_no": "1234567"}},
		"business_started_on": "2020-03-01", "truthfulness_commitment": true,
	}
}

var claimBody = map[string]any{
	"programme": "pledge_reward",
	"claimant": map[string]any{"uscc": claimantUSCC, "name": "苏州姑苏智造科技有限公司", "district_code": "320508",
		"key_enterprise": false, "finance_platform_registered": true},
	"event": map[string]any{"loan_fen": 500000000, "disbursed_on": "2022-05-20", "lender": "苏州银行姑苏支行",
		"pledge_registration_no": "Y2022320000123", "pledged_ip": []string{"ZL201910123456.7"}},
	"agencies": []any{}, "ownership_disputed": false, "credit_commitment": true,
}

func applicationBody(zoneName string) map[string]any {
	var agencies []any
	for i := range 15 {
		code, err := validate.ComposeUSCC("91"+jiangyin, fmt.Sprintf("MA1%05d", i+1))
		if err != nil {
			panic(err)
		}
		agencies = append(agencies, map[string]any{"uscc": code, "name": fmt.Sprintf("江阴市第%d知识产权服务有限公司", i+1),
			"service_types": []string{"patent_agency"}})
	}
	coverage := map[string]any{}
	for _, ty := range domain.ClusterIPTypes {
		coverage[ty] = domain.ClusterServiceKind
	}
	return map[string]any{
		"year": 2027, "county_code": jiangyin, "zone_name": zoneName,
		"management_body":      map[string]any{"name": "江阴高新区知识产权服务中心", "staff_count": 5},
		"has_development_plan": true, "special_fund_fen_per_year": 200000000, "industry": "集成电路、高端装备",
		"agencies": agencies, "coverage": coverage,
	}
}

// pdf is a small PDF the platform accepts (it checks the header and the end-of-file marker).
func pdf(tag string) string {
	return "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% " +
		tag + "\ntrailer << /Root 1 0 R >>\n%%EOF\n"
}

func upload(name, kind string, as *domain.Principal, summary Text) Example {
	return Example{Name: name, Op: "PUT /v1/cluster-applications/{id}/documents/{kind}", Summary: summary, As: as,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F", "kind": kind}, From: fromApp, Body: pdf(kind), Status: 200}
}

var story = []Example{
	// Dev mode: the clock and a token.
	{Name: "get-clock", Op: "GET /dev/clock", Summary: Text{"读取平台时钟", "Read the platform's clock"}, Status: 200},
	clock("start-clock", "2027-01-11T09:00:00+08:00", Text{"将时钟定在 2027 年 1 月 11 日", "Freeze the clock at 11 January 2027"}),
	{Name: "dev-token", Op: "POST /dev/token", Summary: Text{"以机构身份获取令牌", "A token for the agency"},
		Body: map[string]any{"role": "agency", "subject": agencyUSCC}, Status: 201},
	{Name: "openapi", Op: "GET /v1/openapi.json", Summary: Text{"读取本文档", "Read this document"}, Status: 200},
	{Name: "sign-in-config", Op: "GET /v1/auth/config", Summary: Text{"身份提供方设置（本地运行器未配置）", "The provider's settings (none on a local runner)"}, Status: 200},
	{Name: "sign-in-unconfigured", Op: "POST /v1/auth/token",
		Summary: Text{"未配置身份提供方时兑换为 404", "Without a provider the exchange is 404"},
		Body: map[string]any{"code": "SplxlOBeZQQYbYS6WxSbIA", "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
			"redirect_uri": "http://127.0.0.1:8080/signin.html", "nonce": "n-0S6_WzA2Mj"}, Status: 404},

	// An agency files and is accepted.
	{Name: "file-agency", Op: "POST /v1/agencies", Summary: Text{"机构提交备案", "The agency files"}, As: asAgency,
		Header: map[string]string{"Idempotency-Key": "file-" + agencyUSCC}, Body: filingBody("江苏省江阴市澄江街道人民东路1号"), Status: 201},
	{Name: "file-agency-invalid", Op: "POST /v1/agencies", Summary: Text{"不合格的备案：一次列出全部问题字段", "A bad filing: every bad field at once"}, As: asAgency,
		Header: map[string]string{"Accept-Language": "en"},
		Body: map[string]any{"uscc": "91320281MA20JY015X", "name": "", "org_form": "cooperative", "service_types": []string{},
			"district_code": "320200", "contact_phone": "12345", "truthfulness_commitment": false}, Status: 422},
	{Name: "review-queue", Op: "GET /v1/agencies", Summary: Text{"江阴市级审核队列", "江阴's review queue"}, As: asJiangyin,
		Query: [][2]string{{"status", "submitted"}}, Status: 200},
	{Name: "get-agency", Op: "GET /v1/agencies/{uscc}", Summary: Text{"机构查看自己的备案", "The agency reads its filing"}, As: asAgency, Path: agencyPath, Status: 200},
	{Name: "amend-agency", Op: "PUT /v1/agencies/{uscc}", Summary: Text{"审核前变更地址", "The address changes before the review"}, As: asAgency, Path: agencyPath,
		Header: map[string]string{"If-Match": `"1"`}, Body: filingBody("江苏省江阴市澄江街道人民东路8号"), Status: 200},
	{Name: "accept-agency", Op: "POST /v1/agencies/{uscc}/review", Summary: Text{"市级通过备案，给出备案号", "The city accepts it and gives the filing number"}, As: asJiangyin,
		Path: agencyPath, Body: map[string]any{"outcome": "accept"}, Status: 200},
	{Name: "search-register", Op: "GET /v1/public/agencies", Summary: Text{"公众检索名录", "Anyone searches the register"},
		Query: [][2]string{{"q", "知信"}, {"district", jiangyin}}, Status: 200},
	{Name: "public-agency", Op: "GET /v1/public/agencies/{uscc}", Summary: Text{"公众查看机构", "Anyone reads the agency's entry"}, Path: agencyPath, Status: 200},

	// Its annual report for 2026, on time.
	{Name: "submit-report", Op: "PUT /v1/agencies/{uscc}/annual-reports/{year}", Summary: Text{"按时报送 2026 年度报告", "The 2026 report, on time"}, As: asAgency, Path: reportPath,
		Body: map[string]any{
			"patent_applications":    map[string]any{"invention": 12, "utility_model": 30, "design": 4},
			"trademark_applications": 25, "copyright_registrations": 0, "other_services": 3,
			"revenue_fen": 286540000, "practitioners_at_year_end": 9,
			"clients":                   []any{map[string]any{"id": clientUSCC, "name": "江阴市恒通精密机械有限公司", "services": []string{"patent_agency"}}},
			"sci_tech_project_services": false, "complaints_received": 0,
		}, Status: 201},
	{Name: "get-report", Op: "GET /v1/agencies/{uscc}/annual-reports/{year}", Summary: Text{"市级查看报告", "The city reads the report"}, As: asJiangyin, Path: reportPath, Status: 200},
	{Name: "report-queue", Op: "GET /v1/annual-reports", Summary: Text{"待审核的报告", "Reports awaiting review"}, As: asJiangyin,
		Query: [][2]string{{"status", "submitted"}, {"limit", "20"}}, Status: 200},
	{Name: "accept-report", Op: "POST /v1/agencies/{uscc}/annual-reports/{year}/review", Summary: Text{"市级通过报告", "The city accepts the report"}, As: asJiangyin,
		Path: reportPath, Body: map[string]any{"outcome": "accept"}, Status: 200},
	{Name: "rate-agency", Op: "POST /v1/agencies/{uscc}/ratings", Summary: Text{"报告所列服务对象评价机构", "A client the report lists rates the agency"}, As: asClient,
		Path: agencyPath, Body: map[string]any{"score": 5, "comment": "响应及时，专业可靠"}, Status: 201},

	// A violation, its sanction and a waiver.
	{Name: "record-violation", Op: "POST /v1/agencies/{uscc}/violations", Summary: Text{"记录服务质量差的违规", "A violation: poor service"}, As: asJiangyin,
		Path: agencyPath, Header: map[string]string{"Idempotency-Key": "violation-2026-1"},
		Body: map[string]any{"kind": "poor_service", "year": 2026, "detail": "多次未按约定时限答复委托人"}, Status: 201},
	{Name: "list-sanctions", Op: "GET /v1/agencies/{uscc}/sanctions", Summary: Text{"机构查看自己的惩戒", "The agency reads its sanctions"}, As: asAgency, Path: agencyPath, Status: 200},
	{Name: "waive-sanction", Op: "POST /v1/agencies/{uscc}/sanctions/{id}/waiver", Summary: Text{"市级豁免惩戒", "The city waives the sanction"}, As: asJiangyin,
		Path: map[string]string{"uscc": agencyUSCC, "id": agencyUSCC + "#poor_service#2026"},
		From: map[string]string{"id": "record-violation#/sanctions/0/id"},
		Body: map[string]any{"reason": "经复核，委托人已撤回投诉"}, Status: 201},

	// Eligibility, for an integrator.
	{Name: "eligibility", Op: "GET /v1/eligibility", Summary: Text{"对接系统查询服务对象的资助资格", "An integrator asks whether the client may receive subsidies in 2027"},
		As: asIntegrator, Query: [][2]string{{"entity", clientUSCC}, {"year", "2027"}, {"agency", agencyUSCC}}, Status: 200},
	{Name: "eligibility-batch", Op: "POST /v1/eligibility/batch", Summary: Text{"批量查询", "The same, in a batch"}, As: asIntegrator,
		Body: map[string]any{"queries": []any{
			map[string]any{"entity": clientUSCC, "year": 2027, "agencies": []string{agencyUSCC}},
			map[string]any{"entity": claimantUSCC, "year": 2027},
		}}, Status: 200},

	// A subsidy claim from submission to allocation, and its recovery.
	{Name: "evaluate-claim", Op: "POST /v1/subsidy-evaluations", Summary: Text{"试算质押融资奖励", "Dry-run a pledge-financing reward"}, As: asClaimant, Body: claimBody, Status: 200},
	{Name: "submit-claim", Op: "POST /v1/subsidy-claims", Summary: Text{"提交申请", "Submit the claim"}, As: asClaimant,
		Header: map[string]string{"Idempotency-Key": "claim-2027-1"}, Body: claimBody, Status: 201},
	{Name: "claim-queue", Op: "GET /v1/subsidy-claims", Summary: Text{"姑苏区待初审的申请", "Claims awaiting 姑苏区's review"}, As: asGusu,
		Query: [][2]string{{"status", "submitted"}}, Status: 200},
	{Name: "get-claim", Op: "GET /v1/subsidy-claims/{id}", Summary: Text{"申请人查看申请", "The claimant reads its claim"}, As: asClaimant,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim, Status: 200},
	{Name: "return-claim", Op: "POST /v1/subsidy-claims/{id}/reviews", Summary: Text{"区级退回补正", "The district returns it for correction"}, As: asGusu,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim,
		Body: map[string]any{"stage": "district", "outcome": "return", "comment": "请补充质押登记证明"}, Status: 200},
	{Name: "resubmit-claim", Op: "PUT /v1/subsidy-claims/{id}", Summary: Text{"补正后重新提交", "The claimant resubmits it"}, As: asClaimant,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim, Body: claimBody, Status: 200},
	{Name: "pass-district", Op: "POST /v1/subsidy-claims/{id}/reviews", Summary: Text{"区级初审通过", "The district passes it"}, As: asGusu,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim, Body: map[string]any{"stage": "district", "outcome": "pass"}, Status: 200},
	{Name: "pass-city", Op: "POST /v1/subsidy-claims/{id}/reviews", Summary: Text{"市级审核通过，进入公示", "The city passes it into public notice"}, As: asSuzhou,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim, Body: map[string]any{"stage": "city", "outcome": "pass"}, Status: 200},
	{Name: "public-notices", Op: "GET /v1/public/notices", Summary: Text{"公众查看公示", "Anyone reads the notices"}, Status: 200},
	clock("after-notice", "2027-01-18T09:00:00+08:00", Text{"公示期满后", "After the five-day notice"}),
	{Name: "pass-notice", Op: "POST /v1/subsidy-claims/{id}/reviews", Summary: Text{"公示无异议", "The notice closes without objection"}, As: asSuzhou,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim, Body: map[string]any{"stage": "notice", "outcome": "pass"}, Status: 200},
	{Name: "allocate", Op: "POST /v1/subsidy-claims/{id}/reviews", Summary: Text{"拨付资金", "The funds are allocated"}, As: asSuzhou,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim, Body: map[string]any{"stage": "allocation", "outcome": "pass"}, Status: 200},
	{Name: "recover-claim", Op: "POST /v1/subsidy-claims/{id}/recovery", Summary: Text{"追回已拨付的资助", "The allocation is recovered"}, As: asSuzhou,
		Path: map[string]string{"id": "SC-0A1B2C3D4E5F6A7B"}, From: fromClaim,
		Body: map[string]any{"kind": "other", "amount_fen": 5000000, "reason": "贷款提前结清，申请人主动退回"}, Status: 200},
	{Name: "put-credit-record", Op: "PUT /v1/credit-records/{id}", Summary: Text{"公共信用系统报送信用情况", "The public credit system records a finding"}, As: asIntegrator,
		Path: map[string]string{"id": "XY-2027-0001"},
		Body: map[string]any{"entity": clientUSCC, "level": "minor", "period": map[string]any{"from": "2026-06-01", "to": "2026-12-31"},
			"source": "江苏省公共信用信息系统", "detail": "逾期未履行行政处罚决定，已整改"}, Status: 201},

	// The 31 January deadline.
	clock("after-jan31", "2027-02-01T00:00:05+08:00", Text{"1 月 31 日截止后", "Just after the 31 January cutoff"}),
	{Name: "run-jan31", Op: "POST /v1/deadline-runs", Summary: Text{"执行 2027 年 1 月 31 日截止日", "Enforce the 31 January 2027 deadline"}, As: asScheduler,
		Body: map[string]any{"deadline": "jan31", "year": 2027}, Status: 200},
	{Name: "list-runs", Op: "GET /v1/deadline-runs", Summary: Text{"查看执行记录", "Read the run"}, As: asJiangyin,
		Query: [][2]string{{"deadline", "jan31"}, {"year", "2027"}}, Status: 200},
	{Name: "list-notices", Op: "GET /v1/notices", Summary: Text{"机构查看通知", "The agency reads its notices"}, As: asAgency, Status: 200},

	// The 2027 cluster-zone round.
	clock("round-opens", "2027-03-01T10:00:00+08:00", Text{"2027 年申报期间", "During the 2027 round"}),
	{Name: "create-application", Op: "POST /v1/cluster-applications", Summary: Text{"江阴市创建申报", "江阴 starts its application"}, As: asCounty,
		Body: applicationBody("江阴高新区知识产权服务业集聚区"), Status: 201},
	{Name: "list-applications", Op: "GET /v1/cluster-applications", Summary: Text{"县级查看本年度申报", "The county lists its applications of the year"}, As: asCounty,
		Query: [][2]string{{"year", "2027"}}, Status: 200},
	{Name: "get-application", Op: "GET /v1/cluster-applications/{id}", Summary: Text{"查看申报", "The county reads it"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp, Status: 200},
	{Name: "edit-application", Op: "PUT /v1/cluster-applications/{id}", Summary: Text{"修改集聚区名称", "The county edits the zone's name"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp, Body: applicationBody("江阴高新区知识产权服务业集聚发展区"), Status: 200},
	upload("upload-application-form", "application_form", asCounty, Text{"上传申报书", "Upload the application form"}),
	upload("upload-work-plan", "work_plan", asCounty, Text{"上传工作方案", "Upload the work plan"}),
	upload("upload-commitment", "authenticity_commitment", asCounty, Text{"上传真实性承诺书", "Upload the authenticity commitment"}),
	upload("upload-supporting", "supporting_materials", asCounty, Text{"上传证明材料", "Upload the supporting materials"}),
	{Name: "download-document", Op: "GET /v1/cluster-applications/{id}/documents/{kind}", Summary: Text{"下载申报书", "Download the application form"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F", "kind": "application_form"}, From: fromApp, Status: 200},
	{Name: "submit-application", Op: "POST /v1/cluster-applications/{id}/submission", Summary: Text{"提交设区市，形式审查通过", "Submitted to the prefecture; screening passes"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp, Status: 200},
	upload("upload-letter", "recommendation_letter", asWuxi, Text{"无锡市上传推荐函", "Wuxi uploads its recommendation letter"}),
	{Name: "recommend-application", Op: "POST /v1/cluster-applications/{id}/recommendation", Summary: Text{"无锡市推荐", "Wuxi recommends it"}, As: asWuxi,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp, Body: map[string]any{"outcome": "recommend", "opinion": "同意推荐"}, Status: 200},
	clock("round-closes", "2027-07-01T00:00:05+08:00", Text{"6 月 30 日截止后", "Just after the 30 June cutoff"}),
	{Name: "run-jun30", Op: "POST /v1/deadline-runs", Summary: Text{"结束本轮申报，推荐的申报进入省级评审", "Close the round: recommended applications go to the province"}, As: asProvince,
		Body: map[string]any{"deadline": "jun30", "year": 2027}, Status: 200},
	clock("review-time", "2027-09-10T10:00:00+08:00", Text{"省级评审", "The provincial review"}),
	{Name: "score-application", Op: "POST /v1/cluster-applications/{id}/reviews", Summary: Text{"外市专家评分", "An expert from another city scores it"}, As: asExpert,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp, Body: map[string]any{"kind": "score", "score": 86, "comment": "服务链条完整"}, Status: 200},
	{Name: "site-visit", Op: "POST /v1/cluster-applications/{id}/reviews", Summary: Text{"省级实地核查", "The province visits the site"}, As: asProvince,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp,
		Body: map[string]any{"kind": "site_visit", "visited_on": "2027-09-08", "findings": "服务大厅运行良好"}, Status: 200},
	{Name: "designate", Op: "POST /v1/cluster-applications/{id}/reviews", Summary: Text{"省级认定为集聚区", "The province designates the zone"}, As: asProvince,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp,
		Body: map[string]any{"kind": "decision", "outcome": "designate", "comment": "择优遴选"}, Status: 200},

	// The designated zone.
	{Name: "get-zone", Op: "GET /v1/clusters/{id}", Summary: Text{"县级查看集聚区及其期限", "The county reads its zone and deadlines"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp, Status: 200},
	{Name: "file-plan", Op: "PUT /v1/clusters/{id}/plan", Summary: Text{"按时报送实施方案", "The implementation plan, on time"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp,
		Body: map[string]any{"title": "江阴高新区知识产权服务业集聚发展区建设实施方案", "content": "一、建设目标\n二、重点任务\n三、保障措施"}, Status: 201},
	{Name: "propose-change", Op: "POST /v1/clusters/{id}/plan-changes", Summary: Text{"提出方案调整", "The county proposes a change"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp,
		Body: map[string]any{"plan": map[string]any{"title": "江阴高新区知识产权服务业集聚发展区建设实施方案（调整）", "content": "一、建设目标\n二、重点任务（增加数据知识产权服务）\n三、保障措施"},
			"reason": "新增数据知识产权服务内容"}, Status: 201},
	{Name: "approve-change-prefecture", Op: "POST /v1/clusters/{id}/plan-changes/{n}/review", Summary: Text{"无锡市审核同意", "Wuxi approves it"}, As: asWuxi,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F", "n": "1"}, From: fromApp, Body: map[string]any{"decision": "approve", "opinion": "同意调整"}, Status: 200},
	{Name: "approve-change-province", Op: "POST /v1/clusters/{id}/plan-changes/{n}/review", Summary: Text{"省级批准", "The province approves it"}, As: asProvince,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F", "n": "1"}, From: fromApp, Body: map[string]any{"decision": "approve"}, Status: 200},
	{Name: "submit-zone-annual", Op: "PUT /v1/clusters/{id}/annual/{year}", Summary: Text{"报送 2027 年总结与 2028 年计划", "The 2027 summary and the 2028 plan"}, As: asCounty,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F", "year": "2028"}, From: fromApp,
		Body: map[string]any{"summary": "2027 年度工作总结", "plan": "2028 年度工作计划"}, Status: 201},
	clock("construction-ends", "2030-09-12T10:00:00+08:00", Text{"建设期满后", "After the construction period"}),
	{Name: "assess-zone", Op: "POST /v1/clusters/{id}/assessments", Summary: Text{"省级期满考核合格", "The province assesses it: pass"}, As: asProvince,
		Path: map[string]string{"id": "CA2027-320281-0A1B2C3D4E5F"}, From: fromApp, Body: map[string]any{"outcome": "pass", "comment": "完成建设目标"}, Status: 201},

	// Following it all, and the end of the filing.
	{Name: "follow-changes", Op: "GET /v1/changes", Summary: Text{"对接系统读取变更流", "An integrator follows the change feed"}, As: asIntegrator,
		Query: [][2]string{{"after", "0"}, {"limit", "100"}}, Status: 200},
	{Name: "deregister-agency", Op: "POST /v1/agencies/{uscc}/deregistration", Summary: Text{"机构注销备案", "The agency deregisters"}, As: asAgency, Path: agencyPath, Status: 200},
}
