"""kyotei-search as CGI behind a real lighttpd (mod_cgi), requested with curl: status codes and
headers, every format, hostile input escaped everywhere it lands, refusals of malformed requests,
facet, page and sort links that round-trip, a missing or broken index, site templates.
Run by ctest; see cgitest.py for the environment."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
from urllib.parse import quote

import cgitest
from cgitest import BIN, INDEX, OUTPUT, Server, curl, parse_html

YOUTH = quote("青少年 交流")
EXCHANGE = quote("交流")
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}

server = None


def setUpModule():
    global server
    server = Server("main")


def tearDownModule():
    reports = server.sanitizer_reports()
    server.stop()
    if reports:
        raise AssertionError("sanitizer reports in the CGI's stderr:\n" + "\n".join(reports))


def cli_json(*args):
    env = dict(os.environ, KYOTEI_DB=INDEX)
    env.pop("GATEWAY_INTERFACE", None)
    p = subprocess.run([os.path.join(BIN, "kyotei-search"), "--format", "json", *args], capture_output=True,
                       text=True, env=env, timeout=120)
    return json.loads(p.stdout)


class Checks(unittest.TestCase):
    def assertSafeHeaders(self, r):
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(r.header(name), value, name)

    def assertHarmless(self, text):
        """No markup a hostile value could have smuggled in: no script, no event handler, no
        link that is not ours or http(s)."""
        root = parse_html(text)
        for node in root.walk():
            self.assertNotIn(node.tag, {"script", "img", "svg", "iframe", "object", "embed", "b", "i", "u"},
                             f"<{node.tag}> in the page")
            for name, value in node.attr_list:
                self.assertFalse(name.startswith("on"), f"{name}={value!r} on <{node.tag}>")
                if name in ("href", "action", "src"):
                    self.assertRegex(value or "", r"^(\?|#|https?://)", f"{name}={value!r}")
        return root

    def get(self, query, **kw):
        return curl(server.url, query, **kw)

    def page(self, query):
        r = self.get(query)
        self.assertEqual(r.status, 200, r.body[:300])
        return parse_html(r.text)


def facet_links(root, facet):
    section = root.find("section", data_facet=facet)
    return {a.find("span", cls="kt-value").text(): a for a in section.find_all("a")}


def hit_ids(root):
    return [li.attrs["data-id"] for li in root.find_all("li", cls="kt-hit")]


def total(root):
    return int(root.find("strong", cls="kt-total").text())


class Pages(Checks):
    def test_search_page(self):
        r = self.get("q=" + YOUTH)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        self.assertEqual(int(r.header("content-length")), len(r.body))
        self.assertSafeHeaders(r)
        root = self.assertHarmless(r.text)
        html = root.find("html")
        self.assertEqual(html.attrs["lang"], "ja")
        self.assertEqual(root.find("meta", charset="utf-8").tag, "meta")
        self.assertIn("青少年 交流", root.find("title").text())
        self.assertEqual(root.find("input", name="q").attrs["value"], "青少年 交流")
        self.assertEqual(total(root), 3)
        self.assertEqual(sorted(hit_ids(root)), ["akita-008", "aomori-003", "hokkaido-004"])
        first = root.find("li", cls="kt-hit")
        self.assertEqual(first.find(cls="kt-title").text(), "日本国秋田県と中華人民共和国天津市の青少年交流に関する覚書")
        self.assertEqual([m.text() for m in first.find("h2", cls="kt-title").find_all("mark")], ["青少年交流"])
        self.assertEqual(first.find(cls="kt-parties").text(), "秋田県 → 中国/天津市")
        self.assertEqual(first.find("time", cls="kt-signed").attrs["datetime"], "2016-10")
        self.assertTrue(first.find(cls="kt-snippet").find_all("mark"))
        countries = {name: a.find(cls="kt-count").text() for name, a in facet_links(root, "country").items()}
        self.assertEqual(countries, {"韓国": "2", "中国": "1"})
        self.assertIn("青少年", facet_links(root, "field"))
        sources = [a.attrs["href"] for a in root.find_all("a") if "kt-source" in a.parent.classes()]
        self.assertEqual(sources, ["http://www.pref.hokkaido.lg.jp/ss/tsk/gaiyou_jeju.htm"])
        self.assertNotIn("http", "".join(link.attrs.get("href", "") for link in root.find_all("link")))

    def test_browse_without_words(self):
        root = self.page("")
        self.assertEqual(total(root), 40)
        self.assertEqual(len(hit_ids(root)), 10)
        self.assertEqual(root.find("input", name="q").attrs["value"], "")

    def test_head_sends_the_headers_of_get(self):
        g = self.get("q=" + EXCHANGE)
        h = self.get("q=" + EXCHANGE, head=True)
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")
        self.assertEqual(h.header("content-length"), g.header("content-length"))
        self.assertEqual(h.header("content-type"), g.header("content-type"))
        self.assertSafeHeaders(h)

    def test_other_methods_get_405(self):
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            r = self.get("q=a", method=method, data="q=b")
            self.assertEqual(r.status, 405, method)
            self.assertEqual(r.header("allow"), "GET, HEAD")
            self.assertEqual(r.header("content-type"), "text/plain; charset=utf-8")
            self.assertSafeHeaders(r)

    def test_a_refused_body_is_read_before_answering(self):
        # Apache's mod_cgid writes the body while the program answers: unread, the 405 is cut short.
        # Run as that server does, with a body larger than a pipe holds.
        body = b"q=" + b"x" * 200000
        env = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "QUERY_STRING": "",
               "CONTENT_LENGTH": str(len(body)), "KYOTEI_DB": INDEX, "PATH": "/usr/bin:/bin"}
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                env[name] = os.environ[name]
        p = subprocess.Popen([os.path.join(BIN, "kyotei-search")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        p.stdin.write(body)  # BrokenPipeError if the program left without reading
        p.stdin.close()
        out = p.stdout.read()
        p.wait(timeout=60)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(out.startswith(b"Status: 405 Method Not Allowed\r\n"), out[:100])

    def test_json_is_the_command_line_object(self):
        r = self.get("q=" + YOUTH + "&format=json")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "application/json")
        self.assertEqual(json.loads(r.body), cli_json("青少年", "交流"))
        page2 = json.loads(self.get("q=" + EXCHANGE + "&format=json&page=2&sort=date").body)
        self.assertEqual(page2, cli_json("--offset", "10", "--sort", "-date", "交流"))

    def test_fragment(self):
        r = self.get("q=" + YOUTH + "&format=fragment")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        self.assertTrue(r.text.startswith('<div class="kyotei">'))
        root = self.assertHarmless(r.text)
        self.assertFalse(root.find_all("html") or root.find_all("form") or root.find_all("style"))
        self.assertEqual(total(root), 3)
        # links lead to the page that includes the fragment, not to the fragment itself
        self.assertFalse([a for a in root.find_all("a") if "format=fragment" in a.attrs.get("href", "")])

    def test_csv_has_every_match(self):
        r = self.get("q=" + EXCHANGE + "&format=csv")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/csv; charset=utf-8")
        self.assertEqual(r.header("content-disposition"), 'attachment; filename="kyotei-agreements.csv"')
        rows = list(csv.DictReader(io.StringIO(r.text, newline="")))
        expected = cli_json("--all", "交流")
        self.assertGreater(expected["total"], 10)
        self.assertEqual([row["id"] for row in rows], [h["id"] for h in expected["hits"]])
        self.assertEqual(rows[0]["country_canonical"], expected["hits"][0]["country"])
        self.assertEqual(rows[0]["fields_canonical"].split(";"), expected["hits"][0]["fields"])
        self.assertAlmostEqual(float(rows[0]["score"]), expected["hits"][0]["score"], places=5)

    def test_csv_is_the_command_line_export(self):
        """The download is the bytes `kyotei-search --all --format csv` writes for the same search,
        streamed (the program sends no Content-Length: test_respond.c; lighttpd may count a short
        body itself, or chunk a long one)."""
        env = dict(os.environ, KYOTEI_DB=INDEX)
        env.pop("GATEWAY_INTERFACE", None)
        for query, words in [("q=" + EXCHANGE, ["交流"]), ("q=%E8%A6%B3%E5%85%89", ["観光"]), ("", []),
                             ("q=zzzznothing", ["zzzznothing"])]:
            r = self.get(query + ("&" if query else "") + "format=csv")
            self.assertEqual(r.status, 200)
            self.assertIn(r.header("content-length"), (None, str(len(r.body))))
            self.assertEqual(r.header("content-type"), "text/csv; charset=utf-8")
            p = subprocess.run([os.path.join(BIN, "kyotei-search"), "--all", "--format", "csv", *words],
                               capture_output=True, env=env, timeout=120)
            self.assertIn(p.returncode, (0, 1), p.stderr)
            self.assertEqual(r.body, p.stdout, query)

    def test_csv_can_be_indexed_again(self):
        r = self.get("format=csv")
        tmp = tempfile.mkdtemp(prefix="kyotei-cgi-csv-")
        try:
            path = os.path.join(tmp, "all.csv")
            with open(path, "wb") as f:
                f.write(r.body)
            db = os.path.join(tmp, "index")
            p = subprocess.run([os.path.join(BIN, "kyotei-index"), "--quiet", "--db", db, path], capture_output=True,
                               text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            again = cli_json("--db", db, "--all")
            original = cli_json("--all")
            self.assertEqual([h["id"] for h in again["hits"]], [h["id"] for h in original["hits"]])
            self.assertEqual(again["facets"], original["facets"])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class HugeTexts(unittest.TestCase):
    """An agreement with a title and a description of several MB: a search that shows it still
    answers, the title cut to KT_SNIPPET_TITLE_CHARS (searcher/snippet.h) with "…", the snippet to
    its usual length."""

    def test_huge_title_and_description_are_bounded(self):
        tmp = tempfile.mkdtemp(prefix="kyotei-huge-")
        try:
            path = os.path.join(tmp, "huge.csv")
            title = "青少年交流に関する協定" + "あいうえお" * 200000  # 3 MB
            description = "交流の促進" + "かきくけこ" * 200000
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["id", "municipality", "prefecture", "title", "partner", "country", "fields",
                            "description", "signed", "url"])
                w.writerow(["huge-001", "秋田県", "秋田県", title, "天津市", "中国", "人的交流", description,
                            "2016-10", ""])
            db = os.path.join(tmp, "index")
            p = subprocess.run([os.path.join(BIN, "kyotei-index"), "--quiet", "--db", db, path],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            got = cli_json("--db", db, "交流")
            self.assertEqual([h["id"] for h in got["hits"]], ["huge-001"])
            shown = got["hits"][0]["title"]
            self.assertLessEqual(len(shown), 500 + 1)  # and the "…"
            self.assertTrue(shown.startswith("青少年交流") and shown.endswith("…"), shown[:40])
            self.assertLessEqual(len(got["hits"][0]["snippet"]), 1000)
            # the export keeps the title whole
            everything = cli_json("--db", db, "--all", "交流")
            self.assertEqual(len(everything["hits"]), 1)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(document.cookie)",
    "</textarea></title><svg onload=alert(1)>",
    "&lt;script&gt; &amp; &#x3C;",
    "交流 \"<b>\" -<i>x</i>",
]


class Hostile(Checks):
    def test_hostile_queries_and_filters_are_escaped(self):
        for text in HOSTILE:
            with self.subTest(text=text):
                q = quote(text, safe="")
                r = self.get(f"q={q}&country={q}&field={q}&since=2000")
                self.assertEqual(r.status, 200)
                root = self.assertHarmless(r.text)
                # the values come back exactly, as text and in attributes, never as markup
                self.assertEqual(root.find("input", name="q").attrs["value"], text)
                self.assertEqual(root.find("input", type="hidden", name="country").attrs["value"], text)
                self.assertEqual(root.find("span", cls="kt-q").text(), text)
                self.assertIn(text, root.find("title").text())
                chips = [a.text() for a in root.find_all("a", cls="kt-remove")]
                self.assertIn(f"国・地域: {text} ×（解除）", chips)
                # and the links carry them percent-encoded, as the request had them
                for a in root.find_all("a", cls="kt-remove"):
                    self.assertNotRegex(a.attrs["href"], r"[<>\"' ]")
                fragment = self.get(f"q={q}&format=fragment")
                self.assertHarmless(fragment.text)

    def test_raw_characters_in_the_request(self):
        r = self.get("q=<script>alert('x')</script>&country=\"><b>")
        self.assertEqual(r.status, 200)
        root = self.assertHarmless(r.text)
        self.assertEqual(root.find("input", name="q").attrs["value"], "<script>alert('x')</script>")

    def test_json_escapes_through_jansson(self):
        text = '</script><script>alert("x")</script>\u2028'
        r = self.get("format=json&q=" + quote(text, safe=""))
        self.assertEqual(json.loads(r.body)["query"], text)


class Refusals(Checks):
    BAD = {
        "bad percent-encoding": ["q=%ZZ", "q=%4", "q=abc%", "country=%G0", "%zz=1"],
        "NUL": ["q=a%00b", "country=%00"],
        "invalid UTF-8": ["q=%FF", "q=%C0%AF", "q=%ED%A0%80", "q=%E9%9D", "field=%80%80"],
        "control characters": ["q=%01", "q=%1B%5B31m"],
        "overlong": ["q=" + quote("交") * 334, "country=" + "x" * 201],
        "out of range": ["page=0", "page=1001", "page=-1", "page=abc", "page=1e3", "since=99", "until=abcd",
                         "sort=oldest", "format=xml", "format=text"],
        "twice": ["q=a&q=b", "page=1&page=2", "format=json&format=csv"],
    }

    def test_malformed_requests_get_400(self):
        for kind, queries in self.BAD.items():
            for query in queries:
                with self.subTest(kind=kind, query=query[:60]):
                    r = self.get(query)
                    self.assertEqual(r.status, 400)
                    self.assertEqual(r.header("content-type"), "text/plain; charset=utf-8")
                    self.assertEqual(r.header("cache-control"), "no-store")
                    self.assertSafeHeaders(r)
                    body = r.text
                    self.assertTrue(body.startswith("検索条件を読み取れませんでした。\n400 Bad Request: "), body)
                    self.assertLess(len(body), 200)
                    self.assertNotIn("/", body)
                    for echoed in ("ZZ", "script", "abc", "xml", "oldest"):
                        self.assertNotIn(echoed, body)

    def test_the_longest_query_is_served(self):
        r = self.get("q=" + quote("交") * 333 + "x")  # exactly 1000 bytes
        self.assertEqual(r.status, 200)
        root = parse_html(r.text)
        self.assertEqual(len(root.find("input", name="q").attrs["value"].encode()), 1000)

    def test_ten_thousand_parameters_are_refused_at_once(self):
        # as many repeated parameters as lighttpd lets through (its request line stops at 64 KiB)
        for query in ("&".join(["q=1"] * 10000), "&".join(["country=x"] * 5000), "&" * 10000):
            start = time.monotonic()
            r = self.get(query)
            elapsed = time.monotonic() - start
            self.assertEqual(r.status, 400, query[:40])
            self.assertLess(elapsed, 2.0)
            self.assertRegex(r.text, r"(more than 100 parameters|longer than 16384 bytes)")

    def test_too_many_words_for_the_parser(self):
        r = self.get("q=" + "+".join(["a"] * 400))
        self.assertEqual(r.status, 400)
        self.assertIn("too many words", r.text)


class Links(Checks):
    def follow(self, href):
        self.assertTrue(href.startswith("?"), href)
        return self.page(href[1:])

    def test_facet_links_round_trip(self):
        start = self.page("q=" + YOUTH)
        korea = facet_links(start, "country")["韓国"]
        expected = int(korea.find(cls="kt-count").text())
        filtered = self.follow(korea.attrs["href"])
        self.assertEqual(total(filtered), expected)
        for li in filtered.find_all("li", cls="kt-hit"):
            self.assertEqual(li.attrs["data-country"], "韓国")
        self.assertEqual([a.text() for a in filtered.find_all("a", cls="kt-remove")], ["国・地域: 韓国 ×（解除）"])
        self.assertEqual(filtered.find("input", name="q").attrs["value"], "青少年 交流")
        self.assertEqual(filtered.find("input", type="hidden", name="country").attrs["value"], "韓国")
        selected = filtered.find("section", data_facet="country").find("li", cls="kt-selected")
        self.assertEqual(selected.find(cls="kt-value").text(), "韓国")
        # a field on top of the country: both filters hold
        field = facet_links(filtered, "field")["友好"]
        both = self.follow(field.attrs["href"])
        self.assertEqual(total(both), int(field.find(cls="kt-count").text()))
        self.assertEqual(hit_ids(both), ["hokkaido-004"])
        self.assertEqual(len(both.find_all("a", cls="kt-remove")), 2)
        # the selected facet removes itself; "すべて解除" removes both
        back = self.follow(both.find("section", data_facet="country").find("li", cls="kt-selected")
                           .find("a").attrs["href"])
        self.assertEqual([a.text() for a in back.find_all("a", cls="kt-remove")], ["分野: 友好 ×（解除）"])
        cleared = self.follow(both.find("a", cls="kt-clear").attrs["href"])
        self.assertEqual(hit_ids(cleared), hit_ids(start))
        # removing the one filter by its chip is the page we started from
        again = self.follow(filtered.find("a", cls="kt-remove").attrs["href"])
        self.assertEqual(hit_ids(again), hit_ids(start))
        self.assertEqual(total(again), total(start))

    def test_filter_by_alias_is_shown_under_its_canonical_name(self):
        """country=中華人民共和国 and field=tourism filter as 中国 and 観光: the page names them so,
        shows those facet values as selected, and removing a chip removes the filter."""
        by_name = self.page("q=" + EXCHANGE + "&country=" + quote("中国") + "&field=" + quote("観光"))
        by_alias = self.page("q=" + EXCHANGE + "&country=" + quote("中華人民共和国") + "&field=tourism")
        self.assertGreater(total(by_alias), 0)
        self.assertEqual(hit_ids(by_alias), hit_ids(by_name))
        for facet, value in (("country", "中国"), ("field", "観光")):
            selected = by_alias.find("section", data_facet=facet).find("li", cls="kt-selected")
            self.assertIsNotNone(selected, facet)
            self.assertEqual(selected.find(cls="kt-value").text(), value)
        self.assertEqual(sorted(a.text() for a in by_alias.find_all("a", cls="kt-remove")),
                         sorted(a.text() for a in by_name.find_all("a", cls="kt-remove")))
        unfiltered = self.follow(by_alias.find("section", data_facet="country").find("li", cls="kt-selected")
                                 .find("a").attrs["href"])
        self.assertEqual([a.text() for a in unfiltered.find_all("a", cls="kt-remove")], ["分野: 観光 ×（解除）"])

    def test_pages_and_sorting(self):
        first = self.page("q=" + EXCHANGE)
        n = total(first)
        self.assertGreater(n, 20)
        nav = first.find("nav", cls="kt-pages")
        nxt = nav.find("a", rel="next")
        second = self.follow(nxt.attrs["href"])
        self.assertEqual(second.find("ol", cls="kt-hits").attrs["start"], "11")
        self.assertEqual(second.find("nav", cls="kt-pages").find("span", aria_current="page").text(), "2")
        self.assertEqual(set(hit_ids(first)) & set(hit_ids(second)), set())
        last_page = (n - 1) // 10 + 1
        last = self.follow(nav.find_all("a")[-2].attrs["href"])  # the last page number, before 次へ
        self.assertEqual(len(hit_ids(last)), n - (last_page - 1) * 10)
        # sorting by date: newest first, the query kept
        by_date = self.follow([a for a in first.find("p", cls="kt-sort").find_all("a")][0].attrs["href"])
        dates = [t.attrs["datetime"] for t in by_date.find_all("time", cls="kt-signed")]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(by_date.find("input", type="hidden", name="sort").attrs["value"], "date")
        # a page after the last one says so
        beyond = self.page(f"q={EXCHANGE}&page={last_page + 1}")
        self.assertIn("このページに結果はありません。", beyond.find("p", cls="kt-none").text())

    def test_csv_link_downloads_the_same_search(self):
        root = self.page("q=" + EXCHANGE + "&country=" + quote("中国") + "&sort=date&page=2")
        href = root.find("p", cls="kt-download").find("a").attrs["href"]
        self.assertNotIn("page=", href)
        r = self.get(href[1:])
        rows = list(csv.DictReader(io.StringIO(r.text, newline="")))
        self.assertEqual(len(rows), total(root))
        self.assertEqual({row["country_canonical"] for row in rows}, {"中国"})

    def test_year_filters_from_the_form(self):
        root = self.page("q=&since=2010&until=2012&country=&field=")  # empty fields, as a form sends them
        years = [int(t.attrs["datetime"][:4]) for t in root.find_all("time", cls="kt-signed")]
        self.assertTrue(years and all(2010 <= y <= 2012 for y in years), years)
        self.assertEqual(root.find("input", name="since").attrs["value"], "2010")
        self.assertEqual(sorted(a.text() for a in root.find_all("a", cls="kt-remove")),
                         ["締結: 2010年から ×（解除）", "締結: 2012年まで ×（解除）"])


HOSTILE_CSV = (
    "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
    'evil-1,"<script>alert(1)</script>市",東京都,"<script>alert(\'t\')</script>交流協定",'
    '"中国/<img src=x onerror=alert(1)>",中国,観光,"交流 ""quoted"" <b>bold</b> & more",2010,'
    "\"https://example.org/?a=1&b='x'\"\n"
    'evil-2,"""\'><svg onload=alert(1)>",東京都,交流の覚書,韓国/ソウル,韓国,経済,交流の説明,2011,'
    '"https://example.org/""onmouseover=""alert(1)"\n'
    "evil-3,市,東京都,友好交流,台湾/台北,台湾,友好,交流 javascript:alert(1),2012,\n"
)


