// The counselling sheet's "Print" button: the browser's own print dialog (no inline script under
// the Content-Security-Policy, so the button is wired here).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
