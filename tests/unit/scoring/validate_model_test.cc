#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "server/scoring/model.h"

namespace rapport::scoring {
namespace {

TEST(ValidateModelTest, TheDefaultModelIsValid) {
  EXPECT_TRUE(ValidateModel(DefaultModel()).ok());
}

TEST(ValidateModelTest, EveryComponentOfTheDefaultIsBelowAPillar) {
  const ScoringModel m = DefaultModel();
  EXPECT_LT(m.professional_brand.posts_published.max_points, 25);
  EXPECT_EQ(m.version, "ssi-2026.1");
  EXPECT_EQ(m.window_days, 90);
}

struct BadCase {
  std::function<void(ScoringModel&)> mutate;
  std::string message;  // The whole expected message.
};

TEST(ValidateModelTest, RejectsEachKindOfBadConfigNamingTheField) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<BadCase> cases = {
      {[](ScoringModel& m) { m.version.clear(); },
       "version: must not be empty"},
      {[](ScoringModel& m) { m.window_days = 0; },
       "window_days: must be in [1, 3650] (got 0)"},
      {[](ScoringModel& m) { m.window_days = 5000; },
       "window_days: must be in [1, 3650] (got 5000)"},
      {[](ScoringModel& m) { m.half_life_days = 0; },
       "half_life_days: must be > 0 (got 0)"},
      {[&](ScoringModel& m) { m.half_life_days = nan; },
       "half_life_days: must be > 0 (got nan)"},
      {[](ScoringModel& m) { m.curvature = -1; },
       "curvature: must be in (0, 50] (got -1)"},
      {[](ScoringModel& m) { m.find_right_people.acceptance_rate.target = 0; },
       "find_right_people.acceptance_rate.target: must be > 0 (got 0)"},
      {[](ScoringModel& m) {
         m.find_right_people.acceptance_rate.target = 1.5;
       },
       "find_right_people.acceptance_rate.target: must be <= 1 for a rate "
       "(got 1.5)"},
      {[](ScoringModel& m) { m.build_relationships.reply_rate.prior_rate = 2; },
       "build_relationships.reply_rate.prior_rate: must be in [0, 1] (got 2)"},
      {[](ScoringModel& m) {
         m.build_relationships.reciprocity.prior_samples = -1;
       },
       "build_relationships.reciprocity.prior_samples: must be >= 0 (got -1)"},
      {[&](ScoringModel& m) {
         m.professional_brand.posts_published.target = inf;
       },
       "professional_brand.posts_published.target: must be > 0 (got inf)"},
      {[](ScoringModel& m) {
         m.professional_brand.profile_photo.max_points = -2;
       },
       "professional_brand.profile_photo.max_points: must be in [0, 25) "
       "(got -2)"},
      {[](ScoringModel& m) {
         m.engage_with_insights.content_shared.max_points = 25;
       },
       "engage_with_insights.content_shared.max_points: must be in [0, 25) "
       "(got 25)"},
      {[](ScoringModel& m) {
         m.find_right_people.decision_maker_reach.weights.vp = -0.5;
       },
       "find_right_people.decision_maker_reach.weights.vp: must be >= 0 "
       "(got -0.5)"},
      {[](ScoringModel& m) {
         m.engage_with_insights.group_activity.weights = {};
       },
       "engage_with_insights.group_activity.weights: at least one weight "
       "must be > 0 (got 0)"},
      {[](ScoringModel& m) {
         m.professional_brand.engagement_received.weights.share = -1;
       },
       "professional_brand.engagement_received.weights.share: must be >= 0 "
       "(got -1)"},
      {[](ScoringModel& m) {
         m.find_right_people.prospecting.weights.lead_saved = -1;
       },
       "find_right_people.prospecting.weights.lead_saved: must be >= 0 "
       "(got -1)"},
      {[](ScoringModel& m) { m.professional_brand.education.max_points += 1; },
       "professional_brand: the max_points of its components sum to 26, "
       "must be 25"},
      {[](ScoringModel& m) {
         m.build_relationships.follow_ups_answered.max_points -= 0.5;
       },
       "build_relationships: the max_points of its components sum to 24.5, "
       "must be 25"},
  };
  for (const BadCase& c : cases) {
    ScoringModel m = DefaultModel();
    c.mutate(m);
    const absl::Status s = ValidateModel(m);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.message(), c.message);
  }
}

// Moving points between components keeps a model valid.
TEST(ValidateModelTest, AcceptsPointsMovedBetweenComponents) {
  ScoringModel m = DefaultModel();
  m.build_relationships.reply_rate.max_points += 1;
  m.build_relationships.two_way_relationships.max_points -= 1;
  m.professional_brand.profile_photo.max_points = 0;
  m.professional_brand.posts_published.max_points += 2;
  EXPECT_TRUE(ValidateModel(m).ok());
}

}  // namespace
}  // namespace rapport::scoring
