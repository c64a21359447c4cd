#!/usr/bin/env python3
"""Tests of the retrieval-quality harness (bench/eval/run_eval.py): the measures, the reduction of
kyotei's syntax for the baselines, the checks on the judged set, the reading of kyotei-search's
JSON and exit status, and the floor. The judged set in this folder is loaded and checked too."""
import json
import os
import stat
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench", "eval"))
import run_eval  # noqa: E402

REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def write(path, text, mode=None):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if mode:
        os.chmod(path, mode)
    return path


class Measures(unittest.TestCase):
    def test_ndcg_perfect_and_empty(self):
        rels = {"a": 2, "b": 1}
        self.assertAlmostEqual(run_eval.ndcg(["a", "b", "x"], rels), 1.0)
        self.assertEqual(run_eval.ndcg([], rels), 0.0)
        self.assertEqual(run_eval.ndcg(["x", "y"], rels), 0.0)

    def test_ndcg_graded_gains_and_log2_discount(self):
        # [b, a]: DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3)
        got = run_eval.ndcg(["b", "a"], {"a": 2, "b": 1})
        self.assertAlmostEqual(got, (1 + 2 / 1.584962500721156) / (2 + 1 / 1.584962500721156))

    def test_ndcg_counts_only_the_top_ten(self):
        ranked = [f"n{i}" for i in range(10)] + ["a"]
        self.assertEqual(run_eval.ndcg(ranked, {"a": 2}), 0.0)
        self.assertGreater(run_eval.ndcg(ranked[1:], {"a": 2}), 0.0)

    def test_ndcg_ideal_is_cut_at_ten_too(self):
        rels = {f"r{i}": 2 for i in range(15)}
        self.assertAlmostEqual(run_eval.ndcg([f"r{i}" for i in range(10)], rels), 1.0)

    def test_recall_at_100(self):
        rels = {"a": 2, "b": 1}
        self.assertEqual(run_eval.recall(["b", "x"], rels), 0.5)
        self.assertEqual(run_eval.recall(["x"] * 100 + ["a", "b"], rels), 0.0)
        self.assertEqual(run_eval.recall(["a", "b"], rels), 1.0)

    def test_score_means_per_kind_and_over_all_queries(self):
        queries = [{"qid": "q1", "kind": "word", "query": "a"}, {"qid": "q2", "kind": "word", "query": "b"},
                   {"qid": "q3", "kind": "kana", "query": "c"}]
        qrels = {"q1": {"a": 2}, "q2": {"b": 2}, "q3": {"c": 1}}
        _, per_kind, overall = run_eval.score(queries, qrels, {"q1": ["a"], "q2": ["x"], "q3": ["c"]})
        self.assertEqual(per_kind["word"]["ndcg10"], 0.5)
        self.assertEqual(per_kind["kana"]["recall100"], 1.0)
        self.assertAlmostEqual(overall["ndcg10"], 2 / 3)


class PlainWords(unittest.TestCase):
    def test_syntax_is_reduced_to_the_words_to_and(self):
        cases = {
            "観光 OR 医療": ["観光", "医療"],
            "交流 -中国": ["交流"],
            '"経済交流"': ["経済交流"],
            '"青少年 交流" title:覚書': ["青少年", "交流", "覚書"],
            "field:観光 経済": ["観光", "経済"],
            "country:台湾": ["台湾"],
            "signed:2010..2016 観光": ["観光"],
            "青少年\u3000交流": ["青少年", "交流"],
            "youth exchange": ["youth", "exchange"],
            "-": ["-"],
        }
        for query, words in cases.items():
            self.assertEqual(run_eval.plain_words(query), words, query)

    def test_groonga_query_words_are_escaped(self):
        self.assertEqual(run_eval.groonga_query_word('a"(b)\\'), 'a\\"\\(b\\)\\\\')
        self.assertEqual(run_eval.groonga_quote('x "y" \\'), '"x \\"y\\" \\\\"')


