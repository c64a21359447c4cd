"""kyotei-search --fastcgi behind real web servers on 127.0.0.1, requested with curl: lighttpd's
mod_fastcgi starting it itself (bin-path: the socket on standard input) and nginx's fastcgi_pass
to one started with --listen and --workers 2 (scripts/fcgi-server.sh). Through each: the page,
the fragment, JSON, CSV and HEAD, byte for byte the CGI's answers; 400 and 405; a rebuilt index
seen without a restart; requests at once. Then, for the supervised workers: one killed is
replaced, SIGTERM stops them all. Run by ctest (label fastcgi); see cgitest.py for the
environment. Skipped without lighttpd, nginx or curl, except under CI=true, where that fails."""

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import cgitest
from cgitest import BIN, OUTPUT, SOURCE, curl, parse_html

SCRIPT = os.path.join(SOURCE, "scripts", "fcgi-server.sh")
SEARCH = os.path.join(BIN, "kyotei-search")
CORPUS = os.path.join(SOURCE, "corpus", "agreements.csv")
YOUTH = quote("青少年 交流")
EXCHANGE = quote("交流")
HEADER = "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
# Agreements the bundled corpus does not have: one of them about 交流.
OTHER = (HEADER + "y-1,青森県,青森県,医療の交流協定,韓国/済州,韓国,医療,医療交流,2010,\n"
                  "y-2,青森県,青森県,経済の協定,タイ/バンコク,タイ,経済,経済協力,,\n")

work = None     # a scratch folder: the served index, which the tests rebuild
index = None
servers = {}    # "lighttpd" / "nginx" -> FastCGIServer


class FastCGIServer:
    def __init__(self, kind):
        self.kind = kind
        self.dir = os.path.join(OUTPUT, "servers", "fastcgi-" + kind)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        env = dict(os.environ, KYOTEI_CGI_IDLE="900", KYOTEI_FCGI_WORKERS="2")
        env.pop("KYOTEI_CGI_PORT", None)
        env.pop("KYOTEI_TEMPLATE", None)
        p = subprocess.run([SCRIPT, "start", self.dir, SEARCH, index, kind], capture_output=True, text=True,
                           env=env, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"fcgi-server.sh start {kind} failed: {p.stderr}{self.log()}")
        self.url = p.stdout.strip()

    def stop(self):
        subprocess.run([SCRIPT, "stop", self.dir], timeout=120)

    def log(self):
        text = ""
        for name in ("error.log", "fastcgi.log"):
            try:
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    text += f.read()
            except FileNotFoundError:
                pass
        return text


def setUpModule():
    cgitest.require("lighttpd", "nginx", "curl")
    global work, index
    work = tempfile.mkdtemp(prefix="kyotei-fastcgi-")
    index = os.path.join(work, "index")
    build(CORPUS)
    try:
        for kind in ("lighttpd", "nginx"):
            servers[kind] = FastCGIServer(kind)
    except Exception:
        tearDownModule()
        raise


def tearDownModule():
    for server in servers.values():
        server.stop()
    reports = [line for server in servers.values() for line in server.log().splitlines()
               if "Sanitizer" in line or "runtime error:" in line]
    servers.clear()
    shutil.rmtree(work, ignore_errors=True)
    if reports:
        raise AssertionError("sanitizer reports in the servers' logs:\n" + "\n".join(reports))


def build(csv_path):
    p = subprocess.run([os.path.join(BIN, "kyotei-index"), "--quiet", "--db", index, csv_path], capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"kyotei-index failed: {p.stderr}")


def cgi(query_string, method="GET"):
    """The CGI's own answer to the same request (kyotei-search run as a web server runs it): the
    headers as a dict and the body."""
    env = {"PATH": "/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method,
           "QUERY_STRING": query_string, "KYOTEI_DB": index}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    out = subprocess.run([SEARCH], env=env, capture_output=True, timeout=120).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers, body


def cli_json(*args):
    env = dict(os.environ, KYOTEI_DB=index)
    env.pop("GATEWAY_INTERFACE", None)
    p = subprocess.run([SEARCH, "--format", "json", *args], capture_output=True, text=True, env=env, timeout=120)
    return json.loads(p.stdout)


def total(root):
    return int(root.find("strong", cls="kt-total").text())


