// What the agency's pages (filing, report, mine, receipt) share beyond the site's contract:
// text that follows the language switch with variables, form fields with their labels, the
// row editors' row counts kept beside the draft, and the display of refusals that name no field.
import { h, $, clear } from "../dom.js";
import { t, has, addStrings, translate } from "../i18n.js";

export const SERVICE_TYPES = ["patent_agency", "trademark_agency", "copyright", "information_search",
  "legal_services", "valuation", "operation_transaction", "finance_services", "consulting_training", "data_ip"];

export const ORG_FORMS = ["company", "partnership", "sole_proprietorship", "law_firm", "public_institution",
  "social_organisation", "other"];

addStrings({
  "zh-CN": {
    "ag.svc.patent_agency": "专利代理",
    "ag.svc.trademark_agency": "商标代理",
    "ag.svc.copyright": "版权服务",
    "ag.svc.information_search": "信息检索与分析",
    "ag.svc.legal_services": "法律服务与维权",
    "ag.svc.valuation": "评估",
    "ag.svc.operation_transaction": "运营与交易",
    "ag.svc.finance_services": "知识产权金融服务",
    "ag.svc.consulting_training": "咨询与培训",
    "ag.svc.data_ip": "数据知识产权",
    "ag.org.company": "公司",
    "ag.org.partnership": "合伙企业",
    "ag.org.sole_proprietorship": "个人独资企业",
    "ag.org.law_firm": "律师事务所",
    "ag.org.public_institution": "事业单位",
    "ag.org.social_organisation": "社会组织",
    "ag.org.other": "其他",
    "ag.status.filing.submitted": "待审核",
    "ag.status.filing.accepted": "已备案",
    "ag.status.filing.returned": "退回修改",
    "ag.status.filing.rejected": "不予备案",
    "ag.status.filing.deregistered": "已注销",
    "ag.status.report.submitted": "待审核",
    "ag.status.report.accepted": "已通过",
    "ag.status.report.returned": "退回更正",
    "ag.status.report.none": "未报送",
    "ag.action.file": "提交备案",
    "ag.action.amend": "提交变更",
    "ag.action.accept": "审核通过",
    "ag.action.return": "退回修改",
    "ag.action.reject": "不予备案",
    "ag.action.deregister": "注销",
    "ag.action.submit": "提交",
    "ag.action.resubmit": "重新提交",
    "ag.action.correct": "更正后提交",
    "ag.role.agency": "服务机构",
    "ag.role.city_officer": "市知识产权局",
    "ag.role.prefecture_officer": "设区市知识产权局",
    "ag.role.province_officer": "省知识产权局",
    "ag.role.scheduler": "系统定时任务",
    "ag.yes": "是",
    "ag.no": "否",
    "ag.on_time": "按时",
    "ag.late": "逾期",
    "ag.problem.title": "未能完成",
    "ag.problem.network": "无法连接平台，请检查网络后重试。您填写的内容已保存在本浏览器中。",
    "ag.problem.stale": "该记录已在别处更新。请刷新页面查看最新内容后再提交；您填写的内容已保存在本浏览器中。",
    "ag.hint.optional": "（选填）",
    "ag.remove": "删除",
    "ag.field": "字段",
    "ag.reason": "原因",
  },
  en: {
    "ag.svc.patent_agency": "Patent agency",
    "ag.svc.trademark_agency": "Trademark agency",
    "ag.svc.copyright": "Copyright services",
    "ag.svc.information_search": "Information search and analysis",
    "ag.svc.legal_services": "Legal services and rights protection",
    "ag.svc.valuation": "Valuation",
    "ag.svc.operation_transaction": "Operation and transactions",
    "ag.svc.finance_services": "IP finance services",
    "ag.svc.consulting_training": "Consulting and training",
    "ag.svc.data_ip": "Data IP",
    "ag.org.company": "Company",
    "ag.org.partnership": "Partnership",
    "ag.org.sole_proprietorship": "Sole proprietorship",
    "ag.org.law_firm": "Law firm",
    "ag.org.public_institution": "Public institution",
    "ag.org.social_organisation": "Social organisation",
    "ag.org.other": "Other",
    "ag.status.filing.submitted": "Awaiting review",
    "ag.status.filing.accepted": "Filed (accepted)",
    "ag.status.filing.returned": "Returned for correction",
    "ag.status.filing.rejected": "Rejected",
    "ag.status.filing.deregistered": "Deregistered",
    "ag.status.report.submitted": "Awaiting review",
    "ag.status.report.accepted": "Accepted",
    "ag.status.report.returned": "Returned for correction",
    "ag.status.report.none": "Not submitted",
    "ag.action.file": "Filed",
    "ag.action.amend": "Amendment submitted",
    "ag.action.accept": "Accepted",
    "ag.action.return": "Returned",
    "ag.action.reject": "Rejected",
    "ag.action.deregister": "Deregistered",
    "ag.action.submit": "Submitted",
    "ag.action.resubmit": "Resubmitted",
    "ag.action.correct": "Corrected and resubmitted",
    "ag.role.agency": "The agency",
    "ag.role.city_officer": "City IP bureau",
    "ag.role.prefecture_officer": "Prefecture IP bureau",
    "ag.role.province_officer": "Provincial IP bureau",
    "ag.role.scheduler": "Scheduled run",
    "ag.yes": "Yes",
    "ag.no": "No",
    "ag.on_time": "On time",
    "ag.late": "Late",
    "ag.problem.title": "This could not be done",
    "ag.problem.network": "The platform could not be reached. Check your connection and try again; what you typed is kept in this browser.",
    "ag.problem.stale": "This record was changed elsewhere. Reload the page to see the latest version, then submit again; what you typed is kept in this browser.",
    "ag.hint.optional": "(optional)",
    "ag.remove": "Remove",
    "ag.field": "Field",
    "ag.reason": "Reason",
  },
});

