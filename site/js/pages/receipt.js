// The receipt of a filing or an annual report (receipt.html?kind=filing|report[&year=Y][&uscc=…]):
// the reference, the status, what happens next, and the latest decision with its reasons and
// basis; printable (site.css prints it without the site's furniture).
import { h, params } from "../dom.js";
import { t, addStrings, fmtDate, fmtDateTime } from "../i18n.js";
import { api } from "../api.js";
import { renderLayout, requireSession } from "../layout.js";
import * as c from "./agency-common.js";

addStrings({
  "zh-CN": {
    "receipt.title": "办理回执",
    "receipt.filing.submitted": "备案申请已提交",
    "receipt.filing.accepted": "备案已通过",
    "receipt.filing.returned": "备案已退回修改",
    "receipt.filing.rejected": "不予备案",
    "receipt.filing.deregistered": "备案已注销",
    "receipt.report.submitted": "{year} 年度报告已提交",
    "receipt.report.accepted": "{year} 年度报告已通过",
    "receipt.report.returned": "{year} 年度报告已退回更正",
    "receipt.reference": "参考编号（统一社会信用代码）",
    "receipt.filing_no": "备案号",
    "receipt.name": "机构名称",
    "receipt.status": "状态",
    "receipt.submitted_at": "提交时间",
    "receipt.first_submitted_at": "首次报送时间",
    "receipt.accepted_at": "通过时间",
    "receipt.year": "报告年度",
    "receipt.on_time": "是否按时",
    "receipt.on_time.yes": "按时（截止时间为 {due}，含当日）",
    "receipt.on_time.no": "逾期（截止时间为 {due}，含当日）",
    "receipt.correction_due": "更正期限",
    "receipt.next": "接下来会怎样",
    "receipt.next.filing.submitted": "市知识产权局将审核您的备案。审核通过后，您可以在“我的办件”中看到备案号，贵机构将列入备案公示名录；如需修改，将退回并说明原因。",
    "receipt.next.filing.accepted": "贵机构已列入备案公示名录。每年 1 月 31 日前（含当日）须报送上一年度的年度报告；备案信息变化时请办理变更。",
    "receipt.next.filing.returned": "请根据下列原因修改备案信息后重新提交。",
    "receipt.next.filing.rejected": "本次备案不予通过。如有疑问请联系市知识产权局，也可以重新提交备案。",
    "receipt.next.filing.deregistered": "贵机构的备案已注销，公示名录中将显示为已注销。",
    "receipt.next.report.submitted": "市知识产权局将审核您的年度报告。审核前您可以修改后重新提交，按时标记不变；审核结果可在“我的办件”中查看。",
    "receipt.next.report.accepted": "本年度报告已审核通过，无需再做任何事。",
    "receipt.next.report.returned": "请在更正期限前根据下列原因更正并重新提交，以保留按时标记。",
    "receipt.decision": "审核决定",
    "receipt.decision.at": "决定时间",
    "receipt.decision.by": "决定机关",
    "receipt.decision.outcome": "决定",
    "receipt.decision.reasons": "原因",
    "receipt.decision.comment": "说明",
    "receipt.basis": "依据",
    "receipt.basis.filing": "《关于在澄知识产权公共服务平台及社会化服务体系建设的意见》二（二）1：知识产权服务机构向市知识产权局备案。",
    "receipt.basis.report": "《关于在澄知识产权公共服务平台及社会化服务体系建设的意见》二（二）1：每年 1 月 31 日前报送上一年度在本市的业务情况。",
    "receipt.print": "打印回执",
    "receipt.mine": "查看我的办件",
    "receipt.correct.filing": "修改备案信息",
    "receipt.correct.report": "更正年度报告",
    "receipt.bad": "回执地址不完整。请从“我的办件”打开回执。",
  },
  en: {
    "receipt.title": "Receipt",
    "receipt.filing.submitted": "Filing submitted",
    "receipt.filing.accepted": "Filing accepted",
    "receipt.filing.returned": "Filing returned for correction",
    "receipt.filing.rejected": "Filing rejected",
    "receipt.filing.deregistered": "Filing deregistered",
    "receipt.report.submitted": "Annual report for {year} submitted",
    "receipt.report.accepted": "Annual report for {year} accepted",
    "receipt.report.returned": "Annual report for {year} returned for correction",
    "receipt.reference": "Reference (unified social credit code)",
    "receipt.filing_no": "Filing number",
    "receipt.name": "Agency name",
    "receipt.status": "Status",
    "receipt.submitted_at": "Submitted",
    "receipt.first_submitted_at": "First submitted",
    "receipt.accepted_at": "Accepted",
    "receipt.year": "Year reported",
    "receipt.on_time": "On time?",
    "receipt.on_time.yes": "On time (due on or before {due})",
    "receipt.on_time.no": "Late (it was due on or before {due})",
    "receipt.correction_due": "Correct before",
    "receipt.next": "What happens next",
    "receipt.next.filing.submitted": "The city IP bureau reviews your filing. When it is accepted you will see the filing number under My submissions and your agency appears on the public register; if something needs correcting, it is returned to you with the reasons.",
    "receipt.next.filing.accepted": "Your agency is on the public register. Report each year's business on or before 31 January of the next year, and amend the filing when its details change.",
    "receipt.next.filing.returned": "Correct the filing using the reasons below and submit it again.",
    "receipt.next.filing.rejected": "This filing was not accepted. Contact the city IP bureau with any question; you may file again.",
    "receipt.next.filing.deregistered": "Your filing has ended; the public register shows it as deregistered.",
    "receipt.next.report.submitted": "The city IP bureau reviews your annual report. Until then you may correct it and submit again (the on-time stamp stays); see the outcome under My submissions.",
    "receipt.next.report.accepted": "The report is accepted. There is nothing more to do.",
    "receipt.next.report.returned": "Correct the report using the reasons below and submit it again before the correction deadline to keep the on-time stamp.",
    "receipt.decision": "Decision",
    "receipt.decision.at": "Decided",
    "receipt.decision.by": "Decided by",
    "receipt.decision.outcome": "Outcome",
    "receipt.decision.reasons": "Reasons",
    "receipt.decision.comment": "Comment",
    "receipt.basis": "Basis",
    "receipt.basis.filing": "Jiangyin opinion on IP public services §2(2)1: IP service agencies file with the city IP bureau.",
    "receipt.basis.report": "Jiangyin opinion on IP public services §2(2)1: agencies report the previous year's business in the city on or before 31 January.",
    "receipt.print": "Print this receipt",
    "receipt.mine": "Go to My submissions",
    "receipt.correct.filing": "Correct the filing",
    "receipt.correct.report": "Correct the annual report",
    "receipt.bad": "This receipt address is incomplete. Open receipts from My submissions.",
  },
});

