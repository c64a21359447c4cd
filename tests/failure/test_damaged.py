"""An index directory that is missing, unreadable or damaged: kyotei-search says so on one line and
exits 2 (the CGI answers 503), never crashes, hangs or prints half a result; kyotei-index refuses
to update it. Damage comes in kinds (a file deleted, emptied, cut in half, the stub garbled or
naming a missing generation, permissions removed) and at random (bytes overwritten in every table
with a fixed seed, so that a failure can be replayed)."""

import os
import random
import shutil
import stat
import subprocess
import unittest

from kit import CORPUS, ScratchTest, current_generation, index, lsan_suppressions, program, run

QUERIES = [["交流"], ['"経済交流"'], ["--all"], ["--facets", "観光"], ["--format", "json", "country:中国"]]
TABLES = ["docdata.glass", "position.glass", "postlist.glass", "termlist.glass"]
NOBODY = 65534


class Damaged(ScratchTest):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.master_dir = tempfile.mkdtemp(prefix="kyotei-failure-master-")
        cls.master = os.path.join(cls.master_dir, "idx")
        r = index(cls.master, CORPUS)
        assert r.returncode == 0, r

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.master_dir, ignore_errors=True)

    def fresh(self, name="idx"):
        db = self.path(name)
        shutil.copytree(self.master, db)
        return db

    def assert_no_crash(self, r, what):
        self.assertGreaterEqual(r.returncode, 0, f"{what}: killed by a signal: {r}")
        for sign in ("terminate called", "AddressSanitizer", "runtime error", "Segmentation"):
            self.assertNotIn(sign, r.stderr, what)

    def assert_refused(self, db, what, preexec_fn=None):
        """Every query fails with exit 2 and one line on stderr naming the problem; nothing on stdout."""
        for q in QUERIES:
            r = run([program("kyotei-search"), "--db", db, *q], preexec_fn=preexec_fn, timeout=60)
            self.assert_no_crash(r, what)
            self.assertEqual(r.returncode, 2, f"{what} {q}: {r}")
            self.assertRegex(r.stderr, r"^kyotei-search: \S", f"{what} {q}")
            self.assertEqual(r.stderr.count("\n"), 1, f"{what} {q}: {r.stderr!r}")
            self.assertEqual(r.stdout, "", f"{what} {q}")

    def test_missing_empty_or_not_a_directory(self):
        self.assert_refused(self.path("missing"), "missing")
        os.mkdir(self.path("empty"))
        self.assert_refused(self.path("empty"), "empty directory")
        with open(self.path("file"), "w") as f:
            f.write("not an index\n")
        self.assert_refused(self.path("file"), "a file")

    def test_stub_garbled_or_naming_a_missing_generation(self):
        for n, text in enumerate(["", "garbage\n", "auto gen-99\n", "auto ../../../etc\n", "auto\n",
                                  "remote :1\n", "\xff\xfe\x00\n", "auto " + "g" * 5000 + "\n"]):
            db = self.fresh(f"idx{n}")
            with open(os.path.join(db, "XAPIANDB"), "w", encoding="latin-1") as f:
                f.write(text)
            self.assert_refused(db, f"stub {text[:20]!r}")

    def assert_answers_or_refuses(self, db, what):
        """Damage Xapian only notices when it reads the damaged part: each query either answers
        or is refused as assert_refused says; none crashes."""
        for q in QUERIES:
            r = run([program("kyotei-search"), "--db", db, *q], timeout=60)
            self.assert_no_crash(r, f"{what} {q}")
            self.assertIn(r.returncode, (0, 1, 2), f"{what} {q}: {r}")
            if r.returncode == 2:
                self.assertRegex(r.stderr, r"^kyotei-search: \S", f"{what} {q}")
                self.assertEqual(r.stderr.count("\n"), 1, f"{what} {q}: {r.stderr!r}")
                self.assertEqual(r.stdout, "", f"{what} {q}")

    def test_a_table_deleted_emptied_or_cut(self):
        for table in TABLES + ["iamglass"]:
            for damage in ("delete", "empty", "half"):
                db = self.fresh(f"idx-{table}-{damage}")
                path = os.path.join(current_generation(db), table)
                if damage == "delete":
                    os.unlink(path)
                else:
                    os.truncate(path, 0 if damage == "empty" else os.path.getsize(path) // 2)
                what = f"{table} {damage}"
                # Opening the index reads the version file and the root of every table; a missing
                # postlist fails the open too. Other tables are read lazily (positions only for
                # phrases, document data only for hits), and cut tables only where they are cut.
                if damage == "empty" or table == "iamglass" or (table, damage) == ("postlist.glass", "delete"):
                    self.assert_refused(db, what)
                else:
                    self.assert_answers_or_refuses(db, what)
                shutil.rmtree(db)

    def test_random_bytes_overwritten(self):
        """Random damage may hit unused space and go unnoticed: then the search answers. Either
        way it exits 0, 1 or 2, never crashes, and a failure is a one-line message."""
        rng = random.Random(20240607)
        refused = answered = 0
        for n in range(24):
            db = self.fresh(f"idx-random-{n}")
            for table in TABLES:
                path = os.path.join(current_generation(db), table)
                size = os.path.getsize(path)
                with open(path, "r+b") as f:
                    for _ in range(1 + n % 4):
                        at = rng.randrange(0, max(size - 64, 1))
                        f.seek(at)
                        f.write(bytes(rng.randrange(256) for _ in range(rng.choice([1, 8, 64]))))
            for q in QUERIES:
                r = run([program("kyotei-search"), "--db", db, *q], timeout=60, env=lsan_suppressions("xapian-trapped-fault.supp"))
                self.assert_no_crash(r, f"random damage {n} {q}")
                self.assertIn(r.returncode, (0, 1, 2), r)
                if r.returncode == 2:
                    refused += 1
                    self.assertRegex(r.stderr, r"^kyotei-search: \S")
                else:
                    answered += 1
            shutil.rmtree(db)
        print(f"{self.id()}: {refused} searches refused the damaged index, {answered} answered", flush=True)
        self.assertGreater(refused, 0)

    def test_unreadable(self):
        if os.geteuid() == 0:
            # root reads everything: drop to nobody for the searcher, as a web server would
            if shutil.which("setpriv") is None:
                self.skipTest("setpriv is needed to run the searcher as another user")
            os.chmod(self.dir, 0o755)

            def as_nobody():
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            drop = as_nobody
        else:
            drop = None
        for target in ("dir", "gen", "table", "stub"):
            db = self.fresh(f"idx-{target}")
            for root, dirs, files in os.walk(db):
                os.chmod(root, 0o755)
                for f in files:
                    os.chmod(os.path.join(root, f), 0o644)
            gen = current_generation(db)
            path = {"dir": db, "gen": gen, "table": os.path.join(gen, "postlist.glass"),
                    "stub": os.path.join(db, "XAPIANDB")}[target]
            os.chmod(path, 0)
            self.assert_refused(db, f"unreadable {target}", preexec_fn=drop)

    def test_cgi_answers_503(self):
        db = self.fresh()
        os.truncate(os.path.join(current_generation(db), "postlist.glass"), 0)
        r = run([program("kyotei-search")], env={"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                                                  "QUERY_STRING": "q=%E4%BA%A4%E6%B5%81", "KYOTEI_DB": db})
        self.assert_no_crash(r, "cgi")
        self.assertEqual(r.returncode, 0, r)
        self.assertTrue(r.stdout.startswith("Status: 503 "), r.stdout[:200])
        self.assertNotIn(db, r.stdout)  # nothing internal reaches the client

    def test_indexer_refuses_to_update_a_damaged_index(self):
        db = self.fresh()
        os.truncate(os.path.join(current_generation(db), "postlist.glass"), 0)
        r = index(db, CORPUS, update=True)
        self.assert_no_crash(r, "update")
        self.assertEqual(r.returncode, 2, r)
        self.assertRegex(r.stderr, r"^kyotei-index: \S")
        # a rebuild makes a new generation from the files: the damaged one is no longer read
        r = index(db, CORPUS)
        self.assert_no_crash(r, "rebuild")
        self.assertEqual(r.returncode, 0, r)
        r = run([program("kyotei-search"), "--db", db, "--count", "交流"])
        self.assertEqual(r.returncode, 0, r)


if __name__ == "__main__":
    unittest.main()
