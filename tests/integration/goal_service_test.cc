// GoalService through the real server (TLS, API keys of every role): what a
// goal stores and returns, validation naming the field, the scopes of
// goals.write and goals.read, pagination, goals in GetScore and
// leaderboards, deletion, and the audit trail.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rapport/v1/goal.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/api/convert.h"
#include "tests/integration/access_fixture.h"

namespace rapport::testing {
namespace {

using grpc::StatusCode;

class GoalServiceTest : public AccessFixture {
 protected:
  void SetUp() override {
    AccessFixture::SetUp();
    goals_ = v1::GoalService::NewStub(channel_);
    scoring_ = v1::ScoringService::NewStub(channel_);
    // Some activity, so that scores are not all zero.
    std::vector<v1::Event> events;
    for (int i = 0; i < 6; ++i) {
      events.push_back(MakeEvent(absl::StrCat("e", i), i % 2 ? "n1" : "n2",
                                 clock_.Now() - absl::Hours(2 + i)));
    }
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kAdmin);
    v1::IngestEventsResponse resp;
    auto writer = activity_->IngestEvents(&ctx, &resp);
    v1::IngestEventsRequest req;
    for (const v1::Event& e : events) *req.add_events() = e;
    writer->Write(req);
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }

  v1::Goal MemberGoal(const std::string& member, double target = 50,
                      absl::Duration ahead = absl::Hours(24 * 30)) {
    v1::Goal g;
    g.set_member_id(member);
    g.set_target(target);
    api::ToProtoTime(clock_.Now() + ahead, g.mutable_due_time());
    g.set_note("by the end of the quarter");
    return g;
  }
  v1::Goal TeamGoal(const std::string& team, double target = 10,
                    v1::Pillar pillar = v1::PILLAR_FIND_RIGHT_PEOPLE) {
    v1::Goal g = MemberGoal("", target);
    g.set_team(team);
    g.set_pillar(pillar);
    return g;
  }

  grpc::Status Create(Who who, const v1::Goal& goal,
                      v1::CreateGoalResponse* out = nullptr) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::CreateGoalRequest req;
    *req.mutable_goal() = goal;
    v1::CreateGoalResponse resp;
    return goals_->CreateGoal(&ctx, req, out != nullptr ? out : &resp);
  }
  grpc::Status List(Who who, const v1::ListGoalsRequest& req,
                    v1::ListGoalsResponse* out) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    return goals_->ListGoals(&ctx, req, out);
  }
  std::set<std::string> ListIds(Who who, const std::string& member = "",
                                const std::string& team = "") {
    v1::ListGoalsRequest req;
    req.set_member_id(member);
    req.set_team(team);
    v1::ListGoalsResponse resp;
    grpc::Status s = List(who, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::set<std::string> ids;
    for (const auto& g : resp.goals()) ids.insert(g.goal().goal_id());
    return ids;
  }
  grpc::Status Delete(Who who, const std::string& id) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::DeleteGoalRequest req;
    req.set_goal_id(id);
    v1::DeleteGoalResponse resp;
    return goals_->DeleteGoal(&ctx, req, &resp);
  }
  std::string MustCreate(Who who, const v1::Goal& goal) {
    v1::CreateGoalResponse resp;
    grpc::Status s = Create(who, goal, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.goal().goal().goal_id();
  }

  std::unique_ptr<v1::GoalService::Stub> goals_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
};

TEST_F(GoalServiceTest, CreateReturnsTheStoredGoalWithItsProgress) {
  v1::CreateGoalResponse resp;
  const v1::Goal goal = MemberGoal("n1", 60);
  ASSERT_TRUE(Create(Who::kManager, goal, &resp).ok());
  const v1::GoalProgress& p = resp.goal();
  EXPECT_EQ(p.goal().goal_id().size(), 18u);
  EXPECT_EQ(p.goal().goal_id().substr(0, 2), "g_");
  EXPECT_EQ(p.goal().goal_id().find_first_not_of("0123456789abcdef", 2),
            std::string::npos);
  EXPECT_EQ(p.goal().member_id(), "n1");
  EXPECT_EQ(p.goal().target(), 60);
  EXPECT_EQ(p.goal().due_time().seconds(), goal.due_time().seconds());
  EXPECT_EQ(p.goal().note(), goal.note());
  EXPECT_EQ(p.goal().create_time().seconds(),
            absl::ToUnixSeconds(clock_.Now()));
  EXPECT_TRUE(p.goal().created_by().starts_with("key:"));
  // The progress agrees with the member's score.
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::GetScoreRequest sreq;
  sreq.set_member_id("n1");
  v1::GetScoreResponse score;
  ASSERT_TRUE(scoring_->GetScore(&ctx, sreq, &score).ok());
  EXPECT_NEAR(p.current(), score.score().total(), 1e-9);
  EXPECT_NEAR(p.remaining(), std::max(0.0, 60 - score.score().total()), 1e-9);
  EXPECT_TRUE(p.status() == v1::GOAL_STATUS_MET ||
              p.status() == v1::GOAL_STATUS_ON_TRACK ||
              p.status() == v1::GOAL_STATUS_OFF_TRACK);
  EXPECT_EQ(p.status() == v1::GOAL_STATUS_MET, p.current() >= 60);
  // Two goals get two ids.
  EXPECT_NE(MustCreate(Who::kAdmin, goal), p.goal().goal_id());
}

