// Small DOM and request helpers shared by the widget's modules.
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

export function button(text, cls, onClick) {
  const b = el("button", cls, text);
  b.type = "button";
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

const csrf = document.querySelector('meta[name="csrf-token"]').content;

export async function api(path, body) {
  const init = { credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  if (resp.status === 401) {
    window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
    throw new Error("login required");
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  return { ok: resp.ok, status: resp.status, data: data };
}

// A multi-select's answer as one /inform object: every fact it asks gets a value — a yes/no fact true when
// one of its options is chosen, else false; a list fact the items chosen, "none" when none (Rasa drops an
// entity whose value is an empty list; the actions read "none" as [], like the bot's own 都不是 button).
export function selectPayload(asks, options, chosen) {
  const out = {};
  for (const fact of asks) {
    const isList = options.some((o) => o.fact === fact && typeof o.value !== "boolean");
    if (isList) {
      const items = chosen.filter((o) => o.fact === fact).map((o) => o.value);
      out[fact] = items.length ? items : "none";
    } else {
      out[fact] = chosen.some((o) => o.fact === fact);
    }
  }
  return "/inform" + JSON.stringify(out);
}
