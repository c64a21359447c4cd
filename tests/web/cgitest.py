"""Helpers for the CGI tests: a real lighttpd serving the built kyotei-search (started and stopped
by scripts/cgi-server.sh), requests made with curl, and pages read back into a small tree with
html.parser. ctest (tests/web/CMakeLists.txt) sets KYOTEI_BUILD (the build tree), KYOTEI_SOURCE
(the source tree) and KYOTEI_TEST_OUTPUT (where server logs and screenshots are kept)."""

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

BUILD = os.environ["KYOTEI_BUILD"]
SOURCE = os.environ["KYOTEI_SOURCE"]
OUTPUT = os.environ["KYOTEI_TEST_OUTPUT"]
BIN = os.path.join(BUILD, "bin")
INDEX = os.path.join(BUILD, "share", "kyotei", "index")
SERVER_SCRIPT = os.path.join(SOURCE, "scripts", "cgi-server.sh")

SKIPPED = 77  # ctest's SKIP_RETURN_CODE for these tests


def require(*programs):
    """Exits the test program when a needed Debian program is missing: as a failure in CI (where
    scripts/setup.sh --test installs them), as skipped elsewhere."""
    missing = [p for p in programs if not shutil.which(p)]
    if not missing:
        return
    message = f"not installed: {', '.join(missing)} (scripts/setup.sh --test installs them)"
    if os.environ.get("CI"):
        print(f"FAILED: {message}")
        sys.exit(1)
    print(f"skipped: {message}")
    sys.exit(SKIPPED)


class Server:
    """A lighttpd on 127.0.0.1 running kyotei-search with KYOTEI_DB=db. Every server started is
    stopped by stop(), and in any case when the test program ends or is interrupted."""

    running = []

    def __init__(self, name, db=INDEX, template=None):
        self.dir = os.path.join(OUTPUT, "servers", name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        env = dict(os.environ)
        env["KYOTEI_CGI_IDLE"] = "900"  # a killed run leaves no server behind for long
        env.pop("KYOTEI_CGI_PORT", None)
        if template:
            env["KYOTEI_TEMPLATE"] = template
        else:
            env.pop("KYOTEI_TEMPLATE", None)
        p = subprocess.run([SERVER_SCRIPT, "start", self.dir, os.path.join(BIN, "kyotei-search"), db],
                           capture_output=True, text=True, env=env, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"cgi-server.sh start failed: {p.stderr}{self.log()}")
        self.url = p.stdout.strip()
        Server.running.append(self)

    def stop(self):
        if self in Server.running:
            Server.running.remove(self)
            subprocess.run([SERVER_SCRIPT, "stop", self.dir], timeout=30)

    def log(self):
        """lighttpd's log, then the program's stderr."""
        text = ""
        for name in ("error.log", "cgi.log"):
            try:
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    text += f.read()
            except FileNotFoundError:
                pass
        return text

    def sanitizer_reports(self):
        """Lines in which AddressSanitizer or UndefinedBehaviorSanitizer reported something."""
        return [line for line in self.log().splitlines()
                if "Sanitizer" in line or "runtime error:" in line]


def stop_all_servers(*_):
    for server in list(Server.running):
        server.stop()


def _on_signal(signum, _frame):
    stop_all_servers()
    sys.exit(128 + signum)


atexit.register(stop_all_servers)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value (the last one)
        self.body = body        # bytes

    @property
    def text(self):
        return self.body.decode("utf-8")

    def header(self, name):
        return self.headers.get(name.lower())


def curl(url, query=None, method=None, data=None, head=False):
    """One request with curl. query is sent as written (percent-encoding is the caller's); a very
    long one goes through a file, since it would not fit on a command line."""
    with tempfile.TemporaryDirectory() as tmp:
        headers_file = os.path.join(tmp, "headers")
        body_file = os.path.join(tmp, "body")
        args = ["curl", "-sS", "--globoff", "--max-time", "120", "-D", headers_file, "-o", body_file]
        if head:
            args.append("--head")
        if method:
            args += ["-X", method]
        if data is not None:
            args += ["--data-binary", data]
        target = url
        if query is not None and len(query) > 8000:
            query_file = os.path.join(tmp, "query")
            with open(query_file, "w") as f:
                f.write(query)
            args += ["-G", "--data-binary", "@" + query_file]
        elif query is not None:
            target = url + "?" + query
        subprocess.run(args + [target], check=True, timeout=180)
        with open(headers_file, "rb") as f:
            head_lines = f.read().decode("latin-1").split("\r\n")
        body = b""
        if not head and os.path.exists(body_file):  # with --head, curl writes the headers there
            with open(body_file, "rb") as f:
                body = f.read()
    status = int(head_lines[0].split()[1])
    headers = {}
    for line in head_lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return Response(status, headers, body)


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.attr_list = attrs
        self.parent = parent
        self.children = []
        self.text_parts = []

    def text(self):
        return "".join(part if isinstance(part, str) else part.text() for part in self.text_parts)

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find_all(self, tag=None, cls=None, **attrs):
        return [n for n in self.walk()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        if not found:
            raise AssertionError(f"no <{tag or '*'}> class={cls} {attrs}")
        return found[0]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        self.current.text_parts.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        self.current.text_parts.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


def parse_html(text):
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root
