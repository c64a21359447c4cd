#!/usr/bin/env python3
"""kyotei-index's options for speed and layout, end to end: --threads, --flush, --shards and
--no-compact give an index that kyotei-search reads as the plain one; an update keeps the index's
number of shards; bad values are refused."""
import json
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["KYOTEI_BIN"]
CORPUS = os.path.join(os.environ["KYOTEI_SOURCE"], "corpus", "agreements.csv")
QUERIES = ["交流", "観光 経済", "country:中国", "かんこう", "\"経済交流\""]


def run(*args):
    return subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True, text=True, timeout=120)


def results(db, query):
    p = run("kyotei-search", "--db", db, "--format", "json", "--limit", "50", query)
    assert p.returncode in (0, 1), p.stderr
    o = json.loads(p.stdout)
    return o["total"], [(h["id"], round(h["score"], 9)) for h in o["hits"]], o.get("facets")


class Options(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="kyotei-index-cli-")
        self.plain = os.path.join(self.tmp.name, "plain")
        p = run("kyotei-index", "--quiet", "--threads", "1", "--no-compact", "--db", self.plain, CORPUS)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def test_every_layout_searches_alike(self):
        for name, opts in (("threads", ["--threads", "2", "--flush", "7"]),
                           ("sharded", ["--shards", "3", "--threads", "2"]),
                           ("one-shard", ["--shards", "1", "--threads", "3"])):
            db = os.path.join(self.tmp.name, name)
            p = run("kyotei-index", "--quiet", "--db", db, *opts, CORPUS)
            self.assertEqual(p.returncode, 0, p.stderr)
            for q in QUERIES:
                self.assertEqual(results(db, q), results(self.plain, q), (name, q))
        with open(os.path.join(self.tmp.name, "sharded", "XAPIANDB")) as f:
            self.assertEqual(f.read(), "auto gen-1/shard-0\nauto gen-1/shard-1\nauto gen-1/shard-2\n")

    def test_update_keeps_the_shards(self):
        db = os.path.join(self.tmp.name, "sharded")
        self.assertEqual(run("kyotei-index", "--quiet", "--db", db, "--shards", "2", CORPUS).returncode, 0)
        p = run("kyotei-index", "--db", db, "--update", "--shards", "3", CORPUS)
        self.assertEqual(p.returncode, 2)
        self.assertIn("has 2 shards; rebuild it to change that", p.stderr)
        p = run("kyotei-index", "--db", db, "--update", CORPUS)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("40 unchanged", p.stderr)

    def test_bad_values(self):
        for opt, value in (("--threads", "0"), ("--threads", "65"), ("--flush", "-3"), ("--flush", "x"),
                           ("--shards", "0"), ("--shards", "257")):
            p = run("kyotei-index", "--db", os.path.join(self.tmp.name, "x"), opt, value, CORPUS)
            self.assertEqual(p.returncode, 2, (opt, value))
            self.assertIn(f"{opt}: expected a number", p.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "x")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
