// reference.js: the API reference for integrators, rendered in the browser from the platform's
// own OpenAPI 3.1 document (GET /v1/openapi.json, generated from the code: shared/openapi).
// Nothing comes from a CDN and no markup is built from strings: every name, description and
// example of the document goes in as text (dom.js).
import { h, $, $$, replace } from '../dom.js';
import { t, addStrings, label, lang } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { renderLayout } from '../layout.js';

addStrings({
  'zh-CN': {
    'ref.title': '接口文档', 'ref.lead': '平台 HTTP 接口的参考，供对接系统使用。内容由平台代码生成的 OpenAPI 3.1 文档呈现，与平台实际提供的接口一致。',
    'ref.download': '下载 OpenAPI 文档（{path}）', 'ref.version': '版本 {v} · OpenAPI {oas}',
    'ref.conventions': '约定', 'ref.conventions_text': '请求与应答均为 UTF-8 JSON；金额以分为单位（_fen）；日期为 YYYY-MM-DD，时刻为带 +08:00 的 RFC 3339。错误为 RFC 9457 application/problem+json，一次列出全部问题字段；语言随 Accept-Language（zh-CN 默认，en）。凭证为 Authorization: Bearer <JWT>；对接系统另需凭证中的相应 scope。',
    'ref.filter': '筛选接口', 'ref.filter_hint': '按路径、名称或 operationId 筛选', 'ref.shown': '显示 {n} / {total} 个接口',
    'ref.contents': '目录', 'ref.schemas': '数据结构', 'ref.schemas_lead': '字段说明取自平台代码的注释（英文）。',
    'ref.operation_id': 'operationId', 'ref.who': '调用者', 'ref.public': '无需登录', 'ref.action': '授权操作 {action}',
    'ref.credential': '凭证须含 {scopes}', 'ref.basis': '依据：{basis}',
    'ref.scope.own': '本人的记录', 'ref.scope.division': '辖区内', 'ref.scope.any': '全部', 'ref.scope.credential': '凭证授权',
    'ref.scope.credential_submitter': '凭证授权、本系统提交的', 'ref.scope.submitter': '本机构受托提交的', 'ref.scope.county': '本县',
    'ref.scope.outside_division': '辖区以外',
    'ref.parameters': '参数', 'ref.name': '名称', 'ref.in': '位置', 'ref.type': '类型', 'ref.about': '说明', 'ref.field': '字段',
    'ref.in.path': '路径', 'ref.in.query': '查询', 'ref.in.header': '请求头', 'ref.required': '必填', 'ref.optional': '可选',
    'ref.body': '请求内容', 'ref.body_optional': '（可省略）', 'ref.responses': '应答', 'ref.status': '状态码', 'ref.no_body': '无内容',
    'ref.examples': '示例', 'ref.step': '第 {n} 步', 'ref.as': '身份', 'ref.anonymous': '不带凭证', 'ref.request': '请求',
    'ref.expect': '应答状态 {status}', 'ref.from': '{param} 取自第 {step} 步（{name}）应答的 {ptr}',
    'ref.any': '任意 JSON', 'ref.array_of': '数组，元素为', 'ref.map_of': '对象，各值为',
    'ref.one_of': '取值：{values}', 'ref.const': '固定为 {value}', 'ref.min_length': '至少 {n} 个字符', 'ref.max_length': '至多 {n} 个字符',
    'ref.minimum': '≥ {n}', 'ref.maximum': '≤ {n}', 'ref.min_items': '至少 {n} 项', 'ref.max_items': '至多 {n} 项',
    'ref.min_props': '至少 {n} 个键', 'ref.max_props': '至多 {n} 个键', 'ref.unique': '不得重复', 'ref.pattern': '格式 {p}',
    'ref.default': '默认 {value}', 'ref.each': '每项：{rule}', 'ref.keys': '键：{rule}',
    'ref.problem': '无法读取接口文档：{detail}', 'ref.dev_only': '仅本地运行器',
  },
  en: {
    'ref.title': 'API reference', 'ref.lead': "The platform's HTTP API, for integrating systems. This page renders the OpenAPI 3.1 document the platform generates from its code, so it describes exactly what the platform serves.",
    'ref.download': 'Download the OpenAPI document ({path})', 'ref.version': 'Version {v} · OpenAPI {oas}',
    'ref.conventions': 'Conventions', 'ref.conventions_text': 'UTF-8 JSON in and out; money in integer fen (_fen); dates YYYY-MM-DD, instants RFC 3339 with +08:00. Errors are RFC 9457 application/problem+json listing every bad field at once, in the language of Accept-Language (zh-CN by default, en). Credentials are Authorization: Bearer <JWT>; an integrating system also needs the scope named in its credential.',
    'ref.filter': 'Filter operations', 'ref.filter_hint': 'By path, name or operationId', 'ref.shown': '{n} of {total} operations shown',
    'ref.contents': 'Contents', 'ref.schemas': 'Schemas', 'ref.schemas_lead': "Field descriptions come from the comments of the platform's code.",
    'ref.operation_id': 'operationId', 'ref.who': 'Who may call it', 'ref.public': 'No credential needed', 'ref.action': 'Authorisation action {action}',
    'ref.credential': 'the credential must carry {scopes}', 'ref.basis': 'Basis: {basis}',
    'ref.scope.own': 'its own records', 'ref.scope.division': 'within its division', 'ref.scope.any': 'any record', 'ref.scope.credential': 'by credential scope',
    'ref.scope.credential_submitter': 'by credential scope, what it submitted', 'ref.scope.submitter': 'what it submitted as mandated', 'ref.scope.county': 'its county',
    'ref.scope.outside_division': 'outside its division',
    'ref.parameters': 'Parameters', 'ref.name': 'Name', 'ref.in': 'In', 'ref.type': 'Type', 'ref.about': 'Description', 'ref.field': 'Field',
    'ref.in.path': 'path', 'ref.in.query': 'query', 'ref.in.header': 'header', 'ref.required': 'required', 'ref.optional': 'optional',
    'ref.body': 'Request body', 'ref.body_optional': ' (may be left out)', 'ref.responses': 'Responses', 'ref.status': 'Status', 'ref.no_body': 'no body',
    'ref.examples': 'Examples', 'ref.step': 'Step {n}', 'ref.as': 'As', 'ref.anonymous': 'no credential', 'ref.request': 'Request',
    'ref.expect': 'Answered {status}', 'ref.from': "{param} is taken from {ptr} of step {step}'s answer ({name})",
    'ref.any': 'any JSON', 'ref.array_of': 'array of', 'ref.map_of': 'object of',
    'ref.one_of': 'one of: {values}', 'ref.const': 'always {value}', 'ref.min_length': 'at least {n} characters', 'ref.max_length': 'at most {n} characters',
    'ref.minimum': '≥ {n}', 'ref.maximum': '≤ {n}', 'ref.min_items': 'at least {n} items', 'ref.max_items': 'at most {n} items',
    'ref.min_props': 'at least {n} keys', 'ref.max_props': 'at most {n} keys', 'ref.unique': 'no duplicates', 'ref.pattern': 'pattern {p}',
    'ref.default': 'default {value}', 'ref.each': 'each: {rule}', 'ref.keys': 'keys: {rule}',
    'ref.problem': 'The API document could not be read: {detail}', 'ref.dev_only': 'local runner only',
  },
});

