// zone.js: a county government's designated cluster zone (集聚区; DOMAIN.md §5, seed 001 §四(五),
// §四(六), §五(三)): the construction period and its deadlines, filing the implementation plan
// with the province (within three months), proposing a change to it (reviewed by the prefecture,
// approved by the province), the yearly summary and plan (by 31 January, on time or late), and
// the assessments with their consequence. The zone's number is its application's: the page
// lists the county's designated applications, or opens one by its number.

import { h, $, replace, params } from '../dom.js';
import { t, addStrings, label } from '../i18n.js';
import { api, platformNow, ApiError } from '../api.js';
import { submitOnce, keepDraft, dropDraft, invalid, field } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';
import { zoneDetails, planView, changesView, annualView, assessmentsView, lastDay } from './zone-common.js';

addStrings({
  'zh-CN': {
    'zone.title': '集聚区建设',
    'zone.lead': '已认定的知识产权服务业集聚发展区：三年建设期内报送实施方案、申请方案调整、每年 1 月 31 日前报送上年度工作总结和当年度工作计划，以及期满考核结果。',
    'zone.none': '本县（市、区）还没有已认定的集聚区。集聚区经省知识产权局认定后在这里办理。',
    'zone.list': '您的集聚区', 'zone.open_line': '{name}（{round} 年度认定，编号 {id}）',
    'zone.lookup': '按编号打开集聚区', 'zone.lookup_id': '集聚区编号（即申报编号）', 'zone.lookup_hint': '例如 CA2031-320281-…，见申报回执。',
    'zone.lookup_submit': '打开', 'zone.lookup_invalid': '请填写申报编号',
    'zone.not_found': '没有找到该集聚区：编号有误，或该申报尚未被认定为集聚区。',
    'zone.back': '返回集聚区列表',
    'zone.plan_form': '报送实施方案', 'zone.plan_form_hint': '须于 {day}（含当日）前报送省知识产权局备案；逾期仍可报送，但会记为逾期。',
    'zone.plan_title': '方案名称', 'zone.plan_content': '方案内容', 'zone.plan_submit': '报送实施方案',
    'zone.plan_done_on_time': '实施方案已备案（按时）。', 'zone.plan_done_late': '实施方案已备案（逾期）。',
    'zone.change_form': '申请调整实施方案', 'zone.change_form_hint': '调整须经设区市知识产权局审核后，报省知识产权局批准（§四(六)）。同一时间只能有一项调整在审核中。',
    'zone.change_title': '调整后的方案名称', 'zone.change_content': '调整后的方案内容', 'zone.change_reason': '调整意见及说明',
    'zone.change_submit': '提交方案调整', 'zone.change_done': '第 {n} 次方案调整已提交：{status}。',
    'zone.change_open': '有一项方案调整正在审核中，审结后才能提出新的调整。',
    'zone.change_needs_plan': '实施方案备案后才能申请调整。',
    'zone.annual_form': '报送年度工作总结和计划', 'zone.annual_year': '年度',
    'zone.annual_year_hint': '报送年度：填 {year} 表示报送 {prev} 年度工作总结和 {year} 年度工作计划，截止 {year} 年 1 月 31 日（含当日）。可报送 {from} 到 {to} 年；重新报送会替换内容，保留首次报送的按时/逾期认定。',
    'zone.annual_summary': '上年度工作总结', 'zone.annual_plan': '当年度工作计划', 'zone.annual_submit': '报送',
    'zone.annual_invalid': '请填写 4 位年份', 'zone.annual_done': '{year} 年度的总结和计划已报送（{timeliness}）。',
    'zone.revoked': '该集聚区称号已被取消，不能再办理。',
    'zone.required': '请填写此项',
  },
  en: {
    'zone.title': 'Cluster zone',
    'zone.lead': 'Your designated IP service cluster zone: during its three years of construction, file the implementation plan, propose changes to it, send each year by 31 January the summary of the previous year and the plan for the year, and see the final assessment.',
    'zone.none': 'Your county has no designated cluster zone. Once the provincial IP office designates one, it is handled here.',
    'zone.list': 'Your zones', 'zone.open_line': '{name} (designated in the {round} round, number {id})',
    'zone.lookup': 'Open a zone by its number', 'zone.lookup_id': 'Zone number (the application number)', 'zone.lookup_hint': 'For example CA2031-320281-…, as on the application receipt.',
    'zone.lookup_submit': 'Open', 'zone.lookup_invalid': 'Enter the application number',
    'zone.not_found': 'No such zone: the number is wrong, or the application has not been designated.',
    'zone.back': 'Back to your zones',
    'zone.plan_form': 'File the implementation plan', 'zone.plan_form_hint': 'File it with the provincial IP office on or before {day}. A later plan is still accepted, marked late.',
    'zone.plan_title': 'Plan title', 'zone.plan_content': 'Plan content', 'zone.plan_submit': 'File the plan',
    'zone.plan_done_on_time': 'The implementation plan is filed (on time).', 'zone.plan_done_late': 'The implementation plan is filed (late).',
    'zone.change_form': 'Propose a change to the plan', 'zone.change_form_hint': 'The prefecture IP office reviews a change, then the provincial IP office approves it (§四(六)). One change at a time.',
    'zone.change_title': 'Title of the changed plan', 'zone.change_content': 'Content of the changed plan', 'zone.change_reason': 'Reasons for the change',
    'zone.change_submit': 'Propose the change', 'zone.change_done': 'Change {n} proposed: {status}.',
    'zone.change_open': 'A change is under review; a new one can be proposed once it is decided.',
    'zone.change_needs_plan': 'File the implementation plan before proposing a change.',
    'zone.annual_form': 'Send the yearly summary and plan', 'zone.annual_year': 'Year',
    'zone.annual_year_hint': 'The year of the deadline: {year} means the summary of {prev} and the plan for {year}, due by 31 January {year} inclusive. Years {from} to {to}; sending again replaces the texts and keeps the first submission\'s on-time stamp.',
    'zone.annual_summary': 'Summary of the previous year', 'zone.annual_plan': 'Plan for the year', 'zone.annual_submit': 'Send',
    'zone.annual_invalid': 'Enter a four-digit year', 'zone.annual_done': 'Summary and plan for {year} sent ({timeliness}).',
    'zone.revoked': 'The zone\'s title has been revoked: nothing more can be filed.',
    'zone.required': 'Fill this in',
  },
});

