// forms.js: the GOV.UK form patterns: an error summary that takes focus and links to each bad
// field with the message beside the field; money typed in yuan and sent in fen exactly; drafts
// kept in the browser; one submission per click, with one Idempotency-Key per attempt at a draft.

import { h, $, $$, uid } from './dom.js';
import { t, addStrings } from './i18n.js';
import { ApiError } from './api.js';

addStrings({
  'zh-CN': { 'forms.error_summary_title': '存在以下问题', 'forms.error_prefix': '错误：', 'forms.signin_again': '登录已失效。您填写的内容已保存，请重新登录后再提交。', 'forms.fix_below': '请更正以下内容' },
  en: { 'forms.error_summary_title': 'There is a problem', 'forms.error_prefix': 'Error:', 'forms.signin_again': 'Your sign-in has expired. What you typed is kept: sign in again, then submit.', 'forms.fix_below': 'Correct the following' },
});

const CONTROLS = 'input, select, textarea';

// fieldFor finds the element carrying data-pointer for an API field pointer: the exact pointer
// first (rows carry theirs, e.g. /clients/2/id), then its parents (/clients/2, /clients).
function fieldFor(form, pointer) {
  if (!pointer) return null;
  const esc = (p) => (window.CSS?.escape ? CSS.escape(p) : p.replace(/["\\]/g, '\\$&'));
  for (let p = pointer; p; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
    const el = form.querySelector(`[data-pointer="${esc(p)}"]`);
    if (el) return el;
    if (!p.includes('/', 1)) break;
  }
  return null;
}

// focusTarget: the control to focus for a field element (a fieldset's first control).
const focusTarget = (el) => (el.matches(CONTROLS) ? el : el.querySelector(CONTROLS) || el);

// showErrors(form, problem): the summary at the top of form (role=alert, focused) with a link
// per error, and each message inline above its field (aria-invalid, aria-describedby).
// Errors without a matching field are listed in the summary without a link.
export function showErrors(form, problem) {
  clearErrors(form);
  const errors = problem?.errors?.length ? problem.errors
    : [{ field: '', message: problem?.status === 401 ? t('forms.signin_again') : (problem?.detail || problem?.title || '') }];
  const items = [];
  const seen = new Set();
  for (const err of errors) {
    const field = fieldFor(form, err.field);
    const message = err.message || err.code || '';
    if (!field) {
      items.push(h('li', null, message));
      continue;
    }
    const target = focusTarget(field);
    if (!target.id) target.id = uid('field');
    items.push(h('li', null, h('a', { href: `#${target.id}`, 'on:click': (e) => { e.preventDefault(); target.focus(); target.scrollIntoView({ block: 'center' }); } }, message)));
    if (seen.has(field)) continue; // one inline message per field: the first
    seen.add(field);
    const msg = h('p', { class: 'error-message', id: uid('error'), 'data-ips-error': '' },
      h('span', { class: 'visually-hidden' }, t('forms.error_prefix')), ' ', message);
    if (field.tagName === 'FIELDSET') {
      const legend = $('legend', field);
      legend ? legend.after(msg) : field.prepend(msg);
    } else {
      field.before(msg);
    }
    field.closest('.form-group')?.classList.add('form-group--error');
    for (const c of field.matches(CONTROLS) ? [field] : $$(CONTROLS, field)) {
      c.setAttribute('aria-invalid', 'true');
      c.dataset.ipsDescribedby = c.getAttribute('aria-describedby') || '';
      c.setAttribute('aria-describedby', `${c.dataset.ipsDescribedby} ${msg.id}`.trim());
    }
  }
  const title = h('h2', { class: 'error-summary__title', id: uid('error-summary-title') }, t('forms.error_summary_title'));
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': title.id, 'data-ips-error': '' },
    title, h('ul', { class: 'error-summary__list' }, items));
  form.prepend(summary);
  summary.focus();
  summary.scrollIntoView?.({ block: 'start' });
  return summary;
}

export function clearErrors(form) {
  for (const el of $$('[data-ips-error]', form)) el.remove();
  for (const el of $$('.form-group--error', form)) el.classList.remove('form-group--error');
  for (const c of $$('[aria-invalid]', form)) {
    c.removeAttribute('aria-invalid');
    const before = c.dataset.ipsDescribedby;
    if (before) c.setAttribute('aria-describedby', before);
    else c.removeAttribute('aria-describedby');
    delete c.dataset.ipsDescribedby;
  }
}

// invalid(errors) → an ApiError (422) for checks made in the browser before sending, so they
// show exactly like the API's: throw invalid([{field: '/name', message: '...'}]) in submitOnce.
export const invalid = (errors) => new ApiError(422, { title: t('forms.fix_below'), errors });

// Money. "1,234.07" → 123407; "0.07" → 7. Parsed as text, never as a float. Full-width digits
// and separators are accepted; thousands separators must group by three. More than two
// decimals, a sign, or anything else → null.
export function yuanToFen(input) {
  if (input == null) return null;
  const s = String(input).trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.').replace(/[，]/g, ',').replace(/^[¥￥]\s*/, '').replace(/\s*元$/, '');
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const whole = m[1].replace(/,/g, '');
  if (whole.length > 13) return null;
  const fen = Number(whole) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

// fenToYuan(123407) → "1,234.07" (negative amounts get a leading "-").
export function fenToYuan(fen) {
  if (typeof fen !== 'bigint' && !Number.isFinite(Number(fen))) return '';
  let n = typeof fen === 'bigint' ? fen : BigInt(Math.trunc(Number(fen)));
  const neg = n < 0n;
  if (neg) n = -n;
  const whole = (n / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${whole}.${(n % 100n).toString().padStart(2, '0')}`;
}

// Drafts. Every control with a name (else an id) is kept under localStorage "ips.draft.<key>"
// on each input and change; checkboxes and radios by name=value. Names must be unique per
// control (rows: name="clients.2.id").
const draftKey = (key) => `ips.draft.${key}`;
const idemKey = (key) => `ips.idem.${key}`;

function controlKey(c) {
  const n = c.name || c.id;
  if (!n || c.type === 'password' || c.type === 'file' || c.type === 'submit' || c.type === 'button' || c.dataset.noDraft !== undefined) return null;
  return c.type === 'checkbox' || c.type === 'radio' ? `${n}=${c.value}` : n;
}

// formValues: what keepDraft stores for form, {controlKey: value or checked}.
export function formValues(form) {
  const out = {};
  for (const c of $$(CONTROLS, form)) {
    const k = controlKey(c);
    if (k) out[k] = c.type === 'checkbox' || c.type === 'radio' ? c.checked : c.value;
  }
  return out;
}

// readDraft(key) → the stored values or null: a page with rows reads it to add the rows before
// keepDraft restores them (or passes opts.beforeRestore).
export function readDraft(key) {
  try { return JSON.parse(localStorage.getItem(draftKey(key))); } catch { return null; }
}

function restoreValues(form, data) {
  for (const c of $$(CONTROLS, form)) {
    const k = controlKey(c);
    if (!k || !(k in data)) continue;
    if (c.type === 'checkbox' || c.type === 'radio') c.checked = !!data[k];
    else c.value = data[k];
  }
}

// keepDraft(form, key, {beforeRestore(data)}) restores a saved draft now (beforeRestore first,
// to add rows) and saves on every input and change. It fires "ips:draft-restored" on the form
// when it restored something. Returns {save, drop}: call save() after changing controls from
// script (adding or removing a row).
export function keepDraft(form, key, opts = {}) {
  form.dataset.draft = key;
  const data = readDraft(key);
  if (data && typeof data === 'object') {
    opts.beforeRestore?.(data);
    restoreValues(form, data);
    form.dispatchEvent(new CustomEvent('ips:draft-restored', { detail: data }));
  }
  const save = () => {
    try { localStorage.setItem(draftKey(key), JSON.stringify(formValues(form))); } catch { /* storage full: keep going */ }
  };
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  return { save, drop: () => dropDraft(key) };
}

export function dropDraft(key) {
  try {
    localStorage.removeItem(draftKey(key));
    localStorage.removeItem(idemKey(key));
  } catch { /* nothing kept */ }
}

// An answer that settles the request: the server recorded it against the key, so the next
// attempt needs a new key. 401 (checked before the key), 408, 409 (maybe still in flight),
// 429, 5xx and no answer at all leave the outcome open: the retry reuses the key.
const settled = (err) => err instanceof ApiError && err.status >= 400 && err.status < 500 && ![401, 408, 409, 429].includes(err.status);

// submitOnce(form, async (idempotencyKey) => ...): on submit, clears the errors, disables the
// submit buttons while pending, ignores further submits until the attempt ends, and calls fn
// with the Idempotency-Key: the same key as long as the form's values are unchanged and no
// settled answer came (a double click, a retry after a network error, a reload with the draft),
// a new key otherwise. If fn throws an ApiError, showErrors shows it; other errors are shown as
// a summary too. fn does what success means (dropDraft, then the confirmation).
export function submitOnce(form, fn) {
  form.noValidate = true;
  let pending = false;
  const store = () => idemKey(form.dataset.draft || form.id || location.pathname);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (pending) return;
    pending = true;
    const buttons = $$('button[type="submit"], button:not([type]), input[type="submit"]', form);
    for (const b of buttons) { b.disabled = true; b.setAttribute('aria-disabled', 'true'); }
    form.setAttribute('aria-busy', 'true');
    clearErrors(form);
    const fingerprint = JSON.stringify(formValues(form));
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(store())); } catch { /* none */ }
    const key = saved && saved.fingerprint === fingerprint ? saved.key : crypto.randomUUID();
    try { localStorage.setItem(store(), JSON.stringify({ key, fingerprint })); } catch { /* this page only */ }
    try {
      const result = await fn(key);
      try { localStorage.removeItem(store()); } catch { /* fine */ }
      return result;
    } catch (err) {
      if (settled(err)) try { localStorage.removeItem(store()); } catch { /* fine */ }
      showErrors(form, err instanceof ApiError ? err.problem : { title: String(err?.message || err) });
    } finally {
      pending = false;
      form.removeAttribute('aria-busy');
      for (const b of buttons) { b.disabled = false; b.removeAttribute('aria-disabled'); }
    }
  });
}

// field(...): a labelled control in a form-group, the markup every page uses.
// opts: {id, label, hint, pointer, name, type, value, options: [[value, text]], tag, attrs}.
export function field(opts) {
  const id = opts.id || uid('field');
  const tag = opts.tag || (opts.options ? 'select' : 'input');
  const hintId = opts.hint ? `${id}-hint` : null;
  const attrs = { id, name: opts.name || id, 'data-pointer': opts.pointer, 'aria-describedby': hintId, class: tag === 'select' ? 'select' : tag === 'textarea' ? 'textarea' : 'input', ...opts.attrs };
  if (tag === 'input') attrs.type = opts.type || 'text';
  const control = h(tag, { ...attrs, value: opts.value },
    (opts.options || []).map(([v, text]) => h('option', { value: v }, text)));
  return h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, opts.label),
    opts.hint && h('div', { class: 'hint', id: hintId }, opts.hint),
    control);
}
