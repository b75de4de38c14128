// RetentionTask: a pass leaves each tenant as a fresh store fed only the
// events of the days kept, in steps through the writer executor, also while
// ingest runs; it tells the score cache when it removed anything.
#include "server/engine/retention.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/common/serial_executor.h"
#include "server/store/member_change_listener.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/removal_test_util.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::engine {
namespace {

using store::testing::DumpAggregates;
using store::testing::EventMix;
using store::testing::Feed;
using store::testing::OpenStore;
using store::testing::RandomEvents;
using store::testing::TempDir;

constexpr char kTenant[] = "acme";
constexpr char kOtherTenant[] = "globex";

// 2024-06-15 10:00 UTC.
absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2024, 6, 15, 10, 0, 0),
                         absl::UTCTimeZone());
}

EventMix Mix(const std::string& prefix) {
  EventMix mix;
  mix.members = {"m0", "m1", "m2"};
  mix.contacts = {"c0", "c1", "c2", "c3"};
  // June 5 .. June 15 (10:00): across the cut-off of every test below.
  mix.start = absl::FromCivil(absl::CivilDay(2024, 6, 5), absl::UTCTimeZone());
  mix.days = 10;
  mix.id_prefix = prefix;
  return mix;
}

std::vector<model::Event> Kept(const std::vector<model::Event>& events,
                               absl::Time cutoff) {
  std::vector<model::Event> kept;
  std::copy_if(events.begin(), events.end(), std::back_inserter(kept),
               [&](const model::Event& e) { return e.occur_time >= cutoff; });
  return kept;
}

class RecordingListener final : public store::MemberChangeListener {
 public:
  void OnMembersChanged(const store::TenantId& tenant,
                        const std::vector<std::string>& member_ids) override {
    absl::MutexLock lock(&mu_);
    changed_[tenant].insert(member_ids.begin(), member_ids.end());
  }
  std::map<store::TenantId, std::set<std::string>> changed() const {
    absl::MutexLock lock(&mu_);
    return changed_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<store::TenantId, std::set<std::string>> changed_
      ABSL_GUARDED_BY(mu_);
};

TEST(RetentionFirstDayTest, CountsWholeDaysBeforeToday) {
  EXPECT_EQ(RetentionFirstDay(Now(), 3), absl::CivilDay(2024, 6, 12));
  EXPECT_EQ(RetentionFirstDay(Now(), 0), absl::CivilDay(2024, 6, 15));
}

TEST(RetentionTaskTest, APassKeepsExactlyTheDaysOfTheRetentionPeriod) {
  for (int days : {1, 3, 6, 12}) {
    SCOPED_TRACE(absl::StrCat("retention_days ", days));
    std::mt19937 rng(days);
    const EventMix mix = Mix("e");
    const std::vector<model::Event> events = RandomEvents(rng, 200, mix);
    const absl::Time cutoff = absl::FromCivil(
        absl::CivilDay(2024, 6, 15) - days, absl::UTCTimeZone());
    TempDir dir;
    const std::string path = dir.File("store.db");
    const std::string fresh_path = dir.File("fresh.db");
    std::unique_ptr<store::SqliteStore> db = OpenStore(path);
    std::unique_ptr<store::SqliteStore> fresh = OpenStore(fresh_path);
    ASSERT_NE(db, nullptr);
    ASSERT_NE(fresh, nullptr);
    Feed(*db, kTenant, mix.members, events);
    Feed(*db, kOtherTenant, mix.members, events);
    Feed(*fresh, kTenant, mix.members, Kept(events, cutoff));
    Feed(*fresh, kOtherTenant, mix.members, Kept(events, cutoff));

    FakeClock clock(Now());
    SerialExecutor writer;
    RecordingListener listener;
    RetentionTask task(db.get(), &writer, &clock, &listener,
                       {.retention_days = days, .step_events = 9});
    auto totals = task.RunOnce();
    ASSERT_TRUE(totals.ok()) << totals.status();
    const int64_t removed =
        2 * static_cast<int64_t>(events.size() - Kept(events, cutoff).size());
    EXPECT_EQ(totals->events, removed);
    for (const char* tenant : {kTenant, kOtherTenant}) {
      EXPECT_EQ(DumpAggregates(path, tenant),
                DumpAggregates(fresh_path, tenant));
    }
    const std::set<std::string> all(mix.members.begin(), mix.members.end());
    const std::map<store::TenantId, std::set<std::string>> expected =
        removed > 0
            ? std::map<store::TenantId, std::set<std::string>>{{kTenant, all},
                                                               {kOtherTenant,
                                                                all}}
            : std::map<store::TenantId, std::set<std::string>>{};
    EXPECT_EQ(listener.changed(), expected);

    // Nothing left to do: a second pass removes nothing and tells nobody.
    RecordingListener quiet;
    RetentionTask again(db.get(), &writer, &clock, &quiet,
                        {.retention_days = days, .step_events = 9});
    auto second = again.RunOnce();
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ(second->events, 0);
    EXPECT_TRUE(quiet.changed().empty());
  }
}

TEST(RetentionTaskTest, DropsSnapshotsOfDaysBeforeTheFirstDayKept) {
  std::unique_ptr<store::SqliteStore> db = OpenStore(":memory:");
  ASSERT_NE(db, nullptr);
  Feed(*db, kTenant, {"m0"}, {});
  std::vector<model::ScoreSnapshot> snapshots;
  for (int d = 1; d <= 15; ++d) {
    snapshots.push_back({"m0",
                         absl::CivilDay(2024, 6, d),
                         1.0 * d,
                         {1, 2, 3, 4},
                         "v1",
                         std::nullopt});
  }
  ASSERT_TRUE(db->WriteScoreSnapshots(kTenant, snapshots).ok());
  FakeClock clock(Now());
  RetentionTask task(db.get(), nullptr, &clock, nullptr,
                     {.retention_days = 4, .step_events = 2});
  auto totals = task.RunOnce();
  ASSERT_TRUE(totals.ok()) << totals.status();
  EXPECT_EQ(totals->snapshots, 10);  // June 1 .. June 10.
  auto history = db->ReadScoreHistory(kTenant, "m0", absl::CivilDay(2024, 6, 1),
                                      absl::CivilDay(2024, 6, 30));
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 5u);
  EXPECT_EQ(history->front().day, absl::CivilDay(2024, 6, 11));
}

