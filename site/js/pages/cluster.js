// cluster.js: a county government's application to become a provincial IP service cluster
// zone (API.md "Cluster-zone application"; DOMAIN.md §5), as a task list of its parts. Each part
// is saved on the server (POST creates the draft, PUT saves it) and marked complete or not; the
// documents are uploaded as PDFs; the submission shows every screening failure with its basis,
// linked to the part it concerns.
import { h, $, $$, replace, clear, params } from '../dom.js';
import { t, addStrings, fmtDateTime, label } from '../i18n.js';
import { api, platformNow } from '../api.js';
import { yuanToFen, fenToYuan, keepDraft, dropDraft, submitOnce, invalid } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';

const IP_TYPES = ['patent', 'trademark', 'copyright', 'geographical_indication', 'plant_variety', 'ic_layout'];
const KINDS = ['info_consulting', 'rights_protection', 'agency', 'valuation', 'legal', 'commercial'];
const DOCS = ['application_form', 'work_plan', 'authenticity_commitment', 'supporting_materials'];
const SERVICE_TYPES = ['patent_agency', 'trademark_agency', 'copyright', 'information_search', 'legal_services', 'valuation',
  'operation_transaction', 'finance_services', 'consulting_training', 'data_ip'];
const MIN_AGENCIES = 15;
const MIN_STAFF = 2;
const MAX_PDF = 20 * 1024 * 1024;
const CURRENT = 'ips.cluster.current';
const PARTS = ['basic', 'management', 'agencies', 'coverage', 'documents'];

