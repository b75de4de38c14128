#!/usr/bin/env python3
"""The API over the Connect protocol on the HTTP port, against gRPC, end to
end: the real rapportd on loopback with authentication on.

For EVERY method of every rapport.v1 service (enumerated from the
descriptor pool of the generated Python code: a method without a row in
CASES fails the test) the same requests, good and bad, go through gRPC
(grpcio) and through Connect (POST with JSON and with binary protobuf, and
GET for NO_SIDE_EFFECTS methods); both must give the same code, the same
message and the same response. Every method is also called without a
credential (unauthenticated) and with a metrics key (permission denied).
Then the protocol's own cases: malformed JSON, unknown fields, wrong
content types, bodies over the limit, unknown methods, gzip, deadlines,
streaming IngestEvents, and the CLI tools `curl` and `buf curl`.

  connect_e2e.py --rapportd PATH --proto_dir DIR [--buf PATH]
"""

import argparse
import base64
import datetime
import gzip
import http.client
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import unittest
import urllib.parse

import rapport_e2e as e2e

ARGS = None
MAX_MESSAGE_BYTES = 1 << 20

# The Connect name and HTTP status of each gRPC code.
HTTP_STATUS = {
    "canceled": 499, "unknown": 500, "invalid_argument": 400,
    "deadline_exceeded": 504, "not_found": 404, "already_exists": 409,
    "permission_denied": 403, "resource_exhausted": 429,
    "failed_precondition": 400, "aborted": 409, "out_of_range": 400,
    "unimplemented": 501, "internal": 500, "unavailable": 503,
    "data_loss": 500, "unauthenticated": 401,
}


