// GetRecommendations' core (NextActions::For: the member read, the team's
// reference figure from the board, every candidate re-scored) over a
// SqliteStore file and a ScoreBoard, in teams of growing size, so that any
// cost growing with the team shows. The measured members are the demo
// organisation's first six (one of each persona, 90 days of activity); the
// rest of each team are light members with two threads each in the last 30
// days, enough to count in the team's pooled reply rate. The fake clock
// stands still.
//
//   BM_NextActions/T     NextActions::For, max_results 10, cycling over the
//                        six personas, in a team of T members.
//   BM_TeamReplyRate/T   The team's pooled 30-day reply rate alone.
//   BM_Recommend/P       recommend::Recommend() alone for persona P (its
//                        activity read once): the in-memory re-scoring.
//   BM_ReadActivity/P    The store read of persona P's aggregates.
//
// Run: build/tests/bench/recommend_team_bench (a Release build for
// figures).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "client/demo/demo.h"
#include "server/api/convert.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/core/recommendations.h"
#include "server/recommend/recommend.h"
#include "server/scoring/model.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::core {
namespace {

constexpr int kTeamSizes[] = {100, 1000, 12500};
constexpr int kPersonas = demo::kPersonaCount;
constexpr char kTeam[] = "big";
const absl::Time kNow = absl::FromUnixSeconds(1764000000);

constexpr char kTenant[] = "bench";

void Check(const absl::Status& s) {
  if (!s.ok()) std::abort();
}

// One light teammate's two threads, one answered.
std::vector<model::Event> LightEvents(const std::string& member, int i) {
  std::vector<model::Event> out;
  for (int t = 0; t < 2; ++t) {
    model::Event e;
    e.event_id = absl::StrCat(member, "-", t);
    e.member_id = member;
    e.type = model::EventType::kMessageSent;
    e.occur_time = kNow - absl::Hours(24 * (1 + (i + t) % 28));
    e.quantity = 1;
    e.thread_id = absl::StrCat(member, "-t", t);
    e.channel = model::Channel::kEmail;
    e.contact.contact_id = absl::StrCat("c", (i * 7 + t) % 5000);
    e.contact.seniority = model::Seniority::kManager;
    out.push_back(e);
    if (t == 0) {
      e.event_id += "-r";
      e.type = model::EventType::kMessageReceived;
      e.occur_time += absl::Hours(5);
      out.push_back(e);
    }
  }
  return out;
}

// One team of `team_size` members in its own store.
struct World {
  ::rapport::testing::TempDir dir;
  std::unique_ptr<store::SqliteStore> store;
  FakeClock clock{kNow};
  scoring::ScoringModel model = scoring::DefaultModel();
  std::unique_ptr<board::ScoreBoard> board;
  std::unique_ptr<NextActions> next;
  std::vector<std::string> personas;  // Member ids, one per persona.

