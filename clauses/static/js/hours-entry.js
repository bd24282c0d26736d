// The hours tables (a contract's year, one month of every contract) answer Enter as a
// spreadsheet does: the cursor goes to the cell below in the same column (Shift+Enter: above),
// skipping the cells outside a mission's dates; the cell left is saved by htmx on its change.
// Below the last row waits the « Enregistrer les heures » button. Without JavaScript, Enter
// sends the whole form.
(() => {
  const inputBelow = (input, step) => {
    const cell = input.closest("td");
    const row = cell && cell.closest("tr");
    if (!row) return null;
    const column = Array.prototype.indexOf.call(row.children, cell);
    let next = step > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (next) {
      const target = next.children[column] && next.children[column].querySelector("input");
      if (target && !target.disabled) return target;
      next = step > 0 ? next.nextElementSibling : next.previousElementSibling;
    }
    return null;
  };

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (event.key !== "Enter" || !(input instanceof HTMLInputElement)) return;
    if (!input.closest(".clauses-hours-grid")) return;
    const target = inputBelow(input, event.shiftKey ? -1 : 1);
    const button = input.form && input.form.querySelector("button[type=submit]");
    if (!target && (event.shiftKey || !button)) return;
    event.preventDefault();
    if (target) {
      target.focus();
      target.select();
    } else {
      button.focus(); // below the last row: the button that sends the whole page
    }
  });
})();
