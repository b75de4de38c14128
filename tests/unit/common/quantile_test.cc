// The one quantile method: linear interpolation between closest ranks.
#include "server/common/quantile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace rapport {
namespace {

TEST(QuantileTest, MedianOfEvenCountIsTheMeanOfTheMiddleTwo) {
  const std::vector<absl::Duration> replies = {
      absl::Hours(2), absl::Hours(5), absl::Hours(26), absl::Hours(50)};
  EXPECT_EQ(*Quantile(replies, 0.5), absl::Minutes(15 * 60 + 30));
  EXPECT_DOUBLE_EQ(*Median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(*Median(std::vector<double>{3, 1, 2}), 2);
}

TEST(QuantileTest, InterpolatesBetweenRanks) {
  std::vector<double> v;
  for (int i = 1; i <= 10; ++i) v.push_back(i);
  EXPECT_DOUBLE_EQ(*Quantile(v, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(*Quantile(v, 0.9), 9.1);  // h = 8.1.
  EXPECT_DOUBLE_EQ(*Quantile(v, 0.0), 1);
  EXPECT_DOUBLE_EQ(*Quantile(v, 1.0), 10);
  EXPECT_DOUBLE_EQ(*Quantile(v, 7.0), 10);  // Clamped.
  EXPECT_DOUBLE_EQ(*Quantile(v, -1.0), 1);  // Clamped.
}

TEST(QuantileTest, EmptyAndSingle) {
  EXPECT_FALSE(Quantile(std::vector<double>{}, 0.5).has_value());
  EXPECT_FALSE(Quantile(std::vector<absl::Duration>{}, 0.9).has_value());
  EXPECT_FALSE(Median({}).has_value());
  EXPECT_EQ(*Quantile(std::vector<absl::Duration>{absl::Hours(7)}, 0.9),
            absl::Hours(7));
}

// For any sample: the quantile lies between the neighbouring order
// statistics, rises with q, and the duration and double versions agree.
TEST(QuantileTest, PropertiesOverRandomSamples) {
  std::mt19937_64 rng(20261129);
  for (int round = 0; round < 2000; ++round) {
    const int n = 1 + static_cast<int>(rng() % 40);
    std::vector<int64_t> seconds(n);
    for (int64_t& s : seconds) s = static_cast<int64_t>(rng() % 400000);
    std::sort(seconds.begin(), seconds.end());
    std::vector<double> values(seconds.begin(), seconds.end());
    std::vector<absl::Duration> durations;
    for (int64_t s : seconds) durations.push_back(absl::Seconds(s));
    double previous = values.front();
    for (double q = 0; q <= 1.0001; q += 0.05) {
      const double x = *Quantile(values, q);
      const double h = (n - 1) * std::min(q, 1.0);
      const size_t lo = static_cast<size_t>(h);
      EXPECT_GE(x, values[lo]);
      EXPECT_LE(x, values[std::min(lo + 1, values.size() - 1)]);
      EXPECT_GE(x, previous);
      previous = x;
      EXPECT_NEAR(absl::ToDoubleSeconds(*Quantile(durations, q)), x, 1e-6);
    }
    std::vector<double> shuffled = values;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    EXPECT_DOUBLE_EQ(*Median(shuffled), *Quantile(values, 0.5));
  }
}

}  // namespace
}  // namespace rapport