TEST_F(GoalServiceTest, InvalidGoalsNameTheField) {
  struct Case {
    std::string field;
    v1::Goal goal;
  };
  std::vector<Case> cases;
  cases.push_back({"goal.subject", MemberGoal("")});
  cases.back().goal.clear_member_id();
  cases.push_back({"goal.member_id", MemberGoal("bad id!")});
  cases.push_back({"goal.team", TeamGoal("")});
  cases.push_back({"goal.pillar", MemberGoal("n1")});
  cases.back().goal.set_pillar(static_cast<v1::Pillar>(42));
  cases.push_back({"goal.target", MemberGoal("n1", 100.5)});
  cases.push_back({"goal.target", MemberGoal("n1", -1)});
  cases.push_back({"goal.target", MemberGoal("n1", std::nan(""))});
  cases.push_back({"goal.target", TeamGoal("north", 26)});
  cases.push_back({"goal.due_time", MemberGoal("n1")});
  cases.back().goal.clear_due_time();
  cases.push_back({"goal.due_time", MemberGoal("n1", 50, -absl::Hours(1))});
  cases.push_back(
      {"goal.due_time", MemberGoal("n1", 50, absl::Hours(24 * 800))});
  cases.push_back({"goal.note", MemberGoal("n1")});
  cases.back().goal.set_note("a\u202Eb");
  cases.push_back({"goal.note", MemberGoal("n1")});
  cases.back().goal.set_note(std::string(501, 'x'));
  for (const Case& c : cases) {
    grpc::Status s = Create(Who::kAdmin, c.goal);
    EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT)
        << c.field << ": " << s.error_message();
    EXPECT_TRUE(s.error_message().starts_with(c.field + ":"))
        << c.field << " vs " << s.error_message();
  }
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::CreateGoalResponse resp;
  EXPECT_EQ(
      goals_->CreateGoal(&ctx, v1::CreateGoalRequest(), &resp).error_code(),
      StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(ListIds(Who::kAdmin).empty());
}

