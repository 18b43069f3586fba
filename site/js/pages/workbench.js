// workbench.js: the officers' workbench (审核工作台). Each role sees its queues: city officers
// review filings, annual reports and subsidy claims at the city's stages and run the deadlines;
// district reviewers pass claims of their district; prefecture officers recommend their counties'
// cluster applications; provincial officers review the round and run the deadlines. Every action
// is one form sent once (submitOnce: one Idempotency-Key per attempt) with refusals shown by
// showErrors in the officer's language (the API answers in Accept-Language).

import { h, $, append, replace, uid } from '../dom.js';
import { t, addStrings, lang, label, fmtDate, fmtDateTime } from '../i18n.js';
import { api, session, platformNow, ApiError } from '../api.js';
import { submitOnce, keepDraft, dropDraft, invalid, fenToYuan, yuanToFen, field } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';
import { zoneDetails, planView, changesView, annualView, assessmentsView, consequence, lastDay } from './zone-common.js';

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
  city_officer: ['filings', 'reports', 'claims', 'sanctions', 'recovery', 'credit', 'runs'],
  district_reviewer: ['claims'],
  prefecture_officer: ['clusters', 'zones'],
  province_officer: ['clusters', 'zones', 'credit', 'runs'],
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

// ---- Violations and sanctions (city officers) -----------------------------------------------

