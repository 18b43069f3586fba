// workbench.js: the officers' workbench (审核工作台). Each role sees its queues: city officers
// review filings, annual reports and subsidy claims at the city's stages and run the deadlines;
// district reviewers pass claims of their district; prefecture officers recommend their counties'
// cluster applications; provincial officers review the round and run the deadlines. Every action
// is one form sent once (submitOnce: one Idempotency-Key per attempt) with refusals shown by
// showErrors in the officer's language (the API answers in Accept-Language).

import { h, $, append, replace, uid } from '../dom.js';
import { t, addStrings, lang, label, fmtDate, fmtDateTime } from '../i18n.js';
import { api, session, platformNow, ApiError } from '../api.js';
import { submitOnce, keepDraft, dropDraft, invalid, fenToYuan } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';

addStrings({
  'zh-CN': {
    'wb.title': '审核工作台',
    'wb.lead': '待您办理的备案、年度报告、资助申请和集聚区申报，以及截止日执行情况。每项决定都会记录在案，并以您选择的语言显示结果。',
    'wb.not_officer': '审核工作台供市、区（县）、设区市和省知识产权管理部门工作人员使用。请以相应身份登录。',
    'wb.signed_in_as': '当前身份：{role}，辖区 {division}',
    'wb.tabs': '工作台栏目',
    'wb.tab.filings': '备案审核', 'wb.tab.reports': '年度报告审核', 'wb.tab.claims': '资助申请审核',
    'wb.tab.clusters': '集聚区申报', 'wb.tab.runs': '截止日执行',
    'wb.empty': '目前没有待办事项。', 'wb.more': '加载更多', 'wb.load_failed': '无法加载：{detail}',
    'wb.submit_decision': '提交决定', 'wb.decision': '审核决定', 'wb.comment': '意见（选填）',
    'wb.reasons': '理由（每行一条；退回或不予通过时必填）',
    'wb.reasons_hint': '申请人会看到这些理由，请写明需要更正的内容。',
    'wb.pick_outcome': '请选择审核决定', 'wb.claim_comment': '审核意见（退回或不予资助时必填）',
    'decision_stage.submission': '提交时', 'decision_stage.district': '区（县）初审', 'decision_stage.city': '市级审核',
    'decision_stage.notice': '公示结束', 'decision_stage.allocation': '拨付', 'decision_stage.evaluation': '试算',
    'wb.outcome.accept': '通过', 'wb.outcome.return': '退回修改', 'wb.outcome.reject': '不予备案',
    'wb.outcome.pass': '通过本环节', 'wb.outcome.claim_reject': '不予资助',
    'wb.outcome.recommend': '推荐', 'wb.outcome.cluster_return': '退回县（市、区）',
    'wb.outcome.designate': '认定为集聚区', 'wb.outcome.not_selected': '不予认定',
    'wb.status': '状态', 'wb.submitted_at': '提交时间', 'wb.history': '办理记录',
    'status.agency.submitted': '待审核', 'status.agency.accepted': '已备案', 'status.agency.returned': '已退回修改',
    'status.agency.rejected': '不予备案', 'status.agency.deregistered': '已注销',
    'status.report.submitted': '待审核', 'status.report.accepted': '已通过', 'status.report.returned': '已退回修改',
    'status.claim.submitted': '待区（县）初审', 'status.claim.city_review': '待市级审核', 'status.claim.public_notice': '公示中',
    'status.claim.allocation': '待拨付', 'status.claim.allocated': '已拨付', 'status.claim.returned': '已退回修改',
    'status.claim.rejected': '不予资助', 'status.claim.recovered': '已追回',
    'status.cluster.draft': '草稿', 'status.cluster.submitted': '待设区市推荐', 'status.cluster.recommended': '已推荐',
    'status.cluster.returned': '已退回', 'status.cluster.under_review': '省级评审中', 'status.cluster.missed_round': '未进入本轮',
    'status.cluster.designated': '已认定', 'status.cluster.not_selected': '未认定',
    // filings
    'wb.filings.intro': '本辖区已提交、等待审核的服务机构备案（先提交的在前）。',
    'wb.f.uscc': '统一社会信用代码', 'wb.f.district': '所在县（市、区）', 'wb.f.org_form': '组织形式',
    'wb.f.services': '服务类型', 'wb.f.license': '专利代理机构执业许可证号', 'wb.f.address': '住所',
    'wb.f.legal_rep': '法定代表人', 'wb.f.responsible': '负责人', 'wb.f.phone': '联系电话', 'wb.f.email': '电子邮箱',
    'wb.f.practitioners': '从业人员', 'wb.f.started': '在本市开展业务日期', 'wb.f.branch': '分支机构',
    'wb.f.filing_no': '备案号', 'wb.f.amendment': '这是已备案机构的变更，审核期间机构仍在公示名录中。',
    'wb.filing.accepted': '已通过备案。备案号：{no}', 'wb.filing.returned': '已退回修改，机构会看到您的理由。',
    'wb.filing.rejected': '已决定不予备案。',
    'org_form.company': '公司', 'org_form.partnership': '合伙企业', 'org_form.sole_proprietorship': '个人独资企业',
    'org_form.law_firm': '律师事务所', 'org_form.public_institution': '事业单位', 'org_form.social_organisation': '社会组织', 'org_form.other': '其他',
    // reports
    'wb.reports.intro': '本辖区服务机构报送、等待审核的年度报告。',
    'wb.r.heading': '{uscc} · {year} 年度报告', 'wb.r.on_time': '是否按时报送', 'wb.r.on_time_yes': '按时（截止 {cutoff}）',
    'wb.r.on_time_no': '逾期（截止 {cutoff}）', 'wb.r.patents': '专利申请代理（发明 / 实用新型 / 外观设计）',
    'wb.r.trademarks': '商标申请代理', 'wb.r.copyrights': '版权登记', 'wb.r.other': '其他服务', 'wb.r.revenue': '营业收入',
    'wb.r.practitioners': '年末从业人员', 'wb.r.clients': '服务客户', 'wb.r.sci_tech': '承接科技项目服务',
    'wb.r.complaints': '收到投诉', 'wb.r.first_submitted': '首次报送时间',
    'wb.report.accepted': '年度报告已通过。', 'wb.report.returned': '已退回修改，更正期限至 {due}。',
    // claims
    'wb.claims.intro': '按审核环节列出本辖区的资助申请。每次“通过”都会按现行政策重新作出决定。',
    'wb.stage.submitted': '区（县）初审', 'wb.stage.city_review': '市级审核', 'wb.stage.public_notice': '公示',
    'wb.stage.allocation': '拨付',
    'wb.c.id': '申请编号', 'wb.c.claimant': '申请人', 'wb.c.programme': '资助项目', 'wb.c.notice': '公示期',
    'wb.c.notice_until': '公示期至 {until}', 'wb.c.submitter': '受托申报机构',
    'wb.receipt': '决定书', 'wb.receipt.eligible': '符合资助条件', 'wb.receipt.not_eligible': '不符合资助条件',
    'wb.receipt.amount': '资助金额', 'wb.receipt.requested': '按政策计算的基数', 'wb.receipt.shares': '市级承担 {city}，区级承担 {district}',
    'wb.receipt.caps': '适用的限额', 'wb.receipt.cap_line': '{cap}：限额 {limit}，{before} → {after}（{basis}）',
    'wb.receipt.reasons': '理由及依据', 'wb.receipt.policy': '政策版本', 'wb.receipt.decided_at': '决定时间', 'wb.receipt.stage': '决定环节',
    'wb.receipt.none': '全额资助，无扣减理由。',
    'wb.claim.done': '已提交。申请当前状态：{status}',
    // clusters
    'wb.clusters.intro_prefecture': '辖区县（市、区）已提交、等待推荐的集聚区申报。推荐前须上传推荐函。',
    'wb.clusters.intro_province': '本年度进入省级评审的集聚区申报。',
    'wb.k.zone': '集聚区名称', 'wb.k.county': '县（市、区）代码', 'wb.k.year': '申报年度', 'wb.k.body': '管理机构（人员数）',
    'wb.k.plan': '有发展规划', 'wb.k.fund': '每年专项资金', 'wb.k.industry': '主导产业', 'wb.k.agencies': '入驻服务机构',
    'wb.k.documents': '已上传材料', 'wb.k.doc_line': '{kind}：{size} 字节，{at}', 'wb.k.scores': '专家评分',
    'wb.k.site_visit': '实地考察', 'wb.k.opinion': '设区市推荐意见',
    'doc.recommendation_letter': '推荐函', 'doc.application_form': '申报书', 'doc.work_plan': '工作方案',
    'doc.authenticity_commitment': '真实性承诺书', 'doc.supporting_materials': '佐证材料',
    'wb.k.letter': '推荐函（PDF，不超过 20 MB）', 'wb.k.upload': '上传推荐函', 'wb.k.uploaded': '推荐函已上传（{size} 字节）。',
    'wb.k.pick_file': '请选择一个 PDF 文件', 'wb.k.opinion_label': '推荐或退回意见',
    'wb.k.recommend_decision': '推荐决定', 'wb.k.done': '已提交。申报当前状态：{status}',
    'wb.k.visit_title': '记录实地考察', 'wb.k.visited_on': '考察日期', 'wb.k.findings': '考察情况',
    'wb.k.save_visit': '保存考察记录', 'wb.k.score': '评分（0–100）', 'wb.k.save_score': '提交评分',
    'wb.k.score_invalid': '请填写 0 到 100 之间的整数', 'wb.k.decision_title': '认定决定', 'wb.k.decide': '提交认定决定',
    // runs
    'wb.runs.intro': '年度报告（1 月 31 日）和集聚区申报（6 月 30 日）截止后的执行记录：统计数和生成的记录。截止前不能执行。',
    'wb.runs.deadline': '截止事项', 'wb.deadline.jan31': '1 月 31 日 年度报告', 'wb.deadline.jun30': '6 月 30 日 集聚区申报',
    'wb.runs.year': '年度', 'wb.runs.year_hint': '截止日所在的年份，例如 2027 表示 2027 年 1 月 31 日（审查 2026 年度报告）。',
    'wb.runs.run_now': '立即执行', 'wb.runs.run_title': '执行截止日处理', 'wb.runs.show': '查看执行记录',
    'wb.runs.heading': '{deadline} · {year}', 'wb.runs.cutoff': '截止时间', 'wb.runs.started': '开始时间',
    'wb.runs.completed': '完成时间', 'wb.runs.counts': '统计', 'wb.runs.count': '数量', 'wb.runs.item': '项目',
    'wb.runs.created': '生成的记录（{n} 项）', 'wb.runs.triggers': '启动记录', 'wb.runs.trigger_line': '{at}，{who}，{via}',
    'wb.runs.done': '已执行：{status}。统计见下方执行记录。', 'wb.runs.year_invalid': '请填写 2000 到 2200 之间的年份',
    'run.status.running': '进行中', 'run.status.completed': '已完成',
    'run.via.schedule': '定时任务', 'run.via.http': '手动或外部调用', 'run.via.local_scheduler': '本地定时任务',
    'count.agencies': '机构数', 'count.owing': '应报送', 'count.on_time': '按时报送', 'count.late': '逾期报送',
    'count.missing': '未报送', 'count.sanctions': '产生的处理措施', 'count.clusters': '集聚区数',
    'count.clusters_owing': '应报送年度总结的集聚区', 'count.clusters_on_time': '按时报送的集聚区',
    'count.clusters_overdue': '逾期的集聚区', 'count.applications': '申报数', 'count.under_review': '进入省级评审',
    'count.missed_round': '未进入本轮', 'count.notices': '通知数', 'count.notified': '已送达通知', 'count.open': '仍未处理',
  },
  en: {
    'wb.title': 'Review workbench',
    'wb.lead': 'The filings, annual reports, subsidy claims and cluster applications waiting for you, and the deadline runs. Every decision is recorded, and answers are shown in the language you choose.',
    'wb.not_officer': 'The workbench is for officers of the city, district, prefecture and provincial IP offices. Sign in with one of those roles.',
    'wb.signed_in_as': 'Signed in as {role}, division {division}',
    'wb.tabs': 'Workbench sections',
    'wb.tab.filings': 'Filings', 'wb.tab.reports': 'Annual reports', 'wb.tab.claims': 'Subsidy claims',
    'wb.tab.clusters': 'Cluster applications', 'wb.tab.runs': 'Deadline runs',
    'wb.empty': 'Nothing is waiting.', 'wb.more': 'Load more', 'wb.load_failed': 'Could not load: {detail}',
    'wb.submit_decision': 'Submit decision', 'wb.decision': 'Decision', 'wb.comment': 'Comment (optional)',
    'wb.reasons': 'Reasons (one per line; required to return or refuse)',
    'wb.reasons_hint': 'The applicant sees these reasons: say what to correct.',
    'wb.pick_outcome': 'Choose a decision', 'wb.claim_comment': 'Comment (required to return or refuse)',
    'decision_stage.submission': 'At submission', 'decision_stage.district': 'District review', 'decision_stage.city': 'City review',
    'decision_stage.notice': 'End of the public notice', 'decision_stage.allocation': 'Allocation', 'decision_stage.evaluation': 'Dry run',
    'wb.outcome.accept': 'Accept', 'wb.outcome.return': 'Return for correction', 'wb.outcome.reject': 'Refuse the filing',
    'wb.outcome.pass': 'Pass this stage', 'wb.outcome.claim_reject': 'Refuse the subsidy',
    'wb.outcome.recommend': 'Recommend', 'wb.outcome.cluster_return': 'Return to the county',
    'wb.outcome.designate': 'Designate as a cluster zone', 'wb.outcome.not_selected': 'Not selected',
    'wb.status': 'Status', 'wb.submitted_at': 'Submitted', 'wb.history': 'History',
    'status.agency.submitted': 'Waiting for review', 'status.agency.accepted': 'Filed', 'status.agency.returned': 'Returned for correction',
    'status.agency.rejected': 'Refused', 'status.agency.deregistered': 'Deregistered',
    'status.report.submitted': 'Waiting for review', 'status.report.accepted': 'Accepted', 'status.report.returned': 'Returned for correction',
    'status.claim.submitted': 'Waiting for the district review', 'status.claim.city_review': 'Waiting for the city review',
    'status.claim.public_notice': 'In public notice', 'status.claim.allocation': 'Waiting for allocation',
    'status.claim.allocated': 'Allocated', 'status.claim.returned': 'Returned for correction',
    'status.claim.rejected': 'Refused', 'status.claim.recovered': 'Recovered',
    'status.cluster.draft': 'Draft', 'status.cluster.submitted': 'Waiting for the prefecture', 'status.cluster.recommended': 'Recommended',
    'status.cluster.returned': 'Returned', 'status.cluster.under_review': 'Under provincial review', 'status.cluster.missed_round': 'Missed the round',
    'status.cluster.designated': 'Designated', 'status.cluster.not_selected': 'Not selected',
    'wb.filings.intro': 'Agency filings of your division waiting for review, oldest first.',
    'wb.f.uscc': 'Unified social credit code', 'wb.f.district': 'County or district', 'wb.f.org_form': 'Organisation form',
    'wb.f.services': 'Service types', 'wb.f.license': 'Patent agency licence number', 'wb.f.address': 'Address',
    'wb.f.legal_rep': 'Legal representative', 'wb.f.responsible': 'Responsible person', 'wb.f.phone': 'Phone', 'wb.f.email': 'E-mail',
    'wb.f.practitioners': 'Practitioners', 'wb.f.started': 'Business in the city since', 'wb.f.branch': 'Branch',
    'wb.f.filing_no': 'Filing number', 'wb.f.amendment': 'This amends a filed agency, which stays on the register during the review.',
    'wb.filing.accepted': 'Filing accepted. Filing number: {no}', 'wb.filing.returned': 'Returned for correction; the agency sees your reasons.',
    'wb.filing.rejected': 'The filing was refused.',
    'org_form.company': 'Company', 'org_form.partnership': 'Partnership', 'org_form.sole_proprietorship': 'Sole proprietorship',
    'org_form.law_firm': 'Law firm', 'org_form.public_institution': 'Public institution', 'org_form.social_organisation': 'Social organisation', 'org_form.other': 'Other',
    'wb.reports.intro': 'Annual reports of agencies of your division waiting for review.',
    'wb.r.heading': '{uscc} · annual report {year}', 'wb.r.on_time': 'Submitted on time', 'wb.r.on_time_yes': 'On time (cutoff {cutoff})',
    'wb.r.on_time_no': 'Late (cutoff {cutoff})', 'wb.r.patents': 'Patent applications (invention / utility model / design)',
    'wb.r.trademarks': 'Trademark applications', 'wb.r.copyrights': 'Copyright registrations', 'wb.r.other': 'Other services', 'wb.r.revenue': 'Revenue',
    'wb.r.practitioners': 'Practitioners at year end', 'wb.r.clients': 'Clients', 'wb.r.sci_tech': 'Science and technology project services',
    'wb.r.complaints': 'Complaints received', 'wb.r.first_submitted': 'First submitted',
    'wb.report.accepted': 'The annual report was accepted.', 'wb.report.returned': 'Returned for correction; corrections are due by {due}.',
    'wb.claims.intro': 'Subsidy claims of your division by review stage. Every pass decides again under the policy in force.',
    'wb.stage.submitted': 'District review', 'wb.stage.city_review': 'City review', 'wb.stage.public_notice': 'Public notice',
    'wb.stage.allocation': 'Allocation',
    'wb.c.id': 'Claim number', 'wb.c.claimant': 'Claimant', 'wb.c.programme': 'Programme', 'wb.c.notice': 'Public notice',
    'wb.c.notice_until': 'Public notice until {until}', 'wb.c.submitter': 'Mandated submitter',
    'wb.receipt': 'Decision receipt', 'wb.receipt.eligible': 'Eligible for the subsidy', 'wb.receipt.not_eligible': 'Not eligible',
    'wb.receipt.amount': 'Amount', 'wb.receipt.requested': 'Base amount under the policy', 'wb.receipt.shares': 'City share {city}, district share {district}',
    'wb.receipt.caps': 'Caps applied', 'wb.receipt.cap_line': '{cap}: limit {limit}, {before} → {after} ({basis})',
    'wb.receipt.reasons': 'Reasons and legal basis', 'wb.receipt.policy': 'Policy version', 'wb.receipt.decided_at': 'Decided', 'wb.receipt.stage': 'Stage',
    'wb.receipt.none': 'Granted in full; nothing reduced it.',
    'wb.claim.done': 'Done. The claim is now: {status}',
    'wb.clusters.intro_prefecture': 'Cluster applications of your counties waiting for your recommendation. Upload the recommendation letter before recommending.',
    'wb.clusters.intro_province': 'This year\'s cluster applications under provincial review.',
    'wb.k.zone': 'Zone name', 'wb.k.county': 'County code', 'wb.k.year': 'Round', 'wb.k.body': 'Management body (staff)',
    'wb.k.plan': 'Has a development plan', 'wb.k.fund': 'Special fund per year', 'wb.k.industry': 'Industry', 'wb.k.agencies': 'Agencies in the zone',
    'wb.k.documents': 'Documents uploaded', 'wb.k.doc_line': '{kind}: {size} bytes, {at}', 'wb.k.scores': 'Expert scores',
    'wb.k.site_visit': 'Site visit', 'wb.k.opinion': 'Prefecture opinion',
    'doc.recommendation_letter': 'Recommendation letter', 'doc.application_form': 'Application form', 'doc.work_plan': 'Work plan',
    'doc.authenticity_commitment': 'Authenticity commitment', 'doc.supporting_materials': 'Supporting materials',
    'wb.k.letter': 'Recommendation letter (PDF, at most 20 MB)', 'wb.k.upload': 'Upload the letter', 'wb.k.uploaded': 'Letter uploaded ({size} bytes).',
    'wb.k.pick_file': 'Choose a PDF file', 'wb.k.opinion_label': 'Opinion',
    'wb.k.recommend_decision': 'Recommendation', 'wb.k.done': 'Done. The application is now: {status}',
    'wb.k.visit_title': 'Record the site visit', 'wb.k.visited_on': 'Date of the visit', 'wb.k.findings': 'Findings',
    'wb.k.save_visit': 'Save the site visit', 'wb.k.score': 'Score (0–100)', 'wb.k.save_score': 'Submit the score',
    'wb.k.score_invalid': 'Enter a whole number from 0 to 100', 'wb.k.decision_title': 'Designation decision', 'wb.k.decide': 'Submit the decision',
    'wb.runs.intro': 'What each deadline run found and created, after the annual-report cutoff (31 January) and the cluster round (30 June). A run before the cutoff is refused.',
    'wb.runs.deadline': 'Deadline', 'wb.deadline.jan31': '31 January: annual reports', 'wb.deadline.jun30': '30 June: cluster round',
    'wb.runs.year': 'Year', 'wb.runs.year_hint': 'The year of the deadline: 2027 means 31 January 2027 (the reports for 2026).',
    'wb.runs.run_now': 'Run now', 'wb.runs.run_title': 'Run a deadline', 'wb.runs.show': 'Runs of',
    'wb.runs.heading': '{deadline} · {year}', 'wb.runs.cutoff': 'Cutoff', 'wb.runs.started': 'Started',
    'wb.runs.completed': 'Completed', 'wb.runs.counts': 'Counts', 'wb.runs.count': 'Count', 'wb.runs.item': 'Item',
    'wb.runs.created': 'Records created ({n})', 'wb.runs.triggers': 'Starts', 'wb.runs.trigger_line': '{at}, {who}, {via}',
    'wb.runs.done': 'Run: {status}. The counts are in the runs below.', 'wb.runs.year_invalid': 'Enter a year from 2000 to 2200',
    'run.status.running': 'Running', 'run.status.completed': 'Completed',
    'run.via.schedule': 'schedule', 'run.via.http': 'by hand or an external call', 'run.via.local_scheduler': 'local scheduler',
    'count.agencies': 'Agencies', 'count.owing': 'Owing a report', 'count.on_time': 'On time', 'count.late': 'Late',
    'count.missing': 'Missing', 'count.sanctions': 'Sanctions decided', 'count.clusters': 'Cluster zones',
    'count.clusters_owing': 'Zones owing a summary', 'count.clusters_on_time': 'Zones on time',
    'count.clusters_overdue': 'Zones overdue', 'count.applications': 'Applications', 'count.under_review': 'To provincial review',
    'count.missed_round': 'Missed the round', 'count.notices': 'Notices', 'count.notified': 'Notices delivered', 'count.open': 'Still open',
  },
});