const DECISIONS = ["accept", "return", "reject", "deregister"];

async function main() {
  renderLayout({ title: "receipt.title", active: "submissions" });
  const s = requireSession();
  if (!s) return;
  const q = params();
  const kind = q.get("kind") === "report" ? "report" : q.get("kind") === "filing" ? "filing" : "";
  const uscc = (q.get("uscc") || (s.role === "agency" ? s.subject : "")).toUpperCase();
  const year = Number(q.get("year"));
  let root = c.pageRoot();
  if (!kind || !/^[0-9A-Z]{18}$/.test(uscc) || (kind === "report" && !(year >= 2000 && year <= 9999))) {
    root.append(h("p", { id: "receipt-bad" }, t("receipt.bad")));
    return;
  }
  const path = kind === "filing"
    ? `/v1/agencies/${encodeURIComponent(uscc)}`
    : `/v1/agencies/${encodeURIComponent(uscc)}/annual-reports/${year}`;
  let rec;
  try {
    rec = (await api("GET", path)).body;
  } catch (err) {
    c.noticeBox(root, err.problem?.detail || err.problem?.title || t("ag.problem.network"));
    return;
  }
  let name = kind === "filing" ? rec.filing?.name : "";
  if (kind === "report") {
    // The agency's name for the heading of a printed report receipt (best effort).
    try { name = (await api("GET", `/v1/agencies/${encodeURIComponent(uscc)}`)).body.filing?.name || ""; } catch { /* the USCC says it */ }
  }

  const render = () => {
    root = c.pageRoot();
    const h1 = document.querySelector("#main h1");
    if (h1) h1.remove();
    root.append(receipt(kind, rec, uscc, name, s));
  };
  render();
  c.onLang(render);
}

