// Team medians, percentiles and the privacy floor.
#include "server/outreach/compare.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "server/outreach/quantile.h"

namespace rapport::outreach {
namespace {

TEST(MedianTest, OddEvenAndEmpty) {
  EXPECT_FALSE(Median({}).has_value());
  EXPECT_DOUBLE_EQ(*Median(std::vector<double>{3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(*Median(std::vector<double>{4, 1, 3, 2}), 2.5);
}

TEST(NearestRankTest, Quantiles) {
  std::vector<absl::Duration> d;
  for (int i = 1; i <= 10; ++i) d.push_back(absl::Hours(i));
  EXPECT_EQ(*NearestRank(d, 0.5), absl::Hours(5));
  EXPECT_EQ(*NearestRank(d, 0.9), absl::Hours(9));
  EXPECT_EQ(*NearestRank(d, 1.0), absl::Hours(10));
  EXPECT_EQ(*NearestRank({absl::Hours(7)}, 0.9), absl::Hours(7));
  EXPECT_FALSE(NearestRank({}, 0.5).has_value());
}

TEST(CompareTest, MedianAndMidRankPercentile) {
  const std::vector<std::optional<double>> team = {0.1, 0.2,          0.3,
                                                   0.4, std::nullopt, 0.5};
  const TeamComparison c = Compare(0.4, team, 5);
  EXPECT_FALSE(c.withheld);
  EXPECT_DOUBLE_EQ(*c.team_median_reply_rate, 0.3);
  // Three below, one equal (half): 3.5 of 5.
  EXPECT_DOUBLE_EQ(*c.reply_rate_percentile, 70);
}

TEST(CompareTest, ExtremesAndTies) {
  const std::vector<std::optional<double>> team = {0.2, 0.2, 0.2, 0.2};
  EXPECT_DOUBLE_EQ(*Compare(0.2, team, 1).reply_rate_percentile, 50);
  EXPECT_DOUBLE_EQ(*Compare(0.0, team, 1).reply_rate_percentile, 0);
  EXPECT_DOUBLE_EQ(*Compare(0.9, team, 1).reply_rate_percentile, 100);
}

TEST(CompareTest, WithheldBelowMinGroupSizeCountingPresentRatesOnly) {
  const std::vector<std::optional<double>> team = {0.1, std::nullopt, 0.3,
                                                   std::nullopt};
  const TeamComparison c = Compare(0.3, team, 3);
  EXPECT_TRUE(c.withheld);
  EXPECT_FALSE(c.team_median_reply_rate.has_value());
  EXPECT_FALSE(c.reply_rate_percentile.has_value());
  EXPECT_EQ(c.withheld_reason,
            "Only 2 team members have a reply rate; at least 3 are needed "
            "for a comparison");
  EXPECT_FALSE(Compare(0.3, team, 2).withheld);
}

TEST(CompareTest, EmptyTeamIsWithheldEvenWithMinZero) {
  EXPECT_TRUE(Compare(0.5, {}, 0).withheld);
}

}  // namespace
}  // namespace rapport::outreach
