// Small progressive enhancements; every page works without this file.
// Ctrl+Enter (Cmd+Enter on a Mac) in a text area submits its form, through htmx when present.
document.addEventListener("keydown", (event) => {
  const veld = event.target;
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  if (!(veld instanceof HTMLTextAreaElement) || !veld.form) return;
  event.preventDefault();
  veld.form.requestSubmit();
});

// A search URL is shared with colleagues: leave the empty fields out of it.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  const velden = event.detail.formData;
  for (const naam of new Set(velden.keys())) {
    if (velden.getAll(naam).every((waarde) => waarde === "")) velden.delete(naam);
  }
});

// Printable pages (intervisie verslag, leerpad resultaat, inzicht): a button that prints.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-afdrukken]")) window.print();
});
