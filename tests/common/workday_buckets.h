// Daily buckets of an active rep for benchmarks: per working day of the 90
// days up to as_of, a few (Poisson, mean 2) of each kind of event, with
// outreach split over channels and seniorities as the store keys them.
#ifndef RAPPORT_TESTS_COMMON_WORKDAY_BUCKETS_H_
#define RAPPORT_TESTS_COMMON_WORKDAY_BUCKETS_H_

#include <random>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"

namespace rapport::testing {

inline void AddWorkdayBuckets(std::mt19937_64& rng, absl::Time as_of,
                              model::MemberActivity& a) {
  const absl::CivilDay today = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  std::poisson_distribution<int> few(2.0);
  for (int age = 0; age < 90; ++age) {
    const absl::CivilDay day = today - age;
    const absl::Weekday wd = absl::GetWeekday(day);
    if (wd == absl::Weekday::saturday || wd == absl::Weekday::sunday) continue;
    for (int type = 1; type <= model::kMaxEventType; ++type) {
      const auto event_type = static_cast<model::EventType>(type);
      const int n = few(rng);
      if (n == 0) continue;
      const int splits = model::NeedsChannel(event_type) ? 3 : 1;
      for (int s = 0; s < splits; ++s) {
        model::DailyCount d;
        d.day = day;
        d.type = event_type;
        d.channel = static_cast<model::Channel>(1 + s);
        d.seniority = static_cast<model::Seniority>(1 + (age + s) % 5);
        d.count = n;
        a.daily.push_back(d);
      }
    }
  }
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_WORKDAY_BUCKETS_H_
