// Assessment pages: lazy word attributions and the searchable disease picker.
// No inline scripts (CSP script-src 'self'); everything hangs off ids and data attributes.
(function () {
  "use strict";

  function highlightWords(container, words, info) {
    container.textContent = "";
    if (!info || !info.top_words || !info.top_words.length) {
      container.textContent = "No single word stands out for this suggestion.";
      return;
    }
    var top = {};
    (info.top_indices || []).forEach(function (i) { top[i] = true; });
    var label = document.createElement("span");
    label.className = "muted";
    label.textContent = "Words that support it: ";
    container.appendChild(label);
    words.forEach(function (w, i) {
      var node;
      if (top[i]) {
        node = document.createElement("mark");
        node.title = "+" + Math.round((info.scores[i] || 0) * 1000) / 10 + " percentage points";
      } else {
        node = document.createElement("span");
      }
      node.textContent = w;
      container.appendChild(node);
      container.appendChild(document.createTextNode(" "));
    });
  }

  function loadExplanation() {
    var section = document.getElementById("differential");
    var status = document.getElementById("explanation-status");
    var button = document.getElementById("load-explanation");
    if (!section) { return; }
    var url = section.getAttribute("data-explanation-url");
    if (button) { button.disabled = true; }
    if (status) { status.textContent = "Computing..."; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        var att = data.attributions;
        if (!att) {
          if (status) { status.textContent = data.attributions_error || "Word attributions are not available."; }
          return;
        }
        document.querySelectorAll("[data-words-for]").forEach(function (el) {
          highlightWords(el, att.words, att.by_icd10[el.getAttribute("data-words-for")]);
        });
        if (status) { status.textContent = ""; }
        if (button) { button.hidden = true; }
      })
      .catch(function (err) {
        if (status) { status.textContent = "Could not load the explanation (" + err.message + ")."; }
        if (button) { button.disabled = false; }
      });
  }

  function enhancePicker() {
    var select = document.querySelector("select.disease-picker");
    var filter = document.getElementById("disease-filter");
    if (!select || !filter) { return; }
    filter.hidden = false;
    var options = Array.prototype.slice.call(select.options);
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      var firstMatch = null;
      options.forEach(function (opt) {
        var show = !opt.value || !q || opt.text.toLowerCase().indexOf(q) !== -1;
        opt.hidden = !show;
        if (show && opt.value && !firstMatch) { firstMatch = opt; }
      });
      if (firstMatch && q) { select.value = firstMatch.value; chooseCorrected(); }
    });
    // Picking (or typing towards) another condition is a correction: say so in the outcome.
    function chooseCorrected() {
      var corrected = document.querySelector("input[name=outcome][value=corrected]");
      if (select.value && corrected) { corrected.checked = true; }
    }
    select.addEventListener("change", chooseCorrected);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("load-explanation");
    if (button) { button.addEventListener("click", loadExplanation); }
    if (document.querySelector("[data-words-for]") && window.IntersectionObserver) {
      // Load lazily when the differential scrolls into view, so the result page itself stays fast.
      var seen = false;
      var io = new IntersectionObserver(function (entries) {
        if (!seen && entries.some(function (e) { return e.isIntersecting; })) { seen = true; io.disconnect(); loadExplanation(); }
      });
      io.observe(document.getElementById("differential"));
    }
    enhancePicker();
  });
})();
