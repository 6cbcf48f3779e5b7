// Chromium tests of the built sample site (issue 7's "Must show").
//
//   node tests/browser/run.mjs            (from the repo root; npm ci in tests/browser first)
//
// Builds the sample site in three variants (default theme in zh-CN and en,
// the console theme), serves each on 127.0.0.1 and checks, for the home,
// category, FAQ, search and 404 pages at 360 px and 1280 px wide: no
// horizontal scrolling, no console errors, axe-core finds no serious or
// critical violations in light and dark mode; keyboard-only navigation
// reaches the search box and the question links; every internal link of
// the built site resolves (crawl). Screenshots go to tests/browser/screenshots/.
//
// Environment: CHROMIUM_BIN (default /usr/bin/chromium), FAQTORY_BIN (a built
// faqtory; default `cargo run --release`), ONLY=<variant name> to run one.
// Without Chromium the run is skipped loudly, except under CI=true where it fails.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { REPO, buildVariant, crawl, findChromium, serve } from "./lib.mjs";

const require = createRequire(import.meta.url);
const HERE = path.join(REPO, "tests/browser");
const SHOTS = path.join(HERE, "screenshots");
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const VARIANTS = [
  { name: "default-zh", overrides: { theme: "default", language: "zh-CN" } },
  { name: "default-en", overrides: { theme: "default", language: "en" } },
  { name: "console-zh", overrides: { theme: "console", language: "zh-CN" } },
];
const PAGES = [
  { kind: "home", path: "/" },
  { kind: "category", path: "/cloud-market/" },
  { kind: "faq", path: "/cloud-market/faq/" },
  { kind: "search", path: "/search/?q=%E9%80%80%E6%AC%BE" },
  { kind: "404", path: "/no-such-page/", status: 404 },
];
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
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.addScriptTag({ content: AXE_SOURCE });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const bad = res.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert(bad.length === 0, bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(", ")}`).join("\n"));
  return res;
}

async function testVariant(browser, variant) {
  const out = buildVariant(variant.name, variant.overrides);
  const baseUrl = (fs.readFileSync(path.join(REPO, "site.yaml"), "utf8").match(/^base_url:\s*(\S+)/m) || [])[1] || "";
  await check(`${variant.name}: every internal link and anchor resolves (crawl)`, async () => {
    const { problems, pages, links } = crawl(out, baseUrl.replace(/\/$/, ""));
    assert(pages >= 8 && links > 50, `crawl found only ${pages} pages and ${links} links`);
    assert(problems.length === 0, problems.join("\n"));
  });
  const { server, origin } = await serve(out);
  const lang = variant.overrides.language;
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
          assert((await page.getAttribute("html", "lang")) === lang, `lang is not ${lang}`);
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
          await page.screenshot({ path: path.join(SHOTS, `view-${variant.name}-${pg.kind}-${width}-${scheme}.png`) });
        }
        await page.emulateMedia({ colorScheme: "light" });
        await check(`${label}: keyboard reaches the search box${pg.kind === "faq" || pg.kind === "home" ? " and the question links" : ""}`, async () => {
          const seen = await tabThrough(page, pg.kind === "home" ? 40 : 60);
          assert(seen.length > 0 && seen[0].href === "#main", `first Tab stop is not the skip link: ${JSON.stringify(seen[0])}`);
          assert(seen.every((d) => d.visible), `focus landed on an invisible element: ${JSON.stringify(seen.find((d) => !d.visible))}`);
          assert(seen.some((d) => d.id === "search-input"), "Tab never reached #search-input");
          if (pg.kind === "home") assert(seen.some((d) => d.tag === "a" && /#./.test(d.href)), "Tab never reached a question link");
          if (pg.kind === "faq") {
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
            await page.screenshot({ path: path.join(SHOTS, `${variant.name}-drawer-360.png`) });
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
        await check(`${label}: no console errors`, async () => {
          assert(errors.length === 0, errors.join("\n"));
        });
        await page.close();
      }
      await context.close();
    }
  } finally {
    server.close();
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
      console.log(`not ok - ${msg}\n0 passed, 1 failed`);
      process.exit(1);
    }
    console.log(`\n!!! SKIPPED: ${msg}\n!!! (under CI=true this is a failure)\n0 passed, 0 failed, 1 skipped`);
    return;
  }
  const { chromium: pw } = await import("playwright-core");
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
