// ChangeFollower: tells this process's caches of the member changes other
// processes made to a shared store (Store's "Several processes over one
// store").
//
// A poll reads every tenant's newest change number in one store call
// (Store::MemberChangeSeqs); for each tenant whose number moved, it reads
// the change log after the last number this follower read and tells the
// listener which members changed, once per tenant and poll. When the log was
// pruned past that number (this process fell behind by more than the log
// keeps), every member of the tenant is told as changed. A tenant first seen
// after Prime() is read from its first change. The changes this process made
// itself are told again: a listener takes a change twice at the cost of
// one more refresh.
//
// A write through any process so reaches this one's scores, leaderboards,
// metrics and page within `poll` plus the listener's own refresh delay
// (the score board's refresh interval).
//
// Every `prune_interval` a poll also prunes each tenant's changes older
// than `keep` (any process may: pruning twice removes nothing more).
//
// Thread-safe: polls never overlap (PollOnce waits for a running one).
#ifndef RAPPORT_SERVER_CORE_CHANGE_FOLLOWER_H_
#define RAPPORT_SERVER_CORE_CHANGE_FOLLOWER_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/common/thread_priority.h"
#include "server/engine/periodic_pass.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::core {

struct ChangeFollowerOptions {
  // How often the log is read.
  absl::Duration poll = absl::Milliseconds(500);
  // Change numbers read per store call.
  int batch = 1000;
  // Changes older than this are pruned from the log; a process that fell
  // further behind refreshes every member.
  absl::Duration keep = absl::Minutes(10);
  absl::Duration prune_interval = absl::Minutes(1);
};

class ChangeFollower {
 public:
  // Nothing is owned; all must outlive the follower.
  ChangeFollower(store::Store* store, store::MemberChangeListener* listener,
                 const Clock* clock, ChangeFollowerOptions options);
  ~ChangeFollower();  // Stops the thread if started.

  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

  // Notes every tenant's newest change number: what is read from the store
  // after this call already reflects them, so only later ones are told.
  // The store's errors.
  absl::Status Prime() ABSL_LOCKS_EXCLUDED(mu_);

  // One poll (see above). A tenant's error does not stop the poll: the
  // other tenants are still read and the first error is returned; the
  // failed tenant is read again from the same number next time.
  absl::Status PollOnce() ABSL_LOCKS_EXCLUDED(mu_);

  // Polls every options.poll on a thread at nice value `nice` until Stop().
  void Start(int nice = kBackgroundNice);
  void Stop() { periodic_.Stop(); }

  // The last number read of the tenant (0 when never read).
  int64_t SeqOf(const store::TenantId& tenant) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Reads and tells the tenant's changes after its number.
  absl::Status FollowTenant(const store::TenantId& tenant)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::Store* const store_;
  store::MemberChangeListener* const listener_;
  const Clock* const clock_;
  const ChangeFollowerOptions options_;

  mutable absl::Mutex mu_;  // Held for a whole poll.
  absl::flat_hash_map<store::TenantId, int64_t> seq_ ABSL_GUARDED_BY(mu_);
  absl::Time last_prune_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  engine::PeriodicPass periodic_{"change follower"};
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_CHANGE_FOLLOWER_H_
