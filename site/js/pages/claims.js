// claims.js: "My claims" — the claims the platform lets the caller read (GET
// /v1/subsidy-claims?status=…, every status), the claims this browser submitted (their ids kept
// in localStorage) and any claim opened by its reference, each with its status, stage history
// and every decision with its reasons, basis, policy version and time; printable. A returned
// claim shows the stage and comment that returned it and links to its correction
// (claim-correct.html). It also exports the
// pieces the claim page shares (rememberClaim, renderDecision, yuan).
import { h, $, replace, params } from '../dom.js';
import { t, lang, addStrings, fmtDateTime, fmtDate, label } from '../i18n.js';
import { api } from '../api.js';
import { fenToYuan, submitOnce, invalid } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';

const STORE = 'ips.claims';

addStrings({
  'zh-CN': {
    'claims.title': '我的资助申请',
    'claims.lead': '您在平台上的资助申请（以及本浏览器提交过的）列在下面，退回补正的在最前面。也可以输入申请编号查看某一个申请。',
    'claims.returned.title': '需要您补正',
    'claims.returned.text': '{stage}环节退回了这个申请。',
    'claims.returned.comment': '退回意见：{comment}',
    'claims.returned.correct': '补正并重新提交申请 {id}',
    'claims.server_unavailable': '无法从平台加载您的申请列表：{detail}。下面只列出本浏览器记住的申请。',
    'claims.open': '按申请编号查看',
    'claims.open.label': '申请编号',
    'claims.open.hint': '例如 SC20270510-0A1B2C3D4E5F，见提交后的回执。',
    'claims.open.button': '查看',
    'claims.open.required': '请输入申请编号',
    'claims.open.notfound': '没有找到这个申请，或您无权查看。请核对编号。',
    'claims.none': '您还没有资助申请。',
    'claims.new': '申请资助',
    'claims.print': '打印',
    'claims.forget': '从列表中移除',
    'claims.loading': '正在加载申请 {id}……',
    'claims.unavailable': '无法加载申请 {id}：{detail}',
    'claims.ref': '申请编号', 'claims.status': '状态', 'claims.programme': '资助项目',
    'claims.claimant': '申报单位',
    'claims.submitted_at': '提交时间',
    'claims.allocated': '已拨付金额',
    'claims.shares': '其中市级 {city}，区级 {district}',
    'claims.notice': '公示期',
    'claims.history': '办理过程',
    'claims.history.when': '时间', 'claims.history.action': '事项', 'claims.history.stage': '环节',
    'claims.history.by': '办理人', 'claims.history.status': '办理后状态', 'claims.history.comment': '意见',
    'claims.decisions': '审核决定',
    'claims.decision': '{stage}的决定',
    'claims.status.submitted': '已提交，待区（县）初审', 'claims.status.city_review': '待市级复审',
    'claims.status.public_notice': '公示中', 'claims.status.allocation': '待拨付', 'claims.status.allocated': '已拨付',
    'claims.status.returned': '已退回补正', 'claims.status.rejected': '不予支持', 'claims.status.recovered': '已追回',
    'claims.action.submit': '提交', 'claims.action.resubmit': '补正后重新提交', 'claims.action.pass': '通过',
    'claims.action.return': '退回', 'claims.action.reject': '不予支持', 'claims.action.reopen': '异议，重新复审', 'claims.action.recover': '追回',
    'claims.stage.submission': '提交', 'claims.stage.evaluation': '预估', 'claims.stage.district': '区（县）初审',
    'claims.stage.city': '市级复审', 'claims.stage.notice': '公示', 'claims.stage.allocation': '拨付',
    'decision.eligible': '可获资助', 'decision.ineligible': '不予支持',
    'decision.amount': '资助金额', 'decision.requested': '按规则计算的金额（未封顶前）',
    'decision.city_share': '市级承担', 'decision.district_share': '区级承担',
    'decision.period': '适用政策期间', 'decision.period.none': '事项发生日没有有效的政策',
    'decision.caps': '适用的上限', 'decision.cap.line': '{cap}：上限 {limit}，{before} → {after}',
    'decision.caps.none': '未触及上限',
    'decision.reasons': '理由', 'decision.reasons.none': '全额支持，没有不予支持或核减的理由。',
    'decision.basis': '（依据：{basis}）', 'decision.agency': '涉及机构：{agency}',
    'decision.policy_version': '政策版本', 'decision.decided_at': '决定时间',
    'cap.pledge_reward_per_claim': '单笔奖励上限', 'cap.pledge_reward_per_enterprise': '每家企业奖励上限（限一次）',
    'cap.pledge_service_fee_per_claim': '单次服务费资助上限', 'cap.pledge_service_fee_per_year': '每家企业每年服务费资助上限',
    'cap.pledge_service_fee_years': '服务费资助年数上限（2 年）',
    'cap.insurance_premium_per_claim': '单次保费资助上限', 'cap.insurance_premium_per_enterprise': '每家企业保费资助上限（限一年）',
    'cap.securitisation_per_claim': '单次证券化资助上限', 'cap.securitisation_per_project': '每个项目资助上限（限一次）',
  },
  en: {
    'claims.title': 'My subsidy claims',
    'claims.lead': 'Your claims on the platform (and those submitted from this browser) are listed below, the ones returned for correction first. You can also open a claim by its reference.',
    'claims.returned.title': 'Needs your correction',
    'claims.returned.text': 'The {stage} stage returned this claim.',
    'claims.returned.comment': 'Comment: {comment}',
    'claims.returned.correct': 'Correct and resubmit claim {id}',
    'claims.server_unavailable': 'Your claims could not be listed from the platform: {detail}. Only the claims this browser remembers are shown.',
    'claims.open': 'Open a claim by its reference',
    'claims.open.label': 'Claim reference',
    'claims.open.hint': 'For example SC20270510-0A1B2C3D4E5F, as on the receipt.',
    'claims.open.button': 'Open',
    'claims.open.required': 'Enter the claim reference',
    'claims.open.notfound': 'No such claim, or you may not see it. Check the reference.',
    'claims.none': 'You have no subsidy claim yet.',
    'claims.new': 'Claim a subsidy',
    'claims.print': 'Print',
    'claims.forget': 'Remove from this list',
    'claims.loading': 'Loading claim {id}…',
    'claims.unavailable': 'Claim {id} could not be loaded: {detail}',
    'claims.ref': 'Claim reference', 'claims.status': 'Status', 'claims.programme': 'Programme',
    'claims.claimant': 'Claimant',
    'claims.submitted_at': 'Submitted',
    'claims.allocated': 'Allocated',
    'claims.shares': 'of which the city pays {city} and the district {district}',
    'claims.notice': 'Public notice',
    'claims.history': 'History',
    'claims.history.when': 'When', 'claims.history.action': 'What', 'claims.history.stage': 'Stage',
    'claims.history.by': 'By', 'claims.history.status': 'Status after', 'claims.history.comment': 'Comment',
    'claims.decisions': 'Decisions',
    'claims.decision': 'Decision at {stage}',
    'claims.status.submitted': 'Submitted, awaiting the district review', 'claims.status.city_review': 'Awaiting the city review',
    'claims.status.public_notice': 'In public notice', 'claims.status.allocation': 'Awaiting allocation', 'claims.status.allocated': 'Allocated',
    'claims.status.returned': 'Returned for correction', 'claims.status.rejected': 'Rejected', 'claims.status.recovered': 'Recovered',
    'claims.action.submit': 'Submitted', 'claims.action.resubmit': 'Resubmitted after correction', 'claims.action.pass': 'Passed',
    'claims.action.return': 'Returned', 'claims.action.reject': 'Rejected', 'claims.action.reopen': 'Objection: city review reopened', 'claims.action.recover': 'Recovered',
    'claims.stage.submission': 'submission', 'claims.stage.evaluation': 'preview', 'claims.stage.district': 'district review',
    'claims.stage.city': 'city review', 'claims.stage.notice': 'public notice', 'claims.stage.allocation': 'allocation',
    'decision.eligible': 'Eligible', 'decision.ineligible': 'Not supported',
    'decision.amount': 'Subsidy', 'decision.requested': 'Amount by the rule, before caps',
    'decision.city_share': 'Paid by the city', 'decision.district_share': 'Paid by the district',
    'decision.period': 'Measures applied', 'decision.period.none': 'No measures in force on the date of the event',
    'decision.caps': 'Caps applied', 'decision.cap.line': '{cap}: cap {limit}, {before} → {after}',
    'decision.caps.none': 'No cap reached',
    'decision.reasons': 'Reasons', 'decision.reasons.none': 'Granted in full: no reason refuses or reduces it.',
    'decision.basis': '(basis: {basis})', 'decision.agency': 'Agency concerned: {agency}',
    'decision.policy_version': 'Policy version', 'decision.decided_at': 'Decided',
    'cap.pledge_reward_per_claim': 'Cap per claim', 'cap.pledge_reward_per_enterprise': 'Cap per enterprise (once)',
    'cap.pledge_service_fee_per_claim': 'Cap per claim', 'cap.pledge_service_fee_per_year': 'Cap per enterprise and year',
    'cap.pledge_service_fee_years': 'At most 2 years per enterprise',
    'cap.insurance_premium_per_claim': 'Cap per claim', 'cap.insurance_premium_per_enterprise': 'Cap per enterprise (one year)',
    'cap.securitisation_per_claim': 'Cap per claim', 'cap.securitisation_per_project': 'Cap per project (once)',
  },
});

