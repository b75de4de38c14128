// SqliteStore: the embedded Store, one SQLite database file per server.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so when
// AppendEvents (or any write) returns OK its transaction is synced to disk; a
// crash or kill -9 loses no acknowledged write and never exposes half a batch.
//
// Concurrency: thread-safe. Writes are serialized on one writer connection (a
// SQLite database has one writer at a time anyway). Reads run on a pool of
// reader connections and see the last committed state: WAL lets them proceed
// while a write is in progress. A ":memory:" database has a single
// connection, so there reads wait for writes.
//
// Errors: UNAVAILABLE when the database is busy (another process holds the
// write lock longer than busy_timeout) or on an I/O error; RESOURCE_EXHAUSTED
// when the disk is full (also when an I/O error comes from a filesystem with
// no space left); DATA_LOSS only when the file is damaged: SQLite's report
// of corruption is confirmed by an integrity check on a fresh connection
// first, and one that the check does not confirm (a device that failed
// under a connection) is an I/O error. INTERNAL for anything else
// unexpected. On any error the operation's transaction is rolled back.
// Messages never carry SQL or file paths (details go to stderr).
//
// Recovery: a connection that saw an I/O error is closed and opened afresh
// on its next use, so the store works again once the device does, without a
// restart. Each operation that fails because storage is failing is told to
// the StorageObserver (Store::SetStorageObserver); ProbeStorage writes and
// syncs one page to tell when storage works again.
#ifndef RAPPORT_SERVER_STORE_SQLITE_STORE_H_
#define RAPPORT_SERVER_STORE_SQLITE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/model/score_snapshot.h"
#include "server/store/integrity_check.h"
#include "server/store/storage_observer.h"
#include "server/store/store.h"

namespace rapport::store {

namespace internal {
class Connection;
}  // namespace internal

struct SqliteStoreOptions {
  // The database file, created (with its schema) when missing. ":memory:"
  // gives a private in-memory database that lives as long as the store.
  std::string path;
  // Connections that serve reads concurrently with the writer; >= 1. Unused
  // for ":memory:".
  int reader_connections = 4;
  // How long a statement waits for a lock held by another process before the
  // operation fails with UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
  // The page cache of each connection, in MiB; >= 1. An upper bound: it
  // fills as pages are used. Ingest touches index pages of every member in a
  // batch; keeping them cached saves re-reading them.
  int cache_mib = 32;
  // The SQLite VFS the connections use (registered with
  // sqlite3_vfs_register); empty for SQLite's default. Tests name a
  // fault-injecting one.
  std::string vfs;
  // Checked before the schema is migrated and the store serves: a damaged
  // database makes Open fail with DATA_LOSS. See integrity_check.h.
  IntegrityCheck integrity_check = IntegrityCheck::kQuick;
  // How much checking (thousands of SQLite VM steps, about a second per
  // 100000) may go into confirming that a failure reported as corruption is
  // real; when the full check cannot finish within it, the quick check
  // decides.
  int64_t corruption_check_steps = 100000;
};

class SqliteStore final : public Store, public ObservableStorage {
 public:
  // Opens or creates the database, checks its integrity
  // (options.integrity_check) and brings its schema up to date (see
  // migrations.h). INVALID_ARGUMENT for bad options; FAILED_PRECONDITION when
  // the database was written by a newer schema than this build knows or WAL
  // cannot be enabled; DATA_LOSS when the file is not a database or the
  // check finds it damaged; RESOURCE_EXHAUSTED kStorageFull when the disk
  // is full (less than 1 MiB free); UNAVAILABLE when the file cannot be opened
  // or read.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const SqliteStoreOptions& options);

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

  // Store. INVALID_ARGUMENT for an empty member_id (UpsertMember) or a
  // page_size < 1 (ListMembers) or from > to (ReadActivity). ReadActivity
  // orders daily buckets by (day, type, channel, seniority), threads by
  // thread_id and contacts by contact_id.
  using Store::AppendEvents;
  using Store::CreateTenant;
  using Store::DeleteMember;
  using Store::InsertApiKey;
  using Store::RevokeApiKey;
  using Store::UpsertMember;

