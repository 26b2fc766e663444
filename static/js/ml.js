// ML pages: the training-run page follows its job (state, elapsed time, log tail) by polling the
// JSON status, and reloads once the run ends so the links to the new version appear.
// Progressive enhancement only: without JavaScript the page is complete and a reload updates it.
(function () {
  "use strict";

  var box = document.getElementById("training-job");
  if (!box || box.getAttribute("data-active") !== "true" || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var label = box.querySelector("[data-field=label]");
  var elapsed = box.querySelector("[data-field=elapsed]");
  var log = document.querySelector("[data-field=log]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (job) {
        if (!job) {
          window.setTimeout(poll, 10000);
          return;
        }
        if (label) { label.textContent = job.label; }
        if (elapsed) { elapsed.textContent = String(Math.round(job.elapsed_s)); }
        if (log) { log.textContent = job.log_tail.join("\n"); }
        if (job.active) {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 2000);
})();
