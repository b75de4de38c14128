// The score validation report over a tenant of 10,000 members with 125 days
// of recorded daily scores and ~20 outcome events each (meetings booked,
// messages and replies) over the same days, in a SqliteStore file in a temp
// dir, seeded once.
//
//   BM_TenantReport/30    GetValidationReport's defaults: 90 days of
//                         history, outcomes over 30 days (3 member-days per
//                         member).
//   BM_TenantReport/7     90 days, outcomes over 7 days (13 per member).
//   BM_TeamReport         One team of 100 of the same tenant, defaults (the
//                         history read per member instead of per day).
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/core/validation.h"
#include "server/model/score_snapshot.h"
#include "server/scoring/model.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::core {
namespace {

constexpr int kMembers = 10000;
constexpr int kTeamSize = 100;
constexpr int kDays = 125;
constexpr char kTenant[] = "bench";
const absl::Time kNow = absl::FromUnixSeconds(1764000000);

struct World {
  ::rapport::testing::TempDir dir;
  std::unique_ptr<store::SqliteStore> store;
  scoring::ScoringModel model = scoring::DefaultModel();
  std::unique_ptr<ScoreValidation> validation;

  World() {
    store::SqliteStoreOptions options;
    options.path = dir.path() + "/bench.db";
    store = *store::SqliteStore::Open(options);
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> pillar(0, 25);
    const absl::CivilDay today = absl::ToCivilDay(kNow, absl::UTCTimeZone());
    std::vector<model::Event> batch;
    int next_event = 0;
    auto event = [&](const std::string& member, model::EventType type,
                     absl::Time at, const std::string& thread) {
      model::Event& e = batch.emplace_back();
      e.event_id = absl::StrCat("e", next_event++);
      e.member_id = member;
      e.type = type;
      e.occur_time = at;
      e.channel = model::Channel::kEmail;
      e.thread_id = thread;
      e.contact.contact_id = absl::StrCat("c", rng() % 20000);
    };
    for (int m = 0; m < kMembers; ++m) {
      model::Member member;
      member.member_id = absl::StrCat("rep-", m);
      member.team = absl::StrCat("team-", m / kTeamSize);
      if (!store->UpsertMember(kTenant, member, kNow).ok()) std::abort();
      for (int i = 0; i < 8; ++i) {
        const absl::Time at = kNow - absl::Minutes(rng() % (60 * 24 * kDays));
        if (rng() % 2 == 0) {
          event(member.member_id, model::EventType::kMeetingBooked, at, "");
          continue;
        }
        const std::string thread = absl::StrCat(member.member_id, "-t", i);
        event(member.member_id, model::EventType::kMessageSent, at, thread);
        if (rng() % 2 == 0 && at + absl::Hours(30) < kNow) {
          event(member.member_id, model::EventType::kMessageReceived,
                at + absl::Hours(30), thread);
        }
      }
      if (batch.size() >= 2000) {
        if (!store->AppendEvents(kTenant, batch).ok()) std::abort();
        batch.clear();
      }
    }
    if (!store->AppendEvents(kTenant, batch).ok()) std::abort();
    for (int d = 1; d <= kDays; ++d) {
      std::vector<model::ScoreSnapshot> day(kMembers);
      for (int m = 0; m < kMembers; ++m) {
        model::ScoreSnapshot& s = day[m];
        s.member_id = absl::StrCat("rep-", m);
        s.day = today - d;
        s.model_version = model.version;
        for (double& p : s.pillars) {
          p = pillar(rng);
          s.total += p;
        }
      }
      if (!store->WriteScoreSnapshots(kTenant, day).ok()) std::abort();
    }
    validation = std::make_unique<ScoreValidation>(store.get(), &model);
  }
};

World& TheWorld() {
  static World* world = new World();
  return *world;
}

void BM_TenantReport(benchmark::State& state) {
  World& w = TheWorld();
  ValidationRequest request;
  request.as_of = kNow;
  request.history_days = 90;
  request.outcome_days = static_cast<int>(state.range(0));
  int64_t member_days = 0;
  for (auto _ : state) {
    auto report = w.validation->Report(kTenant, request);
    if (!report.ok()) {
      state.SkipWithError("no report");
      break;
    }
    member_days = report->member_days;
    benchmark::DoNotOptimize(report);
  }
  state.counters["members"] = kMembers;
  state.counters["member_days"] = static_cast<double>(member_days);
}
BENCHMARK(BM_TenantReport)
    ->Arg(30)
    ->Arg(7)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_TeamReport(benchmark::State& state) {
  World& w = TheWorld();
  ValidationRequest request;
  request.as_of = kNow;
  request.team = "team-7";
  for (auto _ : state) {
    auto report = w.validation->Report(kTenant, request);
    if (!report.ok()) {
      state.SkipWithError("no report");
      break;
    }
    benchmark::DoNotOptimize(report);
  }
  state.counters["members"] = kTeamSize;
}
BENCHMARK(BM_TeamReport)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace rapport::core

BENCHMARK_MAIN();
