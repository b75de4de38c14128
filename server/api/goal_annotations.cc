#include "server/api/goal_annotations.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "server/api/goal_convert.h"
#include "server/auth/access.h"

namespace rapport::api {

absl::Status GoalAnnotations::AddToScore(const auth::Principal& principal,
                                         const board::Board& board,
                                         const std::string& member_id,
                                         std::string* response) const {
  if (!auth::RoleHas(principal.role, auth::Permission::kGoalsRead)) {
    return absl::OkStatus();
  }
  const board::MemberScore* member = board.Find(member_id);
  if (member == nullptr) return absl::OkStatus();
  absl::StatusOr<std::vector<core::GoalView>> views = tracker_->Select(
      principal.tenant, board, [&](const store::GoalRecord& goal) {
        return goal.member_id == member_id ||
               (!goal.team.empty() && goal.team == member->member.team);
      });
  if (!views.ok()) return views.status();
  if (views->empty()) return absl::OkStatus();
  v1::GetScoreResponse extra;
  for (const core::GoalView& view : *views) {
    ToProto(view, extra.mutable_score()->add_goals());
  }
  response->append(extra.SerializeAsString());
  return absl::OkStatus();
}

absl::Status GoalAnnotations::AddToLeaderboard(
    const auth::Principal& principal, const board::Board& board,
    v1::GetLeaderboardResponse* response) const {
  if (!auth::RoleHas(principal.role, auth::Permission::kGoalsRead) ||
      response->entries().empty()) {
    return absl::OkStatus();
  }
  // The members of this page whose goals the caller may read.
  absl::flat_hash_set<std::string> shown;
  for (const v1::LeaderboardEntry& entry : response->entries()) {
    const board::MemberScore* member = board.Find(entry.member_id());
    if (member != nullptr &&
        principal.Sees(entry.member_id(), member->member.team)) {
      shown.insert(entry.member_id());
    }
  }
  if (shown.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<core::GoalView>> views = tracker_->Select(
      principal.tenant, board, [&](const store::GoalRecord& goal) {
        return !goal.member_id.empty() && shown.contains(goal.member_id);
      });
  if (!views.ok()) return views.status();
  if (views->empty()) return absl::OkStatus();
  core::TenantGoals goals;
  goals.goals = *std::move(views);
  for (v1::LeaderboardEntry& entry : *response->mutable_entries()) {
    if (shown.contains(entry.member_id())) {
      AddGoals(goals.OfMember(entry.member_id()), entry.mutable_goals());
    }
  }
  return absl::OkStatus();
}

}  // namespace rapport::api
