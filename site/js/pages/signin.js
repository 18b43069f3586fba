// Sign-in. On the local runner (dev mode) a person picks a role and says who they are; the
// runner issues the token (POST /dev/token). A deployment signs in through its OIDC provider.
import { h, $, replace, params } from '../dom.js';
import { t, addStrings, translate, label } from '../i18n.js';
import { devMode, signInDev } from '../api.js';
import { renderLayout } from '../layout.js';
import { submitOnce, invalid, field } from '../forms.js';

addStrings({
  'zh-CN': {
    'signin.title': '登录',
    'signin.dev_note': '本地运行版本（开发模式）：选择身份并填写代码即可登录，无需密码。',
    'signin.deployed': '本平台通过部署方配置的统一身份认证（OIDC）登录。请使用单位或个人的统一身份认证账号，由认证服务返回本平台后即可办理。',
    'signin.for_roles': '该页面供以下身份使用：{roles}。',
    'signin.role': '您的身份', 'signin.role_pick': '请选择',
    'signin.subject': '统一社会信用代码或身份证号码',
    'signin.subject_hint': '服务机构、受托申报机构填写 18 位统一社会信用代码；企业填写统一社会信用代码，个人填写居民身份证号码；接入系统填写系统标识；审核人员可不填。',
    'signin.division': '行政区划代码',
    'signin.division_hint': '6 位代码，如江阴市 320281、苏州市 320500、江苏省 320000。县（市、区）政府、审核人员和专家必填。',
    'signin.submit': '登录',
    'signin.e.role': '请选择您的身份', 'signin.e.subject_required': '请填写统一社会信用代码或身份证号码',
    'signin.e.uscc': '统一社会信用代码应为 18 位，且校验位正确', 'signin.e.uscc_or_id': '请填写正确的统一社会信用代码或 18 位居民身份证号码',
    'signin.e.integrator': '请填写接入系统的标识', 'signin.e.division_required': '请填写您所在的行政区划代码',
    'signin.e.division': '行政区划代码应为以 32 开头的 6 位数字',
  },
  en: {
    'signin.title': 'Sign in',
    'signin.dev_note': 'Local runner (dev mode): choose who you are and give your code; no password is needed.',
    'signin.deployed': 'This platform signs you in through the identity provider (OIDC) its deployment configures. Use your organisation’s or your own account there; it brings you back here signed in.',
    'signin.for_roles': 'This page is for: {roles}.',
    'signin.role': 'Who you are', 'signin.role_pick': 'Choose',
    'signin.subject': 'Unified social credit code or ID number',
    'signin.subject_hint': 'Agencies and mandated submitters: the 18-character unified social credit code. Enterprises: the code; individuals: the resident ID number. Integrating systems: the system’s id. Officers may leave it empty.',
    'signin.division': 'Division code',
    'signin.division_hint': '6 digits, e.g. Jiangyin 320281, Suzhou 320500, Jiangsu 320000. Required for county governments, officers and experts.',
    'signin.submit': 'Sign in',
    'signin.e.role': 'Choose who you are', 'signin.e.subject_required': 'Enter the unified social credit code or ID number',
    'signin.e.uscc': 'A unified social credit code has 18 characters and a correct check character', 'signin.e.uscc_or_id': 'Enter a correct unified social credit code or 18-digit resident ID number',
    'signin.e.integrator': 'Enter the integrating system’s id', 'signin.e.division_required': 'Enter the code of the division you act for',
    'signin.e.division': 'A division code is 6 digits starting with 32',
  },
});

export const ROLES = ['agency', 'enterprise', 'mandated_submitter', 'county_government', 'district_reviewer', 'city_officer',
  'prefecture_officer', 'province_officer', 'expert', 'integrator', 'scheduler'];
const DIVISION_ROLES = ['county_government', 'district_reviewer', 'city_officer', 'prefecture_officer', 'province_officer', 'expert'];

// GB 32100-2015: 18 characters, the last a check character over the first 17.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export function usccOK(s) {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(s[i]) * USCC_W[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31] === s[17];
}

// GB 11643: ISO 7064 MOD 11-2.
export function residentIdOK(s) {
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * (2 ** (17 - i) % 11);
  return '10X98765432'[sum % 11] === s[17];
}