  absl::StatusOr<UpsertResult> UpsertMember(const TenantId& tenant,
                                            const model::Member& member,
                                            absl::Time now,
                                            const AuditContext* audit) override;
  absl::StatusOr<std::vector<UpsertResult>> UpsertMembers(
      const TenantId& tenant, absl::Span<const model::Member> members,
      absl::Time now, const AuditContext* audit) override;
  absl::StatusOr<model::Member> GetMember(
      const TenantId& tenant, const std::string& member_id) override;
  absl::StatusOr<MemberPage> ListMembers(
      const TenantId& tenant, const ListMembersQuery& query) override;
  absl::StatusOr<int64_t> DeleteMember(const TenantId& tenant,
                                       const std::string& member_id,
                                       const AuditContext* audit) override;
  absl::StatusOr<std::vector<AppendOutcome>> AppendEvents(
      const TenantId& tenant, absl::Span<const model::Event> events,
      const AuditContext* audit) override;
  // One transaction and one sync for the whole group; when it fails, each
  // batch is appended again alone.
  std::vector<absl::StatusOr<std::vector<AppendOutcome>>> AppendEventBatches(
      absl::Span<const EventBatch> batches) override;
  absl::StatusOr<std::optional<absl::Time>> FindErasure(
      const TenantId& tenant, ErasureKind kind, const std::string& id) override;

  // Erasure and retention (sqlite_store_removal.cc).
  absl::StatusOr<ContactErasure> EraseContact(
      const TenantId& tenant, const std::string& contact_id, absl::Time now,
      const AuditContext* audit) override;
  absl::StatusOr<RetentionStep> ApplyRetention(const TenantId& tenant,
                                               absl::Time cutoff,
                                               absl::CivilDay snapshot_cutoff,
                                               int max_events,
                                               absl::Time now) override;
  absl::StatusOr<model::MemberActivity> ReadActivity(
      const TenantId& tenant, const std::string& member_id, absl::Time from,
      absl::Time to) override;

  // Daily score history (sqlite_store_history.cc). INVALID_ARGUMENT for a
  // snapshot figure that is not finite (WriteScoreSnapshots, which then
  // writes nothing), first > last (ReadScoreHistory) or limit < 1
  // (ListHistoryWork). DeleteMember also deletes the member's snapshots and
  // history work. A tenant's history_work versions come from a counter that
  // never goes back, one value per AppendEvents batch.
  absl::StatusOr<std::vector<TenantId>> ListTenants() override;
  absl::Status WriteScoreSnapshots(
      const TenantId& tenant,
      absl::Span<const model::ScoreSnapshot> snapshots) override;
  absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadScoreHistory(
      const TenantId& tenant, const std::string& member_id,
      absl::CivilDay first, absl::CivilDay last) override;
  absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadScoresOfDay(
      const TenantId& tenant, absl::CivilDay day) override;
  absl::StatusOr<std::vector<HistoryWork>> ListHistoryWork(
      const TenantId& tenant, int limit) override;
  absl::Status CompleteHistoryWork(const TenantId& tenant,
                                   const HistoryWork& work) override;
  absl::Status CompleteHistoryWorkBatch(
      const TenantId& tenant, absl::Span<const HistoryWork> work) override;
  absl::StatusOr<std::optional<absl::CivilDay>> RecordedThrough(
      const TenantId& tenant) override;
  absl::Status SetRecordedThrough(const TenantId& tenant,
                                  absl::CivilDay day) override;

  // The score changes feed (sqlite_store_feed.cc). INVALID_ARGUMENT for a
  // figure that is not finite (WriteScoreFeed, which then writes nothing)
  // or a page_size < 1 (ListScoreFeed).
  absl::StatusOr<std::vector<ScoreFeedEntry>> ReadScoreFeed(
      const TenantId& tenant) override;
  absl::StatusOr<int64_t> WriteScoreFeed(const TenantId& tenant,
                                         absl::Span<const ScoreFeedRow> changes,
                                         absl::Time now) override;
  absl::StatusOr<int64_t> ScoreFeedSeq(const TenantId& tenant) override;
  absl::StatusOr<ScoreFeedPage> ListScoreFeed(
      const TenantId& tenant, const ScoreFeedQuery& query) override;

  // Goals (sqlite_store_goals.cc).
  absl::Status CreateGoal(const TenantId& tenant, const GoalRecord& goal,
                          const AuditContext* audit) override;
  absl::StatusOr<std::vector<GoalRecord>> ListGoals(
      const TenantId& tenant, const GoalFilter& filter) override;
  absl::Status DeleteGoal(const TenantId& tenant, const std::string& goal_id,
                          const AuditContext* audit) override;