def connect_code(grpc_code):
    name = grpc_code.name.lower()
    return "canceled" if name == "cancelled" else name


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def stamp(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def event(event_id, member_id="rep-1", days_ago=1.0, kind="EVENT_TYPE_POST_PUBLISHED"):
    """An event as proto3 JSON; times relative to now hold at any hour."""
    return {"eventId": event_id, "memberId": member_id,
            "occurTime": stamp(now() - datetime.timedelta(days=days_ago)),
            "type": kind}


def member(member_id, team="north"):
    """A member as proto3 JSON, with every required field."""
    return {"memberId": member_id, "displayName": f"Rep {member_id}",
            "team": team, "industry": "Software"}


# One instant for reports that would otherwise read the clock.
AS_OF = stamp(now())

# A goal's due time: two months ahead (at most two years are allowed).
DUE = stamp(now() + datetime.timedelta(days=60))

# Fields that differ between two calls that each create something, or that
# record the calls themselves.
VOLATILE = {"createTime", "updateTime", "lastUseTime", "keyId", "key",
            "goalId", "tenantId", "secret", "adminKeySecret", "revokeTime",
            # "now" when a request names no instant.
            "asOf",
            # A backup's instant, size (the audit trail grows between two)
            # and duration.
            "snapshotTime", "sizeBytes", "durationMs"}


def scrub(value):
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


# Per method: cases of (label, key name or None, request, expected code or
# None for OK). A request may be a function of the transport's name, for
# calls that create or remove something once. Every method also gets an
# unauthenticated and a permission-denied case from its first request.
def per(fn):
    return fn


CASES = {
    "rapport.v1.ActivityService.UpsertMember": [
        ("good", "admin", {"member": member("rep-2")}, None),
        ("no member id", "admin", {"member": {"displayName": "x"}},
         "invalid_argument"),
    ],
    "rapport.v1.ActivityService.GetMember": [
        ("good", "admin", {"memberId": "rep-1"}, None),
        ("rep sees self", "rep", {"memberId": "rep-1"}, None),
        ("rep sees no other", "rep", {"memberId": "rep-2"},
         "permission_denied"),
        ("missing", "admin", {"memberId": "nobody"}, "not_found"),
        ("empty id", "admin", {"memberId": ""}, "invalid_argument"),
    ],
    "rapport.v1.ActivityService.ListMembers": [
        ("good", "admin", {"team": "north"}, None),
        ("bad token", "admin", {"pageToken": "garbage"}, "invalid_argument"),
    ],
    "rapport.v1.ActivityService.DeleteMember": [
        ("good", "admin", per(lambda t: {"memberId": f"del-{t}"}), None),
        ("missing", "admin", {"memberId": "nobody"}, "not_found"),
    ],
    "rapport.v1.ActivityService.IngestEvents": [
        ("good", "admin", per(lambda t: [{"events": [event(f"ie-{t}-1")]},
                                         {"events": [event(f"ie-{t}-2")]}]),
         None),
        ("bad event", "admin",
         per(lambda t: [{"events": [event(f"ieb-{t}-1"),
                                    {"eventId": f"ieb-{t}-2",
                                     "memberId": "rep-1"}]}]), None),
    ],
    "rapport.v1.ActivityService.WriteEvents": [
        ("good", "admin", per(lambda t: {"events": [event(f"we-{t}")]}),
         None),
        ("bad event", "admin",
         per(lambda t: {"events": [{"eventId": f"web-{t}",
                                    "memberId": "rep-1"}]}), None),
    ],
    "rapport.v1.ActivityService.BatchUpsertMembers": [
        ("good", "admin", per(lambda t: {"members": [member(f"b-{t}", "south")]}),
         None),
        ("one bad member", "admin",
         per(lambda t: {"members": [member(f"bb-{t}"),
                                    {"memberId": f"bb2-{t}",
                                     "displayName": "x"}]}), None),
        ("duplicate ids", "admin", {"members": [member("b-2"), member("b-2")]},
         "invalid_argument"),
    ],
    "rapport.v1.AdminService.CreateTenant": [
        ("good", "admin", per(lambda t: {"tenant": {"tenantId": f"t-{t}",
                                                    "displayName": "T"},
                                         "adminKeyName": "first"}), None),
        ("no tenant", "admin", {}, "invalid_argument"),
    ],
    "rapport.v1.AdminService.CreateApiKey": [
        ("good", "admin", per(lambda t: {"name": f"k-{t}", "scope": {
            "role": "ROLE_REP", "memberId": "rep-1"}}), None),
        ("no role", "admin", {"name": "x"}, "invalid_argument"),
    ],
    "rapport.v1.AdminService.ListApiKeys": [
        ("good", "admin", {}, None),
    ],
    "rapport.v1.AdminService.RevokeApiKey": [
        ("good", "admin", per(lambda t: {"keyId": REVOCABLE[t]}), None),
        ("missing", "admin", {"keyId": "0123456789abcdef"}, "not_found"),
    ],
    "rapport.v1.AdminService.EraseContact": [
        ("good", "admin", {"contactId": "c-nobody"}, None),
        ("empty id", "admin", {"contactId": ""}, "invalid_argument"),
    ],
    "rapport.v1.AdminService.ListAuditEvents": [
        ("good", "admin", {"principal": "nobody"}, None),
        ("bad token", "admin", {"pageToken": "garbage"}, "invalid_argument"),
    ],
    "rapport.v1.AdminService.BackupDatabase": [
        ("good", "admin", per(lambda t: {"name": f"connect-{t}.db"}), None),
        ("bad name", "admin", {"name": "../outside.db"}, "invalid_argument"),
    ],
    "rapport.v1.GoalService.CreateGoal": [
        ("good", "admin", {"goal": {"memberId": "rep-1", "target": 70,
                                    "dueTime": DUE}},
         None),
        ("no subject", "admin", {"goal": {"target": 70}}, "invalid_argument"),
    ],
    "rapport.v1.GoalService.ListGoals": [
        ("good", "admin", {"memberId": "rep-2"}, None),
        ("bad token", "admin", {"pageToken": "garbage"}, "invalid_argument"),
    ],
    "rapport.v1.GoalService.DeleteGoal": [
        ("good", "admin", per(lambda t: {"goalId": GOALS[t]}), None),
        ("missing", "admin", {"goalId": "nope"}, "not_found"),
    ],
    "rapport.v1.OutreachService.GetOutreachEffectiveness": [
        ("good", "admin", {"memberId": "rep-1", "asOf": AS_OF}, None),
        ("missing", "admin", {"memberId": "nobody"}, "not_found"),
        ("bad window", "admin", {"memberId": "rep-1", "windowDays": -5},
         "invalid_argument"),
    ],
    "rapport.v1.RecommendationService.GetRecommendations": [
        ("good", "admin", {"memberId": "rep-1"}, None),
        ("missing", "admin", {"memberId": "nobody"}, "not_found"),
        ("empty id", "admin", {"memberId": ""}, "invalid_argument"),
    ],
    "rapport.v1.ScoringService.GetScore": [
        ("good", "admin", {"memberId": "rep-1"}, None),
        ("rep sees self", "rep", {"memberId": "rep-1"}, None),
        ("rep sees no other", "rep", {"memberId": "rep-2"},
         "permission_denied"),
        ("missing", "admin", {"memberId": "nobody"}, "not_found"),
        ("empty id", "admin", {"memberId": ""}, "invalid_argument"),
    ],
    "rapport.v1.ScoringService.BatchGetScores": [
        ("good", "admin", {"memberIds": ["rep-1", "rep-2"]}, None),
        ("empty id", "admin", {"memberIds": ["rep-1", ""]},
         "invalid_argument"),
    ],
    "rapport.v1.ScoringService.GetScoreHistory": [
        ("good", "admin", {"memberId": "rep-1"}, None),
        ("missing", "admin", {"memberId": "nobody"}, "not_found"),
    ],
    "rapport.v1.ScoringService.GetLeaderboard": [
        ("good", "admin", {"team": "north"}, None),
        ("bad token", "admin", {"team": "north", "pageToken": "garbage"},
         "invalid_argument"),
    ],
    "rapport.v1.ScoringService.ListDecliningMembers": [
        ("good", "admin", {"team": "north"}, None),
        ("negative drop", "admin", {"minDrop": -1}, "invalid_argument"),
    ],
    "rapport.v1.ScoringService.ListScoreChanges": [
        ("good", "admin", {"pageSize": 5}, None),
        ("bad cursor", "admin", {"cursor": "garbage"}, "invalid_argument"),
    ],
    "rapport.v1.ValidationService.GetValidationReport": [
        ("good", "admin", {}, None),
        ("bad confidence", "admin", {"confidence": 2}, "invalid_argument"),
    ],
}

# Filled in setUpClass: per transport, a key to revoke and a goal to delete.
REVOCABLE = {}
GOALS = {}
TRANSPORTS = ("grpc", "json", "proto", "get")


class Outcome:
    """What a call gave: a Connect code name (None for OK), the message and
    the response as proto3 JSON (scrubbed of volatile fields)."""

    def __init__(self, code=None, message="", response=None, raw=None):
        self.code, self.message, self.response = code, message, response
        self.raw = raw  # The response unscrubbed.

    def key(self):
        return (self.code, self.message, self.response)

    def __repr__(self):
        return f"Outcome{self.key()}"


def envelope(flags, payload):
    return struct.pack(">BI", flags, len(payload)) + payload


def read_envelopes(body):
    out = []
    while body:
        flags, length = struct.unpack(">BI", body[:5])
        out.append((flags, body[5:5 + length]))
        body = body[5 + length:]
    return out


class ConnectE2ETest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        import grpc
        cls.grpc = grpc
        cls.dir = e2e.temp_dir()
        db = os.path.join(cls.dir, "rapport.db")
        cls.admin_key = e2e.bootstrap_admin_key(ARGS.rapportd, db, "acme")
        backups = os.path.join(cls.dir, "backups")
        os.makedirs(backups)
        cls.server = e2e.Rapportd(
            ARGS.rapportd, db,
            extra_args=["--auth=on", "--score_refresh=0s",
                        f"--backup_dir={backups}",
                        "--history_interval=0s", "--http_threads=4",
                        f"--max_message_bytes={MAX_MESSAGE_BYTES}"])
        cls.server.start()
        try:
            cls.prepare()
        except BaseException:
            e2e.stop_server(cls.server, cls.dir)
            raise

    @classmethod
    def prepare(cls):
        """Generates the client, makes the keys and the data."""
        import grpc
        os.makedirs(os.path.join(cls.dir, "py"))
        out = e2e.generate_python_client(os.path.abspath(ARGS.proto_dir),
                                         os.path.join(cls.dir, "py"))
        sys.path.insert(0, out)
        sys.path.insert(0, os.path.join(out, "ext_protos"))
        from google.protobuf import json_format, symbol_database
        cls.json_format = json_format
        cls.symbols = symbol_database.Default()
        cls.modules = []
        for name in sorted(os.listdir(os.path.join(out, "rapport", "v1"))):
            if name.endswith("_pb2.py"):
                cls.modules.append(__import__(f"rapport.v1.{name[:-3]}",
                                              fromlist=["DESCRIPTOR"]))
        cls.channel = grpc.secure_channel(
            cls.server.address,
            grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP))
        cls.keys = {"admin": cls.admin_key}
        cls.keys["rep"] = cls.call_ok("AdminService", "CreateApiKey", {
            "name": "rep", "scope": {"role": "ROLE_REP",
                                     "memberId": "rep-1"}})["secret"]
        cls.keys["metrics"] = cls.call_ok("AdminService", "CreateApiKey", {
            "name": "metrics", "scope": {"role": "ROLE_METRICS"}})["secret"]
        for name, team in (("rep-1", "north"), ("rep-2", "north")):
            cls.call_ok("ActivityService", "UpsertMember",
                        {"member": member(name, team)})
        cls.call_ok("ActivityService", "IngestEvents", [{"events": [
            event(f"seed-{i}", days_ago=1 + i % 9) for i in range(20)]}])
        for t in TRANSPORTS:
            cls.call_ok("ActivityService", "UpsertMember",
                        {"member": member(f"del-{t}")})
            REVOCABLE[t] = cls.call_ok("AdminService", "CreateApiKey", {
                "name": f"revoke-{t}", "scope": {"role": "ROLE_METRICS"}}
            )["key"]["keyId"]
            GOALS[t] = cls.call_ok("GoalService", "CreateGoal", {"goal": {
                "memberId": "rep-2", "target": 60,
                "dueTime": DUE}})["goal"]["goal"]["goalId"]
        cls.wait_serving()

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        e2e.stop_server(cls.server, cls.dir)

    # --- Plumbing ------------------------------------------------------

    @classmethod
    def method(cls, service, name):
        return cls.symbols.pool.FindServiceByName(
            f"rapport.v1.{service}").FindMethodByName(name)

    @classmethod
    def message_class(cls, descriptor):
        return cls.symbols.GetPrototype(descriptor)

    @classmethod
    def call_ok(cls, service, name, request, key="admin"):
        outcome = cls.grpc_call(cls.method(service, name), request, key)
        if outcome.code is not None:
            raise AssertionError(f"{service}.{name}: {outcome}")
        return outcome.raw

    @classmethod
    def wait_serving(cls):
        deadline = time.time() + 60
        while time.time() < deadline:
            outcome = cls.grpc_call(cls.method("ScoringService", "GetScore"),
                                    {"memberId": "rep-1"}, "admin")
            if outcome.code != "unavailable":
                return
            time.sleep(0.2)
        raise AssertionError("rapportd did not become ready")

    @classmethod
    def to_json(cls, message):
        return scrub(cls.json_format.MessageToDict(message))

    @classmethod
    def grpc_call(cls, method, request, key, metadata=()):
        """The method called over gRPC; request is proto3 JSON (a list of
        them for a client stream)."""
        grpc = cls.grpc
        in_cls = cls.message_class(method.input_type)
        out_cls = cls.message_class(method.output_type)
        md = list(metadata)
        if key:
            md.append(("authorization", f"Bearer {cls.keys[key]}"))
        path = f"/{method.containing_service.full_name}/{method.name}"
        try:
            if method.client_streaming:
                call = cls.channel.stream_unary(
                    path, request_serializer=lambda m: m.SerializeToString(),
                    response_deserializer=out_cls.FromString)
                response = call(iter([cls.json_format.ParseDict(r, in_cls())
                                      for r in request]),
                                metadata=md, timeout=30)
            else:
                call = cls.channel.unary_unary(
                    path, request_serializer=lambda m: m.SerializeToString(),
                    response_deserializer=out_cls.FromString)
                response = call(cls.json_format.ParseDict(request, in_cls()),
                                metadata=md, timeout=30)
        except grpc.RpcError as e:
            return Outcome(connect_code(e.code()), e.details() or "")
        return Outcome(None, "", cls.to_json(response),
                       cls.json_format.MessageToDict(response))

    def http(self, verb, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1",
                                          self.server.metrics_port, timeout=30)
        try:
            conn.request(verb, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def auth(self, key):
        return {"Authorization": f"Bearer {self.keys[key]}"} if key else {}

    def connect_error(self, status, headers, body):
        self.assertEqual(headers.get("content-type"), "application/json", body)
        error = json.loads(body)
        self.assertEqual(status, HTTP_STATUS[error["code"]], error)
        return Outcome(error["code"], error.get("message", ""))

    def connect_unary(self, method, request, key, transport):
        """The method called over Connect: transport is json (POST),
        proto (POST) or get (GET with base64 proto or JSON)."""
        in_cls = self.message_class(method.input_type)
        out_cls = self.message_class(method.output_type)
        path = f"/{method.containing_service.full_name}/{method.name}"
        headers = {"Connect-Protocol-Version": "1", **self.auth(key)}
        codec = "json" if transport in ("json", "get") else "proto"
        message = self.json_format.ParseDict(request, in_cls())
        payload = (json.dumps(request).encode() if codec == "json"
                   else message.SerializeToString())
        if transport == "get":
            query = urllib.parse.urlencode({
                "connect": "v1", "encoding": "json", "message": payload})
            status, rh, body = self.http("GET", f"{path}?{query}",
                                         headers=headers)
        else:
            headers["Content-Type"] = f"application/{codec}"
            status, rh, body = self.http("POST", path, payload, headers)
        if status != 200:
            return self.connect_error(status, rh, body)
        self.assertEqual(rh.get("content-type"), f"application/{codec}")
        if codec == "json":
            response = self.json_format.Parse(body, out_cls())
        else:
            response = out_cls.FromString(body)
        return Outcome(None, "", self.to_json(response))

    def connect_stream(self, method, requests, key, codec="json",
                       extra_headers=None):
        in_cls = self.message_class(method.input_type)
        out_cls = self.message_class(method.output_type)
        body = b""
        for r in requests:
            body += envelope(0, json.dumps(r).encode() if codec == "json"
                             else self.json_format.ParseDict(
                                 r, in_cls()).SerializeToString())
        headers = {"Content-Type": f"application/connect+{codec}",
                   "Connect-Protocol-Version": "1", **self.auth(key),
                   **(extra_headers or {})}
        path = f"/{method.containing_service.full_name}/{method.name}"
        status, rh, raw = self.http("POST", path, body, headers)
        self.assertEqual(status, 200, raw)
        self.assertEqual(rh.get("content-type"),
                         f"application/connect+{codec}")
        frames = read_envelopes(raw)
        self.assertEqual(frames[-1][0] & 2, 2, "no end-of-stream message")
        end = json.loads(frames[-1][1])
        if "error" in end:
            self.assertEqual(len(frames), 1)
            return Outcome(end["error"]["code"],
                           end["error"].get("message", ""))
        self.assertEqual(len(frames), 2)
        payload = frames[0][1]
        if frames[0][0] & 1:
            payload = gzip.decompress(payload)
        response = (self.json_format.Parse(payload, out_cls())
                    if codec == "json" else out_cls.FromString(payload))
        return Outcome(None, "", self.to_json(response))

    # --- Every method, both transports -----------------------------------

    def all_methods(self):
        methods = []
        for module in self.modules:
            for service in module.DESCRIPTOR.services_by_name.values():
                methods.extend(service.methods)
        return methods

    def test_every_method_has_cases(self):
        names = {m.full_name for m in self.all_methods()}
        self.assertGreaterEqual(len(names), 20)
        self.assertEqual(sorted(names - CASES.keys()), [],
                         "methods without a row in CASES")
        self.assertEqual(sorted(CASES.keys() - names), [])

    def test_every_method_gives_the_same_outcome_on_both_transports(self):
        for method in self.all_methods():
            cases = list(CASES.get(method.full_name, []))
            self.assertTrue(cases, method.full_name)
            first = cases[0][2]
            cases.append(("unauthenticated", None, first, "unauthenticated"))
            cases.append(("no permission", "metrics", first,
                          "permission_denied"))
            for label, key, request, expected in cases:
                with self.subTest(method=method.full_name, case=label):
                    self.compare(method, label, key, request, expected)

    def compare(self, method, label, key, request, expected):
        transports = ["grpc", "json", "proto"]
        if method.client_streaming:
            transports = ["grpc", "json", "proto"]
        elif method.GetOptions().idempotency_level == 1:  # NO_SIDE_EFFECTS
            transports.append("get")
        outcomes = {}
        for t in transports:
            r = request(t) if callable(request) else request
            if t == "grpc":
                outcomes[t] = self.grpc_call(method, r, key)
            elif method.client_streaming:
                outcomes[t] = self.connect_stream(method, r, key, codec=t)
            else:
                outcomes[t] = self.connect_unary(method, r, key, t)
        self.assertEqual(outcomes["grpc"].code, expected,
                         f"{label}: {outcomes['grpc']}")
        # Requests made per transport name it in their ids: compared as T.
        def same(t):
            text = json.dumps(outcomes[t].key(), sort_keys=True)
            return text.replace(f"-{t}", "-T") if callable(request) else text
        for t in transports[1:]:
            self.assertEqual(same(t), same("grpc"), f"{label} over {t}")

    def test_bad_event_in_a_stream_is_reported_by_index(self):
        method = self.method("ActivityService", "IngestEvents")
        outcome = self.connect_stream(method, [
            {"events": [event("idx-1")]},
            {"events": [event("idx-2"), event("idx-3"),
                        {"eventId": "idx-4", "memberId": "rep-1"}]}],
            "admin", extra_headers={"Connect-Accept-Encoding": "gzip"})
        self.assertIsNone(outcome.code, outcome)
        self.assertEqual(outcome.response["acceptedCount"], "3")
        self.assertEqual(outcome.response["batchCount"], 2)
        self.assertEqual(len(outcome.response["rejected"]), 1)
        rejected = outcome.response["rejected"][0]
        self.assertEqual(rejected.get("batchIndex", 0), 1)
        self.assertEqual(rejected.get("eventIndex", 0), 2)

    def test_stream_with_gzip_messages_and_a_malformed_one(self):
        method = self.method("ActivityService", "IngestEvents")
        path = "/rapport.v1.ActivityService/IngestEvents"
        good = gzip.compress(json.dumps({"events": [event("gz-1")]}).encode())
        headers = {"Content-Type": "application/connect+json",
                   "Connect-Content-Encoding": "gzip", **self.auth("admin")}
        status, _, raw = self.http(
            "POST", path, envelope(1, good) + envelope(0, b"{nope"), headers)
        self.assertEqual(status, 200)
        end = json.loads(read_envelopes(raw)[-1][1])
        self.assertEqual(end["error"]["code"], "invalid_argument")
        self.assertTrue(end["error"]["message"].startswith("message 1: "),
                        end)
        # A body that ends inside an envelope.
        status, _, raw = self.http("POST", path, envelope(0, b"{}")[:4],
                                   headers)
        end = json.loads(read_envelopes(raw)[-1][1])
        self.assertEqual(end["error"]["code"], "invalid_argument")
        # The stream's accepted message reached the store.
        self.assertEqual(self.grpc_call(
            self.method("ActivityService", "GetMember"),
            {"memberId": "rep-1"}, "admin").code, None)
        del method

    # --- The protocol's own errors ------------------------------------

    def post(self, path, body, content_type="application/json", key="admin",
             **headers):
        return self.http("POST", path, body, {
            "Content-Type": content_type, **self.auth(key), **headers})

    def test_malformed_json_and_unknown_field_are_invalid_argument(self):
        for body in (b"{", b'{"memberId": 1, }', b"", b'{"nope": "x"}',
                     b'{"memberId": "rep-1", "extra": true}'):
            status, h, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                       body)
            outcome = self.connect_error(status, h, raw)
            self.assertEqual(outcome.code, "invalid_argument", body)
            self.assertIn("rapport.v1.GetScoreRequest", outcome.message)

    def test_wrong_content_type_is_415(self):
        for path, ctype in (
                ("/rapport.v1.ScoringService/GetScore", "text/plain"),
                ("/rapport.v1.ScoringService/GetScore",
                 "application/connect+json"),
                ("/rapport.v1.ActivityService/IngestEvents",
                 "application/json")):
            status, h, raw = self.post(path, b"{}", content_type=ctype)
            self.assertEqual(status, 415, raw)
            self.assertIn("application/", h.get("accept-post", ""))
            self.assertEqual(json.loads(raw)["code"], "unimplemented")

    def test_body_over_the_limit_is_resource_exhausted(self):
        big = json.dumps({"memberId": "x" * (MAX_MESSAGE_BYTES + 10)})
        status, h, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                   big.encode())
        self.assertEqual(self.connect_error(status, h, raw).code,
                         "resource_exhausted")
        # Compressed small, too large once inflated.
        status, h, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                   gzip.compress(big.encode()),
                                   **{"Content-Encoding": "gzip"})
        self.assertEqual(self.connect_error(status, h, raw).code,
                         "resource_exhausted")
        # The same message over gRPC.
        method = self.method("ScoringService", "GetScore")
        self.assertEqual(self.grpc_call(method, json.loads(big), "admin").code,
                         "resource_exhausted")

    def test_connections_are_kept_alive_unless_a_body_is_left_unread(self):
        conn = http.client.HTTPConnection("127.0.0.1",
                                          self.server.metrics_port, timeout=30)
        headers = {"Content-Type": "application/json", **self.auth("admin")}
        try:
            sockets = set()
            for body in (b'{"memberId": "rep-1"}', b'{"memberId": "nobody"}',
                         b'{"memberId": "rep-2"}'):
                conn.request("POST", "/rapport.v1.ScoringService/GetScore",
                             body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                self.assertIn(r.status, (200, 404))
                self.assertIsNone(r.getheader("Connection"))
                sockets.add(id(conn.sock))
            # Three calls, errors included, over one connection.
            self.assertEqual(len(sockets), 1)
            big = b'{"memberId": "' + b"x" * (MAX_MESSAGE_BYTES + 10) + b'"}'
            conn.request("POST", "/rapport.v1.ScoringService/GetScore",
                         body=big, headers=headers)
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 429)
            self.assertEqual(r.getheader("Connection"), "close")
        finally:
            conn.close()

    def test_unknown_method_is_404_unimplemented(self):
        for path in ("/rapport.v1.ScoringService/Nope",
                     "/rapport.v1.NoService/GetScore"):
            status, h, raw = self.post(path, b"{}")
            self.assertEqual(status, 404)
            self.assertEqual(json.loads(raw)["code"], "unimplemented")

    def test_get_on_a_method_with_side_effects_is_405(self):
        query = urllib.parse.urlencode({"encoding": "json", "message": "{}"})
        status, h, raw = self.http(
            "GET", f"/rapport.v1.ActivityService/UpsertMember?{query}",
            headers=self.auth("admin"))
        self.assertEqual(status, 405)
        self.assertEqual(h.get("allow"), "POST")

    def test_get_without_a_known_encoding_is_415(self):
        for query in ("message=%7B%7D", "encoding=xml&message=%7B%7D"):
            status, _, raw = self.http(
                "GET", f"/rapport.v1.ScoringService/GetScore?{query}",
                headers=self.auth("admin"))
            self.assertEqual(status, 415, raw)
            error = json.loads(raw)
            self.assertEqual(error["code"], "unimplemented")
            self.assertIn("encoding", error["message"])

    def test_get_with_base64_proto_and_gzip(self):
        method = self.method("ScoringService", "GetScore")
        message = self.message_class(method.input_type)(member_id="rep-1")
        expected = self.grpc_call(method, {"memberId": "rep-1"}, "admin")
        for compression in ("identity", "gzip"):
            payload = message.SerializeToString()
            if compression == "gzip":
                payload = gzip.compress(payload)
            query = urllib.parse.urlencode({
                "connect": "v1", "encoding": "proto", "base64": "1",
                "compression": compression,
                "message": base64.urlsafe_b64encode(payload).rstrip(b"=")})
            status, h, raw = self.http(
                "GET", f"/rapport.v1.ScoringService/GetScore?{query}",
                headers=self.auth("admin"))
            self.assertEqual(status, 200, raw)
            response = self.message_class(method.output_type).FromString(raw)
            self.assertEqual(self.to_json(response), expected.response)

    def test_gzip_request_and_response(self):
        body = gzip.compress(json.dumps({"memberId": "rep-1"}).encode())
        status, h, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                   body, **{"Content-Encoding": "gzip",
                                            "Accept-Encoding": "gzip"})
        self.assertEqual(status, 200, raw)
        self.assertEqual(h.get("content-encoding"), "gzip")
        self.assertEqual(json.loads(gzip.decompress(raw))["score"]["memberId"],
                         "rep-1")
        status, h, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                   b"{}", **{"Content-Encoding": "br"})
        self.assertEqual(self.connect_error(status, h, raw).code,
                         "unimplemented")
        status, h, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                   b"not gzip", **{"Content-Encoding": "gzip"})
        self.assertEqual(self.connect_error(status, h, raw).code,
                         "invalid_argument")

    def test_connect_timeout_ms_sets_the_deadline(self):
        path = "/rapport.v1.ScoringService/GetScore"
        body = json.dumps({"memberId": "rep-1"}).encode()
        status, h, raw = self.post(path, body, **{"Connect-Timeout-Ms": "0"})
        self.assertEqual(self.connect_error(status, h, raw).code,
                         "deadline_exceeded")
        status, h, raw = self.post(path, body,
                                   **{"Connect-Timeout-Ms": "10000"})
        self.assertEqual(status, 200, raw)
        status, h, raw = self.post(path, body,
                                   **{"Connect-Timeout-Ms": "soon"})
        self.assertEqual(self.connect_error(status, h, raw).code,
                         "invalid_argument")

    def test_protocol_version_other_than_1_is_refused(self):
        status, h, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                   b'{"memberId": "rep-1"}',
                                   **{"Connect-Protocol-Version": "2"})
        self.assertEqual(self.connect_error(status, h, raw).code,
                         "invalid_argument")

    def test_a_network_call_carrying_a_pass_gains_nothing(self):
        method = self.method("AdminService", "ListApiKeys")
        plain = self.grpc_call(method, {}, "rep")
        self.assertEqual(plain.code, "permission_denied")
        for value in ("0" * 64, "forged"):
            forged = self.grpc_call(method, {}, "rep", metadata=[
                ("rapport-in-process-pass", value)])
            self.assertEqual(forged.key(), plain.key())
        # Over Connect the header is never forwarded either.
        status, h, raw = self.post("/rapport.v1.AdminService/ListApiKeys",
                                   b"{}", key="rep",
                                   **{"rapport-in-process-pass": "0" * 64})
        self.assertEqual(self.connect_error(status, h, raw).key(), plain.key())

    def handled(self, method):
        """grpc_server_handled_total of GetScore with code OK, from
        /metrics (the admin key may scrape)."""
        status, _, raw = self.http("GET", "/metrics",
                                   headers=self.auth("admin"))
        self.assertEqual(status, 200)
        for line in raw.decode().splitlines():
            if (line.startswith("grpc_server_handled_total{") and
                    f'grpc_method="{method}"' in line and
                    'grpc_code="OK"' in line):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    def test_the_grpc_interceptors_count_connect_calls(self):
        before = self.handled("GetScore")
        for _ in range(3):
            status, _, raw = self.post("/rapport.v1.ScoringService/GetScore",
                                       b'{"memberId": "rep-1"}')
            self.assertEqual(status, 200, raw)
        self.assertEqual(self.handled("GetScore"), before + 3)

    # --- The CLI tools the README shows ------------------------------

    def test_curl_with_a_json_body(self):
        curl = shutil.which("curl")
        if curl is None:
            self.skipTest("curl is not installed")
        out = subprocess.run(
            [curl, "-sS", "--fail-with-body",
             "-H", "Content-Type: application/json",
             "-H", f"Authorization: Bearer {self.keys['admin']}",
             "-d", '{"memberId": "rep-1"}',
             f"http://127.0.0.1:{self.server.metrics_port}"
             "/rapport.v1.ScoringService/GetScore"],
            capture_output=True, text=True, timeout=30, check=True)
        self.assertEqual(json.loads(out.stdout)["score"]["memberId"], "rep-1")

    def test_buf_curl(self):
        if not ARGS.buf or not os.path.exists(ARGS.buf):
            self.skipTest("buf is not installed (npm ci --prefix tests/node)")
        out = subprocess.run(
            [ARGS.buf, "curl", "--protocol", "connect",
             "--schema", os.path.abspath(ARGS.proto_dir),
             "-H", f"Authorization: Bearer {self.keys['admin']}",
             "-d", '{"memberId": "rep-1"}',
             f"http://127.0.0.1:{self.server.metrics_port}"
             "/rapport.v1.ScoringService/GetScore"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["score"]["memberId"], "rep-1")
        out = subprocess.run(
            [ARGS.buf, "curl", "--protocol", "connect",
             "--schema", os.path.abspath(ARGS.proto_dir),
             "-d", '{"memberId": "rep-1"}',
             f"http://127.0.0.1:{self.server.metrics_port}"
             "/rapport.v1.ScoringService/GetScore"],
            capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("unauthenticated", out.stderr + out.stdout)


class ConnectAuthOffTest(unittest.TestCase):
    """Authentication off (loopback): every call on either port is an admin
    of the tenant "default"."""

    def test_calls_without_credentials_act_as_the_local_admin(self):
        import grpc
        directory = e2e.temp_dir()
        server = e2e.Rapportd(ARGS.rapportd,
                              os.path.join(directory, "rapport.db"),
                              extra_args=["--auth=off"]).start()
        try:
            upsert = json.dumps({"member": member("solo")}).encode()
            conn = http.client.HTTPConnection("127.0.0.1",
                                              server.metrics_port, timeout=30)
            conn.request("POST", "/rapport.v1.ActivityService/UpsertMember",
                         body=upsert,
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            body = r.read()
            self.assertEqual(r.status, 200, body)
            self.assertTrue(json.loads(body)["created"])
            conn.close()
            with grpc.insecure_channel(server.address) as channel:
                call = channel.unary_unary(
                    "/rapport.v1.ActivityService/GetMember")
                # GetMemberRequest{member_id="solo"}: the member Connect made
                # is in the tenant gRPC callers see.
                raw = call(e2e.field_bytes(1, b"solo"), timeout=30)
            self.assertIn(b"solo", raw)
        finally:
            e2e.stop_server(server, directory)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--proto_dir", required=True)
    parser.add_argument("--buf", default="")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