addStrings({
  'zh-CN': {
    'cluster.title': '知识产权服务业集聚发展区申报',
    'cluster.lead': '县（市、区）人民政府经设区市知识产权局推荐，于每年 6 月 30 日前（含当日）向省知识产权局申报（《集聚发展区建设方案》四）。各部分分别保存，可随时回来继续填写。',
    'cluster.choose': '您的申报',
    'cluster.none': '本县（市、区）还没有申报。',
    'cluster.open': '继续填写 {year} 年度申报（{status}）',
    'cluster.new': '开始新的申报',
    'cluster.new.year': '申报年度',
    'cluster.new.year.hint': '每个县（市、区）每年申报一次；当年度的申报于 6 月 30 日截止。',
    'cluster.new.button': '创建申报草稿',
    'cluster.new.year.invalid': '请输入 2020 到 2100 之间的年度',
    'cluster.ref': '申报编号 {id} · {year} 年度 · 行政区划 {county}',
    'cluster.status': '状态：{status}',
    'cluster.status.draft': '草稿', 'cluster.status.submitted': '已报设区市，待推荐', 'cluster.status.recommended': '设区市已推荐',
    'cluster.status.returned': '已退回修改', 'cluster.status.under_review': '省级评审中', 'cluster.status.missed_round': '未赶上本轮申报',
    'cluster.status.designated': '已认定为集聚发展区', 'cluster.status.not_selected': '未入选',
    'cluster.tasks': '申报内容',
    'cluster.complete': '已完成', 'cluster.incomplete': '未完成',
    'cluster.part.basic': '基本情况', 'cluster.part.management': '知识产权管理机构',
    'cluster.part.agencies': '区内知识产权服务机构', 'cluster.part.coverage': '服务覆盖范围',
    'cluster.part.documents': '申报材料', 'cluster.part.submit': '检查并提交',
    'cluster.save': '保存本部分',
    'cluster.saved': '已保存（{at}）。',
    'cluster.zone_name': '集聚区名称',
    'cluster.industry': '产业优势和创新主体',
    'cluster.industry.hint': '简述区内的优势产业和创新主体（§四(二)2）。',
    'cluster.has_plan': '已制定明确的知识产权服务业发展规划及相关政策（§四(二)1）',
    'cluster.fund': '每年专项经费（元）',
    'cluster.fund.hint': '保障知识产权服务业发展的专项经费，以元为单位，最多两位小数，例如 2,000,000.00（§四(二)1）。',
    'cluster.amount.invalid': '请输入以元为单位、最多两位小数的金额，例如 1,234.07',
    'cluster.mb.name': '管理机构名称',
    'cluster.mb.staff': '专职工作人员人数',
    'cluster.mb.staff.hint': '不少于 2 人（§四(二)1；建设指引“建立工作机制”）。',
    'cluster.mb.staff.invalid': '请输入 0 到 10000 之间的整数',
    'cluster.agencies.hint': '区内已有的知识产权服务机构，至少 15 家（§四(二)3），按统一社会信用代码计。',
    'cluster.agencies.count': '已列出 {n} 家，至少需要 {min} 家。',
    'cluster.agency': '第 {n} 家机构',
    'cluster.agency.uscc': '统一社会信用代码',
    'cluster.agency.name': '机构名称',
    'cluster.agency.types': '服务类型（可多选）',
    'cluster.agency.add': '添加一家机构',
    'cluster.agency.remove.short': '删除',
    'cluster.coverage.hint': '勾选区内服务已覆盖的每一项：6 类知识产权 × 6 类服务，须全部覆盖（§四(二)3）。',
    'cluster.coverage.caption': '知识产权类型（行）与服务类型（列）',
    'cluster.coverage.type': '知识产权类型',
    'cluster.coverage.all': '全部勾选', 'cluster.coverage.none': '全部取消',
    'cluster.coverage.count': '已覆盖 {n} / 36 项。',
    'ip_type.patent': '专利', 'ip_type.trademark': '商标', 'ip_type.copyright': '版权',
    'ip_type.geographical_indication': '地理标志', 'ip_type.plant_variety': '植物新品种', 'ip_type.ic_layout': '集成电路布图设计',
    'service_kind.info_consulting': '信息咨询', 'service_kind.rights_protection': '维权', 'service_kind.agency': '代理',
    'service_kind.valuation': '评估', 'service_kind.legal': '法律', 'service_kind.commercial': '商用',
    'cluster.docs.hint': '每份材料上传一个 PDF 文件，最大 20 MiB（§四(三)）。重新上传会替换为新文件，原文件保留。设区市知识产权局的推荐函由其在推荐时上传。',
    'doc.recommendation_letter': '设区市知识产权局推荐函', 'doc.application_form': '申报书', 'doc.work_plan': '建设工作方案',
    'doc.authenticity_commitment': '真实性承诺书', 'doc.supporting_materials': '相关证明材料',
    'cluster.doc.file': '选择 PDF 文件：{kind}',
    'cluster.doc.upload': '上传',
    'cluster.doc.none': '尚未上传。',
    'cluster.doc.stored': '已上传：{size}，{at}。', 'cluster.doc.sha': 'SHA-256：',
    'cluster.doc.choose': '请选择一个 PDF 文件',
    'cluster.doc.not_pdf': '只能上传 PDF 文件',
    'cluster.doc.too_big': '文件不能超过 20 MiB',
    'cluster.bytes': '{n} 字节',
    'cluster.submit.hint': '提交后申报进入设区市知识产权局，由其推荐（附推荐函）后报省知识产权局。提交前平台会按申报条件逐项审查。',
    'cluster.submit.button': '提交申报',
    'cluster.submit.incomplete': '仍有未完成的部分：{parts}。您仍可提交，平台会列出每一项不符合的条件。',
    'cluster.screening.title': '申报未通过形式审查',
    'cluster.screening.lead': '请按以下各项补正后再提交（括号内为依据）：',
    'cluster.screening.go': '前往：{part}',
    'cluster.receipt.title': '申报已提交',
    'cluster.receipt.ref': '申报编号',
    'cluster.receipt.next': '接下来',
    'cluster.receipt.next1': '设区市知识产权局审查并决定是否推荐，推荐时上传推荐函；也可能退回修改。',
    'cluster.receipt.next2': '6 月 30 日截止时，已推荐的申报进入省级评审；未获推荐的错过本轮。',
    'cluster.receipt.next3': '省知识产权局组织专家评审和实地考察，决定是否认定为集聚发展区。',
    'cluster.receipt.print': '打印回执',
    'cluster.readonly': '申报当前状态为“{status}”，不能修改。',
  },
  en: {
    'cluster.title': 'Apply for an IP service cluster zone',
    'cluster.lead': 'A county-level government applies to the provincial IP office through its prefecture’s IP office, on or before 30 June each year (section 4 of the plan). Each part is saved on its own: you can come back at any time.',
    'cluster.choose': 'Your applications',
    'cluster.none': 'Your county has no application yet.',
    'cluster.open': 'Continue the {year} application ({status})',
    'cluster.new': 'Start a new application',
    'cluster.new.year': 'Round (year)',
    'cluster.new.year.hint': 'A county applies once a year; the year’s round closes on 30 June.',
    'cluster.new.button': 'Create the draft',
    'cluster.new.year.invalid': 'Enter a year from 2020 to 2100',
    'cluster.ref': 'Application {id} · {year} round · division {county}',
    'cluster.status': 'Status: {status}',
    'cluster.status.draft': 'Draft', 'cluster.status.submitted': 'With the prefecture, awaiting its recommendation', 'cluster.status.recommended': 'Recommended by the prefecture',
    'cluster.status.returned': 'Returned for changes', 'cluster.status.under_review': 'Under provincial review', 'cluster.status.missed_round': 'Missed the round',
    'cluster.status.designated': 'Designated a cluster zone', 'cluster.status.not_selected': 'Not selected',
    'cluster.tasks': 'Parts of the application',
    'cluster.complete': 'Complete', 'cluster.incomplete': 'Incomplete',
    'cluster.part.basic': 'Basic information', 'cluster.part.management': 'IP management body',
    'cluster.part.agencies': 'IP service agencies in the zone', 'cluster.part.coverage': 'Services covered',
    'cluster.part.documents': 'Documents', 'cluster.part.submit': 'Check and submit',
    'cluster.save': 'Save this part',
    'cluster.saved': 'Saved ({at}).',
    'cluster.zone_name': 'Name of the zone',
    'cluster.industry': 'Industrial advantages and innovation actors',
    'cluster.industry.hint': 'The zone’s leading industries and innovation actors, in brief (4(2)2).',
    'cluster.has_plan': 'There is a clear development plan with policies for the IP service industry (4(2)1)',
    'cluster.fund': 'Special fund per year (CNY)',
    'cluster.fund.hint': 'The fund securing the IP service industry, in yuan with at most two decimals, for example 2,000,000.00 (4(2)1).',
    'cluster.amount.invalid': 'Enter an amount in yuan with at most two decimals, for example 1,234.07',
    'cluster.mb.name': 'Name of the management body',
    'cluster.mb.staff': 'Dedicated staff',
    'cluster.mb.staff.hint': 'At least 2 (4(2)1 and the guide’s working mechanism).',
    'cluster.mb.staff.invalid': 'Enter a whole number from 0 to 10000',
    'cluster.agencies.hint': 'The IP service agencies already in the zone: at least 15 (4(2)3), counted by unified social credit code.',
    'cluster.agencies.count': '{n} listed; at least {min} are needed.',
    'cluster.agency': 'Agency {n}',
    'cluster.agency.uscc': 'Unified social credit code',
    'cluster.agency.name': 'Name',
    'cluster.agency.types': 'Services (any number)',
    'cluster.agency.add': 'Add an agency',
    'cluster.agency.remove.short': 'Remove',
    'cluster.coverage.hint': 'Tick every service the zone’s agencies cover: 6 kinds of IP × 6 kinds of service, all required (4(2)3).',
    'cluster.coverage.caption': 'Kinds of IP (rows) and kinds of service (columns)',
    'cluster.coverage.type': 'Kind of IP',
    'cluster.coverage.all': 'Tick all', 'cluster.coverage.none': 'Untick all',
    'cluster.coverage.count': '{n} of 36 covered.',
    'ip_type.patent': 'Patents', 'ip_type.trademark': 'Trademarks', 'ip_type.copyright': 'Copyright',
    'ip_type.geographical_indication': 'Geographical indications', 'ip_type.plant_variety': 'Plant varieties', 'ip_type.ic_layout': 'IC layout designs',
    'service_kind.info_consulting': 'Information consulting', 'service_kind.rights_protection': 'Rights protection', 'service_kind.agency': 'Agency',
    'service_kind.valuation': 'Valuation', 'service_kind.legal': 'Legal', 'service_kind.commercial': 'Commercial',
    'cluster.docs.hint': 'One PDF file per document, at most 20 MiB (4(3)). Uploading again replaces it with the new file; the old one is kept. The prefecture uploads its recommendation letter when it recommends.',
    'doc.recommendation_letter': 'Prefecture’s recommendation letter', 'doc.application_form': 'Application form', 'doc.work_plan': 'Construction work plan',
    'doc.authenticity_commitment': 'Authenticity commitment', 'doc.supporting_materials': 'Supporting documents',
    'cluster.doc.file': 'Choose a PDF file: {kind}',
    'cluster.doc.upload': 'Upload',
    'cluster.doc.none': 'Not uploaded yet.',
    'cluster.doc.stored': 'Uploaded: {size}, {at}.', 'cluster.doc.sha': 'SHA-256: ',
    'cluster.doc.choose': 'Choose a PDF file',
    'cluster.doc.not_pdf': 'Only PDF files can be uploaded',
    'cluster.doc.too_big': 'The file must be at most 20 MiB',
    'cluster.bytes': '{n} bytes',
    'cluster.submit.hint': 'Once submitted, the application goes to the prefecture’s IP office, which recommends it (with its letter) to the provincial IP office. The platform screens every condition first.',
    'cluster.submit.button': 'Submit the application',
    'cluster.submit.incomplete': 'Parts still incomplete: {parts}. You may still submit: the platform lists every condition not met.',
    'cluster.screening.title': 'The application does not pass screening',
    'cluster.screening.lead': 'Correct each of these, then submit again (the basis is in brackets):',
    'cluster.screening.go': 'Go to: {part}',
    'cluster.receipt.title': 'Application submitted',
    'cluster.receipt.ref': 'Application reference',
    'cluster.receipt.next': 'What happens next',
    'cluster.receipt.next1': 'The prefecture’s IP office examines it and recommends it, uploading its letter, or returns it for changes.',
    'cluster.receipt.next2': 'At the 30 June cutoff, recommended applications go to provincial review; the others miss the round.',
    'cluster.receipt.next3': 'The provincial IP office has experts score it and visits the site, then designates the zone or not.',
    'cluster.receipt.print': 'Print this receipt',
    'cluster.readonly': 'The application is “{status}” and can no longer be changed.',
  },
});

