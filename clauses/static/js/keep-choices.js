// A part of a form refreshed by htmx (the companies of the chosen lot, the QPV of the
// commune typed) keeps what the person chose in it while the refresh was on its way: the
// server answered for the values sent with the request, not for those chosen since.
(() => {
  const pending = new WeakMap();

  const valuesOf = (element) => {
    const values = {};
    if (element) {
      element.querySelectorAll("select[name], input[name]").forEach((field) => {
        values[field.name] = field.value;
      });
    }
    return values;
  };

  document.addEventListener("htmx:beforeRequest", (event) => {
    const target = event.detail.target;
    if (target && target.id && target.querySelector("select[name], input[name]")) {
      pending.set(event.detail.xhr, { id: target.id, sent: valuesOf(target) });
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const request = pending.get(event.detail.xhr);
    if (!request) return;
    const now = valuesOf(document.getElementById(request.id));
    request.changed = Object.entries(now).filter(([name, value]) => request.sent[name] !== value);
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const request = pending.get(event.detail.xhr);
    pending.delete(event.detail.xhr);
    if (!request || !request.changed || !request.changed.length) return;
    const element = document.getElementById(request.id);
    if (!element) return;
    request.changed.forEach(([name, value]) => {
      const field = element.querySelector(`[name="${CSS.escape(name)}"]`);
      if (!field) return;
      if (field.tagName === "SELECT" && !Array.from(field.options).some((o) => o.value === value)) {
        return; // no longer offered: the refreshed list wins
      }
      field.value = value;
    });
  });
})();
