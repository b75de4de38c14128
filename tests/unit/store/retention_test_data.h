// Retention test data shared by the Store conformance suite and the SQLite
// store's own retention test: an event mix, cut-offs of every kind, and a
// loop that steps retention until nothing older is left.
#ifndef RAPPORT_TESTS_UNIT_STORE_RETENTION_TEST_DATA_H_
#define RAPPORT_TESTS_UNIT_STORE_RETENTION_TEST_DATA_H_

#include <cstdint>
#include <random>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/event.h"
#include "server/store/store.h"
#include "tests/unit/store/removal_test_data.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store::testing {

inline constexpr char kTenant[] = "acme";
inline constexpr char kOtherTenant[] = "globex";

inline EventMix Mix() {
  EventMix mix;
  mix.members = {"m0", "m1", "m2"};
  mix.contacts = {"c0", "c1", "c2", "c3"};
  mix.start = At(0);
  mix.days = 6;
  return mix;
}

inline absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

struct RetentionRun {
  int64_t events = 0;
  int steps = 0;
  int steps_with_changes = 0;
};

// Steps until !more (at most `max_steps`), checking each step's bound.
inline RetentionRun RunRetention(Store& store, absl::Time cutoff,
                                 absl::CivilDay snapshot_cutoff, int max_events,
                                 int max_steps = 10000) {
  RetentionRun run;
  while (run.steps < max_steps) {
    auto step =
        store.ApplyRetention(kTenant, cutoff, snapshot_cutoff, max_events,
                             cutoff + absl::Hours(24 * 400));
    EXPECT_TRUE(step.ok()) << step.status();
    if (!step.ok()) break;
    ++run.steps;
    EXPECT_LE(step->events, max_events);
    EXPECT_LE(step->snapshots, max_events);
    run.events += step->events;
    if (step->events + step->daily_counts + step->snapshots > 0) {
      ++run.steps_with_changes;
    }
    if (!step->more) break;
  }
  return run;
}

// Cut-offs of every kind over the events: before and after all of them,
// midnights, mid-day instants, the exact times of some events and one
// microsecond after them.
inline std::vector<absl::Time> Cutoffs(std::mt19937& rng,
                                       const std::vector<model::Event>& events,
                                       const EventMix& mix) {
  std::vector<absl::Time> cutoffs = {
      mix.start - absl::Hours(1), mix.start,
      mix.start + absl::Hours(24 * mix.days + 1)};
  for (int day = 1; day < mix.days; ++day) {
    cutoffs.push_back(mix.start + absl::Hours(24 * day));
  }
  std::uniform_int_distribution<int> minute(0, mix.days * 1440);
  for (int i = 0; i < 6; ++i) {
    cutoffs.push_back(mix.start + absl::Minutes(minute(rng)) +
                      absl::Seconds(17));
  }
  std::uniform_int_distribution<size_t> pick(0, events.size() - 1);
  for (int i = 0; i < 6; ++i) {
    const absl::Time t = events[pick(rng)].occur_time;
    cutoffs.push_back(t);
    cutoffs.push_back(t + absl::Microseconds(1));
  }
  return cutoffs;
}

}  // namespace rapport::store::testing

#endif  // RAPPORT_TESTS_UNIT_STORE_RETENTION_TEST_DATA_H_
