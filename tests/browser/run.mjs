// Chromium tests of the built sample site (issue 7's "Must show").
//
//   node tests/browser/run.mjs            (from the repo root; npm ci in tests/browser first)
//
// Builds the sample site in three variants (default theme in zh-CN and en,
// the console theme), serves each on 127.0.0.1 and checks, for the home,
// category, FAQ, article, all-questions, search and 404 pages at 360 px and 1280 px wide: no
// horizontal scrolling, no console errors, axe-core finds no serious or
// critical violations in light and dark mode; keyboard-only navigation
// reaches the search box and the question links; every internal link of
// the built site resolves (crawl); the refund calculator gives its verdicts
// at 360 px in each theme. Screenshots go to tests/browser/screenshots/.
//
// Environment: CHROMIUM_BIN (default /usr/bin/chromium), FAQTORY_BIN (a built
// faqtory; default `cargo run --release`), ONLY=<variant name> to run one,
// KEEP=1 to keep the built sites (in the temp folder) for a look.
// Without Chromium the run is skipped loudly, except under CI=true where it fails.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { REPO, buildVariant, crawl, discoverPages, findChromium, seriousViolations, serve } from "./lib.mjs";

const require = createRequire(import.meta.url);
const HERE = path.join(REPO, "tests/browser");
const SHOTS = path.join(HERE, "screenshots");
let AXE_SOURCE = ""; // read in main(), once the dependencies are known to be installed

const SITE_YAML = fs.readFileSync(path.join(REPO, "site.yaml"), "utf8");
const yamlOf = (v) => (v.source ? fs.readFileSync(path.join(v.source, "site.yaml"), "utf8") : SITE_YAML);
const HAS_TRANSLATIONS = /^translations:/m.test(SITE_YAML);
const EDIT_URL = "https://git.example.com/help/edit/main/{path}";
const VARIANTS = [
  // The sample site, plus an edit link and a feedback endpoint on this test server.
  { name: "default-zh", overrides: { theme: "default", edit_url: JSON.stringify(EDIT_URL), feedback: { endpoint: "/api/feedback" } } },
  // Without translations in the sample site, check the English UI on the same content.
  ...(HAS_TRANSLATIONS ? [] : [{ name: "default-en", overrides: { theme: "default", language: "en" } }]),
  { name: "console-zh", overrides: { theme: "console" } },
  // A site with translations, deployed under a sub-path (the build-pipeline fixture).
  { name: "default-i18n", overrides: { theme: "default" }, source: path.join(REPO, "tests/fixtures/i18n"), fixture: true },
];

/** `<link rel="alternate" hreflang>` of a built page, as local paths. */
function alternates(out, pagePath) {
  const file = path.join(out, pagePath, "index.html");
  if (!fs.existsSync(file)) return [];
  const html = fs.readFileSync(file, "utf8");
  const lang = (html.match(/<html lang="([^"]+)"/) || [])[1];
  return [...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">/g)].map((m) => ({
    lang: m[1], path: new URL(m[2]).pathname, current: m[1] === lang,
  }));
}

