// RecommendationService through the real server and generated C++ stubs:
// validation, and gains that the real thing confirms: doing what a
// recommendation says (upserting the profile, ingesting the events) moves
// the served score by the stated gain, exactly when nothing in it is random,
// on average over the ways others answer otherwise. The demo personas get what
// docs/domain.md leads a reader to expect.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/demo/demo.h"
#include "gtest/gtest.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

constexpr double kEps = 1e-6;

class RecommendationServiceTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    recommend_ = v1::RecommendationService::NewStub(channel_);
    scoring_ = v1::ScoringService::NewStub(channel_);
  }

  grpc::Status Get(const v1::GetRecommendationsRequest& req,
                   v1::GetRecommendationsResponse* resp) {
    grpc::ClientContext ctx;
    return recommend_->GetRecommendations(&ctx, req, resp);
  }

  v1::GetRecommendationsResponse Get(const std::string& member,
                                     int max_results = 0) {
    v1::GetRecommendationsRequest req;
    req.set_member_id(member);
    req.set_max_results(max_results);
    v1::GetRecommendationsResponse resp;
    grpc::Status s = Get(req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  double Total(const std::string& member) {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id(member);
    v1::GetScoreResponse resp;
    grpc::Status s = scoring_->GetScore(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.score().total();
  }

  v1::Event Message(const std::string& id, const std::string& member,
                    const std::string& thread, v1::EventType type,
                    absl::Time at) {
    v1::Event e = MakeEvent(id, member, at);
    e.set_type(type);
    e.set_channel(v1::CHANNEL_EMAIL);
    e.set_thread_id(thread);
    e.mutable_contact()->set_contact_id("c-" + thread);
    e.mutable_contact()->set_seniority(v1::SENIORITY_DIRECTOR);
    return e;
  }

  // A pointer into `r`, which must outlive it; nullptr when absent.
  static const v1::Recommendation* Find(const v1::GetRecommendationsResponse& r,
                                        v1::RecommendationKind kind) {
    for (const auto& rec : r.recommendations()) {
      if (rec.kind() == kind) return &rec;
    }
    return nullptr;
  }

  std::unique_ptr<v1::RecommendationService::Stub> recommend_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
};

TEST_F(RecommendationServiceTest, ValidatesTheRequest) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "east"), &out).ok());
  auto expect = [&](const v1::GetRecommendationsRequest& req,
                    grpc::StatusCode code, const std::string& field) {
    v1::GetRecommendationsResponse resp;
    grpc::Status s = Get(req, &resp);
    EXPECT_EQ(s.error_code(), code) << req.ShortDebugString();
    EXPECT_EQ(s.error_message().rfind(field, 0), 0u) << s.error_message();
  };
  v1::GetRecommendationsRequest req;
  expect(req, grpc::StatusCode::INVALID_ARGUMENT, "member_id");
  req.set_member_id("rep-1");
  req.set_max_results(101);
  expect(req, grpc::StatusCode::INVALID_ARGUMENT, "max_results");
  req.set_max_results(-1);
  expect(req, grpc::StatusCode::INVALID_ARGUMENT, "max_results");
  req.set_max_results(0);
  api::ToProtoTime(kTestNow + absl::Hours(1), req.mutable_as_of());
  expect(req, grpc::StatusCode::INVALID_ARGUMENT, "as_of");
  req.clear_as_of();
  req.set_member_id("nobody");
  expect(req, grpc::StatusCode::NOT_FOUND, "");
}

TEST_F(RecommendationServiceTest, RanksByGainAndHonoursMaxResults) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "east"), &out).ok());
  const v1::GetRecommendationsResponse all = Get("rep-1", 100);
  ASSERT_GT(all.recommendations_size(), 3);
  EXPECT_EQ(all.model_version(), "ssi-2026.1");
  EXPECT_NEAR(all.current_total(), Total("rep-1"), kEps);
  for (int i = 1; i < all.recommendations_size(); ++i) {
    EXPECT_GE(all.recommendations(i - 1).expected_gain(),
              all.recommendations(i).expected_gain());
  }
  const v1::GetRecommendationsResponse top = Get("rep-1", 3);
  ASSERT_EQ(top.recommendations_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(top.recommendations(i).ShortDebugString(),
              all.recommendations(i).ShortDebugString());
  }
  EXPECT_LE(Get("rep-1").recommendations_size(), 10);
}

