#!/usr/bin/env python3
"""Retrieval quality of kyotei against simple baselines, on the judged query set.

Every query of tests/eval/queries.tsv goes through kyotei-search and through each baseline
engine; the ranked lists are scored against tests/eval/qrels.tsv with nDCG@10 (gains 2/1, log2
discount, ideal ranking from the judgments) and recall@100, per query, per kind of query, per
group of kinds (the kinds the set began with, and the kinds of queries as people type them) and
overall (the mean over all queries). See bench/eval/README.md for what each engine is.

Only the standard library is needed for kyotei itself; the baselines need Debian's
python3-xapian, mecab with mecab-ipadic-utf8, groonga-bin and groonga-tokenizer-mecab. A
baseline whose parts are missing is reported as "not available".

Exit status: 0 done (and at or above every floor, with --floor), 1 below a floor,
2 bad arguments, a bad judged set or floor file, or an engine asked for by --floor that cannot run.
"""
import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# The kinds the judged set began with, and the kinds of queries as people type them (whole
# sentences, romaji, places in English and in kana, era years, spelling variants, typos).
EXISTING_KINDS = ("word", "compound", "kana", "synonym", "english", "syntax", "partial")
TYPED_KINDS = ("sentence", "romaji", "place-en", "place-kana", "era", "variant", "typo")
KINDS = EXISTING_KINDS + TYPED_KINDS
# Each group of kinds has a figure of its own: the mean over the group's queries.
GROUPS = {"existing": EXISTING_KINDS, "typed": TYPED_KINDS}
MEASURES = ("ndcg10", "recall100")
ENGINES = ("kyotei", "mecab", "xapian-ngram", "groonga-mecab", "groonga-bigram")
# The agreement's text that every baseline indexes, in this order.
TEXT_COLUMNS = ("title", "description", "partner", "municipality", "fields")
FIELD_PREFIXES = ("country", "field", "municipality", "prefecture", "title")
OPERATORS = ("OR", "AND", "NOT")
NDCG_DEPTH = 10
RECALL_DEPTH = 100
BAD_NDCG = 0.8
FLOOR_MARGIN = 0.005
# Positions between two columns, so that a phrase never runs from one column into the next.
COLUMN_GAP = 100


class JudgedSetError(Exception):
    pass


# ---------------------------------------------------------------- the judged set and the corpus

def read_tsv(path, columns):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != list(columns):
            raise JudgedSetError(f"{path}: header must be {' / '.join(columns)}, found {header}")
        rows = []
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(columns):
                raise JudgedSetError(f"{path}:{line}: expected {len(columns)} columns, found {len(row)}")
            rows.append((line, row))
        return rows


def load_queries(path):
    queries, seen = [], set()
    for line, (qid, kind, query) in read_tsv(path, ("qid", "kind", "query")):
        if qid in seen:
            raise JudgedSetError(f"{path}:{line}: duplicate qid {qid}")
        if kind not in KINDS:
            raise JudgedSetError(f"{path}:{line}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        if not query.strip():
            raise JudgedSetError(f"{path}:{line}: empty query")
        seen.add(qid)
        queries.append({"qid": qid, "kind": kind, "query": query})
    return queries


def load_qrels(path, qids, doc_ids):
    qrels = {}
    for line, (qid, doc, grade) in read_tsv(path, ("qid", "doc_id", "grade")):
        if qid not in qids:
            raise JudgedSetError(f"{path}:{line}: unknown qid {qid}")
        if doc not in doc_ids:
            raise JudgedSetError(f"{path}:{line}: {doc} is not in the corpus")
        if grade not in ("1", "2"):
            raise JudgedSetError(f"{path}:{line}: grade must be 1 or 2, found {grade!r}")
        if doc in qrels.setdefault(qid, {}):
            raise JudgedSetError(f"{path}:{line}: {qid} judges {doc} twice")
        qrels[qid][doc] = int(grade)
    unjudged = [q for q in qids if q not in qrels]
    if unjudged:
        raise JudgedSetError(f"{path}: no relevant agreement for {', '.join(sorted(unjudged))}")
    return qrels


def load_corpus(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- measures

def ndcg(ranked, rels, depth=NDCG_DEPTH):
    """nDCG@depth with linear gains (the grade) and a log2(rank + 1) discount."""
    dcg = sum(rels.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:depth]))
    ideal = sorted(rels.values(), reverse=True)[:depth]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked, rels, depth=RECALL_DEPTH):
    relevant = {doc for doc, g in rels.items() if g >= 1}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:depth])) / len(relevant)


