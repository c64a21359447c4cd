"""The search page in a real browser: Debian's chromium, headless, driven through chromedriver's
WebDriver HTTP interface (a small client on urllib below). It loads the page served by lighttpd,
types 青少年 交流 into the search box, submits, clicks a country facet, checks the results in the
DOM, and saves screenshots of the results page at desktop and phone widths into the build tree
(KYOTEI_TEST_OUTPUT/screenshots). Run by ctest; see cgitest.py for the environment."""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from urllib.parse import unquote

import cgitest
from cgitest import OUTPUT, Server

CHROMIUM = "chromium"
CHROMEDRIVER = "chromedriver"
# What this machine's Chromium needs to start headless as root with no network but loopback.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--lang=ja"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver element key
SCREENSHOTS = os.path.join(OUTPUT, "screenshots")
DESKTOP = (1280, 900)
PHONE = (390, 844)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    """Just enough of the W3C WebDriver protocol, plus chromedriver's DevTools passthrough."""

    def __init__(self, user_data_dir):
        port = free_port()
        self.log = open(os.path.join(OUTPUT, "chromedriver.log"), "w")
        self.driver = subprocess.Popen([shutil.which(CHROMEDRIVER), f"--port={port}"], stdout=self.log,
                                       stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.call("GET", "/status")["ready"]:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        options = {"binary": shutil.which(CHROMIUM), "args": CHROMIUM_FLAGS + [f"--user-data-dir={user_data_dir}"]}
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options,
                                                 "timeouts": {"pageLoad": 60000, "script": 30000}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return json.loads(resp.read())["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError(f"WebDriver {method} {path}: {e.read().decode(errors='replace')[:500]}") from None

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def url(self):
        return self.s("GET", "/url")

    def find_all(self, css):
        return [e[ELEMENT] for e in self.s("POST", "/elements", {"using": "css selector", "value": css})]

    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def text(self, element):
        return self.s("GET", f"/element/{element}/text")

    def attr(self, element, name):
        return self.s("GET", f"/element/{element}/attribute/{name}")

    def prop(self, element, name):
        return self.s("GET", f"/element/{element}/property/{name}")

    def type(self, element, text):
        self.s("POST", f"/element/{element}/value", {"text": text})

    def click(self, element):
        self.s("POST", f"/element/{element}/click", {})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def cdp(self, cmd, params=None):
        return self.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params or {}})

    def viewport(self, width, height, mobile):
        self.cdp("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def screenshot(self, path):
        """The whole page, not only the viewport."""
        height = self.js("return document.documentElement.scrollHeight")
        width = self.js("return document.documentElement.clientWidth")
        shot = self.cdp("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                   "clip": {"x": 0, "y": 0, "width": width, "height": height,
                                                            "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def quit(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            try:
                self.driver.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.driver.kill()
            self.log.close()


class Browser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("browser")
        cls.profile = tempfile.mkdtemp(prefix="kyotei-chromium-")
        os.makedirs(SCREENSHOTS, exist_ok=True)
        cls.b = WebDriver(cls.profile)
        cls.b.viewport(*DESKTOP, mobile=False)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.b.quit()
        finally:
            cls.server.stop()
            shutil.rmtree(cls.profile, ignore_errors=True)

    def wait_for_url(self, part, present=True, timeout=30):
        """A submit or a click starts a navigation that WebDriver may not wait for: waits until part
        is in the address (or, with present=False, gone from it) and the page has loaded."""
        deadline = time.monotonic() + timeout
        while (part in self.b.url()) != present or self.b.js("return document.readyState") != "complete":
            if time.monotonic() > deadline:
                self.fail(f"{part!r} {'never appeared in' if present else 'stayed in'} {self.b.url()}")
            time.sleep(0.05)

    def hits(self):
        b = self.b
        return [(b.attr(li, "data-id"), b.attr(li, "data-country")) for li in b.find_all("li.kt-hit")]

    def test_search_then_filter_by_country(self):
        b = self.b
        b.go(self.server.url)
        self.assertEqual(b.js("return document.documentElement.lang"), "ja")
        self.assertEqual(b.js("return document.characterSet"), "UTF-8")
        self.assertEqual(b.text(b.find(".kt-total")), "40")  # no words yet: every agreement

        box = b.find("input[name=q]")
        b.type(box, "青少年 交流")
        b.click(b.find("form.kt-form button[type=submit]"))
        self.wait_for_url("q=")
        self.assertEqual(unquote(b.url().split("q=")[1].split("&")[0]).replace("+", " "), "青少年 交流")
        self.assertEqual(b.text(b.find(".kt-total")), "3")
        self.assertEqual(sorted(i for i, _ in self.hits()), ["akita-008", "aomori-003", "hokkaido-004"])
        marks = [b.text(m) for m in b.find_all("li.kt-hit mark")]
        self.assertIn("青少年交流", marks)
        self.assertIn("交流", marks)
        self.assertEqual(b.prop(b.find("input[name=q]"), "value"), "青少年 交流")

        korea = [a for a in b.find_all(".kt-facet[data-facet=country] a")
                 if b.text(a).startswith("韓国")]
        self.assertEqual(len(korea), 1)
        b.click(korea[0])
        self.wait_for_url("country=%E9%9F%93%E5%9B%BD")
        self.assertEqual(b.text(b.find(".kt-total")), "2")
        self.assertEqual(sorted(self.hits()), [("aomori-003", "韓国"), ("hokkaido-004", "韓国")])
        self.assertEqual(b.js("return Array.from(document.querySelectorAll('.kt-active a.kt-remove'))"
                              ".map(function (a) { return a.textContent; })"), ["国・地域: 韓国 ×（解除）"])
        self.assertEqual(b.text(b.find(".kt-facet[data-facet=country] li.kt-selected .kt-value")), "韓国")
        self.assertEqual(b.prop(b.find("input[name=q]"), "value"), "青少年 交流")

        # the inline style applies (the Content-Security-Policy lets it), on a desktop beside the results
        self.assertEqual(b.js("return getComputedStyle(document.querySelector('.kt-form button')).backgroundColor"),
                         "rgb(10, 88, 202)")
        main = b.js("return document.querySelector('.kt-main').getBoundingClientRect().toJSON()")
        facets = b.js("return document.querySelector('.kt-facets').getBoundingClientRect().toJSON()")
        self.assertGreater(facets["left"], main["right"] - 1, "facets beside the results on a desktop")
        # the page's text is drawn with a Japanese font, not boxes: the glyphs have width
        self.assertGreater(b.js("var c = document.createElement('canvas').getContext('2d');"
                                "c.font = getComputedStyle(document.body).font; return c.measureText('協定').width"), 20)
        b.screenshot(os.path.join(SCREENSHOTS, "results-desktop.png"))

        b.viewport(*PHONE, mobile=True)
        try:
            b.go(b.url())
            self.assertLessEqual(b.js("return document.documentElement.scrollWidth"), PHONE[0],
                                 "nothing wider than the phone")
            main = b.js("return document.querySelector('.kt-main').getBoundingClientRect().toJSON()")
            facets = b.js("return document.querySelector('.kt-facets').getBoundingClientRect().toJSON()")
            self.assertGreaterEqual(facets["top"], main["bottom"] - 1, "facets below the results on a phone")
            self.assertTrue(b.js("return getComputedStyle(document.querySelector('.kt-jump')).display != 'none'"))
            b.screenshot(os.path.join(SCREENSHOTS, "results-phone.png"))
        finally:
            b.viewport(*DESKTOP, mobile=False)
        for name in ("results-desktop.png", "results-phone.png"):
            with open(os.path.join(SCREENSHOTS, name), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_remove_the_filter_and_page_through(self):
        b = self.b
        b.go(self.server.url + "?q=%E4%BA%A4%E6%B5%81&country=%E4%B8%AD%E5%9B%BD")
        filtered = int(b.text(b.find(".kt-total")))
        b.click(b.find(".kt-active a.kt-remove"))
        self.wait_for_url("country=", present=False)
        everything = int(b.text(b.find(".kt-total")))
        self.assertGreater(everything, filtered)
        self.assertFalse(b.find_all(".kt-active"))
        first = [i for i, _ in self.hits()]
        b.click(b.find(".kt-pages a[rel=next]"))
        self.wait_for_url("page=2")
        second = [i for i, _ in self.hits()]
        self.assertEqual(len(second), 10)
        self.assertFalse(set(first) & set(second))
        b.click(b.find(".kt-pages a[rel=prev]"))
        self.wait_for_url("page=2", present=False)
        self.assertEqual([i for i, _ in self.hits()], first)

    def test_no_script_runs_and_nothing_is_fetched_from_elsewhere(self):
        b = self.b
        b.go(self.server.url + "?q=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E%22%3E%3Cimg%20src%3Dx%20"
                               "onerror%3Dwindow.pwned%3D2%3E")
        self.assertIsNone(b.js("return window.pwned === undefined ? null : window.pwned"))
        self.assertEqual(b.prop(b.find("input[name=q]"), "value"),
                         '<script>window.pwned=1</script>"><img src=x onerror=window.pwned=2>')
        resources = b.js("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
        origin = self.server.url.split("/cgi-bin/")[0] + "/"
        self.assertEqual([r for r in resources if not r.startswith(origin)], [])  # a favicon at most


if __name__ == "__main__":
    cgitest.require("lighttpd", CHROMIUM, CHROMEDRIVER)
    unittest.main(verbosity=2)
