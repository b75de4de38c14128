#!/usr/bin/python3
"""`rapport import` end to end: generated Salesforce and HubSpot exports with
hostile content imported into the real rapportd, twice.

    import_e2e.py --rapportd BIN --cli BIN --mappings_dir DIR
"""
import argparse
import datetime
import json
import os
import sys
import unittest

import crm_export
import rapport_e2e as e2e

ARGS = None


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


class ImportE2ETest(unittest.TestCase):

    def setUp(self):
        self.dir = e2e.temp_dir()
        self.server = e2e.Rapportd(ARGS.rapportd,
                                   os.path.join(self.dir, "rapport.db"))
        self.server.start()

    def tearDown(self):
        rc = self.server.terminate()
        if rc not in (0, None):
            self.fail(f"rapportd exited {rc}: {self.server.log()}")

    def cli(self, *args, **kwargs):
        return e2e.run_cli(ARGS.cli, self.server.address, *args, **kwargs)

    def summary(self, proc):
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def members(self):
        out = self.cli("--json", "list-members", "--all").stdout
        return {m["memberId"]: m for line in out.splitlines() if line.strip()
                for m in json.loads(line).get("members", [])}

    def test_hostile_salesforce_export_imported_twice(self):
        path = os.path.join(self.dir, "tasks.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            tally = crm_export.write_salesforce(f, 10000, utc_now(),
                                                bad_every=100)
        self.assertEqual(len(tally.bad_lines), 100)
        args = ("--json", "import", "--mapping=salesforce-tasks",
                "--create_members", "--team=east", "--industry=software", path)
        first = self.cli(*args)
        s = self.summary(first)
        self.assertEqual(s["rows"], 10000)
        self.assertEqual(s["events"], tally.events)
        self.assertEqual(s["imported"], tally.events)
        self.assertEqual(s["duplicate"], 0)
        self.assertEqual(s["skipped"], tally.skipped)
        self.assertEqual(s["rejected"], 100)
        self.assertEqual(s["membersCreated"], 3)
        self.assertEqual([r["line"] for r in s["unmappedRows"]],
                         tally.bad_lines)
        self.assertEqual(first.stderr, "".join(
            f"{path}: line {n}, column CompletedDateTime: not a date: "
            f"'31/02/2024'\n" for n in tally.bad_lines))
        members = self.members()
        self.assertEqual(set(members), tally.owners)
        self.assertEqual(sum(int(m.get("eventCount", 0))
                             for m in members.values()), tally.events)

        second = self.summary(self.cli(*args))
        self.assertEqual(second["imported"], 0)
        self.assertEqual(second["duplicate"], tally.events)
        self.assertEqual(second["membersCreated"], 0)
        self.assertEqual(second["membersExisting"], 3)

    def test_hubspot_export_from_stdin_creates_named_members(self):
        path = os.path.join(self.dir, "activities.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            tally = crm_export.write_hubspot(f, 900, utc_now())
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        s = self.summary(self.cli(
            "--json", "import", "--mapping=hubspot-engagements",
            "--create_members", "--team=west", "--industry=saas", "-",
            input_text=text))
        self.assertEqual((s["imported"], s["skipped"], s["rejected"]),
                         (tally.events, tally.skipped, 0))
        members = self.members()
        self.assertEqual(set(members), tally.owners)
        self.assertEqual(members["jane-doe"]["displayName"], "Jane Doe")
        self.assertEqual(members["jane-doe"]["team"], "west")

    def test_members_that_exist_are_left_alone(self):
        self.cli("upsert-member", "--member_id=005A01",
                 "--display_name=Ana Existing", "--team=north",
                 "--industry=retail")
        path = os.path.join(self.dir, "tasks.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            crm_export.write_salesforce(f, 60, utc_now())
        self.cli("import", "--mapping=salesforce-tasks", "--create_members",
                 "--team=east", "--industry=software", path)
        member = self.members()["005A01"]
        self.assertEqual((member["displayName"], member["team"]),
                         ("Ana Existing", "north"))

    def test_unclosed_quote_stops_before_sending(self):
        path = os.path.join(self.dir, "broken.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            crm_export.write_salesforce(f, 30, utc_now(), bom=False)
            f.write('00T9,"003 never closed\r\n')
        with open(path, encoding="utf-8") as f:
            last = sum(1 for _ in f)
        proc = self.cli("import", "--mapping=salesforce-tasks",
                        "--create_members", "--team=east",
                        "--industry=software", path, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(f"{path}: line {last}: a quoted field is not closed",
                      proc.stderr)
        self.assertEqual(self.members(), {})

    def test_dry_run_and_printed_mapping(self):
        printed = self.cli("import", "--print_mapping=salesforce-tasks").stdout
        with open(os.path.join(ARGS.mappings_dir,
                               "salesforce-tasks.textproto")) as f:
            self.assertEqual(printed, f.read())
        custom = os.path.join(self.dir, "mine.textproto")
        with open(custom, "w") as f:
            f.write(printed.replace('"sf-"', '"crm-"'))
        path = os.path.join(self.dir, "tasks.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            tally = crm_export.write_salesforce(f, 120, utc_now())
        s = self.summary(self.cli("--json", "import", f"--mapping={custom}",
                                  "--dry_run", path))
        self.assertTrue(s["dryRun"])
        self.assertEqual(s["events"], tally.events)
        self.assertEqual(self.members(), {})

    def test_usage_errors(self):
        for args in (["import", "x.csv"],
                     ["import", "--mapping=salesforce-tasks",
                      "--format=linkedin-archive", "x.zip"],
                     ["import", "--mapping=salesforce-tasks",
                      "--create_members", "x.csv"]):
            self.assertEqual(self.cli(*args, check=False).returncode, 2, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--mappings_dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
