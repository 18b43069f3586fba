// My submissions (我的办件), for an agency: its filing (status, filing number, history) and its
// annual reports by year (status, on time or late, history), each with its printable receipt;
// its sanctions with their basis and waivers, its notices, and the deregistration of its filing
// (注销, after a confirmation step).
import { h, $, replace } from "../dom.js";
import { t, addStrings, fmtDate, fmtDateTime, label } from "../i18n.js";
import { api, platformNow } from "../api.js";
import { keepDraft, dropDraft, submitOnce, invalid } from "../forms.js";
import { renderLayout, requireSession } from "../layout.js";
import * as c from "./agency-common.js";
import { bilingual, effectsText, loadNotices, noticeList, problemText } from "./citizen-common.js";

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
    "mine.sanctions": "惩戒",
    "mine.sanctions.none": "贵机构没有受到惩戒。",
    "mine.sanctions.caption": "对贵机构的惩戒及其依据",
    "mine.sanctions.trigger": "原因", "mine.sanctions.failure_year": "所涉年度", "mine.sanctions.year": "执行年度",
    "mine.sanctions.effects": "措施", "mine.sanctions.basis": "依据", "mine.sanctions.decided_at": "决定时间",
    "mine.sanctions.public": "是否公开", "mine.sanctions.state": "状态",
    "mine.sanctions.in_effect": "有效", "mine.sanctions.waived": "已豁免：{reason}（{at}）",
    "mine.sanctions.unavailable": "无法加载惩戒：{detail}",
    "mine.notices": "通知",
    "mine.notices.all": "查看全部通知",
    "mine.dereg": "注销备案",
    "mine.dereg.lead": "注销后，贵机构在备案公示名录中显示为“已注销”，此后不再需要报送年度报告；已作出的惩戒不受影响。需要再次开展服务的，须重新备案。",
    "mine.dereg.start": "注销备案……",
    "mine.dereg.confirm_title": "确认注销备案",
    "mine.dereg.warning": "注销立即生效，不能撤回。",
    "mine.dereg.reason": "注销原因（选填）",
    "mine.dereg.confirm": "我确认注销 {name}（{uscc}）的备案",
    "mine.dereg.confirm_required": "请勾选确认后再注销",
    "mine.dereg.submit": "确认注销",
    "mine.dereg.cancel": "取消",
    "mine.dereg.done": "备案已注销（{at}）。贵机构在备案公示名录中显示为“已注销”。",
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
    "mine.sanctions": "Sanctions",
    "mine.sanctions.none": "Your agency has no sanction.",
    "mine.sanctions.caption": "Sanctions on your agency and their basis",
    "mine.sanctions.trigger": "Reason", "mine.sanctions.failure_year": "Year concerned", "mine.sanctions.year": "Year in effect",
    "mine.sanctions.effects": "Measures", "mine.sanctions.basis": "Basis", "mine.sanctions.decided_at": "Decided",
    "mine.sanctions.public": "Public", "mine.sanctions.state": "State",
    "mine.sanctions.in_effect": "In effect", "mine.sanctions.waived": "Waived: {reason} ({at})",
    "mine.sanctions.unavailable": "The sanctions could not be loaded: {detail}",
    "mine.notices": "Notices",
    "mine.notices.all": "See every notice",
    "mine.dereg": "Deregister the filing",
    "mine.dereg.lead": "Once deregistered, your agency shows as “Deregistered” on the public register and owes no further annual report; sanctions already decided stay. To offer services again, file again.",
    "mine.dereg.start": "Deregister the filing…",
    "mine.dereg.confirm_title": "Confirm the deregistration",
    "mine.dereg.warning": "Deregistration takes effect at once and cannot be undone.",
    "mine.dereg.reason": "Reason (optional)",
    "mine.dereg.confirm": "I confirm the deregistration of {name} ({uscc})",
    "mine.dereg.confirm_required": "Tick the confirmation to deregister",
    "mine.dereg.submit": "Deregister now",
    "mine.dereg.cancel": "Cancel",
    "mine.dereg.done": "The filing was deregistered ({at}). Your agency shows as “Deregistered” on the public register.",
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

  // Sanctions (with waivers) and notices, read beside the filing.
  let sanctions = null;
  let notices = null;
  const loadExtras = async () => {
    const [sg, ng] = await Promise.allSettled([
      agency ? api("GET", `/v1/agencies/${enc}/sanctions?limit=500`) : Promise.resolve(null),
      loadNotices(),
    ]);
    sanctions = sg.status === "fulfilled" ? { items: sg.value?.body?.items || [] } : { error: sg.reason };
    notices = ng.status === "fulfilled" ? ng.value : { error: ng.reason };
  };
  await loadExtras();

  const dereg = { open: false, done: null };
  const render = () => {
    const out = c.pageRoot();
    out.append(h("p", { class: "lead" }, t("mine.lead")));
    if (dereg.done) {
      out.append(h("div", { class: "notification-banner notification-banner--success", role: "status", id: "deregistered", tabindex: "-1" },
        t("mine.dereg.done", { at: fmtDateTime(dereg.done) })));
    }
    out.append(filingSection(agency, uscc));
    if (agency) out.append(reportsSection(agency, reports));
    if (agency) out.append(sanctionsSection(sanctions));
    out.append(noticesSection(notices));
    if (agency && agency.registered && agency.status !== "deregistered") out.append(deregSection(agency, uscc, dereg, async () => {
      agency = (await api("GET", "/v1/agencies/" + enc)).body;
      dereg.done = agency.deregistered_at || new Date().toISOString();
      dereg.open = false;
      render();
      $("#deregistered")?.focus();
    }, render));
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

function sanctionsSection(got) {
  const sec = h("section", { id: "sanctions", "aria-labelledby": "sanctions-title" }, h("h2", { id: "sanctions-title" }, t("mine.sanctions")));
  if (got?.error) {
    sec.append(h("p", { class: "error-message" }, t("mine.sanctions.unavailable", { detail: problemText(got.error) })));
    return sec;
  }
  const items = got?.items || [];
  if (!items.length) {
    sec.append(h("p", { id: "sanctions-none" }, t("mine.sanctions.none")));
    return sec;
  }
  const cols = ["trigger", "failure_year", "year", "effects", "basis", "decided_at", "state"];
  sec.append(h("table", { class: "table", id: "sanctions-table" },
    h("caption", {}, t("mine.sanctions.caption")),
    h("thead", {}, h("tr", {}, cols.map((k) => h("th", { scope: "col" }, t(`mine.sanctions.${k}`))))),
    h("tbody", {}, items.map((s) => h("tr", { "data-sanction": s.id, "data-waived": String(!!s.waived) },
      h("td", {}, label("trigger", s.trigger), s.message ? h("div", { class: "hint" }, bilingual(s.message)) : null),
      h("td", {}, String(s.failure_year ?? "")),
      h("td", {}, String(s.year ?? "")),
      h("td", {}, effectsText(s.effects)),
      h("td", { class: "sanction-basis" }, s.basis || ""),
      h("td", {}, fmtDateTime(s.decided_at)),
      h("td", { class: "sanction-state" }, s.waived
        ? h("span", { class: "tag tag--grey" }, t("mine.sanctions.waived", { reason: s.waiver?.reason || "", at: fmtDateTime(s.waiver?.at) }))
        : h("span", { class: "tag tag--red" }, t("mine.sanctions.in_effect"))))))));
  return sec;
}

function noticesSection(got) {
  const sec = h("section", { id: "notices", "aria-labelledby": "notices-title" }, h("h2", { id: "notices-title" }, t("mine.notices")));
  if (got?.error) sec.append(h("p", { class: "error-message" }, t("cc.notices.unavailable", { detail: problemText(got.error) })));
  else {
    sec.append(noticeList(got?.items || []));
    if (got?.next) sec.append(h("p", {}, h("a", { href: "notices-mine.html" }, t("mine.notices.all"))));
  }
  return sec;
}

// deregSection: the deregistration, in two steps: a button that opens the confirmation form,
// and the form (an optional reason, a confirmation box, the button that deregisters).
function deregSection(agency, uscc, state, onDone, rerender) {
  const sec = h("section", { id: "deregistration", class: "no-print", "aria-labelledby": "dereg-title" },
    h("h2", { id: "dereg-title" }, t("mine.dereg")),
    h("p", {}, t("mine.dereg.lead")));
  if (!state.open) {
    sec.append(h("button", { type: "button", class: "button button--warning", id: "deregister-start",
      "on:click": () => { state.open = true; rerender(); $("#deregister-form h3")?.focus(); } }, t("mine.dereg.start")));
    return sec;
  }
  const name = (agency.registered || agency.filing || {}).name || "";
  const form = h("form", { id: "deregister-form", action: "#", method: "post", class: "inset" },
    h("h3", { tabindex: "-1" }, t("mine.dereg.confirm_title")),
    h("p", { class: "hint" }, h("strong", {}, t("mine.dereg.warning"))),
    h("div", { class: "form-group" },
      h("label", { class: "label", for: "deregister-reason" }, t("mine.dereg.reason")),
      h("textarea", { id: "deregister-reason", name: "reason", class: "textarea", rows: "3", maxlength: "2000", "data-pointer": "/reason" })),
    h("div", { class: "form-group checkboxes", "data-pointer": "/confirm" },
      h("div", {},
        h("input", { type: "checkbox", id: "deregister-confirm", name: "confirm", value: "yes", "data-no-draft": "" }),
        h("label", { for: "deregister-confirm" }, t("mine.dereg.confirm", { name, uscc })))),
    h("button", { type: "submit", class: "button button--warning", id: "deregister-submit" }, t("mine.dereg.submit")), " ",
    h("button", { type: "button", class: "button button--secondary", id: "deregister-cancel",
      "on:click": () => { state.open = false; rerender(); $("#deregister-start")?.focus(); } }, t("mine.dereg.cancel")));
  sec.append(form);
  const draftKey = `deregister.${uscc}`;
  keepDraft(form, draftKey);
  submitOnce(form, async (idempotencyKey) => {
    if (!$("#deregister-confirm", form).checked) throw invalid([{ field: "/confirm", code: "required", message: t("mine.dereg.confirm_required") }]);
    const reason = $("#deregister-reason", form).value.trim();
    await api("POST", `/v1/agencies/${encodeURIComponent(uscc)}/deregistration`, { body: reason ? { reason } : {}, idempotencyKey });
    dropDraft(draftKey);
    await onDone();
  });
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