let zone = null; // the zone on show
let now = new Date();
let banner = null; // {kind, text} shown above the zone after an action

const path = (c) => `/v1/clusters/${encodeURIComponent(c.id)}`;
const beijingYear = (d) => Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(d));
const required = (form, names) => {
  const bad = names.filter(([name]) => !form.elements[name].value.trim()).map(([, pointer]) => ({ field: pointer, message: t('zone.required') }));
  if (bad.length) throw invalid(bad);
};

function planForm(c) {
  const key = `zone.plan.${c.id}`;
  const form = h('form', { id: 'zone-plan-form', class: 'wb-action', novalidate: true },
    h('h3', null, t('zone.plan_form')),
    h('p', { class: 'hint' }, t('zone.plan_form_hint', { day: lastDay(c.plan_due) })),
    field({ id: 'plan-title', name: 'title', label: t('zone.plan_title'), pointer: '/title' }),
    field({ id: 'plan-content', name: 'content', label: t('zone.plan_content'), pointer: '/content', tag: 'textarea', attrs: { rows: '6' } }),
    h('button', { type: 'submit', class: 'button', id: 'plan-submit' }, t('zone.plan_submit')));
  keepDraft(form, key);
  submitOnce(form, async (idempotencyKey) => {
    required(form, [['title', '/title'], ['content', '/content']]);
    const body = { title: form.elements.title.value.trim(), content: form.elements.content.value.trim() };
    const res = await api('PUT', `${path(c)}/plan`, { body, idempotencyKey, ifMatch: `"${c.version}"` });
    dropDraft(key);
    show(res.body, { id: 'zone-plan-done', text: res.body.plan?.on_time ? t('zone.plan_done_on_time') : t('zone.plan_done_late') });
  });
  return form;
}

