// The window and the recency weights of a score. Internal to scoring.
#ifndef RAPPORT_SERVER_SCORING_RECENCY_H_
#define RAPPORT_SERVER_SCORING_RECENCY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace rapport::scoring::internal {

// Ages are whole UTC days: as_of's day minus the event's day, so that a
// daily bucket and an event of the same day always weigh the same. The
// window is the ages [0, window_days); times after as_of are outside it.
class Recency {
 public:
  // window_days is clamped to [1, 3650]; a half_life_days that is not > 0
  // means no decay. An infinite as_of makes every age -1.
  Recency(int window_days, double half_life_days, absl::Time as_of);

  // The age of an event on `day` / at `t`, or -1 when outside the window.
  int AgeOf(absl::CivilDay day) const;
  int AgeOf(absl::Time t) const;
  // The age of an event on the day numbered `day_number` (DayNumberOf):
  // AgeOf(day) without the calendar arithmetic.
  int AgeOfDayNumber(int64_t day_number) const {
    if (!finite_) return -1;
    const int64_t age = as_of_day_number_ - day_number;
    return age >= 0 && age < window_days_ ? static_cast<int>(age) : -1;
  }
  int AgeOf(const std::optional<absl::Time>& t) const {
    return t.has_value() ? AgeOf(*t) : -1;
  }
  // True when `t` is set and not after as_of (whatever the window).
  bool AtOrBeforeAsOf(const std::optional<absl::Time>& t) const {
    return t.has_value() && *t <= as_of_;
  }

  // 0.5^(age / half_life) divided by its mean over the window, so that
  // activity spread evenly over the window sums to its plain count. 0 for an
  // age of -1.
  double Weight(int age) const { return age < 0 ? 0 : weights_[age]; }
  // Weight(age) capped at 1: a person or a thread counts at most once.
  double CappedWeight(int age) const {
    double w = Weight(age);
    return w < 1 ? w : 1;
  }

  int window_days() const { return window_days_; }

  // Days from 1970-01-01 to `day`.
  static int64_t DayNumberOf(absl::CivilDay day) {
    return day - absl::CivilDay(1970, 1, 1);
  }

 private:
  absl::Time as_of_;
  // Times before this are well before the window's first day.
  absl::Time well_before_ = absl::InfinitePast();
  bool finite_;
  absl::CivilDay as_of_day_;
  int64_t as_of_day_number_ = 0;  // Days since 1970-01-01.
  int window_days_;
  std::vector<double> weights_;  // By age.
};

}  // namespace rapport::scoring::internal

#endif  // RAPPORT_SERVER_SCORING_RECENCY_H_
