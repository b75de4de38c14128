#include "server/scoring/saturate.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace rapport::scoring {
namespace {

TEST(SaturateTest, StartsAtZeroAndCapsAtOne) {
  for (double c : {0.01, 0.5, 2.0, 10.0, 50.0}) {
    EXPECT_EQ(Saturate(0, c), 0) << c;
    EXPECT_EQ(Saturate(-3, c), 0) << c;
    EXPECT_EQ(Saturate(1, c), 1) << c;
    EXPECT_EQ(Saturate(2, c), 1) << c;
    EXPECT_EQ(Saturate(1e300, c), 1) << c;
    EXPECT_EQ(Saturate(std::numeric_limits<double>::infinity(), c), 1) << c;
    EXPECT_EQ(Saturate(std::nan(""), c), 0) << c;
  }
}

TEST(SaturateTest, MatchesTheFormula) {
  EXPECT_NEAR(Saturate(0.5, 2), (1 - std::exp(-1.0)) / (1 - std::exp(-2.0)),
              1e-15);
  EXPECT_NEAR(Saturate(0.25, 3), (1 - std::exp(-0.75)) / (1 - std::exp(-3.0)),
              1e-15);
}

TEST(SaturateTest, IsNonDecreasingAndConcave) {
  for (double c : {0.01, 0.5, 2.0, 10.0, 50.0}) {
    double prev = 0;
    double prev_step = 1;
    for (int i = 1; i <= 1000; ++i) {
      const double v = Saturate(i / 1000.0, c);
      EXPECT_GE(v, prev) << c << " at " << i;
      // Each step earns no more than the one before (diminishing returns).
      EXPECT_LE(v - prev, prev_step + 1e-12) << c << " at " << i;
      prev_step = v - prev;
      prev = v;
    }
  }
}

TEST(SaturateTest, SmallCurvatureIsAlmostLinear) {
  EXPECT_NEAR(Saturate(0.3, 1e-6), 0.3, 1e-6);
}

}  // namespace
}  // namespace rapport::scoring
