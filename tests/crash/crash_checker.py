"""The crash test's checker, in the manner of Jepsen's set checker: the
history of what clients sent and what they were told (crash_history.py)
against what the database holds once rapportd has been started and stopped
cleanly.

Where it reads: the member list and each member's event count come through
the API (ListMembers); per-event presence, the aggregates and the score
history come from the SQLite file, opened with Python's sqlite3 after the
clean shutdown. Aggregates are recounted here from the events table alone:
daily counts as sums of quantities, thread and contact state by the rules of
server/store/activity_state.h written again in Python.

Every figure in Report.counts is a count; Report.failures() lists those that
break a promise (an acknowledged event lost, an event counted twice, a
deleted member's data present, an aggregate that disagrees with its events,
a half-applied batch, a hole in the recorded history...).
"""

import collections
import sqlite3

import crash_history as ch
import crash_workload as wl

DAY_US = wl.DAY_US

# Counts that must be zero, with how the summary names them.
FAILURE_COUNTS = (
    ("lost", "acknowledged events lost"),
    ("duplicated", "events stored twice"),
    ("duplicated_buckets", "daily counts above their recount"),
    ("deleted_but_present", "events of a deleted member present"),
    ("deleted_rows", "rows of deleted members in other tables"),
    ("rejected_but_present", "rejected events present"),
    ("half_applied", "half-applied batches"),
    ("stream_order", "stream batches committed out of order"),
    ("corrupted", "events stored unlike sent"),
    ("phantom", "events stored that nobody sent"),
    ("member_mismatch", "member event counts / last times off"),
    ("api_mismatch", "API event counts unlike the database"),
    ("daily_mismatch", "daily count buckets off their recount"),
    ("thread_mismatch", "threads off their recount"),
    ("contact_mismatch", "contacts off their recount"),
    ("history_duplicate_days", "history days recorded twice"),
    ("history_gaps", "history days missing"),
    ("history_future_days", "history days after recorded-through"),
    ("history_orphans", "history rows of absent members"),
    ("history_rerecord_mismatch", "history days unlike a re-recording"),
    ("client_anomalies", "responses breaking a promise"),
    ("errors_while_up", "errors from a live server"),
    ("integrity", "SQLite integrity_check problems"),
)


class Report:
    def __init__(self):
        self.counts = collections.Counter()
        self.examples = collections.defaultdict(list)

    def bad(self, key, example, n=1):
        self.counts[key] += n
        if len(self.examples[key]) < 5:
            self.examples[key].append(example)

    def failures(self):
        return [(k, label, self.counts[k]) for k, label in FAILURE_COUNTS
                if self.counts[k]]