let session = null;
let app = null; // the application record as last answered
let mainEl;
const editable = () => app && (app.status === 'draft' || app.status === 'returned');
const body = () => app.application;
const statusText = (s) => label('cluster.status', s);

// ---- completeness of each part, judged on what the server holds ----
const complete = {
  basic: (b) => !!b.zone_name && !!b.industry && b.has_development_plan && b.special_fund_fen_per_year > 0,
  management: (b) => !!b.management_body?.name && b.management_body.staff_count >= MIN_STAFF,
  agencies: (b) => new Set((b.agencies || []).map((a) => a.uscc)).size >= MIN_AGENCIES,
  coverage: (b) => IP_TYPES.every((ty) => KINDS.every((k) => (b.coverage?.[ty] || []).includes(k))),
  documents: () => DOCS.every((k) => app.documents?.[k]),
};
const isComplete = (part) => complete[part](body());

// Which part a screening failure's field belongs to.
function partOf(pointer = '') {
  if (pointer.startsWith('/management_body')) return 'management';
  if (pointer.startsWith('/agencies')) return 'agencies';
  if (pointer.startsWith('/coverage')) return 'coverage';
  if (pointer.startsWith('/documents')) return 'documents';
  return 'basic';
}

// ---- small builders ----
const tx = (tag, key, attrs = {}) => h(tag, { ...attrs, 'data-i18n': key }, t(key));

