// Times search.wasm's fq_search in Node with every piece a query needs
// already handed in: the compute of a keystroke, without fetching.
//
//   node bench/search_keystroke.js <search.wasm> <export>/search [query …]
//
// Reads pieces from the export folder (byte ranges of its part files, as a
// static host serves them), settles each query once, in order (as typed),
// then prints each query's median of 31 runs in ms. Every run decodes what
// it ranks from the pieces (the engine keeps no decoded lists), so this is
// also the first search of a keystroke whose pieces just arrived.
// bench/search.py leaves a search.wasm in its --work
// folder and the export it served in <work>/out<pages>/site-4096-max/search
// (for --shards 4096).
const fs = require("fs"), path = require("path");
const [wasmPath, dir, ...qs] = process.argv.slice(2);
(async () => {
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), {});
  const ex = instance.exports, enc = new TextEncoder(), dec = new TextDecoder();
  const mem = () => new Uint8Array(ex.memory.buffer);
  function withBytes(b, fn) { const p = ex.fq_alloc(b.length); mem().set(b, p); try { return fn(p, b.length); } finally { ex.fq_free(p, b.length); } }
  function put(name, bytes) { const nb = enc.encode(name); return withBytes(nb, (np, nl) => withBytes(bytes, (bp, bl) => ex.fq_put(np, nl, bp, bl))); }
  function read(name) {
    const h = name.indexOf("#");
    if (h < 0) return fs.readFileSync(path.join(dir, name));
    const [a, b] = name.slice(h + 1).split("-").map(Number);
    const fd = fs.openSync(path.join(dir, name.slice(0, h)), "r");
    const buf = Buffer.alloc(b - a); fs.readSync(fd, buf, 0, b - a, a); fs.closeSync(fd);
    return buf;
  }
  function step(q, limit, round) { const len = withBytes(enc.encode(q), (p, n) => ex.fq_search(p, n, limit, round || 0)); const p = ex.fq_out_ptr(); return JSON.parse(dec.decode(mem().slice(p, p + len))); }
  for (const q of qs) {
    for (let i = 0; i < 64; i++) {
      const r = step(q, 8, i);
      if (r.error) throw new Error(r.error);
      if (!r.need) break;
      for (const n of r.need) { const b = read(n); if (put(n, b) !== 0) throw new Error(n); }
    }
  }
  for (const q of qs) {
    const t = [];
    for (let i = 0; i < 31; i++) {
      const s = process.hrtime.bigint(); step(q, 8); t.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    t.sort((a, b) => a - b);
    console.log(q, t[15].toFixed(2));
  }
})().catch((e) => { console.error(e); process.exit(1); });
