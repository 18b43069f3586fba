// claim.js: the subsidy claim form (API.md "Subsidy claim"; DOMAIN.md §4) with a live preview
// of the decision from POST /v1/subsidy-evaluations, and the receipt after submission.
import { h, $, $$, replace, clear } from '../dom.js';
import { t, lang, addStrings, fmtDateTime } from '../i18n.js';
import { api, session } from '../api.js';
import { yuanToFen, keepDraft, dropDraft, submitOnce, invalid } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';
import { rememberClaim, renderDecision, yuan } from './claims.js';

const PROGRAMMES = ['pledge_reward', 'pledge_service_fee', 'insurance_premium', 'securitisation'];
const DRAFT = 'ips.claim.draft';

addStrings({
  'zh-CN': {
    'claim.title': '申请知识产权金融资助',
    'claim.lead': '依据《苏州市知识产权金融资助办法》（2021—2023 年有效）。填写时右侧（或下方）会按您填写的内容即时预估审核结果；预估不保存任何内容。',
    'claim.programme': '资助项目',
    'claim.programme.hint': '选择一个项目。每个项目的规则见其说明。',
    'claim.rule.pledge_reward': '按实际发放的知识产权质押贷款额的 1% 奖励，每家企业最高 10 万元，限一次（第三条、第四条）。',
    'claim.rule.pledge_service_fee': '按实际支付的担保、评估等服务费资助，每家企业每年最高 10 万元，市、区各承担 50%，累计不超过 2 年（第五条）。',
    'claim.rule.insurance_premium': '仅限重点企业；按实际支付的保费资助，每家企业最高 30 万元，市、区各 50%，限一年；提前退保的追回资助（第六条、第十条）。',
    'claim.rule.securitisation': '按利息、税费、担保费和服务费的 50% 资助，每个项目最高 200 万元，限一次（第七条）。',
    'claim.claimant': '申报单位',
    'claim.claimant.uscc': '统一社会信用代码',
    'claim.claimant.uscc.hint': '18 位，例如 91320508MA1CL0012P。',
    'claim.claimant.name': '单位名称',
    'claim.claimant.district': '注册地行政区划代码',
    'claim.claimant.district.hint': '6 位，例如姑苏区 320508（本办法适用于苏州市区 3205xx）。',
    'claim.claimant.key': '申报单位是重点企业',
    'claim.claimant.platform': '申报单位已在苏州市知识产权金融服务平台注册（第九条）',
    'claim.event': '申报事项',
    'claim.event.choose': '请先选择资助项目。',
    'claim.loan': '实际发放的贷款金额（元）',
    'claim.amount.hint': '以元为单位，最多两位小数，例如 5,000,000.00。',
    'claim.disbursed_on': '放款日期',
    'claim.date.hint': '格式：年-月-日，例如 2022-05-20。',
    'claim.lender': '贷款银行',
    'claim.pledge_no': '质押登记号',
    'claim.pledged_ip': '质押的知识产权',
    'claim.pledged_ip.hint': '每行一项，例如专利号 ZL201910123456.7。',
    'claim.fees': '已支付的服务费',
    'claim.fee': '第 {n} 笔服务费',
    'claim.fee.kind': '费用类型',
    'claim.fee.kind.guarantee': '担保费', 'claim.fee.kind.valuation': '评估费', 'claim.fee.kind.other': '其他服务费',
    'claim.fee.amount': '金额（元）',
    'claim.fee.paid_on': '支付日期',
    'claim.fee.invoice': '发票号码',
    'claim.fee.add': '添加一笔服务费',
    'claim.fee.remove': '删除第 {n} 笔服务费',
    'claim.premium': '实际支付的保费（元）',
    'claim.paid_on': '保费支付日期',
    'claim.policy_no': '保单号',
    'claim.costs': '利息、税费、担保费和服务费合计（元）',
    'claim.issued_on': '发行日期',
    'claim.project_id': '项目编号',
    'claim.agencies': '参与的知识产权服务机构',
    'claim.agencies.hint': '列出为本次融资提供服务的机构（评估、代理等）。受处理的机构会影响资助（第十二条）。没有可不填。',
    'claim.agency': '第 {n} 家机构',
    'claim.agency.uscc': '机构统一社会信用代码',
    'claim.agency.role': '所起作用',
    'claim.agency.add': '添加一家机构',
    'claim.agency.remove': '删除第 {n} 家机构',
    'claim.disputed': '所涉知识产权的所有权等存在争议',
    'claim.declarations': '声明',
    'claim.commitment': '信用承诺：本单位对申报材料的真实性、合法性、有效性和完整性负责；如有虚假，愿记入不良信用记录并被取消资助资格（第十五条）。',
    'claim.mandate': '委托申报',
    'claim.mandate.hint': '您作为受托机构代企业申报（第十一条（一）），请填写委托。',
    'claim.mandate.submitter': '受托机构统一社会信用代码',
    'claim.mandate.reference': '委托书编号',
    'claim.submit': '提交申请',
    'claim.preview': '预估审核结果',
    'claim.preview.incomplete': '填写以下各项后显示预估：',
    'claim.preview.loading': '正在预估……',
    'claim.preview.error': '暂时无法预估：{detail}',
    'claim.missing.programme': '资助项目', 'claim.missing.claimant': '申报单位的代码、名称和行政区划',
    'claim.missing.event': '申报事项的各项内容', 'claim.missing.commitment': '信用承诺',
    'claim.missing.mandate': '委托申报的各项内容',
    'claim.amount.invalid': '请输入以元为单位、最多两位小数的正数金额，例如 1,234.07',
    'claim.refused': '申请不予支持',
    'claim.refused.lead': '按您填写的内容，本申请不符合资助条件，原因如下：',
    'claim.receipt.title': '申请已提交',
    'claim.receipt.ref': '申请编号',
    'claim.receipt.status': '状态',
    'claim.receipt.amount': '预计资助金额',
    'claim.receipt.next': '接下来',
    'claim.receipt.next1': '区（县）知识产权部门初审。',
    'claim.receipt.next2': '市知识产权局复审。',
    'claim.receipt.next3': '在平台公示 5 天；有异议的重新复审。',
    'claim.receipt.next4': '拨付资金（市、区分担部分分别拨付）。',
    'claim.receipt.next5': '任何一步都可能退回补正或不予支持，并说明理由；请保存申请编号，在“我的申请”中查看进度。',
    'claim.receipt.mine': '查看我的申请',
    'claim.receipt.print': '打印回执',
    'claim.receipt.another': '再申请一项',
    'claim.network': '网络错误，申请未能送达。请稍后再试：重试不会重复提交。',
  },
  en: {
    'claim.title': 'Claim an IP finance subsidy',
    'claim.lead': 'Under the Suzhou IP finance subsidy measures (in force 2021–2023). As you fill in the form, the preview shows the decision your claim would get; the preview stores nothing.',
    'claim.programme': 'Programme',
    'claim.programme.hint': 'Choose one. Each programme’s rule is given under it.',
    'claim.rule.pledge_reward': '1% of the loan actually disbursed against a registered IP pledge, at most 100,000 CNY per enterprise, once (Articles 3 and 4).',
    'claim.rule.pledge_service_fee': 'Guarantee, valuation and other service fees actually paid, at most 100,000 CNY per enterprise a year, half city and half district, for at most 2 years (Article 5).',
    'claim.rule.insurance_premium': 'Key enterprises only: the premium actually paid, at most 300,000 CNY per enterprise, half city and half district, one year; recovered if the policy is surrendered early (Articles 6 and 10).',
    'claim.rule.securitisation': '50% of interest, taxes, guarantee and service fees, at most 2,000,000 CNY per project, once (Article 7).',
    'claim.claimant': 'Claimant',
    'claim.claimant.uscc': 'Unified social credit code',
    'claim.claimant.uscc.hint': '18 characters, for example 91320508MA1CL0012P.',
    'claim.claimant.name': 'Name',
    'claim.claimant.district': 'Division code of registration',
    'claim.claimant.district.hint': '6 digits, for example 320508 for Gusu (the measures cover Suzhou’s urban districts, 3205xx).',
    'claim.claimant.key': 'The claimant is a key enterprise',
    'claim.claimant.platform': 'The claimant is registered on the Suzhou IP finance service platform (Article 9)',
    'claim.event': 'What you claim for',
    'claim.event.choose': 'Choose a programme first.',
    'claim.loan': 'Loan actually disbursed (CNY)',
    'claim.amount.hint': 'In yuan, at most two decimals, for example 5,000,000.00.',
    'claim.disbursed_on': 'Date of disbursement',
    'claim.date.hint': 'As year-month-day, for example 2022-05-20.',
    'claim.lender': 'Lending bank',
    'claim.pledge_no': 'Pledge registration number',
    'claim.pledged_ip': 'IP pledged',
    'claim.pledged_ip.hint': 'One per line, for example patent ZL201910123456.7.',
    'claim.fees': 'Service fees paid',
    'claim.fee': 'Fee {n}',
    'claim.fee.kind': 'Kind of fee',
    'claim.fee.kind.guarantee': 'Guarantee', 'claim.fee.kind.valuation': 'Valuation', 'claim.fee.kind.other': 'Other service fee',
    'claim.fee.amount': 'Amount (CNY)',
    'claim.fee.paid_on': 'Date paid',
    'claim.fee.invoice': 'Invoice number',
    'claim.fee.add': 'Add a fee',
    'claim.fee.remove': 'Remove fee {n}',
    'claim.premium': 'Premium actually paid (CNY)',
    'claim.paid_on': 'Date the premium was paid',
    'claim.policy_no': 'Policy number',
    'claim.costs': 'Interest, taxes, guarantee and service fees together (CNY)',
    'claim.issued_on': 'Date of issue',
    'claim.project_id': 'Project number',
    'claim.agencies': 'IP service agencies involved',
    'claim.agencies.hint': 'The agencies that served this financing (valuation, agency work…). A sanctioned agency affects the subsidy (Article 12). Leave empty if none.',
    'claim.agency': 'Agency {n}',
    'claim.agency.uscc': 'Agency’s unified social credit code',
    'claim.agency.role': 'What it did',
    'claim.agency.add': 'Add an agency',
    'claim.agency.remove': 'Remove agency {n}',
    'claim.disputed': 'The ownership (or another right) of the IP concerned is disputed',
    'claim.declarations': 'Declarations',
    'claim.commitment': 'Credit commitment: the claimant answers for the material being true, legal, valid and complete; a false commitment is recorded as bad credit and disqualifies the claimant (Article 15).',
    'claim.mandate': 'Claiming under a mandate',
    'claim.mandate.hint': 'You claim for the enterprise as its mandated institution (Article 11(1)): give the mandate.',
    'claim.mandate.submitter': 'Your unified social credit code',
    'claim.mandate.reference': 'Mandate reference',
    'claim.submit': 'Submit the claim',
    'claim.preview': 'Preview of the decision',
    'claim.preview.incomplete': 'The preview appears once you have given:',
    'claim.preview.loading': 'Evaluating…',
    'claim.preview.error': 'No preview for now: {detail}',
    'claim.missing.programme': 'the programme', 'claim.missing.claimant': 'the claimant’s code, name and division',
    'claim.missing.event': 'every detail of what you claim for', 'claim.missing.commitment': 'the credit commitment',
    'claim.missing.mandate': 'the mandate',
    'claim.amount.invalid': 'Enter a positive amount in yuan with at most two decimals, for example 1,234.07',
    'claim.refused': 'The claim is not supported',
    'claim.refused.lead': 'As filled in, the claim does not qualify, for these reasons:',
    'claim.receipt.title': 'Claim submitted',
    'claim.receipt.ref': 'Claim reference',
    'claim.receipt.status': 'Status',
    'claim.receipt.amount': 'Expected subsidy',
    'claim.receipt.next': 'What happens next',
    'claim.receipt.next1': 'The district IP office reviews it first.',
    'claim.receipt.next2': 'The city IP office reviews it.',
    'claim.receipt.next3': 'It is published for 5 days; an objection sends it back to the city review.',
    'claim.receipt.next4': 'The funds are allocated (the city’s and the district’s shares).',
    'claim.receipt.next5': 'At any step it may be returned for correction or refused, with reasons. Keep the reference: “My claims” shows its progress.',
    'claim.receipt.mine': 'See my claims',
    'claim.receipt.print': 'Print this receipt',
    'claim.receipt.another': 'Make another claim',
    'claim.network': 'Network error: the claim did not arrive. Try again later; a retry never submits twice.',
  },
});

