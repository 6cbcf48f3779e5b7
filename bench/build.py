#!/usr/bin/env python3
"""Build benchmark: clean full builds of generated corpora. The output folder
is deleted before each run, outside its timing, for faqtory and Hugo alike.
The corpora are made by bench/corpus.py (once, cached in --work).

Usage: python3 bench/build.py [--sizes 1000,10000] [--runs 5] [--work DIR] [--hugo]

Prints a markdown table: median wall seconds (min-max), CPU seconds,
pages/s (content pages / median wall) and peak RSS of the faqtory process.
With --hugo (Debian's `hugo` on PATH), Hugo builds the same corpus in
alternation with faqtory and the table adds the paired wall-time ratio
faqtory/hugo (median of the per-pair ratios): on a shared, noisy machine
the ratio is the figure to trust.
Needs a release binary: cargo build --release.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "bench", "corpus.py")
BIN = os.environ.get("FAQTORY_BIN") or os.path.join(REPO, "target", "release", "faqtory")


def corpus(n, work):
    out = os.path.join(work, f"n{n}")
    if not os.path.exists(os.path.join(out, "faqtory", "site.yaml")):
        subprocess.run([sys.executable, GEN, str(n), out], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, "faqtory")


def one_run(site, out, hugo=False):
    """One clean build; returns (wall, cpu, peak_kib)."""
    if hugo:
        cmd = ["/usr/bin/time", "-f", "%U %S %M", "hugo", "--quiet", "-s", site, "-d", out]
    else:
        cmd = ["/usr/bin/time", "-f", "%U %S %M", BIN, "build", "--root", site, "--output", out]
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"build failed:\n{p.stderr[-3000:]}")
    user, sys_, rss = p.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(sys_), int(rss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default="/tmp/faqtory-bench")
    ap.add_argument("--hugo", action="store_true", help="pair each run with a Hugo build")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: cargo build --release")
    os.makedirs(args.work, exist_ok=True)
    head = "| N | wall s median (min–max) | cpu s | pages/s | peak RSS MiB | output MiB (files) |"
    rule = "|---:|---:|---:|---:|---:|---:|"
    if args.hugo:
        head += " hugo wall s median | hugo cpu s | hugo peak MiB | faqtory/hugo wall (paired median, min–max) |"
        rule += "---:|---:|---:|---:|"
    print(head)
    print(rule)
    for n in [int(s) for s in args.sizes.split(",")]:
        site = corpus(n, args.work)
        out = os.path.join(args.work, f"out{n}")
        one_run(site, out)  # warm-up, not counted
        hugo_site = os.path.join(args.work, f"n{n}", "hugo")
        hugo_out = os.path.join(args.work, f"hugo-out{n}")
        runs, hugo_runs = [], []
        for _ in range(args.runs):
            runs.append(one_run(site, out))
            if args.hugo:
                hugo_runs.append(one_run(hugo_site, hugo_out, hugo=True))
        walls = [r[0] for r in runs]
        med = statistics.median(walls)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs) / 1024
        size = files = 0
        for dp, _, fs in os.walk(out):
            for f in fs:
                files += 1
                size += os.path.getsize(os.path.join(dp, f))
        row = (f"| {n:,} | {med:.2f} ({min(walls):.2f}–{max(walls):.2f}) | {cpu:.2f} | {n / med:,.0f} "
               f"| {rss:,.0f} | {size / 2**20:.1f} ({files:,}) |")
        if args.hugo:
            ratios = [a[0] / b[0] for a, b in zip(runs, hugo_runs)]
            hw = statistics.median(r[0] for r in hugo_runs)
            hr = max(r[2] for r in hugo_runs) / 1024
            hc = statistics.median(r[1] for r in hugo_runs)
            row += (f" {hw:.2f} | {hc:.2f} | {hr:,.0f} | {statistics.median(ratios):.2f} "
                    f"({min(ratios):.2f}–{max(ratios):.2f}) |")
        print(row, flush=True)


if __name__ == "__main__":
    main()
