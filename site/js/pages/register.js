// The public register (GET /v1/public/agencies): search by name, district, service type and
// status, a page at a time. The search is in the address, so it can be shared and reloaded.
import { h, $, replace, params } from '../dom.js';
import { t, addStrings, translate, label } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { renderLayout } from '../layout.js';
import { showErrors, clearErrors, field } from '../forms.js';
import { Pager } from './public-common.js';

addStrings({
  'zh-CN': {
    'reg.title': '知识产权服务机构备案公示名录',
    'reg.lead': '已在市知识产权局备案的服务机构，以及已注销的备案。每个机构的页面显示其年度报告报送情况、公开的惩戒和服务对象的评价。',
    'reg.q': '机构名称', 'reg.q_hint': '名称中的任意字词，如“知信”',
    'reg.district': '所在地区', 'reg.district_hint': '县（市、区）的 6 位行政区划代码，如江阴市 320281',
    'reg.service_type': '服务类型', 'reg.status': '备案状态', 'reg.any': '全部',
    'reg.search': '搜索',
    'reg.results': '搜索结果', 'reg.none': '没有找到符合条件的服务机构。',
    'reg.col.name': '机构名称', 'reg.col.filing_no': '备案号', 'reg.col.district': '地区', 'reg.col.services': '服务类型', 'reg.col.status': '状态',
    'reg.count': '本页 {n} 个机构',
  },
  en: {
    'reg.title': 'Public register of IP service agencies',
    'reg.lead': 'The agencies filed with a city IP office, and the filings that ended. Each agency’s page shows its annual reports, public sanctions and its clients’ ratings.',
    'reg.q': 'Agency name', 'reg.q_hint': 'Any part of the name, e.g. “知信”',
    'reg.district': 'District', 'reg.district_hint': 'The county-level 6-digit division code, e.g. Jiangyin 320281',
    'reg.service_type': 'Service type', 'reg.status': 'Filing status', 'reg.any': 'Any',
    'reg.search': 'Search',
    'reg.results': 'Results', 'reg.none': 'No agency matches.',
    'reg.col.name': 'Agency', 'reg.col.filing_no': 'Filing number', 'reg.col.district': 'District', 'reg.col.services': 'Services', 'reg.col.status': 'Status',
    'reg.count': '{n} agencies on this page',
  },
});

export const SERVICE_TYPES = ['patent_agency', 'trademark_agency', 'copyright', 'information_search', 'legal_services', 'valuation',
  'operation_transaction', 'finance_services', 'consulting_training', 'data_ip'];
const PAGE = 20;

let items = null;
const pager = new Pager(load);
let form;
let results;

function keyedSelect(id, labelKey, pointer, values, prefix) {
  const g = field({ id, name: id, label: t(labelKey), pointer, options: [['', t('reg.any')], ...values.map((v) => [v, label(prefix, v)])] });
  $('label', g).dataset.i18n = labelKey;
  const opts = g.querySelectorAll('option');
  opts[0].dataset.i18n = 'reg.any';
  values.forEach((v, i) => { opts[i + 1].dataset.i18n = `${prefix}.${v}`; });
  return g;
}

function keyedInput(id, labelKey, hintKey, pointer, attrs) {
  const g = field({ id, name: id, label: t(labelKey), hint: t(hintKey), pointer, attrs });
  $('label', g).dataset.i18n = labelKey;
  $('.hint', g).dataset.i18n = hintKey;
  return g;
}

function query() {
  const q = new URLSearchParams();
  for (const k of ['q', 'district', 'service_type', 'status']) {
    const v = $(`#${k}`).value.trim();
    if (v) q.set(k, v);
  }
  return q;
}

async function load() {
  clearErrors(form);
  const q = query();
  q.set('limit', PAGE);
  let cursor = pager.cursor;
  try {
    // A filter matching little may answer an empty page with a cursor: read on a few pages.
    for (let i = 0; i < 10; i++) {
      if (cursor) q.set('cursor', cursor);
      const { body } = await api('GET', `/v1/public/agencies?${q}`, { anonymous: true });
      items = body.items || [];
      pager.next = body.next_cursor || '';
      if (items.length || !pager.next) break;
      cursor = pager.next;
    }
  } catch (e) {
    items = [];
    pager.next = '';
    if (e instanceof ApiError) showErrors(form, e.problem);
    else throw e;
  }
  renderResults();
}

function renderResults() {
  if (items === null) return replace(results, h('p', null, t('common.loading')));
  replace(results,
    h('h2', { id: 'results-title' }, t('reg.results')),
    items.length === 0 ? h('p', { id: 'no-results' }, t('reg.none')) : h('table', { class: 'table', id: 'register-table' },
      h('caption', { class: 'visually-hidden' }, t('reg.count', { n: items.length })),
      h('thead', null, h('tr', null, ['name', 'filing_no', 'district', 'services', 'status'].map((c) => h('th', { scope: 'col' }, t(`reg.col.${c}`))))),
      h('tbody', null, items.map((a) => h('tr', { 'data-uscc': a.uscc },
        h('td', null, h('a', { href: `agency.html?uscc=${encodeURIComponent(a.uscc)}`, class: 'agency-name' }, a.name)),
        h('td', null, a.filing_no),
        h('td', null, a.district_code),
        h('td', null, (a.service_types || []).map((s) => label('service_type', s)).join('、')),
        h('td', null, h('span', { class: a.status === 'deregistered' ? 'tag tag--grey' : 'tag tag--green' }, label('pub.status', a.status))))))),
    pager.nav());
}

function main() {
  renderLayout({ title: 'reg.title', active: 'register' });
  const p = params();
  form = h('form', { id: 'register-search', role: 'search', novalidate: true },
    keyedInput('q', 'reg.q', 'reg.q_hint', 'q', { type: 'search', maxlength: '100', class: 'input' }),
    keyedInput('district', 'reg.district', 'reg.district_hint', 'district', { inputmode: 'numeric', maxlength: '6', class: 'input input--short' }),
    keyedSelect('service_type', 'reg.service_type', 'service_type', SERVICE_TYPES, 'service_type'),
    keyedSelect('status', 'reg.status', 'status', ['accepted', 'deregistered'], 'pub.status'),
    h('button', { type: 'submit', id: 'search-submit', 'data-i18n': 'reg.search' }, t('reg.search')));
  for (const k of ['q', 'district', 'service_type', 'status']) if (p.get(k)) $(`#${k}`, form).value = p.get(k);
  results = h('div', { id: 'results', 'aria-live': 'polite' });
  replace($('#main'),
    h('h1', { 'data-i18n': 'reg.title' }, t('reg.title')),
    h('p', { class: 'lead', 'data-i18n': 'reg.lead' }, t('reg.lead')),
    form, results);
  translate(form);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    history.replaceState(null, '', `register.html${query().toString() ? '?' + query() : ''}`);
    pager.reset();
    load();
  });
  document.addEventListener('ips:lang', renderResults);
  renderResults();
  load();
}

main();
