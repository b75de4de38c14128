#!/usr/bin/python3
"""Backup and restore end to end: the CLI backs up the real rapportd while
several clients ingest, then restores the backup offline into a fresh
database that a second rapportd serves. Every event acknowledged before the
backup call began is there, no batch is there in part, and the members'
counts agree with the backup's. Restore refuses a database a running
rapportd has open and a damaged backup, each with its exit status.

    backup_e2e.py --rapportd BIN --cli BIN --proto_dir DIR
"""
import argparse
import datetime
import os
import re
import shutil
import sys
import threading
import time
import unittest

import rapport_e2e as e2e

ARGS = None
pb = None  # Generated modules, filled in by main().

MEMBERS = [f"rep-{i:02d}" for i in range(12)]
CLIENTS = 4
BATCH = 25


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import grpc  # Debian's python3-grpcio.
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    pb = argparse.Namespace(**locals())


def make_batch(client, n, now):
    """Batch n of a client: BATCH posts spread over the last days (the same
    payload every time it is built, so that a resend is a duplicate)."""
    events = []
    for i in range(BATCH):
        e = pb.activity_pb2.Event(
            event_id=f"c{client}-b{n}-{i}", member_id=MEMBERS[(n + i) % len(MEMBERS)],
            type=pb.activity_pb2.EVENT_TYPE_POST_PUBLISHED)
        e.occur_time.FromDatetime(now - datetime.timedelta(hours=1 + (n * BATCH + i) % 200))
        events.append(e)
    return events


class Ingester(threading.Thread):
    """One client writing batches until told to stop; notes each batch
    when its WriteEvents call returns OK."""

    def __init__(self, client, channel, now):
        super().__init__(daemon=True)
        self.client, self.now = client, now
        self.stub = pb.activity_pb2_grpc.ActivityServiceStub(channel)
        self.acked = []  # Batch numbers, in order.
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.error = None

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                r = self.stub.WriteEvents(pb.activity_pb2.WriteEventsRequest(
                    events=make_batch(self.client, n, self.now)), timeout=30)
                if r.accepted_count != BATCH:
                    raise AssertionError(f"batch {n}: {r}")
                with self.lock:
                    self.acked.append(n)
                n += 1
        except Exception as e:  # Reported by the test.
            self.error = e

    def acked_now(self):
        with self.lock:
            return list(self.acked)


