#!/usr/bin/env python3
"""The score validation report end to end: the built rapportd records the
daily history of generated members (backfilled), and GetValidationReport,
called through the generated Python client and through `rapport validate`,
answers with every predictor, intervals that hold their rho, the member-days
its spacing promises, and errors that name the field.

  validation_e2e.py --rapportd PATH --cli PATH --proto_dir PATH
"""

import argparse
import datetime
import os
import random
import sys
import time
import unittest
import urllib.request

import rapport_e2e as e2e

ARGS = None
pb = None  # Generated modules, filled in by main().

MEMBERS = 12
HISTORY_DAYS = 60
OUTCOME_DAYS = 7


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import grpc  # Debian's python3-grpcio.
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import common_pb2
    from rapport.v1 import validation_pb2, validation_pb2_grpc
    pb = argparse.Namespace(**locals())


class ValidationE2ETest(unittest.TestCase):

    def setUp(self):
        import grpc
        self.dir = e2e.temp_dir()
        self.server = e2e.Rapportd(
            ARGS.rapportd, os.path.join(self.dir, "rapport.db"),
            ["--history_days=120", "--history_interval=1s"]).start()
        self.channel = grpc.insecure_channel(self.server.address)
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)
        self.validation = pb.validation_pb2_grpc.ValidationServiceStub(
            self.channel)

    def tearDown(self):
        self.channel.close()
        e2e.stop_server(self.server, self.dir)

    def load(self):
        """MEMBERS members with meetings booked and threads started over the
        last 100 days, drawn from a fixed seed."""
        rng = random.Random(5)
        now = datetime.datetime.now(datetime.timezone.utc)
        batch = pb.activity_pb2.IngestEventsRequest()
        for m in range(MEMBERS):
            member_id = f"m{m:02d}"
            self.activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
                member=pb.activity_pb2.Member(
                    member_id=member_id, display_name=member_id.upper(),
                    team="north" if m % 2 else "south",
                    industry="software")))
            for i in range(40):
                when = now - datetime.timedelta(
                    days=1 + rng.random() * 99)
                kind = rng.random()
                e = batch.events.add(
                    event_id=f"{member_id}-{i}", member_id=member_id)
                e.occur_time.FromDatetime(when)
                e.contact.contact_id = f"c{rng.randrange(200)}"
                if kind < 0.3 + 0.04 * m:
                    e.type = pb.activity_pb2.EVENT_TYPE_MEETING_BOOKED
                    e.channel = pb.common_pb2.CHANNEL_PHONE
                else:
                    e.type = pb.activity_pb2.EVENT_TYPE_MESSAGE_SENT
                    e.channel = pb.common_pb2.CHANNEL_EMAIL
                    e.thread_id = f"{member_id}-t{i}"
                    if rng.random() < 0.5:
                        r = batch.events.add(
                            event_id=f"{member_id}-{i}-reply",
                            member_id=member_id, thread_id=e.thread_id,
                            type=pb.activity_pb2.EVENT_TYPE_MESSAGE_RECEIVED,
                            channel=e.channel)
                        r.contact.contact_id = e.contact.contact_id
                        r.occur_time.FromDatetime(
                            min(when + datetime.timedelta(hours=20),
                                now - datetime.timedelta(minutes=1)))
        resp = self.activity.IngestEvents(iter([batch]), timeout=60)
        self.assertEqual(resp.accepted_count, len(batch.events))

    def report(self, **fields):
        return self.validation.GetValidationReport(
            pb.validation_pb2.GetValidationReportRequest(**fields), timeout=60)

    def test_report_through_the_python_client_and_the_cli(self):
        self.load()
        per_member = (HISTORY_DAYS - 1) // OUTCOME_DAYS + 1
        # The recorder backfills every member's history in the background.
        deadline = time.time() + 120
        while True:
            r = self.report(history_days=HISTORY_DAYS,
                            outcome_days=OUTCOME_DAYS)
            if r.member_days == MEMBERS * per_member or time.time() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(r.member_days, MEMBERS * per_member)
        self.assertEqual(r.members, MEMBERS)
        self.assertEqual(r.outcome_days, OUTCOME_DAYS)
        self.assertAlmostEqual(r.confidence, 0.95)
        self.assertTrue(r.model_version)
        self.assertEqual(r.team, "")
        today = datetime.datetime.now(datetime.timezone.utc).date()
        end = r.end_time.ToDatetime().date()
        start = r.start_time.ToDatetime().date()
        self.assertEqual(end, today - datetime.timedelta(days=1 + OUTCOME_DAYS))
        self.assertEqual((end - start).days, HISTORY_DAYS - 1)
        self.assertEqual([p.pillar for p in r.predictors], [0, 1, 2, 3, 4])
        for p in r.predictors:
            self.assertTrue(p.verdict)
            for c in (p.meetings, p.replies):
                self.assertEqual(c.member_days, r.member_days)
                self.assertEqual(c.members, MEMBERS)
                self.assertLessEqual(c.ci_low, c.rho)
                self.assertGreaterEqual(c.ci_high, c.rho)
                self.assertEqual(c.significant, c.ci_low > 0 or c.ci_high < 0)
        self.assertIn("in this tenant", r.verdict)
        self.assertIn("95% confidence", r.verdict)

        team = self.report(team="north", history_days=HISTORY_DAYS,
                           outcome_days=OUTCOME_DAYS)
        self.assertEqual(team.team, "north")
        self.assertEqual(team.members, MEMBERS // 2)

        out = e2e.run_cli(ARGS.cli, self.server.address, "validate",
                          f"--history_days={HISTORY_DAYS}",
                          f"--outcome_days={OUTCOME_DAYS}").stdout
        self.assertIn("relationships", out)
        self.assertIn(r.verdict, out)
        for p in r.predictors:
            self.assertIn(p.verdict, out)

        # The leaderboard page (an admin's, authentication being off) ends
        # with the tenant's report of the day, once computed in the
        # background; until then it says so.
        deadline = time.monotonic() + 60
        while True:
            with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.server.metrics_port}/",
                    timeout=30) as page:
                html = page.read().decode("utf-8")
            self.assertIn("Does the score predict outcomes here?", html)
            if "data-pending" not in html or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        for pillar in range(5):
            self.assertIn(f'data-predictor="{pillar}"', html)

    def test_errors_name_the_field(self):
        import grpc
        self.load()
        for fields, name in (({"history_days": 29}, "history_days"),
                             ({"outcome_days": 91}, "outcome_days"),
                             ({"confidence": 0.9999}, "confidence")):
            with self.subTest(field=name):
                with self.assertRaises(grpc.RpcError) as cm:
                    self.report(**fields)
                self.assertEqual(cm.exception.code(),
                                 grpc.StatusCode.INVALID_ARGUMENT)
                self.assertTrue(cm.exception.details().startswith(name + ":"),
                                cm.exception.details())
        with self.assertRaises(grpc.RpcError) as cm:
            self.report(team="nobody")
        self.assertEqual(cm.exception.code(), grpc.StatusCode.NOT_FOUND)


def main():
    e2e.main_with_client(globals(), load_generated)


if __name__ == "__main__":
    main()
