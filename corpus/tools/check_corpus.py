#!/usr/bin/env python3
"""Check corpus/agreements.csv, and optionally check it against the extracted source text.

Usage:
    check_corpus.py AGREEMENTS_CSV [--source SOURCE_TXT]

Without --source, checks the shape of the file: UTF-8 without BOM, the exact header, ten columns,
readable unique ids numbered 001, 002, ... within each municipality, the required cells filled,
canonical prefecture/country values, ISO-style dates whose year the description mentions, and URLs.

With --source (the text extracted from the PDF list), also checks that every transcribed cell is
really in the source, in row order, that each newline kept inside a cell stands where the source
breaks a line, and that no character of the source was left out of every row.

Prints one line per problem and exits 1 if there was any; prints a one-line summary and exits 0
otherwise. Python 3 standard library only.
"""

import argparse
import csv
import datetime
import re
import sys

HEADER = ["id", "municipality", "prefecture", "title", "partner", "country",
          "fields", "description", "signed", "url"]
REQUIRED = ["id", "municipality", "prefecture", "title", "partner", "country",
            "fields", "description"]
# Cells that are copied from the source text; the others are derived from it.
SOURCE_CELLS = ["municipality", "title", "partner", "fields", "description", "url"]
COUNTRIES = {"中国", "韓国", "台湾", "タイ", "米国", "ドイツ", "ロシア", "ベトナム",
             "カナダ", "フィンランド"}
PREFECTURE_RE = re.compile(r"^(北海道|東京都|(京都|大阪)府|.{2,3}県)$")
ID_RE = re.compile(r"^([a-z]+)-(\d{3})$")
SIGNED_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
HEISEI_RE = re.compile(r"平成(\d+)年")
HEISEI_OFFSET = 1988


def check_date(signed):
    m = SIGNED_RE.match(signed)
    if not m:
        return "signed %r is not YYYY, YYYY-MM or YYYY-MM-DD" % signed
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return "signed %r is not a real date" % signed
    return None


def years_mentioned(text):
    years = set(re.findall(r"(\d{4})年", text))
    years.update(str(int(n) + HEISEI_OFFSET) for n in HEISEI_RE.findall(text))
    return years


def check_rows(rows):
    problems = []
    seen = set()
    next_seq = {}
    for n, row in enumerate(rows, start=2):
        where = "line %d (%s)" % (n, row.get("id", "?"))
        for col in REQUIRED:
            if not row[col]:
                problems.append("%s: %s is empty" % (where, col))
        for col in HEADER:
            if row[col] != row[col].strip():
                problems.append("%s: %s has leading or trailing whitespace" % (where, col))
            if "\r" in row[col]:
                problems.append("%s: %s contains a carriage return" % (where, col))
        m = ID_RE.match(row["id"])
        if not m:
            problems.append("%s: id is not name-NNN" % where)
        else:
            want = next_seq.get(m.group(1), 1)
            if int(m.group(2)) != want:
                problems.append("%s: id expected %s-%03d" % (where, m.group(1), want))
            next_seq[m.group(1)] = int(m.group(2)) + 1
        if row["id"] in seen:
            problems.append("%s: duplicate id" % where)
        seen.add(row["id"])
        if not PREFECTURE_RE.match(row["prefecture"]):
            problems.append("%s: prefecture %r is not a 都道府県" % (where, row["prefecture"]))
        elif not row["municipality"].startswith(row["prefecture"][:2]) \
                and row["municipality"][-1] != "市":
            problems.append("%s: municipality %r does not look like part of %s"
                            % (where, row["municipality"], row["prefecture"]))
        if row["country"] and row["country"] not in COUNTRIES:
            problems.append("%s: country %r is not a canonical name (add it to COUNTRIES "
                            "and the README if it is new)" % (where, row["country"]))
        if row["signed"]:
            err = check_date(row["signed"])
            if err:
                problems.append("%s: %s" % (where, err))
            elif row["signed"][:4] not in years_mentioned(row["description"]):
                problems.append("%s: signed year %s is not mentioned in the description"
                                % (where, row["signed"][:4]))
        elif years_mentioned(row["description"]):
            problems.append("%s: the description gives a year but signed is empty" % where)
        url = row["url"]
        if url and (not url.startswith(("http://", "https://")) or re.search(r"\s", url)):
            problems.append("%s: url %r is not a single http(s) URL" % (where, url))
    return problems


