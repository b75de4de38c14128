"""The history of a crash test run: every write the clients sent to rapportd
and what came of it, as the set checker (crash_checker.py) reads it.

An attempt's outcome is one of:
  ack      the response arrived: the server promises the write is durable;
  unknown  no response (the server was killed, the client gave up, the call
           failed on the way): the write may or may not have been applied;
  failed   the server answered an error it is allowed to answer (NOT_FOUND
           for a member that is gone): nothing was applied.
"""

import json
import threading

ACK = "ack"
UNKNOWN = "unknown"
FAILED = "failed"


class Batch:
    """Events sent together in one transaction: one IngestEvents stream
    message or one WriteEvents request. `events` are dicts (see
    crash_workload.event_dict); `stream` names the stream the batch was first
    sent in (None for WriteEvents) and `index` its position there."""

    def __init__(self, batch_id, events, reserved, stream=None, index=0):
        self.batch_id = batch_id
        self.events = events
        self.reserved = reserved
        self.stream = stream
        self.index = index
        # (round, via, outcome, detail dict), in the order they were made.
        self.attempts = []
        # Event ids the server rejected in an acknowledged attempt.
        self.rejected = set()

    def acked(self):
        return any(a[2] == ACK for a in self.attempts)

    def first_outcome(self):
        return self.attempts[0][2] if self.attempts else None


class History:
    """Thread-safe log of batches, member operations and anomalies seen by
    the clients (responses that break a promise, errors while the server was
    up). Also appended to a JSON-lines file when `path` is given."""

    def __init__(self, path=None):
        self.lock = threading.Lock()
        self.batches = {}
        self.batch_order = []
        # member_id -> [(round, op, outcome, detail)]: reserved members only,
        # each written by one client thread, so in real order.
        self.member_ops = {}
        self.anomalies = []
        self.errors_while_up = {}
        self.unknown_codes = {}
        self.kills = []
        self._file = open(path, "w") if path else None

    def _log(self, record):
        if self._file:
            self._file.write(json.dumps(record, sort_keys=True) + "\n")

    def add_batch(self, batch):
        with self.lock:
            self.batches[batch.batch_id] = batch
            self.batch_order.append(batch.batch_id)
            self._log({"batch": batch.batch_id, "stream": batch.stream,
                       "index": batch.index,
                       "events": [e["id"] for e in batch.events]})

    def attempt(self, batch, round_no, via, outcome, **detail):
        with self.lock:
            batch.attempts.append((round_no, via, outcome, detail))
            self._log({"attempt": batch.batch_id, "round": round_no,
                       "via": via, "outcome": outcome, **detail})

    def member_op(self, member_id, round_no, op, outcome, **detail):
        with self.lock:
            self.member_ops.setdefault(member_id, []).append(
                (round_no, op, outcome, detail))
            self._log({"member": member_id, "round": round_no, "op": op,
                       "outcome": outcome, **detail})

    def anomaly(self, kind, message):
        with self.lock:
            self.anomalies.append((kind, message))
            self._log({"anomaly": kind, "message": message})

    def rpc_error(self, round_no, code, while_up):
        """Counts an RPC error; `while_up` when it came before the kill."""
        with self.lock:
            table = self.errors_while_up if while_up else self.unknown_codes
            table[code] = table.get(code, 0) + 1
            self._log({"error": code, "round": round_no, "while_up": while_up})

    def kill(self, round_no, delay, term=False):
        """Round `round_no` ends `delay` s after the port opened: SIGKILL,
        or with `term` SIGTERM and SIGKILL during the graceful shutdown."""
        with self.lock:
            self.kills.append((round_no, delay, term))
            self._log({"kill": round_no, "delay": delay, "term": term})

    def close(self):
        if self._file:
            self._file.close()
