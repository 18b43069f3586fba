// One agency on the public register (GET /v1/public/agencies/{uscc}): its filing, its annual
// reports year by year, the sanctions made public and its clients' average rating; a signed-in
// enterprise it served rates it here (POST /v1/agencies/{uscc}/ratings).
import { h, $, replace, params } from '../dom.js';
import { t, addStrings, label, lang, fmtDate, fmtDateTime } from '../i18n.js';
import { api, ApiError, session } from '../api.js';
import { keepDraft, dropDraft, submitOnce, invalid } from '../forms.js';
import { renderLayout } from '../layout.js';
import './public-common.js';
import './citizen-common.js';

addStrings({
  'zh-CN': {
    'ag_pub.title': '服务机构详情', 'ag_pub.back': '返回备案公示名录', 'ag_pub.not_found': '备案公示名录中没有该机构。',
    'ag_pub.bad_uscc': '链接中的统一社会信用代码不正确。',
    'ag_pub.filing': '备案信息', 'ag_pub.uscc': '统一社会信用代码', 'ag_pub.filing_no': '备案号', 'ag_pub.status': '状态',
    'ag_pub.org_form': '组织形式', 'ag_pub.branch': '分支机构', 'ag_pub.parent': '上级机构', 'ag_pub.services': '服务类型',
    'ag_pub.address': '住所', 'ag_pub.district': '所在地区', 'ag_pub.legal_rep': '法定代表人', 'ag_pub.responsible': '负责人',
    'ag_pub.started': '开始经营日期', 'ag_pub.accepted': '备案日期', 'ag_pub.deregistered': '注销日期',
    'ag_pub.practitioners': '从业人员', 'ag_pub.p_name': '姓名', 'ag_pub.p_role': '岗位',
    'ag_pub.reports': '年度报告报送情况', 'ag_pub.year': '年度', 'ag_pub.r_status': '报送情况', 'ag_pub.cutoff': '截止日期',
    'ag_pub.no_reports': '尚无应报送的年度报告。',
    'ag_pub.r.on_time': '按时报送', 'ag_pub.r.late': '逾期报送', 'ag_pub.r.missing': '未报送', 'ag_pub.r.not_due': '未到截止日',
    'ag_pub.sanctions': '公开的惩戒', 'ag_pub.no_sanctions': '没有公开的惩戒。', 'ag_pub.trigger': '原因', 'ag_pub.failure_year': '所涉年度',
    'ag_pub.year_of_effect': '执行年度', 'ag_pub.effects': '措施', 'ag_pub.basis': '依据', 'ag_pub.decided_at': '决定时间',
    'ag_pub.rating': '服务对象评价', 'ag_pub.rating_avg': '平均 {avg} 分（满分 5 分），共 {n} 条评价', 'ag_pub.no_rating': '尚无评价。',
    'org.company': '公司', 'org.partnership': '合伙企业', 'org.sole_proprietorship': '个人独资企业', 'org.law_firm': '律师事务所',
    'org.public_institution': '事业单位', 'org.social_organisation': '社会组织', 'org.other': '其他',
    'rate.title': '评价该机构的服务', 'rate.lead': '该机构在年度报告中列为服务对象的企业，可以对其服务质量评分。每家企业每年一条评价，本年度再次提交将替换之前的评价。',
    'rate.score': '评分', 'rate.score.hint': '1 分最低，5 分最高。', 'rate.score.required': '请选择 1 到 5 分',
    'rate.score.1': '1 分：很不满意', 'rate.score.2': '2 分：不满意', 'rate.score.3': '3 分：一般', 'rate.score.4': '4 分：满意', 'rate.score.5': '5 分：很满意',
    'rate.comment': '评价意见（选填）', 'rate.comment.hint': '最多 1000 字，可以分行。', 'rate.comment.too_long': '评价意见最多 1000 字',
    'rate.submit': '提交评价',
    'rate.not_client': '无法评价：只有该机构在年度报告中列为服务对象的企业才能评价它。如果贵单位接受过它的服务，请联系该机构在年度报告中列明贵单位。',
    'rate.done.created': '感谢您的评价：{score} 分。', 'rate.done.replaced': '您本年度的评价已更新为 {score} 分。',
    'rate.signin': '接受过该机构服务的企业，登录后可以评价：', 'rate.signin.link': '以企业身份登录',
    'rate.other_role': '只有企业可以评价服务机构。',
  },
  en: {
    'ag_pub.title': 'Agency on the register', 'ag_pub.back': 'Back to the public register', 'ag_pub.not_found': 'This agency is not on the public register.',
    'ag_pub.bad_uscc': 'The unified social credit code in the link is not valid.',
    'ag_pub.filing': 'Filing', 'ag_pub.uscc': 'Unified social credit code', 'ag_pub.filing_no': 'Filing number', 'ag_pub.status': 'Status',
    'ag_pub.org_form': 'Organisation form', 'ag_pub.branch': 'Branch', 'ag_pub.parent': 'Parent organisation', 'ag_pub.services': 'Services',
    'ag_pub.address': 'Address', 'ag_pub.district': 'District', 'ag_pub.legal_rep': 'Legal representative', 'ag_pub.responsible': 'Responsible person',
    'ag_pub.started': 'In business since', 'ag_pub.accepted': 'Filed on', 'ag_pub.deregistered': 'Deregistered on',
    'ag_pub.practitioners': 'Practitioners', 'ag_pub.p_name': 'Name', 'ag_pub.p_role': 'Role',
    'ag_pub.reports': 'Annual reports', 'ag_pub.year': 'Year', 'ag_pub.r_status': 'Report', 'ag_pub.cutoff': 'Due',
    'ag_pub.no_reports': 'No annual report is owed yet.',
    'ag_pub.r.on_time': 'On time', 'ag_pub.r.late': 'Late', 'ag_pub.r.missing': 'Missing', 'ag_pub.r.not_due': 'Not yet due',
    'ag_pub.sanctions': 'Public sanctions', 'ag_pub.no_sanctions': 'No public sanction.', 'ag_pub.trigger': 'Reason', 'ag_pub.failure_year': 'Year concerned',
    'ag_pub.year_of_effect': 'Year in effect', 'ag_pub.effects': 'Measures', 'ag_pub.basis': 'Basis', 'ag_pub.decided_at': 'Decided',
    'ag_pub.rating': 'Clients’ rating', 'ag_pub.rating_avg': '{avg} out of 5 on average, from {n} ratings', 'ag_pub.no_rating': 'No rating yet.',
    'org.company': 'Company', 'org.partnership': 'Partnership', 'org.sole_proprietorship': 'Sole proprietorship', 'org.law_firm': 'Law firm',
    'org.public_institution': 'Public institution', 'org.social_organisation': 'Social organisation', 'org.other': 'Other',
    'rate.title': 'Rate this agency’s service', 'rate.lead': 'An enterprise that this agency listed as a client in an annual report may rate the quality of its service. One rating per enterprise a year: rating again this year replaces your earlier rating.',
    'rate.score': 'Score', 'rate.score.hint': '1 is the lowest, 5 the highest.', 'rate.score.required': 'Choose a score from 1 to 5',
    'rate.score.1': '1: very dissatisfied', 'rate.score.2': '2: dissatisfied', 'rate.score.3': '3: neither', 'rate.score.4': '4: satisfied', 'rate.score.5': '5: very satisfied',
    'rate.comment': 'Comment (optional)', 'rate.comment.hint': 'At most 1000 characters; line breaks are fine.', 'rate.comment.too_long': 'The comment may have at most 1000 characters',
    'rate.submit': 'Submit the rating',
    'rate.not_client': 'You cannot rate this agency: only the enterprises it listed as clients in its annual reports may rate it. If it served you, ask it to list you in its annual report.',
    'rate.done.created': 'Thank you for your rating: {score}.', 'rate.done.replaced': 'Your rating for this year is now {score}.',
    'rate.signin': 'An enterprise this agency served may sign in to rate it:', 'rate.signin.link': 'Sign in as an enterprise',
    'rate.other_role': 'Only enterprises may rate agencies.',
  },
});