def read_db(db_path):
    """The tables the checker needs, read in one go."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        q = lambda sql: conn.execute(sql).fetchall()
        return {
            "integrity": q("PRAGMA integrity_check"),
            "journal_mode": q("PRAGMA journal_mode")[0][0],
            "events": q("SELECT tenant, event_id, member_id, occur_time, type,"
                        " channel, contact_id, seniority, contact_industry,"
                        " contact_region, contact_category, thread_id,"
                        " content_id, quantity FROM events"),
            "members": q("SELECT tenant, member_id, event_count,"
                         " last_event_time FROM members"),
            "daily": q("SELECT tenant, member_id, day, type, channel,"
                       " seniority, count FROM daily_counts"),
            "threads": q("SELECT * FROM threads"),
            "thread_cols": [d[1] for d in q("PRAGMA table_info(threads)")],
            "contacts": q("SELECT * FROM contacts"),
            "contact_cols": [d[1] for d in q("PRAGMA table_info(contacts)")],
            "history": q("SELECT tenant, member_id, day, total FROM"
                         " score_history"),
            "history_work": q("SELECT tenant, member_id FROM history_work"),
            "history_state": q("SELECT tenant, recorded_through_day FROM"
                               " history_state"),
            "score_changes": q("SELECT tenant, member_id FROM score_changes"),
        }
    finally:
        conn.close()


# ---- Recounts, after server/store/activity_state.cc ----

def _take_attributes(state, e):
    if e["sen"]:
        state["seniority"] = e["sen"]
    if e["cat"]:
        state["category"] = e["cat"]


def derive_thread(events):
    """DeriveThreadState over `events` sorted by (occur_time, event_id)."""
    s = dict(thread_id=None, contact_id=None, channel=0, seniority=0,
             category=0, first_outbound_time=None, last_outbound_time=None,
             first_inbound_time=None, last_inbound_time=None,
             first_reply_time=None, first_answer_time=None, outbound_count=0,
             inbound_count=0, follow_up_count=0, follow_ups_before_reply=0,
             last_activity_time=None)
    evs = [e for e in events if e["type"] in wl.THREAD_TYPES]
    if not evs:
        return None
    s["thread_id"], s["contact_id"], s["channel"] = (
        evs[0]["th"], evs[0]["c"], evs[0]["ch"])
    for e in evs:
        _take_attributes(s, e)
        if e["type"] in (wl.MESSAGE_SENT, wl.FOLLOW_UP):
            if s["first_outbound_time"] is None:
                s["first_outbound_time"] = e["t"]
            s["last_outbound_time"] = e["t"]
            s["outbound_count"] += 1
            if e["type"] == wl.FOLLOW_UP:
                s["follow_up_count"] += 1
        else:
            if s["first_inbound_time"] is None:
                s["first_inbound_time"] = e["t"]
            s["last_inbound_time"] = e["t"]
            s["inbound_count"] += 1
    for e in evs:
        if e["type"] in (wl.MESSAGE_SENT, wl.FOLLOW_UP):
            if (s["first_inbound_time"] is not None and
                    e["t"] > s["first_inbound_time"] and
                    s["first_answer_time"] is None):
                s["first_answer_time"] = e["t"]
        elif (s["first_outbound_time"] is not None and
              e["t"] > s["first_outbound_time"] and
              s["first_reply_time"] is None):
            s["first_reply_time"] = e["t"]
    for e in evs:
        if e["type"] == wl.FOLLOW_UP and (
                s["first_reply_time"] is None or e["t"] < s["first_reply_time"]):
            s["follow_ups_before_reply"] += 1
    s["last_activity_time"] = evs[-1]["t"]
    return s


def derive_contact(events):
    """DeriveContactState over `events` sorted by (occur_time, event_id)."""
    evs = [e for e in events if e["type"] in wl.CONTACT_TYPES]
    if not evs:
        return None
    s = dict(contact_id=evs[0]["c"], seniority=0, category=0, industry="",
             region="", first_time=evs[0]["t"], last_outbound_time=None,
             last_inbound_time=None, connection_requested_time=None,
             connection_accepted_time=None, met_at_event_time=None,
             followed_up_after_event_time=None, outbound_count=0,
             inbound_count=0, meetings_booked=0,
             last_activity_time=evs[-1]["t"])
    for e in evs:
        _take_attributes(s, e)
        if e["ind"]:
            s["industry"] = e["ind"]
        if e["reg"]:
            s["region"] = e["reg"]
        t = e["type"]
        if t in (wl.MESSAGE_SENT, wl.FOLLOW_UP):
            s["last_outbound_time"] = e["t"]
            s["outbound_count"] += 1
        elif t == wl.MESSAGE_RECEIVED:
            s["last_inbound_time"] = e["t"]
            s["inbound_count"] += 1
        elif t == wl.CONNECT_SENT:
            if s["connection_requested_time"] is None:
                s["connection_requested_time"] = e["t"]
        elif t == wl.CONNECT_ACCEPTED:
            if s["connection_accepted_time"] is None:
                s["connection_accepted_time"] = e["t"]
        elif t == wl.MET_AT_EVENT:
            s["met_at_event_time"] = e["t"]
        elif t == wl.MEETING:
            s["meetings_booked"] += 1
    if s["met_at_event_time"] is not None:
        for e in evs:
            if (e["type"] in (wl.MESSAGE_SENT, wl.FOLLOW_UP) and
                    e["t"] >= s["met_at_event_time"]):
                s["followed_up_after_event_time"] = e["t"]
                break
    return s


def stored_event(row):
    (tenant, event_id, member, t, kind, channel, contact, sen, ind, reg, cat,
     thread, _content, quantity) = row
    return {"tenant": tenant, "id": event_id, "m": member, "t": t,
            "type": kind, "ch": channel, "c": contact, "sen": sen,
            "ind": ind, "reg": reg, "cat": cat, "th": thread, "q": quantity}


# ---- Expectations from the history ----

def reserved_verdicts(history, final_members, report):
    """For the reserved members' batches: the ids of those a delete that
    took effect came after (their events must be gone). A delete whose
    answer the kill swallowed took effect when the next round's GetMember
    (or, at the end, ListMembers) no longer finds the member."""
    erased = set()
    for member, ops in history.member_ops.items():
        pending = []
        for i, (_, op, outcome, detail) in enumerate(ops):
            if op == "ingest":
                pending.append(detail["batch"])
                continue
            if op != "delete":
                continue
            applied = outcome == ch.ACK
            if outcome == ch.UNKNOWN:
                later = [d for (_, o, out, d) in ops[i + 1:]
                         if o == "probe" and out == ch.ACK]
                applied = (not later[0]["exists"] if later
                           else member not in final_members)
            if applied:
                report.counts["deletes_applied"] += 1
                if outcome == ch.ACK:
                    check_deleted_count(history, pending, detail["deleted"],
                                        member, report)
                erased.update(pending)
                pending = []
    return erased


def check_deleted_count(history, batch_ids, deleted, member, report):
    """An acknowledged delete's deleted_event_count lies between the
    acknowledged and the sent events of the member's current life."""
    low = high = 0
    for bid in batch_ids:
        b = history.batches[bid]
        n = len([e for e in b.events if e["id"] not in b.rejected])
        high += n
        if b.acked():
            low += n
    if not low <= deleted <= high:
        report.bad("deleted_but_present",
                   f"delete of {member} removed {deleted} events; "
                   f"acknowledged {low}, sent {high}")


