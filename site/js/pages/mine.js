// My submissions (我的办件), for an agency: its filing (status, filing number, history) and its
// annual reports by year (status, on time or late, history), each with its printable receipt.
import { h, replace } from "../dom.js";
import { t, addStrings, fmtDate, fmtDateTime } from "../i18n.js";
import { api, platformNow } from "../api.js";
import { renderLayout, requireSession } from "../layout.js";
import * as c from "./agency-common.js";

addStrings({
  "zh-CN": {
    "mine.title": "我的办件",
    "mine.lead": "贵机构的备案和各年度报告，以及每一项的办理记录和回执。",
    "mine.filing": "备案登记",
    "mine.filing.none": "贵机构尚未备案。",
    "mine.filing.start": "开始备案登记",
    "mine.filing.name": "机构名称",
    "mine.filing.uscc": "统一社会信用代码",
    "mine.filing.status": "状态",
    "mine.filing.no": "备案号",
    "mine.filing.submitted_at": "最近提交时间",
    "mine.filing.accepted_at": "备案时间",
    "mine.filing.receipt": "查看并打印备案回执",
    "mine.filing.amend": "变更备案信息",
    "mine.filing.correct": "修改后重新提交",
    "mine.filing.refile": "重新备案",
    "mine.reports": "年度报告",
    "mine.reports.caption": "各年度报告（每年 1 月 31 日前报送上一年度）",
    "mine.reports.year": "年度",
    "mine.reports.status": "状态",
    "mine.reports.on_time": "是否按时",
    "mine.reports.submitted_at": "报送时间",
    "mine.reports.actions": "操作",
    "mine.reports.due": "截止 {due}",
    "mine.reports.submit": "报送 {year} 年度报告",
    "mine.reports.correct": "更正 {year} 年度报告",
    "mine.reports.view": "{year} 年度回执",
    "mine.reports.history": "{year} 年度报告的办理记录",
    "mine.reports.none": "暂无需要报送的年度。",
    "mine.other_role": "本页列出服务机构的备案和年度报告。请以服务机构身份登录查看。",
  },
  en: {
    "mine.title": "My submissions",
    "mine.lead": "Your agency's filing and annual reports, each with its history and receipt.",
    "mine.filing": "Agency filing",
    "mine.filing.none": "Your agency has not filed yet.",
    "mine.filing.start": "Start the agency filing",
    "mine.filing.name": "Agency name",
    "mine.filing.uscc": "Unified social credit code",
    "mine.filing.status": "Status",
    "mine.filing.no": "Filing number",
    "mine.filing.submitted_at": "Last submitted",
    "mine.filing.accepted_at": "Filed on",
    "mine.filing.receipt": "View and print the filing receipt",
    "mine.filing.amend": "Amend the filing",
    "mine.filing.correct": "Correct and submit again",
    "mine.filing.refile": "File again",
    "mine.reports": "Annual reports",
    "mine.reports.caption": "Annual reports by year (each due on or before 31 January of the next year)",
    "mine.reports.year": "Year",
    "mine.reports.status": "Status",
    "mine.reports.on_time": "On time?",
    "mine.reports.submitted_at": "Submitted",
    "mine.reports.actions": "Actions",
    "mine.reports.due": "due {due}",
    "mine.reports.submit": "Submit the report for {year}",
    "mine.reports.correct": "Correct the report for {year}",
    "mine.reports.view": "Receipt for {year}",
    "mine.reports.history": "History of the report for {year}",
    "mine.reports.none": "No year to report yet.",
    "mine.other_role": "This page lists an agency's filing and annual reports. Sign in as the agency to see them.",
  },
});

const statusTag = (kind, status) => {
  const cls = { accepted: "tag tag--green", returned: "tag tag--red", rejected: "tag tag--red", deregistered: "tag tag--grey" }[status] || "tag";
  return h("strong", { class: status ? cls : "tag tag--grey" }, c.statusText(kind, status));
};

async function main() {
  renderLayout({ title: "mine.title", active: "submissions" });
  const s = requireSession();
  if (!s) return;
  const root = c.pageRoot();
  if (s.role !== "agency") {
    root.append(h("p", { id: "other-role" }, t("mine.other_role")));
    c.onLang(() => replace(c.pageRoot(), h("p", { id: "other-role" }, t("mine.other_role"))));
    return;
  }
  const uscc = s.subject;
  const enc = encodeURIComponent(uscc);

  let agency = null;
  try {
    agency = (await api("GET", "/v1/agencies/" + enc)).body;
  } catch (err) {
    if (err.status !== 404) {
      c.noticeBox(root, err.problem?.detail || err.problem?.title || t("ag.problem.network"));
      return;
    }
  }

  // Reports: every year from the year business began in the city (at most ten) to last year.
  const now = await platformNow();
  const lastYear = new Date(now.getTime() + 8 * 3600 * 1000).getUTCFullYear() - 1;
  const reports = [];
  if (agency) {
    const started = (agency.registered || agency.filing || {}).business_started_on || "";
    const first = Math.max(2000, lastYear - 9, Number(started.slice(0, 4)) || lastYear);
    const years = [];
    for (let y = lastYear; y >= first; y--) years.push(y);
    const got = await Promise.allSettled(years.map((y) => api("GET", `/v1/agencies/${enc}/annual-reports/${y}`)));
    // Shown: every report there is, and the years owed since the first acceptance (a report for
    // Y is owed by an agency accepted on or before 31 December Y), and last year while on the
    // register; a missing year before the filing was accepted is not a gap.
    const firstAccept = (agency.history || []).find((ev) => ev.action === "accept");
    const owedFrom = firstAccept ? Number(firstAccept.at.slice(0, 4)) : Infinity;
    const onRegister = !!agency.registered || agency.status === "accepted";
    got.forEach((r, i) => {
      const report = r.status === "fulfilled" ? r.value.body : null;
      const y = years[i];
      if (report || y >= owedFrom || (onRegister && y === lastYear)) reports.push({ year: y, report });
    });
  }

  const render = () => {
    const out = c.pageRoot();
    out.append(h("p", { class: "lead" }, t("mine.lead")));
    out.append(filingSection(agency, uscc));
    if (agency) out.append(reportsSection(agency, reports));
  };
  render();
  c.onLang(render);
}

