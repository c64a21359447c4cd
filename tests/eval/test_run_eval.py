#!/usr/bin/env python3
"""Tests of the retrieval-quality harness (bench/eval/run_eval.py): the measures, the reduction of
kyotei's syntax for the baselines, the checks on the judged set, the reading of kyotei-search's
JSON and exit status, the tables per group of kinds, and the floor (overall, per group of kinds,
per kind). The judged set and the floor in this folder are loaded and checked too."""
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
        _, per_kind, per_group, overall = run_eval.score(queries, qrels, {"q1": ["a"], "q2": ["x"], "q3": ["c"]})
        self.assertEqual(per_kind["word"]["ndcg10"], 0.5)
        self.assertEqual(per_kind["kana"]["recall100"], 1.0)
        self.assertAlmostEqual(overall["ndcg10"], 2 / 3)
        self.assertEqual(per_group["existing"], overall)
        self.assertNotIn("typed", per_group)  # no typed queries, no typed figure

    def test_groups_are_means_over_their_queries_not_their_kinds(self):
        queries = [{"qid": "q1", "kind": "word", "query": "a"}, {"qid": "q2", "kind": "romaji", "query": "b"},
                   {"qid": "q3", "kind": "romaji", "query": "c"}, {"qid": "q4", "kind": "typo", "query": "d"}]
        qrels = {"q1": {"a": 2}, "q2": {"b": 2}, "q3": {"c": 2}, "q4": {"d": 2}}
        _, per_kind, per_group, overall = run_eval.score(queries, qrels,
                                                         {"q1": ["a"], "q2": ["b"], "q3": ["b"], "q4": []})
        self.assertEqual(per_kind["romaji"]["ndcg10"], 0.5)
        self.assertEqual(per_group["existing"]["ndcg10"], 1.0)
        self.assertAlmostEqual(per_group["typed"]["ndcg10"], 1 / 3)  # (1 + 0 + 0) / 3, not (0.5 + 0) / 2
        self.assertEqual(per_group["typed"]["queries"], 3)
        self.assertEqual(overall["ndcg10"], 0.5)

    def test_every_kind_is_in_one_group(self):
        grouped = [k for kinds in run_eval.GROUPS.values() for k in kinds]
        self.assertEqual(sorted(grouped), sorted(run_eval.KINDS))
        self.assertEqual(len(grouped), len(set(grouped)))


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

    def shipped(self):
        corpus = run_eval.load_corpus(os.path.join(REPO, "corpus", "agreements.csv"))
        queries = run_eval.load_queries(os.path.join(HERE, "queries.tsv"))
        qrels = run_eval.load_qrels(os.path.join(HERE, "qrels.tsv"), {q["qid"] for q in queries},
                                    {r["id"] for r in corpus})
        return queries, qrels

    def test_the_shipped_judged_set(self):
        queries, qrels = self.shipped()
        self.assertGreaterEqual(len(queries), 48)
        for kind in run_eval.EXISTING_KINDS:
            self.assertGreaterEqual(sum(q["kind"] == kind for q in queries), 5, kind)
        self.assertEqual(set(qrels), {q["qid"] for q in queries})
        self.assertTrue(all(2 in rels.values() or q["kind"] == "partial"
                            for q in queries for rels in [qrels[q["qid"]]]))

    def test_the_shipped_typed_queries(self):
        # At least as many of each typed kind as the issue "Search as people type it" asks for.
        wanted = {"sentence": 10, "romaji": 8, "place-en": 8, "place-kana": 6, "era": 6, "variant": 6, "typo": 6}
        self.assertEqual(set(wanted), set(run_eval.TYPED_KINDS))
        queries, _ = self.shipped()
        for kind, n in wanted.items():
            self.assertGreaterEqual(sum(q["kind"] == kind for q in queries), n, kind)
        self.assertGreaterEqual(sum(q["kind"] in run_eval.TYPED_KINDS for q in queries), 50)
        # Whole sentences are written without spaces, as Japanese is.
        for q in queries:
            if q["kind"] == "sentence":
                self.assertEqual(run_eval.split_query(q["query"]), [q["query"]], q["qid"])

    def test_the_shipped_floor(self):
        with open(os.path.join(HERE, "floor.json"), encoding="utf-8") as f:
            floor = run_eval.read_floor(json.load(f))
        self.assertEqual(floor["engine"], "kyotei")
        targets = {(scope, what) for _, scope, what, _ in floor["targets"]}
        # The existing kinds keep one floor together; every typed kind has its own.
        self.assertIn(("group", "existing"), targets)
        self.assertEqual({what for scope, what in targets if scope == "kind"}, set(run_eval.TYPED_KINDS))
        queries, _ = self.shipped()
        self.assertTrue(all(any(q["kind"] == k for q in queries) for k in run_eval.TYPED_KINDS))


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

    def test_floor_of_one_overall_figure(self):
        # The first layout of floor.json: the figures over all queries.
        floor = os.path.join(self.tmp.name, "floor.json")
        write(floor, json.dumps({"engine": "kyotei", "ndcg10": 0.5, "recall100": 0.5}))
        self.assertEqual(self.run_main("--floor", floor)[0], 0)
        write(floor, json.dumps({"engine": "kyotei", "ndcg10": 0.51, "recall100": 0.5}))
        status, out, err = self.run_main("--floor", floor)
        self.assertEqual(status, 1)
        self.assertIn("kyotei overall ndcg10: 0.5000 < floor 0.5100", out)
        self.assertIn("fell below the floor (overall ndcg10)", err)

    def typed_set(self):
        """q1 word (all found), q2 romaji (nothing found), q3 typo (all found)."""
        write(self.queries, "qid\tkind\tquery\nq1\tword\tfull\nq2\tromaji\tnone\nq3\ttypo\tpartial\n")
        write(self.qrels, "qid\tdoc_id\tgrade\nq1\ta\t2\nq2\ta\t2\nq3\tb\t1\n")

    def test_floor_per_kind_and_for_the_existing_kinds(self):
        self.typed_set()
        floor = os.path.join(self.tmp.name, "floor.json")
        ok = {"engine": "kyotei", "overall_existing": {"ndcg10": 1.0, "recall100": 1.0},
              "kinds": {"romaji": {"ndcg10": 0.0, "recall100": 0.0}, "typo": {"ndcg10": 1.0, "recall100": 1.0}}}
        write(floor, json.dumps(ok))
        status, out, err = self.run_main("--floor", floor)
        self.assertEqual(status, 0, err)
        self.assertIn("kyotei overall existing ndcg10: 1.0000 >= floor 1.0000", out)
        self.assertIn("kyotei kind romaji recall100: 0.0000 >= floor 0.0000", out)
        # One kind below its floor fails, though the others and the overall figure are fine.
        ok["kinds"]["romaji"]["ndcg10"] = 0.01
        write(floor, json.dumps(ok))
        status, out, err = self.run_main("--floor", floor)
        self.assertEqual(status, 1)
        self.assertIn("kyotei kind romaji ndcg10: 0.0000 < floor 0.0100", out)
        self.assertIn("kyotei kind typo ndcg10: 1.0000 >= floor 1.0000", out)
        self.assertIn("(kind romaji ndcg10)", err)
        # The typed kinds together, and all queries, can have a floor too.
        write(floor, json.dumps({"engine": "kyotei", "overall_typed": {"ndcg10": 0.5, "recall100": 0.5},
                                 "overall": {"ndcg10": 0.7, "recall100": 0.6}}))
        status, out, err = self.run_main("--floor", floor)
        self.assertEqual(status, 1)
        self.assertIn("kyotei overall typed ndcg10: 0.5000 >= floor 0.5000", out)
        self.assertIn("kyotei overall ndcg10: 0.6667 < floor 0.7000", out)
        self.assertIn("kyotei overall recall100: 0.6667 >= floor 0.6000", out)

    def test_a_floor_for_a_kind_the_set_lacks_is_an_error(self):
        self.typed_set()
        floor = write(os.path.join(self.tmp.name, "floor.json"), json.dumps(
            {"engine": "kyotei", "kinds": {"era": {"ndcg10": 0.0, "recall100": 0.0}}}))
        status, _, err = self.run_main("--floor", floor)
        self.assertEqual(status, 2)
        self.assertIn("no queries for: kind era", err)

    def test_bad_floor_files_are_refused(self):
        good = {"ndcg10": 0.5, "recall100": 0.5}
        cases = {
            json.dumps([1]): "JSON object",
            json.dumps({"ndcg10": 0.5, "recall100": 0.5}): "engine",
            json.dumps({"engine": "kyotei"}): "no floor",
            json.dumps({"engine": "kyotei", "overall_new": good}): "unknown member",
            json.dumps({"engine": "kyotei", "kinds": {"fuzzy": good}}): "unknown kind",
            json.dumps({"engine": "kyotei", "kinds": {"era": {"ndcg10": 0.5}}}): "exactly ndcg10 and recall100",
            json.dumps({"engine": "kyotei", "overall_existing": {"ndcg10": 1.5, "recall100": 0}}): "from 0 to 1",
            json.dumps({"engine": "kyotei", "kinds": [good]}): "map each kind",
        }
        for text, message in cases.items():
            with self.assertRaisesRegex(ValueError, message, msg=text):
                run_eval.read_floor(json.loads(text))
        # main() refuses it as a bad argument (exit status 2) before running anything.
        floor = write(os.path.join(self.tmp.name, "floor.json"), '{"engine": "kyotei"}')
        err = StringIO()
        with redirect_stdout(StringIO()), redirect_stderr(err), self.assertRaises(SystemExit) as exit_:
            run_eval.main(["--engines", "kyotei", "--kyotei-search", self.stub, "--db", self.db,
                           "--floor", floor])
        self.assertEqual(exit_.exception.code, 2)
        self.assertIn("no floor in it", err.getvalue())

    def test_write_floor_keeps_a_margin(self):
        floor = os.path.join(self.tmp.name, "new-floor.json")
        self.assertEqual(self.run_main("--write-floor", floor)[0], 0)
        with open(floor, encoding="utf-8") as f:
            self.assertEqual(json.load(f), {"engine": "kyotei",
                                            "overall_existing": {"ndcg10": 0.495, "recall100": 0.495}})

    def test_write_floor_per_typed_kind_reads_back(self):
        self.typed_set()
        floor = os.path.join(self.tmp.name, "new-floor.json")
        self.assertEqual(self.run_main("--write-floor", floor)[0], 0)
        with open(floor, encoding="utf-8") as f:
            written = json.load(f)
        # A kind that scores 0 gets a floor of 0, not below.
        self.assertEqual(written, {"engine": "kyotei", "overall_existing": {"ndcg10": 0.995, "recall100": 0.995},
                                   "kinds": {"romaji": {"ndcg10": 0.0, "recall100": 0.0},
                                             "typo": {"ndcg10": 0.995, "recall100": 0.995}}})
        self.assertEqual(self.run_main("--floor", floor)[0], 0)

    def test_tables_per_group_of_kinds(self):
        self.typed_set()
        md = os.path.join(self.tmp.name, "out.md")
        status, out, _ = self.run_main("--markdown", md)
        self.assertEqual(status, 0)
        for title in ("nDCG@10, existing kinds", "nDCG@10, typed kinds", "recall@100, existing kinds",
                      "recall@100, typed kinds"):
            self.assertIn(title + "\n", out)
        self.assertRegex(out, r"engine +word \(1\) +existing \(1\)\n")
        self.assertRegex(out, r"engine +romaji \(1\) +typo \(1\) +typed \(2\) +overall \(3\)\n")
        self.assertRegex(out, r"\nkyotei +0\.000 +1\.000 +0\.500 +0\.667\n")
        with open(md, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("| engine | romaji (1) | typo (1) | typed (2) | overall (3) |", text)
        self.assertIn("nDCG@10, existing kinds (mean per kind", text)

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
