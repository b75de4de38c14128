#include "server/core/change_follower.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/list_all_members.h"

namespace rapport::core {

ChangeFollower::ChangeFollower(store::Store* store,
                               store::MemberChangeListener* listener,
                               const Clock* clock,
                               ChangeFollowerOptions options)
    : store_(store),
      listener_(listener),
      clock_(clock),
      options_(std::move(options)) {}

ChangeFollower::~ChangeFollower() { Stop(); }

absl::Status ChangeFollower::Prime() {
  absl::StatusOr<std::vector<std::pair<store::TenantId, int64_t>>> seqs =
      store_->MemberChangeSeqs();
  if (!seqs.ok()) return seqs.status();
  absl::MutexLock lock(&mu_);
  for (const auto& [tenant, seq] : *seqs) seq_[tenant] = seq;
  return absl::OkStatus();
}

absl::Status ChangeFollower::FollowTenant(const store::TenantId& tenant) {
  int64_t& seq = seq_[tenant];  // 0 for a tenant new to this follower.
  for (;;) {
    absl::StatusOr<store::MemberChanges> changes =
        store_->ReadMemberChanges(tenant, seq, options_.batch);
    if (!changes.ok()) return changes.status();
    std::vector<std::string> members = std::move(changes->member_ids);
    if (changes->pruned) {
      absl::StatusOr<std::vector<model::Member>> all =
          store::ListAllMembers(*store_, tenant);
      if (!all.ok()) return all.status();
      members.clear();
      for (const model::Member& member : *all) {
        members.push_back(member.member_id);
      }
    }
    // Told before the number moves on: a listener never misses a change.
    if (!members.empty()) listener_->OnMembersChanged(tenant, members);
    seq = changes->seq;
    if (!changes->more || periodic_.StopRequested()) return absl::OkStatus();
  }
}

absl::Status ChangeFollower::PollOnce() {
  // One read says which tenants moved; only those are read further.
  absl::StatusOr<std::vector<std::pair<store::TenantId, int64_t>>> seqs =
      store_->MemberChangeSeqs();
  if (!seqs.ok()) return seqs.status();
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  const bool prune = now - last_prune_ >= options_.prune_interval;
  absl::Status first;
  for (const auto& [tenant, newest] : *seqs) {
    auto known = seq_.find(tenant);
    // A number behind this follower's (a restored database) is read too:
    // the store then says the log was reset.
    absl::Status status = known != seq_.end() && known->second == newest
                              ? absl::OkStatus()
                              : FollowTenant(tenant);
    if (status.ok() && prune) {
      status = store_->PruneMemberChanges(tenant, now - options_.keep).status();
    }
    if (!status.ok() && first.ok()) {
      first = absl::Status(status.code(), absl::StrCat("tenant ", tenant, ": ",
                                                       status.message()));
    }
  }
  if (prune && first.ok()) last_prune_ = now;
  return first;
}

void ChangeFollower::Start(int nice) {
  periodic_.Start(
      options_.poll, [this] { return PollOnce(); }, nice);
}

int64_t ChangeFollower::SeqOf(const store::TenantId& tenant) const {
  absl::MutexLock lock(&mu_);
  auto it = seq_.find(tenant);
  return it == seq_.end() ? 0 : it->second;
}

}  // namespace rapport::core
