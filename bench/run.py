#!/usr/bin/env python3
"""kyotei beside other engines, on the same synthetic agreements, in the same run.

For every size asked for, the harness generates the agreements (gen_corpus.py) and the queries
(gen_queries.py) once, then for every engine:
  - builds its index from the same CSV, as a fresh process, --repeat times: the median wall time,
    the throughput (agreements/s and MB of CSV/s), the peak resident memory of that process (from
    wait4), and the size of what it left on disk;
  - starts it once as a long-running process and sends it every query twice, one at a time: the
    first round warms it, the second is timed from here (write a line, read the answer) for p50
    and p99. Each engine answers with the first page of 10 and exact counts by country and by
    field over the whole match set, as kyotei's search page does. An engine whose warm-up round
    runs past --query-budget seconds is timed on the queries it answered by then.
  - for kyotei and Omega, times one CGI request as a fresh process (the median over --cgi-runs
    runs of each of the first three queries without filters), as a web server runs it.
Then it prints one table per size, with ratios: build time against MeCab alone (mecab-floor),
size and latency against Groonga with TokenMecab, CGI against Omega. Nothing is asserted: see
bench/README.md for the targets and the figures.

Engines (bench/README.md says exactly what each one does):
  kyotei        kyotei-index; queries through kyotei-search --batch (kyotei-bench-query while
                kyotei-search has no --batch)
  mecab         MeCab alone over the same text (build only): the floor
  groonga       Groonga with TokenMecab (groonga-bin, groonga-tokenizer-mecab)
  sqlite        SQLite FTS5 with the trigram tokenizer (Python's sqlite3)
  xapian-ngram  Xapian's own CJK n-grams (python3-xapian, run with /usr/bin/python3)
  omega         Xapian Omega (xapian-omega): scriptindex with XAPIAN_CJK_NGRAM, and its CGI
                (build and CGI only; the CGI set-up is bench/cgi/bench.py's)

  bench/run.py --bin build/bin --sizes 10000,100000
"""
import argparse
import csv
import importlib.util
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402
import gen_queries  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "eval"))
from run_eval import groonga_quote, groonga_query_word as groonga_word  # noqa: E402

ENGINES = ("kyotei", "mecab", "groonga", "sqlite", "xapian-ngram", "omega")
DEFAULT_IPADIC = "/var/lib/mecab/dic/ipadic-utf8"
TEXT_COLUMNS = ("title", "description", "partner", "municipality", "fields")
PAGE = 10
# Debian's python3 has python3-xapian; a python of one's own (pyenv, venv) usually does not.
SYSTEM_PYTHON = "/usr/bin/python3"


def nfkc(text):
    return unicodedata.normalize("NFKC", text)


def split_query(line):
    """A benchmark query as (words, countries, fields): `country:中国 観光 交流`."""
    words, countries, fields = [], [], []
    for part in line.split():
        if part.startswith("country:"):
            countries.append(part[len("country:"):])
        elif part.startswith("field:"):
            fields.append(part[len("field:"):])
        else:
            words.append(part)
    return words, countries, fields


def disk_usage(path):
    """Bytes on disk under path (as du counts them)."""
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                pass
    return total


def run_measured(argv, env=None, stdin=None, stdout=subprocess.DEVNULL):
    """Runs argv to its end; returns (wall seconds, processor seconds, peak RSS in bytes, exit status,
    stderr text)."""
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdin=stdin, stdout=stdout, stderr=err)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    text = err.read().decode("utf-8", "replace")
    err.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, p.returncode, text


