// The score changes tracker (core::ScoreChangeFeed) over one tenant of
// 10,000 and 100,000 members in a SqliteStore file in a temp dir, the score
// board already built (as on a running server). The fake clock stands
// still.
//
//   BM_PassNoChange     A pass that finds nothing changed: the feed read
//                       and compared with the board; nothing written.
//   BM_PassOnePercent   A pass after 1% of the members' profiles changed
//                       (their board entries re-scored beforehand, outside
//                       the timing): the comparison and one transaction
//                       writing those rows.
//   BM_FirstPass        The first pass of a tenant: every member written,
//                       in one transaction.
//   BM_FeedPage         One page of 1000 rows of a full sweep.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/core/score_changes.h"
#include "server/scoring/model.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::core {
namespace {

constexpr char kTenant[] = "bench";
const absl::Time kNow = absl::FromUnixSeconds(1764000000);

model::Member MemberOf(int i, bool headline) {
  model::Member m;
  m.member_id = absl::StrCat("m", 1000000 + i);
  m.display_name = absl::StrCat("Rep ", i);
  m.team = absl::StrCat("team-", i % 50);
  m.industry = "software";
  m.profile.has_photo = true;
  m.profile.positions_count = 3;
  m.profile.has_headline = headline;
  m.profile.skills_count = i % 20;
  m.profile.connections_count = 100 + i % 400;
  return m;
}

// A tenant of `members` members whose board is built and whose feed holds
// every member (one pass done).
struct Tenant {
  explicit Tenant(int members) {
    store::SqliteStoreOptions options;
    options.path = dir.File("bench.db");
    store = *store::SqliteStore::Open(options);
    std::vector<model::Member> batch;
    for (int i = 0; i < members; ++i) {
      batch.push_back(MemberOf(i, false));
      if (batch.size() == 1000 || i + 1 == members) {
        if (!store->UpsertMembers(kTenant, batch, kNow, nullptr).ok()) abort();
        batch.clear();
      }
    }
    boards = std::make_unique<board::ScoreBoard>(store.get(), &model, &clock,
                                                 board::ScoreBoardOptions{});
    if (!boards->Get(kTenant, std::nullopt, true).ok()) abort();
    feed = std::make_unique<ScoreChangeFeed>(store.get(), boards.get(), nullptr,
                                             &clock);
  }

  // Adds a headline to the profile of every 100th member (a different 1%
  // each round, for 100 rounds), and has the board re-score them.
  void ChangeOnePercent(int members, int round) {
    std::vector<model::Member> changed;
    std::vector<std::string> ids;
    for (int i = round % 100; i < members; i += 100) {
      changed.push_back(MemberOf(i, true));
      ids.push_back(changed.back().member_id);
    }
    if (!store->UpsertMembers(kTenant, changed, kNow, nullptr).ok()) abort();
    boards->OnMembersChanged(kTenant, ids);
    if (!boards->Get(kTenant, std::nullopt, true).ok()) abort();
  }

  testing::TempDir dir;
  FakeClock clock{kNow};
  scoring::ScoringModel model = scoring::DefaultModel();
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<board::ScoreBoard> boards;
  std::unique_ptr<ScoreChangeFeed> feed;
};

void BM_FirstPass(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto tenant = std::make_unique<Tenant>(members);
    state.ResumeTiming();
    absl::StatusOr<int64_t> written = tenant->feed->RunOnce();
    if (!written.ok() || *written != members) abort();
    state.PauseTiming();
    tenant.reset();
    state.ResumeTiming();
  }
  state.counters["rows"] = members;
}

void BM_PassNoChange(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  Tenant tenant(members);
  if (!tenant.feed->RunOnce().ok()) abort();
  for (auto _ : state) {
    absl::StatusOr<int64_t> written = tenant.feed->RunOnce();
    if (!written.ok() || *written != 0) abort();
  }
}

void BM_PassOnePercent(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  Tenant tenant(members);
  if (!tenant.feed->RunOnce().ok()) abort();
  int round = 0;
  int64_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    tenant.ChangeOnePercent(members, ++round);
    state.ResumeTiming();
    absl::StatusOr<int64_t> written = tenant.feed->RunOnce();
    if (!written.ok()) abort();
    rows += *written;
  }
  state.counters["rows_per_pass"] =
      benchmark::Counter(static_cast<double>(rows) / state.iterations());
  // A pass that wrote nothing measured nothing.
  if (rows == 0) state.SkipWithError("no score changed");
}

void BM_FeedPage(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  Tenant tenant(members);
  if (!tenant.feed->RunOnce().ok()) abort();
  FeedPosition position;
  for (auto _ : state) {
    absl::StatusOr<FeedPage> page =
        tenant.feed->Page(kTenant, "", position, 1000);
    if (!page.ok() || page->rows.empty()) abort();
    position = page->has_more ? page->next : FeedPosition{};
  }
}

BENCHMARK(BM_FirstPass)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_PassNoChange)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);
// At most 100 rounds change members who have not changed before.
BENCHMARK(BM_PassOnePercent)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(50);
BENCHMARK(BM_FeedPage)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rapport::core

BENCHMARK_MAIN();
