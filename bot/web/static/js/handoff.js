// A live handoff: the person's messages as they arrive (polled), the worker's answers, 接手 and 交还机器人.
import { api, el } from "./dom.js";

const box = document.getElementById("handoff");
const id = box.dataset.handoff;
const log = document.getElementById("handoff-log");
const stateLabel = document.getElementById("handoff-state");
const form = document.getElementById("handoff-reply");
const input = document.getElementById("reply-text");
const takeBtn = document.getElementById("take");
const backBtn = document.getElementById("hand-back");
let shown = ""; // what the log shows: message ids with their delivery

function render(h) {
  stateLabel.textContent = h.state_label + (h.taken_by ? " · " + h.taken_by : "");
  stateLabel.className = "status " + (h.state === "requested" ? "s-handoff" : h.state === "active" ? "s-open" : "s-closed");
  const closed = h.state === "closed";
  for (const c of [input, document.getElementById("reply-btn"), takeBtn, backBtn]) c.disabled = closed;
  takeBtn.hidden = h.state !== "requested";
  const last = JSON.stringify(h.messages.map((m) => [m.id, m.delivered, m.error]));
  if (last === shown) return;
  log.replaceChildren();
  for (const m of h.messages) {
    const who = m.direction === "in" ? "user" : "bot";
    const msg = el("div", "msg " + who);
    msg.dataset.message = m.id;
    msg.appendChild(el("div", "bubble", m.text));
    const meta = m.at + (m.author ? " · " + m.author : "") + (m.direction === "out" ? (m.error ? " · 发送失败" : m.delivered ? " · 已送达" : " · 待送达") : "");
    msg.appendChild(el("div", "meta", meta));
    log.appendChild(msg);
  }
  log.scrollTop = log.scrollHeight;
  shown = last;
}

async function refresh() {
  const { ok, data } = await api("/api/handoffs/" + id);
  if (ok && data) render(data);
}

async function act(path, body) {
  const { ok, data } = await api("/api/handoffs/" + id + path, body);
  if (ok && data) render(data);
  else if (data && data.error) alert(data.error);
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  act("/reply", { text: text });
});
takeBtn.addEventListener("click", () => act("/take", {}));
backBtn.addEventListener("click", () => act("/back", {}));
refresh();
setInterval(() => { refresh().catch(() => {}); }, 2000);
