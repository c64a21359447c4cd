#!/usr/bin/env python3
"""The benchmark's own tests (ctest label "bench"): the generators are deterministic and make
what kyotei-index accepts, and run.py goes end to end on a few hundred agreements with every
engine this machine has. Nothing here times anything.

  KYOTEI_BIN=build/bin python3 bench/test_bench.py
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402
import gen_queries  # noqa: E402
import run  # noqa: E402

BIN = os.environ.get("KYOTEI_BIN", os.path.join(HERE, "..", "build", "bin"))


def generate(n, seed):
    out = io.StringIO()
    gen_corpus.generate(gen_corpus.Pool(gen_corpus.DEFAULT_CORPUS), n, seed, out)
    return out.getvalue()


class Generators(unittest.TestCase):
    def test_corpus_is_deterministic_and_well_formed(self):
        a, b, c = generate(200, 1), generate(200, 1), generate(200, 2)
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)
        rows = list(csv.DictReader(io.StringIO(a)))
        self.assertEqual(len(rows), 200)
        self.assertEqual(len({r["id"] for r in rows}), 200)
        for r in rows:
            for col in ("id", "title", "description", "municipality", "prefecture", "partner"):
                self.assertTrue(r[col], (col, r))
        # recombined: many different descriptions and pairs, from the corpus's own names
        self.assertGreater(len({r["description"] for r in rows}), 150)
        with open(gen_corpus.DEFAULT_CORPUS, encoding="utf-8", newline="") as f:
            real = list(csv.DictReader(f))
        self.assertTrue({r["municipality"] for r in rows} <= {r["municipality"] for r in real})
        self.assertTrue({r["country"] for r in rows} <= {r["country"] for r in real})

    def test_titles_name_their_own_partner(self):
        # a borrowed title naming its old partner gets the new one
        pool = gen_corpus.Pool(gen_corpus.DEFAULT_CORPUS)
        self.assertEqual(gen_corpus.renamed("岩手県と大連市との協定", "岩手県", "大連市", "秋田県", "天津市"),
                         "秋田県と天津市との協定")
        self.assertTrue(pool.sentences)

    def test_kyotei_index_accepts_the_corpus(self):
        with tempfile.TemporaryDirectory(prefix="kyotei-bench-test-") as tmp:
            path = os.path.join(tmp, "a.csv")
            gen_corpus.main(["--n", "150", "--seed", "3", "--out", path])
            p = subprocess.run([os.path.join(BIN, "kyotei-index"), "--check", path], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("150 rows read", p.stderr)

    def test_queries(self):
        with tempfile.TemporaryDirectory(prefix="kyotei-bench-test-") as tmp:
            a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
            gen_queries.main(["--n", "300", "--seed", "5", "--out", a])
            gen_queries.main(["--n", "300", "--seed", "5", "--out", b])
            with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
                qa, qb = fa.read(), fb.read()
        self.assertEqual(qa, qb)
        lines = qa.splitlines()
        self.assertEqual(len(lines), 300)
        self.assertTrue(any(line.startswith("country:") for line in lines))
        self.assertTrue(any(line.startswith("field:") for line in lines))
        for line in lines:
            words, countries, fields = run.split_query(line)
            self.assertTrue(1 <= len(words) <= 3, line)
            self.assertLessEqual(len(countries) + len(fields), 1, line)
        self.assertEqual(run.split_query("country:中国 観光 交流"), (["観光", "交流"], ["中国"], []))

    def test_percentile(self):
        self.assertEqual(run.percentile(list(range(1, 101)), 50), 50)
        self.assertEqual(run.percentile(list(range(1, 101)), 99), 99)
        self.assertEqual(run.percentile([7], 99), 7)


class XapianFloor(unittest.TestCase):
    """xapian-floor (xapian-floor.md) keeps building and writes what it says, on 300 agreements."""

    def run_floor(self, csv_path, db, *args):
        p = subprocess.run([os.path.join(BIN, "xapian-floor"), "--out", db, *args, csv_path],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        f = p.stdout.split()
        return {f[i]: float(f[i + 1]) for i in range(0, len(f), 2)}

    def test_floor(self):
        with tempfile.TemporaryDirectory(prefix="kyotei-bench-test-") as tmp:
            path = os.path.join(tmp, "a.csv")
            gen_corpus.main(["--n", "300", "--seed", "4", "--out", path])
            plain = self.run_floor(path, os.path.join(tmp, "plain"), "--flush", "100")
            full = self.run_floor(path, os.path.join(tmp, "full"), "--threads", "2", "--block", "50", "--inline", "--segment", "100",
                                  "--positions", "--values", "--termlists", "--data")
            self.assertEqual(plain["rows"], 300)
            self.assertEqual(full["rows"], 300)
            # MeCab on the writing threads finds the same words as MeCab beforehand
            self.assertGreater(plain["tokens"], 300)
            self.assertEqual(full["tokens"], plain["tokens"])
            self.assertEqual(full["parts"], 4)  # 2 threads of 150, each a new database after 100
            self.assertGreater(plain["size"], 0)
            self.assertGreater(full["size"], plain["size"])
            self.assertFalse(os.path.exists(os.path.join(tmp, "full.parts")))  # merged, then removed
            try:
                import xapian
            except ImportError:  # python3-xapian: what the xapian-ngram engine needs too
                xapian = None
            if xapian:
                a, b = xapian.Database(os.path.join(tmp, "plain")), xapian.Database(os.path.join(tmp, "full"))
                self.assertEqual((a.get_doccount(), b.get_doccount()), (300, 300))
                self.assertEqual((a.has_positions(), b.has_positions()), (False, True))
                self.assertEqual(a.get_termfreq("協定"), b.get_termfreq("協定"))
                self.assertGreater(a.get_termfreq("協定"), 0)
                doc = b.get_document(1)
                self.assertTrue(doc.get_data().startswith(b"bench-"), doc.get_data()[:40])
                self.assertTrue(doc.get_value(1))
            p = subprocess.run([os.path.join(BIN, "xapian-floor"), "--out", os.path.join(tmp, "x"), "--flush", "0",
                                path], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)
            self.assertIn("--flush", p.stderr)


class Harness(unittest.TestCase):
    def test_end_to_end(self):
        with tempfile.TemporaryDirectory(prefix="kyotei-bench-test-") as tmp:
            out = os.path.join(tmp, "figures.json")
            p = subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--bin", BIN, "--sizes", "300",
                                "--queries", "15", "--cgi-runs", "2", "--work", tmp, "--json", out],
                               capture_output=True, text=True, timeout=600)
            self.assertEqual(p.returncode, 0, p.stderr[-3000:])
            self.assertIn("| kyotei |", p.stdout)
            with open(out, encoding="utf-8") as f:
                report = json.load(f)
        engines = report["sizes"]["300"]["engines"]
        self.assertEqual(sorted(engines), sorted(run.ENGINES))
        for name in ("kyotei", "mecab"):  # always there: they come with kyotei
            self.assertNotIn("skipped", engines[name], engines[name])
        for name, r in engines.items():
            if "skipped" in r:
                self.assertTrue(r["skipped"])  # says why
                continue
            self.assertGreater(r["build_s"], 0, name)
            self.assertGreater(r["peak_rss"], 0, name)
            if name != "mecab":
                self.assertGreater(r["size"], 0, name)
            if name in ("kyotei", "groonga", "sqlite", "xapian-ngram"):  # warm queries
                self.assertEqual(r["queries"], 15, name)
                self.assertGreater(r["p99_ms"], 0, name)
                self.assertGreaterEqual(r["p99_ms"], r["p50_ms"], name)
                self.assertEqual(r["errors"], 0, name)
                self.assertGreater(r["mean_matches"], 0, name)
            if name in ("kyotei", "omega"):  # one CGI request
                self.assertGreater(r["cgi_ms"], 0, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
