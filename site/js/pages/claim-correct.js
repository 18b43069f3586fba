// claim-correct.js: correct and resubmit a returned subsidy claim (PUT /v1/subsidy-claims/{id}
// with If-Match). It shows who returned it, at which stage and why, then the claim's form filled
// with what was submitted; the programme and the claimant's code cannot change. The draft is
// kept per claim, so a reload or an expired sign-in loses nothing; the claim goes back to the
// stage that returned it.
import { h, $, $$, replace, params } from '../dom.js';
import { t, lang, addStrings, fmtDateTime, label } from '../i18n.js';
import { api, session } from '../api.js';
import { yuanToFen, fenToYuan, keepDraft, dropDraft, submitOnce, invalid } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';
import { rememberClaim, renderDecision } from './claims.js';
import { problemText } from './citizen-common.js';

addStrings({
  'zh-CN': {
    'correct.title': '补正资助申请',
    'correct.lead': '按退回意见修改下面的内容后重新提交。申请会回到退回它的审核环节。资助项目和申报单位代码不能更改。',
    'correct.bad_id': '链接中的申请编号不正确。',
    'correct.not_found': '没有找到这个申请，或您无权查看。',
    'correct.not_returned': '申请 {id} 目前的状态是“{status}”，不需要补正。',
    'correct.back': '返回我的资助申请',
    'correct.returned': '退回情况',
    'correct.returned.stage': '退回环节', 'correct.returned.at': '退回时间', 'correct.returned.by': '退回人',
    'correct.returned.comment': '退回意见', 'correct.returned.no_comment': '（未写明意见）',
    'correct.ref': '申请编号', 'correct.programme': '资助项目', 'correct.claimant_uscc': '申报单位统一社会信用代码',
    'correct.claimant': '申报单位', 'correct.claimant.name': '单位名称', 'correct.claimant.district': '注册地行政区划代码',
    'correct.claimant.key': '申报单位是重点企业', 'correct.claimant.platform': '申报单位已在苏州市知识产权金融服务平台注册（第九条）',
    'correct.event': '申报事项',
    'correct.amount.hint': '以元为单位，最多两位小数，例如 5,000,000.00。', 'correct.date.hint': '格式：年-月-日，例如 2022-05-20。',
    'correct.loan': '实际发放的贷款金额（元）', 'correct.disbursed_on': '放款日期', 'correct.lender': '贷款银行',
    'correct.pledge_no': '质押登记号', 'correct.pledged_ip': '质押的知识产权', 'correct.pledged_ip.hint': '每行一项。',
    'correct.fee': '第 {n} 笔服务费', 'correct.fee.kind': '费用类型', 'correct.fee.amount': '金额（元）',
    'correct.fee.paid_on': '支付日期', 'correct.fee.invoice': '发票号码', 'correct.fee.add': '添加一笔服务费', 'correct.fee.remove': '删除第 {n} 笔服务费',
    'correct.fee.kind.guarantee': '担保费', 'correct.fee.kind.valuation': '评估费', 'correct.fee.kind.other': '其他服务费',
    'correct.premium': '实际支付的保费（元）', 'correct.paid_on': '保费支付日期', 'correct.policy_no': '保单号',
    'correct.costs': '利息、税费、担保费和服务费合计（元）', 'correct.issued_on': '发行日期', 'correct.project_id': '项目编号',
    'correct.agencies': '参与的知识产权服务机构', 'correct.agency': '第 {n} 家机构', 'correct.agency.uscc': '机构统一社会信用代码',
    'correct.agency.role': '所起作用', 'correct.agency.add': '添加一家机构', 'correct.agency.remove': '删除第 {n} 家机构',
    'correct.declarations': '声明', 'correct.disputed': '所涉知识产权的所有权等存在争议',
    'correct.commitment': '信用承诺：本单位对申报材料的真实性、合法性、有效性和完整性负责；如有虚假，愿记入不良信用记录并被取消资助资格（第十五条）。',
    'correct.mandate': '委托申报', 'correct.mandate.submitter': '受托机构统一社会信用代码', 'correct.mandate.reference': '委托书编号',
    'correct.submit': '重新提交申请',
    'correct.amount.invalid': '请输入以元为单位、最多两位小数的正数金额，例如 1,234.07',
    'correct.refused': '按修改后的内容，申请不符合资助条件：{reason}（依据：{basis}）',
    'correct.stale': '这个申请已在别处更新。请重新打开本页查看最新内容；您填写的内容已保存在本浏览器中。',
    'correct.done.title': '补正后的申请已提交',
    'correct.done.next': '申请已回到“{stage}”环节，由审核人员重新审核。请在“我的资助申请”中查看进度。',
    'correct.done.status': '状态', 'correct.done.mine': '查看我的资助申请', 'correct.done.decision': '重新计算的审核结果',
  },
  en: {
    'correct.title': 'Correct a subsidy claim',
    'correct.lead': 'Change what the return asks for, then submit again. The claim goes back to the stage that returned it. The programme and the claimant’s code cannot change.',
    'correct.bad_id': 'The claim reference in the link is not valid.',
    'correct.not_found': 'No such claim, or you may not see it.',
    'correct.not_returned': 'Claim {id} is “{status}”: there is nothing to correct.',
    'correct.back': 'Back to my claims',
    'correct.returned': 'Why it was returned',
    'correct.returned.stage': 'Stage', 'correct.returned.at': 'Returned', 'correct.returned.by': 'By',
    'correct.returned.comment': 'Comment', 'correct.returned.no_comment': '(no comment given)',
    'correct.ref': 'Claim reference', 'correct.programme': 'Programme', 'correct.claimant_uscc': 'Claimant’s unified social credit code',
    'correct.claimant': 'Claimant', 'correct.claimant.name': 'Name', 'correct.claimant.district': 'Division code of registration',
    'correct.claimant.key': 'The claimant is a key enterprise', 'correct.claimant.platform': 'The claimant is registered on the Suzhou IP finance service platform (Article 9)',
    'correct.event': 'What you claim for',
    'correct.amount.hint': 'In yuan, at most two decimals, for example 5,000,000.00.', 'correct.date.hint': 'As year-month-day, for example 2022-05-20.',
    'correct.loan': 'Loan actually disbursed (CNY)', 'correct.disbursed_on': 'Date of disbursement', 'correct.lender': 'Lending bank',
    'correct.pledge_no': 'Pledge registration number', 'correct.pledged_ip': 'IP pledged', 'correct.pledged_ip.hint': 'One per line.',
    'correct.fee': 'Fee {n}', 'correct.fee.kind': 'Kind of fee', 'correct.fee.amount': 'Amount (CNY)',
    'correct.fee.paid_on': 'Date paid', 'correct.fee.invoice': 'Invoice number', 'correct.fee.add': 'Add a fee', 'correct.fee.remove': 'Remove fee {n}',
    'correct.fee.kind.guarantee': 'Guarantee', 'correct.fee.kind.valuation': 'Valuation', 'correct.fee.kind.other': 'Other service fee',
    'correct.premium': 'Premium actually paid (CNY)', 'correct.paid_on': 'Date the premium was paid', 'correct.policy_no': 'Policy number',
    'correct.costs': 'Interest, taxes, guarantee and service fees together (CNY)', 'correct.issued_on': 'Date of issue', 'correct.project_id': 'Project number',
    'correct.agencies': 'IP service agencies involved', 'correct.agency': 'Agency {n}', 'correct.agency.uscc': 'Agency’s unified social credit code',
    'correct.agency.role': 'What it did', 'correct.agency.add': 'Add an agency', 'correct.agency.remove': 'Remove agency {n}',
    'correct.declarations': 'Declarations', 'correct.disputed': 'The ownership (or another right) of the IP concerned is disputed',
    'correct.commitment': 'Credit commitment: the claimant answers for the material being true, legal, valid and complete; a false commitment is recorded as bad credit and disqualifies the claimant (Article 15).',
    'correct.mandate': 'Claiming under a mandate', 'correct.mandate.submitter': 'Your unified social credit code', 'correct.mandate.reference': 'Mandate reference',
    'correct.submit': 'Submit the corrected claim',
    'correct.amount.invalid': 'Enter a positive amount in yuan with at most two decimals, for example 1,234.07',
    'correct.refused': 'As corrected, the claim does not qualify: {reason} (basis: {basis})',
    'correct.stale': 'This claim was changed elsewhere. Open this page again to see it; what you typed is kept in this browser.',
    'correct.done.title': 'Corrected claim submitted',
    'correct.done.next': 'The claim is back at the {stage} stage for review. “My claims” shows its progress.',
    'correct.done.status': 'Status', 'correct.done.mine': 'See my claims', 'correct.done.decision': 'The decision, worked out again',
  },
});

