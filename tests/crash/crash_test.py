#!/usr/bin/env python3
"""Rapport's crash test: rapportd is killed with SIGKILL under load, round
after round, over one database; then a set checker compares what the
clients were told with what survived.

Each round starts the real rapportd on loopback and runs, concurrently:
IngestEvents client streams and WriteEvents calls over the stable members
(unique event ids, occur times spread over past days so that the daily
history recorder, run every --history_interval, has days to recompute);
deletes, re-creates and ingests on the reserved members; and retries of the
batches earlier kills left unanswered, each of which must come back all
ACCEPTED or all DUPLICATE. Now and then a client gives up on a call
(cancels a stream, or a deadline too short to make). After a random delay
the server gets SIGKILL. Every request and its outcome is logged
(acknowledged / failed / unknown: the process died or the client gave up).

After the last round rapportd is started cleanly, left to bring the score
history up to date, asked for its members (ListMembers) and stopped with
SIGTERM; crash_checker.py then reads the SQLite file. With --rerecord (the
default) the history is also recorded again from scratch in a copy of the
database and compared day by day.

  crash_test.py --rapportd PATH --proto_dir PATH [--rounds 100] [--seed N]

Exits 1 when an acknowledged event is lost, an event is counted twice, or
any check fails; prints a summary table either way.
"""

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, HERE)

import rapport_e2e as e2e  # noqa: E402
import crash_checker  # noqa: E402
import crash_history as ch  # noqa: E402
import crash_workload as wl  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rapportd", required=True)
    p.add_argument("--proto_dir", required=True)
    p.add_argument("--rounds", type=int, default=100)
    p.add_argument("--seed", type=int, default=None,
                   help="seeds the workload and the kill delays "
                        "(default: from the clock; printed)")
    p.add_argument("--stable_members", type=int, default=12)
    p.add_argument("--reserved_members", type=int, default=4,
                   help="members deleted and re-created")
    p.add_argument("--streams", type=int, default=3,
                   help="IngestEvents client threads")
    p.add_argument("--writers", type=int, default=2,
                   help="WriteEvents client threads")
    p.add_argument("--churners", type=int, default=2,
                   help="threads deleting and re-creating reserved members")
    p.add_argument("--batch_events", type=int, default=40,
                   help="events per batch, at most")
    p.add_argument("--stream_batches", type=int, default=6,
                   help="batches per stream, at most")
    p.add_argument("--give_up_rate", type=float, default=0.05,
                   help="share of calls the client abandons")
    p.add_argument("--term_rate", type=float, default=0.1,
                   help="share of rounds that end with SIGTERM, then "
                        "SIGKILL in the middle of the graceful shutdown")
    p.add_argument("--min_kill_delay", type=float, default=0.2)
    p.add_argument("--max_kill_delay", type=float, default=2.5)
    p.add_argument("--spread_days", type=int, default=40,
                   help="events occur up to this many days ago")
    p.add_argument("--history_days", type=int, default=30)
    p.add_argument("--history_interval", default="200ms")
    p.add_argument("--rerecord", action=argparse.BooleanOptionalAction,
                   default=True)
    p.add_argument("--work_dir", default=None,
                   help="kept afterwards (default: a temporary directory, "
                        "removed when every check passes)")
    return p.parse_args(argv)


class Context:
    def __init__(self, args, pb, history):
        self.args = args
        self.pb = pb
        self.history = history
        self.stable = [f"s{i:02d}" for i in range(args.stable_members)]
        self.reserved = [f"d{i:02d}" for i in range(args.reserved_members)]