def dedupe(ids):
    seen, out = set(), []
    for i in ids:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


# ---------------------------------------------------------------- kyotei's syntax, reduced

def split_query(query):
    """Splits on spaces (ASCII or ideographic) outside double quotes; a quoted part stays whole."""
    items, cur, quoted = [], [], False
    for ch in query:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif not quoted and ch in " \t\u3000":
            if cur:
                items.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        items.append("".join(cur))
    return items


def plain_words(query):
    """The query reduced for engines without kyotei's syntax: operators, field prefixes, quotes,
    `-word` exclusions and `signed:` ranges are dropped; the words left are to be ANDed."""
    words = []
    for item in split_query(query):
        if item in OPERATORS or (item.startswith("-") and len(item) > 1):
            continue
        prefix, sep, value = item.partition(":")
        if sep and prefix.lower() == "signed":
            continue
        if sep and prefix.lower() in FIELD_PREFIXES:
            item = value
        item = item.replace('"', " ").lstrip("+")
        words.extend(w for w in item.split() if w)
    return words


def nfkc(text):
    return unicodedata.normalize("NFKC", text)


def is_word(token):
    return any(unicodedata.category(c)[0] in "LN" for c in token)


# ---------------------------------------------------------------- engines

class Engine:
    """One way of answering the queries. run() returns {qid: ranked doc ids} and fills
    self.notes[qid] with anything worth telling (errors, partial answers)."""

    name = ""

    def __init__(self, opts):
        self.opts = opts
        self.notes = {}

    def unavailable(self):
        """None when the engine can run here, else why not."""
        return None

    def run(self, corpus, queries, workdir):
        raise NotImplementedError


class Kyotei(Engine):
    name = "kyotei"

    def unavailable(self):
        if not self.opts.kyotei_search or not os.access(self.opts.kyotei_search, os.X_OK):
            return f"no kyotei-search program at {self.opts.kyotei_search or '(unset)'}"
        if not self.opts.db or not os.path.isdir(self.opts.db):
            return f"no index at {self.opts.db or '(unset)'}"
        return None

    def run(self, corpus, queries, workdir):
        out = {}
        for q in queries:
            cmd = [self.opts.kyotei_search, "--db", self.opts.db, "--format", "json",
                   "--limit", str(RECALL_DEPTH), q["query"]]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            # A sanitizer build may report with exit status 1, which otherwise means "nothing found".
            if p.returncode not in (0, 1) or "Sanitizer" in p.stderr:
                lines = [l for l in p.stderr.splitlines() if l.strip() and l.strip("= ")]
                msg = f"exit status {p.returncode}" + (f": {lines[0]}" if lines else "")
                self.notes[q["qid"]] = f"error: {msg}"
                out[q["qid"]] = []
                continue
            try:
                data = json.loads(p.stdout)
            except json.JSONDecodeError as e:
                self.notes[q["qid"]] = f"error: output is not JSON ({e})"
                out[q["qid"]] = []
                continue
            hits = data.get("hits") or []
            # Partial matches are what the person sees when nothing matches every word, so they
            # count as the ranked list, wherever the writer puts them.
            if not hits and isinstance(data.get("partial_hits"), list):
                hits = data["partial_hits"]
            if data.get("partial"):
                self.notes[q["qid"]] = "partial"
            out[q["qid"]] = dedupe(h["id"] for h in hits if isinstance(h, dict) and "id" in h)
        return out


def mecab_tokenize(opts, texts):
    """Wakati tokens of each text (NFKC first), lower-cased, punctuation dropped; one MeCab run."""
    lines = [nfkc(t).replace("\r", " ").replace("\n", " ").strip() or "。" for t in texts]
    p = subprocess.run(["mecab", "-d", opts.ipadic, "-Owakati"], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, check=True)
    out = p.stdout.split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        raise RuntimeError(f"mecab returned {len(out)} lines for {len(lines)}")
    return [[t.lower() for t in line.split() if is_word(t)] for line in out]


