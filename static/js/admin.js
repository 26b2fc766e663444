// Admin pages: confirmation before destructive forms, and a live check of the one-item-per-line
// lists on the disease form (the server checks the same rules again; this only helps typing).
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  function checkSymptom(parts) {
    if (parts.length < 2 || parts.length > 3 || !parts[0]) {
      return "expected 'term | frequency | lay phrase; lay phrase'";
    }
    var f = Number(parts[1]);
    if (parts[1] === "" || isNaN(f) || f < 0 || f > 1) {
      return "frequency must be a number from 0 to 1";
    }
    return null;
  }

  function checkRedFlag(parts) {
    if (parts.length !== 3 || !parts[0]) {
      return "expected 'finding | emergency or urgent | phrase; phrase'";
    }
    var level = parts[1].toLowerCase();
    if (level !== "emergency" && level !== "urgent") {
      return "level must be emergency or urgent";
    }
    if (!parts[2].split(";").some(function (p) { return p.trim(); })) {
      return "give at least one lay phrase";
    }
    return null;
  }

  var checks = { symptoms: checkSymptom, red_flags: checkRedFlag };

  document.querySelectorAll(".line-check[data-for]").forEach(function (out) {
    var area = document.getElementById(out.getAttribute("data-for"));
    var check = checks[out.getAttribute("data-kind")];
    if (!area || !check) {
      return;
    }
    function update() {
      var count = 0;
      var problems = [];
      area.value.split(/\r?\n/).forEach(function (raw, i) {
        var line = raw.trim();
        if (!line || line.charAt(0) === "#") {
          return;
        }
        count += 1;
        var problem = check(line.split("|").map(function (p) { return p.trim(); }));
        if (problem) {
          problems.push("Line " + (i + 1) + ": " + problem + ".");
        }
      });
      out.textContent = count + (count === 1 ? " item" : " items") +
        (problems.length ? ". " + problems.join(" ") : ", all lines look right.");
      out.classList.toggle("field-error", problems.length > 0);
    }
    area.addEventListener("input", update);
    update();
  });
})();
