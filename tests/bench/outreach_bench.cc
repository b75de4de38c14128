// Outreach report benchmarks over one team of 12,500 members (the largest a
// tenant of 100,000 has), each with ~15 thread events over the last 60
// days, in a SqliteStore file in a temp dir. The fake clock stands still.
//
//   BM_TeamReportCached      GetOutreachEffectiveness' team report at the
//                            default window, from the OutreachCache.
//   BM_TeamReportRead        The same team at an explicit as_of: every
//                            member read from the store and pooled.
//   BM_MemberReportCached    One member's report and team comparison at the
//                            default window, from the cache.
//   BM_RefreshOneChange      One member reported changed until the cache
//                            holds it: one member read, the team re-pooled.
//   BM_FirstBuild            A new cache's first build of the tenant, and
//                            the heap it then holds (heap_bytes).
#include <malloc.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/core/outreach_cache.h"
#include "server/core/outreach_reports.h"
#include "server/scoring/model.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::core {
namespace {

using model::Channel;
using model::EventType;

constexpr int kTeamSize = 12500;
constexpr char kTenant[] = "bench";
constexpr char kTeam[] = "big";
const absl::Time kNow = absl::FromUnixSeconds(1764000000);

model::Event Message(const std::string& id, const std::string& member,
                     const std::string& thread, const std::string& contact,
                     EventType type, absl::Time t, Channel channel,
                     model::Seniority seniority) {
  model::Event e;
  e.event_id = id;
  e.member_id = member;
  e.type = type;
  e.occur_time = t;
  e.quantity = 1;
  e.thread_id = thread;
  e.channel = channel;
  e.contact.contact_id = contact;
  e.contact.seniority = seniority;
  e.contact.category = model::NetworkCategory::kPower;
  return e;
}

// The store, the clock, and the reports over them, built once.
struct World {
  ::rapport::testing::TempDir dir;
  std::unique_ptr<store::SqliteStore> store;
  FakeClock clock{kNow};
  scoring::ScoringModel model = scoring::DefaultModel();
  std::unique_ptr<board::ScoreBoard> board;
  std::unique_ptr<OutreachCache> cache;
  std::unique_ptr<OutreachReports> reports;

  World() {
    store::SqliteStoreOptions options;
    options.path = dir.path() + "/bench.db";
    store = *store::SqliteStore::Open(options);
    std::mt19937 rng(42);
    std::vector<model::Event> batch;
    int next_event = 0;
    auto flush = [&] {
      if (!store->AppendEvents(kTenant, batch).ok()) std::abort();
      batch.clear();
    };
    for (int m = 0; m < kTeamSize; ++m) {
      model::Member member;
      member.member_id = absl::StrCat("rep-", m);
      member.display_name = member.member_id;
      member.team = kTeam;
      member.industry = "software";
      if (!store->UpsertMember(kTenant, member, kNow).ok()) std::abort();
      for (int t = 0; t < 6; ++t) {
        const std::string thread = absl::StrCat(member.member_id, "-t", t);
        const std::string contact = absl::StrCat("c", rng() % 5000);
        const Channel channel = static_cast<Channel>(1 + rng() % 3);
        const auto seniority = static_cast<model::Seniority>(1 + rng() % 5);
        const absl::Time start = kNow - absl::Minutes(rng() % (60 * 24 * 60));
        auto add = [&](EventType type, absl::Time at) {
          if (at > kNow) return;
          batch.push_back(Message(absl::StrCat("e", next_event++),
                                  member.member_id, thread, contact, type, at,
                                  channel, seniority));
        };
        add(EventType::kMessageSent, start);
        if (rng() % 3 == 0) {
          add(EventType::kFollowUpSent, start + absl::Hours(72));
        }
        if (rng() % 2 == 0) {
          add(EventType::kMessageReceived,
              start + absl::Minutes(30 + rng() % (60 * 24 * 4)));
        }
      }
      if (batch.size() >= 500) flush();
    }
    flush();
    board = std::make_unique<board::ScoreBoard>(store.get(), &model, &clock,
                                                board::ScoreBoardOptions{});
    // No pause between refreshes: BM_RefreshOneChange times a refresh.
    OutreachCacheOptions cache_options;
    cache_options.refresh_interval = absl::ZeroDuration();
    cache = std::make_unique<OutreachCache>(store.get(), &clock, cache_options);
    reports = std::make_unique<OutreachReports>(
        store.get(), board.get(), cache.get(), OutreachReportOptions{});
    if (!cache->Sync(kTenant).ok()) std::abort();
  }
};

World& TheWorld() {
  static World* world = new World();
  return *world;
}

OutreachWindow DefaultWindow() {
  return {.days = OutreachCache::kDays, .end = kNow, .end_is_now = true};
}

void BM_TeamReportCached(benchmark::State& state) {
  World& w = TheWorld();
  for (auto _ : state) {
    auto team = w.reports->ForTeam(kTenant, kTeam, DefaultWindow(),
                                   w.cache->analysis());
    if (!team.ok()) state.SkipWithError("no team report");
    benchmark::DoNotOptimize(team);
  }
  state.counters["members"] = kTeamSize;
}
BENCHMARK(BM_TeamReportCached)->Unit(benchmark::kMicrosecond);

void BM_TeamReportRead(benchmark::State& state) {
  World& w = TheWorld();
  const OutreachWindow as_of = {
      .days = OutreachCache::kDays, .end = kNow, .end_is_now = false};
  for (auto _ : state) {
    auto team = w.reports->ForTeam(kTenant, kTeam, as_of, w.cache->analysis());
    if (!team.ok()) state.SkipWithError("no team report");
    benchmark::DoNotOptimize(team);
  }
}
BENCHMARK(BM_TeamReportRead)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_MemberReportCached(benchmark::State& state) {
  World& w = TheWorld();
  int i = 0;
  for (auto _ : state) {
    auto mine =
        w.reports->ForMember(kTenant, absl::StrCat("rep-", i++ % kTeamSize),
                             DefaultWindow(), w.cache->analysis());
    if (!mine.ok()) state.SkipWithError("no member report");
    benchmark::DoNotOptimize(mine);
  }
}
BENCHMARK(BM_MemberReportCached)->Unit(benchmark::kMicrosecond);

void BM_RefreshOneChange(benchmark::State& state) {
  World& w = TheWorld();
  int i = 0;
  for (auto _ : state) {
    w.cache->OnMembersChanged(kTenant, {absl::StrCat("rep-", i++ % kTeamSize)});
    if (!w.cache->Sync(kTenant).ok()) state.SkipWithError("refresh failed");
  }
}
BENCHMARK(BM_RefreshOneChange)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();

void BM_FirstBuild(benchmark::State& state) {
  World& w = TheWorld();
  size_t held = 0;
  for (auto _ : state) {
    const size_t before = mallinfo2().uordblks;
    OutreachCache cache(w.store.get(), &w.clock, OutreachCacheOptions{});
    if (!cache.Sync(kTenant).ok()) state.SkipWithError("build failed");
    held = mallinfo2().uordblks - before;
  }
  // Heap the cache holds for the team (glibc's count of bytes in use).
  state.counters["heap_bytes"] = static_cast<double>(held);
}
BENCHMARK(BM_FirstBuild)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace
}  // namespace rapport::core

BENCHMARK_MAIN();