let agency = null;
let problem = null;
let uscc = '';
let rated = null; // {score, created} after a rating this visit

const row = (key, value) => value != null && value !== '' && [h('dt', null, t(key)), h('dd', null, value)];
const REPORT_TAG = { on_time: 'tag--green', late: 'tag--red', missing: 'tag--red', not_due: 'tag--grey' };

function render() {
  const main = $('#main');
  const back = h('p', { class: 'no-print' }, h('a', { href: 'register.html' }, t('ag_pub.back')));
  if (problem) return replace(main, back, h('h1', null, t('ag_pub.title')), h('p', { id: 'agency-problem' }, problem));
  if (!agency) return replace(main, back, h('p', null, t('common.loading')));
  const a = agency;
  document.title = `${a.name} · ${t('site.name')}`;
  replace(main, back,
    h('h1', { id: 'agency-name' }, a.name),
    h('h2', null, t('ag_pub.filing')),
    h('dl', { class: 'summary-list', id: 'agency-details' },
      row('ag_pub.uscc', a.uscc), row('ag_pub.filing_no', a.filing_no),
      row('ag_pub.status', h('span', { class: a.status === 'deregistered' ? 'tag tag--grey' : 'tag tag--green' }, label('pub.status', a.status))),
      row('ag_pub.org_form', label('org', a.org_form)),
      row('ag_pub.branch', a.is_branch ? t('common.yes') : t('common.no')), row('ag_pub.parent', a.parent_uscc),
      row('ag_pub.services', (a.service_types || []).map((s) => label('service_type', s)).join('、')),
      row('ag_pub.address', a.address), row('ag_pub.district', a.district_code),
      row('ag_pub.legal_rep', a.legal_representative), row('ag_pub.responsible', a.responsible_person),
      row('ag_pub.started', fmtDate(a.business_started_on)), row('ag_pub.accepted', fmtDate(a.accepted_at)),
      row('ag_pub.deregistered', a.deregistered_at && fmtDate(a.deregistered_at))),
    (a.practitioners || []).length > 0 && [h('h2', null, t('ag_pub.practitioners')),
      h('table', { class: 'table', id: 'practitioners' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('ag_pub.p_name')), h('th', { scope: 'col' }, t('ag_pub.p_role')))),
        h('tbody', null, a.practitioners.map((p) => h('tr', null, h('td', null, p.name), h('td', null, p.role)))))],
    h('h2', null, t('ag_pub.reports')),
    (a.reports || []).length === 0 ? h('p', { id: 'reports-none' }, t('ag_pub.no_reports')) : h('table', { class: 'table', id: 'reports' },
      h('thead', null, h('tr', null, ['year', 'r_status', 'cutoff'].map((k) => h('th', { scope: 'col' }, t(`ag_pub.${k}`))))),
      h('tbody', null, a.reports.map((r) => h('tr', { 'data-year': r.year },
        h('td', null, String(r.year)),
        h('td', null, h('span', { class: `tag ${REPORT_TAG[r.status] || ''}` }, label('ag_pub.r', r.status))),
        // The cutoff is the first instant late (1 February 00:00): the last day is the day before.
        h('td', null, fmtDate(new Date(Date.parse(r.cutoff) - 1))))))),
    h('h2', null, t('ag_pub.sanctions')),
    (a.public_sanctions || []).length === 0 ? h('p', { id: 'sanctions-none' }, t('ag_pub.no_sanctions')) : h('table', { class: 'table', id: 'sanctions' },
      h('thead', null, h('tr', null, ['trigger', 'failure_year', 'year_of_effect', 'effects', 'basis', 'decided_at'].map((k) => h('th', { scope: 'col' }, t(`ag_pub.${k}`))))),
      h('tbody', null, a.public_sanctions.map((s) => h('tr', null,
        h('td', null, label('trigger', s.trigger), s.message && h('div', { class: 'secondary' }, lang() === 'en' ? s.message.en : s.message.zh)),
        h('td', null, String(s.failure_year)), h('td', null, String(s.year_of_effect)),
        h('td', null, (s.effects || []).map((e) => label('effect', e)).join('、')),
        h('td', null, s.basis), h('td', null, fmtDateTime(s.decided_at)))))),
    h('h2', null, t('ag_pub.rating')),
    h('p', { id: 'rating' }, a.rating?.count ? t('ag_pub.rating_avg', { avg: a.rating.average.toFixed(2), n: a.rating.count }) : t('ag_pub.no_rating')),
    ratingSection());
}