class HostileIndex(Checks):
    """An index whose agreements carry markup and a URL built to break out of its attribute."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kyotei-cgi-hostile-")
        path = os.path.join(cls.tmp, "hostile.csv")
        with open(path, "w") as f:
            f.write(HOSTILE_CSV)
        cls.db = os.path.join(cls.tmp, "index")
        p = subprocess.run([os.path.join(BIN, "kyotei-index"), "--quiet", "--db", cls.db, path],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError(p.stderr)
        cls.server = Server("hostile", db=cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_stored_markup_is_text(self):
        r = curl(self.server.url, "q=" + EXCHANGE)
        self.assertEqual(r.status, 200)
        root = self.assertHarmless(r.text)
        self.assertEqual(total(root), 3)
        hits = {li.attrs["data-id"]: li for li in root.find_all("li", cls="kt-hit")}
        self.assertEqual(hits["evil-1"].find(cls="kt-title").text(), "<script>alert('t')</script>交流協定")
        self.assertEqual(hits["evil-1"].find(cls="kt-partner").text(), "中国/<img src=x onerror=alert(1)>")
        self.assertEqual(hits["evil-2"].find(cls="kt-municipality").text(), "\"'><svg onload=alert(1)>")
        # the good URL is a link, exactly as stored; the one with quotes is no link at all
        self.assertEqual(hits["evil-1"].find(cls="kt-source").find("a").attrs["href"], "https://example.org/?a=1&b='x'")
        self.assertFalse(hits["evil-2"].find_all(cls="kt-source"))
        self.assertFalse(hits["evil-3"].find_all(cls="kt-source"))
        self.assertEqual(self.server.sanitizer_reports(), [])


class Unavailable(Checks):
    def assertUnavailable(self, server, log_part):
        r = curl(server.url, "q=" + EXCHANGE)
        self.assertEqual(r.status, 503)
        self.assertEqual(r.header("content-type"), "text/plain; charset=utf-8")
        self.assertEqual(r.header("cache-control"), "no-store")
        self.assertSafeHeaders(r)
        self.assertIn("ただいま検索できません。", r.text)
        self.assertNotIn("/", r.text)
        self.assertNotIn("index", r.text)
        lines = [line for line in server.log().splitlines() if "kyotei-search (cgi)" in line]
        self.assertEqual(len(lines), 1, server.log())
        self.assertIn(log_part, lines[0])

    def test_missing_index(self):
        missing = os.path.join(OUTPUT, "no-such-index")
        s = Server("missing-index", db=missing)
        try:
            self.assertUnavailable(s, missing)
        finally:
            s.stop()

    def test_broken_index(self):
        broken = os.path.join(OUTPUT, "servers", "broken-index-data")
        shutil.rmtree(broken, ignore_errors=True)
        os.makedirs(broken)
        for name, data in (("iamglass", b"\x00garbage"), ("postlist.glass", os.urandom(8192))):
            with open(os.path.join(broken, name), "wb") as f:
                f.write(data)
        s = Server("broken-index", db=broken)
        try:
            self.assertUnavailable(s, "cannot open the index")
        finally:
            s.stop()


class Templates(Checks):
    def write(self, name, text):
        path = os.path.join(OUTPUT, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_site_template(self):
        path = self.write("site-template.html",
                          '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>{{title}} — 市</title>'
                          '<style>{{style}}</style></head>\n<body><div class="site">{{form}}<main>{{results}}</main>'
                          "<p>検索語: {{query}}</p></div></body></html>\n")
        s = Server("template", template=path)
        try:
            r = curl(s.url, "q=" + quote("<交流>"))
            self.assertEqual(r.status, 200)
            root = self.assertHarmless(r.text)
            self.assertEqual(root.find("title").text(), "「<交流>」の検索結果 | 国際協定検索 — 市")
            site = root.find("div", cls="site")
            self.assertEqual(site.find("input", name="q").attrs["value"], "<交流>")
            self.assertTrue(site.find("main").find_all("div", cls="kyotei"))
            self.assertIn("検索語: <交流>", site.text())
            # formats other than the page are not templated
            self.assertEqual(json.loads(curl(s.url, "format=json").body)["total"], 40)
        finally:
            s.stop()

    def test_template_with_a_typo_is_refused(self):
        path = self.write("typo-template.html", "<html>\n<body>\n{{results}}\n{{serch_form}}\n</body></html>\n")
        s = Server("typo-template", template=path)
        try:
            self.assertUnavailable(s, "line 4: unknown placeholder {{serch_form}}")
            # the error is the template's: JSON still works
            self.assertEqual(curl(s.url, "format=json").status, 200)
        finally:
            s.stop()

    assertUnavailable = Unavailable.assertUnavailable


if __name__ == "__main__":
    cgitest.require("lighttpd", "curl")
    unittest.main(verbosity=2)
