// Chat widget: talks to /api/chat (server-side proxy to Rasa), renders quick replies and the assessment table.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const log = document.getElementById("log");
  const quick = document.getElementById("quick");
  const form = document.getElementById("send");
  const input = document.getElementById("text");
  const sendBtn = document.getElementById("send-btn");
  const table = document.getElementById("assessment");
  const tbody = table.querySelector("tbody");
  const summary = document.getElementById("summary");
  const empty = document.getElementById("empty");
  const filters = document.getElementById("filters");
  const showAll = document.getElementById("show-all");
  const asOf = document.getElementById("as-of");
  let lastRows = [];

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function bubble(who, text) {
    const m = el("div", "msg " + who);
    m.appendChild(el("div", "bubble", text));
    log.appendChild(m);
    log.scrollTop = log.scrollHeight;
  }

  function setQuick(buttons) {
    quick.replaceChildren();
    for (const b of buttons) {
      const btn = el("button", "", b.title);
      btn.type = "button";
      btn.addEventListener("click", () => send(b.payload, b.title));
      quick.appendChild(btn);
    }
  }

  function renderTable() {
    const rows = showAll.checked ? lastRows : lastRows.filter((r) => r.actionable);
    tbody.replaceChildren();
    for (const r of rows) {
      const tr = el("tr");
      tr.dataset.policy = r.policy_id;
      const st = el("td");
      st.appendChild(el("span", "status s-" + r.status, r.status_label));
      tr.appendChild(st);
      tr.appendChild(el("td", "title", r.title));
      tr.appendChild(el("td", "article", "《意见》" + r.article));
      tr.appendChild(el("td", "step", r.next_step || "—"));
      tbody.appendChild(tr);
    }
    table.hidden = rows.length === 0;
    empty.hidden = lastRows.length > 0;
  }

  function showAssessment(a) {
    lastRows = a.rows || [];
    asOf.textContent = a.as_of ? "评估日期 " + a.as_of : "";
    summary.replaceChildren();
    const counts = {};
    const labels = {};
    for (const r of lastRows) {
      counts[r.status] = (counts[r.status] || 0) + 1;
      labels[r.status] = r.status_label;
    }
    for (const s of Object.keys(counts)) {
      summary.appendChild(el("span", "pill s-" + s, labels[s] + " " + counts[s] + "项"));
    }
    filters.hidden = false;
    renderTable();
  }

  async function send(message, shown) {
    if (!message) return;
    bubble("user", shown || message);
    setQuick([]);
    sendBtn.disabled = true;
    try {
      const resp = await fetch("/api/chat", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ message: message }),
      });
      if (resp.status === 401) { window.location.href = "/login?next=/"; return; }
      let data;
      try { data = await resp.json(); } catch (e) { data = null; }
      const messages = (data && data.messages) || [];
      if (!resp.ok && messages.length === 0) messages.push({ text: "出错了（" + resp.status + "），请稍后再试。", buttons: [] });
      // Each message is one bot message as /api/chat shows it (bot/display.py); a kind drawn its own way
      // branches on m.kind here.
      let buttons = [];
      for (const m of messages) {
        bubble(m.kind === "notice" && !resp.ok ? "bot error" : "bot", m.text);
        if (m.assessment) showAssessment(m.assessment);
        if (m.buttons && m.buttons.length) buttons = m.buttons;
      }
      setQuick(buttons);
    } catch (e) {
      bubble("bot error", "网络连接失败，请检查网络后重试。");
    } finally {
      sendBtn.disabled = false;
      input.focus();
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    input.value = "";
    send(text);
  });
  showAll.addEventListener("change", renderTable);
  document.getElementById("new-chat").addEventListener("click", async () => {
    await fetch("/api/chat/reset", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf } });
    log.replaceChildren();
    bubble("bot", "已开始新的咨询。请描述访客的情况。");
    setQuick([]);
    lastRows = [];
    summary.replaceChildren();
    asOf.textContent = "";
    filters.hidden = true;
    renderTable();
  });
})();