const PROGRAMME_FIELDS = {
  pledge_reward: [['loan', 'loan_fen', 'money'], ['disbursed-on', 'disbursed_on', 'date'], ['lender', 'lender'],
    ['pledge-no', 'pledge_registration_no'], ['pledged-ip', 'pledged_ip', 'lines']],
  insurance_premium: [['premium', 'premium_fen', 'money'], ['paid-on', 'paid_on', 'date'], ['policy-no', 'policy_no']],
  securitisation: [['costs', 'costs_fen', 'money'], ['issued-on', 'issued_on', 'date'], ['project-id', 'project_id']],
};
const LABEL = { loan: 'loan', 'disbursed-on': 'disbursed_on', lender: 'lender', 'pledge-no': 'pledge_no', 'pledged-ip': 'pledged_ip',
  premium: 'premium', 'paid-on': 'paid_on', 'policy-no': 'policy_no', costs: 'costs', 'issued-on': 'issued_on', 'project-id': 'project_id' };

const val = (id) => ($(`#${id}`)?.value ?? '').trim();
const checked = (id) => !!$(`#${id}`)?.checked;

// input: a labelled control with its hint and the JSON pointer the API names it by.
function input({ id, key, vars, hint, pointer, value = '', kind }) {
  const hintId = hint ? `${id}-hint` : null;
  const attrs = { id, name: id, class: kind === 'lines' ? 'textarea' : 'input', 'data-pointer': pointer, 'aria-describedby': hintId, autocomplete: 'off', spellcheck: 'false' };
  const control = kind === 'lines' ? h('textarea', { ...attrs, rows: '3' }) : h('input', { ...attrs, type: 'text', inputmode: kind === 'money' ? 'decimal' : null });
  control.value = value;
  return h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, t(key, vars)),
    hint ? h('p', { class: 'hint', id: hintId }, t(hint)) : null,
    control);
}