// Live text: elements whose text is t(key, vars) and follows the language switch.
const live = [];

// L builds an element whose text is the translation of key (with vars), kept in step with the
// language switch by retranslate.
export function L(tag, attrs, key, vars) {
  const el = h(tag, attrs || {}, t(key, vars));
  live.push({ el, key, vars });
  return el;
}

// retranslate re-fills the live texts and the data-i18n attributes under root.
export function retranslate(root) {
  translate(root || document);
  for (let i = live.length - 1; i >= 0; i--) {
    const { el, key, vars } = live[i];
    if (!el.isConnected) {
      live.splice(i, 1);
      continue;
    }
    el.textContent = t(key, vars);
  }
}

// onLang runs fn after every language switch.
export function onLang(fn) {
  document.addEventListener("ips:lang", () => fn());
}

// idFor makes an element id from an input name ("practitioners.0.name" → "f-practitioners-0-name").
export function idFor(name) {
  return "f-" + name.replace(/[^A-Za-z0-9_]+/g, "-");
}

// hintEl makes a hint paragraph for the input id, or null.
function hintEl(id, hint, hintVars) {
  return hint ? L("p", { class: "hint", id: id + "-hint" }, hint, hintVars) : null;
}

// textField: a labelled text input. pointer is the JSON pointer the API names it by.
export function textField({ name, pointer, label, labelVars, hint, hintVars, value = "", type = "text", inputmode, autocomplete, width, prefix, suffix }) {
  const id = idFor(name);
  const attrs = { id, name, type, value: value == null ? "" : String(value), class: "input" + (width && width <= 10 ? " input--short" : "") };
  if (pointer) attrs["data-pointer"] = pointer;
  if (hint) attrs["aria-describedby"] = id + "-hint";
  if (inputmode) attrs.inputmode = inputmode;
  attrs.autocomplete = autocomplete || "off";
  attrs.spellcheck = "false";
  const input = h("input", attrs);
  const control = prefix || suffix
    ? h("div", { class: "input-wrapper" },
        prefix ? L("span", { class: "input-prefix", "aria-hidden": "true" }, prefix) : "",
        input,
        suffix ? L("span", { class: "input-suffix", "aria-hidden": "true" }, suffix) : "")
    : input;
  return h("div", { class: "form-group field" },
    L("label", { class: "label", for: id }, label, labelVars),
    hintEl(id, hint, hintVars) || "",
    control);
}

