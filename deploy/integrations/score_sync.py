#!/usr/bin/python3
"""Writes Rapport scores back to a CRM: a generic nightly sync job.

Reads the score changes feed (ScoringService.ListScoreChanges) from where the
last run stopped, hands every changed member to write_change() and keeps the
feed's cursor in a file. The first run lists every member's current score;
later runs list only the members whose SSI changed since (each once).

To use it with your CRM, replace write_change() with your CRM's update call
(for example a PATCH of the user record's "SSI" field). By default it prints
each change as one JSON line on stdout.

Delivery is at least once: the cursor is saved after each page whose changes
were all written, so a run that fails part-way resumes at that page and may
write a page's changes again. Make write_change() idempotent (an update that
sets the score is).

Generated Python stubs are needed (Debian: python3-grpcio, protobuf-compiler,
protobuf-compiler-grpc):

    mkdir -p stubs && protoc -I proto -I /usr/include \\
        --python_out=stubs --grpc_out=stubs \\
        --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \\
        proto/rapport/v1/*.proto

Then, with an API key of the integration role in the environment:

    RAPPORT_API_KEY=rpk_... ./score_sync.py --stubs=stubs \\
        --server=rapport.example.com:50051 --tls_ca_file=ca.pem \\
        --cursor_file=/var/lib/score-sync/cursor
"""
import argparse
import json
import os
import sys
import tempfile


def write_change(change):
    """Writes one changed member to the CRM. Replace this function.

    `change` is a rapport.v1.ScoreChange: member_id, team, ssi (0-100),
    pillars (four PillarValue), previous_ssi (absent the first time) and
    change_time."""
    record = {
        "member_id": change.member_id,
        "team": change.team,
        "ssi": round(change.ssi, 1),
        "pillars": {
            PILLAR_NAMES.get(p.pillar, str(p.pillar)): round(p.value, 2)
            for p in change.pillars
        },
        "change_time": change.change_time.ToJsonString(),
    }
    if change.HasField("previous_ssi"):
        record["previous_ssi"] = round(change.previous_ssi, 1)
    print(json.dumps(record, sort_keys=True), flush=True)


PILLAR_NAMES = {}  # Filled in by load_stubs().


def load_stubs(stubs_dir):
    """Imports the generated modules (from stubs_dir when given)."""
    if stubs_dir:
        sys.path.insert(0, stubs_dir)
    from rapport.v1 import common_pb2, scoring_pb2, scoring_pb2_grpc
    PILLAR_NAMES.update({
        common_pb2.PILLAR_PROFESSIONAL_BRAND: "brand",
        common_pb2.PILLAR_FIND_RIGHT_PEOPLE: "find",
        common_pb2.PILLAR_ENGAGE_WITH_INSIGHTS: "engage",
        common_pb2.PILLAR_BUILD_RELATIONSHIPS: "relationships",
    })
    return scoring_pb2, scoring_pb2_grpc


def read_cursor(path):
    """The saved cursor; empty (the beginning) on the first run."""
    try:
        with open(path) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def save_cursor(path, cursor):
    """Replaces the cursor file atomically: a crash leaves the old cursor or
    the new one, never half of one."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".cursor-")
    with os.fdopen(fd, "w") as f:
        f.write(cursor + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


def channel_for(args):
    import grpc  # Debian's python3-grpcio.
    if args.tls_ca_file:
        with open(args.tls_ca_file, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        return grpc.secure_channel(args.server, credentials)
    return grpc.insecure_channel(args.server)


def sync(stub, scoring_pb2, args, metadata):
    """Pages through the feed from the saved cursor until it is caught up.
    Returns how many changes were written."""
    cursor = read_cursor(args.cursor_file)
    written = 0
    while True:
        response = stub.ListScoreChanges(
            scoring_pb2.ListScoreChangesRequest(
                cursor=cursor, team=args.team, page_size=args.page_size),
            metadata=metadata, timeout=args.timeout)
        for change in response.changes:
            write_change(change)
            written += 1
        cursor = response.next_cursor
        save_cursor(args.cursor_file, cursor)
        if not response.has_more:
            return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="127.0.0.1:50051",
                        help="rapportd's gRPC address, HOST:PORT")
    parser.add_argument("--tls_ca_file", default="",
                        help="CA bundle of the server's certificate; "
                             "plaintext when empty (loopback only)")
    parser.add_argument("--cursor_file", default="score_sync.cursor",
                        help="where the feed's cursor is kept between runs")
    parser.add_argument("--team", default="",
                        help="only this team's members (the cursor file "
                             "then belongs to this team)")
    parser.add_argument("--page_size", type=int, default=500,
                        help="changes per call, 1 to 1000")
    parser.add_argument("--timeout", type=float, default=60,
                        help="seconds per call")
    parser.add_argument("--stubs", default="",
                        help="directory of the generated Python stubs")
    args = parser.parse_args()

    scoring_pb2, scoring_pb2_grpc = load_stubs(args.stubs)
    api_key = os.environ.get("RAPPORT_API_KEY", "")
    metadata = [("authorization", f"Bearer {api_key}")] if api_key else []
    with channel_for(args) as channel:
        stub = scoring_pb2_grpc.ScoringServiceStub(channel)
        written = sync(stub, scoring_pb2, args, metadata)
    print(f"score_sync: {written} changes written; cursor saved in "
          f"{args.cursor_file}", file=sys.stderr)


if __name__ == "__main__":
    main()
