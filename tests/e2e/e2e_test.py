#!/usr/bin/env python3
"""End-to-end tests, as a user would run Rapport: the built rapportd on
loopback, the rapport CLI, and a Python client generated from proto/ with
Debian's python3-grpcio.

  e2e_test.py --rapportd PATH --cli PATH --proto_dir PATH
"""

import argparse
import datetime
import json
import os
import sys
import threading
import time
import unittest

import rapport_e2e as e2e

ARGS = None
pb = None  # Generated modules, filled in by main().


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import grpc  # Debian's python3-grpcio.
    from google.protobuf import json_format
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import scoring_pb2, scoring_pb2_grpc
    from rapport.v1 import recommendation_pb2, recommendation_pb2_grpc
    import grpc_health_v1_pb2 as health_pb2
    import grpc_health_v1_pb2_grpc as health_pb2_grpc
    import grpc_reflection_v1alpha_pb2 as reflection_pb2
    import grpc_reflection_v1alpha_pb2_grpc as reflection_pb2_grpc
    pb = argparse.Namespace(**locals())


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def make_event(event_id, member_id, when, event_type=None):
    e = pb.activity_pb2.Event(event_id=event_id, member_id=member_id,
                              type=event_type or
                              pb.activity_pb2.EVENT_TYPE_POST_PUBLISHED)
    e.occur_time.FromDatetime(when)
    return e


