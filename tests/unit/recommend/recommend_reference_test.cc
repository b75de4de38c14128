// Recommend() against the straightforward computation of every gain: each
// outcome of each candidate applied to a fresh copy of the member's data
// and scored in full by scoring::Score(), the changes summed in the same
// order. The engine re-scores on one scratch copy and only what an action
// touches (scoring::Rescorer); the lists must be equal bit for bit, over
// seeded random members (sprayers, event contacts, core networks) and the
// demo-like variants the property tests use.
#include <cstddef>
#include <vector>

#include "gtest/gtest.h"
#include "server/recommend/action.h"
#include "server/recommend/candidates.h"
#include "server/recommend/outcomes.h"
#include "server/recommend/recommend.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/recommend/recommend_members.h"

namespace rapport::recommend {
namespace {

using testutil::AsOf;
using testutil::RecommendMemberGenerator;

// The expected gain and pillar of `r` the long way.
void ReferenceMeasure(const internal::Context& ctx, Recommendation& r) {
  const size_t pillars = ctx.now.pillars.size();
  std::vector<double> pillar_gain(pillars, 0.0);
  double gain = 0;
  for (const internal::WeightedOutcome& w : internal::Outcomes(r.action)) {
    model::Profile profile = ctx.profile;
    model::MemberActivity activity = ctx.activity;
    Apply(r.action, w.outcome, ctx.as_of, profile, activity);
    const scoring::ScoreResult after =
        scoring::Score(ctx.model, profile, activity, ctx.as_of);
    gain += w.probability * (after.total - ctx.now.total);
    for (size_t i = 0; i < pillars; ++i) {
      pillar_gain[i] +=
          w.probability * (after.pillars[i].score - ctx.now.pillars[i].score);
    }
  }
  r.expected_gain = gain;
  double best = 0;
  for (size_t i = 0; i < pillars; ++i) {
    if (pillar_gain[i] > best) {
      best = pillar_gain[i];
      r.pillar = ctx.now.pillars[i].pillar;
    }
  }
}

TEST(RecommendReferenceTest, EveryListEqualsTheStraightforwardComputation) {
  const scoring::ScoringModel model = scoring::DefaultModel();
  RecommendMemberGenerator gen(20261130);
  int recommendations = 0;
  int kinds_seen[kMaxKind + 1] = {};
  for (int i = 0; i < 400; ++i) {
    const auto m = gen.Next();
    RecommendOptions options;
    options.max_results = 100;
    if (i % 3 == 1) options.team_reply_rate = 0.12;
    if (i % 3 == 2) options.team_reply_rate = 0.02;
    const Recommendations fast =
        Recommend(model, m.profile, m.activity, AsOf(), options);
    const Recommendations reference = internal::RecommendWith(
        model, m.profile, m.activity, AsOf(), options, ReferenceMeasure);
    ASSERT_EQ(fast.recommendations.size(), reference.recommendations.size())
        << "member " << i;
    for (size_t k = 0; k < fast.recommendations.size(); ++k) {
      const Recommendation& a = fast.recommendations[k];
      const Recommendation& b = reference.recommendations[k];
      // Bit for bit, not within a tolerance.
      ASSERT_EQ(a.expected_gain, b.expected_gain)
          << "member " << i << ": " << b.title;
      ASSERT_EQ(a.pillar, b.pillar) << "member " << i << ": " << b.title;
      ++kinds_seen[static_cast<int>(a.kind)];
    }
    ASSERT_EQ(fast, reference) << "member " << i;
    recommendations += static_cast<int>(fast.recommendations.size());
  }
  EXPECT_GT(recommendations, 400);  // Not vacuous.
  // Profile-only, content, outreach, network and withdrawn-thread actions
  // all compared.
  for (Kind k : {Kind::kAddPhoto, Kind::kPublish, Kind::kShareAndComment,
                 Kind::kConnectDecisionMakers, Kind::kFollowUpThreads,
                 Kind::kFollowUpEventContacts, Kind::kSlowDownOutreach}) {
    EXPECT_GT(kinds_seen[static_cast<int>(k)], 0) << static_cast<int>(k);
  }
}

}  // namespace
}  // namespace rapport::recommend