TEST(RetentionTaskTest, ZeroDaysKeepsEverythingAndBadStepsAreRejected) {
  std::unique_ptr<store::SqliteStore> db = OpenStore(":memory:");
  ASSERT_NE(db, nullptr);
  std::mt19937 rng(1);
  const EventMix mix = Mix("e");
  const std::vector<model::Event> events = RandomEvents(rng, 30, mix);
  Feed(*db, kTenant, mix.members, events);
  FakeClock clock(Now());
  RetentionTask keep(db.get(), nullptr, &clock, nullptr, {});
  auto totals = keep.RunOnce();
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->steps, 0);
  int64_t stored = 0;
  for (const std::string& m : mix.members) {
    stored += db->GetMember(kTenant, m)->event_count;
  }
  EXPECT_EQ(stored, static_cast<int64_t>(events.size()));
  RetentionTask bad(db.get(), nullptr, &clock, nullptr,
                    {.retention_days = 3, .step_events = 0});
  EXPECT_EQ(bad.RunOnce().status().code(), absl::StatusCode::kInvalidArgument);
}

// Ingest batches (through the writer, as the server posts them) and
// retention passes run on two threads at once; at the end, after one more
// pass, the store holds exactly the events on or after the cut-off, with
// the aggregates of a fresh store fed only those.
TEST(RetentionTaskTest, RunsWhileIngestRuns) {
  TempDir dir;
  const std::string path = dir.File("store.db");
  const std::string fresh_path = dir.File("fresh.db");
  std::unique_ptr<store::SqliteStore> db = OpenStore(path);
  ASSERT_NE(db, nullptr);
  const std::vector<std::string> members = Mix("").members;
  Feed(*db, kTenant, members, {});

  std::mt19937 rng(99);
  std::vector<std::vector<model::Event>> batches;
  std::vector<model::Event> all;
  for (int b = 0; b < 40; ++b) {
    batches.push_back(RandomEvents(rng, 25, Mix(absl::StrCat("b", b, "-"))));
    all.insert(all.end(), batches.back().begin(), batches.back().end());
  }
  FakeClock clock(Now());
  SerialExecutor writer;
  RetentionTask task(db.get(), &writer, &clock, nullptr,
                     {.retention_days = 3, .step_events = 7});
  std::atomic<bool> ingesting{true};
  std::thread ingest([&] {
    for (const std::vector<model::Event>& batch : batches) {
      absl::Notification done;
      writer.Post([&] {
        auto outcomes = db->AppendEvents(kTenant, batch);
        EXPECT_TRUE(outcomes.ok()) << outcomes.status();
        done.Notify();
      });
      done.WaitForNotification();
    }
    ingesting = false;
  });
  int64_t passes = 0;
  std::thread retention([&] {
    do {
      auto totals = task.RunOnce();
      EXPECT_TRUE(totals.ok()) << totals.status();
      ++passes;
    } while (ingesting);
  });
  ingest.join();
  retention.join();
  auto last = task.RunOnce();
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_GE(passes, 1);

  const absl::Time cutoff =
      absl::FromCivil(absl::CivilDay(2024, 6, 12), absl::UTCTimeZone());
  std::unique_ptr<store::SqliteStore> fresh = OpenStore(fresh_path);
  ASSERT_NE(fresh, nullptr);
  Feed(*fresh, kTenant, members, Kept(all, cutoff));
  EXPECT_EQ(DumpAggregates(path, kTenant), DumpAggregates(fresh_path, kTenant));
}

TEST(RetentionTaskTest, StartRunsPassesUntilStopped) {
  std::unique_ptr<store::SqliteStore> db = OpenStore(":memory:");
  ASSERT_NE(db, nullptr);
  std::mt19937 rng(5);
  const EventMix mix = Mix("e");
  const std::vector<model::Event> events = RandomEvents(rng, 50, mix);
  Feed(*db, kTenant, mix.members, events);
  FakeClock clock(Now());
  RecordingListener listener;
  {
    RetentionTask task(db.get(), nullptr, &clock, &listener,
                       {.retention_days = 2, .step_events = 5});
    task.Start(absl::Hours(1));
    task.Stop();
  }
  // The first pass runs as soon as the thread starts; Stop() may cut it
  // short, but what it removed is consistent: a full pass now finishes it.
  RetentionTask finish(db.get(), nullptr, &clock, nullptr,
                       {.retention_days = 2, .step_events = 5});
  ASSERT_TRUE(finish.RunOnce().ok());
  const absl::Time cutoff =
      absl::FromCivil(absl::CivilDay(2024, 6, 13), absl::UTCTimeZone());
  int64_t stored = 0;
  for (const std::string& m : mix.members) {
    stored += db->GetMember(kTenant, m)->event_count;
  }
  EXPECT_EQ(stored, static_cast<int64_t>(Kept(events, cutoff).size()));
}

}  // namespace
}  // namespace rapport::engine
