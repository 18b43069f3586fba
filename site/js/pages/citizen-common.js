// What the citizens' pages (agency, mine, eligibility, claim-correct, notices-mine) share: the
// words for sanctions (triggers, effects), the subsidy families, and a person's own notices
// (GET /v1/notices: agencies and county governments have them).
import { h } from '../dom.js';
import { t, lang, addStrings, label, fmtDate, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';

addStrings({
  'zh-CN': {
    'trigger.report_not_on_time': '未按时报送年度报告', 'trigger.sci_tech_project_services': '违规开展科技项目申报服务',
    'trigger.abnormal_patent_applications': '代理非正常专利申请', 'trigger.plagiarism': '抄袭剽窃', 'trigger.poor_credit': '信用不良',
    'trigger.poor_service': '服务质量差', 'trigger.unfair_competition': '不正当竞争', 'trigger.refused_correction': '拒不整改',
    'trigger.agency_not_filed': '服务机构未备案',
    'effect.public_criticism': '通报批评', 'effect.subsidy_block': '暂停资助', 'effect.blacklist': '列入黑名单',
    'effect.interview': '约谈', 'effect.transfer': '移送有关部门',
    'family.ip_subsidy': '知识产权类资助', 'family.sci_tech_subsidy': '科技项目类资助', 'family.patent_subsidy': '专利资助',
    'cc.notices.none': '暂无通知。', 'cc.notices.due': '截止日期：{due}', 'cc.notices.sent': '发出时间：{at}',
    'cc.notices.unavailable': '无法加载通知：{detail}', 'cc.notices.more': '更多通知',
    'cc.yes': '是', 'cc.no': '否',
  },
  en: {
    'trigger.report_not_on_time': 'Annual report not on time', 'trigger.sci_tech_project_services': 'Science and technology project services',
    'trigger.abnormal_patent_applications': 'Abnormal patent applications', 'trigger.plagiarism': 'Plagiarism', 'trigger.poor_credit': 'Poor credit',
    'trigger.poor_service': 'Poor service', 'trigger.unfair_competition': 'Unfair competition', 'trigger.refused_correction': 'Refused correction',
    'trigger.agency_not_filed': 'Agency not filed',
    'effect.public_criticism': 'Public criticism', 'effect.subsidy_block': 'Subsidies suspended', 'effect.blacklist': 'Blacklisted',
    'effect.interview': 'Interview', 'effect.transfer': 'Referred to the authorities',
    'family.ip_subsidy': 'IP subsidies', 'family.sci_tech_subsidy': 'Science and technology project subsidies', 'family.patent_subsidy': 'Patent subsidies',
    'cc.notices.none': 'No notice yet.', 'cc.notices.due': 'Due by: {due}', 'cc.notices.sent': 'Sent: {at}',
    'cc.notices.unavailable': 'The notices could not be loaded: {detail}', 'cc.notices.more': 'More notices',
    'cc.yes': 'Yes', 'cc.no': 'No',
  },
});

// bilingual picks the current language's side of a {zh, en} text from the platform.
export const bilingual = (text) => (text ? (lang() === 'en' ? text.en || text.zh : text.zh || text.en) || '' : '');

// problemText: one line for an API refusal that names no field.
export const problemText = (err) => err?.problem?.detail || err?.problem?.title || String(err?.message || err || '');

// effectsText names a sanction's effects: kinds ("subsidy_block") or the stored effects
// ({kind, families}), each with the subsidy families it suspends.
export function effectsText(effects) {
  const sep = lang() === 'en' ? ', ' : '、';
  return (effects || []).map((e) => {
    if (typeof e === 'string') return label('effect', e);
    const fams = (e?.families || []).map((f) => label('family', f)).join(sep);
    return fams ? `${label('effect', e?.kind)} (${fams})` : label('effect', e?.kind);
  }).join(lang() === 'en' ? '; ' : '；');
}

// dueDay: the last day before a cutoff instant (the cutoff is the first instant late).
export const dueDay = (cutoff) => fmtDate(new Date(Date.parse(cutoff) - 1));

// loadNotices → {items, next} of the caller's notices after cursor, newest first.
export async function loadNotices(cursor = '') {
  const q = cursor ? `?limit=20&cursor=${encodeURIComponent(cursor)}` : '?limit=20';
  const res = await api('GET', `/v1/notices${q}`);
  return { items: res.body?.items || [], next: res.body?.next_cursor || '' };
}

// noticeList renders notices as a list of articles: title, body, due date and when sent.
export function noticeList(items) {
  if (!items.length) return h('p', { id: 'notices-none' }, t('cc.notices.none'));
  return h('div', { class: 'cards notice-list', id: 'notice-list' }, items.map((n) => h('article', { class: 'card', 'data-notice': n.id },
    h('h3', {}, bilingual(n.title) || n.kind),
    h('p', {}, bilingual(n.body)),
    h('p', { class: 'hint' },
      n.due && !String(n.due).startsWith('0001-') ? [t('cc.notices.due', { due: dueDay(n.due) }), ' · '] : null,
      t('cc.notices.sent', { at: fmtDateTime(n.created_at) })))));
}

// yearOf: the calendar year in Beijing of a Date.
export const yearOf = (d) => new Date(d.getTime() + 8 * 3600 * 1000).getUTCFullYear();
