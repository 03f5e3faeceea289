// The consultation desk: chat, form and result share one conversation (restored from the tracker on load).
import { api } from "./dom.js";
import { Chat } from "./chat.js";
import { FactForm } from "./form.js";
import { renderResult, summaryText } from "./result.js";

const widget = document.getElementById("widget");
const input = document.getElementById("text");
const sendBtn = document.getElementById("send-btn");
const notice = document.getElementById("notice");
const resultHost = document.getElementById("result");
const summary = document.getElementById("summary");
const empty = document.getElementById("empty");
const badge = document.getElementById("result-badge");
const printLink = document.getElementById("print");
const asOf = document.getElementById("as-of-date");
const dialog = document.getElementById("confirm-new");
const wide = window.matchMedia("(min-width: 1280px)");
let busy = true; // until the consultation is restored

function showTab(name) {
  widget.dataset.tab = name;
  for (const t of document.querySelectorAll(".tabs [role=tab]")) t.setAttribute("aria-selected", t.dataset.panel === name ? "true" : "false");
  if (name === "result") badge.hidden = true;
}

function showResultPanel() {
  if (wide.matches) {
    document.getElementById("panel-result").scrollIntoView({ block: "start", behavior: "smooth" });
  } else {
    showTab("result");
    window.scrollTo(0, 0);
  }
}

const chat = new Chat({ onSend: send, onShowResult: showResultPanel, summaryText: summaryText });
const form = new FactForm({ onSend: send, onOpen: () => { if (!wide.matches) showTab("form"); } });

function setNotice(text) {
  notice.hidden = !text;
  notice.textContent = text || "";
}

function showAssessment(view) {
  renderResult(view, resultHost, summary, (fact) => form.focus(fact));
  empty.hidden = !!view;
  printLink.hidden = !view;
  if (view && view.as_of) asOf.value = view.as_of;
  if (view && !wide.matches && widget.dataset.tab !== "result") {
    const person = view.sections.find((s) => s.id === "person");
    const n = person ? (person.counts.eligible || 0) + (person.counts.needs_confirmation || 0) : 0;
    badge.textContent = String(n);
    badge.hidden = false;
  }
}

function applyForm(state) {
  form.render(state);
  if (state && state.as_of) asOf.value = state.as_of;
}

async function send(message, shown) {
  if (!message || busy) return;
  busy = true;
  chat.bubble("user", shown || message);
  chat.setQuick(null);
  sendBtn.disabled = true;
  try {
    const body = { message: message };
    if (shown) body.shown = shown;
    const { ok, status, data } = await api("/api/chat", body);
    const messages = (data && data.messages) || [];
    if (!ok && messages.length === 0) messages.push({ text: "出错了（" + status + "），请稍后再试。", buttons: [] });
    let last = null;
    for (const m of messages) {
      chat.showBot(m, !ok);
      if (m.assessment) showAssessment(m.assessment);
      last = m;
    }
    if (ok && messages.length === 0) chat.bubble("bot", "（助手没有回复，请换个说法再试。）");
    chat.setQuick(last);
    if (ok) {
      applyForm(data.form);
      setNotice(data.notice);
    }
  } catch (e) {
    chat.bubble("bot error", "网络连接失败，请检查网络后重试。");
  } finally {
    busy = false;
    sendBtn.disabled = false;
  }
}

async function restore() {
  sendBtn.disabled = true;
  try {
    const { data } = await api("/api/chat/state");
    if (!data) { chat.greet(); return; }
    setNotice(data.notice);
    chat.restore(data.messages || []);
    showAssessment(data.assessment);
    applyForm(data.form);
  } catch (e) {
    chat.greet();
  } finally {
    busy = false;
    sendBtn.disabled = false;
  }
}

function startOver() {
  api("/api/chat/reset", {}).then(() => {
    chat.clear();
    chat.greet();
    showAssessment(null);
    summary.replaceChildren();
    applyForm({ as_of: null, known: [], questions: [], skipped: [] });
    asOf.value = asOf.defaultValue;
    setNotice(null);
    showTab("chat");
  });
}

document.getElementById("send").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = input.value.trim();
  input.value = "";
  send(text);
});
for (const t of document.querySelectorAll(".tabs [role=tab]")) t.addEventListener("click", () => showTab(t.dataset.panel));
document.getElementById("new-chat").addEventListener("click", () => dialog.showModal());
dialog.addEventListener("close", () => { if (dialog.returnValue === "ok") startOver(); });
asOf.addEventListener("change", () => {
  const v = asOf.value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return;
  const [y, m, d] = v.split("-").map(Number);
  send("/inform" + JSON.stringify({ as_of: v }), "按" + y + "年" + m + "月" + d + "日评估");
});
restore();
