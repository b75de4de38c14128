// Team medians, percentiles and the privacy floor.
#include "server/outreach/compare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <vector>

#include "server/common/quantile.h"

namespace rapport::outreach {
namespace {

// Counts whose reply rate is `rate` (tenths), or no thread started.
ReplyCounts Rate(std::optional<int> tenths) {
  if (!tenths) return {};
  return {.threads_started = 10, .threads_answered = *tenths};
}

TEST(CompareTest, MedianAndMidRankPercentile) {
  const std::vector<ReplyCounts> team = {Rate(1), Rate(2),  Rate(3),
                                         Rate(4), Rate({}), Rate(5)};
  const TeamComparison c = Compare(0.4, team, 5);
  EXPECT_FALSE(c.withheld);
  EXPECT_DOUBLE_EQ(*c.team_median_reply_rate, 0.3);
  EXPECT_DOUBLE_EQ(*c.team_pooled_reply_rate, 15.0 / 50.0);
  // Three below, one equal (half): 3.5 of 5.
  EXPECT_DOUBLE_EQ(*c.reply_rate_percentile, 70);
}

TEST(CompareTest, ExtremesAndTies) {
  const std::vector<ReplyCounts> team = {Rate(2), Rate(2), Rate(2), Rate(2)};
  EXPECT_DOUBLE_EQ(*Compare(0.2, team, 1).reply_rate_percentile, 50);
  EXPECT_DOUBLE_EQ(*Compare(0.0, team, 1).reply_rate_percentile, 0);
  EXPECT_DOUBLE_EQ(*Compare(0.9, team, 1).reply_rate_percentile, 100);
}

TEST(CompareTest, WithheldBelowMinGroupSizeCountingPresentRatesOnly) {
  const std::vector<ReplyCounts> team = {Rate(1), Rate({}), Rate(3), Rate({})};
  const TeamComparison c = Compare(0.3, team, 3);
  EXPECT_TRUE(c.withheld);
  EXPECT_FALSE(c.team_median_reply_rate.has_value());
  EXPECT_FALSE(c.team_pooled_reply_rate.has_value());
  EXPECT_FALSE(c.reply_rate_percentile.has_value());
  EXPECT_EQ(c.withheld_reason,
            "Only 2 team members have a reply rate; at least 3 are needed "
            "for a comparison");
  EXPECT_FALSE(Compare(0.3, team, 2).withheld);
}

// Pooled is answered over started of the whole team, not a mean of rates;
// members under the rate sample count in the pool but not in the median.
TEST(CompareTest, PooledCountsEveryThreadMedianOnlyRatedMembers) {
  const std::vector<ReplyCounts> team = {
      {.threads_started = 100, .threads_answered = 10},
      {.threads_started = 4, .threads_answered = 4},
      {.threads_started = 10, .threads_answered = 5},
      {.threads_started = 20, .threads_answered = 2}};
  const TeamComparison c = Compare(0.5, team, 3, /*min_rate_sample=*/5);
  EXPECT_DOUBLE_EQ(*c.team_pooled_reply_rate, 21.0 / 134.0);
  EXPECT_DOUBLE_EQ(*c.team_median_reply_rate, 0.1);  // Of 0.1, 0.5, 0.1.
}

TEST(CompareTest, EmptyTeamIsWithheldEvenWithMinZero) {
  EXPECT_TRUE(Compare(0.5, {}, 0).withheld);
}

// Generated teams (sizes 0 to 60, small samples so that rates repeat and
// some are absent below min_rate_sample), members' rates among the team's
// and between them: Compare() equals the definition read straight off the
// team (a walk counting rates below whole and equal half, the median of
// the present rates), bit for bit.
TEST(CompareTest, EqualsTheDefinitionOverGeneratedTeams) {
  std::mt19937 rng(20261201);
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (int round = 0; round < 2000; ++round) {
    std::vector<ReplyCounts> team(static_cast<size_t>(uniform(0, 60)));
    for (ReplyCounts& m : team) {
      m.threads_started = uniform(0, 6);
      m.threads_answered = uniform(0, static_cast<int>(m.threads_started));
    }
    const int min_group_size = uniform(0, 8);
    const int min_rate_sample = uniform(1, 3);
    std::vector<double> rates;
    ReplyCounts pooled;
    for (const ReplyCounts& m : team) {
      if (auto r = m.reply_rate(min_rate_sample)) rates.push_back(*r);
      pooled += m;
    }
    std::vector<double> candidates = rates;
    candidates.push_back(uniform(0, 100) / 100.0);
    for (double member_rate : candidates) {
      const TeamComparison c =
          Compare(member_rate, team, min_group_size, min_rate_sample);
      ASSERT_EQ(c.withheld, rates.size() < static_cast<size_t>(
                                               std::max(min_group_size, 1)));
      if (c.withheld) continue;
      double below = 0;
      for (double r : rates)
        below += r < member_rate ? 1 : r == member_rate ? 0.5 : 0;
      ASSERT_EQ(c.reply_rate_percentile,
                100 * below / static_cast<double>(rates.size()));
      ASSERT_EQ(c.team_median_reply_rate, Median(rates));
      ASSERT_EQ(c.team_pooled_reply_rate, pooled.reply_rate());
    }
  }
}

}  // namespace
}  // namespace rapport::outreach