function input({ id, labelKey, hintKey, pointer, value, attrs = {}, textarea = false }) {
  const hintId = hintKey ? `${id}-hint` : null;
  return h('div', { class: 'form-group' },
    tx('label', labelKey, { for: id, class: 'label' }),
    hintKey ? tx('p', hintKey, { id: hintId, class: 'hint' }) : null,
    h(textarea ? 'textarea' : 'input', { id, name: id, type: textarea ? null : 'text', class: textarea ? 'textarea' : 'input',
      'data-pointer': pointer, 'aria-describedby': hintId, value: value ?? '', ...attrs }));
}

function checkbox({ id, labelKey, pointer, checked, name, value }) {
  return h('div', { class: 'checkboxes' }, h('div', {},
    h('input', { id, name: name || id, value, type: 'checkbox', 'data-pointer': pointer, checked }),
    tx('label', labelKey, { for: id })));
}

// A part: a section with its heading and a form saved on its own.
function partForm(part, ...children) {
  const form = h('form', { id: `form-${part}`, action: '#', method: 'post', novalidate: true, class: 'part-form' },
    h('fieldset', { class: 'fieldset', disabled: !editable() }, ...children),
    editable() ? h('p', {}, tx('button', 'cluster.save', { type: 'submit', class: 'button', id: `save-${part}` }),
      ' ', h('span', { class: 'hint saved', id: `saved-${part}`, role: 'status' })) : null);
  return form;
}

function section(part, ...content) {
  return h('section', { id: `part-${part}`, class: 'part', 'aria-labelledby': `part-${part}-title`, tabindex: '-1' },
    h('h2', { class: 'heading-m', id: `part-${part}-title` }, h('span', { 'data-i18n': `cluster.part.${part}` }, t(`cluster.part.${part}`)), ' ',
      part === 'submit' ? null : statusTag(part, `part-${part}-state`)),
    ...content);
}

function statusTag(part, id) {
  const done = isComplete(part);
  return h('strong', { id, class: done ? 'tag tag--green' : 'tag tag--grey', 'data-complete': String(done), 'data-part-state': part },
    t(done ? 'cluster.complete' : 'cluster.incomplete'));
}

// refreshStates updates every complete/incomplete tag after a save.
function refreshStates() {
  for (const el of $$('[data-part-state]')) {
    const done = isComplete(el.dataset.partState);
    el.dataset.complete = String(done);
    el.className = done ? 'tag tag--green' : 'tag tag--grey';
    el.textContent = t(done ? 'cluster.complete' : 'cluster.incomplete');
  }
  const inc = $('#submit-incomplete');
  if (inc) {
    const missing = PARTS.filter((p) => !isComplete(p));
    inc.hidden = missing.length === 0;
    inc.textContent = t('cluster.submit.incomplete', { parts: missing.map((p) => t(`cluster.part.${p}`)).join('、') });
  }
}

// save PUTs the whole application with one part changed, and keeps the answer.
async function save(part, change) {
  const next = structuredClone(body());
  next.agencies ||= [];
  next.coverage ||= {};
  change(next);
  const res = await api('PUT', `/v1/cluster-applications/${encodeURIComponent(app.id)}`, { body: next, ifMatch: `"${app.version}"` });
  app = res.body;
  dropDraft(draftKey(part));
  refreshStates();
  const saved = $(`#saved-${part}`);
  if (saved) saved.textContent = t('cluster.saved', { at: fmtDateTime(new Date()) });
}

async function reload() {
  const res = await api('GET', `/v1/cluster-applications/${encodeURIComponent(app.id)}`);
  app = res.body;
}

const draftKey = (part) => `cluster.${app.id}.${part}`;