// tx is an element whose text is the string key, kept in the current language.
const tx = (tag, key, attrs = {}, vars) => h(tag, vars ? attrs : { ...attrs, 'data-i18n': key }, t(key, vars));

let seq = 0;
// field builds a labelled input with a hint and the JSON pointer the API names it by.
function field({ id, label, hint, pointer, type = 'text', value, attrs = {}, textarea = false, labelVars }) {
  const hintId = hint ? `${id}-hint` : null;
  const input = h(textarea ? 'textarea' : 'input', {
    id, name: id, type: textarea ? null : type, value, 'data-pointer': pointer,
    'aria-describedby': hintId, class: textarea ? 'textarea' : 'input', ...attrs,
  });
  return h('div', { class: 'form-group' },
    tx('label', label, { for: id, class: 'label' }, labelVars),
    hint ? tx('p', hint, { id: hintId, class: 'hint' }) : null,
    input);
}

function checkbox({ id, label, pointer, checked }) {
  return h('div', { class: 'checkboxes' }, h('div', {},
    h('input', { id, name: id, type: 'checkbox', 'data-pointer': pointer, checked }),
    tx('label', label, { for: id })));
}

const fieldset = (legendKey, ...children) => h('fieldset', { class: 'fieldset' }, tx('legend', legendKey, { class: 'legend' }), ...children);

