#!/usr/bin/env python3
"""Load rapportd with h2load in raw gRPC framing and compare RPC throughput
with grpc.health.v1.Health/Check against the same server in the same run.

  tests/bench/grpc_load.py --rapportd BUILD/server/app/rapportd \
      --cli BUILD/client/cli/rapport [--members 10000] [--requests 200000]

Loads the demo organisation (members x ~200-280 events each; reuses
--db when it already holds it), warms the score cache, then runs h2load
(1 thread, --clients connections, --streams concurrent streams each) for:
Health/Check, ScoringService/GetScore of the top member (every member is
served from the same cache), and, one request at a time, GetLeaderboard (top
50) for one team and for the whole organisation, GetOutreachEffectiveness
for one member (which also computes the team comparison) and for a team, and
GetRecommendations for the last member of the leaderboard. Metrics are on,
as deployed (every call passes the metrics interceptor); the scrape of
/metrics (plain and gzip) and the leaderboard page are timed one request at
a time. Prints requests/s, p50/p99 latency from h2load's per-request log, and
the GetScore / Health ratio.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402
from load_tools import grpc_frame, h2load, time_http  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rapportd", required=True)
    p.add_argument("--cli", required=True)
    p.add_argument("--members", type=int, default=10000)
    p.add_argument("--db", default="")
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--streams", type=int, default=16)
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="rapport-load-")
    db = args.db or os.path.join(tmp, "rapport.db")
    # Metrics on, as deployed: every call goes through the metrics
    # interceptor.
    server = e2e.Rapportd(args.rapportd, db, ["--history_interval=0"]).start()
    try:
        listing = json.loads(e2e.run_cli(args.cli, server.address, "--json",
                                         "list-members", "--page_size=1")
                             .stdout.strip().splitlines()[-1])
        if not listing.get("members"):
            t = time.time()
            e2e.run_cli(args.cli, server.address, "demo",
                        f"--members={args.members}")
            print(f"loaded the demo org ({args.members} members) in "
                  f"{time.time() - t:.0f} s")
        t = time.time()
        board = json.loads(e2e.run_cli(args.cli, server.address, "--json",
                                       "leaderboard", "--page_size=1")
                           .stdout.strip().splitlines()[-1])
        print(f"score cache warmed in {time.time() - t:.1f} s "
              f"({board['totalSize']} members)")
        team = board["entries"][0]["team"]

        bodies = {}
        def body(name, message):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(grpc_frame(message))
            bodies[name] = path
            return path

        body("health", b"")
        body("score", e2e.field_bytes(1, board["entries"][0]["memberId"].encode()))
        body("team_board", e2e.field_bytes(1, team.encode()) + e2e.field_varint(5, 50))
        body("org_board", e2e.field_varint(5, 50))
        body("member_outreach", e2e.field_bytes(1, board["entries"][0]["memberId"]
                                            .encode()))
        body("team_outreach", e2e.field_bytes(2, team.encode()))
        body("recommend", e2e.field_bytes(1, board["entries"][-1]["memberId"]
                                      .encode()) + e2e.field_varint(2, 10))
        runs = [
            ("Health/Check", "/grpc.health.v1.Health/Check", "health"),
            ("GetScore", "/rapport.v1.ScoringService/GetScore", "score"),
            ("Health/Check (again)", "/grpc.health.v1.Health/Check", "health"),
        ]
        results = {}
        for label, path, name in runs:
            results[label] = h2load(server.address, path, bodies[name],
                                    args.requests, args.clients, args.streams,
                                    os.path.join(tmp, name + ".log"))
        for label, name in (("GetLeaderboard team (top 50)", "team_board"),
                            ("GetLeaderboard organisation (top 50)",
                             "org_board")):
            results[label] = h2load(
                server.address, "/rapport.v1.ScoringService/GetLeaderboard",
                bodies[name], 2000, 1, 1, os.path.join(tmp, name + ".log"))
        for label, name, n in (
                ("GetOutreachEffectiveness member", "member_outreach", 20),
                ("GetOutreachEffectiveness team", "team_outreach", 5)):
            results[label] = h2load(
                server.address,
                "/rapport.v1.OutreachService/GetOutreachEffectiveness",
                bodies[name], n, 1, 1, os.path.join(tmp, name + ".log"))
        results["GetRecommendations"] = h2load(
            server.address,
            "/rapport.v1.RecommendationService/GetRecommendations",
            bodies["recommend"], 500, 1, 1,
            os.path.join(tmp, "recommend.log"))
        scrapes = {
            "/metrics": time_http(server.metrics_port, "/metrics", {}),
            "/metrics (gzip)": time_http(server.metrics_port, "/metrics",
                                         {"Accept-Encoding": "gzip"}),
            "/ (leaderboard page)": time_http(server.metrics_port, "/", {}),
        }
    finally:
        server.terminate()
        if not args.db:
            shutil.rmtree(tmp, ignore_errors=True)
    for label, r in results.items():
        print(f"{label:40s} {r['rps']:>10,.0f} req/s   p50 {r['p50_ms']:.3f} ms"
              f"   p99 {r['p99_ms']:.3f} ms   mean {r['mean_ms']:.3f} ms")
    for label, (p50, worst, size) in scrapes.items():
        print(f"{label:40s} p50 {p50:.1f} ms   max {worst:.1f} ms   "
              f"{size / 1e6:.2f} MB")
    health = (results["Health/Check"]["rps"] +
              results["Health/Check (again)"]["rps"]) / 2
    print(f"GetScore / Health QPS = {results['GetScore']['rps'] / health:.2f}")


if __name__ == "__main__":
    main()