const ROLES = ['city_officer', 'district_reviewer', 'prefecture_officer', 'province_officer', 'expert', 'scheduler'];
const TABS = {
  city_officer: ['filings', 'reports', 'claims', 'runs'],
  district_reviewer: ['claims'],
  prefecture_officer: ['clusters'],
  province_officer: ['clusters', 'runs'],
  expert: ['clusters'],
  scheduler: ['runs'],
};
// The claim statuses each reviewer acts on, with the review stage that acts on them.
const CLAIM_STAGES = {
  district_reviewer: [['submitted', 'district']],
  city_officer: [['city_review', 'city'], ['public_notice', 'notice'], ['allocation', 'allocation']],
};

const yuan = (fen) => t('common.yuan', { amount: fenToYuan(fen ?? 0) });
const dash = (v) => (v === undefined || v === null || v === '' ? '—' : v);

// dl(rows): a description list of [label, value] rows; a value may be a node or an array.
function dl(rows) {
  return h('dl', { class: 'summary-list' }, rows.filter(Boolean).map(([k, v]) =>
    [h('dt', null, k), h('dd', null, v)]));
}

// radios(name, legend, options, pointer): a fieldset of radios, each with its label.
function radios(name, legend, options, pointer = '/outcome') {
  return h('fieldset', { class: 'fieldset form-group', 'data-pointer': pointer },
    h('legend', { class: 'fieldset__legend' }, legend),
    h('div', { class: 'radios' }, options.map(([value, text]) => {
      const id = uid('opt');
      return h('div', { class: 'radios__item' },
        h('input', { class: 'radios__input', type: 'radio', id, name, value }),
        h('label', { class: 'radios__label', for: id }, text));
    })));
}

