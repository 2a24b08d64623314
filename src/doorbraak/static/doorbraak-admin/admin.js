// The Django admin (/beheer/): accessible names where Django's widgets leave them out.
// Runs under the CSP script-src 'self'. Loaded by templates/admin/base_site.html.

// The filter boxes of filter_horizontal widgets (SelectFilter2.js) are labelled only by an
// icon's title, and the icon carries an aria-label without a role: make the icon an image
// and give the box that text as its accessible name.
function nameFilterInputs(root) {
  root.querySelectorAll("label > .search-label-icon").forEach((icon) => {
    const text = icon.getAttribute("aria-label") || icon.getAttribute("title") || "";
    icon.setAttribute("role", "img");
    const input = document.getElementById(icon.parentElement.htmlFor);
    if (input && text && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", text);
  });
}

// Tabular inlines label their fields only by the column heading: every field in a row
// gets the heading's text as its accessible name ("Rol", "Geldig vanaf", "Verwijderen?").
function nameInlineFields(root) {
  root.querySelectorAll(".inline-related.tabular table").forEach((table) => {
    const headings = {};
    table.querySelectorAll("thead th").forEach((th) => {
      const column = Array.from(th.classList).find((name) => name.startsWith("column-"));
      if (column) headings[column.slice("column-".length)] = th.textContent.trim();
    });
    const deleteHeading = table.querySelector("thead th:last-child");
    table.querySelectorAll("tbody tr").forEach((row) => {
      row.querySelectorAll("td").forEach((cell) => {
        const field = Array.from(cell.classList).find((name) => name.startsWith("field-"));
        const text = field
          ? headings[field.slice("field-".length)]
          : cell.classList.contains("delete") && deleteHeading
            ? deleteHeading.textContent.trim()
            : "";
        if (!text) return;
        cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((input) => {
          if (!input.labels?.length && !input.hasAttribute("aria-label")) {
            input.setAttribute("aria-label", text);
          }
        });
      });
    });
  });
}

function nameEverything() {
  nameFilterInputs(document);
  nameInlineFields(document);
}
// SelectFilter2 builds its boxes on window load, and again for every inline row added.
window.addEventListener("load", () => {
  nameEverything();
  new MutationObserver(nameEverything).observe(document.body, { childList: true, subtree: true });
});
