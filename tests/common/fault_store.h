// FaultStore: a Store decorator for tests. Every call goes to the wrapped
// store unless the test told that method to fail (it then returns the given
// status without touching the wrapped store), and ReadActivity can be held
// at a gate, so that a test can keep a score build in flight while it checks
// what other threads see meanwhile.
//
// Thread-safe, like the store it wraps. Does not own the wrapped store
// unless constructed from a unique_ptr.
#ifndef RAPPORT_TESTS_COMMON_FAULT_STORE_H_
#define RAPPORT_TESTS_COMMON_FAULT_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/storage_observer.h"
#include "server/store/store.h"

namespace rapport::testing {

// The Store methods a FaultStore can make fail.
enum class StoreOp {
  kUpsertMember,
  kGetMember,
  kListMembers,
  kDeleteMember,
  kAppendEvents,
  kReadActivity,
  kListTenants,
  kWriteScoreSnapshots,
  kReadScoreHistory,
  kReadScoresOfDay,
  kListHistoryWork,
  kCompleteHistoryWork,
  kRecordedThrough,
  kSetRecordedThrough,
  kEraseContact,
  kApplyRetention,
  kBackup,  // Keep last: FailAll covers every op up to it.
};

class FaultStore final : public store::Store, public store::ObservableStorage {
 public:
  explicit FaultStore(store::Store* inner) : inner_(inner) {}
  explicit FaultStore(std::unique_ptr<store::Store> inner)
      : owned_(std::move(inner)), inner_(owned_.get()) {}

  // Every later call of `op` returns `status` (not OK) until Heal(op).
  void Fail(StoreOp op, absl::Status status) {
    absl::MutexLock lock(&mu_);
    failures_[op] = std::move(status);
  }
  // Every method fails with `status` until HealAll().
  void FailAll(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    for (int op = 0; op <= static_cast<int>(StoreOp::kBackup); ++op) {
      failures_[static_cast<StoreOp>(op)] = status;
    }
  }
  void Heal(StoreOp op) {
    absl::MutexLock lock(&mu_);
    failures_.erase(op);
  }
  void HealAll() {
    absl::MutexLock lock(&mu_);
    failures_.clear();
  }

