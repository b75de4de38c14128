// Explanations rendered from kept facts (ScoreFigures + Explain) equal,
// byte for byte, those the reference code wrote as each component was
// computed; Score() equals the reference whole.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/explain_reference.h"
#include "tests/unit/scoring/score_test_util.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using testutil::AsOf;
using testutil::kMembers;
using testutil::MemberGenerator;
using testutil::TestMember;

// The default model and variations of it whose texts differ: another
// window ("the last day" included), targets, curvature and rate priors.
std::vector<ScoringModel> Models() {
  std::vector<ScoringModel> models = {DefaultModel()};
  ScoringModel short_window = DefaultModel();
  short_window.window_days = 1;
  short_window.half_life_days = 0;
  models.push_back(short_window);
  ScoringModel other = DefaultModel();
  other.window_days = 30;
  other.curvature = 2.5;
  other.professional_brand.recommendations.target = 7;
  other.professional_brand.profile_photo.max_points = 3;
  other.build_relationships.reply_rate.prior_samples = 40;
  other.find_right_people.acceptance_rate.target = 0.35;
  models.push_back(other);
  return models;
}

std::string Describe(const ScoreResult& r) {
  std::string out;
  for (const PillarScore& p : r.pillars) {
    for (const ComponentScore& c : p.components) {
      absl::StrAppend(&out, c.name, ": ", c.explanation, "\n");
    }
  }
  return out;
}

TEST(ExplainTest, ScoreEqualsTheReferenceWithEveryExplanation) {
  int compared = 0;
  for (const ScoringModel& model : Models()) {
    MemberGenerator gen(7 + compared);
    for (int i = 0; i < kMembers; ++i) {
      const absl::Time as_of = AsOf() - absl::Hours(gen.Int(0, 24 * 40));
      const TestMember m = gen.Next(as_of, gen.Int(1, 120));
      const ScoreResult expected =
          reference::Score(model, m.profile, m.activity, as_of);
      const ScoreResult actual = Score(model, m.profile, m.activity, as_of);
      ASSERT_EQ(actual, expected) << "member " << i << "\n"
                                  << Describe(actual) << "---\n"
                                  << Describe(expected);
      ++compared;
    }
  }
  EXPECT_EQ(compared, 3 * kMembers);
}

TEST(ExplainTest, FiguresThenExplainEqualTheReference) {
  for (const ScoringModel& model : Models()) {
    MemberGenerator gen(99);
    for (int i = 0; i < kMembers; ++i) {
      const absl::Time as_of = AsOf() - absl::Hours(gen.Int(0, 24 * 40));
      const TestMember m = gen.Next(as_of, gen.Int(1, 120));
      ScoreFacts facts;
      ScoreResult figures =
          ScoreFigures(model, m.profile, m.activity, as_of, &facts);
      const ScoreResult expected =
          reference::Score(model, m.profile, m.activity, as_of);
      ASSERT_EQ(figures.pillars.size(), expected.pillars.size());
      for (size_t p = 0; p < figures.pillars.size(); ++p) {
        ASSERT_EQ(figures.pillars[p].components.size(),
                  expected.pillars[p].components.size());
        for (size_t c = 0; c < figures.pillars[p].components.size(); ++c) {
          ComponentScore without = expected.pillars[p].components[c];
          without.explanation.clear();
          // The figures hold no text, and nothing else differs.
          EXPECT_EQ(figures.pillars[p].components[c], without);
        }
      }
      EXPECT_EQ(figures.total, expected.total);
      Explain(model, m.profile, facts, figures);
      ASSERT_EQ(figures, expected) << "member " << i << "\n"
                                   << Describe(figures) << "---\n"
                                   << Describe(expected);
    }
  }
}

// Every component is explained: none is left with the empty text.
TEST(ExplainTest, EveryComponentGetsAnExplanation) {
  MemberGenerator gen(3);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const ScoreResult r = Score(DefaultModel(), m.profile, m.activity, AsOf());
    for (const PillarScore& p : r.pillars) {
      for (const ComponentScore& c : p.components) {
        EXPECT_FALSE(c.explanation.empty()) << c.name;
      }
    }
  }
}

}  // namespace
}  // namespace rapport::scoring
