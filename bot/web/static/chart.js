// Consultation charts drawn as plain SVG from /api/stats (no libraries, nothing fetched from elsewhere).
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const rootStyle = getComputedStyle(document.documentElement);
  // The status colours are the stylesheet's (--status-<id>), so the chart and the tables agree.
  const color = (status) => rootStyle.getPropertyValue("--status-" + status).trim() || "#999";
  const form = document.getElementById("stats-form");

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function legend(statuses) {
    const d = document.createElement("div");
    d.className = "legend";
    for (const s of statuses) {
      const span = document.createElement("span");
      span.style.setProperty("--c", color(s.id));
      span.textContent = s.label;
      d.appendChild(span);
    }
    return d;
  }

  function niceMax(v) {
    if (v <= 5) return 5;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    return Math.ceil(v / p) * p;
  }

  function timeChart(host, data) {
    host.replaceChildren();
    const n = data.labels.length;
    if (!n) { host.textContent = "所选时间段内没有评估记录。"; return; }
    const W = 900, H = 320, L = 44, B = 48, T = 12, R = 10;
    const totals = data.labels.map((_, i) => data.statuses.reduce((a, s) => a + (data.series[s.id] || [])[i], 0));
    const max = niceMax(Math.max(1, ...totals));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "time" });
    const plotH = H - T - B, slot = (W - L - R) / n, bw = Math.max(2, Math.min(48, slot * 0.7));
    for (let k = 0; k <= 4; k++) {
      const y = T + plotH - (plotH * k) / 4;
      root.appendChild(svg("line", { x1: L, x2: W - R, y1: y, y2: y, stroke: "#e3e8ee" }));
      root.appendChild(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "#6b7785" }, String(Math.round((max * k) / 4))));
    }
    const every = Math.ceil(n / 12);
    data.labels.forEach((label, i) => {
      let y = T + plotH;
      const x = L + slot * i + (slot - bw) / 2;
      for (const s of data.statuses) {
        const v = (data.series[s.id] || [])[i] || 0;
        if (!v) continue;
        const h = (plotH * v) / max;
        y -= h;
        const r = svg("rect", { x: x, y: y, width: bw, height: h, fill: color(s.id), "data-status": s.id });
        r.appendChild(svg("title", {}, `${label} ${s.label}：${v}`));
        root.appendChild(r);
      }
      if (i % every === 0) root.appendChild(svg("text", { x: x + bw / 2, y: H - B + 16, "text-anchor": "middle", "font-size": 11, fill: "#6b7785" }, label.slice(5) || label));
    });
    host.appendChild(root);
    host.appendChild(legend(data.statuses));
  }

  function measureChart(host, data) {
    host.replaceChildren();
    const ms = data.measures;
    if (!ms.length) { host.textContent = "所选时间段内没有评估记录。"; return; }
    const W = 900, row = 24, L = 300, R = 50, T = 6;
    const H = T + ms.length * row + 6;
    const max = Math.max(1, ...ms.map((m) => Object.values(m.counts).reduce((a, b) => a + b, 0)));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "measures" });
    ms.forEach((m, i) => {
      const y = T + i * row;
      const title = m.title.length > 22 ? m.title.slice(0, 21) + "…" : m.title;
      const t = svg("text", { x: L - 8, y: y + 16, "text-anchor": "end", "font-size": 12, fill: "#1f2933" }, title);
      t.appendChild(svg("title", {}, m.title));
      root.appendChild(t);
      let x = L, total = 0;
      for (const s of data.statuses) {
        const v = m.counts[s.id] || 0;
        if (!v) continue;
        total += v;
        const w = ((W - L - R) * v) / max;
        const r = svg("rect", { x: x, y: y + 3, width: w, height: row - 8, fill: color(s.id) });
        r.appendChild(svg("title", {}, `${m.title} ${s.label}：${v}`));
        root.appendChild(r);
        x += w;
      }
      root.appendChild(svg("text", { x: x + 6, y: y + 16, "font-size": 11, fill: "#6b7785" }, String(total)));
    });
    host.appendChild(root);
    host.appendChild(legend(data.statuses));
  }

  async function load() {
    const params = new URLSearchParams(new FormData(form));
    const resp = await fetch("/api/stats?" + params.toString(), { credentials: "same-origin" });
    if (resp.status === 401) { window.location.href = "/login?next=/stats"; return; }
    const data = await resp.json();
    timeChart(document.getElementById("time-chart"), data);
    measureChart(document.getElementById("measure-chart"), data);
  }

  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  load();
})();
