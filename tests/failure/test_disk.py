"""A full disk during indexing: kyotei-index stops with a clear error (exit 2), the old index stays
whole and searchable, and once there is room again the next run succeeds.

Two kinds of full disk: a 2 MB tmpfs, when the test may mount one (root, and a kernel that lets
it; skipped otherwise), and RLIMIT_FSIZE (files of at most 1 MB, SIGXFSZ ignored so that writes fail
with EFBIG), which needs no privilege and exercises the same error paths."""

import os
import resource
import signal
import subprocess
import unittest

from kit import CORPUS, ScratchTest, current_generation, index, lsan_suppressions, search_all, synthetic_rows, write_rows, xapian_check


def xapian_commit_leak_ignored():
    """The environment for a run on a full disk: see xapian-commit-leak.supp (sanitizer builds)."""
    return lsan_suppressions("xapian-commit-leak.supp")


def try_mount(path, size):
    if os.geteuid() != 0:
        return False
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path], capture_output=True)
    return p.returncode == 0


def file_size_limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


class FullDisk(ScratchTest):
    def setUp(self):
        super().setUp()
        self.disk = self.path("disk")
        os.mkdir(self.disk)
        self.mounted = False
        self.limit = None
        self.db = os.path.join(self.disk, "idx")
        self.big = write_rows(self.path("big.csv"), synthetic_rows("big", 3000))

    def tearDown(self):
        if self.mounted:
            subprocess.run(["umount", "-l", self.disk], check=False)
        super().tearDown()

    def test_small_tmpfs(self):
        self.mounted = try_mount(self.disk, "2m")
        if not self.mounted:
            self.skipTest("cannot mount a tmpfs here (not root, or not allowed)")
        self.rebuild_and_update_on_a_full_disk()

    def test_file_size_limit(self):
        self.limit = file_size_limit
        self.rebuild_and_update_on_a_full_disk()

    def make_room(self):
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,size=64m", self.disk], check=True)
        self.limit = None

    def assert_whole(self, expected):
        gen = current_generation(self.db)
        check = xapian_check(gen)
        self.assertEqual(check.returncode, 0, check.stdout)
        self.assertEqual(search_all(self.db), expected)

    def assert_disk_error(self, r):
        self.assertEqual(r.returncode, 2, r)
        self.assertRegex(r.stderr, r"^kyotei-index: .*(No space left on device|File too large)", r)
        self.assertNotIn("terminate called", r.stderr)

    def rebuild_and_update_on_a_full_disk(self):
        r = index(self.db, CORPUS)
        self.assertEqual(r.returncode, 0, r)
        before = search_all(self.db)
        self.assertEqual(len(before), 40)

        r = index(self.db, self.big, preexec_fn=self.limit, env=xapian_commit_leak_ignored())
        self.assert_disk_error(r)
        self.assert_whole(before)
        # the failed rebuild cleared what it had written
        self.assertEqual(sorted(e for e in os.listdir(self.db) if e.startswith("gen-")),
                         [os.path.basename(current_generation(self.db))])

        r = index(self.db, self.big, update=True, preexec_fn=self.limit, env=xapian_commit_leak_ignored())
        self.assert_disk_error(r)
        self.assert_whole(before)

        # with room again, both succeed
        self.make_room()
        r = index(self.db, self.big, update=True)
        self.assertEqual(r.returncode, 0, r)
        after = dict(before, **{row["id"]: row["title"] for row in synthetic_rows("big", 3000)})
        self.assert_whole(after)
        r = index(self.db, CORPUS)
        self.assertEqual(r.returncode, 0, r)
        self.assert_whole(before)


if __name__ == "__main__":
    unittest.main()