function changeForm(c) {
  if (!c.plan) return h('p', { class: 'inset' }, t('zone.change_needs_plan'));
  if ((c.plan_changes || []).some((p) => p.status === 'pending_prefecture' || p.status === 'pending_province')) {
    return h('p', { class: 'inset', id: 'zone-change-open' }, t('zone.change_open'));
  }
  const key = `zone.change.${c.id}`;
  const form = h('form', { id: 'zone-change-form', class: 'wb-action', novalidate: true },
    h('h3', null, t('zone.change_form')),
    h('p', { class: 'hint' }, t('zone.change_form_hint')),
    field({ id: 'change-title', name: 'title', label: t('zone.change_title'), pointer: '/plan/title', value: c.plan.title }),
    field({ id: 'change-content', name: 'content', label: t('zone.change_content'), pointer: '/plan/content', tag: 'textarea', value: c.plan.content, attrs: { rows: '6' } }),
    field({ id: 'change-reason', name: 'reason', label: t('zone.change_reason'), pointer: '/reason', tag: 'textarea', attrs: { rows: '3' } }),
    h('button', { type: 'submit', class: 'button', id: 'change-submit' }, t('zone.change_submit')));
  keepDraft(form, key);
  submitOnce(form, async (idempotencyKey) => {
    required(form, [['title', '/plan/title'], ['content', '/plan/content'], ['reason', '/reason']]);
    const body = { plan: { title: form.elements.title.value.trim(), content: form.elements.content.value.trim() }, reason: form.elements.reason.value.trim() };
    const res = await api('POST', `${path(c)}/plan-changes`, { body, idempotencyKey });
    dropDraft(key);
    const pc = res.body.change;
    show(res.body.zone, { id: 'zone-change-done', text: t('zone.change_done', { n: pc.n, status: label('change_status', pc.status) }) });
  });
  return form;
}

function annualForm(c) {
  const from = Number(String(c.designated_on).slice(0, 4)) + 1;
  const to = beijingYear(new Date(Date.parse(c.construction_ends) - 1)) + 1;
  const year = Math.min(Math.max(beijingYear(now), from), to);
  const key = `zone.annual.${c.id}`;
  const hintId = 'annual-year-hint';
  const form = h('form', { id: 'zone-annual-form', class: 'wb-action', novalidate: true },
    h('h3', null, t('zone.annual_form')),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: 'annual-year' }, t('zone.annual_year')),
      h('div', { class: 'hint', id: hintId }, t('zone.annual_year_hint', { year, prev: year - 1, from, to })),
      h('input', { class: 'input input--short', type: 'text', inputmode: 'numeric', id: 'annual-year', name: 'year', value: String(year),
        'data-pointer': 'year', 'aria-describedby': hintId, autocomplete: 'off' })),
    field({ id: 'annual-summary', name: 'summary', label: t('zone.annual_summary'), pointer: '/summary', tag: 'textarea', attrs: { rows: '5' } }),
    field({ id: 'annual-plan', name: 'plan', label: t('zone.annual_plan'), pointer: '/plan', tag: 'textarea', attrs: { rows: '5' } }),
    h('button', { type: 'submit', class: 'button', id: 'annual-submit' }, t('zone.annual_submit')));
  keepDraft(form, key);
  submitOnce(form, async (idempotencyKey) => {
    const raw = form.elements.year.value.trim();
    const bad = [];
    if (!/^\d{4}$/.test(raw)) bad.push({ field: 'year', message: t('zone.annual_invalid') });
    for (const [name, pointer] of [['summary', '/summary'], ['plan', '/plan']]) {
      if (!form.elements[name].value.trim()) bad.push({ field: pointer, message: t('zone.required') });
    }
    if (bad.length) throw invalid(bad);
    const body = { summary: form.elements.summary.value.trim(), plan: form.elements.plan.value.trim() };
    const res = await api('PUT', `${path(c)}/annual/${raw}`, { body, idempotencyKey });
    dropDraft(key);
    const a = (res.body.annual || []).find((x) => String(x.year) === raw);
    show(res.body, { id: 'zone-annual-done', text: t('zone.annual_done', { year: raw, timeliness: a?.on_time ? t('zc.on_time') : t('zc.late') }) });
  });
  return form;
}