def percentile(values, p):
    """The p-th percentile (nearest rank) of values."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, math.ceil(p / 100.0 * len(s)) - 1))
    return s[k]


# ------------------------------------------------------------------------------------- engines

def load_cgi_bench():
    """bench/cgi/bench.py, the CGI benchmark, whose Omega set-up and timer this harness reuses."""
    path = os.path.join(HERE, "cgi", "bench.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("kyotei_cgi_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Engine:
    name = ""
    queries = True
    cgi = False

    def __init__(self, opts):
        self.opts = opts

    def unavailable(self):
        return None

    def prepare(self, csv_path, work):
        """Untimed: converts the CSV into what the engine loads, when it cannot read CSV."""

    def build(self, csv_path, db):
        """(argv, env, stdin path or None) of the timed build."""
        raise NotImplementedError

    def server(self, db):
        """(argv, env) of a process that answers one request line with one line."""
        raise NotImplementedError

    def request(self, query):
        return query

    def total(self, answer):
        """The number of matches in an answer line (None when it is an error)."""
        raise NotImplementedError


class Kyotei(Engine):
    name = "kyotei"
    cgi = True

    def binary(self, name):
        return os.path.join(self.opts.bin, name)

    def unavailable(self):
        for b in ("kyotei-index", "kyotei-search"):
            if not os.access(self.binary(b), os.X_OK):
                return f"{self.binary(b)} missing (build kyotei first, or give --bin)"
        return None

    def build(self, csv_path, db):
        return [self.binary("kyotei-index"), "--quiet", "--db", db] + self.opts.kyotei_args + [csv_path], None, None

    def has_batch(self):
        p = subprocess.run([self.binary("kyotei-search"), "--help"], capture_output=True, text=True)
        return "--batch" in p.stdout

    def server(self, db):
        if self.has_batch():
            return [self.binary("kyotei-search"), "--db", db, "--batch", "-"], None
        return [self.binary("kyotei-bench-query"), "--db", db, "-"], None

    def total(self, answer):
        o = json.loads(answer)
        return o.get("total")

    def cgi_request(self, db, words):
        cgi = self.opts.cgi_bench
        return [self.binary("kyotei-search")], cgi.cgi_env("q=" + quote(words), {"KYOTEI_DB": db})


class MecabFloor(Engine):
    name = "mecab"
    queries = False

    def unavailable(self):
        b = os.path.join(self.opts.bin, "mecab-floor")
        return None if os.access(b, os.X_OK) else f"{b} missing (build kyotei first, or give --bin)"

    def build(self, csv_path, db):
        return [os.path.join(self.opts.bin, "mecab-floor"), "--dicdir", self.opts.ipadic, csv_path], None, None


class Groonga(Engine):
    """Groonga 13: the agreements loaded first, then the indexes built over them (Groonga's fast
    static index construction): a TokenMecab lexicon with NormalizerAuto and positions over the
    five text columns, and reference columns for country and fields (drilldowns)."""
    name = "groonga"

    def env(self, work):
        rc = os.path.join(work, "groonga-mecabrc")
        with open(rc, "w", encoding="utf-8") as f:
            f.write(f"dicdir = {self.opts.ipadic}\n")
        env = dict(os.environ)
        env["MECABRC"] = rc  # TokenMecab reads mecabrc; the system default may not be IPADIC
        return env

    def unavailable(self):
        if not shutil.which("groonga"):
            return "groonga missing (Debian groonga-bin)"
        with tempfile.TemporaryDirectory(prefix="kyotei-bench-") as tmp:
            p = subprocess.run(["groonga", "-n", os.path.join(tmp, "probe.db")],
                               input="plugin_register tokenizers/mecab\n", capture_output=True, text=True,
                               env=self.env(tmp))
            if not p.stdout.startswith("[[0,"):
                return "groonga has no TokenMecab (Debian groonga-tokenizer-mecab)"
        return None

    def prepare(self, csv_path, work):
        self.commands = csv_path + ".groonga"
        if os.path.exists(self.commands):
            return
        with open(csv_path, encoding="utf-8", newline="") as f, open(self.commands + ".tmp", "w",
                                                                        encoding="utf-8") as out:
            out.write("plugin_register tokenizers/mecab\n"
                      "table_create Countries TABLE_HASH_KEY ShortText\n"
                      "table_create Fields TABLE_HASH_KEY ShortText\n"
                      "table_create Agreements TABLE_HASH_KEY ShortText\n")
            for c in ("municipality", "prefecture", "signed", "url"):
                out.write(f"column_create Agreements {c} COLUMN_SCALAR ShortText\n")
            for c in ("title", "partner", "fields_text", "description"):
                out.write(f"column_create Agreements {c} COLUMN_SCALAR Text\n")
            out.write("column_create Agreements country COLUMN_SCALAR Countries\n"
                      "column_create Agreements fields COLUMN_VECTOR Fields\n"
                      "load --table Agreements\n[\n")
            first = True
            for row in csv.DictReader(f):
                rec = {"_key": row["id"], "municipality": row["municipality"], "prefecture": row["prefecture"],
                       "signed": row["signed"], "url": row["url"], "title": row["title"],
                       "partner": row["partner"], "fields_text": row["fields"], "description": row["description"],
                       "country": row["country"], "fields": gen_queries.split_fields(row["fields"])}
                out.write(("" if first else ",\n") + json.dumps(rec, ensure_ascii=False))
                first = False
            out.write("\n]\n"
                      "table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenMecab "
                      "--normalizer NormalizerAuto\n"
                      "column_create Terms text COLUMN_INDEX|WITH_POSITION|WITH_SECTION Agreements "
                      "title,description,partner,municipality,fields_text\n"
                      "column_create Countries agreements COLUMN_INDEX Agreements country\n"
                      "column_create Fields agreements COLUMN_INDEX Agreements fields\n")
        os.replace(self.commands + ".tmp", self.commands)

    def build(self, csv_path, db):
        os.makedirs(db, exist_ok=True)
        return ["groonga", "-n", os.path.join(db, "db")], self.env(db), self.commands

    def server(self, db):
        return ["groonga", os.path.join(db, "db")], self.env(db)

    def request(self, query):
        words, countries, fields = split_query(query)
        filters = []
        if countries:
            filters.append(" || ".join(f"country == {groonga_quote(c)}" for c in countries))
        if fields:
            filters.append(" || ".join(f"fields @ {groonga_quote(x)}" for x in fields))
        cmd = ["select Agreements --command_version 2",
               "--match_columns " + groonga_quote("title * 2 || description || partner || municipality || fields_text")]
        if words:
            cmd.append("--query " + groonga_quote(" ".join(groonga_word(w) for w in words)))
        if filters:
            cmd.append("--filter " + groonga_quote(" && ".join(f"({x})" for x in filters)))
        cmd.append(f"--limit {PAGE} --sort_keys -_score,_key --drilldown country,fields --drilldown_limit -1 "
                   "--output_columns " + groonga_quote("_key,_score,title,snippet_html(description)"))
        return " ".join(cmd)

    def total(self, answer):
        r = json.loads(answer)
        if r[0][0] != 0:
            return None
        return r[1][0][0][0]


class PythonEngine(Engine):
    """An engine driven by this file in a child process (--child-build, --child-serve)."""
    python = sys.executable

    def build(self, csv_path, db):
        return [self.python, os.path.abspath(__file__), "--child-build", self.name, db, csv_path], None, None

    def server(self, db):
        return [self.python, os.path.abspath(__file__), "--child-serve", self.name, db], None

    def total(self, answer):
        o = json.loads(answer)
        return o.get("total")


class Sqlite(PythonEngine):
    name = "sqlite"

    def unavailable(self):
        try:
            import sqlite3
            con = sqlite3.connect(":memory:")
            con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        except Exception as e:  # noqa: BLE001 - any failure means the engine cannot run
            return f"SQLite FTS5 with the trigram tokenizer is not available: {e}"
        return None


class XapianNgram(PythonEngine):
    name = "xapian-ngram"
    python = SYSTEM_PYTHON

    def unavailable(self):
        p = subprocess.run([self.python, "-c", "import xapian; xapian.TermGenerator.FLAG_CJK_NGRAM"],
                           capture_output=True, text=True)
        return None if p.returncode == 0 else f"python3-xapian with CJK n-grams missing for {self.python}"


class Omega(Engine):
    """Xapian Omega: scriptindex (XAPIAN_CJK_NGRAM=1) over a dump of the same agreements, and its
    CGI with the stock query template, every word required, as bench/cgi/bench.py sets it up."""
    name = "omega"
    queries = False
    cgi = True

    def unavailable(self):
        cgi = self.opts.cgi_bench
        if not cgi:
            return "bench/cgi/bench.py missing"
        if not os.access(cgi.OMEGA, os.X_OK) or not shutil.which("scriptindex"):
            return "Omega missing (Debian xapian-omega)"
        return None

    def prepare(self, csv_path, work):
        cgi = self.opts.cgi_bench
        self.dump = csv_path + ".omega-dump"
        self.script = os.path.join(work, "omega.script")
        with open(self.script, "w", encoding="utf-8") as f:
            f.write(cgi.OMEGA_SCRIPT)
        if os.path.exists(self.dump):
            return
        with open(csv_path, encoding="utf-8", newline="") as f, open(self.dump + ".tmp", "w",
                                                                        encoding="utf-8") as out:
            for row in csv.DictReader(f):
                out.write(cgi.omega_record(row))
        os.replace(self.dump + ".tmp", self.dump)

    def build(self, csv_path, db):
        os.makedirs(os.path.join(db, "data"), exist_ok=True)
        env = dict(os.environ, XAPIAN_CJK_NGRAM="1")
        return ["scriptindex", "--overwrite", os.path.join(db, "data", "agreements"), self.script, self.dump], env, None

    def cgi_request(self, db, words):
        cgi = self.opts.cgi_bench
        conf = os.path.join(db, "omega.conf")
        if not os.path.exists(conf):
            os.makedirs(os.path.join(db, "log"), exist_ok=True)
            with open(conf, "w", encoding="utf-8") as f:
                f.write(f"database_dir {db}/data\ntemplate_dir {cgi.OMEGA_TEMPLATES}\nlog_dir {db}/log\n"
                        f"cdb_dir {db}\n")
        return [cgi.OMEGA], cgi.cgi_env(f"DB=agreements&DEFAULTOP=and&P={quote(words)}",
                                        {"OMEGA_CONFIG_FILE": conf, "XAPIAN_CJK_NGRAM": "1"})


def make_engines(opts):
    all_engines = {"kyotei": Kyotei, "mecab": MecabFloor, "groonga": Groonga, "sqlite": Sqlite,
                   "xapian-ngram": XapianNgram, "omega": Omega}
    return [all_engines[n](opts) for n in opts.engines]


# ------------------------------------------------------------- the python engines, in a child

def read_rows(csv_path):
    with open(csv_path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def sqlite_build(db, csv_path):
    import sqlite3
    os.makedirs(db, exist_ok=True)
    con = sqlite3.connect(os.path.join(db, "fts.sqlite"))
    con.executescript("""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE docs(id TEXT PRIMARY KEY, municipality, prefecture, title, partner, country, fields,
                          description, signed, url);
        CREATE TABLE doc_fields(doc INTEGER, field TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, description, partner, municipality, fields,
                                            content='docs', content_rowid='rowid', tokenize='trigram');
    """)
    cols = ("id", "municipality", "prefecture", "title", "partner", "country", "fields", "description", "signed",
            "url")
    with con:
        for row in read_rows(csv_path):
            cur = con.execute(f"INSERT INTO docs VALUES ({','.join('?' * len(cols))})",
                              [nfkc(row[c]) if c in TEXT_COLUMNS else row[c] for c in cols])
            con.executemany("INSERT INTO doc_fields VALUES (?, ?)",
                            [(cur.lastrowid, x) for x in gen_queries.split_fields(row["fields"])])
        con.execute("INSERT INTO fts(fts) VALUES('rebuild')")
        con.execute("CREATE INDEX doc_fields_doc ON doc_fields(doc)")
        con.execute("CREATE INDEX doc_fields_field ON doc_fields(field)")
        con.execute("CREATE INDEX docs_country ON docs(country)")
    con.close()


def sqlite_serve(db):
    import sqlite3
    con = sqlite3.connect(os.path.join(db, "fts.sqlite"))
    for line in sys.stdin:
        words, countries, fields = split_query(line.strip())
        words = [nfkc(w) for w in words]
        where, args = [], []
        long_words = [w for w in words if len(w) >= 3]
        if long_words:
            # the trigram index finds strings of three characters or more
            where.append("fts MATCH ?")
            args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
        for w in words:
            if len(w) < 3:  # shorter ones only by scanning (LIKE), as FTS5 documents
                where.append("(" + " OR ".join(f"fts.{c} LIKE ?" for c in TEXT_COLUMNS) + ")")
                args += ["%" + w + "%"] * len(TEXT_COLUMNS)
        if countries:
            where.append(f"docs.country IN ({','.join('?' * len(countries))})")
            args += countries
        if fields:
            where.append(f"docs.rowid IN (SELECT doc FROM doc_fields WHERE field IN ({','.join('?' * len(fields))}))")
            args += fields
        rank = "bm25(fts)" if long_words else "0"
        sql_where = " AND ".join(where) if where else "1"
        con.execute("DROP TABLE IF EXISTS temp.m")
        con.execute(f"CREATE TEMP TABLE m AS SELECT fts.rowid AS r, {rank} AS s FROM fts JOIN docs "
                    f"ON docs.rowid = fts.rowid WHERE {sql_where}", args)
        total = con.execute("SELECT count(*) FROM m").fetchone()[0]
        hits = con.execute("SELECT docs.id, docs.title, substr(docs.description, 1, 80) FROM m JOIN docs "
                           "ON docs.rowid = m.r ORDER BY m.s, docs.id LIMIT ?", (PAGE,)).fetchall()
        by_country = con.execute("SELECT docs.country, count(*) FROM m JOIN docs ON docs.rowid = m.r "
                                 "GROUP BY docs.country").fetchall()
        by_field = con.execute("SELECT f.field, count(*) FROM m JOIN doc_fields f ON f.doc = m.r "
                               "GROUP BY f.field").fetchall()
        print(json.dumps({"total": total, "ids": [h[0] for h in hits], "countries": dict(by_country),
                          "fields": dict(by_field)}, ensure_ascii=False), flush=True)


def xapian_build(db, csv_path):
    import xapian
    w = xapian.WritableDatabase(db, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    for row in read_rows(csv_path):
        doc = xapian.Document()
        tg.set_document(doc)
        for c in TEXT_COLUMNS:
            tg.index_text(nfkc(row[c]))
            tg.increase_termpos(100)
        doc.add_boolean_term("Q" + row["id"])
        doc.add_boolean_term("XC" + row["country"])
        parts = gen_queries.split_fields(row["fields"])
        for x in parts:
            doc.add_boolean_term("XF" + x)
        doc.add_value(0, row["country"])
        doc.add_value(1, "\x1f".join(parts))
        doc.set_data(json.dumps(row, ensure_ascii=False))
        w.add_document(doc)
    w.commit()
    w.close()


def xapian_serve(db):
    import xapian
    d = xapian.Database(db)
    qp = xapian.QueryParser()
    qp.set_database(d)
    qp.set_default_op(xapian.Query.OP_AND)
    flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_CJK_NGRAM
    for line in sys.stdin:
        words, countries, fields = split_query(line.strip())
        q = qp.parse_query(nfkc(" ".join(words)), flags) if words else xapian.Query.MatchAll
        for prefix, values in (("XC", countries), ("XF", fields)):
            if values:
                q = xapian.Query(xapian.Query.OP_FILTER, q,
                                 xapian.Query(xapian.Query.OP_OR, [xapian.Query(prefix + v) for v in values]))
        e = xapian.Enquire(d)
        e.set_query(q)
        spies = [xapian.ValueCountMatchSpy(0), xapian.ValueCountMatchSpy(1)]
        for s in spies:
            e.add_matchspy(s)
        m = e.get_mset(0, PAGE, d.get_doccount())
        ids = []
        for item in m:
            rec = json.loads(item.document.get_data())
            m.snippet(rec["description"], 80, xapian.Stem("none"), xapian.MSet.SNIPPET_CJK_NGRAM)
            ids.append(rec["id"])
        facets = []
        for s in spies:
            counts = {}
            for t in s.values():
                for part in t.term.decode("utf-8").split("\x1f"):
                    if part:
                        counts[part] = counts.get(part, 0) + t.termfreq
            facets.append(counts)
        print(json.dumps({"total": m.get_matches_estimated(), "ids": ids, "countries": facets[0],
                          "fields": facets[1]}, ensure_ascii=False), flush=True)


CHILD_BUILD = {"sqlite": sqlite_build, "xapian-ngram": xapian_build}
CHILD_SERVE = {"sqlite": sqlite_serve, "xapian-ngram": xapian_serve}


# ------------------------------------------------------------------------------- measurement

def measure_build(engine, csv_path, work, repeat, log):
    db = os.path.join(work, "db-" + engine.name)
    runs = []
    for i in range(repeat):
        shutil.rmtree(db, ignore_errors=True)
        argv, env, stdin_path = engine.build(csv_path, db)
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            wall, cpu, rss, status, err = run_measured(argv, env=env, stdin=stdin)
        finally:
            if stdin_path:
                stdin.close()
        if status != 0:
            raise RuntimeError(f"{engine.name}: build failed ({' '.join(argv)}): exit {status}: {err.strip()[-500:]}")
        log(f"  {engine.name}: build {i + 1}/{repeat}: {wall:.2f} s ({cpu:.2f} s of processor), "
            f"peak {rss / 2**20:.0f} MB")
        runs.append((wall, rss, cpu))
    return {"build_s": statistics.median(r[0] for r in runs), "peak_rss": max(r[1] for r in runs),
            "build_cpu_s": statistics.median(r[2] for r in runs),
            "size": disk_usage(db) if os.path.isdir(db) else None, "db": db}


def measure_queries(engine, db, queries, budget, log):
    argv, env = engine.server(db)
    p = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, encoding="utf-8", bufsize=1)
    try:
        times, totals, warm = [], [], []
        started = time.perf_counter()
        for rnd in range(2):
            if rnd == 1:
                if len(warm) < len(queries):
                    log(f"  {engine.name}: over the query budget: timed on the first {len(warm)} queries")
                queries, warm = warm, []
            for q in queries:
                if rnd == 0 and time.perf_counter() - started > budget:
                    break
                warm.append(q)
                line = engine.request(q)
                t0 = time.perf_counter()
                p.stdin.write(line + "\n")
                p.stdin.flush()
                answer = p.stdout.readline()
                dt = time.perf_counter() - t0
                if not answer:
                    raise RuntimeError(f"{engine.name}: the query process ended: {p.stderr.read()[-500:]}")
                if rnd == 1:
                    times.append(dt)
                    totals.append(engine.total(answer))
        bad = sum(t is None for t in totals)
        if bad:
            log(f"  {engine.name}: {bad} queries answered with an error")
        log(f"  {engine.name}: {len(queries)} queries, p50 {percentile(times, 50) * 1e3:.2f} ms, "
            f"p99 {percentile(times, 99) * 1e3:.2f} ms")
        return {"p50_ms": percentile(times, 50) * 1e3, "p99_ms": percentile(times, 99) * 1e3, "queries": len(times),
                "mean_matches": statistics.mean(t for t in totals if t is not None) if len(totals) > bad else 0,
                "errors": bad}
    finally:
        p.stdin.close()
        p.wait()


def cgi_queries(queries, n=3):
    """The first n queries without filters, as plain words."""
    out = []
    for q in queries:
        words, countries, fields = split_query(q)
        if not countries and not fields:
            out.append(" ".join(words))
        if len(out) == n:
            break
    return out


def measure_cgi(engine, db, queries, runs, work, log):
    """Median seconds of one CGI request, a fresh process each, over every query's median."""
    cgi = engine.opts.cgi_bench
    medians = []
    for i, words in enumerate(queries):
        cmd, env = engine.cgi_request(db, words)
        cgi.run_once(cmd, env)  # fails loudly when the program does not answer
        median, _ = cgi.time_it(cmd, env, runs, work, f"cgi-{engine.name}-{i}")
        medians.append(median)
    ms = statistics.median(medians) * 1e3
    log(f"  {engine.name}: one CGI request: {ms:.1f} ms (median of {len(queries)} queries × {runs} runs)")
    return {"cgi_ms": ms}