function checkbox(id, key, pointer, on) {
  const box = h('input', { id, name: id, type: 'checkbox', 'data-pointer': pointer });
  box.checked = !!on;
  return h('div', { class: 'checkboxes' }, h('div', {}, box, h('label', { for: id }, t(key))));
}

const fieldset = (key, ...children) => h('fieldset', { class: 'fieldset' }, h('legend', {}, t(key)), ...children);

function feeRow(i, f = {}) {
  const p = `/event/fees/${i}`;
  const kind = h('select', { id: `fee-${i}-kind`, name: `fee-${i}-kind`, class: 'select', 'data-pointer': `${p}/kind` },
    ['guarantee', 'valuation', 'other'].map((k) => h('option', { value: k }, t(`correct.fee.kind.${k}`))));
  kind.value = f.kind || 'guarantee';
  return h('fieldset', { class: 'fieldset fee-row', 'data-row': String(i) },
    h('legend', {}, t('correct.fee', { n: i + 1 })),
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: `fee-${i}-kind` }, t('correct.fee.kind')), kind),
    input({ id: `fee-${i}-amount`, key: 'correct.fee.amount', hint: 'correct.amount.hint', pointer: `${p}/amount_fen`, kind: 'money', value: f.amount_fen ? fenToYuan(f.amount_fen) : '' }),
    input({ id: `fee-${i}-paid-on`, key: 'correct.fee.paid_on', hint: 'correct.date.hint', pointer: `${p}/paid_on`, value: f.paid_on || '' }),
    input({ id: `fee-${i}-invoice`, key: 'correct.fee.invoice', pointer: `${p}/invoice_no`, value: f.invoice_no || '' }),
    h('button', { type: 'button', class: 'button button--secondary', 'data-remove': 'fee', 'data-row': String(i) }, t('correct.fee.remove', { n: i + 1 })));
}

