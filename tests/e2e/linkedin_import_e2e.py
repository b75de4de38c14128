#!/usr/bin/python3
"""A member's own LinkedIn data archive imported with the real `rapport`
CLI into the real rapportd: the profile snapshot, the events with their
refused rows by file and line, a second import all duplicates, a newer
archive adding only what is new, the score moving, and no name, profile URL
or message text anywhere in rapportd's database files.

The archive is generated here (Python's zipfile), never real data; its times
are relative to now and all in the past, at any hour.

    linkedin_import_e2e.py --rapportd BIN --cli BIN
"""
import argparse
import csv
import datetime
import io
import json
import os
import sys
import unittest
import zipfile

import rapport_e2e as e2e

ARGS = None
MEMBER = "rep-li"
SELF = ("Zora", "Quillfeather")
SELF_URL = "https://www.linkedin.com/in/zora-quillfeather-7"
# Strings of the archive that must never reach rapportd.
SECRETS = ["Quillfeather", "Xanthippe", "Wolfgangsson", "zora-quillfeather",
           "xanthippe-", "Confidential pricing", "Secret handshake",
           "Pipeline review", "Great seller"]


def utc(t):
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def csv_text(rows, eol="\n", bom=False, notes=()):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=eol)
    for line in notes:
        out.write(line + eol)
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def person_url(i):
    return f"https://www.linkedin.com/in/xanthippe-{i}"


def messages(count, newest, bad_every):
    """count messages, oldest first, a minute apart up to newest, in
    conversations of four alternating between the member and one person;
    every bad_every-th row's date unreadable. Returns the CSV (BOM, CRLF,
    quotes and line breaks in contents) and the lines of the bad rows."""
    rows = [["CONVERSATION ID", "CONVERSATION TITLE", "FROM",
             "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS", "DATE",
             "SUBJECT", "CONTENT", "FOLDER"]]
    bad_lines = []
    line = 2
    me = " ".join(SELF)
    for i in range(count):
        conv = i // 4
        other = f"Xanthippe Wolfgangsson {conv}"
        mine = i % 2 == 0
        bad = (i + 1) % bad_every == 0
        content = (f'Confidential pricing, "tier {i}"\nSecret handshake'
                   if i % 5 == 0 else f"Pipeline review {i}")
        date = ("last Tuesday" if bad else
                utc(newest - datetime.timedelta(minutes=count - 1 - i)))
        rows.append([f"2-conv{conv}==", "", me if mine else other,
                     SELF_URL if mine else person_url(conv),
                     other if mine else me,
                     person_url(conv) if mine else SELF_URL, date, "",
                     content, "INBOX"])
        if bad:
            bad_lines.append(line)
        line += 1 + content.count("\n")
    return csv_text(rows, eol="\r\n", bom=True), bad_lines


