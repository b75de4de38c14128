#!/usr/bin/env python3
"""How each cost of rapportd grows with the size of a tenant: one Markdown
table, a column per organisation size.

  tests/bench/scale.py --rapportd BUILD/server/app/rapportd \\
      --cli BUILD/client/cli/rapport --build BUILD \\
      [--members 1000,10000,100000] [--quick] [--keep] \\
      [--rapportd_arg=--background_nice=0 ...]

For each size N, the demo organisation of N members (about 180 events each,
90 days up to a few minutes ago) is written as JSON lines, then:
- Loading: its events, written by the CLI as serialized IngestEvents
  batches of 500 (`rapport demo --write_batches`, so that the client costs
  nothing while it sends), are
  sent by --load_streams concurrent streams, each on its own connection, to
  rapportd on a fresh database: events/s from the first batch sent to the
  last response. Beside it: the CLI's own rate (`rapport ingest` of the first
  --cli_events events into another database) and a plain C++ SQLite insert of
  the same rows (sqlite_insert_baseline: one prepared INSERT, 500 rows per
  transaction, rapportd's pragmas), and the ratio of the load to it.
- Memory and disk: rapportd's peak (VmHWM) and steady (VmRSS at rest after
  every measurement) resident memory; the database's size on disk after a
  clean stop and its bytes per stored event.
- Restart on the loaded database, once the daily history holds yesterday
  (rapportd first runs with the recorder and --history_days=HISTORY_DAYS,
  enough for yesterday and the day seven days before it, until the history
  is recorded and no history work is pending): seconds from starting the
  process to the first Health/Check answering SERVING, to the first
  successful GetScore, to the first /metrics scrape answered (after that
  GetScore; "no series" when it held no series of the tenant) and to the
  first GetLeaderboard of the full current board (its as_of within the last
  hour, not the recorded day's end of the provisional board).
- Throughput under h2load (raw gRPC framing; --clients connections of
  --streams streams): Health/Check, GetScore and Health/Check again, with the
  GetScore / Health ratio against the mean of the two health runs; idle and
  while a background client ingests --ingest_rate events/s of fresh events
  (copies of the demo's under new event ids).
- GetScore p99 over the seconds right after a burst of 5,000 fresh events
  touching many members, while the board is re-scored, next to the idle
  p99 (measured the same way).
- One request at a time, p50 / p99 (and the first call, which may build
  what the others find cached): GetLeaderboard of the whole tenant (top
  50), GetOutreachEffectiveness for a member and for a team,
  GetRecommendations, and GetScore as of a past time: the end of the UTC day
  three days ago (the instant the daily history records) and an arbitrary
  instant two and a half days ago.
- The first and second scrape of /metrics (time and size).

rapportd runs with authentication off on loopback, as the other load
benchmarks run it, and without the daily history recorder
(--history_interval=0), whose backfill would compete for the CPU. A step
that fails puts its error in its cells and the run goes on; the exit status
is 1 when any cell has no figure.
"""

import argparse
import calendar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402
from load_tools import (grpc_call, h2load, h2load_cmd,  # noqa: E402
                        h2load_latencies, h2load_rps, memory_kib, quantile,
                        time_http, write_body)

HEALTH = "/grpc.health.v1.Health/Check"
INGEST = "/rapport.v1.ActivityService/IngestEvents"
SCORE = "/rapport.v1.ScoringService/GetScore"
BOARD = "/rapport.v1.ScoringService/GetLeaderboard"
OUTREACH = "/rapport.v1.OutreachService/GetOutreachEffectiveness"
RECOMMEND = "/rapport.v1.RecommendationService/GetRecommendations"
SERVING = b"\x08\x01"  # HealthCheckResponse{status: SERVING}
BATCH = 500
BURST = 5000
# Days the history is recorded before the restart: yesterday and the day
# seven days before it, which a provisional board needs.
HISTORY_DAYS = 8
RESTART = ["start_serving", "start_score", "start_scrape", "start_full"]

