/* The submission form: show the date fields a kind needs (办理时限 for requests, letters and instructions) and the
   fields of an origin (收文日期 for letters received). A field with an error or a value stays shown; without
   JavaScript every field shows. */
(function () {
  "use strict";
  var form = document.getElementById("submission-form");
  if (!form) { return; }

  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var select = form.querySelector('select[name="' + name + '"]');
    return select ? select.value : "";
  }

  function keep(el) {
    if (el.querySelector(".is-invalid")) { return true; }
    return Array.prototype.some.call(el.querySelectorAll("input, textarea"), function (input) {
      return input.type !== "radio" && input.type !== "checkbox" && input.value;
    });
  }

  function update() {
    var kind = value("kind");
    var origin = value("origin");
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = !(kind === "" || el.dataset.kinds.split(" ").indexOf(kind) >= 0 || keep(el));
    });
    form.querySelectorAll("[data-origins]").forEach(function (el) {
      el.hidden = !(origin === "" || el.dataset.origins.split(" ").indexOf(origin) >= 0 || keep(el));
    });
  }

  form.addEventListener("change", update);
  update();
})();
