#!/usr/bin/env python3
"""Preview-server benchmark: time from saving one page to the reload signal.

Usage: python3 bench/serve-reload.py [--sizes 1000,10000] [--edits 15]
                                     [--work DIR] [--bin PATH]

For each size, generates the corpus with bench/corpus.py (once,
cached in --work), copies its faqtory site to a scratch folder, starts
`faqtory serve --port 0` on it, listens on the reload channel
(/__faqtory/events) like an open page, and then, --edits times: saves a
different page the way an editor does (write a temporary file, rename it over
the page) with a changed answer, and measures the wall time from just before
the write to the `reload` event that names that page. Each edit waits for the
previous rebuild to finish (its log line), so every edit is timed on its own.

Also measured, for context: the first full build at startup (from the
server's log) and the save-to-reload time of a title change, which needs a
full rebuild (median of 3).

Prints a markdown table. Budget: under 150 ms at 1,000 pages.
Needs a release binary: cargo build --release.
"""
import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "bench", "corpus.py")


def default_bin():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "faqtory")


def corpus(n, work):
    out = os.path.join(work, f"n{n}")
    if not os.path.exists(os.path.join(out, "faqtory", "site.yaml")):
        subprocess.run([sys.executable, GEN, str(n), out], check=True,
                       stdout=subprocess.DEVNULL)
    return os.path.join(out, "faqtory")


class Server:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--root", root],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.log = []
        threading.Thread(target=self._read_err, daemon=True).start()
        line = self.proc.stdout.readline()
        m = re.search(r"http://([\d.]+):(\d+)/", line)
        if not m:
            self.proc.kill()
            raise SystemExit(f"serve printed no address: {line!r} {self.log}")
        self.host, self.port = m.group(1), int(m.group(2))

    def _read_err(self):
        for line in self.proc.stderr:
            self.log.append(line.rstrip("\n"))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Events:
    """A reload-channel listener; events go to a queue with arrival times."""

    def __init__(self, host, port):
        self.q = queue.Queue()
        self.sock = socket.create_connection((host, port))
        self.sock.sendall(
            f"GET /__faqtory/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode())
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        f = self.sock.makefile("rb")
        in_head, name, data = True, None, None
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_head:
                in_head = line != ""
                continue
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                self.q.put((time.perf_counter(), name, data))
                name, data = None, None

    def wait(self, pred, timeout):
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            try:
                t, name, data = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if pred(name, data):
                return t

    def drain(self):
        while not self.q.empty():
            self.q.get_nowait()


def editor_save(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def url_of(site, page):
    rel = os.path.relpath(page, os.path.join(site, "content"))
    return "/" + rel[:-3].replace(os.sep, "/") + "/"


def names(url):
    return lambda name, data: name == "reload" and url in json.loads(data)["changed"]


def settled(server, before, timeout=900):
    """Waits until the server logged a finished rebuild after `before` lines."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if any(l.startswith(("Rebuilt", "Built", "Build failed")) for l in server.log[before:]):
            return
        time.sleep(0.01)


def timed_edit(server, ev, site, page, new_text):
    url = url_of(site, page)
    before = len(server.log)
    ev.drain()
    t0 = time.perf_counter()
    editor_save(page, new_text)
    t1 = ev.wait(names(url), 900)
    if t1 is None:
        raise SystemExit(f"no reload for {url}")
    # Let the rest of this rebuild (lists, search) finish: each edit is
    # timed on its own, not queued behind the previous one.
    settled(server, before)
    return (t1 - t0) * 1000


def run_size(binary, n, edits, full_edits, work):
    src = corpus(n, work)
    scratch = tempfile.mkdtemp(prefix=f"serve-bench-{n}-", dir=work)
    site = os.path.join(scratch, "faqtory")
    shutil.copytree(src, site)
    pages = sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(os.path.join(site, "content"))
        for f in fs if f.endswith(".md") and f != "_index.md")
    server = Server(binary, site)
    try:
        ev = Events(server.host, server.port)
        if ev.wait(lambda name, _: name == "hello", 900) is None:
            raise SystemExit("no hello")
        time.sleep(0.5)
        step = max(1, len(pages) // edits)
        body_ms = []
        for i in range(edits):
            page = pages[(i * step + 7) % len(pages)]
            with open(page, encoding="utf-8") as f:
                text = f.read()
            # Change an answer (the page's last paragraph), not its title or
            # questions: the everyday edit.
            body_ms.append(timed_edit(server, ev, site, page, text + f"\n补充说明第 {i} 条。\n"))
            time.sleep(0.25)
        title_ms = []
        for i in range(full_edits):
            page = pages[(i * 31 + 3) % len(pages)]
            with open(page, encoding="utf-8") as f:
                text = f.read()
            new = re.sub(r'^title: "?(.*?)"?$', lambda m: f'title: "{m.group(1)} 新{i}"',
                         text, count=1, flags=re.M)
            title_ms.append(timed_edit(server, ev, site, page, new))
            time.sleep(0.5)
        first = next((l for l in server.log if l.startswith("Built the site")), "?")
        incremental = sum("incrementally" in l for l in server.log)
        inside = [float(m.group(1)) for l in server.log
                  if (m := re.match(r"Rebuilt in ([\d.]+) ms, incrementally", l))]
        return {
            "n": n,
            "body": body_ms,
            "title": title_ms,
            "first_build": first,
            "incremental": incremental,
            "inside": inside,
        }
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--full-edits", type=int, default=3,
                    help="title edits (full rebuilds) to time")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "faqtory-serve-bench"))
    ap.add_argument("--bin", default=default_bin())
    a = ap.parse_args()
    if a.edits < 10:
        raise SystemExit("--edits must be at least 10")
    if not os.path.exists(a.bin):
        raise SystemExit(f"no binary at {a.bin}: cargo build --release")
    os.makedirs(a.work, exist_ok=True)
    print("| pages | body edit → reload signal, median (min–max, p90) | incremental rebuilds | "
          "whole incremental rebuild (server log), median | "
          "title edit → reload (full rebuild), median | first build |")
    print("|---|---|---|---|---|---|", flush=True)
    for n in a.sizes.split(","):
        r = run_size(a.bin, int(n), a.edits, a.full_edits, a.work)
        b = sorted(r["body"])
        p90 = b[min(len(b) - 1, int(round(0.9 * (len(b) - 1))))]
        inside = statistics.median(r["inside"]) if r["inside"] else float("nan")
        title = statistics.median(r["title"]) if r["title"] else float("nan")
        print(f"| {r['n']:,} | {statistics.median(b):.1f} ms ({b[0]:.1f}–{b[-1]:.1f}, {p90:.1f}) "
              f"| {r['incremental']} of {len(b)} | {inside:.1f} ms | {title:.0f} ms "
              f"| {r['first_build'].replace('Built the site in ', '')} |", flush=True)


if __name__ == "__main__":
    main()
