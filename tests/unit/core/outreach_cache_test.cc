// OutreachCache: the reports served from the cache are the reports the read
// path computes from the store, for every member and team, after every
// kind of change (upserts, event batches, deletions, team moves) and across
// UTC days; and a reader never waits for a build. Suite names with
// Concurrency are picked by the ThreadSanitizer pass of tests/run.sh.
#include "server/core/outreach_cache.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/core/outreach_reports.h"
#include "server/scoring/model.h"
#include "server/store/member_change_listener.h"
#include "tests/common/fault_store.h"
#include "tests/unit/board/random_world.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::core {
namespace {

using ::rapport::board::testing::RandomWorld;
using ::rapport::board::testing::RandomWorldOptions;
using ::rapport::testing::FaultStore;
using ::rapport::testing::StoreOp;

constexpr char kTenant[] = "acme";
const char* const kTeams[] = {"emea", "amer", "apac", "nowhere"};

// What the tests change from the defaults: a few members suffice for a
// comparison, and a refresh is never put off.
OutreachCacheOptions TestOptions() {
  OutreachCacheOptions options;
  options.refresh_interval = absl::ZeroDuration();
  options.full_refresh_interval = absl::ZeroDuration();
  options.poll_interval = absl::Milliseconds(5);
  return options;
}

// A cached and an uncached OutreachReports over one store, told of changes
// as the server tells them.
class Harness {
 public:
  Harness(store::Store* store, FakeClock* clock,
          OutreachCacheOptions options = TestOptions())
      : store_(store),
        clock_(clock),
        model_(scoring::DefaultModel()),
        board_(store, &model_, clock, board::ScoreBoardOptions{}),
        cache_(store, clock, options),
        changes_({&board_, &cache_}),
        cached_(store, &board_, &cache_, {.min_group_size = 3}),
        uncached_(store, &board_, nullptr, {.min_group_size = 3}) {}

  OutreachCache& cache() { return cache_; }
  store::MemberChangeListener* listener() { return &changes_; }
  // Reports read from the store, as for a window the cache does not keep.
  const OutreachReports& uncached() const { return uncached_; }

  // The window the cache serves, and the same window read from the store.
  OutreachWindow Default() const {
    return {
        .days = OutreachCache::kDays, .end = clock_->Now(), .end_is_now = true};
  }
  OutreachWindow Read() const {
    return {.days = OutreachCache::kDays,
            .end = clock_->Now(),
            .end_is_now = false};
  }

  // Every difference between the cached and the read reports of `members`
  // and of every team; empty when there is none.
  std::string Diff(const std::vector<std::string>& members) {
    std::vector<std::string> diffs;
    // The cache's analysis, and other options: the member's own report is
    // then read, the teammates' reply counts still come from the cache.
    outreach::OutreachOptions other = cache_.analysis();
    other.max_unanswered = 2;
    other.unanswered_after = absl::Hours(30);
    for (const auto& analysis : {cache_.analysis(), other}) {
      DiffMembers(members, analysis, diffs);
    }
    for (const char* team : kTeams) {
      const outreach::OutreachOptions& analysis = cache_.analysis();
      auto got = cached_.ForTeam(kTenant, team, Default(), analysis);
      auto want = uncached_.ForTeam(kTenant, team, Read(), analysis);
      if (got.status() != want.status()) {
        diffs.push_back(absl::StrCat(team, ": ", got.status().ToString(),
                                     " vs ", want.status().ToString()));
      } else if (got.ok() && !(**got == **want)) {
        diffs.push_back(absl::StrCat("team ", team, ": report differs"));
      }
    }
    return absl::StrJoin(diffs, "\n");
  }

  void DiffMembers(const std::vector<std::string>& members,
                   const outreach::OutreachOptions& analysis,
                   std::vector<std::string>& diffs) {
    for (const std::string& id : members) {
      auto got = cached_.ForMember(kTenant, id, Default(), analysis);
      auto want = uncached_.ForMember(kTenant, id, Read(), analysis);
      if (got.status() != want.status()) {
        diffs.push_back(absl::StrCat(id, ": ", got.status().ToString(), " vs ",
                                     want.status().ToString()));
      } else if (got.ok() && !(got->report == want->report)) {
        diffs.push_back(absl::StrCat(id, ": report differs"));
      } else if (got.ok() && !(got->comparison == want->comparison)) {
        diffs.push_back(absl::StrCat(id, ": team comparison differs"));
      }
    }
  }

