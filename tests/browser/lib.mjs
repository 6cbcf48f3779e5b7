// Helpers for the browser tests: building site variants, a static file
// server that behaves like a plain web host, and a link crawler.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** Finds a Chromium binary: $CHROMIUM_BIN if set, else the usual system paths. */
export function findChromium() {
  // An explicit CHROMIUM_BIN is the only candidate, so a wrong path is noticed.
  if (process.env.CHROMIUM_BIN) return fs.existsSync(process.env.CHROMIUM_BIN) ? process.env.CHROMIUM_BIN : null;
  const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((p) => fs.existsSync(p)) || null;
}

/** The command that runs faqtory: $FAQTORY_BIN, else `cargo run --release`. */
function faqtoryCommand() {
  if (process.env.FAQTORY_BIN) return [process.env.FAQTORY_BIN, []];
  return ["cargo", ["run", "--release", "--quiet", "--"]];
}

/**
 * Builds the sample site (REPO/site.yaml + content/ + themes/) into a fresh
 * temporary folder, with top-level `site.yaml` keys overridden: a scalar
 * value replaces the key's line (or is added), an object is added as a block
 * when the key is absent. Returns the output folder.
 */
export function buildVariant(name, overrides, source = REPO) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `faqtory-${name}-`));
  let yaml = fs.readFileSync(path.join(source, "site.yaml"), "utf8");
  for (const [key, value] of Object.entries(overrides)) {
    const re = new RegExp(`^${key}:.*$`, "m");
    if (typeof value === "object") {
      if (re.test(yaml)) continue; // the site sets it already
      yaml += `\n${key}:\n` + Object.entries(value).map(([k, v]) => `  ${k}: ${v}\n`).join("");
    } else if (re.test(yaml)) {
      yaml = yaml.replace(re, `${key}: ${value}`);
    } else {
      yaml += `\n${key}: ${value}\n`;
    }
  }
  fs.writeFileSync(path.join(root, "site.yaml"), yaml);
  fs.cpSync(path.join(source, "content"), path.join(root, "content"), { recursive: true });
  // The themes as they are on disk (not the copy built into the binary).
  fs.cpSync(path.join(REPO, "themes"), path.join(root, "themes"), { recursive: true });
  const out = path.join(root, "public");
  const [cmd, pre] = faqtoryCommand();
  const r = spawnSync(cmd, [...pre, "build", "--root", root, "--output", out], { cwd: REPO, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`faqtory build (${name}) failed with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  // Serve the site under its base_url's path, as it will be deployed.
  const base = new URL((yaml.match(/^base_url:\s*"?([^"\s]+)/m) || [])[1] || "https://example.invalid/");
  const rootPath = base.pathname.endsWith("/") ? base.pathname : base.pathname + "/";
  let mount = out;
  if (rootPath !== "/") {
    mount = path.join(root, "mount");
    const at = path.join(mount, rootPath);
    fs.mkdirSync(path.dirname(at.replace(/\/$/, "")), { recursive: true });
    fs.symlinkSync(out, at.replace(/\/$/, ""));
  }
  return { root, out, mount, rootPath, origin: base.origin };
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".wasm": "application/wasm",
  ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
  ".bin": "application/octet-stream",
};

/** Resolves a URL path to a file in `dir` like a static host: `/x/` → `/x/index.html`. */
export function resolveFile(dir, urlPath) {
  let p;
  try { p = decodeURIComponent(urlPath.split(/[?#]/)[0]); } catch { return null; }
  const full = path.join(dir, path.normalize(p));
  if (!full.startsWith(dir)) return null;
  try {
    const st = fs.statSync(full);
    if (st.isDirectory()) {
      const idx = path.join(full, "index.html");
      return fs.existsSync(idx) ? idx : null;
    }
    return full;
  } catch { return null; }
}

/**
 * Serves `dir` on 127.0.0.1 (random port); unknown paths get 404.html with
 * status 404. POSTs to /api/feedback are answered 204 and kept in `feedback`.
 */
export function serve(dir, notFound = path.join(dir, "404.html")) {
  const feedback = [];
  const server = http.createServer((req, res) => {
    if (req.method === "POST" && req.url === "/api/feedback") {
      let body = "";
      req.on("data", (c) => { body += c; });
      req.on("end", () => { feedback.push({ type: req.headers["content-type"], body }); res.writeHead(204); res.end(); });
      return;
    }
    const file = resolveFile(dir, req.url || "/");
    if (file) {
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(fs.readFileSync(file));
    } else {
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(fs.existsSync(notFound) ? fs.readFileSync(notFound) : "not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, feedback, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

function decodeEntities(s) {
  return s.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/**
 * Crawls the built site from its root path (plus every sitemap URL) over the file
 * system and checks that every internal href/src resolves to a file and
 * every `#fragment` to an element id on the target page. Returns a list of
 * problems ("page: link → reason").
 */
export function crawl(dir, origin, rootPath = "/") {
  const problems = [];
  const ids = new Map(); // file → Set of ids
  const seen = new Set();
  const queue = [rootPath, `${rootPath}404.html`];
  const sitemap = resolveFile(dir, `${rootPath}sitemap.xml`);
  if (!sitemap) problems.push("sitemap.xml missing");
  else {
    for (const m of fs.readFileSync(sitemap, "utf8").matchAll(/<loc>([^<]+)<\/loc>/g)) {
      const loc = decodeEntities(m[1]);
      if (!loc.startsWith(origin + rootPath)) problems.push(`sitemap.xml: ${loc} is not under ${origin + rootPath}`);
      else queue.push(loc.slice(origin.length));
    }
  }
  const idsOf = (file) => {
    if (!ids.has(file)) {
      const html = fs.readFileSync(file, "utf8");
      ids.set(file, new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decodeEntities(m[1]))));
    }
    return ids.get(file);
  };
  const checks = [];
  while (queue.length) {
    const page = queue.shift();
    if (seen.has(page)) continue;
    seen.add(page);
    const file = resolveFile(dir, page);
    if (!file) { problems.push(`${page}: does not resolve to a file`); continue; }
    if (!file.endsWith(".html")) continue;
    const html = fs.readFileSync(file, "utf8");
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = decodeEntities(m[1]);
      if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(raw)) continue; // external, mailto:, etc.
      const target = new URL(raw, `http://site${page}`);
      const targetPath = target.pathname;
      checks.push([page, raw, targetPath, target.hash]);
      if (!seen.has(targetPath)) queue.push(targetPath);
    }
  }
  for (const [page, raw, targetPath, hash] of checks) {
    const file = resolveFile(dir, targetPath);
    if (!file) { problems.push(`${page}: ${raw} → no such file`); continue; }
    if (hash && hash !== "#" && file.endsWith(".html")) {
      let id;
      try { id = decodeURIComponent(hash.slice(1)); } catch { id = hash.slice(1); }
      if (!idsOf(file).has(id)) problems.push(`${page}: ${raw} → no element with id "${id}"`);
    }
  }
  return { problems, pages: seen.size, links: checks.length };
}

