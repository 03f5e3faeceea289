"use strict";
const printNow = document.getElementById("print-now");
if (printNow) printNow.addEventListener("click", () => window.print());
