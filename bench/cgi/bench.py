#!/usr/bin/env python3
"""The cost of one CGI request, as a web server pays it: a fresh process that starts, opens the
index, loads what it needs (kyotei: MeCab with IPADIC and its dictionaries), searches and renders
a page. kyotei-search against Xapian Omega's own CGI (Debian's xapian-omega) on the same agreements.

    python3 bench/cgi/bench.py [--build build] [--runs 100] [--out DIR]

Omega's database is made here with scriptindex from corpus/agreements.csv (title, description,
municipality, partner, country and fields indexed; Japanese split into character bigrams by
Xapian's CJK n-gram mode, XAPIAN_CJK_NGRAM=1, for indexing and for queries) and searched with its
stock `query` template. Both programs run as CGI: GATEWAY_INTERFACE, REQUEST_METHOD=GET and a
QUERY_STRING in the environment, the page on stdout. Timing is hyperfine's (median of --runs after
warm-up runs, so the index and the dictionaries are in the page cache, as on a busy server);
without hyperfine, a Python timer around subprocess does the same, with its own overhead in
both columns. Prints a Markdown table (bench/cgi/README.md has the figures of one run).
"""

import argparse
import csv
import json
import os
import re
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(SOURCE, "corpus", "agreements.csv")
OMEGA = "/usr/lib/cgi-bin/omega/omega"
OMEGA_TEMPLATES = "/usr/share/xapian-omega/templates"

OMEGA_SCRIPT = """\
id : field boolean=Q unique=Q
title : weight=2 index field=caption
description : index field=sample
municipality prefecture partner country fields : index field
signed : field
url : field=url
"""

QUERIES = [  # (label, query): what people type
    ("two words", "青少年 交流"),
    ("one word", "交流"),
    ("no match", "宇宙開発"),
]


def omega_record(row):
    lines = []
    for name, value in row.items():
        value = (value or "").replace("\r\n", "\n").replace("\n", "\n=")  # scriptindex continuation lines
        lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n\n"


def build_omega(work):
    data = os.path.join(work, "omega", "data")
    os.makedirs(data)
    dump = os.path.join(work, "omega", "agreements.dump")
    with open(CORPUS, newline="", encoding="utf-8") as f, open(dump, "w", encoding="utf-8") as out:
        for row in csv.DictReader(f):
            out.write(omega_record(row))
    script = os.path.join(work, "omega", "agreements.script")
    with open(script, "w") as f:
        f.write(OMEGA_SCRIPT)
    env = dict(os.environ, XAPIAN_CJK_NGRAM="1")
    subprocess.run(["scriptindex", "--overwrite", os.path.join(data, "agreements"), script, dump], check=True,
                   env=env, stdout=subprocess.DEVNULL)
    conf = os.path.join(work, "omega", "omega.conf")
    os.makedirs(os.path.join(work, "omega", "log"))
    with open(conf, "w") as f:
        f.write(f"database_dir {data}\ntemplate_dir {OMEGA_TEMPLATES}\nlog_dir {work}/omega/log\n"
                f"cdb_dir {work}/omega\n")
    return conf


def cgi_env(query_string, extra):
    env = {"PATH": "/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
           "QUERY_STRING": query_string, "SERVER_NAME": "localhost", "SCRIPT_NAME": "/cgi-bin/search"}
    env.update(extra)
    return env


def run_once(cmd, env):
    p = subprocess.run(cmd, env=env, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {p.returncode}: {p.stderr.decode(errors='replace')[:300]}")
    return p.stdout.decode("utf-8", errors="replace")


def time_it(cmd, env, runs, out_dir, name):
    """Median seconds of one request over `runs` fresh processes."""
    if shutil.which("hyperfine"):
        export = os.path.join(out_dir, f"{name}.json")
        line = " ".join(["env", "-i"] + [f"{k}={v}" for k, v in env.items()] + cmd)
        subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", str(runs), "--export-json", export, line],
                       check=True, stdout=subprocess.DEVNULL)
        with open(export) as f:
            result = json.load(f)["results"][0]
        return result["median"], "hyperfine"
    for _ in range(5):
        run_once(cmd, env)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run_once(cmd, env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), "python"


def kyotei_total(page):
    start = page.find('<strong class="kt-total">')
    return int(page[start + 25:page.index("<", start + 25)]) if start >= 0 else None


def omega_total(page):
    # the stock template says "All 3 matches", "1-10 of exactly 22 matches" or "No documents match"
    m = re.search(r"(?:All |of (?:exactly |about |at least )?)(\d+) match", page)
    return int(m.group(1)) if m else (0 if "No documents" in page else None)


def instructions(cmd, env, out_dir, name):
    """Instructions executed by one request, loader included (valgrind's callgrind): unlike
    seconds, the same for the same binaries and inputs whatever else the machine is doing."""
    if not shutil.which("valgrind"):
        return None
    out = os.path.join(out_dir, f"{name}.callgrind")
    p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd], env=env,
                       capture_output=True, text=True, timeout=300)
    m = re.search(r"Collected : (\d+)", p.stderr)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(SOURCE, "build"), help="kyotei's build tree")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--out", help="where to keep Omega's database and the timings (default: a temporary folder)")
    args = ap.parse_args()

    kyotei = os.path.join(args.build, "bin", "kyotei-search")
    index = os.path.join(args.build, "share", "kyotei", "index")
    for path in (kyotei, index, OMEGA):
        if not os.path.exists(path):
            sys.exit(f"bench: {path} is missing (build kyotei; apt-get install xapian-omega hyperfine)")
    work = args.out or tempfile.mkdtemp(prefix="kyotei-bench-cgi-")
    if os.path.exists(os.path.join(work, "omega")):
        shutil.rmtree(os.path.join(work, "omega"))
    os.makedirs(work, exist_ok=True)
    conf = build_omega(work)

    rows = []
    for label, query in QUERIES:
        q = quote(query)
        k_env = cgi_env(f"q={q}", {"KYOTEI_DB": index})
        o_env = cgi_env(f"DB=agreements&DEFAULTOP=and&P={q}", {"OMEGA_CONFIG_FILE": conf, "XAPIAN_CJK_NGRAM": "1"})
        k_total = kyotei_total(run_once([kyotei], k_env))
        o_total = omega_total(run_once([OMEGA], o_env))
        name = "q" + str(len(rows))
        k_time, timer = time_it([kyotei], k_env, args.runs, work, name + "-kyotei")
        o_time, _ = time_it([OMEGA], o_env, args.runs, work, name + "-omega")
        k_ins = instructions([kyotei], k_env, work, name + "-kyotei")
        o_ins = instructions([OMEGA], o_env, work, name + "-omega")
        rows.append((label, query, k_total, o_total, k_time, o_time, k_ins, o_ins, timer))

    print(f"{platform.machine()}, {os.cpu_count()} cores; {args.runs} runs each ({rows[0][-1]}), median "
          f"milliseconds per request; millions of instructions per request (callgrind)")
    print()
    print("| query | matches kyotei / Omega | kyotei ms | Omega ms | kyotei Minstr | Omega Minstr |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, query, kt, ot, k, o, ki, oi, _ in rows:
        mi = (lambda n: f"{n / 1e6:.1f}" if n else "–")
        print(f"| {query} ({label}) | {kt} / {ot} | {k * 1000:.1f} | {o * 1000:.1f} | {mi(ki)} | {mi(oi)} |")
    if not args.out:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