// Upserting the profile with a photo moves the served score by the gain.
TEST_F(RecommendationServiceTest, PhotoGainIsWhatTheScoreGains) {
  v1::Member m = MakeMember("rep-1", "east");
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(m, &out).ok());
  const v1::GetRecommendationsResponse recs = Get("rep-1", 100);
  const v1::Recommendation* photo =
      Find(recs, v1::RECOMMENDATION_KIND_ADD_PHOTO);
  ASSERT_NE(photo, nullptr);
  const double gain = photo->expected_gain();
  EXPECT_EQ(photo->pillar(), v1::PILLAR_PROFESSIONAL_BRAND);
  const double before = Total("rep-1");
  m.mutable_profile()->set_has_photo(true);
  ASSERT_TRUE(Upsert(m, &out).ok());
  EXPECT_NEAR(Total("rep-1") - before, gain, kEps);
  const v1::GetRecommendationsResponse after = Get("rep-1", 100);
  EXPECT_EQ(Find(after, v1::RECOMMENDATION_KIND_ADD_PHOTO), nullptr);
}

// Ingesting the posts now moves the served score by the gain.
TEST_F(RecommendationServiceTest, PublishGainIsWhatTheScoreGains) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "east"), &out).ok());
  const v1::GetRecommendationsResponse recs = Get("rep-1", 100);
  const v1::Recommendation* publish =
      Find(recs, v1::RECOMMENDATION_KIND_PUBLISH);
  ASSERT_NE(publish, nullptr);
  EXPECT_EQ(publish->title(), "Publish 2 posts this week");
  const double before = Total("rep-1");
  Load(
      {MakeEvent("p1", "rep-1", kTestNow), MakeEvent("p2", "rep-1", kTestNow)});
  EXPECT_NEAR(Total("rep-1") - before, publish->expected_gain(), kEps);
}

// Unanswered threads are named; following them up moves the served score by
// the stated gain on average over how the answers turn out: 32 members with
// the same history each do the follow-ups with a different set of answers
// (every subset of the 5 threads), and the served changes weighted by the
// probability of each subset at the member's reply rate give the gain.
TEST_F(RecommendationServiceTest, FollowUpsNameThreadsAndGainWhatTheyState) {
  constexpr int kOutcomes = 1 << 5;
  auto member = [](int i) { return absl::StrCat("rep-", i); };
  for (int m = 0; m < kOutcomes; ++m) {
    v1::UpsertMemberResponse out;
    ASSERT_TRUE(Upsert(MakeMember(member(m), "east"), &out).ok());
    std::vector<v1::Event> events;
    for (int i = 0; i < 12; ++i) {
      const std::string t = absl::StrCat("t", i);
      const std::string id = absl::StrCat(member(m), "-", t);
      const absl::Time sent = kTestNow - absl::Hours(24 * (8 + i));
      events.push_back(Message(id + "-out", member(m), t,
                               v1::EVENT_TYPE_MESSAGE_SENT, sent));
      if (i % 2 == 0) {
        events.push_back(Message(id + "-in", member(m), t,
                                 v1::EVENT_TYPE_MESSAGE_RECEIVED,
                                 sent + absl::Hours(20)));
      }
    }
    Load(events);
  }
  const v1::GetRecommendationsResponse recs = Get(member(0), 100);
  const v1::Recommendation* f =
      Find(recs, v1::RECOMMENDATION_KIND_FOLLOW_UP_THREADS);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->targets_size(), 5);
  EXPECT_EQ(f->pillar(), v1::PILLAR_BUILD_RELATIONSHIPS);
  // The oldest unanswered first (all directors): t11, t9, t7, t5, t3.
  EXPECT_EQ(f->targets(0).thread_id(), "t11");
  EXPECT_EQ(f->targets(4).thread_id(), "t3");
  EXPECT_NE(f->rationale().find("6 of your 12 threads"), std::string::npos)
      << f->rationale();
  // 6 of 12 answered and no follow-up yet: each follow-up is answered with
  // the scored reply rate min(6/12, (6 + 5 * 0.3) / (12 + 5)) = 0.44.
  const double p = std::min(6.0 / 12, (6 + 5 * 0.3) / (12 + 5));
  double expected = 0;
  double none = 0, all = 0;
  for (int m = 0; m < kOutcomes; ++m) {
    // The same history, the same recommendation.
    const v1::GetRecommendationsResponse theirs = Get(member(m), 100);
    const v1::Recommendation* same =
        Find(theirs, v1::RECOMMENDATION_KIND_FOLLOW_UP_THREADS);
    ASSERT_NE(same, nullptr);
    EXPECT_NEAR(same->expected_gain(), f->expected_gain(), kEps);
    const double before = Total(member(m));
    std::vector<v1::Event> follow;
    double probability = 1;
    for (int i = 0; i < 5; ++i) {
      const std::string& t = f->targets(i).thread_id();
      const std::string id = absl::StrCat(member(m), "-", t);
      follow.push_back(Message(id + "-fu", member(m), t,
                               v1::EVENT_TYPE_FOLLOW_UP_SENT,
                               kTestNow - absl::Seconds(1)));
      const bool answered = (m >> i) & 1;
      probability *= answered ? p : 1 - p;
      if (answered) {
        follow.push_back(Message(id + "-re", member(m), t,
                                 v1::EVENT_TYPE_MESSAGE_RECEIVED, kTestNow));
      }
    }
    Load(follow);
    const double change = Total(member(m)) - before;
    expected += probability * change;
    if (m == 0) none = change;
    if (m == kOutcomes - 1) all = change;
  }
  EXPECT_NEAR(expected, f->expected_gain(), kEps);
  // Not vacuous: how the answers turn out matters.
  EXPECT_GT(all, none + 1);
}

