package spec

import (
	"net/http"
	"reflect"
	"time"

	"github.com/jsipa/ips/shared/claims"
	"github.com/jsipa/ips/shared/clusters"
	"github.com/jsipa/ips/shared/deadlines"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/eligibility"
	"github.com/jsipa/ips/shared/filing"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/oidclogin"
	"github.com/jsipa/ips/shared/reporting"
	"github.com/jsipa/ips/shared/violations"
)

func typ[T any]() reflect.Type { return reflect.TypeFor[T]() }

// enums are the string types whose declared constants are all the values they take; each
// becomes a component with that enum.
var enums = []reflect.Type{
	typ[domain.AgencyStatus](), typ[domain.ReportStatus](), typ[domain.ClaimStatus](), typ[domain.ClusterStatus](),
	typ[domain.ZoneStatus](), typ[domain.PlanChangeStatus](), typ[domain.Role](), typ[domain.Trigger](),
	typ[domain.SubsidyFamily](),
}

// rename names the types whose Go names say too little outside their package.
var rename = map[reflect.Type]string{
	typ[eligibility.Result]():      "EligibilityResult",
	typ[httpapi.BatchBody]():       "EligibilityBatch",
	typ[httpapi.BatchAnswers]():    "EligibilityBatchAnswers",
	typ[httpapi.BatchAnswer]():     "EligibilityBatchAnswer",
	typ[oidclogin.Settings]():      "SignInSettings",
	typ[oidclogin.TokenRequest]():  "SignInCodeExchange",
	typ[oidclogin.Session]():       "SignInSession",
	typ[deadlines.RunInput]():      "DeadlineRunInput",
	typ[violations.RecordInput]():  "ViolationInput",
	typ[violations.Recorded]():     "RecordedViolation",
	typ[violations.WaiveInput]():   "WaiverInput",
	typ[clusters.RecommendInput](): "RecommendationInput",
	typ[filing.DeregisterInput]():  "DeregistrationInput",
	typ[httpapi.ChangeAnswer]():    "PlanChangeAnswer",
	typ[httpapi.DocumentAnswer]():  "UploadedDocument",
	typ[filing.ReviewInput]():      "FilingReviewInput",
	typ[reporting.ReviewInput]():   "ReportReviewInput",
	typ[claims.ReviewInput]():      "ClaimReviewInput",
	typ[clusters.ReviewInput]():    "ClusterReviewInput",
	// A batch's query, unexported in httpapi.
	typ[httpapi.BatchBody]().Field(0).Type.Elem(): "EligibilityQuery",
}

func enumRef[T any]() map[string]any { return ref(baseName(typ[T]())) }

var (
	str        = map[string]any{"type": "string"}
	page       = []Param{{Name: "limit"}, {Name: "cursor"}}
	agencyResp = func(status int, d Text) Resp {
		return Resp{Status: status, Type: typ[*domain.Agency](), Description: d, ETag: true, Location: true}
	}
	reportResp = func(status int, d Text) Resp {
		return Resp{Status: status, Type: typ[*domain.AnnualReport](), Description: d, ETag: true, Location: true}
	}
	claimResp = func(status int, d Text) Resp {
		return Resp{Status: status, Type: typ[*domain.Claim](), Description: d, ETag: true, Location: true}
	}
	appResp = func(status int, d Text) Resp {
		return Resp{Status: status, Type: typ[*domain.ClusterApplication](), Description: d, ETag: true, Location: true}
	}
	zoneResp = func(status int, d Text) Resp {
		return Resp{Status: status, Type: typ[*domain.Cluster](), Description: d, ETag: true}
	}
	claimID     = map[string]Param{"id": {Description: Text{"资助申请编号", "The claim's id, as its submission answered."}, Schema: str}}
	appID       = map[string]Param{"id": {Description: Text{"集聚区申报编号", "The application's id, as its creation answered."}, Schema: map[string]any{"type": "string", "pattern": "^[A-Za-z0-9-]{1,100}$"}}}
	zoneID      = map[string]Param{"id": {Description: Text{"集聚区编号（即获认定的申报编号）", "The zone's id: the id of the application it was designated from."}, Schema: map[string]any{"type": "string", "pattern": "^[A-Za-z0-9._:#-]{1,100}$"}}}
	statusParam = func(schema map[string]any, d Text) Param {
		return Param{Name: "status", Schema: schema, Description: d}
	}
)

