// Remakes the README's screenshots (docs/screenshots/*.jpg) from the built sample site.
//
// usage: cargo run --release -- build && node tests/browser/screenshots.mjs [built site dir, default public/]
//
// Serves the built site on 127.0.0.1, opens it in headless Chromium (CHROMIUM_BIN or
// /usr/bin/chromium) with a fresh profile, and writes four JPEGs: the FAQ page at
// 1280 px light and dark, at 360 px light, and a search typed into the box on a phone.
// Needs `npm ci` in tests/browser (playwright-core) and a CJK font (Debian: fonts-noto-cjk),
// else every Chinese character is a box. Each file should stay under ~150 KB.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { REPO, findChromium, serve } from "./lib.mjs";

const dir = path.resolve(process.argv[2] || path.join(REPO, "public"));
const OUT = path.join(REPO, "docs/screenshots");
const FAQ = "/cloud-market/faq/"; // content/cloud-market/faq.md
const QUERY = "退款规则";
const LIMIT = 150 * 1024;

if (!fs.existsSync(path.join(dir, "index.html"))) {
  console.error(`${dir} holds no built site: run \`cargo run --release -- build\` first`);
  process.exit(2);
}
const zhFonts = spawnSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" });
if (zhFonts.status === 0 && !zhFonts.stdout.trim()) {
  console.error("no Chinese font installed: the screenshots would show boxes (Debian: apt-get install fonts-noto-cjk)");
  process.exit(2);
}
const chromiumBin = findChromium();
if (!chromiumBin) {
  console.error("Chromium not found (set CHROMIUM_BIN)");
  process.exit(2);
}
const { chromium } = createRequire(path.join(REPO, "tests/browser/package.json"))("playwright-core");

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "faqtory-shots-"));
const { server, origin } = await serve(dir);
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumBin,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

/** Opens `url` at `width` in `scheme`, lets `act` do something, saves the viewport as `name`. */
async function shot(name, { width, height, scheme, url, act }) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(origin + url, { waitUntil: "networkidle" });
  await page.evaluate(() => document.fonts.ready);
  if (act) await act(page);
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, type: "jpeg", quality: 80 });
  await page.close();
  const size = fs.statSync(file).size;
  console.log(`${path.relative(REPO, file)}  ${width}×${height} ${scheme}  ${Math.round(size / 1024)} KB`);
  if (size > LIMIT) console.log(`  warning: over ${LIMIT / 1024} KB`);
}

let status = 0;
try {
  fs.mkdirSync(OUT, { recursive: true });
  await shot("default-zh-faq-1280-light.jpg", { width: 1280, height: 900, scheme: "light", url: FAQ });
  await shot("default-zh-faq-360-light.jpg", { width: 360, height: 900, scheme: "light", url: FAQ });
  await shot("default-zh-faq-1280-dark.jpg", { width: 1280, height: 900, scheme: "dark", url: FAQ });
  await shot("default-zh-search-360-light.jpg", {
    width: 360, height: 900, scheme: "light", url: FAQ,
    act: async (page) => {
      await page.click("#search-input");
      await page.keyboard.type(QUERY);
      await page.waitForFunction(() => document.querySelector("#search-results")?.dataset.state === "results",
        null, { timeout: 10000 });
    },
  });
} catch (e) {
  console.error(`screenshots failed: ${e.message}`);
  status = 1;
} finally {
  await browser.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
