#!/usr/bin/env python3
"""Search benchmark: index + export time, export size, bytes a browser fetches
for the first query and for a 7-query session, and query latency of the
search-core wasm, on generated corpora (bench/corpus.py).

Usage: python3 bench/search.py [--sizes 100,1000] [--shards 8192,16384,32768]
                               [--cuts max,1000] [--work /tmp/fq-search-bench]

For each corpus size N (pages; about 10 questions each):
  1. bench/corpus.py N (cached in --work);
  2. `cargo test --release --test search_bench -- --ignored`: renders the site
     with the library, builds the tantivy index in RAM and exports it once per
     (shard size, most postings a term keeps) (tests/search_bench.rs),
     timing index and export, and the static engine's agreement with
     tantivy for each (the 60 agreement queries and the session's);
  3. compiles crates/search-wasm for wasm32 with the settings build.rs uses
     (plus wasm-opt -Oz when installed);
  4. serves each export on 127.0.0.1 (a small HTTP server in this script,
     gzip when the client accepts it, byte ranges uncompressed, like a
     static host) and runs the
     browser's glue (themes/default/static/js/search.js) in Node: a fresh
     engine per query for "first query" bytes (wasm + manifest + the pieces
     read by range: shards, offset blocks, records; bodies as counted by
     the server, headers not included), one engine for the 7-query
     session, then the median latency of each query with everything cached;
     the same first-query bytes for one-character queries (SINGLE); and, per
     keystroke of the typed sequences (TYPED, a fresh engine each), the wall
     time to results (fetches from the local server included), the bytes
     fetched, and the median compute time once cached;
  5. `faqtory search` vs `faqtory search --static` agreement on 60 queries
     (top-1 and top-10 overlap), and on the one-character queries made from
     their first characters, for the default shard size.
Prints a markdown table per size; raw JSON goes to --work/results.jsonl.
"""
import argparse
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "bench", "corpus.py")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))

SESSION = ["只读实例", "回源配置", "弹性公网 IP", "计费", "API 错误", "并发连接数", "重启实例"]
# One-character queries (issue 15): the first keystroke of a Chinese reader.
SINGLE = ["退", "镜", "复", "数", "计", "实", "配"]
# Typed key by key; the first is the (the corpus has 退订, not 退款),
# the second a phrase the corpus has.
TYPED = [["退", "退款", "退款规", "退款规则"], ["数", "数据", "数据库", "数据库实例"]]

