// OutreachService through the real server and generated C++ stubs.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using ::testing::StartsWith;

class OutreachServiceTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    outreach_ = v1::OutreachService::NewStub(channel_);
    scoring_ = v1::ScoringService::NewStub(channel_);
  }

  v1::Event Message(const std::string& id, const std::string& member,
                    const std::string& thread, bool inbound, absl::Time at) {
    v1::Event e = MakeEvent(id, member, at);
    e.set_type(inbound ? v1::EVENT_TYPE_MESSAGE_RECEIVED
                       : v1::EVENT_TYPE_MESSAGE_SENT);
    e.set_channel(v1::CHANNEL_EMAIL);
    e.set_thread_id(thread);
    e.mutable_contact()->set_contact_id("c-" + thread);
    e.mutable_contact()->set_seniority(v1::SENIORITY_DIRECTOR);
    return e;
  }

  // `threads` threads started 10 days ago, the first `answered` answered a
  // day later.
  std::vector<v1::Event> Threads(const std::string& member, int threads,
                                 int answered) {
    std::vector<v1::Event> out;
    for (int i = 0; i < threads; ++i) {
      const std::string t = absl::StrCat(member, "-t", i);
      const absl::Time sent = kTestNow - absl::Hours(24 * 10) - absl::Hours(i);
      out.push_back(Message(t + "-out", member, t, false, sent));
      if (i < answered) {
        out.push_back(
            Message(t + "-in", member, t, true, sent + absl::Hours(24)));
      }
    }
    return out;
  }

  grpc::Status Report(const v1::GetOutreachEffectivenessRequest& req,
                      v1::GetOutreachEffectivenessResponse* resp) {
    grpc::ClientContext ctx;
    return outreach_->GetOutreachEffectiveness(&ctx, req, resp);
  }

  v1::GetOutreachEffectivenessResponse MemberReport(const std::string& id) {
    v1::GetOutreachEffectivenessRequest req;
    req.set_member_id(id);
    v1::GetOutreachEffectivenessResponse resp;
    grpc::Status s = Report(req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  double Relationships(const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id(id);
    v1::GetScoreResponse resp;
    EXPECT_TRUE(scoring_->GetScore(&ctx, req, &resp).ok());
    return resp.score().pillars(3).score();
  }

  std::unique_ptr<v1::OutreachService::Stub> outreach_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
};

TEST_F(OutreachServiceTest, RatesAndUnansweredThreads) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-a", "north"), &out).ok());
  ASSERT_TRUE(Upsert(MakeMember("rep-quiet", "north"), &out).ok());
  std::vector<v1::Event> events = Threads("rep-a", 4, 2);
  // A second reply in an answered thread counts once.
  events.push_back(Message("extra", "rep-a", "rep-a-t0", true,
                           kTestNow - absl::Hours(24 * 2)));
  Load(events);

  v1::GetOutreachEffectivenessResponse r = MemberReport("rep-a");
  EXPECT_EQ(r.current().threads_started(), 4);
  EXPECT_EQ(r.current().threads_answered(), 2);
  ASSERT_TRUE(r.current().has_reply_rate());
  EXPECT_DOUBLE_EQ(r.current().reply_rate(), 0.5);
  EXPECT_EQ(r.current().median_time_to_reply().seconds(), 24 * 3600);
  EXPECT_EQ(r.unanswered_count(), 2);
  ASSERT_EQ(r.unanswered_size(), 2);
  EXPECT_EQ(r.unanswered(0).thread_id(), "rep-a-t3");  // Oldest first.
  EXPECT_EQ(r.unanswered(0).member_id(), "rep-a");
  ASSERT_EQ(r.by_seniority_size(), 1);
  EXPECT_EQ(r.by_seniority(0).seniority(), v1::SENIORITY_DIRECTOR);
  EXPECT_EQ(r.by_seniority(0).stats().threads_started(), 4);

  // Nothing sent: no rates at all, not 0%.
  v1::GetOutreachEffectivenessResponse quiet = MemberReport("rep-quiet");
  EXPECT_EQ(quiet.current().threads_started(), 0);
  EXPECT_FALSE(quiet.current().has_reply_rate());
  EXPECT_FALSE(quiet.current().has_acceptance_rate());
  EXPECT_FALSE(quiet.current().has_meetings_per_100_threads());
}

