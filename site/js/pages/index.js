// The home page: what each kind of user can do here, and the next cutoffs with the days left,
// counted in Beijing calendar days from the platform's clock (dev mode) or the browser's.
import { h, $, replace } from '../dom.js';
import { t, addStrings, fmtDate } from '../i18n.js';
import { session, platformNow } from '../api.js';
import { renderLayout } from '../layout.js';

addStrings({
  'zh-CN': {
    'home.title': '知识产权服务机构备案、年度报告与资助申请',
    'home.lead': '知识产权服务机构在此备案登记、报送年度报告；企业在此申请知识产权金融资助；县（市、区）政府在此申报省知识产权服务业集聚发展区；审核人员在此办理审核。',
    'home.today': '今天是 {date}（北京时间）',
    'home.cutoffs': '近期截止日期',
    'home.jan31': '服务机构年度报告', 'home.jan31_what': '报送上一年度在本市的业务情况，当日 24 时前提交视为按时。',
    'home.jun30': '集聚发展区申报', 'home.jun30_what': '县（市、区）政府经设区市推荐报省知识产权局，逾期进入下一轮。',
    'home.due': '截止：{date}', 'home.days_left': '还剩 {n} 天', 'home.due_today': '今天截止',
    'home.what': '您可以办理', 'home.your_role': '您的角色',
    'home.g.agency': '知识产权服务机构', 'home.g.agency_what': '向市知识产权局备案登记、变更备案，每年 1 月 31 日前报送年度报告，查看办理进度和回执。',
    'home.g.enterprise': '企业与受托申报机构', 'home.g.enterprise_what': '申请知识产权质押融资奖励、服务费、保险保费和证券化资助；提交前可预览资助金额和依据。',
    'home.g.county': '县（市、区）政府', 'home.g.county_what': '按任务清单填写集聚发展区申报书、上传材料，6 月 30 日前提交设区市推荐。',
    'home.g.officer': '审核人员与专家', 'home.g.officer_what': '审核备案、年度报告、资助申请和集聚区申报，查看截止日处理结果。',
    'home.g.public': '社会公众', 'home.g.public_what': '无需登录，查询服务机构备案公示名录和资助公示。',
    'home.sign_in': '登录后办理',
  },
  en: {
    'home.title': 'Agency filing, annual reports and IP subsidies',
    'home.lead': 'IP service agencies file and report every year here; enterprises claim IP finance subsidies; county governments apply to become provincial IP service cluster zones; officers review it all.',
    'home.today': 'Today is {date} (Beijing time)',
    'home.cutoffs': 'Next cutoffs',
    'home.jan31': 'Agencies’ annual reports', 'home.jan31_what': 'Report last year’s business in the city; a report in by midnight that day is on time.',
    'home.jun30': 'Cluster zone applications', 'home.jun30_what': 'County governments apply through their prefecture to the provincial office; later applications join the next round.',
    'home.due': 'Due: {date}', 'home.days_left': '{n} days left', 'home.due_today': 'Due today',
    'home.what': 'What you can do here', 'home.your_role': 'Your role',
    'home.g.agency': 'IP service agencies', 'home.g.agency_what': 'File with the city IP office, amend the filing, report every year by 31 January, and follow your submissions and receipts.',
    'home.g.enterprise': 'Enterprises and mandated submitters', 'home.g.enterprise_what': 'Claim the pledge financing reward, service fees, insurance premiums and securitisation costs, with a preview of the amount and its basis before you submit.',
    'home.g.county': 'County governments', 'home.g.county_what': 'Prepare the cluster zone application part by part, upload its documents and submit it to your prefecture by 30 June.',
    'home.g.officer': 'Officers and experts', 'home.g.officer_what': 'Review filings, annual reports, subsidy claims and cluster applications, and see the deadline runs.',
    'home.g.public': 'Everyone', 'home.g.public_what': 'Search the public register of agencies and the subsidies in public notice, without signing in.',
    'home.sign_in': 'Sign in to start',
  },
});

const DAY = 86400000;

