#!/usr/bin/env python3
"""Scale benchmark: how a clean build's time and memory grow with the site.

Usage: python3 bench/scale.py [--sizes 1000,10000,100000] [--runs 1]
                              [--work DIR] [--svg docs/scale.svg]

For each size N (pages; about 10 questions each), generates the corpus with
bench/corpus.py (once, cached in --work), then runs
`faqtory build` into a fresh output folder --runs times (the output is
deleted before each run, outside the timing) under /usr/bin/time, and
records wall seconds, CPU seconds, peak RSS, files and bytes written.
Prints a markdown table (medians) and draws wall time and peak RSS against
pages, both axes logarithmic, into --svg (a plain SVG, no plotting library),
with a dashed line of linear growth from the smallest size for comparison.
Needs a release binary: cargo build --release.
"""
import argparse
import importlib.util
import math
import os
import shutil
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
# The corpus cache and one clean, timed build are bench/build.py's.
spec = importlib.util.spec_from_file_location("build_bench", os.path.join(HERE, "build.py"))
bb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bb)


def tree(path):
    files = size = 0
    for dp, _, fs in os.walk(path):
        for f in fs:
            files += 1
            size += os.path.getsize(os.path.join(dp, f))
    return files, size


def svg(rows, path):
    """Two log-log panels: wall seconds and peak MiB against pages."""
    w, h, pad = 360, 260, 48
    panels = [("wall time, s", [r["wall"] for r in rows]), ("peak RSS, MiB", [r["rss"] for r in rows])]
    xs = [r["pages"] for r in rows]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * w}" height="{h}" '
           'font-family="sans-serif" font-size="11">',
           f'<rect width="{2 * w}" height="{h}" fill="white"/>']
    lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
    for k, (title, ys) in enumerate(panels):
        ox = k * w
        ly0 = math.floor(math.log10(min(ys)))
        # Room for the data and for the linear-growth line.
        ly1 = math.ceil(max(math.log10(max(ys)), math.log10(ys[0] * max(xs) / xs[0])))
        ly1 = max(ly1, ly0 + 1)

        def px(x):
            return ox + pad + (math.log10(x) - lx0) / max(lx1 - lx0, 1e-9) * (w - 2 * pad)

        def py(y):
            return h - pad + (ly0 - math.log10(y)) / (ly1 - ly0) * (h - 2 * pad)

        out.append(f'<text x="{ox + w / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>')
        out.append(f'<line x1="{ox + pad}" y1="{h - pad}" x2="{ox + w - pad}" y2="{h - pad}" stroke="black"/>')
        out.append(f'<line x1="{ox + pad}" y1="{pad}" x2="{ox + pad}" y2="{h - pad}" stroke="black"/>')
        for e in range(ly0, ly1 + 1):
            y = py(10 ** e)
            out.append(f'<line x1="{ox + pad - 4}" y1="{y}" x2="{ox + w - pad}" y2="{y}" stroke="#ddd"/>')
            out.append(f'<text x="{ox + pad - 6}" y="{y + 4}" text-anchor="end">{10 ** e:g}</text>')
        for x in xs:
            out.append(f'<text x="{px(x)}" y="{h - pad + 16}" text-anchor="middle">{x:,}</text>')
        out.append(f'<text x="{ox + w / 2}" y="{h - 10}" text-anchor="middle">pages</text>')
        # Linear growth from the smallest size, for comparison.
        out.append(f'<line x1="{px(xs[0])}" y1="{py(ys[0])}" x2="{px(xs[-1])}" '
                   f'y2="{py(ys[0] * xs[-1] / xs[0])}" stroke="#999" stroke-dasharray="4 3"/>')
        pts = " ".join(f"{px(x)},{py(y)}" for x, y in zip(xs, ys))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#1f6feb" stroke-width="2"/>')
        for x, y in zip(xs, ys):
            out.append(f'<circle cx="{px(x)}" cy="{py(y)}" r="3" fill="#1f6feb"/>')
            out.append(f'<text x="{px(x) + 5}" y="{py(y) - 6}">{y:,.1f}</text>')
    out.append(f'<text x="{w}" y="36" text-anchor="middle" fill="#666">'
               'dashed: linear growth from the smallest site</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--work", default="/tmp/fq-scale-bench")
    ap.add_argument("--svg", default=None)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rows = []
    print("| pages | questions | wall s (median) | cpu s | peak RSS MiB | files | output MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in [int(x) for x in args.sizes.split(",")]:
        site = bb.corpus(n, args.work)
        out = os.path.join(args.work, f"out{n}")
        runs = [bb.one_run(site, out) for _ in range(args.runs)]
        files, size = tree(out)
        questions = 0
        summary = os.path.join(os.path.dirname(site), "SUMMARY.txt")
        if os.path.exists(summary):
            for line in open(summary):
                if line.startswith("questions "):
                    questions = int(line.split()[1])
        shutil.rmtree(out, ignore_errors=True)
        row = {
            "pages": n,
            "wall": statistics.median(r[0] for r in runs),
            "cpu": statistics.median(r[1] for r in runs),
            "rss": statistics.median(r[2] for r in runs) / 1024,
        }
        rows.append(row)
        print(f"| {n:,} | {questions:,} | {row['wall']:.1f} | {row['cpu']:.1f} | {row['rss']:,.0f} "
              f"| {files:,} | {size / 2**20:,.0f} |", flush=True)
    if args.svg:
        svg(rows, args.svg)
        print(f"\nplot: {args.svg}")


if __name__ == "__main__":
    main()
