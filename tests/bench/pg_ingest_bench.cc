// Ingest through SqliteStore and PgStore, the same generated events into
// each: batches of 500 over 100 members, a realistic mix (a third messages
// in threads, mostly continuing one of the member's recent threads; contact
// events; posts, reactions and searches), every batch audited as the server
// audits it. Times are wall-clock: a commit waits for the disk (SQLite with
// synchronous=FULL on a file in a temp dir; PostgreSQL with fsync on, on a
// fresh database of the test server, tests/common/pg_test_server.h).
//
//   BM_Append/S         S=0 SqliteStore, S=1 PgStore: one writer.
//   BM_PgAppendConcurrent/threads:T  T writers into one PgStore (a pool of
//                       T connections), each its own members: the rate of
//                       the whole.
//
// Counter events_per_second: events appended per second of wall-clock time.
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/model/event.h"
#include "server/store/pg/pg_store.h"
#include "server/store/sqlite_store.h"
#include "tests/common/pg_test_server.h"
#include "tests/common/temp_dir.h"

namespace rapport::store {
namespace {

using model::Channel;
using model::EventType;

constexpr int kBatchSize = 500;
constexpr int kMembers = 100;

absl::Time Start() {
  return absl::FromCivil(absl::CivilDay(2023, 1, 1), absl::UTCTimeZone());
}

// Plausible activity, deterministic for a seed; times advance with a little
// disorder.
class EventGenerator {
 public:
  EventGenerator(std::vector<std::string> members, uint32_t seed)
      : members_(std::move(members)),
        rng_(seed),
        threads_(members_.size()),
        tag_(seed) {}

  std::vector<model::Event> Batch(int n) {
    std::vector<model::Event> batch;
    batch.reserve(n);
    for (int i = 0; i < n; ++i) batch.push_back(Next());
    return batch;
  }

 private:
  struct Thread {
    std::string id;
    model::Contact contact;
    Channel channel;
  };

  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  model::Event Next() {
    now_ += absl::Seconds(Uniform(0, 40));
    const size_t m = Uniform(0, members_.size() - 1);
    model::Event e;
    e.event_id = absl::StrCat("ev-", tag_, "-", next_id_++);
    e.member_id = members_[m];
    e.occur_time = now_ - absl::Minutes(Uniform(0, 30));
    const int dice = Uniform(0, 99);
    if (dice < 35) {
      Message(m, e);
    } else if (dice < 50) {
      static constexpr EventType kContactTypes[] = {
          EventType::kConnectionRequestSent, EventType::kConnectionAccepted,
          EventType::kProspectProfileViewed, EventType::kLeadSaved,
          EventType::kContactMetAtEvent,     EventType::kMeetingBooked};
      e.type = kContactTypes[Uniform(0, 5)];
      e.contact = RandomContact();
      if (model::NeedsChannel(e.type)) e.channel = Channel::kLinkedinMessage;
    } else {
      static constexpr EventType kOtherTypes[] = {
          EventType::kPostPublished, EventType::kReactionReceived,
          EventType::kCommentReceived, EventType::kShareReceived,
          EventType::kProspectSearch};
      e.type = kOtherTypes[Uniform(0, 4)];
      if (model::IsCountedEvent(e.type)) e.quantity = Uniform(1, 20);
      e.content_id = absl::StrCat("post-", Uniform(0, 999));
    }
    return e;
  }

  model::Contact RandomContact() {
    model::Contact c;
    c.contact_id = absl::StrCat("contact-", Uniform(0, 4999));
    c.seniority = static_cast<model::Seniority>(Uniform(0, 5));
    c.category = static_cast<model::NetworkCategory>(Uniform(0, 7));
    c.industry = absl::StrCat("industry-", Uniform(0, 20));
    c.region = absl::StrCat("region-", Uniform(0, 10));
    return c;
  }

  // Continues one of the member's 10 latest threads, or starts one.
  void Message(size_t member, model::Event& e) {
    std::vector<Thread>& threads = threads_[member];
    if (threads.empty() || Uniform(0, 99) < 30) {
      threads.push_back({absl::StrCat("thread-", tag_, "-", next_thread_++),
                         RandomContact(), static_cast<Channel>(Uniform(1, 3))});
      if (threads.size() > 10) threads.erase(threads.begin());
    }
    const Thread& t = threads[Uniform(0, threads.size() - 1)];
    static constexpr EventType kMessageTypes[] = {
        EventType::kMessageSent, EventType::kMessageSent,
        EventType::kMessageReceived, EventType::kFollowUpSent};
    e.type = kMessageTypes[Uniform(0, 3)];
    e.thread_id = t.id;
    e.contact = t.contact;
    e.channel = t.channel;
  }

