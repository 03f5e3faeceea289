// Form mode: the facts the bot holds (each correctable in one step) and the questions that still change an outcome.
import { el, button, selectPayload } from "./dom.js";

function inform(fact, value) {
  const o = {};
  o[fact] = value;
  return "/inform" + JSON.stringify(o);
}

function choiceLabel(f, v) {
  const c = (f.choices || []).find((x) => x.value === v);
  return c ? c.label : String(v);
}

export class FactForm {
  constructor(opts) {
    this.known = document.getElementById("known");
    this.questions = document.getElementById("questions");
    this.skipped = document.getElementById("skipped");
    this.strip = document.getElementById("known-strip");
    this.onSend = opts.onSend;
    this.onOpen = opts.onOpen; // switch to the form tab (narrow screens)
    this.state = null;
  }

  send(f, value, shownValue) {
    return this.onSend(inform(f.fact, value), "（表单）" + f.label + "：" + shownValue);
  }

  control(f, current) {
    const box = el("div", "control");
    box.dataset.fact = f.fact;
    if (f.type === "bool") {
      for (const [v, label] of [[true, "是"], [false, "否"]]) {
        const b = button(label, "choice", () => this.send(f, v, label));
        b.setAttribute("aria-pressed", current === v ? "true" : "false");
        b.dataset.value = String(v);
        box.appendChild(b);
      }
    } else if (f.type === "enum") {
      for (const c of f.choices) {
        const b = button(c.label, "choice", () => this.send(f, c.value, c.label));
        b.setAttribute("aria-pressed", current === c.value ? "true" : "false");
        b.dataset.value = c.value;
        box.appendChild(b);
      }
    } else if (f.type === "list") {
      const chosen = new Set(Array.isArray(current) ? current : []);
      for (const c of f.choices) {
        const b = button(c.label, "choice toggle", () => b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true"));
        b.setAttribute("aria-pressed", chosen.has(c.value) ? "true" : "false");
        b.dataset.value = c.value;
        box.appendChild(b);
      }
      const none = button("都不是", "secondary", () => this.send(f, "none", "都不是"));
      const ok = button("确定", "primary", () => {
        const picked = [...box.querySelectorAll("button.toggle[aria-pressed=true]")].map((b) => b.dataset.value);
        this.send(f, picked, picked.length ? picked.map((v) => choiceLabel(f, v)).join("、") : "都不是");
      });
      ok.classList.add("ok");
      box.append(none, ok);
    } else {
      const form = el("form", "inline");
      const input = el("input");
      input.name = f.fact;
      input.setAttribute("aria-label", f.label);
      if (f.type === "int") {
        input.type = "number";
        input.inputMode = "numeric";
        if (f.minimum !== null && f.minimum !== undefined) input.min = f.minimum;
        if (f.maximum !== null && f.maximum !== undefined) input.max = f.maximum;
      } else if (f.suggestions && f.suggestions.length) {
        const list = el("datalist");
        list.id = "dl-" + f.fact;
        for (const s of f.suggestions) { const o = el("option"); o.value = s; list.appendChild(o); }
        form.appendChild(list);
        input.setAttribute("list", list.id);
      }
      if (current !== undefined && current !== null) input.value = current;
      const ok = button("确定", "primary");
      ok.type = "submit";
      form.append(input, ok);
      if (f.unit) form.insertBefore(el("span", "unit", f.unit), ok);
      const err = el("span", "field-error");
      form.appendChild(err);
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const raw = input.value.trim();
        if (!raw) { err.textContent = "请填写。"; return; }
        let value = raw;
        if (f.type === "int") {
          value = Number(raw);
          const bad = !Number.isInteger(value) || (f.minimum != null && value < f.minimum) || (f.maximum != null && value > f.maximum);
          if (bad) { err.textContent = "请填写" + (f.minimum != null ? f.minimum : "") + (f.maximum != null ? "～" + f.maximum : "以上") + "的整数。"; return; }
        }
        err.textContent = "";
        this.send(f, value, raw + (f.unit || ""));
      });
      box.appendChild(form);
    }
    return box;
  }

  // A multi-select question (a group of yes/no facts, or a list fact) as a checkbox group: 确定 answers every
  // fact it asks (an option not ticked is "no"), the none button answers "no" to all.
  checkboxes(q) {
    const box = el("fieldset", "control checks");
    box.dataset.fact = q.key;
    box.appendChild(el("legend", "sr-only", q.label));
    const ticks = [];
    for (const o of q.options) {
      const label = el("label", "check");
      const input = el("input");
      input.type = "checkbox";
      input.dataset.fact = o.fact;
      input.value = String(o.value);
      label.append(input, el("span", "", o.title));
      ticks.push([input, o]);
      box.appendChild(label);
    }
    const answer = (chosen) => {
      const shown = chosen.length ? chosen.map((o) => o.title).join("、") : q.none_title;
      this.onSend(selectPayload(q.facts, q.options, chosen), "（表单）" + q.label + "：" + shown);
    };
    const row = el("div", "select-actions");
    const none = button(q.none_title, "secondary", () => answer([]));
    none.classList.add("checks-none");
    const ok = button("确定", "primary", () => answer(ticks.filter(([i]) => i.checked).map(([, o]) => o)));
    ok.classList.add("checks-ok");
    row.append(none, ok);
    box.appendChild(row);
    return box;
  }

  render(state) {
    this.state = state;
    this.known.replaceChildren();
    this.questions.replaceChildren();
    this.strip.replaceChildren();
    if (!state) {
      this.known.appendChild(el("li", "muted", "暂时读不到访客情况。"));
      this.strip.hidden = true;
      return;
    }
    if (!state.known.length) this.known.appendChild(el("li", "muted", "还没有。"));
    for (const f of state.known) {
      const li = el("li", "fact-row");
      li.dataset.fact = f.fact;
      const line = el("div", "fact-line");
      line.appendChild(el("span", "fact-label", f.label));
      line.appendChild(el("span", "fact-value", f.shown));
      const edit = button("改", "edit", () => li.classList.toggle("editing"));
      edit.setAttribute("aria-label", "改正" + f.label);
      line.appendChild(edit);
      li.appendChild(line);
      li.appendChild(this.control(f, f.value));
      this.known.appendChild(li);
    }
    if (!state.questions.length) {
      this.questions.appendChild(el("p", "muted", state.known.length ? "没有还会改变结果的问题了。" : "开始咨询后，这里列出要问的问题。"));
    }
    for (const f of state.questions) {
      const q = el("div", "question");
      q.dataset.fact = f.key; // a fact, or a multi-select group's name
      q.dataset.facts = f.facts.join(" ");
      q.appendChild(el("p", "q-text", f.question));
      q.appendChild(f.multiple ? this.checkboxes(f) : this.control(f, undefined));
      this.questions.appendChild(q);
    }
    this.skipped.hidden = !state.skipped.length;
    this.skipped.textContent = state.skipped.length ? "访客答不上来的（不再追问）：" + state.skipped.map((s) => s.label).join("、") : "";
    // on a phone the chat shows the known facts as chips: one tap opens the fact in the form
    this.strip.hidden = !state.known.length;
    if (state.known.length) {
      const d = el("details");
      d.appendChild(el("summary", "", "已知情况 " + state.known.length + " 项（点一项即可改正）"));
      for (const f of state.known) {
        const chip = button(f.label + " " + f.shown, "chip", () => this.focus(f.fact));
        chip.dataset.fact = f.fact;
        d.appendChild(chip);
      }
      this.strip.appendChild(d);
    }
  }

  focus(fact) {
    this.onOpen();
    const row = this.known.querySelector('[data-fact="' + fact + '"]');
    const target = row || [...this.questions.querySelectorAll(".question")].find((q) => q.dataset.facts.split(" ").includes(fact));
    if (!target) return;
    if (row) row.classList.add("editing");
    target.scrollIntoView({ block: "center" });
    const first = target.querySelector(".control button, .control input");
    if (first) first.focus();
  }
}
