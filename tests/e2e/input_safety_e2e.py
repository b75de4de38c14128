#!/usr/bin/env python3
"""Input that cannot hurt a reader, end to end: the built rapportd answers
requests holding invalid UTF-8 (hand-encoded, sent as raw bytes so that the
Python client cannot refuse them) with INVALID_ARGUMENT and a message naming
the request type, on unary methods and on the IngestEvents stream; control
and bidirectional characters in names are refused; limits count characters.

  input_safety_e2e.py --rapportd PATH --proto_dir PATH
"""

import argparse
import datetime
import sys

import rapport_e2e as e2e

ARGS = None
pb = None  # Generated modules, filled in by main().

PARSE_ERROR = ("a string field holds invalid UTF-8 or the message is "
               "malformed")


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import grpc  # Debian's python3-grpcio.
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    pb = argparse.Namespace(**locals())


# A hand-encoded length-delimited field: how invalid UTF-8 gets on the wire.
field = e2e.field_bytes


class InputSafetyTest(e2e.RapportdTestCase):

    def setUp(self):
        self.rapportd = ARGS.rapportd
        super().setUp()
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)

    def raw_unary(self, method, body):
        call = self.channel.unary_unary(method, request_serializer=None,
                                        response_deserializer=None)
        return call(body, timeout=10)

    def assert_invalid(self, err, *fragments):
        self.assertEqual(err.code(), pb.grpc.StatusCode.INVALID_ARGUMENT,
                         err.details())
        for f in fragments:
            self.assertIn(f, err.details())

    def member(self, member_id, name="Rep", team="north"):
        return pb.activity_pb2.Member(member_id=member_id, display_name=name,
                                      team=team, industry="software")

    def test_invalid_utf8_in_unary_requests(self):
        cases = [
            ("/rapport.v1.ActivityService/GetMember",
             field(1, b"m\xff"), "rapport.v1.GetMemberRequest"),
            ("/rapport.v1.ActivityService/UpsertMember",
             field(1, field(1, b"m1") + field(2, b"Bad\xc3\x28")),
             "rapport.v1.UpsertMemberRequest"),
            ("/rapport.v1.ActivityService/ListMembers",
             field(1, b"\xed\xa0\x80"), "rapport.v1.ListMembersRequest"),
            ("/rapport.v1.ScoringService/GetScore",
             field(1, b"\xc0\x80"), "rapport.v1.GetScoreRequest"),
        ]
        for method, body, request_type in cases:
            with self.subTest(method=method):
                with self.assertRaises(pb.grpc.RpcError) as cm:
                    self.raw_unary(method, body)
                self.assert_invalid(
                    cm.exception,
                    f"the request is not a valid {request_type}: "
                    + PARSE_ERROR)
        # Nothing was stored by the refused upsert.
        with self.assertRaises(pb.grpc.RpcError) as cm:
            self.activity.GetMember(
                pb.activity_pb2.GetMemberRequest(member_id="m1"))
        self.assertEqual(cm.exception.code(), pb.grpc.StatusCode.NOT_FOUND)

    def test_invalid_utf8_in_the_ingest_stream(self):
        self.activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
            member=self.member("m1")))
        event = pb.activity_pb2.Event(
            event_id="e1", member_id="m1",
            type=pb.activity_pb2.EVENT_TYPE_POST_PUBLISHED)
        event.occur_time.FromDatetime(
            datetime.datetime.now(datetime.timezone.utc)
            - datetime.timedelta(hours=1))
        good = pb.activity_pb2.IngestEventsRequest(events=[event])
        # The same event with content_id (field 8) holding a lone
        # continuation byte.
        bad = field(1, event.SerializeToString() + field(8, b"post-\x80"))
        call = self.channel.stream_unary(
            "/rapport.v1.ActivityService/IngestEvents",
            request_serializer=None, response_deserializer=None)
        with self.assertRaises(pb.grpc.RpcError) as cm:
            call(iter([good.SerializeToString(), bad]), timeout=10)
        self.assert_invalid(
            cm.exception,
            "message 1 of the stream (counting from 0) could not be parsed",
            "rapport.v1.IngestEventsRequest", PARSE_ERROR,
            "Batches before it are committed")
        got = self.activity.GetMember(
            pb.activity_pb2.GetMemberRequest(member_id="m1"))
        self.assertEqual(got.member.event_count, 1)

    def test_control_and_bidi_characters_are_refused(self):
        cases = [
            (self.member("m2", name="Eve\x1b[31m"),
             "member.display_name: contains U+001B (ESCAPE) at character 4"),
            (self.member("m2", team="abc\u202eevil"),
             "member.team: contains U+202E (RIGHT-TO-LEFT OVERRIDE) at "
             "character 4"),
            (self.member("m2", name="Zero\u200bWidth"),
             "member.display_name: contains U+200B (ZERO WIDTH SPACE) at "
             "character 5"),
        ]
        for member, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(pb.grpc.RpcError) as cm:
                    self.activity.UpsertMember(
                        pb.activity_pb2.UpsertMemberRequest(member=member))
                self.assert_invalid(cm.exception, message)

    def test_limits_count_characters(self):
        name = "é" * 200  # 400 bytes, 200 characters: accepted.
        resp = self.activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
            member=self.member("m3", name=name)))
        self.assertEqual(resp.member.display_name, name)
        with self.assertRaises(pb.grpc.RpcError) as cm:
            self.activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
                member=self.member("m3", name="é" * 300)))
        self.assert_invalid(
            cm.exception,
            "member.display_name: is 300 characters long; the maximum is 256")


def main():
    e2e.main_with_client(globals(), load_generated, cli=False)


if __name__ == "__main__":
    main()
