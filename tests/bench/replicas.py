#!/usr/bin/env python3
"""Several rapportd replicas over one PostgreSQL database: GetScore
throughput through two replicas against one, and how long an event ingested
through one replica takes to show in another's GetScore.

  tests/bench/replicas.py --rapportd BUILD/server/app/rapportd \
      --proto_dir proto [--members 200] [--seconds 10] [--samples 100]

Starts a throwaway PostgreSQL server (tests/pg/pg_server.sh) and two
replicas (--score_refresh and --change_poll as given), loads --members
members with a few events each through replica A, then:
- GetScore QPS: h2load (1 thread, 4 connections x 16 streams) for --seconds
  against A alone, then against A and B at once (two h2load processes, the
  sum of their rates);
- propagation: --samples times, one event for a member written through A
  (WriteEvents), then B's GetScore polled every 2 ms until the member's
  total moves; prints p50/p99 of the delay from A's acknowledgement.

What it can show: that a replica serves GetScore from its own cache (the
rate does not depend on PostgreSQL), and the delay bound --score_refresh +
--change_poll. What it cannot show on a machine of two cores: scale-out.
Two replicas, two h2load processes and PostgreSQL share the same cores, so
the sum of two replicas' rates stays near one replica's; on separate hosts
each replica adds its own cores.
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402
from load_tools import h2load, quantile, write_body  # noqa: E402

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PG_SERVER = os.path.join(SOURCE_DIR, "tests", "pg", "pg_server.sh")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rapportd", required=True)
    p.add_argument("--proto_dir", required=True)
    p.add_argument("--members", type=int, default=200)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--score_refresh", default="1s")
    p.add_argument("--change_poll", default="500ms")
    args = p.parse_args()

    sys.path.insert(0, e2e.generate_python_client(args.proto_dir,
                                                  e2e.temp_dir()))
    import grpc
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import scoring_pb2, scoring_pb2_grpc

    work = tempfile.mkdtemp(prefix="rapport-bench-replicas-")
    os.chmod(work, 0o711)
    pg_dir = os.path.join(work, "pg")
    uri = subprocess.run([PG_SERVER, "start", pg_dir], check=True,
                         capture_output=True, text=True).stdout.strip()
    replicas = []
    try:
        for i in range(2):
            r = e2e.Rapportd(args.rapportd, uri, [
                f"--score_refresh={args.score_refresh}",
                f"--change_poll={args.change_poll}"])
            r.log_path = os.path.join(work, f"replica{i}.log")
            replicas.append(r.start(timeout=60))
        a, b = replicas
        act = activity_pb2_grpc.ActivityServiceStub(
            grpc.insecure_channel(a.address))
        score_b = scoring_pb2_grpc.ScoringServiceStub(
            grpc.insecure_channel(b.address))
        now = datetime.datetime.now(datetime.timezone.utc)
        members = [f"rep-{i:05d}" for i in range(args.members)]
        for m in members:
            act.UpsertMember(activity_pb2.UpsertMemberRequest(
                member=activity_pb2.Member(member_id=m, display_name=m,
                                           team=f"team-{hash(m) % 8}",
                                           industry="software")))
        events = []
        for i, m in enumerate(members):
            for k in range(1 + i % 5):
                e = activity_pb2.Event(
                    event_id=f"seed-{m}-{k}", member_id=m,
                    type=activity_pb2.EVENT_TYPE_POST_PUBLISHED)
                e.occur_time.FromDatetime(now - datetime.timedelta(hours=k + 1))
                events.append(e)
        for start in range(0, len(events), 500):
            act.WriteEvents(activity_pb2.WriteEventsRequest(
                events=events[start:start + 500]))
        time.sleep(3)

        body = write_body(os.path.join(work, "get_score.bin"),
                          scoring_pb2.GetScoreRequest(
                              member_id=members[0]).SerializeToString())
        path = "/rapport.v1.ScoringService/GetScore"
        for r in replicas:  # Warm each replica's board.
            h2load(r.address, path, body, 1000, 1, 1,
                   os.path.join(work, "warm.log"))
        one = h2load(a.address, path, body, 0, 4, 16,
                     os.path.join(work, "one.log"), seconds=args.seconds)
        both = [None, None]

        def run(i):
            both[i] = h2load(replicas[i].address, path, body, 0, 4, 16,
                             os.path.join(work, f"both{i}.log"),
                             seconds=args.seconds)
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"GetScore, one replica:  {one['rps']:.0f}/s "
              f"(p50 {one['p50_ms']:.2f} ms, p99 {one['p99_ms']:.2f} ms)")
        print(f"GetScore, two replicas: {both[0]['rps'] + both[1]['rps']:.0f}/s"
              f" ({both[0]['rps']:.0f} + {both[1]['rps']:.0f}; p99 "
              f"{max(both[0]['p99_ms'], both[1]['p99_ms']):.2f} ms)")

        delays = []
        for n in range(args.samples):
            m = members[n % len(members)]
            before = score_b.GetScore(
                scoring_pb2.GetScoreRequest(member_id=m)).score.total
            e = activity_pb2.Event(
                event_id=f"probe-{n}", member_id=m,
                type=activity_pb2.EVENT_TYPE_POST_PUBLISHED)
            e.occur_time.FromDatetime(
                datetime.datetime.now(datetime.timezone.utc))
            act.WriteEvents(activity_pb2.WriteEventsRequest(events=[e]))
            acked = time.monotonic()
            while score_b.GetScore(scoring_pb2.GetScoreRequest(
                    member_id=m)).score.total == before:
                if time.monotonic() - acked > 30:
                    raise RuntimeError(f"probe {n} not seen within 30 s")
                time.sleep(0.002)
            delays.append((time.monotonic() - acked) * 1000)
        delays.sort()
        print(f"write through A -> B's GetScore ({args.samples} samples, "
              f"--score_refresh={args.score_refresh} "
              f"--change_poll={args.change_poll}): "
              f"p50 {quantile(delays, 0.5):.0f} ms, "
              f"p99 {quantile(delays, 0.99):.0f} ms, "
              f"max {delays[-1]:.0f} ms")
    finally:
        for r in replicas:
            r.terminate()
        subprocess.run([PG_SERVER, "stop", pg_dir], check=False)


if __name__ == "__main__":
    main()