  absl::StatusOr<TenantRecord> CreateTenant(const TenantRecord& tenant,
                                            const ApiKeyRecord* first_key,
                                            const AuditContext* audit) override;
  absl::StatusOr<std::optional<TenantRecord>> FindTenant(
      const TenantId& tenant) override;
  absl::Status InsertApiKey(const ApiKeyRecord& key,
                            const AuditContext* audit) override;
  absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKey(
      const std::string& key_id) override;
  absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(
      const TenantId& tenant) override;
  absl::StatusOr<ApiKeyRecord> RevokeApiKey(const TenantId& tenant,
                                            const std::string& key_id,
                                            absl::Time now,
                                            const AuditContext* audit) override;
  absl::Status RecordApiKeyUse(const std::string& key_id,
                               absl::Time when) override;

  absl::Status AppendAudit(absl::Span<const AuditEntry> entries) override;
  absl::StatusOr<AuditPage> ListAudit(const TenantId& tenant,
                                      const AuditQuery& query) override;

  // ObservableStorage.
  void SetStorageObserver(StorageObserver* observer) override
      ABSL_LOCKS_EXCLUDED(observer_mu_);
  // Reads the schema on a fresh connection, writes the database header's
  // application id (one page) in a transaction synced to disk, then checks
  // that the filesystem has space left (RESOURCE_EXHAUSTED kStorageFull
  // below 1 MiB). OK at once for ":memory:".
  absl::Status ProbeStorage() override;

  // Backup (sqlite_store_backup.cc): SQLite's online backup from a reader
  // connection, so that writes go on during the copy (WAL). The copy is a
  // self-contained database in rollback-journal mode, checked with PRAGMA
  // quick_check and for this build's schema version before it is named.
  // An in-memory store is copied too, but holds its one connection (and so
  // every other call) for the copy.
  absl::StatusOr<BackupResult> Backup(const std::string& directory,
                                      const std::string& name,
                                      const Clock& clock) override;

 private:
  SqliteStore(const SqliteStoreOptions& options,
              std::unique_ptr<internal::Connection> writer,
              std::vector<std::unique_ptr<internal::Connection>> readers);

  // Runs `body` on the writer, holding writer_mu_, reopening the writer
  // first when an I/O error closed it.
  absl::Status Write(
      absl::FunctionRef<absl::Status(internal::Connection&)> body)
      ABSL_LOCKS_EXCLUDED(writer_mu_);
  // Runs `body` on an idle reader (waiting for one), or on the writer when
  // there are no readers (":memory:").
  absl::Status Read(absl::FunctionRef<absl::Status(internal::Connection&)> body)
      ABSL_LOCKS_EXCLUDED(writer_mu_, pool_mu_);
  // The status a failed operation returns, `status` made precise: a
  // corruption report confirmed or turned into an I/O error, an I/O error on
  // a full disk turned into kStorageFull. Closes `conn` (to be reopened on
  // its next use) when it saw an I/O error.
  absl::Status AfterFailure(absl::Status status,
                            std::unique_ptr<internal::Connection>& conn);
  // DATA_LOSS when an integrity check on a fresh connection finds the
  // database damaged; UNAVAILABLE kStorageIoError when it finds it sound or
  // cannot read it.
  absl::Status ConfirmCorruption() ABSL_LOCKS_EXCLUDED(check_mu_);
  // Tells the observer when `status` says storage is failing.
  void Report(const absl::Status& status) ABSL_LOCKS_EXCLUDED(observer_mu_);
  // After an erasure: rewrites the database (VACUUM) and then checkpoints
  // and truncates the write-ahead log, so that no copy of an erased row
  // stays in the files; best effort.
  void ScrubLog() ABSL_LOCKS_EXCLUDED(writer_mu_);

  const SqliteStoreOptions options_;
  const bool in_memory_;

  absl::Mutex writer_mu_;
  // Null after an I/O error closed it, until the next write reopens it.
  // Declared before the readers: it closes last and checkpoints the WAL.
  std::unique_ptr<internal::Connection> writer_ ABSL_GUARDED_BY(writer_mu_);

  // The readers not lent out; a null one is reopened when next lent.
  absl::Mutex pool_mu_;
  std::vector<std::unique_ptr<internal::Connection>> idle_readers_
      ABSL_GUARDED_BY(pool_mu_);

  // Serializes confirmations; a confirmed corruption is remembered (the
  // file does not heal by itself).
  absl::Mutex check_mu_;
  bool corrupt_ ABSL_GUARDED_BY(check_mu_) = false;

  absl::Mutex observer_mu_;
  StorageObserver* observer_ ABSL_GUARDED_BY(observer_mu_) = nullptr;
};

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_SQLITE_STORE_H_