TEST_F(GoalServiceTest, UnknownMembersAndEmptyTeamsAreNotFound) {
  EXPECT_EQ(Create(Who::kAdmin, MemberGoal("nobody")).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(Create(Who::kAdmin, TeamGoal("west")).error_code(),
            StatusCode::NOT_FOUND);
  // Another tenant's member does not exist here.
  EXPECT_EQ(Create(Who::kOtherAdmin, MemberGoal("n2")).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(Delete(Who::kAdmin, "g_0000000000000000").error_code(),
            StatusCode::NOT_FOUND);
}

TEST_F(GoalServiceTest, WriteScopes) {
  // A manager sets goals for their team and its members only.
  EXPECT_TRUE(Create(Who::kManager, MemberGoal("n2")).ok());
  EXPECT_TRUE(Create(Who::kManager, TeamGoal("north")).ok());
  EXPECT_EQ(Create(Who::kManager, MemberGoal("s1")).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(Who::kManager, TeamGoal("south")).error_code(),
            StatusCode::PERMISSION_DENIED);
  // Reps, integrations and metrics keys cannot write goals at all.
  for (Who who : {Who::kRep, Who::kIntegration, Who::kMetrics}) {
    EXPECT_EQ(Create(who, MemberGoal("n1")).error_code(),
              StatusCode::PERMISSION_DENIED);
  }
  // Deleting follows the same scope.
  const std::string south = MustCreate(Who::kAdmin, TeamGoal("south"));
  EXPECT_EQ(Delete(Who::kManager, south).error_code(),
            StatusCode::PERMISSION_DENIED);
  const std::string mine = MustCreate(Who::kAdmin, MemberGoal("n1"));
  EXPECT_EQ(Delete(Who::kRep, mine).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Delete(Who::kManager, mine).ok());
  EXPECT_EQ(Delete(Who::kManager, mine).error_code(), StatusCode::NOT_FOUND);
  // Another tenant's admin does not see this tenant's goal.
  EXPECT_EQ(Delete(Who::kOtherAdmin, south).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_TRUE(Delete(Who::kAdmin, south).ok());
}

TEST_F(GoalServiceTest, ReadScopes) {
  const std::string n1 = MustCreate(Who::kAdmin, MemberGoal("n1"));
  const std::string n2 = MustCreate(Who::kAdmin, MemberGoal("n2"));
  const std::string s1 = MustCreate(Who::kAdmin, MemberGoal("s1"));
  const std::string north = MustCreate(Who::kAdmin, TeamGoal("north"));
  const std::string south = MustCreate(Who::kAdmin, TeamGoal("south"));
  const std::string other = MustCreate(Who::kOtherAdmin, MemberGoal("g1"));

  using Ids = std::set<std::string>;
  EXPECT_EQ(ListIds(Who::kAdmin), (Ids{n1, n2, s1, north, south}));
  EXPECT_EQ(ListIds(Who::kOtherAdmin), (Ids{other}));
  EXPECT_EQ(ListIds(Who::kManager), (Ids{n1, n2, north}));
  EXPECT_EQ(ListIds(Who::kRep), (Ids{n1, north}));
  // Filters.
  EXPECT_EQ(ListIds(Who::kAdmin, "n2"), (Ids{n2, north}));
  EXPECT_EQ(ListIds(Who::kAdmin, "", "south"), (Ids{s1, south}));
  EXPECT_EQ(ListIds(Who::kManager, "", "north"), (Ids{n1, n2, north}));
  EXPECT_EQ(ListIds(Who::kRep, "", "north"), (Ids{n1, north}));
  EXPECT_EQ(ListIds(Who::kRep, "n1"), (Ids{n1, north}));
  // Outside the scope.
  v1::ListGoalsResponse resp;
  v1::ListGoalsRequest req;
  req.set_member_id("s1");
  EXPECT_EQ(List(Who::kManager, req, &resp).error_code(),
            StatusCode::PERMISSION_DENIED);
  req.set_member_id("n2");
  EXPECT_EQ(List(Who::kRep, req, &resp).error_code(),
            StatusCode::PERMISSION_DENIED);
  req.clear_member_id();
  req.set_team("south");
  EXPECT_EQ(List(Who::kManager, req, &resp).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(Who::kRep, req, &resp).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(Who::kIntegration, v1::ListGoalsRequest(), &resp).error_code(),
            StatusCode::PERMISSION_DENIED);
}

TEST_F(GoalServiceTest, PagesCoverEveryGoalOnceSoonestDueFirst) {
  std::vector<std::string> created;
  for (int i = 0; i < 23; ++i) {
    created.push_back(MustCreate(
        Who::kAdmin, MemberGoal(i % 2 ? "n1" : "s1", 40,
                                absl::Hours(24 * (1 + (i * 7) % 11)))));
  }
  std::vector<v1::GoalProgress> seen;
  v1::ListGoalsRequest req;
  req.set_page_size(5);
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListGoalsResponse resp;
    ASSERT_TRUE(List(Who::kAdmin, req, &resp).ok());
    EXPECT_LE(resp.goals_size(), 5);
    for (const auto& g : resp.goals()) seen.push_back(g);
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  ASSERT_EQ(seen.size(), created.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < seen.size(); ++i) {
    ids.insert(seen[i].goal().goal_id());
    if (i == 0) continue;
    const auto& a = seen[i - 1].goal();
    const auto& b = seen[i].goal();
    EXPECT_TRUE(a.due_time().seconds() < b.due_time().seconds() ||
                (a.due_time().seconds() == b.due_time().seconds() &&
                 a.goal_id() < b.goal_id()));
  }
  EXPECT_EQ(ids, std::set<std::string>(created.begin(), created.end()));
  // A token is bound to its filters.
  v1::ListGoalsRequest other = req;
  other.set_team("north");
  v1::ListGoalsResponse resp;
  EXPECT_EQ(List(Who::kAdmin, other, &resp).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(GoalServiceTest, GoalsShowInScoresAndLeaderboards) {
  const std::string own = MustCreate(Who::kAdmin, MemberGoal("n1", 90));
  const std::string team = MustCreate(Who::kAdmin, TeamGoal("north", 5));
  MustCreate(Who::kAdmin, MemberGoal("n2", 30));
  MustCreate(Who::kAdmin, TeamGoal("south", 5));
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kRep);
    v1::GetScoreRequest req;
    req.set_member_id("n1");
    v1::GetScoreResponse resp;
    ASSERT_TRUE(scoring_->GetScore(&ctx, req, &resp).ok());
    std::set<std::string> ids;
    for (const auto& g : resp.score().goals()) ids.insert(g.goal().goal_id());
    EXPECT_EQ(ids, (std::set<std::string>{own, team}));
    // The score itself is intact.
    EXPECT_EQ(resp.score().pillars_size(), 4);
  }
  {
    // A past score has no goals.
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kAdmin);
    v1::GetScoreRequest req;
    req.set_member_id("n1");
    api::ToProtoTime(clock_.Now() - absl::Hours(30), req.mutable_as_of());
    v1::GetScoreResponse resp;
    ASSERT_TRUE(scoring_->GetScore(&ctx, req, &resp).ok());
    EXPECT_TRUE(resp.score().goals().empty());
  }
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kManager);
    v1::GetLeaderboardRequest req;
    req.set_team("north");
    v1::GetLeaderboardResponse resp;
    ASSERT_TRUE(scoring_->GetLeaderboard(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.entries_size(), 2);
    for (const auto& e : resp.entries()) {
      ASSERT_EQ(e.goals_size(), 1) << e.member_id();
      EXPECT_EQ(e.goals(0).goal().member_id(), e.member_id());
    }
  }
  {
    // A rep's view of the team shows their own goals only.
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kRep);
    v1::GetLeaderboardRequest req;
    req.set_team("north");
    v1::GetLeaderboardResponse resp;
    ASSERT_TRUE(scoring_->GetLeaderboard(&ctx, req, &resp).ok());
    for (const auto& e : resp.entries()) {
      EXPECT_EQ(e.goals_size(), e.member_id() == "n1" ? 1 : 0);
    }
  }
}

