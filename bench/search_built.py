#!/usr/bin/env python3
"""Search figures for a site already built with `faqtory build` (any size,
e.g. the 10,000-page corpus, about 100k entries, where bench/search.py's
release test build is too slow for a shared machine).

Usage: python3 bench/search_built.py SITE_ROOT OUTPUT_DIR [--binary target/release/faqtory]

Prints the export size, the bytes a browser fetches for a first query and a
7-query session (gzip-served and raw, through themes/default/static/js/search.js
in Node, counted by a loopback server), the median query latency with the
shards cached, and `faqtory search` vs `--static` agreement on 60 queries.
Reuses bench/search.py's server, Node client, session and query generator.
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("search_bench", os.path.join(HERE, "search.py"))
sb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sb)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("out")
    ap.add_argument("--binary", default=os.path.join(os.path.dirname(HERE), "target", "release", "faqtory"))
    a = ap.parse_args()
    glue = os.path.join(os.path.dirname(HERE), "themes", "default", "static", "js", "search.js")
    files, raw, gz = sb.dir_sizes(os.path.join(a.out, "search"))
    print(f"export: {files} files, {raw / 1e6:.1f} MB raw, {gz / 1e6:.1f} MB gzipped")
    for mode in ("gz", "raw"):
        srv = sb.serve(a.out, mode == "gz")
        base = f"http://127.0.0.1:{srv.server_address[1]}/"
        r = subprocess.run(["node", "-e", sb.NODE_CLIENT, glue, base, json.dumps(sb.SESSION),
                            json.dumps(sb.SINGLE), json.dumps(sb.TYPED)],
                           capture_output=True, text=True)
        srv.shutdown()
        if r.returncode:
            raise SystemExit(r.stderr)
        row = json.loads(r.stdout)
        first = sorted(x["bytes"] for x in row["first"])
        print(f"{mode}: first query KB median {first[len(first) // 2] / 1024:.1f} (max {first[-1] / 1024:.1f}); "
              f"7-query session {row['session'][-1] / 1024:.1f} KB; "
              f"latency ms median {statistics.median(row['lat']):.2f} (max {max(row['lat']):.2f})")
    queries = sb.agreement_queries(os.path.join(a.site, "content"), 60)
    top1, overlap = sb.agreement(a.site, a.out, a.binary, queries)
    print(f"agreement over {len(queries)} queries: top-1 {top1:.3f}, mean top-10 overlap {overlap:.3f}")


if __name__ == "__main__":
    main()