// selectField: a labelled select; options are [value, key] pairs (key translated).
export function selectField({ name, pointer, label, hint, value = "", options, placeholder }) {
  const id = idFor(name);
  const attrs = { id, name, class: "select" };
  if (pointer) attrs["data-pointer"] = pointer;
  if (hint) attrs["aria-describedby"] = id + "-hint";
  const sel = h("select", attrs,
    ...(placeholder ? [L("option", { value: "" }, placeholder)] : []),
    ...options.map(([v, key, vars]) => (key ? L("option", { value: v }, key, vars) : h("option", { value: v }, v))));
  sel.value = value == null ? "" : String(value);
  return h("div", { class: "form-group field" },
    L("label", { class: "label", for: id }, label),
    hintEl(id, hint) || "",
    sel);
}

// choice: one labelled checkbox or radio.
export function choice({ type = "checkbox", name, value, id, label, labelVars, labelText, checked, pointer }) {
  const attrs = { id, name, type, value, class: type === "radio" ? "radios__input" : "checkboxes__input" };
  if (pointer) attrs["data-pointer"] = pointer;
  const input = h("input", attrs);
  input.checked = !!checked;
  const lab = labelText != null
    ? h("label", { class: "choice-label", for: id }, labelText)
    : L("label", { class: "choice-label", for: id }, label, labelVars);
  return h("div", { class: type === "radio" ? "radios__item" : "checkboxes__item" }, input, lab);
}

// fieldset with a legend (translated) and optional hint.
export function fieldset({ legend, legendVars, hint, id, cls, pointer }, ...children) {
  const attrs = { class: "form-group fieldset" + (cls ? " " + cls : "") };
  if (id) attrs.id = id;
  if (pointer) attrs["data-pointer"] = pointer;
  if (hint && id) attrs["aria-describedby"] = id + "-hint";
  return h("fieldset", attrs,
    L("legend", { class: "fieldset__legend" }, legend, legendVars),
    hint ? L("p", { class: "hint", id: (id || "fs") + "-hint" }, hint) : "",
    ...children);
}

