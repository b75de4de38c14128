// Benchmarks of the background passes over the store, on a file store in a
// temp dir with the production pragmas (WAL, synchronous=FULL). Wall-clock
// times. Run a Release build.
//
//   BM_Backfill/M/E       First pass over a tenant of M members with ~E
//                         events each over the last 100 days: M x 90
//                         snapshots (one iteration: one long operation).
//   BM_NextDay/M/E        The pass of the following day: M snapshots.
//   BM_LateEvents/M/E     After the backfill, one late event per member
//                         dated 10 days back: the pass recomputes M x 10
//                         snapshots and completes M history work entries.
//   BM_RetentionStep/M/E  One retention step of 1000 events, cut-off in
//                         the middle of the 100 days: the threads cross it,
//                         so each step re-derives the threads it touches.
//   BM_TenantForecasts/M/E  The 30-day forecasts of a tenant's M members
//                         (what a full board build adds to scoring them),
//                         on one thread, the activity read beforehand;
//                         counter score_s: scoring the same members.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/common/clock.h"
#include "server/engine/history_recorder.h"
#include "server/model/event.h"
#include "server/scoring/forecast.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::engine {
namespace {

using model::Channel;
using model::EventType;

constexpr int kDays = 100;

using ::rapport::testing::TempDir;

absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2024, 6, 15, 10, 0, 0),
                         absl::UTCTimeZone());
}

// ~`n` events of `member` over the last kDays days: 40% messages in a dozen
// threads, 15% contact events, the rest posts, reactions and searches.
std::vector<model::Event> MemberEvents(const std::string& member, int n,
                                       std::mt19937_64& rng) {
  auto uniform = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::vector<model::Event> events;
  for (int i = 0; i < n; ++i) {
    model::Event e;
    e.event_id = absl::StrCat(member, "-", i);
    e.member_id = member;
    e.occur_time = Now() - absl::Seconds(uniform(0, kDays * 86400));
    const int dice = uniform(0, 99);
    const int thread = uniform(0, 11);
    e.contact.contact_id = absl::StrCat("contact-", thread);
    e.contact.seniority = static_cast<model::Seniority>(thread % 6);
    if (dice < 40) {
      static constexpr EventType kTypes[] = {
          EventType::kMessageSent, EventType::kMessageSent,
          EventType::kMessageReceived, EventType::kFollowUpSent};
      e.type = kTypes[uniform(0, 3)];
      e.thread_id = absl::StrCat(member, "-thread-", thread);
      e.channel = Channel::kEmail;
    } else if (dice < 55) {
      static constexpr EventType kTypes[] = {EventType::kConnectionRequestSent,
                                             EventType::kConnectionAccepted,
                                             EventType::kMeetingBooked};
      e.type = kTypes[uniform(0, 2)];
      if (model::NeedsChannel(e.type)) e.channel = Channel::kLinkedinMessage;
    } else {
      static constexpr EventType kTypes[] = {
          EventType::kPostPublished, EventType::kReactionReceived,
          EventType::kCommentMade, EventType::kProspectSearch};
      e.type = kTypes[uniform(0, 3)];
      e.contact = {};
      if (model::IsCountedEvent(e.type)) e.quantity = uniform(1, 10);
    }
    events.push_back(std::move(e));
  }
  return events;
}

std::unique_ptr<store::SqliteStore> Populate(const std::string& path,
                                             int members, int events,
                                             benchmark::State& state) {
  store::SqliteStoreOptions options;
  options.path = path;
  auto store = store::SqliteStore::Open(options);
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return nullptr;
  }
  std::mt19937_64 rng(1);
  for (int m = 0; m < members; ++m) {
    model::Member member;
    member.member_id = absl::StrCat("member-", m);
    member.profile.has_photo = true;
    member.profile.positions_count = m % 5;
    if (!(*store)->UpsertMember("bench", member, Now()).ok() ||
        !(*store)
             ->AppendEvents("bench",
                            MemberEvents(member.member_id, events, rng))
             .ok()) {
      state.SkipWithError("populating the store failed");
      return nullptr;
    }
  }
  return *std::move(store);
}

void RunPasses(benchmark::State& state, bool next_day) {
  TempDir dir;
  const int members = static_cast<int>(state.range(0));
  auto store = Populate(dir.File("store.db"), members,
                        static_cast<int>(state.range(1)), state);
  if (store == nullptr) return;
  const scoring::ScoringModel model = scoring::DefaultModel();
  FakeClock clock(Now());
  HistoryRecorder recorder(store.get(), &model, &clock, HistoryOptions{});
  int64_t written = 0;
  for (auto _ : state) {
    if (next_day) {
      state.PauseTiming();
      if (!recorder.RunOnce().ok()) state.SkipWithError("backfill failed");
      clock.Advance(absl::Hours(24));
      state.ResumeTiming();
    }
    absl::StatusOr<int64_t> pass = recorder.RunOnce();
    if (!pass.ok()) {
      state.SkipWithError(pass.status().ToString().c_str());
      return;
    }
    written += *pass;
  }
  state.counters["snapshots"] = static_cast<double>(written);
  state.counters["snapshots_per_s"] = benchmark::Counter(
      static_cast<double>(written), benchmark::Counter::kIsRate);
}

