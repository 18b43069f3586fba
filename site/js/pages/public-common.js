// What the public pages (register, agency, notices) share: status words and a pager that walks
// the API's cursors forward and back.
import { h } from '../dom.js';
import { t, addStrings } from '../i18n.js';

addStrings({
  'zh-CN': {
    'pub.status.accepted': '已备案', 'pub.status.deregistered': '已注销', 'pub.status.submitted': '已备案（变更待审核）',
    'pub.page': '第 {n} 页', 'pub.pages': '翻页',
  },
  en: {
    'pub.status.accepted': 'Filed', 'pub.status.deregistered': 'Deregistered', 'pub.status.submitted': 'Filed (amendment under review)',
    'pub.page': 'Page {n}', 'pub.pages': 'Pages',
  },
});

// Pager keeps the cursors of the pages before the current one.
export class Pager {
  constructor(load) { this.load = load; this.stack = []; this.cursor = ''; this.next = ''; }
  reset() { this.stack = []; this.cursor = ''; this.next = ''; }
  // nav: the page's previous and next buttons.
  nav() {
    return h('nav', { class: 'pagination', 'aria-label': t('pub.pages') },
      this.stack.length > 0 && h('button', { type: 'button', class: 'button button--secondary', id: 'prev-page',
        'on:click': () => { this.cursor = this.stack.pop(); this.load(); } }, t('common.prev_page')),
      h('span', { class: 'secondary', id: 'page-no' }, t('pub.page', { n: this.stack.length + 1 })),
      this.next && h('button', { type: 'button', class: 'button button--secondary', id: 'next-page',
        'on:click': () => { this.stack.push(this.cursor); this.cursor = this.next; this.load(); } }, t('common.next_page')));
  }
}