/** The pages to visit in a built site (paths found by discoverPages). */
function pagesOf(out, root) {
  const d = discoverPages(out);
  const at = (p) => root + p.replace(/^\//, "");
  const pages = [{ kind: "home", path: root }];
  if (d.category) pages.push({ kind: "category", path: at(d.category) });
  if (d.faq) pages.push({ kind: "faq", path: at(d.faq) });
  if (d.article) pages.push({ kind: "article", path: at(d.article) });
  pages.push({ kind: "questions", path: at("/questions/") });
  pages.push({ kind: "search", path: at("/search/?q=%E9%80%80%E6%AC%BE") });
  pages.push({ kind: "404", path: at("/no-such-page/"), status: 404 });
  // Translations: every page above in every other language it exists in.
  for (const p of pages.slice()) {
    const [file, query] = p.path.split("?");
    const alts = alternates(out, (p.status === 404 ? root : file).slice(root.length - 1));
    for (const alt of alts) {
      if (alt.current) continue;
      if (p.status === 404) pages.push({ kind: `404-${alt.lang}`, base: "404", path: `${alt.path}404.html`, lang: alt.lang });
      else pages.push({ kind: `${p.kind}-${alt.lang}`, base: p.kind, path: alt.path + (query ? `?${query}` : ""), lang: alt.lang });
    }
  }
  return pages;
}
const WIDTHS = [360, 1280];

let passed = 0;
let failed = 0;
const failures = [];
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    failures.push(name);
    console.log(`not ok - ${name}\n    ${String(e && e.message ? e.message : e).replace(/\n/g, "\n    ")}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Presses Tab up to `max` times; returns a description of each focused element. */
async function tabThrough(page, max) {
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const d = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const r = el.getBoundingClientRect();
      return {
        tag: el.tagName.toLowerCase(), id: el.id, cls: el.className || "",
        href: el.getAttribute("href") || "", visible: r.width > 0 && r.height > 0,
        inSidebar: !!el.closest("#sidebar"),
      };
    });
    if (d) seen.push(d);
  }
  return seen;
}

async function axeCheck(page) {
  const bad = await seriousViolations(page, AXE_SOURCE);
  assert(bad.length === 0, bad.join("\n"));
}

async function testVariant(browser, variant) {
  const built = buildVariant(variant.name, variant.overrides, variant.source);
  await check(`${variant.name}: every internal link and anchor resolves (crawl)`, async () => {
    const { problems, pages, links } = crawl(built.mount, built.origin, built.rootPath);
    assert(pages >= 8 && links > 50, `crawl found only ${pages} pages and ${links} links`);
    assert(problems.length === 0, problems.join("\n"));
  });
  const PAGES = pagesOf(built.out, built.rootPath);
  if (!variant.fixture) {
    await check(`${variant.name}: the sample site has a category, an FAQ page and an article to test`, async () => {
      const kinds = PAGES.map((p) => p.kind);
      for (const k of ["category", "faq", "article"]) assert(kinds.includes(k), `no ${k} page found in the build`);
    });
  }
  const { server, origin, feedback } = await serve(built.mount, path.join(built.out, "404.html"));
  const siteLang = variant.overrides.language || (yamlOf(variant).match(/^language:\s*(\S+)/m) || [])[1] || "zh-CN";
  try {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
      for (const pg of PAGES) {
        const label = `${variant.name} ${pg.kind} @${width}`;
        const page = await context.newPage();
        const errors = [];
        page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
        page.on("console", (m) => {
          if (m.type() !== "error") return;
          // The 404 page's own status is expected; anything else is a problem.
          if (pg.status === 404 && /status of 404/.test(m.text()) && m.location().url === origin + pg.path) return;
          errors.push(`console: ${m.text()} (${m.location().url})`);
        });
        page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
        let status = 0;
        await check(`${label}: loads with status ${pg.status || 200}, right <html lang>`, async () => {
          const resp = await page.goto(origin + pg.path, { waitUntil: "load" });
          status = resp.status();
          assert(status === (pg.status || 200), `status ${status}`);
          const want = pg.lang || siteLang;
          assert((await page.getAttribute("html", "lang")) === want, `lang is not ${want}`);
          assert(await page.$("#search-input"), "no #search-input");
          assert(await page.$("form.search[role=search] #search-results"), "no search form with #search-results");
        });
        await page.waitForTimeout(150);
        await check(`${label}: no horizontal scrolling`, async () => {
          const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
          assert(sw <= iw, `document is ${sw}px wide in a ${iw}px window`);
        });
        for (const scheme of ["light", "dark"]) {
          await page.emulateMedia({ colorScheme: scheme });
          await check(`${label}: axe-core, no serious or critical violations (${scheme})`, () => axeCheck(page));
          fs.mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({ path: path.join(SHOTS, `${variant.name}-${pg.kind}-${width}-${scheme}.png`), fullPage: true });
          // Viewport-sized shots, small enough for the README.
          await page.screenshot({ path: path.join(SHOTS, `view-${variant.name}-${pg.kind}-${width}-${scheme}.jpg`), type: "jpeg", quality: 80 });
        }
        await page.emulateMedia({ colorScheme: "light" });
        const base = pg.base || pg.kind;
        await check(`${label}: keyboard reaches the search box${base === "faq" || base === "home" ? " and the question links" : ""}`, async () => {
          const seen = await tabThrough(page, base === "home" ? 40 : 60);
          assert(seen.length > 0 && seen[0].href === "#main", `first Tab stop is not the skip link: ${JSON.stringify(seen[0])}`);
          assert(seen.every((d) => d.visible), `focus landed on an invisible element: ${JSON.stringify(seen.find((d) => !d.visible))}`);
          assert(seen.some((d) => d.id === "search-input"), "Tab never reached #search-input");
          if (base === "home") assert(seen.some((d) => d.tag === "a" && /#./.test(d.href)), "Tab never reached a question link");
          if (base === "faq") {
            assert(seen.some((d) => d.tag === "a" && d.href.startsWith("#") && d.href !== "#main"), "Tab never reached a question link");
          }
        });
        if (pg.kind === "faq" && variant.name.startsWith("default")) {
          await check(`${label}: copy-link copies the question's permalink`, async () => {
            const btn = await page.$("section.question .copy-link");
            assert(btn && (await btn.isVisible()), "no visible copy-link button");
            const want = await btn.getAttribute("data-url");
            await btn.click();
            await page.waitForTimeout(200);
            const got = await page.evaluate(() => navigator.clipboard.readText());
            assert(got === want, `clipboard has ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
            assert((await page.textContent("#live")).trim().length > 0, "nothing announced");
          });
          if (variant.overrides.feedback) {
            await check(`${label}: "was this helpful?" POSTs {page, question, helpful}`, async () => {
              const box = await page.$("section.question .feedback");
              assert(box && (await box.isVisible()), "no visible feedback control");
              const question = await page.evaluate((b) => b.closest("section.question").id, box);
              feedback.length = 0;
              await (await box.$("button[data-helpful=true]")).click();
              for (let i = 0; i < 20 && !feedback.length; i++) await page.waitForTimeout(50);
              assert(feedback.length === 1, `${feedback.length} POSTs received`);
              assert(/application\/json/.test(feedback[0].type), `content-type ${feedback[0].type}`);
              const got = JSON.parse(feedback[0].body);
              const want = { page: new URL(page.url()).pathname, question, helpful: true };
              assert(JSON.stringify(got) === JSON.stringify(want), `got ${feedback[0].body}, want ${JSON.stringify(want)}`);
              assert(await (await box.$(".feedback-thanks")).isVisible(), "no thanks shown");
            });
            await check(`${label}: "edit this page" links to the page's source file`, async () => {
              const href = await page.getAttribute(".edit-link a", "href");
              const prefix = EDIT_URL.replace("{path}", "");
              assert(href && href.startsWith(prefix) && href.endsWith(".md"), `edit link is ${href}`);
            });
          }
          await check(`${label}: skip link moves focus to the main content`, async () => {
            await page.focus(".skip-link");
            await page.keyboard.press("Enter");
            assert(await page.evaluate(() => document.activeElement && document.activeElement.id === "main"), "focus is not on <main>");
          });
        }
        if (width === 360 && pg.kind === "faq" && variant.name.startsWith("default")) {
          await check(`${label}: the category drawer opens and closes by keyboard`, async () => {
            await page.focus(".menu-btn");
            await page.keyboard.press("Enter");
            await page.waitForTimeout(300);
            const inside = await page.evaluate(() => !!document.activeElement.closest("#sidebar"));
            assert(inside, "focus did not move into the drawer");
            assert((await page.getAttribute(".menu-btn", "aria-expanded")) === "true", "aria-expanded not true");
            const current = await page.$("#sidebar a[aria-current=page]");
            assert(current, "the drawer does not mark the current page");
            fs.mkdirSync(SHOTS, { recursive: true });
            await page.screenshot({ path: path.join(SHOTS, `${variant.name}-drawer-360.jpg`), type: "jpeg", quality: 80 });
            await page.keyboard.press("Escape");
            await page.waitForTimeout(300);
            assert((await page.getAttribute(".menu-btn", "aria-expanded")) === "false", "Escape did not close the drawer");
            assert(await page.evaluate(() => document.activeElement.classList.contains("menu-btn")), "focus did not return to the menu button");
          });
        }
        if (pg.kind === "home" && width === 1280 && variant.name.startsWith("default")) {
          await check(`${label}: the dark-mode toggle is remembered across pages, before first paint`, async () => {
            await page.emulateMedia({ colorScheme: "light" });
            await page.click(".theme-btn");
            assert((await page.getAttribute("html", "data-theme")) === "dark", "toggle did not switch to dark");
            const bgDark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
            const next = await context.newPage();
            // Read the theme as early as possible: the first script after <head>'s inline one.
            await next.addInitScript(() => {
              document.addEventListener("readystatechange", () => {
                if (!window.__firstTheme) window.__firstTheme = document.documentElement.getAttribute("data-theme") || "none";
              });
            });
            await next.goto(origin + "/cloud-market/", { waitUntil: "load" });
            const first = await next.evaluate(() => window.__firstTheme);
            assert(first === "dark", `theme at first readystatechange was ${first}`);
            const bgNext = await next.evaluate(() => getComputedStyle(document.body).backgroundColor);
            assert(bgNext === bgDark, `background ${bgNext} on the next page, ${bgDark} before`);
            await next.evaluate(() => localStorage.removeItem("faqtory-theme"));
            await next.close();
          });
        }
        const langLink = width === 1280 && variant.name.startsWith("default") ? await page.$(".langs a") : null;
        if (langLink) {
          await check(`${label}: the language switcher leads to the translation and back`, async () => {
            const from = new URL(page.url()).pathname;
            const fromLang = await page.getAttribute("html", "lang");
            const to = await langLink.getAttribute("hreflang");
            // Without a translation the link goes to that language's home page.
            const translated = !!(await page.$(`link[rel=alternate][hreflang="${to}"]`));
            await Promise.all([page.waitForNavigation(), langLink.click()]);
            assert((await page.getAttribute("html", "lang")) === to, `landed on lang ${await page.getAttribute("html", "lang")}, want ${to}`);
            const back = await page.$(`.langs a[hreflang="${fromLang}"]`);
            assert(back, "no link back to the original language");
            const backPath = await back.getAttribute("href");
            if (translated && !pg.kind.startsWith("404")) assert(backPath === from, `link back goes to ${backPath}, came from ${from}`);
          });
        }
        await check(`${label}: no console errors`, async () => {
          assert(errors.length === 0, errors.join("\n"));
        });
        await page.close();
      }
      await context.close();
    }
    // The refund calculator in this variant's theme, on a phone: the wasm
    // and the theme's scripts and styles together (tests/wasm/refund-browser.mjs
    // covers the widget's behaviour in depth, on the default theme's files).
    const calculator = "cloud-market/refund-calculator/";
    if (!variant.fixture) {
      await check(`${variant.name} refund calculator @360: a link's verdict, then the form's`, async () => {
        assert(fs.existsSync(path.join(built.out, calculator, "index.html")), `the sample site has no ${calculator}`);
        const context = await browser.newContext({ viewport: { width: 360, height: 800 }, deviceScaleFactor: 1 });
        const errors = [];
        try {
          const page = await context.newPage();
          page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
          page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
          const verdictIs = (want) => page.waitForFunction(
            (w) => document.querySelector(".refund-result")?.getAttribute("data-verdict") === w, want, { timeout: 5000 });
          await page.goto(`${origin}${built.rootPath}${calculator}?category=saas&purchased=2026-07-01&on=2026-07-06`, { waitUntil: "load" });
          // Five days from 07-01 end on 07-05: a request on 07-06 is past them.
          await verdictIs("partial");
          assert((await page.getAttribute(".refund-period", "data-ends")) === "2026-07-05", "review period does not end on 07-05");
          await page.selectOption("select[name=category]", "website-custom");
          await page.fill("input[name=purchased]", "2026-07-01");
          await page.fill("input[name=on]", "2026-07-03");
          // A custom website before delivery: a full refund.
          await verdictIs("full");
          const q = new URL(page.url()).searchParams;
          assert(q.get("category") === "website-custom" && q.get("on") === "2026-07-03", `the URL does not keep the form (${page.url()})`);
          const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
          assert(sw <= iw, `document is ${sw}px wide in a ${iw}px window`);
          for (const scheme of ["light", "dark"]) {
            await page.emulateMedia({ colorScheme: scheme });
            await axeCheck(page);
          }
          // Every part shown: both lists of situations open, and an error
          // (a request dated before the purchase).
          const summaries = await page.$$(".refund-form summary");
          assert(summaries.length === 2, `${summaries.length} lists of situations, want 2`);
          for (const summary of summaries) await summary.click();
          assert(await page.isVisible(".refund-form details[open] input[type=checkbox]"), "no situation shown after opening the lists");
          await page.fill("input[name=on]", "2026-06-30");
          await verdictIs("error");
          for (const scheme of ["light", "dark"]) {
            await page.emulateMedia({ colorScheme: scheme });
            await axeCheck(page);
          }
          assert(errors.length === 0, errors.join("\n"));
        } finally {
          await context.close();
        }
      });
    }
    if (variant.name.startsWith("default")) {
      const faq = PAGES.find((p) => p.kind === "faq");
      await check(`${variant.name} faq @360 without JavaScript: readable, navigable, search submits to all questions`, async () => {
        const context = await browser.newContext({ viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
        try {
          const page = await context.newPage();
          await page.goto(origin + faq.path, { waitUntil: "load" });
          const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
          assert(sw <= iw, `document is ${sw}px wide in a ${iw}px window`);
          const current = await page.$("#sidebar a[aria-current=page]");
          assert(current && (await current.isVisible()), "the category list with the current page is not visible");
          assert(!(await page.isVisible(".menu-btn")), "the menu button shows without JavaScript");
          const action = await page.getAttribute("form.search", "action");
          await page.fill("#search-input", "退款");
          await Promise.all([page.waitForNavigation(), page.press("#search-input", "Enter")]);
          const u = new URL(page.url());
          assert(u.pathname === action && u.searchParams.get("q") === "退款", `submitted to ${page.url()}, form action ${action}`);
        } finally {
          await context.close();
        }
      });
    }
  } finally {
    server.close();
    if (!process.env.KEEP) fs.rmSync(built.root, { recursive: true, force: true });
    else console.log(`# ${variant.name} kept in ${built.root}`);
  }
}

