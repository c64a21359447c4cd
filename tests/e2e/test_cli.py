"""End-to-end tests: the real kyotei-index and kyotei-search over real indexes built from the
bundled corpus and from files each test writes. Run by ctest (tests/e2e/CMakeLists.txt), which
sets KYOTEI_BIN (the built programs) and KYOTEI_SOURCE (the source tree)."""

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
SOURCE = os.environ["KYOTEI_SOURCE"]
CORPUS = os.path.join(SOURCE, "corpus", "agreements.csv")
HEADER = "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"


def run(program, *args, env=None, stdin=None):
    full_env = dict(os.environ)
    full_env.pop("KYOTEI_DB", None)
    full_env.update(env or {})
    return subprocess.run([os.path.join(BIN, program), *args], capture_output=True, text=True,
                          env=full_env, input=stdin, timeout=120)


def search_json(*args, env=None):
    p = run("kyotei-search", "--format", "json", *args, env=env)
    if p.returncode not in (0, 1):
        raise AssertionError(f"kyotei-search {args} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout), p


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kyotei-e2e-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text, mode="w"):
        path = os.path.join(self.dir, name)
        with open(path, mode) as f:
            f.write(text)
        return path


class BundledCorpus(unittest.TestCase):
    """The default index, built from corpus/agreements.csv by the build."""

    def test_youth_exchange_finds_exactly_the_three_agreements_akita_first(self):
        result, p = search_json("青少年", "交流")
        self.assertEqual(p.returncode, 0)
        ids = [h["id"] for h in result["hits"]]
        self.assertEqual(result["total"], 3)
        self.assertEqual(ids[0], "akita-008")
        self.assertEqual(sorted(ids), ["akita-008", "aomori-003", "hokkaido-004"])

    def test_text_output_shows_titles_marks_and_facets(self):
        p = run("kyotei-search", "青少年", "交流")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "1. 日本国秋田県と中華人民共和国天津市の**青少年交流**に関する覚書")
        self.assertIn("秋田県 → 中国/天津市", p.stdout)
        self.assertIn("**交流**", p.stdout)  # not a terminal: marks as **word**
        self.assertIn("3 agreements match.", p.stdout)
        self.assertIn("country: 韓国 2, 中国 1", p.stdout)
        self.assertRegex(p.stdout, r"field: .*青少年 1")

    def test_empty_query_lists_every_agreement(self):
        result, p = search_json("--all")
        self.assertEqual(p.returncode, 0)
        self.assertEqual(result["total"], 40)
        self.assertEqual(len(result["hits"]), 40)
        self.assertEqual([h["rank"] for h in result["hits"]], list(range(1, 41)))
        ids = [h["id"] for h in result["hits"]]
        self.assertEqual(ids, sorted(ids))  # equal scores: in id order, so output is stable

    def test_every_agreement_has_a_country_and_a_canonical_field(self):
        result, _ = search_json("--all")
        for hit in result["hits"]:
            self.assertTrue(hit["country"], hit["id"])
            self.assertGreaterEqual(len(hit["fields"]), 1, hit["id"])
        p = run("kyotei-index", "--db", os.path.join(tempfile.mkdtemp(prefix="kyotei-e2e-"), "idx"), CORPUS)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("warning:", p.stderr)

    def test_facets_count_the_whole_match_set_not_the_page(self):
        page, _ = search_json("--limit", "1", "交流")
        everything, _ = search_json("--all", "交流")
        self.assertEqual(len(page["hits"]), 1)
        self.assertEqual(page["total"], len(everything["hits"]))
        self.assertEqual(page["facets"], everything["facets"])
        by_country = {}
        for hit in everything["hits"]:
            by_country[hit["country"]] = by_country.get(hit["country"], 0) + 1
        self.assertEqual({f["value"]: f["count"] for f in page["facets"]["country"]}, by_country)
        counts = [(-f["count"], f["value"]) for f in page["facets"]["country"]]
        self.assertEqual(counts, sorted(counts))

    def test_filters_or_within_a_facet_and_across_facets(self):
        china, _ = search_json("--all", "--country", "中国")
        self.assertTrue(china["hits"])
        self.assertTrue(all(h["country"] == "中国" for h in china["hits"]))
        alias, _ = search_json("--all", "--country", "中華人民共和国")
        self.assertEqual([h["id"] for h in alias["hits"]], [h["id"] for h in china["hits"]])
        both, _ = search_json("--all", "--country", "中国", "--country", "韓国")
        korea, _ = search_json("--all", "--country", "韓国")
        self.assertEqual(both["total"], china["total"] + korea["total"])
        tourism_china, _ = search_json("--all", "--country", "中国", "--field", "観光")
        self.assertTrue(tourism_china["hits"])
        for h in tourism_china["hits"]:
            self.assertEqual(h["country"], "中国")
            self.assertIn("観光", h["fields"])

    def test_width_and_case_variants_are_one_word(self):
        results = [search_json(q)[0] for q in ("ICT", "ＩＣＴ", "ict", "ｉｃｔ")]
        self.assertEqual(results[0]["total"], 1)
        self.assertEqual(results[0]["hits"][0]["id"], "sendai-005")
        for r in results[1:]:
            self.assertEqual([h["id"] for h in r["hits"]], ["sendai-005"])

    def test_words_inside_descriptions_and_partners_are_found(self):
        result, _ = search_json("デューク大学")
        self.assertEqual([h["id"] for h in result["hits"]], ["iwate-001"])
        self.assertEqual(result["hits"][0]["url"], "")
        result, _ = search_json("釜山")
        self.assertEqual(sorted(h["id"] for h in result["hits"]), ["hokkaido-001", "hokkaido-002", "sapporo-002"])

    def test_nothing_found_exits_1(self):
        p = run("kyotei-search", "存在しない語彙ですよ")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("No agreement matches.", p.stdout)
        result, p = search_json("zzzzqqq")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(result["total"], 0)
        self.assertEqual(result["hits"], [])

    def test_json_fields_are_complete(self):
        result, _ = search_json("チェンマイ")
        hit = result["hits"][0]
        for key in ("id", "rank", "score", "municipality", "prefecture", "title", "partner", "country",
                    "fields", "fields_raw", "description", "signed", "url", "snippet"):
            self.assertIn(key, hit)
        self.assertEqual(hit["id"], "hokkaido-005")
        self.assertEqual(hit["country"], "タイ")
        self.assertEqual(hit["signed"], "2013-02")
        self.assertEqual(hit["url"], "http://www.pref.hokkaido.lg.jp/ss/tsk/chiangmai-hokkaido.htm")
        marked = [hit["snippet"][m["start"]:m["start"] + m["length"]] for m in hit["highlights"]]
        self.assertIn("チェンマイ", marked)
        self.assertEqual(result["query"], "チェンマイ")
        self.assertEqual(result["limit"], 10)

    def test_bad_options_are_errors(self):
        for args in (["--limit", "abc"], ["--limit", "-1"], ["--offset", "x"], ["--format", "xml"],
                     ["--no-such-option"]):
            p = run("kyotei-search", *args)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("kyotei-search", p.stderr)
        p = run("kyotei-search", "--db", "/nonexistent/kyotei-index", "交流")
        self.assertEqual(p.returncode, 2)
        self.assertIn("/nonexistent/kyotei-index", p.stderr)

    def test_help_and_version(self):
        for program in ("kyotei-search", "kyotei-index"):
            p = run(program, "--help")
            self.assertEqual(p.returncode, 0)
            self.assertIn("Usage: " + program, p.stdout)
            p = run(program, "--version")
            self.assertEqual(p.returncode, 0)
            self.assertRegex(p.stdout, program + r" \d+\.\d+\.\d+")


