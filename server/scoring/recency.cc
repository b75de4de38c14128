#include "server/scoring/recency.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace rapport::scoring::internal {
namespace {

constexpr int kMaxWindowDays = 3650;
constexpr int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 UTC, rounding toward the past.
int64_t DayNumber(absl::Time t) {
  const int64_t s = absl::ToUnixSeconds(t);  // Rounds toward the past.
  return s >= 0 ? s / kSecondsPerDay : -((-s - 1) / kSecondsPerDay) - 1;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil): the difference of civil days without cctz's
// normalisation, which dominated the cost of summing daily buckets.
int64_t DayNumberOfDate(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year =
      (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

}  // namespace

Recency::Recency(int window_days, double half_life_days, absl::Time as_of)
    : as_of_(as_of),
      finite_(as_of != absl::InfiniteFuture() && as_of != absl::InfinitePast()),
      window_days_(std::clamp(window_days, 1, kMaxWindowDays)) {
  if (finite_) {
    as_of_day_ = absl::ToCivilDay(as_of, absl::UTCTimeZone());
    as_of_day_number_ = DayNumber(as_of);
    well_before_ = as_of - absl::Hours(24 * (window_days_ + 1));
  }
  weights_.resize(window_days_);
  double sum = 0;
  for (int age = 0; age < window_days_; ++age) {
    weights_[age] = half_life_days > 0 ? std::exp2(-age / half_life_days) : 1.0;
    sum += weights_[age];
  }
  const double mean = sum / window_days_;
  for (double& w : weights_) w /= mean;
}

int Recency::AgeOf(absl::CivilDay day) const {
  if (!finite_ || day > as_of_day_) return -1;
  // Far older than any window (<= 3650 days): no day arithmetic on years
  // that might overflow it.
  if (day.year() < as_of_day_.year() - 11) return -1;
  const int64_t age =
      as_of_day_number_ - DayNumberOfDate(day.year(), day.month(), day.day());
  return age < window_days_ ? static_cast<int>(age) : -1;
}

int Recency::AgeOf(absl::Time t) const {
  if (!finite_ || t > as_of_) return -1;
  // Well before the first day of the window (also catches InfinitePast).
  if (t < well_before_) return -1;
  // UTC days by arithmetic: a time zone lookup per time would dominate
  // the cost of a score.
  const int64_t age = as_of_day_number_ - DayNumber(t);
  return age < window_days_ ? static_cast<int>(age) : -1;
}

}  // namespace rapport::scoring::internal