 private:
  store::Store* const store_;
  FakeClock* const clock_;
  const scoring::ScoringModel model_;
  board::ScoreBoard board_;
  OutreachCache cache_;
  store::MemberChangeFanOut changes_;
  OutreachReports cached_;
  OutreachReports uncached_;
};

std::vector<std::string> Ids(const std::set<std::string>& alive) {
  std::vector<std::string> ids(alive.begin(), alive.end());
  ids.push_back("never-existed");
  return ids;
}

// Generated histories: after every few steps, once the cache has taken in
// every change, each member's and team's cached report equals the read one.
// The clock only jumps whole days, so that every cached report ends at the
// clock's now, as the read ones do.
TEST(OutreachCacheTest, CachedReportsEqualTheReadPathOverGeneratedHistories) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    auto store = store::testing::OpenMemoryStore();
    FakeClock clock(store::testing::OnDay(10 + seed % 5, seed % 24));
    Harness h(store.get(), &clock);
    RandomWorld world(seed, store.get(), h.listener(), &clock, kTenant,
                      RandomWorldOptions{.advance_within_day = false});
    std::vector<std::string> log;
    for (int i = 0; i < 12; ++i) log.push_back(world.UpsertNew());
    // Before the first build: the read path, the same figures.
    ASSERT_EQ(h.Diff(Ids(world.alive())), "");
    for (int step = 0; step < 60; ++step) {
      log.push_back(world.Step());
      if (step % 4 != 3) continue;
      ASSERT_TRUE(h.cache().Sync(kTenant).ok());
      ASSERT_NE(h.cache().Get(kTenant), nullptr);
      const std::string diff = h.Diff(Ids(world.alive()));
      ASSERT_EQ(diff, "") << "after step " << step << ":\n"
                          << absl::StrJoin(log, "\n");
    }
  }
}

// A member moving to another team leaves the first team's pooled report
// and joins the other's; an emptied team is gone.
TEST(OutreachCacheTest, TeamMovesAndDeletionsReachThePooledReports) {
  auto store = store::testing::OpenMemoryStore();
  FakeClock clock(store::testing::OnDay(12, 9));
  Harness h(store.get(), &clock);
  RandomWorld world(7, store.get(), h.listener(), &clock, kTenant);
  for (int i = 0; i < 10; ++i) world.UpsertNew();
  for (int i = 0; i < 30; ++i) world.AppendBatch();
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  for (const std::string& id : world.alive()) {
    // Every member to one team, then half of them deleted.
    ASSERT_TRUE(store
                    ->UpsertMember(kTenant,
                                   store::testing::MakeMember(id, "nowhere"),
                                   clock.Now())
                    .ok());
    h.listener()->OnMembersChanged(kTenant, {id});
  }
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  auto snapshot = h.cache().Get(kTenant);
  ASSERT_NE(snapshot, nullptr);
  ASSERT_EQ(snapshot->teams.size(), 1u);
  EXPECT_EQ(snapshot->Team("nowhere")->members.size(), world.alive().size());
  EXPECT_EQ(h.Diff(Ids(world.alive())), "");
  for (int i = 0; i < 5; ++i) world.Delete();
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  EXPECT_EQ(h.cache().Get(kTenant)->Team("nowhere")->members.size(),
            world.alive().size());
  EXPECT_EQ(h.Diff(Ids(world.alive())), "");
}