function filingSection(agency, uscc) {
  const sec = h("section", { id: "filing", "aria-labelledby": "filing-title" }, h("h2", { id: "filing-title" }, t("mine.filing")));
  if (!agency) {
    sec.append(h("p", { id: "filing-none" }, t("mine.filing.none")), h("p", {}, h("a", { class: "button", href: "filing.html" }, t("mine.filing.start"))));
    return sec;
  }
  const f = agency.filing || {};
  sec.append(h("dl", { class: "summary-list", id: "filing-summary" },
    h("dt", {}, t("mine.filing.name")), h("dd", {}, f.name || ""),
    h("dt", {}, t("mine.filing.uscc")), h("dd", {}, uscc),
    h("dt", {}, t("mine.filing.status")), h("dd", { id: "filing-status" }, statusTag("filing", agency.status)),
    agency.filing_no ? [h("dt", {}, t("mine.filing.no")), h("dd", { id: "filing-no" }, agency.filing_no)] : null,
    h("dt", {}, t("mine.filing.submitted_at")), h("dd", {}, fmtDateTime(agency.submitted_at)),
    agency.accepted_at ? [h("dt", {}, t("mine.filing.accepted_at")), h("dd", {}, fmtDateTime(agency.accepted_at))] : null));
  const next = { returned: "mine.filing.correct", accepted: "mine.filing.amend", submitted: "mine.filing.amend",
    rejected: "mine.filing.refile", deregistered: "mine.filing.refile" }[agency.status];
  sec.append(h("ul", { class: "list actions no-print" },
    h("li", {}, h("a", { href: "receipt.html?kind=filing", id: "filing-receipt" }, t("mine.filing.receipt"))),
    next ? h("li", {}, h("a", { href: "filing.html", id: "filing-edit" }, t(next))) : null));
  if (agency.return_reasons && agency.return_reasons.length && agency.status === "returned") {
    sec.append(h("div", { class: "inset" }, c.reasonsList(agency.return_reasons, (p) => c.pointerLabel(p))));
  }
  sec.append(c.historyTable(agency.history, "filing"));
  return sec;
}

function reportsSection(agency, reports) {
  const sec = h("section", { id: "reports", "aria-labelledby": "reports-title" }, h("h2", { id: "reports-title" }, t("mine.reports")));
  if (!reports.length) {
    sec.append(h("p", {}, t("mine.reports.none")));
    return sec;
  }
  const onRegister = !!agency.registered || agency.status === "accepted";
  sec.append(h("table", { class: "table", id: "reports-table" },
    h("caption", {}, t("mine.reports.caption")),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("mine.reports.year")),
      h("th", { scope: "col" }, t("mine.reports.status")),
      h("th", { scope: "col" }, t("mine.reports.on_time")),
      h("th", { scope: "col" }, t("mine.reports.submitted_at")),
      h("th", { scope: "col", class: "no-print" }, t("mine.reports.actions")))),
    h("tbody", {}, reports.map(({ year, report: r }) => h("tr", { id: `report-${year}`, "data-year": String(year) },
      h("th", { scope: "row" }, String(year)),
      h("td", { class: "report-status" }, statusTag("report", r ? r.status : ""),
        r ? null : h("span", { class: "hint" }, " ", t("mine.reports.due", { due: fmtDate(`${year + 1}-01-31`) }))),
      h("td", { class: "report-on-time" }, r ? t(r.on_time ? "ag.on_time" : "ag.late") : ""),
      h("td", {}, r ? fmtDateTime(r.submitted_at) : ""),
      h("td", { class: "no-print" },
        r ? h("a", { href: `receipt.html?kind=report&year=${year}` }, t("mine.reports.view", { year })) : null,
        r && r.status !== "accepted" ? [" · ", h("a", { href: `report.html?year=${year}` }, t("mine.reports.correct", { year }))] : null,
        !r && onRegister ? h("a", { href: `report.html?year=${year}` }, t("mine.reports.submit", { year })) : null))))));
  for (const { year, report: r } of reports) {
    if (!r) continue;
    sec.append(h("details", { class: "report-history", id: `report-history-${year}` },
      h("summary", {}, t("mine.reports.history", { year })),
      r.status === "returned" && r.return_reasons?.length ? h("div", { class: "inset" }, c.reasonsList(r.return_reasons, (p) => c.pointerLabel(p))) : null,
      c.historyTable(r.history, "report")));
  }
  return sec;
}

main();