TEST_F(GoalServiceTest, PastDueGoalsAreAchievedOrMissed) {
  v1::CreateGoalResponse low;
  ASSERT_TRUE(
      Create(Who::kAdmin, MemberGoal("n1", 0, absl::Hours(2)), &low).ok());
  v1::CreateGoalResponse high;
  ASSERT_TRUE(
      Create(Who::kAdmin, MemberGoal("n1", 100, absl::Hours(2)), &high).ok());
  clock_.Advance(absl::Hours(3));
  v1::ListGoalsRequest req;
  req.set_member_id("n1");
  v1::ListGoalsResponse resp;
  ASSERT_TRUE(List(Who::kAdmin, req, &resp).ok());
  ASSERT_EQ(resp.goals_size(), 2);
  for (const auto& g : resp.goals()) {
    EXPECT_EQ(g.status(), g.goal().target() == 0 ? v1::GOAL_STATUS_ACHIEVED
                                                 : v1::GOAL_STATUS_MISSED);
  }
}

TEST_F(GoalServiceTest, DeletingTheMemberDeletesTheirGoals) {
  const std::string n1 = MustCreate(Who::kAdmin, MemberGoal("n1"));
  const std::string north = MustCreate(Who::kAdmin, TeamGoal("north"));
  auto score_goals = [&] {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kAdmin);
    v1::GetScoreRequest req;
    req.set_member_id("n1");
    v1::GetScoreResponse resp;
    EXPECT_TRUE(scoring_->GetScore(&ctx, req, &resp).ok());
    std::set<std::string> ids;
    for (const auto& g : resp.score().goals()) ids.insert(g.goal().goal_id());
    return ids;
  };
  EXPECT_EQ(score_goals(), (std::set<std::string>{n1, north}));
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::DeleteMemberRequest req;
  req.set_member_id("n1");
  v1::DeleteMemberResponse resp;
  ASSERT_TRUE(activity_->DeleteMember(&ctx, req, &resp).ok());
  EXPECT_EQ(ListIds(Who::kAdmin), (std::set<std::string>{north}));
  // A member created again under the id has none of the old goals, at once
  // (the clock does not move).
  Upsert(Who::kAdmin, MakeMember("n1", "north"));
  EXPECT_EQ(score_goals(), (std::set<std::string>{north}));
}

TEST_F(GoalServiceTest, CreateAndDeleteAreAudited) {
  const std::string id = MustCreate(Who::kManager, TeamGoal("north"));
  ASSERT_TRUE(Delete(Who::kManager, id).ok());
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::ListAuditEventsRequest req;
  req.set_target("team:north");
  v1::ListAuditEventsResponse resp;
  ASSERT_TRUE(admin_->ListAuditEvents(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.events_size(), 2);
  EXPECT_EQ(resp.events(0).method(), "/rapport.v1.GoalService/DeleteGoal");
  EXPECT_EQ(resp.events(1).method(), "/rapport.v1.GoalService/CreateGoal");
  EXPECT_NE(resp.events(1).detail().find(id), std::string::npos);
  EXPECT_EQ(resp.events(1).role(), "manager");
}

}  // namespace
}  // namespace rapport::testing
