// The chat log: bubbles, quick-reply buttons and multi-select questions (custom.select) of the last bot message.
import { el, button, selectPayload } from "./dom.js";

export class Chat {
  constructor(opts) {
    this.log = document.getElementById("log");
    this.quick = document.getElementById("quick");
    this.onSend = opts.onSend; // (message, shown) => Promise
    this.onShowResult = opts.onShowResult;
    this.summaryText = opts.summaryText;
  }

  clear() {
    this.log.replaceChildren();
    this.quick.replaceChildren();
  }

  bubble(who, text, extra) {
    const m = el("div", "msg " + who);
    m.appendChild(el("div", "bubble", text));
    if (extra) m.appendChild(extra);
    this.log.appendChild(m);
    this.log.scrollTop = this.log.scrollHeight;
    return m;
  }

  greet() {
    this.bubble("bot", "您好！请描述访客的情况（年龄、户籍、是否毕业、就业状态等），我会告诉您哪些稳就业措施适用。也可以在“表单”里逐项填写。");
  }

  // One bot message of a reply (or of a restored conversation); `last` makes its buttons live.
  showBot(m, error) {
    const cls = error ? "bot error" : "bot";
    if (m.assessment) {
      const link = button("查看结果 · " + this.summaryText(m.assessment), "link-button", () => this.onShowResult());
      link.classList.add("show-result");
      this.bubble(cls + " note", m.text, link);
    } else if (m.text) {
      this.bubble(cls, m.text);
    }
  }

  setQuick(message) {
    this.quick.replaceChildren();
    if (!message) return;
    if (message.select && message.select.options.length) {
      this.showSelect(message);
      return;
    }
    for (const b of message.buttons || []) {
      this.quick.appendChild(button(b.title, "", () => this.onSend(b.payload, b.title)));
    }
  }

  // A multi-select: toggles, 都没有, 完成 → one /inform object giving every fact the question asks.
  showSelect(message) {
    const sel = message.select;
    const asks = message.asks && message.asks.length ? message.asks : [...new Set(sel.options.map((o) => o.fact))];
    const box = el("div", "select-box");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "可多选");
    const toggles = [];
    for (const o of sel.options) {
      const t = button(o.title, "toggle", () => t.setAttribute("aria-pressed", t.getAttribute("aria-pressed") === "true" ? "false" : "true"));
      t.setAttribute("aria-pressed", "false");
      t.dataset.fact = o.fact;
      toggles.push([t, o]);
      box.appendChild(t);
    }
    const answer = (chosen) => {
      const shown = chosen.length ? chosen.map((o) => o.title).join("、") : sel.none_title;
      this.onSend(selectPayload(asks, sel.options, chosen), shown);
    };
    const none = button(sel.none_title, "secondary", () => answer([]));
    const done = button(sel.done_title, "primary", () => answer(toggles.filter(([t]) => t.getAttribute("aria-pressed") === "true").map(([, o]) => o)));
    none.classList.add("select-none");
    done.classList.add("select-done");
    const row = el("div", "select-actions");
    row.append(none, done);
    box.appendChild(row);
    this.quick.appendChild(box);
  }

  restore(messages) {
    this.clear();
    this.greet();
    let lastBot = null;
    for (const m of messages) {
      if (m.who === "user") {
        this.bubble("user", m.text);
        lastBot = null;
      } else {
        this.showBot(m, false);
        lastBot = m;
      }
    }
    this.setQuick(lastBot);
  }
}