class JudgedSetChecks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def assert_refused(self, load, cases):
        """Each file text in cases must make load(path) fail with its message."""
        for text, message in cases.items():
            path = write(os.path.join(self.tmp.name, "judged.tsv"), text)
            with self.assertRaisesRegex(run_eval.JudgedSetError, message, msg=repr(text)):
                load(path)

    def test_bad_qrels_are_refused(self):
        self.assert_refused(lambda path: run_eval.load_qrels(path, {"q1"}, {"a"}), {
            "qid\tdoc_id\tgrade\nq9\ta\t2\n": "unknown qid",
            "qid\tdoc_id\tgrade\nq1\tzz\t2\n": "not in the corpus",
            "qid\tdoc_id\tgrade\nq1\ta\t3\n": "grade must be 1 or 2",
            "qid\tdoc_id\tgrade\nq1\ta\t2\nq1\ta\t1\n": "twice",
            "qid\tdoc_id\tgrade\n": "no relevant agreement for q1",
            "qid\tdoc\tgrade\nq1\ta\t2\n": "header",
        })

    def test_bad_queries_are_refused(self):
        self.assert_refused(run_eval.load_queries, {
            "qid\tkind\tquery\nq1\tfuzzy\ta\n": "unknown kind",
            "qid\tkind\tquery\nq1\tword\ta\nq1\tword\tb\n": "duplicate qid",
            "qid\tkind\tquery\nq1\tword\t \n": "empty query",
            "qid\tkind\tquery\nq1\tword\n": "expected 3 columns",
        })

    def check_shipped(self, prefix, least, kinds):
        corpus = run_eval.load_corpus(os.path.join(REPO, "corpus", "agreements.csv"))
        queries = run_eval.load_queries(os.path.join(HERE, prefix + "queries.tsv"))
        qrels = run_eval.load_qrels(os.path.join(HERE, prefix + "qrels.tsv"), {q["qid"] for q in queries},
                                    {r["id"] for r in corpus})
        self.assertGreaterEqual(len(queries), least)
        for kind in kinds:
            self.assertGreaterEqual(sum(q["kind"] == kind for q in queries), 5, kind)
        self.assertEqual({q["kind"] for q in queries}, set(kinds))
        self.assertEqual(set(qrels), {q["qid"] for q in queries})
        self.assertTrue(all(2 in rels.values() or q["kind"] == "partial"
                            for q in queries for rels in [qrels[q["qid"]]]))

    def test_the_shipped_judged_set(self):
        self.check_shipped("", 48, run_eval.KINDS[:7])

    def test_the_shipped_typed_set(self):
        self.check_shipped("typed-", 50, run_eval.KINDS[7:])


# A stand-in for kyotei-search that answers from a table, with the exit statuses of the real one.
STUB = r'''import json, sys
args = sys.argv[1:]
assert args[:2] == ["--db", sys.argv[2]] and args[2:6] == ["--format", "json", "--limit", "100"], args
query = args[6]
assert len(args) == 7, "the query must be one argument"
answers = {
    "full": (0, {"hits": [{"id": "a"}, {"id": "b"}, {"id": "a"}]}),
    "partial": (1, {"hits": [{"id": "b"}], "partial": True}),
    "partial elsewhere": (1, {"hits": [], "partial_hits": [{"id": "a"}]}),
    "none": (1, {"hits": []}),
}
if query == "broken":
    print("kyotei-search: syntax error near ')'", file=sys.stderr)
    sys.exit(2)
if query == "sanitized":
    print(json.dumps({"hits": [{"id": "a"}]}))
    print("==1==ERROR: AddressSanitizer: heap-use-after-free", file=sys.stderr)
    sys.exit(1)
status, data = answers[query]
print(json.dumps(data))
sys.exit(status)
'''