/**
 * Picks one page of each kind from a built site, so the tests follow the
 * sample content instead of hard-coding its paths: the first category, the
 * largest FAQ page (most dialect features), the first article.
 */
export function discoverPages(dir) {
  const found = { category: [], faq: [], article: [] };
  const langOf = (html) => (html.match(/<html lang="([^"]+)"/) || [])[1];
  const mainLang = langOf(fs.readFileSync(path.join(dir, "index.html"), "utf8"));
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== "assets") walk(full); continue; }
      if (e.name !== "index.html") continue;
      const rel = "/" + path.relative(dir, d).split(path.sep).join("/") + "/";
      if (rel === "/./" || rel === "//" || rel === "/questions/" || rel === "/search/") continue;
      const html = fs.readFileSync(full, "utf8");
      if (/http-equiv="refresh"/.test(html) && html.length < 2048) continue;
      if (langOf(html) !== mainLang) continue; // a translation; reached through the language links
      const isPage = /property="og:type" content="article"/.test(html);
      const kind = !isPage ? "category" : /"FAQPage"/.test(html) ? "faq" : "article";
      found[kind].push({ path: rel, size: html.length });
    }
  };
  walk(dir);
  for (const k of Object.keys(found)) found[k].sort((a, b) => a.path.localeCompare(b.path));
  found.faq.sort((a, b) => b.size - a.size);
  return { category: found.category[0]?.path, faq: found.faq[0]?.path, article: found.article[0]?.path };
}

/** axe-core's serious and critical violations on `page`, one line each, in
 * the element `scope` selects (the whole document without one). Injects
 * axe-core (`axeSource`, axe.min.js) when the page does not have it yet. */
export async function seriousViolations(page, axeSource, scope = null) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (sel) => {
    const r = await window.axe.run(sel ? document.querySelector(sel) : document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }, scope);
}