addStrings({
  'zh-CN': {
    'wb.tab.sanctions': '违规与处理措施', 'wb.tab.recovery': '资助追回', 'wb.tab.credit': '信用记录', 'wb.tab.zones': '集聚区建设',
    'wb.s.intro': '记录本辖区已备案服务机构的违规行为，平台按处理措施政策（《在澄意见》二(二)1、5）决定相应措施并写明依据；处理措施不会删除，确需免除的须说明理由另行记录。',
    'wb.s.record_title': '记录违规行为', 'wb.s.agency': '服务机构统一社会信用代码', 'wb.s.kind': '违规类型', 'wb.s.pick_kind': '请选择',
    'wb.s.year': '违规发生年度', 'wb.s.year_hint': '违规发生的年份；处理措施适用的年度由政策决定。', 'wb.s.detail': '违规情况',
    'wb.s.entities': '相关申请单位和个人', 'wb.s.entities_hint': '抄袭或大量非正常专利申请须列明：每行一个统一社会信用代码或身份证号码。其他类型可不填。',
    'wb.s.entity': '第 {n} 个单位或个人', 'wb.s.add_entity': '再添加一个', 'wb.s.remove_entity': '删除第 {n} 个',
    'wb.s.record': '记录违规', 'wb.s.need_agency': '请填写服务机构的统一社会信用代码', 'wb.s.need_kind': '请选择违规类型',
    'wb.s.year_invalid': '请填写 4 位年份',
    'wb.s.recorded': '已记录违规，产生 {n} 项处理措施：', 'wb.s.recorded_none': '已记录违规。按现行政策，该违规不产生处理措施。',
    'wb.s.lookup_title': '查看服务机构的处理措施', 'wb.s.lookup': '查看', 'wb.s.list_heading': '{uscc} 的处理措施',
    'wb.s.trigger': '原因', 'wb.s.failure_year': '所涉年度', 'wb.s.year_of_effect': '执行年度', 'wb.s.effects': '措施',
    'wb.s.affected': '相关单位和个人', 'wb.s.public': '在公示名录公开', 'wb.s.basis': '依据', 'wb.s.message': '说明',
    'wb.s.decided': '决定', 'wb.s.decided_line': '{at} · {who} · 政策版本 {version}', 'wb.s.state': '状态',
    'wb.s.in_force': '执行中', 'wb.s.waived': '已免除', 'wb.s.waiver_line': '{at} 由 {who} 免除：{reason}',
    'wb.s.waive_reason': '免除理由', 'wb.s.waive_hint': '理由会与免除记录一并保存，处理措施本身保留。', 'wb.s.waive': '免除此项处理措施',
    'wb.s.waived_done': '已免除，处理措施的效力解除。',
    'wb.s.heading': '{trigger} · {year} 年度',
    'trigger.report_not_on_time': '未按时报送年度报告', 'trigger.sci_tech_project_services': '违规参与或提供科技项目申报服务',
    'trigger.abnormal_patent_applications': '大量非正常专利申请', 'trigger.plagiarism': '抄袭等恶意行为', 'trigger.poor_credit': '信誉缺失',
    'trigger.poor_service': '服务质量差', 'trigger.unfair_competition': '不正当竞争或欺诈损害委托人利益', 'trigger.refused_correction': '约谈后拒不整改或情节严重',
    'effect.public_criticism': '通报批评', 'effect.interview': '约谈相关负责人', 'effect.blacklist': '列入黑名单', 'effect.transfer': '移送有关部门',
    'effect.subsidy_block': '{families}：{entities}不得享受',
    'family.ip_subsidy': '知识产权资助', 'family.sci_tech_subsidy': '科技项目资助', 'family.patent_subsidy': '专利资助',
    'entities.served': '接受其服务的单位和个人', 'entities.affected': '相关申请单位和个人',
  },
  en: {
    'wb.tab.sanctions': 'Violations and sanctions', 'wb.tab.recovery': 'Recovery', 'wb.tab.credit': 'Credit records', 'wb.tab.zones': 'Cluster zones',
    'wb.s.intro': 'Record a violation of a filed agency of your division; the sanctions policy decides what it calls for, each with its legal basis (seed 000 §二(二)1, 5). Sanctions are never deleted: a waiver is a new record with its reason.',
    'wb.s.record_title': 'Record a violation', 'wb.s.agency': 'Agency\'s unified social credit code', 'wb.s.kind': 'Kind of violation', 'wb.s.pick_kind': 'Choose',
    'wb.s.year': 'Year of the violation', 'wb.s.year_hint': 'The year the violation happened; the policy decides the year the sanction applies to.', 'wb.s.detail': 'What happened',
    'wb.s.entities': 'Applicants concerned', 'wb.s.entities_hint': 'Required for plagiarism and abnormal patent applications: one unified social credit code or ID number each. Optional otherwise.',
    'wb.s.entity': 'Applicant {n}', 'wb.s.add_entity': 'Add another', 'wb.s.remove_entity': 'Remove applicant {n}',
    'wb.s.record': 'Record the violation', 'wb.s.need_agency': 'Enter the agency\'s unified social credit code', 'wb.s.need_kind': 'Choose the kind of violation',
    'wb.s.year_invalid': 'Enter a four-digit year',
    'wb.s.recorded': 'Violation recorded; {n} sanction(s) decided:', 'wb.s.recorded_none': 'Violation recorded. Under the policy in force it calls for no sanction.',
    'wb.s.lookup_title': 'An agency\'s sanctions', 'wb.s.lookup': 'Show', 'wb.s.list_heading': 'Sanctions of {uscc}',
    'wb.s.trigger': 'Reason', 'wb.s.failure_year': 'Year concerned', 'wb.s.year_of_effect': 'Year in effect', 'wb.s.effects': 'Measures',
    'wb.s.affected': 'Applicants concerned', 'wb.s.public': 'Shown on the public register', 'wb.s.basis': 'Basis', 'wb.s.message': 'Explanation',
    'wb.s.decided': 'Decided', 'wb.s.decided_line': '{at} · {who} · policy version {version}', 'wb.s.state': 'Status',
    'wb.s.in_force': 'In force', 'wb.s.waived': 'Waived', 'wb.s.waiver_line': 'Waived {at} by {who}: {reason}',
    'wb.s.waive_reason': 'Reason for the waiver', 'wb.s.waive_hint': 'The reason is kept with the waiver; the sanction itself stays on record.', 'wb.s.waive': 'Waive this sanction',
    'wb.s.waived_done': 'Waived: the sanction no longer has effect.',
    'wb.s.heading': '{trigger} · {year}',
    'trigger.report_not_on_time': 'Annual report not on time', 'trigger.sci_tech_project_services': 'Improper sci-tech project application services',
    'trigger.abnormal_patent_applications': 'Many abnormal patent applications', 'trigger.plagiarism': 'Plagiarism or similar malicious conduct', 'trigger.poor_credit': 'Poor credit',
    'trigger.poor_service': 'Poor service quality', 'trigger.unfair_competition': 'Unfair competition or fraud harming clients', 'trigger.refused_correction': 'Refused to correct after the interview, or serious circumstances',
    'effect.public_criticism': 'Public criticism', 'effect.interview': 'Interview with the person in charge', 'effect.blacklist': 'Blacklisted', 'effect.transfer': 'Referred to the competent authorities',
    'effect.subsidy_block': '{families}: {entities} may not receive them',
    'family.ip_subsidy': 'IP subsidies', 'family.sci_tech_subsidy': 'sci-tech project subsidies', 'family.patent_subsidy': 'Patent subsidies',
    'entities.served': 'the organisations and individuals it served', 'entities.affected': 'the applicants concerned',
  },
});

const VIOLATION_KINDS = ['sci_tech_project_services', 'abnormal_patent_applications', 'plagiarism', 'poor_credit', 'poor_service', 'unfair_competition', 'refused_correction'];

function effectLine(e) {
  if (e.kind !== 'subsidy_block') return h('li', { 'data-effect': e.kind }, label('effect', e.kind));
  const families = (e.families || []).map((f) => label('family', f)).join('、');
  return h('li', { 'data-effect': e.kind, 'data-families': (e.families || []).join(' ') },
    t('effect.subsidy_block', { families, entities: label('entities', e.entities) }));
}

const whoDid = (a) => [label('role', a?.role), a?.subject].filter(Boolean).join(' ');