class Through:
    """The same checks through each web server (subclasses name it)."""
    kind = None

    def get(self, query, **kw):
        return curl(servers[self.kind].url, query, **kw)

    def assertSameAsCGI(self, query):
        r = self.get(query)
        headers, body = cgi(query)
        self.assertEqual(r.status, int(headers["status"].split()[0]), query)
        for name in ("content-type", "content-length", "content-security-policy", "content-disposition",
                     "cache-control"):
            if name == "content-length" and name not in headers:
                # a streamed answer (the CSV) has no length of its own: the server may count it
                self.assertIn(r.header(name), (None, str(len(r.body))), query)
                continue
            self.assertEqual(r.header(name), headers.get(name), f"{name} of {query}")
        self.assertEqual(r.body, body, query)
        return r

    def test_page(self):
        r = self.assertSameAsCGI("q=" + YOUTH)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        root = parse_html(r.text)
        self.assertEqual(total(root), 3)
        ids = [li.attrs["data-id"] for li in root.find_all("li", cls="kt-hit")]
        self.assertEqual(ids, [h["id"] for h in cli_json("青少年", "交流")["hits"]])
        self.assertEqual(ids[0], "akita-008")

    def test_fragment(self):
        r = self.assertSameAsCGI("q=" + YOUTH + "&format=fragment&country=" + quote("韓国"))
        self.assertTrue(r.text.startswith('<div class="kyotei">'))
        self.assertEqual(total(parse_html(r.text)), 2)

    def test_json(self):
        r = self.assertSameAsCGI("q=" + EXCHANGE + "&format=json&page=2&sort=date")
        self.assertEqual(r.header("content-type"), "application/json")
        got = json.loads(r.body)
        self.assertEqual(got, cli_json("--offset", "10", "--sort", "-date", "交流"))
        self.assertEqual(got["total"], 31)

    def test_csv(self):
        r = self.assertSameAsCGI("q=" + EXCHANGE + "&format=csv")
        self.assertEqual(r.header("content-disposition"), 'attachment; filename="kyotei-agreements.csv"')
        rows = list(csv.DictReader(io.StringIO(r.text, newline="")))
        self.assertEqual([row["id"] for row in rows], [h["id"] for h in cli_json("--all", "交流")["hits"]])
        self.assertEqual(len(rows), 31)

    def test_head(self):
        get = self.get("q=" + EXCHANGE)
        head = self.get("q=" + EXCHANGE, head=True)
        self.assertEqual(head.status, 200)
        self.assertEqual(head.header("content-length"), get.header("content-length"))
        self.assertEqual(head.body, b"")

    def test_bad_parameters_get_400(self):
        for query in ("page=0", "page=1001", "format=xml", "sort=oldest", "since=99", "q=a&q=b", "q=%FF", "q=%ZZ"):
            r = self.assertSameAsCGI(query)
            self.assertEqual(r.status, 400, query)
            self.assertEqual(r.header("content-type"), "text/plain; charset=utf-8")
            self.assertEqual(r.header("cache-control"), "no-store")
            self.assertIn("400 Bad Request", r.text)

    def test_other_methods_get_405(self):
        r = self.get("q=a", method="POST", data="q=a" * 1000)
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD")

    def test_requests_at_once(self):
        queries = ["q=" + EXCHANGE + "&format=json", "q=" + YOUTH + "&format=json", "format=json"] * 8
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(self.get, queries))
        self.assertEqual([json.loads(a.body)["total"] for a in answers], [31, 3, 40] * 8)

    def test_rebuilt_index_is_seen(self):
        before = json.loads(self.get("q=" + EXCHANGE + "&format=json").body)
        self.assertEqual(before["total"], 31)
        other = os.path.join(work, "other.csv")
        with open(other, "w") as f:
            f.write(OTHER)
        try:
            build(other)
            # each worker answers from the new index: ask more often than there are workers
            for _ in range(6):
                after = json.loads(self.get("q=" + EXCHANGE + "&format=json").body)
                self.assertEqual(after["total"], 1)
                self.assertEqual([h["id"] for h in after["hits"]], ["y-1"])
        finally:
            build(CORPUS)
        self.assertEqual(json.loads(self.get("q=" + EXCHANGE + "&format=json").body)["total"], 31)


class ThroughLighttpd(Through, unittest.TestCase):
    kind = "lighttpd"


class ThroughNginx(Through, unittest.TestCase):
    kind = "nginx"


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


class SupervisedWorkers(unittest.TestCase):
    """kyotei-search --fastcgi --listen … --workers 2 as the nginx set-up starts it."""

    def supervisor(self):
        with open(os.path.join(servers["nginx"].dir, "kyotei.pid")) as f:
            return int(f.read())

    def test_a_dead_worker_is_replaced(self):
        sv = self.supervisor()
        workers = children(sv)
        self.assertEqual(len(workers), 2)
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = children(sv)
            if len(now) == 2 and workers[0] not in now:
                break
            time.sleep(0.05)
        self.assertEqual(len(children(sv)), 2)
        self.assertNotIn(workers[0], children(sv))
        self.assertIn(f"worker {workers[0]} ended by signal 9", servers["nginx"].log())
        for _ in range(4):
            r = curl(servers["nginx"].url, "q=" + YOUTH + "&format=json")
            self.assertEqual(json.loads(r.body)["total"], 3)

    def test_sigterm_stops_every_worker(self):
        """A supervisor of its own, so that the nginx one stays up for the other tests."""
        port = subprocess.run(["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
                               "print(s.getsockname()[1])"], capture_output=True, text=True).stdout.strip()
        env = dict(os.environ, KYOTEI_DB=index)
        p = subprocess.Popen([SEARCH, "--fastcgi", "--listen", "127.0.0.1:" + port, "--workers", "3"], env=env,
                             stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 10
            while len(children(p.pid)) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            workers = children(p.pid)
            self.assertEqual(len(workers), 3)
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=30), 0)
            for w in workers:
                self.assertFalse(os.path.exists(f"/proc/{w}"), f"worker {w} still running")
            log = p.stderr.read()
            self.assertIn("stopped by signal 15", log)
            self.assertNotIn("ended by signal", log)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stderr.close()

    def test_refuses_to_start_on_settings_not_understood(self):
        env = dict(os.environ, KYOTEI_DB=index, KYOTEI_ALLOW_PARTIAL="sometimes")
        p = subprocess.run([SEARCH, "--fastcgi", "--listen", "127.0.0.1:1"], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("KYOTEI_ALLOW_PARTIAL: must be", p.stderr)
        p = subprocess.run([SEARCH, "--fastcgi"], env=env, capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 2)
        self.assertIn("standard input is not a listening socket", p.stderr)
        p = subprocess.run([SEARCH, "--fastcgi", "--listen", "nowhere"], env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--listen nowhere: expected HOST:PORT", p.stderr)
        p = subprocess.run([SEARCH, "--workers", "2", "交流"], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("are for --fastcgi", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