  // From now on ReadActivity waits at the gate (before reading) until
  // OpenGate(). Only calls for `member_id` wait when it is not empty.
  void CloseGate(const std::string& member_id = "") {
    absl::MutexLock lock(&mu_);
    gate_closed_ = true;
    gate_member_ = member_id;
  }
  void OpenGate() {
    absl::MutexLock lock(&mu_);
    gate_closed_ = false;
  }
  // Blocks until at least `n` ReadActivity calls are (or were) held at the
  // gate since it was created, or `timeout` passes; true when they were.
  bool AwaitHeld(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return held_total_ >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  // How many ReadActivity calls are waiting at the gate right now.
  int held_now() const {
    absl::MutexLock lock(&mu_);
    return held_now_;
  }
  // How many ReadActivity calls reached the wrapped store.
  int read_activity_calls() const {
    absl::MutexLock lock(&mu_);
    return read_activity_calls_;
  }

  // From now on the member and event writes (UpsertMember, UpsertMembers,
  // AppendEvents) wait before writing until OpenWriteGate(): a stalled
  // disk, as the writer thread sees it.
  void CloseWriteGate() {
    absl::MutexLock lock(&mu_);
    write_gate_closed_ = true;
  }
  void OpenWriteGate() {
    absl::MutexLock lock(&mu_);
    write_gate_closed_ = false;
  }
  // Blocks until at least `n` writes are (or were) held at the write gate,
  // or `timeout` passes; true when they were.
  bool AwaitWritesHeld(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return writes_held_total_ >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  // How many AppendEvents calls reached the wrapped store.
  int append_events_calls() const {
    absl::MutexLock lock(&mu_);
    return append_events_calls_;
  }

  using store::Store::AppendEvents;
  using store::Store::CreateTenant;
  using store::Store::DeleteMember;
  using store::Store::InsertApiKey;
  using store::Store::RevokeApiKey;
  using store::Store::UpsertMember;

  absl::StatusOr<store::UpsertResult> UpsertMember(
      const store::TenantId& tenant, const model::Member& member,
      absl::Time now, const store::AuditContext* audit) override {
    if (auto s = FailureOf(StoreOp::kUpsertMember)) return *s;
    WaitAtWriteGate();
    return inner_->UpsertMember(tenant, member, now, audit);
  }
  absl::StatusOr<model::Member> GetMember(
      const store::TenantId& tenant, const std::string& member_id) override {
    if (auto s = FailureOf(StoreOp::kGetMember)) return *s;
    return inner_->GetMember(tenant, member_id);
  }
  absl::StatusOr<store::MemberPage> ListMembers(
      const store::TenantId& tenant,
      const store::ListMembersQuery& query) override {
    if (auto s = FailureOf(StoreOp::kListMembers)) return *s;
    return inner_->ListMembers(tenant, query);
  }
  absl::StatusOr<int64_t> DeleteMember(
      const store::TenantId& tenant, const std::string& member_id,
      const store::AuditContext* audit) override {
    if (auto s = FailureOf(StoreOp::kDeleteMember)) return *s;
    return inner_->DeleteMember(tenant, member_id, audit);
  }
  absl::StatusOr<std::vector<store::UpsertResult>> UpsertMembers(
      const store::TenantId& tenant, absl::Span<const model::Member> members,
      absl::Time now, const store::AuditContext* audit) override {
    if (auto s = FailureOf(StoreOp::kUpsertMember)) return *s;
    WaitAtWriteGate();
    return inner_->UpsertMembers(tenant, members, now, audit);
  }
  absl::StatusOr<std::vector<store::ScoreFeedEntry>> ReadScoreFeed(
      const store::TenantId& tenant) override {
    return inner_->ReadScoreFeed(tenant);
  }
  absl::StatusOr<int64_t> WriteScoreFeed(
      const store::TenantId& tenant,
      absl::Span<const store::ScoreFeedRow> changes, absl::Time now) override {
    return inner_->WriteScoreFeed(tenant, changes, now);
  }
  absl::StatusOr<int64_t> ScoreFeedSeq(const store::TenantId& tenant) override {
    return inner_->ScoreFeedSeq(tenant);
  }
  absl::StatusOr<store::ScoreFeedPage> ListScoreFeed(
      const store::TenantId& tenant,
      const store::ScoreFeedQuery& query) override {
    return inner_->ListScoreFeed(tenant, query);
  }
  absl::Status CreateGoal(const store::TenantId& tenant,
                          const store::GoalRecord& goal,
                          const store::AuditContext* audit) override {
    return inner_->CreateGoal(tenant, goal, audit);
  }
  absl::StatusOr<std::vector<store::GoalRecord>> ListGoals(
      const store::TenantId& tenant, const store::GoalFilter& filter) override {
    return inner_->ListGoals(tenant, filter);
  }
  absl::Status DeleteGoal(const store::TenantId& tenant,
                          const std::string& goal_id,
                          const store::AuditContext* audit) override {
    return inner_->DeleteGoal(tenant, goal_id, audit);
  }
  absl::StatusOr<std::vector<store::AppendOutcome>> AppendEvents(
      const store::TenantId& tenant, absl::Span<const model::Event> events,
      const store::AuditContext* audit) override {
    if (auto s = FailureOf(StoreOp::kAppendEvents)) return *s;
    WaitAtWriteGate();
    {
      absl::MutexLock lock(&mu_);
      ++append_events_calls_;
    }
    return inner_->AppendEvents(tenant, events, audit);
  }
  absl::StatusOr<std::optional<absl::Time>> FindErasure(
      const store::TenantId& tenant, store::ErasureKind kind,
      const std::string& id) override {
    return inner_->FindErasure(tenant, kind, id);
  }
  absl::StatusOr<store::ContactErasure> EraseContact(
      const store::TenantId& tenant, const std::string& contact_id,
      absl::Time now, const store::AuditContext* audit) override {
    if (auto s = FailureOf(StoreOp::kEraseContact)) return *s;
    return inner_->EraseContact(tenant, contact_id, now, audit);
  }
  absl::StatusOr<store::RetentionStep> ApplyRetention(
      const store::TenantId& tenant, absl::Time cutoff,
      absl::CivilDay snapshot_cutoff, int max_events, absl::Time now) override {
    if (auto s = FailureOf(StoreOp::kApplyRetention)) return *s;
    return inner_->ApplyRetention(tenant, cutoff, snapshot_cutoff, max_events,
                                  now);
  }
  absl::StatusOr<model::MemberActivity> ReadActivity(
      const store::TenantId& tenant, const std::string& member_id,
      absl::Time from, absl::Time to) override {
    if (auto s = FailureOf(StoreOp::kReadActivity)) return *s;
    WaitAtGate(member_id);
    {
      absl::MutexLock lock(&mu_);
      ++read_activity_calls_;
    }
    return inner_->ReadActivity(tenant, member_id, from, to);
  }
  absl::StatusOr<std::vector<store::TenantId>> ListTenants() override {
    if (auto s = FailureOf(StoreOp::kListTenants)) return *s;
    return inner_->ListTenants();
  }
  absl::Status WriteScoreSnapshots(
      const store::TenantId& tenant,
      absl::Span<const model::ScoreSnapshot> snapshots) override {
    if (auto s = FailureOf(StoreOp::kWriteScoreSnapshots)) return *s;
    return inner_->WriteScoreSnapshots(tenant, snapshots);
  }
  absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadScoreHistory(
      const store::TenantId& tenant, const std::string& member_id,
      absl::CivilDay first, absl::CivilDay last) override {
    if (auto s = FailureOf(StoreOp::kReadScoreHistory)) return *s;
    return inner_->ReadScoreHistory(tenant, member_id, first, last);
  }
  absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadScoresOfDay(
      const store::TenantId& tenant, absl::CivilDay day) override {
    if (auto s = FailureOf(StoreOp::kReadScoresOfDay)) return *s;
    return inner_->ReadScoresOfDay(tenant, day);
  }
  absl::StatusOr<std::vector<store::HistoryWork>> ListHistoryWork(
      const store::TenantId& tenant, int limit) override {
    if (auto s = FailureOf(StoreOp::kListHistoryWork)) return *s;
    return inner_->ListHistoryWork(tenant, limit);
  }
  absl::Status CompleteHistoryWork(const store::TenantId& tenant,
                                   const store::HistoryWork& work) override {
    if (auto s = FailureOf(StoreOp::kCompleteHistoryWork)) return *s;
    return inner_->CompleteHistoryWork(tenant, work);
  }
  absl::StatusOr<std::optional<absl::CivilDay>> RecordedThrough(
      const store::TenantId& tenant) override {
    if (auto s = FailureOf(StoreOp::kRecordedThrough)) return *s;
    return inner_->RecordedThrough(tenant);
  }
  absl::Status SetRecordedThrough(const store::TenantId& tenant,
                                  absl::CivilDay day) override {
    if (auto s = FailureOf(StoreOp::kSetRecordedThrough)) return *s;
    return inner_->SetRecordedThrough(tenant, day);
  }

  // Tenants, API keys and the audit trail pass through without faults.
  absl::StatusOr<store::TenantRecord> CreateTenant(
      const store::TenantRecord& tenant, const store::ApiKeyRecord* first_key,
      const store::AuditContext* audit) override {
    return inner_->CreateTenant(tenant, first_key, audit);
  }
  absl::StatusOr<std::optional<store::TenantRecord>> FindTenant(
      const store::TenantId& tenant) override {
    return inner_->FindTenant(tenant);
  }
  absl::Status InsertApiKey(const store::ApiKeyRecord& key,
                            const store::AuditContext* audit) override {
    return inner_->InsertApiKey(key, audit);
  }
  absl::StatusOr<std::optional<store::ApiKeyRecord>> FindApiKey(
      const std::string& key_id) override {
    return inner_->FindApiKey(key_id);
  }
  absl::StatusOr<std::vector<store::ApiKeyRecord>> ListApiKeys(
      const store::TenantId& tenant) override {
    return inner_->ListApiKeys(tenant);
  }
  absl::StatusOr<store::ApiKeyRecord> RevokeApiKey(
      const store::TenantId& tenant, const std::string& key_id, absl::Time now,
      const store::AuditContext* audit) override {
    return inner_->RevokeApiKey(tenant, key_id, now, audit);
  }
  absl::Status RecordApiKeyUse(const std::string& key_id,
                               absl::Time when) override {
    return inner_->RecordApiKeyUse(key_id, when);
  }
  absl::Status AppendAudit(
      absl::Span<const store::AuditEntry> entries) override {
    return inner_->AppendAudit(entries);
  }
  absl::StatusOr<store::AuditPage> ListAudit(
      const store::TenantId& tenant, const store::AuditQuery& query) override {
    return inner_->ListAudit(tenant, query);
  }
  // store::ObservableStorage, forwarded when the wrapped store has it.
  void SetStorageObserver(store::StorageObserver* observer) override {
    auto* observable = dynamic_cast<store::ObservableStorage*>(inner_);
    if (observable != nullptr) observable->SetStorageObserver(observer);
  }
  absl::Status ProbeStorage() override {
    auto* observable = dynamic_cast<store::ObservableStorage*>(inner_);
    return observable != nullptr ? observable->ProbeStorage()
                                 : absl::OkStatus();
  }
  absl::StatusOr<store::BackupResult> Backup(const std::string& directory,
                                             const std::string& name,
                                             const Clock& clock) override {
    if (auto s = FailureOf(StoreOp::kBackup)) return *s;
    return inner_->Backup(directory, name, clock);
  }

 private:
  std::optional<absl::Status> FailureOf(StoreOp op) const {
    absl::MutexLock lock(&mu_);
    auto it = failures_.find(op);
    if (it == failures_.end()) return std::nullopt;
    return it->second;
  }

  void WaitAtGate(const std::string& member_id) {
    absl::MutexLock lock(&mu_);
    if (!gate_closed_ || (!gate_member_.empty() && gate_member_ != member_id)) {
      return;
    }
    ++held_now_;
    ++held_total_;
    auto open = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !gate_closed_;
    };
    mu_.Await(absl::Condition(&open));
    --held_now_;
  }

  void WaitAtWriteGate() {
    absl::MutexLock lock(&mu_);
    if (!write_gate_closed_) return;
    ++writes_held_total_;
    auto open = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !write_gate_closed_;
    };
    mu_.Await(absl::Condition(&open));
  }

  std::unique_ptr<store::Store> owned_;
  store::Store* const inner_;
  mutable absl::Mutex mu_;
  std::map<StoreOp, absl::Status> failures_ ABSL_GUARDED_BY(mu_);
  bool gate_closed_ ABSL_GUARDED_BY(mu_) = false;
  std::string gate_member_ ABSL_GUARDED_BY(mu_);
  int held_now_ ABSL_GUARDED_BY(mu_) = 0;
  int held_total_ ABSL_GUARDED_BY(mu_) = 0;
  int read_activity_calls_ ABSL_GUARDED_BY(mu_) = 0;
  bool write_gate_closed_ ABSL_GUARDED_BY(mu_) = false;
  int writes_held_total_ ABSL_GUARDED_BY(mu_) = 0;
  int append_events_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_FAULT_STORE_H_
