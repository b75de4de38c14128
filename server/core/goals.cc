#include "server/core/goals.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace rapport::core {
namespace {

// Goals past due whose value is kept; the cache is cleared when it grows
// beyond (a few tenants' worth of kMaxGoalsPerTenant).
constexpr size_t kMaxCachedValues = 10 * store::kMaxGoalsPerTenant;

double Mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

double GoalScale(model::Pillar pillar) {
  return pillar == model::Pillar::kUnspecified ? 100.0 : 25.0;
}

std::vector<const board::MemberScore*> GoalMembers(
    const store::GoalRecord& goal, const board::Board& board) {
  std::vector<const board::MemberScore*> members;
  if (!goal.member_id.empty()) {
    if (const board::MemberScore* m = board.Find(goal.member_id)) {
      members.push_back(m);
    }
    return members;
  }
  if (const board::Group* team = board.Team(goal.team)) {
    for (const auto& m : team->ranked) members.push_back(m.get());
  }
  return members;
}

double ProjectMember(const board::MemberScore& member, model::Pillar pillar,
                     absl::Time as_of, absl::Time due) {
  const double current = board::ValueOf(member.totals, pillar);
  double forecast = current;
  if (!member.forecast.empty()) {
    const absl::TimeZone utc = absl::UTCTimeZone();
    const int64_t midnights =
        absl::ToCivilDay(due, utc) - absl::ToCivilDay(as_of, utc);
    forecast = board::ValueOf(
        member.forecast.At(static_cast<int>(std::min<int64_t>(
                               midnights, scoring::kForecastDays + 1)),
                           member.totals),
        pillar);
  }
  const double change_7d =
      current - board::ValueOf(member.totals_7d_ago, pillar);
  const double days_left =
      std::max(0.0, absl::ToDoubleHours(due - as_of) / 24.0);
  const double trend = current + std::max(0.0, change_7d) / 7.0 * days_left;
  return std::min(std::max(forecast, trend),
                  std::max(GoalScale(pillar), current));
}

GoalProgress EvaluateGoal(const store::GoalRecord& goal,
                          const board::Board& board, absl::Time now,
                          std::optional<double> value_at_due) {
  GoalProgress progress;
  const std::vector<const board::MemberScore*> members =
      GoalMembers(goal, board);
  if (members.empty()) return progress;
  const auto pillar = static_cast<model::Pillar>(goal.pillar);
  std::vector<double> current;
  std::vector<double> projected;
  for (const board::MemberScore* m : members) {
    current.push_back(board::ValueOf(m->totals, pillar));
    if (now < goal.due_time) {
      projected.push_back(
          ProjectMember(*m, pillar, board.as_of(), goal.due_time));
    }
  }
  progress.current = Mean(current);
  progress.remaining = std::max(0.0, goal.target - progress.current);
  if (now < goal.due_time) {
    progress.projected = Mean(projected);
    if (progress.current >= goal.target) {
      progress.status = GoalStatus::kMet;
    } else if (progress.projected >= goal.target) {
      progress.status = GoalStatus::kOnTrack;
    } else {
      progress.status = GoalStatus::kOffTrack;
    }
    return progress;
  }
  progress.projected = value_at_due.value_or(progress.current);
  progress.status = progress.projected >= goal.target ? GoalStatus::kAchieved
                                                      : GoalStatus::kMissed;
  return progress;
}

std::vector<const GoalView*> TenantGoals::OfMember(
    const std::string& member_id) const {
  std::vector<const GoalView*> out;
  for (const GoalView& g : goals) {
    if (g.goal.member_id == member_id) out.push_back(&g);
  }
  return out;
}

std::vector<const GoalView*> TenantGoals::OfMemberAndTeam(
    const std::string& member_id, const std::string& team) const {
  std::vector<const GoalView*> out;
  for (const GoalView& g : goals) {
    if (g.goal.member_id == member_id ||
        (!g.goal.team.empty() && g.goal.team == team)) {
      out.push_back(&g);
    }
  }
  return out;
}

std::map<std::string, bool> GoalsOnTrack(const TenantGoals& goals) {
  std::map<std::string, bool> on_track;
  for (const GoalView& g : goals.goals) {
    const GoalStatus status = g.progress.status;
    if (g.goal.member_id.empty() ||
        (status != GoalStatus::kMet && status != GoalStatus::kOnTrack &&
         status != GoalStatus::kOffTrack)) {
      continue;
    }
    auto [it, inserted] = on_track.emplace(g.goal.member_id, true);
    if (status == GoalStatus::kOffTrack) it->second = false;
  }
  return on_track;
}

GoalTracker::GoalTracker(store::Store* store, board::ScoreBoard* boards,
                         const Clock* clock, absl::Duration value_ttl,
                         absl::Duration records_ttl)
    : store_(store),
      boards_(boards),
      clock_(clock),
      value_ttl_(value_ttl),
      records_ttl_(records_ttl) {}

absl::StatusOr<std::shared_ptr<const GoalTracker::CachedGoals>>
GoalTracker::Records(const store::TenantId& tenant) const {
  const absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = records_.find(tenant);
    if (it != records_.end() && now - it->second->read_at < records_ttl_ &&
        now >= it->second->read_at) {
      return it->second;
    }
  }
  absl::StatusOr<std::vector<store::GoalRecord>> goals =
      store_->ListGoals(tenant, store::GoalFilter{});
  if (!goals.ok()) return goals.status();
  auto cached =
      std::make_shared<const CachedGoals>(CachedGoals{*std::move(goals), now});
  absl::MutexLock lock(&mu_);
  records_[tenant] = cached;
  return cached;
}