function agencyRow(i, a = {}) {
  const p = `/agencies/${i}`;
  return h('fieldset', { class: 'fieldset agency-row', 'data-row': String(i) },
    h('legend', {}, t('correct.agency', { n: i + 1 })),
    input({ id: `agency-${i}-uscc`, key: 'correct.agency.uscc', pointer: `${p}/uscc`, value: a.uscc || '' }),
    input({ id: `agency-${i}-role`, key: 'correct.agency.role', pointer: `${p}/role`, value: a.role || '' }),
    h('button', { type: 'button', class: 'button button--secondary', 'data-remove': 'agency', 'data-row': String(i) }, t('correct.agency.remove', { n: i + 1 })));
}

// rowValues / setRows: the rows' values, so removing one moves the later ones up and the ids and
// pointers stay in step with the array the API receives.
const rowValues = (sel) => $$(sel).map((r) => $$('input, select, textarea', r).map((el) => el.value));
function setRows(box, make, values) {
  replace(box, values.map((vals, i) => {
    const row = make(i);
    $$('input, select, textarea', row).forEach((el, j) => { if (vals[j] !== undefined) el.value = vals[j]; });
    return row;
  }));
}

// read turns the form into a claim body; amounts that do not parse are field errors.
function read(claim) {
  const errors = [];
  const money = (id, pointer) => {
    const fen = yuanToFen(val(id));
    if (fen == null || fen <= 0) {
      errors.push({ field: pointer, code: 'amount', message: t('correct.amount.invalid') });
      return undefined;
    }
    return fen;
  };
  const prog = claim.programme;
  const body = {
    programme: prog,
    claimant: {
      uscc: claim.claimant.uscc, name: val('claimant-name'), district_code: val('claimant-district'),
      key_enterprise: checked('claimant-key'), finance_platform_registered: checked('claimant-platform'),
    },
    event: {},
    agencies: $$('.agency-row').map((_, i) => ({ uscc: val(`agency-${i}-uscc`).toUpperCase(), role: val(`agency-${i}-role`) })).filter((a) => a.uscc || a.role),
    ownership_disputed: checked('disputed'),
    credit_commitment: checked('credit-commitment'),
  };
  if (prog === 'pledge_service_fee') {
    body.event.fees = $$('.fee-row').map((_, i) => ({
      kind: val(`fee-${i}-kind`), amount_fen: money(`fee-${i}-amount`, `/event/fees/${i}/amount_fen`),
      paid_on: val(`fee-${i}-paid-on`), invoice_no: val(`fee-${i}-invoice`),
    }));
  } else {
    for (const [id, name, kind] of PROGRAMME_FIELDS[prog] || []) {
      if (kind === 'money') body.event[name] = money(id, `/event/${name}`);
      else if (kind === 'lines') body.event[name] = val(id).split(/\r?\n/).map((x) => x.trim()).filter(Boolean);
      else body.event[name] = val(id);
    }
  }
  // Empty strings are left out, so the API reports them as missing, not malformed.
  const prune = (o) => { for (const [k, v] of Object.entries(o)) if (v === '' || v === undefined) delete o[k]; };
  prune(body.event);
  for (const f of body.event.fees || []) prune(f);
  if (claim.mandate || session()?.role === 'mandated_submitter') {
    body.mandate = { submitter_uscc: val('mandate-submitter').toUpperCase(), reference: val('mandate-reference') };
  }
  return { body, errors };
}

