#include "server/scoring/recency.h"

#include <cmath>
#include <random>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/scoring/event_totals.h"

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

TEST(RecencyTest, DayNumbersAgeLikeDays) {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> offset(-400, 400);
  const absl::Time as_of = absl::FromCivil(
      absl::CivilSecond(2026, 11, 30, 13, 5, 0), absl::UTCTimeZone());
  for (int shift = 0; shift < 40; ++shift) {
    const Recency r(90, 14, as_of + absl::Hours(24) * shift);
    for (int i = 0; i < 200; ++i) {
      const absl::CivilDay day = absl::CivilDay(2026, 11, 30) + offset(rng);
      EXPECT_EQ(r.AgeOfDayNumber(Recency::DayNumberOf(day)), r.AgeOf(day))
          << day << " shift " << shift;
    }
  }
}

TEST(EventTotalsTest, PreparedBucketsSumTheSameBitForBit) {
  std::mt19937_64 rng(6);
  std::uniform_int_distribution<int> type(-1, model::kMaxEventType + 1);
  std::uniform_int_distribution<int> age(-5, 120);
  std::uniform_int_distribution<int> count(-2, 40);
  const absl::Time as_of = absl::FromCivil(
      absl::CivilSecond(2026, 11, 30, 13, 5, 0), absl::UTCTimeZone());
  for (int member = 0; member < 100; ++member) {
    std::vector<model::DailyCount> daily(200);
    for (model::DailyCount& d : daily) {
      d.day = absl::CivilDay(2026, 11, 30) - age(rng);
      d.type = static_cast<model::EventType>(type(rng));
      d.count = count(rng);
    }
    const std::vector<DayCount> prepared = PrepareDaily(daily);
    for (int shift : {0, 1, 7, 30}) {
      const Recency r(90, 14, as_of + absl::Hours(24) * shift);
      const EventTotals plain(daily, r);
      const EventTotals fast(prepared, r);
      for (int t = 1; t <= model::kMaxEventType; ++t) {
        const auto et = static_cast<model::EventType>(t);
        EXPECT_EQ(fast.Count(et), plain.Count(et));
        EXPECT_EQ(fast.Weighted(et), plain.Weighted(et));
      }
    }
  }
}

}  // namespace
}  // namespace rapport::scoring::internal