// sanctionCard(uscc, view): a sanction with its effects and basis, and the waiver form while it
// is in force.
function sanctionCard(uscc) {
  return (v) => {
    const res = result();
    const item = h('article', { class: 'card wb-item wb-sanction', 'data-sanction': v.id, 'data-waived': String(!!v.waived) });
    const draw = (s) => {
      replace(item,
        h('h4', null, t('wb.s.heading', { trigger: label('trigger', s.trigger), year: s.year })),
        dl([
          [t('wb.s.state'), h('strong', { class: `tag ${s.waived ? 'tag--grey' : 'tag--red'} wb-sanction-state` }, s.waived ? t('wb.s.waived') : t('wb.s.in_force'))],
          [t('wb.s.trigger'), label('trigger', s.trigger)],
          [t('wb.s.failure_year'), String(s.failure_year)],
          [t('wb.s.year_of_effect'), String(s.year)],
          [t('wb.s.effects'), h('ul', { class: 'wb-effects' }, (s.effects || []).map(effectLine))],
          (s.affected_entities || []).length > 0 && [t('wb.s.affected'), h('ul', null, s.affected_entities.map((e) => h('li', null, e)))],
          [t('wb.s.public'), s.public ? t('common.yes') : t('common.no')],
          [t('wb.s.basis'), h('span', { class: 'wb-basis' }, s.basis)],
          s.message && [t('wb.s.message'), lang() === 'en' ? s.message.en : s.message.zh],
          [t('wb.s.decided'), t('wb.s.decided_line', { at: fmtDateTime(s.decided_at), who: whoDid(s.decided_by), version: dash(s.policy_version) })],
          s.waiver && [t('wb.s.waived'), h('span', { class: 'wb-waiver' }, t('wb.s.waiver_line', { at: fmtDateTime(s.waiver.at), who: whoDid(s.waiver.by), reason: s.waiver.reason }))],
        ]),
        res);
      if (s.waived) return;
      const form = actionForm(`wb.waive.${s.id}`, [
        textarea('reason', t('wb.s.waive_reason'), '/reason', t('wb.s.waive_hint')),
        h('button', { type: 'submit', class: 'button button--secondary' }, t('wb.s.waive')),
      ], async (f, key) => {
        const path = `/v1/agencies/${encodeURIComponent(uscc)}/sanctions/${encodeURIComponent(s.id)}/waiver`;
        return (await api('POST', path, { body: { reason: f.elements.reason.value.trim() }, idempotencyKey: key })).body;
      }, (after) => {
        item.dataset.waived = 'true';
        draw(after);
        replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': 'waived' }, t('wb.s.waived_done')));
      }, res);
      item.insertBefore(form, res);
    };
    draw(v);
    return item;
  };
}

function entityRow(list, i) {
  const id = `violation-entity-${i}`;
  return h('div', { class: 'form-group wb-entity', 'data-row': String(i) },
    h('label', { class: 'label', for: id }, t('wb.s.entity', { n: i + 1 })),
    h('input', { class: 'input', type: 'text', id, name: `affected.${i}`, 'data-pointer': `/affected_entities/${i}`, autocomplete: 'off', spellcheck: 'false' }),
    ' ',
    h('button', { type: 'button', class: 'link-button wb-entity-remove', 'aria-label': t('wb.s.remove_entity', { n: i + 1 }),
      'on:click': () => removeEntity(list, i) }, t('wb.s.remove_entity', { n: i + 1 })));
}

function removeEntity(list, i) {
  const values = [...list.querySelectorAll('input')].map((x) => x.value);
  values.splice(i, 1);
  setEntities(list, values.length ? values : ['']);
  list.closest('form')?.dispatchEvent(new Event('change'));
}

function setEntities(list, values) {
  replace(list, values.map((_, i) => entityRow(list, i)));
  list.querySelectorAll('input').forEach((x, i) => { x.value = values[i]; });
}

