#include "server/store/sqlite_store.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/activity_reader.h"
#include "server/store/audit_table.h"
#include "server/store/batch_effects.h"
#include "server/store/contact_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/errors.h"
#include "server/store/event_ingest.h"
#include "server/store/event_table.h"
#include "server/store/goal_table.h"
#include "server/store/history_work_table.h"
#include "server/store/member_table.h"
#include "server/store/migrations.h"
#include "server/store/score_change_table.h"
#include "server/store/score_history_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_status.h"
#include "server/store/thread_table.h"

namespace rapport::store {

using internal::Connection;
using internal::InTransaction;
using internal::TransactionKind;

namespace {

constexpr char kMemoryPath[] = ":memory:";

// WAL lets readers run during a write; synchronous=FULL syncs the WAL at
// every commit, which is what makes an acknowledged batch durable.
absl::Status ConfigureWriter(Connection& writer, bool in_memory) {
  if (!in_memory) {
    RAPPORT_ASSIGN_OR_RETURN(internal::Statement wal,
                             writer.Prepare("PRAGMA journal_mode = WAL"));
    RAPPORT_ASSIGN_OR_RETURN(bool row, wal.Step());
    if (!row || wal.ColumnText(0) != "wal") {
      return absl::FailedPreconditionError(
          "the database cannot use write-ahead logging");
    }
  }
  // A larger WAL between checkpoints (10000 pages, ~40 MiB) lets a hot page
  // rewritten by many batches be copied back once; the file is then trimmed.
  // secure_delete overwrites deleted content with zeros, so an erased
  // person's rows do not linger in free pages or free space of a page.
  return writer.Exec(
      "PRAGMA secure_delete = ON;"
      "PRAGMA synchronous = FULL;"
      "PRAGMA wal_autocheckpoint = 10000;"
      "PRAGMA journal_size_limit = 67108864");
}

// The writer as Open and a reopening leave it: WAL mode and the pragmas.
absl::StatusOr<std::unique_ptr<Connection>> OpenWriter(
    const SqliteStoreOptions& options, bool in_memory) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> writer,
      Connection::Open(options.path, Connection::Access::kReadWrite,
                       options.busy_timeout, options.cache_mib, options.vfs));
  RAPPORT_RETURN_IF_ERROR(ConfigureWriter(*writer, in_memory));
  return writer;
}

absl::StatusOr<std::unique_ptr<Connection>> OpenReader(
    const SqliteStoreOptions& options) {
  return Connection::Open(options.path, Connection::Access::kReadOnly,
                          options.busy_timeout, options.cache_mib, options.vfs);
}

// Rapport's mark in the database header ("Rapp"); ProbeStorage rewrites it.
constexpr int64_t kApplicationId = 0x52617070;

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const SqliteStoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("path must not be empty");
  }
  if (options.reader_connections < 1) {
    return absl::InvalidArgumentError("reader_connections must be >= 1");
  }
  if (options.cache_mib < 1) {
    return absl::InvalidArgumentError("cache_mib must be >= 1");
  }
  const bool in_memory = options.path == kMemoryPath;
  auto opened = [&]() -> absl::StatusOr<std::unique_ptr<SqliteStore>> {
    RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                             OpenWriter(options, in_memory));
    // Before the migrations write anything: a damaged file is refused as
    // it is found.
    RAPPORT_RETURN_IF_ERROR(
        internal::CheckIntegrity(*writer, options.integrity_check));
    // A store that starts on a full disk would fail its first write: it
    // says so at once instead.
    if (const int64_t free_bytes = internal::FreeDiskBytes(options.path);
        !in_memory && free_bytes >= 0 &&
        free_bytes < internal::kFullDiskBytes) {
      internal::LogStoreProblem(absl::StrCat("the disk holding ", options.path,
                                             " has ", free_bytes,
                                             " bytes free: it is full"));
      return absl::ResourceExhaustedError(kStorageFull);
    }
    RAPPORT_RETURN_IF_ERROR(
        internal::ApplyMigrations(*writer, internal::StoreMigrations()));
    std::vector<std::unique_ptr<Connection>> readers;
    if (!in_memory) {
      for (int i = 0; i < options.reader_connections; ++i) {
        RAPPORT_ASSIGN_OR_RETURN(readers.emplace_back(), OpenReader(options));
      }
    }
    return std::unique_ptr<SqliteStore>(
        new SqliteStore(options, std::move(writer), std::move(readers)));
  }();
  if (opened.ok()) return opened;
  return internal::RefineForFullDisk(opened.status(), options.path);
}

