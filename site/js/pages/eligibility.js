// eligibility.js: may an entity receive subsidies in a year? (GET /v1/eligibility). For the
// enterprise itself (its own code prefilled), city and provincial officers and integrators:
// each subsidy family eligible or blocked, with every reason (agency, trigger, year of effect,
// legal basis, message) and the agencies considered.
import { h, $, replace, params } from '../dom.js';
import { t, addStrings, label, fmtDateTime } from '../i18n.js';
import { api, platformNow } from '../api.js';
import { keepDraft, submitOnce, invalid } from '../forms.js';
import { renderLayout, requireSession } from '../layout.js';
import { bilingual, yearOf } from './citizen-common.js';

const ROLES = ['enterprise', 'city_officer', 'province_officer', 'integrator'];
const FAMILIES = ['ip_subsidy', 'sci_tech_subsidy', 'patent_subsidy'];
const DRAFT = 'eligibility';
const ID_RE = /^[0-9A-Z]{18}$/; // a USCC or a resident ID (17 digits and a digit or X); the platform checks the rest

addStrings({
  'zh-CN': {
    'elig.title': '资助资格查询',
    'elig.lead': '查询一家企业（或个人）在某一年度能否获得各类资助。为其提供过服务的知识产权服务机构受到惩戒的，会暂停其相应资助（依据《知识产权服务机构备案管理办法》）。',
    'elig.entity': '企业统一社会信用代码或个人身份证号码',
    'elig.entity.hint': '企业只能查询本单位。',
    'elig.year': '年度', 'elig.year.hint': '例如 2027。',
    'elig.agencies': '另外要考虑的服务机构（选填）',
    'elig.agencies.hint': '每行一个统一社会信用代码，最多 50 个。在年度报告中把您列为服务对象的机构会自动纳入。',
    'elig.submit': '查询',
    'elig.entity.required': '请输入统一社会信用代码（18 位）或身份证号码',
    'elig.year.required': '请输入四位数的年度',
    'elig.agency.bad': '第 {n} 行不是统一社会信用代码',
    'elig.result': '{entity} 在 {year} 年度的资助资格',
    'elig.eligible': '可以获得资助', 'elig.blocked': '暂停资助',
    'elig.no_reasons': '没有暂停资助的理由。',
    'elig.reason.agency': '服务机构', 'elig.reason.trigger': '原因', 'elig.reason.year': '执行年度',
    'elig.reason.basis': '依据', 'elig.reason.message': '说明',
    'elig.agencies_considered': '纳入考虑的服务机构',
    'elig.agencies_none': '没有为该企业提供服务的服务机构记录。',
    'elig.agency.uscc': '统一社会信用代码', 'elig.agency.filed': '已备案', 'elig.agency.relations': '关系',
    'elig.rel.report_client': '年度报告列为服务对象', 'elig.rel.named': '查询时列明',
    'elig.policy_version': '政策版本', 'elig.decided_at': '查询时间',
    'elig.not_found': '无权查询该企业：企业只能查询本单位的资格。',
  },
  en: {
    'elig.title': 'Subsidy eligibility',
    'elig.lead': 'Whether an enterprise (or a person) may receive each family of subsidies in a year. A sanction on an IP service agency that served it suspends the subsidies concerned (under the agency filing measures).',
    'elig.entity': 'Enterprise’s unified social credit code or person’s ID number',
    'elig.entity.hint': 'An enterprise may check itself only.',
    'elig.year': 'Year', 'elig.year.hint': 'For example 2027.',
    'elig.agencies': 'Other agencies to consider (optional)',
    'elig.agencies.hint': 'One unified social credit code per line, at most 50. The agencies whose annual reports list you as a client are included anyway.',
    'elig.submit': 'Check',
    'elig.entity.required': 'Enter a unified social credit code (18 characters) or an ID number',
    'elig.year.required': 'Enter a four-digit year',
    'elig.agency.bad': 'Line {n} is not a unified social credit code',
    'elig.result': 'Eligibility of {entity} in {year}',
    'elig.eligible': 'Eligible', 'elig.blocked': 'Suspended',
    'elig.no_reasons': 'No reason suspends it.',
    'elig.reason.agency': 'Agency', 'elig.reason.trigger': 'Reason', 'elig.reason.year': 'Year in effect',
    'elig.reason.basis': 'Basis', 'elig.reason.message': 'Explanation',
    'elig.agencies_considered': 'Agencies considered',
    'elig.agencies_none': 'No agency is recorded as having served this entity.',
    'elig.agency.uscc': 'Unified social credit code', 'elig.agency.filed': 'Filed', 'elig.agency.relations': 'Relation',
    'elig.rel.report_client': 'lists it as a client in an annual report', 'elig.rel.named': 'named in the query',
    'elig.policy_version': 'Policy version', 'elig.decided_at': 'Checked at',
    'elig.not_found': 'You may not check this entity: an enterprise may check itself only.',
  },
});

