"""What the crash test's clients send: activity events with unique event ids
spread over past days (so that the daily history recorder has days to
recompute), on a few threads and contacts per member (so that the thread and
contact state is folded in order and recomputed out of order), and the
client threads that send them while rapportd is killed under them."""

import threading
import time

import grpc  # Debian's python3-grpcio.

import crash_history as ch

DAY_US = 86_400_000_000
MINUTE_US = 60_000_000

# Event types by weight: (type, needs a contact, needs a thread, counted).
POST, REACTION, COMMENT_MADE = 1, 2, 6
CONNECT_SENT, CONNECT_ACCEPTED = 9, 10
MESSAGE_SENT, MESSAGE_RECEIVED, FOLLOW_UP = 11, 12, 13
SEARCH, LEAD_SAVED, MET_AT_EVENT, MEETING = 14, 15, 19, 20
TYPES = ([POST] * 2 + [REACTION] * 2 + [COMMENT_MADE, SEARCH, LEAD_SAVED] +
         [CONNECT_SENT, CONNECT_ACCEPTED, MET_AT_EVENT, MEETING] +
         [MESSAGE_SENT] * 3 + [MESSAGE_RECEIVED] * 3 + [FOLLOW_UP] * 2)
THREAD_TYPES = (MESSAGE_SENT, MESSAGE_RECEIVED, FOLLOW_UP)
CONTACT_TYPES = (CONNECT_SENT, CONNECT_ACCEPTED, MESSAGE_SENT,
                 MESSAGE_RECEIVED, FOLLOW_UP, LEAD_SAVED, 16, 17, 18,
                 MET_AT_EVENT, MEETING)
COUNTED_TYPES = (REACTION, 3, 4, SEARCH)
CHANNEL_TYPES = THREAD_TYPES + (CONNECT_SENT,)
THREADS_PER_MEMBER = 4
CONTACTS_PER_MEMBER = 6


def now_us():
    return int(time.time() * 1_000_000)


class EventFactory:
    """Makes events as dicts with the columns the store keeps (quantity as
    stored: at least 1). Ids are `prefix`-n, unique within a run."""

    def __init__(self, rng, prefix, spread_days):
        self.rng = rng
        self.prefix = prefix
        self.spread_days = spread_days
        self.n = 0

    def make(self, member_id, recent_only=False):
        rng = self.rng
        self.n += 1
        kind = rng.choice(TYPES)
        if recent_only or rng.random() < 0.5:
            # Recent: mostly later than what the member's threads hold, so
            # the store folds them into the stored state.
            when = now_us() - rng.randint(MINUTE_US, 3 * MINUTE_US)
        else:
            when = now_us() - rng.randint(2 * MINUTE_US,
                                          self.spread_days * DAY_US)
        e = {"id": f"{self.prefix}-{self.n}", "m": member_id, "t": when,
             "type": kind, "ch": 0, "c": "", "sen": 0, "ind": "", "reg": "",
             "cat": 0, "th": "", "q": 1}
        if kind in COUNTED_TYPES:
            e["q"] = rng.randint(1, 5)
        if kind in CHANNEL_TYPES:
            e["ch"] = rng.randint(1, 7)
        if kind in THREAD_TYPES:
            k = rng.randrange(THREADS_PER_MEMBER)
            e["th"] = f"{member_id}-t{k}"
            e["c"] = f"c{k}"
        elif kind in CONTACT_TYPES:
            e["c"] = f"c{rng.randrange(CONTACTS_PER_MEMBER)}"
        if e["c"]:
            e["sen"] = rng.choice((0, 0, 1, 2, 3, 4, 5))
            e["cat"] = rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 7))
            e["ind"] = rng.choice(("", "software", "retail", "energy"))
            e["reg"] = rng.choice(("", "FR", "DE", "US"))
        return e


def to_proto(pb, e):
    ev = pb.activity_pb2.Event(event_id=e["id"], member_id=e["m"],
                               type=e["type"], channel=e["ch"],
                               thread_id=e["th"], quantity=e["q"])
    ev.occur_time.seconds = e["t"] // 1_000_000
    ev.occur_time.nanos = (e["t"] % 1_000_000) * 1000
    if e["c"]:
        ev.contact.contact_id = e["c"]
        ev.contact.seniority = e["sen"]
        ev.contact.category = e["cat"]
        ev.contact.industry = e["ind"]
        ev.contact.region = e["reg"]
    return ev


def member_proto(pb, member_id, team):
    return pb.activity_pb2.Member(member_id=member_id,
                                  display_name=f"Rep {member_id}", team=team,
                                  industry="software")


