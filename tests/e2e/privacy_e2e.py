#!/usr/bin/env python3
"""Protecting the people in the data, end to end, as an operator does it
with the rapport CLI against the real rapportd (TLS, API keys, read
auditing on):

- a prospect of the demo organisation is erased across every rep
  (`rapport admin erase-contact`): the response matches the events that
  named them, their events sent again are refused, the scores of the reps
  concerned move;
- a rep is deleted: no table, no byte of the database file and no /metrics
  series holds their id any more;
- `rapport admin audit` shows each change with the key that made it, the
  erased people only by digest, and score reads with their reader.

  privacy_e2e.py --rapportd PATH --cli PATH
"""

import argparse
import collections
import json
import os
import sqlite3
import ssl
import sys
import time
import unittest
import urllib.request

import rapport_e2e as e2e

ARGS = None
END_TIME = "2026-11-20T12:00:00Z"


class PrivacyEndToEndTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = e2e.temp_dir()
        d = cls.dir
        e2e.make_certs(d)
        cls.ca = os.path.join(d, "ca.pem")
        cls.db = os.path.join(d, "rapport.db")
        cls.admin_key = e2e.bootstrap_admin_key(ARGS.rapportd, cls.db, "acme")
        cls.server = e2e.Rapportd(
            ARGS.rapportd, cls.db,
            extra_args=["--auth=on", "--score_refresh=0s",
                        "--history_interval=0s", "--audit_reads",
                        f"--tls_cert_file={d}/server.pem",
                        f"--tls_key_file={d}/server.key"])
        cls.server.start()
        cls.keys = {"admin": cls.admin_key}
        for name, args in (("integration", ["--role=integration"]),
                           ("manager", ["--role=manager", "--teams=Atlas"]),
                           ("metrics", ["--role=metrics"])):
            cls.keys[name] = cls.cli("admin", "create-key", f"--name={name}",
                                     *args).stdout.strip()
        demo = ["demo", "--members=12", "--days=30", "--seed=5",
                f"--end_time={END_TIME}"]
        cls.cli(*demo, key=cls.keys["integration"])
        cls.events_file = os.path.join(d, "events.jsonl")
        cls.cli(*demo, f"--write_jsonl={cls.events_file}",
                f"--write_members_jsonl={os.path.join(d, 'members.jsonl')}")
        with open(cls.events_file) as f:
            cls.events = [json.loads(line) for line in f if line.strip()]

    @classmethod
    def tearDownClass(cls):
        e2e.stop_server(cls.server, cls.dir)

    @classmethod
    def cli(cls, *args, key=None, check=True):
        env = {**os.environ, "RAPPORT_API_KEY": key or cls.admin_key}
        return e2e.run_cli(ARGS.cli, cls.server.address,
                           f"--tls_ca_file={cls.ca}", *args, env=env,
                           check=check)

    def key_id(self, role):
        return "key:" + self.keys[role].split("_")[1]

    def audit(self, *args):
        out = self.cli("--json", "admin", "audit", "--max_results=1000",
                       *args).stdout
        return json.loads(out).get("events", [])

    def totals(self, members):
        out = json.loads(self.cli("--json", "batch-scores", *members).stdout)
        return {s["memberId"]: s["total"] for s in out.get("scores", [])}

    def test_1_erasing_a_prospect_reaches_every_rep_and_stays(self):
        by_contact = collections.defaultdict(list)
        for e in self.events:
            contact = e.get("contact", {}).get("contactId")
            if contact:
                by_contact[contact].append(e)
        # The contact met by most reps whose id is part of no other id, so
        # that its bytes can be looked for in the database file.
        every_id = set(by_contact) | {e["memberId"] for e in self.events}
        contact, named = max(
            ((c, evs) for c, evs in by_contact.items()
             if not any(c in other for other in every_id if other != c)),
            key=lambda kv: len({e["memberId"] for e in kv[1]}))
        members = sorted({e["memberId"] for e in named})
        before = self.totals(members)

        out = json.loads(self.cli("--json", "admin", "erase-contact",
                                  contact).stdout)
        self.assertEqual(int(out["deletedEventCount"]), len(named))
        self.assertEqual(out["memberIds"], members)
        after = self.totals(members)
        self.assertTrue(any(abs(after[m] - before[m]) > 1e-9 for m in members),
                        f"no score moved: {before} -> {after}")
        self.assertEqual(self.traces(contact), [])
        # Again: nothing left to erase, still fine.
        again = json.loads(self.cli("--json", "admin", "erase-contact",
                                    contact).stdout)
        self.assertEqual(int(again.get("deletedEventCount", 0)), 0)

        # The CRM sends the whole file again: the prospect's events are
        # refused, naming the erasure; everything else is a duplicate.
        resent = json.loads(self.cli("--json", "ingest", self.events_file,
                                     key=self.keys["integration"]).stdout)
        self.assertEqual(resent["accepted"], 0)
        self.assertEqual(resent["rejected"], len(named))
        self.assertEqual(resent["duplicate"], len(self.events) - len(named))
        for r in resent["rejectedEvents"]:
            self.assertEqual(r["field"], "contact.contact_id")
            self.assertIn("was erased", r["reason"])

        entries = self.audit("--target=contact:" + contact)
        self.assertEqual(len(entries), 2)
        for entry in entries:
            self.assertEqual(entry["method"],
                             "/rapport.v1.AdminService/EraseContact")
            self.assertEqual(entry["principal"], self.key_id("admin"))
            self.assertTrue(entry["target"].startswith("contact:sha256:"))
            self.assertNotIn(contact, json.dumps(entry))

    def test_2_a_deleted_rep_leaves_no_trace(self):
        member = "rep-003"
        scrape = self.metrics()
        self.assertIn(f'member="{member}"', scrape)
        self.cli("delete-member", member, key=self.keys["integration"])
        self.assertNotIn(member, self.metrics())
        self.assertEqual(self.traces(member), [])
        deleted = self.audit("--target=member:" + member)
        self.assertTrue(deleted)
        self.assertEqual(deleted[0]["method"],
                         "/rapport.v1.ActivityService/DeleteMember")
        self.assertEqual(deleted[0]["principal"], self.key_id("integration"))

    def test_3_reads_are_audited_with_their_reader(self):
        self.cli("score", "rep-001", key=self.keys["manager"])
        reads = []
        for _ in range(50):
            reads = [e for e in self.audit("--target=member:rep-001",
                                           "--principal=" +
                                           self.key_id("manager"))
                     if e["method"] == "/rapport.v1.ScoringService/GetScore"]
            if reads:
                break
            time.sleep(0.1)
        self.assertEqual(len(reads), 1)
        text = self.cli("admin", "audit", "--max_results=5").stdout
        self.assertRegex(text, r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ  key:")

    def traces(self, text):
        """Where `text` still occurs: table names whose rows hold it, and
        the database files whose bytes do."""
        found = []
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                for row in conn.execute(f'SELECT * FROM "{table}"'):
                    if text in " ".join(map(str, row)):
                        found.append(table)
                        break
        finally:
            conn.close()
        for path in (self.db, self.db + "-wal"):
            if os.path.exists(path):
                with open(path, "rb") as f:
                    if text.encode() in f.read():
                        found.append(path)
        return found

    def metrics(self):
        request = urllib.request.Request(
            f"https://127.0.0.1:{self.server.metrics_port}/metrics",
            headers={"Authorization": "Bearer " + self.keys["metrics"]})
        context = ssl.create_default_context(cafile=self.ca)
        with urllib.request.urlopen(request, context=context,
                                    timeout=30) as r:
            return r.read().decode()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest)