function sanctionsSection(year) {
  const listRegion = h('div', { class: 'wb-sanction-list', id: 'wb-sanction-list' });
  const showList = (uscc) => replace(listRegion,
    h('h3', null, t('wb.s.list_heading', { uscc })),
    queue(`/v1/agencies/${encodeURIComponent(uscc)}/sanctions`, sanctionCard(uscc)));

  const res = result();
  res.id = 'wb-violation-result';
  const entities = h('div', { class: 'wb-entities' });
  setEntities(entities, ['']);
  const kindId = 'violation-kind';
  const form = h('form', { class: 'wb-action', id: 'wb-violation', novalidate: true },
    h('h3', null, t('wb.s.record_title')),
    field({ id: 'violation-agency', name: 'agency', label: t('wb.s.agency'), pointer: '/agency', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: kindId }, t('wb.s.kind')),
      h('select', { class: 'select', id: kindId, name: 'kind', 'data-pointer': '/kind' },
        h('option', { value: '' }, t('wb.s.pick_kind')),
        VIOLATION_KINDS.map((k) => h('option', { value: k }, label('trigger', k))))),
    field({ id: 'violation-year', name: 'year', label: t('wb.s.year'), hint: t('wb.s.year_hint'), pointer: '/year', value: String(year),
      attrs: { class: 'input input--short', inputmode: 'numeric', autocomplete: 'off' } }),
    field({ id: 'violation-detail', name: 'detail', label: t('wb.s.detail'), pointer: '/detail', tag: 'textarea', attrs: { rows: '4' } }),
    h('fieldset', { class: 'fieldset form-group', 'data-pointer': '/affected_entities', 'aria-describedby': 'violation-entities-hint' },
      h('legend', { class: 'fieldset__legend' }, t('wb.s.entities')),
      h('div', { class: 'hint', id: 'violation-entities-hint' }, t('wb.s.entities_hint')),
      entities,
      h('button', { type: 'button', class: 'button button--secondary', id: 'violation-add-entity',
        'on:click': () => { const v = [...entities.querySelectorAll('input')].map((x) => x.value); setEntities(entities, [...v, '']); entities.querySelector(`#violation-entity-${v.length}`)?.focus(); } },
      t('wb.s.add_entity'))),
    h('button', { type: 'submit', class: 'button', id: 'violation-submit' }, t('wb.s.record')),
    res);
  keepDraft(form, 'wb.violation', {
    beforeRestore: (data) => {
      const n = Object.keys(data).filter((k) => /^affected\.\d+$/.test(k)).length;
      if (n > 1) setEntities(entities, Array(n).fill(''));
    },
  });
  submitOnce(form, async (key) => {
    const uscc = form.elements.agency.value.trim().toUpperCase();
    const kind = form.elements.kind.value;
    const rawYear = form.elements.year.value.trim();
    const bad = [];
    if (!uscc) bad.push({ field: '/agency', message: t('wb.s.need_agency') });
    if (!kind) bad.push({ field: '/kind', message: t('wb.s.need_kind') });
    if (!/^\d{4}$/.test(rawYear)) bad.push({ field: '/year', message: t('wb.s.year_invalid') });
    if (bad.length) throw invalid(bad);
    const inputs = [...entities.querySelectorAll('input')];
    const affected = inputs.map((x) => x.value.trim().toUpperCase()).filter(Boolean);
    // The API names a bad entity by its index in what was sent: keep only the filled rows.
    setEntities(entities, affected.length ? affected : ['']);
    const body = { kind, year: Number(rawYear), detail: form.elements.detail.value.trim(), affected_entities: affected };
    const { body: rec } = await api('POST', `/v1/agencies/${encodeURIComponent(uscc)}/violations`, { body, idempotencyKey: key });
    dropDraft('wb.violation');
    form.reset();
    form.elements.year.value = String(year);
    setEntities(entities, ['']);
    const made = rec?.sanctions || [];
    replace(res, h('div', { class: 'notification-banner notification-banner--success wb-done', 'data-status': 'recorded', 'data-violation': rec?.id || null },
      h('p', null, made.length ? t('wb.s.recorded', { n: made.length }) : t('wb.s.recorded_none')),
      made.length > 0 && h('ul', { class: 'wb-made' }, made.map((s) => h('li', { 'data-sanction': s.id },
        `${label('trigger', s.trigger)} · ${s.year}：`, h('ul', { class: 'wb-effects' }, (s.effects || []).map(effectLine)),
        h('span', { class: 'wb-basis' }, `${t('wb.s.basis')}: ${s.basis}`))))));
    res.focus();
    lookup.elements.uscc.value = uscc;
    showList(uscc);
    return rec;
  });

  const lookup = h('form', { class: 'wb-action wb-sanction-lookup', id: 'wb-sanction-lookup', novalidate: true },
    h('h3', null, t('wb.s.lookup_title')),
    field({ id: 'sanction-agency', name: 'uscc', label: t('wb.s.agency'), pointer: '/uscc', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    h('button', { type: 'submit', class: 'button button--secondary', id: 'sanction-lookup-submit' }, t('wb.s.lookup')));
  submitOnce(lookup, async () => {
    const uscc = lookup.elements.uscc.value.trim().toUpperCase();
    if (!uscc) throw invalid([{ field: '/uscc', message: t('wb.s.need_agency') }]);
    showList(uscc);
  });
  return [h('p', null, t('wb.s.intro')), form, lookup, listRegion];
}

// ---- Recovery of allocated claims (city officers) ---------------------------------------------

addStrings({
  'zh-CN': {
    'wb.rc.intro': '已拨付的资助申请。发现提前退保、虚假申报等情形的，追回资助（《苏州知识产权金融资助办法》第十条、第十六条）；提前退保或欺诈的，申请人以后的申请不予支持。',
    'wb.rc.allocated': '已拨付金额', 'wb.rc.kind': '追回原因', 'wb.rc.kind.early_surrender': '提前退保（第十条）',
    'wb.rc.kind.fraud': '弄虚作假、骗取资助（第十六条）', 'wb.rc.kind.other': '其他原因', 'wb.rc.amount': '追回金额（元）',
    'wb.rc.amount_hint': '以元为单位，最多两位小数，例如 1,234.07；不超过已拨付金额。', 'wb.rc.amount_invalid': '请输入以元为单位、最多两位小数的金额，例如 1,234.07',
    'wb.rc.reason': '追回理由', 'wb.rc.submit': '追回资助', 'wb.rc.pick_kind': '请选择追回原因',
    'wb.rc.done': '已追回 {amount}。申请当前状态：{status}', 'wb.rc.disqualified': '申请人已被取消以后的申请资格。',
  },
  en: {
    'wb.rc.intro': 'Allocated subsidy claims. Recover a subsidy after an early surrender of the policy, a fraud or another finding (Suzhou measures, articles 10 and 16); an early surrender or a fraud also disqualifies the claimant\'s later claims.',
    'wb.rc.allocated': 'Allocated', 'wb.rc.kind': 'Why it is recovered', 'wb.rc.kind.early_surrender': 'Early surrender of the policy (article 10)',
    'wb.rc.kind.fraud': 'Fraud or false material (article 16)', 'wb.rc.kind.other': 'Other', 'wb.rc.amount': 'Amount to recover (CNY)',
    'wb.rc.amount_hint': 'In yuan with at most two decimals, for example 1,234.07; at most the amount allocated.', 'wb.rc.amount_invalid': 'Enter an amount in yuan with at most two decimals, for example 1,234.07',
    'wb.rc.reason': 'Reason', 'wb.rc.submit': 'Recover the subsidy', 'wb.rc.pick_kind': 'Choose why it is recovered',
    'wb.rc.done': 'Recovered {amount}. The claim is now: {status}', 'wb.rc.disqualified': 'The claimant is disqualified from later claims.',
  },
});

function recoveryItem(c) {
  const b = c.claim || {};
  const cl = b.claimant || {};
  const res = result();
  const item = h('article', { class: 'card wb-item', 'data-claim': c.id },
    h('h3', null, `${cl.name || cl.uscc} · ${label('programme', b.programme)}`),
    dl([
      [t('wb.c.id'), c.id],
      [t('wb.status'), h('span', { class: 'wb-claim-status', 'data-status': c.status }, label('status.claim', c.status))],
      [t('wb.c.claimant'), `${cl.name || ''} · ${cl.uscc || ''}`],
      [t('wb.f.district'), dash(cl.district_code)],
      [t('wb.rc.allocated'), h('strong', null, yuan(c.allocated_fen))],
      ['', t('wb.receipt.shares', { city: yuan(c.city_share_fen), district: yuan(c.district_share_fen) })],
    ]),
    res);
  const amountId = uid('amount');
  const form = actionForm(`wb.recover.${c.id}.${c.version}`, [
    radios('kind', t('wb.rc.kind'), ['early_surrender', 'fraud', 'other'].map((k) => [k, t(`wb.rc.kind.${k}`)]), '/kind'),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: amountId }, t('wb.rc.amount')),
      h('div', { class: 'hint', id: `${amountId}-hint` }, t('wb.rc.amount_hint')),
      h('input', { class: 'input input--short', type: 'text', inputmode: 'decimal', id: amountId, name: 'amount', autocomplete: 'off',
        value: fenToYuan(c.allocated_fen ?? 0), 'data-pointer': '/amount_fen', 'aria-describedby': `${amountId}-hint` })),
    textarea('reason', t('wb.rc.reason'), '/reason'),
    submitButton(t('wb.rc.submit')),
  ], async (form, key) => {
    const kind = checked(form, 'kind');
    const fen = yuanToFen(form.elements.amount.value);
    const bad = [];
    if (!kind) bad.push({ field: '/kind', message: t('wb.rc.pick_kind') });
    if (fen === null || fen < 1) bad.push({ field: '/amount_fen', message: t('wb.rc.amount_invalid') });
    if (bad.length) throw invalid(bad);
    const body = { kind, amount_fen: fen, reason: form.elements.reason.value.trim() };
    return (await api('POST', `/v1/subsidy-claims/${encodeURIComponent(c.id)}/recovery`, { body, idempotencyKey: key })).body;
  }, (after, form) => {
    form.remove();
    const st = $('.wb-claim-status', item);
    if (st) { st.dataset.status = after.status; st.textContent = label('status.claim', after.status); }
    replace(res, h('div', { class: 'notification-banner notification-banner--success wb-done', 'data-status': after.status },
      h('p', null, t('wb.rc.done', { amount: yuan(after.recovery?.amount_fen), status: label('status.claim', after.status) })),
      after.recovery?.false_commitment && h('p', null, t('wb.rc.disqualified'))));
  }, res);
  item.insertBefore(form, res);
  return item;
}

