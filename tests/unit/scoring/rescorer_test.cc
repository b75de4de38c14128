// Rescorer against Score(): over seeded random members and random variants
// of them (threads and contacts changed in place or added, today's daily
// counts changed, buckets added, the profile edited), every figure of the
// score is equal bit for bit, whether the variant is described by its
// changes or scored in full.
#include "server/scoring/rescorer.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/model/activity.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using testutil::AsOf;
using testutil::MemberGenerator;

void ExpectSameFigures(const ScoreResult& fast, const ScoreResult& full) {
  ASSERT_EQ(fast.total, full.total);
  ASSERT_EQ(fast.pillars.size(), full.pillars.size());
  for (size_t p = 0; p < full.pillars.size(); ++p) {
    ASSERT_EQ(fast.pillars[p].score, full.pillars[p].score) << p;
    ASSERT_EQ(fast.pillars[p].components.size(),
              full.pillars[p].components.size());
    for (size_t c = 0; c < full.pillars[p].components.size(); ++c) {
      const ComponentScore& a = fast.pillars[p].components[c];
      const ComponentScore& b = full.pillars[p].components[c];
      ASSERT_EQ(a.name, b.name);
      ASSERT_EQ(a.raw_value, b.raw_value) << b.name;
      ASSERT_EQ(a.points, b.points) << b.name;
    }
  }
}

// Moves a time to as_of, or sets it: what a counterfactual's message does.
void Touch(std::optional<absl::Time>& t, MemberGenerator& gen) {
  if (gen.Chance(0.3)) {
    t.reset();
  } else {
    t = AsOf();
  }
}

TEST(RescorerTest, VariantsScoreAsScoreDoes) {
  const ScoringModel model = DefaultModel();
  MemberGenerator gen(1130);
  int changed_items = 0;
  for (int i = 0; i < 300; ++i) {
    const testutil::TestMember m = gen.Next(AsOf());
    const Rescorer rescorer(model, AsOf(), m.activity);
    ExpectSameFigures(rescorer.Figures(m.profile, m.activity, {}),
                      Score(model, m.profile, m.activity, AsOf()));
    for (int v = 0; v < 5; ++v) {
      model::Profile profile = m.profile;
      model::MemberActivity variant = m.activity;
      Rescorer::Changes changes;
      if (gen.Chance(0.3)) profile.has_photo = !profile.has_photo;
      for (size_t t = 0; t < variant.threads.size(); ++t) {
        if (!gen.Chance(0.1)) continue;
        model::ThreadState& s = variant.threads[t];
        Touch(s.first_reply_time, gen);
        Touch(s.last_outbound_time, gen);
        s.follow_ups_before_reply += gen.Int(0, 1);
        changes.threads.push_back(t);
      }
      for (size_t c = 0; c < variant.contacts.size(); ++c) {
        if (!gen.Chance(0.1)) continue;
        model::ContactState& s = variant.contacts[c];
        Touch(s.last_inbound_time, gen);
        Touch(s.last_outbound_time, gen);
        Touch(s.connection_accepted_time, gen);
        changes.contacts.push_back(c);
      }
      changed_items +=
          static_cast<int>(changes.threads.size() + changes.contacts.size());
      for (int n = gen.Int(0, 3); n > 0; --n) {
        model::ThreadState t =
            testutil::SentThread("new-t" + std::to_string(n), AsOf());
        if (gen.Chance(0.5)) t.first_reply_time = t.first_inbound_time = AsOf();
        variant.threads.push_back(t);
        model::ContactState c;
        c.contact_id = "new-c" + std::to_string(n);
        c.seniority = static_cast<model::Seniority>(gen.Int(0, 5));
        c.last_outbound_time = AsOf();
        if (gen.Chance(0.5)) c.connection_requested_time = AsOf();
        variant.contacts.push_back(c);
      }
      const absl::CivilDay today = testutil::DayOf(AsOf());
      for (size_t b = 0; b < variant.daily.size(); ++b) {
        if (variant.daily[b].day != today) continue;
        variant.daily[b].count += gen.Int(0, 3);
        changes.buckets.push_back(b);
      }
      for (int n = gen.Int(0, 2); n > 0; --n) {
        variant.daily.push_back({today,
                                 static_cast<model::EventType>(gen.Int(1, 15)),
                                 model::Channel::kUnspecified,
                                 model::Seniority::kUnknown, gen.Int(1, 4)});
      }
      const ScoreResult full = Score(model, profile, variant, AsOf());
      ExpectSameFigures(rescorer.Figures(profile, variant, changes), full);
      ExpectSameFigures(rescorer.Figures(profile, variant), full);
    }
  }
  EXPECT_GT(changed_items, 1000);  // Not vacuous.
}

// A variant with fewer threads than the base (withdrawn ones) is scored in
// full, not from the base's terms.
TEST(RescorerTest, ShorterVariantsAreScoredInFull) {
  const ScoringModel model = DefaultModel();
  MemberGenerator gen(7);
  for (int i = 0; i < 50; ++i) {
    const testutil::TestMember m = gen.Next(AsOf());
    if (m.activity.threads.empty()) continue;
    model::MemberActivity variant = m.activity;
    variant.threads.erase(variant.threads.begin());
    const Rescorer rescorer(model, AsOf(), m.activity);
    ExpectSameFigures(rescorer.Figures(m.profile, variant, {}),
                      Score(model, m.profile, variant, AsOf()));
  }
}

}  // namespace
}  // namespace rapport::scoring