SqliteStore::SqliteStore(const SqliteStoreOptions& options,
                         std::unique_ptr<Connection> writer,
                         std::vector<std::unique_ptr<Connection>> readers)
    : options_(options),
      in_memory_(options.path == kMemoryPath),
      writer_(std::move(writer)),
      idle_readers_(std::move(readers)) {}

// Readers close before the writer, which then checkpoints the WAL.
SqliteStore::~SqliteStore() = default;

absl::Status SqliteStore::Write(
    absl::FunctionRef<absl::Status(Connection&)> body) {
  absl::Status status;
  {
    absl::MutexLock lock(&writer_mu_);
    if (writer_ == nullptr) {
      absl::StatusOr<std::unique_ptr<Connection>> reopened =
          OpenWriter(options_, in_memory_);
      if (reopened.ok()) {
        writer_ = *std::move(reopened);
      } else {
        status = reopened.status();
      }
    }
    if (writer_ != nullptr) status = body(*writer_);
    if (!status.ok()) status = AfterFailure(std::move(status), writer_);
  }
  Report(status);
  return status;
}

absl::Status SqliteStore::Read(
    absl::FunctionRef<absl::Status(Connection&)> body) {
  if (in_memory_) return Write(body);
  pool_mu_.LockWhen(absl::Condition(
      +[](std::vector<std::unique_ptr<Connection>>* idle) {
        return !idle->empty();
      },
      &idle_readers_));
  std::unique_ptr<Connection> reader = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  pool_mu_.Unlock();
  absl::Status status;
  if (reader == nullptr) {
    absl::StatusOr<std::unique_ptr<Connection>> reopened = OpenReader(options_);
    if (reopened.ok()) {
      reader = *std::move(reopened);
    } else {
      status = reopened.status();
    }
  }
  if (reader != nullptr) status = body(*reader);
  if (!status.ok()) status = AfterFailure(std::move(status), reader);
  {
    absl::MutexLock lock(&pool_mu_);
    idle_readers_.push_back(std::move(reader));
  }
  Report(status);
  return status;
}

absl::Status SqliteStore::AfterFailure(absl::Status status,
                                       std::unique_ptr<Connection>& conn) {
  StorageFault fault = ClassifyStorageStatus(status);
  if (fault == StorageFault::kCorrupt) {
    status = ConfirmCorruption();
    fault = ClassifyStorageStatus(status);
  }
  if (fault == StorageFault::kIo) {
    status = internal::RefineForFullDisk(std::move(status), options_.path);
  }
  // A connection that saw an I/O error may keep a broken view of the files
  // (its page cache, its map of the WAL index): a fresh one sees the device
  // as it is now. An in-memory database would be lost with its connection.
  if (fault == StorageFault::kIo && !in_memory_ && conn != nullptr) {
    internal::LogStoreProblem("closing a connection after an I/O error");
    conn.reset();
  }
  return status;
}

absl::Status SqliteStore::ConfirmCorruption() {
  absl::MutexLock lock(&check_mu_);
  if (corrupt_) return absl::DataLossError(kStorageCorrupt);
  if (in_memory_) {
    corrupt_ = true;
    return absl::DataLossError(kStorageCorrupt);
  }
  absl::StatusOr<std::unique_ptr<Connection>> fresh = OpenReader(options_);
  absl::Status verdict = fresh.status();
  if (fresh.ok()) {
    verdict = internal::CheckIntegrity(**fresh, IntegrityCheck::kFull,
                                       options_.corruption_check_steps);
    if (verdict.code() == absl::StatusCode::kDeadlineExceeded) {
      verdict = internal::CheckIntegrity(**fresh, IntegrityCheck::kQuick);
    }
  }
  if (verdict.code() == absl::StatusCode::kDataLoss) {
    internal::LogStoreProblem(
        "an integrity check confirms that the database is damaged: restore "
        "it from a backup");
    corrupt_ = true;
    return verdict;
  }
  internal::LogStoreProblem(
      "SQLite reported corruption that an integrity check on a fresh "
      "connection does not confirm: treated as an I/O error");
  return absl::UnavailableError(kStorageIoError);
}

void SqliteStore::Report(const absl::Status& status) {
  const StorageFault fault = ClassifyStorageStatus(status);
  if (!IsStorageFailing(fault)) return;
  absl::MutexLock lock(&observer_mu_);
  if (observer_ != nullptr) observer_->OnStorageFault(fault);
}

void SqliteStore::SetStorageObserver(StorageObserver* observer) {
  absl::MutexLock lock(&observer_mu_);
  observer_ = observer;
}

