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

// "Factoren kiezen (2 gekozen)": the search form is not sent back with the results, so
// the count follows the ticks here.
document.addEventListener("change", (event) => {
  const keuze = event.target instanceof Element && event.target.closest("details");
  const teller = keuze && keuze.querySelector("[data-aantal-gekozen]");
  if (!teller) return;
  const n = keuze.querySelectorAll("input[type=checkbox]:checked").length;
  teller.textContent = n ? ` (${n} gekozen)` : "";
});

// Printable pages (intervisie verslag, leerpad resultaat, inzicht): a button that prints.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-afdrukken]")) window.print();
});

// A closed <details> (the table behind each inzicht chart) prints nothing: open them all
// for printing and close again afterwards the ones that were closed.
let dichtVoorAfdrukken = [];
window.addEventListener("beforeprint", () => {
  dichtVoorAfdrukken = [...document.querySelectorAll("details:not([open])")];
  for (const d of dichtVoorAfdrukken) d.open = true;
});
window.addEventListener("afterprint", () => {
  for (const d of dichtVoorAfdrukken) d.open = false;
  dichtVoorAfdrukken = [];
});

// A case form sent while the session had ended (logged out in another tab, expired) goes
// to the login page, and the server cannot keep what it was not allowed to receive. So the
// browser keeps a copy in this tab (sessionStorage) when the form is sent, and puts it back
// when the same form opens again after logging in. Any other page means it arrived.
const CONCEPT = "casusbank:casusformulier";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("casusformulier")) return;
  const velden = [...new FormData(form)].filter(([naam]) => naam !== "csrf");
  sessionStorage.setItem(CONCEPT, JSON.stringify({ actie: form.getAttribute("action"), velden }));
});

function zetTerug(form, velden) {
  const waarden = new Map();
  for (const [naam, waarde] of velden) waarden.set(naam, [...(waarden.get(naam) || []), waarde]);
  for (const veld of form.elements) {
    if (!veld.name || veld.name === "csrf" || !waarden.has(veld.name)) continue;
    const lijst = waarden.get(veld.name);
    if (veld.type === "checkbox" || veld.type === "radio") veld.checked = lijst.includes(veld.value);
    else if (!veld.readOnly) veld.value = lijst[0];
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const bewaard = sessionStorage.getItem(CONCEPT);
  if (!bewaard) return;
  const { actie, velden } = JSON.parse(bewaard);
  const form = [...document.querySelectorAll("form.casusformulier")]
    .find((f) => f.getAttribute("action") === actie);
  if (form && !form.hasAttribute("data-met-fouten")) {
    zetTerug(form, velden);
    const melding = document.createElement("p");
    melding.className = "melding";
    melding.setAttribute("role", "status");
    melding.textContent = "Wat u eerder invulde en verstuurde terwijl u niet ingelogd was, " +
      "staat weer in het formulier. Controleer het en sla de casus op.";
    form.before(melding);
  }
  if (!document.body.hasAttribute("data-concept-bewaren")) sessionStorage.removeItem(CONCEPT);
});
