#!/usr/bin/env python3
"""GetScore throughput over the Connect protocol (HTTP/1.1 + JSON on the HTTP
port) against gRPC (HTTP/2 + protobuf on the gRPC port), same server, same
run.

  tests/bench/connect_load.py --rapportd BUILD/server/app/rapportd \
      --cli BUILD/client/cli/rapport [--members 1000] [--requests 50000] \
      [--clients 8] [--http_threads 8] [--import_mb 100]

Loads the demo organisation (reuses --db when it already holds it), warms
the score cache, checks one call on each transport, then runs h2load for
--requests calls each: gRPC GetScore of the top member over HTTP/2 with --clients
connections of one stream each, and Connect GetScore of the same member
with h2load --h1 (--clients kept-alive connections, as an HTTP/1.1 client
pool keeps them). Metrics
are on, as deployed. Prints requests/s, p50/p99 latency and the Connect /
gRPC ratio.
"""

import argparse
import datetime
import http.client
import json
import struct
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402
from load_tools import (grpc_frame, h2load, h2load_latencies,  # noqa: E402
                        h2load_rps, memory_kib, quantile)


def connect_h1(port, path, body_file, clients, requests, log):
    """h2load --h1 of `requests` Connect unary JSON calls; requests/s and
    latencies. (Counted, not timed: h2load -D does not finish when the
    server closes HTTP/1.1 connections.)"""
    out = subprocess.run(
        ["h2load", "--h1", "-n", str(requests), "-c", str(clients), "-t", "1",
         "-d", body_file, "-H", "content-type: application/json",
         "-H", "connect-protocol-version: 1", f"--log-file={log}",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True)
    rps = h2load_rps(out.stdout)
    lat = h2load_latencies(log)
    return {"rps": rps, "p50_ms": quantile(lat, 0.5),
            "p99_ms": quantile(lat, 0.99), "mean_ms": statistics.mean(lat)}


def import_envelopes(members, total_bytes, counter):
    """Envelopes of IngestEventsRequest batches (JSON) for `members`, about
    total_bytes in all, made as they are sent; counts bytes and events."""
    base = datetime.datetime.now(datetime.timezone.utc)
    sent = 0
    batch_no = 0
    while sent < total_bytes:
        events = []
        for i in range(500):
            when = base - datetime.timedelta(minutes=1 + (batch_no * 500 + i)
                                             % (20 * 24 * 60))
            events.append({
                "eventId": f"imp-{batch_no}-{i}",
                "memberId": members[(batch_no + i) % len(members)],
                "occurTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "type": "EVENT_TYPE_COMMENT_MADE"})
        payload = json.dumps({"events": events}).encode()
        envelope = struct.pack(">BI", 0, len(payload)) + payload
        sent += len(envelope)
        counter["bytes"] += len(envelope)
        counter["events"] += len(events)
        batch_no += 1
        yield envelope


def streamed_import(server, members, megabytes):
    """Streams the import; returns (seconds, bytes, events, response)."""
    counter = {"bytes": 0, "events": 0}
    conn = http.client.HTTPConnection("127.0.0.1", server.metrics_port,
                                      timeout=600)
    t = time.time()
    conn.request("POST", "/rapport.v1.ActivityService/IngestEvents",
                 body=import_envelopes(members, megabytes << 20, counter),
                 headers={"Content-Type": "application/connect+json"},
                 encode_chunked=True)
    raw = conn.getresponse().read()
    seconds = time.time() - t
    conn.close()
    frames, response = [], None
    while raw:
        flags, length = struct.unpack(">BI", raw[:5])
        frames.append((flags, json.loads(raw[5:5 + length])))
        raw = raw[5 + length:]
    if "error" in frames[-1][1]:
        raise RuntimeError(f"import failed: {frames[-1][1]}")
    response = frames[0][1]
    return seconds, counter["bytes"], counter["events"], response


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rapportd", required=True)
    p.add_argument("--cli", required=True)
    p.add_argument("--members", type=int, default=1000)
    p.add_argument("--db", default="")
    p.add_argument("--requests", type=int, default=50000)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--http_threads", type=int, default=8)
    p.add_argument("--import_mb", type=int, default=100)
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="rapport-connect-load-")
    db = args.db or os.path.join(tmp, "rapport.db")
    server = e2e.Rapportd(args.rapportd, db, [
        "--history_interval=0", f"--http_threads={args.http_threads}"]).start()
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
        board = json.loads(e2e.run_cli(args.cli, server.address, "--json",
                                       "leaderboard", "--page_size=1")
                           .stdout.strip().splitlines()[-1])
        member = board["entries"][0]["memberId"]
        path = "/rapport.v1.ScoringService/GetScore"

        grpc_body = os.path.join(tmp, "score.grpc")
        with open(grpc_body, "wb") as f:
            f.write(grpc_frame(e2e.field_bytes(1, member.encode())))
        json_body = os.path.join(tmp, "score.json")
        with open(json_body, "w") as f:
            json.dump({"memberId": member}, f)

        # One call each first: h2load counts HTTP statuses only.
        req = urllib.request.Request(
            f"http://127.0.0.1:{server.metrics_port}{path}",
            data=open(json_body, "rb").read(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            connect_score = json.loads(r.read())["score"]
        import grpc  # Debian's python3-grpcio.
        with grpc.insecure_channel(server.address) as channel:
            raw = channel.unary_unary(path)(open(grpc_body, "rb").read()[5:],
                                            timeout=30)
        assert connect_score["memberId"] == member and raw

        results = {}
        results["grpc"] = h2load(server.address, path, grpc_body,
                                 args.requests, args.clients, 1,
                                 os.path.join(tmp, "grpc.log"))
        results["connect"] = connect_h1(server.metrics_port, path, json_body,
                                        args.clients, args.requests,
                                        os.path.join(tmp, "connect.log"))
        print(f"GetScore, {args.clients} concurrent callers, "
              f"{args.requests} calls each way, "
              f"--http_threads={args.http_threads}, "
              f"{os.cpu_count()} CPUs:")
        for name, label in (("grpc", "gRPC (HTTP/2, protobuf)"),
                            ("connect", "Connect (HTTP/1.1, JSON)")):
            r = results[name]
            print(f"  {label:26s} {r['rps']:9.0f} req/s  "
                  f"p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms")
        print(f"  Connect / gRPC: "
              f"{results['connect']['rps'] / results['grpc']['rps']:.2f}")

        if args.import_mb > 0:
            members = [m["memberId"] for m in json.loads(e2e.run_cli(
                args.cli, server.address, "--json", "list-members",
                "--page_size=100").stdout.strip().splitlines()[-1])["members"]]
            before, _ = memory_kib(server.proc.pid)
            seconds, sent, events, response = streamed_import(
                server, members, args.import_mb)
            after, _ = memory_kib(server.proc.pid)
            print(f"IngestEvents over Connect: {sent / 2**20:.0f} MB, "
                  f"{events} events in {seconds:.1f} s "
                  f"({events / seconds:.0f} events/s, accepted "
                  f"{response.get('acceptedCount', 0)}); rapportd peak RSS "
                  f"{before / 1024:.0f} MB before, {after / 1024:.0f} MB after")
    finally:
        server.terminate()
        if not args.db:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
