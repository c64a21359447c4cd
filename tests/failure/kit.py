"""What the failure tests share: the built programs (KYOTEI_BIN, set by ctest), scratch
directories, agreement files written by the test, and runs that report their exit status, time
and peak memory."""

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

BIN = os.environ["KYOTEI_BIN"]
MEASURE = os.environ["KYOTEI_MEASURE"]  # the built tests/failure/measure.c
SOURCE = os.environ["KYOTEI_SOURCE"]
CORPUS = os.path.join(SOURCE, "corpus", "agreements.csv")
COLUMNS = ["id", "municipality", "prefecture", "title", "partner", "country", "fields", "description", "signed",
           "url"]
HEADER = ",".join(COLUMNS) + "\n"


def program(name):
    return os.path.join(BIN, name)


def environment(extra=None):
    env = dict(os.environ)
    env.pop("KYOTEI_DB", None)
    env.pop("GATEWAY_INTERFACE", None)
    env.update(extra or {})
    return env


class Run:
    """A finished run: returncode (negative: killed by that signal), stdout, stderr (text),
    seconds, and peak resident memory in MiB."""

    def __init__(self, returncode, stdout, stderr, seconds, max_rss_mib):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.max_rss_mib = max_rss_mib

    def __repr__(self):
        return (f"exit {self.returncode}, {self.seconds:.2f} s, {self.max_rss_mib:.0f} MiB, "
                f"stderr: {self.stderr[-2000:]!r}")


def lsan_suppressions(name):
    """The environment for runs whose leaks in third-party code are expected (sanitizer builds):
    the LeakSanitizer suppression file tests/failure/NAME, whose comment says why."""
    options = [o for o in os.environ.get("LSAN_OPTIONS", "").split(":") if o]
    options.append("suppressions=" + os.path.join(os.path.dirname(os.path.abspath(__file__)), name))
    return {"LSAN_OPTIONS": ":".join(options)}


def run(args, env=None, stdin_bytes=None, feed=None, timeout=300, preexec_fn=None):
    """Runs a program to its end through kt-measure (tests/failure/measure.c), which reports its
    exit and peak memory. stdin_bytes: all of standard input at once; feed: a function given the
    child's standard input to write to (streaming)."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="kyotei-measure-") as report:
        os.chmod(report.name, 0o666)  # a program run as another user (preexec_fn) reports too
        piped = stdin_bytes is not None or feed is not None
        proc = subprocess.Popen([MEASURE, report.name, *args], stdin=subprocess.PIPE if piped else subprocess.DEVNULL,
                                stdout=out, stderr=err, env=environment(env), preexec_fn=preexec_fn,
                                start_new_session=True)
        try:
            if piped:
                try:
                    if feed is not None:
                        feed(proc.stdin)
                    else:
                        proc.stdin.write(stdin_bytes)
                except BrokenPipeError:
                    pass  # the program may stop reading early: that is its right
                finally:
                    try:
                        proc.stdin.close()
                    except BrokenPipeError:
                        pass
            proc.wait(timeout=max(timeout - (time.monotonic() - start), 1))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # kt-measure and the program under it
            proc.wait()
            raise AssertionError(f"{args[0]} still running after {timeout} s")
        seconds = time.monotonic() - start
        with open(report.name) as f:
            how, number, rss_kib = (f.read().split() + ["?", "0", "0"])[:3]
        code = int(number) if how == "exit" else -int(number)
        out.seek(0)
        err.seek(0)
        return Run(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, int(rss_kib) / 1024.0)


def index(db, *files, update=False, env=None, preexec_fn=None):
    args = [program("kyotei-index"), "--quiet", "--db", db] + (["--update"] if update else []) + list(files)
    return run(args, env=env, preexec_fn=preexec_fn)


def search(db, *words, env=None, preexec_fn=None):
    return run([program("kyotei-search"), "--db", db, *words], env=env, preexec_fn=preexec_fn)


def search_all(db):
    """Every agreement in the index as {id: title}; fails the test when the search fails."""
    r = run([program("kyotei-search"), "--db", db, "--all", "--format", "json"])
    if r.returncode not in (0, 1):
        raise AssertionError(f"kyotei-search --all: {r}")
    return {h["id"]: h["title"] for h in json.loads(r.stdout)["hits"]}


def current_generation(db):
    """The Xapian database the index's stub names (DIR/gen-N)."""
    with open(os.path.join(db, "XAPIANDB")) as f:
        kind, name = f.read().split()
    assert kind == "auto", kind
    return os.path.join(db, name)


def xapian_check(path):
    """xapian-check on one database (it does not read kyotei's stub): returns its run."""
    return run(["xapian-check", path], timeout=120)


def write_rows(path, rows):
    """Writes a CSV with kyotei's header; rows are dicts of column -> text."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for row in rows:
            w.writerow([row.get(c, "") for c in COLUMNS])
    return path


def synthetic_rows(prefix, n, title="交流協定"):
    """n agreements that look like the bundled ones, ids prefix-0 … prefix-(n-1)."""
    return [{"id": f"{prefix}-{i}", "municipality": "札幌市", "prefecture": "北海道",
             "title": f"{title}その{i}", "partner": "中国/大連市", "country": "中国", "fields": "経済、観光",
             "description": f"相互の観光交流と経済協力の推進を図るため、職員の相互派遣を行う。{i}回目", "signed": "2008"}
            for i in range(n)]


class ScratchTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kyotei-failure-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)
