// Score() properties over many random members: what may and may not raise
// a score. A better profile or an answered thread never lowers it; outreach
// nobody answers never raises the relationships pillar.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/model/enums.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/score_test_util.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using model::Pillar;
using testutil::AnsweredThread;
using testutil::AsOf;
using testutil::ComponentOf;
using testutil::kEps;
using testutil::kMembers;
using testutil::MemberGenerator;
using testutil::PillarOf;
using testutil::ScoreOf;
using testutil::SentThread;
using testutil::TestMember;

TEST(ScoreMonotonicTest, AddingAProfileElementNeverLowersTheScore) {
  const std::vector<
      std::pair<std::string, std::function<void(model::Profile&)>>>
      additions = {
          {"photo", [](model::Profile& p) { p.has_photo = true; }},
          {"headline", [](model::Profile& p) { p.has_headline = true; }},
          {"summary", [](model::Profile& p) { p.has_summary = true; }},
          {"position", [](model::Profile& p) { ++p.positions_count; }},
          {"described position",
           [](model::Profile& p) {
             ++p.positions_count;
             ++p.positions_with_description_count;
           }},
          {"education", [](model::Profile& p) { ++p.education_count; }},
          {"skill", [](model::Profile& p) { ++p.skills_count; }},
          {"certification",
           [](model::Profile& p) { ++p.certifications_count; }},
          {"volunteer role",
           [](model::Profile& p) { ++p.volunteer_roles_count; }},
          {"board role", [](model::Profile& p) { ++p.board_roles_count; }},
          {"recommendation given",
           [](model::Profile& p) { ++p.recommendations_given_count; }},
          {"recommendation received",
           [](model::Profile& p) { ++p.recommendations_received_count; }},
          {"connection", [](model::Profile& p) { ++p.connections_count; }},
      };
  MemberGenerator gen(10);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const ScoreResult before = ScoreOf(m);
    for (const auto& [what, add] : additions) {
      TestMember better = m;
      add(better.profile);
      const ScoreResult after = ScoreOf(better);
      EXPECT_GE(after.total, before.total) << what << ", member " << i;
      EXPECT_GE(PillarOf(after, Pillar::kProfessionalBrand),
                PillarOf(before, Pillar::kProfessionalBrand))
          << what << ", member " << i;
    }
  }
}

// An answered thread as the store would record it: the thread, and the
// contact now with an exchange both ways.
void AddAnsweredThread(MemberGenerator& gen, TestMember& m, bool with_contact) {
  const std::string id = absl::StrCat("answered", m.activity.threads.size());
  const absl::Time sent = gen.TimeAtAge(AsOf(), gen.Int(0, 89));
  const absl::Time reply =
      std::min(AsOf(), sent + absl::Minutes(gen.Int(1, 60 * 24 * 5)));
  m.activity.threads.push_back(AnsweredThread(id, sent, reply, gen.Int(0, 2)));
  if (!with_contact) return;
  model::ContactState c = testutil::Contact(
      "c-" + id, static_cast<model::Seniority>(gen.Int(0, 5)));
  c.first_time = sent;
  c.last_outbound_time = sent;
  c.last_inbound_time = reply;
  m.activity.contacts.push_back(c);
}

TEST(ScoreMonotonicTest, AddingAnAnsweredThreadNeverLowersTheTotal) {
  MemberGenerator gen(11);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const ScoreResult before = ScoreOf(m);
    for (bool with_contact : {false, true}) {
      TestMember more = m;
      AddAnsweredThread(gen, more, with_contact);
      const ScoreResult after = ScoreOf(more);
      EXPECT_GE(after.total, before.total) << "member " << i;
      EXPECT_GE(PillarOf(after, Pillar::kBuildRelationships),
                PillarOf(before, Pillar::kBuildRelationships))
          << "member " << i;
    }
  }
}

