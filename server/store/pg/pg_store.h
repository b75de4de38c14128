// PgStore: the Store over PostgreSQL, for deployments that run several
// rapportd replicas over one database (docs/scale-out.md).
//
// Durability: a write returns OK once its transaction has committed;
// PostgreSQL's own settings (synchronous_commit, replication) say where that
// commit lives. A batch is one transaction: never half applied.
//
// Concurrency: thread-safe. Every operation leases a connection from a
// bounded pool (PgStoreOptions::connections) for its duration. Several
// processes may share the database: writers of one tenant serialize on the
// tenant's rows where they must (the history work counter, the member
// change log's counter), and a transaction that loses a serialization race
// is run again.
//
// Errors: as SqliteStore's, from the same texts (server/store/errors.h):
// UNAVAILABLE when the server cannot be reached, a connection is lost or no
// connection is free within PgStoreOptions::wait; RESOURCE_EXHAUSTED when
// the server's disk is full; DATA_LOSS when it reports corrupt data;
// INTERNAL otherwise. Messages never carry SQL or server text (details go
// to stderr).
#ifndef RAPPORT_SERVER_STORE_PG_PG_STORE_H_
#define RAPPORT_SERVER_STORE_PG_PG_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/store/pg/pg_pool.h"
#include "server/store/store.h"

namespace rapport::store::pg {

struct PgStoreOptions {
  // A libpq connection URI ("postgresql://user@host:5432/rapport").
  std::string uri;
  // The most connections open at once; >= 1.
  int connections = 8;
  // How long an operation waits for a free connection.
  absl::Duration wait = absl::Seconds(5);
};

// True when `db` names a PostgreSQL database (a postgresql:// or
// postgres:// URI) rather than a SQLite file.
bool IsPgUri(const std::string& db);

class PgStore final : public Store {
 public:
  // Connects and brings the schema up to date (pg_migrations.h).
  // INVALID_ARGUMENT for bad options; UNAVAILABLE when the server cannot be
  // reached; FAILED_PRECONDITION when the database has a newer schema than
  // this build.
  static absl::StatusOr<std::unique_ptr<PgStore>> Open(
      const PgStoreOptions& options);

  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;
  ~PgStore() override;

  using Store::AppendEvents;
  using Store::CreateTenant;
  using Store::DeleteMember;
  using Store::InsertApiKey;
  using Store::RevokeApiKey;
  using Store::UpsertMember;

  // Members (pg_store_members.cc).
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

  // Events and what is derived from them (pg_store_events.cc).
  absl::StatusOr<std::vector<AppendOutcome>> AppendEvents(
      const TenantId& tenant, absl::Span<const model::Event> events,
      const AuditContext* audit) override;
  std::vector<absl::StatusOr<std::vector<AppendOutcome>>> AppendEventBatches(
      absl::Span<const EventBatch> batches) override;
  absl::StatusOr<model::MemberActivity> ReadActivity(
      const TenantId& tenant, const std::string& member_id, absl::Time from,
      absl::Time to) override;

  // Deletion, erasure and retention (pg_store_removal.cc).
  absl::StatusOr<int64_t> DeleteMember(const TenantId& tenant,
                                       const std::string& member_id,
                                       const AuditContext* audit) override;
  absl::StatusOr<std::optional<absl::Time>> FindErasure(
      const TenantId& tenant, ErasureKind kind, const std::string& id) override;
  absl::StatusOr<ContactErasure> EraseContact(
      const TenantId& tenant, const std::string& contact_id, absl::Time now,
      const AuditContext* audit) override;
  absl::StatusOr<RetentionStep> ApplyRetention(const TenantId& tenant,
                                               absl::Time cutoff,
                                               absl::CivilDay snapshot_cutoff,
                                               int max_events,
                                               absl::Time now) override;

  // Daily score history, the score changes feed and goals
  // (pg_store_history.cc).
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
  absl::StatusOr<std::vector<ScoreFeedEntry>> ReadScoreFeed(
      const TenantId& tenant) override;
  absl::StatusOr<int64_t> WriteScoreFeed(const TenantId& tenant,
                                         absl::Span<const ScoreFeedRow> changes,
                                         absl::Time now) override;
  absl::StatusOr<int64_t> ScoreFeedSeq(const TenantId& tenant) override;
  absl::StatusOr<ScoreFeedPage> ListScoreFeed(
      const TenantId& tenant, const ScoreFeedQuery& query) override;
  absl::Status CreateGoal(const TenantId& tenant, const GoalRecord& goal,
                          const AuditContext* audit) override;
  absl::StatusOr<std::vector<GoalRecord>> ListGoals(
      const TenantId& tenant, const GoalFilter& filter) override;
  absl::Status DeleteGoal(const TenantId& tenant, const std::string& goal_id,
                          const AuditContext* audit) override;

  // Tenants, API keys and the audit trail (pg_store_access.cc).
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

  // FAILED_PRECONDITION: a PostgreSQL database is backed up with its own
  // tools (pg_dump, base backups, replication; docs/backup.md).
  absl::StatusOr<BackupResult> Backup(const std::string& directory,
                                      const std::string& name,
                                      const Clock& clock) override;

  // The pool every operation leases its connection from.
  PgPool& pool() { return pool_; }

 private:
  explicit PgStore(const PgStoreOptions& options);

  PgPool pool_;

  // Several replicas over one database: the member change log and the
  // deployment's lease (pg_store_replicas.cc).
 public:
  bool Shared() const override { return true; }
  absl::StatusOr<int64_t> MemberChangeSeq(const TenantId& tenant) override;
  // The one read over every tenant the follower makes (a multi-shard
  // SELECT under Citus: docs/scale-out.md).
  absl::StatusOr<std::vector<std::pair<TenantId, int64_t>>> MemberChangeSeqs()
      override;
  absl::StatusOr<MemberChanges> ReadMemberChanges(const TenantId& tenant,
                                                  int64_t after_seq,
                                                  int limit) override;
  absl::StatusOr<int64_t> PruneMemberChanges(const TenantId& tenant,
                                             absl::Time before) override;
  // A session-level advisory lock taken with pg_try_advisory_lock on a
  // connection of its own (not the pool's), held while that connection
  // lives: PostgreSQL releases it when this process dies or the connection
  // drops, and another replica takes it at its next call. Each call checks
  // the connection with a round trip.
  absl::StatusOr<bool> HoldLease() override;

 private:
  struct ReplicaLease;  // The lease's connection (pg_store_replicas.cc).
  absl::Mutex lease_mu_;
  // shared_ptr: destroyed where ReplicaLease is incomplete.
  std::shared_ptr<ReplicaLease> lease_ ABSL_GUARDED_BY(lease_mu_);
};

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_STORE_H_
