// The leaderboard families of one /metrics scrape (what
// TenantLeaderboardFamilies builds from the current board) for a tenant of
// 100,000 reps in 8 teams of 12,500, and their Prometheus text.
//
//   BM_LeaderboardFamilies/A   Building the families: A=0 with the default
//                              options (the 10 best and 10 worst members of
//                              each team), A=1 with every member.
//   BM_SerializeFamilies/A     Serializing them to the text format; the
//                              `bytes` counter is the body's size before
//                              gzip, `series` the number of series.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "prometheus/text_serializer.h"
#include "server/board/board.h"
#include "server/metrics/leaderboard_metrics.h"

namespace rapport::metrics {
namespace {

constexpr int kMembers = 100000;
constexpr int kTeamSize = 12500;
const absl::Time kAsOf = absl::FromUnixSeconds(1764000000);

std::shared_ptr<const board::Board> BigBoard() {
  static const std::shared_ptr<const board::Board> board = [] {
    std::mt19937 rng(7);
    std::vector<std::shared_ptr<const board::MemberScore>> members;
    members.reserve(kMembers);
    for (int i = 0; i < kMembers; ++i) {
      auto m = std::make_shared<board::MemberScore>();
      m->member.member_id = absl::StrCat("rep-", i);
      m->member.team = absl::StrCat("team-", i / kTeamSize);
      m->member.industry = "software";
      m->member.last_event_time = kAsOf - absl::Minutes(rng() % 50000);
      m->totals.total = static_cast<double>(rng() % 1000) / 10;
      for (double& p : m->totals.pillars) p = m->totals.total / 4;
      m->totals_7d_ago.total = static_cast<double>(rng() % 1000) / 10;
      m->outreach_30d.threads_started = rng() % 40;
      m->outreach_30d.threads_answered = m->outreach_30d.threads_started / 2;
      members.push_back(std::move(m));
    }
    return std::make_shared<const board::Board>(kAsOf, std::move(members),
                                                scoring::RankOptions{});
  }();
  return board;
}

LeaderboardMetricsOptions OptionsOf(const benchmark::State& state) {
  LeaderboardMetricsOptions options;
  options.all_members = state.range(0) == 1;
  return options;
}

void BM_LeaderboardFamilies(benchmark::State& state) {
  const std::vector<TenantBoard> boards = {{"bench", BigBoard()}};
  const LeaderboardMetricsOptions options = OptionsOf(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(LeaderboardFamilies(boards, options));
  }
}
BENCHMARK(BM_LeaderboardFamilies)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

void BM_SerializeFamilies(benchmark::State& state) {
  const std::vector<TenantBoard> boards = {{"bench", BigBoard()}};
  const auto families = LeaderboardFamilies(boards, OptionsOf(state));
  size_t series = 0;
  for (const auto& f : families) series += f.metric.size();
  const prometheus::TextSerializer serializer;
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = serializer.Serialize(families).size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["series"] = static_cast<double>(series);
}
BENCHMARK(BM_SerializeFamilies)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rapport::metrics

BENCHMARK_MAIN();
