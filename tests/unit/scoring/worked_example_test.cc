// A worked example of the default model, every figure derived by hand from
// the formulas (docs/scoring.md quotes it). Not computed by calling the code.
//
// Default model: window W = 90 days, half-life h = 14 days, curvature c = 2.
//   sat(x)  = (1 - e^(-2x)) / (1 - e^(-2)) for x in [0, 1], 1 beyond
//   points  = max_points * sat(raw / target)
//   m       = mean over ages a = 0..89 of 2^(-a/14)
//           = (1 - 2^(-90/14)) / (1 - 2^(-1/14)) / 90 = 0.227350
//   w(a)    = 2^(-a/14) / m        (w(0) = 4.398500, w(30) = 0.995956,
//                                   w(60) = 0.225515)
//   cw(a)   = min(1, w(a))         (a person or a thread counts once)
//   rate    = min(s/n, (s + k p) / (n + k)) for prior p over k samples
#include <cmath>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/enums.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/score_test_util.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using model::EventType;
using model::Seniority;
using testutil::Ago;
using testutil::AnsweredThread;
using testutil::AsOf;
using testutil::Bucket;
using testutil::ComponentOf;
using testutil::DayOf;
using testutil::ReceivedThread;
using testutil::SentThread;
using testutil::TestMember;

double Sat(double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return (1 - std::exp(-2 * x)) / (1 - std::exp(-2.0));
}
double Pts(double raw, double target, double max_points) {
  return max_points * Sat(raw / target);
}
const double kMean =
    (1 - std::pow(2, -90 / 14.0)) / (1 - std::pow(2, -1 / 14.0)) / 90;
double W(int age) { return std::pow(2, -age / 14.0) / kMean; }
double CW(int age) { return std::min(1.0, W(age)); }

// "Alex", an account executive, on 2026-03-31 at 15:00 UTC.
TestMember Alex() {
  TestMember m;
  model::Profile& p = m.profile;
  p.has_photo = true;
  p.has_headline = true;
  p.has_summary = false;
  p.positions_count = 3;
  p.positions_with_description_count = 2;
  p.education_count = 1;
  p.certifications_count = 0;
  p.volunteer_roles_count = 1;
  p.recommendations_given_count = 1;
  p.recommendations_received_count = 2;
  p.connections_count = 640;  // Not scored: quality beats size.

  const absl::CivilDay today = DayOf(AsOf());
  auto& d = m.activity.daily;
  d.push_back(Bucket(today, EventType::kPostPublished, 2));
  d.push_back(Bucket(today - 30, EventType::kPostPublished, 1));
  d.push_back(Bucket(today, EventType::kReactionReceived, 30));
  d.push_back(Bucket(today - 30, EventType::kCommentReceived, 5));
  d.push_back(Bucket(today, EventType::kProspectSearch, 10));
  d.push_back(Bucket(today - 60, EventType::kLeadSaved, 5));
  d.push_back(Bucket(today, EventType::kContentShared, 3));
  d.push_back(Bucket(today - 15, EventType::kCommentMade, 6));
  d.push_back(Bucket(today, EventType::kGroupAnswer, 1));
  d.push_back(Bucket(today - 50, EventType::kRecommendationGiven, 1));
  // Messages are counted per thread and contact below, not per bucket.
  d.push_back(Bucket(today - 3, EventType::kMessageSent, 4, Seniority::kVp));

  auto& threads = m.activity.threads;
  // Followed up once, then answered.
  threads.push_back(AnsweredThread("t1", Ago(AsOf(), 5), Ago(AsOf(), 4), 1));
  threads.push_back(AnsweredThread("t2", Ago(AsOf(), 20), Ago(AsOf(), 19)));
  threads.push_back(SentThread("t3", Ago(AsOf(), 3)));
  // Started by the contact, answered the same day.
  threads.push_back(ReceivedThread("t4", Ago(AsOf(), 7, 2), Ago(AsOf(), 7, 1)));

  auto& contacts = m.activity.contacts;
  model::ContactState ceo = testutil::Contact("ceo", Seniority::kCSuite);
  ceo.connection_requested_time = Ago(AsOf(), 2);
  ceo.connection_accepted_time = Ago(AsOf(), 1);
  ceo.last_outbound_time = Ago(AsOf(), 1);
  ceo.last_inbound_time = Ago(AsOf(), 0, 1);
  contacts.push_back(ceo);
  model::ContactState director = testutil::Contact("dir", Seniority::kDirector);
  director.connection_requested_time = Ago(AsOf(), 10);
  contacts.push_back(director);
  model::ContactState peer =
      testutil::Contact("peer", Seniority::kIndividualContributor);
  peer.last_outbound_time = Ago(AsOf(), 60);
  peer.last_inbound_time = Ago(AsOf(), 45);
  contacts.push_back(peer);
  return m;
}

