#include "server/api/group_commit.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

namespace rapport::api {

namespace {

// The members with accepted events, as the listener takes them (a member
// whose events are not consecutive may be named more than once).
std::vector<std::string> ChangedMembers(
    const std::vector<model::Event>& events,
    const std::vector<store::AppendOutcome>& outcomes) {
  std::vector<std::string> changed;
  for (size_t i = 0; i < outcomes.size() && i < events.size(); ++i) {
    if (outcomes[i] != store::AppendOutcome::kAccepted) continue;
    if (changed.empty() || changed.back() != events[i].member_id) {
      changed.push_back(events[i].member_id);
    }
  }
  return changed;
}

}  // namespace

GroupCommit::GroupCommit(store::Store* store,
                         store::MemberChangeListener* listener,
                         const Clock* clock, int64_t max_group_events)
    : store_(store),
      listener_(listener),
      clock_(clock),
      max_group_events_(max_group_events) {}

std::shared_ptr<GroupCommit::Ticket> GroupCommit::Prepare(
    store::TenantId tenant, const store::AuditContext* audit,
    std::vector<model::Event> events, std::function<absl::Status()> wanted) {
  auto ticket = std::make_shared<Ticket>();
  ticket->tenant_ = std::move(tenant);
  if (audit != nullptr) ticket->audit_ = *audit;
  ticket->events_ = std::move(events);
  ticket->wanted_ = std::move(wanted);
  return ticket;
}

void GroupCommit::Offer(const std::shared_ptr<Ticket>& ticket) {
  absl::MutexLock lock(&mu_);
  if (ticket->state_ != Ticket::State::kPrepared) return;
  ticket->state_ = Ticket::State::kOffered;
  offered_.push_back(ticket);
}

void GroupCommit::Withdraw(const std::shared_ptr<Ticket>& ticket) {
  absl::MutexLock lock(&mu_);
  if (ticket->state_ == Ticket::State::kOffered) {
    offered_.erase(std::find(offered_.begin(), offered_.end(), ticket));
  }
  if (ticket->state_ == Ticket::State::kPrepared ||
      ticket->state_ == Ticket::State::kOffered) {
    ticket->state_ = Ticket::State::kWithdrawn;
  }
}

int64_t GroupCommit::joined_batches() const {
  absl::MutexLock lock(&mu_);
  return joined_batches_;
}

std::vector<std::shared_ptr<GroupCommit::Ticket>> GroupCommit::TakeGroup(
    const std::shared_ptr<Ticket>& leader) {
  if (leader->state_ == Ticket::State::kOffered) {
    offered_.erase(std::find(offered_.begin(), offered_.end(), leader));
  }
  leader->state_ = Ticket::State::kTaken;
  std::vector<std::shared_ptr<Ticket>> group = {leader};
  int64_t events = static_cast<int64_t>(leader->events_.size());
  for (auto it = offered_.begin(); it != offered_.end();) {
    const std::shared_ptr<Ticket>& ticket = *it;
    const int64_t size = static_cast<int64_t>(ticket->events_.size());
    if (events + size > max_group_events_) break;  // Keeps the offer order.
    // A caller gone is left to its own task, which the writer skips.
    if (ticket->wanted_ && !ticket->wanted_().ok()) {
      ++it;
      continue;
    }
    events += size;
    ticket->state_ = Ticket::State::kTaken;
    group.push_back(ticket);
    it = offered_.erase(it);
  }
  joined_batches_ += static_cast<int64_t>(group.size()) - 1;
  return group;
}

GroupCommitResult GroupCommit::Commit(const std::shared_ptr<Ticket>& ticket) {
  std::vector<std::shared_ptr<Ticket>> group;
  {
    absl::MutexLock lock(&mu_);
    switch (ticket->state_) {
      case Ticket::State::kDone:
        return std::move(ticket->result_);
      case Ticket::State::kWithdrawn:
      case Ticket::State::kTaken:  // Cannot happen: groups run on the writer.
        return {absl::CancelledError("the batch was withdrawn"),
                absl::ZeroDuration()};
      case Ticket::State::kPrepared:
      case Ticket::State::kOffered:
        group = TakeGroup(ticket);
        break;
    }
  }
  // Taken tickets are touched by no other thread until they are done.
  const absl::Time now = clock_->Now();
  std::vector<store::EventBatch> batches;
  batches.reserve(group.size());
  for (const std::shared_ptr<Ticket>& member : group) {
    if (member->audit_.has_value()) member->audit_->time = now;
    batches.push_back(
        {member->tenant_, member->events_,
         member->audit_.has_value() ? &*member->audit_ : nullptr});
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<absl::StatusOr<std::vector<store::AppendOutcome>>> results =
      store_->AppendEventBatches(batches);
  const absl::Duration store_time =
      absl::FromChrono(std::chrono::steady_clock::now() - start);
  for (size_t i = 0; i < group.size() && i < results.size(); ++i) {
    if (!results[i].ok()) continue;
    std::vector<std::string> changed =
        ChangedMembers(group[i]->events_, *results[i]);
    if (!changed.empty())
      listener_->OnMembersChanged(group[i]->tenant_, changed);
  }
  absl::MutexLock lock(&mu_);
  for (size_t i = 0; i < group.size(); ++i) {
    group[i]->result_ = {i < results.size()
                             ? std::move(results[i])
                             : absl::InternalError("no result for the batch"),
                         store_time};
    group[i]->state_ = Ticket::State::kDone;
  }
  return std::move(ticket->result_);
}

}  // namespace rapport::api
