#!/usr/bin/env python3
"""Benchmark queries that match the synthetic agreements of gen_corpus.py.

One query a line, in kyotei's query language: one to three content words (nouns MeCab finds in
the bundled corpus's titles and descriptions, drawn with a weight that grows with the square root
of their frequency, so common and rare words both come up), and now and then a country: or field:
filter, e.g.

    観光 交流
    country:中国 経済 協力
    field:観光 ツアー

The same --n and --seed give the same lines. Needs the mecab command (Debian mecab) and IPADIC in
UTF-8 (mecab-ipadic-utf8), named explicitly, since the system's default dictionary may be another.

  bench/gen_queries.py --n 200 --seed 1 > queries.txt
"""
import argparse
import collections
import csv
import os
import random
import subprocess
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_CORPUS = os.path.join(REPO, "corpus", "agreements.csv")
DEFAULT_FIELDS = os.path.join(REPO, "dict", "fields.tsv")
DEFAULT_IPADIC = "/var/lib/mecab/dic/ipadic-utf8"
# IPADIC's noun classes that people search for (not 非自立, 代名詞, 数, 接尾 ...).
CONTENT_NOUNS = {"一般", "固有名詞", "サ変接続", "形容動詞語幹"}
WORDS_PER_QUERY = (1, 1, 2, 2, 2, 3)
COUNTRY_FILTER_PERCENT = 20
FIELD_FILTER_PERCENT = 10


def content_words(texts, ipadic):
    """Counts of the content nouns of texts, by MeCab with IPADIC."""
    rc = os.path.join(ipadic, "dicrc")
    p = subprocess.run(["mecab", "-r", rc, "-d", ipadic], input="\n".join(t.replace("\n", " ") for t in texts) + "\n",
                       capture_output=True, text=True, check=True)
    counts = collections.Counter()
    for line in p.stdout.splitlines():
        surface, _, feature = line.partition("\t")
        f = feature.split(",")
        if len(f) < 7 or f[0] != "名詞" or f[1] not in CONTENT_NOUNS:
            continue
        word = f[6] if f[6] != "*" else surface
        # a word of one character, or of digits and Latin letters only, is too weak a query
        if len(word) < 2 or all(c.isascii() for c in word) or not all(c.isalnum() or c == "・" for c in word):
            continue
        counts[word] += 1
    return counts


def field_names(path):
    with open(path, encoding="utf-8") as f:
        return [line.split("\t")[0].strip() for line in f if line.strip() and not line.startswith("#")]


def split_fields(cell):
    """The parts of a fields cell as written (経済・観光等 -> 経済, 観光)."""
    out = []
    for part in cell.replace("・", "、").replace("，", "、").split("、"):
        part = part.strip()
        for tail in ("等", "分野"):
            if part.endswith(tail) and len(part) > len(tail):
                part = part[: -len(tail)]
        if part:
            out.append(part)
    return out


def generate(args):
    with open(args.corpus, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    counts = content_words([r["title"] for r in rows] + [r["description"] for r in rows], args.ipadic)
    words = sorted(counts)  # sorted first: the same list whatever order the counter holds them in
    weights = [counts[w] ** 0.5 for w in words]
    countries = sorted({r["country"] for r in rows if r["country"]})
    canonical = set(field_names(args.fields))
    fields = sorted({p for r in rows for p in split_fields(r["fields"]) if p in canonical})
    rnd = random.Random(args.seed)
    out = []
    for _ in range(args.n):
        k = WORDS_PER_QUERY[rnd.randrange(len(WORDS_PER_QUERY))]
        picked = []
        while len(picked) < k:
            w = rnd.choices(words, weights)[0]
            if w not in picked:
                picked.append(w)
        roll = rnd.randrange(100)
        if roll < COUNTRY_FILTER_PERCENT and countries:
            picked.insert(0, "country:" + countries[rnd.randrange(len(countries))])
        elif roll < COUNTRY_FILTER_PERCENT + FIELD_FILTER_PERCENT and fields:
            picked.insert(0, "field:" + fields[rnd.randrange(len(fields))])
        out.append(" ".join(picked))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of queries")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="where the words come from (default: the bundled corpus)")
    ap.add_argument("--fields", default=DEFAULT_FIELDS, help="the canonical fields (default: dict/fields.tsv)")
    ap.add_argument("--ipadic", default=DEFAULT_IPADIC, help=f"IPADIC UTF-8 directory (default {DEFAULT_IPADIC})")
    ap.add_argument("--out", default="-", help="output file (default: standard output)")
    args = ap.parse_args(argv)
    lines = "".join(q + "\n" for q in generate(args))
    if args.out == "-":
        sys.stdout.write(lines)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
