// layout.js: the header (site name, navigation for the signed-in role, the 中文/English switch,
// who is signed in and sign-out) and the footer of every page.

import { h, $, replace } from './dom.js';
import { t, lang, setLang, addStrings, label } from './i18n.js';
import { session, signOut } from './api.js';

addStrings({
  'zh-CN': {
    'site.name': '江苏省知识产权服务业监管与资助平台', 'layout.skip': '跳到主要内容', 'layout.nav': '主导航',
    'layout.lang': '语言', 'layout.signed_in_as': '已登录：{who}', 'layout.sign_out': '退出登录', 'layout.sign_in': '登录',
    'layout.signin_required': '登录已失效。您填写的内容已保存在本浏览器中。', 'layout.signin_again': '重新登录',
    'layout.footer': '江苏省知识产权局 · 本平台的数据依《知识产权服务机构备案管理办法》等规定公开。',
    'layout.footer_links': '公开信息',
    'nav.home': '首页', 'nav.filing': '备案登记', 'nav.annual_report': '年度报告', 'nav.submissions': '我的办件',
    'nav.eligibility': '资助资格查询', 'nav.my_notices': '我的通知',
    'nav.claim': '资助申请', 'nav.claims': '我的资助申请', 'nav.cluster': '集聚区申报', 'nav.workbench': '审核工作台',
    'nav.register': '备案公示名录', 'nav.notices': '资助公示', 'nav.zone': '集聚区建设', 'nav.reference': '接口文档',
  },
  en: {
    'site.name': 'Jiangsu IP Services Regulation and Subsidy Platform', 'layout.skip': 'Skip to main content', 'layout.nav': 'Main navigation',
    'layout.lang': 'Language', 'layout.signed_in_as': 'Signed in: {who}', 'layout.sign_out': 'Sign out', 'layout.sign_in': 'Sign in',
    'layout.signin_required': 'Your sign-in has expired. What you typed is kept in this browser.', 'layout.signin_again': 'Sign in again',
    'layout.footer': 'Jiangsu Intellectual Property Administration · The platform publishes what the filing rules make public.',
    'layout.footer_links': 'Public information',
    'nav.home': 'Home', 'nav.filing': 'Agency filing', 'nav.annual_report': 'Annual report', 'nav.submissions': 'My submissions',
    'nav.eligibility': 'Subsidy eligibility', 'nav.my_notices': 'My notices',
    'nav.claim': 'Subsidy claim', 'nav.claims': 'My claims', 'nav.cluster': 'Cluster application', 'nav.workbench': 'Review workbench',
    'nav.register': 'Public register', 'nav.notices': 'Public notices', 'nav.zone': 'Cluster zone', 'nav.reference': 'API reference',
  },
});

const SUBMITTERS = ['enterprise', 'mandated_submitter'];
const OFFICERS = ['district_reviewer', 'city_officer', 'prefecture_officer', 'province_officer', 'expert', 'scheduler'];

// NAV: each page's id (renderLayout's active), file and who sees it (everyone when no roles).
export const NAV = [
  { id: 'home', href: 'index.html', key: 'nav.home' },
  { id: 'filing', href: 'filing.html', key: 'nav.filing', roles: ['agency'] },
  { id: 'annual-report', href: 'report.html', key: 'nav.annual_report', roles: ['agency'] },
  { id: 'submissions', href: 'mine.html', key: 'nav.submissions', roles: ['agency'] },
  { id: 'claim', href: 'claim.html', key: 'nav.claim', roles: SUBMITTERS },
  { id: 'claims', href: 'claims.html', key: 'nav.claims', roles: SUBMITTERS },
  { id: 'eligibility', href: 'eligibility.html', key: 'nav.eligibility', roles: ['enterprise', 'integrator'] },
  { id: 'reference', href: 'reference.html', key: 'nav.reference', roles: ['integrator'] },
  { id: 'my-notices', href: 'notices-mine.html', key: 'nav.my_notices', roles: ['county_government'] },
  { id: 'cluster', href: 'cluster.html', key: 'nav.cluster', roles: ['county_government'] },
  { id: 'zone', href: 'zone.html', key: 'nav.zone', roles: ['county_government'] },
  { id: 'workbench', href: 'workbench.html', key: 'nav.workbench', roles: OFFICERS },
  { id: 'register', href: 'register.html', key: 'nav.register' },
  { id: 'notices', href: 'notices.html', key: 'nav.notices' },
];

