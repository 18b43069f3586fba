// Agency filing (备案登记) and amendment (变更): every field of DOMAIN.md §1 (API.md "Agency
// filing"). A first filing is a POST with an Idempotency-Key; an agency that already has a
// filing under review, returned or accepted amends it with a PUT carrying If-Match.
import { h, $ } from "../dom.js";
import { t, addStrings } from "../i18n.js";
import { api } from "../api.js";
import { keepDraft, dropDraft, submitOnce } from "../forms.js";
import { renderLayout, requireSession } from "../layout.js";
import * as c from "./agency-common.js";

addStrings({
  "zh-CN": {
    "filing.title": "服务机构备案登记",
    "filing.title.amend": "变更备案信息",
    "filing.lead": "在本市开展业务的知识产权服务机构须向市知识产权局备案（《关于在澄知识产权公共服务平台及社会化服务体系建设的意见》二（二）1）。请如实填写以下全部信息。",
    "filing.lead.amend": "您的机构已有备案记录。修改后提交，变更将重新交市知识产权局审核；审核期间已备案的信息仍在公示名录中。",
    "filing.lead.returned": "您的备案已被退回修改。请根据以下原因修改后重新提交。",
    "filing.lead.refile": "您上一次的备案已结束（{status}）。可以重新提交备案。",
    "filing.current": "当前状态：{status}",
    "filing.current.no": "备案号：{no}",
    "filing.returned.title": "退回原因",
    "filing.section.org": "机构信息",
    "filing.section.contact": "负责人与联系方式",
    "filing.section.people": "从业人员",
    "filing.section.commit": "承诺",
    "filing.uscc": "统一社会信用代码",
    "filing.uscc.hint": "即您登录所用的代码，不能修改。",
    "filing.name": "机构名称",
    "filing.name.hint": "与营业执照一致。",
    "filing.org_form": "组织形式",
    "filing.org_form.choose": "请选择",
    "filing.is_branch": "总部还是分支机构？",
    "filing.is_branch.no": "总部（独立机构）",
    "filing.is_branch.yes": "分支机构",
    "filing.parent_uscc": "上级机构的统一社会信用代码",
    "filing.service_types": "服务类型",
    "filing.service_types.hint": "选择所有适用的服务类型。",
    "filing.license": "专利代理机构执业许可证编号",
    "filing.license.hint": "提供专利代理服务时必填。",
    "filing.address": "在本市的经营地址",
    "filing.district_code": "所在区县的行政区划代码",
    "filing.district_code.hint": "6 位数字，例如 320281（江阴市）。",
    "filing.legal_representative": "法定代表人",
    "filing.responsible_person": "负责人",
    "filing.contact_phone": "联系电话",
    "filing.contact_phone.hint": "手机号码，或带区号的固定电话，例如 0510-86861234。",
    "filing.contact_email": "电子邮箱",
    "filing.practitioners.hint": "至少填写一名从业人员。资格证书编号不会公开。",
    "filing.practitioner": "从业人员 {n}",
    "filing.practitioner.name": "姓名",
    "filing.practitioner.role": "岗位或职务",
    "filing.practitioner.qualification_no": "资格证书编号（选填）",
    "filing.practitioner.add": "添加一名从业人员",
    "filing.practitioner.remove": "删除从业人员 {n}",
    "filing.business_started_on": "在本市开始经营的日期",
    "filing.date.hint": "格式为 年-月-日，例如 2020-03-01。",
    "filing.commitment": "本机构承诺所填信息真实、准确、完整，并对其真实性负责。",
    "filing.submit": "提交备案",
    "filing.submit.amend": "提交变更",
    "filing.draft": "您填写的内容会自动保存在本浏览器中，刷新页面或重新登录不会丢失。",
  },
  en: {
    "filing.title": "File your IP service agency",
    "filing.title.amend": "Amend your filing",
    "filing.lead": "An IP service agency doing business in the city must file with the city IP bureau (Jiangyin opinion §2(2)1). Give every detail below truthfully.",
    "filing.lead.amend": "Your agency already has a filing. Submit your changes and the city IP bureau reviews them again; meanwhile your accepted details stay on the public register.",
    "filing.lead.returned": "Your filing was returned for correction. Correct it using the reasons below and submit it again.",
    "filing.lead.refile": "Your last filing ended ({status}). You may file again.",
    "filing.current": "Current status: {status}",
    "filing.current.no": "Filing number: {no}",
    "filing.returned.title": "Reasons for the return",
    "filing.section.org": "The agency",
    "filing.section.contact": "People in charge and contact details",
    "filing.section.people": "Practitioners",
    "filing.section.commit": "Commitment",
    "filing.uscc": "Unified social credit code",
    "filing.uscc.hint": "The code you signed in with; it cannot be changed.",
    "filing.name": "Agency name",
    "filing.name.hint": "As on the business licence.",
    "filing.org_form": "Organisation form",
    "filing.org_form.choose": "Choose one",
    "filing.is_branch": "Head office or branch?",
    "filing.is_branch.no": "Head office (independent agency)",
    "filing.is_branch.yes": "Branch",
    "filing.parent_uscc": "Head office's unified social credit code",
    "filing.service_types": "Service types",
    "filing.service_types.hint": "Select all that apply.",
    "filing.license": "Patent agency licence number",
    "filing.license.hint": "Required if you provide patent agency services.",
    "filing.address": "Business address in the city",
    "filing.district_code": "District code",
    "filing.district_code.hint": "6 digits, for example 320281 (Jiangyin).",
    "filing.legal_representative": "Legal representative",
    "filing.responsible_person": "Person in charge",
    "filing.contact_phone": "Contact phone",
    "filing.contact_phone.hint": "A mobile number, or a landline with area code such as 0510-86861234.",
    "filing.contact_email": "Contact e-mail",
    "filing.practitioners.hint": "Give at least one practitioner. Qualification numbers are never published.",
    "filing.practitioner": "Practitioner {n}",
    "filing.practitioner.name": "Name",
    "filing.practitioner.role": "Role or position",
    "filing.practitioner.qualification_no": "Qualification certificate number (optional)",
    "filing.practitioner.add": "Add a practitioner",
    "filing.practitioner.remove": "Remove practitioner {n}",
    "filing.business_started_on": "Date business began in the city",
    "filing.date.hint": "As year-month-day, for example 2020-03-01.",
    "filing.commitment": "We commit that the information given is true, accurate and complete, and we answer for it.",
    "filing.submit": "Submit filing",
    "filing.submit.amend": "Submit amendment",
    "filing.draft": "What you type is saved in this browser as you go: a reload or signing in again loses nothing.",
  },
});