def check_events(history, db, final_members, report):
    stored = {}
    for row in db["events"]:
        e = stored_event(row)
        if e["id"] in stored:
            report.bad("duplicated", f"event {e['id']} stored twice")
        stored[e["id"]] = e
    erased = reserved_verdicts(history, final_members, report)
    sent_ids = set()
    stream_commits = collections.defaultdict(dict)
    for bid in history.batch_order:
        b = history.batches[bid]
        if not b.attempts:
            continue  # Made, never sent.
        report.counts["batches_sent"] += 1
        report.counts["events_sent"] += len(b.events)
        acked = b.acked()
        accepted_by_ack = any(a[2] == ch.ACK and a[3].get("accepted", 0) > 0
                              for a in b.attempts)
        if b.first_outcome() != ch.ACK:
            report.counts["events_unacked_at_first"] += len(b.events)
        present = 0
        for e in b.events:
            sent_ids.add(e["id"])
            got = stored.get(e["id"])
            if acked and e["id"] not in b.rejected:
                report.counts["events_acked"] += 1
            if got is not None:
                present += 1
                want = dict(e, tenant=got["tenant"])
                if got != want:
                    report.bad("corrupted", f"{e['id']}: sent {e}, "
                               f"stored {got}")
            if bid in erased:
                if got is not None:
                    report.bad("deleted_but_present",
                               f"{e['id']} of {e['m']} after its delete")
                continue
            if e["id"] in b.rejected:
                if got is not None:
                    report.bad("rejected_but_present", e["id"])
                continue
            if acked and got is None:
                report.bad("lost", f"{e['id']} of {e['m']} (batch {bid}, "
                           f"attempts {b.attempts})")
            if got is not None and not accepted_by_ack:
                report.counts["recovered_unacked"] += 1
        if bid not in erased and not b.rejected and 0 < present < len(
                b.events):
            report.bad("half_applied",
                       f"batch {bid}: {present} of {len(b.events)} stored")
        if b.stream is not None and b.first_outcome() == ch.UNKNOWN:
            # Whether the stream itself committed the batch: its first retry
            # found it all stored, or it was never retried and is stored. A
            # first retry that went unanswered leaves it unknowable.
            if len(b.attempts) == 1:
                stream_commits[b.stream][b.index] = present > 0
            elif b.attempts[1][2] == ch.ACK:
                stream_commits[b.stream][b.index] = (
                    b.attempts[1][3].get("accepted") == 0)
    for sid, commits in stream_commits.items():
        flags = [commits[i] for i in sorted(commits)]
        if any(later and not earlier
               for earlier, later in zip(flags, flags[1:])):
            report.bad("stream_order", f"stream {sid}: committed {flags}")
    for event_id in stored.keys() - sent_ids:
        report.bad("phantom", event_id)
    return stored


def check_aggregates(db, stored, api_counts, report):
    by_member = collections.defaultdict(list)
    for e in stored.values():
        by_member[(e["tenant"], e["m"])].append(e)
    for events in by_member.values():
        events.sort(key=lambda e: (e["t"], e["id"]))
    members = {(t, m): (count, last) for t, m, count, last in db["members"]}
    for key in members.keys() | by_member.keys():
        events = by_member.get(key, [])
        want = (len(events), events[-1]["t"] if events else None)
        got = members.get(key)
        if got != want:
            report.bad("member_mismatch", f"{key}: stored {got}, recount "
                       f"{want}")
        if key[1] in api_counts and api_counts[key[1]] != len(events):
            report.bad("api_mismatch", f"{key[1]}: API says "
                       f"{api_counts[key[1]]} events, the table {len(events)}")
    # Daily counts.
    recount = collections.Counter()
    for e in stored.values():
        recount[(e["tenant"], e["m"], e["t"] // DAY_US, e["type"], e["ch"],
                 e["sen"])] += e["q"]
    daily = {tuple(r[:6]): r[6] for r in db["daily"]}
    report.counts["daily_buckets_checked"] = len(daily.keys() | recount.keys())
    for key in daily.keys() | recount.keys():
        got, want = daily.get(key, 0), recount.get(key, 0)
        if got > want:
            report.bad("duplicated_buckets", f"{key}: {got} > recount {want}")
        elif got < want:
            report.bad("daily_mismatch", f"{key}: {got} < recount {want}")
    # Threads and contacts.
    for table, derive, key_field, cols, mismatch in (
            ("threads", derive_thread, "th", "thread_cols",
             "thread_mismatch"),
            ("contacts", derive_contact, "c", "contact_cols",
             "contact_mismatch")):
        groups = collections.defaultdict(list)
        for (tenant, member), events in by_member.items():
            for e in events:
                if e[key_field]:
                    groups[(tenant, member, e[key_field])].append(e)
        want = {}
        for key, events in groups.items():
            state = derive(events)
            if state is not None:
                want[key] = state
        got = {}
        for row in db[table]:
            rec = dict(zip(db[cols], row))
            name = rec["thread_id"] if table == "threads" else rec[
                "contact_id"]
            got[(rec["tenant"], rec["member_id"], name)] = rec
        report.counts[f"{table}_checked"] = len(want.keys() | got.keys())
        for key in want.keys() | got.keys():
            w, g = want.get(key), got.get(key)
            if w is None or g is None:
                report.bad(mismatch, f"{key}: stored {g}, recount {w}")
                continue
            diff = {f: (g[f], w[f]) for f in w if g[f] != w[f]}
            if diff:
                report.bad(mismatch, f"{key}: (stored, recount) {diff}")