let current = { title: '', active: '' };
let expired = false;

// who: the signed-in identity as a line of text.
export function who(s = session()) {
  if (!s) return '';
  const parts = [];
  // dev mode names officers by post ("city_officer@320281"): the division says it better
  if (s.subject && s.subject !== s.role && s.subject !== `${s.role}@${s.division}`) parts.push(s.subject);
  if (s.division) parts.push(s.division);
  return [label('role', s.role), ...parts].join(' · ');
}

function header() {
  const s = session();
  const items = NAV.filter((n) => !n.roles || (s && n.roles.includes(s.role)));
  const here = location.pathname + location.search;
  const langButton = (l, text) => h('button', {
    type: 'button', class: 'lang-switch__button', id: l === 'en' ? 'lang-en' : 'lang-zh', lang: l, 'data-lang': l,
    'aria-pressed': String(lang() === l), 'on:click': () => setLang(l),
  }, text);
  return [
    h('a', { class: 'skip-link', href: '#main' }, t('layout.skip')),
    h('div', { class: 'masthead' }, h('div', { class: 'wrap masthead__row' },
      h('a', { class: 'masthead__name', href: 'index.html' }, t('site.name')),
      h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('layout.lang') }, langButton('zh-CN', '中文'), langButton('en', 'English')))),
    h('div', { class: 'wrap' },
      h('nav', { id: 'site-nav', 'aria-label': t('layout.nav') }, h('ul', { class: 'nav' },
        items.map((n) => h('li', { class: 'nav__item' }, h('a', { href: n.href, 'data-nav': n.id, 'aria-current': n.id === current.active ? 'page' : null }, t(n.key)))))),
      h('div', { class: 'identity', id: 'identity' }, s
        ? [h('span', { id: 'identity-who' }, t('layout.signed_in_as', { who: who(s) })), ' ',
          h('button', { type: 'button', class: 'link-button', id: 'sign-out', 'on:click': () => { signOut(); location.href = 'index.html'; } }, t('layout.sign_out'))]
        : h('a', { id: 'sign-in', href: `signin.html?next=${encodeURIComponent(here)}` }, t('layout.sign_in'))),
      expired && h('div', { class: 'notification-banner', role: 'alert', id: 'signin-required' },
        t('layout.signin_required'), ' ', h('a', { href: `signin.html?next=${encodeURIComponent(here)}` }, t('layout.signin_again')))),
  ];
}

function footer() {
  return h('div', { class: 'wrap' },
    h('h2', { class: 'visually-hidden' }, t('layout.footer_links')),
    h('ul', { class: 'footer__links' },
      h('li', null, h('a', { href: 'register.html' }, t('nav.register'))),
      h('li', null, h('a', { href: 'notices.html' }, t('nav.notices'))),
      h('li', null, h('a', { href: 'reference.html', id: 'footer-reference' }, t('nav.reference')))),
    h('p', null, t('layout.footer')));
}

function render() {
  const hd = $('#site-header');
  const ft = $('#site-footer');
  if (hd) replace(hd, header());
  if (ft) replace(ft, footer());
  document.title = current.title ? `${t(current.title)} · ${t('site.name')}` : t('site.name');
}

let listening = false;

// renderLayout({title, active}): title is an i18n key (or plain text), active a NAV id.
// The header follows the language switch, sign-in and sign-out by itself.
export function renderLayout({ title = '', active = '' } = {}) {
  current = { title, active };
  document.documentElement.lang = lang();
  render();
  if (!listening) {
    listening = true;
    document.addEventListener('ips:lang', render);
    document.addEventListener('ips:session', () => { expired = false; render(); });
    document.addEventListener('ips:signin-required', () => { expired = true; render(); });
  }
}

// requireSession(roles) → the session, or null after sending the browser to the sign-in page
// (signin.html?next=<this path>) when nobody, or nobody in roles, is signed in.
export function requireSession(roles) {
  const s = session();
  if (s && (!roles || roles.length === 0 || roles.includes(s.role))) return s;
  const next = encodeURIComponent(location.pathname + location.search);
  const want = roles && roles.length ? `&roles=${encodeURIComponent(roles.join(','))}` : '';
  location.replace(`signin.html?next=${next}${want}`);
  return null;
}
