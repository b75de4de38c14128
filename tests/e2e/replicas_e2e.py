#!/usr/bin/python3
"""Several rapportd replicas over one PostgreSQL database, end to end: the
real binaries, a throwaway PostgreSQL server (tests/pg/pg_server.sh) and the
generated Python client.

- A write through one replica shows in the others' scores and leaderboards
  within --score_refresh plus --change_poll.
- A replica killed with SIGKILL in the middle of a stream of batches: the
  batch it did not acknowledge, retried on another replica, is stored once
  (every event exactly once, counted through the API).
- One replica holds the lease: it alone exports the member series (and runs
  the history recorder); when it dies another takes over, and the score
  history is recorded.

    replicas_e2e.py --rapportd BIN --proto_dir DIR
"""
import datetime
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

import rapport_e2e as e2e

ARGS = None
pb = None
PG_DIR = None
PG_URI = None
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PG_SERVER = os.path.join(SOURCE_DIR, "tests", "pg", "pg_server.sh")

# How long a write may take to show in another replica: --score_refresh
# plus --change_poll, with room for a loaded machine.
REFRESH = "200ms"
POLL = "200ms"
SHOW_WITHIN = 10.0


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import argparse
    import grpc  # Debian's python3-grpcio.
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import scoring_pb2, scoring_pb2_grpc
    pb = argparse.Namespace(**locals())


def start_pg():
    global PG_DIR, PG_URI
    parent = tempfile.mkdtemp(prefix="rapport-replicas-pg-")
    os.chmod(parent, 0o711)
    PG_DIR = os.path.join(parent, "pg")
    PG_URI = subprocess.run([PG_SERVER, "start", PG_DIR], check=True,
                            capture_output=True, text=True).stdout.strip()


def stop_pg():
    if PG_DIR:
        subprocess.run([PG_SERVER, "stop", PG_DIR], check=False)


_db_counter = [0]


