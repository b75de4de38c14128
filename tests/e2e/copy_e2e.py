#!/usr/bin/env python3
"""`rapport admin copy` end to end: a demo organisation loaded into rapportd
on a SQLite file, the file copied into PostgreSQL with the CLI (every
rapportd stopped), rapportd started on the PostgreSQL copy, and every
member's GetScore (as of one fixed time) equal on both sides. Then the copy
back into a new SQLite file, served again with the same scores; and a copy
into the now non-empty PostgreSQL database refused.

  copy_e2e.py --rapportd PATH --cli PATH --proto_dir PATH --pg_server PATH
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rapport_e2e as e2e  # noqa: E402

ARGS = None
pb = None  # Generated modules, filled in by main().


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import grpc  # Debian's python3-grpcio.
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import scoring_pb2, scoring_pb2_grpc
    pb = argparse.Namespace(**locals())


def copy(source, destination):
    return subprocess.run(
        [ARGS.cli, "admin", "copy", f"--from={source}", f"--to={destination}"],
        capture_output=True, text=True, timeout=600)


class CopyE2ETest(unittest.TestCase):

    def setUp(self):
        self.dir = e2e.temp_dir()
        self.addCleanup(shutil.rmtree, self.dir, True)
        # The server runs as an unprivileged user, who must reach its
        # directory through this one.
        os.chmod(self.dir, 0o711)
        self.pg_dir = os.path.join(self.dir, "pg")
        started = subprocess.run([ARGS.pg_server, "start", self.pg_dir],
                                 capture_output=True, text=True, check=True,
                                 timeout=120)
        self.pg_uri = started.stdout.strip().splitlines()[-1]
        self.addCleanup(subprocess.run, [ARGS.pg_server, "stop", self.pg_dir],
                        capture_output=True, timeout=120)

    def scores(self, db):
        """Every member's score as of self.as_of, from rapportd on db."""
        server = e2e.Rapportd(ARGS.rapportd, db, ["--history_interval=0s"])
        if db.startswith("postgresql://"):
            server.log_path = os.path.join(self.dir, "pg-rapportd.log")
        server.start()
        channel = pb.grpc.insecure_channel(server.address)
        try:
            activity = pb.activity_pb2_grpc.ActivityServiceStub(channel)
            scoring = pb.scoring_pb2_grpc.ScoringServiceStub(channel)
            ids, token = [], ""
            while True:
                page = activity.ListMembers(pb.activity_pb2.ListMembersRequest(
                    page_size=100, page_token=token))
                ids += [m.member_id for m in page.members]
                token = page.next_page_token
                if not token:
                    break
            scores = {}
            for member_id in ids:
                request = pb.scoring_pb2.GetScoreRequest(member_id=member_id)
                request.as_of.FromDatetime(self.as_of)
                scores[member_id] = scoring.GetScore(request).score
            return scores
        finally:
            channel.close()
            rc = server.terminate()
            self.assertIn(rc, (0, None), server.log())

    def test_copy_of_a_demo_org_scores_the_same_on_both_sides(self):
        sqlite_db = os.path.join(self.dir, "rapport.db")
        now = datetime.datetime.now(datetime.timezone.utc).replace(
            microsecond=0)
        self.as_of = now
        end = (now - datetime.timedelta(minutes=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        server = e2e.Rapportd(ARGS.rapportd, sqlite_db,
                              ["--history_interval=0s"]).start()
        try:
            e2e.run_cli(ARGS.cli, server.address, "demo", "--members=30",
                        "--days=60", f"--end_time={end}")
        finally:
            self.assertIn(server.terminate(), (0, None), server.log())
        original = self.scores(sqlite_db)
        self.assertEqual(len(original), 30)

        done = copy(sqlite_db, self.pg_uri)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["table", "rows", "copied",
                                            "checksum"])
        tables = {line.split()[0]: line.split()[1:] for line in lines[1:-1]}
        self.assertEqual(tables["members"][:2], ["30", "30"])
        self.assertTrue(all(v[2] == "ok" for v in tables.values()), tables)
        self.assertNotIn(self.pg_uri, done.stdout + done.stderr)

        in_pg = self.scores(self.pg_uri)
        self.assertEqual(sorted(in_pg), sorted(original))
        for member_id, score in original.items():
            self.assertEqual(in_pg[member_id], score, member_id)

        back = os.path.join(self.dir, "back.db")
        done = copy(self.pg_uri, back)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual(self.scores(back), original)

        refused = copy(sqlite_db, self.pg_uri)
        self.assertEqual(refused.returncode, 1, refused.stdout)
        self.assertIn("FAILED_PRECONDITION", refused.stderr)
        self.assertIn("not empty", refused.stderr)

    def test_broken_source_is_a_clear_error(self):
        done = copy(os.path.join(self.dir, "missing.db"),
                    os.path.join(self.dir, "to.db"))
        self.assertEqual(done.returncode, 1)
        self.assertIn("INVALID_ARGUMENT: --from", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "to.db")))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--proto_dir", required=True)
    parser.add_argument("--pg_server", required=True)
    ARGS, rest = parser.parse_known_args()
    load_generated(e2e.generate_python_client(ARGS.proto_dir, e2e.temp_dir()))
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