def import_xapian():
    try:
        import xapian  # noqa: F401 (Debian python3-xapian)
        return xapian
    except ImportError:
        return None


def xapian_search(xapian, db, query):
    enquire = xapian.Enquire(db)
    enquire.set_query(query)
    enquire.set_weighting_scheme(xapian.BM25Weight())
    enquire.set_docid_order(xapian.Enquire.ASCENDING)
    return [m.document.get_data().decode("utf-8") for m in enquire.get_mset(0, RECALL_DEPTH)]


def missing_ipadic(opts):
    if not opts.ipadic:
        return "IPADIC UTF-8 directory unknown (pass --ipadic or KYOTEI_IPADIC_DIR)"
    if not os.path.isfile(os.path.join(opts.ipadic, "sys.dic")):
        return f"no IPADIC at {opts.ipadic} (Debian mecab-ipadic-utf8)"
    return None


class MecabXapian(Engine):
    """MeCab tokens only, in a Xapian database with positions, BM25, AND of the query's tokens."""

    name = "mecab"

    def unavailable(self):
        if not import_xapian():
            return f"python module xapian missing for {sys.executable} (Debian python3-xapian)"
        if not shutil.which("mecab"):
            return "mecab command missing (Debian mecab)"
        return missing_ipadic(self.opts)

    def run(self, corpus, queries, workdir):
        xapian = import_xapian()
        texts = [row[c] for row in corpus for c in TEXT_COLUMNS]
        qwords = [" ".join(plain_words(q["query"])) for q in queries]
        tokens = mecab_tokenize(self.opts, texts + qwords)
        db = xapian.WritableDatabase(os.path.join(workdir, "mecab.db"), xapian.DB_CREATE_OR_OVERWRITE)
        for i, row in enumerate(corpus):
            doc, pos = xapian.Document(), 0
            for j in range(len(TEXT_COLUMNS)):
                for tok in tokens[i * len(TEXT_COLUMNS) + j]:
                    pos += 1
                    doc.add_posting(tok, pos)
                pos += COLUMN_GAP
            doc.add_boolean_term("Q" + row["id"])
            doc.set_data(row["id"])
            db.add_document(doc)
        db.commit()
        out = {}
        for q, words, toks in zip(queries, qwords, tokens[len(texts):]):
            if not words or not toks:
                out[q["qid"]] = []
                continue
            terms = dedupe(toks)
            out[q["qid"]] = xapian_search(xapian, db, xapian.Query(xapian.Query.OP_AND, terms))
        db.close()
        return out


class XapianNgram(Engine):
    """Xapian's own CJK n-grams (TermGenerator and QueryParser with FLAG_CJK_NGRAM), AND."""

    name = "xapian-ngram"

    def unavailable(self):
        xapian = import_xapian()
        if not xapian:
            return f"python module xapian missing for {sys.executable} (Debian python3-xapian)"
        if not hasattr(xapian.TermGenerator, "FLAG_CJK_NGRAM"):
            return "this Xapian has no CJK n-gram support"
        return None

    def run(self, corpus, queries, workdir):
        xapian = import_xapian()
        db = xapian.WritableDatabase(os.path.join(workdir, "ngram.db"), xapian.DB_CREATE_OR_OVERWRITE)
        tg = xapian.TermGenerator()
        tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
        for row in corpus:
            doc = xapian.Document()
            tg.set_document(doc)
            for c in TEXT_COLUMNS:
                tg.index_text(nfkc(row[c]))
                tg.increase_termpos(COLUMN_GAP)
            doc.add_boolean_term("Q" + row["id"])
            doc.set_data(row["id"])
            db.add_document(doc)
        db.commit()
        qp = xapian.QueryParser()
        qp.set_database(db)
        qp.set_default_op(xapian.Query.OP_AND)
        flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_CJK_NGRAM
        out = {}
        for q in queries:
            words = plain_words(q["query"])
            out[q["qid"]] = xapian_search(xapian, db, qp.parse_query(nfkc(" ".join(words)), flags)) if words else []
        db.close()
        return out


