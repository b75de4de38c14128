#!/usr/bin/env python3
"""Backup and restore of a demo organisation: the figures of docs/backup.md.

  tests/bench/backup_figures.py --rapportd BUILD/server/app/rapportd \\
      --cli BUILD/client/cli/rapport [--members 10000] [--runs 3]

Loads `rapport demo --members=N` (about 180 events a member, 90 days) into
rapportd on a fresh database, then reports: the database's size; the
backup's size, events and time (`rapport admin backup`, the server's own
duration_ms) over --runs runs at rest and one while `rapport demo` of
another seed ingests; how many events that ingest got acknowledged during
the backup; and the time of `rapport admin restore` into a fresh path.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402


def backup(cli, address, name):
    out = e2e.run_cli(cli, address, "--json", "--timeout=30m", "admin",
                      "backup", f"--name={name}").stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rapportd", required=True)
    p.add_argument("--cli", required=True)
    p.add_argument("--members", type=int, default=10000)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    root = tempfile.mkdtemp(prefix="rapport-backup-bench-")
    backups = os.path.join(root, "backups")
    os.makedirs(backups)
    db = os.path.join(root, "rapport.db")
    server = e2e.Rapportd(a.rapportd, db, [
        f"--backup_dir={backups}", "--history_interval=0",
        "--metrics_listen="]).start()
    try:
        t = time.perf_counter()
        e2e.run_cli(a.cli, server.address, "--timeout=0", "demo",
                    f"--members={a.members}")
        print(f"loaded {a.members} members in {time.perf_counter() - t:.0f} s")
        db_bytes = sum(os.path.getsize(f) for f in (db, db + "-wal")
                       if os.path.exists(f))
        print(f"database + log: {db_bytes / 1e6:.1f} MB")
        for run in range(a.runs):
            r = backup(a.cli, server.address, f"rest-{run}.db")
            print(f"at rest: {int(r['sizeBytes']) / 1e6:.1f} MB, "
                  f"{r['eventCount']} events, {r['durationMs']} ms")
        # While another demo organisation (other seed, other ids) ingests.
        ingest = subprocess.Popen(
            [a.cli, f"--server={server.address}", "--timeout=0", "demo",
             f"--members={a.members // 10}", "--seed=2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)
        r = backup(a.cli, server.address, "busy.db")
        print(f"while ingesting: {int(r['sizeBytes']) / 1e6:.1f} MB, "
              f"{r['eventCount']} events, {r['durationMs']} ms")
        ingest.wait()
        print(f"the concurrent demo load exited {ingest.returncode}")
    finally:
        server.terminate()
    restored = os.path.join(root, "restored.db")
    t = time.perf_counter()
    out = e2e.run_cli(a.cli, "127.0.0.1:1", "admin", "restore",
                      f"--backup={os.path.join(backups, 'rest-0.db')}",
                      f"--db={restored}").stdout
    print(f"restore: {time.perf_counter() - t:.1f} s\n{out}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
