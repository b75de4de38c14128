#!/usr/bin/env python3
"""Seconds from starting rapportd on a database to its "serving gRPC" line,
per --integrity_check level, each run twice (the second finds the file in
the page cache): what the start-up integrity check costs on that database.

  tests/bench/integrity_check_start.py BUILD/server/app/rapportd DB \\
      [off quick full]

Make a database of the size wanted first, for example with rapportd running
on it: `rapport --server=127.0.0.1:PORT demo --members=16000` (about 1 GB).
"""

import os
import signal
import subprocess
import sys
import time


def start_seconds(rapportd, db, level):
    """Seconds to the "serving gRPC" line (or to the line saying why not),
    and that line."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [rapportd, f"--db={db}", "--listen=127.0.0.1:0", "--metrics_listen=",
         "--auth=off", "--history_interval=0", "--score_changes_interval=0",
         "--retention_interval=0", f"--integrity_check={level}"],
        stderr=subprocess.PIPE, text=True)
    line = ""
    for line in proc.stderr:
        if "serving gRPC" in line or line.startswith("rapportd: the "):
            break
    seconds = time.perf_counter() - start
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    return seconds, line.strip()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rapportd, db = sys.argv[1], sys.argv[2]
    levels = sys.argv[3:] or ["off", "quick", "full"]
    print(f"database {db}: {os.path.getsize(db) / 1e9:.2f} GB")
    for level in levels:
        for run in (1, 2):
            seconds, line = start_seconds(rapportd, db, level)
            print(f"--integrity_check={level} run {run}: {seconds:.2f} s "
                  f"({line[:70]})")


if __name__ == "__main__":
    main()
