// Bar widths from data-width (percent): set through the CSSOM, which the page's CSP allows (inline styles it does not).
"use strict";
for (const bar of document.querySelectorAll(".bar span[data-width]")) {
  bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0)) + "%";
}
