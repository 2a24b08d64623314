// Builds src/doorbraak/static/dist/ from the npm packages. Plain Node, no bundler,
// nothing fetched at run time. Safe to run again: every output is rewritten.
//
//   doorbraak.css = Noto Sans @font-face rules (self-hosted, the font the Utrecht
//                   theme asks for) + Utrecht design tokens (.utrecht-theme)
//                   + Utrecht component CSS + our own static/css/doorbraak.css
//                   + every other static/css/*.css (one per app), in name order
//   fonts/*       = every local file a url(...) in those sources points to
//   htmx.min.js   = htmx 2, as shipped
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "src", "doorbraak", "static", "dist");

function fail(message) {
  console.error(`build-assets: ${message}`);
  process.exit(1);
}

function input(path) {
  const full = join(root, path);
  if (!existsSync(full)) fail(`missing input ${path} (run "npm ci" first)`);
  return full;
}

function written(path, bytes) {
  console.log(`wrote ${relative(root, path)} (${bytes} bytes)`);
}

const cssSources = [
  "node_modules/@fontsource-variable/noto-sans/wght.css",
  "node_modules/@utrecht/design-tokens/dist/theme.css",
  "node_modules/@utrecht/component-library-css/dist/index.css",
  "src/doorbraak/static/css/doorbraak.css",
  // Then each app's own stylesheet (households.css, plans.css, ...), in name order.
  ...readdirSync(join(root, "src", "doorbraak", "static", "css"))
    .filter((name) => name.endsWith(".css") && name !== "doorbraak.css")
    .sort()
    .map((name) => `src/doorbraak/static/css/${name}`),
];

mkdirSync(join(dist, "fonts"), { recursive: true });

// Copy local url(...) targets next to the bundle and point the CSS at the copies.
// data: URIs, absolute URLs and fragment references stay as they are.
const copied = new Set();
function rewriteUrls(css, sourceFile) {
  return css.replace(/url\(\s*(["']?)([^"')]+)\1\s*\)/g, (match, quote, target) => {
    if (/^(data:|https?:|\/\/|#)/i.test(target)) {
      if (/^(https?:|\/\/)/i.test(target)) fail(`external URL ${target} in ${relative(root, sourceFile)}`);
      return match;
    }
    const clean = target.split(/[?#]/)[0];
    const from = resolve(dirname(sourceFile), clean);
    if (!existsSync(from)) fail(`missing asset ${clean} referenced from ${relative(root, sourceFile)}`);
    const name = basename(from);
    const to = join(dist, "fonts", name);
    if (!copied.has(to)) {
      copyFileSync(from, to);
      copied.add(to);
      written(to, readFileSync(to).length);
    }
    return `url(${quote}fonts/${name}${quote})`;
  });
}

const css = cssSources
  .map((path) => {
    const full = input(path);
    return `/* ---- ${path} ---- */\n${rewriteUrls(readFileSync(full, "utf8"), full)}`;
  })
  .join("\n");
for (const needle of [".utrecht-theme", ".utrecht-button", ".db-skip-link"]) {
  if (!css.includes(needle)) fail(`built CSS lacks ${needle}; an input changed shape`);
}
const cssOut = join(dist, "doorbraak.css");
writeFileSync(cssOut, css);
written(cssOut, Buffer.byteLength(css));

const htmxOut = join(dist, "htmx.min.js");
copyFileSync(input("node_modules/htmx.org/dist/htmx.min.js"), htmxOut);
written(htmxOut, readFileSync(htmxOut).length);
