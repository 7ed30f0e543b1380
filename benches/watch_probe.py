#!/usr/bin/env python3
"""Measure `spotlight watch` on a project: its first (cold) build, then the first rebuild after
one paragraph of one chapter is edited.

    benches/watch_probe.py BIN PROJECT OUT --chapter chapters/en/05-x.md --name NAME --run N [--raw FILE]

Starts `BIN watch --project PROJECT --out OUT`, waits for its `built ... in X s` line and for
`watching`, changes one word of the first long paragraph of the chapter (a new word each run),
waits for `rebuilt ... in Y s`, then stops the watcher it started (SIGINT to its own process
id, SIGKILL after 20 s). The times are the ones watch prints: the build itself, without the
file-system event and the quiet period watch waits for (printed too, as `latency`).
Appends two lines to --raw in bench.sh's format (NAME_cold and NAME_rebuild; RSS and CPU are `-`) and
prints one JSON line. Exits 1 (with watch's output) when watch fails or prints something else.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import queue

BUILT = re.compile(r"^(built|rebuilt) (.*) in ([0-9.]+) s \((\d+) error")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("project")
    ap.add_argument("out")
    ap.add_argument("--chapter", required=True)
    ap.add_argument("--name", default="watch")
    ap.add_argument("--run", type=int, default=1)
    ap.add_argument("--raw")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--show", action="store_true", help="print what watch printed (to stderr)")
    ap.add_argument("--watch-arg", action="append", default=[], help="pass this argument to watch too")
    args = ap.parse_args()

    path = os.path.join(args.project, args.chapter)
    text = open(path, encoding="utf-8").read()
    paragraphs = text.split("\n\n")
    # The first long prose paragraph (not a heading, table, list or note).
    index = next(i for i, p in enumerate(paragraphs)
                 if len(p) > 400 and p[:1].isalpha() and "|" not in p and not p.startswith("**"))

    proc = subprocess.Popen([args.bin, "watch", "--project", args.project, "--out", args.out] + args.watch_arg,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    log = []

    def reader():
        for line in proc.stderr:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(pred, what):
        deadline = time.monotonic() + args.timeout
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                fail(f"watch ended or stalled before {what}")
            log.append(line)
            m = pred(line)
            if m:
                return m

    def fail(why):
        stop()
        sys.stderr.write(f"watch_probe: {why}; watch printed:\n" + "\n".join(log[-30:]) + "\n")
        sys.exit(1)

    def stop():
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def built(verb):
        def pred(line):
            m = BUILT.match(line)
            if m and m.group(1) == verb:
                if m.group(4) != "0":
                    fail(f"the {verb} build had errors")
                return m
            return None
        return pred

    cold = float(wait_for(built("built"), "the first build").group(3))
    wait_for(lambda l: l.startswith("watching "), "watching")
    words = paragraphs[index].split(" ")
    words[len(words) // 2] = f"edited{args.run}"
    paragraphs[index] = " ".join(words)
    edited_at = time.monotonic()
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n\n".join(paragraphs))
    m = wait_for(built("rebuilt"), "the rebuild")
    latency = time.monotonic() - edited_at
    rebuild = float(m.group(3))
    if args.show:
        # What watch prints after the rebuild line (its --timings table).
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            log.append(line)
    stop()
    if args.show:
        sys.stderr.write("\n".join(log) + "\n")
    result = {"cold_s": cold, "rebuild_s": rebuild, "latency_s": round(latency, 3), "rebuilt": m.group(2),
              "chapter": args.chapter, "run": args.run}
    if args.raw:
        with open(args.raw, "a", encoding="utf-8") as f:
            for suffix, seconds in (("cold", cold), ("rebuild", rebuild)):
                f.write(f"{args.name}_{suffix}\t{args.run}\t{seconds * 1e9:.0f}\t-\t-\t-\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