class BackupE2ETest(unittest.TestCase):

    def setUp(self):
        import grpc
        self.grpc = grpc
        self.dir = e2e.temp_dir()
        self.backups = os.path.join(self.dir, "backups")
        os.makedirs(self.backups)
        self.db = os.path.join(self.dir, "rapport.db")
        self.server = e2e.Rapportd(ARGS.rapportd, self.db, extra_args=[
            f"--backup_dir={self.backups}", "--history_interval=0s"]).start()
        self.channel = grpc.insecure_channel(self.server.address)
        activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)
        for m in MEMBERS:
            activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
                member=pb.activity_pb2.Member(member_id=m, display_name=m,
                                              team="north",
                                              industry="software")))
        self.restored = None

    def tearDown(self):
        self.channel.close()
        if self.restored is not None:
            self.restored.terminate()
        e2e.stop_server(self.server, self.dir)

    def cli(self, *args, **kwargs):
        return e2e.run_cli(ARGS.cli, self.server.address, *args, **kwargs)

    def test_backup_under_ingest_restores_every_acknowledged_event(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        ingesters = [Ingester(c, self.channel, now) for c in range(CLIENTS)]
        for i in ingesters:
            i.start()
        while min(len(i.acked_now()) for i in ingesters) < 3:
            time.sleep(0.01)
        # What was acknowledged before the backup call began.
        before = {i.client: i.acked_now() for i in ingesters}
        out = self.cli("admin", "backup", "--name=live.db").stdout
        time.sleep(0.2)  # Ingest goes on after the copy too.
        for i in ingesters:
            i.stop.set()
        for i in ingesters:
            i.join(60)
            self.assertIsNone(i.error)
        m = re.match(r"backup live\.db: (\d+) bytes, (\d+) events, snapshot "
                     r"\S+ \S+, took (\d+) ms", out)
        self.assertIsNotNone(m, out)
        backup_events = int(m.group(2))
        backup = os.path.join(self.backups, "live.db")
        self.assertEqual(os.path.getsize(backup), int(m.group(1)))
        total_acked = sum(len(i.acked_now()) for i in ingesters) * BATCH
        self.assertGreaterEqual(backup_events,
                                sum(len(b) for b in before.values()) * BATCH)
        self.assertLessEqual(backup_events, total_acked)

        # Restore refuses the database the running rapportd has open.
        refused = e2e.run_cli(ARGS.cli, "127.0.0.1:1", "admin", "restore",
                              f"--backup={backup}", f"--db={self.db}",
                              check=False)
        self.assertEqual(refused.returncode, 3, refused.stderr)
        self.assertIn("in use", refused.stderr)
        self.assertFalse(os.path.exists(self.db + ".before-restore"))

        # A damaged backup is refused, and nothing is created.
        damaged = os.path.join(self.dir, "damaged.db")
        shutil.copyfile(backup, damaged)
        with open(damaged, "r+b") as f:
            f.truncate(os.path.getsize(backup) // 3)
        fresh = os.path.join(self.dir, "restored", "rapport.db")
        os.makedirs(os.path.dirname(fresh))
        bad = e2e.run_cli(ARGS.cli, "127.0.0.1:1", "admin", "restore",
                          f"--backup={damaged}", f"--db={fresh}", check=False)
        self.assertEqual(bad.returncode, 4, bad.stderr)
        self.assertEqual(os.listdir(os.path.dirname(fresh)), [])

        # Restored into a fresh database, served by a second rapportd.
        done = e2e.run_cli(ARGS.cli, "127.0.0.1:1", "admin", "restore",
                           f"--backup={backup}", f"--db={fresh}")
        self.assertIn(f", {backup_events} events)", done.stdout.split("\n")[0])
        self.assertRegex(done.stdout,
                         rf"tenant default: {len(MEMBERS)} members, "
                         rf"{backup_events} events")
        self.restored = e2e.Rapportd(ARGS.rapportd, fresh, extra_args=[
            "--history_interval=0s"]).start()
        channel = self.grpc.insecure_channel(self.restored.address)
        stub = pb.activity_pb2_grpc.ActivityServiceStub(channel)
        members = stub.ListMembers(pb.activity_pb2.ListMembersRequest(
            page_size=100)).members
        self.assertEqual(sorted(m.member_id for m in members), MEMBERS)
        self.assertEqual(sum(m.event_count for m in members), backup_events,
                         "the members' counts agree with the events copied")

        # Every batch sent again: a batch is in the restored database whole
        # (all duplicates) or not at all (all accepted now); those
        # acknowledged before the backup began are all there.
        whole = 0
        for i in ingesters:
            for n in i.acked_now():
                r = stub.WriteEvents(pb.activity_pb2.WriteEventsRequest(
                    events=make_batch(i.client, n, now)))
                self.assertIn(r.duplicate_count, (0, BATCH),
                              f"client {i.client} batch {n}: {r}")
                self.assertEqual(r.duplicate_count + r.accepted_count, BATCH)
                if n in before[i.client]:
                    self.assertEqual(r.duplicate_count, BATCH,
                                     f"client {i.client} batch {n} was "
                                     "acknowledged before the backup")
                whole += r.duplicate_count
        self.assertEqual(whole, backup_events)
        channel.close()

        # rapportd stopped: restoring over its database keeps the old one.
        self.restored.terminate()
        over = e2e.run_cli(ARGS.cli, "127.0.0.1:1", "admin", "restore",
                           f"--backup={backup}", f"--db={fresh}")
        self.assertIn(f"kept as {fresh}.before-restore", over.stdout)
        self.assertTrue(os.path.exists(fresh + ".before-restore"))
        self.restored = None


if __name__ == "__main__":
    e2e.main_with_client(globals(), load_generated)
