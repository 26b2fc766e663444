// Structured editor for a disease's symptoms and red flags: one row per item with its own fields
// (term, how typical, lay phrases; finding, level, phrases) instead of pipe-separated text.
// Progressive enhancement: the textarea stays in the form (hidden) and receives the rows in the
// line format the server validates, so without JavaScript the plain textarea still works.
(function () {
  "use strict";

  var KINDS = {
    symptoms: {
      legend: "Symptoms", item: "symptom", add: "Add a symptom",
      columns: [
        { key: "term", label: "Symptom (clinical term)", type: "text" },
        { key: "frequency", label: "How typical (0 to 1)", type: "number" },
        { key: "phrases", label: "Lay phrases, separated by ;", type: "text", wide: true }
      ],
      parse: function (p) { return { term: p[0] || "", frequency: p[1] || "", phrases: p[2] || "" }; },
      format: function (r) { return [r.term, r.frequency, r.phrases].join(" | "); }
    },
    red_flags: {
      legend: "Red flags", item: "red flag", add: "Add a red flag",
      columns: [
        { key: "finding", label: "Finding", type: "text" },
        { key: "level", label: "Level", type: "select", options: ["emergency", "urgent"] },
        { key: "phrases", label: "Lay phrases, separated by ;", type: "text", wide: true }
      ],
      parse: function (p) { return { finding: p[0] || "", level: (p[1] || "urgent").toLowerCase(), phrases: p[2] || "" }; },
      format: function (r) { return [r.finding, r.level, r.phrases].join(" | "); }
    }
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function enhance(area, kind) {
    var spec = KINDS[kind];
    var label = document.querySelector("label[for='" + area.id + "']");
    var fieldset = el("fieldset", { "class": "row-editor", "data-editor": kind });
    fieldset.appendChild(el("legend", {}, spec.legend));
    var table = el("table", { "class": "row-editor-table" });
    var head = el("tr");
    spec.columns.forEach(function (c) { head.appendChild(el("th", { scope: "col" }, c.label)); });
    head.appendChild(el("th", { scope: "col" }, "Remove"));
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    table.appendChild(body);
    var scroll = el("div", { "class": "table-scroll" });
    scroll.appendChild(table);
    fieldset.appendChild(scroll);
    var addButton = el("button", { type: "button", "class": "button-secondary" }, spec.add);
    fieldset.appendChild(addButton);

    function sync() {
      var lines = [];
      body.querySelectorAll("tr").forEach(function (tr, i) {
        var row = {};
        spec.columns.forEach(function (c) { row[c.key] = tr.querySelector("[data-key='" + c.key + "']").value.trim(); });
        var empty = spec.columns.every(function (c) { return c.type === "select" || !row[c.key]; });
        if (!empty) { lines.push(spec.format(row)); }
        tr.querySelectorAll("[data-key]").forEach(function (input) {
          var col = spec.columns.filter(function (c) { return c.key === input.getAttribute("data-key"); })[0];
          input.setAttribute("aria-label", col.label + ", " + spec.item + " " + (i + 1));
        });
        tr.querySelector("button").setAttribute("aria-label", "Remove " + spec.item + " " + (i + 1));
      });
      area.value = lines.join("\n");
      area.dispatchEvent(new Event("input"));  // the live line check (admin.js) follows the rows
    }

    function addRow(values, focus) {
      var tr = el("tr");
      spec.columns.forEach(function (c) {
        var td = el("td");
        var input;
        if (c.type === "select") {
          input = el("select", { "data-key": c.key });
          c.options.forEach(function (o) { var opt = el("option", { value: o }, o); input.appendChild(opt); });
          input.value = c.options.indexOf(values[c.key]) >= 0 ? values[c.key] : c.options[c.options.length - 1];
        } else {
          input = el("input", { type: c.type, "data-key": c.key });
          if (c.type === "number") { input.setAttribute("min", "0"); input.setAttribute("max", "1"); input.setAttribute("step", "0.05"); }
          input.value = values[c.key] || "";
        }
        if (c.wide) { td.className = "wide"; }
        input.addEventListener("input", sync);
        input.addEventListener("change", sync);
        td.appendChild(input);
        tr.appendChild(td);
      });
      var td = el("td");
      var remove = el("button", { type: "button", "class": "button-secondary remove-row" }, "Remove");
      remove.addEventListener("click", function () {
        var next = tr.nextElementSibling || tr.previousElementSibling;
        tr.remove();
        sync();
        (next ? next.querySelector("input, select") : addButton).focus();
      });
      td.appendChild(remove);
      tr.appendChild(td);
      body.appendChild(tr);
      sync();
      if (focus) { tr.querySelector("input, select").focus(); }
    }

    area.value.split(/\r?\n/).forEach(function (raw) {
      var line = raw.trim();
      if (line && line.charAt(0) !== "#") {
        addRow(spec.parse(line.split("|").map(function (p) { return p.trim(); })), false);
      }
    });
    if (!body.children.length) { addRow({}, false); }
    addButton.addEventListener("click", function () { addRow({}, true); });

    area.hidden = true;
    if (label) { label.hidden = true; }
    // The line-format hints describe the textarea; the rows explain themselves.
    document.querySelectorAll(".hint[data-format-for='" + area.id + "'], #" + area.id + "-hint").forEach(function (h) {
      h.hidden = true;
    });
    area.parentNode.insertBefore(fieldset, area);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-row-editor]").forEach(function (area) {
      enhance(area, area.getAttribute("data-row-editor"));
    });
  });
})();
