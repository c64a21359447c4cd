#!/usr/bin/env python3
"""What shards cost: one index against the same agreements in N shards, local folders or served by
xapian-tcpsrv on 127.0.0.1, queried warm through kyotei-search --batch - as a co-process (one query
written, its answer read, timed). Not a test and not part of CI: docs/scaling.md quotes its output.

  bench/gen_corpus.py --n 100000 --seed 7 > c100k.csv
  bench/gen_queries.py --n 300 --seed 7 > queries.txt
  tests/shards/measure_remote.py --bin build/bin --corpus c100k.csv --queries queries.txt --work /tmp/ksb

The corpus is split by a CRC-32 of the id (as a hash split would), each part indexed by
kyotei-index into WORK/shardK, the whole into WORK/whole (existing ones are reused). Every
configuration answers every query once to warm up, then --rounds times, the configurations taking
turns, so that a machine busy with other work slows them all alike. Each configuration's answers
must equal the single index's (ids, ranks, totals, facets), or the script stops.

Prints a Markdown table: p50 and p99 latency per query (ms) and the ratio to the single index, for
relevance order, newest-first order and counts only (--limit 0: totals and facets, no page); how
the single index's time grows with the number of matches (exact facets visit every match); and
the index sizes.
"""
import argparse
import csv
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import zlib


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def split(corpus, work, n):
    paths = [os.path.join(work, f"part{k}.csv") for k in range(n)]
    if all(os.path.exists(p) for p in paths):
        return paths
    with open(corpus, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        outs = [open(p, "w", newline="", encoding="utf-8") for p in paths]
        writers = [csv.writer(o) for o in outs]
        for w in writers:
            w.writerow(header)
        for row in rows:
            writers[zlib.crc32(row[0].encode()) % n].writerow(row)
        for o in outs:
            o.close()
    return paths


def index(bin_dir, db, csv_path):
    if os.path.exists(os.path.join(db, "XAPIANDB")):
        return 0.0
    start = time.monotonic()
    subprocess.run([os.path.join(bin_dir, "kyotei-index"), "--quiet", "--db", db, csv_path], check=True)
    return time.monotonic() - start


class Server:
    def __init__(self, path):
        self.port = free_port()
        self.proc = subprocess.Popen(["timeout", "3600", "xapian-tcpsrv", "--port", str(self.port), "--interface",
                                      "127.0.0.1", "--quiet", path], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"xapian-tcpsrv did not start for {path}")

    def stop(self):
        os.killpg(self.proc.pid, 9)
        self.proc.wait()


class Batch:
    """kyotei-search --batch - kept open: one query in, one line of JSON out."""

    def __init__(self, bin_dir, dbs, extra):
        args = [os.path.join(bin_dir, "kyotei-search"), *extra]
        for db in dbs:
            args += ["--db", db]
        self.proc = subprocess.Popen(args + ["--batch", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def ask(self, query):
        start = time.perf_counter()
        self.proc.stdin.write(query + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        return time.perf_counter() - start, json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()
        self.proc.stdout.close()


def essence(answer):
    if "error" in answer:
        raise RuntimeError(f"query failed: {answer}")
    return (answer["total"], [(h["id"], h["rank"], round(h["score"], 9)) for h in answer["hits"]], answer["facets"])


def per_match(bin_dir, whole, queries):
    """Least squares of the single index's time (best of three, --limit 0) on its match count."""
    b = Batch(bin_dir, [whole], ["--limit", "0"])
    points = []
    for q in queries:
        t, answer = min((b.ask(q) for _ in range(3)), key=lambda x: x[0])
        points.append((answer["total"], t * 1000))
    b.close()
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    print(f"one index, counts only: {my - slope * mx:.2f} ms + {slope * 1000:.3f} ms per 1000 matches "
          f"(least squares over {n} queries, matches {min(x for x, _ in points)}..{max(x for x, _ in points)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the folder holding kyotei-index and kyotei-search")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--work", required=True, help="a scratch folder for the parts and indexes")
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("xapian-tcpsrv"):
        sys.exit("xapian-tcpsrv not found (Debian: xapian-tools)")
    os.makedirs(args.work, exist_ok=True)
    with open(args.queries, encoding="utf-8") as f:
        queries = [q.strip() for q in f if q.strip()]

    whole = os.path.join(args.work, "whole")
    t_whole = index(args.bin, whole, args.corpus)
    shards = [os.path.join(args.work, f"shard{k}") for k in range(args.shards)]
    t_shards = [index(args.bin, s, p) for s, p in zip(shards, split(args.corpus, args.work, args.shards))]
    servers = [Server(s) for s in shards]
    remote = [f"tcp://127.0.0.1:{s.port}" for s in servers]
    configs = [("one index", [whole]),
               (f"{args.shards} local shards", shards),
               (f"1 local + {args.shards - 1} remote", [shards[0]] + remote[1:]),
               (f"{args.shards} remote shards", remote)]
    orders = [("relevance", []), ("newest first", ["--sort", "-date"]), ("counts only", ["--limit", "0"])]
    try:
        rows = []
        for order, extra in orders:
            batches = [Batch(args.bin, dbs, extra) for _, dbs in configs]
            want = [essence(batches[0].ask(q)[1]) for q in queries]
            for b in batches[1:]:
                for q, w in zip(queries, want):
                    got = essence(b.ask(q)[1])
                    if got != w:
                        raise RuntimeError(f"shards differ from one index for {q!r}")
            times = [[] for _ in configs]
            for r in range(args.rounds):
                turn = list(range(len(configs)))
                turn = turn[r % len(turn):] + turn[:r % len(turn)]
                for q in queries:
                    for i in turn:
                        times[i].append(batches[i].ask(q)[0] * 1000)
            for b in batches:
                b.close()
            base = None
            for (name, _), t in zip(configs, times):
                t.sort()
                p50 = statistics.median(t)
                p99 = t[min(len(t) - 1, int(len(t) * 0.99))]
                base = base or (p50, p99)
                rows.append((order, name, p50, p99, p50 / base[0], p99 / base[1]))
        print(f"{len(queries)} queries x {args.rounds} rounds, warm; every answer equal to the single index's\n")
        print("| order | configuration | p50 ms | p99 ms | p50 / one index | p99 / one index |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for order, name, p50, p99, r50, r99 in rows:
            print(f"| {order} | {name} | {p50:.2f} | {p99:.2f} | {r50:.2f} | {r99:.2f} |")
        print()
        per_match(args.bin, whole, queries)
        print(f"index: whole {du(whole) / 1e6:.1f} MB" + (f" (built in {t_whole:.0f} s)" if t_whole else "")
              + "; shards " + ", ".join(f"{du(s) / 1e6:.1f} MB" for s in shards)
              + (f" (built in {', '.join(f'{t:.0f} s' for t in t_shards)})" if all(t_shards) else ""))
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    main()
