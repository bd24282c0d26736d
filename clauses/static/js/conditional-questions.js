// Forms with conditional questions (meeting registration, survey sections): show a question
// only when the earlier answer it depends on has one of the expected values. Without
// JavaScript every question stays visible, with a hint; the server ignores the answers to
// questions that do not apply.
(function () {
  "use strict";

  function answers(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function update(form) {
    // Document order: a question's condition is updated before the questions depending on it.
    form.querySelectorAll("[data-depends-on]").forEach(function (wrapper) {
      var parentName = wrapper.getAttribute("data-depends-on");
      var expected = JSON.parse(wrapper.getAttribute("data-depends-values") || "[]").map(
        function (value) {
          return value.toLowerCase();
        }
      );
      var parentWrapper = form.querySelector('[data-question-name="' + parentName + '"]');
      var parentShown = !parentWrapper || !parentWrapper.hidden;
      var shown =
        parentShown &&
        answers(form, parentName).some(function (value) {
          return expected.indexOf(value.toLowerCase()) !== -1;
        });
      wrapper.hidden = !shown;
    });
  }

  document.querySelectorAll("form[data-conditional-questions]").forEach(function (form) {
    if (!form.querySelector("[data-depends-on]")) {
      return;
    }
    form.addEventListener("change", function () {
      update(form);
    });
    form.addEventListener("input", function () {
      update(form);
    });
    update(form);
  });
})();
