// Store benchmarks, on files in a temp dir with the production pragmas (WAL,
// synchronous=FULL: every commit is an fsync). Times are wall-clock: a commit
// waits for the disk, not the CPU.
//
//   BM_AppendEvents/A      SqliteStore::AppendEvents, batches of 500 events
//                          over 100 members, with threads and contacts;
//                          A=1 with the batch's audit entry (as the server
//                          always writes it), A=0 without.
//   BM_AppendEventBatches/G  G such batches (audited) per AppendEventBatches
//                          call: one transaction and one sync per group.
//   BM_EraseContact        Erasing one contact who appears in 1,000 of the
//                          10,000 members of a tenant (3 events each, among
//                          20 other events per member).
//   BM_PlainBatchedInsert  The same rows, one plain prepared INSERT each into
//                          one flat table, 500 per transaction: the floor.
//   BM_IngestVsPlainInsert AppendEvents (audited) and a plain insert into a
//                          table with the same primary key, batch for batch:
//                          both rates, their ratio and bytes per event.
//   BM_ReadActivity/N      ReadActivity over a 90-day window holding ~100
//                          events, for a member with N events in history.
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/model/event.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::store {
namespace {

using model::Channel;
using model::EventType;

constexpr int kBatchSize = 500;
constexpr int kMembers = 100;

using ::rapport::testing::TempDir;

// Plausible activity: a third messages in threads (mostly continuing one of
// the member's recent threads), some contact events, the rest posts,
// reactions and searches. Times advance with a little disorder.
class EventGenerator {
 public:
  EventGenerator(std::vector<std::string> members, absl::Time start,
                 absl::Duration mean_gap, uint32_t seed)
      : members_(std::move(members)),
        now_(start),
        mean_gap_(mean_gap),
        rng_(seed),
        threads_(members_.size()) {}

  model::Event Next() {
    now_ += absl::Seconds(Uniform(0, 2 * absl::ToInt64Seconds(mean_gap_)));
    const size_t m = Uniform(0, members_.size() - 1);
    model::Event e;
    e.event_id = absl::StrCat("ev-", seed_tag_, "-", next_id_++);
    e.member_id = members_[m];
    e.occur_time = now_ - absl::Minutes(Uniform(0, 30));  // Some disorder.
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

  std::vector<model::Event> Batch(int n) {
    std::vector<model::Event> batch;
    batch.reserve(n);
    for (int i = 0; i < n; ++i) batch.push_back(Next());
    return batch;
  }

  void set_seed_tag(int tag) { seed_tag_ = tag; }

 private:
  struct Thread {
    std::string id;
    model::Contact contact;
    Channel channel;
  };

  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
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
      threads.push_back({absl::StrCat("thread-", next_thread_++),
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
  absl::Time now_;
  absl::Duration mean_gap_;
  std::mt19937_64 rng_;
  std::vector<std::vector<Thread>> threads_;
  int64_t next_id_ = 0;
  int64_t next_thread_ = 0;
  int seed_tag_ = 0;
};

std::vector<std::string> MemberIds(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat("member-", i));
  return ids;
}

absl::Time Start() {
  return absl::FromCivil(absl::CivilDay(2023, 1, 1), absl::UTCTimeZone());
}

std::unique_ptr<SqliteStore> OpenWithMembers(
    const std::string& path, const std::vector<std::string>& members,
    benchmark::State& state) {
  SqliteStoreOptions options;
  options.path = path;
  auto store = SqliteStore::Open(options);
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return nullptr;
  }
  for (const std::string& id : members) {
    model::Member m;
    m.member_id = id;
    m.team = "team";
    if (!(*store)->UpsertMember("bench", m, Start()).ok()) {
      state.SkipWithError("UpsertMember failed");
      return nullptr;
    }
  }
  return *std::move(store);
}

void BM_AppendEvents(benchmark::State& state) {
  TempDir dir;
  std::vector<std::string> members = MemberIds(kMembers);
  std::unique_ptr<SqliteStore> store =
      OpenWithMembers(dir.File("store.db"), members, state);
  if (store == nullptr) return;
  EventGenerator gen(members, Start(), absl::Seconds(20), 1);
  AuditContext audit;
  audit.principal = "key:0123456789abcdef";
  audit.role = "integration";
  audit.method = "/rapport.v1.ActivityService/IngestEvents";
  const AuditContext* audited = state.range(0) == 1 ? &audit : nullptr;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<model::Event> batch = gen.Batch(kBatchSize);
    audit.time = batch.back().occur_time;
    state.ResumeTiming();
    auto outcomes = store->AppendEvents("bench", batch, audited);
    if (!outcomes.ok()) {
      state.SkipWithError(outcomes.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatchSize);
}
// Off and on alternate, so both see the same machine.
BENCHMARK(BM_AppendEvents)
    ->ArgName("audit")
    ->Arg(0)
    ->Arg(1)
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Group commit: `group` audited batches of 500 per AppendEventBatches call
// (one transaction, one sync), as the writer commits the batches of
// concurrent streams queued behind each other. group:1 is one call per
// batch. Items are events.
void BM_AppendEventBatches(benchmark::State& state) {
  TempDir dir;
  std::vector<std::string> members = MemberIds(kMembers);
  std::unique_ptr<SqliteStore> store =
      OpenWithMembers(dir.File("store.db"), members, state);
  if (store == nullptr) return;
  EventGenerator gen(members, Start(), absl::Seconds(20), 1);
  const int group = static_cast<int>(state.range(0));
  std::vector<AuditContext> audits(group);
  for (AuditContext& audit : audits) {
    audit.principal = "key:0123456789abcdef";
    audit.role = "integration";
    audit.method = "/rapport.v1.ActivityService/IngestEvents";
  }
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::vector<model::Event>> events;
    std::vector<EventBatch> batches;
    for (int i = 0; i < group; ++i) events.push_back(gen.Batch(kBatchSize));
    for (int i = 0; i < group; ++i) {
      audits[i].time = events[i].back().occur_time;
      batches.push_back({"bench", events[i], &audits[i]});
    }
    state.ResumeTiming();
    for (const auto& result : store->AppendEventBatches(batches)) {
      if (!result.ok()) {
        state.SkipWithError(result.status().ToString().c_str());
        return;
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * group * kBatchSize);
}
// The same 40 batches (20,000 events) either way, so that both runs store
// the same rows (and callgrind counts compare per event).
BENCHMARK(BM_AppendEventBatches)
    ->ArgName("group")
    ->Arg(1)
    ->Iterations(40)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendEventBatches)
    ->ArgName("group")
    ->Arg(4)
    ->Iterations(10)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_EraseContact(benchmark::State& state) {
  constexpr int kTenantMembers = 10000;
  constexpr int kTouched = 1000;
  constexpr int kErasures = 5;  // One contact per iteration.
  TempDir dir;
  std::vector<std::string> members = MemberIds(kTenantMembers);
  std::unique_ptr<SqliteStore> store =
      OpenWithMembers(dir.File("store.db"), members, state);
  if (store == nullptr) return;
  EventGenerator gen(members, Start(), absl::Seconds(1), 7);
  for (int i = 0; i < kTenantMembers * 20 / kBatchSize; ++i) {
    if (!store->AppendEvents("bench", gen.Batch(kBatchSize)).ok()) {
      state.SkipWithError("AppendEvents failed");
      return;
    }
  }
  // Contact k is met by every tenth member from k on, in three events each:
  // a connection request, a message and its reply, in a thread of its own.
  std::mt19937_64 rng(11);
  for (int k = 0; k < kErasures; ++k) {
    std::vector<model::Event> events;
    for (int n = 0; n < kTouched; ++n) {
      const std::string& member = members[(k + 10 * n) % kTenantMembers];
      model::Contact contact;
      contact.contact_id = absl::StrCat("prospect-", k);
      contact.seniority = model::Seniority::kDirector;
      const EventType types[] = {EventType::kConnectionRequestSent,
                                 EventType::kMessageSent,
                                 EventType::kMessageReceived};
      for (int t = 0; t < 3; ++t) {
        model::Event& e = events.emplace_back();
        e.event_id = absl::StrCat("prospect-", k, "-", n, "-", t);
        e.member_id = member;
        e.occur_time =
            Start() +
            absl::Hours(std::uniform_int_distribution<>(1, 24 * 60)(rng)) +
            absl::Minutes(t);
        e.type = types[t];
        e.channel = Channel::kLinkedinMessage;
        e.contact = contact;
        if (t > 0) e.thread_id = absl::StrCat("prospect-thread-", k, "-", n);
      }
    }
    for (size_t i = 0; i < events.size(); i += kBatchSize) {
      const size_t end = std::min(events.size(), i + kBatchSize);
      auto batch = absl::MakeConstSpan(events).subspan(i, end - i);
      if (!store->AppendEvents("bench", batch).ok()) {
        state.SkipWithError("AppendEvents failed");
        return;
      }
    }
  }
  int k = 0;
  for (auto _ : state) {
    auto erased = store->EraseContact("bench", absl::StrCat("prospect-", k++),
                                      Start() + absl::Hours(24 * 90), nullptr);
    if (!erased.ok() || erased->members.size() != kTouched) {
      state.SkipWithError(erased.ok() ? "not every member was touched"
                                      : erased.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kTouched * 3);
}
BENCHMARK(BM_EraseContact)
    ->Iterations(5)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A flat table of events with one plain prepared INSERT, 500 rows per
// transaction, the store's pragmas (WAL, synchronous=FULL): what SQLite alone
// costs for the same rows. With `primary_key`, the table has the store's
// idempotency key (tenant, event_id), as a real event table must.
class PlainTable {
 public:
  ~PlainTable() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }

  // An error message, or empty.
  std::string Open(const std::string& path, bool primary_key) {
    const std::string create = absl::StrCat(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
        "CREATE TABLE events (tenant TEXT, event_id TEXT, member_id TEXT, "
        "occur_time INTEGER, type INTEGER, channel INTEGER, contact_id TEXT, "
        "seniority INTEGER, contact_industry TEXT, contact_region TEXT, "
        "contact_category INTEGER, thread_id TEXT, content_id TEXT, "
        "quantity INTEGER",
        primary_key ? ", PRIMARY KEY (tenant, event_id))" : ")");
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK ||
        sqlite3_exec(db_, create.c_str(), nullptr, nullptr, nullptr) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db_,
                           "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, "
                           "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                           -1, &insert_, nullptr) != SQLITE_OK) {
      return sqlite3_errmsg(db_);
    }
    return "";
  }

  // One transaction; an error message, or empty.
  std::string Insert(const std::vector<model::Event>& batch) {
    sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (const model::Event& e : batch) {
      Text(1, "bench");
      Text(2, e.event_id);
      Text(3, e.member_id);
      sqlite3_bind_int64(insert_, 4, absl::ToUnixMicros(e.occur_time));
      sqlite3_bind_int64(insert_, 5, static_cast<int>(e.type));
      sqlite3_bind_int64(insert_, 6, static_cast<int>(e.channel));
      Text(7, e.contact.contact_id);
      sqlite3_bind_int64(insert_, 8, static_cast<int>(e.contact.seniority));
      Text(9, e.contact.industry);
      Text(10, e.contact.region);
      sqlite3_bind_int64(insert_, 11, static_cast<int>(e.contact.category));
      Text(12, e.thread_id);
      Text(13, e.content_id);
      sqlite3_bind_int64(insert_, 14, e.quantity);
      const int rc = sqlite3_step(insert_);
      sqlite3_reset(insert_);
      if (rc != SQLITE_DONE) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return sqlite3_errmsg(db_);
      }
    }
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return sqlite3_errmsg(db_);
    }
    return "";
  }

 private:
  void Text(int i, const std::string& s) {
    sqlite3_bind_text(insert_, i, s.data(), static_cast<int>(s.size()),
                      SQLITE_TRANSIENT);
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

// The floor: the same rows into one flat table without any index.
void BM_PlainBatchedInsert(benchmark::State& state) {
  TempDir dir;
  PlainTable plain;
  if (std::string error = plain.Open(dir.File("plain.db"), false);
      !error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  EventGenerator gen(MemberIds(kMembers), Start(), absl::Seconds(20), 1);
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<model::Event> batch = gen.Batch(kBatchSize);
    state.ResumeTiming();
    if (std::string error = plain.Insert(batch); !error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatchSize);
}
BENCHMARK(BM_PlainBatchedInsert)->UseRealTime()->Unit(benchmark::kMillisecond);

// The database file after its connections closed (the log checkpointed).
double FileBytes(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0.0 : static_cast<double>(size);
}

constexpr int kRatioBatches = 400;

// SqliteStore::AppendEvents (with its audit entry, as the server writes it)
// next to a plain insert of the same rows into a table with the same
// primary key, batch for batch, alternating so that both see the same disk.
// Reports both rates, store/plain, and the bytes per event of each file.
// The iteration time is the store's. by_member:0 sends events in time order
// (each batch holds events of every member); by_member:1 sends each member's
// history in turn, in time order (as `rapport demo --write_jsonl` writes it).
void BM_IngestVsPlainInsert(benchmark::State& state) {
  TempDir dir;
  std::vector<std::string> members = MemberIds(kMembers);
  std::unique_ptr<SqliteStore> store =
      OpenWithMembers(dir.File("store.db"), members, state);
  if (store == nullptr) return;
  auto plain = std::make_unique<PlainTable>();
  if (std::string error = plain->Open(dir.File("plain.db"), true);
      !error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  EventGenerator gen(members, Start(), absl::Seconds(20), 1);
  std::vector<model::Event> all = gen.Batch(kRatioBatches * kBatchSize);
  if (state.range(0) == 1) {
    std::stable_sort(all.begin(), all.end(),
                     [](const model::Event& a, const model::Event& b) {
                       return std::tie(a.member_id, a.occur_time) <
                              std::tie(b.member_id, b.occur_time);
                     });
  }
  AuditContext audit;
  audit.principal = "key:0123456789abcdef";
  audit.role = "integration";
  audit.method = "/rapport.v1.ActivityService/IngestEvents";
  double store_seconds = 0, plain_seconds = 0;
  size_t next = 0;
  for (auto _ : state) {
    std::vector<model::Event> batch(all.begin() + next,
                                    all.begin() + next + kBatchSize);
    next += kBatchSize;
    audit.time = batch.back().occur_time;
    auto start = std::chrono::steady_clock::now();
    auto outcomes = store->AppendEvents("bench", batch, &audit);
    const double stored =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!outcomes.ok()) {
      state.SkipWithError(outcomes.status().ToString().c_str());
      break;
    }
    start = std::chrono::steady_clock::now();
    if (std::string error = plain->Insert(batch); !error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
    plain_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    store_seconds += stored;
    state.SetIterationTime(stored);
  }
  const double events = static_cast<double>(state.iterations() * kBatchSize);
  store.reset();
  plain.reset();
  state.SetItemsProcessed(state.iterations() * kBatchSize);
  state.counters["store_per_s"] = events / store_seconds;
  state.counters["plain_per_s"] = events / plain_seconds;
  state.counters["store/plain"] = plain_seconds / store_seconds;
  state.counters["store_B/event"] = FileBytes(dir.File("store.db")) / events;
  state.counters["plain_B/event"] = FileBytes(dir.File("plain.db")) / events;
}
// 400 batches: 200,000 events, enough for the indexes to outgrow a few pages.
BENCHMARK(BM_IngestVsPlainInsert)
    ->ArgName("by_member")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(kRatioBatches)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// One member; state.range(0) events in history, of which ~100 fall in the
// last 90 days (the window read), the rest in the years before. With
// state.range(1) == 1 the activity is also scored: the whole cost of
// computing a score that is not cached (what GetScore pays on a refresh).
void BM_ReadActivity(benchmark::State& state) {
  const bool score = state.range(1) == 1;
  const scoring::ScoringModel model = scoring::DefaultModel();
  double total = 0;
  constexpr int kInWindow = 100;
  const int64_t history = state.range(0);
  TempDir dir;
  const std::vector<std::string> member = {"member-0"};
  std::unique_ptr<SqliteStore> store =
      OpenWithMembers(dir.File("store.db"), member, state);
  if (store == nullptr) return;
  const absl::Duration window = absl::Hours(24 * 90);
  const absl::Time to = Start() + absl::Hours(24 * 365 * 3);
  const absl::Time from = to - window;
  // Older events spread over the two years before the window, the last ones
  // over (most of) the window.
  const int64_t older = history - kInWindow;
  const absl::Duration before = absl::Hours(24 * 365 * 2);
  EventGenerator old_gen(member, from - before,
                         older > 0 ? before * 0.95 / older : absl::Seconds(1),
                         2);
  EventGenerator new_gen(member, from + absl::Hours(1),
                         window * 0.9 / kInWindow, 3);
  new_gen.set_seed_tag(1);
  std::vector<model::Event> events;
  for (int64_t i = 0; i < older; ++i) events.push_back(old_gen.Next());
  for (int i = 0; i < kInWindow; ++i) events.push_back(new_gen.Next());
  for (size_t i = 0; i < events.size(); i += kBatchSize) {
    size_t n = std::min<size_t>(kBatchSize, events.size() - i);
    if (!store->AppendEvents("bench", absl::MakeConstSpan(events).subspan(i, n))
             .ok()) {
      state.SkipWithError("AppendEvents failed");
      return;
    }
  }
  size_t items = 0;
  for (auto _ : state) {
    auto activity = store->ReadActivity("bench", "member-0", from, to);
    if (!activity.ok()) {
      state.SkipWithError(activity.status().ToString().c_str());
      break;
    }
    items = activity->daily.size() + activity->threads.size() +
            activity->contacts.size();
    if (score) {
      total = scoring::Score(model, model::Profile(), *activity, to).total;
    }
    benchmark::DoNotOptimize(activity);
    benchmark::DoNotOptimize(total);
  }
  state.counters["buckets+threads+contacts"] = static_cast<double>(items);
  if (score) state.counters["ssi"] = total;
}
BENCHMARK(BM_ReadActivity)
    ->ArgNames({"history_events", "score"})
    ->Args({100, 0})
    ->Args({10000, 0})
    ->Args({100, 1})
    ->Args({10000, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rapport::store

BENCHMARK_MAIN();