// rowsInDraft counts the rows of prefix ("practitioners") a saved draft holds, or -1 when the
// draft has none of them (keepDraft restores the inputs that exist, so the rows come first).
export function rowsInDraft(data, prefix) {
  let n = -1;
  const re = new RegExp("^" + prefix + "\\.(\\d+)\\.");
  for (const k of Object.keys(data || {})) {
    const m = re.exec(k);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

// noticeBox shows a refusal that names no field at the top of container, focused.
export function noticeBox(container, message, detail) {
  clearNotice(container);
  const box = h("div", { class: "error-summary page-notice", role: "alert", tabindex: "-1" },
    L("h2", { class: "error-summary__title" }, "ag.problem.title"),
    h("p", {}, message),
    detail ? h("p", {}, detail) : "");
  container.prepend(box);
  box.focus();
  return box;
}

export function clearNotice(container) {
  for (const el of container.querySelectorAll(".page-notice")) el.remove();
}

// when formats a platform instant (RFC 3339, +08:00) as "2027-01-31 23:59".
export function when(s) {
  if (!s || s.startsWith("0001-")) return "";
  return s.slice(0, 16).replace("T", " ");
}

// statusText names a filing or report status.
export function statusText(kind, status) {
  return t(`ag.status.${kind}.${status || "none"}`);
}

// actorText names who acted in a history entry.
export function actorText(actor) {
  if (!actor) return "";
  const role = t("ag.role." + actor.role);
  const name = role === "ag.role." + actor.role ? actor.role : role;
  return actor.division && actor.role !== "agency" ? `${name} (${actor.division})` : name;
}

// dl builds a summary list from [labelKey, value] rows (rows with an empty value are left out).
export function summary(rows) {
  return h("dl", { class: "summary-list" },
    ...rows.filter(([, v]) => v !== "" && v != null).flatMap(([key, v]) => [L("dt", {}, key), h("dd", {}, v)]));
}

// reasonsList lists review reasons: the field they point at (as a link to it when the page has
// it) and the message.
export function reasonsList(reasons, fieldLabel) {
  return h("ul", { class: "list reasons" }, ...(reasons || []).map((r) => {
    const label = r.field ? (fieldLabel ? fieldLabel(r.field) : r.field) : "";
    const target = r.field ? document.querySelector(`[data-pointer="${CSS.escape(r.field)}"]`) : null;
    const head = !label ? "" : target
      ? h("a", { href: "#" + target.id, "on:click": (e) => { e.preventDefault(); target.focus(); } }, label)
      : h("strong", {}, label);
    return h("li", {}, head, head ? "：" : "", r.message);
  }));
}

// historyTable shows a record's history, oldest first.
export function historyTable(history, kind) {
  const rows = (history || []).map((ev) =>
    h("tr", {},
      h("td", {}, when(ev.at)),
      h("td", {}, t("ag.action." + ev.action)),
      h("td", {}, statusText(kind, ev.status)),
      h("td", {}, actorText(ev.actor)),
      h("td", {}, ...(ev.reasons && ev.reasons.length
        ? [reasonsList(ev.reasons, pointerLabel)]
        : [ev.comment || ""]))));
  return h("table", { class: "table history" },
    L("caption", { class: "table__caption" }, "ag.history.caption"),
    h("thead", {}, h("tr", {},
      L("th", { scope: "col" }, "ag.history.at"),
      L("th", { scope: "col" }, "ag.history.action"),
      L("th", { scope: "col" }, "ag.history.status"),
      L("th", { scope: "col" }, "ag.history.by"),
      L("th", { scope: "col" }, "ag.history.reasons"))),
    h("tbody", {}, ...rows));
}

addStrings({
  "zh-CN": {
    "ag.history.caption": "办理记录",
    "ag.history.at": "时间",
    "ag.history.action": "事项",
    "ag.history.status": "办理后状态",
    "ag.history.by": "办理人",
    "ag.history.reasons": "原因或说明",
  },
  en: {
    "ag.history.caption": "History",
    "ag.history.at": "When",
    "ag.history.action": "What",
    "ag.history.status": "Status after",
    "ag.history.by": "By",
    "ag.history.reasons": "Reasons or comment",
  },
});

// pageRoot returns the page's container, emptied.
export function pageRoot() {
  const root = $("#page");
  clear(root);
  return root;
}

// lastYear is the last calendar year that has ended (in Shanghai).
export function lastYear() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return now.getUTCFullYear() - 1;
}

// pointerLabel names the field a review reason points at ("/revenue_fen" → 业务收入), for pages
// that do not show the form; an unknown pointer is shown as it is.
export function pointerLabel(pointer) {
  const m = /^\/(practitioners|clients)\/(\d+)(?:\/(\w+))?/.exec(pointer || "");
  if (m) return t(`ag.fld.${m[1]}.n`, { n: Number(m[2]) + 1 }) + (m[3] ? " · " + (has(`ag.fld.${m[1]}.${m[3]}`) ? t(`ag.fld.${m[1]}.${m[3]}`) : m[3]) : "");
  const key = "ag.fld" + (pointer || "").replace(/\//g, ".");
  return has(key) ? t(key) : pointer;
}

addStrings({
  "zh-CN": {
    "ag.fld.uscc": "统一社会信用代码", "ag.fld.name": "机构名称", "ag.fld.org_form": "组织形式", "ag.fld.is_branch": "总部或分支机构",
    "ag.fld.parent_uscc": "上级机构代码", "ag.fld.service_types": "服务类型", "ag.fld.patent_agency_license_no": "专利代理机构执业许可证编号",
    "ag.fld.address": "经营地址", "ag.fld.district_code": "行政区划代码", "ag.fld.legal_representative": "法定代表人",
    "ag.fld.responsible_person": "负责人", "ag.fld.contact_phone": "联系电话", "ag.fld.contact_email": "电子邮箱",
    "ag.fld.practitioners": "从业人员", "ag.fld.business_started_on": "开始经营日期", "ag.fld.truthfulness_commitment": "真实性承诺",
    "ag.fld.practitioners.n": "从业人员 {n}", "ag.fld.practitioners.name": "姓名", "ag.fld.practitioners.role": "岗位",
    "ag.fld.practitioners.qualification_no": "资格证书编号",
    "ag.fld.patent_applications": "专利申请", "ag.fld.patent_applications.invention": "发明专利申请",
    "ag.fld.patent_applications.utility_model": "实用新型专利申请", "ag.fld.patent_applications.design": "外观设计专利申请",
    "ag.fld.trademark_applications": "商标申请", "ag.fld.copyright_registrations": "版权登记", "ag.fld.other_services": "其他服务",
    "ag.fld.revenue_fen": "业务收入", "ag.fld.practitioners_at_year_end": "年末从业人员", "ag.fld.clients": "客户名单",
    "ag.fld.clients.n": "客户 {n}", "ag.fld.clients.id": "代码", "ag.fld.clients.name": "名称", "ag.fld.clients.services": "服务",
    "ag.fld.sci_tech_project_services": "科技项目申报服务", "ag.fld.sci_tech_project_clients": "科技项目申报服务的客户",
    "ag.fld.complaints_received": "收到的投诉",
  },
  en: {
    "ag.fld.uscc": "Unified social credit code", "ag.fld.name": "Agency name", "ag.fld.org_form": "Organisation form", "ag.fld.is_branch": "Head office or branch",
    "ag.fld.parent_uscc": "Head office's code", "ag.fld.service_types": "Service types", "ag.fld.patent_agency_license_no": "Patent agency licence number",
    "ag.fld.address": "Business address", "ag.fld.district_code": "District code", "ag.fld.legal_representative": "Legal representative",
    "ag.fld.responsible_person": "Person in charge", "ag.fld.contact_phone": "Contact phone", "ag.fld.contact_email": "Contact e-mail",
    "ag.fld.practitioners": "Practitioners", "ag.fld.business_started_on": "Date business began", "ag.fld.truthfulness_commitment": "Truthfulness commitment",
    "ag.fld.practitioners.n": "Practitioner {n}", "ag.fld.practitioners.name": "name", "ag.fld.practitioners.role": "role",
    "ag.fld.practitioners.qualification_no": "qualification number",
    "ag.fld.patent_applications": "Patent applications", "ag.fld.patent_applications.invention": "Invention patent applications",
    "ag.fld.patent_applications.utility_model": "Utility model applications", "ag.fld.patent_applications.design": "Design applications",
    "ag.fld.trademark_applications": "Trademark applications", "ag.fld.copyright_registrations": "Copyright registrations", "ag.fld.other_services": "Other services",
    "ag.fld.revenue_fen": "Revenue", "ag.fld.practitioners_at_year_end": "Practitioners at year end", "ag.fld.clients": "Clients",
    "ag.fld.clients.n": "Client {n}", "ag.fld.clients.id": "code", "ag.fld.clients.name": "name", "ag.fld.clients.services": "services",
    "ag.fld.sci_tech_project_services": "Sci-tech project services", "ag.fld.sci_tech_project_clients": "Sci-tech project clients",
    "ag.fld.complaints_received": "Complaints received",
  },
});
