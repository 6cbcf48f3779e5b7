#!/usr/bin/env python3
"""Page weight per page type: HTML + the CSS and JS each page loads, gzipped.

Usage: python3 bench/page-weight.py [PUBLIC_DIR] [--budget-kb 60] [--level 6]

PUBLIC_DIR is a built site (default: public/, from `faqtory build`). For every
HTML page it adds the gzipped size of the page and of every stylesheet
(<link rel="stylesheet">) and script (<script src>) it references, each file
compressed on its own as a web server would send it. Search data (the index
shards, the manifest and the wasm module that search.js fetches on first
query) is not referenced by the page and so is not counted, as the budget in
issue 7 says. Prints a markdown table per page type and exits 1 when a page
is over the budget.
"""
import argparse
import gzip
import os
import re
import statistics
import sys
from urllib.parse import unquote, urlsplit

REF = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')
ROOT_ATTR = re.compile(r'<html[^>]*\bdata-root="([^"]*)"')


def gz(data, level):
    return len(gzip.compress(data, compresslevel=level, mtime=0))


def kind_of(rel, html):
    if rel == "index.html":
        return "home"
    if rel == "404.html":
        return "404"
    if rel == "search/index.html":
        return "search"
    if rel == "questions/index.html":
        return "questions"
    if 'property="og:type" content="article"' in html:
        return "faq" if '"FAQPage"' in html else "article"
    return "category"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("public", nargs="?", default="public")
    ap.add_argument("--budget-kb", type=float, default=60.0)
    ap.add_argument("--level", type=int, default=6, help="gzip level (nginx's default gzip_comp_level is 1, most CDNs use 6)")
    args = ap.parse_args()
    pub = os.path.abspath(args.public)
    if not os.path.isfile(os.path.join(pub, "index.html")):
        sys.exit(f"{args.public}: no index.html here; build the site first (cargo run --release -- build)")

    top = ROOT_ATTR.search(open(os.path.join(pub, "index.html"), encoding="utf-8", errors="replace").read())
    top_root = top.group(1) if top else "/"
    cache = {}
    rows = []  # (kind, rel, html_gz, css_gz, js_gz)
    missing = []
    for dirpath, _, files in os.walk(pub):
        for f in files:
            if not f.endswith(".html"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, pub).replace(os.sep, "/")
            raw = open(path, "rb").read()
            html = raw.decode("utf-8", "replace")
            if 'http-equiv="refresh"' in html and len(raw) < 2048:
                continue  # an alias redirect, not a page
            m = ROOT_ATTR.search(html)
            page_root = m.group(1) if m else top_root
            # A translation lives under its language's root (/en/): classify
            # it by its path inside that root, and label it with the language.
            lang_dir = page_root[len(top_root):] if page_root.startswith(top_root) else ""
            inner = rel[len(lang_dir):] if lang_dir and rel.startswith(lang_dir) else rel
            css = js = 0
            for ref in REF.findall(html):
                url = urlsplit(ref.replace("&amp;", "&"))
                if url.scheme or url.netloc:
                    continue
                p = unquote(url.path)
                if not p.startswith(top_root):
                    continue
                target = os.path.join(pub, p[len(top_root):])
                if not os.path.isfile(target):
                    missing.append(f"{rel}: {ref}")
                    continue
                if target not in cache:
                    cache[target] = gz(open(target, "rb").read(), args.level)
                if p.endswith(".css"):
                    css += cache[target]
                else:
                    js += cache[target]
            kind = kind_of(inner, html)
            if lang_dir:
                kind += f" ({lang_dir.strip('/')})"
            rows.append((kind, rel, gz(raw, args.level), css, js))

    budget = args.budget_kb * 1024
    kb = lambda n: f"{n / 1024:.1f}"
    print(f"Page weight of {args.public} (gzip -{args.level}; KB = 1024 bytes; budget {args.budget_kb:g} KB per page)\n")
    print("| page type | pages | HTML (max) | CSS | JS | total max | total median | heaviest page |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    order = ["home", "category", "faq", "article", "questions", "search", "404"]
    over = []
    def rank(k):
        base, _, lang = k.partition(" ")
        return (lang, order.index(base) if base in order else 99)

    for kind in sorted({r[0] for r in rows}, key=rank):
        rs = [r for r in rows if r[0] == kind]
        totals = [r[2] + r[3] + r[4] for r in rs]
        heavy = max(rs, key=lambda r: r[2] + r[3] + r[4])
        print(f"| {kind} | {len(rs)} | {kb(max(r[2] for r in rs))} | {kb(heavy[3])} | {kb(heavy[4])} | "
              f"{kb(max(totals))} | {kb(statistics.median(totals))} | {heavy[1]} |")
        over += [r for r in rs if r[2] + r[3] + r[4] > budget]
    for m in missing:
        print(f"\nmissing asset: {m}", file=sys.stderr)
    if over:
        for r in over:
            print(f"OVER BUDGET: {r[1]} is {kb(r[2] + r[3] + r[4])} KB", file=sys.stderr)
        sys.exit(1)
    if missing:
        sys.exit(1)
    print(f"\nAll {len(rows)} pages are under {args.budget_kb:g} KB.")


if __name__ == "__main__":
    main()