// table is every operation the platform serves: each function's routes (infra/catalog) and the
// local runner's dev mode. A test holds it to the routes both ways.
var table = []Op{
	// --- filing: agencies ------------------------------------------------------------------
	{Method: http.MethodPost, Path: "/v1/agencies", Function: "filing", ID: "fileAgency", Tag: "agencies",
		Summary:     Text{"服务机构备案登记", "File an agency (备案登记)"},
		Description: Text{"机构为自己备案，提交后待市级审核", "An agency files for itself; the filing then waits for the city's review."},
		Actions:     []string{"filing.create"}, Body: typ[domain.AgencyFiling](),
		Responses: []Resp{agencyResp(201, Text{"已提交，状态 submitted", "Filed, status submitted."})}, Errors: []int{409}},
	{Method: http.MethodGet, Path: "/v1/agencies", Function: "filing", ID: "listAgencies", Tag: "agencies",
		Summary:     Text{"备案审核队列", "The filings of a status (the review queue)"},
		Description: Text{"按提交时间先后，限于调用者的辖区", "Oldest submission first, within the caller's division."},
		Actions:     []string{"filing.list"},
		Query: append([]Param{statusParam(map[string]any{"type": "string", "enum": filing.QueueStatuses, "default": "submitted"},
			Text{"备案状态", "The filings' status."})}, page...),
		Responses: []Resp{{Status: 200, Type: typ[httpapi.List[*domain.Agency]](), Description: Text{"一页备案", "A page of filings."}}}},
	{Method: http.MethodGet, Path: "/v1/agencies/{uscc}", Function: "filing", ID: "getAgency", Tag: "agencies",
		Summary: Text{"查看备案及其历史", "Read a filing with its history"}, Actions: []string{"filing.read"},
		Responses: []Resp{agencyResp(200, Text{"备案记录", "The filing record."})}},
	{Method: http.MethodPut, Path: "/v1/agencies/{uscc}", Function: "filing", ID: "amendAgency", Tag: "agencies",
		Summary:     Text{"变更备案", "Amend a filing"},
		Description: Text{"变更后重新待审；已备案的机构在审核期间仍在名录中", "The amendment goes back to review; an accepted agency stays on the register meanwhile."},
		Actions:     []string{"filing.amend"}, Body: typ[domain.AgencyFiling](), IfMatch: true,
		Responses: []Resp{agencyResp(200, Text{"已提交变更", "Amended."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/agencies/{uscc}/review", Function: "filing", ID: "reviewAgency", Tag: "agencies",
		Summary:     Text{"审核备案", "Review a filing"},
		Description: Text{"通过则给出备案号；退回或不予备案须说明理由", "Accepting gives the filing number; a return or rejection gives reasons."},
		Actions:     []string{"filing.review"}, Body: typ[filing.ReviewInput](),
		Responses: []Resp{agencyResp(200, Text{"审核后的备案", "The filing as reviewed."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/agencies/{uscc}/deregistration", Function: "filing", ID: "deregisterAgency", Tag: "agencies",
		Summary:     Text{"注销备案", "Deregister an agency (注销)"},
		Description: Text{"机构本身无需说明理由；市级注销须说明理由", "The agency itself may give no reason; a city officer gives one."},
		Actions:     []string{"filing.deregister"}, Body: typ[filing.DeregisterInput](), BodyOptional: true,
		Responses: []Resp{agencyResp(200, Text{"已注销", "Deregistered."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/agencies/{uscc}/ratings", Function: "filing", ID: "rateAgency", Tag: "agencies",
		Summary:     Text{"评价服务机构", "Rate an agency's service"},
		Description: Text{"仅限机构年度报告中列为服务对象的企业；每年一次，再次评价即替换", "Only an entity the agency listed as a client in an annual report; one rating a year, a second one replaces it."},
		Actions:     []string{"rating.create"}, Body: typ[domain.RatingInput](),
		Responses: []Resp{{Status: 201, Type: typ[*domain.Rating](), Description: Text{"本年度首次评价", "The year's first rating."}},
			{Status: 200, Type: typ[*domain.Rating](), Description: Text{"替换本年度的评价", "The year's rating, replaced."}}}},
	{Method: http.MethodPost, Path: "/v1/agencies/{uscc}/violations", Function: "filing", ID: "recordViolation", Tag: "agencies",
		Summary:     Text{"记录违规行为", "Record a violation"},
		Description: Text{"按惩戒政策产生惩戒并答复", "Answers the violation with the sanctions the policy decided for it."},
		Actions:     []string{"violation.record"}, Body: typ[violations.RecordInput](),
		Responses: []Resp{{Status: 201, Type: typ[*violations.Recorded](), Description: Text{"违规及其惩戒", "The violation and its sanctions."}, Location: true}}},
	{Method: http.MethodGet, Path: "/v1/agencies/{uscc}/sanctions", Function: "filing", ID: "listSanctions", Tag: "agencies",
		Summary: Text{"机构的惩戒及依据", "An agency's sanctions with their basis"}, Actions: []string{"sanction.read"}, Query: page,
		Responses: []Resp{{Status: 200, Type: typ[httpapi.List[violations.SanctionView]](), Description: Text{"一页惩戒", "A page of sanctions."}}}},
	{Method: http.MethodPost, Path: "/v1/agencies/{uscc}/sanctions/{id}/waiver", Function: "filing", ID: "waiveSanction", Tag: "agencies",
		Summary:     Text{"豁免惩戒", "Waive a sanction"},
		Description: Text{"惩戒记录保留，豁免解除其效力；再次豁免为 409", "The sanction stays stored and the waiver lifts its effect; a second waiver is 409."},
		PathParams:  map[string]Param{"id": {Description: Text{"惩戒编号", "The sanction's id: <agency>#<trigger>#<year>."}, Schema: str}},
		Actions:     []string{"sanction.waive"}, Body: typ[violations.WaiveInput](),
		Responses: []Resp{{Status: 201, Type: typ[violations.SanctionView](), Description: Text{"已豁免的惩戒", "The sanction, waived."}}}, Errors: []int{409}},

	// --- filing: the public register -------------------------------------------------------
	{Method: http.MethodGet, Path: "/v1/public/agencies", Function: "filing", ID: "listPublicAgencies", Tag: "register",
		Summary:     Text{"公开备案名录", "The public register"},
		Description: Text{"不含联系方式与执业资格证号", "Without phone, e-mail or qualification numbers."},
		Public:      true,
		Query: append([]Param{
			{Name: "q", Schema: map[string]any{"type": "string", "maxLength": 100}, Description: Text{"机构名称关键词", "Words of the agency's name."}},
			{Name: "district", Schema: map[string]any{"type": "string", "format": "jiangsu-county-code"}, Description: Text{"县级行政区划代码", "A Jiangsu county-level division code."}},
			{Name: "service_type", Schema: map[string]any{"type": "string", "enum": domain.ServiceTypes}, Description: Text{"服务类型", "A service type."}},
			{Name: "status", Schema: map[string]any{"type": "string", "enum": []string{"accepted", "deregistered"}}, Description: Text{"已备案或已注销", "Accepted or deregistered agencies."}},
		}, page...),
		Responses: []Resp{{Status: 200, Type: typ[httpapi.List[domain.PublicAgency]](), Description: Text{"一页名录", "A page of the register."}}}},
	{Method: http.MethodGet, Path: "/v1/public/agencies/{uscc}", Function: "filing", ID: "getPublicAgency", Tag: "register",
		Summary: Text{"名录中的机构", "An agency on the register"}, Public: true,
		Description: Text{"含各年度报告情况、公开的惩戒与评价汇总", "With its annual reports by year, its public sanctions and its rating."},
		Responses:   []Resp{{Status: 200, Type: typ[domain.PublicAgencyDetail](), Description: Text{"机构的公开信息", "What the public sees of the agency."}}}},

	// --- filing: integration ---------------------------------------------------------------
	{Method: http.MethodGet, Path: "/v1/changes", Function: "filing", ID: "listChanges", Tag: "integration",
		Summary:     Text{"变更流", "The change feed"},
		Description: Text{"按顺序列出调用者可读记录的变更；从 next_cursor 继续，即使已到末尾", "The changes of records the caller may read, in order; resume from next_cursor, also after the last change."},
		Actions:     []string{"change.list"},
		Query: []Param{
			{Name: "after", Schema: map[string]any{"type": "string", "pattern": "^(?:0|[1-9][0-9]*)$", "default": "0"},
				Description: Text{"从此游标之后读取（0 为从头）", "Read the changes after this cursor; 0 reads from the start."}},
			{Name: "limit"},
		},
		Responses: []Resp{{Status: 200, Type: typ[domain.ChangePage](), Description: Text{"一页变更", "A page of changes."}}}},
	{Method: http.MethodGet, Path: "/v1/auth/config", Function: "filing", ID: "getSignInConfig", Tag: "integration",
		Summary:     Text{"统一身份认证登录设置", "Sign-in settings of the OIDC provider"},
		Description: Text{"未配置身份提供方时 enabled 为 false", "enabled is false where no provider is configured."},
		Public:      true,
		Responses:   []Resp{{Status: 200, Type: typ[oidclogin.Settings](), Description: Text{"登录设置", "The settings."}}}, Errors: []int{502}},
	{Method: http.MethodPost, Path: "/v1/auth/token", Function: "filing", ID: "exchangeSignInCode", Tag: "integration",
		Summary:     Text{"以授权码换取令牌", "Exchange a sign-in code for a token"},
		Description: Text{"PKCE 授权码由平台向身份提供方兑换；不重放 Idempotency-Key", "The platform exchanges the PKCE authorization code at the provider; Idempotency-Key is ignored here."},
		Public:      true, Body: typ[oidclogin.TokenRequest](),
		Responses: []Resp{{Status: 200, Type: typ[oidclogin.Session](), Description: Text{"令牌", "The token."}}}, Errors: []int{403, 404, 502}},
	{Method: http.MethodGet, Path: "/v1/openapi.json", Function: "filing", ID: "getOpenAPIDocument", Tag: "integration",
		Summary: Text{"本 OpenAPI 文档", "This OpenAPI document"}, Public: true,
		Responses: []Resp{{Status: 200, Type: typ[openAPIDocument](), Description: Text{"OpenAPI 3.1 文档", "The OpenAPI 3.1 document."}}}},

	// --- annual-report ---------------------------------------------------------------------
	{Method: http.MethodPut, Path: "/v1/agencies/{uscc}/annual-reports/{year}", Function: "annual-report", ID: "submitAnnualReport", Tag: "annual-reports",
		Summary:     Text{"报送或重新报送年度报告", "Submit or resubmit an annual report"},
		Description: Text{"首次报送为 201，之后为 200；是否按时以首次报送为准", "201 the first time, 200 after; on_time is fixed at the first submission."},
		Actions:     []string{"report.submit"}, Body: typ[domain.ReportBody](), IfMatch: true,
		Responses: []Resp{reportResp(201, Text{"首次报送", "Submitted."}), reportResp(200, Text{"重新报送", "Resubmitted."})}, Errors: []int{409}},
	{Method: http.MethodGet, Path: "/v1/agencies/{uscc}/annual-reports/{year}", Function: "annual-report", ID: "getAnnualReport", Tag: "annual-reports",
		Summary: Text{"查看年度报告", "Read an annual report"}, Actions: []string{"report.read"},
		Responses: []Resp{reportResp(200, Text{"年度报告", "The report."})}, Errors: []int{422}},
	{Method: http.MethodPost, Path: "/v1/agencies/{uscc}/annual-reports/{year}/review", Function: "annual-report", ID: "reviewAnnualReport", Tag: "annual-reports",
		Summary: Text{"审核年度报告", "Review an annual report"}, Actions: []string{"report.review"}, Body: typ[reporting.ReviewInput](),
		Responses: []Resp{reportResp(200, Text{"审核后的报告", "The report as reviewed."})}, Errors: []int{409}},
	{Method: http.MethodGet, Path: "/v1/annual-reports", Function: "annual-report", ID: "listAnnualReports", Tag: "annual-reports",
		Summary:     Text{"年度报告审核队列", "The reports of a status (the review queue)"},
		Description: Text{"一页可能少于 limit 条（跳过无权查看的）；请沿 next_cursor 继续", "A page may hold fewer than limit items (those the caller may not read are skipped); follow next_cursor."},
		Actions:     []string{"report.read"},
		Query:       append([]Param{statusParam(enumRef[domain.ReportStatus](), Text{"报告状态，默认 submitted", "The reports' status; default submitted."})}, page...),
		Responses:   []Resp{{Status: 200, Type: typ[httpapi.List[*domain.AnnualReport]](), Description: Text{"一页报告", "A page of reports."}}}},

	// --- subsidy-claim ---------------------------------------------------------------------
	{Method: http.MethodGet, Path: "/v1/eligibility", Function: "subsidy-claim", ID: "checkEligibility", Tag: "subsidies",
		Summary:     Text{"资助资格查询", "May an entity receive subsidies in a year?"},
		Description: Text{"按资助类别答复是否可获资助及全部阻却理由", "Per subsidy family: eligible or not, with every blocking reason."},
		Actions:     []string{"eligibility.read"},
		Query: []Param{
			{Name: "entity", Required: true, Schema: map[string]any{"type": "string", "format": "uscc-or-resident-id"}, Description: Text{"统一社会信用代码或居民身份证号码", "A unified social credit code or a resident ID number."}},
			{Name: "year", Required: true, Schema: map[string]any{"type": "integer", "minimum": 2000}, Description: Text{"年度（2000 至明年）", "The year, 2000 to next year."}},
			{Name: "agency", Repeat: true, Schema: map[string]any{"type": "string", "format": "uscc"}, Description: Text{"另需考虑的服务机构（最多 50 个）", "Agencies to consider besides those that reported the entity as a client; at most 50."}},
		},
		Responses: []Resp{{Status: 200, Type: typ[*eligibility.Result](), Description: Text{"资格及理由", "The decision with its reasons."}}}},
	{Method: http.MethodPost, Path: "/v1/eligibility/batch", Function: "subsidy-claim", ID: "checkEligibilityBatch", Tag: "subsidies",
		Summary:     Text{"批量资助资格查询", "Many eligibility queries in one call"},
		Description: Text{"最多 500 个查询，按序答复；单个查询被拒时在其位置给出问题", "Up to 500 queries, answered in order; a query refused is answered by its problem in its place."},
		Actions:     []string{"eligibility.read"}, Body: typ[httpapi.BatchBody](),
		Responses: []Resp{{Status: 200, Type: typ[httpapi.BatchAnswers](), Description: Text{"各查询的答复", "Each query's answer."}}}},
	{Method: http.MethodPost, Path: "/v1/subsidy-evaluations", Function: "subsidy-claim", ID: "evaluateClaim", Tag: "subsidies",
		Summary:     Text{"资助申请试算", "Dry-run a claim"},
		Description: Text{"答复决定，不保存任何内容", "Answers the decision; nothing is stored."},
		Actions:     []string{"claim.evaluate"}, Body: typ[domain.ClaimBody](),
		Responses: []Resp{{Status: 200, Type: typ[domain.StoredDecision](), Description: Text{"决定", "The decision."}}}},
	{Method: http.MethodPost, Path: "/v1/subsidy-claims", Function: "subsidy-claim", ID: "submitClaim", Tag: "subsidies",
		Summary:     Text{"提交资助申请", "Submit a claim"},
		Description: Text{"政策不支持的申请为 422，列明全部理由及条款", "A claim the policy does not support is 422, naming every reason and article."},
		Actions:     []string{"claim.submit"}, Body: typ[domain.ClaimBody](),
		Responses: []Resp{claimResp(201, Text{"已提交，待区级初审", "Submitted, awaiting the district."})}},
	{Method: http.MethodGet, Path: "/v1/subsidy-claims", Function: "subsidy-claim", ID: "listClaims", Tag: "subsidies",
		Summary:     Text{"资助申请审核队列", "The claims of a status (a review stage's queue)"},
		Description: Text{"一页可能少于 limit 条；请沿 next_cursor 继续", "A page may hold fewer than limit items; follow next_cursor."},
		Actions:     []string{"claim.read"},
		Query:       append([]Param{statusParam(enumRef[domain.ClaimStatus](), Text{"申请状态，默认 submitted", "The claims' status; default submitted."})}, page...),
		Responses:   []Resp{{Status: 200, Type: typ[httpapi.List[*domain.Claim]](), Description: Text{"一页申请", "A page of claims."}}}},
	{Method: http.MethodGet, Path: "/v1/subsidy-claims/{id}", Function: "subsidy-claim", ID: "getClaim", Tag: "subsidies",
		Summary: Text{"查看资助申请", "Read a claim with its decisions and history"}, PathParams: claimID, Actions: []string{"claim.read"},
		Responses: []Resp{claimResp(200, Text{"资助申请", "The claim."})}},
	{Method: http.MethodPut, Path: "/v1/subsidy-claims/{id}", Function: "subsidy-claim", ID: "resubmitClaim", Tag: "subsidies",
		Summary:     Text{"重新提交退回的申请", "Resubmit a returned claim"},
		Description: Text{"回到退回它的审核阶段", "It goes back to the stage that returned it."},
		PathParams:  claimID, Actions: []string{"claim.submit"}, Body: typ[domain.ClaimBody](), IfMatch: true,
		Responses: []Resp{claimResp(200, Text{"已重新提交", "Resubmitted."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/subsidy-claims/{id}/reviews", Function: "subsidy-claim", ID: "reviewClaim", Tag: "subsidies",
		Summary:     Text{"审核资助申请", "Review a claim at its current stage"},
		Description: Text{"区级初审、市级审核、公示、拨付；每次通过都重新判定资格", "District, city, public notice, allocation; every pass decides eligibility again."},
		PathParams:  claimID, Actions: []string{"claim.review_district", "claim.review_city", "claim.review_notice", "claim.allocate"},
		Body:      typ[claims.ReviewInput](),
		Responses: []Resp{claimResp(200, Text{"审核后的申请", "The claim as reviewed."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/subsidy-claims/{id}/recovery", Function: "subsidy-claim", ID: "recoverClaim", Tag: "subsidies",
		Summary:    Text{"追回已拨付的资助", "Recover an allocated claim"},
		PathParams: claimID, Actions: []string{"claim.recover"}, Body: typ[claims.RecoveryInput](),
		Responses: []Resp{claimResp(200, Text{"已追回", "Recovered."})}, Errors: []int{409}},
	{Method: http.MethodPut, Path: "/v1/credit-records/{id}", Function: "subsidy-claim", ID: "putCreditRecord", Tag: "subsidies",
		Summary:     Text{"记录信用情况", "Record a credit finding"},
		Description: Text{"来源系统自定编号；保留每个版本", "The source names its record; every version is kept."},
		PathParams: map[string]Param{"id": {Description: Text{"来源系统的记录编号", "The source's id of the record."},
			Schema: map[string]any{"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,100}$"}}},
		Actions: []string{"credit.write"}, Body: typ[domain.CreditRecordBody](),
		Responses: []Resp{{Status: 201, Type: typ[*domain.CreditRecord](), Description: Text{"新记录", "A new record."}, ETag: true, Location: true},
			{Status: 200, Type: typ[*domain.CreditRecord](), Description: Text{"记录的新版本", "A new version of the record."}, ETag: true, Location: true}},
		Errors: []int{422}},
	{Method: http.MethodGet, Path: "/v1/public/notices", Function: "subsidy-claim", ID: "listPublicNotices", Tag: "register",
		Summary: Text{"资助公示", "Claims in public notice"}, Public: true, Query: page,
		Responses: []Resp{{Status: 200, Type: typ[httpapi.List[claims.PublicNotice]](), Description: Text{"一页公示", "A page of notices."}}}},

	// --- cluster-application ---------------------------------------------------------------
	{Method: http.MethodPost, Path: "/v1/cluster-applications", Function: "cluster-application", ID: "createClusterApplication", Tag: "clusters",
		Summary:     Text{"创建集聚区申报草稿", "Start a cluster-zone application"},
		Description: Text{"除年度与县级代码外均可暂缺", "Every field but year and county_code may still be empty."},
		Actions:     []string{"cluster.create"}, Body: typ[domain.ClusterApplicationBody](),
		Responses: []Resp{appResp(201, Text{"草稿", "A draft."})}},
	{Method: http.MethodGet, Path: "/v1/cluster-applications", Function: "cluster-application", ID: "listClusterApplications", Tag: "clusters",
		Summary: Text{"集聚区申报队列", "Each role's applications"}, Actions: []string{"cluster.list"},
		Query: append([]Param{
			statusParam(enumRef[domain.ClusterStatus](), Text{"申报状态", "The applications' status."}),
			{Name: "year", Schema: map[string]any{"type": "integer", "minimum": 2000, "maximum": 2100}, Description: Text{"申报年度", "The round's year."}},
		}, page...),
		Responses: []Resp{{Status: 200, Type: typ[httpapi.List[*domain.ClusterApplication]](), Description: Text{"一页申报", "A page of applications."}}}},
	{Method: http.MethodGet, Path: "/v1/cluster-applications/{id}", Function: "cluster-application", ID: "getClusterApplication", Tag: "clusters",
		Summary: Text{"查看集聚区申报", "Read an application"}, PathParams: appID, Actions: []string{"cluster.read"},
		Responses: []Resp{appResp(200, Text{"申报", "The application."})}},
	{Method: http.MethodPut, Path: "/v1/cluster-applications/{id}", Function: "cluster-application", ID: "editClusterApplication", Tag: "clusters",
		Summary: Text{"修改申报（草稿或退回时）", "Edit an application while draft or returned"}, PathParams: appID,
		Actions: []string{"cluster.edit"}, Body: typ[domain.ClusterApplicationBody](), IfMatch: true,
		Responses: []Resp{appResp(200, Text{"已修改", "Edited."})}, Errors: []int{409}},
	{Method: http.MethodPut, Path: "/v1/cluster-applications/{id}/documents/{kind}", Function: "cluster-application", ID: "uploadClusterDocument", Tag: "clusters",
		Summary:     Text{"上传申报材料（PDF）", "Upload one of the application's documents (PDF)"},
		Description: Text{"原始 application/pdf 内容，最多 20 MiB；推荐函由设区市上传", "A raw application/pdf body of at most 20 MiB; the recommendation letter is the prefecture's."},
		PathParams: map[string]Param{"id": appID["id"], "kind": {Description: Text{"材料类别", "The document's kind."},
			Schema: map[string]any{"type": "string", "enum": domain.ClusterDocumentKinds}}},
		Actions: []string{"cluster.upload"}, BodyMedia: "application/pdf",
		Responses: []Resp{{Status: 200, Type: typ[httpapi.DocumentAnswer](), Description: Text{"已保存的材料", "The document as stored."}, ETag: true, Location: true}},
		Errors:    []int{409, 422}},
	{Method: http.MethodGet, Path: "/v1/cluster-applications/{id}/documents/{kind}", Function: "cluster-application", ID: "downloadClusterDocument", Tag: "clusters",
		Summary: Text{"下载申报材料", "Download a document"},
		PathParams: map[string]Param{"id": appID["id"], "kind": {Description: Text{"材料类别", "The document's kind."},
			Schema: map[string]any{"type": "string", "enum": domain.ClusterDocumentKinds}}},
		Actions:   []string{"cluster.read"},
		Responses: []Resp{{Status: 200, Media: "application/pdf", Description: Text{"PDF 文件", "The PDF file."}}}},
	{Method: http.MethodPost, Path: "/v1/cluster-applications/{id}/submission", Function: "cluster-application", ID: "submitClusterApplication", Tag: "clusters",
		Summary:     Text{"提交申报（形式审查）", "Submit an application to the prefecture (screening)"},
		Description: Text{"形式审查未通过为 422，逐项列明条件及依据；截止后为 422 并说明下一轮", "Refused by screening: 422 with every failed condition and its basis; after the cutoff, 422 saying when the next round closes."},
		PathParams:  appID, Actions: []string{"cluster.submit"}, Body: typ[struct{}](), BodyOptional: true, IfMatch: true,
		Responses: []Resp{appResp(200, Text{"已提交", "Submitted."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/cluster-applications/{id}/recommendation", Function: "cluster-application", ID: "recommendClusterApplication", Tag: "clusters",
		Summary:    Text{"设区市推荐或退回", "Recommend or return an application"},
		PathParams: appID, Actions: []string{"cluster.recommend"}, Body: typ[clusters.RecommendInput](),
		Responses: []Resp{appResp(200, Text{"推荐或退回后的申报", "The application as decided."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/cluster-applications/{id}/reviews", Function: "cluster-application", ID: "reviewClusterApplication", Tag: "clusters",
		Summary:     Text{"专家评分、实地核查、认定", "Score, site visit or decision"},
		Description: Text{"专家评分（每位专家一次）；省级实地核查与认定（须已有评分与核查）", "An expert's score (one each), or the province's site visit and decision (which needs a score and the visit)."},
		PathParams:  appID, Actions: []string{"cluster.score", "cluster.review"}, Body: typ[clusters.ReviewInput](),
		Responses: []Resp{appResp(200, Text{"评审后的申报", "The application as reviewed."})}, Errors: []int{409}},
	{Method: http.MethodGet, Path: "/v1/clusters/{id}", Function: "cluster-application", ID: "getZone", Tag: "clusters",
		Summary: Text{"查看集聚区", "Read a designated zone"}, PathParams: zoneID, Actions: []string{"zone.read"},
		Responses: []Resp{zoneResp(200, Text{"集聚区", "The zone."})}},
	{Method: http.MethodPut, Path: "/v1/clusters/{id}/plan", Function: "cluster-application", ID: "fileZonePlan", Tag: "clusters",
		Summary:     Text{"报送建设实施方案", "File the implementation plan"},
		Description: Text{"首次为 201，相同方案再次报送为 200；其他方案为 409（请走方案调整）", "201 when filed, 200 for the same plan again; another plan is 409 (propose a change)."},
		PathParams:  zoneID, Actions: []string{"zone.plan_file"}, Body: typ[domain.ZonePlanBody](), IfMatch: true,
		Responses: []Resp{zoneResp(201, Text{"已报送", "Filed."}), zoneResp(200, Text{"同一方案已报送", "The same plan was already filed."})}, Errors: []int{409}},
	{Method: http.MethodPost, Path: "/v1/clusters/{id}/plan-changes", Function: "cluster-application", ID: "proposeZonePlanChange", Tag: "clusters",
		Summary:    Text{"提出方案调整", "Propose a change to the plan"},
		PathParams: zoneID, Actions: []string{"zone.plan_change"}, Body: typ[domain.PlanChangeBody](),
		Responses: []Resp{{Status: 201, Type: typ[httpapi.ChangeAnswer](), Description: Text{"调整及集聚区", "The change with its zone."}, ETag: true, Location: true}},
		Errors:    []int{409}},
	{Method: http.MethodPost, Path: "/v1/clusters/{id}/plan-changes/{n}/review", Function: "cluster-application", ID: "reviewZonePlanChange", Tag: "clusters",
		Summary: Text{"审核方案调整", "Review a change to the plan"},
		PathParams: map[string]Param{"id": zoneID["id"], "n": {Description: Text{"调整序号", "The change's number."},
			Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 10000}}},
		Actions: []string{"zone.plan_review"}, Body: typ[domain.PlanReviewBody](),
		Responses: []Resp{{Status: 200, Type: typ[httpapi.ChangeAnswer](), Description: Text{"审核后的调整", "The change as reviewed."}, ETag: true}},
		Errors:    []int{409}},
	{Method: http.MethodPut, Path: "/v1/clusters/{id}/annual/{year}", Function: "cluster-application", ID: "submitZoneAnnual", Tag: "clusters",
		Summary:     Text{"报送年度总结与计划", "Submit a year's summary and plan"},
		Description: Text{"上年度工作总结与当年度计划；首次为 201，替换为 200", "The summary of year-1 and the plan for year: 201 first, 200 replacing."},
		PathParams: map[string]Param{"id": zoneID["id"], "year": {Description: Text{"年度", "The year of the plan."},
			Schema: map[string]any{"type": "integer", "minimum": 2000, "maximum": 2200}}},
		Actions: []string{"zone.annual_submit"}, Body: typ[domain.ZoneAnnualBody](),
		Responses: []Resp{zoneResp(201, Text{"已报送", "Submitted."}), zoneResp(200, Text{"已替换", "Replaced."})}, Errors: []int{409, 422}},
	{Method: http.MethodPost, Path: "/v1/clusters/{id}/assessments", Function: "cluster-application", ID: "assessZone", Tag: "clusters",
		Summary:     Text{"期满考核", "Record the final assessment"},
		Description: Text{"建设期满后方可考核（否则 409）", "Only once construction has ended (else 409)."},
		PathParams:  zoneID, Actions: []string{"zone.assess"}, Body: typ[domain.AssessmentBody](),
		Responses: []Resp{{Status: 201, Type: typ[httpapi.AssessmentAnswer](), Description: Text{"考核及其后果", "The assessment with the zone it changed."}, ETag: true}},
		Errors:    []int{409}},

	// --- deadline-jan31 --------------------------------------------------------------------
	{Method: http.MethodPost, Path: "/v1/deadline-runs", Function: "deadline-jan31", ID: "runDeadline", Tag: "deadlines",
		Summary:     Text{"执行截止日", "Enforce a deadline now"},
		Description: Text{"截止前为 409；再次执行不会重复产生记录", "409 before the cutoff; running it again creates nothing new."},
		Actions:     []string{"deadline.run"}, Body: typ[deadlines.RunInput](),
		Responses: []Resp{{Status: 200, Type: typ[*domain.DeadlineRun](), Description: Text{"执行记录", "The run record."}, ETag: true}}},
	{Method: http.MethodGet, Path: "/v1/deadline-runs", Function: "deadline-jan31", ID: "listDeadlineRuns", Tag: "deadlines",
		Summary: Text{"截止日执行记录", "Past deadline runs"}, Actions: []string{"deadline.list"},
		Query: append([]Param{
			{Name: "deadline", Schema: map[string]any{"type": "string", "enum": []string{domain.DeadlineJan31, domain.DeadlineJun30}}, Description: Text{"截止日", "The deadline."}},
			{Name: "year", Schema: map[string]any{"type": "integer", "minimum": 2000, "maximum": 2200}, Description: Text{"截止日所在年度", "The year of the deadline."}},
		}, page...),
		Responses: []Resp{{Status: 200, Type: typ[httpapi.List[*domain.DeadlineRun]](), Description: Text{"一页执行记录", "A page of runs."}}}},
	{Method: http.MethodGet, Path: "/v1/notices", Function: "deadline-jan31", ID: "listNotices", Tag: "deadlines",
		Summary: Text{"本人的通知", "The caller's own notices"}, Actions: []string{"notice.read"}, Query: page,
		Responses: []Resp{{Status: 200, Type: typ[httpapi.List[*domain.Notice]](), Description: Text{"一页通知（最新在前）", "A page of notices, newest first."}}}},

	// --- dev mode: the local runner only ---------------------------------------------------
	{Method: http.MethodPost, Path: "/dev/token", Function: "dev", ID: "devToken", Tag: "dev",
		Summary:     Text{"签发开发令牌", "Issue a dev token"},
		Description: Text{"令牌按平台时间有效 12 小时", "Tokens last 12 hours of platform time."},
		Public:      true, Body: typ[DevTokenRequest](),
		Responses: []Resp{{Status: 201, Type: typ[DevTokenResponse](), Description: Text{"令牌", "The token."}}}},
	{Method: http.MethodGet, Path: "/dev/clock", Function: "dev", ID: "getDevClock", Tag: "dev",
		Summary: Text{"平台时钟", "The platform's clock"}, Public: true,
		Responses: []Resp{{Status: 200, Type: typ[DevClock](), Description: Text{"当前时间", "The clock."}}}},
	{Method: http.MethodPut, Path: "/dev/clock", Function: "dev", ID: "setDevClock", Tag: "dev",
		Summary: Text{"调整平台时钟", "Move the platform's clock"}, Public: true, Body: typ[DevClockRequest](),
		Responses: []Resp{{Status: 200, Type: typ[DevClock](), Description: Text{"调整后的时间", "The clock, moved."}}}},
}

// openAPIDocument is what GET /v1/openapi.json answers, as far as a schema need say.
type openAPIDocument struct {
	OpenAPI           string         `json:"openapi"`
	JSONSchemaDialect string         `json:"jsonSchemaDialect"`
	Info              map[string]any `json:"info"`
	Servers           []any          `json:"servers"`
	Tags              []any          `json:"tags"`
	Security          []any          `json:"security"`
	Paths             map[string]any `json:"paths"`
	Components        map[string]any `json:"components"`
}

// The dev mode's bodies mirror the local runner's own types (infra/local/dev.go), which live
// in its main package; a test there holds these to them.
type (
	// DevTokenRequest asks for a token for a principal.
	DevTokenRequest struct {
		Role     string   `json:"role" validate:"required,oneof=agency enterprise mandated_submitter county_government district_reviewer city_officer prefecture_officer province_officer expert integrator scheduler"`
		Subject  string   `json:"subject" validate:"omitempty,max=64,no_control"`
		Division string   `json:"division" validate:"omitempty,js_division"`
		Scopes   []string `json:"scopes" validate:"omitempty,max=20,dive,required,max=64,no_control"`
	}
	// DevTokenResponse is the token with what it says.
	DevTokenResponse struct {
		Token     string           `json:"token"`
		ExpiresAt time.Time        `json:"expires_at"`
		Principal domain.Principal `json:"principal"`
	}
	// DevClock is the platform's clock: frozen, it stays where it was put.
	DevClock struct {
		Now    time.Time `json:"now"`
		Frozen bool      `json:"frozen"`
	}
	// DevClockRequest moves the clock to now (RFC 3339 with offset); frozen keeps it there.
	DevClockRequest struct {
		Now    string `json:"now" validate:"required"`
		Frozen *bool  `json:"frozen"`
	}
)
