#!/usr/bin/env python3
"""Rapport's soak test: a mixed, rate-limited load against one real rapportd
(authentication on, API keys of every role, history recorded every few
seconds) for --duration seconds, while rapportd's resident memory, open file
descriptors and threads are sampled from /proc.

It fails when a call ends with a status that its kind does not expect (the
expected ones are listed in EXPECTED below and next to each call), when an
ingested event is rejected for a reason the load did not provoke, and when
memory, descriptors or threads keep growing: after a warm-up (the first third
of the samples), the median of the last third may exceed the median of the
middle third only by a tolerance (see TOLERANCES).

  soak.py --rapportd PATH --proto_dir DIR [--duration 60] [--rate 150]
          [--workers 8] [--sample_interval 2] [--report_json FILE]
"""

import argparse
import collections
import datetime
import http.client
import json
import os
import random
import shutil
import statistics
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import rapport_e2e as e2e  # noqa: E402

pb = None  # The generated modules, filled in by load_generated().

TEAMS = ("Atlas", "Borealis", "Cygnus", "Draco")
INDUSTRIES = ("Software", "Finance")
# Regular members are never deleted; churn members are deleted and created
# again all along, so calls naming them may find them missing.
REGULAR = [f"rep-{i:03d}" for i in range(40)]
CHURN = [f"churn-{i:02d}" for i in range(8)]
# Contacts erased all along: events naming them may be refused.
ERASABLE = [f"ex-{i:03d}" for i in range(40)]
CONTACTS = [f"c-{i:04d}" for i in range(600)]

# The statuses a kind of call may end with besides OK, whatever it names
# (a call naming a churn member may also end NOT_FOUND; see Load.call).
EXPECTED = {
    # Probes of the authentication paths.
    "auth: no credential": {"UNAUTHENTICATED"},
    "auth: unknown key": {"UNAUTHENTICATED"},
    "auth: rep reads another member": {"PERMISSION_DENIED"},
    "auth: manager reads another team": {"PERMISSION_DENIED"},
    "auth: revoked key": {"UNAUTHENTICATED", "OK"},
    # Clients that give up: a deadline shorter than the call.
    "give up: GetLeaderboard": {"DEADLINE_EXCEEDED"},
    "give up: GetOutreachEffectiveness": {"DEADLINE_EXCEEDED"},
    "give up: IngestEvents": {"DEADLINE_EXCEEDED"},
    "give up: IngestEvents cancelled": {"CANCELLED"},
    "http: / without a credential": {"401"},
}

# Growth allowed from the middle third's median to the last third's:
# relative, absolute.
TOLERANCES = {
    "rss_kib": (0.10, 8 * 1024),
    "fds": (0.0, 8),
    "threads": (0.0, 4),
}


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import grpc  # Debian's python3-grpcio.
    from google.protobuf import timestamp_pb2
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import admin_pb2, admin_pb2_grpc
    from rapport.v1 import common_pb2
    from rapport.v1 import goal_pb2, goal_pb2_grpc
    from rapport.v1 import outreach_pb2, outreach_pb2_grpc
    from rapport.v1 import recommendation_pb2, recommendation_pb2_grpc
    from rapport.v1 import scoring_pb2, scoring_pb2_grpc
    pb = argparse.Namespace(**locals())


def stamp(seconds):
    return pb.timestamp_pb2.Timestamp(seconds=int(seconds))


