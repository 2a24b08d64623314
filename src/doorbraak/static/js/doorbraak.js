// Progressive enhancement only: every page works without this file.
// A <select data-autosubmit> submits its form on change (the submit button stays for
// keyboard and no-JS users).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined && target.form) {
    target.form.requestSubmit();
  }
});
