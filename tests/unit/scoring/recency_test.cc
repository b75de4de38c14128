#include "server/scoring/recency.h"

#include <cmath>
#include <random>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace rapport::scoring::internal {
namespace {

// The age the contract defines: as_of's UTC day minus the event's.
int ExpectedAge(absl::Time t, absl::Time as_of, int window) {
  if (t > as_of) return -1;
  const auto age = absl::ToCivilDay(as_of, absl::UTCTimeZone()) -
                   absl::ToCivilDay(t, absl::UTCTimeZone());
  return age < window ? static_cast<int>(age) : -1;
}

TEST(RecencyTest, AgesAreWholeUtcDaysWithinTheWindow) {
  std::mt19937_64 rng(40);
  // Around 1969 too: day arithmetic must round toward the past.
  std::uniform_int_distribution<int64_t> seconds(-400LL * 86400, 2000000000LL);
  std::uniform_int_distribution<int64_t> back(-3 * 86400, 100 * 86400);
  for (int i = 0; i < 20000; ++i) {
    const absl::Time as_of = absl::FromUnixSeconds(seconds(rng));
    const Recency recency(90, 30, as_of);
    const absl::Time t = as_of - absl::Seconds(back(rng));
    ASSERT_EQ(recency.AgeOf(t), ExpectedAge(t, as_of, 90))
        << absl::FormatTime(t) << " as of " << absl::FormatTime(as_of);
    // A bucket's day is in the window exactly when its times are.
    if (t <= as_of) {
      ASSERT_EQ(recency.AgeOf(absl::ToCivilDay(t, absl::UTCTimeZone())),
                ExpectedAge(t, as_of, 90));
    }
  }
}

TEST(RecencyTest, WeightsHalveEachHalfLifeAndAverageToOne) {
  const Recency recency(90, 30, absl::FromUnixSeconds(1774969200));
  double sum = 0;
  for (int age = 0; age < 90; ++age) sum += recency.Weight(age);
  EXPECT_NEAR(sum / 90, 1, 1e-12);
  EXPECT_NEAR(recency.Weight(30) / recency.Weight(0), 0.5, 1e-12);
  EXPECT_EQ(recency.Weight(-1), 0);
  EXPECT_EQ(recency.CappedWeight(0), 1);
  EXPECT_LT(recency.CappedWeight(89), 1);
}

TEST(RecencyTest, InfiniteTimesAreOutside) {
  const Recency recency(90, 30, absl::FromUnixSeconds(1774969200));
  EXPECT_EQ(recency.AgeOf(absl::InfinitePast()), -1);
  EXPECT_EQ(recency.AgeOf(absl::InfiniteFuture()), -1);
  EXPECT_EQ(recency.AgeOf(std::nullopt), -1);
  const Recency never(90, 30, absl::InfiniteFuture());
  EXPECT_EQ(never.AgeOf(absl::FromUnixSeconds(0)), -1);
}

}  // namespace
}  // namespace rapport::scoring::internal