def archive(path, message_count, newest, base):
    """Writes the archive: messages.csv's newest message at `newest`, the
    other files' times before `base`. Returns the bad lines of its
    messages.csv."""
    days_ago = (base - datetime.timedelta(days=3)).strftime("%d %b %Y")
    msgs, bad_lines = messages(message_count, newest, 100)
    newest = base
    files = {
        "Profile.csv": csv_text([
            ["First Name", "Last Name", "Maiden Name", "Headline", "Summary"],
            [SELF[0], SELF[1], "", "Seller", "Sells, \"well\""]]),
        "Positions.csv": csv_text([
            ["Company Name", "Title", "Description", "Started On"],
            ["Acme", "AE", "Closed deals", "Jan 2020"],
            ["Beta", "SDR", "", "Jan 2018"],
            ["Gamma", "Intern", "Learned", "Jan 2017"]]),
        "Education.csv": csv_text([["School Name", "Degree Name"],
                                   ["Uni", "BA"]]),
        "Skills.csv": csv_text([["Name"], ["Selling"], ["Listening"],
                                ["Negotiation"]]),
        "Certifications.csv": csv_text([["Name", "Authority"],
                                        ["Sales cert", "Org"]]),
        "Courses.csv": csv_text([["Name", "Number"], ["Negotiation", "N1"]]),
        "Volunteering.csv": csv_text([["Company Name", "Role"],
                                      ["Food bank", "Helper"]]),
        "Recommendations_Received.csv": csv_text([
            ["First Name", "Last Name", "Company", "Job Title", "Text",
             "Creation Date", "Status"],
            ["Xanthippe", "Wolfgangsson", "Acme", "VP", "Great seller",
             (newest - datetime.timedelta(days=5)).strftime(
                 "%m/%d/%y, %I:%M %p"), "VISIBLE"]]),
        "Connections.csv": csv_text(
            [["First Name", "Last Name", "URL", "Email Address", "Company",
              "Position", "Connected On"]] +
            [["Xanthippe", f"Wolfgangsson {i}", person_url(i), "", "Acme",
              "CTO", days_ago] for i in range(30)],
            notes=["Notes:",
                   '"When exporting your connection data, some e-mail '
                   'addresses may be missing."', ""]),
        "Invitations.csv": csv_text([
            ["From", "To", "Sent At", "Message", "Direction",
             "inviterProfileUrl", "inviteeProfileUrl"],
            [" ".join(SELF), "Xanthippe Wolfgangsson 99",
             (newest - datetime.timedelta(days=1)).strftime(
                 "%m/%d/%y, %I:%M %p"), "Secret handshake", "OUTGOING",
             SELF_URL, person_url(99)],
            ["Xanthippe Wolfgangsson 98", " ".join(SELF),
             (newest - datetime.timedelta(days=1)).strftime(
                 "%m/%d/%y, %I:%M %p"), "", "INCOMING",
             person_url(98), SELF_URL]]),
        "messages.csv": msgs,
        "Shares.csv": csv_text([
            ["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl",
             "Visibility"],
            [utc(newest - datetime.timedelta(hours=5)),
             "https://www.linkedin.com/feed/update/urn:li:share:1",
             "Confidential pricing thoughts", "", "", "MEMBER_NETWORK"],
            [utc(newest - datetime.timedelta(hours=6)),
             "https://www.linkedin.com/feed/update/urn:li:share:2",
             "Worth a read", "https://example.com/a", "", "MEMBER_NETWORK"]]),
        "Comments.csv": csv_text([
            ["Date", "Link", "Message"],
            [utc(newest - datetime.timedelta(hours=7)),
             "https://www.linkedin.com/feed/update/urn:li:activity:3",
             "Secret handshake,\nagreed"]]),
        "Reactions.csv": csv_text([
            ["Date", "Type", "Link"],
            [utc(newest), "LIKE",
             "https://www.linkedin.com/feed/update/urn:li:activity:4"]]),
        "Rich_Media.csv": csv_text([["Date/Time", "Media Link"]]),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(f"Basic_LinkedInDataExport/{name}",
                       text.encode("utf-8"))
    return bad_lines


class LinkedInImportE2ETest(unittest.TestCase):

    def setUp(self):
        self.dir = e2e.temp_dir()
        self.db = os.path.join(self.dir, "rapport.db")
        self.server = e2e.Rapportd(ARGS.rapportd, self.db).start()
        self.cli("upsert-member", f"--member_id={MEMBER}",
                 "--display_name=Rep LI", "--team=north",
                 "--industry=software", '--profile={"hasPhoto":true,'
                 '"boardRolesCount":1,"skillsCount":40}')

    def tearDown(self):
        e2e.stop_server(self.server, self.dir)

    def cli(self, *args, **kwargs):
        return e2e.run_cli(ARGS.cli, self.server.address, *args, **kwargs)

    def import_archive(self, path, *extra):
        out = self.cli("--json", "import", "--format=linkedin-archive", path,
                       f"--member={MEMBER}", *extra).stdout
        return json.loads(out)

    def test_import_twice_then_a_newer_archive(self):
        # An hour before now, whole seconds: every event is in the past.
        newest = (datetime.datetime.now(datetime.timezone.utc)
                  .replace(microsecond=0) - datetime.timedelta(hours=1))
        first = os.path.join(self.dir, "first.zip")
        bad_lines = archive(first, 1000, newest - datetime.timedelta(
            minutes=10), newest)
        self.assertEqual(len(bad_lines), 10)

        dry = self.import_archive(first, "--dry_run")
        self.assertTrue(dry["dryRun"])
        got = self.import_archive(first)
        self.assertFalse(got["dryRun"])
        self.assertEqual(dry["events"], got["events"])
        self.assertEqual(
            [(b["file"], b["line"]) for b in got["badRowList"]],
            [("Basic_LinkedInDataExport/messages.csv", n) for n in bad_lines])
        by_type = got["eventsByType"]
        self.assertEqual(by_type["EVENT_TYPE_MESSAGE_SENT"] +
                         by_type["EVENT_TYPE_MESSAGE_RECEIVED"], 990)
        self.assertEqual(by_type["EVENT_TYPE_CONNECTION_ACCEPTED"], 30)
        self.assertEqual(by_type["EVENT_TYPE_CONNECTION_REQUEST_SENT"], 1)
        self.assertEqual(by_type["EVENT_TYPE_POST_PUBLISHED"], 1)
        self.assertEqual(by_type["EVENT_TYPE_CONTENT_SHARED"], 1)
        self.assertEqual(by_type["EVENT_TYPE_COMMENT_MADE"], 1)
        self.assertEqual(by_type["EVENT_TYPE_RECOMMENDATION_RECEIVED"], 1)
        self.assertEqual(got["accepted"], got["events"], got["rejectedEvents"])
        self.assertEqual(got["rejected"], 0)
        ignored = {f["file"].split("/")[-1]: f["reason"]
                   for f in got["filesIgnored"]}
        self.assertIn("Reactions.csv", ignored)
        self.assertIn("Rich_Media.csv", ignored)

        member = json.loads(self.cli("--json", "get-member", MEMBER)
                            .stdout)["member"]
        profile = member["profile"]
        self.assertEqual(member["displayName"], "Rep LI")
        self.assertEqual(profile, {
            "hasPhoto": True, "hasHeadline": True, "hasSummary": True,
            "positionsCount": 3, "positionsWithDescriptionCount": 2,
            "educationCount": 1, "skillsCount": 3, "certificationsCount": 2,
            "volunteerRolesCount": 1, "boardRolesCount": 1,
            "recommendationsReceivedCount": 1, "connectionsCount": 30})
        self.assertEqual(int(member["eventCount"]), got["events"])

        again = self.import_archive(first)
        self.assertEqual(again["accepted"], 0)
        self.assertEqual(again["duplicate"], got["events"])
        self.assertEqual(again["conflicting"], 0)

        newer = os.path.join(self.dir, "newer.zip")
        archive(newer, 1010, newest, newest)
        more = self.import_archive(newer)
        self.assertEqual(more["accepted"], 10)
        self.assertEqual(more["duplicate"], got["events"])
        self.assertEqual(more["conflicting"], 0)

        score = json.loads(self.cli("--json", "score", MEMBER).stdout)
        self.assertGreater(score["score"]["total"], 0, score)

        # Nothing that names a person or quotes a message reached rapportd.
        self.cli("list-members")
        for name in os.listdir(self.dir):
            if not name.startswith("rapport.db"):
                continue
            with open(os.path.join(self.dir, name), "rb") as f:
                data = f.read().lower()
            for secret in SECRETS:
                self.assertNotIn(secret.lower().encode(), data,
                                 f"{secret} in {name}")

    def test_human_report_and_an_unknown_member(self):
        newest = (datetime.datetime.now(datetime.timezone.utc)
                  .replace(microsecond=0) - datetime.timedelta(hours=1))
        path = os.path.join(self.dir, "a.zip")
        archive(path, 200, newest, newest)
        out = self.cli("import", "--format=linkedin-archive", path,
                       f"--member={MEMBER}").stdout
        self.assertIn("files used:", out)
        self.assertIn("files ignored:", out)
        self.assertIn("rows refused: 2", out)
        self.assertIn("accepted", out)
        proc = self.cli("import", "--format=linkedin-archive", path,
                        "--member=nobody", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("NOT_FOUND", proc.stderr)
        proc = self.cli("import", "--format=csv", path, f"--member={MEMBER}",
                        check=False)
        self.assertEqual(proc.returncode, 2)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
