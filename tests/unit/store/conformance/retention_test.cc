// ApplyRetention: stepping until nothing is older than the cut-off leaves a
// store equal to a fresh one fed only the events at or after the cut-off,
// whatever the cut-off (mid-day, at an event's exact time, at midnight), in
// bounded steps; snapshots before snapshot_cutoff go too.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/removal_test_data.h"
#include "tests/unit/store/retention_test_data.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using testing::At;
using testing::DescribeMembers;
using testing::EventMix;
using testing::Feed;
using testing::RandomEvents;

using testing::Cutoffs;
using testing::DayOf;
using testing::kOtherTenant;
using testing::kTenant;
using testing::Mix;
using testing::RetentionRun;
using testing::RunRetention;

class ApplyRetentionTest : public testing::StoreConformanceTest {};

TEST_P(ApplyRetentionTest, EqualsAStoreFedOnlyTheEventsAtOrAfterTheCutoff) {
  const EventMix mix = Mix();
  std::mt19937 rng(20240301);
  const std::vector<model::Event> events = RandomEvents(rng, 160, mix);
  // Another tenant's events, all old: retention of kTenant leaves them.
  EventMix other_mix = mix;
  other_mix.id_prefix = "o";
  const std::vector<model::Event> other = RandomEvents(rng, 40, other_mix);
  const absl::Time to = mix.start + absl::Hours(24 * (mix.days + 1));
  for (const absl::Time cutoff : Cutoffs(rng, events, mix)) {
    SCOPED_TRACE(absl::StrCat("cutoff ", absl::FormatTime(cutoff)));
    std::unique_ptr<Store> store = NewStore();
    std::unique_ptr<Store> fresh = NewStore();
    ASSERT_NE(store, nullptr);
    ASSERT_NE(fresh, nullptr);
    Feed(*store, kTenant, mix.members, events);
    Feed(*store, kOtherTenant, mix.members, other);
    std::vector<model::Event> kept;
    std::copy_if(events.begin(), events.end(), std::back_inserter(kept),
                 [&](const model::Event& e) { return e.occur_time >= cutoff; });
    Feed(*fresh, kTenant, mix.members, kept);
    const std::string other_before =
        DescribeMembers(*store, kOtherTenant, mix.members, mix.start, to);

    const int max_events = 13;
    const RetentionRun run =
        RunRetention(*store, cutoff, DayOf(cutoff), max_events);
    EXPECT_EQ(run.events, static_cast<int64_t>(events.size() - kept.size()));
    // Bounded: no more steps than needed for the events, plus the last.
    EXPECT_LE(run.steps, run.events / max_events + 1);

    EXPECT_EQ(DescribeMembers(*store, kOtherTenant, mix.members, mix.start, to),
              other_before);
    EXPECT_EQ(DescribeMembers(*store, kTenant, mix.members, mix.start, to),
              DescribeMembers(*fresh, kTenant, mix.members, mix.start, to));

    // One audit entry per step that removed anything.
    AuditQuery query;
    query.principal = "rapportd";
    query.page_size = 10000;
    auto audit = store->ListAudit(kTenant, query);
    ASSERT_TRUE(audit.ok()) << audit.status();
    EXPECT_EQ(static_cast<int>(audit->entries.size()), run.steps_with_changes);
    for (const AuditEntry& entry : audit->entries) {
      EXPECT_EQ(entry.role, "system");
      EXPECT_EQ(entry.method, "retention");
      EXPECT_EQ(entry.target, "");
    }
    // A second run finds nothing.
    auto again = store->ApplyRetention(kTenant, cutoff, DayOf(cutoff), 5,
                                       cutoff + absl::Hours(24 * 400));
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->events, 0);
    EXPECT_EQ(again->daily_counts, 0);
    EXPECT_FALSE(again->more);
  }
}

TEST_P(ApplyRetentionTest, LeavesHistoryWorkAlone) {
  const EventMix mix = Mix();
  std::mt19937 rng(7);
  const std::vector<model::Event> events = RandomEvents(rng, 60, mix);
  Store* store = store_.get();
  Feed(*store, kTenant, mix.members, events);
  auto work = store->ListHistoryWork(kTenant, 100);
  ASSERT_TRUE(work.ok());
  for (const HistoryWork& w : *work) {
    ASSERT_TRUE(store->CompleteHistoryWork(kTenant, w).ok());
  }
  const absl::Time cutoff = mix.start + absl::Hours(60);
  RunRetention(*store, cutoff, DayOf(cutoff), 10);
  auto after = store->ListHistoryWork(kTenant, 100);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_P(ApplyRetentionTest, DropsSnapshotsBeforeTheSnapshotCutoffInSteps) {
  Store* store = store_.get();
  const std::vector<std::string> members = {"m0", "m1", "m2"};
  Feed(*store, kTenant, members, {});
  const absl::CivilDay first(2024, 3, 1);
  std::vector<model::ScoreSnapshot> snapshots;
  for (const std::string& m : members) {
    for (int d = 0; d < 20; ++d) {
      snapshots.push_back(
          {m, first + d, 10.0 + d, {1, 2, 3, 4}, "v1", std::nullopt});
    }
  }
  ASSERT_TRUE(store->WriteScoreSnapshots(kTenant, snapshots).ok());
  for (int keep_from : {0, 1, 7, 19, 20, 25}) {
    SCOPED_TRACE(absl::StrCat("keep_from ", keep_from));
    const absl::CivilDay cutoff_day = first + keep_from;
    while (true) {
      auto step = store->ApplyRetention(
          kTenant, absl::FromCivil(first, absl::UTCTimeZone()), cutoff_day, 4,
          absl::FromCivil(first + 400, absl::UTCTimeZone()));
      ASSERT_TRUE(step.ok()) << step.status();
      EXPECT_LE(step->snapshots, 4);
      if (!step->more) break;
    }
    for (const std::string& m : members) {
      auto history = store->ReadScoreHistory(kTenant, m, first, first + 30);
      ASSERT_TRUE(history.ok());
      std::vector<model::ScoreSnapshot> expected;
      for (const model::ScoreSnapshot& s : snapshots) {
        if (s.member_id == m && s.day >= cutoff_day) expected.push_back(s);
      }
      EXPECT_EQ(*history, expected);
    }
  }
}

TEST_P(ApplyRetentionTest, RejectsANonPositiveStep) {
  Store* store = store_.get();
  EXPECT_EQ(
      store
          ->ApplyRetention(kTenant, At(0), absl::CivilDay(2024, 3, 1), 0, At(0))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

RAPPORT_STORE_CONFORMANCE(ApplyRetentionTest);

}  // namespace
}  // namespace rapport::store
