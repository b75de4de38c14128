// Retention on a file store in a temp dir with the
// production pragmas (WAL, synchronous=FULL). Wall-clock times. Run a
// Release build.
//
//   BM_RetentionStep/M/E   One ApplyRetention step of 1000 events on a tenant
//                          of M members with E events each over 100 days
//                          (every thread has events on both sides of the
//                          cut-off, the costly case: each is re-derived).
// Erasing a contact: BM_EraseContact in store_bench.cc.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/model/event.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::store {
namespace {

using model::EventType;
using ::rapport::testing::TempDir;

constexpr int kDays = 100;
constexpr char kTenant[] = "acme";

absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2024, 6, 15, 10, 0, 0),
                         absl::UTCTimeZone());
}

// `n` events of `member` over the last kDays days: half messages in 12
// threads with 50 contacts, a quarter other contact events, the rest posts.
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
    const int dice = uniform(0, 3);
    e.contact.contact_id = absl::StrCat("contact-", uniform(0, 49));
    e.contact.seniority = model::Seniority::kVp;
    if (dice < 2) {
      e.type =
          dice == 0 ? EventType::kMessageSent : EventType::kMessageReceived;
      e.thread_id = absl::StrCat("thread-", uniform(0, 11));
      e.channel = model::Channel::kEmail;
    } else if (dice == 2) {
      e.type = EventType::kProspectProfileViewed;
    } else {
      e.type = EventType::kPostPublished;
      e.contact = model::Contact();
    }
    events.push_back(std::move(e));
  }
  return events;
}

std::unique_ptr<SqliteStore> Populate(const std::string& path, int members,
                                      int events_each) {
  SqliteStoreOptions options;
  options.path = path;
  auto store = SqliteStore::Open(options);
  if (!store.ok()) return nullptr;
  std::mt19937_64 rng(42);
  for (int m = 0; m < members; ++m) {
    model::Member member;
    member.member_id = absl::StrCat("m", m);
    if (!(*store)->UpsertMember(kTenant, member, Now()).ok()) return nullptr;
    if (!(*store)
             ->AppendEvents(kTenant,
                            MemberEvents(member.member_id, events_each, rng))
             .ok()) {
      return nullptr;
    }
  }
  return *std::move(store);
}

void BM_RetentionStep(benchmark::State& state) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store =
      Populate(dir.File("bench.db"), state.range(0), state.range(1));
  if (store == nullptr) {
    state.SkipWithError("cannot populate the store");
    return;
  }
  const absl::CivilDay first_kept =
      absl::ToCivilDay(Now(), absl::UTCTimeZone()) - kDays / 2;
  const absl::Time cutoff = absl::FromCivil(first_kept, absl::UTCTimeZone());
  int64_t removed = 0;
  for (auto _ : state) {
    auto step = store->ApplyRetention(kTenant, cutoff, first_kept, 1000, Now());
    if (!step.ok() || step->events == 0) {
      state.SkipWithError("nothing to remove");
      break;
    }
    removed += step->events;
  }
  state.counters["events_per_s"] =
      benchmark::Counter(removed, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RetentionStep)
    ->Args({200, 500})
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace rapport::store

BENCHMARK_MAIN();