void GoalTracker::Invalidate(const store::TenantId& tenant) const {
  absl::MutexLock lock(&mu_);
  records_.erase(tenant);
}

void GoalTracker::OnMembersChanged(const store::TenantId& tenant,
                                   const std::vector<std::string>& member_ids) {
  absl::MutexLock lock(&mu_);
  auto it = records_.find(tenant);
  if (it == records_.end()) return;
  for (const store::GoalRecord& goal : it->second->records) {
    if (!goal.member_id.empty() &&
        std::find(member_ids.begin(), member_ids.end(), goal.member_id) !=
            member_ids.end()) {
      records_.erase(it);
      return;
    }
  }
}

absl::StatusOr<double> GoalTracker::ValueAtDue(
    const store::TenantId& tenant, const store::GoalRecord& goal,
    const board::Board& board) const {
  const absl::Time now = clock_->Now();
  const std::string key = absl::StrCat(tenant, "\x1f", goal.goal_id);
  {
    absl::MutexLock lock(&mu_);
    auto it = values_.find(key);
    if (it != values_.end() && now - it->second.computed < value_ttl_) {
      return it->second.value;
    }
  }
  const auto pillar = static_cast<model::Pillar>(goal.pillar);
  std::vector<double> values;
  for (const board::MemberScore* m : GoalMembers(goal, board)) {
    absl::StatusOr<std::shared_ptr<const board::MemberScore>> at =
        boards_->ScoreAt(tenant, m->member, goal.due_time);
    // A member deleted meanwhile no longer counts.
    if (absl::IsNotFound(at.status())) continue;
    if (!at.ok()) return at.status();
    values.push_back(board::ValueOf((*at)->totals, pillar));
  }
  const double value = Mean(values);
  absl::MutexLock lock(&mu_);
  if (values_.size() >= kMaxCachedValues) values_.clear();
  values_[key] = CachedValue{value, now};
  return value;
}

absl::StatusOr<std::vector<GoalView>> GoalTracker::Evaluate(
    const store::TenantId& tenant, const board::Board& board,
    absl::Span<const store::GoalRecord> goals) const {
  const absl::Time now = clock_->Now();
  std::vector<GoalView> views;
  views.reserve(goals.size());
  for (const store::GoalRecord& goal : goals) {
    std::optional<double> at_due;
    if (now >= goal.due_time && !GoalMembers(goal, board).empty()) {
      absl::StatusOr<double> value = ValueAtDue(tenant, goal, board);
      if (!value.ok()) return value.status();
      at_due = *value;
    }
    views.push_back(GoalView{goal, EvaluateGoal(goal, board, now, at_due)});
  }
  return views;
}

absl::StatusOr<std::vector<GoalView>> GoalTracker::Select(
    const store::TenantId& tenant, const board::Board& board,
    absl::FunctionRef<bool(const store::GoalRecord&)> keep) const {
  absl::StatusOr<std::shared_ptr<const CachedGoals>> goals = Records(tenant);
  if (!goals.ok()) return goals.status();
  std::vector<store::GoalRecord> kept;
  for (const store::GoalRecord& goal : (*goals)->records) {
    if (keep(goal)) kept.push_back(goal);
  }
  return Evaluate(tenant, board, kept);
}

absl::StatusOr<TenantGoals> GoalTracker::ForTenant(
    const store::TenantId& tenant, const board::Board& board) const {
  absl::StatusOr<std::vector<store::GoalRecord>> goals =
      store_->ListGoals(tenant, store::GoalFilter{});
  if (!goals.ok()) return goals.status();
  TenantGoals out;
  absl::StatusOr<std::vector<GoalView>> views = Evaluate(tenant, board, *goals);
  if (!views.ok()) return views.status();
  out.goals = *std::move(views);
  return out;
}

}  // namespace rapport::core