// textarea(name, labelText, pointer, hint): a labelled textarea in a form-group.
function textarea(name, labelText, pointer, hint) {
  const id = uid('ta');
  const hintId = hint ? `${id}-hint` : null;
  return h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, labelText),
    hint && h('div', { class: 'hint', id: hintId }, hint),
    h('textarea', { class: 'textarea', id, name, rows: '3', 'data-pointer': pointer, 'aria-describedby': hintId }));
}

const submitButton = (text) => h('button', { type: 'submit', class: 'button' }, text);
const checked = (form, name) => $(`input[name="${name}"]:checked`, form)?.value || '';
const lines = (s) => String(s || '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

// actionForm: a form kept as a draft under key, sent once per attempt by send(key); done(result)
// shows the outcome in the item's result region, and the form goes away.
function actionForm(key, children, send, done, resultEl) {
  const form = h('form', { class: 'wb-action', novalidate: true }, children);
  keepDraft(form, key);
  submitOnce(form, async (idempotencyKey) => {
    const result = await send(form, idempotencyKey);
    dropDraft(key);
    done(result, form);
    resultEl.focus?.();
    return result;
  });
  return form;
}

function result() {
  return h('div', { class: 'wb-result', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
}

// queue(path, render): a list of the items of a GET list endpoint, with "load more".
function queue(path, render) {
  const list = h('div', { class: 'wb-list' });
  const region = h('div', { class: 'wb-queue', 'data-path': path }, list);
  const load = async (cursor) => {
    const sep = path.includes('?') ? '&' : '?';
    try {
      const { body } = await api('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
      const items = body?.items || [];
      if (!cursor && items.length === 0) append(list, h('p', { class: 'wb-empty' }, t('wb.empty')));
      for (const it of items) append(list, render(it));
      $('.wb-more', region)?.remove();
      if (body?.next_cursor) {
        append(region, h('button', { type: 'button', class: 'button button--secondary wb-more', 'on:click': () => load(body.next_cursor) }, t('wb.more')));
      }
    } catch (err) {
      const detail = err instanceof ApiError ? (err.problem.detail || err.problem.title) : String(err);
      append(list, h('p', { class: 'error-message', role: 'alert' }, t('wb.load_failed', { detail })));
    }
  };
  load('');
  return region;
}

// ---- Filings -------------------------------------------------------------------------------

function filingItem(a) {
  const f = a.filing || {};
  const res = result();
  const item = h('article', { class: 'card wb-item', 'data-uscc': a.uscc },
    h('h3', null, f.name || a.uscc),
    a.filing_no && h('p', { class: 'inset' }, t('wb.f.amendment')),
    dl([
      [t('wb.f.uscc'), a.uscc],
      a.filing_no && [t('wb.f.filing_no'), a.filing_no],
      [t('wb.status'), label('status.agency', a.status)],
      [t('wb.submitted_at'), fmtDateTime(a.submitted_at)],
      [t('wb.f.district'), dash(f.district_code)],
      [t('wb.f.org_form'), label('org_form', f.org_form)],
      f.is_branch && [t('wb.f.branch'), f.parent_uscc],
      [t('wb.f.services'), (f.service_types || []).map((s) => label('service_type', s)).join('、')],
      f.patent_agency_license_no && [t('wb.f.license'), f.patent_agency_license_no],
      [t('wb.f.address'), dash(f.address)],
      [t('wb.f.legal_rep'), dash(f.legal_representative)],
      [t('wb.f.responsible'), dash(f.responsible_person)],
      [t('wb.f.phone'), dash(f.contact_phone)],
      [t('wb.f.email'), dash(f.contact_email)],
      [t('wb.f.started'), fmtDate(f.business_started_on)],
      [t('wb.f.practitioners'), h('ul', null, (f.practitioners || []).map((p) =>
        h('li', null, [p.name, p.role, p.qualification_no].filter(Boolean).join(' · '))))],
    ]),
    res);
  const form = actionForm(`wb.filing.${a.uscc}.${a.version}`, [
    radios('outcome', t('wb.decision'), [['accept', t('wb.outcome.accept')], ['return', t('wb.outcome.return')], ['reject', t('wb.outcome.reject')]]),
    textarea('reasons', t('wb.reasons'), '/reasons', t('wb.reasons_hint')),
    submitButton(t('wb.submit_decision')),
  ], async (form, key) => {
    const outcome = checked(form, 'outcome');
    if (!outcome) throw invalid([{ field: '/outcome', message: t('wb.pick_outcome') }]);
    const body = { outcome };
    const reasons = lines(form.elements.reasons.value).map((message) => ({ message }));
    if (reasons.length) body.reasons = reasons;
    return (await api('POST', `/v1/agencies/${encodeURIComponent(a.uscc)}/review`, { body, idempotencyKey: key })).body;
  }, (rec, form) => {
    form.remove();
    const msg = rec.status === 'accepted' ? t('wb.filing.accepted', { no: rec.filing_no })
      : rec.status === 'returned' ? t('wb.filing.returned') : t('wb.filing.rejected');
    replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': rec.status, 'data-filing-no': rec.filing_no || null }, msg));
  }, res);
  item.insertBefore(form, res);
  return item;
}

function filingsSection() {
  return [h('p', null, t('wb.filings.intro')), queue('/v1/agencies?status=submitted', filingItem)];
}

// ---- Annual reports ------------------------------------------------------------------------

function reportItem(r) {
  const b = r.report || {};
  const pa = b.patent_applications || {};
  const res = result();
  const cutoff = fmtDateTime(r.cutoff);
  const item = h('article', { class: 'card wb-item', 'data-report': `${r.uscc}/${r.year}` },
    h('h3', null, t('wb.r.heading', { uscc: r.uscc, year: r.year })),
    dl([
      [t('wb.status'), label('status.report', r.status)],
      [t('wb.r.on_time'), r.on_time ? t('wb.r.on_time_yes', { cutoff }) : t('wb.r.on_time_no', { cutoff })],
      [t('wb.r.first_submitted'), fmtDateTime(r.first_submitted_at)],
      [t('wb.submitted_at'), fmtDateTime(r.submitted_at)],
      [t('wb.r.patents'), `${pa.invention ?? 0} / ${pa.utility_model ?? 0} / ${pa.design ?? 0}`],
      [t('wb.r.trademarks'), b.trademark_applications ?? 0],
      [t('wb.r.copyrights'), b.copyright_registrations ?? 0],
      [t('wb.r.other'), b.other_services ?? 0],
      [t('wb.r.revenue'), yuan(b.revenue_fen)],
      [t('wb.r.practitioners'), b.practitioners_at_year_end ?? 0],
      [t('wb.r.sci_tech'), b.sci_tech_project_services ? t('common.yes') : t('common.no')],
      [t('wb.r.complaints'), b.complaints_received ?? 0],
      [`${t('wb.r.clients')} (${(b.clients || []).length})`, h('ul', null, (b.clients || []).map((c) =>
        h('li', null, `${c.name} · ${c.id}`)))],
    ]),
    res);
  const form = actionForm(`wb.report.${r.uscc}.${r.year}.${r.version}`, [
    radios('outcome', t('wb.decision'), [['accept', t('wb.outcome.accept')], ['return', t('wb.outcome.return')]]),
    textarea('reasons', t('wb.reasons'), '/reasons', t('wb.reasons_hint')),
    submitButton(t('wb.submit_decision')),
  ], async (form, key) => {
    const outcome = checked(form, 'outcome');
    if (!outcome) throw invalid([{ field: '/outcome', message: t('wb.pick_outcome') }]);
    const body = { outcome };
    const reasons = lines(form.elements.reasons.value).map((message) => ({ message }));
    if (reasons.length) body.reasons = reasons;
    const path = `/v1/agencies/${encodeURIComponent(r.uscc)}/annual-reports/${encodeURIComponent(r.year)}/review`;
    return (await api('POST', path, { body, idempotencyKey: key })).body;
  }, (rec, form) => {
    form.remove();
    const msg = rec.status === 'accepted' ? t('wb.report.accepted') : t('wb.report.returned', { due: fmtDateTime(rec.correction_due) });
    replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': rec.status }, msg));
  }, res);
  item.insertBefore(form, res);
  return item;
}

function reportsSection() {
  return [h('p', null, t('wb.reports.intro')), queue('/v1/annual-reports?status=submitted', reportItem)];
}

// ---- Subsidy claims ------------------------------------------------------------------------

// receipt(d): the decision receipt: amount, caps, every reason with its basis, policy version.
function receipt(d) {
  if (!d) return null;
  const en = lang() === 'en';
  return h('section', { class: 'receipt', 'aria-label': t('wb.receipt') },
    h('h4', null, t('wb.receipt')),
    dl([
      [t('wb.receipt.stage'), d.stage ? label('decision_stage', d.stage) : '—'],
      [t('wb.status'), d.eligible ? t('wb.receipt.eligible') : t('wb.receipt.not_eligible')],
      [t('wb.receipt.requested'), yuan(d.requested_fen)],
      [t('wb.receipt.amount'), h('strong', { class: 'wb-amount' }, yuan(d.amount_fen))],
      d.eligible && ['', t('wb.receipt.shares', { city: yuan(d.city_share_fen), district: yuan(d.district_share_fen) })],
      (d.caps_applied || []).length > 0 && [t('wb.receipt.caps'), h('ul', null, d.caps_applied.map((c) =>
        h('li', null, t('wb.receipt.cap_line', { cap: c.cap, limit: yuan(c.limit_fen), before: yuan(c.before_fen), after: yuan(c.after_fen), basis: c.basis }))))],
      [t('wb.receipt.reasons'), (d.reasons || []).length === 0 ? t('wb.receipt.none')
        : h('ul', null, d.reasons.map((r) => h('li', { 'data-code': r.code },
          en ? r.message_en : r.message_zh, r.basis ? ` (${r.basis})` : '', r.agency ? ` · ${r.agency}` : '')))],
      [t('wb.receipt.policy'), dash(d.policy_version)],
      [t('wb.receipt.decided_at'), fmtDateTime(d.decided_at)],
    ]));
}

function claimItem(stage) {
  return (c) => {
    const b = c.claim || {};
    const cl = b.claimant || {};
    const res = result();
    const rec = h('div', { class: 'wb-receipt' }, receipt(c.decision));
    const item = h('article', { class: 'card wb-item', 'data-claim': c.id },
      h('h3', null, `${cl.name || cl.uscc} · ${label('programme', b.programme)}`),
      dl([
        [t('wb.c.id'), c.id],
        [t('wb.status'), label('status.claim', c.status)],
        [t('wb.c.claimant'), `${cl.name || ''} · ${cl.uscc || ''}`],
        [t('wb.f.district'), dash(cl.district_code)],
        [t('wb.c.programme'), label('programme', b.programme)],
        b.mandate && [t('wb.c.submitter'), b.mandate.submitter_uscc],
        [t('wb.submitted_at'), fmtDateTime(c.submitted_at)],
        c.notice_until && [t('wb.c.notice'), h('span', { class: 'wb-notice-until' },
          `${fmtDateTime(c.notice_from)} – ${fmtDateTime(c.notice_until)}`)],
      ]),
      c.status === 'public_notice' && c.notice_until && h('p', { class: 'inset' }, t('wb.c.notice_until', { until: fmtDateTime(c.notice_until) })),
      rec, res);
    const form = actionForm(`wb.claim.${c.id}.${c.version}`, [
      radios('outcome', t('wb.decision'), [['pass', t('wb.outcome.pass')], ['return', t('wb.outcome.return')], ['reject', t('wb.outcome.claim_reject')]]),
      textarea('comment', t('wb.claim_comment'), '/comment', t('wb.reasons_hint')),
      submitButton(t('wb.submit_decision')),
    ], async (form, key) => {
      const outcome = checked(form, 'outcome');
      if (!outcome) throw invalid([{ field: '/outcome', message: t('wb.pick_outcome') }]);
      const body = { stage, outcome, comment: form.elements.comment.value.trim() };
      return (await api('POST', `/v1/subsidy-claims/${encodeURIComponent(c.id)}/reviews`, { body, idempotencyKey: key })).body;
    }, (after, form) => {
      form.remove();
      replace(rec, receipt(after.decision));
      replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': after.status }, t('wb.claim.done', { status: label('status.claim', after.status) })));
    }, res);
    item.insertBefore(form, res);
    return item;
  };
}

function claimsSection(s) {
  return [h('p', null, t('wb.claims.intro')),
    (CLAIM_STAGES[s.role] || []).map(([status, stage]) => h('section', { class: 'wb-stage', 'data-stage': status },
      h('h3', null, t(`wb.stage.${status}`)),
      queue(`/v1/subsidy-claims?status=${status}`, claimItem(stage))))];
}

// ---- Cluster applications ------------------------------------------------------------------

function clusterDetails(a) {
  const b = a.application || {};
  const docs = Object.entries(a.documents || {});
  return dl([
    [t('wb.k.county'), b.county_code],
    [t('wb.k.year'), b.year],
    [t('wb.status'), label('status.cluster', a.status)],
    [t('wb.submitted_at'), fmtDateTime(a.submitted_at)],
    [t('wb.k.body'), `${b.management_body?.name || '—'} (${b.management_body?.staff_count ?? 0})`],
    [t('wb.k.plan'), b.has_development_plan ? t('common.yes') : t('common.no')],
    [t('wb.k.fund'), yuan(b.special_fund_fen_per_year)],
    [t('wb.k.industry'), dash(b.industry)],
    [`${t('wb.k.agencies')} (${(b.agencies || []).length})`, h('ul', null, (b.agencies || []).map((g) => h('li', null, `${g.name} · ${g.uscc}`)))],
    [t('wb.k.documents'), docs.length === 0 ? t('common.none') : h('ul', null, docs.map(([kind, d]) =>
      h('li', { 'data-kind': kind }, t('wb.k.doc_line', { kind: label('doc', kind), size: d.size, at: fmtDateTime(d.uploaded_at) }))))],
    a.prefecture_opinion && [t('wb.k.opinion'), a.prefecture_opinion],
    (a.expert_scores || []).length > 0 && [t('wb.k.scores'), h('ul', null, a.expert_scores.map((x) => h('li', null, `${x.score} · ${x.comment || ''}`)))],
    a.site_visit && [t('wb.k.site_visit'), `${fmtDate(a.site_visit.visited_on)} · ${a.site_visit.findings}`],
  ]);
}

function prefectureItem(a) {
  const res = result();
  const path = `/v1/cluster-applications/${encodeURIComponent(a.id)}`;
  const item = h('article', { class: 'card wb-item', 'data-application': a.id },
    h('h3', null, a.application?.zone_name || a.id), clusterDetails(a), res);
  const fileId = uid('file');
  const upload = h('form', { class: 'wb-action', novalidate: true },
    h('div', { class: 'form-group', 'data-pointer': '/documents/recommendation_letter' },
      h('label', { class: 'label', for: fileId }, t('wb.k.letter')),
      h('input', { class: 'file-upload', type: 'file', id: fileId, name: 'letter', accept: 'application/pdf,.pdf' })),
    submitButton(t('wb.k.upload')));
  submitOnce(upload, async () => {
    const file = upload.elements.letter.files[0];
    if (!file) throw invalid([{ field: '/documents/recommendation_letter', message: t('wb.k.pick_file') }]);
    const { body } = await api('PUT', `${path}/documents/recommendation_letter`, { raw: file, contentType: 'application/pdf' });
    replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done' }, t('wb.k.uploaded', { size: body?.size ?? file.size })));
    return body;
  });
  const form = actionForm(`wb.cluster.${a.id}.${a.version}`, [
    radios('outcome', t('wb.k.recommend_decision'), [['recommend', t('wb.outcome.recommend')], ['return', t('wb.outcome.cluster_return')]]),
    textarea('opinion', t('wb.k.opinion_label'), '/opinion'),
    submitButton(t('wb.submit_decision')),
  ], async (form, key) => {
    const outcome = checked(form, 'outcome');
    if (!outcome) throw invalid([{ field: '/outcome', message: t('wb.pick_outcome') }]);
    return (await api('POST', `${path}/recommendation`, { body: { outcome, opinion: form.elements.opinion.value.trim() }, idempotencyKey: key })).body;
  }, (after, form) => {
    form.remove();
    upload.remove();
    replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': after.status }, t('wb.k.done', { status: label('status.cluster', after.status) })));
  }, res);
  item.insertBefore(upload, res);
  item.insertBefore(form, res);
  return item;
}

function provinceItem(a) {
  const res = result();
  const path = `/v1/cluster-applications/${encodeURIComponent(a.id)}/reviews`;
  const item = h('article', { class: 'card wb-item', 'data-application': a.id },
    h('h3', null, a.application?.zone_name || a.id), clusterDetails(a), res);
  const done = (after) => replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': after.status }, t('wb.k.done', { status: label('status.cluster', after.status) })));
  const dateId = uid('date');
  const visit = actionForm(`wb.visit.${a.id}`, [
    h('h4', null, t('wb.k.visit_title')),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: dateId }, t('wb.k.visited_on')),
      h('input', { class: 'input', type: 'date', id: dateId, name: 'visited_on', 'data-pointer': '/visited_on' })),
    textarea('findings', t('wb.k.findings'), '/findings'),
    submitButton(t('wb.k.save_visit')),
  ], async (form, key) => {
    const body = { kind: 'site_visit', visited_on: form.elements.visited_on.value || null, findings: form.elements.findings.value.trim() };
    return (await api('POST', path, { body, idempotencyKey: key })).body;
  }, (after, form) => { form.remove(); done(after); }, res);
  const decision = actionForm(`wb.decide.${a.id}`, [
    h('h4', null, t('wb.k.decision_title')),
    radios('outcome', t('wb.decision'), [['designate', t('wb.outcome.designate')], ['not_selected', t('wb.outcome.not_selected')]]),
    textarea('comment', t('wb.comment'), '/comment'),
    submitButton(t('wb.k.decide')),
  ], async (form, key) => {
    const outcome = checked(form, 'outcome');
    if (!outcome) throw invalid([{ field: '/outcome', message: t('wb.pick_outcome') }]);
    return (await api('POST', path, { body: { kind: 'decision', outcome, comment: form.elements.comment.value.trim() }, idempotencyKey: key })).body;
  }, (after, form) => { form.remove(); visit.remove(); done(after); }, res);
  if (!a.site_visit) item.insertBefore(visit, res);
  item.insertBefore(decision, res);
  return item;
}

function expertItem(a) {
  const res = result();
  const item = h('article', { class: 'card wb-item', 'data-application': a.id },
    h('h3', null, a.application?.zone_name || a.id), clusterDetails(a), res);
  const scoreId = uid('score');
  const form = actionForm(`wb.score.${a.id}`, [
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: scoreId }, t('wb.k.score')),
      h('input', { class: 'input input--short', type: 'text', inputmode: 'numeric', id: scoreId, name: 'score', 'data-pointer': '/score' })),
    textarea('comment', t('wb.comment'), '/comment'),
    submitButton(t('wb.k.save_score')),
  ], async (form, key) => {
    const raw = form.elements.score.value.trim();
    const score = Number(raw);
    if (!/^\d{1,3}$/.test(raw) || score > 100) throw invalid([{ field: '/score', message: t('wb.k.score_invalid') }]);
    const body = { kind: 'score', score, comment: form.elements.comment.value.trim() };
    return (await api('POST', `/v1/cluster-applications/${encodeURIComponent(a.id)}/reviews`, { body, idempotencyKey: key })).body;
  }, (after, form) => {
    form.remove();
    replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': after.status }, t('wb.k.done', { status: label('status.cluster', after.status) })));
  }, res);
  item.insertBefore(form, res);
  return item;
}