// ratingSection: the rating form for a signed-in enterprise; a sign-in link for everyone else.
function ratingSection() {
  const s = session();
  const sec = h('section', { id: 'rate', class: 'no-print', 'aria-labelledby': 'rate-title' },
    h('h2', { id: 'rate-title' }, t('rate.title')),
    h('p', { class: 'hint' }, t('rate.lead')));
  if (rated) {
    sec.append(h('div', { class: 'notification-banner notification-banner--success', role: 'status', id: 'rating-done', tabindex: '-1' },
      t(rated.created ? 'rate.done.created' : 'rate.done.replaced', { score: rated.score })));
  }
  if (!s || s.role !== 'enterprise') {
    const next = encodeURIComponent(location.pathname + location.search);
    sec.append(s
      ? h('p', { id: 'rate-other-role' }, t('rate.other_role'))
      : h('p', { id: 'rate-signin' }, t('rate.signin'), ' ', h('a', { href: `signin.html?next=${next}&roles=enterprise` }, t('rate.signin.link'))));
    return sec;
  }
  const radios = [5, 4, 3, 2, 1].map((n) => h('div', {},
    h('input', { type: 'radio', id: `rating-score-${n}`, name: 'score', value: String(n) }),
    h('label', { for: `rating-score-${n}` }, t(`rate.score.${n}`))));
  const comment = h('textarea', { id: 'rating-comment', name: 'comment', class: 'textarea', rows: '4', maxlength: '1000', 'data-pointer': '/comment', 'aria-describedby': 'rating-comment-hint' });
  const form = h('form', { id: 'rating-form', action: '#', method: 'post' },
    h('fieldset', { class: 'form-group', 'data-pointer': '/score', 'aria-describedby': 'rating-score-hint' },
      h('legend', {}, t('rate.score')),
      h('p', { class: 'hint', id: 'rating-score-hint' }, t('rate.score.hint')),
      h('div', { class: 'radios' }, radios)),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: 'rating-comment' }, t('rate.comment')),
      h('p', { class: 'hint', id: 'rating-comment-hint' }, t('rate.comment.hint')),
      comment),
    h('button', { type: 'submit', class: 'button', id: 'rating-submit' }, t('rate.submit')));
  sec.append(form);
  const draftKey = `rating.${s.subject}.${uscc}`;
  keepDraft(form, draftKey);
  submitOnce(form, async (idempotencyKey) => {
    const score = Number(form.querySelector('input[name="score"]:checked')?.value || 0);
    const text = comment.value.trim();
    const errors = [];
    if (!score) errors.push({ field: '/score', code: 'required', message: t('rate.score.required') });
    if ([...text].length > 1000) errors.push({ field: '/comment', code: 'max', message: t('rate.comment.too_long') });
    if (errors.length) throw invalid(errors);
    let res;
    try {
      res = await api('POST', `/v1/agencies/${encodeURIComponent(uscc)}/ratings`, { body: text ? { score, comment: text } : { score }, idempotencyKey });
    } catch (err) {
      // The platform answers 404 alike for an agency that did not report the caller as a client
      // and for one that does not exist: on this page, the agency exists.
      if (err instanceof ApiError && err.status === 404) throw invalid([{ field: '', code: 'not_client', message: t('rate.not_client') }]);
      throw err;
    }
    dropDraft(draftKey);
    rated = { score: res.body?.score ?? score, created: res.status === 201 };
    try { ({ body: agency } = await api('GET', `/v1/public/agencies/${encodeURIComponent(uscc)}`, { anonymous: true })); } catch { /* the old average stays */ }
    render();
    $('#rating-done')?.focus();
  });
  return sec;
}

async function main() {
  renderLayout({ title: 'ag_pub.title', active: 'register' });
  document.addEventListener('ips:lang', render);
  uscc = (params().get('uscc') || '').trim().toUpperCase();
  if (!/^[0-9A-Z]{18}$/.test(uscc)) {
    problem = t('ag_pub.bad_uscc');
    return render();
  }
  render();
  try {
    ({ body: agency } = await api('GET', `/v1/public/agencies/${encodeURIComponent(uscc)}`, { anonymous: true }));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    problem = e.status === 404 ? t('ag_pub.not_found') : e.problem.detail || e.problem.title;
  }
  render();
}

main();
