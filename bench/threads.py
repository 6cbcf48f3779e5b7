#!/usr/bin/env python3
"""Per-thread CPU timeline of one command, to see which stretches of a build
run on one core.

Usage: python3 bench/threads.py LOG -- COMMAND [ARGS...]

Every 0.5 s (or TICK seconds, from the environment) it writes one line to LOG: seconds since the start, the
process's RSS, and for each thread name the CPU ticks (user + system, from
/proc/<pid>/task/*/stat; 100 a second per core) used since the last line.
Two fully busy cores show as about 100 per line. Linux only.
"""
import os
import subprocess
import sys
import time


def sample(pid):
    """{tid: (thread name, ticks so far)} and RSS in KiB, or None once gone."""
    now = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            name = s[s.index("(") + 1:s.rindex(")")]
            fields = s[s.rindex(")") + 2:].split()
            now[tid] = (name, int(fields[11]) + int(fields[12]))
        with open(f"/proc/{pid}/status") as f:
            rss = next(l for l in f if l.startswith("VmRSS")).split()[1]
    except (OSError, StopIteration):
        return None
    return now, int(rss)


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    log, cmd = sys.argv[1], sys.argv[3:]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    prev = {}
    t0 = time.monotonic()
    with open(log, "w") as f:
        while p.poll() is None:
            time.sleep(float(os.environ.get("TICK", "0.5")))
            got = sample(p.pid)
            if got is None:
                break
            now, rss = got
            by_name = {}
            for tid, (name, ticks) in now.items():
                by_name[name] = by_name.get(name, 0) + ticks - prev.get(tid, (name, 0))[1]
            prev = now
            busy = " ".join(f"{k}:{v}" for k, v in sorted(by_name.items()) if v > 0)
            f.write(f"{time.monotonic() - t0:6.1f} rss={rss // 1024}M {busy}\n")
            f.flush()
    code = p.wait()
    print(f"exit {code}, wall {time.monotonic() - t0:.1f} s; timeline in {log}")


if __name__ == "__main__":
    main()
