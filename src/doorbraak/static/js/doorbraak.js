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