// ---- the parts ----
function basicPart() {
  const b = body();
  const form = partForm('basic',
    input({ id: 'zone-name', labelKey: 'cluster.zone_name', pointer: '/zone_name', value: b.zone_name }),
    input({ id: 'industry', labelKey: 'cluster.industry', hintKey: 'cluster.industry.hint', pointer: '/industry', value: b.industry, textarea: true, attrs: { rows: 3 } }),
    checkbox({ id: 'has-plan', labelKey: 'cluster.has_plan', pointer: '/has_development_plan', checked: b.has_development_plan }),
    input({ id: 'special-fund', labelKey: 'cluster.fund', hintKey: 'cluster.fund.hint', pointer: '/special_fund_fen_per_year',
      value: b.special_fund_fen_per_year ? fenToYuan(b.special_fund_fen_per_year) : '', attrs: { inputmode: 'decimal', autocomplete: 'off' } }));
  keepDraft(form, draftKey('basic'));
  submitOnce(form, async () => {
    const raw = $('#special-fund').value.trim();
    const fund = raw === '' ? 0 : yuanToFen(raw);
    if (fund == null) throw invalid([{ field: '/special_fund_fen_per_year', code: 'amount', message: t('cluster.amount.invalid') }]);
    await save('basic', (n) => {
      n.zone_name = $('#zone-name').value.trim();
      n.industry = $('#industry').value.trim();
      n.has_development_plan = $('#has-plan').checked;
      n.special_fund_fen_per_year = fund;
    });
  });
  return section('basic', form);
}

function managementPart() {
  const mb = body().management_body || {};
  const form = partForm('management',
    input({ id: 'mb-name', labelKey: 'cluster.mb.name', pointer: '/management_body/name', value: mb.name }),
    input({ id: 'mb-staff', labelKey: 'cluster.mb.staff', hintKey: 'cluster.mb.staff.hint', pointer: '/management_body/staff_count',
      value: mb.staff_count ? String(mb.staff_count) : '', attrs: { inputmode: 'numeric', autocomplete: 'off', class: 'input input--width-5' } }));
  keepDraft(form, draftKey('management'));
  submitOnce(form, async () => {
    const raw = $('#mb-staff').value.trim();
    const staff = raw === '' ? 0 : (/^\d{1,5}$/.test(raw) ? Number(raw) : NaN);
    if (!(staff >= 0 && staff <= 10000)) throw invalid([{ field: '/management_body/staff_count', code: 'range', message: t('cluster.mb.staff.invalid') }]);
    await save('management', (n) => { n.management_body = { name: $('#mb-name').value.trim(), staff_count: staff }; });
  });
  return section('management', form);
}

// Agency rows: a table row each, with the USCC, the name and the service types (checkboxes
// in a details element); every control has its own label (visually hidden in the table).
function agencyRow(i, a = {}) {
  const p = `/agencies/${i}`;
  const types = new Set(a.service_types || []);
  const n = i + 1;
  const cell = (id, key, pointer, value, attrs = {}) => h('td', {},
    h('label', { for: id, class: 'visually-hidden', 'data-row-label': key }, `${t('cluster.agency', { n })}：${t(key)}`),
    h('input', { id, name: id, type: 'text', class: 'input', 'data-pointer': pointer, value: value ?? '', ...attrs }));
  return h('tr', { class: 'agency-row', 'data-row': i },
    h('th', { scope: 'row' }, String(n)),
    cell(`agency-${i}-uscc`, 'cluster.agency.uscc', `${p}/uscc`, a.uscc, { maxlength: 18, spellcheck: 'false', autocomplete: 'off' }),
    cell(`agency-${i}-name`, 'cluster.agency.name', `${p}/name`, a.name),
    h('td', {}, h('details', { class: 'details' },
      h('summary', {}, t('cluster.agency.types'), types.size ? ` (${types.size})` : ''),
      h('fieldset', { class: 'checkboxes', 'data-pointer': `${p}/service_types` },
        h('legend', { class: 'visually-hidden' }, `${t('cluster.agency', { n })}：${t('cluster.agency.types')}`),
        SERVICE_TYPES.map((st) => h('div', {},
          h('input', { type: 'checkbox', id: `agency-${i}-type-${st}`, name: `agency-${i}-type`, value: st, checked: types.has(st) }),
          h('label', { for: `agency-${i}-type-${st}`, 'data-i18n': `service_type.${st}` }, label('service_type', st))))))),
    h('td', {}, editable() ? h('button', { type: 'button', class: 'link-button', 'data-remove-row': i }, t('cluster.agency.remove.short'),
      h('span', { class: 'visually-hidden' }, ` ${t('cluster.agency', { n })}`)) : null));
}

function rowValue(i) {
  return {
    uscc: ($(`#agency-${i}-uscc`)?.value || '').trim().toUpperCase(),
    name: ($(`#agency-${i}-name`)?.value || '').trim(),
    service_types: SERVICE_TYPES.filter((st) => $(`#agency-${i}-type-${st}`)?.checked),
  };
}