// yuan(fen) → "50,000.00 元" / "CNY 50,000.00".
export const yuan = (fen) => t('common.yuan', { amount: fenToYuan(fen ?? 0) });

// The claim ids this browser submitted, newest first.
export function rememberedClaims() {
  try {
    const v = JSON.parse(localStorage.getItem(STORE));
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberClaim(id) {
  const ids = [id, ...rememberedClaims().filter((x) => x !== id)].slice(0, 200);
  try { localStorage.setItem(STORE, JSON.stringify(ids)); } catch { /* private mode */ }
}

function forgetClaim(id) {
  try { localStorage.setItem(STORE, JSON.stringify(rememberedClaims().filter((x) => x !== id))); } catch { /* ignore */ }
}

const row = (key, ...value) => [h('dt', {}, t(key)), h('dd', {}, ...value)];
const message = (r) => (lang() === 'en' ? r.message_en : r.message_zh) || r.code;

// renderDecision shows a subsidy decision: eligible or not, the amount and shares, the period
// of the measures, every cap and every reason with its legal basis, the policy version and time.
export function renderDecision(d, { headingLevel = 'h3' } = {}) {
  const sub = (key) => h(headingLevel === 'h3' ? 'h4' : 'h3', { class: 'heading-s' }, t(key));
  return h('div', { class: 'decision', 'data-eligible': String(!!d.eligible) },
    h('p', { class: d.eligible ? 'tag tag--green decision-outcome' : 'tag tag--red decision-outcome' },
      d.eligible ? t('decision.eligible') : t('decision.ineligible')),
    h('dl', { class: 'summary-list' },
      row('decision.amount', h('strong', { class: 'decision-amount' }, yuan(d.amount_fen))),
      row('decision.city_share', yuan(d.city_share_fen)),
      row('decision.district_share', yuan(d.district_share_fen)),
      d.requested_fen != null ? row('decision.requested', yuan(d.requested_fen)) : null,
      row('decision.period', d.period ? `${fmtDate(d.period.from)} – ${fmtDate(d.period.to)}` : t('decision.period.none'),
        d.period?.source ? [' ', h('span', { class: 'basis' }, t('decision.basis', { basis: d.period.source }))] : null)),
    sub('decision.caps'),
    d.caps_applied?.length
      ? h('ul', { class: 'list decision-caps' }, d.caps_applied.map((c) => h('li', {},
        t('decision.cap.line', { cap: label('cap', c.cap), limit: yuan(c.limit_fen), before: yuan(c.before_fen), after: yuan(c.after_fen) }),
        ' ', h('span', { class: 'basis' }, t('decision.basis', { basis: c.basis })))))
      : h('p', { class: 'hint' }, t('decision.caps.none')),
    sub('decision.reasons'),
    d.reasons?.length
      ? h('ul', { class: 'list decision-reasons' }, d.reasons.map((r) => h('li', { 'data-code': r.code },
        message(r), ' ', h('span', { class: 'basis' }, t('decision.basis', { basis: r.basis })),
        r.agency ? [' ', h('span', {}, t('decision.agency', { agency: r.agency }))] : null)))
      : h('p', { class: 'decision-reasons-none' }, t('decision.reasons.none')),
    h('dl', { class: 'summary-list summary-list--small' },
      row('decision.policy_version', h('code', {}, d.policy_version || '')),
      d.decided_at ? row('decision.decided_at', fmtDateTime(d.decided_at)) : null));
}

const stageName = (s) => (s ? label('claims.stage', s) : '');

// returnedBox: for a returned claim, the stage and comment that returned it and the way on.
function returnedBox(c) {
  if (c.status !== 'returned') return null;
  const ret = [...(c.history || [])].reverse().find((e) => e.action === 'return');
  return h('div', { class: 'notification-banner claim-returned', role: 'region', 'aria-label': t('claims.returned.title') },
    h('h3', { class: 'heading-s' }, t('claims.returned.title')),
    h('p', {}, t('claims.returned.text', { stage: stageName(c.returned_stage || ret?.stage) })),
    ret?.comment ? h('p', { class: 'claim-return-comment' }, t('claims.returned.comment', { comment: ret.comment })) : null,
    h('p', { class: 'no-print' }, h('a', { class: 'button claim-correct', href: `claim-correct.html?id=${encodeURIComponent(c.id)}` }, t('claims.returned.correct', { id: c.id }))));
}

function renderClaim(c) {
  const decisions = c.decisions?.length ? c.decisions : (c.decision ? [c.decision] : []);
  const cl = c.claim?.claimant || {};
  return [
    h('h2', { class: 'heading-m' }, `${t('claims.ref')} ${c.id}`),
    returnedBox(c),
    h('dl', { class: 'summary-list' },
      row('claims.status', h('strong', { class: 'claim-status', 'data-status': c.status }, label('claims.status', c.status))),
      row('claims.programme', label('programme', c.claim?.programme)),
      row('claims.claimant', `${cl.name || ''} (${cl.uscc || ''})`),
      row('claims.submitted_at', fmtDateTime(c.submitted_at)),
      c.notice_from ? row('claims.notice', `${fmtDateTime(c.notice_from)} – ${fmtDateTime(c.notice_until)}`) : null,
      c.allocated_fen ? row('claims.allocated', yuan(c.allocated_fen), ' ',
        t('claims.shares', { city: yuan(c.city_share_fen), district: yuan(c.district_share_fen) })) : null),
    h('h3', { class: 'heading-s' }, t('claims.history')),
    h('table', { class: 'table claim-history' },
      h('thead', {}, h('tr', {}, ['when', 'action', 'stage', 'by', 'status', 'comment'].map((k) => h('th', { scope: 'col' }, t(`claims.history.${k}`))))),
      h('tbody', {}, (c.history || []).map((e) => h('tr', {},
        h('td', {}, fmtDateTime(e.at)),
        h('td', {}, label('claims.action', e.action)),
        h('td', {}, stageName(e.stage)),
        h('td', {}, label('role', e.actor?.role)),
        h('td', {}, label('claims.status', e.status)),
        h('td', {}, e.comment || (e.amount_fen ? yuan(e.amount_fen) : '')))))),
    h('h3', { class: 'heading-s' }, t('claims.decisions')),
    decisions.map((d) => h('section', { class: 'decision-receipt' },
      h('h4', { class: 'heading-s' }, t('claims.decision', { stage: stageName(d.stage) })),
      renderDecision(d, { headingLevel: 'h4' }))),
  ];
}

// ---- the page ----
const loaded = new Map(); // id → claim or {error}
const STATUSES = ['returned', 'submitted', 'city_review', 'public_notice', 'allocation', 'allocated', 'rejected', 'recovered'];
let serverIds = []; // the claims the platform lists for the caller, returned first, newest first
let serverError = null;

// loadServer lists every claim the caller may read, status by status, following the cursors
// (a page may hold fewer items than asked: the platform skips what the caller may not read).
async function loadServer() {
  const found = [];
  await Promise.all(STATUSES.map(async (status) => {
    let cursor = '';
    for (let page = 0; page < 20; page++) {
      const q = new URLSearchParams({ status, limit: '500' });
      if (cursor) q.set('cursor', cursor);
      const res = await api('GET', `/v1/subsidy-claims?${q}`);
      for (const c of res.body?.items || []) {
        loaded.set(c.id, { claim: c });
        found.push(c);
      }
      cursor = res.body?.next_cursor || '';
      if (!cursor) break;
    }
  }));
  found.sort((a, b) => (a.status === 'returned') !== (b.status === 'returned')
    ? (a.status === 'returned' ? -1 : 1)
    : String(b.submitted_at).localeCompare(String(a.submitted_at)));
  serverIds = found.map((c) => c.id);
}

async function load(id) {
  try {
    const res = await api('GET', `/v1/subsidy-claims/${encodeURIComponent(id)}`);
    loaded.set(id, { claim: res.body });
  } catch (err) {
    loaded.set(id, { error: err });
  }
}

function renderList(box) {
  const ids = [...new Set([...serverIds, ...rememberedClaims()])];
  const warning = serverError ? h('p', { class: 'error-message', id: 'claims-server-error' },
    t('claims.server_unavailable', { detail: serverError.problem?.detail || serverError.problem?.title || serverError.message })) : null;
  if (!ids.length) {
    replace(box, warning, h('p', { id: 'claims-none' }, t('claims.none'), ' ', h('a', { href: 'claim.html' }, t('claims.new'))));
    return;
  }
  replace(box, warning, ids.map((id) => {
    const got = loaded.get(id);
    let body;
    if (!got) body = h('p', { class: 'hint' }, t('claims.loading', { id }));
    else if (got.error) body = h('p', { class: 'error-message' }, t('claims.unavailable', { id, detail: got.error.status === 404 ? t('claims.open.notfound') : (got.error.problem?.detail || got.error.message) }));
    else body = renderClaim(got.claim);
    return h('article', { class: 'claim-card receipt', id: `claim-${id}`, 'data-claim': id },
      body,
      h('p', { class: 'no-print' },
        h('button', { type: 'button', class: 'button secondary', 'on:click': () => printOne(id) }, t('claims.print')), ' ',
        serverIds.includes(id) ? null
          : h('button', { type: 'button', class: 'link-button', 'on:click': () => { forgetClaim(id); loaded.delete(id); renderList(box); } }, t('claims.forget'))));
  }));
}

// printOne prints one claim: the others are hidden while the print dialog is open.
function printOne(id) {
  const others = [...document.querySelectorAll('.claim-card')].filter((el) => el.dataset.claim !== id);
  for (const el of others) el.hidden = true;
  const restore = () => { for (const el of others) el.hidden = false; window.removeEventListener('afterprint', restore); };
  window.addEventListener('afterprint', restore);
  window.print();
  setTimeout(restore, 0);
}

async function main() {
  renderLayout({ title: 'claims.title', active: 'claims' });
  const s = requireSession(['enterprise', 'mandated_submitter']);
  if (!s) return;
  const mainEl = $('#main');
  const list = h('div', { id: 'claims-list', 'aria-live': 'polite' });
  const input = h('input', { id: 'open-id', name: 'open-id', type: 'text', class: 'input', 'data-pointer': '/id', 'aria-describedby': 'open-id-hint', autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { id: 'open-form', action: '#', method: 'get', class: 'no-print' },
    h('h2', { class: 'heading-m', 'data-i18n': 'claims.open' }, t('claims.open')),
    h('div', { class: 'form-group' },
      h('label', { for: 'open-id', class: 'label', 'data-i18n': 'claims.open.label' }, t('claims.open.label')),
      h('p', { id: 'open-id-hint', class: 'hint', 'data-i18n': 'claims.open.hint' }, t('claims.open.hint')),
      input),
    h('button', { type: 'submit', class: 'button', id: 'open-submit', 'data-i18n': 'claims.open.button' }, t('claims.open.button')));
  replace(mainEl,
    h('h1', { class: 'heading-l', 'data-i18n': 'claims.title' }, t('claims.title')),
    h('p', { class: 'lead', 'data-i18n': 'claims.lead' }, t('claims.lead')),
    form, list);

  submitOnce(form, async () => {
    const id = input.value.trim().toUpperCase();
    if (!id) throw invalid([{ field: '/id', code: 'required', message: t('claims.open.required') }]);
    try {
      const res = await api('GET', `/v1/subsidy-claims/${encodeURIComponent(id)}`);
      loaded.set(id, { claim: res.body });
    } catch (err) {
      if (err.status === 404 || err.status === 422) throw invalid([{ field: '/id', code: 'not_found', message: t('claims.open.notfound') }]);
      throw err;
    }
    rememberClaim(id);
    input.value = '';
    renderList(list);
    document.getElementById(`claim-${id}`)?.scrollIntoView({ block: 'start' });
  });

  const wanted = params().get('id');
  if (wanted && /^[A-Za-z0-9-]{1,100}$/.test(wanted) && !rememberedClaims().includes(wanted)) {
    await load(wanted);
    if (loaded.get(wanted)?.claim) rememberClaim(wanted);
  }
  renderList(list);
  try {
    await loadServer();
  } catch (err) {
    serverError = err;
  }
  renderList(list);
  await Promise.all(rememberedClaims().filter((id) => !loaded.has(id)).map(load));
  renderList(list);
  document.addEventListener('ips:lang', () => renderList(list));
}

// The claim page imports this module for its helpers; the page itself runs only on claims.html.
if (document.querySelector('script[type="module"][src$="js/pages/claims.js"]')) main();