class KyoteiEngine(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        d = self.tmp.name
        # The interpreter running these tests runs the stand-in too, whatever PATH holds.
        self.stub = write(os.path.join(d, "kyotei-search"), f"#!{sys.executable}\n{STUB}", stat.S_IRWXU)
        self.db = os.path.join(d, "index")
        os.mkdir(self.db)
        self.queries = write(os.path.join(d, "queries.tsv"), "qid\tkind\tquery\n"
                             "q1\tword\tfull\nq2\tpartial\tpartial\nq3\tpartial\tpartial elsewhere\n"
                             "q4\tword\tnone\nq5\tsyntax\tbroken\nq6\tword\tsanitized\n")
        self.qrels = write(os.path.join(d, "qrels.tsv"), "qid\tdoc_id\tgrade\n"
                           "q1\ta\t2\nq2\tb\t1\nq3\ta\t1\nq4\ta\t2\nq5\ta\t2\nq6\ta\t2\n")
        self.corpus = write(os.path.join(d, "corpus.csv"), "id,title\na,x\nb,y\n")

    def run_main(self, *extra):
        args = ["--engines", "kyotei", "--kyotei-search", self.stub, "--db", self.db, "--queries", self.queries,
                "--qrels", self.qrels, "--corpus", self.corpus, *extra]
        out, err = StringIO(), StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = run_eval.main(args)
        return status, out.getvalue(), err.getvalue()

    def test_hits_partial_hits_and_errors(self):
        out_json = os.path.join(self.tmp.name, "out.json")
        status, out, err = self.run_main("--json", out_json, "--bad", "kyotei")
        self.assertEqual(status, 0, err)
        with open(out_json, encoding="utf-8") as f:
            res = json.load(f)["engines"]["kyotei"]
        returned = {q: v["returned"] for q, v in res["per_query"].items()}
        self.assertEqual(returned, {"q1": ["a", "b"], "q2": ["b"], "q3": ["a"], "q4": [], "q5": [], "q6": []})
        self.assertEqual(res["notes"]["q2"], "partial")
        self.assertIn("syntax error", res["notes"]["q5"])
        self.assertIn("AddressSanitizer", res["notes"]["q6"])
        self.assertIn("q5: error", err)
        # q1, q2, q3 perfect; q4, q5, q6 nothing
        self.assertAlmostEqual(res["overall"]["ndcg10"], 0.5)
        self.assertIn("q4 [word] none", out)
        self.assertNotIn("q1 [word] full:", out)

    def test_floor(self):
        floor = os.path.join(self.tmp.name, "floor.json")
        write(floor, json.dumps({"engine": "kyotei", "ndcg10": 0.5, "recall100": 0.5}))
        self.assertEqual(self.run_main("--floor", floor)[0], 0)
        write(floor, json.dumps({"engine": "kyotei", "ndcg10": 0.51, "recall100": 0.5}))
        status, out, _ = self.run_main("--floor", floor)
        self.assertEqual(status, 1)
        self.assertIn("ndcg10: 0.5000 < floor 0.5100", out)

    def test_write_floor_keeps_a_margin(self):
        floor = os.path.join(self.tmp.name, "new-floor.json")
        self.assertEqual(self.run_main("--write-floor", floor)[0], 0)
        with open(floor, encoding="utf-8") as f:
            self.assertEqual(json.load(f), {"engine": "kyotei", "ndcg10": 0.495, "recall100": 0.495})

    def test_missing_program_is_not_available_and_fails_a_floor(self):
        self.stub = os.path.join(self.tmp.name, "no-such-program")
        floor = write(os.path.join(self.tmp.name, "floor.json"),
                      json.dumps({"engine": "kyotei", "ndcg10": 0.0, "recall100": 0.0}))
        status, out, err = self.run_main("--floor", floor)
        self.assertEqual(status, 2)
        self.assertIn("not available", out)
        self.assertIn("cannot be measured", err)

    def test_baselines_without_their_packages_are_not_available(self):
        saved_path, saved_import = os.environ.get("PATH", ""), run_eval.import_xapian
        os.environ["PATH"] = self.tmp.name  # no groonga, no mecab
        run_eval.import_xapian = lambda: None
        try:
            status, out, _ = self.run_main("--engines", "kyotei,mecab,xapian-ngram,groonga-mecab,groonga-bigram",
                                           "--ipadic", self.tmp.name)
        finally:
            os.environ["PATH"], run_eval.import_xapian = saved_path, saved_import
        self.assertEqual(status, 0)
        for line in ("mecab: not available: python module xapian missing",
                     "xapian-ngram: not available: python module xapian missing",
                     "groonga-mecab: not available: groonga command missing",
                     "groonga-bigram: not available: groonga command missing"):
            self.assertIn(line, out)
        self.assertRegex(out, r"\nkyotei .* 0\.500\n")  # overall, the last column

    def test_a_bad_judged_set_stops_the_run(self):
        write(self.qrels, "qid\tdoc_id\tgrade\nq1\tzz\t2\n")
        status, _, err = self.run_main()
        self.assertEqual(status, 2)
        self.assertIn("not in the corpus", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
