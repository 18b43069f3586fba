// Claims in public notice (GET /v1/public/notices): who claims which subsidy, how much, and
// until when anyone may object. No personal data beyond the claimant's name.
import { h, $, replace } from '../dom.js';
import { t, addStrings, label, fmtDateTime } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { renderLayout } from '../layout.js';
import { fenToYuan } from '../forms.js';
import { Pager } from './public-common.js';

addStrings({
  'zh-CN': {
    'notices.title': '资助公示', 'notices.lead': '以下资助申请正在公示。公示期内对公示内容有异议的，可向市知识产权局实名反映。',
    'notices.none': '目前没有正在公示的资助申请。', 'notices.claimant': '申请人', 'notices.programme': '资助项目',
    'notices.amount': '拟资助金额（元）', 'notices.period': '公示期', 'notices.period_range': '{from} 至 {until}',
    'notices.count': '本页 {n} 项公示',
  },
  en: {
    'notices.title': 'Subsidies in public notice', 'notices.lead': 'These subsidy claims are in public notice. Anyone who objects may tell the city IP office, giving their name, before the notice ends.',
    'notices.none': 'No subsidy claim is in public notice now.', 'notices.claimant': 'Claimant', 'notices.programme': 'Programme',
    'notices.amount': 'Proposed amount (CNY)', 'notices.period': 'Notice period', 'notices.period_range': '{from} to {until}',
    'notices.count': '{n} notices on this page',
  },
});

let items = null;
let problem = null;
const pager = new Pager(load);

async function load() {
  const q = new URLSearchParams({ limit: '20' });
  if (pager.cursor) q.set('cursor', pager.cursor);
  try {
    const { body } = await api('GET', `/v1/public/notices?${q}`, { anonymous: true });
    items = body.items || [];
    pager.next = body.next_cursor || '';
    problem = null;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    problem = e.problem.detail || e.problem.title;
  }
  render();
}

function render() {
  replace($('#main'),
    h('h1', null, t('notices.title')),
    h('p', { class: 'lead' }, t('notices.lead')),
    problem ? h('p', { class: 'error-message', role: 'alert' }, problem)
      : items === null ? h('p', null, t('common.loading'))
        : items.length === 0 ? h('p', { id: 'no-notices' }, t('notices.none'))
          : [h('table', { class: 'table', id: 'notices-table' },
            h('caption', { class: 'visually-hidden' }, t('notices.count', { n: items.length })),
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, t('notices.claimant')), h('th', { scope: 'col' }, t('notices.programme')),
              h('th', { scope: 'col', class: 'num' }, t('notices.amount')), h('th', { scope: 'col' }, t('notices.period')))),
            h('tbody', null, items.map((n) => h('tr', { 'data-claim': n.claim_id },
              h('td', null, n.claimant), h('td', null, label('programme', n.programme)),
              h('td', { class: 'num' }, fenToYuan(n.amount_fen)),
              h('td', null, t('notices.period_range', { from: fmtDateTime(n.notice_from), until: fmtDateTime(n.notice_until) })))))),
          pager.nav()]);
}

renderLayout({ title: 'notices.title', active: 'notices' });
document.addEventListener('ips:lang', render);
render();
load();