// Recorded history, then late events: what a pass after an ingest costs.
void BM_LateEvents(benchmark::State& state) {
  TempDir dir;
  const int members = static_cast<int>(state.range(0));
  auto store = Populate(dir.File("store.db"), members,
                        static_cast<int>(state.range(1)), state);
  if (store == nullptr) return;
  const scoring::ScoringModel model = scoring::DefaultModel();
  FakeClock clock(Now());
  HistoryRecorder recorder(store.get(), &model, &clock, HistoryOptions{});
  if (!recorder.RunOnce().ok()) {
    state.SkipWithError("backfill failed");
    return;
  }
  int64_t written = 0;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<model::Event> late;
    for (int m = 0; m < members; ++m) {
      model::Event& e = late.emplace_back();
      e.event_id = absl::StrCat("late-", round, "-", m);
      e.member_id = absl::StrCat("member-", m);
      e.occur_time = Now() - absl::Hours(24 * 10);
      e.type = EventType::kPostPublished;
    }
    ++round;
    if (!store->AppendEvents("bench", late).ok()) {
      state.SkipWithError("AppendEvents failed");
      return;
    }
    state.ResumeTiming();
    absl::StatusOr<int64_t> pass = recorder.RunOnce();
    if (!pass.ok()) {
      state.SkipWithError(pass.status().ToString().c_str());
      return;
    }
    written += *pass;
  }
  state.counters["snapshots"] = static_cast<double>(written);
  state.counters["snapshots_per_s"] = benchmark::Counter(
      static_cast<double>(written), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LateEvents)
    ->Args({1000, 100})
    ->Iterations(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Backfill(benchmark::State& state) { RunPasses(state, false); }
void BM_NextDay(benchmark::State& state) { RunPasses(state, true); }

BENCHMARK(BM_Backfill)
    ->Args({100, 100})
    ->Args({1000, 100})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_NextDay)
    ->Args({1000, 100})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_RetentionStep(benchmark::State& state) {
  TempDir dir;
  auto store = Populate(dir.File("store.db"), static_cast<int>(state.range(0)),
                        static_cast<int>(state.range(1)), state);
  if (store == nullptr) return;
  const absl::CivilDay first_kept =
      absl::ToCivilDay(Now(), absl::UTCTimeZone()) - kDays / 2;
  const absl::Time cutoff = absl::FromCivil(first_kept, absl::UTCTimeZone());
  int64_t removed = 0;
  for (auto _ : state) {
    auto step = store->ApplyRetention("bench", cutoff, first_kept, 1000, Now());
    if (!step.ok() || step->events == 0) {
      state.SkipWithError("nothing to remove");
      break;
    }
    removed += step->events;
  }
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(removed), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RetentionStep)
    ->Args({200, 500})
    ->Iterations(20)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_TenantForecasts(benchmark::State& state) {
  TempDir dir;
  const int members = static_cast<int>(state.range(0));
  auto store = Populate(dir.File("store.db"), members,
                        static_cast<int>(state.range(1)), state);
  if (store == nullptr) return;
  const scoring::ScoringModel model = scoring::DefaultModel();
  struct Read {
    model::Member member;
    model::MemberActivity activity;
    scoring::ScoreResult score;
  };
  std::vector<Read> reads;
  for (int m = 0; m < members; ++m) {
    Read r;
    const std::string id = absl::StrCat("member-", m);
    auto member = store->GetMember("bench", id);
    auto activity = store->ReadActivity(
        "bench", id, Now() - absl::Hours(24 * model.window_days), Now());
    if (!member.ok() || !activity.ok()) {
      state.SkipWithError("reading the store failed");
      return;
    }
    r.member = *std::move(member);
    r.activity = *std::move(activity);
    reads.push_back(std::move(r));
  }
  const absl::Time score_start = absl::Now();
  for (Read& r : reads) {
    r.score = scoring::Score(model, r.member.profile, r.activity, Now());
  }
  const double score_s = absl::ToDoubleSeconds(absl::Now() - score_start);
  for (auto _ : state) {
    for (const Read& r : reads) {
      scoring::Forecast f = scoring::ProjectScore(model, r.member.profile,
                                                  r.activity, Now(), r.score);
      benchmark::DoNotOptimize(f);
    }
  }
  state.counters["score_s"] = score_s;
  state.counters["members_per_s"] = benchmark::Counter(
      static_cast<double>(members) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TenantForecasts)
    ->Args({10000, 100})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace rapport::engine

BENCHMARK_MAIN();
