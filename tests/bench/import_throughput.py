#!/usr/bin/env python3
"""`rapport import` throughput next to `rapport ingest` of the same events,
in one run on the same disk.

  tests/bench/import_throughput.py --rapportd BUILD/server/app/rapportd \
      --cli BUILD/client/cli/rapport [--rows 1000000]

Generates a Salesforce Task export (Data Loader layout, CRLF, free text with
commas, quotes and line breaks) of --rows rows, times `rapport import
--mapping=salesforce-tasks --create_members` of it into a fresh rapportd,
writes the same mapped events as JSON lines (`rapport import --write_jsonl`,
not timed) and times `rapport ingest` of those into another fresh rapportd
whose members were upserted first. Prints rows/s and events/s of both, their
ratio, and the peak resident memory of each CLI run.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import crm_export  # noqa: E402
import rapport_e2e as e2e  # noqa: E402


def timed_cli(cli, address, *args):
    """Runs the CLI; returns (seconds, its own peak RSS in MiB, the parsed
    JSON summary)."""
    out = tempfile.TemporaryFile(mode="w+")
    err = tempfile.TemporaryFile(mode="w+")
    start = time.perf_counter()
    # No deadline per stream: a loaded machine may take more than the
    # default 30 s for a stream of 50,000 events, on either side.
    proc = subprocess.Popen([cli, f"--server={address}", "--json",
                             "--timeout=0", *args],
                            stdout=out, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    if proc.returncode != 0:
        raise RuntimeError(f"rapport {args} failed: {err.read()[-2000:]}")
    summary = json.loads(out.read().strip().splitlines()[-1])
    return seconds, usage.ru_maxrss / 1024, summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="rapport-import-bench-")
    try:
        run(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp):
    csv_path = os.path.join(tmp, "tasks.csv")
    owners = tuple(f"005A{n:04d}" for n in range(200))
    now = datetime.datetime.now(datetime.timezone.utc)
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        tally = crm_export.write_salesforce(f, args.rows, now, owners=owners)
    csv_mib = os.path.getsize(csv_path) / 2**20

    # The CSV import, owners created from the export.
    server = e2e.Rapportd(args.rapportd, os.path.join(tmp, "import.db"),
                          ["--metrics_listen="]).start()
    try:
        import_s, import_rss, imported = timed_cli(
            args.cli, server.address, "import", "--mapping=salesforce-tasks",
            "--create_members", "--team=bench", "--industry=software",
            csv_path)
    finally:
        server.terminate()
    assert imported["imported"] == tally.events, imported

    # The same events as JSON lines, into a fresh server with the same
    # members.
    jsonl = os.path.join(tmp, "events.jsonl")
    members = os.path.join(tmp, "members.jsonl")
    subprocess.run([args.cli, "import", "--mapping=salesforce-tasks",
                    f"--write_jsonl={jsonl}", csv_path], check=True,
                   capture_output=True)
    with open(members, "w") as f:
        for owner in sorted(tally.owners):
            f.write(json.dumps({"memberId": owner, "displayName": owner,
                                "team": "bench", "industry": "software"})
                    + "\n")
    server = e2e.Rapportd(args.rapportd, os.path.join(tmp, "ingest.db"),
                          ["--metrics_listen="]).start()
    try:
        e2e.run_cli(args.cli, server.address, "upsert-members", members)
        ingest_s, ingest_rss, ingested = timed_cli(
            args.cli, server.address, "ingest", jsonl)
    finally:
        server.terminate()
    assert ingested["accepted"] == tally.events, ingested

    print(f"export: {tally.rows:,} rows ({csv_mib:.0f} MiB), "
          f"{tally.events:,} events, {tally.skipped:,} skipped rows, "
          f"{len(tally.owners)} owners")
    print(f"rapport import (CSV, --create_members): {import_s:.2f} s, "
          f"{tally.rows / import_s:,.0f} rows/s, "
          f"{tally.events / import_s:,.0f} events/s, peak RSS "
          f"{import_rss:.0f} MiB")
    print(f"rapport ingest (JSON lines, same events): {ingest_s:.2f} s, "
          f"{tally.events / ingest_s:,.0f} events/s, peak RSS "
          f"{ingest_rss:.0f} MiB")
    print(f"import / ingest (events/s): {ingest_s / import_s:.2f}")
    print(f"load average at the end: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")
    if args.keep:
        print(f"kept {tmp}")


if __name__ == "__main__":
    main()