// The label key of each top-level field, for return reasons that point at a field.
const FIELD_LABELS = {
  "/uscc": "filing.uscc", "/name": "filing.name", "/org_form": "filing.org_form", "/is_branch": "filing.is_branch",
  "/parent_uscc": "filing.parent_uscc", "/service_types": "filing.service_types",
  "/patent_agency_license_no": "filing.license", "/address": "filing.address", "/district_code": "filing.district_code",
  "/legal_representative": "filing.legal_representative", "/responsible_person": "filing.responsible_person",
  "/contact_phone": "filing.contact_phone", "/contact_email": "filing.contact_email",
  "/practitioners": "filing.section.people", "/business_started_on": "filing.business_started_on",
  "/truthfulness_commitment": "filing.section.commit",
};

function fieldLabel(pointer) {
  const m = /^\/practitioners\/(\d+)(?:\/(\w+))?/.exec(pointer);
  if (m) return t("filing.practitioner", { n: Number(m[1]) + 1 }) + (m[2] ? " · " + t("filing.practitioner." + m[2]) : "");
  return FIELD_LABELS[pointer] ? t(FIELD_LABELS[pointer]) : pointer;
}

async function main() {
  renderLayout({ title: t("filing.title"), active: "filing" });
  const s = await requireSession(["agency"]);
  if (!s) return;
  const root = c.pageRoot();
  const path = "/v1/agencies/" + encodeURIComponent(s.subject);

  let existing = null;
  try {
    existing = (await api("GET", path)).body;
  } catch (err) {
    if (err.status !== 404) {
      c.noticeBox(root, (err.problem && (err.problem.detail || err.problem.title)) || t("ag.problem.network"));
      return;
    }
  }
  const amend = !!existing && ["submitted", "returned", "accepted"].includes(existing.status);
  const prefill = existing ? existing.filing : { uscc: s.subject };
  const draftKey = "filing-" + s.subject;

  // Heading and what state the filing is in.
  const h1 = $("#main h1");
  if (h1) {
    h1.removeAttribute("data-i18n");
    h1.replaceWith(c.L("h1", {}, amend ? "filing.title.amend" : "filing.title"));
  }
  if (!existing) root.append(c.L("p", { class: "lead" }, "filing.lead"));
  else if (existing.status === "returned") root.append(c.L("p", { class: "lead" }, "filing.lead.returned"));
  else if (amend) root.append(c.L("p", { class: "lead" }, "filing.lead.amend"));
  else root.append(c.L("p", { class: "lead" }, "filing.lead.refile", { status: c.statusText("filing", existing.status) }));
  if (existing) {
    const status = h("p", { class: "status-line" }, c.L("strong", { class: "tag" }, "filing.current", { status: c.statusText("filing", existing.status) }));
    if (existing.filing_no) status.append(" ", c.L("span", {}, "filing.current.no", { no: existing.filing_no }));
    root.append(status);
  }
  root.append(c.L("p", { class: "hint" }, "filing.draft"));

  const form = h("form", { id: "filing-form", class: "form", novalidate: "", action: "#" });
  root.append(form);

  // The organisation.
  const isBranch = !!prefill.is_branch;
  const parent = c.textField({ name: "parent_uscc", pointer: "/parent_uscc", label: "filing.parent_uscc", value: prefill.parent_uscc, width: 20 });
  parent.classList.add("conditional");
  const usccField = c.textField({ name: "uscc", pointer: "/uscc", label: "filing.uscc", hint: "filing.uscc.hint", value: prefill.uscc || s.subject, width: 20 });
  const usccInput = $("input", usccField);
  usccInput.readOnly = true;
  usccInput.value = s.subject;

  const svcChosen = new Set(prefill.service_types || []);
  const services = c.fieldset({ legend: "filing.service_types", hint: "filing.service_types.hint", id: "service-types", pointer: "/service_types" },
    h("div", { class: "checkboxes" }, ...c.SERVICE_TYPES.map((v) => c.choice({
      name: "service_types." + v, value: v, id: c.idFor("service_types." + v), label: "ag.svc." + v,
      checked: svcChosen.has(v),
    }))));

  form.append(
    c.fieldset({ legend: "filing.section.org", cls: "section" },
      usccField,
      c.textField({ name: "name", pointer: "/name", label: "filing.name", hint: "filing.name.hint", value: prefill.name, autocomplete: "organization" }),
      c.selectField({ name: "org_form", pointer: "/org_form", label: "filing.org_form", value: prefill.org_form, placeholder: "filing.org_form.choose",
        options: c.ORG_FORMS.map((v) => [v, "ag.org." + v]) }),
      c.fieldset({ legend: "filing.is_branch", id: "is-branch", pointer: "/is_branch" },
        h("div", { class: "radios" },
          c.choice({ type: "radio", name: "is_branch", value: "false", id: "f-is_branch-no", label: "filing.is_branch.no", checked: !isBranch }),
          c.choice({ type: "radio", name: "is_branch", value: "true", id: "f-is_branch-yes", label: "filing.is_branch.yes", checked: isBranch })),
        parent),
      services,
      c.textField({ name: "patent_agency_license_no", pointer: "/patent_agency_license_no", label: "filing.license", hint: "filing.license.hint", value: prefill.patent_agency_license_no, width: 20 }),
      c.textField({ name: "address", pointer: "/address", label: "filing.address", value: prefill.address, autocomplete: "street-address" }),
      c.textField({ name: "district_code", pointer: "/district_code", label: "filing.district_code", hint: "filing.district_code.hint", value: prefill.district_code, inputmode: "numeric", width: 10 }),
      c.textField({ name: "business_started_on", pointer: "/business_started_on", label: "filing.business_started_on", hint: "filing.date.hint", value: prefill.business_started_on, inputmode: "numeric", width: 10 })),
    c.fieldset({ legend: "filing.section.contact", cls: "section" },
      c.textField({ name: "legal_representative", pointer: "/legal_representative", label: "filing.legal_representative", value: prefill.legal_representative }),
      c.textField({ name: "responsible_person", pointer: "/responsible_person", label: "filing.responsible_person", value: prefill.responsible_person }),
      c.textField({ name: "contact_phone", pointer: "/contact_phone", label: "filing.contact_phone", hint: "filing.contact_phone.hint", value: prefill.contact_phone, type: "tel", autocomplete: "tel", width: 20 }),
      c.textField({ name: "contact_email", pointer: "/contact_email", label: "filing.contact_email", value: prefill.contact_email, type: "email", autocomplete: "email" })),
  );

  // Practitioners: a row editor.
  const rows = h("div", { id: "practitioners-rows" });
  const add = h("button", { type: "button", class: "button button--secondary", id: "add-practitioner", "data-pointer": "/practitioners" });
  add.append(c.L("span", {}, "filing.practitioner.add"));
  form.append(c.fieldset({ legend: "filing.section.people", hint: "filing.practitioners.hint", id: "practitioners", cls: "section" }, rows, add));

  const practitionerRow = (i, p = {}) => {
    const n = i + 1;
    const remove = h("button", { type: "button", class: "button button--warning button--small", "data-remove": String(i) });
    remove.append(c.L("span", {}, "filing.practitioner.remove", { n }));
    return c.fieldset({ legend: "filing.practitioner", legendVars: { n }, cls: "row", id: "practitioner-" + i },
      c.textField({ name: `practitioners.${i}.name`, pointer: `/practitioners/${i}/name`, label: "filing.practitioner.name", value: p.name }),
      c.textField({ name: `practitioners.${i}.role`, pointer: `/practitioners/${i}/role`, label: "filing.practitioner.role", value: p.role }),
      c.textField({ name: `practitioners.${i}.qualification_no`, pointer: `/practitioners/${i}/qualification_no`, label: "filing.practitioner.qualification_no", value: p.qualification_no, width: 20 }),
      remove);
  };
  const readPractitioners = () => [...rows.querySelectorAll("fieldset.row")].map((_, i) => ({
    name: form.elements[`practitioners.${i}.name`].value.trim(),
    role: form.elements[`practitioners.${i}.role`].value.trim(),
    qualification_no: form.elements[`practitioners.${i}.qualification_no`].value.trim(),
  }));
  let draft = null;
  const renderRows = (list) => rows.replaceChildren(...list.map((p, i) => practitionerRow(i, p)));
  add.addEventListener("click", () => {
    const list = readPractitioners();
    list.push({});
    renderRows(list);
    draft?.save();
    form.elements[`practitioners.${list.length - 1}.name`].focus();
  });
  rows.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-remove]");
    if (!btn) return;
    const list = readPractitioners();
    list.splice(Number(btn.dataset.remove), 1);
    renderRows(list);
    draft?.save();
    add.focus();
  });
  renderRows(prefill.practitioners && prefill.practitioners.length ? prefill.practitioners : [{}]);

  // The commitment and the submit button.
  const commit = c.choice({ name: "truthfulness_commitment", value: "true", id: "f-truthfulness_commitment", label: "filing.commitment",
    checked: false, pointer: "/truthfulness_commitment" });
  const submit = h("button", { type: "submit", class: "button", id: "submit-filing" });
  submit.append(c.L("span", {}, amend ? "filing.submit.amend" : "filing.submit"));
  form.append(c.fieldset({ legend: "filing.section.commit", cls: "section" }, h("div", { class: "checkboxes" }, commit)), submit);

  // Return reasons of a returned filing, linking to the fields they name.
  if (existing && existing.status === "returned" && existing.return_reasons && existing.return_reasons.length) {
    const box = h("div", { class: "notification-banner returned", role: "region", "aria-labelledby": "returned-title" },
      c.L("h2", { id: "returned-title", class: "notification-banner__title" }, "filing.returned.title"),
      c.reasonsList(existing.return_reasons, fieldLabel));
    form.before(box);
  }

  // A branch names its head office: reveal the field only then.
  const syncBranch = () => { parent.hidden = !$("#f-is_branch-yes").checked; };
  form.addEventListener("change", (e) => { if (e.target.name === "is_branch") syncBranch(); });

  draft = keepDraft(form, draftKey, {
    beforeRestore: (data) => {
      const n = c.rowsInDraft(data, "practitioners");
      if (n < 0) return;
      const list = (prefill.practitioners || []).slice(0, n);
      while (list.length < n) list.push({});
      renderRows(list);
    },
  });
  usccInput.value = s.subject;
  syncBranch();

  const collect = () => {
    const v = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
    const branch = $("#f-is_branch-yes").checked;
    return {
      uscc: s.subject,
      name: v("name"),
      org_form: v("org_form"),
      is_branch: branch,
      parent_uscc: branch ? v("parent_uscc").toUpperCase() : "",
      service_types: c.SERVICE_TYPES.filter((st) => $("#" + c.idFor("service_types." + st)).checked),
      patent_agency_license_no: v("patent_agency_license_no"),
      address: v("address"),
      district_code: v("district_code"),
      legal_representative: v("legal_representative"),
      responsible_person: v("responsible_person"),
      contact_phone: v("contact_phone"),
      contact_email: v("contact_email"),
      practitioners: readPractitioners(),
      business_started_on: v("business_started_on") || null,
      truthfulness_commitment: $("#f-truthfulness_commitment").checked,
    };
  };

  submitOnce(form, async (idempotencyKey) => {
    c.clearNotice(root);
    const body = collect();
    // A refusal is thrown to submitOnce, which shows it (field errors linked to their fields)
    // and keeps the Idempotency-Key when the outcome is open.
    if (amend) await api("PUT", path, { body, ifMatch: `"${existing.version}"` });
    else await api("POST", "/v1/agencies", { body, idempotencyKey });
    dropDraft(draftKey);
    location.assign("receipt.html?kind=filing");
  });

  c.onLang(() => c.retranslate(document.getElementById("main")));
}

main();
