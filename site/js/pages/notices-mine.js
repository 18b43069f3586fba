// notices-mine.js: "My notices" (GET /v1/notices) for the two roles the platform writes to: a
// county government (a missed cluster-zone round, the zone's reminders) and an agency (the
// annual-report reminders; mine.html shows them too). Newest first, a page at a time.
import { h, $, replace } from '../dom.js';
import { t, addStrings } from '../i18n.js';
import { renderLayout, requireSession } from '../layout.js';
import { Pager } from './public-common.js';
import { loadNotices, noticeList, problemText } from './citizen-common.js';

addStrings({
  'zh-CN': {
    'mynotices.title': '我的通知',
    'mynotices.lead': '平台发给您的通知：服务机构的年度报告提醒，县（市、区）政府的集聚发展区申报和年度总结提醒等，最新的在前。',
  },
  en: {
    'mynotices.title': 'My notices',
    'mynotices.lead': 'The notices the platform sent you: annual-report reminders to agencies, cluster-zone round and summary reminders to county governments, newest first.',
  },
});

async function main() {
  renderLayout({ title: 'mynotices.title', active: 'my-notices' });
  const s = requireSession(['county_government', 'agency']);
  if (!s) return;
  const mainEl = $('#main');
  let state = { items: null, error: null };
  const pager = new Pager(() => load());
  const draw = () => replace(mainEl,
    h('h1', {}, t('mynotices.title')),
    h('p', { class: 'lead' }, t('mynotices.lead')),
    state.error ? h('p', { class: 'error-message', id: 'notices-error', role: 'alert' }, t('cc.notices.unavailable', { detail: problemText(state.error) }))
      : state.items ? [noticeList(state.items), pager.nav()] : h('p', {}, t('common.loading')));
  const load = async () => {
    try {
      const got = await loadNotices(pager.cursor);
      state = { items: got.items, error: null };
      pager.next = got.next;
    } catch (err) {
      state = { items: null, error: err };
    }
    draw();
  };
  draw();
  document.addEventListener('ips:lang', draw);
  await load();
}

main();