def load_pb(proto_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    e2e.generate_python_client(os.path.abspath(proto_dir), out_dir)
    sys.path.insert(0, out_dir)
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    return argparse.Namespace(activity_pb2=activity_pb2,
                              activity_pb2_grpc=activity_pb2_grpc)


def server_args(args, history_interval=None):
    interval = history_interval or args.history_interval
    return [f"--history_interval={interval}",
            f"--history_days={args.history_days}",
            "--score_changes_interval=1s", "--score_refresh=200ms"]


def setup(ctx, db):
    """Creates every member on a first server without a history recorder,
    stopped cleanly, so that the first round's recording covers every
    stable member. (A member created after the day's recording gets its
    whole window only at the next day's.)"""
    server = e2e.Rapportd(ctx.args.rapportd, db,
                          server_args(ctx.args, history_interval="0")).start()
    rnd = wl.Round(ctx, 0, server.address)
    for m in ctx.stable + ctx.reserved:
        rnd.activity.UpsertMember(ctx.pb.activity_pb2.UpsertMemberRequest(
            member=wl.member_proto(ctx.pb, m, "crash")), timeout=30)
    rnd.channel.close()
    rc = server.terminate()
    if rc != 0:
        raise RuntimeError(f"rapportd exited {rc}: {server.log()[-3000:]}")


def run_round(ctx, db, number, rng):
    server = e2e.Rapportd(ctx.args.rapportd, db, server_args(ctx.args))
    server.start()
    rnd = wl.Round(ctx, number, server.address)
    seed = rng.randrange(1 << 30)
    jobs = [(wl.retry_worker, (rnd, random.Random(seed)))]
    jobs += [(wl.stream_worker, (rnd, i, random.Random(seed + 1 + i)))
             for i in range(ctx.args.streams)]
    jobs += [(wl.write_worker, (rnd, i, random.Random(seed + 100 + i)))
             for i in range(ctx.args.writers)]
    churners = max(1, min(ctx.args.churners, len(ctx.reserved)))
    if ctx.reserved:
        jobs += [(wl.churn_worker, (rnd, ctx.reserved[i::churners],
                                    random.Random(seed + 200 + i)))
                 for i in range(churners)]
    threads = [threading.Thread(target=f, args=a, daemon=True)
               for f, a in jobs]
    for t in threads:
        t.start()
    # One round in ten dies almost at once: during recovery and the first
    # history pass.
    if rng.random() < 0.1:
        delay = rng.random() * 0.05
    else:
        delay = rng.uniform(ctx.args.min_kill_delay, ctx.args.max_kill_delay)
    time.sleep(delay)
    if server.proc.poll() is not None:
        raise RuntimeError(f"rapportd died by itself: {server.log()[-3000:]}")
    rnd.killed.set()
    rnd.stop.set()
    term = rng.random() < ctx.args.term_rate
    ctx.history.kill(number, delay, term)
    if term:
        stop_during_shutdown(ctx, server, rng.random() * 0.3)
    else:
        server.kill9()
    for t in threads:
        t.join(60)
        if t.is_alive():
            raise RuntimeError("a client thread is stuck after the kill")
    rnd.channel.close()


def stop_during_shutdown(ctx, server, grace):
    """SIGTERM, then SIGKILL after `grace` seconds unless rapportd has
    exited by then, which it must do with status 0."""
    server.proc.send_signal(signal.SIGTERM)
    try:
        rc = server.proc.wait(grace)
    except subprocess.TimeoutExpired:
        server.kill9()
        return
    if rc != 0:
        ctx.history.anomaly("shutdown", f"rapportd exited {rc} on SIGTERM")


def wait_history(db, timeout=180):
    """Waits until the running server has recorded the history and left no
    work: recorded_through set, history_work empty."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            state = conn.execute("SELECT count(*), min(recorded_through_day IS"
                                 " NOT NULL) FROM history_state").fetchone()
            work = conn.execute("SELECT count(*) FROM history_work").fetchone()
        except sqlite3.OperationalError:
            state, work = (0, 0), (1,)
        finally:
            conn.close()
        if state[0] > 0 and state[1] == 1 and work[0] == 0:
            return True
        time.sleep(0.2)
    return False


def clean_run(ctx, db):
    """Starts rapportd cleanly, waits for the history, lists the members
    through the API, stops it with SIGTERM. Returns member_id ->
    event_count."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ctx.history_work_left = conn.execute(
        "SELECT count(*) FROM history_work").fetchone()[0]
    conn.close()
    server = e2e.Rapportd(ctx.args.rapportd, db, server_args(ctx.args)).start()
    recorded = wait_history(db)
    rnd = wl.Round(ctx, -1, server.address)
    counts, token = {}, ""
    while True:
        resp = rnd.activity.ListMembers(ctx.pb.activity_pb2.ListMembersRequest(
            page_size=100, page_token=token), timeout=30)
        counts.update({m.member_id: m.event_count for m in resp.members})
        token = resp.next_page_token
        if not token:
            break
    rnd.channel.close()
    rc = server.terminate()
    if rc != 0:
        raise RuntimeError(f"rapportd exited {rc} on SIGTERM: "
                           f"{server.log()[-3000:]}")
    return counts, recorded