function receipt(kind, rec, uscc, name, s) {
  const vars = { year: rec.year };
  const panel = h("div", { class: "panel", id: "receipt-panel" },
    h("h1", { id: "receipt-title" }, t(`receipt.${kind}.${rec.status}`, vars)),
    h("p", {}, t("receipt.reference"), h("br"), h("strong", { id: "receipt-reference" }, uscc)),
    rec.filing_no ? h("p", {}, t("receipt.filing_no"), h("br"), h("strong", { id: "receipt-filing-no" }, rec.filing_no)) : null);

  const rows = [];
  if (name) rows.push(["receipt.name", name]);
  if (kind === "report") rows.push(["receipt.year", String(rec.year)]);
  rows.push(["receipt.status", h("span", { id: "receipt-status" }, c.statusText(kind, rec.status))]);
  if (kind === "report") {
    // The cutoff is 1 February 00:00: the last day on time is the day before.
    const due = fmtDate(new Date(Date.parse(rec.cutoff) - 1));
    rows.push(["receipt.on_time", h("span", { id: "receipt-on-time" }, t(rec.on_time ? "receipt.on_time.yes" : "receipt.on_time.no", { due }))]);
    if (rec.first_submitted_at && rec.first_submitted_at !== rec.submitted_at) rows.push(["receipt.first_submitted_at", fmtDateTime(rec.first_submitted_at)]);
  }
  rows.push(["receipt.submitted_at", h("span", { id: "receipt-submitted-at" }, fmtDateTime(rec.submitted_at))]);
  if (rec.accepted_at) rows.push(["receipt.accepted_at", fmtDateTime(rec.accepted_at)]);
  if (kind === "report" && rec.status === "returned" && rec.correction_due) rows.push(["receipt.correction_due", fmtDateTime(rec.correction_due)]);
  const dl = h("dl", { class: "summary-list", id: "receipt-summary" },
    rows.map(([key, v]) => [h("dt", {}, t(key)), h("dd", {}, v)]));

  // The latest decision, with its reasons and basis.
  const decision = [...(rec.history || [])].reverse().find((ev) => DECISIONS.includes(ev.action));
  let decided = null;
  if (decision) {
    decided = h("section", { id: "receipt-decision", "aria-labelledby": "decision-title" },
      h("h2", { id: "decision-title" }, t("receipt.decision")),
      h("dl", { class: "summary-list" },
        h("dt", {}, t("receipt.decision.outcome")), h("dd", {}, t("ag.action." + decision.action)),
        h("dt", {}, t("receipt.decision.at")), h("dd", {}, fmtDateTime(decision.at)),
        h("dt", {}, t("receipt.decision.by")), h("dd", {}, c.actorText(decision.actor)),
        decision.reasons?.length ? [h("dt", {}, t("receipt.decision.reasons")), h("dd", { id: "receipt-reasons" }, c.reasonsList(decision.reasons, c.pointerLabel))] : null,
        decision.comment ? [h("dt", {}, t("receipt.decision.comment")), h("dd", {}, decision.comment)] : null,
        h("dt", {}, t("receipt.basis")), h("dd", {}, t(`receipt.basis.${kind}`))));
  }

  const own = s.role === "agency" && s.subject === uscc;
  const correct = own && rec.status === "returned"
    ? h("a", { class: "button", href: kind === "filing" ? "filing.html" : `report.html?year=${rec.year}` }, t(`receipt.correct.${kind}`))
    : null;
  return h("div", { class: "receipt", id: "receipt" },
    panel,
    dl,
    h("h2", {}, t("receipt.next")),
    h("p", { id: "receipt-next" }, t(`receipt.next.${kind}.${rec.status}`)),
    rec.status === "returned" && rec.return_reasons?.length && !decision?.reasons?.length ? c.reasonsList(rec.return_reasons, c.pointerLabel) : null,
    correct ? h("p", { class: "no-print" }, correct) : null,
    decided,
    c.historyTable(rec.history, kind),
    h("p", { class: "no-print" },
      h("button", { type: "button", class: "button button--secondary", id: "print", "on:click": () => window.print() }, t("receipt.print")),
      " ",
      h("a", { href: "mine.html", id: "to-mine" }, t("receipt.mine"))));
}

main();