let result = null;

function renderResult(box) {
  if (!result) return replace(box);
  const r = result;
  replace(box,
    h('h2', { id: 'result-title', tabindex: '-1' }, t('elig.result', { entity: r.entity, year: r.year })),
    FAMILIES.map((f) => {
      const fe = r.families?.[f] || { eligible: true, reasons: [] };
      return h('section', { class: 'card family', id: `family-${f}`, 'data-eligible': String(!!fe.eligible) },
        h('h3', {}, label('family', f), ' ',
          h('strong', { class: fe.eligible ? 'tag tag--green family-outcome' : 'tag tag--red family-outcome' }, t(fe.eligible ? 'elig.eligible' : 'elig.blocked'))),
        fe.reasons?.length
          ? h('div', { class: 'family-reasons' }, fe.reasons.map((x) => h('div', { class: 'family-reason', 'data-code': x.code, 'data-agency': x.agency || '' },
            h('dl', { class: 'summary-list' },
              h('dt', {}, t('elig.reason.agency')), h('dd', {}, h('a', { href: `agency.html?uscc=${encodeURIComponent(x.agency || '')}` }, x.agency || '')),
              h('dt', {}, t('elig.reason.trigger')), h('dd', { class: 'reason-trigger' }, label('trigger', x.trigger || x.code)),
              h('dt', {}, t('elig.reason.year')), h('dd', { class: 'reason-year' }, String(x.year)),
              h('dt', {}, t('elig.reason.basis')), h('dd', { class: 'reason-basis' }, x.basis || ''),
              h('dt', {}, t('elig.reason.message')), h('dd', {}, bilingual({ zh: x.message_zh, en: x.message_en }))))))
          : h('p', { class: 'hint' }, t('elig.no_reasons')));
    }),
    h('h3', {}, t('elig.agencies_considered')),
    r.agencies?.length
      ? h('table', { class: 'table', id: 'agencies-considered' },
        h('thead', {}, h('tr', {}, ['uscc', 'filed', 'relations'].map((k) => h('th', { scope: 'col' }, t(`elig.agency.${k}`))))),
        h('tbody', {}, r.agencies.map((a) => h('tr', {},
          h('td', {}, h('a', { href: `agency.html?uscc=${encodeURIComponent(a.uscc)}` }, a.uscc)),
          h('td', {}, t(a.accepted_filing ? 'cc.yes' : 'cc.no')),
          h('td', {}, (a.relations || []).map((x) => label('elig.rel', x)).join('; '))))))
      : h('p', { id: 'agencies-none' }, t('elig.agencies_none')),
    h('dl', { class: 'summary-list' },
      h('dt', {}, t('elig.policy_version')), h('dd', {}, h('code', {}, r.policy_version || '')),
      h('dt', {}, t('elig.decided_at')), h('dd', {}, fmtDateTime(r.decided_at))));
}

