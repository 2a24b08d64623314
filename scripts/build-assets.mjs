// Builds src/doorbraak/static/dist from npm packages: no bundler, no CDN at run time.
//   doorbraak.css = Utrecht design tokens + Utrecht component CSS + our own layout CSS
//   htmx.min.js   = htmx, copied as shipped
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "src", "doorbraak", "static", "dist");
const need = (path) => {
  const full = join(root, path);
  if (!existsSync(full)) {
    console.error(`build-assets: missing input ${path} (run npm ci)`);
    process.exit(1);
  }
  return full;
};

mkdirSync(dist, { recursive: true });

const cssParts = [
  "node_modules/@utrecht/design-tokens/dist/theme.css",
  "node_modules/@utrecht/component-library-css/dist/index.css",
  "src/doorbraak/static/css/doorbraak.css",
];
const css = cssParts
  .map((path) => `/* ---- ${path} ---- */\n${readFileSync(need(path), "utf8")}`)
  .join("\n");
const cssOut = join(dist, "doorbraak.css");
writeFileSync(cssOut, css);
console.log(`wrote ${relative(root, cssOut)} (${css.length} bytes)`);

const htmxOut = join(dist, "htmx.min.js");
copyFileSync(need("node_modules/htmx.org/dist/htmx.min.js"), htmxOut);
console.log(`wrote ${relative(root, htmxOut)}`);
