#include "server/core/recommendations.h"

#include "server/board/board.h"
#include "server/common/status_macros.h"

namespace rapport::core {

NextActions::NextActions(store::Store* store, board::ScoreBoard* boards,
                         NextActionsOptions options)
    : store_(store), boards_(boards), options_(options) {}

absl::StatusOr<std::optional<double>> NextActions::TeamReplyRate(
    const store::TenantId& tenant, const std::string& team,
    std::optional<absl::Time> as_of) const {
  // A past day's board keeps no outreach counts: the model's prior rate is
  // the reference then.
  if (as_of.has_value()) return std::optional<double>();
  RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const board::Board> board,
                           boards_->Get(tenant, std::nullopt));
  // Nor does a provisional board, served while the current one is built.
  if (board->provisional()) return std::optional<double>();
  const board::Group* group = board->Team(team);
  if (group == nullptr ||
      static_cast<int>(group->ranked.size()) < options_.min_group_size) {
    return std::optional<double>();
  }
  return group->outreach_30d.reply_rate();
}

absl::StatusOr<recommend::Recommendations> NextActions::For(
    const store::TenantId& tenant, const std::string& member_id,
    std::optional<absl::Time> as_of, absl::Time now, int max_results) const {
  const absl::Time end = as_of.value_or(now);
  RAPPORT_ASSIGN_OR_RETURN(model::Member member,
                           store_->GetMember(tenant, member_id));
  const scoring::ScoringModel& model = boards_->model();
  // The one read of the member's aggregates: every counterfactual is
  // re-scored from it in memory.
  RAPPORT_ASSIGN_OR_RETURN(
      model::MemberActivity activity,
      store_->ReadActivity(tenant, member_id,
                           end - absl::Hours(24) * model.window_days, end));
  recommend::RecommendOptions options;
  options.max_results = max_results;
  RAPPORT_ASSIGN_OR_RETURN(options.team_reply_rate,
                           TeamReplyRate(tenant, member.team, as_of));
  return recommend::Recommend(model, member.profile, activity, end, options);
}

}  // namespace rapport::core