def fmt(v, spec, missing="—"):
    return missing if v is None else format(v, spec)


def ratio(a, b):
    return a / b if a is not None and b else None


def table(n, csv_bytes, results):
    floor = results.get("mecab", {}).get("build_s")
    gr = results.get("groonga", {})
    omega = results.get("omega", {})
    lines = [f"### {n:,} agreements ({csv_bytes / 2**20:.0f} MB of CSV)", "",
             "| engine | build s | processor s | agreements/s | MB/s | build × MeCab | size MB | size × Groonga "
             "| peak RSS MB "
             "| p50 ms | p99 ms | p50 × Groonga | p99 × Groonga | mean matches | CGI ms | CGI × Omega |",
             "| --- " + "| ---: " * 15 + "|"]
    for name, r in results.items():
        if "skipped" in r:
            lines.append(f"| {name} | {r['skipped']} |" + " |" * 15)
            continue
        b = r["build_s"]
        size = r.get("size") if name != "mecab" else None
        lines.append("| " + " | ".join([
            name, fmt(b, ".2f"), fmt(r.get("build_cpu_s"), ".2f"), fmt(n / b, ",.0f"),
            fmt(csv_bytes / 2**20 / b, ".1f"), fmt(ratio(b, floor), ".2f"),
            fmt(size / 2**20 if size else None, ".0f"), fmt(ratio(size, gr.get("size")), ".2f"),
            fmt(r["peak_rss"] / 2**20, ".0f"), fmt(r.get("p50_ms"), ".2f"), fmt(r.get("p99_ms"), ".2f"),
            fmt(ratio(r.get("p50_ms"), gr.get("p50_ms")), ".2f"), fmt(ratio(r.get("p99_ms"), gr.get("p99_ms")), ".2f"),
            fmt(r.get("mean_matches"), ",.0f"), fmt(r.get("cgi_ms"), ".1f"),
            fmt(ratio(r.get("cgi_ms"), omega.get("cgi_ms")), ".2f")]) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--sizes", default="10000", help="comma-separated numbers of agreements (default 10000)")
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    ap.add_argument("--queries", type=int, default=200, help="number of queries (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="builds per engine; the median is shown (default 1)")
    ap.add_argument("--query-budget", type=float, default=300,
                    help="seconds an engine's warm-up round may take; later queries are left out (default 300)")
    ap.add_argument("--cgi-runs", type=int, default=20, help="fresh processes per CGI query (default 20; 0: no CGI)")
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "bin"), help="kyotei's programs (default build/bin)")
    ap.add_argument("--work", help="where data and indexes go (default: a temporary directory, removed after)")
    ap.add_argument("--keep", action="store_true", help="keep the indexes in --work after the run")
    ap.add_argument("--ipadic", default=DEFAULT_IPADIC)
    ap.add_argument("--kyotei-args", default="", help="extra kyotei-index options, e.g. '--threads 2'")
    ap.add_argument("--json", help="also write every figure to this file")
    ap.add_argument("--child-build", nargs=3, metavar=("ENGINE", "DB", "CSV"), help=argparse.SUPPRESS)
    ap.add_argument("--child-serve", nargs=2, metavar=("ENGINE", "DB"), help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)
    if opts.child_build:
        CHILD_BUILD[opts.child_build[0]](opts.child_build[1], opts.child_build[2])
        return 0
    if opts.child_serve:
        CHILD_SERVE[opts.child_serve[0]](opts.child_serve[1])
        return 0
    opts.engines = [e for e in opts.engines.split(",") if e]
    unknown = [e for e in opts.engines if e not in ENGINES]
    if unknown:
        ap.error(f"unknown engines: {', '.join(unknown)}")
    opts.kyotei_args = opts.kyotei_args.split()
    opts.cgi_bench = load_cgi_bench()
    opts.bin = os.path.abspath(opts.bin)
    sizes = [int(s) for s in opts.sizes.split(",") if s]

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    work = opts.work or tempfile.mkdtemp(prefix="kyotei-bench-")
    os.makedirs(work, exist_ok=True)
    engines = make_engines(opts)
    report = {"sizes": {}}
    try:
        qpath = os.path.join(work, f"queries-{opts.queries}-{opts.seed}.txt")
        if not os.path.exists(qpath):
            gen_queries.main(["--n", str(opts.queries), "--seed", str(opts.seed), "--ipadic", opts.ipadic,
                              "--out", qpath])
        with open(qpath, encoding="utf-8") as f:
            queries = [line.rstrip("\n") for line in f if line.strip()]
        tables = []
        for n in sizes:
            csv_path = os.path.join(work, f"agreements-{n}-{opts.seed}.csv")
            if not os.path.exists(csv_path):
                log(f"generating {n} agreements")
                gen_corpus.main(["--n", str(n), "--seed", str(opts.seed), "--out", csv_path])
            csv_bytes = os.path.getsize(csv_path)
            results = {}
            for e in engines:
                why = e.unavailable()
                if why:
                    log(f"  {e.name}: skipped: {why}")
                    results[e.name] = {"skipped": why}
                    continue
                e.prepare(csv_path, work)
                r = measure_build(e, csv_path, work, opts.repeat, log)
                if e.queries:
                    r.update(measure_queries(e, r["db"], queries, opts.query_budget, log))
                if e.cgi and opts.cgi_runs > 0:
                    r.update(measure_cgi(e, r["db"], cgi_queries(queries), opts.cgi_runs, work, log))
                if not opts.keep:
                    shutil.rmtree(r["db"], ignore_errors=True)
                del r["db"]
                results[e.name] = r
            report["sizes"][n] = {"csv_bytes": csv_bytes, "engines": results}
            tables.append(table(n, csv_bytes, results))
            print(tables[-1] + "\n", flush=True)
        if opts.json:
            with open(opts.json, "w", encoding="utf-8") as f:
                json.dump(report, f, ensure_ascii=False, indent=1)
    finally:
        if not opts.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
