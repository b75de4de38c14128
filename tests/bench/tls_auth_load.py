#!/usr/bin/env python3
"""What TLS and authentication cost a call: h2load against the real rapportd
with TLS on both ports and authentication on, comparing
ScoringService/GetScore sent with an API key (every call authenticated by the
gatekeeper, then scoped by the handler) with grpc.health.v1.Health/Check
(open: TLS only) on the same server.

  tests/bench/tls_auth_load.py --rapportd BUILD/server/app/rapportd \\
      --cli BUILD/client/cli/rapport [--members 2000] [--requests 200000]

Two measurements: one after the other (Health, GetScore, Health again; the
ratio is against the mean of the two Health runs), and both at once (two
h2load processes started together, each with half the connections, so both
see the same machine). Prints requests/s, latencies and both ratios; the
target is GetScore / Health >= 0.85.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402
from load_tools import grpc_frame, h2load_cmd, h2load_rps  # noqa: E402


def grpc_ok(address, path, body, headers, ca):
    """One call with curl-free Python: checks grpc-status 0, so that h2load's
    HTTP 200s are real successes (gRPC errors also come with HTTP 200)."""
    import grpc
    channel = grpc.secure_channel(
        address, grpc.ssl_channel_credentials(open(ca, "rb").read()))
    with channel:
        call = channel.unary_unary(path)
        md = [tuple(h.split(": ", 1)) for h in headers]
        md = [(k.lower(), v) for k, v in md]
        with open(body, "rb") as f:
            call(f.read()[5:], metadata=md, timeout=10)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rapportd", required=True)
    p.add_argument("--cli", required=True)
    p.add_argument("--members", type=int, default=2000)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--streams", type=int, default=16)
    p.add_argument("--auth", default="on",
                   help="off: the same over TLS without authentication, "
                        "for comparison (every call is then an admin)")
    args = p.parse_args()
    d = tempfile.mkdtemp(prefix="rapport-tls-load-")
    try:
        e2e.make_certs(d)
        db = os.path.join(d, "rapport.db")
        key = e2e.bootstrap_admin_key(args.rapportd, db, "acme")
        server = e2e.Rapportd(
            args.rapportd, db,
            [f"--auth={args.auth}", "--history_interval=0",
             f"--tls_cert_file={d}/server.pem",
             f"--tls_key_file={d}/server.key"]).start()
        env = {**os.environ, "RAPPORT_API_KEY": key}
        cli = [f"--tls_ca_file={d}/ca.pem"]
        try:
            t = time.time()
            e2e.run_cli(args.cli, server.address, *cli, "demo",
                        f"--members={args.members}", "--days=30", env=env)
            print(f"loaded {args.members} members in {time.time() - t:.0f} s")
            top = e2e.run_cli(args.cli, server.address, *cli, "--json",
                              "leaderboard", "--page_size=1", env=env).stdout
            member = top.split('"memberId":"')[1].split('"')[0]
            health = os.path.join(d, "health.bin")
            score = os.path.join(d, "score.bin")
            with open(health, "wb") as f:
                f.write(grpc_frame(b""))
            with open(score, "wb") as f:
                f.write(grpc_frame(e2e.field_bytes(1, member.encode())))
            auth = [f"authorization: Bearer {key}"]
            grpc_ok(server.address, "/rapport.v1.ScoringService/GetScore",
                    score, auth, f"{d}/ca.pem")
            runs = {
                "health": ("/grpc.health.v1.Health/Check", health, []),
                "score": ("/rapport.v1.ScoringService/GetScore", score, auth),
            }

            def run(name, requests, clients):
                path, body, headers = runs[name]
                return h2load_cmd(f"https://{server.address}{path}", body,
                                  requests, clients, args.streams, headers)

            seq = {}
            for label, name in (("Health/Check", "health"),
                                ("GetScore + key", "score"),
                                ("Health/Check again", "health")):
                out = subprocess.run(run(name, args.requests, args.clients),
                                     capture_output=True, text=True,
                                     check=True)
                seq[label] = h2load_rps(out.stdout)
            half = max(1, args.clients // 2)
            procs = {name: subprocess.Popen(
                run(name, args.requests // 2, half), stdout=subprocess.PIPE,
                text=True) for name in ("health", "score")}
            together = {name: h2load_rps(p.communicate()[0])
                        for name, p in procs.items()}
        finally:
            server.terminate()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print("one after the other (TLS on every call):")
    for label, rps in seq.items():
        print(f"  {label:24s} {rps:>10,.0f} req/s")
    mean_health = (seq["Health/Check"] + seq["Health/Check again"]) / 2
    print(f"  GetScore with an API key / Health = "
          f"{seq['GetScore + key'] / mean_health:.2f}")
    print("both at once (half the connections each):")
    print(f"  Health/Check             {together['health']:>10,.0f} req/s")
    print(f"  GetScore + key           {together['score']:>10,.0f} req/s")
    print(f"  GetScore with an API key / Health = "
          f"{together['score'] / together['health']:.2f}")


if __name__ == "__main__":
    main()