def rfc3339(seconds):
    return datetime.datetime.fromtimestamp(
        int(seconds), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Sampling ---------------------------------------------------------------

def read_proc(pid):
    """rapportd's resident memory (KiB), open descriptors and threads."""
    rss = threads = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return {"rss_kib": rss, "fds": fds, "threads": threads}


class Sampler(threading.Thread):
    def __init__(self, pid, interval, start_time):
        super().__init__(daemon=True)
        self.pid, self.interval, self.start_time = pid, interval, start_time
        self.samples = []
        self.stop_event = threading.Event()

    def sample(self):
        s = read_proc(self.pid)
        s["t"] = round(time.monotonic() - self.start_time, 1)
        self.samples.append(s)

    def run(self):
        while not self.stop_event.wait(self.interval):
            try:
                self.sample()
            except OSError:
                return  # rapportd exited; the run reports it.


def theil_sen(points):
    """The median of pairwise slopes: a trend that outliers barely move."""
    slopes = [(b[1] - a[1]) / (b[0] - a[0])
              for i, a in enumerate(points) for b in points[i + 1:]
              if b[0] != a[0]]
    return statistics.median(slopes) if slopes else 0.0


def trend(samples, key):
    """Compares the last third of the samples with the middle third (the
    first third is warm-up: caches filling, pools starting). Returns a dict
    with the medians, the limit, the slope per hour, and 'grows'."""
    values = [s[key] for s in samples]
    n = len(values)
    if n < 9:
        return {"grows": False, "note": f"only {n} samples"}
    third = n // 3
    middle, last = values[third:2 * third], values[2 * third:]
    rel, absolute = TOLERANCES[key]
    m_mid, m_last = statistics.median(middle), statistics.median(last)
    limit = m_mid * (1 + rel) + absolute
    slope = theil_sen([(s["t"], s[key]) for s in samples[third:]]) * 3600
    return {"middle_median": m_mid, "last_median": m_last, "limit": limit,
            "slope_per_hour": round(slope, 1), "grows": m_last > limit}


# --- Outcomes ---------------------------------------------------------------

class Tally:
    """Calls per kind and outcome, and the unexpected ones."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.defaultdict(collections.Counter)
        self.errors = []
        self.error_count = 0
        self.rejections = collections.Counter()

    def add(self, kind, outcome, unexpected=False, detail=""):
        with self.lock:
            self.counts[kind][outcome] += 1
            if unexpected:
                self.error_count += 1
                if len(self.errors) < 50:
                    self.errors.append(f"{kind}: {outcome} {detail}"[:400])

    def total(self):
        with self.lock:
            return sum(sum(c.values()) for c in self.counts.values())


class Pacer:
    """At most `rate` operations a second over all workers."""

    def __init__(self, rate):
        self.interval = 1.0 / rate
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self):
        with self.lock:
            slot = max(self.next, time.monotonic())
            self.next = slot + self.interval
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)


# --- The load ---------------------------------------------------------------

class Load:
    def __init__(self, server, admin_key, tally, seed):
        import grpc
        self.grpc = grpc
        self.server = server
        self.tally = tally
        self.rng_lock = threading.Lock()
        self.seed = seed
        self.channel = grpc.secure_channel(
            server.address,
            grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP))
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)
        self.admin = pb.admin_pb2_grpc.AdminServiceStub(self.channel)
        self.scoring = pb.scoring_pb2_grpc.ScoringServiceStub(self.channel)
        self.outreach = pb.outreach_pb2_grpc.OutreachServiceStub(self.channel)
        self.recommend = pb.recommendation_pb2_grpc.RecommendationServiceStub(
            self.channel)
        self.goals = pb.goal_pb2_grpc.GoalServiceStub(self.channel)
        self.keys = {"admin": admin_key}
        self.team_of = {}
        self.churn_lock = threading.Lock()
        self.seq_lock = threading.Lock()
        self.seq = 0
        self.sent = collections.deque(maxlen=200)  # Batches to send again.
        self.feed_cursor = ""
        self.code_names = {c.value[0]: c.name for c in grpc.StatusCode}

    # --- Plumbing ---

    def md(self, key):
        return [("authorization", f"Bearer {self.keys[key]}")]

    def call(self, kind, fn, request, key="admin", expect=(), names=(),
             timeout=30, **kwargs):
        """Calls fn(request); tallies the outcome under `kind`. NOT_FOUND is
        expected when the request names a churn member (`names`)."""
        metadata = self.md(key) if key else []
        allowed = set(EXPECTED.get(kind, ())) | set(expect)
        if any(n in CHURN for n in names):
            allowed.add("NOT_FOUND")
        try:
            response = fn(request, metadata=metadata, timeout=timeout,
                          **kwargs)
        except self.grpc.RpcError as e:
            code = e.code().name
            self.tally.add(kind, code, code not in allowed,
                           e.details() or "")
            return None
        # For the kinds that expect a refusal, OK is wrong unless allowed.
        self.tally.add(kind, "OK", kind in EXPECTED and "OK" not in allowed)
        return response

    def next_ids(self, n, stream):
        with self.seq_lock:
            first = self.seq
            self.seq += n
        return [f"s{stream}-{first + i}" for i in range(n)]

    def member_record(self, member_id, rng):
        team = self.team_of.setdefault(member_id, rng.choice(TEAMS))
        p = pb.activity_pb2.Profile(
            has_photo=rng.random() < 0.8, has_headline=True,
            has_summary=rng.random() < 0.6, positions_count=rng.randint(1, 6),
            education_count=rng.randint(0, 3), skills_count=rng.randint(0, 40),
            connections_count=rng.randint(50, 3000))
        return pb.activity_pb2.Member(
            member_id=member_id, display_name=f"Rep {member_id}", team=team,
            industry=INDUSTRIES[sum(member_id.encode()) % 2], profile=p)

    def event(self, rng, event_id, member_id, now):
        a = pb.activity_pb2
        c = pb.common_pb2
        e = a.Event(event_id=event_id, member_id=member_id,
                    occur_time=stamp(now - rng.uniform(60, 20 * 86400)))
        kind = rng.random()
        if kind < 0.25:
            e.type = rng.choice([a.EVENT_TYPE_POST_PUBLISHED,
                                 a.EVENT_TYPE_CONTENT_SHARED,
                                 a.EVENT_TYPE_COMMENT_MADE,
                                 a.EVENT_TYPE_GROUP_POST,
                                 a.EVENT_TYPE_GROUP_ANSWER])
        elif kind < 0.45:
            e.type = rng.choice([a.EVENT_TYPE_REACTION_RECEIVED,
                                 a.EVENT_TYPE_COMMENT_RECEIVED,
                                 a.EVENT_TYPE_SHARE_RECEIVED,
                                 a.EVENT_TYPE_PROSPECT_SEARCH])
            e.quantity = rng.randint(1, 20)
        else:
            contact = (rng.choice(ERASABLE) if rng.random() < 0.05
                       else rng.choice(CONTACTS))
            e.contact.contact_id = contact
            e.contact.seniority = rng.randint(0, 5)
            e.contact.category = rng.randint(0, 7)
            e.contact.industry = rng.choice(INDUSTRIES)
            if kind < 0.75:
                e.type = rng.choice([a.EVENT_TYPE_MESSAGE_SENT,
                                     a.EVENT_TYPE_MESSAGE_RECEIVED,
                                     a.EVENT_TYPE_FOLLOW_UP_SENT])
                e.channel = rng.choice([c.CHANNEL_EMAIL,
                                        c.CHANNEL_LINKEDIN_MESSAGE,
                                        c.CHANNEL_INMAIL])
                e.thread_id = f"t-{member_id}-{contact}"
            else:
                e.type = rng.choice([a.EVENT_TYPE_CONNECTION_REQUEST_SENT,
                                     a.EVENT_TYPE_CONNECTION_ACCEPTED,
                                     a.EVENT_TYPE_LEAD_SAVED,
                                     a.EVENT_TYPE_PROSPECT_PROFILE_VIEWED,
                                     a.EVENT_TYPE_MEETING_BOOKED,
                                     a.EVENT_TYPE_CONTACT_MET_AT_EVENT])
                if e.type == a.EVENT_TYPE_CONNECTION_REQUEST_SENT:
                    e.channel = c.CHANNEL_CONNECTION_NOTE
        return e

    def batch(self, rng, stream, n):
        now = time.time()
        members = REGULAR + CHURN
        return [self.event(rng, event_id, rng.choice(members), now)
                for event_id in self.next_ids(n, stream)]

    def check_ingest(self, kind, response, events):
        """Rejections are expected only for churn members (deleted, not yet
        created again) and erasable contacts; conflicts never."""
        if response is None:
            return
        by_id = {e.event_id: e for e in events}
        for r in response.rejected:
            e = by_id.get(r.event_id)
            code = self.code_names.get(r.code, str(r.code))
            provoked = e is not None and code == "FAILED_PRECONDITION" and (
                e.member_id in CHURN or e.contact.contact_id in ERASABLE)
            self.tally.add(f"{kind} (rejected event)", code, not provoked,
                           f"{r.event_id} {r.field}: {r.reason}")
        if response.conflicting_count:
            self.tally.add(f"{kind} (conflict)", "CONFLICT", True,
                           str(list(response.conflicting_event_ids)[:5]))

    # --- Operations: each one step of the load ---

    def ingest_stream(self, rng, stream):
        batches = [self.batch(rng, stream, rng.randint(2, 15))
                   for _ in range(rng.randint(1, 3))]
        requests = [pb.activity_pb2.IngestEventsRequest(events=b)
                    for b in batches]
        response = self.call("IngestEvents", self.activity.IngestEvents,
                             iter(requests), key="integration")
        self.check_ingest("IngestEvents", response,
                          [e for b in batches for e in b])
        if response is not None:
            self.sent.append(batches[0])

    def write_events(self, rng, stream):
        events = self.batch(rng, stream, rng.randint(1, 10))
        response = self.call(
            "WriteEvents", self.activity.WriteEvents,
            pb.activity_pb2.WriteEventsRequest(events=events),
            key="integration")
        self.check_ingest("WriteEvents", response, events)
        if response is not None:
            self.sent.append(events)

    def send_again(self, rng, stream):
        """A batch sent before, again: duplicates (or refusals, when its
        member or contact was erased since), never conflicts."""
        if not self.sent:
            return
        events = rng.choice(list(self.sent))
        response = self.call(
            "WriteEvents (again)", self.activity.WriteEvents,
            pb.activity_pb2.WriteEventsRequest(events=events),
            key="integration")
        self.check_ingest("WriteEvents (again)", response, events)

    def get_score(self, rng, stream):
        m = rng.choice(REGULAR + CHURN)
        key = rng.choice(["admin", "integration"])
        if m == "rep-000":
            key = "rep"
        self.call("GetScore", self.scoring.GetScore,
                  pb.scoring_pb2.GetScoreRequest(member_id=m), key=key,
                  names=[m])

    def batch_get_scores(self, rng, stream):
        ids = rng.sample(REGULAR + CHURN, rng.randint(2, 30))
        response = self.call(
            "BatchGetScores", self.scoring.BatchGetScores,
            pb.scoring_pb2.BatchGetScoresRequest(member_ids=ids))
        if response is not None:
            missing = [m for m in response.missing_member_ids
                       if m not in CHURN]
            if missing:
                self.tally.add("BatchGetScores (missing)", "MISSING", True,
                               str(missing))

    def leaderboard(self, rng, stream):
        s = pb.scoring_pb2
        req = s.GetLeaderboardRequest(order_by=rng.randint(0, 4),
                                      page_size=rng.choice([0, 5, 20]))
        key = "admin"
        scope = rng.random()
        if scope < 0.3:
            req.team = rng.choice(TEAMS[:2])
            key = "manager"
        elif scope < 0.5:
            req.industry = rng.choice(INDUSTRIES)
        response = self.call("GetLeaderboard", self.scoring.GetLeaderboard,
                             req, key=key)
        if response is not None and response.next_page_token:
            req.page_token = response.next_page_token
            self.call("GetLeaderboard (next page)",
                      self.scoring.GetLeaderboard, req, key=key)

    def declining(self, rng, stream):
        req = pb.scoring_pb2.ListDecliningMembersRequest(
            period_days=rng.choice([0, 7, 3, 14]),
            min_drop=rng.choice([0, 0.5, 2]))
        if rng.random() < 0.5:
            req.team = rng.choice(TEAMS)
        self.call("ListDecliningMembers", self.scoring.ListDecliningMembers,
                  req)

    def outreach_member(self, rng, stream):
        m = rng.choice(REGULAR + CHURN)
        self.call("GetOutreachEffectiveness (member)",
                  self.outreach.GetOutreachEffectiveness,
                  pb.outreach_pb2.GetOutreachEffectivenessRequest(
                      member_id=m, window_days=rng.choice([0, 7, 30, 90])),
                  names=[m])

    def outreach_team(self, rng, stream):
        self.call("GetOutreachEffectiveness (team)",
                  self.outreach.GetOutreachEffectiveness,
                  pb.outreach_pb2.GetOutreachEffectivenessRequest(
                      team=rng.choice(TEAMS[:2]),
                      window_days=rng.choice([0, 14])), key="manager")

    def recommendations(self, rng, stream):
        m = rng.choice(REGULAR + CHURN)
        self.call("GetRecommendations", self.recommend.GetRecommendations,
                  pb.recommendation_pb2.GetRecommendationsRequest(
                      member_id=m, max_results=rng.choice([0, 3])),
                  names=[m])

    def history(self, rng, stream):
        m = rng.choice(REGULAR + CHURN)
        req = pb.scoring_pb2.GetScoreHistoryRequest(member_id=m)
        if rng.random() < 0.5:
            req.start_time.CopyFrom(stamp(time.time() - 20 * 86400))
        self.call("GetScoreHistory", self.scoring.GetScoreHistory, req,
                  names=[m])

    def past(self, rng, stream):
        """A past as_of: boards of whole past days (an LRU of a few) and
        one member's score at an arbitrary instant."""
        when = stamp(time.time() - rng.uniform(3600, 25 * 86400))
        m = rng.choice(REGULAR)
        self.call("GetScore (past as_of)", self.scoring.GetScore,
                  pb.scoring_pb2.GetScoreRequest(member_id=m, as_of=when))
        self.call("GetLeaderboard (past as_of)", self.scoring.GetLeaderboard,
                  pb.scoring_pb2.GetLeaderboardRequest(as_of=when))

    def score_changes(self, rng, stream):
        response = self.call(
            "ListScoreChanges", self.scoring.ListScoreChanges,
            pb.scoring_pb2.ListScoreChangesRequest(cursor=self.feed_cursor,
                                                   page_size=50))
        if response is not None:
            self.feed_cursor = response.next_cursor

    def churn(self, rng, stream):
        """Deletes a churn member and creates it again."""
        with self.churn_lock:
            m = rng.choice(CHURN)
            self.call("DeleteMember", self.activity.DeleteMember,
                      pb.activity_pb2.DeleteMemberRequest(member_id=m),
                      key="integration")
            response = self.call(
                "UpsertMember", self.activity.UpsertMember,
                pb.activity_pb2.UpsertMemberRequest(
                    member=self.member_record(m, rng)), key="integration")
            if response is not None and not response.created:
                self.tally.add("UpsertMember (created)", "NOT_CREATED", True,
                               m)

    def upsert(self, rng, stream):
        m = rng.choice(REGULAR)
        self.call("UpsertMember", self.activity.UpsertMember,
                  pb.activity_pb2.UpsertMemberRequest(
                      member=self.member_record(m, rng)), key="integration")

    def erase(self, rng, stream):
        self.call("EraseContact", self.admin.EraseContact,
                  pb.admin_pb2.EraseContactRequest(
                      contact_id=rng.choice(ERASABLE)))

    def goal(self, rng, stream):
        g = pb.goal_pb2.Goal(member_id=rng.choice(REGULAR[1:20]),
                             target=rng.uniform(30, 90),
                             due_time=stamp(time.time() + 30 * 86400))
        response = self.call("CreateGoal", self.goals.CreateGoal,
                             pb.goal_pb2.CreateGoalRequest(goal=g))
        if response is not None:
            self.call("DeleteGoal", self.goals.DeleteGoal,
                      pb.goal_pb2.DeleteGoalRequest(
                          goal_id=response.goal.goal.goal_id))

    def auth_probes(self, rng, stream):
        s = pb.scoring_pb2
        self.call("auth: no credential", self.scoring.GetScore,
                  s.GetScoreRequest(member_id="rep-001"), key=None)
        self.keys.setdefault("bogus", "rpk_0123456789abcdef_" + "x" * 43)
        self.call("auth: unknown key", self.scoring.GetScore,
                  s.GetScoreRequest(member_id="rep-001"), key="bogus")
        self.call("auth: rep reads another member", self.scoring.GetScore,
                  s.GetScoreRequest(member_id="rep-002"), key="rep")
        self.call("auth: manager reads another team",
                  self.scoring.GetLeaderboard,
                  s.GetLeaderboardRequest(team=TEAMS[3]), key="manager")

    def key_cycle(self, rng, stream):
        """A key made, used and revoked: the key cache and the key table
        under churn."""
        a = pb.admin_pb2
        response = self.call("CreateApiKey", self.admin.CreateApiKey,
                             a.CreateApiKeyRequest(
                                 name=f"soak-{stream}",
                                 scope=a.KeyScope(role=a.ROLE_REP,
                                                  member_id="rep-003")))
        if response is None:
            return
        name = f"cycle-{stream}"
        self.keys[name] = response.secret
        self.call("GetScore (new key)", self.scoring.GetScore,
                  pb.scoring_pb2.GetScoreRequest(member_id="rep-003"),
                  key=name)
        self.call("RevokeApiKey", self.admin.RevokeApiKey,
                  a.RevokeApiKeyRequest(key_id=response.key.key_id))
        # Refused once the key cache forgets it (within --key_cache_ttl).
        self.call("auth: revoked key", self.scoring.GetScore,
                  pb.scoring_pb2.GetScoreRequest(member_id="rep-003"),
                  key=name)

    def give_up(self, rng, stream):
        """Clients that give up: deadlines shorter than the call, and an
        ingest stream cancelled after its first batch."""
        choice = rng.random()
        if choice < 0.3:
            self.call("give up: GetLeaderboard", self.scoring.GetLeaderboard,
                      pb.scoring_pb2.GetLeaderboardRequest(
                          as_of=stamp(time.time() - rng.uniform(
                              2 * 86400, 40 * 86400))),
                      timeout=0.001, expect=["OK"])
        elif choice < 0.5:
            self.call("give up: GetOutreachEffectiveness",
                      self.outreach.GetOutreachEffectiveness,
                      pb.outreach_pb2.GetOutreachEffectivenessRequest(
                          team=rng.choice(TEAMS), window_days=90),
                      timeout=0.001, expect=["OK"])
        else:
            self.stream_given_up(rng, stream, cancel=choice < 0.75)

    def stream_given_up(self, rng, stream, cancel):
        """A stream whose client stops after one batch: by cancelling, or by
        letting its deadline pass while it holds the stream open."""
        first = self.batch(rng, stream, rng.randint(1, 10))
        release = threading.Event()

        def requests():
            yield pb.activity_pb2.IngestEventsRequest(events=first)
            release.wait(5)

        kind = ("give up: IngestEvents cancelled" if cancel
                else "give up: IngestEvents")
        future = self.activity.IngestEvents.future(
            requests(), metadata=self.md("integration"),
            timeout=30 if cancel else 0.2)
        if cancel:
            time.sleep(0.05)
            future.cancel()
        try:
            future.result()
            outcome = "OK"
        except self.grpc.FutureCancelledError:
            outcome = "CANCELLED"
        except self.grpc.RpcError as e:
            outcome = e.code().name
        finally:
            release.set()
        self.tally.add(kind, outcome, outcome not in EXPECTED[kind])

    # --- HTTP: /metrics, the page, the Connect protocol ---

    def http(self, kind, verb, path, key, body=None, headers=None,
             expect=("200",), names=()):
        h = dict(headers or {})
        if key:
            h["Authorization"] = f"Bearer {self.keys[key]}"
        allowed = set(expect) | set(EXPECTED.get(kind, ()))
        if any(n in CHURN for n in names):
            allowed.add("404")
        conn = http.client.HTTPConnection("127.0.0.1",
                                          self.server.metrics_port, timeout=30)
        try:
            conn.request(verb, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            outcome = str(r.status)
        except OSError as e:
            outcome, data = type(e).__name__, str(e).encode()
        finally:
            conn.close()
        self.tally.add(kind, outcome, outcome not in allowed,
                       data[:200].decode("utf-8", "replace"))
        return data if outcome == "200" else None

    def scrape(self, rng, stream):
        self.http("http: /metrics", "GET", "/metrics", "metrics")

    def page(self, rng, stream):
        self.http("http: /", "GET", "/", rng.choice(["manager", "admin"]))
        self.http("http: / without a credential", "GET", "/", None,
                  expect=())

    def connect(self, rng, stream):
        m = rng.choice(REGULAR + CHURN)
        body = self.http(
            "connect: GetScore (POST JSON)", "POST",
            "/rapport.v1.ScoringService/GetScore", "admin",
            body=json.dumps({"memberId": m}).encode(),
            headers={"Content-Type": "application/json",
                     "Connect-Protocol-Version": "1"}, names=[m])
        if body is not None and json.loads(body)["score"]["memberId"] != m:
            self.tally.add("connect: GetScore (POST JSON)", "WRONG_MEMBER",
                           True, body[:200].decode())
        query = urllib.parse.urlencode({
            "connect": "v1", "encoding": "json",
            "message": json.dumps({"team": TEAMS[0], "pageSize": 5})})
        self.http("connect: GetLeaderboard (GET)", "GET",
                  "/rapport.v1.ScoringService/GetLeaderboard?" + query,
                  "manager", headers={"Connect-Protocol-Version": "1"})

    # --- Set-up ---

    def prepare(self, rng):
        a = pb.admin_pb2
        for name, scope in (
                ("integration", a.KeyScope(role=a.ROLE_INTEGRATION)),
                ("manager", a.KeyScope(role=a.ROLE_MANAGER,
                                       teams=list(TEAMS[:2]))),
                ("rep", a.KeyScope(role=a.ROLE_REP, member_id="rep-000")),
                ("metrics", a.KeyScope(role=a.ROLE_METRICS))):
            self.keys[name] = self.admin.CreateApiKey(
                a.CreateApiKeyRequest(name=name, scope=scope),
                metadata=self.md("admin"), timeout=30).secret
        for i, m in enumerate(REGULAR):
            self.team_of[m] = TEAMS[i % len(TEAMS)]
        for m in CHURN:
            self.team_of[m] = TEAMS[0]
        members = [self.member_record(m, rng) for m in REGULAR + CHURN]
        response = self.activity.BatchUpsertMembers(
            pb.activity_pb2.BatchUpsertMembersRequest(members=members),
            metadata=self.md("integration"), timeout=30)
        if response.rejected:
            raise AssertionError(f"members rejected: {response.rejected}")
        for _ in range(10):
            events = self.batch(rng, "seed", 100)
            response = self.activity.WriteEvents(
                pb.activity_pb2.WriteEventsRequest(events=events),
                metadata=self.md("integration"), timeout=60)
            if response.rejected_count:
                raise AssertionError(f"seed rejected: {response.rejected}")
        deadline = time.time() + 60
        while True:
            try:
                self.scoring.GetLeaderboard(
                    pb.scoring_pb2.GetLeaderboardRequest(),
                    metadata=self.md("admin"), timeout=30)
                return
            except self.grpc.RpcError as e:
                if (e.code() != self.grpc.StatusCode.UNAVAILABLE
                        or time.time() > deadline):
                    raise
                time.sleep(0.2)

    # Operations and their weights.
    OPERATIONS = (
        ("ingest_stream", 12), ("write_events", 10), ("send_again", 2),
        ("get_score", 14), ("batch_get_scores", 6), ("leaderboard", 8),
        ("declining", 4), ("outreach_member", 5), ("outreach_team", 3),
        ("recommendations", 5), ("history", 5), ("past", 4),
        ("score_changes", 2), ("churn", 1), ("upsert", 2), ("erase", 1),
        ("goal", 1), ("auth_probes", 2), ("key_cycle", 1), ("give_up", 3),
        ("scrape", 2), ("page", 2), ("connect", 3),
    )

    def worker(self, index, pacer, stop, only=()):
        rng = random.Random(f"{self.seed}-{index}")
        ops = [(n, w) for n, w in self.OPERATIONS if not only or n in only]
        names = [n for n, _ in ops]
        weights = [w for _, w in ops]
        while not stop.is_set():
            pacer.wait()
            if stop.is_set():
                return
            op = rng.choices(names, weights)[0]
            try:
                getattr(self, op)(rng, index)
            except Exception as e:  # A bug of the load, or a dead server.
                self.tally.add(f"load: {op}", type(e).__name__, True, str(e))
                time.sleep(0.1)


# --- The run ----------------------------------------------------------------

def describe(sample):
    return (f"t={sample['t']:>7}s  rss={sample['rss_kib'] / 1024:8.1f} MiB  "
            f"fds={sample['fds']:4d}  threads={sample['threads']:4d}")


def report(args, sampler, tally, checks, elapsed, calls, rc):
    s = sampler.samples
    lines = ["", "=== Rapport soak report ===",
             f"duration {elapsed:.0f} s, rate limit {args.rate}/s, "
             f"{args.workers} workers; {calls} operations' calls "
             f"({calls / max(elapsed, 1):.1f}/s)"]
    if s:
        lines.append("samples (start, middle, end):")
        for sample in (s[0], s[len(s) // 2], s[-1]):
            lines.append("  " + describe(sample))
    for key, c in checks.items():
        lines.append(f"trend {key}: {json.dumps(c)}")
    lines.append("calls per kind (outcome: count):")
    for kind in sorted(tally.counts):
        outcomes = ", ".join(f"{o}: {n}" for o, n in
                             sorted(tally.counts[kind].items()))
        lines.append(f"  {kind:42s} {outcomes}")
    lines.append(f"unexpected outcomes: {tally.error_count}")
    for e in tally.errors:
        lines.append(f"  {e}")
    lines.append(f"rapportd exit status: {rc}")
    print("\n".join(lines), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--proto_dir", required=True)
    parser.add_argument("--duration", type=float, default=60,
                        help="seconds of load")
    parser.add_argument("--rate", type=float, default=150,
                        help="operations per second, over all workers")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--sample_interval", type=float, default=2,
                        help="seconds between samples of /proc")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--progress_interval", type=float, default=0,
                        help="seconds between progress lines; 0 for none")
    parser.add_argument("--report_json", default="",
                        help="also write the samples and counts here")
    parser.add_argument("--malloc_arena_max", type=int, default=0,
                        help="MALLOC_ARENA_MAX for rapportd (glibc); 0 "
                        "leaves the environment's. Fewer arenas keep freed "
                        "memory from inflating the resident size, so that it "
                        "follows the live heap more closely")
    parser.add_argument("--db_cache_mib", type=int, default=2,
                        help="rapportd --db_cache_mib: small, so that "
                        "SQLite's page caches (five connections) reach their "
                        "bound during the warm-up third and what grows after "
                        "is not a cache filling")
    parser.add_argument("--no_memory_check", action="store_true",
                        help="sample the resident size but do not fail on "
                        "its growth: under AddressSanitizer freed memory "
                        "sits in a quarantine and the resident size follows "
                        "it, not the live heap (descriptors and threads are "
                        "still checked)")
    parser.add_argument("--only", default="",
                        help="comma-separated operations (Load.OPERATIONS) "
                        "to run instead of the whole mix, to find which one "
                        "makes a measure grow")
    args = parser.parse_args()
    only = [o for o in args.only.split(",") if o]
    unknown = set(only) - {n for n, _ in Load.OPERATIONS}
    if unknown:
        parser.error(f"unknown operations: {sorted(unknown)}")

    if args.malloc_arena_max:
        os.environ["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)
    work = e2e.temp_dir()
    db = os.path.join(work, "rapport.db")
    admin_key = e2e.bootstrap_admin_key(args.rapportd, db, "acme")
    server = e2e.Rapportd(args.rapportd, db, extra_args=[
        "--auth=on", "--history_interval=2s", "--history_days=30",
        "--score_changes_interval=5s", "--key_cache_ttl=1s",
        "--http_threads=4", f"--db_cache_mib={args.db_cache_mib}"])
    server.start()
    failed = True
    try:
        os.makedirs(os.path.join(work, "py"))
        load_generated(e2e.generate_python_client(
            os.path.abspath(args.proto_dir), os.path.join(work, "py")))
        tally = Tally()
        load = Load(server, admin_key, tally, args.seed)
        load.prepare(random.Random(args.seed))
        start = time.monotonic()
        sampler = Sampler(server.proc.pid, args.sample_interval, start)
        sampler.sample()
        sampler.start()
        pacer = Pacer(args.rate)
        stop = threading.Event()
        workers = [threading.Thread(target=load.worker,
                                    args=(i, pacer, stop, only), daemon=True)
                   for i in range(args.workers)]
        for w in workers:
            w.start()
        next_progress = start + args.progress_interval
        while time.monotonic() - start < args.duration:
            time.sleep(min(1.0, args.duration))
            if args.progress_interval and time.monotonic() >= next_progress:
                next_progress += args.progress_interval
                if sampler.samples:
                    print(f"{describe(sampler.samples[-1])}  calls="
                          f"{tally.total()}  unexpected={tally.error_count}",
                          flush=True)
            if server.proc.poll() is not None:
                tally.add("rapportd", f"exited {server.proc.returncode}",
                          True)
                break
        stop.set()
        for w in workers:
            w.join(60)
        sampler.stop_event.set()
        sampler.join()
        if server.proc.poll() is None:
            sampler.sample()
        elapsed = time.monotonic() - start
        checks = {k: trend(sampler.samples, k) for k in TOLERANCES
                  if k != "rss_kib" or not args.no_memory_check}
        load.channel.close()
        rc = server.terminate(timeout=60)
        report(args, sampler, tally, checks, elapsed, tally.total(), rc)
        if args.report_json:
            with open(args.report_json, "w") as f:
                json.dump({"samples": sampler.samples, "checks": checks,
                           "counts": tally.counts, "errors": tally.errors},
                          f, indent=1)
        grows = [k for k, c in checks.items() if c["grows"]]
        failed = bool(tally.error_count or grows or rc != 0)
        if grows:
            print(f"FAIL: growing without bound: {', '.join(grows)}")
        if tally.error_count:
            print(f"FAIL: {tally.error_count} unexpected outcomes")
        if rc != 0:
            print(f"FAIL: rapportd exited {rc}:\n{server.log()[-3000:]}")
        if not failed:
            print("PASS")
    finally:
        server.terminate()
        if failed:
            print(f"rapportd log: {server.log_path} (kept)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
