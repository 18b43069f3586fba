// Annual report (年度报告): an accepted agency reports its business in the city for a year that
// has ended, on or before 31 January of the next (DOMAIN.md §2; API.md "Annual report"). One PUT
// submits, resubmits while the report awaits review, or corrects a returned report (If-Match).
import { h, $, params } from "../dom.js";
import { t, addStrings, fmtDate, fmtDateTime } from "../i18n.js";
import { api, platformNow } from "../api.js";
import { keepDraft, dropDraft, submitOnce, invalid, yuanToFen, fenToYuan } from "../forms.js";
import { renderLayout, requireSession } from "../layout.js";
import * as c from "./agency-common.js";

addStrings({
  "zh-CN": {
    "report.title": "年度报告",
    "report.title.year": "{year} 年度报告",
    "report.year.label": "报告年度",
    "report.year.hint": "报告哪一年在本市的业务情况。每年 1 月 31 日前（含当日）报送上一年度的报告。",
    "report.year.choose": "查看该年度",
    "report.lead": "请报送贵机构 {year} 年在本市开展知识产权服务业务的情况，截止时间为 {due}（含当日）。",
    "report.state.submitted": "您已于 {at} 报送本年度报告（{ontime}），正在等待市知识产权局审核。审核前可以修改后重新提交，按时标记不变。",
    "report.state.returned": "您的报告已被退回更正。请根据以下原因修改后重新提交。",
    "report.state.returned.due": "在 {due} 之前更正的，保留首次报送时的按时标记。",
    "report.state.accepted": "本年度报告已于 {at} 审核通过（{ontime}），无需再做任何事。",
    "report.state.receipt": "查看并打印回执",
    "report.returned.title": "退回原因",
    "report.not_filed": "贵机构尚无已通过的备案，报送前须先完成备案登记。",
    "report.not_filed.link": "前往备案登记",
    "report.section.work": "为客户办理的业务量",
    "report.section.business": "经营情况",
    "report.section.clients": "客户名单",
    "report.section.scitech": "科技项目申报服务",
    "report.patent": "代理的专利申请（件）",
    "report.patent.invention": "发明专利申请",
    "report.patent.utility_model": "实用新型专利申请",
    "report.patent.design": "外观设计专利申请",
    "report.trademark_applications": "商标申请（件）",
    "report.copyright_registrations": "版权登记（件）",
    "report.other_services": "其他服务（项）",
    "report.revenue": "在本市的业务收入（元）",
    "report.revenue.hint": "以元为单位，可含两位小数，例如 1,234.07。",
    "report.practitioners_at_year_end": "年末从业人员（人）",
    "report.complaints_received": "收到的投诉（件）",
    "report.count.hint": "填写整数，没有请填 0。",
    "report.clients.hint": "列出本年度在本市服务过的全部客户。没有客户可以不添加。",
    "report.client": "客户 {n}",
    "report.client.id": "统一社会信用代码或身份证号",
    "report.client.name": "客户名称或姓名",
    "report.client.services": "提供的服务",
    "report.client.add": "添加一个客户",
    "report.client.remove": "删除客户 {n}",
    "report.scitech.question": "本年度是否提供了科技项目申报服务？",
    "report.scitech.clients": "为哪些客户提供了科技项目申报服务？",
    "report.scitech.clients.hint": "从上面的客户名单中选择。",
    "report.scitech.clients.none": "请先在客户名单中添加客户。",
    "report.scitech.unnamed": "客户 {n}（尚未填写）",
    "report.submit": "提交年度报告",
    "report.submit.again": "重新提交年度报告",
    "report.err.integer": "请填写不小于 0 的整数，例如 12",
    "report.err.yuan": "请按元填写金额，最多两位小数，例如 1,234.07",
    "report.draft": "您填写的内容会自动保存在本浏览器中，刷新页面或重新登录不会丢失。",
  },
  en: {
    "report.title": "Annual report",
    "report.title.year": "Annual report for {year}",
    "report.year.label": "Year reported",
    "report.year.hint": "The year whose business in the city you report. Each year's report is due on or before 31 January of the next.",
    "report.year.choose": "Show this year",
    "report.lead": "Report your agency's IP service business in the city during {year}. It is due on or before {due}.",
    "report.state.submitted": "You submitted this report on {at} ({ontime}); the city IP bureau will review it. Until then you may correct it and submit again; the on-time stamp stays.",
    "report.state.returned": "Your report was returned for correction. Correct it using the reasons below and submit it again.",
    "report.state.returned.due": "Corrected before {due}, it keeps the on-time stamp of its first submission.",
    "report.state.accepted": "This report was accepted on {at} ({ontime}). There is nothing more to do.",
    "report.state.receipt": "View and print the receipt",
    "report.returned.title": "Reasons for the return",
    "report.not_filed": "Your agency has no accepted filing yet: file first, then report.",
    "report.not_filed.link": "Go to the agency filing",
    "report.section.work": "Work done for clients",
    "report.section.business": "Business",
    "report.section.clients": "Clients",
    "report.section.scitech": "Science and technology project services",
    "report.patent": "Patent applications filed for clients",
    "report.patent.invention": "Invention patent applications",
    "report.patent.utility_model": "Utility model applications",
    "report.patent.design": "Design applications",
    "report.trademark_applications": "Trademark applications",
    "report.copyright_registrations": "Copyright registrations",
    "report.other_services": "Other services",
    "report.revenue": "Revenue from business in the city (CNY)",
    "report.revenue.hint": "In yuan, with at most two decimals, for example 1,234.07.",
    "report.practitioners_at_year_end": "Practitioners at year end",
    "report.complaints_received": "Complaints received",
    "report.count.hint": "A whole number; 0 if none.",
    "report.clients.hint": "List every client you served in the city during the year. Add none if you had none.",
    "report.client": "Client {n}",
    "report.client.id": "Unified social credit code or resident ID",
    "report.client.name": "Client name",
    "report.client.services": "Services provided",
    "report.client.add": "Add a client",
    "report.client.remove": "Remove client {n}",
    "report.scitech.question": "Did you provide science and technology project application services this year?",
    "report.scitech.clients": "For which clients?",
    "report.scitech.clients.hint": "Choose from the client list above.",
    "report.scitech.clients.none": "Add the clients to the client list first.",
    "report.scitech.unnamed": "Client {n} (not filled in yet)",
    "report.submit": "Submit annual report",
    "report.submit.again": "Submit the annual report again",
    "report.err.integer": "Enter a whole number of 0 or more, such as 12",
    "report.err.yuan": "Enter an amount in yuan with at most two decimals, such as 1,234.07",
    "report.draft": "What you type is saved in this browser as you go: a reload or signing in again loses nothing.",
  },
});

