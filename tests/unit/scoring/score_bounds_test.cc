// Score() properties over many random members: bounds, sums, determinism,
// saturation.
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/model/enums.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/score_test_util.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using model::EventType;
using model::Pillar;
using testutil::AnsweredThread;
using testutil::AsOf;
using testutil::Bucket;
using testutil::DayOf;
using testutil::Default;
using testutil::kEps;
using testutil::kMembers;
using testutil::MemberGenerator;
using testutil::PillarOf;
using testutil::ReceivedThread;
using testutil::ScoreOf;
using testutil::TestMember;

void ExpectWellFormed(const ScoreResult& r, const std::string& context) {
  SCOPED_TRACE(context);
  EXPECT_EQ(r.model_version, Default().version);
  ASSERT_EQ(r.pillars.size(), 4u);
  double total = 0;
  for (int i = 0; i < 4; ++i) {
    const PillarScore& p = r.pillars[i];
    EXPECT_EQ(p.pillar, static_cast<Pillar>(i + 1));
    EXPECT_GE(p.score, 0);
    EXPECT_LE(p.score, kPillarMaxPoints + kEps);
    double sum = 0;
    double max_sum = 0;
    for (const ComponentScore& c : p.components) {
      EXPECT_FALSE(c.name.empty());
      EXPECT_FALSE(c.signal.empty()) << c.name;
      EXPECT_FALSE(c.explanation.empty()) << c.name;
      EXPECT_TRUE(std::isfinite(c.raw_value)) << c.name;
      EXPECT_GE(c.raw_value, 0) << c.name;
      EXPECT_GE(c.points, 0) << c.name;
      EXPECT_LE(c.points, c.max_points) << c.name;
      EXPECT_LT(c.max_points, kPillarMaxPoints) << c.name;
      EXPECT_GT(c.target, 0) << c.name;
      sum += c.points;
      max_sum += c.max_points;
    }
    EXPECT_NEAR(p.score, sum, kEps);
    EXPECT_NEAR(max_sum, kPillarMaxPoints, kEps);
    total += p.score;
  }
  EXPECT_NEAR(r.total, total, kEps);
  EXPECT_GE(r.total, 0);
  EXPECT_LE(r.total, 100 + kEps);
}

TEST(ScoreBoundsTest, RandomMembersAreWellFormed) {
  MemberGenerator gen(1);
  for (int i = 0; i < kMembers; ++i) {
    ExpectWellFormed(ScoreOf(gen.Next(AsOf())), absl::StrCat("member ", i));
  }
}

TEST(ScoreBoundsTest, IdenticalInputsGiveIdenticalScores) {
  MemberGenerator gen(2);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const TestMember copy = m;
    EXPECT_EQ(ScoreOf(m), ScoreOf(copy)) << "member " << i;
  }
}

TEST(ScoreBoundsTest, PillarsComeWithTheirComponentsInOrder) {
  const ScoreResult r = ScoreOf(TestMember{});
  auto names = [&](int pillar) {
    std::string out;
    for (const ComponentScore& c : r.pillars[pillar].components) {
      absl::StrAppend(&out, out.empty() ? "" : ",", c.name);
    }
    return out;
  };
  EXPECT_EQ(names(0),
            "profile_photo,headline_summary,positions_described,education,"
            "certifications,volunteer_board,recommendations,posts_published,"
            "engagement_received");
  EXPECT_EQ(names(1), "prospecting,decision_maker_reach,acceptance_rate");
  EXPECT_EQ(names(2),
            "content_shared,comments_made,group_activity,engagement_earned");
  EXPECT_EQ(names(3),
            "reply_rate,two_way_relationships,reciprocity,follow_ups_answered,"
            "recommendation_exchange");
}

// Far beyond its target, doubling any one kind of event adds nothing.
TEST(ScoreBoundsTest, DoublingASignalFarBeyondItsTargetAddsNothing) {
  MemberGenerator gen(3);
  for (int type = 1; type <= model::kMaxEventType; ++type) {
    SCOPED_TRACE(absl::StrCat("event type ", type));
    for (int i = 0; i < 20; ++i) {
      TestMember m = gen.Next(AsOf());
      m.activity.daily.push_back(
          Bucket(DayOf(AsOf()), static_cast<EventType>(type), 100000));
      const ScoreResult once = ScoreOf(m);
      m.activity.daily.back().count *= 2;
      const ScoreResult twice = ScoreOf(m);
      EXPECT_EQ(once.total, twice.total);
      for (int p = 0; p < 4; ++p) {
        for (size_t c = 0; c < once.pillars[p].components.size(); ++c) {
          EXPECT_EQ(once.pillars[p].components[c].points,
                    twice.pillars[p].components[c].points);
        }
      }
    }
  }
}

