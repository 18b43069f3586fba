// i18n.js: Chinese by default, English on request. Each module registers its strings with
// addStrings; t(key) looks the key up in the current language, then in Chinese, then gives the
// key itself. setLang stores the choice (localStorage ips.lang), sets <html lang>, fills every
// data-i18n element again and tells the page by an ips:lang event on document.

const STORE = 'ips.lang';
const strings = { 'zh-CN': {}, en: {} };

function stored() {
  try { return localStorage.getItem(STORE); } catch { return null; }
}

// lang: "zh-CN" or "en".
export const lang = () => (stored() === 'en' ? 'en' : 'zh-CN');

export function addStrings(table) {
  for (const [l, entries] of Object.entries(table)) Object.assign((strings[l] ||= {}), entries);
}

// t(key, vars): "{name}" in the string is replaced by vars.name.
export function t(key, vars) {
  const s = strings[lang()][key] ?? strings['zh-CN'][key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

// has tells whether key has a string (in any language).
export const has = (key) => key in strings[lang()] || key in strings['zh-CN'];

export function setLang(l) {
  l = l === 'en' ? 'en' : 'zh-CN';
  try { localStorage.setItem(STORE, l); } catch { /* private mode: this page only */ }
  document.documentElement.lang = l;
  translate(document);
  document.dispatchEvent(new CustomEvent('ips:lang', { detail: { lang: l } }));
}

// translate fills data-i18n="key" (textContent) and data-i18n-attr="attr:key,attr:key" under root.
export function translate(root = document) {
  const all = (sel) => [...(root.matches?.(sel) ? [root] : []), ...root.querySelectorAll(sel)];
  for (const el of all('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of all('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

// Dates as people in Jiangsu read them: the calendar day in Beijing (Asia/Shanghai).
const fmt = (opts) => new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', ...opts });

// fmtDate("2027-01-31" | instant | Date) → "2027年1月31日" / "31 January 2027". A bare date is
// taken as that calendar day.
export function fmtDate(v) {
  if (v == null || v === '') return '';
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(v + 'T12:00:00+08:00') : new Date(v);
  return isNaN(d) ? String(v) : fmt({ year: 'numeric', month: 'long', day: 'numeric' }).format(d);
}

// fmtDateTime(instant) → the Beijing date and time to the minute.
export function fmtDateTime(v) {
  if (v == null || v === '') return '';
  const d = new Date(v);
  return isNaN(d) ? String(v) : fmt({ year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

// label(prefix, value): the string of "prefix.value" (a status, a service type, a role), or the
// value itself when no string is registered.
export const label = (prefix, value) => (has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : String(value ?? ''));

// Words several pages share.
addStrings({
  'zh-CN': {
    'role.agency': '知识产权服务机构', 'role.enterprise': '企业或个人', 'role.mandated_submitter': '受托申报机构',
    'role.county_government': '县（市、区）政府', 'role.district_reviewer': '区（县）审核人员',
    'role.city_officer': '市知识产权局工作人员', 'role.prefecture_officer': '设区市知识产权局工作人员',
    'role.province_officer': '省知识产权局工作人员', 'role.expert': '评审专家', 'role.integrator': '接入系统',
    'role.scheduler': '定时任务',
    'service_type.patent_agency': '专利代理', 'service_type.trademark_agency': '商标代理', 'service_type.copyright': '版权服务',
    'service_type.information_search': '信息检索', 'service_type.legal_services': '法律服务', 'service_type.valuation': '评估',
    'service_type.operation_transaction': '运营交易', 'service_type.finance_services': '金融服务',
    'service_type.consulting_training': '咨询培训', 'service_type.data_ip': '数据知识产权',
    'programme.pledge_reward': '质押融资奖励', 'programme.pledge_service_fee': '质押融资服务费资助',
    'programme.insurance_premium': '知识产权保险保费资助', 'programme.securitisation': '知识产权证券化资助',
    'common.yes': '是', 'common.no': '否', 'common.none': '无', 'common.loading': '正在加载……',
    'common.next_page': '下一页', 'common.prev_page': '上一页', 'common.yuan': '{amount} 元',
  },
  en: {
    'role.agency': 'IP service agency', 'role.enterprise': 'Enterprise or individual', 'role.mandated_submitter': 'Mandated submitter',
    'role.county_government': 'County government', 'role.district_reviewer': 'District reviewer',
    'role.city_officer': 'City IP office officer', 'role.prefecture_officer': 'Prefecture IP office officer',
    'role.province_officer': 'Provincial IP office officer', 'role.expert': 'Expert reviewer', 'role.integrator': 'Integrating system',
    'role.scheduler': 'Scheduler',
    'service_type.patent_agency': 'Patent agency', 'service_type.trademark_agency': 'Trademark agency', 'service_type.copyright': 'Copyright',
    'service_type.information_search': 'Information search', 'service_type.legal_services': 'Legal services', 'service_type.valuation': 'Valuation',
    'service_type.operation_transaction': 'Operation and transactions', 'service_type.finance_services': 'Finance services',
    'service_type.consulting_training': 'Consulting and training', 'service_type.data_ip': 'Data IP',
    'programme.pledge_reward': 'Pledge financing reward', 'programme.pledge_service_fee': 'Pledge financing service fees',
    'programme.insurance_premium': 'IP insurance premium', 'programme.securitisation': 'IP securitisation',
    'common.yes': 'Yes', 'common.no': 'No', 'common.none': 'None', 'common.loading': 'Loading…',
    'common.next_page': 'Next page', 'common.prev_page': 'Previous page', 'common.yuan': 'CNY {amount}',
  },
});

document.documentElement.lang = lang();