// beijingDay: the calendar day in Beijing of an instant, as a UTC midnight timestamp.
export function beijingDay(instant) {
  const b = new Date(instant.getTime() + 8 * 3600000);
  return Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate());
}

// nextCutoff: the next (month, day) on or after today's Beijing date, and the days until it
// (0 on the day itself, which is still on time).
export function nextCutoff(now, month, day) {
  const today = beijingDay(now);
  const year = new Date(today).getUTCFullYear();
  let due = Date.UTC(year, month - 1, day);
  if (due < today) due = Date.UTC(year + 1, month - 1, day);
  const iso = new Date(due).toISOString().slice(0, 10);
  return { date: iso, days: Math.round((due - today) / DAY) };
}

const GROUPS = [
  { id: 'agency', roles: ['agency'], links: [['filing.html', 'nav.filing'], ['report.html', 'nav.annual_report'], ['mine.html', 'nav.submissions'], ['notices-mine.html', 'nav.my_notices']] },
  { id: 'enterprise', roles: ['enterprise', 'mandated_submitter'], links: [['claim.html', 'nav.claim'], ['claims.html', 'nav.claims'], ['eligibility.html', 'nav.eligibility']] },
  { id: 'county', roles: ['county_government'], links: [['cluster.html', 'nav.cluster'], ['zone.html', 'nav.zone'], ['notices-mine.html', 'nav.my_notices']] },
  { id: 'officer', roles: ['district_reviewer', 'city_officer', 'prefecture_officer', 'province_officer', 'expert', 'scheduler'], links: [['workbench.html', 'nav.workbench'], ['eligibility.html', 'nav.eligibility']] },
  { id: 'public', links: [['register.html', 'nav.register'], ['notices.html', 'nav.notices']] },
];

let now = null;

function cutoffCard(id, titleKey, whatKey, c) {
  return h('li', { class: 'card', id, 'data-days': c.days, 'data-date': c.date },
    h('h3', null, t(titleKey)),
    h('p', { class: 'big-number' }, c.days === 0 ? t('home.due_today') : t('home.days_left', { n: c.days })),
    h('p', null, h('strong', null, t('home.due', { date: fmtDate(c.date) }))),
    h('p', { class: 'secondary' }, t(whatKey)));
}

function render() {
  const s = session();
  const groups = [...GROUPS].sort((a, b) => (s && b.roles?.includes(s.role) ? 1 : 0) - (s && a.roles?.includes(s.role) ? 1 : 0));
  replace($('#main'),
    h('h1', { 'data-i18n': 'home.title' }, t('home.title')),
    h('p', { class: 'lead' }, t('home.lead')),
    now && h('p', { id: 'today' }, t('home.today', { date: fmtDate(now) })),
    h('h2', null, t('home.cutoffs')),
    now ? h('ul', { class: 'cards', id: 'cutoffs' },
      cutoffCard('cutoff-jan31', 'home.jan31', 'home.jan31_what', nextCutoff(now, 1, 31)),
      cutoffCard('cutoff-jun30', 'home.jun30', 'home.jun30_what', nextCutoff(now, 6, 30)))
      : h('p', null, t('common.loading')),
    h('h2', null, t('home.what')),
    h('ul', { class: 'cards', id: 'tasks' }, groups.map((g) => {
      const mine = s && g.roles?.includes(s.role);
      return h('li', { class: 'card', id: `tasks-${g.id}` },
        h('h3', null, t(`home.g.${g.id}`), mine && [' ', h('span', { class: 'tag' }, t('home.your_role'))]),
        h('p', null, t(`home.g.${g.id}_what`)),
        h('ul', null, g.links.map(([href, key]) => h('li', null, h('a', { href }, t(key))))),
        g.roles && !s && h('p', null, h('a', { href: `signin.html?next=${encodeURIComponent(g.links[0][0])}` }, t('home.sign_in'))));
    })));
}

renderLayout({ title: 'home.title', active: 'home' });
render();
document.addEventListener('ips:lang', render);
document.addEventListener('ips:session', render);
platformNow().then((d) => { now = d; render(); });