const DOC = '/v1/openapi.json';
let doc = null;
let problem = null;

// pick: the Chinese (x-…-zh) or English text of a node that has both.
const pick = (en, zh) => (lang() !== 'en' && zh ? zh : en || '');

// resolve follows a local $ref (#/components/…) to what it names.
function resolve(node) {
  let o = node;
  for (let i = 0; o && o.$ref && i < 8; i++) {
    o = o.$ref.replace(/^#\//, '').split('/')
      .reduce((cur, k) => (cur ? cur[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
  }
  return o || {};
}

const refName = (ref) => ref.split('/').pop();
const schemaLink = (name) => h('a', { href: `#schema-${name}`, class: 'ref-link' }, name);
const alternatives = (parts) => parts.flatMap((p, i) => (i ? [' | ', p] : [p]));

// typeOf: a schema's type as text, with links to the schemas it names.
function typeOf(s) {
  if (!s || typeof s !== 'object') return t('ref.any');
  if (s.$ref) return schemaLink(refName(s.$ref));
  if (s.anyOf) return alternatives(s.anyOf.map(typeOf));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const parts = types.map((ty) => {
    if (ty === 'array') return [t('ref.array_of'), ' ', typeOf(s.items)];
    if (ty === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return [t('ref.map_of'), ' ', typeOf(s.additionalProperties)];
    if (ty === 'string' && s.contentMediaType) return `${ty} (${s.contentMediaType})`;
    return s.format ? `${ty} (${s.format})` : ty;
  });
  return parts.length ? alternatives(parts) : t('ref.any');
}

const LIMITS = [['minLength', 'ref.min_length'], ['maxLength', 'ref.max_length'], ['minimum', 'ref.minimum'], ['maximum', 'ref.maximum'],
  ['minItems', 'ref.min_items'], ['maxItems', 'ref.max_items'], ['minProperties', 'ref.min_props'], ['maxProperties', 'ref.max_props']];

// rules: what else a schema asks of a value, one phrase each.
function rules(s) {
  if (!s || typeof s !== 'object') return [];
  const out = [];
  if (s.enum) out.push(t('ref.one_of', { values: s.enum.map((v) => (v === '' ? '""' : String(v))).join(', ') }));
  if (s.const !== undefined) out.push(t('ref.const', { value: JSON.stringify(s.const) }));
  for (const [k, key] of LIMITS) if (s[k] !== undefined) out.push(t(key, { n: s[k] }));
  if (s.uniqueItems) out.push(t('ref.unique'));
  for (const p of [s.pattern, ...(s.allOf || []).map((a) => a.pattern)]) if (p) out.push(t('ref.pattern', { p }));
  if (s.default !== undefined) out.push(t('ref.default', { value: JSON.stringify(s.default) }));
  if (s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'))) out.push(...rules(s.items).map((rule) => t('ref.each', { rule })));
  if (s.propertyNames) out.push(...rules(s.propertyNames).map((rule) => t('ref.keys', { rule })));
  return out;
}

const ruleList = (s) => {
  const r = rules(s);
  return r.length ? h('p', { class: 'hint ref-rules' }, r.join('; ')) : null;
};

// propsTable: an object schema's fields, nested objects inline.
function propsTable(s, depth = 0) {
  const required = new Set(s.required || []);
  return h('table', { class: 'table ref-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('ref.field')), h('th', { scope: 'col' }, t('ref.type')), h('th', { scope: 'col' }, t('ref.about')))),
    h('tbody', null, Object.entries(s.properties).map(([name, p]) => h('tr', { 'data-field': name },
      h('td', null, h('code', null, name), required.has(name) ? [' ', h('span', { class: 'tag tag--grey' }, t('ref.required'))] : null),
      h('td', null, typeOf(p)),
      h('td', null, p.description ? h('p', null, p.description) : null, ruleList(p),
        p.properties && depth < 4 ? propsTable(p, depth + 1) : null)))));
}

// schemaView: a body's schema, a link to the named one with its description, or inline.
function schemaView(s) {
  if (!s) return null;
  if (s.$ref) {
    const target = resolve(s);
    return h('div', null, h('p', null, t('ref.type'), ': ', schemaLink(refName(s.$ref))),
      target.description ? h('p', { class: 'hint' }, target.description) : null);
  }
  if (s.properties) return propsTable(s);
  return h('p', null, typeOf(s), ruleList(s) ? [' — ', rules(s).join('; ')] : null);
}

function whoView(op) {
  if (Array.isArray(op.security) && op.security.length === 0) return t('ref.public');
  return h('ul', { class: 'ref-who' }, (op['x-authz'] || []).map((a) => h('li', { 'data-action': a.action },
    h('p', null, t('ref.action', { action: a.action })),
    h('ul', null, Object.entries(a.roles || {}).map(([role, scope]) => h('li', { 'data-role': role },
      `${label('role', role)} (${role}) — `, label('ref.scope', scope),
      scope.startsWith('credential') && a.credential_scopes ? [', ', t('ref.credential', { scopes: a.credential_scopes.join(' ') })] : null))),
    a.basis ? h('p', { class: 'hint' }, t('ref.basis', { basis: a.basis })) : null)));
}

function paramsView(op) {
  const params = (op.parameters || []).map(resolve).filter((p) => p.name !== 'Accept-Language');
  if (!params.length) return null;
  return [h('h4', null, t('ref.parameters')), h('table', { class: 'table ref-table ref-params' },
    h('thead', null, h('tr', null, ['ref.name', 'ref.in', 'ref.type', 'ref.about'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, params.map((p) => h('tr', { 'data-param': p.name },
      h('td', null, h('code', null, p.name), ' ', h('span', { class: 'tag tag--grey' }, t(p.required ? 'ref.required' : 'ref.optional'))),
      h('td', null, label('ref.in', p.in)),
      h('td', null, typeOf(p.schema)),
      h('td', null, pick(p.description, p['x-description-zh']), ruleList(p.schema))))))];
}

function bodyView(op) {
  const rb = op.requestBody;
  if (!rb) return null;
  return [h('h4', null, t('ref.body'), rb.required ? '' : t('ref.body_optional')),
    Object.entries(rb.content || {}).map(([media, c]) => h('div', { class: 'ref-body', 'data-media': media },
      h('p', null, h('code', null, media)), schemaView(c.schema)))];
}

function responsesView(op) {
  return [h('h4', null, t('ref.responses')), h('table', { class: 'table ref-table ref-responses' },
    h('thead', null, h('tr', null, ['ref.status', 'ref.about', 'ref.type'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, Object.entries(op.responses || {}).map(([status, r0]) => {
      const r = resolve(r0);
      const content = Object.entries(r.content || {});
      return h('tr', { 'data-status': status },
        h('td', null, h('code', null, status)),
        h('td', null, pick(r.description, r['x-description-zh'])),
        h('td', null, content.length ? content.map(([media, c]) => h('p', null, h('code', null, media), ' ', typeOf(c.schema))) : t('ref.no_body')));
    })))];
}

// requestLine: the example's request as it goes on the wire.
function requestLine(path, method, ex) {
  const url = path.replace(/\{(\w+)\}/g, (m, k) => encodeURIComponent(ex.path?.[k] ?? m));
  const q = (ex.query || []).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const lines = [`${method.toUpperCase()} ${url}${q ? `?${q}` : ''}`];
  if (ex.principal) lines.push('Authorization: Bearer <token>');
  for (const [k, v] of Object.entries(ex.headers || {})) lines.push(`${k}: ${v}`);
  return lines.join('\n');
}

function examplesView(path, method, op, stepNames) {
  const xs = op['x-examples'] || [];
  if (!xs.length) return null;
  return [h('h4', null, t('ref.examples')), xs.map((ex) => {
    const content = op.requestBody?.content || {};
    const media = Object.keys(content)[0];
    const value = ex.body ? content[media]?.examples?.[ex.name]?.value : undefined;
    const as = ex.principal;
    return h('section', { class: 'ref-example inset', 'data-example': ex.name },
      h('h5', null, t('ref.step', { n: ex.step }), ' · ', pick(ex.summary, ex.summary_zh)),
      h('p', null, `${t('ref.as')}: `, as
        ? [label('role', as.role), as.subject ? ` ${as.subject}` : '', as.division ? ` · ${as.division}` : '', as.scopes ? ` · scope: ${as.scopes.join(' ')}` : '']
        : t('ref.anonymous')),
      h('pre', { class: 'ref-code', 'aria-label': t('ref.request') }, requestLine(path, method, ex),
        value !== undefined ? `\nContent-Type: ${media}\n\n${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}` : ''),
      Object.entries(ex.from || {}).map(([param, src]) => {
        const [name, ptr] = src.split('#');
        return h('p', { class: 'hint' }, t('ref.from', { param, ptr, name, step: stepNames[name] ?? '?' }));
      }),
      h('p', null, h('strong', null, t('ref.expect', { status: ex.status }))));
  })];
}

function operationView(path, method, op, stepNames) {
  return h('details', { class: 'ref-op', id: `op-${op.operationId}`, 'data-op': `${method.toUpperCase()} ${path}` },
    h('summary', null, h('span', { class: `tag ref-method ref-method--${method}` }, method.toUpperCase()), ' ',
      h('code', null, path), ' ', pick(op.summary, op['x-summary-zh']),
      op['x-function'] === 'dev' ? [' ', h('span', { class: 'tag tag--red' }, t('ref.dev_only'))] : null),
    h('p', null, pick(op.description, op['x-description-zh'])),
    h('dl', { class: 'summary-list' },
      h('dt', null, t('ref.operation_id')), h('dd', null, h('code', null, op.operationId)),
      h('dt', null, t('ref.who')), h('dd', null, whoView(op))),
    paramsView(op), bodyView(op), responsesView(op), examplesView(path, method, op, stepNames));
}

// operationsByTag groups the operations in the document's tag order.
function operationsByTag() {
  const groups = new Map((doc.tags || []).map((tag) => [tag.name, { tag, ops: [] }]));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const name = op.tags?.[0] || '';
      if (!groups.has(name)) groups.set(name, { tag: { name }, ops: [] });
      groups.get(name).ops.push({ path, method, op });
    }
  }
  for (const g of groups.values()) g.ops.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return [...groups.values()].filter((g) => g.ops.length);
}

// applyFilter shows the operations whose method, path, summary or id hold the words typed.
function applyFilter() {
  const input = $('#ref-filter');
  if (!input) return;
  const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  const ops = $$('.ref-op');
  for (const el of ops) {
    const hay = `${el.dataset.op} ${el.id} ${el.querySelector('summary').textContent}`.toLowerCase();
    el.hidden = !words.every((w) => hay.includes(w));
    if (!el.hidden) shown++;
  }
  for (const sec of $$('.ref-tag')) sec.hidden = !sec.querySelector('.ref-op:not([hidden])');
  replace($('#ref-shown'), t('ref.shown', { n: shown, total: ops.length }));
}

// reveal opens the operation or schema the address names (#op-…, #schema-…) and brings it
// into view.
function reveal() {
  const id = decodeURIComponent(location.hash.slice(1));
  const el = id && document.getElementById(id);
  if (!el) return;
  for (let d = el; d; d = d.parentElement?.closest('details')) if (d.tagName === 'DETAILS') d.open = true;
  el.scrollIntoView();
}

function render() {
  const open = new Set($$('details[open]').map((d) => d.id));
  const typed = $('#ref-filter')?.value || '';
  if (problem || !doc) {
    replace($('#main'), h('h1', null, t('ref.title')),
      problem ? h('p', { class: 'error-message', role: 'alert' }, t('ref.problem', { detail: problem })) : h('p', null, t('common.loading')));
    return;
  }
  const groups = operationsByTag();
  const stepNames = {};
  for (const g of groups) for (const { op } of g.ops) for (const ex of op['x-examples'] || []) stepNames[ex.name] = ex.step;
  const schemas = Object.entries(doc.components?.schemas || {}).sort(([a], [b]) => a.localeCompare(b));
  replace($('#main'),
    h('h1', null, t('ref.title')),
    h('p', { class: 'lead' }, t('ref.lead')),
    h('p', null, h('a', { href: DOC, id: 'ref-download', download: 'openapi.json' }, t('ref.download', { path: DOC })), ' · ',
      t('ref.version', { v: doc.info?.version, oas: doc.openapi })),
    h('h2', null, t('ref.conventions')),
    h('p', null, t('ref.conventions_text')),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: 'ref-filter' }, t('ref.filter')),
      h('div', { class: 'hint', id: 'ref-filter-hint' }, t('ref.filter_hint')),
      h('input', { class: 'input', id: 'ref-filter', type: 'search', 'aria-describedby': 'ref-filter-hint ref-shown', value: typed, 'on:input': applyFilter }),
      h('p', { class: 'hint', id: 'ref-shown', 'aria-live': 'polite' })),
    h('nav', { 'aria-labelledby': 'ref-contents' }, h('h2', { id: 'ref-contents' }, t('ref.contents')),
      h('ul', null, groups.map((g) => h('li', null, h('a', { href: `#tag-${g.tag.name}` }, pick(g.tag.name, g.tag['x-name-zh'])), ` (${g.ops.length})`)),
        h('li', null, h('a', { href: '#ref-schemas' }, t('ref.schemas')), ` (${schemas.length})`))),
    groups.map((g) => h('section', { class: 'ref-tag', id: `tag-${g.tag.name}`, 'aria-labelledby': `tag-${g.tag.name}-title` },
      h('h2', { id: `tag-${g.tag.name}-title` }, pick(g.tag.name, g.tag['x-name-zh'])),
      g.tag.description ? h('p', null, pick(g.tag.description, g.tag['x-description-zh'])) : null,
      g.ops.map(({ path, method, op }) => operationView(path, method, op, stepNames)))),
    h('section', { id: 'ref-schemas', 'aria-labelledby': 'ref-schemas-title' },
      h('h2', { id: 'ref-schemas-title' }, t('ref.schemas')),
      h('p', { class: 'hint' }, t('ref.schemas_lead')),
      schemas.map(([name, s]) => h('details', { class: 'ref-schema', id: `schema-${name}` },
        h('summary', null, h('code', null, name)),
        s.description ? h('p', null, s.description) : null,
        s.properties ? propsTable(s) : h('p', null, typeOf(s), ruleList(s) ? [' — ', rules(s).join('; ')] : null)))));
  for (const id of open) if (id && document.getElementById(id)) document.getElementById(id).open = true;
  applyFilter();
}

async function load() {
  try {
    const { body } = await api('GET', DOC, { anonymous: true });
    doc = body;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    problem = e.problem.detail || e.problem.title;
  }
  render();
  reveal();
}

renderLayout({ title: 'ref.title', active: 'reference' });
document.addEventListener('ips:lang', render);
window.addEventListener('hashchange', reveal);
render();
load();
