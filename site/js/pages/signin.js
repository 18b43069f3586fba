// Sign-in. On the local runner (dev mode) a person picks a role and says who they are; the
// runner issues the token (POST /dev/token). A deployment, and a runner given an OIDC issuer,
// signs in through the OIDC provider: the authorization code flow with PKCE (RFC 7636), the
// provider sending the person back here with a code the platform exchanges (POST /v1/auth/token),
// so the page itself only ever talks to its own origin.
import { h, $, replace, params } from '../dom.js';
import { t, lang, addStrings, translate, label } from '../i18n.js';
import { ApiError, authConfig, devMode, signInDev, signInOIDC } from '../api.js';
import { renderLayout } from '../layout.js';
import { submitOnce, invalid, field, showErrors } from '../forms.js';

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
    'signin.oidc_button': '通过统一身份认证登录（{provider}）',
    'signin.oidc_progress': '正在完成登录……',
    'signin.e.state': '登录未能完成：返回的登录请求与本浏览器发起的不一致（可能已过期或被篡改）。请重新登录。',
    'signin.e.access_denied': '您在统一身份认证页面取消了登录或未授权本平台。如需办理，请重新登录。',
    'signin.e.provider': '统一身份认证服务返回错误（{code}），请重新登录。',
    'signin.e.no_crypto': '本浏览器不支持安全登录所需的加密功能，请使用较新的浏览器。',
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
    'signin.oidc_button': 'Sign in with {provider}',
    'signin.oidc_progress': 'Finishing your sign-in…',
    'signin.e.state': 'The sign-in could not be completed: what came back does not match the sign-in this browser began (it may have expired or been tampered with). Sign in again.',
    'signin.e.access_denied': 'You cancelled the sign-in at the identity provider, or did not allow this platform. Sign in again to continue.',
    'signin.e.provider': 'The identity provider answered with an error ({code}). Sign in again.',
    'signin.e.no_crypto': 'This browser lacks the cryptography a secure sign-in needs; use a recent browser.',
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

// The OIDC sign-in in progress: sessionStorage ips.oidc {state, nonce, verifier, next, redirect},
// kept only between leaving for the provider and coming back.
const OIDC = 'ips.oidc';

const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));
// This page, without query or fragment: the redirect URI the provider must allow.
const redirectURI = () => location.origin + location.pathname;

// startOIDC sends the person to the provider's authorization endpoint with a fresh PKCE
// verifier (64 characters; S256 challenge), state and nonce.
async function startOIDC(cfg, next) {
  if (!crypto?.subtle) throw invalid([{ field: '', message: t('signin.e.no_crypto') }]);
  const verifier = randomString(48);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const state = randomString(24);
  const nonce = randomString(24);
  const redirect = redirectURI();
  sessionStorage.setItem(OIDC, JSON.stringify({ state, nonce, verifier, next, redirect }));
  const u = new URL(cfg.authorization_endpoint);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: cfg.client_id, redirect_uri: redirect, scope: cfg.scope || 'openid',
    state, nonce, code_challenge: b64url(new Uint8Array(digest)), code_challenge_method: 'S256', ui_locales: lang() })) u.searchParams.set(k, v);
  location.assign(u.href); // a navigation, not a fetch: the CSP's connect-src stays 'self'
}

// finishOIDC handles the provider's return (?code&state or ?error&state): the code leaves the
// address bar at once, and the saved sign-in is used once.
async function finishOIDC(q, form, progress) {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(OIDC)); } catch { /* none */ }
  sessionStorage.removeItem(OIDC);
  const next = saved?.next || q.get('next') || '';
  history.replaceState(null, '', location.pathname + (next ? `?next=${encodeURIComponent(next)}` : ''));
  const fail = (message) => showErrors(form, { errors: [{ field: '', message }] });
  const error = q.get('error');
  if (error) return fail(error === 'access_denied' ? t('signin.e.access_denied') : t('signin.e.provider', { code: error.slice(0, 64) }));
  if (!saved?.state || saved.state !== q.get('state') || !saved.verifier) return fail(t('signin.e.state'));
  progress.hidden = false;
  try {
    await signInOIDC(q.get('code'), saved.verifier, saved.redirect || redirectURI(), saved.nonce);
  } catch (err) {
    progress.hidden = true;
    return showErrors(form, err instanceof ApiError ? err.problem : { title: String(err?.message || err) });
  }
  location.replace(safeNext(next));
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
  const returning = q.has('state') && (q.has('code') || q.has('error'));
  const [cfg, dev] = await Promise.all([authConfig(), devMode()]);
  if (cfg.enabled || returning || !dev) {
    // The provider's name is the host people will see in the address bar there.
    const provider = cfg.enabled ? new URL(cfg.authorization_endpoint).host : '';
    const button = cfg.enabled && h('button', { type: 'submit', id: 'oidc-signin' }, t('signin.oidc_button', { provider }));
    document.addEventListener('ips:lang', () => { if (button) button.textContent = t('signin.oidc_button', { provider }); });
    const progress = h('p', { id: 'oidc-progress', role: 'status', 'data-i18n': 'signin.oidc_progress', hidden: true }, t('signin.oidc_progress'));
    const form = h('form', { id: 'oidc-form', novalidate: true },
      h('p', { id: 'oidc-note', 'data-i18n': 'signin.deployed' }, t('signin.deployed')), progress, button);
    main.append(form);
    if (button) submitOnce(form, () => startOIDC(cfg, q.get('next') || ''));
    if (returning) await finishOIDC(q, form, progress);
    else if (cfg.problem) showErrors(form, cfg.problem);
  }
  if (!dev) return;
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
