"""kyotei-search over shards and in batches, as people and programs run it: the bundled corpus split
in three by a hash of the id and indexed by kyotei-index, two of the parts served by xapian-tcpsrv
on 127.0.0.1, must give exactly what one index gives; a shard that is down (a closed port, a server
that accepts connections and never answers) gives a clear error and exit status 2 within the
timeouts, or with --allow-partial the other shards' results marked partial; --batch answers one
line of JSON a query, from a file or as a co-process on stdin.

Run by ctest (tests/shards/CMakeLists.txt), which sets KYOTEI_BIN and KYOTEI_SOURCE. Every server
runs under timeout(1) and is stopped by the test that started it."""

import csv
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import zlib

BIN = os.environ["KYOTEI_BIN"]
SOURCE = os.environ["KYOTEI_SOURCE"]
CORPUS = os.path.join(SOURCE, "corpus", "agreements.csv")
TCPSRV = shutil.which("xapian-tcpsrv")
DELVE = shutil.which("xapian-delve")
SERVER_LIFETIME_S = 120
# Short enough for the failure tests, long enough for live servers on a machine busy with other work.
QUICK = ["--connect-timeout", "1000", "--remote-timeout", "2000"]
QUERIES = ["青少年 交流", "交流", "観光 OR 医療", "交流 -中国", '"経済交流"', "かんこう", "tourism",
           "country:中国 観光", "signed:2010..2016 交流", "title:覚書", "青少年 宇宙", "ペンギン"]


