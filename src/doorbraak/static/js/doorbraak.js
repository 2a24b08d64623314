// Progressive enhancement only: every page works without this file, and it runs under
// the CSP script-src 'self' (no inline code, no eval).
//
// <select data-autosubmit> submits its form when the choice changes. Use it only where
// that is expected (WCAG 3.2.2) and keep a visible submit button for no-JS users.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLSelectElement) || !("autosubmit" in target.dataset)) return;
  const form = target.form;
  if (!form) return;
  if (typeof form.requestSubmit === "function") form.requestSubmit();
  else form.submit();
});

// The assessment matrix: a live count of problem domains and the classification so far.
// Without this script the page explains the rule in words and the server classifies.
const liveClassification = document.querySelector(".za-live");
if (liveClassification) {
  const form = liveClassification.closest("form");
  const data = liveClassification.dataset;
  const update = () => {
    const checked = form.querySelectorAll(".za-pick input:checked");
    let problems = 0;
    checked.forEach((input) => {
      if (Number(input.value) <= Number(data.threshold)) problems += 1;
    });
    let classification = data.textRed;
    if (problems <= Number(data.green)) classification = data.textGreen;
    else if (problems <= Number(data.orange)) classification = data.textOrange;
    liveClassification.textContent = data.text
      .replace("%(problems)s", String(problems))
      .replace("%(scored)s", String(checked.length))
      .replace("%(classification)s", classification);
    liveClassification.hidden = checked.length === 0;
  };
  form.addEventListener("change", update);
  update();
}

// The error summary of includes/form.html: after a failed submit, focus moves to the first
// summary (so a screen reader reads the errors out), and its links focus their field.
function focusErrorSummary() {
  const summary = document.querySelector("[data-error-summary]");
  if (summary instanceof HTMLElement) summary.focus();
}
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("[data-error-summary] a[href^='#']") : null;
  if (!link) return;
  const field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  field.scrollIntoView({ block: "center" });
  field.focus();
});

// Searchable pickers: a select with many options (an organisation, a service, a person)
// gets a filter box above it. Typing narrows the options; the chosen one always stays.
// The select itself is untouched, so the form posts the same without JavaScript.
const PICKER_MIN_OPTIONS = 15;
function enhancePicker(select) {
  if (select.dataset.pickerReady || select.multiple || "noPicker" in select.dataset) return;
  if (select.options.length < PICKER_MIN_OPTIONS) return;
  select.dataset.pickerReady = "1";
  const all = Array.from(select.options);
  const disabledBefore = new Set(all.filter((option) => option.disabled));
  const filter = document.createElement("input");
  filter.type = "search";
  filter.id = `${select.id || select.name}-filter`;
  filter.className = "utrecht-textbox utrecht-textbox--html-input db-picker__filter";
  filter.autocomplete = "off";
  filter.setAttribute("aria-controls", select.id);
  const label = document.createElement("label");
  label.className = "utrecht-form-label db-picker__label";
  label.htmlFor = filter.id;
  label.textContent = document.body.dataset.pickerLabel || "Filter";
  const wrapper = document.createElement("div");
  wrapper.className = "db-picker";
  wrapper.append(label, filter);
  select.before(wrapper);
  filter.addEventListener("input", () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const chosen = select.value;
    all.forEach((option) => {
      const match =
        option.value === "" ||
        option.value === chosen ||
        words.every((word) => option.text.toLowerCase().includes(word));
      // hidden for the browsers that honour it on options, disabled for the others.
      option.hidden = !match;
      option.disabled = !match || disabledBefore.has(option);
    });
  });
}
function enhancePickers(root) {
  root.querySelectorAll("select").forEach(enhancePicker);
}

document.addEventListener("DOMContentLoaded", () => {
  enhancePickers(document);
  focusErrorSummary();
});
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.target instanceof Element) enhancePickers(event.target);
});
