#include "server/metrics/goal_metrics.h"

#include <array>
#include <utility>

namespace rapport::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

// The `pillar` label, by model::Pillar: "total" for the SSI.
constexpr std::array<const char*, 5> kPillarLabels = {
    "total", "professional_brand", "find_right_people", "engage_with_insights",
    "build_relationships"};

void Add(MetricFamily& family, std::vector<ClientMetric::Label> labels,
         double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

}  // namespace

std::vector<MetricFamily> GoalFamilies(const std::string& tenant,
                                       const core::TenantGoals& goals,
                                       const board::Board& board) {
  if (goals.goals.empty()) return {};
  std::vector<MetricFamily> families(2);
  families[0].name = "rapport_goal_progress";
  families[0].help =
      "A goal's current value over its target (1 when reached; 1 for a "
      "target of 0).";
  families[1].name = "rapport_goal_off_track";
  families[1].help =
      "1 while a goal is below its target and its projection at the due time "
      "falls short of it, else 0.";
  for (MetricFamily& f : families) f.type = prometheus::MetricType::Gauge;
  for (const core::GoalView& view : goals.goals) {
    const store::GoalRecord& goal = view.goal;
    std::string team = goal.team;
    if (team.empty()) {
      if (const board::MemberScore* m = board.Find(goal.member_id)) {
        team = m->member.team;
      }
    }
    const size_t pillar = goal.pillar >= 0 && static_cast<size_t>(goal.pillar) <
                                                  kPillarLabels.size()
                              ? static_cast<size_t>(goal.pillar)
                              : 0;
    const std::vector<ClientMetric::Label> labels = {
        {"goal_id", goal.goal_id},
        {"member_id", goal.member_id},
        {"pillar", kPillarLabels[pillar]},
        {"team", team},
        {"tenant", tenant}};
    const double progress =
        goal.target > 0 ? view.progress.current / goal.target : 1.0;
    Add(families[0], labels, progress);
    Add(families[1], labels,
        view.progress.status == core::GoalStatus::kOffTrack ? 1.0 : 0.0);
  }
  return families;
}

std::vector<MetricFamily> TenantGoalFamilies(board::ScoreBoard* boards,
                                             const core::GoalTracker* tracker,
                                             const std::string& tenant) {
  // As the leaderboard series: a board not built within the scrape's
  // patience gives no series this time.
  auto board = boards->Peek(tenant, absl::Seconds(3));
  if (!board.ok() || *board == nullptr) return {};
  absl::StatusOr<core::TenantGoals> goals = tracker->ForTenant(tenant, **board);
  if (!goals.ok()) return {};
  return GoalFamilies(tenant, *goals, **board);
}

}  // namespace rapport::metrics