function section(id, title, ...content) {
  return h('section', { id, class: 'zone-section', 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), content);
}

function render() {
  const c = zone;
  const main = $('#main');
  const revoked = c.status === 'revoked';
  replace(main,
    h('h1', { tabindex: '-1' }, c.zone_name || t('zone.title')),
    h('p', null, h('a', { href: 'zone.html?list=1', id: 'zone-back' }, t('zone.back'))),
    banner && h('div', { class: 'notification-banner notification-banner--success', role: 'status', id: banner.id, tabindex: '-1' }, banner.text),
    revoked && h('p', { class: 'notification-banner', role: 'alert' }, t('zone.revoked')),
    h('div', { id: 'zone-details' }, zoneDetails(c)),
    section('zone-plan', t('zc.plan'), planView(c), !c.plan && !revoked && planForm(c)),
    section('zone-changes', t('zc.changes'), !revoked && changeForm(c), changesView(c)),
    section('zone-annual', t('zc.annual'), annualView(c), !revoked && annualForm(c)),
    section('zone-assessments', t('zc.assessments'), assessmentsView(c)));
  if (banner) $(`#${banner.id}`)?.focus();
}

function show(c, msg) {
  zone = c;
  banner = msg;
  history.replaceState(null, '', `zone.html?id=${encodeURIComponent(c.id)}`);
  render();
}

async function open(id, { quiet = false } = {}) {
  try {
    const res = await api('GET', `/v1/clusters/${encodeURIComponent(id)}`);
    show(res.body, null);
    return true;
  } catch (err) {
    if (!quiet && !(err instanceof ApiError && err.status === 404)) throw err;
    return false;
  }
}

async function renderChooser(message) {
  zone = null;
  let items = [];
  try {
    items = ((await api('GET', '/v1/cluster-applications?status=designated&limit=100')).body?.items || []).filter((a) => a.status === 'designated');
  } catch { /* shown as none */ }
  const lookup = h('form', { id: 'zone-lookup', class: 'wb-action', novalidate: true },
    h('h2', null, t('zone.lookup')),
    field({ id: 'zone-id', name: 'zone_id', label: t('zone.lookup_id'), hint: t('zone.lookup_hint'), pointer: '/id', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    h('button', { type: 'submit', class: 'button button--secondary', id: 'zone-lookup-submit' }, t('zone.lookup_submit')));
  submitOnce(lookup, async () => {
    const id = lookup.elements.zone_id.value.trim();
    if (!id) throw invalid([{ field: '/id', message: t('zone.lookup_invalid') }]);
    if (!(await open(id))) throw invalid([{ field: '/id', message: t('zone.not_found') }]);
  });
  replace($('#main'),
    h('h1', null, t('zone.title')),
    h('p', { class: 'lead' }, t('zone.lead')),
    message && h('p', { class: 'notification-banner', role: 'alert' }, message),
    h('h2', null, t('zone.list')),
    items.length
      ? h('ul', { class: 'list', id: 'zones' }, items.map((a) => h('li', null,
        h('a', { href: `zone.html?id=${encodeURIComponent(a.id)}`, 'data-zone': a.id },
          t('zone.open_line', { name: a.application?.zone_name || a.id, round: a.application?.year, id: a.id })))))
      : h('p', { id: 'zones-none' }, t('zone.none')),
    lookup);
  return items;
}

async function main() {
  renderLayout({ title: 'zone.title', active: 'zone' });
  if (!requireSession(['county_government'])) return;
  now = await platformNow();
  const id = params().get('id');
  if (id && /^[A-Za-z0-9._:#-]{1,100}$/.test(id)) {
    if (!(await open(id, { quiet: true }))) await renderChooser(t('zone.not_found'));
  } else {
    const items = await renderChooser();
    if (items.length === 1 && !params().has('list')) await open(items[0].id, { quiet: true });
  }
  document.addEventListener('ips:lang', () => {
    banner = null;
    if (zone) render();
    else renderChooser();
  });
}

main();
