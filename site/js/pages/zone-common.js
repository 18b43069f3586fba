// zone-common.js: a designated cluster zone (GET /v1/clusters/{id}; DOMAIN.md §5, seed 001 §四(五)
// and §四(六)) as the county (zone.html) and the prefecture and provincial officers (the
// workbench) read it: the construction period and deadlines, the implementation plan, its
// changes with each stage's review, the yearly summaries (on time or late) and the assessments
// with their consequence.

import { h } from '../dom.js';
import { t, addStrings, lang, label, fmtDate, fmtDateTime } from '../i18n.js';

addStrings({
  'zh-CN': {
    'zc.name': '集聚区名称', 'zc.id': '集聚区编号（即申报编号）', 'zc.county': '县（市、区）', 'zc.round': '申报年度',
    'zc.status': '状态', 'zc.designated_on': '认定日期', 'zc.construction': '建设期', 'zc.construction_line': '{from} 至 {to}（含当日，三年，§四(五)1）',
    'zc.plan_due': '实施方案报送期限', 'zc.plan_due_line': '{day} 前（含当日，认定之日起三个月内，§四(五)2）',
    'zc.rectification_due': '整改期限', 'zc.until_day': '{day}（含当日）', 'zc.pilot': '优先推荐申报国家级试点',
    'zc.revoked_at': '称号取消时间', 'zc.flags': '逾期与提醒记录',
    'zone_status.in_construction': '建设期内', 'zone_status.assessment_due': '建设期满，待考核', 'zone_status.rectifying': '考核不合格，整改中',
    'zone_status.assessed': '已通过期满考核', 'zone_status.revoked': '称号已取消',
    'zone_flag.plan_overdue': '实施方案逾期未报送', 'zone_flag.annual_overdue': '{key} 年度总结和计划逾期未报送',
    'zone_flag.assessment_due': '建设期满，应进行期满考核', 'zone_flag.rectification_overdue': '整改期满，应重新考核',
    'zc.plan': '实施方案', 'zc.plan_none': '尚未报送实施方案。', 'zc.plan_title': '方案名称', 'zc.plan_content': '方案内容',
    'zc.plan_revision': '修订次数', 'zc.plan_filed': '报送时间', 'zc.plan_timeliness': '是否按期',
    'zc.on_time': '按时', 'zc.late': '逾期',
    'zc.changes': '方案调整', 'zc.changes_none': '没有方案调整。', 'zc.change_heading': '第 {n} 次方案调整',
    'zc.change_reason': '调整意见及说明', 'zc.change_plan': '调整后的方案', 'zc.change_proposed': '提出时间',
    'zc.change_reviews': '审核意见', 'zc.review_line': '{stage}：{decision}，{at}{opinion}',
    'change_status.pending_prefecture': '待设区市知识产权局审核', 'change_status.pending_province': '设区市已审核，待省知识产权局批准',
    'change_status.approved': '已批准，调整后的方案生效', 'change_status.refused': '未获批准',
    'review_stage.prefecture': '设区市知识产权局', 'review_stage.province': '省知识产权局',
    'review_decision.approve': '同意', 'review_decision.refuse': '不同意',
    'zc.annual': '年度工作总结和计划', 'zc.annual_none': '尚未报送。',
    'zc.annual_year': '年度', 'zc.annual_due': '截止', 'zc.annual_submitted': '首次报送', 'zc.annual_line': '{year} 年（{prev} 年总结和 {year} 年计划）',
    'zc.assessments': '期满考核', 'zc.assessments_none': '尚未考核。',
    'zc.assessment_heading': '第 {n} 次考核：{outcome}', 'zc.consequence': '结果', 'zc.basis': '依据', 'zc.comment': '考核意见',
    'zc.assessed_at': '考核时间',
    'assessment_outcome.excellent': '优秀', 'assessment_outcome.pass': '合格', 'assessment_outcome.fail': '不合格',
    'assessment_result.excellent': '优秀：优先推荐申报国家级知识产权服务业集聚发展试点', 'assessment_result.pass': '合格：保留集聚区称号',
    'assessment_result.rectification': '不合格：限期整改至 {due}（含当日），整改后仍不合格的取消称号', 'assessment_result.revoked': '整改后仍不合格：取消集聚区称号',
  },
  en: {
    'zc.name': 'Zone name', 'zc.id': 'Zone number (the application number)', 'zc.county': 'County', 'zc.round': 'Round',
    'zc.status': 'Status', 'zc.designated_on': 'Designated on', 'zc.construction': 'Construction period', 'zc.construction_line': '{from} to {to} inclusive (three years, §四(五)1)',
    'zc.plan_due': 'Implementation plan due', 'zc.plan_due_line': 'on or before {day} (three months from the designation, §四(五)2)',
    'zc.rectification_due': 'Rectification due', 'zc.until_day': 'on or before {day}', 'zc.pilot': 'Recommended first for the national pilot',
    'zc.revoked_at': 'Title revoked', 'zc.flags': 'Overdue and reminder records',
    'zone_status.in_construction': 'In construction', 'zone_status.assessment_due': 'Construction ended; assessment due', 'zone_status.rectifying': 'Failed; rectifying',
    'zone_status.assessed': 'Passed the final assessment', 'zone_status.revoked': 'Title revoked',
    'zone_flag.plan_overdue': 'Implementation plan overdue', 'zone_flag.annual_overdue': 'Summary and plan for {key} overdue',
    'zone_flag.assessment_due': 'Construction ended; the final assessment is due', 'zone_flag.rectification_overdue': 'Rectification period over; reassessment due',
    'zc.plan': 'Implementation plan', 'zc.plan_none': 'No implementation plan filed yet.', 'zc.plan_title': 'Title', 'zc.plan_content': 'Content',
    'zc.plan_revision': 'Revisions', 'zc.plan_filed': 'Filed', 'zc.plan_timeliness': 'On time',
    'zc.on_time': 'On time', 'zc.late': 'Late',
    'zc.changes': 'Plan changes', 'zc.changes_none': 'No change proposed.', 'zc.change_heading': 'Plan change {n}',
    'zc.change_reason': 'Reasons for the change', 'zc.change_plan': 'Plan as changed', 'zc.change_proposed': 'Proposed',
    'zc.change_reviews': 'Reviews', 'zc.review_line': '{stage}: {decision}, {at}{opinion}',
    'change_status.pending_prefecture': 'Waiting for the prefecture IP office', 'change_status.pending_province': 'Reviewed by the prefecture; waiting for the provincial IP office',
    'change_status.approved': 'Approved; the changed plan is in force', 'change_status.refused': 'Refused',
    'review_stage.prefecture': 'Prefecture IP office', 'review_stage.province': 'Provincial IP office',
    'review_decision.approve': 'approved', 'review_decision.refuse': 'refused',
    'zc.annual': 'Yearly summaries and plans', 'zc.annual_none': 'None submitted yet.',
    'zc.annual_year': 'Year', 'zc.annual_due': 'Due', 'zc.annual_submitted': 'First submitted', 'zc.annual_line': '{year} (summary of {prev}, plan for {year})',
    'zc.assessments': 'Final assessment', 'zc.assessments_none': 'Not assessed yet.',
    'zc.assessment_heading': 'Assessment {n}: {outcome}', 'zc.consequence': 'Consequence', 'zc.basis': 'Basis', 'zc.comment': 'Comment',
    'zc.assessed_at': 'Assessed',
    'assessment_outcome.excellent': 'Excellent', 'assessment_outcome.pass': 'Pass', 'assessment_outcome.fail': 'Fail',
    'assessment_result.excellent': 'Excellent: recommended first for the national pilot zone', 'assessment_result.pass': 'Pass: the zone keeps its title',
    'assessment_result.rectification': 'Fail: rectify by {due} inclusive; failing again revokes the title', 'assessment_result.revoked': 'Failed again after rectification: the title is revoked',
  },
});

