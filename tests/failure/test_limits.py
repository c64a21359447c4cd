"""Resource limits: a 1 GB line, a million columns, a query of 100,000 words, a description of
10 MB. Each gets a clear error or is handled, in bounded memory and time. The inputs are made by
the test and streamed into the programs; nothing large is stored. Each case prints what it cost
(docs/hardening.md lists the figures)."""

import json
import os
import unittest

from kit import HEADER, ScratchTest, index, program, run

MIB = 1 << 20
# Bounds on peak memory, generous enough for sanitizer builds (ASan's shadow memory), tight
# enough that reading a whole 1 GB line, or a million columns, would break them.
MEMORY_MIB = 400
SECONDS = 240


def stream_line(prefix, middle, size, suffix):
    """A feed function writing prefix, `middle` repeated to about size bytes, then suffix."""
    def feed(pipe):
        pipe.write(prefix)
        chunk = middle * (MIB // len(middle))
        left = size
        while left > 0:
            pipe.write(chunk)
            left -= len(chunk)
        pipe.write(suffix)
    return feed


def stream_items(prefix, item, n, suffix):
    """A feed function writing prefix, item.format(k) for k in 0 … n-1, then suffix."""
    def feed(pipe):
        pipe.write(prefix)
        for i in range(0, n, 10_000):
            pipe.write("".join(item.format(k) for k in range(i, min(i + 10_000, n))).encode())
        pipe.write(suffix)
    return feed


class Limits(ScratchTest):
    def report(self, what, r):
        print(f"{self.id()}: {what}: exit {r.returncode}, {r.seconds:.2f} s, {r.max_rss_mib:.0f} MiB", flush=True)

    def assert_bounded(self, r, memory_mib=MEMORY_MIB):
        self.assertGreaterEqual(r.returncode, 0, r)
        self.assertLess(r.max_rss_mib, memory_mib, r)
        self.assertLess(r.seconds, SECONDS, r)

    def check(self, feed, *args):
        return run([program("kyotei-index"), "--check", *args, "-"], feed=feed, timeout=SECONDS)

    def expect(self, what, r, code, message, memory_mib=MEMORY_MIB):
        """r ended with exit `code` and `message` on stderr, in bounded time and memory."""
        self.report(what, r)
        self.assert_bounded(r, memory_mib)
        self.assertEqual(r.returncode, code, r)
        self.assertIn(message, r.stderr)

    # ---- a 1 GB line ----

    def test_a_1_gb_line_in_csv(self):
        head = (HEADER + "big,札幌市,北海道,協定,中国/大連市,中国,観光,").encode()
        tail = ",2008,\nnext,札幌市,北海道,協定,中国/大連市,中国,観光,交流,2008,\n".encode()
        r = self.check(stream_line(head, "交流の推進".encode(), 1024 * MIB, tail))
        # a bad row; the row after it is read and checked
        self.expect("1 GB line, CSV", r, 1, "(standard input):2: row larger than 16777216 bytes")
        self.assertRegex(r.stderr, r"checked: 2 rows read.* 1 rejected")

    def test_a_1_gb_line_in_json_lines(self):
        head = b'{"id":"big","title":"t","description":"'
        tail = b'"}\n{"id":"next","title":"t","description":"d","country":"\\u4e2d\\u56fd"}\n'
        r = self.check(stream_line(head, "交流の推進".encode(), 1024 * MIB, tail), "--format", "jsonl")
        self.expect("1 GB line, JSON Lines", r, 1, "(standard input):1: line larger than 16777216 bytes")
        self.assertRegex(r.stderr, r"checked: 2 rows read.* 1 rejected")

    def test_a_quote_never_closed(self):
        head = (HEADER + 'open,札幌市,北海道,協定,中国/大連市,中国,観光,"').encode()
        r = self.check(stream_line(head, "交流の推進,\n".encode(), 256 * MIB, b""))
        self.expect("quote never closed, 256 MB", r, 1, "(standard input):2: ")

    # ---- a million columns ----

    def test_a_header_of_a_million_columns(self):
        r = self.check(stream_items(b"id,title,description", ",extra{}", 1_000_000, b"\na,t,d\n"))
        self.expect("header of 1,000,000 columns", r, 2, "(standard input):1: the header has more than 1000 columns")

    def test_a_row_of_a_million_cells(self):
        def feed(pipe):
            pipe.write(HEADER.encode())
            pipe.write(b"wide,m,p,t,x,c,f,d,2008,")
            pipe.write(b",v" * 999_990 + b"\n")
            pipe.write(b"next,m,p,t,x,c,f,d,2008,\n")
        r = self.check(feed)
        self.expect("row of 1,000,000 cells", r, 1, "(standard input):2: expected 10 columns, found 1000000")
        self.assertRegex(r.stderr, r"checked: 2 rows read.* 1 rejected")

    def test_a_json_object_of_a_million_keys(self):
        r = self.check(stream_items(b'{"id":"wide","title":"t","description":"d"', ',"k{}":1', 1_000_000, b"}\n"),
                       "--format", "jsonl")
        self.expect("JSON object of 1,000,000 keys", r, 1, "(standard input):1: more than 1000 keys")

    # ---- a query of 100,000 words ----

    def test_a_query_of_100000_words(self):
        db = self.path("idx")
        self.assertEqual(index(db, os.path.join(os.environ["KYOTEI_SOURCE"], "corpus", "agreements.csv")).returncode, 0)
        words = ["交流"] * 100_000
        r = run([program("kyotei-search"), "--db", db, *words])
        self.expect("query of 100,000 words (arguments)", r, 2, "query longer than 4096 bytes")
        # the longest query accepted, of as many words as fit: refused for its number of words
        r = run([program("kyotei-search"), "--db", db, " ".join(["観光"] * 500)])
        self.report("query of 500 words (3,499 bytes)", r)
        self.assert_bounded(r)
        self.assertEqual(r.returncode, 2, r)
        self.assertRegex(r.stderr, r"^kyotei-search: .*\b256\b")
        # 4,095 bytes of one unbroken run of kanji: one word, searched in bounded time
        r = run([program("kyotei-search"), "--db", db, "観光交流" * 341])
        self.report("query of one 1,364-character word", r)
        self.assert_bounded(r)
        self.assertIn(r.returncode, (0, 1), r)
        # the CGI refuses the request before decoding it. An environment string holds at most
        # 128 KiB (Linux's MAX_ARG_STRLEN), so 100,000 words cannot even reach it: 6,000 do.
        qs = "q=" + "+".join(["%E4%BA%A4%E6%B5%81"] * 6_000)
        r = run([program("kyotei-search")], env={"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                                                  "QUERY_STRING": qs, "KYOTEI_DB": db})
        self.report("CGI query of 6,000 words (114 KB)", r)
        self.assert_bounded(r)
        self.assertTrue(r.stdout.startswith("Status: 400 "), r.stdout[:200])

    # ---- a description of 10 MB ----

    def test_a_description_of_10_mb(self):
        sentence = "相互の観光交流と経済協力の推進を図るため、職員の相互派遣を行う。"
        big = sentence * (10 * MIB // len(sentence.encode()))
        csv_path = self.path("big.csv")
        with open(csv_path, "w") as f:
            f.write(HEADER)
            f.write(f"big,札幌市,北海道,大きな協定,中国/大連市,中国,観光,{big},2008,\n")
            f.write("small,札幌市,北海道,小さな協定,中国/大連市,中国,観光,観光交流,2008,\n")
        db = self.path("idx")
        r = index(db, csv_path)
        self.report("index a 10 MB description", r)
        self.assertEqual(r.returncode, 0, r)
        # tokens take about 30 bytes per byte of text while one agreement is made into a document
        self.assert_bounded(r, memory_mib=1024)
        r = run([program("kyotei-search"), "--db", db, "--format", "json", "観光"])
        self.report("search showing a 10 MB description", r)
        self.assert_bounded(r, memory_mib=200)
        self.assertEqual(r.returncode, 0, r)
        hits = json.loads(r.stdout)["hits"]
        self.assertEqual(len(hits), 2)
        self.assertEqual(len(hits[0]["description"]), len(big))  # the whole text is there
        self.assertIn("観光", hits[0]["snippet"])
        # a description past the row limit is a bad row, and the index stays as it was
        with open(csv_path, "w") as f:
            f.write(HEADER)
            f.write(f"bigger,札幌市,北海道,大きな協定,中国/大連市,中国,観光,{big}{big},2008,\n")
        r = index(db, csv_path)
        self.expect("index a 20 MB description", r, 1, ":2: row larger than 16777216 bytes")


if __name__ == "__main__":
    unittest.main()