absl::Status SqliteStore::ProbeStorage() {
  if (in_memory_) return absl::OkStatus();
  {
    absl::MutexLock lock(&check_mu_);
    if (corrupt_) return absl::DataLossError(kStorageCorrupt);
  }
  // A fresh connection reads the header and the schema from the device: a
  // connection in use may answer from its cache.
  absl::Status read = [&]() -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<Connection> fresh,
                             OpenReader(options_));
    return fresh->Exec("SELECT count(*) FROM sqlite_schema");
  }();
  if (!read.ok()) {
    std::unique_ptr<Connection> none;
    return AfterFailure(std::move(read), none);
  }
  RAPPORT_RETURN_IF_ERROR(Write([](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&] {
      return conn.Exec(
          absl::StrCat("PRAGMA application_id = ", kApplicationId).c_str());
    });
  }));
  const int64_t free_bytes = internal::FreeDiskBytes(options_.path);
  if (free_bytes >= 0 && free_bytes < internal::kFullDiskBytes) {
    return absl::ResourceExhaustedError(kStorageFull);
  }
  return absl::OkStatus();
}

absl::StatusOr<UpsertResult> SqliteStore::UpsertMember(
    const TenantId& tenant, const model::Member& member, absl::Time now,
    const AuditContext* audit) {
  if (member.member_id.empty()) {
    return absl::InvalidArgumentError("member_id must not be empty");
  }
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<UpsertResult> results,
      UpsertMembers(tenant, absl::MakeConstSpan(&member, 1), now, audit));
  return std::move(results.front());
}

absl::StatusOr<std::vector<UpsertResult>> SqliteStore::UpsertMembers(
    const TenantId& tenant, absl::Span<const model::Member> members,
    absl::Time now, const AuditContext* audit) {
  for (const model::Member& member : members) {
    if (member.member_id.empty()) {
      return absl::InvalidArgumentError("member_id must not be empty");
    }
  }
  std::vector<UpsertResult> results;
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      results.clear();
      for (const model::Member& member : members) {
        RAPPORT_ASSIGN_OR_RETURN(
            results.emplace_back(),
            internal::PutMember(conn, tenant, member, now));
        RAPPORT_RETURN_IF_ERROR(internal::AuditChange(
            conn, tenant, audit,
            internal::PersonTarget(ErasureKind::kMember, member.member_id),
            results.back().created ? "created" : "updated"));
      }
      return absl::OkStatus();
    });
  }));
  return results;
}

absl::StatusOr<model::Member> SqliteStore::GetMember(
    const TenantId& tenant, const std::string& member_id) {
  std::optional<model::Member> member;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(member,
                             internal::FindMember(conn, tenant, member_id));
    return absl::OkStatus();
  }));
  if (!member.has_value()) return absl::NotFoundError("member not found");
  return *std::move(member);
}

absl::StatusOr<MemberPage> SqliteStore::ListMembers(
    const TenantId& tenant, const ListMembersQuery& query) {
  MemberPage page;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(page,
                             internal::ListMemberRows(conn, tenant, query));
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<int64_t> SqliteStore::DeleteMember(const TenantId& tenant,
                                                  const std::string& member_id,
                                                  const AuditContext* audit) {
  int64_t deleted = 0;
  const absl::Time now = audit != nullptr ? audit->time : absl::Now();
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(
          bool existed, internal::DeleteMemberRow(conn, tenant, member_id));
      if (!existed) return absl::NotFoundError("member not found");
      RAPPORT_ASSIGN_OR_RETURN(
          deleted, internal::DeleteMemberEvents(conn, tenant, member_id));
      RAPPORT_RETURN_IF_ERROR(
          internal::DeleteDailyCounts(conn, tenant, member_id));
      RAPPORT_RETURN_IF_ERROR(internal::DeleteThreads(conn, tenant, member_id));
      RAPPORT_RETURN_IF_ERROR(
          internal::DeleteScoreHistory(conn, tenant, member_id));
      RAPPORT_RETURN_IF_ERROR(
          internal::DeleteScoreFeedRow(conn, tenant, member_id));
      RAPPORT_RETURN_IF_ERROR(
          internal::DeleteHistoryWork(conn, tenant, member_id));
      RAPPORT_RETURN_IF_ERROR(
          internal::DeleteContacts(conn, tenant, member_id));
      RAPPORT_ASSIGN_OR_RETURN(
          int64_t goals, internal::DeleteMemberGoals(conn, tenant, member_id));
      RAPPORT_ASSIGN_OR_RETURN(
          internal::MemberReferences references,
          internal::DeleteMemberReferences(conn, tenant, member_id));
      const std::string erased_target =
          internal::ErasedPersonTarget(tenant, ErasureKind::kMember, member_id);
      RAPPORT_RETURN_IF_ERROR(internal::ReplaceAuditTarget(
          conn, tenant, internal::PersonTarget(ErasureKind::kMember, member_id),
          erased_target));
      RAPPORT_RETURN_IF_ERROR(internal::RecordErasure(
          conn, tenant, ErasureKind::kMember, member_id, now));
      return internal::AuditChange(
          conn, tenant, audit, erased_target,
          absl::StrCat("erased events=", deleted, " keys=", references.api_keys,
                       " manager_references=", references.managers,
                       " goals=", goals));
    });
  }));
  ScrubLog();
  return deleted;
}