TEST_F(OutreachServiceTest, IngestionOrderDoesNotMatter) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("in-order", "t"), &out).ok());
  ASSERT_TRUE(Upsert(MakeMember("shuffled", "t"), &out).ok());
  Load(Threads("in-order", 8, 5));
  std::vector<v1::Event> shuffled = Threads("shuffled", 8, 5);
  std::mt19937 rng(3);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  // Replies first, then the sends they answer, in separate streams.
  std::stable_partition(shuffled.begin(), shuffled.end(), [](const auto& e) {
    return e.type() == v1::EVENT_TYPE_MESSAGE_RECEIVED;
  });
  for (const v1::Event& e : shuffled) Load({e});
  v1::GetOutreachEffectivenessResponse a = MemberReport("in-order");
  v1::GetOutreachEffectivenessResponse b = MemberReport("shuffled");
  EXPECT_EQ(a.current().SerializeAsString(), b.current().SerializeAsString());
  EXPECT_EQ(a.unanswered_count(), b.unanswered_count());
  // Sending everything again (all duplicates) changes nothing.
  v1::IngestEventsResponse again;
  ASSERT_TRUE(Ingest({Threads("in-order", 8, 5)}, &again).ok());
  EXPECT_EQ(again.duplicate_count(), 13);
  EXPECT_EQ(MemberReport("in-order").SerializeAsString(),
            a.SerializeAsString());
}

TEST_F(OutreachServiceTest, TeamFiguresAreTheSumOfItsMembers) {
  v1::UpsertMemberResponse out;
  std::vector<v1::Event> events;
  int started = 0, answered = 0;
  for (int i = 0; i < 6; ++i) {
    const std::string id = absl::StrCat("tm", i);
    ASSERT_TRUE(Upsert(MakeMember(id, "squad"), &out).ok());
    auto e = Threads(id, 2 + i, i);
    events.insert(events.end(), e.begin(), e.end());
    started += 2 + i;
    answered += i;
  }
  Load(events);
  v1::GetOutreachEffectivenessRequest req;
  req.set_team("squad");
  v1::GetOutreachEffectivenessResponse r;
  ASSERT_TRUE(Report(req, &r).ok());
  EXPECT_EQ(r.current().threads_started(), started);
  EXPECT_EQ(r.current().threads_answered(), answered);
  EXPECT_DOUBLE_EQ(r.current().reply_rate(),
                   static_cast<double>(answered) / started);
  // A member of the team is compared with it.
  v1::GetOutreachEffectivenessResponse m = MemberReport("tm5");
  EXPECT_FALSE(m.team_comparison().withheld());
  EXPECT_TRUE(m.team_comparison().has_team_median_reply_rate());
}

TEST_F(OutreachServiceTest, BetterReplyRateNeverLowersRelationships) {
  v1::UpsertMemberResponse out;
  std::vector<v1::Event> events;
  for (int answered = 0; answered <= 6; ++answered) {
    const std::string id = absl::StrCat("r", answered);
    ASSERT_TRUE(Upsert(MakeMember(id, "same-volume"), &out).ok());
    auto e = Threads(id, 6, answered);
    events.insert(events.end(), e.begin(), e.end());
  }
  Load(events);
  double previous = -1;
  for (int answered = 0; answered <= 6; ++answered) {
    const std::string id = absl::StrCat("r", answered);
    const double rate = answered / 6.0;
    v1::GetOutreachEffectivenessResponse r = MemberReport(id);
    EXPECT_DOUBLE_EQ(r.current().reply_rate(), rate);
    const double relationships = Relationships(id);
    EXPECT_GE(relationships, previous) << id;
    previous = relationships;
  }
}

TEST_F(OutreachServiceTest, BadScopesAndWindowsNameTheField) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-a", "north"), &out).ok());
  struct Case {
    v1::GetOutreachEffectivenessRequest req;
    grpc::StatusCode code;
    const char* prefix;
  };
  std::vector<Case> cases;
  cases.push_back({{}, grpc::StatusCode::INVALID_ARGUMENT, "scope:"});
  v1::GetOutreachEffectivenessRequest r;
  r.set_member_id("rep-a");
  r.set_window_days(400);
  cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "window_days:"});
  r.set_window_days(-1);
  cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "window_days:"});
  r.set_window_days(0);
  r.set_unanswered_after_days(1000);
  cases.push_back(
      {r, grpc::StatusCode::INVALID_ARGUMENT, "unanswered_after_days:"});
  r.set_unanswered_after_days(0);
  api::ToProtoTime(kTestNow + absl::Hours(5), r.mutable_as_of());
  cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "as_of:"});
  v1::GetOutreachEffectivenessRequest ghost;
  ghost.set_member_id("ghost");
  cases.push_back({ghost, grpc::StatusCode::NOT_FOUND, ""});
  v1::GetOutreachEffectivenessRequest team;
  team.set_team("nobody");
  cases.push_back({team, grpc::StatusCode::NOT_FOUND, ""});
  v1::GetOutreachEffectivenessRequest empty_team;
  empty_team.set_team("");
  cases.push_back({empty_team, grpc::StatusCode::INVALID_ARGUMENT, "team:"});
  for (const Case& c : cases) {
    v1::GetOutreachEffectivenessResponse resp;
    grpc::Status s = Report(c.req, &resp);
    EXPECT_EQ(s.error_code(), c.code) << c.req.ShortDebugString();
    EXPECT_THAT(s.error_message(), StartsWith(c.prefix));
  }
}

}  // namespace
}  // namespace rapport::testing