function clustersSection(s) {
  if (s.role === 'prefecture_officer') {
    return [h('p', null, t('wb.clusters.intro_prefecture')), queue('/v1/cluster-applications?status=submitted', prefectureItem)];
  }
  return [h('p', null, t('wb.clusters.intro_province')),
    queue('/v1/cluster-applications?status=under_review', s.role === 'expert' ? expertItem : provinceItem)];
}

// ---- Deadline runs -------------------------------------------------------------------------

function runItem(r) {
  const counts = Object.entries(r.counts || {});
  const created = r.created || [];
  return h('article', { class: 'card wb-item wb-run', 'data-run': r.id },
    h('h3', null, t('wb.runs.heading', { deadline: t(`wb.deadline.${r.deadline}`), year: r.year })),
    dl([
      [t('wb.runs.cutoff'), fmtDateTime(r.cutoff)],
      [t('wb.status'), label('run.status', r.status)],
      [t('wb.runs.started'), fmtDateTime(r.started_at)],
      r.completed_at && [t('wb.runs.completed'), fmtDateTime(r.completed_at)],
    ]),
    h('table', { class: 'table wb-counts' },
      h('caption', { class: 'table__caption' }, t('wb.runs.counts')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('wb.runs.item')), h('th', { scope: 'col' }, t('wb.runs.count')))),
      h('tbody', null, counts.map(([k, v]) => h('tr', { 'data-count': k }, h('th', { scope: 'row' }, label('count', k)), h('td', null, String(v)))))),
    h('details', { class: 'details' },
      h('summary', null, t('wb.runs.created', { n: created.length })),
      h('ul', { class: 'wb-created' }, created.map((id) => h('li', null, id)))),
    h('details', { class: 'details' },
      h('summary', null, t('wb.runs.triggers')),
      h('ul', null, (r.triggers || []).map((g) => h('li', null, t('wb.runs.trigger_line', {
        at: fmtDateTime(g.at), who: `${label('role', g.by?.role)} ${g.by?.subject || ''}`.trim(), via: label('run.via', g.via) }))))));
}