function buildForm(c, feesBox, agenciesBox) {
  const cl = c.claim;
  const prog = cl.programme;
  const event = prog === 'pledge_service_fee'
    ? [feesBox, h('button', { type: 'button', class: 'button button--secondary', id: 'fee-add' }, t('correct.fee.add'))]
    : (PROGRAMME_FIELDS[prog] || []).map(([id, name, kind]) => {
      const v = cl.event?.[name];
      const value = kind === 'money' ? (v ? fenToYuan(v) : '') : kind === 'lines' ? (v || []).join('\n') : (v || '');
      return input({ id, key: `correct.${LABEL[id]}`, hint: kind === 'money' ? 'correct.amount.hint' : kind === 'date' ? 'correct.date.hint' : kind === 'lines' ? 'correct.pledged_ip.hint' : null,
        pointer: `/event/${name}`, kind, value });
    });
  return h('form', { id: 'correct-form', action: '#', method: 'post' },
    fieldset('correct.claimant',
      input({ id: 'claimant-name', key: 'correct.claimant.name', pointer: '/claimant/name', value: cl.claimant?.name || '' }),
      input({ id: 'claimant-district', key: 'correct.claimant.district', pointer: '/claimant/district_code', value: cl.claimant?.district_code || '' }),
      checkbox('claimant-key', 'correct.claimant.key', '/claimant/key_enterprise', cl.claimant?.key_enterprise),
      checkbox('claimant-platform', 'correct.claimant.platform', '/claimant/finance_platform_registered', cl.claimant?.finance_platform_registered)),
    h('fieldset', { class: 'fieldset', 'data-pointer': '/event' }, h('legend', {}, t('correct.event')), event),
    fieldset('correct.agencies', agenciesBox,
      h('button', { type: 'button', class: 'button button--secondary', id: 'agency-add' }, t('correct.agency.add'))),
    cl.mandate || session()?.role === 'mandated_submitter' ? fieldset('correct.mandate',
      input({ id: 'mandate-submitter', key: 'correct.mandate.submitter', pointer: '/mandate/submitter_uscc', value: cl.mandate?.submitter_uscc || '' }),
      input({ id: 'mandate-reference', key: 'correct.mandate.reference', pointer: '/mandate/reference', value: cl.mandate?.reference || '' })) : null,
    fieldset('correct.declarations',
      checkbox('disputed', 'correct.disputed', '/ownership_disputed', cl.ownership_disputed),
      checkbox('credit-commitment', 'correct.commitment', '/credit_commitment', cl.credit_commitment)),
    h('button', { type: 'submit', class: 'button', id: 'correct-submit' }, t('correct.submit')));
}

const lastReturn = (c) => [...(c.history || [])].reverse().find((e) => e.action === 'return') || null;
const stageName = (s) => (s ? label('claims.stage', s) : '');