def ids_for(query, *args):
    result, p = search_json("--limit", "100", *args, query)
    return [h["id"] for h in result["hits"]], result


class SearchQuality(TempDirTest):
    """What people type (issue: Japanese search quality), on the bundled corpus."""

    def test_words_inside_compounds_and_names(self):
        self.assertEqual(ids_for("普洱")[0], ["iwate-005"])
        self.assertEqual(ids_for("プーアル")[0], ["iwate-005"])
        self.assertEqual(ids_for("寒亭")[0], ["shonai-001"])
        kankou, _ = ids_for("観光")
        self.assertIn("sendai-001", kankou)  # 観光振興
        self.assertIn("iwate-004", kankou)   # 観光客
        nihonkoku, _ = ids_for("日本国")
        corpus = search_json("--all")[0]["hits"]
        starts = {h["id"] for h in corpus if h["title"].startswith("日本国")}
        self.assertTrue(len(starts) >= 8)
        self.assertTrue(starts <= set(nihonkoku))
        friendly = {h["id"] for h in corpus if "友好交流協定書" in h["title"]}
        self.assertTrue(friendly)
        self.assertTrue(friendly <= set(ids_for("交流")[0]))

    def test_kana_finds_kanji_below_exact_matches(self):
        kana, _ = ids_for("かんこう")
        katakana, _ = ids_for("カンコウ")
        kanji, _ = ids_for("観光")
        self.assertEqual(set(kana), set(katakana))
        self.assertTrue(set(kanji) <= set(kana))
        db = os.path.join(self.dir, "idx")
        path = self.write("k.csv", HEADER + "k-1,m,p,観光の協定,x,c,f,観光の説明,,\n"
                                            "k-2,m,p,かんこうの協定,x,c,f,かんこうの説明,,\n")
        self.assertEqual(run("kyotei-index", "--db", db, path).returncode, 0)
        r, _ = search_json("--db", db, "かんこう")
        self.assertEqual([h["id"] for h in r["hits"]], ["k-2", "k-1"])
        marked = [h["snippet"][m["start"]:m["start"] + m["length"]]
                  for h in r["hits"] for m in h["highlights"]]
        self.assertIn("観光", marked)  # the kana query marks the kanji it read

    def test_aliases_and_english(self):
        china, _ = ids_for("中国")
        self.assertEqual(set(ids_for("中華人民共和国")[0]), set(china))
        self.assertEqual(set(ids_for("China")[0]), set(china))
        self.assertEqual(ids_for("youth exchange")[0][:1], ["akita-008"])
        self.assertEqual(set(ids_for("youth exchange")[0]), {"akita-008", "aomori-003", "hokkaido-004"})
        self.assertEqual(set(ids_for("tourism")[0]), set(ids_for("観光")[0]) | set(ids_for("ツーリズム")[0]))
        self.assertEqual(sorted(ids_for("medicine")[0]), ["iwate-001", "iwate-003"])
        self.assertEqual(sorted(ids_for("Finland")[0]), ["sendai-002", "sendai-004", "sendai-005"])
        memo, r = ids_for("memorandum")
        self.assertIn("sapporo-002", memo)  # 了解覚書
        self.assertTrue(all("覚書" in h["title"] + h["description"] for h in r["hits"]))

    def test_query_syntax(self):
        either = set(ids_for("観光 OR 医療")[0])
        self.assertEqual(either, set(ids_for("観光")[0]) | set(ids_for("医療")[0]))
        without, r = ids_for("交流 -中国")
        self.assertTrue(without)
        self.assertTrue(all(h["country"] != "中国" and "中国" not in h["partner"] for h in r["hits"]))
        phrase, r = ids_for('"経済交流"')
        self.assertTrue(phrase)
        self.assertTrue(all("経済交流" in (h["title"] + h["description"] + h["fields_raw"]) for h in r["hits"]))
        self.assertEqual(sorted(ids_for("country:台湾")[0]),
                         ["akita-007", "sendai-006", "yamagata-001", "yamagata-002"])
        self.assertEqual(sorted(ids_for("municipality:仙台")[0]), [f"sendai-00{i}" for i in range(1, 7)])
        in_title, r = ids_for("title:覚書")
        self.assertTrue(in_title and all("覚書" in h["title"] for h in r["hits"]))
        years, r = ids_for("signed:2010..2012")
        self.assertTrue(years and all("2010" <= h["signed"][:4] <= "2012" for h in r["hits"]))
        since, _ = ids_for("交流", "--since", "2010", "--until", "2012")
        self.assertEqual(set(since), set(ids_for("交流 signed:2010..2012")[0]))

    def test_malformed_queries_still_search(self):
        for query in ('"経済交流', "観光 OR", "OR 観光", "- 観光", '""', "signed:abc 観光", "((観光", "観光 -",
                      "：：", "\u3000", "country:"):
            p = run("kyotei-search", "--format", "json", "--", query)
            self.assertIn(p.returncode, (0, 1), query + p.stderr)
            json.loads(p.stdout)

    def test_partial_matches_when_nothing_has_every_word(self):
        p = run("kyotei-search", "観光", "医療", "ロシア")
        self.assertEqual(p.returncode, 0)
        self.assertIn("No agreement has all the words", p.stdout)
        result, _ = search_json("観光", "医療", "ロシア")
        self.assertTrue(result["partial"])
        self.assertGreater(result["total"], 0)
        strict, _ = search_json("青少年", "交流")
        self.assertFalse(strict["partial"])