class E2ETest(e2e.RapportdTestCase):

    def setUp(self):
        self.rapportd = ARGS.rapportd
        super().setUp()
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)

    def cli(self, *args, **kwargs):
        return e2e.run_cli(ARGS.cli, self.server.address, *args, **kwargs)

    def list_all_members(self, **filters):
        members, token = [], ""
        while True:
            resp = self.activity.ListMembers(pb.activity_pb2.ListMembersRequest(
                page_size=7, page_token=token, **filters))
            members.extend(resp.members)
            token = resp.next_page_token
            if not token:
                return members

    def upsert(self, member_id, team="north"):
        self.activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
            member=pb.activity_pb2.Member(member_id=member_id,
                                          display_name=member_id.title(),
                                          team=team, industry="software")))

    def test_demo_loaded_by_cli_is_listed_by_python_client(self):
        end = (utc_now() - datetime.timedelta(minutes=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        self.cli("demo", "--members=24", "--days=30", f"--end_time={end}")
        members = self.list_all_members()
        self.assertEqual(len(members), 24)
        ids = [m.member_id for m in members]
        self.assertEqual(ids, sorted(ids))
        self.assertGreater(sum(m.event_count for m in members), 24 * 10)
        teams = {m.team for m in members}
        self.assertGreater(len(teams), 1)
        team = sorted(teams)[0]
        self.assertEqual(
            {m.member_id for m in self.list_all_members(team=team)},
            {m.member_id for m in members if m.team == team})
        # The CLI's --json listing agrees with the Python client.
        out = self.cli("--json", "list-members", "--all").stdout
        cli_ids = []
        for line in out.splitlines():
            if line.strip():
                doc = json.loads(line)
                cli_ids += [m["memberId"] for m in doc.get("members", [])]
        self.assertEqual(cli_ids, ids)
        # Every score carries its forecasts: three horizons, never rising,
        # and the floor crossing only for a score at or above the floor.
        scoring = pb.scoring_pb2_grpc.ScoringServiceStub(self.channel)
        for member_id in ids[:6]:
            score = scoring.GetScore(pb.scoring_pb2.GetScoreRequest(
                member_id=member_id)).score
            self.assertEqual([f.horizon_days for f in score.forecasts],
                             [7, 14, 30])
            totals = [score.total] + [f.total for f in score.forecasts]
            self.assertEqual(totals, sorted(totals, reverse=True))
            if score.HasField("below_floor_time"):
                self.assertGreaterEqual(score.total, score.score_floor)
                self.assertLess(score.forecasts[-1].total, score.score_floor)
        # Loading the same demo again stores nothing new.
        before = sum(m.event_count for m in members)
        self.cli("demo", "--members=24", "--days=30", f"--end_time={end}")
        self.assertEqual(sum(m.event_count for m in self.list_all_members()),
                         before)

    def test_recommendations_asked_again_until_the_member_changes(self):
        self.upsert("rep-r")
        recs = pb.recommendation_pb2_grpc.RecommendationServiceStub(
            self.channel)

        def ask():
            return recs.GetRecommendations(
                pb.recommendation_pb2.GetRecommendationsRequest(
                    member_id="rep-r", max_results=5))

        before = utc_now()
        first = ask()
        self.assertTrue(first.HasField("as_of"))
        at = first.as_of.ToDatetime(tzinfo=datetime.timezone.utc)
        self.assertGreaterEqual(at, before - datetime.timedelta(seconds=1))
        self.assertLessEqual(at, utc_now())
        # Asked again (the server keeps them 10 s by default): the same
        # answer, as of the same instant.
        self.assertEqual(ask(), first)
        # A post by the member, acknowledged: the next answer is computed
        # after it and counts it.
        batch = pb.activity_pb2.IngestEventsRequest(events=[make_event(
            "r-1", "rep-r", utc_now() - datetime.timedelta(minutes=1))])
        resp = self.activity.IngestEvents(iter([batch]))
        self.assertEqual(resp.accepted_count, 1)
        after = ask()
        self.assertGreater(after.as_of.ToDatetime(), first.as_of.ToDatetime())
        self.assertGreater(after.current_total, first.current_total)

    def test_ingest_jsonl_reports_bad_lines_and_is_idempotent(self):
        self.upsert("rep-a")
        now = utc_now()
        path = os.path.join(self.dir, "events.jsonl")
        with open(path, "w") as f:
            for i in range(1200):
                e = make_event(f"jl-{i}", "rep-a",
                               now - datetime.timedelta(minutes=i + 1))
                if i == 500:
                    e.ClearField("occur_time")  # Invalid: line 501.
                f.write(pb.json_format.MessageToJson(e, indent=None) + "\n")
        out = self.cli("--json", "ingest", path).stdout
        summary = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(int(summary["accepted"]), 1199)
        self.assertEqual(int(summary["duplicate"]), 0)
        self.assertEqual(int(summary["rejected"]), 1)
        human = self.cli("ingest", path).stdout + self.cli("ingest", path).stderr
        self.assertIn("occur_time", human)
        self.assertIn("501", human)
        again = json.loads(
            self.cli("--json", "ingest", path).stdout.strip().splitlines()[-1])
        self.assertEqual(int(again["accepted"]), 0)
        self.assertEqual(int(again["duplicate"]), 1199)
        got = self.activity.GetMember(
            pb.activity_pb2.GetMemberRequest(member_id="rep-a"))
        self.assertEqual(got.member.event_count, 1199)

    def test_health_and_reflection(self):
        health = pb.health_pb2_grpc.HealthStub(self.channel)
        for service in ("", "rapport.v1.ActivityService",
                        "rapport.v1.ScoringService"):
            resp = health.Check(pb.health_pb2.HealthCheckRequest(
                service=service))
            self.assertEqual(resp.status,
                             pb.health_pb2.HealthCheckResponse.SERVING)
        reflection = pb.reflection_pb2_grpc.ServerReflectionStub(self.channel)
        responses = reflection.ServerReflectionInfo(iter([
            pb.reflection_pb2.ServerReflectionRequest(list_services="")]))
        names = {s.name for r in responses
                 for s in r.list_services_response.service}
        for name in ("rapport.v1.ActivityService", "rapport.v1.ScoringService",
                     "rapport.v1.OutreachService",
                     "rapport.v1.RecommendationService",
                     "rapport.v1.ValidationService",
                     "grpc.health.v1.Health"):
            self.assertIn(name, names)

    def test_errors_name_the_field(self):
        with self.assertRaises(pb.grpc.RpcError) as err:
            self.activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
                member=pb.activity_pb2.Member(member_id="x", display_name="X",
                                              industry="software")))
        self.assertEqual(err.exception.code(),
                         pb.grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(err.exception.details().startswith("member.team"))
        with self.assertRaises(pb.grpc.RpcError) as err:
            self.activity.GetMember(
                pb.activity_pb2.GetMemberRequest(member_id="nobody"))
        self.assertEqual(err.exception.code(), pb.grpc.StatusCode.NOT_FOUND)
        proc = self.cli("get-member", "nobody", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("NOT_FOUND", proc.stderr)

    def test_kill9_mid_ingest_loses_no_acknowledged_event(self):
        members = [f"k{i}" for i in range(5)]
        for m in members:
            self.upsert(m)
        now = utc_now()
        acked, attempted = [], []
        stop = threading.Event()

        def stream(n):
            ids = [f"kill-{n}-{i}" for i in range(400)]
            batches = []
            for b in range(2):
                batch = pb.activity_pb2.IngestEventsRequest()
                for i in range(b * 200, (b + 1) * 200):
                    batch.events.append(make_event(
                        ids[i], members[i % 5],
                        now - datetime.timedelta(seconds=n * 400 + i + 1)))
                batches.append(batch)
            return ids, batches

        def writer():
            n = 0
            while not stop.is_set():
                ids, batches = stream(n)
                attempted.extend(ids)
                try:
                    self.activity.IngestEvents(iter(batches), timeout=10)
                except pb.grpc.RpcError:
                    return
                acked.extend(ids)
                n += 1

        t = threading.Thread(target=writer)
        t.start()
        deadline = time.time() + 60
        while len(acked) < 4000 and time.time() < deadline:
            time.sleep(0.01)
        self.server.kill9()
        stop.set()
        t.join()
        self.assertGreaterEqual(len(acked), 4000)
        self.assertGreater(len(attempted), len(acked))

        self.channel.close()
        self.server.start()
        self.channel = pb.grpc.insecure_channel(self.server.address)
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)
        stored = sum(m.event_count for m in self.list_all_members())
        self.assertGreaterEqual(stored, len(acked))
        # Every acknowledged event is there: sending it again is a duplicate.
        resend, all_events = [], {}
        for n in range(len(attempted) // 400):
            ids, batches = stream(n)
            for b in batches:
                for e in b.events:
                    all_events[e.event_id] = e
        acked_set = set(acked)
        req = pb.activity_pb2.IngestEventsRequest()
        for event_id in acked:
            req.events.append(all_events[event_id])
            if len(req.events) == 500:
                resend.append(req)
                req = pb.activity_pb2.IngestEventsRequest()
        if req.events:
            resend.append(req)
        resp = self.activity.IngestEvents(iter(resend))
        self.assertEqual(resp.accepted_count, 0)
        self.assertEqual(resp.duplicate_count, len(acked_set))
        # Exactly once: re-sending everything leaves one copy of each.
        everything = pb.activity_pb2.IngestEventsRequest()
        batches = []
        for e in all_events.values():
            everything.events.append(e)
            if len(everything.events) == 500:
                batches.append(everything)
                everything = pb.activity_pb2.IngestEventsRequest()
        if everything.events:
            batches.append(everything)
        resp = self.activity.IngestEvents(iter(batches))
        self.assertEqual(resp.accepted_count + resp.duplicate_count,
                         len(all_events))
        self.assertEqual(resp.duplicate_count, stored)
        self.assertEqual(sum(m.event_count for m in self.list_all_members()),
                         len(all_events))

    def test_sigterm_stops_cleanly(self):
        self.upsert("rep-t")
        self.assertEqual(self.server.terminate(), 0)
        self.assertIn("stopped", self.server.log())
        # The data survives a clean restart.
        self.server.start()
        self.channel.close()
        self.channel = pb.grpc.insecure_channel(self.server.address)
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)
        got = self.activity.GetMember(
            pb.activity_pb2.GetMemberRequest(member_id="rep-t"))
        self.assertEqual(got.member.display_name, "Rep-T")


class FlagsTest(unittest.TestCase):

    def run_rapportd(self, *args):
        import subprocess
        return subprocess.run([ARGS.rapportd, *args], capture_output=True,
                              text=True, timeout=30)

    def test_bad_flags_fail_at_start_with_a_clear_message(self):
        proc = self.run_rapportd("--listen=nonsense")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--listen=nonsense is not HOST:PORT", proc.stderr)
        proc = self.run_rapportd("--max_batch_events=0")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--max_batch_events", proc.stderr)
        proc = self.run_rapportd("--no_such_flag=1")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no_such_flag", proc.stderr)

    def test_unwritable_database_fails_at_start(self):
        proc = self.run_rapportd("--listen=127.0.0.1:0", "--metrics_listen=",
                                 "--db=/nonexistent-dir/x/rapport.db")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("rapportd:", proc.stderr)
        self.assertNotIn("SQL", proc.stderr)


def main():
    e2e.main_with_client(globals(), load_generated)


if __name__ == "__main__":
    main()