class Round:
    """One round: a running rapportd, its channel and stubs, and the flags
    the client threads watch. `killed` is set just before SIGKILL, so an
    error that arrives while it is unset came from a live server."""

    def __init__(self, ctx, number, address):
        self.ctx = ctx
        self.number = number
        self.channel = grpc.insecure_channel(address)
        self.activity = ctx.pb.activity_pb2_grpc.ActivityServiceStub(
            self.channel)
        self.stop = threading.Event()
        self.killed = threading.Event()

    def rpc_failed(self, err, gave_up=False):
        """Records an RPC error; returns its code's name."""
        if isinstance(err, grpc.RpcError):
            code = err.code().name
        else:
            code = "CANCELLED"  # grpc.FutureCancelledError: we cancelled.
        while_up = not self.killed.is_set() and not gave_up
        self.ctx.history.rpc_error(self.number, code, while_up)
        return code


def check_counts(ctx, what, resp, sent, accepted=None):
    """Anomalies for a response that does not account for `sent` events
    exactly: accepted + duplicate must be `sent`, nothing rejected or
    conflicting; with `accepted` given, accepted must equal it."""
    ok = (resp.accepted_count + resp.duplicate_count == sent and
          resp.rejected_count == 0 and resp.conflicting_count == 0)
    if accepted is not None and resp.accepted_count != accepted:
        ok = False
    if not ok:
        ctx.history.anomaly(
            "bad-response",
            f"{what}: sent {sent}, accepted {resp.accepted_count}, duplicate "
            f"{resp.duplicate_count}, rejected {resp.rejected_count} "
            f"({[r.reason for r in resp.rejected][:3]}), conflicting "
            f"{resp.conflicting_count}")
    return ok


def stream_worker(rnd, worker, rng):
    """IngestEvents client streams of 1..N batches over the stable members;
    now and then the client gives up (cancels) in the middle."""
    ctx, pb = rnd.ctx, rnd.ctx.pb
    factory = EventFactory(rng, f"r{rnd.number}s{worker}", ctx.args.spread_days)
    k = 0
    while not rnd.stop.is_set():
        k += 1
        sid = f"r{rnd.number}-s{worker}-{k}"
        batches = []
        for i in range(rng.randint(1, ctx.args.stream_batches)):
            events = [factory.make(rng.choice(ctx.stable))
                      for _ in range(rng.randint(1, ctx.args.batch_events))]
            b = ch.Batch(f"{sid}-b{i}", events, False, stream=sid, index=i)
            ctx.history.add_batch(b)
            batches.append(b)
        pauses = [rng.random() * 0.01 for _ in batches]
        messages = [pb.activity_pb2.IngestEventsRequest(
            events=[to_proto(pb, e) for e in b.events]) for b in batches]

        def requests():
            for message, pause in zip(messages, pauses):
                yield message
                time.sleep(pause)

        give_up = rng.random() < ctx.args.give_up_rate
        future = rnd.activity.IngestEvents.future(requests(), timeout=30)
        if give_up:
            time.sleep(rng.random() * 0.02)
            future.cancel()
        try:
            resp = future.result()
        except (grpc.RpcError, grpc.FutureCancelledError) as err:
            code = rnd.rpc_failed(err, gave_up=give_up)
            for b in batches:
                ctx.history.attempt(b, rnd.number, "stream", ch.UNKNOWN,
                                    code=code)
            continue
        sent = sum(len(b.events) for b in batches)
        check_counts(ctx, f"stream {sid}", resp, sent, accepted=sent)
        for b in batches:
            ctx.history.attempt(b, rnd.number, "stream", ch.ACK,
                                accepted=resp.accepted_count,
                                duplicate=resp.duplicate_count)


def write_worker(rnd, worker, rng):
    """WriteEvents unary calls over the stable members; now and then with a
    deadline too short to make (the client gives up)."""
    ctx, pb = rnd.ctx, rnd.ctx.pb
    factory = EventFactory(rng, f"r{rnd.number}w{worker}", ctx.args.spread_days)
    k = 0
    while not rnd.stop.is_set():
        k += 1
        events = [factory.make(rng.choice(ctx.stable))
                  for _ in range(rng.randint(1, ctx.args.batch_events))]
        b = ch.Batch(f"r{rnd.number}-w{worker}-{k}", events, False)
        ctx.history.add_batch(b)
        give_up = rng.random() < ctx.args.give_up_rate
        timeout = rng.random() * 0.005 if give_up else 30
        try:
            resp = rnd.activity.WriteEvents(
                pb.activity_pb2.WriteEventsRequest(
                    events=[to_proto(pb, e) for e in events]),
                timeout=timeout)
        except grpc.RpcError as err:
            code = rnd.rpc_failed(err, gave_up=give_up)
            ctx.history.attempt(b, rnd.number, "write", ch.UNKNOWN, code=code)
            continue
        check_counts(ctx, f"write {b.batch_id}", resp, len(events),
                     accepted=len(events))
        ctx.history.attempt(b, rnd.number, "write", ch.ACK,
                            accepted=resp.accepted_count,
                            duplicate=resp.duplicate_count)


def pending_retries(history):
    """Stable-member batches no attempt acknowledged, in the order sent."""
    with history.lock:
        return [history.batches[i] for i in history.batch_order
                if not history.batches[i].reserved and
                history.batches[i].attempts and
                not history.batches[i].acked()]