class AsPeopleType(TempDirTest):
    """Sentences without spaces, era years, operator words, and nothing dropped in silence."""

    def test_a_sentence_gives_the_answer_of_its_words(self):
        for sentence, spaced, first in (
                ("中国との医療に関する協定を探しています", "中国 医療 協定", "iwate-003"),
                ("フィンランドの協定", "フィンランド 協定", None),
                ("青少年の交流について知りたい", "青少年 交流", "akita-008")):
            got, result = ids_for(sentence)
            want, _ = ids_for(spaced)
            if first:
                self.assertEqual(got[:1], [first], sentence)
            self.assertEqual(got, want, sentence)
            reasons = {(g["word"], g["reason"]) for g in result["ignored"]}
            self.assertTrue(all(r == "phrasing" for _, r in reasons), reasons)
        # 協定, which most agreements have, does not keep out the Finnish memoranda (覚書)
        self.assertEqual(sorted(ids_for("フィンランドの協定")[0]), sorted(ids_for("Finland")[0]))

    def test_request_phrasing_is_said_not_searched(self):
        result, _ = search_json("中国との医療に関する協定を探しています")
        self.assertIn({"word": "探し", "reason": "phrasing"},
                      [{"word": g["word"], "reason": g["reason"]} for g in result["ignored"]])
        p = run("kyotei-search", "中国との医療に関する協定を探しています")
        self.assertIn("Not searched: 探し (request phrasing", p.stdout)

    def test_partial_answers_rank_agreements_with_more_words_first(self):
        # no agreement is about tourism and medicine in China; several have two of the three
        result, _ = search_json("--limit", "100", "観光", "医療", "中国")
        self.assertTrue(result["partial"])
        words = ("観光", "医療", "中国")

        def matched(hit):
            text = " ".join([hit["title"], hit["description"], hit["partner"], hit["country"], *hit["fields"]])
            return sum(w in text for w in words)
        counts = [matched(h) for h in result["hits"]]
        self.assertEqual(counts[0], 2)
        self.assertEqual(counts, sorted(counts, reverse=True), counts)

    def test_era_years_are_signing_years(self):
        for query in ("平成28年", "H28", "2016年"):
            result, _ = search_json("--limit", "100", query)
            self.assertGreater(result["total"], 0, query)
            self.assertTrue(all(h["signed"].startswith("2016") for h in result["hits"]), query)
        era, _ = search_json("--count", "平成28年")
        western, _ = search_json("--count", "signed:2016")
        self.assertEqual(era["total"], western["total"])

    def test_era_years_in_the_text_are_found_by_the_western_year(self):
        # sendai-001 says 平成24年1月27日 in its description and was signed in 2006
        got, _ = ids_for("2012")
        self.assertIn("sendai-001", got)

    def test_romaji_finds_what_it_spells(self):
        kanji, _ = ids_for("観光")
        for spelling in ("kankou", "kankō", "kanko", "KANKOU"):
            got, _ = ids_for(spelling)
            self.assertTrue(set(kanji) <= set(got), spelling)
        for spelling in ("seishounen", "seisyounen"):
            got, _ = ids_for(spelling)
            self.assertEqual(got[:1], ["akita-008"], spelling)
        got, _ = ids_for("sapporo")
        self.assertTrue(got and all(i.startswith("sapporo-") for i in got[:3]), got)

    def test_places_in_every_script(self):
        for name, place in (("Dalian", "大連"), ("だいれん", "大連"), ("Tianjin", "天津"), ("Busan", "釜山"),
                            ("Jeju", "済州"), ("ちぇじゅ", "済州"), ("Kaohsiung", "高雄"), ("Oulu", "オウル"),
                            ("Sendai", "仙台"), ("British Columbia", "ブリティッシュコロンビア")):
            got, _ = ids_for(name)
            want, _ = ids_for(place)
            self.assertTrue(want and set(want) <= set(got), (name, got, want))

    def test_aliases_of_several_words(self):
        self.assertEqual(sorted(ids_for("health care")[0]), sorted(ids_for("field:医療")[0]))
        self.assertEqual(sorted(ids_for("field:social welfare")[0]), sorted(ids_for("field:福祉")[0]))
        self.assertFalse(ids_for("renewable energy")[1]["partial"])

    def test_did_you_mean(self):
        for typed, meant in (("青小年 交流", "青少年 交流"), ("医寮", "医療"), ("tourisn", "tourism"),
                             ("ロシヤ", "ロシア"), ("country:中国 医寮", "country:中国 医療")):
            result, _ = search_json(typed)
            self.assertEqual(result["suggestion"], meant, typed)
            fixed, _ = search_json(meant)
            self.assertGreater(fixed["total"], 0, meant)
            self.assertFalse(fixed["partial"], meant)
        # a query that finds everything it asks for suggests nothing
        self.assertIsNone(search_json("青少年 交流")[0]["suggestion"])
        # nothing matched as typed, and the suggestion does in full: its agreements are shown
        result, _ = search_json("医寮")
        self.assertTrue(result["suggestion_used"])
        self.assertEqual([h["id"] for h in result["hits"]], ids_for("医療")[0][:10])
        p = run("kyotei-search", "医寮")
        self.assertIn("showing the agreements for: 医療", p.stdout)
        self.assertEqual(p.returncode, 0)
        # a suggestion that finds no more is only offered
        result, _ = search_json("観光 ペンギン")
        self.assertFalse(result["suggestion_used"])

    def test_completion_for_the_search_box(self):
        for prefix, first in (("kan", "観光"), ("かん", "観光"), ("観", "観光"), ("tour", "観光"), ("Dal", "大連"),
                              ("ちゅう", "中国"), ("sei", "青少年")):
            p = run("kyotei-search", "--complete", "--format", "json", prefix)
            self.assertEqual(p.returncode, 0, prefix + p.stderr)
            got = json.loads(p.stdout)
            self.assertEqual(got["prefix"], prefix)
            texts = [c["text"] for c in got["completions"]]
            self.assertEqual(texts[:1], [first], (prefix, got))
            counts = [c["count"] for c in got["completions"]]
            self.assertEqual(counts, sorted(counts, reverse=True))
            # each completion leads somewhere
            self.assertTrue(all(c["count"] > 0 for c in got["completions"]), got)
        p = run("kyotei-search", "--complete", "zzzq")
        self.assertEqual((p.returncode, p.stdout), (1, ""))

    def test_operator_words(self):
        self.assertEqual(ids_for("交流 NOT 中国")[0], ids_for("交流 -中国")[0])
        self.assertEqual(ids_for("交流 中国以外")[0], ids_for("交流 -中国")[0])
        self.assertEqual(ids_for("観光 または 医療")[0], ids_for("観光 OR 医療")[0])
        self.assertEqual(ids_for("観光 AND 医療")[0], ids_for("観光 医療")[0])

    def test_nothing_dropped_in_silence(self):
        for query, word, reason in (("signed:abc 観光", "signed:abc", "bad_range"),
                                    ("foo:bar", "foo:", "not_a_prefix"),
                                    ("観光 OR -中国", "中国", "negated_or"),
                                    ("観光 NOT", "NOT", "operator"),
                                    ("観光 ・", "・", "no_word")):
            result, _ = search_json(query)
            self.assertIn({"word": word, "reason": reason},
                          [{"word": g["word"], "reason": g["reason"]} for g in result["ignored"]], query)
        p = run("kyotei-search", "--count", "signed:abc", "観光")
        self.assertIn("not searched: signed:abc", p.stderr)
        self.assertEqual(p.stdout.strip(), search_json("--count", "観光")[0]["total"].__str__())


