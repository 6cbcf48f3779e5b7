// Runs the refund engine compiled to wasm on the shared case table, through
// the same glue the site uses (themes/default/static/js/refund.js), and
// checks each case's expectation. Prints one JSON line per case
// ({"name","output"}) so the Rust test can compare with the native engine.
//
// usage: node tests/wasm/refund.mjs <refund.wasm> <refund-rules.json> <cases.json>
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

const [wasmPath, rulesPath, casesPath] = process.argv.slice(2);
if (!casesPath) {
  console.error('usage: node refund.mjs <refund.wasm> <refund-rules.json> <cases.json>');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const glue = readFileSync(join(here, '../../themes/default/static/js/refund.js'), 'utf8');
const sandbox = { TextEncoder, TextDecoder, WebAssembly, BigInt, JSON, console };
sandbox.globalThis = sandbox;
vm.runInNewContext(glue, sandbox, { filename: 'refund.js' });
const engine = await sandbox.faqtoryRefund.instantiate(readFileSync(wasmPath));
const rulesText = readFileSync(rulesPath, 'utf8');
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));

let failures = 0;
const fail = (name, msg) => {
  failures++;
  console.error(`FAIL ${name}: ${msg}`);
};
for (const c of cases) {
  // The outcome as parsed JSON, and re-serialised for the byte comparison.
  const out = engine.evaluate(rulesText, c.request);
  const e = c.expect;
  if (e.error) {
    if (!out.error || out.error.code !== e.error) fail(c.name, `want error ${e.error}, got ${JSON.stringify(out)}`);
  } else if (out.error) {
    fail(c.name, `unexpected error ${JSON.stringify(out.error)}`);
  } else {
    if (out.verdict !== e.verdict) fail(c.name, `verdict ${out.verdict}, want ${e.verdict}`);
    if (out.review_period.kind !== e.kind) fail(c.name, `kind ${out.review_period.kind}, want ${e.kind}`);
    if (out.review_period.ends !== e.ends) fail(c.name, `ends ${out.review_period.ends}, want ${e.ends}`);
    const clauses = out.reasons.map((r) => r.clause);
    if (JSON.stringify(clauses) !== JSON.stringify(e.clauses)) {
      fail(c.name, `clauses ${JSON.stringify(clauses)}, want ${JSON.stringify(e.clauses)}`);
    }
  }
  process.stdout.write(JSON.stringify({ name: c.name, output: out }) + '\n');
}
// Garbage in: an error object, never a trap.
for (const bad of ['', '{', '{"category":1}', '[]']) {
  const ex = engine.ex;
  const a = engine.put(rulesText);
  const b = engine.put(bad);
  const packed = BigInt.asUintN(64, BigInt(ex.evaluate(a.ptr, a.len, b.ptr, b.len)));
  const ptr = Number(packed & 0xffffffffn);
  const len = Number(packed >> 32n);
  const out = JSON.parse(new TextDecoder().decode(new Uint8Array(ex.memory.buffer, ptr, len)));
  if (!out.error || out.error.code !== 'malformed') fail(`malformed request ${JSON.stringify(bad)}`, JSON.stringify(out));
}
const broken = engine.evaluate('{"categories": 5}', { category: 'saas', purchased: '2026-07-01', on: '2026-07-01' });
if (!broken.error || broken.error.code !== 'malformed') fail('malformed rules', JSON.stringify(broken));
if (failures) {
  console.error(`${failures} of ${cases.length} wasm cases failed`);
  process.exit(1);
}
console.error(`wasm: ${cases.length} cases ok`);
