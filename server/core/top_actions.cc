#include "server/core/top_actions.h"

#include <algorithm>

namespace rapport::core {

TopActions::TopActions(const NextActions* next, const Clock* clock, int budget)
    : next_(next), clock_(clock), budget_(std::max(budget, 1)) {}

void TopActions::BeginRound() {
  absl::MutexLock lock(&mu_);
  left_ = budget_;
}

std::optional<TopAction> TopActions::For(const std::string& tenant,
                                         const board::MemberScore& member) {
  const std::pair<std::string, std::string> key(tenant,
                                                member.member.member_id);
  const absl::Time scored_at = member.forecast.as_of;
  std::optional<TopAction> known;
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      if (it->second.scored_at == scored_at) return it->second.action;
      known = it->second.action;
    }
    if (left_ <= 0) return known;
    --left_;
  }
  absl::StatusOr<recommend::Recommendations> found =
      next_->For(tenant, member.member.member_id, std::nullopt, clock_->Now(),
                 /*max_results=*/1);
  if (!found.ok()) return known;
  std::optional<TopAction> action;
  if (!found->recommendations.empty()) {
    const recommend::Recommendation& top = found->recommendations.front();
    action = TopAction{.title = top.title, .points = top.expected_gain};
  }
  absl::MutexLock lock(&mu_);
  entries_[key] = Entry{.scored_at = scored_at, .action = action};
  return action;
}

}  // namespace rapport::core