# The table's rows, in order: (key, label).
ROWS = [
    ("events", "events in the demo org"),
    ("load", "load: events/s end to end (pre-built batches)"),
    ("cli", "CLI `rapport ingest`: events/s (sample)"),
    ("sqlite", "plain C++ SQLite insert: rows/s"),
    ("load_vs_sqlite", "load / plain SQLite insert"),
    ("rss_peak", "rapportd peak RSS (VmHWM)"),
    ("rss_steady", "rapportd steady RSS (VmRSS at rest)"),
    ("db_size", "database size"),
    ("db_per_event", "database bytes per event"),
    ("start_serving", "restart: start to Health SERVING"),
    ("start_score", "restart: start to first GetScore"),
    ("start_scrape", "restart: start to first /metrics scrape"),
    ("start_full", "restart: start to the full current board"),
    ("health_idle", "Health/Check QPS, idle (before / after GetScore)"),
    ("score_idle", "GetScore QPS, idle"),
    ("ratio_idle", "GetScore / Health, idle"),
    ("bg_rate", "background ingest achieved"),
    ("health_ingest", "Health/Check QPS, while ingesting (before / after)"),
    ("score_ingest", "GetScore QPS, while ingesting"),
    ("ratio_ingest", "GetScore / Health, while ingesting"),
    ("score_p99_idle", "GetScore p99, idle"),
    ("score_p99_refresh", "GetScore p99 right after a burst"),
    ("board", "GetLeaderboard tenant top 50 p50 / p99"),
    ("outreach_member", "GetOutreachEffectiveness member p50 / p99"),
    ("outreach_team", "GetOutreachEffectiveness team p50 / p99"),
    ("recommend", "GetRecommendations p50 / p99"),
    ("asof_day_end", "GetScore as of a past day's end p50 / p99"),
    ("asof_instant", "GetScore as of a past instant p50 / p99"),
    ("metrics_first", "first /metrics scrape"),
    ("metrics_second", "second /metrics scrape"),
]


def parse_args():
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rapportd", required=True)
    p.add_argument("--cli", required=True)
    p.add_argument("--build", default="",
                   help="the build directory, to find "
                        "tests/bench/sqlite_insert_baseline")
    p.add_argument("--baseline", default="",
                   help="the sqlite_insert_baseline binary (overrides --build)")
    p.add_argument("--proto_dir", default=os.path.join(HERE, "..", "..",
                                                       "proto"))
    p.add_argument("--members", default="1000,10000,100000",
                   help="comma-separated organisation sizes")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directories (printed)")
    p.add_argument("--quick", action="store_true",
                   help="smaller request counts and shorter runs")
    p.add_argument("--load_streams", type=int, default=4)
    p.add_argument("--cli_events", type=int, default=50000)
    p.add_argument("--ingest_rate", type=int, default=5000,
                   help="events/s of the background ingest")
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--streams", type=int, default=16)
    p.add_argument("--rapportd_arg", action="append", default=[],
                   help="one more rapportd flag, e.g. --background_nice=0 "
                        "(repeatable)")
    args = p.parse_args()
    if not args.baseline:
        args.baseline = os.path.join(args.build or ".", "tests", "bench",
                                     "sqlite_insert_baseline")
    args.sizes = [int(n) for n in args.members.split(",") if n.strip()]
    # Seconds per h2load throughput run, and requests per latency run.
    args.seconds = 2 if args.quick else 5
    args.scale = 0.1 if args.quick else 1.0
    return args


def load_protos(py_dir):
    """The generated Python messages of rapport.v1's activity API, from
    py_dir (see generate_python_client)."""
    if py_dir not in sys.path:
        sys.path.insert(0, py_dir)
    from rapport.v1 import activity_pb2
    return activity_pb2


# ---- Batches, built before anything is timed.

class Batches:
    """Serialized IngestEventsRequest messages in a file, read back by
    offset: a size's whole event set need not fit in memory."""

    def __init__(self, path):
        self.path = path
        self.index = []  # (offset, length)
        self.events = 0

    def add(self, f, data, events):
        self.index.append((f.tell(), len(data)))
        f.write(data)
        self.events += events

    def read(self, i, f):
        offset, length = self.index[i]
        return os.pread(f.fileno(), length, offset)


def read_varint(f):
    """The next varint of `f`, or None at its end."""
    value, shift = 0, 0
    while True:
        byte = f.read(1)
        if not byte:
            return None
        value |= (byte[0] & 0x7F) << shift
        shift += 7
        if byte[0] < 0x80:
            return value