function recoverySection() {
  return [h('p', null, t('wb.rc.intro')), queue('/v1/subsidy-claims?status=allocated', recoveryItem)];
}

// ---- Credit records (city and provincial officers) ---------------------------------------------

addStrings({
  'zh-CN': {
    'wb.cr.intro': '记录或更新公共信用信息（《苏州知识产权金融资助办法》第十二条(二)）：资助审核时采用事件发生日适用的最严重等级；有严重或较严重失信记录的不予支持。每次更新都保留历史。',
    'wb.cr.id': '记录编号', 'wb.cr.id_hint': '由信用信息来源给出，1–100 位字母、数字或 - _ . :；用同一编号再次提交即更新该记录。',
    'wb.cr.entity': '主体（统一社会信用代码或身份证号码）', 'wb.cr.level': '失信等级', 'wb.cr.pick_level': '请选择',
    'credit_level.none': '无失信记录', 'credit_level.minor': '一般失信', 'credit_level.relatively_serious': '较严重失信', 'credit_level.serious': '严重失信',
    'wb.cr.from': '适用起始日期', 'wb.cr.to': '适用截止日期（选填）', 'wb.cr.to_hint': '不填表示持续有效。', 'wb.cr.source': '信息来源',
    'wb.cr.detail': '说明（选填）', 'wb.cr.submit': '保存信用记录', 'wb.cr.required': '请填写此项', 'wb.cr.id_invalid': '记录编号须为 1–100 位字母、数字或 - _ . :',
    'wb.cr.created': '已新建信用记录 {id}（{level}）。', 'wb.cr.updated': '已更新信用记录 {id}（{level}），共 {n} 个版本。',
  },
  en: {
    'wb.cr.intro': 'Record or update a public credit finding (Suzhou measures, article 12(2)): a claim is judged by the worst level applying on its event date, and a serious or relatively serious dishonesty record is not supported. Every update keeps the history.',
    'wb.cr.id': 'Record number', 'wb.cr.id_hint': 'As the credit source numbers it: 1–100 letters, digits or - _ . :. Sending the same number again updates the record.',
    'wb.cr.entity': 'Entity (unified social credit code or ID number)', 'wb.cr.level': 'Level', 'wb.cr.pick_level': 'Choose',
    'credit_level.none': 'No dishonesty', 'credit_level.minor': 'Minor dishonesty', 'credit_level.relatively_serious': 'Relatively serious dishonesty', 'credit_level.serious': 'Serious dishonesty',
    'wb.cr.from': 'Applies from', 'wb.cr.to': 'Applies until (optional)', 'wb.cr.to_hint': 'Leave empty when it has no end.', 'wb.cr.source': 'Source',
    'wb.cr.detail': 'Detail (optional)', 'wb.cr.submit': 'Save the credit record', 'wb.cr.required': 'Fill this in', 'wb.cr.id_invalid': 'The record number must be 1–100 letters, digits or - _ . :',
    'wb.cr.created': 'Credit record {id} created ({level}).', 'wb.cr.updated': 'Credit record {id} updated ({level}); {n} versions kept.',
  },
});

