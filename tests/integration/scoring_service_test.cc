// ScoringService through the real server and generated C++ stubs.
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using ::testing::StartsWith;

class ScoringServiceTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    scoring_ = v1::ScoringService::NewStub(channel_);
  }

  // A member with `posts` posts, `threads` threads of which `answered` got
  // a reply, spread over the last `days` days before `end`.
  std::vector<v1::Event> Activity(const std::string& member, int posts,
                                  int threads, int answered, int days,
                                  absl::Time end) {
    std::vector<v1::Event> out;
    for (int i = 0; i < posts; ++i) {
      out.push_back(
          MakeEvent(absl::StrCat(member, "-p", i), member,
                    end - absl::Hours(24) * (i % days) - absl::Minutes(5)));
    }
    for (int i = 0; i < threads; ++i) {
      const absl::Time at = end - absl::Hours(24) * (i % days) - absl::Hours(6);
      v1::Event sent = MakeEvent(absl::StrCat(member, "-s", i), member, at);
      sent.set_type(v1::EVENT_TYPE_MESSAGE_SENT);
      sent.set_channel(v1::CHANNEL_EMAIL);
      sent.set_thread_id(absl::StrCat(member, "-t", i));
      sent.mutable_contact()->set_contact_id(absl::StrCat("c", i));
      sent.mutable_contact()->set_seniority(v1::SENIORITY_VP);
      out.push_back(sent);
      if (i < answered) {
        v1::Event reply = sent;
        reply.set_event_id(absl::StrCat(member, "-r", i));
        reply.set_type(v1::EVENT_TYPE_MESSAGE_RECEIVED);
        api::ToProtoTime(at + absl::Hours(2), reply.mutable_occur_time());
        out.push_back(reply);
      }
    }
    return out;
  }

  // Two teams of six and one of two, with activity rising with the index.
  void LoadOrg() {
    v1::UpsertMemberResponse out;
    std::vector<v1::Event> events;
    for (int i = 0; i < 14; ++i) {
      const std::string id = absl::StrCat("m", 10 + i);
      const std::string team = i < 6 ? "alpha" : i < 12 ? "beta" : "tiny";
      v1::Member m = MakeMember(id, team);
      m.set_industry(i % 2 ? "software" : "finance");
      m.mutable_profile()->set_has_photo(i % 3 != 0);
      m.mutable_profile()->set_certifications_count(i % 4);
      ASSERT_TRUE(Upsert(m, &out).ok());
      auto a = Activity(id, i, i, i / 2, 60, kTestNow - absl::Hours(1));
      events.insert(events.end(), a.begin(), a.end());
    }
    Load(events);
  }

  v1::Score Score(const std::string& id,
                  std::optional<absl::Time> as_of = std::nullopt) {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id(id);
    if (as_of) api::ToProtoTime(*as_of, req.mutable_as_of());
    v1::GetScoreResponse resp;
    grpc::Status s = scoring_->GetScore(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.score();
  }

  std::vector<v1::LeaderboardEntry> Leaderboard(v1::GetLeaderboardRequest req) {
    std::vector<v1::LeaderboardEntry> all;
    req.set_page_size(4);
    for (;;) {
      grpc::ClientContext ctx;
      v1::GetLeaderboardResponse resp;
      grpc::Status s = scoring_->GetLeaderboard(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return all;
      all.insert(all.end(), resp.entries().begin(), resp.entries().end());
      if (resp.next_page_token().empty()) return all;
      req.set_page_token(resp.next_page_token());
    }
  }

  std::unique_ptr<v1::ScoringService::Stub> scoring_;
};

TEST_F(ScoringServiceTest, ScoreIsExplainedAndBounded) {
  LoadOrg();
  for (int i = 0; i < 14; ++i) {
    v1::Score s = Score(absl::StrCat("m", 10 + i));
    ASSERT_EQ(s.pillars_size(), 4);
    double sum = 0;
    for (const v1::PillarScore& p : s.pillars()) {
      EXPECT_GE(p.score(), 0);
      EXPECT_LE(p.score(), 25);
      double components = 0;
      for (const auto& c : p.components()) {
        EXPECT_FALSE(c.explanation().empty()) << c.name();
        EXPECT_LE(c.points(), c.max_points() + 1e-9);
        components += c.points();
      }
      EXPECT_NEAR(components, p.score(), 1e-9);
      sum += p.score();
    }
    EXPECT_NEAR(sum, s.total(), 1e-9);
    EXPECT_FALSE(s.model_version().empty());
  }
}

TEST_F(ScoringServiceTest, RanksAgreeWithLeaderboardsAndTotals) {
  LoadOrg();
  v1::GetLeaderboardRequest req;
  req.set_team("alpha");
  std::vector<v1::LeaderboardEntry> board = Leaderboard(req);
  ASSERT_EQ(board.size(), 6u);
  for (size_t i = 0; i < board.size(); ++i) {
    v1::Score s = Score(board[i].member_id());
    EXPECT_DOUBLE_EQ(s.total(), board[i].total());
    EXPECT_EQ(s.network_rank().rank(), board[i].rank());
    EXPECT_EQ(s.network_rank().out_of(), 6);
    EXPECT_EQ(s.network_rank().group(), "alpha");
    if (i > 0) {
      EXPECT_GE(board[i - 1].total(), board[i].total());
    }
  }
  // Whole tenant, ordered by a pillar.
  v1::GetLeaderboardRequest by_pillar;
  by_pillar.set_order_by(v1::PILLAR_BUILD_RELATIONSHIPS);
  std::vector<v1::LeaderboardEntry> all = Leaderboard(by_pillar);
  ASSERT_EQ(all.size(), 14u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(all[i - 1].pillars(3).value(), all[i].pillars(3).value());
  }
}

TEST_F(ScoringServiceTest, SmallGroupsAreWithheld) {
  LoadOrg();
  v1::Score s = Score("m22");  // Team "tiny" has two members.
  EXPECT_TRUE(s.network_rank().withheld());
  EXPECT_FALSE(s.network_rank().withheld_reason().empty());
  EXPECT_EQ(s.network_rank().average_total(), 0);
  EXPECT_FALSE(s.industry_rank().withheld());
  EXPECT_EQ(s.industry_rank().out_of(), 7);
}

TEST_F(ScoringServiceTest, EventsAfterAsOfChangeNothing) {
  LoadOrg();
  const absl::Time as_of = kTestNow - absl::Hours(24 * 3);
  const v1::Score before = Score("m15", as_of);
  Load(Activity("m15", 20, 10, 10, 2, kTestNow - absl::Minutes(1)));
  const v1::Score after = Score("m15", as_of);
  EXPECT_EQ(before.total(), after.total());
  EXPECT_GT(Score("m15").total(), before.total());
}

TEST_F(ScoringServiceTest, NewEventsShowAtOnceAndMoveRanks) {
  LoadOrg();
  const double before = Score("m10").total();
  Load(Activity("m10", 30, 20, 18, 30, kTestNow - absl::Minutes(2)));
  const v1::Score after = Score("m10");
  EXPECT_GT(after.total(), before);
  EXPECT_EQ(after.network_rank().rank(), 1);
}

TEST_F(ScoringServiceTest, SilentRepDeclines) {
  LoadOrg();
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("fader", "alpha"), &out).ok());
  // Very active until 10 days ago, silent since.
  Load(Activity("fader", 3, 3, 1, 20, kTestNow - absl::Hours(24 * 10)));
  v1::Score s = Score("fader");
  EXPECT_LT(s.change_7d(), 0);
  grpc::ClientContext ctx;
  v1::ListDecliningMembersRequest req;
  req.set_min_drop(-s.change_7d() / 2);
  v1::ListDecliningMembersResponse resp;
  ASSERT_TRUE(scoring_->ListDecliningMembers(&ctx, req, &resp).ok());
  bool found = false;
  for (int i = 0; i < resp.members_size(); ++i) {
    const v1::DecliningMember& m = resp.members(i);
    EXPECT_LE(m.change(), -req.min_drop());
    EXPECT_NE(m.pillar_fell_most(), v1::PILLAR_UNSPECIFIED);
    if (i > 0) {
      EXPECT_LE(resp.members(i - 1).change(), m.change());
    }
    if (m.member_id() == "fader") {
      found = true;
      EXPECT_NEAR(m.change(), s.change_7d(), 1e-9);
      EXPECT_NEAR(m.total() - m.previous_total(), m.change(), 1e-9);
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(ScoringServiceTest, BatchReportsMissingMembers) {
  LoadOrg();
  grpc::ClientContext ctx;
  v1::BatchGetScoresRequest req;
  req.add_member_ids("m11");
  req.add_member_ids("ghost");
  req.add_member_ids("m12");
  v1::BatchGetScoresResponse resp;
  ASSERT_TRUE(scoring_->BatchGetScores(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.scores_size(), 2);
  EXPECT_EQ(resp.scores(0).member_id(), "m11");
  EXPECT_EQ(resp.scores(1).member_id(), "m12");
  ASSERT_EQ(resp.missing_member_ids_size(), 1);
  EXPECT_EQ(resp.missing_member_ids(0), "ghost");
}

TEST_F(ScoringServiceTest, HistoryEndsWithTodayLive) {
  LoadOrg();
  grpc::ClientContext ctx;
  v1::GetScoreHistoryRequest req;
  req.set_member_id("m13");
  v1::GetScoreHistoryResponse resp;
  ASSERT_TRUE(scoring_->GetScoreHistory(&ctx, req, &resp).ok());
  ASSERT_GE(resp.points_size(), 1);
  EXPECT_DOUBLE_EQ(resp.points(resp.points_size() - 1).total(),
                   Score("m13").total());
  EXPECT_FALSE(resp.model_version().empty());
}

TEST_F(ScoringServiceTest, HistoryHasOnePointPerDayMatchingScoresThen) {
  LoadOrg();
  absl::StatusOr<int64_t> written = server_->RecordHistory();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 14 * 90);  // 90 completed days for each member.
  grpc::ClientContext ctx;
  v1::GetScoreHistoryRequest req;
  req.set_member_id("m21");
  v1::GetScoreHistoryResponse resp;
  ASSERT_TRUE(scoring_->GetScoreHistory(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.points_size(), 90);  // 89 recorded days and today, live.
  for (int i = 1; i < resp.points_size(); ++i) {
    EXPECT_EQ(resp.points(i).as_of().seconds() / 86400,
              resp.points(i - 1).as_of().seconds() / 86400 + 1);
  }
  // A recorded day equals the score computed as of the end of that day.
  const v1::ScorePoint& day = resp.points(40);
  const v1::Score then = Score("m21", api::FromProtoTime(day.as_of()));
  EXPECT_NEAR(day.total(), then.total(), 1e-9);
  EXPECT_NEAR(resp.points(89).total(), Score("m21").total(), 1e-9);
  // Late events rewrite the days they fall on, and only those.
  std::vector<v1::Event> late;
  for (int i = 0; i < 6; ++i) {
    late.push_back(MakeEvent(absl::StrCat("late-", i), "m21",
                             kTestNow - absl::Hours(24 * 30)));
  }
  Load(late);
  ASSERT_TRUE(server_->RecordHistory().ok());
  grpc::ClientContext ctx2;
  v1::GetScoreHistoryResponse after;
  ASSERT_TRUE(scoring_->GetScoreHistory(&ctx2, req, &after).ok());
  ASSERT_EQ(after.points_size(), 90);
  EXPECT_DOUBLE_EQ(after.points(40).total(), resp.points(40).total());
  EXPECT_GT(after.points(70).total(), resp.points(70).total());
}

// The last point of a history is exact to end_time, whatever the hour; the
// days before it are the recorded end-of-day scores.
TEST_F(ScoringServiceTest, HistoryEndsExactlyAtEndTime) {
  LoadOrg();
  ASSERT_TRUE(server_->RecordHistory().ok());
  for (absl::Duration back : {absl::Hours(24 * 3) + absl::Minutes(7 * 60 + 13),
                              absl::Hours(24 * 10), absl::Minutes(90)}) {
    const absl::Time end = kTestNow - back;
    grpc::ClientContext ctx;
    v1::GetScoreHistoryRequest req;
    req.set_member_id("m20");
    api::ToProtoTime(end - absl::Hours(24 * 5), req.mutable_start_time());
    api::ToProtoTime(end, req.mutable_end_time());
    v1::GetScoreHistoryResponse resp;
    ASSERT_TRUE(scoring_->GetScoreHistory(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.points_size(), 6);  // Five recorded days and end_time.
    const v1::ScorePoint& last = resp.points(5);
    EXPECT_EQ(api::FromProtoTime(last.as_of()), end);
    EXPECT_DOUBLE_EQ(last.total(), Score("m20", end).total());
    for (int i = 0; i < 5; ++i) {
      const absl::Time t = api::FromProtoTime(resp.points(i).as_of());
      EXPECT_EQ(t + absl::Nanoseconds(1),
                absl::FromCivil(absl::ToCivilDay(t, absl::UTCTimeZone()) + 1,
                                absl::UTCTimeZone()));
      EXPECT_NEAR(resp.points(i).total(), Score("m20", t).total(), 1e-9);
    }
  }
}

// Another period than 7 days compares with the recorded score of the day
// that many days before, for every member, and lists exactly those who fell
// by min_drop.
TEST_F(ScoringServiceTest, DeclinersOverAnotherPeriodComeFromTheHistory) {
  LoadOrg();
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("fader", "alpha"), &out).ok());
  // Active from 32 to 13 days ago, silent since.
  Load(Activity("fader", 3, 3, 1, 20, kTestNow - absl::Hours(24 * 13)));
  ASSERT_TRUE(server_->RecordHistory().ok());
  const int period = 12;
  const absl::CivilDay day =
      absl::ToCivilDay(kTestNow, absl::UTCTimeZone()) - period;
  const absl::Time previous_time =
      absl::FromCivil(day + 1, absl::UTCTimeZone()) - absl::Nanoseconds(1);
  std::map<std::string, double> changes;  // Member -> change.
  for (const char* id : {"m10", "m11", "m12", "m13", "m14", "m15", "m16", "m17",
                         "m18", "m19", "m20", "m21", "m22", "m23", "fader"}) {
    grpc::ClientContext ctx;
    v1::GetScoreHistoryRequest req;
    req.set_member_id(id);
    api::ToProtoTime(previous_time, req.mutable_start_time());
    v1::GetScoreHistoryResponse resp;
    ASSERT_TRUE(scoring_->GetScoreHistory(&ctx, req, &resp).ok());
    ASSERT_GE(resp.points_size(), 2);
    ASSERT_EQ(api::FromProtoTime(resp.points(0).as_of()), previous_time);
    changes[id] =
        resp.points(resp.points_size() - 1).total() - resp.points(0).total();
  }
  ASSERT_LT(changes["fader"], 0);
  const double min_drop = -changes["fader"] / 2;
  std::map<std::string, double> expected;
  for (const auto& [id, change] : changes) {
    if (change <= -min_drop) expected[id] = change;
  }
  ASSERT_LT(expected.size(), changes.size());

  grpc::ClientContext ctx;
  v1::ListDecliningMembersRequest req;
  req.set_period_days(period);
  req.set_min_drop(min_drop);
  v1::ListDecliningMembersResponse resp;
  ASSERT_TRUE(scoring_->ListDecliningMembers(&ctx, req, &resp).ok());
  std::map<std::string, double> listed;
  for (const v1::DecliningMember& m : resp.members()) {
    listed[m.member_id()] = m.change();
    EXPECT_EQ(api::FromProtoTime(m.previous_time()), previous_time);
    EXPECT_NEAR(m.total() - m.previous_total(), m.change(), 1e-9);
  }
  ASSERT_EQ(listed.size(), expected.size());
  for (const auto& [id, change] : expected) {
    ASSERT_TRUE(listed.contains(id)) << id;
    EXPECT_NEAR(listed[id], change, 1e-9) << id;
  }
}

TEST_F(ScoringServiceTest, ErrorsAreExact) {
  LoadOrg();
  {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id("ghost");
    v1::GetScoreResponse resp;
    EXPECT_EQ(scoring_->GetScore(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id("m11");
    api::ToProtoTime(kTestNow + absl::Hours(3), req.mutable_as_of());
    v1::GetScoreResponse resp;
    grpc::Status s = scoring_->GetScore(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("as_of:"));
  }
  {
    grpc::ClientContext ctx;
    v1::GetScoreHistoryRequest req;
    req.set_member_id("m11");
    api::ToProtoTime(kTestNow - absl::Hours(24), req.mutable_start_time());
    api::ToProtoTime(kTestNow - absl::Hours(48), req.mutable_end_time());
    v1::GetScoreHistoryResponse resp;
    grpc::Status s = scoring_->GetScoreHistory(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("start_time:"));
  }
  {
    grpc::ClientContext ctx;
    v1::GetLeaderboardRequest req;
    req.set_team("nobody-here");
    v1::GetLeaderboardResponse resp;
    EXPECT_EQ(scoring_->GetLeaderboard(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::GetLeaderboardRequest req;
    req.set_page_token("garbage");
    v1::GetLeaderboardResponse resp;
    grpc::Status s = scoring_->GetLeaderboard(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("page_token:"));
  }
  {
    grpc::ClientContext ctx;
    v1::GetLeaderboardRequest req;
    req.set_order_by(static_cast<v1::Pillar>(9));
    v1::GetLeaderboardResponse resp;
    EXPECT_EQ(scoring_->GetLeaderboard(&ctx, req, &resp).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext ctx;
    v1::ListDecliningMembersRequest req;
    req.set_period_days(500);
    v1::ListDecliningMembersResponse resp;
    grpc::Status s = scoring_->ListDecliningMembers(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("period_days:"));
  }
}

TEST_F(ScoringServiceTest, DeletedMembersLeaveTheBoard) {
  LoadOrg();
  Score("m11");
  grpc::ClientContext ctx;
  v1::DeleteMemberRequest del;
  del.set_member_id("m11");
  v1::DeleteMemberResponse out;
  ASSERT_TRUE(activity_->DeleteMember(&ctx, del, &out).ok());
  grpc::ClientContext ctx2;
  v1::GetScoreRequest req;
  req.set_member_id("m11");
  v1::GetScoreResponse resp;
  EXPECT_EQ(scoring_->GetScore(&ctx2, req, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetLeaderboardRequest all;
  EXPECT_EQ(Leaderboard(all).size(), 13u);
}

// Forecasts through the API: three horizons, each at its instant, never
// rising; and a week later the real score is at least the 7-day forecast,
// whether the member did nothing or posted in between.
TEST_F(ScoringServiceTest, TheScoreLandsAtOrAboveItsForecast) {
  LoadOrg();
  std::map<std::string, v1::Score> before;
  for (int i = 0; i < 14; ++i) {
    const std::string id = absl::StrCat("m", 10 + i);
    const v1::Score s = Score(id);
    ASSERT_EQ(s.forecasts_size(), 3) << id;
    const absl::Time as_of = api::FromProtoTime(s.as_of());
    double previous = s.total();
    for (const v1::ScoreForecast& f : s.forecasts()) {
      EXPECT_EQ(api::FromProtoTime(f.as_of()),
                as_of + absl::Hours(24) * f.horizon_days());
      EXPECT_LE(f.total(), previous) << id << " " << f.horizon_days();
      EXPECT_DOUBLE_EQ(f.change(), f.total() - s.total());
      previous = f.total();
    }
    EXPECT_EQ(s.score_floor(), 40);
    const v1::ScoreForecast& last = s.forecasts(2);
    EXPECT_EQ(s.has_below_floor_time(),
              s.total() >= s.score_floor() && last.total() < s.score_floor())
        << id;
    before[id] = s;
  }
  clock_.Advance(absl::Hours(24 * 7));
  std::vector<v1::Event> posts;
  for (int i = 0; i < 14; i += 2) {
    const std::string id = absl::StrCat("m", 10 + i);
    for (int d = 0; d < 3; ++d) {
      posts.push_back(MakeEvent(absl::StrCat(id, "-later", d), id,
                                clock_.Now() - absl::Hours(30 + 24 * d)));
    }
  }
  Load(posts);
  for (const auto& [id, s] : before) {
    const v1::Score now = Score(id);
    EXPECT_GE(now.total(), s.forecasts(0).total() - 1e-9) << id;
  }
}

}  // namespace
}  // namespace rapport::testing