// Rows of the repeating parts (fees, agencies): a restored draft brings as many rows as it had.
const pendingRows = { fees: 1, agencies: 0 };
let draft = { save: () => {} };
const saveRows = () => draft.save();

function feeRow(i) {
  const p = `/event/fees/${i}`;
  const kindId = `fee-${i}-kind`;
  return h('fieldset', { class: 'fieldset row fee-row', 'data-row': i },
    tx('legend', 'claim.fee', { class: 'legend-small' }, { n: i + 1 }),
    h('div', { class: 'form-group' },
      tx('label', 'claim.fee.kind', { for: kindId, class: 'label' }),
      h('select', { id: kindId, name: kindId, 'data-pointer': `${p}/kind`, class: 'select' },
        ['guarantee', 'valuation', 'other'].map((k) => tx('option', `claim.fee.kind.${k}`, { value: k })))),
    field({ id: `fee-${i}-amount`, label: 'claim.fee.amount', hint: 'claim.amount.hint', pointer: `${p}/amount_fen`, attrs: { inputmode: 'decimal', autocomplete: 'off' } }),
    field({ id: `fee-${i}-paid-on`, label: 'claim.fee.paid_on', hint: 'claim.date.hint', pointer: `${p}/paid_on`, attrs: { autocomplete: 'off' } }),
    field({ id: `fee-${i}-invoice`, label: 'claim.fee.invoice', pointer: `${p}/invoice_no` }),
    h('button', { type: 'button', class: 'button secondary', 'data-remove': 'fee', 'on:click': () => removeRow('.fee-row', i, renumberFees) },
      t('claim.fee.remove', { n: i + 1 })));
}

