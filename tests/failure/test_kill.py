"""kyotei-index killed with SIGKILL at random points of a rebuild and of an update, many times:
afterwards the index is always the old one or the new one, whole (xapian-check) and searchable,
and the next run succeeds.

KYOTEI_KILLS sets how many kills of each kind (default 30); KYOTEI_KILL_SEED the random seed
(default: from the clock, printed so that a failure can be replayed)."""

import os
import random
import signal
import subprocess
import time
import unittest
import zlib

from kit import (ScratchTest, current_generation, environment, index, program, search_all, synthetic_rows,
                 write_rows, xapian_check)

KILLS = int(os.environ.get("KYOTEI_KILLS", "30"))
SEED = int(os.environ.get("KYOTEI_KILL_SEED", str(time.time_ns() % 1_000_000)))
ROWS = 2500  # a run long enough (about a second) that kills land in every phase of it


class Killed(ScratchTest):
    @classmethod
    def setUpClass(cls):
        print(f"KYOTEI_KILL_SEED={SEED}", flush=True)

    def setUp(self):
        super().setUp()
        self.random = random.Random(SEED + zlib.crc32(self.id().encode()))
        self.db = self.path("idx")

    def state(self):
        """What the index holds now: {id: title}. Also checks that it is whole."""
        gen = current_generation(self.db)
        check = xapian_check(gen)
        self.assertEqual(check.returncode, 0, f"xapian-check {gen}: {check.stdout} {check.stderr}")
        return search_all(self.db)

    def timed_run(self, args):
        """How long one uninterrupted run takes."""
        start = time.monotonic()
        p = subprocess.run(args, env=environment(), capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        return time.monotonic() - start

    def kill_at(self, args, delay):
        proc = subprocess.Popen(args, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        return proc.wait()

    def delays(self, duration):
        """A third spread over the whole run, a third in its last third (where the new generation
        is committed and swapped in), a third around its end (a killed run is often slower than
        the timed one: the checks between kills run beside it)."""
        for i in range(KILLS):
            if i % 3 == 0:
                yield self.random.uniform(0, duration)
            elif i % 3 == 1:
                yield self.random.uniform(duration * 0.66, duration * 1.1)
            else:
                yield self.random.uniform(duration * 0.9, duration * 1.6)

    def kill_many(self, make_args, states):
        """states: the two contents a run moves between ({id: title} each). Each round kills a run
        that moves the index from one to the other and checks it holds one of the two; the next
        round starts from whatever it holds."""
        a, b = states
        current = self.state()
        self.assertEqual(current, a)
        duration = self.timed_run(make_args(b))  # uninterrupted: a -> b
        self.assertEqual(self.state(), b)
        current = b
        outcomes = {"old": 0, "new": 0}
        for n, delay in enumerate(self.delays(duration)):
            target = a if current == b else b
            code = self.kill_at(make_args(target), delay)
            after = self.state()
            self.assertIn(after, (current, target),
                          f"kill {n} after {delay:.3f} s (exit {code}): the index is neither the old nor the new one")
            outcomes["new" if after == target and target != current else "old"] += 1
            current = after
        # a kill that comes too late to stop the run must leave the new index: make sure one did
        extra = 0
        while outcomes["new"] == 0 and extra < 10:
            target = a if current == b else b
            self.kill_at(make_args(target), duration * (2 + extra))
            after = self.state()
            self.assertIn(after, (current, target))
            outcomes["new" if after == target else "old"] += 1
            current = after
            extra += 1
        self.assertGreater(outcomes["new"], 0, "no killed run ever finished")
        # the next run, uninterrupted, succeeds and gives the index it asks for
        target = a if current == b else b
        p = subprocess.run(make_args(target), env=environment(), capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.state(), target)
        print(f"{self.id()}: {KILLS} kills over {duration:.2f} s runs: {outcomes['old']} left the old index, "
              f"{outcomes['new']} the new one", flush=True)
        return outcomes

    def test_rebuild(self):
        first = write_rows(self.path("first.csv"), synthetic_rows("a", ROWS, "観光協定"))
        second = write_rows(self.path("second.csv"), synthetic_rows("b", ROWS, "医療協定"))
        self.assertEqual(index(self.db, first).returncode, 0)
        a = self.state()
        b = {r["id"]: r["title"] for r in synthetic_rows("b", ROWS, "医療協定")}

        def rebuild(target):
            return [program("kyotei-index"), "--quiet", "--db", self.db, second if target == b else first]
        outcomes = self.kill_many(rebuild, (a, b))
        self.assertGreater(outcomes["old"], 0)
        # leftovers of the killed runs are cleared: the current generation and one previous remain
        gens = sorted(e for e in os.listdir(self.db) if e.startswith("gen-"))
        self.assertLessEqual(len(gens), 2, gens)

    def test_update(self):
        base = write_rows(self.path("base.csv"), synthetic_rows("a", 200))
        self.assertEqual(index(self.db, base).returncode, 0)
        # two updates of the same ids with other titles: the index moves between two contents
        u1 = synthetic_rows("u", ROWS, "観光協定")
        u2 = synthetic_rows("u", ROWS, "医療協定")
        f1 = write_rows(self.path("u1.csv"), u1)
        f2 = write_rows(self.path("u2.csv"), u2)
        self.assertEqual(index(self.db, f1, update=True).returncode, 0)
        a = self.state()
        b = dict(a, **{r["id"]: r["title"] for r in u2})

        def update(target):
            return [program("kyotei-index"), "--quiet", "--update", "--db", self.db, f2 if target == b else f1]
        outcomes = self.kill_many(update, (a, b))
        self.assertGreater(outcomes["old"], 0)


if __name__ == "__main__":
    unittest.main()
