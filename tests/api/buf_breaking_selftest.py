#!/usr/bin/python3
"""Proves that the API compatibility check fails on a breaking change.

tests/run.sh runs `buf breaking` of proto/ against the committed image of
the released API (proto/baseline/rapport-v1.binpb). This test copies proto/
into a temporary directory, makes one change at a time and runs the same
check on the copy: each breaking change (a field removed, renumbered,
retyped or renamed, an RPC renamed, an idempotency level or streaming
changed, a file deleted...) must be reported under the rule named here, and
each compatible one (a new field, RPC, enum value or file, a deprecation, a
comment) must pass, and pass `buf lint` too.

    tests/api/buf_breaking_selftest.py [--root REPO] [--buf PATH] [-v]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = None
BASELINE = "baseline/rapport-v1.binpb"  # Relative to proto/.

# (what, file, text, replacement, rule buf must report). The text must occur
# exactly once in the file; a tuple of texts is replaced by the tuple of
# replacements, pairwise.
BREAKING = [
    ("remove a field", "rapport/v1/activity.proto",
     "  // Output only. How many events are stored for the member.\n"
     "  int64 event_count = 9;\n", "",
     "FIELD_NO_DELETE"),
    ("remove a field, reserving its number", "rapport/v1/activity.proto",
     "  int64 event_count = 9;\n", "  reserved 9;\n  reserved \"event_count\";\n",
     "FIELD_NO_DELETE"),
    ("renumber a field", "rapport/v1/activity.proto",
     "int64 event_count = 9;", "int64 event_count = 19;",
     "FIELD_NO_DELETE"),
    ("change a field's type (wire-compatible, but a string in JSON)",
     "rapport/v1/activity.proto",
     "int32 connections_count = 13;", "int64 connections_count = 13;",
     "FIELD_SAME_TYPE"),
    ("change a field's type", "rapport/v1/scoring.proto",
     "  // The SSI, from 0 to 100: the sum of the four pillars.\n"
     "  double total = 4;",
     "  // The SSI, from 0 to 100: the sum of the four pillars.\n"
     "  float total = 4;",
     "FIELD_SAME_TYPE"),
    ("rename a field (the wire is unchanged, JSON clients break)",
     "rapport/v1/activity.proto",
     "  string display_name = 2;", "  string name = 2;",
     "FIELD_SAME_JSON_NAME"),
    ("make a repeated field singular", "rapport/v1/scoring.proto",
     "repeated string member_ids = 1;", "string member_ids = 1;",
     "FIELD_SAME_CARDINALITY"),
    ("move a field out of its oneof", "rapport/v1/scoring.proto",
     "    // Rank the members of this industry.\n"
     "    string industry = 2;\n  }\n",
     "  }\n  // Rank the members of this industry.\n  string industry = 2;\n",
     "FIELD_SAME_ONEOF"),
    ("rename an RPC", "rapport/v1/scoring.proto",
     "rpc GetLeaderboard(GetLeaderboardRequest)",
     "rpc GetLeaderBoard(GetLeaderboardRequest)",
     "RPC_NO_DELETE"),
    ("change an RPC's request type", "rapport/v1/scoring.proto",
     "rpc GetScore(GetScoreRequest) returns (GetScoreResponse)",
     "rpc GetScore(BatchGetScoresRequest) returns (GetScoreResponse)",
     "RPC_SAME_REQUEST_TYPE"),
    ("make a client stream unary", "rapport/v1/activity.proto",
     "rpc IngestEvents(stream IngestEventsRequest)",
     "rpc IngestEvents(IngestEventsRequest)",
     "RPC_SAME_CLIENT_STREAMING"),
    ("change an idempotency level", "rapport/v1/scoring.proto",
     "rpc GetScore(GetScoreRequest) returns (GetScoreResponse) {\n"
     "    option idempotency_level = NO_SIDE_EFFECTS;",
     "rpc GetScore(GetScoreRequest) returns (GetScoreResponse) {\n"
     "    option idempotency_level = IDEMPOTENT;",
     "RPC_SAME_IDEMPOTENCY_LEVEL"),
    ("drop an idempotency level", "rapport/v1/activity.proto",
     "rpc UpsertMember(UpsertMemberRequest) returns (UpsertMemberResponse) {\n"
     "    option idempotency_level = IDEMPOTENT;\n  }",
     "rpc UpsertMember(UpsertMemberRequest) returns (UpsertMemberResponse);",
     "RPC_SAME_IDEMPOTENCY_LEVEL"),
    ("rename an enum value (enums are names in JSON)", "rapport/v1/activity.proto",
     "EVENT_TYPE_MEETING_BOOKED = 20;", "EVENT_TYPE_MEETING_SET = 20;",
     "ENUM_VALUE_SAME_NAME"),
    ("remove an enum value", "rapport/v1/common.proto",
     "  // Any other channel (SMS, chat apps, video calls).\n"
     "  CHANNEL_OTHER = 7;\n", "",
     "ENUM_VALUE_NO_DELETE"),
    ("rename a message (and its one use)", "rapport/v1/recommendation.proto",
     ("message RecommendationTarget {", "repeated RecommendationTarget targets"),
     ("message RecommendationSubject {", "repeated RecommendationSubject targets"),
     "MESSAGE_NO_DELETE"),
    ("change the Java package", "rapport/v1/goal.proto",
     'option java_package = "com.rapport.v1";',
     'option java_package = "com.rapport.api.v1";',
     "FILE_SAME_JAVA_PACKAGE"),
    ("rename a field of a config file", "rapport/config/v1/auth.proto",
     "  string member_claim = 3;", "  string member_id_claim = 3;",
     "FIELD_SAME_JSON_NAME"),
    ("drop explicit presence from a config field",
     "rapport/config/v1/scoring_model.proto",
     "optional int32 window_days = 2;", "int32 window_days = 2;",
     "FIELD_SAME_CARDINALITY"),
]

# Files deleted outright: (what, file, rule).
DELETED = [
    ("delete a file", "rapport/v1/validation.proto", "FILE_NO_DELETE"),
]

# (what, file, text, replacement), as BREAKING. Each must pass both buf
# breaking and buf lint.
COMPATIBLE = [
    ("add a field", "rapport/v1/activity.proto",
     "  google.protobuf.Timestamp last_event_time = 10;\n",
     "  google.protobuf.Timestamp last_event_time = 10;\n"
     "  // The member's preferred language, as a BCP 47 tag.\n"
     "  string locale = 11;\n"),
    ("add an RPC", "rapport/v1/scoring.proto",
     "  rpc GetLeaderboard(GetLeaderboardRequest) returns (GetLeaderboardResponse) {\n",
     "  // Counts the members of a team.\n"
     "  rpc CountMembers(CountMembersRequest) returns (CountMembersResponse) {\n"
     "    option idempotency_level = NO_SIDE_EFFECTS;\n"
     "  }\n"
     "  // Ranks the members of a team, an industry or the whole organisation.\n"
     "  rpc GetLeaderboard(GetLeaderboardRequest) returns (GetLeaderboardResponse) {\n"),
    ("add an enum value", "rapport/v1/activity.proto",
     "  EVENT_TYPE_MEETING_BOOKED = 20;\n",
     "  EVENT_TYPE_MEETING_BOOKED = 20;\n"
     "  // The member attended a webinar with the contact.\n"
     "  EVENT_TYPE_WEBINAR_ATTENDED = 21;\n"),
    ("deprecate a field", "rapport/v1/activity.proto",
     "  string manager = 5;", "  string manager = 5 [deprecated = true];"),
    ("deprecate an RPC, a message and an enum value", "rapport/v1/scoring.proto",
     ("rpc BatchGetScores(BatchGetScoresRequest) returns (BatchGetScoresResponse) {\n",
      "message ScoreForecast {\n",
      "  double score_floor = 11;"),
     ("rpc BatchGetScores(BatchGetScoresRequest) returns (BatchGetScoresResponse) {\n"
      "    option deprecated = true;\n",
      "message ScoreForecast {\n  option deprecated = true;\n",
      "  double score_floor = 11 [deprecated = true];")),
    ("reword a comment", "rapport/v1/recommendation.proto",
     "  // A short title.\n", "  // A short title, in the server's language.\n"),
    ("add a field to a config file", "rapport/config/v1/auth.proto",
     "  repeated string teams = 6;\n}",
     "  repeated string teams = 6;\n"
     "  // For role manager: every team of the tenant.\n"
     "  bool all_teams = 7;\n}"),
]

# The messages the new RPC of COMPATIBLE needs, appended to its file.
COUNT_MESSAGES = """
// Request of ScoringService.CountMembers.
message CountMembersRequest {
  // The team. Required.
  string team = 1;
}