def new_database():
    _db_counter[0] += 1
    name = f"replicas_{os.getpid()}_{_db_counter[0]}"
    subprocess.run(["psql", PG_URI, "-q", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True)
    return PG_URI.rsplit("/", 1)[0] + "/" + name


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


class Replica(e2e.Rapportd):
    def __init__(self, binary, uri, log_dir, index, extra_args=()):
        super().__init__(binary, uri, [
            f"--score_refresh={REFRESH}", f"--change_poll={POLL}",
            "--db_connections=4"] + list(extra_args))
        self.log_path = os.path.join(log_dir, f"replica{index}.log")

    def stub(self, module):
        import grpc
        channel = grpc.insecure_channel(self.address)
        if module == "activity":
            return pb.activity_pb2_grpc.ActivityServiceStub(channel)
        return pb.scoring_pb2_grpc.ScoringServiceStub(channel)

    def metrics(self):
        with urllib.request.urlopen(
                f"http://127.0.0.1:{self.metrics_port}/metrics",
                timeout=10) as r:
            return r.read().decode()

    def lease_held(self):
        for line in self.metrics().splitlines():
            if line.startswith("rapport_replica_lease_held"):
                return float(line.split()[-1]) == 1
        return False


def event(event_id, member_id, when):
    e = pb.activity_pb2.Event(event_id=event_id, member_id=member_id,
                              type=pb.activity_pb2.EVENT_TYPE_POST_PUBLISHED)
    e.occur_time.FromDatetime(when)
    return e


def wait_for(predicate, within, what):
    deadline = time.time() + within
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return time.time()
        except Exception as err:  # A replica not ready yet.
            last = err
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {within}s (last: {last})")


class ReplicasTest(unittest.TestCase):

    def start_replicas(self, count, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="rapport-replicas-")
        uri = new_database()
        self.replicas = []
        for i in range(count):
            r = Replica(ARGS.rapportd, uri, self.dir, i, extra_args)
            r.start(timeout=60)
            self.replicas.append(r)
        return self.replicas

    def tearDown(self):
        for r in getattr(self, "replicas", []):
            rc = r.terminate()
            if rc not in (0, None, -9):
                self.fail(f"replica exited {rc}: {r.log()}")

    def upsert(self, replica, members, team="north"):
        act = replica.stub("activity")
        for m in members:
            act.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
                member=pb.activity_pb2.Member(member_id=m, display_name=m,
                                              team=team, industry="software")))

    def test_writes_through_one_replica_show_in_the_others(self):
        replicas = self.start_replicas(3)
        now = utc_now()
        everyone = []

        def totals(replica, members):
            scoring = replica.stub("scoring")
            return {m: scoring.GetScore(pb.scoring_pb2.GetScoreRequest(
                member_id=m)).score.total for m in members}

        for round_, writer in enumerate(replicas):
            # Members new this round, created through the writer: their
            # first posts always raise their scores, so the writer's own
            # totals show when its cache took the write in.
            members = [f"r{round_}-rep-{i}" for i in range(4)]
            self.upsert(writer, members)
            everyone += members
            seen = {}
            wait_for(lambda: seen.update(totals(writer, members)) or True,
                     SHOW_WITHIN, f"round {round_}: the new members' scores")
            before = dict(seen)
            events = [event(f"r{round_}-{m}-{k}", m,
                            now - datetime.timedelta(hours=k + 1))
                      for i, m in enumerate(members)
                      for k in range(i + 1)]
            resp = writer.stub("activity").WriteEvents(
                pb.activity_pb2.WriteEventsRequest(events=events))
            self.assertEqual(resp.accepted_count, len(events))
            wait_for(lambda: all(t > before[m] for m, t in
                                 totals(writer, members).items()),
                     SHOW_WITHIN, f"round {round_}: the writer's scores")
            want = totals(writer, everyone)
            for reader in replicas:
                if reader is writer:
                    continue
                wait_for(lambda: totals(reader, everyone) == want,
                         SHOW_WITHIN, f"round {round_}: scores in another "
                         f"replica (want {want})")
                board = reader.stub("scoring").GetLeaderboard(
                    pb.scoring_pb2.GetLeaderboardRequest(team="north"))
                self.assertEqual(
                    {e.member_id: e.total for e in board.entries}, want)

    def test_a_batch_retried_after_a_kill_is_stored_once(self):
        a, b = self.start_replicas(2)
        members = [f"rep-{i}" for i in range(4)]
        self.upsert(a, members)
        now = utc_now()
        batches = [[event(f"b{n}-{k}", members[k % 4],
                          now - datetime.timedelta(minutes=n * 5 + k % 5 + 1))
                    for k in range(25)] for n in range(200)]
        acknowledged = []
        killer = threading.Timer(0.3, a.kill9)
        killer.start()
        target = a.stub("activity")
        retried = None
        for n, batch in enumerate(batches):
            request = pb.activity_pb2.WriteEventsRequest(events=batch)
            try:
                target.WriteEvents(request, timeout=10)
            except pb.grpc.RpcError:
                # Unacknowledged: sent again, to the other replica, with
                # every batch after it.
                self.assertIsNone(retried, "a second replica failed")
                retried = n
                target = b.stub("activity")
                target.WriteEvents(request, timeout=10)
            acknowledged.append(n)
        killer.join()
        self.assertIsNotNone(retried, "the kill came after the last batch")
        self.assertEqual(acknowledged, list(range(len(batches))))
        # The retried batch once more: every event a duplicate.
        again = b.stub("activity").WriteEvents(
            pb.activity_pb2.WriteEventsRequest(events=batches[retried]))
        self.assertEqual(again.accepted_count, 0)
        self.assertEqual(again.duplicate_count, len(batches[retried]))
        act = b.stub("activity")
        counts = {m: act.GetMember(pb.activity_pb2.GetMemberRequest(
            member_id=m)).member.event_count for m in members}
        self.assertEqual(sum(counts.values()), sum(len(x) for x in batches))
        for i, m in enumerate(members):
            self.assertEqual(counts[m], sum(
                1 for x in batches for e in x if e.member_id == m))

    def test_one_lease_holder_exports_member_series_and_records_history(self):
        replicas = self.start_replicas(
            3, ["--history_interval=1s", "--history_days=3"])
        self.upsert(replicas[0], ["rep-a", "rep-b"])
        now = utc_now()
        events = [event(f"h-{m}-{d}", m, now - datetime.timedelta(days=d))
                  for m in ("rep-a", "rep-b") for d in (1, 2)]
        replicas[0].stub("activity").WriteEvents(
            pb.activity_pb2.WriteEventsRequest(events=events))

        def holders():
            alive = [r for r in replicas if r.proc.poll() is None]
            held = [r for r in alive if r.lease_held()]
            return held if len(held) == 1 else None
        wait_for(holders, SHOW_WITHIN, "one lease holder")
        holder = holders()[0]
        for r in replicas:
            text = r.metrics()
            self.assertEqual("rapport_member_ssi{" in text, r is holder,
                             f"member series of replica {replicas.index(r)}")
        scoring = replicas[1].stub("scoring")

        def history_points():
            start = now - datetime.timedelta(days=3)
            req = pb.scoring_pb2.GetScoreHistoryRequest(member_id="rep-a")
            req.start_time.FromDatetime(start)
            req.end_time.FromDatetime(now)
            return len(scoring.GetScoreHistory(req).points) >= 2
        wait_for(history_points, 30, "recorded history")

        holder.kill9()
        wait_for(holders, 15, "a new lease holder after the kill")
        successor = holders()[0]
        self.assertIsNot(successor, holder)
        self.assertIn("rapport_member_ssi{", successor.metrics())
        # The successor records: a member created now is backfilled.
        self.upsert(successor, ["rep-c"])
        successor.stub("activity").WriteEvents(
            pb.activity_pb2.WriteEventsRequest(events=[event(
                "h-rep-c-1", "rep-c", now - datetime.timedelta(days=1))]))
        scoring = successor.stub("scoring")

        def rep_c_points():
            req = pb.scoring_pb2.GetScoreHistoryRequest(member_id="rep-c")
            req.start_time.FromDatetime(now - datetime.timedelta(days=3))
            req.end_time.FromDatetime(now)
            return len(scoring.GetScoreHistory(req).points) >= 1
        wait_for(rep_c_points, 30, "history recorded by the successor")


def main():
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--proto_dir", required=True)
    global ARGS
    ARGS, rest = parser.parse_known_args()
    load_generated(e2e.generate_python_client(ARGS.proto_dir, e2e.temp_dir()))
    start_pg()
    try:
        result = unittest.main(argv=[sys.argv[0]] + rest, verbosity=2,
                               exit=False).result
    finally:
        stop_pg()
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