// The member writes (with or without follow-ups, maybe a connection
// request) and nobody answers.
TEST(ScoreMonotonicTest, AddingAnUnansweredThreadNeverRaisesRelationships) {
  MemberGenerator gen(12);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const double before = PillarOf(ScoreOf(m), Pillar::kBuildRelationships);
    TestMember more = m;
    for (int k = gen.Int(1, 5); k > 0; --k) {
      const std::string id = absl::StrCat("cold", more.activity.threads.size());
      const absl::Time sent = gen.TimeAtAge(AsOf(), gen.Int(0, 89));
      more.activity.threads.push_back(SentThread(id, sent, gen.Int(0, 3)));
      model::ContactState c =
          testutil::Contact("c-" + id, model::Seniority::kCSuite);
      c.first_time = sent;
      c.last_outbound_time = sent;
      if (gen.Chance(0.5)) c.connection_requested_time = sent;
      more.activity.contacts.push_back(c);
      const double after = PillarOf(ScoreOf(more), Pillar::kBuildRelationships);
      EXPECT_LE(after, before) << "member " << i;
    }
  }
}

// Unanswered outreach lowers the pillar when the member was being answered.
TEST(ScoreMonotonicTest, UnansweredOutreachLowersTheReplyRate) {
  TestMember m;
  for (int i = 0; i < 6; ++i) {
    m.activity.threads.push_back(AnsweredThread(absl::StrCat("a", i),
                                                testutil::Ago(AsOf(), 5 + i),
                                                testutil::Ago(AsOf(), 4 + i)));
  }
  const ScoreResult before = ScoreOf(m);
  for (int i = 0; i < 6; ++i) {
    m.activity.threads.push_back(
        SentThread(absl::StrCat("u", i), testutil::Ago(AsOf(), 2)));
  }
  const ScoreResult after = ScoreOf(m);
  EXPECT_LT(ComponentOf(after, "reply_rate").points,
            ComponentOf(before, "reply_rate").points);
  EXPECT_LT(PillarOf(after, Pillar::kBuildRelationships),
            PillarOf(before, Pillar::kBuildRelationships));
}

// The same threads, one more of them answered.
TEST(ScoreMonotonicTest, AHigherReplyRateAtTheSameVolumeNeverLowersIt) {
  MemberGenerator gen(13);
  int improved = 0;
  for (int i = 0; i < kMembers; ++i) {
    TestMember m = gen.Next(AsOf());
    for (model::ThreadState& t : m.activity.threads) {
      if (!t.member_started() || t.first_reply_time.has_value()) continue;
      const double before = PillarOf(ScoreOf(m), Pillar::kBuildRelationships);
      const absl::Time reply =
          std::min(AsOf(), *t.first_outbound_time + absl::Hours(3));
      if (reply <= *t.first_outbound_time) continue;
      t.first_reply_time = t.first_inbound_time = t.last_inbound_time = reply;
      t.inbound_count = 1;
      const double after = PillarOf(ScoreOf(m), Pillar::kBuildRelationships);
      EXPECT_GE(after, before - kEps) << "member " << i;
      if (after > before) ++improved;
    }
  }
  EXPECT_GT(improved, 0);  // The property was not checked in vain.
}

// One acceptance out of one request is not a 100% rate, and one reply out
// of one thread is not full points.
TEST(ScoreMonotonicTest, ASmallSampleIsShrunkTowardThePrior) {
  TestMember m;
  model::ContactState c = testutil::Contact("c1", model::Seniority::kVp);
  c.connection_requested_time = testutil::Ago(AsOf(), 3);
  c.connection_accepted_time = testutil::Ago(AsOf(), 2);
  m.activity.contacts.push_back(c);
  m.activity.threads.push_back(
      AnsweredThread("t1", testutil::Ago(AsOf(), 3), testutil::Ago(AsOf(), 2)));
  const ScoreResult r = ScoreOf(m);
  const ComponentScore& acceptance = ComponentOf(r, "acceptance_rate");
  EXPECT_LT(acceptance.raw_value, 1);
  EXPECT_LT(acceptance.points, acceptance.max_points);
  const ComponentScore& reply = ComponentOf(r, "reply_rate");
  EXPECT_LT(reply.raw_value, 1);
  EXPECT_LT(reply.points, reply.max_points);
}

}  // namespace
}  // namespace rapport::scoring