NODE_CLIENT = r"""
// With `node -e`, the arguments start at argv[1].
const [glue, base, queriesJson, singleJson, typedJson] = process.argv.slice(1);
const { createEngine, loader } = require(glue);
const queries = JSON.parse(queriesJson);
const singles = JSON.parse(singleJson);
const typed = JSON.parse(typedJson);
function median(t) { t = t.slice().sort((a, b) => a - b); return t[Math.floor(t.length / 2)]; }
let bytes = 0;
// Counts the bytes on the wire of every response (headers not included).
async function counted(url, opts) {
  const r = await fetch(url, opts);
  const b = await r.arrayBuffer();
  bytes += Number(r.headers.get("x-wire-bytes") || b.byteLength);
  return { ok: r.ok, status: r.status, arrayBuffer: async () => b };
}
async function get(url) {
  const r = await counted(url);
  if (!r.ok) throw new Error(r.status + " " + url);
  return new Uint8Array(await r.arrayBuffer());
}
async function engine() {
  const wasm = await get(base + "assets/search.wasm");
  const { instance } = await WebAssembly.instantiate(wasm, {});
  return createEngine(instance.exports, loader(base + "search/", counted));
}
(async () => {
  const first = [];
  for (const q of queries) {
    bytes = 0;
    const e = await engine();
    const hits = await e.search(q, 10);
    first.push({ q, bytes, hits: hits.length });
  }
  bytes = 0;
  const e = await engine();
  const session = [];
  for (const q of queries) { await e.search(q, 10); session.push(bytes); }
  const lat = [];
  for (const q of queries) {
    const t = [];
    for (let i = 0; i < 15; i++) {
      const s = process.hrtime.bigint();
      await e.search(q, 10);
      t.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    lat.push(median(t));
  }
  const single = [];
  for (const q of singles) {
    bytes = 0;
    const e = await engine();
    const hits = await e.search(q, 10);
    const t = [];
    for (let i = 0; i < 15; i++) {
      const s = process.hrtime.bigint();
      await e.search(q, 10);
      t.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    single.push({ q, bytes, hits: hits.length, lat: median(t) });
  }
  const keys = [];
  for (const seq of typed) {
    bytes = 0;
    const e = await engine();
    const steps = [];
    for (const q of seq) {
      const before = bytes;
      const s = process.hrtime.bigint();
      const hits = await e.search(q, 8);
      const wall = Number(process.hrtime.bigint() - s) / 1e6;
      steps.push({ q, wall, bytes: bytes - before, hits: hits.length });
    }
    for (const st of steps) {
      const t = [];
      for (let i = 0; i < 15; i++) {
        const s = process.hrtime.bigint();
        await e.search(st.q, 8);
        t.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      st.cached = median(t);
    }
    keys.push({ first_bytes: bytes, steps });
  }
  process.stdout.write(JSON.stringify({ first, session, lat, single, keys }));
})().catch((e) => { console.error(e); process.exit(1); });
"""


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files; gzips when the client accepts it and the server is in
    gzip mode; reports the bytes on the wire in x-wire-bytes."""

    gzip_on = True

    def log_message(self, *a):
        pass

    def do_GET(self):
        path = self.translate_path(self.path.split("?")[0])
        try:
            with open(path, "rb") as f:
                body = f.read()
        except OSError:
            self.send_error(404)
            return
        enc = None
        status = 200
        # A byte range (the index's part files are read by range): served as
        # is, uncompressed, as static hosts serve ranges of binary files.
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and "," not in rng:
            a, _, b = rng[len("bytes="):].partition("-")
            if a.isdigit() and b.isdigit() and int(a) < len(body):
                body = body[int(a):int(b) + 1]
                status = 206
        if status == 200 and self.gzip_on and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 6)
            enc = "gzip"
        self.send_response(status)
        ctype = "application/wasm" if path.endswith(".wasm") else "application/octet-stream"
        self.send_header("Content-Type", ctype)
        if enc:
            self.send_header("Content-Encoding", enc)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-wire-bytes", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(directory, gzip_on):
    handler = type("H", (Handler,), {"gzip_on": gzip_on})
    # socketserver's default listen backlog (5) drops the SYNs of a burst of
    # parallel fetches (a result page's metadata chunks): each then waits for
    # the 1 s TCP retransmit, which is not what a static host does.
    http.server.ThreadingHTTPServer.request_queue_size = 128
    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: handler(*a, directory=directory, **k)
    )
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def build_wasm(work):
    env = dict(os.environ)
    env.update({
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "z", "CARGO_PROFILE_RELEASE_LTO": "true",
        "CARGO_PROFILE_RELEASE_PANIC": "abort", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "1",
        "CARGO_PROFILE_RELEASE_STRIP": "true", "CARGO_PROFILE_RELEASE_DEBUG": "false",
        "CARGO_TARGET_DIR": os.path.join(work, "wasm-target"),
    })
    run(["cargo", "build", "-q", "--release", "--target", "wasm32-unknown-unknown", "-p", "search-wasm"],
        cwd=ROOT, env=env)
    built = os.path.join(work, "wasm-target", "wasm32-unknown-unknown", "release", "search_wasm.wasm")
    out = os.path.join(work, "search.wasm")
    if shutil.which("wasm-opt"):
        run(["wasm-opt", "-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
             "--enable-sign-ext", "--enable-mutable-globals", built, "-o", out])
    else:
        shutil.copy(built, out)
    return out


def dir_sizes(d):
    raw = gz = n = 0
    for dp, _, fs in os.walk(d):
        for f in fs:
            b = open(os.path.join(dp, f), "rb").read()
            raw += len(b)
            gz += len(gzip.compress(b, 6))
            n += 1
    return n, raw, gz


def varint(b, i):
    v = shift = 0
    while True:
        x = b[i]
        i += 1
        v |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return v, i


def agreement(site, out, binary, queries):
    top1 = 0
    overlap = 0.0
    for q in queries:
        # The build keeps its tantivy index beside the output it wrote.
        t = json.loads(subprocess.run([binary, "search", "--output", out, "--json", q], cwd=site,
                                      capture_output=True, check=True).stdout)
        s = json.loads(subprocess.run([binary, "search", "--static", "--output", out, "--json", q],
                                      cwd=site, capture_output=True, check=True).stdout)
        tu = [h["url"] for h in t]
        su = [h["url"] for h in s]
        top1 += bool(tu) and tu[:1] == su[:1]
        overlap += len(set(tu) & set(su)) / max(len(tu), len(su), 1)
    return top1 / len(queries), overlap / len(queries)


def agreement_queries(content, n=60):
    """The same generator as tests/search_agreement.rs, in Python."""
    titles = []
    for dp, dns, fs in os.walk(content):
        dns.sort()
        for f in sorted(fs):
            if f.endswith(".md"):
                for line in open(os.path.join(dp, f), encoding="utf-8"):
                    if line.startswith("### "):
                        titles.append(line[4:].rstrip("\n"))
    def cjk(c):
        o = ord(c)
        return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF
    out, i = [], 0
    while len(out) < n and i < n * 20:
        t = titles[(i * 7919) % len(titles)]
        idx = [k for k, c in enumerate(t) if cjk(c)]
        def sub(seed):
            if not idx:
                return None
            start = idx[seed % len(idx)]
            s = ""
            for c in t[start:start + 2 + seed % 3]:
                if not cjk(c):
                    break
                s += c
            return s if len(s) >= 2 else None
        latin = [w.lower() for w in "".join(c if c.isascii() and c.isalnum() else " " for c in t).split() if len(w) >= 3]
        if i % 4 in (0, 1):
            q = sub(i)
        elif i % 4 == 2:
            q = latin[i % len(latin)] if latin else sub(i)
        else:
            a, b = sub(i), sub(i + 5)
            q = f"{a} {b}" if a and b and a != b else a
        if q and q not in out:
            out.append(q)
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--shards", default="8192,16384,32768")
    ap.add_argument("--cuts", default="max")
    ap.add_argument("--default-shard", type=int, default=None)
    ap.add_argument("--work", default="/tmp/fq-search-bench")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    results = open(os.path.join(args.work, "results.jsonl"), "a")
    wasm = build_wasm(args.work)
    wasm_raw = os.path.getsize(wasm)
    wasm_gz = len(gzip.compress(open(wasm, "rb").read(), 6))
    print(f"search.wasm: {wasm_raw} bytes, {wasm_gz} gzipped\n")
    run(["cargo", "build", "-q", "--release"], cwd=ROOT)
    binary = os.path.join(TARGET, "release", "faqtory")
    glue = os.path.join(ROOT, "themes", "default", "static", "js", "search.js")
    for n in [int(x) for x in args.sizes.split(",")]:
        corpus = os.path.join(args.work, f"n{n}")
        if not os.path.isdir(corpus):
            run([sys.executable, GEN, str(n), corpus], stdout=subprocess.DEVNULL)
        site = os.path.join(corpus, "faqtory")
        out = os.path.join(args.work, f"out{n}")
        env = dict(os.environ, FQ_BENCH_SITE=site, FQ_BENCH_OUT=out, FQ_BENCH_SHARDS=args.shards,
                   FQ_BENCH_CUTS=args.cuts,
                   FQ_BENCH_QUERIES=json.dumps(agreement_queries(os.path.join(site, "content")) + SESSION))
        res = subprocess.run(["cargo", "test", "-q", "--release", "--test", "search_bench", "--",
                              "--ignored", "--nocapture"], cwd=ROOT, env=env, capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(res.stdout + res.stderr)
        exports = [json.loads(l) for l in res.stdout.splitlines() if l.startswith("{")]
        print(f"## {n} pages, {exports[0]['docs']} entries; index {exports[0]['index_s']:.2f} s\n")
        print("| shard KB | max postings | top-1 / top-10 vs tantivy | export s | files | size MB | size gz MB | first query KB gz (median / max of 7) "
              "| 7-query session KB gz | first query KB raw (median / max) | session KB raw | median latency ms |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for e in exports:
            site_dir = os.path.join(out, f"site-{e['shard_bytes']}-{e['cut']}")
            shutil.rmtree(site_dir, ignore_errors=True)
            os.makedirs(os.path.join(site_dir, "assets"))
            shutil.copy(wasm, os.path.join(site_dir, "assets", "search.wasm"))
            shutil.copytree(os.path.join(e["dir"], "search"), os.path.join(site_dir, "search"))
            files, raw, gz = dir_sizes(os.path.join(site_dir, "search"))
            row = {"pages": n, **e, "export_raw": raw, "export_gz": gz, "wasm_raw": wasm_raw, "wasm_gz": wasm_gz}
            for mode in ("gz", "raw"):
                srv = serve(site_dir, mode == "gz")
                base = f"http://127.0.0.1:{srv.server_address[1]}/"
                r = subprocess.run(["node", "-e", NODE_CLIENT, glue, base, json.dumps(SESSION),
                                    json.dumps(SINGLE), json.dumps(TYPED)],
                                   capture_output=True, text=True)
                srv.shutdown()
                if r.returncode != 0:
                    sys.exit(r.stderr)
                row[mode] = json.loads(r.stdout)
            fq = sorted(x["bytes"] for x in row["gz"]["first"])
            fr = sorted(x["bytes"] for x in row["raw"]["first"])
            lat = sorted(row["gz"]["lat"])
            print(f"| {e['shard_bytes'] // 1024} | {e['cut']} | {e['top1']:.3f} / {e['top10']:.3f} | {e['export_s']:.2f} | {files} | {raw / 1e6:.2f} | {gz / 1e6:.2f} "
                  f"| {fq[3] / 1024:.1f} / {fq[-1] / 1024:.1f} | {row['gz']['session'][-1] / 1024:.1f} "
                  f"| {fr[3] / 1024:.1f} / {fr[-1] / 1024:.1f} | {row['raw']['session'][-1] / 1024:.1f} "
                  f"| {lat[3]:.2f} |")
            results.write(json.dumps(row) + "\n")
            g = row["gz"]
            sb = sorted(x["bytes"] for x in g["single"])
            print(f"\none-character first query ({', '.join(SINGLE)}), KB gz: median {sb[len(sb) // 2] / 1024:.1f}, "
                  f"max {sb[-1] / 1024:.1f}; hits "
                  + ", ".join(f"{x['q']} {x['hits']}" for x in g["single"])
                  + "; cached latency ms median "
                  + f"{sorted(x['lat'] for x in g['single'])[len(sb) // 2]:.2f}")
            for seq in g["keys"]:
                print("typed: " + " → ".join(
                    f"{st['q']} ({st['hits']} hits, {st['bytes'] / 1024:.1f} KB, {st['wall']:.1f} ms, cached {st['cached']:.2f} ms)"
                    for st in seq["steps"]) + f"; total {seq['first_bytes'] / 1024:.1f} KB gz incl. wasm + manifest")
        # Agreement through the CLI, on the index and export of a real build.
        built = os.path.join(args.work, f"built{n}")
        t = time.time()
        run([binary, "build", "--output", built], cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        build_s = time.time() - t
        qs = agreement_queries(os.path.join(site, "content"))
        a1, a10 = agreement(site, built, binary, qs)
        singles = []
        for q in qs:
            c = next((ch for ch in q if 0x4E00 <= ord(ch) <= 0x9FFF), None)
            if c and c not in singles:
                singles.append(c)
        s1, s10 = agreement(site, built, binary, singles)
        print(f"\nfull `faqtory build`: {build_s:.1f} s; agreement --static vs tantivy over {len(qs)} queries: "
              f"top-1 {a1:.3f}, mean top-10 overlap {a10:.3f}; over {len(singles)} one-character queries: "
              f"top-1 {s1:.3f}, mean top-10 overlap {s10:.3f}\n")
        results.write(json.dumps({"pages": n, "build_s": build_s, "top1": a1, "top10": a10,
                                  "single_top1": s1, "single_top10": s10}) + "\n")
        results.flush()


if __name__ == "__main__":
    main()