def check_deleted_members(db, final_members, report):
    """No table keeps rows of a member the API no longer lists."""
    for table in ("events", "members", "daily", "threads", "contacts",
                  "history", "history_work", "score_changes"):
        for row in db[table]:
            member = row[2] if table == "events" else row[1]
            if member not in final_members:
                report.bad("deleted_rows", f"{table}: {row[:4]}")


def check_history(db, stable, history_days, report):
    through = {t: d for t, d in db["history_state"]}
    days = collections.defaultdict(list)
    for tenant, member, day, _ in db["history"]:
        days[(tenant, member)].append(day)
    report.counts["history_days_checked"] = len(db["history"])
    if not through or any(d is None for d in through.values()):
        report.bad("history_gaps", f"nothing recorded: {through}")
        return
    if db["history_work"]:
        report.bad("history_gaps", f"work left: {db['history_work'][:5]}")
    for (tenant, member), ds in days.items():
        last = through.get(tenant)
        counted = collections.Counter(ds)
        for day, n in counted.items():
            if n > 1:
                report.bad("history_duplicate_days", f"{member} day {day}")
            if last is not None and day > last:
                report.bad("history_future_days", f"{member} day {day} > "
                           f"{last}")
        want = set(range(min(ds), last + 1)) if last is not None else set()
        if member in stable:
            want |= set(range(last - history_days + 1, last + 1))
        missing = sorted(want - set(ds))
        if missing:
            report.bad("history_gaps", f"{member}: days {missing[:5]}... "
                       f"({len(missing)}) missing, recorded through {last}",
                       n=len(missing))
    for tenant, last in through.items():
        for member in stable:
            if (tenant, member) not in days:
                report.bad("history_gaps", f"{member}: no history at all",
                           n=history_days)


def compare_rerecord(db, fresh, report):
    """Each recorded day equals the day recorded again from scratch."""
    again = {(t, m, d): total for t, m, d, total in fresh["history"]}
    for t, m, d, total in db["history"]:
        other = again.get((t, m, d))
        if other is None or abs(other - total) > 1e-9:
            report.bad("history_rerecord_mismatch",
                       f"{m} day {d}: recorded {total}, again {other}")
        report.counts["history_days_rerecorded"] += 1


def check(history, db, api_counts, stable, history_days):
    """The full report. `api_counts`: member_id -> event_count from
    ListMembers on the clean server; `stable`: members never deleted."""
    report = Report()
    problems = [r[0] for r in db["integrity"] if r[0] != "ok"]
    for p in problems:
        report.bad("integrity", p)
    if db["journal_mode"] != "wal":
        report.bad("integrity", f"journal_mode {db['journal_mode']}")
    final_members = set(api_counts)
    stored = check_events(history, db, final_members, report)
    check_aggregates(db, stored, api_counts, report)
    check_deleted_members(db, final_members, report)
    check_history(db, stable, history_days, report)
    for kind, message in history.anomalies:
        report.bad("client_anomalies", f"{kind}: {message}")
    for code, n in history.errors_while_up.items():
        report.bad("errors_while_up", f"{code} x{n}", n=n)
    report.counts["rounds"] = len(history.kills)
    report.counts["term_rounds"] = sum(1 for k in history.kills if k[2])
    report.counts["deletes_acked"] = sum(
        1 for ops in history.member_ops.values() for o in ops
        if o[1] == "delete" and o[2] == ch.ACK)
    report.counts["events_stored"] = len(stored)
    return report