// lastDay(instant): the last day of a period whose end is the first instant after it.
export const lastDay = (end) => (end ? fmtDate(new Date(Date.parse(end) - 1)) : '');

function dl(rows) {
  return h('dl', { class: 'summary-list' }, rows.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

const timeliness = (onTime) => h('strong', { class: `tag ${onTime ? 'tag--green' : 'tag--red'}`, 'data-on-time': String(onTime) },
  onTime ? t('zc.on_time') : t('zc.late'));

// zoneDetails(c): who, status and the deadlines of the zone.
export function zoneDetails(c) {
  return dl([
    [t('zc.name'), c.zone_name],
    [t('zc.id'), c.id],
    [t('zc.county'), c.county_code],
    [t('zc.round'), String(c.round_year)],
    [t('zc.status'), h('strong', { class: 'tag zone-status', 'data-status': c.status }, label('zone_status', c.status))],
    [t('zc.designated_on'), fmtDate(c.designated_on)],
    [t('zc.construction'), t('zc.construction_line', { from: fmtDate(c.designated_on), to: lastDay(c.construction_ends) })],
    [t('zc.plan_due'), t('zc.plan_due_line', { day: lastDay(c.plan_due) })],
    c.rectification_due && [t('zc.rectification_due'), h('span', { class: 'zone-rectification-due' }, t('zc.until_day', { day: lastDay(c.rectification_due) }))],
    c.national_pilot_recommended && [t('zc.pilot'), t('common.yes')],
    c.title_revoked_at && [t('zc.revoked_at'), fmtDateTime(c.title_revoked_at)],
    (c.flags || []).length > 0 && [t('zc.flags'), h('ul', null, c.flags.map((f) =>
      h('li', { 'data-flag': f.kind }, t(`zone_flag.${f.kind}`, { key: f.key }), ` · ${fmtDateTime(f.at)}`)))],
  ]);
}

// planView(c): the plan in force, or a line saying none is filed.
export function planView(c) {
  const p = c.plan;
  if (!p) return h('p', { class: 'zone-plan-none' }, t('zc.plan_none'));
  return h('div', { class: 'zone-plan' }, dl([
    [t('zc.plan_title'), h('span', { class: 'zone-plan-title' }, p.title)],
    [t('zc.plan_content'), h('div', { class: 'zone-plan-content' }, String(p.content || '').split('\n').map((l) => h('p', null, l)))],
    [t('zc.plan_revision'), String(p.revision)],
    [t('zc.plan_filed'), fmtDateTime(p.filed_at)],
    [t('zc.plan_timeliness'), timeliness(p.on_time)],
  ]));
}

// changeView(pc, actions): one plan change with its reviews; actions (a node or null) follow.
export function changeView(pc, actions) {
  return h('article', { class: 'card zone-change', 'data-change': String(pc.n), 'data-status': pc.status },
    h('h4', null, t('zc.change_heading', { n: pc.n })),
    dl([
      [t('zc.status'), h('strong', { class: 'tag zone-change-status' }, label('change_status', pc.status))],
      [t('zc.change_proposed'), fmtDateTime(pc.proposed_at)],
      [t('zc.change_reason'), pc.reason],
      [t('zc.change_plan'), `${pc.plan?.title || ''}`],
      (pc.reviews || []).length > 0 && [t('zc.change_reviews'), h('ul', null, pc.reviews.map((r) => h('li', { 'data-stage': r.stage },
        t('zc.review_line', { stage: label('review_stage', r.stage), decision: label('review_decision', r.decision), at: fmtDateTime(r.at),
          opinion: r.opinion ? ` · ${r.opinion}` : '' }))))],
    ]),
    actions || null);
}

// changesView(c, actions(pc) → node|null): every change, newest first.
export function changesView(c, actions = () => null) {
  const list = [...(c.plan_changes || [])].reverse();
  if (list.length === 0) return h('p', { class: 'zone-changes-none' }, t('zc.changes_none'));
  return h('div', { class: 'zone-changes' }, list.map((pc) => changeView(pc, actions(pc))));
}

// annualView(c): the yearly submissions with their timeliness.
export function annualView(c) {
  const rows = c.annual || [];
  if (rows.length === 0) return h('p', { class: 'zone-annual-none' }, t('zc.annual_none'));
  return h('table', { class: 'table zone-annual' },
    h('caption', { class: 'visually-hidden' }, t('zc.annual')),
    h('thead', null, h('tr', null, ['annual_year', 'annual_due', 'annual_submitted', 'plan_timeliness'].map((k) => h('th', { scope: 'col' }, t(`zc.${k}`))))),
    h('tbody', null, rows.map((a) => h('tr', { 'data-year': String(a.year) },
      h('th', { scope: 'row' }, t('zc.annual_line', { year: a.year, prev: a.year - 1 })),
      h('td', null, lastDay(a.due)),
      h('td', null, fmtDateTime(a.submitted_at)),
      h('td', null, timeliness(a.on_time))))));
}

// consequence(a): what an assessment's result means, in words.
export const consequence = (a) => t(`assessment_result.${a.result}`, { due: lastDay(a.rectification_due) });

// assessmentView(a): one assessment with its consequence and basis.
export function assessmentView(a) {
  return h('article', { class: 'card zone-assessment', 'data-assessment': String(a.n), 'data-result': a.result },
    h('h4', null, t('zc.assessment_heading', { n: a.n, outcome: label('assessment_outcome', a.outcome) })),
    dl([
      [t('zc.consequence'), h('strong', { class: 'zone-consequence' }, consequence(a))],
      a.message && [t('zc.basis'), `${lang() === 'en' ? a.message.en : a.message.zh} (${a.basis})`],
      !a.message && [t('zc.basis'), a.basis],
      a.comment && [t('zc.comment'), a.comment],
      [t('zc.assessed_at'), fmtDateTime(a.at)],
    ]));
}

export function assessmentsView(c) {
  const list = c.assessments || [];
  if (list.length === 0) return h('p', { class: 'zone-assessments-none' }, t('zc.assessments_none'));
  return h('div', { class: 'zone-assessments' }, list.map(assessmentView));
}