function agencyRow(i) {
  const p = `/agencies/${i}`;
  return h('fieldset', { class: 'fieldset row agency-row', 'data-row': i },
    tx('legend', 'claim.agency', { class: 'legend-small' }, { n: i + 1 }),
    field({ id: `agency-${i}-uscc`, label: 'claim.agency.uscc', pointer: `${p}/uscc`, attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    field({ id: `agency-${i}-role`, label: 'claim.agency.role', pointer: `${p}/role` }),
    h('button', { type: 'button', class: 'button secondary', 'on:click': () => removeRow('.agency-row', i, renumberAgencies) },
      t('claim.agency.remove', { n: i + 1 })));
}

// removeRow drops row i, moving the values of the rows after it up by one, so ids and JSON
// pointers stay in step with the array the API receives.
function removeRow(sel, i, rebuild) {
  const rows = $$(sel);
  const values = rows.map((r) => $$('input, select, textarea', r).map((el) => el.value));
  values.splice(i, 1);
  rebuild(values);
  saveRows();
  schedulePreview();
}

function rebuildRows(container, make, values) {
  clear(container);
  values.forEach((vals, i) => {
    const row = make(i);
    $$('input, select, textarea', row).forEach((el, j) => { el.value = vals[j] ?? el.value; });
    container.append(row);
  });
}
let feesBox, agenciesBox;
const renumberFees = (values) => rebuildRows(feesBox, feeRow, values);
const renumberAgencies = (values) => rebuildRows(agenciesBox, agencyRow, values);

const EVENTS = {
  pledge_reward: () => [
    field({ id: 'loan', label: 'claim.loan', hint: 'claim.amount.hint', pointer: '/event/loan_fen', attrs: { inputmode: 'decimal', autocomplete: 'off' } }),
    field({ id: 'disbursed-on', label: 'claim.disbursed_on', hint: 'claim.date.hint', pointer: '/event/disbursed_on', attrs: { autocomplete: 'off' } }),
    field({ id: 'lender', label: 'claim.lender', pointer: '/event/lender' }),
    field({ id: 'pledge-no', label: 'claim.pledge_no', pointer: '/event/pledge_registration_no', attrs: { spellcheck: 'false' } }),
    field({ id: 'pledged-ip', label: 'claim.pledged_ip', hint: 'claim.pledged_ip.hint', pointer: '/event/pledged_ip', textarea: true, attrs: { rows: 3, spellcheck: 'false' } }),
  ],
  pledge_service_fee: () => {
    feesBox = h('div', { id: 'fees' });
    for (let i = 0; i < Math.max(1, pendingRows.fees); i++) feesBox.append(feeRow(i));
    return [tx('h3', 'claim.fees', { class: 'heading-s' }), feesBox,
      tx('button', 'claim.fee.add', { type: 'button', id: 'fee-add', class: 'button secondary', 'on:click': () => {
        feesBox.append(feeRow($$('.fee-row').length)); saveRows(); $('.fee-row:last-child select')?.focus();
      } })];
  },
  insurance_premium: () => [
    field({ id: 'premium', label: 'claim.premium', hint: 'claim.amount.hint', pointer: '/event/premium_fen', attrs: { inputmode: 'decimal', autocomplete: 'off' } }),
    field({ id: 'paid-on', label: 'claim.paid_on', hint: 'claim.date.hint', pointer: '/event/paid_on', attrs: { autocomplete: 'off' } }),
    field({ id: 'policy-no', label: 'claim.policy_no', pointer: '/event/policy_no' }),
  ],
  securitisation: () => [
    field({ id: 'costs', label: 'claim.costs', hint: 'claim.amount.hint', pointer: '/event/costs_fen', attrs: { inputmode: 'decimal', autocomplete: 'off' } }),
    field({ id: 'issued-on', label: 'claim.issued_on', hint: 'claim.date.hint', pointer: '/event/issued_on', attrs: { autocomplete: 'off' } }),
    field({ id: 'project-id', label: 'claim.project_id', pointer: '/event/project_id' }),
  ],
};

const val = (id) => ($(`#${id}`)?.value ?? '').trim();
const checked = (id) => !!$(`#${id}`)?.checked;
const programme = () => $('input[name="programme"]:checked')?.value || '';

// read turns the form into a claim body; amounts that do not parse are reported as field
// errors, and missing lists what the preview still needs.
function read() {
  const errors = [];
  const missing = [];
  const money = (id, pointer) => {
    const raw = val(id);
    if (raw === '') return undefined;
    const fen = yuanToFen(raw);
    if (fen == null || fen <= 0) {
      errors.push({ field: pointer, code: 'amount', message: t('claim.amount.invalid') });
      return undefined;
    }
    return fen;
  };
  const prog = programme();
  const body = {
    programme: prog,
    claimant: {
      uscc: val('claimant-uscc').toUpperCase(), name: val('claimant-name'), district_code: val('claimant-district'),
      key_enterprise: checked('claimant-key'), finance_platform_registered: checked('claimant-platform'),
    },
    event: {},
    agencies: $$('.agency-row').map((_, i) => ({ uscc: val(`agency-${i}-uscc`).toUpperCase(), role: val(`agency-${i}-role`) }))
      .filter((a) => a.uscc || a.role),
    ownership_disputed: checked('disputed'),
    credit_commitment: checked('credit-commitment'),
  };
  const e = body.event;
  let eventDone = false;
  if (prog === 'pledge_reward') {
    e.loan_fen = money('loan', '/event/loan_fen');
    e.disbursed_on = val('disbursed-on');
    e.lender = val('lender');
    e.pledge_registration_no = val('pledge-no');
    e.pledged_ip = val('pledged-ip').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    eventDone = e.loan_fen != null && e.disbursed_on && e.lender && e.pledge_registration_no && e.pledged_ip.length > 0;
  } else if (prog === 'pledge_service_fee') {
    e.fees = $$('.fee-row').map((_, i) => ({
      kind: val(`fee-${i}-kind`), amount_fen: money(`fee-${i}-amount`, `/event/fees/${i}/amount_fen`),
      paid_on: val(`fee-${i}-paid-on`), invoice_no: val(`fee-${i}-invoice`),
    }));
    eventDone = e.fees.length > 0 && e.fees.every((f) => f.amount_fen != null && f.paid_on && f.invoice_no);
  } else if (prog === 'insurance_premium') {
    e.premium_fen = money('premium', '/event/premium_fen');
    e.paid_on = val('paid-on');
    e.policy_no = val('policy-no');
    eventDone = e.premium_fen != null && e.paid_on && e.policy_no;
  } else if (prog === 'securitisation') {
    e.costs_fen = money('costs', '/event/costs_fen');
    e.issued_on = val('issued-on');
    e.project_id = val('project-id');
    eventDone = e.costs_fen != null && e.issued_on && e.project_id;
  }
  // Empty optional strings are left out, so the API reports them as missing, not malformed.
  for (const [k, v] of Object.entries(e)) if (v === '' || v === undefined) delete e[k];
  if (e.fees) for (const f of e.fees) for (const [k, v] of Object.entries(f)) if (v === '' || v === undefined) delete f[k];
  if (session()?.role === 'mandated_submitter') {
    body.mandate = { submitter_uscc: val('mandate-submitter').toUpperCase(), reference: val('mandate-reference') };
    if (!body.mandate.submitter_uscc || !body.mandate.reference) missing.push('claim.missing.mandate');
  }
  if (!prog) missing.push('claim.missing.programme');
  const c = body.claimant;
  if (!c.uscc || !c.name || !/^\d{6}$/.test(c.district_code)) missing.push('claim.missing.claimant');
  if (prog && !eventDone) missing.push('claim.missing.event');
  if (!body.credit_commitment) missing.push('claim.missing.commitment');
  return { body, errors, missing };
}

// ---- preview ----
let previewBox;
let previewState = { kind: 'incomplete', missing: ['claim.missing.programme'] };
let previewSeq = 0;
let previewTimer;

function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(runPreview, 500);
}

async function runPreview() {
  const { body, errors, missing } = read();
  const my = ++previewSeq;
  if (missing.length || errors.length) {
    previewState = { kind: 'incomplete', missing: missing.length ? missing : ['claim.missing.event'] };
    renderPreview();
    return;
  }
  previewState = { kind: 'loading', last: previewState.decision };
  renderPreview();
  try {
    const res = await api('POST', '/v1/subsidy-evaluations', { body });
    if (my !== previewSeq) return; // a newer preview is on its way
    previewState = { kind: 'decision', decision: res.body };
  } catch (err) {
    if (my !== previewSeq) return;
    const p = err?.problem;
    const detail = p ? [p.detail, ...(p.errors || []).map((f) => `${f.field}: ${f.message}`)].filter(Boolean).join('；') : String(err?.message || err);
    previewState = { kind: 'error', detail };
  }
  renderPreview();
}

function renderPreview() {
  if (!previewBox) return;
  const s = previewState;
  const head = tx('h2', 'claim.preview', { class: 'heading-m' });
  if (s.kind === 'incomplete') {
    replace(previewBox, head, h('p', {}, t('claim.preview.incomplete')), h('ul', { class: 'list' }, s.missing.map((k) => h('li', {}, t(k)))));
  } else if (s.kind === 'loading') {
    replace(previewBox, head, h('p', { class: 'hint' }, t('claim.preview.loading')));
  } else if (s.kind === 'error') {
    replace(previewBox, head, h('p', {}, t('claim.preview.error', { detail: s.detail })));
  } else {
    replace(previewBox, head, renderDecision(s.decision, { headingLevel: 'h3' }));
  }
}

// ---- receipt ----
let receipt = null;

function renderReceipt(main) {
  const c = receipt;
  const d = c.decision || {};
  replace(main,
    h('div', { id: 'receipt', class: 'panel panel-confirmation receipt', role: 'status', tabindex: '-1' },
      tx('h1', 'claim.receipt.title', { class: 'panel-title' }),
      h('p', {}, t('claim.receipt.ref')), h('p', { class: 'reference', id: 'receipt-id' }, h('strong', {}, c.id))),
    h('dl', { class: 'summary-list' },
      tx('dt', 'claim.receipt.status'), h('dd', { id: 'receipt-status' }, t(`claims.status.${c.status}`)),
      tx('dt', 'claim.programme'), h('dd', {}, t(`programme.${c.claim?.programme}`)),
      tx('dt', 'claim.receipt.amount'), h('dd', { id: 'receipt-amount' }, yuan(d.amount_fen || 0)),
      tx('dt', 'claims.submitted_at'), h('dd', {}, fmtDateTime(c.submitted_at))),
    tx('h2', 'claim.receipt.next', { class: 'heading-m' }),
    h('ol', { class: 'list list-number', id: 'receipt-next' },
      ['next1', 'next2', 'next3', 'next4'].map((k) => tx('li', `claim.receipt.${k}`))),
    tx('p', 'claim.receipt.next5'),
    h('p', { class: 'no-print' },
      h('a', { href: `claims.html?id=${encodeURIComponent(c.id)}`, class: 'link', 'data-i18n': 'claim.receipt.mine' }, t('claim.receipt.mine')), ' · ',
      h('button', { type: 'button', class: 'button secondary', 'on:click': () => window.print(), 'data-i18n': 'claim.receipt.print' }, t('claim.receipt.print')), ' · ',
      h('a', { href: 'claim.html', class: 'link', 'data-i18n': 'claim.receipt.another' }, t('claim.receipt.another'))));
  $('#receipt').focus();
}

// ---- refusal (422 rule_refused) ----
async function showRefusal(form, body, problem) {
  const box = $('#refusal', form);
  let reasons = null;
  try {
    const res = await api('POST', '/v1/subsidy-evaluations', { body });
    reasons = res.body;
    previewState = { kind: 'decision', decision: res.body };
    renderPreview();
  } catch { /* the problem's detail says it all */ }
  replace(box,
    tx('h2', 'claim.refused', { class: 'error-summary-title' }),
    tx('p', 'claim.refused.lead'),
    reasons && reasons.reasons?.length
      ? h('ul', { class: 'list error-summary-list' }, reasons.reasons.map((r) => h('li', {}, lang() === 'en' ? r.message_en : r.message_zh, ' ', h('span', { class: 'basis' }, `(${r.basis})`))))
      : h('p', {}, problem?.detail || ''));
  box.hidden = false;
  box.focus();
}

// sideBySide puts the preview beside the form on wide screens, kept in view while scrolling.
// The site's stylesheet has no two-column layout, and the CSP forbids style attributes, so the
// layout is set through the CSSOM (which the CSP allows).
function sideBySide(wrapper, aside) {
  const wide = window.matchMedia('(min-width: 900px)');
  const apply = () => {
    Object.assign(wrapper.style, wide.matches
      ? { display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)', gap: '30px', alignItems: 'start' }
      : { display: '', gridTemplateColumns: '', gap: '', alignItems: '' });
    Object.assign(aside.style, wide.matches
      ? { position: 'sticky', top: '10px', maxHeight: 'calc(100vh - 20px)', overflowY: 'auto' }
      : { position: '', top: '', maxHeight: '', overflowY: '' });
  };
  apply();
  wide.addEventListener('change', apply);
  window.addEventListener('beforeprint', () => { wrapper.style.display = 'block'; aside.style.position = 'static'; aside.style.maxHeight = 'none'; });
  window.addEventListener('afterprint', apply);
}

// ---- page ----
async function main() {
  renderLayout({ title: 'claim.title', active: 'claim' });
  const s = await requireSession(['enterprise', 'mandated_submitter']);
  if (!s) return;
  const mainEl = $('#main');
  const mandated = s.role === 'mandated_submitter';
  const ownUSCC = mandated ? '' : (s.subject || '');
  const district = /^\d{6}$/.test(ownUSCC.slice(2, 8)) ? ownUSCC.slice(2, 8) : '';

  const eventBox = h('div', { id: 'event-fields' });
  agenciesBox = h('div', { id: 'agencies' });

  const programmes = h('div', { class: 'radios' }, PROGRAMMES.map((p) => h('div', { class: 'radio' },
    h('input', { id: `programme-${p}`, name: 'programme', type: 'radio', value: p, class: 'radio-input', 'data-pointer': '/programme', 'aria-describedby': `programme-${p}-rule` }),
    tx('label', `programme.${p}`, { for: `programme-${p}`, class: 'radio-label' }),
    tx('p', `claim.rule.${p}`, { id: `programme-${p}-rule`, class: 'hint radio-hint' }))));

  const refusal = h('div', { id: 'refusal', class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const form = h('form', { id: 'claim-form', novalidate: true, action: '#', method: 'post' },
    refusal,
    h('fieldset', { class: 'fieldset', 'data-pointer': '/programme', 'aria-describedby': 'programme-hint' },
      tx('legend', 'claim.programme', { class: 'legend legend-m' }),
      tx('p', 'claim.programme.hint', { id: 'programme-hint', class: 'hint' }),
      programmes),
    fieldset('claim.claimant',
      field({ id: 'claimant-uscc', label: 'claim.claimant.uscc', hint: 'claim.claimant.uscc.hint', pointer: '/claimant/uscc', value: ownUSCC, attrs: { autocomplete: 'off', spellcheck: 'false', maxlength: 18 } }),
      field({ id: 'claimant-name', label: 'claim.claimant.name', pointer: '/claimant/name', attrs: { autocomplete: 'organization' } }),
      field({ id: 'claimant-district', label: 'claim.claimant.district', hint: 'claim.claimant.district.hint', pointer: '/claimant/district_code', value: district, attrs: { inputmode: 'numeric', maxlength: 6, autocomplete: 'off' } }),
      checkbox({ id: 'claimant-key', label: 'claim.claimant.key', pointer: '/claimant/key_enterprise' }),
      checkbox({ id: 'claimant-platform', label: 'claim.claimant.platform', pointer: '/claimant/finance_platform_registered' })),
    h('fieldset', { class: 'fieldset', 'data-pointer': '/event' }, tx('legend', 'claim.event', { class: 'legend' }), eventBox),
    fieldset('claim.agencies', tx('p', 'claim.agencies.hint', { class: 'hint' }), agenciesBox,
      tx('button', 'claim.agency.add', { type: 'button', id: 'agency-add', class: 'button secondary', 'on:click': () => {
        agenciesBox.append(agencyRow($$('.agency-row').length)); saveRows(); $('.agency-row:last-child input')?.focus();
      } })),
    mandated ? fieldset('claim.mandate', tx('p', 'claim.mandate.hint', { class: 'hint' }),
      field({ id: 'mandate-submitter', label: 'claim.mandate.submitter', pointer: '/mandate/submitter_uscc', value: s.subject || '', attrs: { spellcheck: 'false', maxlength: 18 } }),
      field({ id: 'mandate-reference', label: 'claim.mandate.reference', pointer: '/mandate/reference' })) : null,
    fieldset('claim.declarations',
      checkbox({ id: 'disputed', label: 'claim.disputed', pointer: '/ownership_disputed' }),
      checkbox({ id: 'credit-commitment', label: 'claim.commitment', pointer: '/credit_commitment' })),
    tx('button', 'claim.submit', { type: 'submit', id: 'claim-submit', class: 'button' }));

  previewBox = h('aside', { id: 'preview', class: 'card preview', 'aria-live': 'polite', 'aria-labelledby': 'preview-heading' });
  replace(mainEl,
    tx('h1', 'claim.title', { class: 'heading-l' }),
    tx('p', 'claim.lead', { class: 'lead' }),
    h('div', { class: 'with-aside', id: 'claim-layout' }, form, previewBox));
  sideBySide($('#claim-layout'), previewBox);

  // The event part follows the programme; its fields exist before the draft is restored.
  let shown = '';
  const showEvent = () => {
    const p = programme();
    if (p === shown) return;
    shown = p;
    replace(eventBox, p ? EVENTS[p]() : tx('p', 'claim.event.choose', { class: 'hint' }));
  };
  const rowsIn = (data, prefix) => Object.keys(data).reduce((n, k) => {
    const m = new RegExp(`^${prefix}-(\\d+)-`).exec(k);
    return m ? Math.max(n, Number(m[1]) + 1) : n;
  }, 0);
  draft = keepDraft(form, DRAFT, {
    beforeRestore: (data) => {
      const p = PROGRAMMES.find((x) => data[`programme=${x}`]);
      pendingRows.fees = rowsIn(data, 'fee');
      if (p) { $(`#programme-${p}`).checked = true; showEvent(); }
      for (let i = 0; i < rowsIn(data, 'agency'); i++) agenciesBox.append(agencyRow(i));
    },
  });
  showEvent();
  renderPreview();
  if (!mandated && !val('claimant-uscc')) $('#claimant-uscc').value = ownUSCC;
  if (!val('claimant-district')) $('#claimant-district').value = district;

  form.addEventListener('change', (ev) => {
    if (ev.target.name === 'programme') showEvent();
    schedulePreview();
  });
  form.addEventListener('input', schedulePreview);
  schedulePreview();

  submitOnce(form, async (idempotencyKey) => {
    refusal.hidden = true;
    const { body, errors } = read();
    if (errors.length) throw invalid(errors);
    try {
      const res = await api('POST', '/v1/subsidy-claims', { body, idempotencyKey });
      receipt = res.body;
      rememberClaim(receipt.id);
      dropDraft(DRAFT);
      renderReceipt(mainEl);
    } catch (err) {
      // A refusal by the rules lists every reason with its article; anything else is shown by
      // submitOnce as the error summary (and keeps the key when the outcome is open).
      if (err?.problem?.code !== 'rule_refused') throw err;
      await showRefusal(form, body, err.problem);
    }
  });

  document.addEventListener('ips:lang', () => {
    $$('.fee-row').forEach((r, i) => {
      $('legend', r).textContent = t('claim.fee', { n: i + 1 });
      $('button', r).textContent = t('claim.fee.remove', { n: i + 1 });
    });
    $$('.agency-row').forEach((r, i) => {
      $('legend', r).textContent = t('claim.agency', { n: i + 1 });
      $('button', r).textContent = t('claim.agency.remove', { n: i + 1 });
    });
    if (receipt) renderReceipt(mainEl);
    else renderPreview();
  });
}

main();