function buildForm(s, year) {
  const own = s.role === 'enterprise' ? s.subject || '' : '';
  const group = (id, key, hint, control) => h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, t(key)),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, t(hint)) : null,
    control);
  return h('form', { id: 'eligibility-form', action: '#', method: 'get', class: 'no-print' },
    group('elig-entity', 'elig.entity', own ? 'elig.entity.hint' : null,
      h('input', { id: 'elig-entity', name: 'entity', type: 'text', class: 'input', value: own, 'data-pointer': 'entity', 'aria-describedby': own ? 'elig-entity-hint' : null, autocomplete: 'off', spellcheck: 'false', maxlength: '18' })),
    group('elig-year', 'elig.year', 'elig.year.hint',
      h('input', { id: 'elig-year', name: 'year', type: 'text', class: 'input input--short', value: String(year), inputmode: 'numeric', maxlength: '4', 'data-pointer': 'year', 'aria-describedby': 'elig-year-hint', autocomplete: 'off' })),
    group('elig-agencies', 'elig.agencies', 'elig.agencies.hint',
      h('textarea', { id: 'elig-agencies', name: 'agencies', class: 'textarea', rows: '3', 'data-pointer': 'agency', 'aria-describedby': 'elig-agencies-hint', spellcheck: 'false' })),
    h('button', { type: 'submit', class: 'button', id: 'elig-submit' }, t('elig.submit')));
}

async function main() {
  renderLayout({ title: 'elig.title', active: 'eligibility' });
  const s = requireSession(ROLES);
  if (!s) return;
  const mainEl = $('#main');
  const year = yearOf(await platformNow());
  const resultBox = h('div', { id: 'eligibility-result', 'aria-live': 'polite' });
  let form;

  const draw = () => {
    form = buildForm(s, year);
    replace(mainEl, h('h1', {}, t('elig.title')), h('p', { class: 'lead' }, t('elig.lead')), form, resultBox);
    const q = params();
    keepDraft(form, `${DRAFT}.${s.role}.${s.subject || s.division || ''}`); // one draft per identity
    // A link may ask for an entity and year (eligibility.html?entity=&year=).
    if (q.get('entity')) $('#elig-entity').value = q.get('entity');
    if (q.get('year')) $('#elig-year').value = q.get('year');
    if (s.role === 'enterprise' && !$('#elig-entity').value) $('#elig-entity').value = s.subject || '';
    submitOnce(form, async () => {
      const entity = $('#elig-entity').value.trim().toUpperCase();
      const y = $('#elig-year').value.trim();
      const agencies = $('#elig-agencies').value.split(/[\s,，、]+/).map((x) => x.trim().toUpperCase()).filter(Boolean);
      const errors = [];
      if (!ID_RE.test(entity)) errors.push({ field: 'entity', code: 'entity_id', message: t('elig.entity.required') });
      if (!/^\d{4}$/.test(y)) errors.push({ field: 'year', code: 'range', message: t('elig.year.required') });
      agencies.forEach((a, i) => { if (!/^[0-9A-Z]{18}$/.test(a)) errors.push({ field: `agency/${i}`, code: 'uscc', message: t('elig.agency.bad', { n: i + 1 }) }); });
      if (errors.length) throw invalid(errors);
      const qs = new URLSearchParams({ entity, year: y });
      for (const a of agencies) qs.append('agency', a);
      try {
        result = (await api('GET', `/v1/eligibility?${qs}`)).body;
      } catch (err) {
        if (err.status === 404 || err.status === 403) throw invalid([{ field: 'entity', code: 'not_allowed', message: t('elig.not_found') }]);
        throw err;
      }
      renderResult(resultBox);
      $('#result-title')?.focus();
    });
    renderResult(resultBox);
  };
  draw();
  document.addEventListener('ips:lang', draw);
  if (params().get('entity') && params().get('year')) form.requestSubmit();
}

main();
