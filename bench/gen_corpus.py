#!/usr/bin/env python3
"""Synthetic agreements for benchmarks, made by recombining the bundled corpus.

Every generated row takes its signing municipality (and prefecture) from one real agreement, its
partner (and country) from another, its fields cell from a third, its title from a fourth and its
description from one to four sentences of others. The partner's and the municipality's names in
the borrowed title and sentences are replaced by the new row's, so that a title still names the
two sides of its own agreement. Words therefore keep the statistics of the real list: the same
vocabulary, the same mix of kanji compounds, katakana names and numbers, the same lengths.

The output is a CSV file with the bundled corpus's header, that kyotei-index and the benchmark
harness (bench/run.py) read. The same --n and --seed give the same bytes on every machine and
Python version (only random.Random with an explicit seed, and integer draws, are used).

  bench/gen_corpus.py --n 100000 --seed 1 > agreements-100k.csv
"""
import argparse
import csv
import os
import random
import re
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_CORPUS = os.path.join(REPO, "corpus", "agreements.csv")
COLUMNS = ("id", "municipality", "prefecture", "title", "partner", "country", "fields", "description",
           "signed", "url")
# How many sentences a description has, and how often (the real ones have one to four).
SENTENCE_COUNTS = (1, 1, 2, 2, 2, 3, 3, 4)


def sentences(description):
    """The description cut after each 。 and at line ends; the pieces keep their punctuation."""
    out = []
    for line in description.split("\n"):
        for piece in re.findall(r"[^。]*。|[^。]+$", line):
            piece = piece.strip()
            if piece:
                out.append(piece)
    return out


def partner_name(partner):
    """The partner without its country: 韓国/釜山広域市 -> 釜山広域市."""
    return partner.split("/", 1)[1] if "/" in partner else partner


class Pool:
    """What the real corpus offers to recombine."""

    def __init__(self, path):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        if not rows:
            raise SystemExit(f"{path}: no agreements")
        self.rows = rows
        self.places = [(r["municipality"], r["prefecture"]) for r in rows]
        # one-line partners only: a multi-line list of organisations would not fit a title
        self.partners = [(r["partner"], r["country"]) for r in rows if "\n" not in r["partner"]]
        self.fields = [r["fields"] for r in rows]
        self.titles = [(r["title"], r["municipality"], partner_name(r["partner"])) for r in rows]
        self.sentences = [(s, r["municipality"], partner_name(r["partner"]))
                          for r in rows for s in sentences(r["description"])]


def renamed(text, old_muni, old_partner, muni, partner):
    """text with the names of its own agreement's sides replaced by the new row's."""
    if old_partner and old_partner != muni:
        text = text.replace(old_partner, partner)
    if old_muni and old_muni != partner:
        text = text.replace(old_muni, muni)
    return text


def generate(pool, n, seed, out):
    rnd = random.Random(seed)
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for i in range(1, n + 1):
        muni, pref = pool.places[rnd.randrange(len(pool.places))]
        partner, country = pool.partners[rnd.randrange(len(pool.partners))]
        pname = partner_name(partner)
        title, t_muni, t_partner = pool.titles[rnd.randrange(len(pool.titles))]
        parts = []
        for _ in range(SENTENCE_COUNTS[rnd.randrange(len(SENTENCE_COUNTS))]):
            s, s_muni, s_partner = pool.sentences[rnd.randrange(len(pool.sentences))]
            parts.append(renamed(s, s_muni, s_partner, muni, pname))
        description = ""
        for p in parts:
            description += p if not description or description.endswith("。") else "\n" + p
        year = 1970 + rnd.randrange(54)
        month = 1 + rnd.randrange(12)
        signed = f"{year}-{month:02d}" if rnd.randrange(4) else str(year)
        w.writerow((f"bench-{i:07d}", muni, pref, renamed(title, t_muni, t_partner, muni, pname), partner, country,
                    pool.fields[rnd.randrange(len(pool.fields))], description, signed,
                    f"https://example.jp/agreements/{i}"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of agreements")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="the agreements to recombine (default: the bundled ones)")
    ap.add_argument("--out", default="-", help="output file (default: standard output)")
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("--n must be 0 or more")
    pool = Pool(args.corpus)
    if args.out == "-":
        generate(pool, args.n, args.seed, sys.stdout)
    else:
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            generate(pool, args.n, args.seed, f)
        os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
