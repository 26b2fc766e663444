// Forms on every page: when the server returns a form with errors, move focus to the error
// summary so that keyboard and screen-reader users start from the list of what to fix.
// No inline scripts (CSP script-src 'self').
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
    // A link in the summary focuses its field (not only scrolls to it).
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (target) { ev.preventDefault(); target.focus(); }
      });
    });
  });
})();