// safeNext keeps a same-site path only.
function safeNext(n) {
  return n && /^\/(?![\/\\])[^\s]*$/.test(n) ? n : n && /^[\w.-]+\.html(?:[?#][^\s]*)?$/.test(n) ? n : 'index.html';
}

function check(role, subject, division) {
  const errs = [];
  if (!role) errs.push({ field: '/role', message: t('signin.e.role') });
  if (role === 'agency' || role === 'mandated_submitter') {
    if (!subject) errs.push({ field: '/subject', message: t('signin.e.subject_required') });
    else if (!usccOK(subject)) errs.push({ field: '/subject', message: t('signin.e.uscc') });
  } else if (role === 'enterprise') {
    if (!subject) errs.push({ field: '/subject', message: t('signin.e.subject_required') });
    else if (!usccOK(subject) && !residentIdOK(subject)) errs.push({ field: '/subject', message: t('signin.e.uscc_or_id') });
  } else if (role === 'integrator' && !subject) errs.push({ field: '/subject', message: t('signin.e.integrator') });
  if (DIVISION_ROLES.includes(role)) {
    if (!division) errs.push({ field: '/division', message: t('signin.e.division_required') });
    else if (!/^32\d{4}$/.test(division)) errs.push({ field: '/division', message: t('signin.e.division') });
  } else if (division && !/^32\d{4}$/.test(division)) errs.push({ field: '/division', message: t('signin.e.division') });
  if (errs.length) throw invalid(errs);
}

// keyed: a labelled field whose texts follow the language switch.
function keyed(opts) {
  const g = field({ ...opts, label: t(opts.labelKey), hint: opts.hintKey && t(opts.hintKey) });
  $('label', g).dataset.i18n = opts.labelKey;
  if (opts.hintKey) $('.hint', g).dataset.i18n = opts.hintKey;
  return g;
}

async function main() {
  renderLayout({ title: 'signin.title', active: 'signin' });
  const main = $('#main');
  const q = params();
  const roles = (q.get('roles') || '').split(',').filter((r) => ROLES.includes(r));
  const forRoles = () => (roles.length ? t('signin.for_roles', { roles: roles.map((r) => label('role', r)).join('、') }) : '');
  const note = h('p', { class: 'inset', id: 'for-roles', hidden: !roles.length }, forRoles());
  document.addEventListener('ips:lang', () => { note.textContent = forRoles(); });
  replace(main, h('h1', { 'data-i18n': 'signin.title' }, t('signin.title')), note);
  if (!(await devMode())) {
    main.append(h('p', { id: 'oidc-note', 'data-i18n': 'signin.deployed' }, t('signin.deployed')));
    return;
  }
  const role = keyed({ id: 'role', name: 'role', labelKey: 'signin.role', pointer: '/role',
    options: [['', t('signin.role_pick')], ...ROLES.map((r) => [r, label('role', r)])], value: roles[0] || '' });
  const opts = role.querySelectorAll('option');
  opts[0].dataset.i18n = 'signin.role_pick';
  ROLES.forEach((r, i) => { opts[i + 1].dataset.i18n = `role.${r}`; });
  const form = h('form', { id: 'signin-form', novalidate: true },
    role,
    keyed({ id: 'subject', name: 'subject', labelKey: 'signin.subject', hintKey: 'signin.subject_hint', pointer: '/subject', attrs: { autocomplete: 'off', spellcheck: 'false', class: 'input', maxlength: '64' } }),
    keyed({ id: 'division', name: 'division', labelKey: 'signin.division', hintKey: 'signin.division_hint', pointer: '/division', attrs: { inputmode: 'numeric', class: 'input input--short', maxlength: '6', autocomplete: 'off' } }),
    h('button', { type: 'submit', id: 'signin-submit', 'data-i18n': 'signin.submit' }, t('signin.submit')));
  main.append(h('p', { class: 'secondary', 'data-i18n': 'signin.dev_note' }, t('signin.dev_note')), form);
  translate(form);
  submitOnce(form, async () => {
    const r = $('#role').value;
    const typed = $('#subject').value.trim();
    const subject = ['agency', 'mandated_submitter', 'enterprise'].includes(r) ? typed.toUpperCase() : typed;
    const division = $('#division').value.trim();
    check(r, subject, division);
    await signInDev(r, subject, division);
    location.assign(safeNext(q.get('next')));
  });
}

main();
