#!/usr/bin/env python3
"""Runs kyotei's unit and end-to-end tests under valgrind memcheck (ctest label "valgrind").

  run.py --build DIR [-j N] [-R REGEX]

The tests are the build's own, read from `ctest --show-only=json-v1`:
  - every cmocka test (label "unit") runs as `valgrind PROGRAM`;
  - every end-to-end test that finds the programs through KYOTEI_BIN runs as it is, with
    KYOTEI_BIN pointing at wrappers that start kyotei-index and kyotei-search under valgrind and
    write one log a process; the logs are read afterwards, so an error in a run whose exit status
    the test does not look at (a run it kills, say) still counts. Runs over input files larger
    than NATIVE_ABOVE_BYTES run natively (the tests' own time limits).
A test passes when it passes and valgrind saw no error and no leak (definite, indirect or
possible). Suppressions: kyotei.supp beside this script, for third-party libraries only.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OPTIONS = [
    "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
    "--show-leak-kinds=definite,indirect,possible", "--errors-for-leak-kinds=definite,indirect,possible",
    "--suppressions=" + os.path.join(HERE, "kyotei.supp"), "--gen-suppressions=all", "--num-callers=30",
]
PROGRAMS = ["kyotei-index", "kyotei-search"]


def tests_of(build):
    out = subprocess.run(["ctest", "--test-dir", build, "--show-only=json-v1"], capture_output=True, text=True,
                         check=True).stdout
    for t in json.loads(out)["tests"]:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        yield t["name"], t.get("command", []), props


def environment_of(props):
    env = dict(os.environ)
    for item in props.get("ENVIRONMENT", []):
        key, _, value = item.partition("=")
        env[key] = value
    return env


# Input files larger than this are indexed natively: the end-to-end tests time their runs (120 s
# each), and 20,000 agreements under valgrind take longer. The same code reads and indexes every
# smaller file under valgrind.
NATIVE_ABOVE_BYTES = 1_000_000


def make_wrappers(bin_dir, log_dir, into):
    """Scripts named like the programs that run the real ones under valgrind."""
    os.makedirs(into, exist_ok=True)
    for name in PROGRAMS:
        real = os.path.join(bin_dir, name)
        path = os.path.join(into, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n")
            f.write("for a in \"$@\"; do\n"
                    f"  if [ -f \"$a\" ] && [ \"$(stat -c %s \"$a\")\" -gt {NATIVE_ABOVE_BYTES} ]; then "
                    f"exec '{real}' \"$@\"; fi\n"
                    "done\n")
            f.write("exec valgrind " + " ".join(f"'{o}'" for o in OPTIONS) +
                    f" '--log-file={log_dir}/{name}.%p.log' '{real}' \"$@\"\n")
        os.chmod(path, 0o755)
    return into


BAD_LOG = re.compile(r"ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|possibly lost: [1-9]")


def bad_logs(log_dir):
    bad = []
    for path in sorted(glob.glob(os.path.join(log_dir, "*.log"))):
        with open(path, errors="replace") as f:
            text = f.read()
        # a process killed on purpose (SIGKILL) leaves a log without a summary: nothing to judge
        if BAD_LOG.search(text):
            bad.append((path, text))
    return bad


def run_one(name, command, props, build, scratch):
    start = time.monotonic()
    env = environment_of(props)
    cwd = props.get("WORKING_DIRECTORY") or build
    labels = props.get("LABELS", [])
    if "unit" in labels:
        argv = ["valgrind", *OPTIONS, *command]
        log_dir = None
    else:
        log_dir = os.path.join(scratch, name, "logs")
        os.makedirs(log_dir)
        env["KYOTEI_BIN"] = make_wrappers(env["KYOTEI_BIN"], log_dir, os.path.join(scratch, name, "bin"))
        # valgrind, like ASan, keeps freed memory aside and adds its own: tests that measure peak
        # memory skip themselves in sanitized runs, and must here too
        env["KYOTEI_SANITIZED"] = "ON"
        argv = command
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, errors="replace")
    output = p.stdout + p.stderr
    ok = p.returncode == 0
    if log_dir:
        bad = bad_logs(log_dir)
        if bad:
            ok = False
            output += "".join(f"\n==== {path}\n{text}" for path, text in bad[:5])
    return name, ok, time.monotonic() - start, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("-R", default="")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian package valgrind)", file=sys.stderr)
        return 77
    chosen = []
    for name, command, props in tests_of(args.build):
        labels = props.get("LABELS", [])
        if args.R and not re.search(args.R, name):
            continue
        wrapped_bin = any(e.startswith("KYOTEI_BIN=") for e in props.get("ENVIRONMENT", []))
        if "unit" in labels or ("e2e" in labels and wrapped_bin):
            chosen.append((name, command, props))
    failed = []
    with tempfile.TemporaryDirectory(prefix="kyotei-valgrind-") as scratch:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
            jobs = [pool.submit(run_one, n, c, p, args.build, scratch) for n, c, p in chosen]
            for job in concurrent.futures.as_completed(jobs):
                name, ok, seconds, output = job.result()
                print(f"{'ok    ' if ok else 'FAILED'} {name} ({seconds:.1f} s)", flush=True)
                if not ok:
                    failed.append(name)
                    print(output[-20000:], flush=True)
    print(f"valgrind: {len(chosen) - len(failed)} of {len(chosen)} tests clean")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
