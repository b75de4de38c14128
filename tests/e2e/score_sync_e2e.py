#!/usr/bin/python3
"""The score changes feed end to end: members and events written with
BatchUpsertMembers and WriteEvents through the generated Python client, the
real rapportd's tracker (--score_changes_interval=1s), the feed read in
small pages by deploy/integrations/score_sync.py, rapportd restarted in the
middle of a sweep, and the next run listing exactly the changed members.
The CLI's `rapport changes --cursor_file` and `rapport export scores` too.

    score_sync_e2e.py --rapportd BIN --cli BIN --proto_dir DIR --sync SCRIPT
"""
import argparse
import csv
import datetime
import io
import json
import math
import os
import subprocess
import sys
import time

import rapport_e2e as e2e

ARGS = None
SYNC = None  # deploy/integrations/score_sync.py
pb = None  # Generated modules, filled in by main().
STUBS = None

MEMBERS = [(f"rep-{i:02d}", ("north", "south", "east")[i % 3])
           for i in range(12)]


def load_generated(out_dir):
    global pb, STUBS
    STUBS = out_dir
    sys.path.insert(0, out_dir)
    import grpc  # Debian's python3-grpcio.
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import scoring_pb2, scoring_pb2_grpc
    pb = argparse.Namespace(**locals())


def tenths(ssi):
    """The feed's rule: the SSI rounded to one decimal (half away from 0),
    in tenths."""
    v = abs(ssi * 10)
    whole = math.floor(v)
    rounded = whole + (1 if v - whole >= 0.5 else 0)
    return rounded if ssi >= 0 else -rounded


