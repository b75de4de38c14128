#include "server/core/recommendations.h"

#include <algorithm>
#include <functional>

#include "server/board/board.h"
#include "server/common/status_macros.h"

namespace rapport::core {
namespace {

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

}  // namespace

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
  if (as_of.has_value() || options_.reuse_for <= absl::ZeroDuration() ||
      options_.max_kept == 0) {
    return Compute(tenant, member_id, as_of, as_of.value_or(now), max_results,
                   nullptr);
  }
  const Key key(tenant, member_id);
  if (auto kept = Find(key, now, max_results); kept != nullptr) {
    recommend::Recommendations result = *kept;
    const size_t cap = static_cast<size_t>(std::max(max_results, 0));
    if (result.recommendations.size() > cap) {
      result.recommendations.resize(cap);
    }
    return result;
  }
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    generation = Generation(key);
  }
  Kept kept;
  RAPPORT_ASSIGN_OR_RETURN(
      recommend::Recommendations result,
      Compute(tenant, member_id, std::nullopt, now, max_results, &kept));
  kept.max_results = max_results;
  kept.result = std::make_shared<const recommend::Recommendations>(result);
  Keep(key, generation, std::move(kept));
  return result;
}

absl::StatusOr<recommend::Recommendations> NextActions::Compute(
    const store::TenantId& tenant, const std::string& member_id,
    std::optional<absl::Time> as_of, absl::Time end, int max_results,
    Kept* kept) const {
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
  if (kept != nullptr) {
    kept->team = member.team;
    kept->team_rate = options.team_reply_rate;
  }
  return recommend::Recommend(model, member.profile, activity, end, options);
}

std::shared_ptr<const recommend::Recommendations> NextActions::Find(
    const Key& key, absl::Time now, int max_results) const {
  std::shared_ptr<const recommend::Recommendations> result;
  std::string team;
  std::optional<double> team_rate;
  {
    absl::MutexLock lock(&mu_);
    auto it = kept_.find(key);
    if (it == kept_.end()) return nullptr;
    const Kept& kept = it->second;
    const absl::Time at = kept.result->as_of;
    // Fresh: not older than reuse_for, of today, and not from a clock that
    // has since stepped back.
    const bool fresh =
        now >= at && now - at <= options_.reuse_for && DayOf(now) == DayOf(at);
    // Complete for the call: computed with at least as many results, or
    // holding every candidate there was.
    const bool enough = kept.max_results >= max_results ||
                        static_cast<int>(kept.result->recommendations.size()) <
                            kept.max_results;
    if (!fresh || !enough) return nullptr;
    uses_.splice(uses_.begin(), uses_, kept.use);
    result = kept.result;
    team = kept.team;
    team_rate = kept.team_rate;
  }
  // The team's reference rate moves with the teammates' outreach.
  absl::StatusOr<std::optional<double>> rate =
      TeamReplyRate(key.first, team, std::nullopt);
  if (!rate.ok() || *rate != team_rate) return nullptr;
  return result;
}

void NextActions::Keep(const Key& key, uint64_t generation, Kept kept) const {
  absl::MutexLock lock(&mu_);
  // The member changed while this was computed: it may not hold the change.
  if (Generation(key) != generation) return;
  auto [it, added] = kept_.try_emplace(key);
  const std::list<Key>::iterator use =
      added ? uses_.insert(uses_.begin(), key) : it->second.use;
  if (!added) uses_.splice(uses_.begin(), uses_, use);
  it->second = std::move(kept);
  it->second.use = use;
  // The least recently read go while there are too many, or while they
  // are too old to be served again, so that memory follows the members
  // read within reuse_for.
  const absl::Time now = it->second.result->as_of;
  while (!uses_.empty()) {
    auto last = kept_.find(uses_.back());
    if (kept_.size() <= options_.max_kept &&
        now - last->second.result->as_of <= options_.reuse_for) {
      break;
    }
    kept_.erase(last);
    uses_.pop_back();
  }
}

uint64_t& NextActions::Generation(const Key& key) const {
  const size_t h = std::hash<std::string>()(key.first) * 31 +
                   std::hash<std::string>()(key.second);
  return generations_[h % generations_.size()];
}

void NextActions::OnMembersChanged(const store::TenantId& tenant,
                                   const std::vector<std::string>& member_ids) {
  absl::MutexLock lock(&mu_);
  for (const std::string& id : member_ids) {
    Key key(tenant, id);
    ++Generation(key);
    auto it = kept_.find(key);
    if (it == kept_.end()) continue;
    uses_.erase(it->second.use);
    kept_.erase(it);
  }
}

}  // namespace rapport::core