  explicit World(int team_size) {
    store::SqliteStoreOptions options;
    options.path = dir.path() + "/bench.db";
    store = *store::SqliteStore::Open(options);
    demo::DemoOptions demo_options;
    demo_options.member_count = kPersonas;
    demo_options.end_time = kNow - absl::Minutes(3);
    const std::vector<demo::DemoMember> demo_members =
        demo::GenerateDemoMembers(demo_options);
    for (const demo::DemoMember& d : demo_members) {
      personas.push_back(d.member.member_id());
    }
    {
      const std::string tenant = kTenant;
      const int size = team_size;
      std::vector<model::Event> batch;
      auto flush = [&] {
        if (!store->AppendEvents(tenant, batch).ok()) std::abort();
        batch.clear();
      };
      for (const demo::DemoMember& d : demo_members) {
        model::Member m = api::FromProto(d.member);
        m.team = kTeam;
        Check(store->UpsertMember(tenant, m, kNow).status());
        for (const v1::Event& e : demo::GenerateMemberEvents(demo_options, d)) {
          batch.push_back(api::FromProto(e));
          if (batch.size() >= 500) flush();
        }
      }
      for (int i = kPersonas; i < size; ++i) {
        model::Member m;
        m.member_id = absl::StrCat("rep-", i);
        m.display_name = m.member_id;
        m.team = kTeam;
        m.industry = "software";
        Check(store->UpsertMember(tenant, m, kNow).status());
        for (model::Event& e : LightEvents(m.member_id, i)) {
          batch.push_back(std::move(e));
        }
        if (batch.size() >= 500) flush();
      }
      flush();
    }
    board = std::make_unique<board::ScoreBoard>(store.get(), &model, &clock,
                                                board::ScoreBoardOptions{});
    next = std::make_unique<NextActions>(store.get(), board.get(),
                                         NextActionsOptions{});
    Check(board->Get(kTenant, std::nullopt).status());
  }
};

// Built on first use and kept.
World& TheWorld(int team_size) {
  static auto* worlds = new std::map<int, std::unique_ptr<World>>();
  std::unique_ptr<World>& w = (*worlds)[team_size];
  if (w == nullptr) w = std::make_unique<World>(team_size);
  return *w;
}

void BM_NextActions(benchmark::State& state) {
  World& w = TheWorld(static_cast<int>(state.range(0)));
  const std::string tenant = kTenant;
  size_t i = 0;
  for (auto _ : state) {
    auto r = w.next->For(tenant, w.personas[i++ % w.personas.size()],
                         std::nullopt, kNow, 10);
    if (!r.ok()) state.SkipWithError("no recommendations");
    benchmark::DoNotOptimize(r);
  }
  state.counters["team"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_NextActions)
    ->Arg(kTeamSizes[0])
    ->Arg(kTeamSizes[1])
    ->Arg(kTeamSizes[2])
    ->Unit(benchmark::kMicrosecond);

void BM_TeamReplyRate(benchmark::State& state) {
  World& w = TheWorld(static_cast<int>(state.range(0)));
  const std::string tenant = kTenant;
  for (auto _ : state) {
    auto r = w.next->TeamReplyRate(tenant, kTeam, std::nullopt);
    if (!r.ok() || !r->has_value()) state.SkipWithError("no team rate");
    benchmark::DoNotOptimize(r);
  }
  state.counters["team"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_TeamReplyRate)
    ->Arg(kTeamSizes[0])
    ->Arg(kTeamSizes[1])
    ->Arg(kTeamSizes[2])
    ->Unit(benchmark::kMicrosecond);

void BM_Recommend(benchmark::State& state) {
  World& w = TheWorld(kPersonas);
  const std::string tenant = kTenant;
  const std::string& id = w.personas[static_cast<size_t>(state.range(0))];
  const model::Member member = *w.store->GetMember(tenant, id);
  const model::MemberActivity activity = *w.store->ReadActivity(
      tenant, id, kNow - absl::Hours(24) * w.model.window_days, kNow);
  recommend::RecommendOptions options;
  options.team_reply_rate = 0.2;
  for (auto _ : state) {
    recommend::Recommendations r =
        recommend::Recommend(w.model, member.profile, activity, kNow, options);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(std::string(
      demo::PersonaName(static_cast<demo::Persona>(state.range(0)))));
  state.counters["threads"] = static_cast<double>(activity.threads.size());
  state.counters["contacts"] = static_cast<double>(activity.contacts.size());
  state.counters["buckets"] = static_cast<double>(activity.daily.size());
}
BENCHMARK(BM_Recommend)
    ->DenseRange(0, kPersonas - 1)
    ->Unit(benchmark::kMicrosecond);

// The one store read NextActions::For makes of persona P's aggregates.
void BM_ReadActivity(benchmark::State& state) {
  World& w = TheWorld(kPersonas);
  const std::string& id = w.personas[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    auto a = w.store->ReadActivity(
        kTenant, id, kNow - absl::Hours(24) * w.model.window_days, kNow);
    if (!a.ok()) state.SkipWithError("no activity");
    benchmark::DoNotOptimize(a);
  }
  state.SetLabel(std::string(
      demo::PersonaName(static_cast<demo::Persona>(state.range(0)))));
}
BENCHMARK(BM_ReadActivity)
    ->DenseRange(0, kPersonas - 1)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rapport::core

BENCHMARK_MAIN();