// A tenant is built from its first change, not only from its first report:
// a tenant loaded and never asked for still has its reports ready.
TEST(OutreachCacheTest, ATenantIsBuiltFromItsFirstChangeUnasked) {
  auto store = store::testing::OpenMemoryStore();
  FakeClock clock(store::testing::OnDay(12, 9));
  Harness h(store.get(), &clock);
  RandomWorld world(5, store.get(), h.listener(), &clock, kTenant);
  for (int i = 0; i < 8; ++i) world.UpsertNew();
  for (int i = 0; i < 10; ++i) world.AppendBatch();
  EXPECT_EQ(h.cache().Newest("other-tenant"), nullptr);
  // Bounded, so that a cache that never builds fails instead of hanging.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  std::shared_ptr<const OutreachSnapshot> built;
  while ((built = h.cache().Newest(kTenant)) == nullptr &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_NE(built, nullptr) << "no snapshot without a Get";
  EXPECT_EQ(h.cache().Newest("other-tenant"), nullptr);
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  size_t cached = 0;
  for (const auto& [name, team] : h.cache().Newest(kTenant)->teams) {
    cached += team->members.size();
  }
  EXPECT_EQ(cached, world.alive().size());
  EXPECT_EQ(h.Diff(Ids(world.alive())), "");
}

TEST(OutreachCacheTest, SyncReturnsTheStoresErrorAndRecovers) {
  auto inner = store::testing::OpenMemoryStore();
  FaultStore store(inner.get());
  FakeClock clock(store::testing::OnDay(12, 9));
  Harness h(&store, &clock);
  // Failing before the first change: the cache starts building the tenant
  // from it, and that build must not succeed before the fault is set.
  store.Fail(StoreOp::kReadActivity, absl::UnavailableError("disk"));
  RandomWorld world(3, &store, h.listener(), &clock, kTenant);
  for (int i = 0; i < 5; ++i) world.UpsertNew();
  EXPECT_EQ(h.cache().Sync(kTenant).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(h.cache().Get(kTenant), nullptr);
  store.Heal(StoreOp::kReadActivity);
  EXPECT_TRUE(h.cache().Sync(kTenant).ok());
  EXPECT_EQ(h.Diff(Ids(world.alive())), "");
}

// A teammate deleted while a team report read from the store is under way
// is left out of it, as if the report had started after the deletion; the
// report does not fail with the teammate's NOT_FOUND.
TEST(OutreachCacheConcurrencyTest,
     ATeamReportLeavesOutAMemberDeletedMeanwhile) {
  auto inner = store::testing::OpenMemoryStore();
  FaultStore store(inner.get());
  FakeClock clock(store::testing::OnDay(12, 9));
  Harness h(&store, &clock);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(store
                    .UpsertMember(kTenant,
                                  store::testing::MakeMember(
                                      absl::StrCat("t", i), "tigers"),
                                  clock.Now(), nullptr)
                    .ok());
  }
  const outreach::OutreachOptions analysis = h.cache().analysis();

  store.CloseGate("t2");
  absl::StatusOr<std::shared_ptr<const outreach::TeamReport>> during;
  std::thread reader([&] {
    during = h.uncached().ForTeam(kTenant, "tigers", h.Read(), analysis);
  });
  ASSERT_TRUE(store.AwaitHeld(1, absl::Seconds(30)));
  ASSERT_TRUE(store.DeleteMember(kTenant, "t2", nullptr).ok());
  store.OpenGate();
  reader.join();
  ASSERT_TRUE(during.ok()) << during.status();
  auto after = h.uncached().ForTeam(kTenant, "tigers", h.Read(), analysis);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(**during == **after);
}

// While the first build of a tenant, or the first of a new day, is held in
// the store, Get() answers at once (with nothing: the caller reads the
// store) and the reports are still right.
TEST(OutreachCacheConcurrencyTest, ReadersNeverWaitForABuild) {
  auto inner = store::testing::OpenMemoryStore();
  FaultStore store(inner.get());
  FakeClock clock(store::testing::OnDay(12, 9));
  Harness h(&store, &clock);
  // Closed before the first change, which starts the first build.
  store.CloseGate();
  RandomWorld world(5, &store, h.listener(), &clock, kTenant);
  for (int i = 0; i < 6; ++i) world.UpsertNew();
  for (int i = 0; i < 20; ++i) world.AppendBatch();

  EXPECT_EQ(h.cache().Get(kTenant), nullptr);
  ASSERT_TRUE(store.AwaitHeld(1, absl::Seconds(30)));
  EXPECT_EQ(h.cache().Get(kTenant), nullptr);  // The build is held.
  store.OpenGate();
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  auto today = h.cache().Get(kTenant);
  ASSERT_NE(today, nullptr);

  store.CloseGate();
  clock.Advance(absl::Hours(24));
  EXPECT_EQ(h.cache().Get(kTenant), nullptr);  // Yesterday's is not served.
  ASSERT_TRUE(store.AwaitHeld(2, absl::Seconds(30)));
  EXPECT_EQ(h.cache().Get(kTenant), nullptr);  // The day's build is held.
  store.OpenGate();
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  auto tomorrow = h.cache().Get(kTenant);
  ASSERT_NE(tomorrow, nullptr);
  EXPECT_NE(tomorrow->day, today->day);
  EXPECT_EQ(h.Diff(Ids(world.alive())), "");
}

// With a refresh interval, a change held in the store leaves readers the
// snapshot they had, at once.
TEST(OutreachCacheConcurrencyTest, ARefreshHeldInTheStoreLeavesTheOldSnapshot) {
  auto inner = store::testing::OpenMemoryStore();
  FaultStore store(inner.get());
  FakeClock clock(store::testing::OnDay(12, 9));
  OutreachCacheOptions options = TestOptions();
  options.refresh_interval = absl::Milliseconds(1);
  Harness h(&store, &clock, options);
  RandomWorld world(9, &store, h.listener(), &clock, kTenant);
  for (int i = 0; i < 6; ++i) world.UpsertNew();
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  auto before = h.cache().Get(kTenant);
  ASSERT_NE(before, nullptr);
  store.CloseGate();
  world.AppendBatch();
  ASSERT_TRUE(store.AwaitHeld(1, absl::Seconds(30)));
  EXPECT_EQ(h.cache().Get(kTenant), before);
  store.OpenGate();
  ASSERT_TRUE(h.cache().Sync(kTenant).ok());
  EXPECT_EQ(h.Diff(Ids(world.alive())), "");
}

}  // namespace
}  // namespace rapport::core