function agenciesPart() {
  const rows = h('tbody', { id: 'agency-rows' });
  const count = h('p', { id: 'agency-count', class: 'hint', 'aria-live': 'polite' });
  const showCount = () => {
    const n = $$('.agency-row', rows).map((_, i) => rowValue(i)).filter((a) => a.uscc || a.name).length;
    count.textContent = t('cluster.agencies.count', { n, min: MIN_AGENCIES });
  };
  const fill = (list) => {
    clear(rows);
    list.forEach((a, i) => rows.append(agencyRow(i, a)));
    showCount();
  };
  const form = partForm('agencies',
    tx('p', 'cluster.agencies.hint', { class: 'hint' }), count,
    h('table', { class: 'table agencies' },
      h('caption', { class: 'visually-hidden', 'data-i18n': 'cluster.part.agencies' }, t('cluster.part.agencies')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, '#'),
        tx('th', 'cluster.agency.uscc', { scope: 'col' }), tx('th', 'cluster.agency.name', { scope: 'col' }),
        tx('th', 'cluster.agency.types', { scope: 'col' }), h('td', {}))),
      rows),
    editable() ? tx('button', 'cluster.agency.add', { type: 'button', id: 'agency-add', class: 'button secondary' }) : null);
  const stored = body().agencies || [];
  fill(stored.length ? stored : [{}]);
  const draft = keepDraft(form, draftKey('agencies'), {
    beforeRestore: (data) => {
      const n = Object.keys(data).reduce((m, k) => {
        const r = /^agency-(\d+)-/.exec(k);
        return r ? Math.max(m, Number(r[1]) + 1) : m;
      }, 0);
      const list = $$('.agency-row', rows).map((_, i) => rowValue(i));
      while (list.length < n) list.push({});
      fill(list.slice(0, Math.max(n, 1)));
    },
  });
  showCount();
  form.addEventListener('input', showCount);
  form.addEventListener('click', (e) => {
    const add = e.target.closest('#agency-add');
    const remove = e.target.closest('[data-remove-row]');
    if (!add && !remove) return;
    const list = $$('.agency-row', rows).map((_, i) => rowValue(i));
    if (add) list.push({});
    else list.splice(Number(remove.dataset.removeRow), 1);
    fill(list.length ? list : [{}]);
    draft.save();
    if (add) $(`#agency-${list.length - 1}-uscc`)?.focus();
    else ($(`#agency-${Math.max(0, Number(remove.dataset.removeRow) - 1)}-uscc`) || $('#agency-add'))?.focus();
  });
  submitOnce(form, async () => {
    const list = $$('.agency-row', rows).map((_, i) => rowValue(i)).filter((a) => a.uscc || a.name || a.service_types.length);
    await save('agencies', (n) => { n.agencies = list; });
    fill(body().agencies?.length ? body().agencies : [{}]);
  });
  return section('agencies', form);
}

function coveragePart() {
  const cov = body().coverage || {};
  const count = h('p', { id: 'coverage-count', class: 'hint', 'aria-live': 'polite' });
  const showCount = () => { count.textContent = t('cluster.coverage.count', { n: $$('.coverage-cell:checked').length }); };
  const table = h('table', { class: 'table coverage' },
    h('caption', { class: 'table-caption', 'data-i18n': 'cluster.coverage.caption' }, t('cluster.coverage.caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', 'data-i18n': 'cluster.coverage.type' }, t('cluster.coverage.type')),
      KINDS.map((k) => h('th', { scope: 'col', id: `cov-col-${k}`, 'data-i18n': `service_kind.${k}` }, t(`service_kind.${k}`))))),
    h('tbody', {}, IP_TYPES.map((ty) => h('tr', { 'data-pointer': `/coverage/${ty}` },
      h('th', { scope: 'row', id: `cov-row-${ty}`, 'data-i18n': `ip_type.${ty}` }, t(`ip_type.${ty}`)),
      KINDS.map((k) => h('td', { class: 'coverage-td' },
        h('input', { type: 'checkbox', class: 'coverage-cell', id: `cov-${ty}-${k}`, name: `cov-${ty}`, value: k,
          checked: (cov[ty] || []).includes(k), 'data-type': ty, 'data-kind': k }),
        h('label', { for: `cov-${ty}-${k}`, class: 'visually-hidden', 'data-cov-label': `${ty}|${k}` }, `${t(`ip_type.${ty}`)}：${t(`service_kind.${k}`)}`)))))));
  const setAll = (on) => { for (const c of $$('.coverage-cell', table)) c.checked = on; showCount(); draft.save(); };
  const form = partForm('coverage',
    tx('p', 'cluster.coverage.hint', { class: 'hint' }),
    editable() ? h('p', {},
      tx('button', 'cluster.coverage.all', { type: 'button', id: 'coverage-all', class: 'button secondary', 'on:click': () => setAll(true) }), ' ',
      tx('button', 'cluster.coverage.none', { type: 'button', id: 'coverage-none', class: 'button secondary', 'on:click': () => setAll(false) })) : null,
    count, table);
  const draft = keepDraft(form, draftKey('coverage'));
  showCount();
  form.addEventListener('change', showCount);
  submitOnce(form, async () => {
    const coverage = {};
    for (const ty of IP_TYPES) {
      const kinds = KINDS.filter((k) => $(`#cov-${ty}-${k}`).checked);
      if (kinds.length) coverage[ty] = kinds;
    }
    await save('coverage', (n) => { n.coverage = coverage; });
  });
  return section('coverage', form);
}

const sizeText = (n) => t('cluster.bytes', { n: Number(n).toLocaleString('en-US') });

function docStatus(kind) {
  const d = app.documents?.[kind];
  return d
    ? h('p', { id: `doc-${kind}-status`, class: 'doc-status', 'data-uploaded': 'true' },
      t('cluster.doc.stored', { size: sizeText(d.size), at: fmtDateTime(d.uploaded_at) }),
      h('br', {}), t('cluster.doc.sha'), h('code', { class: 'sha256', id: `doc-${kind}-sha256` }, d.sha256))
    : h('p', { id: `doc-${kind}-status`, class: 'doc-status hint', 'data-uploaded': 'false' }, t('cluster.doc.none'));
}