class ScoreSyncE2ETest(e2e.RapportdTestCase):

    def setUp(self):
        self.rapportd = ARGS.rapportd
        super().setUp()
        self.restart_with(["--score_changes_interval=1s"])
        self.serial = 0
        response = self.activity.BatchUpsertMembers(
            pb.activity_pb2.BatchUpsertMembersRequest(members=[
                pb.activity_pb2.Member(member_id=m, display_name=m.upper(),
                                       team=t, industry="software")
                for m, t in MEMBERS]))
        self.assertEqual(response.created_count, len(MEMBERS))
        self.post([m for m, _ in MEMBERS[::2]], 3)
        self.cursor_file = os.path.join(self.dir, "sync.cursor")

    def restart_with(self, extra_args=None):
        """Stops rapportd and starts it again over the same database."""
        self.channel.close()
        self.server.terminate()
        if extra_args is not None:
            self.server.extra_args += extra_args
        self.server.start()
        import grpc
        self.channel = grpc.insecure_channel(self.server.address)
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)
        self.scoring = pb.scoring_pb2_grpc.ScoringServiceStub(self.channel)

    def post(self, member_ids, posts):
        now = datetime.datetime.now(datetime.timezone.utc)
        events = []
        for member_id in member_ids:
            for p in range(posts):
                self.serial += 1
                e = pb.activity_pb2.Event(
                    event_id=f"post-{self.serial}", member_id=member_id,
                    type=pb.activity_pb2.EVENT_TYPE_POST_PUBLISHED)
                e.occur_time.FromDatetime(
                    now - datetime.timedelta(hours=1 + 20 * p))
                events.append(e)
        response = self.activity.WriteEvents(
            pb.activity_pb2.WriteEventsRequest(events=events))
        self.assertEqual(response.accepted_count, len(events))
        self.assertEqual(response.rejected_count, 0)

    def scores(self):
        response = self.scoring.BatchGetScores(
            pb.scoring_pb2.BatchGetScoresRequest(
                member_ids=[m for m, _ in MEMBERS]))
        return {s.member_id: s.total for s in response.scores}

    def wait_for_tracker(self, expected_scores):
        """Waits until a pass has recorded `expected_scores` (every member's
        SSI to one decimal) in the feed."""
        deadline = time.time() + 60
        want = {m: tenths(s) for m, s in expected_scores.items()}
        while time.time() < deadline:
            seen, cursor = {}, ""
            while True:
                page = self.scoring.ListScoreChanges(
                    pb.scoring_pb2.ListScoreChangesRequest(cursor=cursor,
                                                           page_size=1000))
                seen.update({c.member_id: tenths(c.ssi) for c in page.changes})
                cursor = page.next_cursor
                if not page.has_more:
                    break
            if seen == want:
                return
            time.sleep(0.2)
        self.fail(f"the tracker did not record {want}; the feed has {seen}")

    def run_sync(self, *extra):
        proc = subprocess.run(
            ["/usr/bin/python3", SYNC, f"--stubs={STUBS}",
             f"--server={self.server.address}",
             f"--cursor_file={self.cursor_file}", *extra],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return [json.loads(line) for line in proc.stdout.splitlines()]

    def test_sync_lists_each_change_once_across_a_restart(self):
        scores = self.scores()
        self.wait_for_tracker(scores)

        # The first sweep, in pages of 2: one page through the client, the
        # cursor saved where score_sync.py keeps it; then rapportd restarts.
        page = self.scoring.ListScoreChanges(
            pb.scoring_pb2.ListScoreChangesRequest(page_size=2))
        self.assertTrue(page.has_more)
        first = [c.member_id for c in page.changes]
        with open(self.cursor_file, "w") as f:
            f.write(page.next_cursor + "\n")
        self.restart_with()
        rest = self.run_sync("--page_size=2")
        listed = first + [r["member_id"] for r in rest]
        self.assertEqual(sorted(listed), sorted(m for m, _ in MEMBERS))
        self.assertEqual(len(listed), len(set(listed)))
        for r in rest:
            self.assertAlmostEqual(r["ssi"], round(scores[r["member_id"]], 1))
            self.assertEqual(sorted(r["pillars"]),
                             ["brand", "engage", "find", "relationships"])
            self.assertNotIn("previous_ssi", r)

        # Caught up: a run now writes nothing.
        self.assertEqual(self.run_sync(), [])

        # Some members post; the next run lists exactly the members whose
        # SSI changed to one decimal, with the SSI they had before.
        before = self.scores()
        self.post(["rep-01", "rep-02", "rep-07"], 4)
        after = self.scores()
        self.wait_for_tracker(after)
        changed = {m for m in after if tenths(after[m]) != tenths(before[m])}
        self.assertTrue(changed)
        synced = self.run_sync("--page_size=1")
        self.assertEqual(sorted(r["member_id"] for r in synced),
                         sorted(changed))
        for r in synced:
            self.assertAlmostEqual(r["previous_ssi"],
                                   round(before[r["member_id"]], 1))
            self.assertAlmostEqual(r["ssi"], round(after[r["member_id"]], 1))

    def test_cli_changes_and_export(self):
        scores = self.scores()
        self.wait_for_tracker(scores)
        cursor_file = os.path.join(self.dir, "cli.cursor")
        out = e2e.run_cli(ARGS.cli, self.server.address, "--json", "changes",
                          f"--cursor_file={cursor_file}", "--team=north",
                          "--page_size=2").stdout.splitlines()
        changes = [json.loads(line) for line in out[:-1]]
        summary = json.loads(out[-1])
        north = sorted(m for m, t in MEMBERS if t == "north")
        self.assertEqual(sorted(c["memberId"] for c in changes), north)
        self.assertEqual(summary["changes"], len(north))
        with open(cursor_file) as f:
            self.assertEqual(f.read().strip(), summary["next_cursor"])
        again = e2e.run_cli(ARGS.cli, self.server.address, "--json",
                            "changes", f"--cursor_file={cursor_file}",
                            "--team=north").stdout.splitlines()
        self.assertEqual(len(again), 1)  # Only the summary: caught up.
        # The cursor keeps its team filter.
        refused = e2e.run_cli(ARGS.cli, self.server.address, "changes",
                              f"--cursor_file={cursor_file}", "--team=south",
                              check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("INVALID_ARGUMENT", refused.stderr)

        # A name that needs quoting, through BatchUpsertMembers.
        self.activity.BatchUpsertMembers(
            pb.activity_pb2.BatchUpsertMembersRequest(members=[
                pb.activity_pb2.Member(member_id="rep-00",
                                       display_name='Ada "The Closer", Jr.',
                                       team="north", industry="software")]))
        export = os.path.join(self.dir, "scores.csv")
        e2e.run_cli(ARGS.cli, self.server.address, "export", "scores",
                    "--format=csv", f"--output={export}")
        with open(export, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sorted(r["member_id"] for r in rows),
                         sorted(m for m, _ in MEMBERS))
        ada = next(r for r in rows if r["member_id"] == "rep-00")
        self.assertEqual(ada["display_name"], 'Ada "The Closer", Jr.')
        self.assertEqual(list(rows[0].keys()),
                         ["member_id", "display_name", "team", "industry",
                          "ssi", "brand", "find", "engage", "relationships",
                          "industry_rank", "team_rank", "change_7d"])
        now = self.scores()
        for r in rows:
            self.assertAlmostEqual(float(r["ssi"]), now[r["member_id"]],
                                   delta=0.006)
            pillars = sum(float(r[k]) for k in
                          ("brand", "find", "engage", "relationships"))
            self.assertAlmostEqual(pillars, float(r["ssi"]), delta=0.03)
        with open(export, "rb") as f:
            self.assertIn(b"\r\n", f.read())  # RFC 4180 line ends.
        team_csv = e2e.run_cli(ARGS.cli, self.server.address, "export",
                               "scores", "--team=south").stdout
        south = list(csv.DictReader(io.StringIO(team_csv)))
        self.assertEqual(sorted(r["member_id"] for r in south),
                         sorted(m for m, t in MEMBERS if t == "south"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--sync", required=True)
    sync_args, remaining = parser.parse_known_args()
    sys.argv = [sys.argv[0]] + remaining
    SYNC = sync_args.sync
    e2e.main_with_client(globals(), load_generated)
