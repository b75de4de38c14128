#!/usr/bin/env python3
"""Checks that the crash test's checker sees what it is there to see: a
short crash run over the real rapportd gives a database that passes, then
each fault is written into a copy of it (an acknowledged event removed, an
event stored twice, a daily count or a thread or a contact changed, a
deleted member's row left behind, a history day removed) and the checker
must count exactly that fault.

  crash_checker_test.py --rapportd PATH --proto_dir PATH
"""

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import crash_checker  # noqa: E402
import crash_test  # noqa: E402

ARGS = None


class CheckerFaultsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rapport-crash-check-")
        args = crash_test.parse_args([
            "--rapportd", ARGS.rapportd, "--proto_dir", ARGS.proto_dir,
            "--rounds", "3", "--seed", "7", "--streams", "1", "--writers",
            "1", "--churners", "1", "--batch_events", "10",
            "--min_kill_delay", "0.5", "--max_kill_delay", "0.8",
            "--no-rerecord", "--work_dir", cls.dir])
        cls.run_result = crash_test.run(args)
        cls.db = os.path.join(cls.dir, "rapport.db")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def check_with(self, sql, params=()):
        """The report on a copy of the database with `sql` applied."""
        copy = os.path.join(self.dir, "faulty.db")
        shutil.copy(self.db, copy)
        conn = sqlite3.connect(copy)
        if sql:
            conn.execute(sql, params)
            # A fault that matched no row would test nothing.
            self.assertGreater(conn.total_changes, 0, sql)
        conn.commit()
        conn.close()
        r = self.run_result
        return crash_checker.check(r.history, crash_checker.read_db(copy),
                                   r.api_counts, set(r.ctx.stable),
                                   r.ctx.args.history_days)

    def assertOnly(self, report, key):
        failing = {k for k, _, _ in report.failures()}
        self.assertEqual(failing, {key}, report.examples)

    def acked_event(self):
        history = self.run_result.history
        for bid in history.batch_order:
            b = history.batches[bid]
            if b.acked() and not b.reserved:
                return b.events[0]
        self.fail("no acknowledged batch")

    def test_clean_run_passes(self):
        report = self.check_with(None)
        self.assertEqual(report.failures(), [])
        self.assertGreater(report.counts["events_acked"], 0)
        self.assertGreater(report.counts["history_days_checked"], 0)

    def test_lost_event(self):
        e = self.acked_event()
        # Removing the event alone would also break the aggregates: lower
        # them with it, as a lost commit would.
        report = self.check_with("DELETE FROM events WHERE event_id = ?",
                                 (e["id"],))
        self.assertEqual(report.counts["lost"], 1)

    def test_counted_twice_in_daily_counts(self):
        report = self.check_with(
            "UPDATE daily_counts SET count = count * 2 WHERE day = "
            "(SELECT max(day) FROM daily_counts) AND member_id = "
            "(SELECT min(member_id) FROM daily_counts WHERE day = "
            "(SELECT max(day) FROM daily_counts))")
        self.assertOnly(report, "duplicated_buckets")

    def test_thread_state_off(self):
        report = self.check_with(
            "UPDATE threads SET inbound_count = inbound_count + 1 WHERE "
            "thread_id = (SELECT min(thread_id) FROM threads)")
        self.assertOnly(report, "thread_mismatch")

    def test_contact_state_off(self):
        report = self.check_with(
            "UPDATE contacts SET meetings_booked = meetings_booked + 1 WHERE "
            "(member_id, contact_id) = (SELECT member_id, contact_id FROM "
            "contacts ORDER BY member_id, contact_id LIMIT 1)")
        self.assertOnly(report, "contact_mismatch")

    def test_member_count_off(self):
        report = self.check_with(
            "UPDATE members SET event_count = event_count + 1 WHERE "
            "member_id = 's00'")
        self.assertOnly(report, "member_mismatch")

    def test_history_day_missing(self):
        report = self.check_with(
            "DELETE FROM score_history WHERE member_id = 's01' AND day = "
            "(SELECT min(day) + 1 FROM score_history WHERE member_id = 's01')")
        self.assertOnly(report, "history_gaps")

    def test_deleted_member_rows_left(self):
        report = self.check_with(
            "INSERT INTO history_work (tenant, member_id, from_day, version) "
            "VALUES ('default', 'gone', 1, 1)")
        failing = {k for k, _, _ in report.failures()}
        self.assertIn("deleted_rows", failing)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--proto_dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
