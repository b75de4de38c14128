#!/usr/bin/env python3
"""A flood of large ingest messages against rapportd, and how the calls of
another client fare meanwhile.

  tests/bench/big_messages.py --rapportd BUILD/server/app/rapportd \
      [--messages 50] [--mb 15] [-- extra rapportd flags]

Starts rapportd (auth off, loopback, a fresh database, --max_batch_events
high enough for one message to be one batch), then:
- a flood process opens `--messages` IngestEvents streams at once, each
  sending one message of about `--mb` MB (the same events in every message,
  so each is stored once and the others are duplicates);
- this process, on a channel of its own, calls Health/Check and GetScore
  in turn, one at a time, for as long as the flood runs.
Prints p50/p99/max of both calls during the flood, the flood's outcome per
status code, rapportd's peak RSS (VmHWM) and its RSS after the flood and 5
seconds of idleness.

Uses Debian's python3-grpcio (/usr/bin/python3); messages are hand-encoded.
"""

import argparse
import multiprocessing
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
sys.path.insert(0, os.path.dirname(__file__))
import rapport_e2e as e2e  # noqa: E402
from load_tools import memory_kib, quantile  # noqa: E402

import grpc  # noqa: E402

INGEST = "/rapport.v1.ActivityService/IngestEvents"
UPSERT = "/rapport.v1.ActivityService/UpsertMember"
HEALTH = "/grpc.health.v1.Health/Check"
GET_SCORE = "/rapport.v1.ScoringService/GetScore"


def event(i, now):
    """One valid event of member m1, about 160 bytes."""
    ts = e2e.field_varint(1, now - 60 - i % 86400)
    return (e2e.field_bytes(1, f"flood-event-{i:012d}".encode())
            + e2e.field_bytes(2, b"m1")
            + e2e.field_bytes(3, ts)
            + e2e.field_varint(4, 1)  # EVENT_TYPE_POST_PUBLISHED
            + e2e.field_bytes(8, (b"c%010d-" % i) + b"x" * 100))


def big_message(mb, now):
    """An IngestEventsRequest of about `mb` MB; returns (bytes, events)."""
    parts, size, i = [], 0, 0
    while size < mb * 1_000_000:
        e = e2e.field_bytes(1, event(i, now))
        parts.append(e)
        size += len(e)
        i += 1
    return b"".join(parts), i


def flood(address, message, streams, results):
    """Opens `streams` IngestEvents calls at once, each sending `message`;
    puts the status code names counted in `results`."""
    channel = grpc.insecure_channel(
        address, options=[("grpc.max_send_message_length", -1),
                          ("grpc.max_receive_message_length", -1)])
    call = channel.stream_unary(INGEST)
    futures = [call.future(iter([message]), timeout=600)
               for _ in range(streams)]
    counts = {}
    for f in futures:
        try:
            f.result()
            code = "OK"
        except grpc.RpcError as e:
            code = f"{e.code().name} ({e.details()})"
        counts[code] = counts.get(code, 0) + 1
    results.put(counts)


def probe(channel, path, body, failures=None):
    """One call's latency in ms; a failed call is counted in `failures` (by
    code) when given, else raised."""
    t = time.perf_counter()
    try:
        channel.unary_unary(path)(body, timeout=60)
    except grpc.RpcError as e:
        if failures is None:
            raise
        key = f"{path.rsplit('/', 1)[1]} {e.code().name} ({e.details()})"
        failures[key] = failures.get(key, 0) + 1
    return (time.perf_counter() - t) * 1000


def summary(values):
    values = sorted(values)
    return (f"n={len(values)} p50={quantile(values, 0.5):.1f} ms "
            f"p99={quantile(values, 0.99):.1f} ms max={values[-1]:.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--mb", type=float, default=15)
    parser.add_argument("extra", nargs="*", help="more rapportd flags")
    args = parser.parse_args()

    now = int(time.time())
    message, events = big_message(args.mb, now)
    with tempfile.TemporaryDirectory() as d:
        server = e2e.Rapportd(
            args.rapportd, os.path.join(d, "rapport.db"),
            [f"--max_batch_events={max(events, 1000)}"] + args.extra).start()
        try:
            channel = grpc.insecure_channel(server.address)
            member = (e2e.field_bytes(1, b"m1")
                      + e2e.field_bytes(2, b"Flood Test")
                      + e2e.field_bytes(3, b"alpha")
                      + e2e.field_bytes(4, b"Software"))
            channel.unary_unary(UPSERT)(e2e.field_bytes(1, member), timeout=30)
            get_score = e2e.field_bytes(1, b"m1")
            for _ in range(50):  # Until the boards are built.
                try:
                    probe(channel, GET_SCORE, get_score)
                    break
                except grpc.RpcError:
                    time.sleep(0.1)
            idle = [probe(channel, HEALTH, b"") for _ in range(20)]
            print(f"message: {len(message) / 1e6:.1f} MB, {events} events; "
                  f"{args.messages} streams; flags: {args.extra}")
            print(f"Health before the flood: {summary(idle)}")

            results = multiprocessing.Queue()
            flooder = multiprocessing.Process(
                target=flood,
                args=(server.address, message, args.messages, results))
            start = time.perf_counter()
            flooder.start()
            health, score, peak_rss, failures = [], [], 0, {}
            while flooder.is_alive():
                health.append(probe(channel, HEALTH, b"", failures))
                score.append(probe(channel, GET_SCORE, get_score, failures))
                peak_rss = max(peak_rss, memory_kib(server.proc.pid)[1])
                time.sleep(0.02)
            flooder.join()
            elapsed = time.perf_counter() - start
            counts = results.get()
            hwm, rss_end = memory_kib(server.proc.pid)
            time.sleep(5)
            _, rss_idle = memory_kib(server.proc.pid)
            print(f"flood: {elapsed:.1f} s, outcomes {counts}")
            print(f"probe calls failed during the flood: {failures or 'none'}")
            print(f"Health during the flood:   {summary(health)}")
            print(f"GetScore during the flood: {summary(score)}")
            print(f"rapportd RSS: peak (VmHWM) {hwm / 1024:.0f} MiB, "
                  f"at the flood's end {rss_end / 1024:.0f} MiB, "
                  f"5 s later {rss_idle / 1024:.0f} MiB")
        except Exception:
            print(server.log(), file=sys.stderr)
            raise
        finally:
            server.terminate()


if __name__ == "__main__":
    main()