def run(program, *args, stdin=None, timeout=60):
    env = dict(os.environ)
    env.pop("KYOTEI_DB", None)
    return subprocess.run([os.path.join(BIN, program), *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=timeout)


def search_json(*args):
    p = run("kyotei-search", "--format", "json", *args)
    if p.returncode not in (0, 1):
        raise AssertionError(f"kyotei-search {args} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def strip_scores(result):
    """The result with scores rounded: the same BM25 sums may differ in the last bits."""
    for hit in result.get("hits", []):
        hit["score"] = round(hit["score"], 9)
    return result


class SilentServer:
    """Accepts connections and never answers (nor closes them) until stopped."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.clients = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                self.clients.append(self.sock.accept()[0])
            except (socket.timeout, OSError):
                pass

    def stop(self):
        self.running = False
        self.thread.join()
        for c in self.clients:
            c.close()
        self.sock.close()


class ShardsTest(unittest.TestCase):
    """The whole corpus in one index, and in three shards."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="kyotei-shards-")
        with open(CORPUS, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        parts = [[], [], []]
        for row in body:
            parts[zlib.crc32(row[0].encode()) % 3].append(row)
        cls.whole = cls.index("whole", CORPUS)
        cls.shards = []
        for k, part in enumerate(parts):
            assert len(part) >= 2, "every shard has agreements"
            path = os.path.join(cls.dir, f"part{k}.csv")
            with open(path, "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows([header] + part)
            cls.shards.append(cls.index(f"shard{k}", path))
        cls.rows = len(body)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def index(cls, name, csv_path):
        db = os.path.join(cls.dir, name)
        p = run("kyotei-index", "--quiet", "--db", db, csv_path)
        assert p.returncode == 0, p.stderr
        return db

    def serve(self, path, port=None):
        """xapian-tcpsrv for path on 127.0.0.1; stopped when the test ends."""
        if not TCPSRV:
            self.skipTest("xapian-tcpsrv not installed (Debian: xapian-tools)")
        for _ in range(5):
            p_port = port or free_port()
            proc = subprocess.Popen(["timeout", str(SERVER_LIFETIME_S), TCPSRV, "--port", str(p_port),
                                     "--interface", "127.0.0.1", "--quiet", path],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            self.addCleanup(self.stop, proc)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", p_port), timeout=1).close()
                    return p_port, proc
                except OSError:
                    time.sleep(0.025)
            self.stop(proc)
        self.fail(f"xapian-tcpsrv did not start for {path}")

    @staticmethod
    def stop(proc):
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
        proc.wait()

    def silent(self):
        server = SilentServer()
        self.addCleanup(server.stop)
        return server.port

    def assert_same(self, want_args, got_args, extra=()):
        for q in QUERIES:
            for options in ([], ["--all"], ["--sort", "-date", "--limit", "5", "--offset", "2"],
                            ["--country", "中国", "--country", "韓国", "--all"]):
                args = [*extra, *options, "--", q]
                want = strip_scores(search_json(*want_args, *args))
                got = strip_scores(search_json(*got_args, *args))
                self.assertEqual(got, want, f"{q} {options}")


class Batch(ShardsTest):
    def test_each_line_answers_like_the_command_line(self):
        lines = QUERIES + ["", "   ", "--limit 3"]  # the last is a query, not an option
        path = os.path.join(self.dir, "questions.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\r\n")
        for source, stdin in ((path, None), ("-", "\n".join(lines))):
            p = run("kyotei-search", "--db", self.whole, "--limit", "3", "--batch", source, stdin=stdin)
            self.assertEqual(p.returncode, 0, p.stderr)
            answers = p.stdout.splitlines()
            asked = [q for q in lines if q.strip()]
            self.assertEqual(len(answers), len(asked))
            for q, line in zip(asked, answers):
                want = search_json("--db", self.whole, "--limit", "3", "--", q)
                self.assertEqual(json.loads(line), want, q)

    def test_filters_on_the_command_line_apply_to_every_line(self):
        p = run("kyotei-search", "--db", self.whole, "--country", "中国", "--batch", "-", stdin="交流\n観光\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        for line in p.stdout.splitlines():
            result = json.loads(line)
            self.assertTrue(result["hits"])
            self.assertTrue(all(h["country"] == "中国" for h in result["hits"]))

    def test_bad_lines_get_an_error_and_the_run_goes_on(self):
        stdin = "交流\n" + "長" * 2000 + "\nペンギン\n観光\n"
        p = run("kyotei-search", "--db", self.whole, "--batch", "-", stdin=stdin)
        self.assertEqual(p.returncode, 2)
        self.assertIn("1 of 4 queries failed", p.stderr)
        answers = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertEqual(len(answers), 4)
        self.assertEqual(answers[1], {"line": 2, "error": "query longer than 4096 bytes"})
        self.assertEqual(answers[2]["total"], 0)
        self.assertGreater(answers[3]["total"], 0)

    def test_exit_status(self):
        found = run("kyotei-search", "--db", self.whole, "--batch", "-", stdin="ペンギン\n交流\n")
        nothing = run("kyotei-search", "--db", self.whole, "--batch", "-", stdin="ペンギン\n\n")
        empty = run("kyotei-search", "--db", self.whole, "--batch", "-", stdin="")
        self.assertEqual((found.returncode, nothing.returncode, empty.returncode), (0, 1, 1))
        self.assertEqual(empty.stdout, "")
        for args in (["交流"], ["--count"], ["--facets"], ["--format", "text"], ["--pivot", "country,field"]):
            p = run("kyotei-search", "--db", self.whole, "--batch", "-", *args, stdin="交流\n")
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("--batch", p.stderr)
            self.assertEqual(p.stdout, "")
        p = run("kyotei-search", "--batch", os.path.join(self.dir, "no-such-file"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("no-such-file", p.stderr)

    def test_co_process_answers_each_line_before_the_next_is_written(self):
        proc = subprocess.Popen([os.path.join(BIN, "kyotei-search"), "--db", self.whole, "--batch", "-"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.kill)
        for q in ("交流", "ペンギン", "観光"):
            proc.stdin.write(q + "\n")
            proc.stdin.flush()
            self.assertEqual(json.loads(proc.stdout.readline())["query"], q)
        proc.stdin.close()
        self.assertEqual(proc.wait(timeout=30), 0)
        proc.stdout.close()


class LocalShards(ShardsTest):
    def test_three_folders_search_as_one(self):
        self.assert_same(["--db", self.whole], [a for s in self.shards for a in ("--db", s)])

    def test_a_shard_list_searches_as_one_and_xapian_reads_it_too(self):
        lists = os.path.join(self.dir, "lists")
        os.makedirs(lists, exist_ok=True)
        path = os.path.join(lists, "national.shards")
        with open(path, "w") as f:
            f.write("# the national list\n" + "".join(f"auto ../{os.path.basename(s)}\n" for s in self.shards))
        self.assert_same(["--db", self.whole], ["--db", path])
        if DELVE:
            p = subprocess.run([DELVE, path], capture_output=True, text=True, timeout=30)
            self.assertIn(f"number of documents = {self.rows}", p.stdout)

    def test_batch_over_shards_equals_batch_over_one_index(self):
        stdin = "\n".join(QUERIES) + "\n"
        one = run("kyotei-search", "--db", self.whole, "--all", "--batch", "-", stdin=stdin)
        three = run("kyotei-search", *[a for s in self.shards for a in ("--db", s)], "--all", "--batch", "-",
                    stdin=stdin)
        self.assertEqual(three.returncode, one.returncode)
        self.assertEqual([strip_scores(json.loads(x)) for x in three.stdout.splitlines()],
                         [strip_scores(json.loads(x)) for x in one.stdout.splitlines()])


class RemoteShards(ShardsTest):
    def test_two_servers_and_a_local_shard_search_as_one(self):
        p1, _ = self.serve(self.shards[1])
        p2, _ = self.serve(self.shards[2])
        mixed = ["--db", self.shards[0], "--db", f"tcp://127.0.0.1:{p1}", "--db", f"tcp://127.0.0.1:{p2}"]
        self.assert_same(["--db", self.whole], mixed)
        # the same as a shard list with remote lines, which xapian-delve opens as well
        path = os.path.join(self.dir, "mixed.shards")
        with open(path, "w") as f:
            f.write(f"auto shard0\nremote 127.0.0.1:{p1}\nremote 127.0.0.1:{p2}\n")
        self.assertEqual(search_json("--db", path, "--all", "交流"), search_json("--db", self.whole, "--all", "交流"))
        if DELVE:
            p = subprocess.run([DELVE, path], capture_output=True, text=True, timeout=30)
            self.assertIn(f"number of documents = {self.rows}", p.stdout)

    def check_down(self, port, says):
        """shard2 down at port: exit 2 quickly, or with --allow-partial the other two, marked."""
        p1, _ = self.serve(self.shards[1])
        down = f"tcp://127.0.0.1:{port}"
        mixed = ["--db", self.shards[0], "--db", f"tcp://127.0.0.1:{p1}", "--db", down]
        start = time.monotonic()
        p = run("kyotei-search", *QUICK, *mixed, "交流")
        self.assertLess(time.monotonic() - start, 10)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, "")
        self.assertIn(down, p.stderr)
        self.assertIn(says, p.stderr)

        two = ["--db", self.shards[0], "--db", self.shards[1]]
        want = search_json(*two, "--all", "交流")
        got = search_json(*QUICK, "--allow-partial", *mixed, "--all", "交流")
        self.assertEqual(got.pop("shards_missing"), [down])
        self.assertEqual(strip_scores(got), strip_scores(want))
        self.assertLess(got["total"], search_json("--db", self.whole, "--all", "交流")["total"])
        text = run("kyotei-search", *QUICK, "--allow-partial", *mixed, "交流")
        self.assertEqual(text.returncode, 0)
        self.assertTrue(text.stdout.startswith(f"Partial results: 1 shard did not answer: {down}\n"))
        self.assertIn(f"warning: shard {down} did not answer", text.stderr)
        facets = search_json(*QUICK, "--allow-partial", *mixed, "--facets", "交流")
        self.assertEqual(facets["shards_missing"], [down])
        count = run("kyotei-search", *QUICK, "--allow-partial", *mixed, "--count", "交流")
        self.assertEqual(count.stdout, f"{want['total']}\n")
        self.assertIn(down, count.stderr)

        # with every shard down there is nothing to answer from
        p = run("kyotei-search", *QUICK, "--allow-partial", "--db", down, "交流")
        self.assertEqual(p.returncode, 2)
        self.assertIn("none of the 1 shard answered", p.stderr)

    def cgi(self, query, **settings):
        """kyotei-search as a web server runs it for QUERY_STRING query: (status, headers, body, log)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("KYOTEI_")}
        env.update(GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD="GET", QUERY_STRING=query, **settings)
        p = subprocess.run([os.path.join(BIN, "kyotei-search")], capture_output=True, env=env, timeout=60)
        head, _, body = p.stdout.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        return int(headers.pop("Status").split()[0]), headers, body.decode(), p.stderr.decode()

    def test_the_search_page_over_a_shard_that_is_down(self):
        """KYOTEI_ALLOW_PARTIAL and the timeouts: the page answers from the shards that are up and
        says that some did not, naming them in the server's log only; without it, 503."""
        p1, _ = self.serve(self.shards[1])
        down = f"127.0.0.1:{self.silent()}"
        path = os.path.join(self.dir, "down.shards")
        with open(path, "w") as f:
            f.write(f"auto shard0\nremote 127.0.0.1:{p1}\nremote {down}\n")
        quick = {"KYOTEI_DB": path, "KYOTEI_CONNECT_TIMEOUT": "1000", "KYOTEI_REMOTE_TIMEOUT": "2000"}
        want = search_json("--db", self.shards[0], "--db", self.shards[1], "--all", "交流")

        start = time.monotonic()
        status, headers, body, log = self.cgi("q=交流", **quick)
        self.assertLess(time.monotonic() - start, 10)
        self.assertEqual(status, 503)
        self.assertNotIn("127.0.0.1", body)
        self.assertIn(down, log)

        partial = dict(quick, KYOTEI_ALLOW_PARTIAL="yes")
        status, headers, body, log = self.cgi("q=交流&format=json", **partial)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Kyotei-Shards-Missing"], "1 of 3")
        self.assertEqual(headers["Cache-Control"], "no-store")
        got = json.loads(body)
        self.assertEqual(got["shards_missing"], ["shard 3 of 3"])
        self.assertEqual(got["total"], want["total"])
        self.assertNotIn("127.0.0.1", body)
        self.assertIn(f"a shard did not answer: tcp://{down}", log)

        status, headers, body, _ = self.cgi("q=交流", **partial)
        self.assertEqual(status, 200)
        self.assertIn('<p class="kt-incomplete" role="status">索引の一部（1件）が応答しなかったため', body)
        self.assertIn(f'<strong class="kt-total">{want["total"]}</strong>件', body)
        self.assertNotIn("127.0.0.1", body)
        status, headers, body, _ = self.cgi("q=交流&format=csv", **partial)
        self.assertEqual((status, headers["Kyotei-Shards-Missing"]), (200, "1 of 3"))
        self.assertEqual(len(list(csv.reader(body.splitlines()))) - 1, want["total"])

        # every shard up: no notice, and the answer may be kept
        with open(path, "w") as f:
            f.write(f"auto shard0\nremote 127.0.0.1:{p1}\nauto shard2\n")
        status, headers, body, _ = self.cgi("q=交流", **partial)
        self.assertEqual(status, 200)
        self.assertNotIn("Kyotei-Shards-Missing", headers)
        self.assertNotIn("Cache-Control", headers)
        self.assertNotIn('class="kt-incomplete"', body)

    def test_closed_port(self):
        self.check_down(free_port(), "Connection refused")

    def test_server_that_never_answers(self):
        self.check_down(self.silent(), "Timeout")

    def test_server_dies_during_a_batch(self):
        port, proc = self.serve(self.shards[2])
        specs = ["--db", self.shards[0], "--db", self.shards[1], "--db", f"tcp://127.0.0.1:{port}"]
        for partial in (False, True):
            if partial:
                port, proc = self.serve(self.shards[2], port)
            # the stopped server refuses at once: no timeout needed
            args = [os.path.join(BIN, "kyotei-search"), *specs, "--limit", "3", "--batch", "-"]
            if partial:
                args.insert(1, "--allow-partial")
            batch = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            self.addCleanup(batch.kill)
            batch.stdin.write("交流\n")
            batch.stdin.flush()
            first = json.loads(batch.stdout.readline())
            self.assertNotIn("shards_missing", first)
            self.stop(proc)
            batch.stdin.write("観光\n経済\n")
            batch.stdin.close()
            rest = [json.loads(line) for line in batch.stdout]
            status = batch.wait(timeout=30)
            batch.stderr.close()
            batch.stdout.close()
            if partial:
                self.assertEqual(status, 0)
                self.assertEqual([r["shards_missing"] for r in rest], [[f"tcp://127.0.0.1:{port}"]] * 2)
            else:
                self.assertEqual(status, 2)
                self.assertEqual(len(rest), 1)  # the run stopped at the line that found the shard down
                self.assertEqual(rest[0]["line"], 2)
                self.assertIn(f"tcp://127.0.0.1:{port}", rest[0]["error"])

    def test_bad_specs(self):
        for spec in ("tcp://127.0.0.1", "tcp://127.0.0.1:0", "tcp://127.0.0.1:99999", "tcp://:80"):
            p = run("kyotei-search", "--db", spec, "交流")
            self.assertEqual(p.returncode, 2, spec)
            self.assertIn("expected tcp://HOST:PORT", p.stderr)
        for option in ("--connect-timeout", "--remote-timeout"):
            p = run("kyotei-search", option, "soon", "交流")
            self.assertEqual(p.returncode, 2)
            self.assertIn(option, p.stderr)


if __name__ == "__main__":
    unittest.main()