def build_batches(pb, batches_file, burst_path):
    """Indexes the demo's batches (`rapport demo --write_batches`: delimited
    IngestEventsRequest messages of BATCH events, written by the CLI so that
    no conversion is timed or slow) and picks BURST events spread over the
    file, so over many members, as the burst's batches (burst_path), under
    fresh event ids."""
    batches, burst = Batches(batches_file), Batches(burst_path)
    with open(batches_file, "rb") as f:
        while (length := read_varint(f)) is not None:
            batches.index.append((f.tell(), length))
            f.seek(length, os.SEEK_CUR)
    # The events of one batch belong to few members: take a few from each of
    # many batches spread over the file.
    per_batch = max(1, -(-BURST // len(batches.index)))
    stride = max(1, len(batches.index) * per_batch // BURST)
    picked = []
    with open(batches_file, "rb") as f:
        for i in range(0, len(batches.index), stride):
            request = pb.IngestEventsRequest.FromString(batches.read(i, f))
            step = max(1, len(request.events) // per_batch)
            picked.extend(request.events[::step][:per_batch])
            if len(picked) >= BURST:
                break
        for i in range(len(batches.index)):
            # Each message but the last holds BATCH events.
            batches.events += BATCH if i + 1 < len(batches.index) else len(
                pb.IngestEventsRequest.FromString(batches.read(i, f)).events)
    with open(burst_path, "wb") as out:
        for i in range(0, min(len(picked), BURST), BATCH):
            request = pb.IngestEventsRequest()
            for e in picked[i:min(i + BATCH, BURST)]:
                copy = request.events.add()
                copy.CopyFrom(e)
                copy.event_id = f"burst:{e.event_id}"
            burst.add(out, request.SerializeToString(), len(request.events))
    return batches, burst


def fresh_copies(pb, batches, count):
    """`count` batches (in memory) re-using the loaded events under new
    event ids, round after round through the loaded batches."""
    out = []
    with open(batches.path, "rb") as f:
        while len(out) < count:
            i = len(out) % len(batches.index)
            request = pb.IngestEventsRequest.FromString(batches.read(i, f))
            for e in request.events:
                e.event_id = f"r{len(out) // len(batches.index)}:{e.event_id}"
            out.append(request.SerializeToString())
    return out


# ---- Ingest clients.

def new_channel(address):
    import grpc
    # Its own subchannel pool: every channel opens its own connection.
    return grpc.insecure_channel(address,
                                 [("grpc.use_local_subchannel_pool", 1)])


def ingest(pb, address, batches_iter):
    """Streams serialized batches on a new connection; the response."""
    channel = new_channel(address)
    with channel:
        call = channel.stream_unary(INGEST)
        return pb.IngestEventsResponse.FromString(
            call(batches_iter, timeout=24 * 3600))


def load(pb, address, batches, streams):
    """Sends every batch over `streams` concurrent streams (a contiguous
    share each); returns (accepted, seconds, client CPU time / seconds)."""
    shares = [range(i * len(batches.index) // streams,
                    (i + 1) * len(batches.index) // streams)
              for i in range(streams)]
    results, errors = [], []

    def worker(share):
        try:
            with open(batches.path, "rb") as f:
                results.append(ingest(pb, address,
                                      (batches.read(i, f) for i in share)))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in shares]
    start, cpu = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    if errors:
        raise errors[0]
    accepted = sum(r.accepted_count for r in results)
    rejected = sum(r.rejected_count + r.duplicate_count for r in results)
    if rejected:
        raise RuntimeError(f"{rejected} events not accepted")
    return accepted, seconds, cpu / seconds


class Background:
    """Ingests pre-built batches at a fixed rate on one stream until
    stopped; `rate` is what was achieved."""

    def __init__(self, pb, address, batches, events_per_second):
        self.pb, self.address, self.batches = pb, address, batches
        self.interval = BATCH / events_per_second
        self.stop_event = threading.Event()
        self.response, self.error, self.rate = None, None, None
        self.ran_out = False
        self.thread = threading.Thread(target=self._run)

    def _paced(self):
        next_time = time.perf_counter()
        for batch in self.batches:
            if self.stop_event.wait(max(0.0, next_time - time.perf_counter())):
                return
            yield batch
            next_time += self.interval
        self.ran_out = True

    def _run(self):
        try:
            start = time.perf_counter()
            self.response = ingest(self.pb, self.address, self._paced())
            self.rate = (self.response.accepted_count /
                         (time.perf_counter() - start))
        except Exception as e:  # noqa: BLE001 (raised by stop())
            self.error = e

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()

    def check(self):
        if self.error:
            raise self.error
        if self.ran_out:
            raise RuntimeError("the background client ran out of batches")
        if self.response.accepted_count == 0:
            raise RuntimeError("the background client stored nothing")


# ---- Formatting.

def fmt_rate(x):
    return f"{x:,.0f}"


def fmt_ms(x):
    return f"{x:.2f} ms" if x < 10 else f"{x:,.0f} ms"


def fmt_mib(kib):
    return f"{kib / 1024:,.0f} MiB"


def p50_p99(lat):
    return f"{fmt_ms(quantile(lat, 0.5))} / {fmt_ms(quantile(lat, 0.99))}"


def error_cell(e):
    text = " ".join(str(e).split()) or type(e).__name__
    if len(text) > 120:
        text = text[:117] + "..."
    return "error: " + text.replace("|", "/")


def step(cells, keys, fn):
    """Runs fn, which fills cells; puts the error in every key it left
    empty when it fails."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 (the table shows it)
        for k in keys:
            cells.setdefault(k, error_cell(e))


# ---- One size.

def timestamp(seconds, nanos=0):
    return e2e.field_varint(1, seconds) + (e2e.field_varint(2, nanos)
                                           if nanos else b"")


class SizeRun:
    """Everything measured for one organisation size."""

    def __init__(self, args, py_dir, n, root):
        self.args, self.py_dir, self.n = args, py_dir, n
        self.pb = load_protos(py_dir)
        self.dir = os.path.join(root, f"members-{n}")
        os.makedirs(self.dir)
        self.cells = {}
        self.stored = 0

    def path(self, name):
        return os.path.join(self.dir, name)

    def run(self):
        c, a = self.cells, self.args
        step(c, [k for k, _ in ROWS], self.prepare)
        if "events" not in c or c["events"].startswith("error"):
            return c
        step(c, ["cli"], self.cli_rate)
        step(c, ["sqlite"], self.sqlite_rate)
        server = None
        try:
            server = e2e.Rapportd(a.rapportd, self.path("rapport.db"),
                                  ["--history_interval=0"]
                                  + a.rapportd_arg).start()
            self.address = server.address
            step(c, ["load"], self.load)
            step(c, [k for k, _ in ROWS], self.bodies)
            step(c, ["health_idle", "score_idle", "ratio_idle",
                     "score_p99_idle"], self.idle_qps)
            step(c, ["bg_rate", "health_ingest", "score_ingest",
                     "ratio_ingest"], self.ingesting_qps)
            step(c, ["score_p99_refresh"], self.refresh_p99)
            step(c, ["board", "outreach_member", "outreach_team",
                     "recommend", "asof_day_end", "asof_instant"],
                 self.latencies)
            step(c, ["metrics_first", "metrics_second"],
                 lambda: self.scrapes(server))
            step(c, ["rss_peak", "rss_steady"], lambda: self.rss(server))
        except Exception as e:  # noqa: BLE001 (the table shows it)
            # rapportd did not start: nothing of this server was measured.
            for k, _ in ROWS:
                if k not in RESTART + ["cli", "sqlite"]:
                    c.setdefault(k, error_cell(e))
        finally:
            if server:
                step(c, ["db_size", "db_per_event"], lambda: self.stop(server))
        step(c, RESTART, self.record_history)
        step(c, RESTART, self.restart)
        if "load" in c and "sqlite" in c and "error" not in c["load"] + \
                c["sqlite"]:
            c["load_vs_sqlite"] = f"{self.load_rate / self.sqlite_rows:.2f}"
        else:
            c.setdefault("load_vs_sqlite", "error: no load or SQLite figure")
        return c

    def prepare(self):
        a = self.args
        self.events_jsonl = self.path("events.jsonl")
        self.members_jsonl = self.path("members.jsonl")
        # Minutes before now, at whole minutes: every event is in the past.
        end = time.strftime("%Y-%m-%dT%H:%M:00Z",
                            time.gmtime(time.time() - 180))
        subprocess.run([a.cli, "demo", f"--members={self.n}",
                        f"--end_time={end}",
                        f"--write_jsonl={self.events_jsonl}",
                        f"--write_members_jsonl={self.members_jsonl}",
                        f"--write_batches={self.path('batches.bin')}",
                        f"--batch_size={BATCH}"],
                       check=True, capture_output=True)
        self.batches, self.burst = build_batches(
            self.pb, self.path("batches.bin"), self.path("burst.bin"))
        # Enough fresh batches for the background ingest's runs.
        seconds = 3 * a.seconds + 10
        self.fresh = fresh_copies(self.pb, self.batches,
                                  int(seconds * a.ingest_rate / BATCH) + 1)
        with open(self.members_jsonl) as f:
            members = [json.loads(line) for line in f]
        self.member = members[0]["memberId"]
        self.team = members[0]["team"]
        self.other = members[len(members) // 2]["memberId"]
        self.cells["events"] = fmt_rate(self.batches.events)

    def cli_rate(self):
        a = self.args
        sample = self.path("sample.jsonl")
        count = min(a.cli_events // (10 if a.quick else 1),
                    self.batches.events)
        with open(self.events_jsonl) as src, open(sample, "w") as out:
            for _, line in zip(range(count), src):
                out.write(line)
        server = e2e.Rapportd(a.rapportd, self.path("cli.db"),
                              ["--history_interval=0",
                               "--metrics_listen="]).start()
        try:
            e2e.run_cli(a.cli, server.address, "upsert-members",
                        self.members_jsonl)
            out = e2e.run_cli(a.cli, server.address, "--json", "ingest",
                              sample)
        finally:
            rc = server.terminate()
        if rc != 0:
            raise RuntimeError(f"rapportd exited {rc}")
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        rate = int(summary["accepted"]) / float(summary["elapsedSeconds"])
        self.cells["cli"] = f"{fmt_rate(rate)} ({fmt_rate(count)} events)"

    def sqlite_rate(self):
        out = subprocess.run([self.args.baseline, self.events_jsonl,
                              self.path("plain.db")],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip() or
                               f"{self.args.baseline} exited "
                               f"{out.returncode}")
        figures = dict(line.split() for line in out.stdout.splitlines())
        self.sqlite_rows = float(figures["rows_per_second"])
        self.cells["sqlite"] = fmt_rate(self.sqlite_rows)

    def load(self):
        e2e.run_cli(self.args.cli, self.address, "upsert-members",
                    self.members_jsonl)
        accepted, seconds, cpu = load(self.pb, self.address, self.batches,
                                      self.args.load_streams)
        if accepted != self.batches.events:
            raise RuntimeError(f"accepted {accepted} of "
                               f"{self.batches.events}")
        self.stored += accepted
        self.load_rate = accepted / seconds
        self.cells["load"] = (f"{fmt_rate(self.load_rate)} "
                              f"({self.args.load_streams} streams; client "
                              f"CPU {cpu:.0%})")

    def bodies(self):
        """The request bodies, each checked once for gRPC status OK (h2load
        sees HTTP 200 for gRPC errors too)."""
        import grpc
        today = calendar.timegm(time.gmtime()[:3] + (0, 0, 0))
        day_end = timestamp(today - 2 * 86400 - 1, 999999999)
        instant = timestamp(int(time.time()) - 2 * 86400 - 12 * 3600 - 757,
                            123456789)
        member = e2e.field_bytes(1, self.member.encode())
        specs = {
            "health": b"",
            "score": member,
            "board": e2e.field_varint(5, 50),
            "outreach_member": member,
            "outreach_team": e2e.field_bytes(2, self.team.encode()),
            "recommend": e2e.field_bytes(1, self.other.encode()) +
                         e2e.field_varint(2, 10),
            "asof_day_end": member + e2e.field_bytes(2, day_end),
            "asof_instant": member + e2e.field_bytes(2, instant),
        }
        self.body = {k: write_body(self.path(k + ".bin"), v)
                     for k, v in specs.items()}
        paths = {"health": HEALTH, "score": SCORE, "board": BOARD,
                 "outreach_member": OUTREACH, "outreach_team": OUTREACH,
                 "recommend": RECOMMEND, "asof_day_end": SCORE,
                 "asof_instant": SCORE}
        self.first_ms = {}
        with grpc.insecure_channel(self.address) as channel:
            for k, path in paths.items():
                t = time.perf_counter()
                grpc_call(channel, path, self.body[k], timeout=600)
                self.first_ms[k] = (time.perf_counter() - t) * 1000
        self.rpc = paths

    def throughput(self, name):
        """Requests/s of h2load for args.seconds seconds."""
        a = self.args
        cmd = h2load_cmd(f"http://{self.address}{self.rpc[name]}",
                         self.body[name], 0, a.clients, a.streams,
                         seconds=a.seconds)
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return h2load_rps(out.stdout)

    def health_score_health(self, cells, suffix):
        h1 = self.throughput("health")
        score = self.throughput("score")
        h2 = self.throughput("health")
        health = (h1 + h2) / 2
        cells[f"health_{suffix}"] = f"{fmt_rate(h1)} / {fmt_rate(h2)}"
        cells[f"score_{suffix}"] = fmt_rate(score)
        cells[f"ratio_{suffix}"] = f"{score / health:.2f}"

    def idle_qps(self):
        self.health_score_health(self.cells, "idle")
        self.cells["score_p99_idle"] = self.score_p99("idle")

    def score_p99(self, name):
        a = self.args
        # Long enough to span a refresh (at most one per --score_refresh,
        # 1 s by default) and the re-scoring it starts.
        r = h2load(self.address, SCORE, self.body["score"], 0, a.clients,
                   a.streams, self.path(f"score-{name}.log"),
                   seconds=2 if a.quick else 3)
        return fmt_ms(r["p99_ms"])

    def ingesting_qps(self):
        results = {}
        with Background(self.pb, self.address, self.fresh,
                        self.args.ingest_rate) as bg:
            time.sleep(1)
            self.health_score_health(results, "ingest")
        bg.check()
        self.stored += bg.response.accepted_count
        self.cells.update(results)
        self.cells["bg_rate"] = f"{fmt_rate(bg.rate)} events/s"

    def refresh_p99(self):
        with open(self.burst.path, "rb") as f:
            burst = [self.burst.read(i, f)
                     for i in range(len(self.burst.index))]
        response = ingest(self.pb, self.address, iter(burst))
        self.stored += response.accepted_count
        self.cells["score_p99_refresh"] = (
            f"{self.score_p99('refresh')} "
            f"({fmt_rate(response.accepted_count)} events)")

    def latencies(self):
        s = self.args.scale
        counts = {"board": 2000, "outreach_member": 50, "outreach_team": 10,
                  "recommend": 500, "asof_day_end": 500, "asof_instant": 500}
        for name, n in counts.items():
            try:
                log = self.path(name + ".log")
                out = subprocess.run(
                    h2load_cmd(f"http://{self.address}{self.rpc[name]}",
                               self.body[name], max(3, int(n * s)), 1, 1,
                               log=log),
                    capture_output=True, text=True, check=True)
                h2load_rps(out.stdout)
                self.cells[name] = (f"{p50_p99(h2load_latencies(log))} "
                                    f"(first {fmt_ms(self.first_ms[name])})")
            except Exception as e:  # noqa: BLE001 (the table shows it)
                self.cells[name] = error_cell(e)

    def scrapes(self, server):
        for key in ("metrics_first", "metrics_second"):
            ms, _, size = time_http(server.metrics_port, "/metrics", {}, n=1)
            self.cells[key] = f"{fmt_ms(ms)}, {size / 1024:,.0f} KiB"

    def rss(self, server):
        time.sleep(2)
        peak, now = memory_kib(server.proc.pid)
        self.cells["rss_peak"] = fmt_mib(peak)
        self.cells["rss_steady"] = fmt_mib(now)

    def stop(self, server):
        rc = server.terminate(timeout=300)
        if rc != 0:
            raise RuntimeError(f"rapportd exited {rc}")
        db = self.path("rapport.db")
        size = sum(os.path.getsize(db + s) for s in ("", "-wal", "-shm")
                   if os.path.exists(db + s))
        self.cells["db_size"] = f"{size / 2**20:,.1f} MiB"
        self.cells["db_per_event"] = (f"{size / self.stored:,.0f} "
                                      f"({fmt_rate(self.stored)} events)")

    def record_history(self):
        """Runs rapportd with the history recorder until the daily history
        holds yesterday and no history work is pending."""
        import sqlite3
        server = e2e.Rapportd(self.args.rapportd, self.path("rapport.db"),
                              ["--history_interval=1s",
                               f"--history_days={HISTORY_DAYS}"]).start(
                                   timeout=600)
        yesterday = (int(time.time()) // 86400) - 1
        try:
            db = sqlite3.connect(self.path("rapport.db"), timeout=60)
            give_up = time.perf_counter() + 3600
            while True:
                through = db.execute(
                    "SELECT MIN(recorded_through_day) FROM history_state"
                ).fetchone()[0]
                work = db.execute(
                    "SELECT COUNT(*) FROM history_work").fetchone()[0]
                if through is not None and through >= yesterday and not work:
                    break
                if time.perf_counter() > give_up:
                    raise RuntimeError("the history was not recorded in 1 h")
                time.sleep(1)
            db.close()
        finally:
            rc = server.terminate(timeout=300)
        if rc != 0:
            raise RuntimeError(f"rapportd exited {rc}")

    def restart(self):
        import grpc
        if self.py_dir not in sys.path:
            sys.path.insert(0, self.py_dir)
        from rapport.v1 import scoring_pb2
        start = time.perf_counter()
        server = e2e.Rapportd(self.args.rapportd, self.path("rapport.db"),
                              ["--history_interval=0"]
                              + self.args.rapportd_arg).start(timeout=600)
        try:
            with grpc.insecure_channel(server.address) as channel:
                health = channel.unary_unary(HEALTH)
                while True:
                    try:
                        if health(b"", timeout=5) == SERVING:
                            break
                    except grpc.RpcError:
                        pass
                    if time.perf_counter() - start > 600:
                        raise RuntimeError("not SERVING after 600 s")
                    time.sleep(0.005)
                serving = time.perf_counter() - start
                grpc_call(channel, SCORE, self.body["score"], timeout=600)
                score = time.perf_counter() - start
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{server.metrics_port}/metrics",
                        timeout=60) as resp:
                    series = b"rapport_tenant_members{" in resp.read()
                scrape = time.perf_counter() - start
                while True:
                    board = scoring_pb2.GetLeaderboardResponse.FromString(
                        grpc_call(channel, BOARD, self.body["board"],
                                  timeout=600))
                    if time.time() - board.as_of.seconds < 3600:
                        break
                    if time.perf_counter() - start > 3600:
                        raise RuntimeError("no full board after 1 h")
                    time.sleep(0.2)
                full = time.perf_counter() - start
        finally:
            rc = server.terminate(timeout=300)
        if rc != 0:
            raise RuntimeError(f"rapportd exited {rc}")
        self.cells["start_serving"] = f"{serving:.2f} s"
        self.cells["start_score"] = f"{score:.2f} s"
        self.cells["start_scrape"] = (f"{scrape:.2f} s" if series else
                                      f"{scrape:.2f} s, no series")
        self.cells["start_full"] = f"{full:.2f} s"


def table(sizes, results):
    lines = ["| members | " + " | ".join(f"{n:,}" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    for key, label in ROWS:
        lines.append(f"| {label} | " + " | ".join(
            results[n].get(key, "error: not measured") for n in sizes) + " |")
    return "\n".join(lines)


def main():
    args = parse_args()
    root = tempfile.mkdtemp(prefix="rapport-scale-")
    try:
        py_dir = os.path.join(root, "py")
        os.makedirs(py_dir)
        e2e.generate_python_client(args.proto_dir, py_dir)
        results = {}
        for n in args.sizes:
            t = time.perf_counter()
            results[n] = SizeRun(args, py_dir, n, root).run()
            print(f"{n:,} members measured in {time.perf_counter() - t:.0f} s",
                  file=sys.stderr)
    finally:
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(table(args.sizes, results))
    missing = [(n, k) for n in args.sizes for k, _ in ROWS
               if results[n].get(k, "error").startswith("error")]
    if missing:
        print(f"{len(missing)} cells without a figure", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