// Response of ScoringService.CountMembers.
message CountMembersResponse {
  // How many members the team has.
  int32 member_count = 1;
}
"""

# Compatible: a new file with its own service. (file, content)
NEW_FILE = ("rapport/v1/note.proto", """syntax = "proto3";

package rapport.v1;

option cc_enable_arenas = true;
option java_multiple_files = true;
option java_package = "com.rapport.v1";

// Notes a manager keeps about a member.
service NoteService {
  // Adds a note.
  rpc AddNote(AddNoteRequest) returns (AddNoteResponse);
}

// Request of NoteService.AddNote.
message AddNoteRequest {
  // The member. Required.
  string member_id = 1;
  // The note.
  string text = 2;
}

// Response of NoteService.AddNote.
message AddNoteResponse {
  // The note's identifier.
  string note_id = 1;
}
""")


class BufBreakingSelfTest(unittest.TestCase):
    """Each case runs on a fresh copy of proto/."""

    def setUp(self):
        self.root = os.path.abspath(ARGS.root)
        self.buf = ARGS.buf or os.path.join(
            self.root, "tests/node/node_modules/.bin/buf")
        if not os.access(self.buf, os.X_OK):
            self.fail(f"buf not found at {self.buf}: run "
                      "`npm ci --prefix tests/node` (tests/run.sh does)")
        self.baseline = os.path.join(self.root, "proto", BASELINE)
        self.assertTrue(os.path.isfile(self.baseline),
                        f"{self.baseline} is missing")
        self.tmp = tempfile.mkdtemp(prefix="rapport-buf-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def copy(self, name):
        """A fresh copy of proto/ (without the baseline), named `name`."""
        dst = os.path.join(self.tmp, name)
        shutil.copytree(os.path.join(self.root, "proto"), dst,
                        ignore=shutil.ignore_patterns("baseline"))
        return dst

    def buf_run(self, proto_dir, *args):
        return subprocess.run([self.buf, *args], cwd=proto_dir,
                              capture_output=True, text=True, timeout=120)

    def breaking(self, proto_dir):
        """(exit code, the rules reported, the raw output)."""
        proc = self.buf_run(proto_dir, "breaking", "--against", self.baseline,
                            "--error-format=json")
        rules = set()
        for line in proc.stdout.splitlines():
            if line.strip():
                rules.add(json.loads(line)["type"])
        return proc.returncode, rules, proc.stdout + proc.stderr

    @staticmethod
    def replace(proto_dir, path, old, new):
        full = os.path.join(proto_dir, path)
        with open(full) as f:
            text = f.read()
        pairs = zip(old, new) if isinstance(old, tuple) else [(old, new)]
        for o, n in pairs:
            count = text.count(o)
            if count != 1:
                raise AssertionError(
                    f"{path}: the text to change occurs {count} times, not "
                    f"once (update the case to today's proto): {o!r}")
            text = text.replace(o, n)
        with open(full, "w") as f:
            f.write(text)

    def test_the_baseline_holds_the_whole_api(self):
        proc = self.buf_run(os.path.join(self.root, "proto"), "ls-files",
                            self.baseline)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        files = set(proc.stdout.split())
        for package in ("rapport/v1", "rapport/config/v1"):
            self.assertTrue(any(f.startswith(package + "/") for f in files),
                            f"{package} is not in the baseline: {files}")
        self.assertFalse(any(f.startswith("baseline") for f in files))

    def test_an_unchanged_copy_passes(self):
        code, rules, out = self.breaking(self.copy("unchanged"))
        self.assertEqual((code, rules), (0, set()), out)

    def test_breaking_changes_are_reported(self):
        for i, (what, path, old, new, rule) in enumerate(BREAKING):
            with self.subTest(what):
                d = self.copy(f"breaking-{i}")
                self.replace(d, path, old, new)
                code, rules, out = self.breaking(d)
                self.assert_reported(code, rules, rule, what, out)

    def test_deleted_files_are_reported(self):
        for i, (what, path, rule) in enumerate(DELETED):
            with self.subTest(what):
                d = self.copy(f"deleted-{i}")
                os.remove(os.path.join(d, path))
                code, rules, out = self.breaking(d)
                self.assert_reported(code, rules, rule, what, out)

    def test_a_message_moved_to_another_file_is_reported(self):
        # Same package, same wire and JSON: but code generated per file
        # (Python, C++, JavaScript) imports it from elsewhere.
        d = self.copy("moved")
        source = os.path.join(d, "rapport/v1/recommendation.proto")
        with open(source) as f:
            text = f.read()
        start = text.index("// What a recommendation concerns.\n")
        end = text.index("// One recommended action.\n")
        moved = text[start:end]
        self.assertIn("message RecommendationTarget {", moved)
        self.replace(d, "rapport/v1/recommendation.proto", moved, "")
        self.replace(d, "rapport/v1/common.proto", "package rapport.v1;\n",
                     'package rapport.v1;\n\n'
                     'import "google/protobuf/timestamp.proto";\n')
        with open(os.path.join(d, "rapport/v1/common.proto"), "a") as f:
            f.write("\n" + moved)
        code, rules, out = self.breaking(d)
        self.assert_reported(code, rules, "MESSAGE_NO_DELETE", "move", out)

    def test_compatible_changes_pass(self):
        for i, (what, path, old, new) in enumerate(COMPATIBLE):
            with self.subTest(what):
                d = self.copy(f"compatible-{i}")
                self.replace(d, path, old, new)
                if "CountMembers" in new:
                    with open(os.path.join(d, path), "a") as f:
                        f.write(COUNT_MESSAGES)
                self.assert_compatible(d, what)

    def test_a_new_file_passes(self):
        d = self.copy("new-file")
        path, content = NEW_FILE
        with open(os.path.join(d, path), "w") as f:
            f.write(content)
        self.assert_compatible(d, "a new file")
        # The copy really holds it: the check saw the new service.
        proc = self.buf_run(d, "ls-files")
        self.assertIn(path, proc.stdout.split())

    def test_every_compatible_change_together_passes(self):
        d = self.copy("all-compatible")
        for _, path, old, new in COMPATIBLE:
            self.replace(d, path, old, new)
        with open(os.path.join(d, "rapport/v1/scoring.proto"), "a") as f:
            f.write(COUNT_MESSAGES)
        path, content = NEW_FILE
        with open(os.path.join(d, path), "w") as f:
            f.write(content)
        self.assert_compatible(d, "every compatible change")

    def assert_reported(self, code, rules, rule, what, out):
        self.assertNotEqual(code, 0, f"{what}: passed\n{out}")
        # Reported by the rule, not refused because the copy does not build.
        self.assertNotIn("COMPILE", rules, f"{what}: {out}")
        self.assertIn(rule, rules, f"{what}: {out}")

    def assert_compatible(self, proto_dir, what):
        code, rules, out = self.breaking(proto_dir)
        self.assertEqual((code, rules), (0, set()), f"{what}: {out}")
        # Well-formed too: the change builds and lints as any proto must.
        lint = self.buf_run(proto_dir, "lint")
        self.assertEqual(lint.returncode, 0,
                         f"{what}: buf lint\n{lint.stdout}{lint.stderr}")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(HERE)))
    parser.add_argument("--buf", default="")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