TEST(ScoreBoundsTest, DoublingManyRelationshipsAddsNothing) {
  TestMember m;
  auto add = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const std::string id = absl::StrCat("x", m.activity.threads.size());
      m.activity.threads.push_back(AnsweredThread(id, AsOf() - absl::Hours(30),
                                                  AsOf() - absl::Hours(2), 1));
      model::ContactState c =
          testutil::Contact("c-" + id, model::Seniority::kCSuite);
      c.last_outbound_time = AsOf() - absl::Hours(30);
      c.last_inbound_time = AsOf() - absl::Hours(2);
      c.connection_requested_time = AsOf() - absl::Hours(40);
      c.connection_accepted_time = AsOf() - absl::Hours(35);
      m.activity.contacts.push_back(c);
    }
  };
  add(200);
  const ScoreResult once = ScoreOf(m);
  add(200);
  const ScoreResult twice = ScoreOf(m);
  EXPECT_EQ(PillarOf(once, Pillar::kBuildRelationships),
            PillarOf(twice, Pillar::kBuildRelationships));
  EXPECT_EQ(PillarOf(once, Pillar::kFindRightPeople),
            PillarOf(twice, Pillar::kFindRightPeople));
}

// Everything at once, far beyond every target: each component at its max,
// 100 in total, and never more.
TEST(ScoreBoundsTest, AMaximalMemberScoresExactlyOneHundred) {
  TestMember m;
  model::Profile& p = m.profile;
  p.has_photo = p.has_headline = p.has_summary = true;
  p.positions_count = p.positions_with_description_count = 50;
  p.education_count = p.certifications_count = 50;
  p.volunteer_roles_count = p.board_roles_count = 50;
  p.recommendations_given_count = p.recommendations_received_count = 50;
  for (int type = 1; type <= model::kMaxEventType; ++type) {
    m.activity.daily.push_back(
        Bucket(DayOf(AsOf()), static_cast<EventType>(type), 100000));
  }
  for (int i = 0; i < 300; ++i) {
    const std::string id = absl::StrCat("t", i);
    m.activity.threads.push_back(AnsweredThread(id, AsOf() - absl::Hours(10),
                                                AsOf() - absl::Hours(1), 1));
    m.activity.threads.push_back(ReceivedThread(
        "r" + id, AsOf() - absl::Hours(10), AsOf() - absl::Hours(1)));
    model::ContactState c =
        testutil::Contact("c-" + id, model::Seniority::kCSuite);
    c.last_outbound_time = AsOf() - absl::Hours(10);
    c.last_inbound_time = AsOf() - absl::Hours(1);
    c.connection_requested_time = AsOf() - absl::Hours(20);
    c.connection_accepted_time = AsOf() - absl::Hours(15);
    m.activity.contacts.push_back(c);
  }
  const ScoreResult r = ScoreOf(m);
  ExpectWellFormed(r, "maximal member");
  for (const PillarScore& pillar : r.pillars) {
    for (const ComponentScore& c : pillar.components) {
      EXPECT_EQ(c.points, c.max_points) << c.name << ": " << c.explanation;
    }
  }
  EXPECT_NEAR(r.total, 100, kEps);
}

// One kind of activity, however much, never fills a pillar.
TEST(ScoreBoundsTest, NoSingleSignalFillsAPillar) {
  for (int type = 1; type <= model::kMaxEventType; ++type) {
    TestMember m;
    m.activity.daily.push_back(
        Bucket(DayOf(AsOf()), static_cast<EventType>(type), 1000000));
    const ScoreResult r = ScoreOf(m);
    for (const PillarScore& p : r.pillars) {
      EXPECT_LT(p.score, kPillarMaxPoints) << "event type " << type;
    }
  }
}

}  // namespace
}  // namespace rapport::scoring