class Analysts(TempDirTest):
    """Getting everything out: counts, facets, cross-tables and exports."""

    def test_count_and_facets_agree_with_the_full_list(self):
        everything, _ = search_json("--all", "--field", "観光")
        p = run("kyotei-search", "--count", "--field", "観光")
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout.strip(), str(everything["total"]))
        p = run("kyotei-search", "--count", "--format", "json", "存在しない語彙ですよ")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(json.loads(p.stdout)["total"], 0)
        p = run("kyotei-search", "--facets", "--format", "json", "--field", "観光")
        facets = json.loads(p.stdout)
        self.assertEqual(facets["facets"], everything["facets"])
        self.assertNotIn("hits", facets)
        p = run("kyotei-search", "--facets", "--field", "観光")
        self.assertTrue(p.stdout.startswith(f"{everything['total']} agreements"))
        self.assertIn("country: 中国 5", p.stdout)

    def test_pivot_counts_every_pair(self):
        everything, _ = search_json("--all", "観光")
        expected = {}
        for h in everything["hits"]:
            for f in h["fields"]:
                key = (h["country"], h["signed"][:4])
                expected[key] = expected.get(key, 0) + (1 if f == h["fields"][0] else 0)
        p = run("kyotei-search", "--pivot", "country,year", "--format", "json", "観光")
        self.assertEqual(p.returncode, 0, p.stderr)
        table = json.loads(p.stdout)
        self.assertEqual(table["rows"], "country")
        self.assertEqual(table["total"], everything["total"])
        got = {(c["row"], c["column"]): c["count"] for c in table["cells"]}
        self.assertEqual(got, expected)
        # fields: an agreement counts once under each of its fields
        p = run("kyotei-search", "--pivot", "field,country", "--format", "json", "観光")
        cells = json.loads(p.stdout)["cells"]
        per_field = {}
        for h in everything["hits"]:
            for f in h["fields"]:
                per_field[(f, h["country"])] = per_field.get((f, h["country"]), 0) + 1
        self.assertEqual({(c["row"], c["column"]): c["count"] for c in cells}, per_field)
        p = run("kyotei-search", "--pivot", "country,year", "--format", "csv", "観光")
        rows = list(csv.reader(io.StringIO(p.stdout)))
        self.assertEqual(rows[0][0], "country\\year")
        self.assertEqual(sum(int(x) for r in rows[1:] for x in r[1:]), everything["total"])
        p = run("kyotei-search", "--pivot", "country,year", "観光")
        self.assertIn("total", p.stdout)
        for bad in ("country", "country,planet", ",field"):
            p = run("kyotei-search", "--pivot", bad)
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn("--pivot", p.stderr)

    def test_exports_stream_every_match_and_index_again(self):
        everything, _ = search_json("--all", "交流")
        p = run("kyotei-search", "--all", "--format", "csv", "交流")
        self.assertEqual(p.returncode, 0)
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual([r["id"] for r in rows], [h["id"] for h in everything["hits"]])
        self.assertEqual(rows[0]["description"], everything["hits"][0]["description"])
        self.assertIn("score", rows[0])
        self.assertEqual(rows[0]["fields_canonical"].split(";"), everything["hits"][0]["fields"])
        p = run("kyotei-search", "--all", "--format", "tsv", "交流")
        lines = p.stdout.rstrip("\n").split("\n")
        self.assertEqual(len(lines), len(rows) + 1)  # a row is one line, newlines escaped
        self.assertTrue(all(len(l.split("\t")) == 13 for l in lines))
        p = run("kyotei-search", "--all", "--format", "jsonl", "交流")
        objs = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual([o["id"] for o in objs], [r["id"] for r in rows])
        # an export can be indexed again, its extra columns kept
        export = self.write("export.csv", run("kyotei-search", "--all", "--format", "csv").stdout)
        db = os.path.join(self.dir, "idx")
        p = run("kyotei-index", "--db", db, export)
        self.assertEqual(p.returncode, 0, p.stderr)
        again, _ = search_json("--db", db, "--all", "青少年", "交流")
        self.assertEqual(sorted(h["id"] for h in again["hits"]), ["akita-008", "aomori-003", "hokkaido-004"])
        p = run("kyotei-search", "--format", "csv", "交流")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--all", p.stderr)

    @unittest.skipIf(os.environ.get("KYOTEI_SANITIZED", "OFF").upper() in ("ON", "1", "TRUE", "YES"),
                     "AddressSanitizer keeps freed memory in quarantine: peak memory says nothing there")
    def test_export_memory_does_not_grow_with_the_match_set(self):
        import resource
        rusage = []
        for n in (2000, 20000):
            db = os.path.join(self.dir, f"idx{n}")
            rows = "".join(f"m-{i},札幌市,北海道,観光の協定{i},中国/大連市,中国,観光,観光交流の推進{i},2008,\n"
                           for i in range(n))
            path = self.write(f"m{n}.csv", HEADER + rows)
            self.assertEqual(run("kyotei-index", "--quiet", "--db", db, path).returncode, 0)
            proc = subprocess.run(["/usr/bin/env", "python3", "-c",
                                   "import resource,subprocess,sys;"
                                   "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
                                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                                   os.path.join(BIN, "kyotei-search"), "--db", db, "--all", "--format", "csv",
                                   "観光"], capture_output=True, text=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            rusage.append(int(proc.stdout))
        # ten times the rows, well under twice the memory (most of it is the MeCab dictionary)
        self.assertLess(rusage[1], rusage[0] * 1.5, rusage)

    def test_sorting_by_date_with_ties_by_id(self):
        newest, _ = search_json("--all", "--sort", "-date", "交流")
        keys = [(h["signed"], h["id"]) for h in newest["hits"]]
        dated = [k for k in keys if k[0]]
        self.assertEqual([k[0] for k in dated], sorted([k[0] for k in dated], reverse=True))
        oldest, _ = search_json("--all", "--sort", "date", "交流")
        self.assertEqual(oldest["total"], newest["total"])
        since, _ = search_json("--all", "--since", "2010", "--until", "2012")
        self.assertTrue(since["hits"])
        self.assertTrue(all("2010" <= h["signed"][:4] <= "2012" for h in since["hits"]))
        self.assertEqual(run("kyotei-search", "--sort", "random").returncode, 2)
        self.assertEqual(run("kyotei-search", "--since", "10").returncode, 2)


class LongLivedBatch(TempDirTest):
    """kyotei-search --batch - kept open as a co-process while the index is updated and rebuilt
    under it: each line answers from the index as it is then, as a new process would."""

    def ask(self, proc, query):
        proc.stdin.write(query + "\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    def test_sees_updates_and_rebuilds_without_a_restart(self):
        db = os.path.join(self.dir, "idx")
        self.assertEqual(run("kyotei-index", "--db", db, CORPUS).returncode, 0)
        proc = subprocess.Popen([os.path.join(BIN, "kyotei-search"), "--db", db, "--batch", "-"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = self.ask(proc, "交流")
            self.assertEqual(first["total"], 31)
            other = self.write("other.csv", HEADER + "y-1,青森県,青森県,医療の交流協定,韓国/済州,韓国,医療,医療交流,2010,\n"
                                                     "y-2,青森県,青森県,経済の協定,タイ/バンコク,タイ,経済,経済協力,,\n")
            self.assertEqual(run("kyotei-index", "--db", db, other).returncode, 0)
            fresh, _ = search_json("--db", db, "交流")  # what a new process says
            rebuilt = self.ask(proc, "交流")
            self.assertEqual(fresh["total"], 1)
            self.assertEqual(rebuilt["total"], 1)
            self.assertEqual([h["id"] for h in rebuilt["hits"]], ["y-1"])
            extra = self.write("extra.csv", HEADER + "y-3,岩手県,岩手県,交流の覚書,米国/オレゴン州,米国,教育,学生交流,2012,\n")
            self.assertEqual(run("kyotei-index", "--db", db, "--update", extra).returncode, 0)
            updated = self.ask(proc, "交流")
            self.assertEqual(updated["total"], 2)
            self.assertEqual(sorted(h["id"] for h in updated["hits"]), ["y-1", "y-3"])
            shutil.rmtree(db)  # gone: the line says so and the run ends with exit status 2
            gone = self.ask(proc, "交流")
            self.assertIn("error", gone)
            self.assertEqual(gone["line"], 4)
        finally:
            proc.stdin.close()
            proc.wait(timeout=60)
            proc.stdout.close()
            proc.stderr.close()
        self.assertEqual(proc.returncode, 2)


class Indexing(TempDirTest):
    def build(self, *files, db=None):
        return run("kyotei-index", "--db", db or os.path.join(self.dir, "idx"), *files)

    def test_rebuild_replaces_the_index_whole(self):
        db = os.path.join(self.dir, "idx")
        first = self.write("a.csv", HEADER + "x-1,札幌市,北海道,観光の協定,中国/大連市,中国,観光,観光交流の推進,2008,\n")
        self.assertEqual(self.build(first, db=db).returncode, 0)
        r, _ = search_json("--db", db, "--all")
        self.assertEqual([h["id"] for h in r["hits"]], ["x-1"])
        second = self.write("b.csv", HEADER + "y-1,青森県,青森県,医療の協定,韓国/済州,韓国,医療,医療交流,2010,\n"
                                              "y-2,青森県,青森県,経済の協定,タイ/バンコク,,経済,経済交流,,\n")
        self.assertEqual(self.build(second, db=db).returncode, 0)
        r, _ = search_json("--db", db, "--all")
        self.assertEqual([h["id"] for h in r["hits"]], ["y-1", "y-2"])
        self.assertEqual(r["hits"][1]["country"], "タイ")  # from the partner written 国/相手
        self.assertEqual(sorted(os.listdir(db)), [".lock", "XAPIANDB", "gen-1", "gen-2"])
        self.assertEqual(self.build(second, db=db).returncode, 0)
        self.assertEqual(sorted(os.listdir(db)), [".lock", "XAPIANDB", "gen-2", "gen-3"])  # one previous kept

    def test_bad_rows_are_all_listed_and_the_old_index_stays(self):
        db = os.path.join(self.dir, "idx")
        self.assertEqual(self.build(CORPUS, db=db).returncode, 0)
        before, _ = search_json("--db", db, "青少年", "交流")
        cases = {
            "columns.csv": (HEADER + "c-1,m,p,t,x,c,f,d,,\nc-2,m,p,t\n", ":3: expected 10 columns, found 4"),
            "quote.csv": (HEADER + "q-1,m,p,\"t\"x,x,c,f,d,,\n", ":2: malformed quoting"),
            "utf8.csv": (HEADER + "u-1,m,p,t\xff,x,c,f,d,,\n", ":2: column 'title' is not valid UTF-8"),
            "noid.csv": (HEADER + ",m,p,t,x,c,f,d,,\n", ":2: missing id"),
            "notitle.csv": (HEADER + "n-1,m,p,,x,c,f,d,,\n", ":2: missing title"),
            "nodesc.csv": (HEADER + "n-2,m,p,t,x,c,f,,,\n", ":2: missing description"),
            "dup.csv": (HEADER + "d-1,m,p,t,x,c,f,d,,\nd-1,m,p,t,x,c,f,d,,\n", ":3: duplicate id 'd-1'"),
        }
        for name, (text, message) in cases.items():
            path = os.path.join(self.dir, name)
            with open(path, "wb") as f:
                f.write(text.encode("utf-8", "surrogateescape") if "\xff" not in text
                        else text.replace("\xff", "").encode() .replace(b"t,x", b"t\xff,x", 1))
            p = self.build(path, db=db)
            self.assertEqual(p.returncode, 1, name + p.stderr)
            self.assertIn(path + message, p.stderr, name)
            self.assertIn("was not changed", p.stderr)
            after, _ = search_json("--db", db, "青少年", "交流")
            self.assertEqual(after["hits"], before["hits"], name)
        # every bad row of a file is listed, not just the first
        many = self.write("many.csv", HEADER + ",m,p,t,x,c,f,d,,\nok,m,p,t,x,c,f,d,,\nz,m,p,,x,c,f,d,,\n")
        p = self.build(many, db=db)
        self.assertIn(many + ":2: missing id", p.stderr)
        self.assertIn(many + ":4: missing title", p.stderr)
        self.assertEqual(sorted(os.listdir(db)), [".lock", "XAPIANDB", "gen-1"])

    def test_a_killed_rebuild_leaves_the_old_index_searchable(self):
        db = os.path.join(self.dir, "idx")
        self.assertEqual(self.build(CORPUS, db=db).returncode, 0)
        before, _ = search_json("--db", db, "--all", "交流")
        # a file large enough that the rebuild is still running when it is killed
        rows = [HEADER.rstrip("\n")]
        for i in range(30000):
            rows.append(f"big-{i},札幌市,北海道,観光と経済の交流協定その{i},中国/大連市,中国,経済、観光,"
                        f"相互の観光交流と経済協力の推進を図るため、職員の相互派遣を行う。{i}回目,2008,")
        big = self.write("big.csv", "\n".join(rows) + "\n")
        for delay in (0.05, 0.3, 0.8):
            proc = subprocess.Popen([os.path.join(BIN, "kyotei-index"), "--db", db, big],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            after, p = search_json("--db", db, "--all", "交流")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(after["hits"], before["hits"], f"killed after {delay} s")
        # the next run succeeds and clears what the killed ones left
        p = self.build(CORPUS, db=db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(db)), [".lock", "XAPIANDB", "gen-1", "gen-2"])

    def test_searchers_keep_answering_while_the_index_is_rebuilt_and_updated(self):
        import threading
        db = os.path.join(self.dir, "idx")
        self.assertEqual(self.build(CORPUS, db=db).returncode, 0)
        extra = self.write("extra.csv", HEADER + "".join(
            f"extra-{i},札幌市,北海道,追加の交流協定{i},中国/大連市,中国,観光,交流の推進{i},2020,\n" for i in range(50)))
        old = {h["id"] for h in search_json("--db", db, "--all", "交流")[0]["hits"]}
        new = old | {f"extra-{i}" for i in range(50)}
        failures = []

        def writer():
            for i in range(40):
                args = ["--update", extra] if i % 2 == 0 else [CORPUS]
                p = run("kyotei-index", "--quiet", "--db", db, *args)
                if p.returncode != 0:
                    failures.append(f"index run {i}: {p.returncode} {p.stderr}")

        t = threading.Thread(target=writer)
        t.start()
        searches = 0
        while t.is_alive() or searches < 20:
            p = run("kyotei-search", "--db", db, "--format", "json", "--all", "交流")
            searches += 1
            if p.returncode != 0:
                failures.append(f"search {searches}: exit {p.returncode}: {p.stderr}")
                continue
            got = {h["id"] for h in json.loads(p.stdout)["hits"]}
            if got not in (old, new):
                failures.append(f"search {searches}: a half-written index ({len(got)} hits)")
        t.join()
        self.assertEqual(failures, [])
        self.assertGreaterEqual(searches, 20)

    def test_one_writer_at_a_time(self):
        import fcntl
        db = os.path.join(self.dir, "idx")
        self.assertEqual(self.build(CORPUS, db=db).returncode, 0)
        with open(os.path.join(db, ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            p = self.build(CORPUS, db=db)
            self.assertEqual(p.returncode, 2)
            self.assertIn("another kyotei-index is writing this index", p.stderr)
            p = run("kyotei-index", "--db", db, "--update", CORPUS)
            self.assertEqual(p.returncode, 2)
        r, p = search_json("--db", db, "青少年", "交流")
        self.assertEqual(r["total"], 3)

    def test_update_delete_check_and_skip_bad(self):
        db = os.path.join(self.dir, "idx")
        self.assertEqual(self.build(CORPUS, db=db).returncode, 0)
        new = self.write("new.csv", HEADER + "n-1,札幌市,北海道,新しい医療協定,韓国/釜山広域市,韓国,医療,医療の交流,2024-04,\n"
                                              "akita-008,秋田県,秋田県,改めた青少年交流の覚書,中国/天津市,中国,人的交流,改めた説明,2016-10,\n")
        p = run("kyotei-index", "--db", db, "--update", new)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 rows read, 1 added, 1 replaced", p.stderr)
        self.assertEqual(search_json("--db", db, "--all")[0]["total"], 41)
        self.assertEqual(ids_for("改めた", "--db", db)[0], ["akita-008"])
        p = run("kyotei-index", "--db", db, "--update", new)  # the same file again changes nothing
        self.assertIn("0 added, 0 replaced, 2 unchanged", p.stderr)
        p = run("kyotei-index", "--db", db, "--delete", "n-1", "no-such-id")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("no agreement has the id 'no-such-id'", p.stderr)
        self.assertEqual(search_json("--db", db, "--all")[0]["total"], 40)
        bad = self.write("bad.csv", HEADER + "b-1,m,p,良い行,x,c,f,d,,\nb-2,m,p,,x,c,f,d,,\nb-3,m,p,t\n")
        p = run("kyotei-index", "--check", bad)
        self.assertEqual(p.returncode, 1)
        self.assertIn(bad + ":3: missing title", p.stderr)
        self.assertIn(bad + ":4: expected 10 columns", p.stderr)
        p = run("kyotei-index", "--db", db, "--update", bad)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(search_json("--db", db, "--all")[0]["total"], 40)
        p = run("kyotei-index", "--db", db, "--update", "--skip-bad", bad)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn(bad + ":3: missing title", p.stderr)
        self.assertEqual(ids_for("良い行", "--db", db)[0], ["b-1"])
        self.assertEqual(run("kyotei-index", "--check", CORPUS).returncode, 0)

    def test_progress_line_on_a_terminal_only(self):
        import pty
        db = os.path.join(self.dir, "idx")
        big = self.write("big.csv", HEADER + "".join(
            f"p-{i},札幌市,北海道,協定{i},中国/大連市,中国,観光,観光交流{i},2008,\n" for i in range(3000)))
        env = dict(os.environ)
        env.pop("KYOTEI_DB", None)
        pid, fd = pty.fork()
        if pid == 0:  # the child: kyotei-index with a terminal on stderr
            os.execve(os.path.join(BIN, "kyotei-index"), ["kyotei-index", "--db", db, big], env)
        out = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        text = out.decode()
        self.assertRegex(text, r"\d+ rows, \d+ rows/s, \d+ s")
        self.assertIn("3000 rows read, 3000 added", text)
        p = run("kyotei-index", "--db", db, big)  # not a terminal: no progress line
        self.assertNotIn("rows/s", p.stderr)
        self.assertIn("3000 rows read", p.stderr)
        p = run("kyotei-index", "--quiet", "--db", db, big)
        self.assertEqual(p.stderr, "")

    def test_input_formats_and_encodings(self):
        db = os.path.join(self.dir, "idx")
        rows = [("f-1", "観光の協定", "観光交流", "中国/大連市"), ("f-2", "医療の協定", "医療交流", "韓国/釜山")]
        tsv = self.write("a.tsv", "id\ttitle\tdescription\tpartner\n" + "".join("\t".join(r) + "\n" for r in rows))
        jsonl = self.write("b.jsonl", "".join(json.dumps({"id": r[0] + "j", "title": r[1], "description": r[2],
                                                        "partner": r[3], "note": "extra"}, ensure_ascii=False) + "\n"
                                             for r in rows))
        cp932 = os.path.join(self.dir, "c.csv")
        with open(cp932, "wb") as f:
            f.write(("\ufeff" if False else "").encode() + ("id,title,description,partner\r\n" + "".join(
                f"{r[0]}s,{r[1]},{r[2]},{r[3]}\r\n" for r in rows)).encode("cp932"))
        p = run("kyotei-index", "--db", db, tsv, jsonl)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run("kyotei-index", "--db", db, "--update", "--encoding", "cp932", cp932)
        self.assertEqual(p.returncode, 0, p.stderr)
        r, _ = search_json("--db", db, "--all", "観光")
        self.assertEqual(sorted(h["id"] for h in r["hits"]), ["f-1", "f-1j", "f-1s"])
        self.assertEqual({h["country"] for h in r["hits"]}, {"中国"})  # from 国/相手
        p = run("kyotei-index", "--db", db, "--update", cp932)  # not told it is CP932
        self.assertEqual(p.returncode, 1)
        self.assertIn(cp932 + ":2: column 'title' is not valid UTF-8", p.stderr)
        self.assertIn("--encoding cp932", p.stderr)
        broken = os.path.join(self.dir, "d.csv")
        with open(broken, "wb") as f:
            f.write("id,title,description\r\nd-1,題,説明\r\nd-2,".encode("cp932") + b"\x81\x20,x\r\n")
        p = run("kyotei-index", "--db", db, "--update", "--encoding", "cp932", broken)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(broken + ":3: not valid cp932", p.stderr)

    def test_refuses_a_directory_that_is_not_an_index(self):
        target = os.path.join(self.dir, "mine")
        os.mkdir(target)
        self.write("mine/notes.txt", "keep me")
        p = self.build(CORPUS, db=target)
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a kyotei index", p.stderr)
        self.assertEqual(os.listdir(target), ["notes.txt"])

    def test_missing_file_and_missing_db_are_errors(self):
        p = self.build(os.path.join(self.dir, "none.csv"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("none.csv: cannot open", p.stderr)
        p = run("kyotei-index", CORPUS)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--db", p.stderr)

    def test_reads_standard_input(self):
        db = os.path.join(self.dir, "idx")
        p = run("kyotei-index", "--db", db, "-", stdin=HEADER + "s-1,m,北海道,標準入力の協定,韓国/釜山,,経済,説明,,\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        r, _ = search_json("--db", db, "標準入力")
        self.assertEqual([h["id"] for h in r["hits"]], ["s-1"])

    def test_hostile_text_round_trips_through_json(self):
        db = os.path.join(self.dir, "idx")
        title = '<script>alert("x")</script> \\ "quoted" \u2028 終わり'
        path = self.write("hostile.csv", HEADER + 'h-1,m,p,"' + title.replace('"', '""') + '",x,c,f,説明,,\n')
        self.assertEqual(self.build(path, db=db).returncode, 0)
        r, p = search_json("--db", db, "--all")
        self.assertEqual(r["hits"][0]["title"], title)
        self.assertNotIn("<script>alert(\"x\")", p.stdout)  # the quote is escaped in JSON text

    def test_environment_names_the_default_db(self):
        db = os.path.join(self.dir, "idx")
        path = self.write("e.csv", HEADER + "e-1,m,p,環境変数の協定,x,c,f,説明,,\n")
        self.assertEqual(self.build(path, db=db).returncode, 0)
        r, _ = search_json("環境変数", env={"KYOTEI_DB": db})
        self.assertEqual([h["id"] for h in r["hits"]], ["e-1"])


if __name__ == "__main__":
    unittest.main()