TEST(WorkedExampleTest, ProfessionalBrand) {
  const ScoreResult r = testutil::ScoreOf(Alex());
  auto points = [&](const char* name) { return ComponentOf(r, name).points; };
  EXPECT_DOUBLE_EQ(points("profile_photo"), 2);                     // sat(1)
  EXPECT_NEAR(points("headline_summary"), Pts(1, 2, 2), 1e-12);     // 1.462117
  EXPECT_NEAR(points("positions_described"), Pts(2, 3, 3), 1e-12);  // 2.554989
  EXPECT_DOUBLE_EQ(points("education"), 1.5);
  EXPECT_DOUBLE_EQ(points("certifications"), 0);
  EXPECT_NEAR(points("volunteer_board"), Pts(1, 2, 1.5), 1e-12);  // 1.096588
  // max(1 given, 1 event) + max(2 received, 0 events) = 3 of 4.
  EXPECT_NEAR(points("recommendations"), Pts(3, 4, 3), 1e-12);  // 2.695391
  // 2 posts today, 1 thirty days ago: 2 w(0) + w(30) = 9.792956.
  EXPECT_NEAR(ComponentOf(r, "posts_published").raw_value, 2 * W(0) + W(30),
              1e-12);
  EXPECT_NEAR(points("posts_published"), Pts(2 * W(0) + W(30), 12, 5),
              1e-12);  // 4.652052
  // 30 reactions today, 5 comments (x3) thirty days ago: 146.894341.
  const double engagement = 30 * W(0) + 5 * 3 * W(30);
  EXPECT_NEAR(points("engagement_received"), Pts(engagement, 200, 5),
              1e-12);  // 4.451618
  EXPECT_NEAR(r.pillars[0].score, 20.412755, 1e-6);
}

TEST(WorkedExampleTest, FindTheRightPeople) {
  const ScoreResult r = testutil::ScoreOf(Alex());
  // 10 searches today, 5 saved leads (x3) sixty days ago: 47.367728.
  EXPECT_NEAR(ComponentOf(r, "prospecting").points,
              Pts(10 * W(0) + 5 * 3 * W(60), 250, 8), 1e-12);  // 2.918260
  // The CEO (2.0, 1 day ago), the director (1.3, 10 days ago), the peer
  // (0.6, 60 days ago at cw = 0.225515): 3.435309 of 100.
  const double reach = 2 * CW(1) + 1.3 * CW(10) + 0.6 * CW(60);
  EXPECT_NEAR(ComponentOf(r, "decision_maker_reach").raw_value, reach, 1e-12);
  EXPECT_NEAR(ComponentOf(r, "decision_maker_reach").points, Pts(reach, 100, 9),
              1e-12);  // 0.691125
  // 1 of 2 requests accepted: min(0.5, (1 + 10 * 0.28) / (2 + 10)) = 0.316667.
  EXPECT_NEAR(ComponentOf(r, "acceptance_rate").raw_value, 3.8 / 12, 1e-12);
  EXPECT_NEAR(ComponentOf(r, "acceptance_rate").points, Pts(3.8 / 12, 0.4, 8),
              1e-12);  // 7.352772
  EXPECT_NEAR(r.pillars[1].score, 10.962157, 1e-6);
}