function deadlineSelect(name, pointer) {
  const id = uid('deadline');
  return h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, t('wb.runs.deadline')),
    h('select', { class: 'select', id, name, 'data-pointer': pointer },
      ['jan31', 'jun30'].map((d) => h('option', { value: d }, t(`wb.deadline.${d}`)))));
}

function runsSection(year) {
  const list = h('div', { class: 'wb-runs' });
  const show = (deadline) => replace(list, queue(`/v1/deadline-runs?deadline=${deadline}`, runItem));
  const filterGroup = deadlineSelect('deadline', null);
  const filter = h('form', { class: 'wb-filter', novalidate: true, 'on:submit': (e) => e.preventDefault() }, filterGroup);
  const filterSelect = $('select', filter);
  $('label', filterGroup).textContent = t('wb.runs.show');
  filterSelect.addEventListener('change', () => show(filterSelect.value));

  const res = result();
  const yearId = uid('year');
  const run = h('form', { class: 'wb-action wb-run-now', novalidate: true },
    h('h3', null, t('wb.runs.run_title')),
    deadlineSelect('deadline', '/deadline'),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: yearId }, t('wb.runs.year')),
      h('div', { class: 'hint', id: `${yearId}-hint` }, t('wb.runs.year_hint')),
      h('input', { class: 'input input--short', type: 'text', inputmode: 'numeric', id: yearId, name: 'year', value: String(year),
        'data-pointer': '/year', 'aria-describedby': `${yearId}-hint` })),
    submitButton(t('wb.runs.run_now')), res);
  keepDraft(run, 'wb.run-now');
  submitOnce(run, async (key) => {
    const y = Number(run.elements.year.value.trim());
    if (!Number.isInteger(y) || y < 2000 || y > 2200) throw invalid([{ field: '/year', message: t('wb.runs.year_invalid') }]);
    const deadline = run.elements.deadline.value;
    const { body } = await api('POST', '/v1/deadline-runs', { body: { deadline, year: y }, idempotencyKey: key });
    dropDraft('wb.run-now');
    replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': body.status }, t('wb.runs.done', { status: label('run.status', body.status) })));
    filterSelect.value = deadline;
    show(deadline);
    return body;
  });
  show(filterSelect.value);
  return [h('p', null, t('wb.runs.intro')), run, filter, list];
}