function creditSection() {
  const res = result();
  const form = h('form', { class: 'wb-action', id: 'wb-credit', novalidate: true },
    field({ id: 'credit-id', name: 'id', label: t('wb.cr.id'), hint: t('wb.cr.id_hint'), pointer: 'id', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    field({ id: 'credit-entity', name: 'entity', label: t('wb.cr.entity'), pointer: '/entity', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    field({ id: 'credit-level', name: 'level', label: t('wb.cr.level'), pointer: '/level',
      options: [['', t('wb.cr.pick_level')], ...['none', 'minor', 'relatively_serious', 'serious'].map((l) => [l, t(`credit_level.${l}`)])] }),
    field({ id: 'credit-from', name: 'from', label: t('wb.cr.from'), pointer: '/period/from', type: 'date' }),
    field({ id: 'credit-to', name: 'to', label: t('wb.cr.to'), hint: t('wb.cr.to_hint'), pointer: '/period/to', type: 'date' }),
    field({ id: 'credit-source', name: 'source', label: t('wb.cr.source'), pointer: '/source' }),
    field({ id: 'credit-detail', name: 'detail', label: t('wb.cr.detail'), pointer: '/detail', tag: 'textarea', attrs: { rows: '3' } }),
    h('button', { type: 'submit', class: 'button', id: 'credit-submit' }, t('wb.cr.submit')),
    res);
  keepDraft(form, 'wb.credit');
  submitOnce(form, async (key) => {
    const v = (n) => form.elements[n].value.trim();
    const bad = [];
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(v('id'))) bad.push({ field: 'id', message: t('wb.cr.id_invalid') });
    for (const [n, p] of [['entity', '/entity'], ['level', '/level'], ['from', '/period/from'], ['source', '/source']]) {
      if (!v(n)) bad.push({ field: p, message: t('wb.cr.required') });
    }
    if (bad.length) throw invalid(bad);
    const body = { entity: v('entity').toUpperCase(), level: v('level'), period: { from: v('from') }, source: v('source') };
    if (v('to')) body.period.to = v('to');
    if (v('detail')) body.detail = v('detail');
    const { status, body: rec } = await api('PUT', `/v1/credit-records/${encodeURIComponent(v('id'))}`, { body, idempotencyKey: key });
    dropDraft('wb.credit');
    const level = label('credit_level', rec.level);
    replace(res, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': status === 201 ? 'created' : 'updated', 'data-versions': String((rec.history || []).length) },
      status === 201 ? t('wb.cr.created', { id: rec.id, level }) : t('wb.cr.updated', { id: rec.id, level, n: (rec.history || []).length })));
    res.focus();
    return rec;
  });
  return [h('p', null, t('wb.cr.intro')), form];
}

// ---- Designated cluster zones (prefecture and provincial officers) ------------------------------

addStrings({
  'zh-CN': {
    'wb.z.intro_prefecture': '辖区县（市、区）已认定的集聚区。实施方案的调整由县（市、区）提出，经您审核后报省知识产权局批准（§四(六)）。',
    'wb.z.intro_province': '近六个年度认定的集聚区：批准经设区市审核的方案调整；建设期满后进行期满考核（优秀、合格、不合格，§四(六)2）。',
    'wb.z.lookup': '按编号打开集聚区', 'wb.z.lookup_id': '集聚区编号（即申报编号）', 'wb.z.open': '打开', 'wb.z.need_id': '请填写集聚区编号',
    'wb.z.review_title': '审核第 {n} 次方案调整', 'wb.z.review_decision': '审核意见', 'wb.z.opinion': '意见说明（不同意时请写明理由）',
    'wb.z.approve_prefecture': '同意，报省知识产权局批准', 'wb.z.approve_province': '批准，调整后的方案生效', 'wb.z.refuse': '不同意',
    'wb.z.pick_decision': '请选择审核意见', 'wb.z.reviewed': '第 {n} 次方案调整：{status}',
    'wb.z.assess_title': '期满考核', 'wb.z.assess_outcome': '考核结果',
    'wb.z.assess_hint.fail_first': '不合格的，限期整改；整改后仍不合格的，取消称号。', 'wb.z.assess_hint.fail_again': '该集聚区整改中：再次不合格将取消称号。',
    'wb.z.assess_comment': '考核意见（选填）', 'wb.z.assess_submit': '记录考核结果', 'wb.z.pick_outcome': '请选择考核结果',
    'wb.z.assessed': '已记录第 {n} 次考核：{consequence}', 'wb.z.assess_later': '建设期至 {day} 届满，期满后方可考核。',
  },
  en: {
    'wb.z.intro_prefecture': 'The designated zones of your counties. A county proposes a change to its implementation plan; you review it, then the provincial IP office approves it (§四(六)).',
    'wb.z.intro_province': 'Zones designated in the last six rounds: approve plan changes the prefecture has reviewed; assess each zone once its construction has ended (excellent, pass or fail, §四(六)2).',
    'wb.z.lookup': 'Open a zone by its number', 'wb.z.lookup_id': 'Zone number (the application number)', 'wb.z.open': 'Open', 'wb.z.need_id': 'Enter the zone number',
    'wb.z.review_title': 'Review plan change {n}', 'wb.z.review_decision': 'Decision', 'wb.z.opinion': 'Opinion (give the reasons to refuse)',
    'wb.z.approve_prefecture': 'Agree; send it to the provincial IP office', 'wb.z.approve_province': 'Approve; the changed plan takes effect', 'wb.z.refuse': 'Refuse',
    'wb.z.pick_decision': 'Choose a decision', 'wb.z.reviewed': 'Plan change {n}: {status}',
    'wb.z.assess_title': 'Final assessment', 'wb.z.assess_outcome': 'Outcome',
    'wb.z.assess_hint.fail_first': 'A fail sets a rectification deadline; failing again after it revokes the title.', 'wb.z.assess_hint.fail_again': 'The zone is rectifying: another fail revokes its title.',
    'wb.z.assess_comment': 'Comment (optional)', 'wb.z.assess_submit': 'Record the assessment', 'wb.z.pick_outcome': 'Choose an outcome',
    'wb.z.assessed': 'Assessment {n} recorded: {consequence}', 'wb.z.assess_later': 'Construction runs until {day}; the assessment comes after it.',
  },
});

function zoneItem(s, now) {
  return (zone) => {
    const item = h('article', { class: 'card wb-item wb-zone', 'data-zone': zone.id });
    const res = result();
    const draw = (c, message) => {
      item.dataset.status = c.status;
      const stage = s.role === 'prefecture_officer' ? 'pending_prefecture' : 'pending_province';
      const reviewForm = (pc) => {
        if (pc.status !== stage || c.status === 'revoked') return null;
        return actionForm(`wb.zone-review.${c.id}.${pc.n}`, [
          h('h5', null, t('wb.z.review_title', { n: pc.n })),
          radios('decision', t('wb.z.review_decision'), [
            ['approve', s.role === 'prefecture_officer' ? t('wb.z.approve_prefecture') : t('wb.z.approve_province')],
            ['refuse', t('wb.z.refuse')]], '/decision'),
          textarea('opinion', t('wb.z.opinion'), '/opinion'),
          submitButton(t('wb.submit_decision')),
        ], async (form, key) => {
          const decision = checked(form, 'decision');
          if (!decision) throw invalid([{ field: '/decision', message: t('wb.z.pick_decision') }]);
          const path = `/v1/clusters/${encodeURIComponent(c.id)}/plan-changes/${pc.n}/review`;
          return (await api('POST', path, { body: { decision, opinion: form.elements.opinion.value.trim() }, idempotencyKey: key })).body;
        }, (after) => draw(after.zone, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': after.change.status },
          t('wb.z.reviewed', { n: after.change.n, status: label('change_status', after.change.status) }))), res);
      };
      let assess = null;
      if (s.role === 'province_officer' && c.status !== 'assessed' && c.status !== 'revoked') {
        const ended = c.status !== 'in_construction' || now >= new Date(c.construction_ends);
        assess = ended ? actionForm(`wb.zone-assess.${c.id}.${c.version}`, [
          h('h4', null, t('wb.z.assess_title')),
          h('p', { class: 'hint' }, c.status === 'rectifying' ? t('wb.z.assess_hint.fail_again') : t('wb.z.assess_hint.fail_first')),
          radios('outcome', t('wb.z.assess_outcome'), ['excellent', 'pass', 'fail'].map((o) => [o, label('assessment_outcome', o)])),
          textarea('comment', t('wb.z.assess_comment'), '/comment'),
          submitButton(t('wb.z.assess_submit')),
        ], async (form, key) => {
          const outcome = checked(form, 'outcome');
          if (!outcome) throw invalid([{ field: '/outcome', message: t('wb.z.pick_outcome') }]);
          const path = `/v1/clusters/${encodeURIComponent(c.id)}/assessments`;
          return (await api('POST', path, { body: { outcome, comment: form.elements.comment.value.trim() }, idempotencyKey: key })).body;
        }, (after) => draw(after.zone, h('p', { class: 'notification-banner notification-banner--success wb-done', 'data-status': after.zone.status, 'data-result': after.assessment.result },
          t('wb.z.assessed', { n: after.assessment.n, consequence: consequence(after.assessment) }))), res)
          : h('p', { class: 'inset' }, t('wb.z.assess_later', { day: lastDay(c.construction_ends) }));
      }
      replace(item,
        h('h3', null, c.zone_name || c.id),
        message ? replace(res, message) : replace(res),
        zoneDetails(c),
        h('h4', null, t('zc.plan')), planView(c),
        h('h4', null, t('zc.changes')), changesView(c, reviewForm),
        h('h4', null, t('zc.annual')), annualView(c),
        h('h4', null, t('zc.assessments')), assessmentsView(c),
        assess);
      if (message) res.focus();
    };
    draw(zone, null);
    return item;
  };
}

async function allItems(path) {
  const out = [];
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const { body } = await api('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    out.push(...(body?.items || []));
    cursor = body?.next_cursor || '';
    if (!cursor) break;
  }
  return out;
}

function zonesSection(s, year, now) {
  const list = h('div', { class: 'wb-list wb-zones' });
  const render = zoneItem(s, now);
  const shown = new Set();
  const add = (c, first) => {
    if (shown.has(c.id)) {
      const old = list.querySelector(`[data-zone="${CSS.escape(c.id)}"]`);
      if (old && first) list.prepend(old);
      return old;
    }
    shown.add(c.id);
    const el = render(c);
    if (first) list.prepend(el); else append(list, el);
    return el;
  };
  (async () => {
    try {
      const paths = s.role === 'prefecture_officer' ? ['/v1/cluster-applications?status=designated']
        : [0, 1, 2, 3, 4, 5].map((d) => `/v1/cluster-applications?status=designated&year=${year - d}`);
      const apps = (await Promise.all(paths.map(allItems))).flat().filter((a) => a.status === 'designated');
      const zones = await Promise.all(apps.map((a) => api('GET', `/v1/clusters/${encodeURIComponent(a.id)}`).then((r) => r.body).catch(() => null)));
      const found = zones.filter(Boolean);
      if (found.length === 0) append(list, h('p', { class: 'wb-empty' }, t('wb.empty')));
      for (const c of found) add(c, false);
    } catch (err) {
      const detail = err instanceof ApiError ? (err.problem.detail || err.problem.title) : String(err);
      append(list, h('p', { class: 'error-message', role: 'alert' }, t('wb.load_failed', { detail })));
    }
  })();
  const lookup = h('form', { class: 'wb-action wb-zone-lookup', id: 'wb-zone-lookup', novalidate: true },
    h('h3', null, t('wb.z.lookup')),
    field({ id: 'wb-zone-id', name: 'zone_id', label: t('wb.z.lookup_id'), pointer: '/id', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    h('button', { type: 'submit', class: 'button button--secondary' }, t('wb.z.open')));
  submitOnce(lookup, async () => {
    const id = lookup.elements.zone_id.value.trim();
    if (!id) throw invalid([{ field: '/id', message: t('wb.z.need_id') }]);
    const { body } = await api('GET', `/v1/clusters/${encodeURIComponent(id)}`);
    $('.wb-empty', list)?.remove();
    add(body, true)?.scrollIntoView?.({ block: 'start' });
  });
  return [h('p', null, s.role === 'prefecture_officer' ? t('wb.z.intro_prefecture') : t('wb.z.intro_province')), lookup, list];
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
      case 'sanctions': return sanctionsSection(year);
      case 'recovery': return recoverySection();
      case 'credit': return creditSection();
      case 'zones': return zonesSection(s, year, now);
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
