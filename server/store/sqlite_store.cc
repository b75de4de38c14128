#include "server/store/sqlite_store.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/activity_reader.h"
#include "server/store/audit_table.h"
#include "server/store/contact_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/event_ingest.h"
#include "server/store/event_table.h"
#include "server/store/goal_table.h"
#include "server/store/history_work_table.h"
#include "server/store/member_table.h"
#include "server/store/migrations.h"
#include "server/store/score_change_table.h"
#include "server/store/score_history_table.h"
#include "server/store/sqlite_connection.h"
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

// "accepted=3 duplicates=1 ..." with the outcomes that occurred.
std::string OutcomeSummary(absl::Span<const AppendOutcome> outcomes) {
  // In the order of AppendOutcome.
  constexpr const char* kNames[] = {"accepted",       "duplicates",
                                    "unknown_member", "conflicts",
                                    "erased_member",  "erased_contact"};
  int64_t counts[std::size(kNames)] = {};
  for (AppendOutcome outcome : outcomes) ++counts[static_cast<int>(outcome)];
  std::string summary = absl::StrCat("events=", outcomes.size());
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (counts[i] > 0)
      absl::StrAppend(&summary, " ", kNames[i], "=", counts[i]);
  }
  return summary;
}

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
  RAPPORT_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> writer,
      Connection::Open(options.path, Connection::Access::kReadWrite,
                       options.busy_timeout, options.cache_mib));
  RAPPORT_RETURN_IF_ERROR(ConfigureWriter(*writer, in_memory));
  RAPPORT_RETURN_IF_ERROR(
      internal::ApplyMigrations(*writer, internal::StoreMigrations()));
  std::vector<std::unique_ptr<Connection>> readers;
  if (!in_memory) {
    for (int i = 0; i < options.reader_connections; ++i) {
      RAPPORT_ASSIGN_OR_RETURN(
          readers.emplace_back(),
          Connection::Open(options.path, Connection::Access::kReadOnly,
                           options.busy_timeout, options.cache_mib));
    }
  }
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(writer), std::move(readers)));
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> writer,
                         std::vector<std::unique_ptr<Connection>> readers)
    : writer_(std::move(writer)), readers_(std::move(readers)) {
  absl::MutexLock lock(&pool_mu_);
  for (const auto& reader : readers_) idle_readers_.push_back(reader.get());
}

// Readers close before the writer, which then checkpoints the WAL.
SqliteStore::~SqliteStore() = default;

absl::Status SqliteStore::Write(
    absl::FunctionRef<absl::Status(Connection&)> body) {
  absl::MutexLock lock(&writer_mu_);
  return body(*writer_);
}

absl::Status SqliteStore::Read(
    absl::FunctionRef<absl::Status(Connection&)> body) {
  if (readers_.empty()) return Write(body);
  pool_mu_.LockWhen(absl::Condition(
      +[](std::vector<Connection*>* idle) { return !idle->empty(); },
      &idle_readers_));
  Connection* reader = idle_readers_.back();
  idle_readers_.pop_back();
  pool_mu_.Unlock();
  absl::Status status = body(*reader);
  absl::MutexLock lock(&pool_mu_);
  idle_readers_.push_back(reader);
  return status;
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
                                   OutcomeSummary(outcomes));
    });
  }));
  return outcomes;
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
  writer_->Exec("VACUUM").IgnoreError();
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