def groonga_quote(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def groonga_query_word(word):
    # Groonga's query syntax gives meaning to these; the reduced words are plain text.
    for ch in '\\"()':
        word = word.replace(ch, "\\" + ch)
    return word


class Groonga(Engine):
    """Groonga 13 from the command line over a temporary database: a lexicon with the given
    tokenizer and NormalizerAuto, one full-text index over the text columns."""

    def __init__(self, opts, name, tokenizer, plugin):
        super().__init__(opts)
        self.name, self.tokenizer, self.plugin = name, tokenizer, plugin

    def env(self, workdir):
        env = dict(os.environ)
        if self.plugin:
            # TokenMecab reads the dictionary from mecabrc; the system default may not be IPADIC.
            rc = os.path.join(workdir, "mecabrc")
            with open(rc, "w", encoding="utf-8") as f:
                f.write(f"dicdir = {self.opts.ipadic}\n")
            env["MECABRC"] = rc
        return env

    def groonga(self, workdir, dbname, commands):
        """Runs the commands in one groonga process; returns one decoded response per command."""
        db = os.path.join(workdir, dbname)
        p = subprocess.run(["groonga", "-n", db], input="\n".join(commands) + "\n",
                           capture_output=True, text=True, env=self.env(workdir), timeout=600)
        decoder, text, pos, responses = json.JSONDecoder(), p.stdout, 0, []
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                break
            value, pos = decoder.raw_decode(text, pos)
            responses.append(value)
        if len(responses) != len(commands):
            raise RuntimeError(f"groonga answered {len(responses)} of {len(commands)} commands: "
                               f"{p.stderr.strip() or text[-300:]}")
        return responses

    def unavailable(self):
        if not shutil.which("groonga"):
            return "groonga command missing (Debian groonga-bin)"
        if self.plugin:
            why = missing_ipadic(self.opts)
            if why:
                return why
        with tempfile.TemporaryDirectory(prefix="kyotei-eval-") as tmp:
            cmds = ([f"plugin_register {self.plugin}"] if self.plugin else []) + [
                f"tokenize {self.tokenizer} {groonga_quote('観光')}"]
            try:
                responses = self.groonga(tmp, "probe.db", cmds)
            except (RuntimeError, ValueError, OSError, subprocess.SubprocessError) as e:
                return f"groonga does not run: {e}"
            for r in responses:
                if r[0][0] != 0:
                    return f"groonga has no {self.tokenizer}: {r[0][3] if len(r[0]) > 3 else r[0]}" + (
                        " (Debian groonga-tokenizer-mecab)" if self.plugin else "")
        return None

    def run(self, corpus, queries, workdir):
        cmds = [f"plugin_register {self.plugin}"] if self.plugin else []
        cmds.append("table_create Agreements TABLE_HASH_KEY ShortText")
        cmds += [f"column_create Agreements {c} COLUMN_SCALAR Text" for c in TEXT_COLUMNS]
        cmds.append(f"table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer {self.tokenizer} "
                    "--normalizer NormalizerAuto")
        cmds.append("column_create Terms agreements_text COLUMN_INDEX|WITH_POSITION|WITH_SECTION "
                    f"Agreements {','.join(TEXT_COLUMNS)}")
        records = [dict({"_key": row["id"]}, **{c: row[c] for c in TEXT_COLUMNS}) for row in corpus]
        # The body follows the load command on its own line and gets no response of its own.
        cmds.append("load --table Agreements\n" + json.dumps(records, ensure_ascii=False))
        setup = len(cmds)
        match = "||".join(TEXT_COLUMNS)
        asked = []
        for q in queries:
            words = plain_words(q["query"])
            if not words:
                continue
            asked.append(q["qid"])
            cmds.append(f"select Agreements --match_columns {groonga_quote(match)} "
                        f"--query {groonga_quote(' '.join(groonga_query_word(w) for w in words))} "
                        f"--query_flags NONE --limit {RECALL_DEPTH} --output_columns _key,_score "
                        f"--sort_keys -_score,_key")
        responses = self.groonga(workdir, f"{self.name}.db", cmds)
        for i, r in enumerate(responses[:setup]):
            if r[0][0] != 0:
                raise RuntimeError(f"groonga refused {cmds[i]!r}: {r[0]}")
        out = {q["qid"]: [] for q in queries}
        for qid, r in zip(asked, responses[setup:]):
            if r[0][0] != 0:
                self.notes[qid] = f"error: {r[0][3] if len(r[0]) > 3 else r[0]}"
                continue
            out[qid] = [rec[0] for rec in r[1][0][2:]]
        return out


def make_engines(opts):
    return {
        "kyotei": Kyotei(opts),
        "mecab": MecabXapian(opts),
        "xapian-ngram": XapianNgram(opts),
        "groonga-mecab": Groonga(opts, "groonga-mecab", "TokenMecab", "tokenizers/mecab"),
        "groonga-bigram": Groonga(opts, "groonga-bigram", "TokenBigram", None),
    }


# ---------------------------------------------------------------- scoring and reports

def score(queries, qrels, ranked):
    """Per query, per kind, per group of kinds (GROUPS) and overall; a kind or group without
    queries in the set is left out. Every mean is over queries, not over kinds."""
    per_query = {}
    for q in queries:
        r, rels = ranked.get(q["qid"], []), qrels[q["qid"]]
        per_query[q["qid"]] = {"ndcg10": ndcg(r, rels), "recall100": recall(r, rels), "returned": r[:RECALL_DEPTH]}

    def mean(qids):
        return {"queries": len(qids), **{m: sum(per_query[x][m] for x in qids) / len(qids) for m in MEASURES}}

    per_kind, per_group = {}, {}
    for kind in KINDS:
        qs = [q["qid"] for q in queries if q["kind"] == kind]
        if qs:
            per_kind[kind] = mean(qs)
    for group, kinds in GROUPS.items():
        qs = [q["qid"] for q in queries if q["kind"] in kinds]
        if qs:
            per_group[group] = mean(qs)
    return per_query, per_kind, per_group, mean([q["qid"] for q in queries])


def kinds_in(queries, kinds=KINDS):
    return [k for k in kinds if any(q["kind"] == k for q in queries)]


def tables(results, queries, measure):
    """One table per group of kinds present in the set, each with its kinds and the group's
    mean; the last one ends with the overall mean. A set of one group gets one table, with
    its kinds and the overall mean. Returns [(group, header, rows)]."""
    groups = [(g, kinds_in(queries, kinds)) for g, kinds in GROUPS.items()]
    groups = [(g, kinds) for g, kinds in groups if kinds]
    count = lambda ks: sum(q["kind"] in ks for q in queries)
    out = []
    for i, (group, kinds) in enumerate(groups):
        cols = [(f"{k} ({count([k])})", lambda res, k=k: res["per_kind"][k]) for k in kinds]
        if len(groups) > 1:
            cols.append((f"{group} ({count(GROUPS[group])})", lambda res, g=group: res["per_group"][g]))
        if i == len(groups) - 1:
            cols.append((f"overall ({len(queries)})", lambda res: res["overall"]))
        rows = []
        for name, res in results.items():
            if res.get("unavailable"):
                rows.append([name] + ["n/a"] * len(cols))
            else:
                rows.append([name] + [f"{get(res)[measure]:.3f}" for _, get in cols])
        out.append((group, ["engine"] + [c for c, _ in cols], rows))
    return out


def text_table(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def bad_queries(res, queries, qrels):
    """Queries where an engine does badly: nDCG@10 under 0.8 or some relevant agreement missed."""
    out = []
    for q in queries:
        pq = res["per_query"][q["qid"]]
        if pq["ndcg10"] < BAD_NDCG or pq["recall100"] < 1.0:
            rels = qrels[q["qid"]]
            returned = pq["returned"]
            out.append({
                "qid": q["qid"], "kind": q["kind"], "query": q["query"],
                "ndcg10": pq["ndcg10"], "recall100": pq["recall100"],
                "top": [f"{d}({rels.get(d, 0)})" for d in returned[:NDCG_DEPTH]],
                "more": max(0, len(returned) - NDCG_DEPTH),
                "missed": [f"{d}({g})" for d, g in sorted(rels.items(), key=lambda x: -x[1]) if d not in returned],
                "note": res["notes"].get(q["qid"], ""),
            })
    return out


def bad_lines(bad, markdown):
    lines = []
    for b in bad:
        top = " ".join(b["top"]) or "nothing"
        if b["more"]:
            top += f" … (+{b['more']})"
        head = f"{b['qid']} [{b['kind']}] `{b['query']}`" if markdown else f"{b['qid']} [{b['kind']}] {b['query']}"
        note = f"; {b['note']}" if b["note"] else ""
        text = (f"{head}: nDCG@10 {b['ndcg10']:.3f}, recall@100 {b['recall100']:.3f}{note}\n"
                f"    returned: {top}\n    missed:   {' '.join(b['missed']) or '-'}")
        lines.append(("- " + text.replace("\n    ", "<br>") if markdown else text))
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get("KYOTEI_BUILD", os.path.join(REPO, "build")),
                    help="a kyotei build directory (default $KYOTEI_BUILD, else build/); gives the defaults below")
    ap.add_argument("--kyotei-search", default=os.environ.get("KYOTEI_SEARCH"),
                    help="the kyotei-search program (default $KYOTEI_SEARCH, else BUILD/bin/kyotei-search)")
    ap.add_argument("--db", default=os.environ.get("KYOTEI_DB"),
                    help="kyotei's index (default $KYOTEI_DB, else BUILD/share/kyotei/index)")
    ap.add_argument("--ipadic", default=os.environ.get("KYOTEI_IPADIC_DIR"),
                    help="MeCab IPADIC UTF-8 for the baselines (default $KYOTEI_IPADIC_DIR, else the "
                         "build's KYOTEI_IPADIC_DIR)")
    ap.add_argument("--queries", default=os.path.join(REPO, "tests", "eval", "queries.tsv"))
    ap.add_argument("--qrels", default=os.path.join(REPO, "tests", "eval", "qrels.tsv"))
    ap.add_argument("--corpus", default=os.path.join(REPO, "corpus", "agreements.csv"))
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help=f"comma-separated, from {','.join(ENGINES)} (default all)")
    ap.add_argument("--markdown", metavar="FILE", help="also write the tables as Markdown")
    ap.add_argument("--json", metavar="FILE", help="also write every figure and ranked list as JSON")
    ap.add_argument("--bad", metavar="ENGINE", action="append", default=[],
                    help="list the queries where ENGINE does badly (nDCG@10 < 0.8 or recall@100 < 1)")
    ap.add_argument("--floor", metavar="FILE",
                    help="fail (exit 1) when an engine's figures fall below any floor in FILE (overall, "
                         "a group of kinds, a kind)")
    ap.add_argument("--write-floor", metavar="FILE",
                    help=f"write kyotei's figures minus {FLOOR_MARGIN} to FILE as the new floor: the "
                         "existing kinds together and each typed kind")
    opts = ap.parse_args(argv)

    opts.kyotei_search = opts.kyotei_search or os.path.join(opts.build, "bin", "kyotei-search")
    opts.db = opts.db or os.path.join(opts.build, "share", "kyotei", "index")
    if not opts.ipadic:
        opts.ipadic = ipadic_from_cache(opts.build)
    names = [n.strip() for n in opts.engines.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENGINES]
    if unknown or not names:
        ap.error(f"unknown engine(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ENGINES)}")
    floor = None
    if opts.floor:
        try:
            with open(opts.floor, encoding="utf-8") as f:
                floor = read_floor(json.load(f))
        except (OSError, ValueError) as e:
            ap.error(f"--floor {opts.floor}: {e}")
        if floor["engine"] not in names:
            ap.error(f"--floor is for {floor['engine']}, which is not among --engines")
    if opts.write_floor and "kyotei" not in names:
        ap.error("--write-floor needs the kyotei engine")

    try:
        corpus = load_corpus(opts.corpus)
        queries = load_queries(opts.queries)
        qrels = load_qrels(opts.qrels, {q["qid"] for q in queries}, {r["id"] for r in corpus})
    except (JudgedSetError, OSError) as e:
        print(f"run_eval: {e}", file=sys.stderr)
        return 2

    engines = make_engines(opts)
    results = {}
    for name in names:
        engine = engines[name]
        why = engine.unavailable()
        if why:
            results[name] = {"unavailable": why}
            continue
        with tempfile.TemporaryDirectory(prefix="kyotei-eval-") as workdir:
            start = time.monotonic()
            try:
                ranked = engine.run(corpus, queries, workdir)
            except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as e:
                print(f"run_eval: {name}: failed: {e}", file=sys.stderr)
                results[name] = {"unavailable": f"failed: {e}"}
                continue
            seconds = time.monotonic() - start
        per_query, per_kind, per_group, overall = score(queries, qrels, ranked)
        results[name] = {"per_query": per_query, "per_kind": per_kind, "per_group": per_group, "overall": overall,
                         "notes": engine.notes, "seconds": round(seconds, 3)}
        for qid, note in sorted(engine.notes.items()):
            if note.startswith("error"):
                print(f"run_eval: {name}: {qid}: {note}", file=sys.stderr)

    titles = {"ndcg10": f"nDCG@{NDCG_DEPTH}", "recall100": f"recall@{RECALL_DEPTH}"}
    several = sum(bool(kinds_in(queries, kinds)) for kinds in GROUPS.values()) > 1
    printed = []
    for m in MEASURES:
        for group, header, rows in tables(results, queries, m):
            title = f"{titles[m]}, {group} kinds" if several else titles[m]
            printed.append(f"{title}\n{text_table(header, rows)}")
    print("\n\n".join(printed))
    missing = [f"{name}: not available: {res['unavailable']}" for name, res in results.items() if res.get("unavailable")]
    if missing:
        print("\n" + "\n".join(missing))
    for name in opts.bad:
        if name in results and not results[name].get("unavailable"):
            bad = bad_queries(results[name], queries, qrels)
            print(f"\n{name}: {len(bad)} queries with nDCG@10 < {BAD_NDCG} or recall@100 < 1 "
                  "(agreement(grade); grade 0 = not relevant)")
            print("\n".join(bad_lines(bad, markdown=False)))

    if opts.markdown:
        md = []
        for m in MEASURES:
            for group, header, rows in tables(results, queries, m):
                title = f"{titles[m]}, {group} kinds" if several else titles[m]
                md += [("" if not md else "\n") + f"{title} (mean per kind; number of queries in brackets)\n",
                       md_table(header, rows)]
        if missing:
            md.append("\n" + "\n".join(f"- {m}" for m in missing))
        for name in opts.bad:
            if name in results and not results[name].get("unavailable"):
                bad = bad_queries(results[name], queries, qrels)
                md.append(f"\nQueries where {name} does badly (nDCG@10 < {BAD_NDCG} or recall@100 < 1); "
                          "each agreement with its grade, 0 = not relevant:\n")
                md.extend(bad_lines(bad, markdown=True))
        with open(opts.markdown, "w", encoding="utf-8") as f:
            f.write("\n".join(md) + "\n")
    if opts.json:
        with open(opts.json, "w", encoding="utf-8") as f:
            json.dump({"queries": queries, "engines": results}, f, ensure_ascii=False, indent=1)
            f.write("\n")

    if opts.write_floor and not results["kyotei"].get("unavailable"):
        with open(opts.write_floor, "w", encoding="utf-8") as f:
            json.dump(new_floor(results["kyotei"]), f, indent=2)
            f.write("\n")
    if floor:
        return check_floor(floor, results)
    return 0


