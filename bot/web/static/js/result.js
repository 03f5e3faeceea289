// The assessment as cards: the person's measures, then the employer measures, grouped by status.
import { el, button } from "./dom.js";

const ACTIONABLE = ["eligible", "needs_confirmation", "needs_info"];
const OPEN = ["eligible", "needs_confirmation"];
const FOLDED_NOTE = {
  needs_info: "项，回答“表单”里的问题后会有结论",
  not_eligible: "项，每项写明原因",
  expired: "项，每项写明到期日",
};

function card(row, onMissing) {
  const li = el("li", "res-card s-border-" + row.status);
  li.dataset.policy = row.policy_id;
  li.dataset.status = row.status;
  const head = el("div", "res-head");
  head.appendChild(el("span", "status s-" + row.status, row.status_label));
  head.appendChild(el("span", "res-title", row.title));
  head.appendChild(el("span", "res-article", "《意见》" + row.article));
  li.appendChild(head);
  if (row.why) {
    const why = el("p", "res-why");
    why.appendChild(el("b", "", "为什么"));
    why.appendChild(el("span", "", row.why));
    why.title = row.why;
    li.appendChild(why);
  }
  if (row.office) {
    const office = el("p", "res-office");
    office.appendChild(el("b", "", "向谁确认"));
    office.appendChild(el("span", "", row.office));
    li.appendChild(office);
  }
  if (row.missing && row.missing.length && onMissing) {
    const miss = el("p", "res-missing");
    miss.appendChild(el("b", "", "补充"));
    for (const m of row.missing) {
      const b = button(m.label, "chip", () => onMissing(m.fact));
      b.dataset.fact = m.fact;
      miss.appendChild(b);
    }
    li.appendChild(miss);
  }
  if (row.steps && row.steps.length) {
    const step = el("p", "res-step");
    step.appendChild(el("b", "", "下一步"));
    step.appendChild(el("span", "", row.steps[0]));
    li.appendChild(step);
    if (row.steps.length > 1) {
      const more = el("details", "res-more");
      more.appendChild(el("summary", "", "更多办理说明"));
      for (const s of row.steps.slice(1)) more.appendChild(el("p", "", s));
      li.appendChild(more);
    }
  }
  return li;
}

function group(g, onMissing) {
  const box = el("div", "res-group");
  box.dataset.status = g.status;
  const list = el("ul", "cards");
  for (const row of g.rows) list.appendChild(card(row, onMissing));
  if (OPEN.includes(g.status)) {
    box.appendChild(el("h4", "group-head", g.label + "（" + g.rows.length + "项）"));
    box.appendChild(list);
  } else {
    const d = el("details", "rest");
    d.appendChild(el("summary", "", g.label + "（" + g.rows.length + (FOLDED_NOTE[g.status] || "项") + "）"));
    d.appendChild(list);
    box.appendChild(d);
  }
  return box;
}

export function renderResult(view, host, summary, onMissing) {
  host.replaceChildren();
  summary.replaceChildren();
  if (!view) return;
  for (const s of view.sections) {
    const sec = el("section", "res-section");
    sec.dataset.section = s.id;
    sec.appendChild(el("h3", "", s.title));
    sec.appendChild(el("p", "muted", s.note));
    for (const g of s.groups) sec.appendChild(group(g, onMissing));
    host.appendChild(sec);
  }
  const person = view.sections.find((s) => s.id === "person");
  const counts = person ? person.counts : {};
  const labels = { eligible: "可以申请", needs_confirmation: "需到窗口确认", needs_info: "还需信息" };
  for (const st of ACTIONABLE) {
    if (counts[st]) summary.appendChild(el("span", "pill s-" + st, labels[st] + " " + counts[st] + "项"));
  }
}

export function summaryText(view) {
  const person = view.sections.find((s) => s.id === "person");
  const c = person ? person.counts : {};
  const parts = [];
  if (c.eligible) parts.push("可以申请 " + c.eligible + " 项");
  if (c.needs_confirmation) parts.push("需到窗口确认 " + c.needs_confirmation + " 项");
  if (c.needs_info) parts.push("还需信息 " + c.needs_info + " 项");
  return parts.length ? parts.join("，") : "结果已更新";
}