absl::StatusOr<std::vector<AppendOutcome>> SqliteStore::AppendEvents(
    const TenantId& tenant, absl::Span<const model::Event> events,
    const AuditContext* audit) {
  std::vector<AppendOutcome> outcomes;
  if (events.empty()) return outcomes;
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(outcomes,
                               internal::IngestEvents(conn, tenant, events));
      return internal::AuditChange(conn, tenant, audit, "events",
                                   internal::IngestAuditDetail(outcomes));
    });
  }));
  return outcomes;
}

std::vector<absl::StatusOr<std::vector<AppendOutcome>>>
SqliteStore::AppendEventBatches(absl::Span<const EventBatch> batches) {
  if (batches.size() <= 1) return Store::AppendEventBatches(batches);
  // One transaction, so one sync, for the whole group.
  std::vector<std::vector<AppendOutcome>> outcomes(batches.size());
  const absl::Status merged = Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      for (size_t i = 0; i < batches.size(); ++i) {
        const EventBatch& batch = batches[i];
        if (batch.events.empty()) continue;
        RAPPORT_ASSIGN_OR_RETURN(
            outcomes[i],
            internal::IngestEvents(conn, batch.tenant, batch.events));
        RAPPORT_RETURN_IF_ERROR(
            internal::AuditChange(conn, batch.tenant, batch.audit, "events",
                                  internal::IngestAuditDetail(outcomes[i])));
      }
      return absl::OkStatus();
    });
  });
  if (!merged.ok()) {
    // Nothing of the group is stored: each batch alone, so that one
    // batch's failure is its own.
    return Store::AppendEventBatches(batches);
  }
  std::vector<absl::StatusOr<std::vector<AppendOutcome>>> results;
  results.reserve(batches.size());
  for (std::vector<AppendOutcome>& batch_outcomes : outcomes) {
    results.emplace_back(std::move(batch_outcomes));
  }
  return results;
}

absl::StatusOr<std::optional<absl::Time>> SqliteStore::FindErasure(
    const TenantId& tenant, ErasureKind kind, const std::string& id) {
  std::optional<absl::Time> erased;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(erased,
                             internal::SelectErasure(conn, tenant, kind, id));
    return absl::OkStatus();
  }));
  return erased;
}

void SqliteStore::ScrubLog() {
  // secure_delete zeroes an erased row's cells, but not the copies of them
  // that SQLite leaves in a page's unallocated space when it rebalances the
  // b-tree: only rewriting the database removes those. Then the write-ahead
  // log holds the rewritten pages and the database file still the old ones;
  // copying the log into the database and truncating it leaves the erased
  // rows nowhere. A reader on an older snapshot (the caches re-read the
  // changed members at once) keeps the checkpoint from completing: it is
  // tried again for a while, and otherwise the next checkpoint finishes the
  // job.
  absl::MutexLock lock(&writer_mu_);
  if (writer_ == nullptr) return;
  absl::Status vacuum = writer_->Exec("VACUUM");
  if (IsStorageFailing(ClassifyStorageStatus(vacuum))) {
    // Closes the writer after an I/O error, as a failed write does; the
    // next checkpoint finishes the job.
    AfterFailure(std::move(vacuum), writer_).IgnoreError();
    return;
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    absl::StatusOr<internal::Statement> checkpoint =
        writer_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!checkpoint.ok()) return;
    absl::StatusOr<bool> row = checkpoint->Step();
    // The first column is 1 when the checkpoint could not complete.
    if (row.ok() && *row && checkpoint->ColumnInt64(0) == 0) return;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

absl::StatusOr<model::MemberActivity> SqliteStore::ReadActivity(
    const TenantId& tenant, const std::string& member_id, absl::Time from,
    absl::Time to) {
  model::MemberActivity activity;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) {
    // One snapshot: the buckets and states agree with each other.
    return InTransaction(conn, TransactionKind::kRead, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(
          activity,
          internal::ReadMemberActivity(conn, tenant, member_id, from, to));
      return absl::OkStatus();
    });
  }));
  return activity;
}

}  // namespace rapport::store