// The demo organisation (60 members, seed 1): the silent rep is told to
// fill the profile and publish first; the sprayer to follow up and send
// fewer, better-targeted messages.
TEST_F(RecommendationServiceTest, DemoPersonasGetWhatTheirBehaviourCallsFor) {
  demo::DemoOptions options;
  options.member_count = 60;
  options.end_time = kTestNow;
  const demo::DemoOrg org = demo::GenerateDemoOrg(options);
  ASSERT_EQ(org.persona_by_member.at("rep-005"), demo::Persona::kSilent);
  ASSERT_EQ(org.persona_by_member.at("rep-003"), demo::Persona::kSprayer);
  for (const v1::Member& m : org.members) {
    v1::UpsertMemberResponse out;
    ASSERT_TRUE(Upsert(m, &out).ok());
  }
  std::vector<std::vector<v1::Event>> batches;
  for (size_t i = 0; i < org.events.size(); i += 100) {
    batches.emplace_back(
        org.events.begin() + i,
        org.events.begin() + std::min(org.events.size(), i + 100));
  }
  v1::IngestEventsResponse resp;
  ASSERT_TRUE(Ingest(batches, &resp).ok());
  ASSERT_EQ(resp.rejected_count(), 0);

  // Profile (including recommendations made and received, docs/domain.md)
  // and content: the kinds up to group discussions.
  auto is_profile_or_content = [](v1::RecommendationKind k) {
    return k <= v1::RECOMMENDATION_KIND_JOIN_GROUP_DISCUSSION;
  };
  const v1::GetRecommendationsResponse silent = Get("rep-005");
  {
    SCOPED_TRACE(silent.DebugString());
    ASSERT_GE(silent.recommendations_size(), 5);
    EXPECT_TRUE(is_profile_or_content(silent.recommendations(0).kind()));
    int top5 = 0;
    for (int i = 0; i < 5; ++i) {
      top5 += is_profile_or_content(silent.recommendations(i).kind()) ? 1 : 0;
    }
    EXPECT_GE(top5, 4);
    // Its profile gaps (no photo, certification or volunteer role) and
    // publishing are all in the default ten.
    for (auto kind : {v1::RECOMMENDATION_KIND_ADD_PHOTO,
                      v1::RECOMMENDATION_KIND_ADD_CERTIFICATIONS,
                      v1::RECOMMENDATION_KIND_ADD_VOLUNTEER_OR_BOARD_ROLE,
                      v1::RECOMMENDATION_KIND_PUBLISH}) {
      EXPECT_NE(Find(silent, kind), nullptr) << kind;
    }
    EXPECT_EQ(Find(silent, v1::RECOMMENDATION_KIND_SLOW_DOWN_OUTREACH),
              nullptr);
  }

  const v1::GetRecommendationsResponse sprayer = Get("rep-003", 100);
  SCOPED_TRACE(sprayer.DebugString());
  const v1::Recommendation* follow_up =
      Find(sprayer, v1::RECOMMENDATION_KIND_FOLLOW_UP_THREADS);
  ASSERT_NE(follow_up, nullptr);
  EXPECT_EQ(follow_up->targets_size(), 5);
  for (const auto& t : follow_up->targets()) {
    EXPECT_FALSE(t.thread_id().empty());
  }
  const v1::Recommendation* slow_down =
      Find(sprayer, v1::RECOMMENDATION_KIND_SLOW_DOWN_OUTREACH);
  ASSERT_NE(slow_down, nullptr);
  EXPECT_GT(slow_down->expected_gain(), 0);
  EXPECT_NE(slow_down->rationale().find("your team's"), std::string::npos);
  // No advice to reach out to more people.
  EXPECT_EQ(Find(sprayer, v1::RECOMMENDATION_KIND_CONNECT_DECISION_MAKERS),
            nullptr);
}

}  // namespace
}  // namespace rapport::testing
