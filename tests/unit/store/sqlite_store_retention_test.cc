// ApplyRetention in the SQLite store's file: stepping until nothing is
// older than the cut-off leaves the same rows as a fresh store fed only the
// events at or after the cut-off, whatever the cut-off. The Store contract
// of retention is tested for every store by conformance/retention_test.cc.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/removal_test_util.h"
#include "tests/unit/store/retention_test_data.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using testing::At;
using testing::DescribeMembers;
using testing::DumpAggregates;
using testing::EventMix;
using testing::Feed;
using testing::OpenStore;
using testing::RandomEvents;
using testing::TempDir;

using testing::Cutoffs;
using testing::DayOf;
using testing::kOtherTenant;
using testing::kTenant;
using testing::Mix;
using testing::RetentionRun;
using testing::RunRetention;

TEST(ApplyRetentionTest, EqualsAStoreFedOnlyTheEventsAtOrAfterTheCutoff) {
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
    TempDir dir;
    const std::string path = dir.File("retained.db");
    const std::string fresh_path = dir.File("fresh.db");
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    std::unique_ptr<SqliteStore> fresh = OpenStore(fresh_path);
    ASSERT_NE(store, nullptr);
    ASSERT_NE(fresh, nullptr);
    Feed(*store, kTenant, mix.members, events);
    Feed(*store, kOtherTenant, mix.members, other);
    std::vector<model::Event> kept;
    std::copy_if(events.begin(), events.end(), std::back_inserter(kept),
                 [&](const model::Event& e) { return e.occur_time >= cutoff; });
    Feed(*fresh, kTenant, mix.members, kept);
    const std::string other_before = DumpAggregates(path, kOtherTenant);

    const int max_events = 13;
    const RetentionRun run =
        RunRetention(*store, cutoff, DayOf(cutoff), max_events);
    EXPECT_EQ(run.events, static_cast<int64_t>(events.size() - kept.size()));
    // Bounded: no more steps than needed for the events, plus the last.
    EXPECT_LE(run.steps, run.events / max_events + 1);

    EXPECT_EQ(DumpAggregates(path, kTenant),
              DumpAggregates(fresh_path, kTenant));
    EXPECT_EQ(DumpAggregates(path, kOtherTenant), other_before);
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

}  // namespace
}  // namespace rapport::store
