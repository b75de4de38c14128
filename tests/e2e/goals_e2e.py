#!/usr/bin/python3
"""Goals end to end: the generated Python client calls CreateGoal and
ListGoals on the real rapportd, and the CLI sets, lists, shows (in
`rapport score`) and deletes goals.

    goals_e2e.py --rapportd BIN --cli BIN --proto_dir DIR
"""
import argparse
import datetime
import json
import sys

import rapport_e2e as e2e

ARGS = None
pb = None  # Generated modules, filled in by main().


def load_generated(out_dir):
    sys.path.insert(0, out_dir)
    global pb
    import grpc  # Debian's python3-grpcio.
    from rapport.v1 import activity_pb2, activity_pb2_grpc
    from rapport.v1 import common_pb2
    from rapport.v1 import goal_pb2, goal_pb2_grpc
    pb = argparse.Namespace(**locals())


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


class GoalsE2ETest(e2e.RapportdTestCase):

    def setUp(self):
        self.rapportd = ARGS.rapportd
        super().setUp()
        self.activity = pb.activity_pb2_grpc.ActivityServiceStub(self.channel)
        self.goals = pb.goal_pb2_grpc.GoalServiceStub(self.channel)
        for member_id, team in (("rep-a", "north"), ("rep-b", "north"),
                                ("rep-c", "south")):
            self.activity.UpsertMember(pb.activity_pb2.UpsertMemberRequest(
                member=pb.activity_pb2.Member(member_id=member_id,
                                              display_name=member_id.upper(),
                                              team=team, industry="software")))

    def cli(self, *args, **kwargs):
        return e2e.run_cli(ARGS.cli, self.server.address, *args, **kwargs)

    def goal(self, **fields):
        due = fields.pop("due", utc_now() + datetime.timedelta(days=30))
        g = pb.goal_pb2.Goal(**fields)
        g.due_time.FromDatetime(due)
        return g

    def test_python_client_creates_and_lists_goals(self):
        created = self.goals.CreateGoal(pb.goal_pb2.CreateGoalRequest(
            goal=self.goal(member_id="rep-a", target=40.5, note="Q4"))).goal
        self.assertRegex(created.goal.goal_id, r"^g_[0-9a-f]{16}$")
        self.assertEqual(created.goal.member_id, "rep-a")
        self.assertEqual(created.goal.target, 40.5)
        self.assertEqual(created.goal.note, "Q4")
        self.assertEqual(created.remaining, max(0.0, 40.5 - created.current))
        team = self.goals.CreateGoal(pb.goal_pb2.CreateGoalRequest(
            goal=self.goal(team="north", target=12,
                           pillar=pb.common_pb2.PILLAR_FIND_RIGHT_PEOPLE,
                           due=utc_now() + datetime.timedelta(days=3)))).goal
        self.goals.CreateGoal(pb.goal_pb2.CreateGoalRequest(
            goal=self.goal(member_id="rep-c", target=30)))

        listed = self.goals.ListGoals(pb.goal_pb2.ListGoalsRequest(
            member_id="rep-a")).goals
        # Soonest due first: the team's goal (3 days), then rep-a's (30).
        self.assertEqual([g.goal.goal_id for g in listed],
                         [team.goal.goal_id, created.goal.goal_id])
        for g in listed:
            self.assertIn(g.status, (pb.goal_pb2.GOAL_STATUS_MET,
                                     pb.goal_pb2.GOAL_STATUS_ON_TRACK,
                                     pb.goal_pb2.GOAL_STATUS_OFF_TRACK))
        everything = self.goals.ListGoals(pb.goal_pb2.ListGoalsRequest()).goals
        self.assertEqual(len(everything), 3)

        import grpc
        with self.assertRaises(grpc.RpcError) as err:
            self.goals.CreateGoal(pb.goal_pb2.CreateGoalRequest(
                goal=self.goal(member_id="rep-a", target=101)))
        self.assertEqual(err.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(err.exception.details().startswith("goal.target:"))
        with self.assertRaises(grpc.RpcError) as err:
            self.goals.CreateGoal(pb.goal_pb2.CreateGoalRequest(
                goal=self.goal(team="west", target=10)))
        self.assertEqual(err.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_cli_sets_lists_shows_and_deletes_goals(self):
        due = (utc_now() + datetime.timedelta(days=20)).strftime("%Y-%m-%d")
        out = self.cli("goals", "set", "--member=rep-b", "--target=55",
                       f"--due={due}", "--note=push").stdout
        self.assertIn("goal set", out)
        self.assertIn("member rep-b", out)
        self.assertIn(f"due {due}", out)
        listed = json.loads(self.cli("--json", "goals", "list",
                                     "--team=north").stdout)
        self.assertEqual(len(listed["goals"]), 1)
        goal_id = listed["goals"][0]["goal"]["goalId"]
        self.assertIn(goal_id, self.cli("score", "rep-b").stdout)
        bad = self.cli("goals", "set", "--member=rep-b", "--target=55",
                       "--due=tomorrow", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("--due", bad.stderr)
        self.assertIn("deleted", self.cli("goals", "delete", goal_id).stdout)
        self.assertIn("no goals", self.cli("goals", "list").stdout)


def main():
    e2e.main_with_client(globals(), load_generated)


if __name__ == "__main__":
    main()