# ---------------------------------------------------------------- the floor
#
# floor.json names the engine and the lowest figures it may score, each as
# {"ndcg10": x, "recall100": y}, for any of:
#   "overall"           all the queries of the set
#   "overall_existing"  the queries of the kinds the set began with (EXISTING_KINDS) together
#   "overall_typed"     the queries of the typed kinds (TYPED_KINDS) together
#   "kinds": {KIND: …}  the queries of one kind
# The first layout, {"engine", "ndcg10", "recall100"}, is read as "overall".

FLOOR_GROUPS = {"overall": None, **{f"overall_{g}": g for g in GROUPS}}


def read_floor(data):
    """{"engine": name, "targets": [(label, scope, name, {measure: floor})]} from floor.json's
    content, scope being "overall", "group" or "kind"; ValueError when the layout is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("engine"), str):
        raise ValueError("a floor is a JSON object with the engine's name in \"engine\"")
    if any(m in data for m in MEASURES):
        data = {"engine": data["engine"], "overall": {m: data.get(m) for m in MEASURES},
                **{k: v for k, v in data.items() if k not in MEASURES and k != "engine"}}
    unknown = [k for k in data if k not in ("engine", "kinds", *FLOOR_GROUPS)]
    if unknown:
        raise ValueError(f"unknown member(s) {', '.join(unknown)}; "
                         f"known: engine, {', '.join(FLOOR_GROUPS)}, kinds")

    def figures(where, value):
        if not isinstance(value, dict) or sorted(value) != sorted(MEASURES):
            raise ValueError(f"{where} must give exactly {' and '.join(MEASURES)}")
        for m in MEASURES:
            v = value[m]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ValueError(f"{where}: {m} must be a number from 0 to 1, found {v!r}")
        return {m: float(value[m]) for m in MEASURES}

    targets = []
    for key, group in FLOOR_GROUPS.items():
        if key in data:
            scope = ("overall", None) if group is None else ("group", group)
            targets.append((key.replace("_", " "), *scope, figures(key, data[key])))
    kinds = data.get("kinds", {})
    if not isinstance(kinds, dict):
        raise ValueError("kinds must map each kind to its floor")
    for kind, value in kinds.items():
        if kind not in KINDS:
            raise ValueError(f"kinds: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        targets.append((f"kind {kind}", "kind", kind, figures(f"kinds.{kind}", value)))
    if not targets:
        raise ValueError("no floor in it")
    return {"engine": data["engine"], "targets": targets}


def new_floor(res):
    """kyotei's floor from its figures: each minus FLOOR_MARGIN, rounded down to three places,
    never below 0; the existing kinds together, and each typed kind on its own."""
    # round() first, so that 0.495 stays 0.495 in binary.
    below = lambda x: max(0.0, math.floor(round((x - FLOOR_MARGIN) * 1000, 6)) / 1000)
    figures = lambda f: {m: below(f[m]) for m in MEASURES}
    floor = {"engine": "kyotei"}
    if "existing" in res["per_group"]:
        floor["overall_existing"] = figures(res["per_group"]["existing"])
    kinds = {k: figures(res["per_kind"][k]) for k in TYPED_KINDS if k in res["per_kind"]}
    if kinds:
        floor["kinds"] = kinds
    return floor


def check_floor(floor, results):
    name = floor["engine"]
    res = results.get(name, {})
    if res.get("unavailable"):
        print(f"run_eval: {name} cannot be measured: {res['unavailable']}", file=sys.stderr)
        return 2
    measured = {"overall": lambda _: res["overall"], "group": res["per_group"].get,
                "kind": res["per_kind"].get}
    failed, unmeasured = [], []
    for label, scope, what, want in floor["targets"]:
        got = measured[scope](what)
        if got is None:
            unmeasured.append(label)
            continue
        for measure in MEASURES:
            ok = got[measure] >= want[measure]
            if not ok:
                failed.append(f"{label} {measure}")
            print(f"{name} {label} {measure}: {got[measure]:.4f} {'>=' if ok else '<'} floor {want[measure]:.4f}")
    if unmeasured:
        print(f"run_eval: the floor names what the judged set has no queries for: {', '.join(unmeasured)}",
              file=sys.stderr)
        return 2
    if failed:
        print(f"run_eval: {name} fell below the floor ({', '.join(failed)}); see --bad {name} for the "
              "queries that fail", file=sys.stderr)
        return 1
    return 0


def ipadic_from_cache(build):
    """KYOTEI_IPADIC_DIR from the build's CMake cache: the one place kyotei names its dictionary."""
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("KYOTEI_IPADIC_DIR:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


if __name__ == "__main__":
    sys.exit(main())