def rerecord(ctx, db, work_dir):
    """The score history recorded from scratch in a copy of the database."""
    copy = os.path.join(work_dir, "rerecord.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            shutil.copy(db + suffix, copy + suffix)
    conn = sqlite3.connect(copy)
    conn.executescript("DELETE FROM score_history; DELETE FROM history_state;"
                       " DELETE FROM history_work;")
    conn.close()
    clean_run(ctx, copy)
    return crash_checker.read_db(copy)


def print_summary(report, args, seed, elapsed):
    c = report.counts
    rows = [
        ("rounds (kill -9)", c["rounds"]),
        ("  of which SIGTERM first, SIGKILL in the shutdown", c["term_rounds"]),
        ("batches sent", c["batches_sent"]),
        ("events sent", c["events_sent"]),
        ("events acknowledged", c["events_acked"]),
        ("events unanswered at first send", c["events_unacked_at_first"]),
        ("recovered-unacknowledged (stored, never acked)",
         c["recovered_unacked"]),
        ("events stored at the end", c["events_stored"]),
        ("deletes acknowledged", c["deletes_acked"]),
        ("deletes that took effect", c["deletes_applied"]),
        ("daily count buckets checked", c["daily_buckets_checked"]),
        ("threads checked", c["threads_checked"]),
        ("contacts checked", c["contacts_checked"]),
        ("history work entries left by the kills", c["history_work_left"]),
        ("history days checked", c["history_days_checked"]),
        ("history days re-recorded and compared",
         c["history_days_rerecorded"]),
    ]
    rows += [(label, c[key]) for key, label in crash_checker.FAILURE_COUNTS]
    width = max(len(r[0]) for r in rows)
    print(f"\nRapport crash test: seed {seed}, {args.rounds} rounds, "
          f"{elapsed:.0f} s")
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>9}")
    for key, label, n in report.failures():
        print(f"\nFAIL {label} ({n}):")
        for example in report.examples[key]:
            print(f"  {str(example)[:400]}")


def run(args):
    """The rounds and the clean run after them; returns what the checker
    needs (a Namespace: history, api_counts, recorded, ctx, db, work_dir,
    seed)."""
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    work_dir = args.work_dir or tempfile.mkdtemp(prefix="rapport-crash-")
    os.makedirs(work_dir, exist_ok=True)
    db = os.path.join(work_dir, "rapport.db")
    print(f"crash test: seed {seed}, work directory {work_dir}", flush=True)
    pb = load_pb(args.proto_dir, os.path.join(work_dir, "gen"))
    history = ch.History(os.path.join(work_dir, "history.jsonl"))
    ctx = Context(args, pb, history)
    setup(ctx, db)
    for number in range(1, args.rounds + 1):
        run_round(ctx, db, number, rng)
        if number % 10 == 0:
            print(f"  round {number}: {len(history.batches)} batches so far",
                  flush=True)
    api_counts, recorded = clean_run(ctx, db)
    history.close()
    return argparse.Namespace(history=history, api_counts=api_counts,
                              recorded=recorded, ctx=ctx, db=db,
                              work_dir=work_dir, seed=seed)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    start = time.time()
    r = run(args)
    db_view = crash_checker.read_db(r.db)
    report = crash_checker.check(r.history, db_view, r.api_counts,
                                 set(r.ctx.stable), args.history_days)
    report.counts["history_work_left"] = r.ctx.history_work_left
    if not r.recorded:
        report.bad("history_gaps", "the history was not brought up to date "
                   "within the wait")
    if args.rerecord:
        crash_checker.compare_rerecord(
            db_view, rerecord(r.ctx, r.db, r.work_dir), report)
    print_summary(report, args, r.seed, time.time() - start)
    failed = bool(report.failures())
    if failed or args.work_dir:
        print(f"\nwork directory kept: {r.work_dir} (history.jsonl, "
              "rapport.db, rapport.db.log)")
    else:
        shutil.rmtree(r.work_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
