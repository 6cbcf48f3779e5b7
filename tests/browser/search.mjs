// Chromium drives the search box of a built site (issue 4's browser test):
// "/" focuses the box; typing shows results with the matched words in
// <mark>; ArrowDown + Enter lands on the question's anchor; a shared
// /search/?q= link shows results on load. Issue 15: one character shows
// results; the best title completes in the box and Tab accepts it; an empty
// result offers the nearest terms that exist, and picking one searches it.
// The open results and the suggestions pass axe-core in light and dark mode.
//
// usage: node tests/browser/search.mjs <built site dir>   (run by tests/search_browser.rs)
// Exit 0 all passed, 1 a check failed, 3 not runnable (no Chromium / playwright-core).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { REPO, findChromium, seriousViolations, serve } from "./lib.mjs";

const dir = process.argv[2];
const chromiumBin = findChromium();
let chromium;
try {
  chromium = createRequire(path.join(REPO, "tests/browser/package.json"))("playwright-core").chromium;
} catch {
  console.error("playwright-core missing: run npm ci in tests/browser");
  process.exit(3);
}
if (!dir || !chromiumBin) {
  console.error(dir ? "Chromium not found" : "usage: search.mjs <built site dir>");
  process.exit(3);
}

const { server, origin } = await serve(dir);
const browser = await chromium.launch({
  executablePath: chromiumBin,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let failures = 0;
const check = (ok, what) => {
  if (!ok) failures++;
  console.error(`${ok ? "ok  " : "FAIL"} ${what}`);
};

const AXE_SOURCE = fs.readFileSync(
  createRequire(path.join(REPO, "tests/browser/package.json")).resolve("axe-core/axe.min.js"), "utf8");
/** axe-core on the search form as it is, in light and then dark mode. */
async function axeForm(page, what) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    const bad = await seriousViolations(page, AXE_SOURCE, "form.search");
    check(bad.length === 0, `${what}, ${scheme} mode: no serious or critical axe-core violation ${bad.join("; ")}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  // 1. Type in the box of a built page.
  await page.goto(`${origin}/account-billing/`);
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement?.id === "search-input"), "'/' focuses the search box");
  await page.keyboard.type("退款规则");
  await page.waitForFunction(() => document.querySelector("#search-results")?.dataset.state === "results", null, { timeout: 10000 });
  const first = page.locator("#search-results a").first();
  const title = await first.innerText();
  check(title.includes("云市场的具体退款规则是什么"), `first result is the refund-rules question (${title.trim()})`);
  const marks = await page.locator("#search-results a").first().locator("mark").allInnerTexts();
  check(marks.length > 0 && marks.some((m) => /退款|规则/.test(m)), `matched words highlighted (${marks.join(",")})`);
  const href = await first.getAttribute("href");
  check(/\/cloud-market\/faq\/#refund-rules$/.test(href || ""), `result links to the question's anchor (${href})`);

  // 1b. The open results in light and dark mode: axe-core finds no serious
  // or critical violation in the search form (the results' styles are
  // shared by every theme and must get each theme's colours).
  await axeForm(page, "open results");
  check(await page.evaluate(() => document.querySelector("#search-results")?.dataset.state === "results"),
    "the results are still open after the axe-core runs");

  // 2. Arrow down to the first result, Enter: land on the anchor.
  await page.keyboard.press("ArrowDown");
  await Promise.all([page.waitForURL(/#refund-rules$/, { timeout: 10000 }), page.keyboard.press("Enter")]);
  const url = new URL(page.url());
  check(url.pathname === "/cloud-market/faq/" && url.hash === "#refund-rules", `Enter lands on the question (${url.pathname}${url.hash})`);
  check(await page.locator("#refund-rules").isVisible(), "the question's section is on the page");

  // 3. No results: a clear state with a link to all questions.
  await page.goto(`${origin}/`);
  await page.fill("#search-input", "zzqqxxnothing");
  await page.waitForFunction(() => document.querySelector("#search-results")?.dataset.state === "none", null, { timeout: 10000 });
  check(await page.locator('#search-results a[href$="/questions/"]').count() > 0, "no-results state links to all questions");

  // 3b. One character finds what contains it: 镜 is only inside 镜像.
  await page.goto(`${origin}/`);
  await page.click("#search-input");
  await page.keyboard.type("镜");
  await page.waitForFunction(() => document.querySelector("#search-results")?.dataset.state === "results", null, { timeout: 10000 });
  const oneTitle = await page.locator("#search-results a.search-hit").first().innerText();
  check(oneTitle.includes("云市场的具体退款规则是什么"), `one character 镜 finds the refund rules (${oneTitle.trim()})`);
  // Per keystroke: 退 → 退款 → 退款规 → 退款规则 each shows results.
  await page.fill("#search-input", "");
  for (const q of ["退", "退款", "退款规", "退款规则"]) {
    await page.keyboard.type(q.slice(-1));
    await page.waitForFunction((q) => {
      const box = document.querySelector("#search-results");
      return box?.dataset.state === "results" && document.querySelector("#search-input").value.startsWith(q);
    }, q, { timeout: 10000 });
  }
  check(true, "results at every keystroke of 退款规则");

  // 3c. Inline completion: the best question's title completes in the box.
  await page.fill("#search-input", "");
  await page.keyboard.type("如何提");
  await page.waitForFunction(() => {
    const i = document.querySelector("#search-input");
    return i.value.length > 3 && i.selectionStart === 3 && i.selectionEnd === i.value.length;
  }, null, { timeout: 10000 });
  const completed = await page.evaluate(() => document.querySelector("#search-input").value);
  const best = (await page.locator("#search-results a.search-hit .search-hit-title").first().innerText()).trim();
  check(completed.startsWith("如何提") && completed === best, `the best title completes the box (${completed} / ${best})`);
  await page.keyboard.press("Tab");
  const afterTab = await page.evaluate(() => {
    const i = document.querySelector("#search-input");
    return { value: i.value, start: i.selectionStart, end: i.selectionEnd, focused: document.activeElement === i };
  });
  check(afterTab.value === best && afterTab.start === best.length && afterTab.end === best.length && afterTab.focused,
    `Tab accepts the completion (${JSON.stringify(afterTab)})`);
  await page.waitForFunction((best) => {
    const t = document.querySelector("#search-results a.search-hit .search-hit-title");
    return t && t.innerText.trim() === best;
  }, best, { timeout: 10000 });
  check(true, "the accepted title is searched");
  // Typing goes on over a completion; Backspace drops it.
  await page.fill("#search-input", "");
  await page.keyboard.type("如何提");
  await page.waitForFunction(() => document.querySelector("#search-input").value.length > 3, null, { timeout: 10000 });
  await page.keyboard.press("Backspace");
  check(await page.evaluate(() => document.querySelector("#search-input").value) === "如何提", "Backspace drops the completion");

  // 3d. An empty result names the query and offers terms that exist.
  await page.fill("#search-input", "退货");
  await page.waitForFunction(() => document.querySelector("#search-results .search-suggestion"), null, { timeout: 10000 });
  const none = await page.locator("#search-results .search-none").innerText();
  check(none.includes("退货"), `the empty result says what was searched (${none.trim()})`);
  const suggestions = await page.locator("#search-results .search-suggestion").allInnerTexts();
  check(suggestions.includes("退款"), `退货 suggests 退款 (${suggestions.join(",")})`);
  await axeForm(page, "suggestions");
  await page.locator("#search-results .search-suggestion", { hasText: "退款" }).first().click();
  await page.waitForFunction(() => document.querySelector("#search-results")?.dataset.state === "results", null, { timeout: 10000 });
  check(await page.evaluate(() => document.querySelector("#search-input").value) === "退款", "picking a suggestion searches it");

  // 4. A shared link renders results on load.
  await page.goto(`${origin}/search/?q=${encodeURIComponent("退款")}`);
  await page.waitForFunction(() => document.querySelector("#search-page-results")?.dataset.state === "results", null, { timeout: 10000 });
  const n = await page.locator("#search-page-results a").count();
  check(n >= 3, `/search/?q=退款 shows results on load (${n} links)`);
  check(errors.length === 0, `no console errors ${errors.join("; ")}`);
  await context.close();
} catch (e) {
  failures++;
  console.error(`FAIL ${e.stack || e}`);
} finally {
  await browser.close();
  server.close();
}
console.error(`${failures ? "FAILED" : "passed"}`);
process.exit(failures ? 1 : 0);
