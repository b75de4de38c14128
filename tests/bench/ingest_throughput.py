#!/usr/bin/env python3
"""Ingest throughput end to end, next to a plain batched SQLite insert of the
same rows, measured in one run on the same disk.

  tests/bench/ingest_throughput.py --rapportd BUILD/server/app/rapportd \
      --cli BUILD/client/cli/rapport [--members 500]

End to end: the rapport CLI streams the demo org's events (JSON lines, 500
per batch) to rapportd, which validates them, deduplicates them and commits
each batch with its aggregates to SQLite (WAL, synchronous=FULL).
Baseline: the same rows, already parsed, inserted with one prepared INSERT
into a flat table with the same primary key, 500 rows per transaction, same
pragmas: what SQLite alone costs.

Also prints the database's bytes per accepted event (the whole file, after
rapportd closed it) and the share of the events table with its indexes.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402


def baseline(rows, path, batch=500):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE events (tenant TEXT, event_id TEXT, member_id TEXT,"
               " occur_time TEXT, type TEXT, channel TEXT, contact_id TEXT,"
               " seniority TEXT, thread_id TEXT, quantity INTEGER,"
               " PRIMARY KEY (tenant, event_id))")
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        db.execute("BEGIN")
        db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?)",
                       rows[i:i + batch])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def storage(path):
    """(file bytes, bytes of the events table and its indexes)."""
    db = sqlite3.connect(path)
    indexes = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE tbl_name = 'events'")]
    marks = ",".join("?" * len(indexes))
    events = db.execute(
        f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks})",
        indexes).fetchone()[0]
    db.close()
    return os.path.getsize(path), events


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--members", type=int, default=500)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="rapport-ingest-bench-")
    events = os.path.join(tmp, "events.jsonl")
    members = os.path.join(tmp, "members.jsonl")
    end = time.strftime("%Y-%m-%dT%H:%M:00Z", time.gmtime(time.time() - 120))
    subprocess.run([args.cli, "demo", f"--members={args.members}",
                    f"--end_time={end}", f"--write_jsonl={events}",
                    f"--write_members_jsonl={members}"], check=True,
                   stdout=subprocess.DEVNULL)
    server = e2e.Rapportd(args.rapportd, os.path.join(tmp, "rapport.db"),
                          ["--metrics_listen="]).start()
    try:
        e2e.run_cli(args.cli, server.address, "upsert-members", members)
        out = e2e.run_cli(args.cli, server.address, "--json", "ingest", events)
        summary = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
    accepted = int(summary["accepted"])
    file_bytes, event_bytes = storage(os.path.join(tmp, "rapport.db"))
    e2e_seconds = float(summary.get("elapsedSeconds",
                                    summary.get("elapsed_seconds", 0)))

    rows = []
    with open(events) as f:
        for line in f:
            e = json.loads(line)
            c = e.get("contact", {})
            rows.append(("default", e["eventId"], e["memberId"],
                         e["occurTime"], e["type"], e.get("channel", ""),
                         c.get("contactId", ""), c.get("seniority", ""),
                         e.get("threadId", ""), e.get("quantity", 1)))
    plain_seconds = baseline(rows, os.path.join(tmp, "plain.db"))

    e2e_rate = accepted / e2e_seconds
    plain_rate = len(rows) / plain_seconds
    print(f"events: {len(rows)} ({args.members} demo members), accepted "
          f"{accepted}")
    print(f"end to end (rapport ingest -> rapportd -> SQLite): "
          f"{e2e_seconds:.2f} s, {e2e_rate:,.0f} events/s")
    print(f"plain batched SQLite insert (same rows):         "
          f"{plain_seconds:.2f} s, {plain_rate:,.0f} rows/s")
    print(f"end to end / plain insert: {e2e_rate / plain_rate:.2f}")
    print(f"database: {file_bytes / accepted:.0f} bytes per event, of which "
          f"the events table and its indexes {event_bytes / accepted:.0f}; "
          f"plain table: "
          f"{os.path.getsize(os.path.join(tmp, 'plain.db')) / len(rows):.0f}")


if __name__ == "__main__":
    main()
