// Team medians, percentiles and the privacy floor.
#include "server/outreach/compare.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

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

}  // namespace
}  // namespace rapport::outreach