def retry_worker(rnd, rng):
    """Sends again, each alone, the batches left unacknowledged by earlier
    rounds, alternately by WriteEvents and as a one-message stream. Each
    must come back all ACCEPTED (not applied before) or all DUPLICATE
    (applied before the kill): a batch is never half-applied."""
    ctx, pb = rnd.ctx, rnd.ctx.pb
    for b in pending_retries(ctx.history):
        if rnd.stop.is_set():
            return
        n = len(b.events)
        events = [to_proto(pb, e) for e in b.events]
        via = rng.choice(("write", "stream"))
        try:
            if via == "write":
                resp = rnd.activity.WriteEvents(
                    pb.activity_pb2.WriteEventsRequest(events=events),
                    timeout=30)
            else:
                resp = rnd.activity.IngestEvents(
                    iter([pb.activity_pb2.IngestEventsRequest(events=events)]),
                    timeout=30)
        except grpc.RpcError as err:
            code = rnd.rpc_failed(err)
            ctx.history.attempt(b, rnd.number, "retry-" + via, ch.UNKNOWN,
                                code=code)
            return
        check_counts(ctx, f"retry of {b.batch_id}", resp, n)
        if resp.accepted_count not in (0, n):
            ctx.history.anomaly(
                "half-applied",
                f"retry of {b.batch_id}: {resp.accepted_count} of {n} events "
                "new, the rest already stored")
        ctx.history.attempt(b, rnd.number, "retry-" + via, ch.ACK,
                            accepted=resp.accepted_count,
                            duplicate=resp.duplicate_count)


def churn_worker(rnd, members, rng):
    """Deletes, re-creates and feeds the reserved `members`, one call at a
    time, so that each member's operations are logged in their real order.
    Each round first asks whether each member exists (GetMember), which
    settles a delete or upsert the previous kill left unanswered."""
    ctx, pb = rnd.ctx, rnd.ctx.pb
    h = ctx.history
    factory = EventFactory(rng, f"r{rnd.number}d{members[0]}",
                           ctx.args.spread_days)
    exists = {}
    # Half the lives of a member get only events of the last minutes: no
    # history work of their own, so whatever the recorder wrote for an
    # earlier life and nothing rewrote shows.
    recent_only = {m: rng.random() < 0.5 for m in members}
    for m in members:
        try:
            rnd.activity.GetMember(pb.activity_pb2.GetMemberRequest(
                member_id=m), timeout=30)
            exists[m] = True
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.NOT_FOUND:
                h.member_op(m, rnd.number, "probe", ch.UNKNOWN,
                            code=rnd.rpc_failed(err))
                return
            exists[m] = False
        h.member_op(m, rnd.number, "probe", ch.ACK, exists=exists[m])
    k = 0
    while not rnd.stop.is_set():
        m = rng.choice(members)
        r = rng.random()
        try:
            if not exists[m] or r >= 0.9:
                resp = rnd.activity.UpsertMember(
                    pb.activity_pb2.UpsertMemberRequest(
                        member=member_proto(pb, m, "churn")), timeout=30)
                if resp.created == exists[m]:
                    h.anomaly("member-state",
                              f"upsert of {m}: created={resp.created} though "
                              f"the member {'existed' if exists[m] else 'was gone'}")
                h.member_op(m, rnd.number, "upsert", ch.ACK,
                            created=resp.created)
                if resp.created:
                    recent_only[m] = rng.random() < 0.5
                exists[m] = True
            elif r < 0.7:
                k += 1
                events = [factory.make(m, recent_only[m])
                          for _ in range(rng.randint(1, ctx.args.batch_events))]
                b = ch.Batch(f"r{rnd.number}-d{m}-{k}", events, True)
                h.add_batch(b)
                h.member_op(m, rnd.number, "ingest", "sent", batch=b.batch_id)
                try:
                    resp = rnd.activity.WriteEvents(
                        pb.activity_pb2.WriteEventsRequest(
                            events=[to_proto(pb, e) for e in events]),
                        timeout=30)
                except grpc.RpcError as err:
                    h.attempt(b, rnd.number, "write", ch.UNKNOWN,
                              code=rnd.rpc_failed(err))
                    return
                check_counts(ctx, f"write {b.batch_id}", resp, len(events),
                             accepted=len(events))
                b.rejected.update(r.event_id for r in resp.rejected)
                h.attempt(b, rnd.number, "write", ch.ACK,
                          accepted=resp.accepted_count,
                          duplicate=resp.duplicate_count)
            else:
                resp = rnd.activity.DeleteMember(
                    pb.activity_pb2.DeleteMemberRequest(member_id=m),
                    timeout=30)
                h.member_op(m, rnd.number, "delete", ch.ACK,
                            deleted=resp.deleted_event_count)
                exists[m] = False
        except grpc.RpcError as err:
            code = rnd.rpc_failed(err)
            op = "upsert" if not exists[m] or r >= 0.9 else "delete"
            h.member_op(m, rnd.number, op, ch.UNKNOWN, code=code)
            return