/** Each theme's strings files name the same keys (a missing key is a render error). */
async function checkStrings() {
  for (const theme of fs.readdirSync(path.join(REPO, "themes"))) {
    const dir = path.join(REPO, "themes", theme, "strings");
    if (!fs.existsSync(dir)) continue;
    await check(`${theme}: zh-CN.yaml and en.yaml define the same UI strings`, async () => {
      const keys = (f) => new Set(fs.readFileSync(path.join(dir, f), "utf8").split("\n")
        .map((l) => (l.match(/^([A-Za-z0-9_]+):/) || [])[1]).filter(Boolean));
      const zh = keys("zh-CN.yaml"), en = keys("en.yaml");
      const diff = [...zh].filter((k) => !en.has(k)).map((k) => `${k} only in zh-CN`)
        .concat([...en].filter((k) => !zh.has(k)).map((k) => `${k} only in en`));
      assert(diff.length === 0, diff.join(", "));
    });
  }
}

async function main() {
  await checkStrings();
  const chromium = findChromium();
  if (!chromium) {
    const msg = "browser tests: no Chromium found (set CHROMIUM_BIN or install the `chromium` package)";
    if (process.env.CI === "true") {
      console.log(`not ok - ${msg}\n${passed} passed, ${failed + 1} failed`);
      process.exit(1);
    }
    console.log(`\n!!! SKIPPED: ${msg}\n!!! (under CI=true this is a failure)\n${passed} passed, ${failed} failed, 1 skipped`);
    process.exit(failed ? 1 : 0);
    return;
  }
  let pw;
  try {
    pw = (await import("playwright-core")).chromium;
    AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  } catch (e) {
    failed++;
    console.log(`not ok - browser test dependencies missing (${e.code || e.message}): run \`npm ci\` in tests/browser\n${passed} passed, ${failed} failed`);
    process.exit(1);
  }
  const browser = await pw.launch({
    executablePath: chromium,
    headless: true,
    chromiumSandbox: false,
    args: ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // playwright-core gives each context a fresh profile; keep ours out of $HOME anyway.
  process.env.TMPDIR = process.env.TMPDIR || os.tmpdir();
  const only = process.env.ONLY;
  try {
    for (const v of VARIANTS) {
      if (only && v.name !== only) continue;
      try {
        await testVariant(browser, v);
      } catch (e) {
        failed++;
        failures.push(`${v.name}: setup`);
        console.log(`not ok - ${v.name}: setup\n    ${e.message}`);
      }
    }
  } finally {
    await browser.close();
  }
  if (failures.length) console.log(`\nFailed:\n  ${failures.join("\n  ")}`);
  console.log(`\nscreenshots: ${path.relative(process.cwd(), SHOTS)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`not ok - browser tests crashed: ${e.stack || e}\n${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