const COUNTS = [
  ["trademark_applications", "report.trademark_applications"],
  ["copyright_registrations", "report.copyright_registrations"],
  ["other_services", "report.other_services"],
];
const PATENTS = ["invention", "utility_model", "design"];

async function main() {
  renderLayout({ title: "report.title", active: "annual-report" });
  const s = requireSession(["agency"]);
  if (!s) return;
  const root = c.pageRoot();
  const uscc = s.subject;

  // The year: last year (in Shanghai, by the platform's clock) unless the address names another.
  const now = await platformNow();
  const lastYear = new Date(now.getTime() + 8 * 3600 * 1000).getUTCFullYear() - 1;
  let year = Number(params().get("year"));
  if (!Number.isInteger(year) || year < 2000 || year > lastYear) year = lastYear;
  const path = `/v1/agencies/${encodeURIComponent(uscc)}/annual-reports/${year}`;
  const draftKey = `report-${uscc}-${year}`;

  const h1 = $("#main h1");
  if (h1) {
    h1.removeAttribute("data-i18n");
    h1.replaceWith(c.L("h1", {}, "report.title.year", { year }));
  }

  // Another year: a plain GET form, so it works as a link would.
  const years = [];
  for (let y = lastYear; y >= Math.max(2000, lastYear - 9); y--) years.push([String(y), null]);
  const pick = h("form", { method: "get", action: "report.html", class: "year-picker no-print", id: "year-form" },
    c.selectField({ name: "year", label: "report.year.label", hint: "report.year.hint", value: String(year), options: years }),
    c.L("button", { type: "submit", class: "button button--secondary", id: "year-go" }, "report.year.choose"));
  root.append(pick);

  let agency = null;
  let existing = null;
  const [ag, rep] = await Promise.allSettled([
    api("GET", "/v1/agencies/" + encodeURIComponent(uscc)),
    api("GET", path),
  ]);
  if (ag.status === "fulfilled") agency = ag.value.body;
  if (rep.status === "fulfilled") existing = rep.value.body;
  else if (rep.reason && rep.reason.status !== 404) {
    c.noticeBox(root, rep.reason.problem?.detail || rep.reason.problem?.title || t("ag.problem.network"));
    return;
  }
  const ontime = (r) => t(r.on_time ? "ag.on_time" : "ag.late");

  if (!agency || !(agency.registered || agency.status === "accepted")) {
    root.append(h("div", { class: "inset", id: "not-filed" },
      c.L("p", {}, "report.not_filed"),
      h("p", {}, c.L("a", { href: "filing.html" }, "report.not_filed.link"))));
  }

  if (existing && existing.status === "accepted") {
    root.append(h("div", { class: "notification-banner notification-banner--success", id: "report-state" },
      c.L("p", {}, "report.state.accepted", { at: fmtDateTime(existing.accepted_at), ontime: ontime(existing) }),
      h("p", {}, c.L("a", { href: `receipt.html?kind=report&year=${year}` }, "report.state.receipt"))));
    c.onLang(() => c.retranslate(document.getElementById("main")));
    return;
  }
  if (!existing) {
    root.append(c.L("p", { class: "lead" }, "report.lead", { year, due: fmtDate(`${year + 1}-01-31`) }));
  } else if (existing.status === "submitted") {
    root.append(h("div", { class: "notification-banner", id: "report-state" },
      c.L("p", {}, "report.state.submitted", { at: fmtDateTime(existing.submitted_at), ontime: ontime(existing) }),
      h("p", {}, c.L("a", { href: `receipt.html?kind=report&year=${year}` }, "report.state.receipt"))));
  }
  root.append(c.L("p", { class: "hint" }, "report.draft"));

  const prefill = existing ? existing.report : {};
  const pa = prefill.patent_applications || {};
  const form = h("form", { id: "report-form", class: "form", novalidate: "", action: "#" });
  root.append(form);

  const count = (name, pointer, label, value) => c.textField({ name, pointer, label, hint: "report.count.hint", value, inputmode: "numeric", width: 10 });
  form.append(
    c.fieldset({ legend: "report.section.work", cls: "section" },
      c.fieldset({ legend: "report.patent", id: "patent-applications", pointer: "/patent_applications" },
        ...PATENTS.map((k) => count(`patent_applications.${k}`, `/patent_applications/${k}`, `report.patent.${k}`, pa[k]))),
      ...COUNTS.map(([k, label]) => count(k, "/" + k, label, prefill[k]))),
    c.fieldset({ legend: "report.section.business", cls: "section" },
      c.textField({ name: "revenue_yuan", pointer: "/revenue_fen", label: "report.revenue", hint: "report.revenue.hint",
        value: prefill.revenue_fen != null ? fenToYuan(prefill.revenue_fen) : "", inputmode: "decimal", prefix: null }),
      count("practitioners_at_year_end", "/practitioners_at_year_end", "report.practitioners_at_year_end", prefill.practitioners_at_year_end),
      count("complaints_received", "/complaints_received", "report.complaints_received", prefill.complaints_received)),
  );

  // The client list: a row editor.
  const rows = h("div", { id: "client-rows" });
  const add = h("button", { type: "button", class: "button button--secondary", id: "add-client", "data-pointer": "/clients" });
  add.append(c.L("span", {}, "report.client.add"));
  form.append(c.fieldset({ legend: "report.section.clients", hint: "report.clients.hint", id: "clients", cls: "section" }, rows, add));

  const clientRow = (i, cl = {}) => {
    const n = i + 1;
    const chosen = new Set(cl.services || []);
    const remove = h("button", { type: "button", class: "button button--warning", "data-remove": String(i) });
    remove.append(c.L("span", {}, "report.client.remove", { n }));
    return c.fieldset({ legend: "report.client", legendVars: { n }, cls: "row", id: "client-" + i },
      c.textField({ name: `clients.${i}.id`, pointer: `/clients/${i}/id`, label: "report.client.id", value: cl.id }),
      c.textField({ name: `clients.${i}.name`, pointer: `/clients/${i}/name`, label: "report.client.name", value: cl.name }),
      c.fieldset({ legend: "report.client.services", pointer: `/clients/${i}/services`, id: `client-${i}-services` },
        h("div", { class: "checkboxes" }, ...c.SERVICE_TYPES.map((v) => c.choice({
          name: `clients.${i}.services.${v}`, value: v, id: c.idFor(`clients.${i}.services.${v}`), label: "ag.svc." + v, checked: chosen.has(v),
        })))),
      remove);
  };
  const readClients = () => [...rows.querySelectorAll("fieldset.row")].map((_, i) => ({
    id: form.elements[`clients.${i}.id`].value.trim().toUpperCase(),
    name: form.elements[`clients.${i}.name`].value.trim(),
    services: c.SERVICE_TYPES.filter((v) => $("#" + c.idFor(`clients.${i}.services.${v}`)).checked),
  }));

  // Sci-tech project services, with its clients chosen from the list.
  const sciYes = prefill.sci_tech_project_services === true;
  const sciNo = prefill.sci_tech_project_services === false;
  const sciList = h("div", { class: "checkboxes", id: "scitech-client-list" });
  const sciNone = c.L("p", { class: "hint", id: "scitech-none" }, "report.scitech.clients.none");
  const sciClients = c.fieldset({ legend: "report.scitech.clients", hint: "report.scitech.clients.hint", id: "scitech-clients", pointer: "/sci_tech_project_clients" },
    sciNone, sciList);
  sciClients.classList.add("conditional");
  form.append(c.fieldset({ legend: "report.section.scitech", cls: "section" },
    c.fieldset({ legend: "report.scitech.question", id: "scitech", pointer: "/sci_tech_project_services" },
      h("div", { class: "radios" },
        c.choice({ type: "radio", name: "sci_tech_project_services", value: "true", id: "f-scitech-yes", label: "ag.yes", checked: sciYes }),
        c.choice({ type: "radio", name: "sci_tech_project_services", value: "false", id: "f-scitech-no", label: "ag.no", checked: sciNo })),
      sciClients)));

  const sciChosen = (prefill.sci_tech_project_clients || []).slice();
  const sciLabel = (i) => {
    const id = form.elements[`clients.${i}.id`]?.value.trim();
    const name = form.elements[`clients.${i}.name`]?.value.trim();
    return id || name ? [name, id].filter(Boolean).join(" · ") : t("report.scitech.unnamed", { n: i + 1 });
  };
  // One checkbox per client row (named by row, so the draft keeps the choice); labels follow
  // what is typed in the rows.
  const renderSci = (checked) => {
    const n = rows.querySelectorAll("fieldset.row").length;
    sciList.replaceChildren(...Array.from({ length: n }, (_, i) => c.choice({
      name: `scitech_client.${i}`, value: "yes", id: `f-scitech_client-${i}`, labelText: sciLabel(i), checked: checked[i],
    })));
    sciNone.hidden = n > 0;
  };
  const sciChecked = () => Array.from(sciList.querySelectorAll("input"), (el) => el.checked);
  const refreshSciLabels = () => {
    sciList.querySelectorAll("input").forEach((el, i) => { const lab = el.nextElementSibling; if (lab) lab.textContent = sciLabel(i); });
  };
  const syncSci = () => { sciClients.hidden = !$("#f-scitech-yes").checked; };

  let draft = null;
  const renderRows = (list, checked) => {
    rows.replaceChildren(...list.map((cl, i) => clientRow(i, cl)));
    renderSci(checked);
  };
  add.addEventListener("click", () => {
    const list = readClients();
    const checked = sciChecked();
    list.push({});
    renderRows(list, checked);
    draft?.save();
    form.elements[`clients.${list.length - 1}.id`].focus();
  });
  rows.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-remove]");
    if (!btn) return;
    const i = Number(btn.dataset.remove);
    const list = readClients();
    const checked = sciChecked();
    list.splice(i, 1);
    checked.splice(i, 1);
    renderRows(list, checked);
    draft?.save();
    add.focus();
  });
  form.addEventListener("input", (e) => { if (/^clients\.\d+\.(id|name)$/.test(e.target.name || "")) refreshSciLabels(); });
  form.addEventListener("change", (e) => { if (e.target.name === "sci_tech_project_services") syncSci(); });

  const initial = prefill.clients || [];
  renderRows(initial, initial.map((cl) => sciChosen.includes(cl.id)));

  const submit = h("button", { type: "submit", class: "button", id: "submit-report" });
  submit.append(c.L("span", {}, existing ? "report.submit.again" : "report.submit"));
  form.append(submit);

  if (existing && existing.status === "returned") {
    const box = h("div", { class: "notification-banner", id: "report-state", role: "region", "aria-labelledby": "returned-title" },
      c.L("p", {}, "report.state.returned"),
      c.L("h2", { id: "returned-title" }, "report.returned.title"),
      c.reasonsList(existing.return_reasons || [], c.pointerLabel),
      existing.correction_due ? c.L("p", {}, "report.state.returned.due", { due: fmtDateTime(existing.correction_due) }) : "");
    form.before(box);
  }

  draft = keepDraft(form, draftKey, {
    beforeRestore: (data) => {
      const n = c.rowsInDraft(data, "clients");
      if (n < 0) return;
      const list = initial.slice(0, n);
      while (list.length < n) list.push({});
      renderRows(list, []);
    },
  });
  refreshSciLabels();
  syncSci();

  // What is sent: counts as integers and the revenue in fen, checked here first so a typo is
  // named like the API names a bad field.
  const collect = () => {
    const errors = [];
    const v = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
    const int = (name, pointer) => {
      const raw = v(name).replace(/[,，\s]/g, "");
      if (raw === "") return null; // the API says it is required
      if (!/^\d{1,9}$/.test(raw)) {
        errors.push({ field: pointer, code: "integer", message: t("report.err.integer") });
        return null;
      }
      return Number(raw);
    };
    let revenue = null;
    if (v("revenue_yuan") !== "") {
      revenue = yuanToFen(v("revenue_yuan"));
      if (revenue == null) errors.push({ field: "/revenue_fen", code: "yuan", message: t("report.err.yuan") });
    }
    const body = {
      patent_applications: Object.fromEntries(PATENTS.map((k) => [k, int(`patent_applications.${k}`, `/patent_applications/${k}`)])),
      trademark_applications: int("trademark_applications", "/trademark_applications"),
      copyright_registrations: int("copyright_registrations", "/copyright_registrations"),
      other_services: int("other_services", "/other_services"),
      revenue_fen: revenue,
      practitioners_at_year_end: int("practitioners_at_year_end", "/practitioners_at_year_end"),
      clients: readClients(),
      sci_tech_project_services: $("#f-scitech-yes").checked ? true : $("#f-scitech-no").checked ? false : null,
      complaints_received: int("complaints_received", "/complaints_received"),
    };
    if (body.sci_tech_project_services) {
      const checked = sciChecked();
      body.sci_tech_project_clients = body.clients.filter((_, i) => checked[i]).map((cl) => cl.id);
    }
    return { body, errors };
  };

  submitOnce(form, async () => {
    const { body, errors } = collect();
    if (errors.length) throw invalid(errors);
    // A refusal is thrown to submitOnce, which shows it with links to the fields.
    await api("PUT", path, { body, ifMatch: existing ? `"${existing.version}"` : undefined });
    dropDraft(draftKey);
    location.assign(`receipt.html?kind=report&year=${year}`);
  });

  c.onLang(() => { c.retranslate(document.getElementById("main")); refreshSciLabels(); });
}

main();