function documentsPart() {
  const forms = DOCS.map((kind) => {
    const id = `doc-${kind}`;
    const form = h('form', { id: `form-doc-${kind}`, action: '#', method: 'post', novalidate: true, class: 'doc-form' },
      h('fieldset', { class: 'fieldset', disabled: !editable() },
        h('legend', { class: 'legend-small', 'data-i18n': `doc.${kind}` }, t(`doc.${kind}`)),
        h('div', { class: 'doc-status-box', id: `doc-${kind}-box` }, docStatus(kind)),
        h('div', { class: 'form-group' },
          h('label', { for: id, class: 'label', 'data-doc-label': kind }, t('cluster.doc.file', { kind: t(`doc.${kind}`) })),
          h('input', { id, name: id, type: 'file', accept: 'application/pdf,.pdf', class: 'file-upload', 'data-pointer': `/documents/${kind}` })),
        editable() ? tx('button', 'cluster.doc.upload', { type: 'submit', class: 'button secondary', id: `upload-${kind}` }) : null));
    submitOnce(form, async () => {
      const file = $(`#${id}`).files?.[0];
      const pointer = `/documents/${kind}`;
      if (!file) throw invalid([{ field: pointer, code: 'required', message: t('cluster.doc.choose') }]);
      if (file.type && file.type !== 'application/pdf' && !/\.pdf$/i.test(file.name)) throw invalid([{ field: pointer, code: 'media_type', message: t('cluster.doc.not_pdf') }]);
      if (file.size > MAX_PDF) throw invalid([{ field: pointer, code: 'too_large', message: t('cluster.doc.too_big') }]);
      try {
        await api('PUT', `/v1/cluster-applications/${encodeURIComponent(app.id)}/documents/${kind}`, { raw: file, contentType: 'application/pdf' });
      } catch (err) {
        // a refused file (415, 413) is about this field
        if (err?.problem && !err.problem.errors?.length && err.status !== 0 && err.status < 500) {
          err.problem.errors = [{ field: pointer, code: err.problem.code || 'refused', message: err.problem.detail || err.problem.title }];
        }
        throw err;
      }
      await reload();
      $(`#${id}`).value = '';
      replace($(`#doc-${kind}-box`), docStatus(kind));
      refreshStates();
    });
    return form;
  });
  return section('documents', tx('p', 'cluster.docs.hint', { class: 'hint' }), ...forms);
}

function screeningList(problem) {
  const failures = problem.errors?.length ? problem.errors : [{ field: '', message: problem.detail || problem.title }];
  return [
    h('h2', { class: 'error-summary__title', 'data-i18n': 'cluster.screening.title' }, t('cluster.screening.title')),
    problem.errors?.length ? tx('p', 'cluster.screening.lead') : null,
    h('ul', { class: 'error-summary__list', id: 'screening-failures' }, failures.map((f) => {
      const part = partOf(f.field);
      return h('li', { 'data-code': f.code || '', 'data-field': f.field || '' },
        f.message, ' ',
        h('a', { href: `#part-${part}`, 'data-part': part, 'on:click': (e) => {
          e.preventDefault();
          const sec = $(`#part-${part}`);
          sec.focus();
          sec.scrollIntoView({ block: 'start' });
        } }, t('cluster.screening.go', { part: t(`cluster.part.${part}`) })));
    })),
  ];
}