  std::vector<std::string> members_;
  absl::Time now_ = Start();
  std::mt19937_64 rng_;
  std::vector<std::vector<Thread>> threads_;
  uint32_t tag_;
  int64_t next_id_ = 0;
  int64_t next_thread_ = 0;
};

std::vector<std::string> MemberIds(const std::string& prefix, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat(prefix, i));
  return ids;
}

bool AddMembers(Store& store, const std::vector<std::string>& ids,
                benchmark::State& state) {
  std::vector<model::Member> members;
  for (const std::string& id : ids) {
    model::Member& m = members.emplace_back();
    m.member_id = id;
    m.team = "team";
  }
  if (!store.UpsertMembers("bench", members, Start(), nullptr).ok()) {
    state.SkipWithError("UpsertMembers failed");
    return false;
  }
  return true;
}

absl::StatusOr<std::unique_ptr<Store>> OpenPg(int connections) {
  absl::StatusOr<std::string> uri =
      ::rapport::testing::NewTestPgDatabase("pg_ingest_bench");
  if (!uri.ok()) return uri.status();
  pg::PgStoreOptions options;
  options.uri = *uri;
  options.connections = connections;
  absl::StatusOr<std::unique_ptr<pg::PgStore>> store =
      pg::PgStore::Open(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(*std::move(store));
}

AuditContext BenchAudit() {
  AuditContext audit;
  audit.principal = "key:0123456789abcdef";
  audit.role = "integration";
  audit.method = "/rapport.v1.ActivityService/IngestEvents";
  return audit;
}

// Appends batches until the state stops (skipped when a batch fails).
// `store` is read once the loop has begun: with several threads, thread 0
// sets it up before the loop, and the loop's start waits for every thread.
void AppendBatches(Store* const& store, EventGenerator& gen,
                   benchmark::State& state) {
  AuditContext audit = BenchAudit();
  int64_t events = 0;
  for (auto _ : state) {
    if (store == nullptr) {
      state.SkipWithError("no store");
      break;
    }
    state.PauseTiming();
    std::vector<model::Event> batch = gen.Batch(kBatchSize);
    audit.time = batch.back().occur_time;
    state.ResumeTiming();
    auto outcomes = store->AppendEvents("bench", batch, &audit);
    if (!outcomes.ok()) {
      state.SkipWithError(outcomes.status().ToString().c_str());
      return;
    }
    events += static_cast<int64_t>(batch.size());
  }
  state.counters["events_per_second"] = benchmark::Counter(
      static_cast<double>(events), benchmark::Counter::kIsRate);
}

void BM_Append(benchmark::State& state) {
  ::rapport::testing::TempDir dir;
  std::unique_ptr<Store> store;
  if (state.range(0) == 0) {
    SqliteStoreOptions options;
    options.path = dir.File("store.db");
    auto opened = SqliteStore::Open(options);
    if (!opened.ok()) {
      state.SkipWithError(opened.status().ToString().c_str());
      return;
    }
    store = *std::move(opened);
  } else {
    auto opened = OpenPg(2);
    if (!opened.ok()) {
      state.SkipWithError(opened.status().ToString().c_str());
      return;
    }
    store = *std::move(opened);
  }
  const std::vector<std::string> members = MemberIds("member-", kMembers);
  if (!AddMembers(*store, members, state)) return;
  EventGenerator gen(members, 1);
  Store* const raw = store.get();
  AppendBatches(raw, gen, state);
  state.SetLabel(state.range(0) == 0 ? "sqlite" : "postgres");
}
BENCHMARK(BM_Append)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(60);

// The store shared by the threads of a run; thread 0 opens and closes it.
std::unique_ptr<Store> shared_store;
Store* shared_raw = nullptr;

void BM_PgAppendConcurrent(benchmark::State& state) {
  if (state.thread_index() == 0) {
    shared_raw = nullptr;
    auto opened = OpenPg(state.threads());
    if (opened.ok()) {
      shared_store = *std::move(opened);
      std::vector<std::string> all;
      for (int t = 0; t < state.threads(); ++t) {
        for (const std::string& id :
             MemberIds(absl::StrCat("w", t, "-member-"), kMembers)) {
          all.push_back(id);
        }
      }
      if (AddMembers(*shared_store, all, state)) {
        shared_raw = shared_store.get();
      }
    } else {
      state.SkipWithError(opened.status().ToString().c_str());
    }
  }
  const std::vector<std::string> members =
      MemberIds(absl::StrCat("w", state.thread_index(), "-member-"), kMembers);
  EventGenerator gen(members, 100 + state.thread_index());
  AppendBatches(shared_raw, gen, state);
  if (state.thread_index() == 0) {
    shared_raw = nullptr;
    shared_store.reset();
  }
}
BENCHMARK(BM_PgAppendConcurrent)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(30);

}  // namespace
}  // namespace rapport::store

BENCHMARK_MAIN();