async function main() {
  renderLayout({ title: 'correct.title', active: 'claims' });
  const s = requireSession(['enterprise', 'mandated_submitter']);
  if (!s) return;
  const mainEl = $('#main');
  const id = (params().get('id') || '').trim();
  const back = () => h('p', { class: 'no-print' }, h('a', { href: `claims.html${id ? `?id=${encodeURIComponent(id)}` : ''}`, id: 'back-to-claims' }, t('correct.back')));
  let claim = null;
  let failure = '';
  let done = null;
  if (!/^[A-Za-z0-9-]{1,100}$/.test(id)) failure = 'correct.bad_id';
  else {
    try {
      claim = (await api('GET', `/v1/subsidy-claims/${encodeURIComponent(id)}`)).body;
    } catch (err) {
      failure = err.status === 404 ? 'correct.not_found' : '';
      if (!failure) claim = { error: problemText(err) };
    }
  }

  const draw = () => {
    if (failure || claim?.error) return replace(mainEl, h('h1', {}, t('correct.title')), h('p', { id: 'correct-problem' }, failure ? t(failure) : claim.error), back());
    if (done) {
      const d = done.decision;
      replace(mainEl,
        h('div', { id: 'correct-receipt', class: 'panel', role: 'status', tabindex: '-1' },
          h('h1', {}, t('correct.done.title')),
          h('p', {}, t('correct.ref')), h('p', { id: 'correct-receipt-id' }, h('strong', {}, done.id))),
        h('dl', { class: 'summary-list' },
          h('dt', {}, t('correct.done.status')), h('dd', { id: 'correct-receipt-status' }, label('claims.status', done.status))),
        h('p', { id: 'correct-next' }, t('correct.done.next', { stage: stageName(claim.returned_stage) || stageName('district') })),
        d ? [h('h2', {}, t('correct.done.decision')), renderDecision(d, { headingLevel: 'h2' })] : null,
        h('p', {}, h('a', { href: `claims.html?id=${encodeURIComponent(done.id)}`, id: 'correct-mine' }, t('correct.done.mine'))));
      return;
    }
    const ret = lastReturn(claim);
    const head = [h('h1', {}, t('correct.title')), back(),
      h('dl', { class: 'summary-list' },
        h('dt', {}, t('correct.ref')), h('dd', { id: 'correct-id' }, claim.id),
        h('dt', {}, t('correct.programme')), h('dd', {}, label('programme', claim.claim?.programme)),
        h('dt', {}, t('correct.claimant_uscc')), h('dd', {}, claim.claim?.claimant?.uscc || ''))];
    if (claim.status !== 'returned') {
      replace(mainEl, ...head, h('p', { id: 'correct-problem' }, t('correct.not_returned', { id: claim.id, status: label('claims.status', claim.status) })));
      return;
    }
    const feesBox = h('div', { id: 'fees' });
    const agenciesBox = h('div', { id: 'agencies' });
    const fees = claim.claim?.event?.fees?.length ? claim.claim.event.fees : [{}];
    const agencies = claim.claim?.agencies || [];
    const draftKey = `claim-correct.${claim.id}`;
    const fill = (box, make, list) => replace(box, list.map((x, i) => make(i, x)));
    fill(feesBox, feeRow, fees);
    fill(agenciesBox, agencyRow, agencies);
    const form = buildForm(claim, feesBox, agenciesBox);
    replace(mainEl, ...head,
      h('section', { class: 'inset', id: 'return-details', 'aria-labelledby': 'return-title' },
        h('h2', { id: 'return-title' }, t('correct.returned')),
        h('dl', { class: 'summary-list' },
          h('dt', {}, t('correct.returned.stage')), h('dd', { id: 'return-stage' }, stageName(claim.returned_stage || ret?.stage)),
          ret ? [h('dt', {}, t('correct.returned.at')), h('dd', {}, fmtDateTime(ret.at))] : null,
          ret?.actor ? [h('dt', {}, t('correct.returned.by')), h('dd', {}, label('role', ret.actor.role))] : null,
          h('dt', {}, t('correct.returned.comment')), h('dd', { id: 'return-comment' }, ret?.comment || t('correct.returned.no_comment')))),
      h('p', { class: 'lead' }, t('correct.lead')),
      form);

    // The rows a saved draft had come back before the draft fills them.
    const count = (data, prefix) => Object.keys(data).reduce((n, k) => {
      const m = new RegExp(`^${prefix}-(\\d+)-`).exec(k);
      return m ? Math.max(n, Number(m[1]) + 1) : n;
    }, 0);
    const draft = keepDraft(form, draftKey, {
      beforeRestore: (data) => {
        const nf = count(data, 'fee');
        const na = count(data, 'agency');
        if (nf) fill(feesBox, feeRow, Array.from({ length: nf }, (_, i) => fees[i] || {}));
        fill(agenciesBox, agencyRow, Array.from({ length: na }, (_, i) => agencies[i] || {}));
      },
    });
    form.addEventListener('click', (e) => {
      const btn = e.target.closest('button[type="button"]');
      if (!btn) return;
      if (btn.id === 'fee-add') { feesBox.append(feeRow($$('.fee-row').length)); $('.fee-row:last-child select')?.focus(); }
      else if (btn.id === 'agency-add') { agenciesBox.append(agencyRow($$('.agency-row').length)); $('.agency-row:last-child input')?.focus(); }
      else if (btn.dataset.remove) {
        const fee = btn.dataset.remove === 'fee';
        const values = rowValues(fee ? '.fee-row' : '.agency-row');
        values.splice(Number(btn.dataset.row), 1);
        setRows(fee ? feesBox : agenciesBox, fee ? feeRow : agencyRow, values);
      } else return;
      draft.save();
    });

    submitOnce(form, async (idempotencyKey) => {
      const { body, errors } = read(claim.claim);
      if (errors.length) throw invalid(errors);
      let res;
      try {
        res = await api('PUT', `/v1/subsidy-claims/${encodeURIComponent(claim.id)}`, { body, idempotencyKey, ifMatch: `"${claim.version}"` });
      } catch (err) {
        if (err.status === 409) throw invalid([{ field: '', code: 'stale', message: t('correct.stale') }]);
        if (err.problem?.code !== 'rule_refused') throw err;
        // A refusal by the rules: every reason with its legal basis, from the same evaluation.
        let reasons = [];
        try { reasons = (await api('POST', '/v1/subsidy-evaluations', { body })).body?.reasons || []; } catch { /* the detail says it */ }
        if (!reasons.length) throw err;
        throw invalid(reasons.map((r) => ({ field: '', code: r.code, message: t('correct.refused', { reason: lang() === 'en' ? r.message_en : r.message_zh, basis: r.basis }) })));
      }
      dropDraft(draftKey);
      rememberClaim(res.body.id);
      done = res.body;
      draw();
      $('#correct-receipt')?.focus();
    });
  };
  draw();
  document.addEventListener('ips:lang', draw);
}

main();