function submitPart() {
  const screening = h('div', { id: 'screening', class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const form = h('form', { id: 'form-submit', action: '#', method: 'post', novalidate: true },
    tx('p', 'cluster.submit.hint'),
    h('p', { id: 'submit-incomplete', class: 'inset-text', hidden: true }),
    tx('button', 'cluster.submit.button', { type: 'submit', class: 'button', id: 'submit-application' }));
  submitOnce(form, async (idempotencyKey) => {
    screening.hidden = true;
    try {
      const res = await api('POST', `/v1/cluster-applications/${encodeURIComponent(app.id)}/submission`, { idempotencyKey, ifMatch: `"${app.version}"` });
      app = res.body;
      for (const p of PARTS) dropDraft(draftKey(p));
      render();
      $('#cluster-receipt')?.focus();
    } catch (err) {
      if (err?.problem?.code !== 'rule_refused') throw err;
      replace(screening, screeningList(err.problem));
      screening.hidden = false;
      screening.focus();
    }
  });
  return section('submit', screening, form);
}

function receipt() {
  return h('div', { id: 'cluster-receipt', class: 'panel panel-confirmation receipt', tabindex: '-1', role: 'status' },
    tx('h2', 'cluster.receipt.title', { class: 'panel-title' }),
    tx('p', 'cluster.receipt.ref'),
    h('p', { class: 'reference' }, h('strong', { id: 'receipt-id' }, app.id)),
    h('p', { id: 'receipt-status' }, t('cluster.status', { status: statusText(app.status) })),
    app.submitted_at ? h('p', {}, fmtDateTime(app.submitted_at)) : null,
    tx('h3', 'cluster.receipt.next', { class: 'heading-s' }),
    h('ol', { class: 'list list-number' }, ['next1', 'next2', 'next3'].map((k) => tx('li', `cluster.receipt.${k}`))),
    h('p', { class: 'no-print' }, tx('button', 'cluster.receipt.print', { type: 'button', class: 'button secondary', 'on:click': () => window.print() })));
}

// ---- the application's page ----
function render() {
  const b = body();
  const tasks = h('nav', { id: 'task-list', 'aria-labelledby': 'task-list-title', class: 'task-list' },
    tx('h2', 'cluster.tasks', { class: 'heading-m', id: 'task-list-title' }),
    h('ol', { class: 'task-list__items' }, [...PARTS, 'submit'].map((p) => h('li', { class: 'task-list__item', id: `task-${p}` },
      h('a', { href: `#part-${p}`, 'data-i18n': `cluster.part.${p}` }, t(`cluster.part.${p}`)), ' ',
      p === 'submit' ? null : statusTag(p, `task-${p}-state`)))));
  replace(mainEl,
    tx('h1', 'cluster.title', { class: 'heading-l' }),
    h('p', { class: 'caption', id: 'application-ref' }, t('cluster.ref', { id: app.id, year: b.year, county: b.county_code })),
    h('p', { id: 'application-status' }, h('strong', { class: 'tag', 'data-status': app.status }, t('cluster.status', { status: statusText(app.status) }))),
    editable() ? null : [receipt(), h('p', { class: 'inset-text' }, t('cluster.readonly', { status: statusText(app.status) }))],
    tasks,
    basicPart(), managementPart(), agenciesPart(), coveragePart(), documentsPart(),
    editable() ? submitPart() : null);
  refreshStates();
}

// ---- choosing or creating an application ----
async function renderChooser() {
  let items = [];
  try {
    items = (await api('GET', '/v1/cluster-applications?limit=100')).body?.items || [];
  } catch { /* shown as none */ }
  const now = await platformNow();
  const shanghai = new Date(now.getTime() + 8 * 3600 * 1000);
  const year = shanghai.getUTCMonth() >= 6 ? shanghai.getUTCFullYear() + 1 : shanghai.getUTCFullYear();
  const form = h('form', { id: 'form-new', action: '#', method: 'post', novalidate: true },
    tx('h2', 'cluster.new', { class: 'heading-m' }),
    h('div', { class: 'form-group' },
      tx('label', 'cluster.new.year', { for: 'new-year', class: 'label' }),
      tx('p', 'cluster.new.year.hint', { id: 'new-year-hint', class: 'hint' }),
      h('input', { id: 'new-year', name: 'new-year', type: 'text', inputmode: 'numeric', class: 'input input--width-4', value: String(year),
        'data-pointer': '/year', 'aria-describedby': 'new-year-hint', maxlength: 4, autocomplete: 'off' })),
    h('div', { 'data-pointer': '/county_code' }),
    tx('button', 'cluster.new.button', { type: 'submit', class: 'button', id: 'create-application' }));
  submitOnce(form, async (idempotencyKey) => {
    const y = Number($('#new-year').value.trim());
    if (!Number.isInteger(y) || y < 2020 || y > 2100) throw invalid([{ field: '/year', code: 'range', message: t('cluster.new.year.invalid') }]);
    const res = await api('POST', '/v1/cluster-applications', { body: { year: y, county_code: session.division }, idempotencyKey });
    open(res.body);
  });
  replace(mainEl,
    tx('h1', 'cluster.title', { class: 'heading-l' }),
    tx('p', 'cluster.lead', { class: 'lead' }),
    tx('h2', 'cluster.choose', { class: 'heading-m' }),
    items.length
      ? h('ul', { class: 'list', id: 'applications' }, items.map((a) => h('li', {},
        h('a', { href: `cluster.html?id=${encodeURIComponent(a.id)}`, 'on:click': (e) => { e.preventDefault(); open(a); } },
          t('cluster.open', { year: a.application.year, status: statusText(a.status) })), ` (${a.id})`)))
      : tx('p', 'cluster.none', { id: 'applications-none' }),
    form);
}

function open(a) {
  app = a;
  try { localStorage.setItem(CURRENT, a.id); } catch { /* this page only */ }
  history.replaceState(null, '', `cluster.html?id=${encodeURIComponent(a.id)}`);
  render();
  $('h1', mainEl)?.focus?.();
}

async function main() {
  renderLayout({ title: 'cluster.title', active: 'cluster' });
  session = requireSession(['county_government']);
  if (!session) return;
  mainEl = $('#main');
  const id = params().get('id');
  if (id && /^[A-Za-z0-9-]{1,100}$/.test(id)) {
    try {
      app = (await api('GET', `/v1/cluster-applications/${encodeURIComponent(id)}`)).body;
      render();
    } catch {
      await renderChooser();
    }
  } else {
    await renderChooser();
  }
  document.addEventListener('ips:lang', () => {
    // Keep what is typed: the parts re-render from their drafts, saved on every input.
    if (app) render();
    else renderChooser();
  });
}

main();
