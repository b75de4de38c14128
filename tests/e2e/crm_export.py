"""Generated CRM exports for the import tests and the import benchmark: a
Salesforce Task export (Data Loader layout, API field names as headers) and
a HubSpot activities export, written as those tools write CSV (RFC 4180,
CRLF, optionally a UTF-8 byte order mark), with free text that holds commas,
quotes and line breaks. Times are in the past relative to `now`, so the data
holds at any hour and across UTC midnight."""

import csv
import datetime

SALESFORCE_HEADER = [
    "Id", "WhoId", "WhatId", "OwnerId", "Subject", "ActivityDate", "Status",
    "Priority", "Type", "TaskSubtype", "CallType", "CallDurationInSeconds",
    "CreatedDate", "CompletedDateTime", "Description"]

# (TaskSubtype, Type, CallType, Status, Subject, what the built-in mapping
# makes of it: an event type name, or None for a skipped row).
SALESFORCE_KINDS = [
    ("Call", "", "Outbound", "Completed", "Call", "MESSAGE_SENT"),
    ("Call", "", "Inbound", "Completed", "Call from prospect",
     "MESSAGE_RECEIVED"),
    ("Call", "", "Internal", "Completed", "Sync", None),
    ("Email", "", "", "Completed", "Re: pricing, terms, \"next steps\"",
     "MESSAGE_SENT"),
    ("Task", "", "", "Completed", "Email: Intro,\nwith a line break",
     "MESSAGE_SENT"),
    ("ListEmail", "", "", "Completed", "Newsletter", None),
    ("LinkedIn", "", "", "Completed", "LinkedIn: Send connection request",
     "CONNECTION_REQUEST_SENT"),
    ("LinkedIn", "", "", "Completed", "LinkedIn: Send InMail, follow up",
     "MESSAGE_SENT"),
    ("LinkedIn", "", "", "Completed", "LinkedIn: View profile",
     "PROSPECT_PROFILE_VIEWED"),
    ("Call", "", "", "Not Started", "Call back", None),
    ("Task", "Call", "", "Completed", "Logged call", "MESSAGE_SENT"),
    ("Task", "Other", "", "Completed", "Prepare the QBR deck", None),
]

DESCRIPTIONS = [
    "Discussed pricing, terms and \"next steps\"",
    "Notes line 1\nline 2, with comma\r\nline 3",
    "Quote \"\" inside, and a comma",
    "plain",
]


class Tally:
    """What importing a generated export must report."""

    def __init__(self):
        self.rows = 0
        self.events = 0
        self.skipped = 0
        self.bad_lines = []  # 1-based lines of the rows that cannot map.
        self.owners = set()


def sf_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def write_salesforce(out, rows, now, owners=("005A01", "005A02", "005A03"),
                     bad_every=0, bom=True):
    """Writes `rows` Task rows to the text file `out` (opened with
    newline=""), one a minute back from two hours before `now`; with
    bad_every, every bad_every-th row is a call whose CompletedDateTime is
    '31/02/2024'. Returns the Tally."""
    tally = Tally()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SALESFORCE_HEADER)
    line = 2
    start = now - datetime.timedelta(hours=2, minutes=rows)
    for i in range(rows):
        bad = bad_every and i % bad_every == bad_every - 1
        subtype, type_, call_type, status, subject, outcome = (
            SALESFORCE_KINDS[0 if bad else i % len(SALESFORCE_KINDS)])
        owner = owners[i % len(owners)]
        t = start + datetime.timedelta(minutes=i)
        description = DESCRIPTIONS[i % len(DESCRIPTIONS)] + f" #{i}"
        completed = "31/02/2024" if bad else sf_time(t)
        writer.writerow([
            f"00T{1000000 + i}", f"003{500000 + i % 5000}",
            f"006{i % 777}", owner, subject, t.strftime("%Y-%m-%d"), status,
            "Normal", type_, subtype, call_type,
            "120" if subtype == "Call" else "",
            sf_time(t - datetime.timedelta(minutes=5)), completed,
            description])
        tally.rows += 1
        if bad:
            tally.bad_lines.append(line)
        elif outcome is None:
            tally.skipped += 1
        else:
            tally.events += 1
            tally.owners.add(owner)
        line += subject.count("\n") + description.count("\n") + 1
    return tally


HUBSPOT_HEADER = [
    "Record ID", "Activity date", "Activity type", "Email direction",
    "Call direction", "Activity assigned to", "Email subject",
    "Associated Contact IDs", "Associated Contact Job Title", "Body preview"]

# (Activity type, Email direction, Call direction, event type or None).
HUBSPOT_KINDS = [
    ("EMAIL", "EMAIL", "", "MESSAGE_SENT"),
    ("EMAIL", "INCOMING_EMAIL", "", "MESSAGE_RECEIVED"),
    ("EMAIL", "FORWARDED_EMAIL", "", None),
    ("CALL", "", "OUTBOUND", "MESSAGE_SENT"),
    ("CALL", "", "INBOUND", "MESSAGE_RECEIVED"),
    ("MEETING", "", "", "MEETING_BOOKED"),
    ("NOTE", "", "", None),
    ("TASK", "", "", None),
]


def write_hubspot(out, rows, now, owners=("Jane Doe", "Ravi Patel")):
    """Writes `rows` HubSpot activities (times "YYYY-MM-DD HH:MM" in UTC)
    to `out`; returns the Tally (owners as the member_ids the built-in
    mapping derives: "jane-doe")."""
    tally = Tally()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HUBSPOT_HEADER)
    start = now - datetime.timedelta(hours=2, minutes=rows)
    for i in range(rows):
        type_, email_dir, call_dir, outcome = HUBSPOT_KINDS[i % len(HUBSPOT_KINDS)]
        owner = owners[i % len(owners)]
        t = start + datetime.timedelta(minutes=i)
        contacts = f"{1000 + i % 300}" + (f";{9000 + i}" if i % 3 == 0 else "")
        writer.writerow([
            str(80000000 + i), t.strftime("%Y-%m-%d %H:%M"), type_, email_dir,
            call_dir, owner, "Re: hello, \"world\"" if type_ == "EMAIL" else "",
            contacts, "VP Sales" if i % 2 else "Account Executive",
            DESCRIPTIONS[i % len(DESCRIPTIONS)]])
        tally.rows += 1
        if outcome is None:
            tally.skipped += 1
        else:
            tally.events += 1
            tally.owners.add(owner.lower().replace(" ", "-"))
    return tally