TEST(WorkedExampleTest, EngageWithInsights) {
  const ScoreResult r = testutil::ScoreOf(Alex());
  EXPECT_NEAR(ComponentOf(r, "content_shared").points, Pts(3 * W(0), 24, 7),
              1e-12);  // 5.399814
  EXPECT_NEAR(ComponentOf(r, "comments_made").points, Pts(6 * W(15), 40, 7),
              1e-12);  // 3.774917
  EXPECT_NEAR(ComponentOf(r, "group_activity").points, Pts(1.5 * W(0), 10, 5),
              1e-12);  // 4.237159
  // The brand's 146.9 again, of a target of 200.
  const double engagement = 30 * W(0) + 5 * 3 * W(30);
  EXPECT_NEAR(ComponentOf(r, "engagement_earned").points,
              Pts(engagement, 200, 6), 1e-12);  // 5.341942
  EXPECT_NEAR(r.pillars[2].score, 18.753832, 1e-6);
}

TEST(WorkedExampleTest, BuildRelationships) {
  const ScoreResult r = testutil::ScoreOf(Alex());
  // 2 of 3 threads answered: min(0.667, (2 + 5 * 0.3) / (3 + 5)) = 0.4375.
  EXPECT_NEAR(ComponentOf(r, "reply_rate").raw_value, 0.4375, 1e-12);
  EXPECT_NEAR(ComponentOf(r, "reply_rate").points, Pts(0.4375, 0.6, 7),
              1e-12);  // 6.212390
  // The CEO (exchange 1 day ago) and the peer (older end 60 days ago).
  EXPECT_NEAR(ComponentOf(r, "two_way_relationships").points,
              Pts(CW(1) + CW(60), 15, 7), 1e-12);  // 1.220418
  // 1 of 1 answered: min(1, (1 + 3 * 0.5) / (1 + 3)) = 0.625.
  EXPECT_NEAR(ComponentOf(r, "reciprocity").points, Pts(0.625, 0.8, 5),
              1e-12);  // 4.570492
  EXPECT_NEAR(ComponentOf(r, "follow_ups_answered").points, Pts(CW(4), 4, 3),
              1e-12);  // 1.365163
  EXPECT_NEAR(ComponentOf(r, "recommendation_exchange").points,
              Pts(W(50), 2, 3), 1e-12);  // 1.073005
  EXPECT_NEAR(r.pillars[3].score, 14.441467, 1e-6);
}

TEST(WorkedExampleTest, TotalAndExplanations) {
  const ScoreResult r = testutil::ScoreOf(Alex());
  EXPECT_NEAR(r.total, 64.570212, 1e-6);
  EXPECT_EQ(r.model_version, "ssi-2026.1");
  auto explain = [&](const char* name) {
    return ComponentOf(r, name).explanation;
  };
  EXPECT_EQ(explain("profile_photo"), "Profile photo: 2 of 2 points");
  EXPECT_EQ(explain("headline_summary"), "No summary: add one for 0.5 points");
  EXPECT_EQ(explain("certifications"),
            "No certification: add one for 1.5 points");
  EXPECT_EQ(explain("positions_described"),
            "2 positions with a description: add one more for 0.4 points "
            "(3 earns the full 3)");
  EXPECT_EQ(explain("posts_published"),
            "3 posts in the last 90 days, worth 9.8 with recency; 12 earns the "
            "full 5 points");
  EXPECT_EQ(explain("engagement_earned"),
            "30 reactions, 5 comments and 0 shares on your content in the "
            "last 90 days, worth 146.9 with weights and recency; 200 earns "
            "the full 6 points");
  EXPECT_EQ(explain("decision_maker_reach"),
            "You contacted 3 people, 2 of them directors or above, in the "
            "last 90 days, worth 3.4 with seniority and recency; 100 earns "
            "the full 9 points");
  EXPECT_EQ(explain("acceptance_rate"),
            "1 of your 2 connection requests in the last 90 days was "
            "accepted (50%, counted as 32% on so few); 40% earns the full 8 "
            "points");
  EXPECT_EQ(explain("reply_rate"),
            "2 of your 3 threads in the last 90 days got a reply (67%, "
            "counted as 44% on so few); 60% earns the full 7 points");
  EXPECT_EQ(explain("reciprocity"),
            "You answered 1 of 1 thread others started with you in the last "
            "90 days (100%, counted as 63% on so few); 80% earns the full 5 "
            "points");
}

}  // namespace
}  // namespace rapport::scoring
