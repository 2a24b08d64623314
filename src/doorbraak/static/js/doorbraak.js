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
