// Chromium drives the refund calculator widget on a page prepared by the
// Rust test (tests/refund_cases.rs): the fallback HTML from the build code,
// assets/refund-rules.json, assets/refund.wasm (the embedded module) and the
// theme's js/refund.js and css/refund.css.
//
// usage: node tests/wasm/refund-browser.mjs <page dir>
// Needs tests/browser/node_modules (npm ci there) and Chromium ($CHROMIUM_BIN
// or /usr/bin/chromium). Exit 0 all passed, 1 a check failed, 3 not runnable.
import { createRequire } from "node:module";
import path from "node:path";
import { REPO, findChromium, serve } from "../browser/lib.mjs";

const dir = process.argv[2];
const chromiumBin = findChromium();
let chromium;
try {
  chromium = createRequire(path.join(REPO, "tests/browser/package.json"))("playwright-core").chromium;
} catch (e) {
  console.error("playwright-core missing: run npm ci in tests/browser");
  process.exit(3);
}
if (!dir || !chromiumBin) {
  console.error(dir ? "Chromium not found" : "usage: refund-browser.mjs <page dir>");
  process.exit(3);
}

const { server, origin } = await serve(dir);
const browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
let failures = 0;
const check = (ok, what) => {
  if (!ok) failures++;
  console.error(`${ok ? "ok  " : "FAIL"} ${what}`);
};

async function open(query, opts = {}) {
  const context = await browser.newContext(opts);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${origin}/${opts.file || "index.html"}${query}`);
  return { page, errors, context };
}
const verdict = (page) => page.locator(".refund-result").getAttribute("data-verdict");
async function waitVerdict(page, want) {
  try {
    await page.waitForFunction(
      (w) => document.querySelector(".refund-result")?.getAttribute("data-verdict") === w, want, { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

try {
  // 1. A pre-filled link shows its verdict on load.
  {
    const { page, errors, context } = await open("?category=saas&purchased=2026-07-01&on=2026-07-06");
    check(await waitVerdict(page, "partial"), "pre-filled URL: partial on 07-06");
    check((await page.locator(".refund-period").getAttribute("data-ends")) === "2026-07-05", "review period ends 07-05");
    check((await page.locator(".refund-reasons li").count()) === 3, "three reasons");
    const href = await page.locator(".refund-reasons a").first().getAttribute("href");
    check(href === "/cloud-market/faq/#refund-rules", `reason links to the clause (${href})`);
    check((await page.inputValue("select[name=category]")) === "saas", "category pre-filled");
    check((await page.inputValue("input[name=purchased]")) === "2026-07-01", "purchase date pre-filled");
    check(await page.locator(".refund-verdict").innerText() === "不支持全额退款：可与服务商协商，退还未产生的资费", "verdict in Chinese");
    check(errors.length === 0, `no console errors ${errors.join("; ")}`);
    await context.close();
  }
  // 2. Fill the form by hand; the verdict follows and the URL keeps the state.
  {
    const { page, errors, context } = await open("");
    await page.waitForSelector(".refund-form");
    check((await page.locator(".refund-prompt").count()) === 1, "asks for the purchase date first");
    check(!page.url().includes("?"), "a plain visit keeps a plain URL until the form changes");
    const today = await page.inputValue("input[name=on]");
    const utc8 = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    check(today === utc8, `request date defaults to today in UTC+8 (${today})`);
    await page.getByLabel("商品类目").selectOption("website-custom");
    await page.getByLabel("购买日期").fill("2026-07-01");
    await page.getByLabel("申请退款日期").fill("2026-07-03");
    check(await waitVerdict(page, "full"), "custom website before delivery: full");
    check(await page.getByLabel("交付完成日期").isVisible(), "completion date shown for until-delivery");
    await page.getByLabel("交付完成日期").fill("2026-07-03");
    check(await waitVerdict(page, "partial"), "on the delivery day: partial");
    check(!(await page.getByLabel("服务商未按期服务或服务中出现人为拖沓").isVisible()), "situations folded at first");
    await page.locator("summary", { hasText: "服务商存在的情形" }).click();
    await page.getByLabel("服务商未按期服务或服务中出现人为拖沓").check();
    check(await waitVerdict(page, "full"), "provider late: full");
    await page.locator("summary", { hasText: "用户存在的情形" }).click();
    await page.getByLabel("新增需求超出接单时承诺的服务范围").check();
    check(await waitVerdict(page, "partial"), "user added scope: no full refund");
    const q = new URL(page.url()).searchParams;
    check(q.get("category") === "website-custom" && q.get("purchased") === "2026-07-01" && q.get("on") === "2026-07-03"
      && q.get("completed") === "2026-07-03" && q.get("pf") === "late" && q.get("uf") === "scope-added",
      `state in the URL (${page.url()})`);
    await page.getByLabel("商品类目").selectOption("api");
    check(await waitVerdict(page, "partial") === false && (await verdict(page)) === "none", "api with a user fault: none");
    check(!(await page.getByLabel("交付完成日期").isVisible().catch(() => false)), "no completion date for api");
    // Reload the link: same answer.
    const url = page.url();
    await page.goto(url);
    check(await waitVerdict(page, "none"), "reloaded link keeps its verdict");
    check(errors.length === 0, `no console errors ${errors.join("; ")}`);
    await context.close();
  }
  // 3. Errors are shown, not thrown.
  {
    const { page, context } = await open("?category=saas&purchased=2026-07-05&on=2026-07-04");
    check(await waitVerdict(page, "error"), "request before purchase: error shown");
    const msg = await page.locator(".refund-error").innerText();
    check(msg.includes("早于购买日期"), `error message (${msg})`);
    await context.close();
  }
  // 4. English.
  {
    const { page, context } = await open("?category=training&purchased=2026-07-01&pf=quality-loss", { file: "en.html" });
    check(await waitVerdict(page, "full"), "English page: full");
    const box = page.getByLabel("Poor service quality caused the user a loss");
    check(await box.isChecked() && await box.isVisible(), "pre-checked box shown (its list opens)");
    check(await page.locator(".refund-verdict").innerText() === "Full refund", "verdict in English");
    check(await page.getByLabel("Service confirmed complete on").isVisible(), "English labels");
    await context.close();
  }
  // 5. Without JavaScript the rules table is there.
  {
    const { page, context } = await open("", { javaScriptEnabled: false });
    check((await page.locator("table.refund-rules tbody tr").count()) === 12, "no-JS: the rules table, 12 categories");
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
if (failures) {
  console.error(`${failures} browser checks failed`);
  process.exit(1);
}