class Source:
    """The source lines joined with nothing, remembering where each line starts and ends."""

    def __init__(self, text):
        self.flat = ""
        self.starts = set()
        self.ends = set()
        self.lineno = []
        for no, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            self.starts.add(len(self.flat))
            self.flat += line
            self.lineno.extend([no] * len(line))
            self.ends.add(len(self.flat))

    def line_of(self, pos):
        return self.lineno[min(pos, len(self.lineno) - 1)]

    def is_cell_start(self, pos):
        return pos in self.starts or self.flat[pos - 1] == " "

    def is_cell_end(self, pos):
        return pos in self.ends or self.flat[pos] == " "

    def find_cell(self, cell, lo, hi):
        """First place in [lo, hi) where cell stands as a whole cell, or -1."""
        pos = self.flat.find(cell, lo, hi)
        while pos >= 0:
            if self.is_cell_start(pos) and self.is_cell_end(pos + len(cell)):
                return pos
            pos = self.flat.find(cell, pos + 1, hi)
        return -1


def check_against_source(rows, text):
    src = Source(text)
    problems = []
    covered = [False] * len(src.flat)

    # Each row starts where its municipality opens a line.
    row_starts = []
    lo = 0
    for row in rows:
        pos = lo
        while True:
            pos = src.find_cell(row["municipality"], pos, len(src.flat))
            if pos < 0 or pos in src.starts or src.flat[pos - 1] == " " \
                    and (pos - 1) in src.starts:
                break
            pos += 1
        if pos < 0:
            problems.append("%s: municipality %r not found at a line start after source line %d"
                            % (row["id"], row["municipality"], src.line_of(lo)))
            return problems
        row_starts.append(pos)
        lo = pos + 1
    row_starts.append(len(src.flat))

    for i, row in enumerate(rows):
        lo, hi = row_starts[i], row_starts[i + 1]
        taken = []
        for col in SOURCE_CELLS:
            cell = row[col]
            if not cell:
                continue
            joined = cell.replace("\n", "")
            pos = src.find_cell(joined, lo, hi)
            if pos < 0:
                problems.append("%s: %s not found as a cell between source lines %d and %d: %r"
                                % (row["id"], col, src.line_of(lo), src.line_of(hi - 1), cell))
                continue
            end = pos + len(joined)
            if any(pos < e and s < end for s, e in taken):
                problems.append("%s: %s overlaps another cell of the row" % (row["id"], col))
            taken.append((pos, end))
            for k in range(pos, end):
                covered[k] = True
            offset = pos
            for piece in cell.split("\n")[:-1]:
                offset += len(piece)
                if offset not in src.ends:
                    problems.append("%s: %s keeps a newline where the source does not break "
                                    "a line (source line %d)"
                                    % (row["id"], col, src.line_of(offset)))

    for k, ch in enumerate(src.flat):
        if not covered[k] and ch not in " \u3000":
            problems.append("source line %d: %r belongs to no row" % (src.line_of(k), ch))
    return problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--source")
    args = ap.parse_args(argv)

    with open(args.csv, "rb") as f:
        raw = f.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        print("%s: starts with a byte order mark" % args.csv)
        return 1
    reader = csv.reader(raw.decode("utf-8").splitlines(keepends=True), strict=True)
    table = list(reader)
    if not table or table[0] != HEADER:
        print("%s: header must be exactly %s" % (args.csv, ",".join(HEADER)))
        return 1
    problems = []
    rows = []
    for n, rec in enumerate(table[1:], start=2):
        if len(rec) != len(HEADER):
            problems.append("record %d: %d columns instead of %d" % (n, len(rec), len(HEADER)))
            continue
        rows.append(dict(zip(HEADER, rec)))
    problems += check_rows(rows)
    if args.source and not problems:
        with open(args.source, encoding="utf-8") as f:
            problems += check_against_source(rows, f.read())
    for p in problems:
        print(p)
    if problems:
        return 1
    print("%s: %d agreements, %d municipalities, all checks passed%s"
          % (args.csv, len(rows), len({r["municipality"] for r in rows}),
             " (source coverage complete)" if args.source else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
