// Group commit of event batches: the writer commits the batches queued
// behind the one whose turn it is together, in one store transaction and
// one disk sync, and answers each caller with its own outcomes.
//
// A batch goes through three steps. Prepare (on any thread) makes its
// ticket. Offer, once the batch's own write task is queued on the writer,
// lets an earlier task take the batch into its group. Commit, in the
// batch's own task on the writer thread, returns the batch's result: from
// the group that already took it, or from a group it leads now, made of
// itself and the batches offered so far (in the order offered, up to
// max_group_events events in all). Store::AppendEventBatches gives each
// batch the outcome it would have had alone, and each OK result is durable
// before any Commit returns it. A ticket whose task will not run is
// withdrawn: it leaves the offers unless a group took it already (it is
// then committed, as a write already running would be).
#ifndef RAPPORT_SERVER_API_GROUP_COMMIT_H_
#define RAPPORT_SERVER_API_GROUP_COMMIT_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/model/event.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::api {

// What Commit returns for one batch.
struct GroupCommitResult {
  // The store's outcomes for the batch's events, or the store's error (then
  // nothing of the batch is stored).
  absl::StatusOr<std::vector<store::AppendOutcome>> outcomes;
  // How long the group's store call took.
  absl::Duration store_time;
};

// Thread-safe. Does not own the store or the clock.
class GroupCommit {
 public:
  // One batch on its way to the store. Its events and audit context are
  // fixed by Prepare.
  class Ticket {
   public:
    const std::vector<model::Event>& events() const { return events_; }

   private:
    friend class GroupCommit;
    enum class State { kPrepared, kOffered, kTaken, kDone, kWithdrawn };
    store::TenantId tenant_;
    std::optional<store::AuditContext> audit_;
    std::vector<model::Event> events_;
    // OK while the batch's caller still wants it; a group leaves out a
    // batch whose caller has gone. Empty: always wanted.
    std::function<absl::Status()> wanted_;
    State state_ = State::kPrepared;  // Guarded by the GroupCommit's mutex.
    GroupCommitResult result_;
  };

  // A group holds at most `max_group_events` events, and always the
  // leader's batch whatever its size. Once a group is committed,
  // `listener` hears of the members with accepted events of each batch
  // (also of a batch whose own task is then refused: its events are
  // stored all the same).
  GroupCommit(store::Store* store, store::MemberChangeListener* listener,
              const Clock* clock, int64_t max_group_events);

  // The batch's ticket. Each audit entry (when `audit` is not null) gets
  // the time its group is committed.
  std::shared_ptr<Ticket> Prepare(store::TenantId tenant,
                                  const store::AuditContext* audit,
                                  std::vector<model::Event> events,
                                  std::function<absl::Status()> wanted = {});

  // The batch's own task is queued on the writer: an earlier task may
  // commit the batch in its group. Does nothing to a ticket already
  // committed or withdrawn.
  void Offer(const std::shared_ptr<Ticket>& ticket) ABSL_LOCKS_EXCLUDED(mu_);

  // On the writer thread only, from the batch's own task. A ticket
  // withdrawn before its group took it is CANCELLED, with nothing stored.
  GroupCommitResult Commit(const std::shared_ptr<Ticket>& ticket)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The batch's task will not run: no group takes the ticket from now on.
  void Withdraw(const std::shared_ptr<Ticket>& ticket) ABSL_LOCKS_EXCLUDED(mu_);

  // Batches committed by a group they did not lead, since the start.
  int64_t joined_batches() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The leader first, then the offered tickets that fit and are wanted;
  // all are marked taken.
  std::vector<std::shared_ptr<Ticket>> TakeGroup(
      const std::shared_ptr<Ticket>& leader) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::Store* const store_;
  store::MemberChangeListener* const listener_;
  const Clock* const clock_;
  const int64_t max_group_events_;
  mutable absl::Mutex mu_;
  std::deque<std::shared_ptr<Ticket>> offered_ ABSL_GUARDED_BY(mu_);
  int64_t joined_batches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_GROUP_COMMIT_H_