// ---- The page ------------------------------------------------------------------------------

function tabs(main, names, build) {
  const wanted = location.hash.replace(/^#tab-/, '');
  let current = names.includes(wanted) ? wanted : names[0];
  const links = {};
  const panels = {};
  const select = (name, focus) => {
    current = name;
    for (const n of names) {
      panels[n].hidden = n !== name;
      links[n].setAttribute('aria-current', n === name ? 'true' : 'false');
      links[n].classList.toggle('tabs__link--selected', n === name);
    }
    history.replaceState(null, '', `#tab-${name}`);
    if (focus) panels[name].focus();
  };
  const nav = h('nav', { class: 'tabs', 'aria-label': t('wb.tabs') },
    h('ul', { class: 'nav tabs__list' }, names.map((n) => h('li', { class: 'tabs__item' },
      links[n] = h('a', { class: 'tabs__link', id: `tablink-${n}`, href: `#tab-${n}`, 'data-tab': n,
        'on:click': (e) => { e.preventDefault(); select(n, true); } }, t(`wb.tab.${n}`))))));
  if (names.length > 1) append(main, nav);
  for (const n of names) {
    panels[n] = h('section', { class: 'tabs__panel', id: `tab-${n}`, tabindex: '-1', 'aria-labelledby': `heading-${n}` },
      h('h2', { id: `heading-${n}` }, t(`wb.tab.${n}`)), build(n));
    append(main, panels[n]);
  }
  select(current, false);
}

async function render() {
  const main = $('#main');
  renderLayout({ title: 'wb.title', active: 'workbench' });
  const s = session();
  if (!s || !ROLES.includes(s.role)) {
    replace(main, h('h1', null, t('wb.title')), h('p', { class: 'wb-not-officer' }, t('wb.not_officer')));
    return;
  }
  const now = await platformNow();
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(now));
  replace(main,
    h('h1', null, t('wb.title')),
    h('p', { class: 'lead' }, t('wb.lead')),
    h('p', { class: 'wb-identity' }, t('wb.signed_in_as', { role: label('role', s.role), division: s.division || '—' })));
  tabs(main, TABS[s.role], (name) => {
    switch (name) {
      case 'filings': return filingsSection();
      case 'reports': return reportsSection();
      case 'claims': return claimsSection(s);
      case 'clusters': return clustersSection(s);
      default: return runsSection(year);
    }
  });
}

async function start() {
  if (!requireSession(ROLES)) return; // sent to sign in
  await render();
  document.addEventListener('ips:lang', () => render());
}

start();
