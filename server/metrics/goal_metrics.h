// The goal metrics of docs/metrics.md: one series per goal of the tenant,
// read at each scrape from the current board and the store.
//   rapport_goal_progress{tenant,goal_id,team,member_id,pillar}  current /
//     target (1 for a target of 0)
//   rapport_goal_off_track{...}  1 while the goal is OFF_TRACK, else 0
// `team` is the goal's team or its member's; `member_id` is empty for a
// team's goal; `pillar` names the pillar or is "total". A tenant holds at
// most store::kMaxGoalsPerTenant (1000) goals, which bounds the series.
#ifndef RAPPORT_SERVER_METRICS_GOAL_METRICS_H_
#define RAPPORT_SERVER_METRICS_GOAL_METRICS_H_

#include <string>
#include <vector>

#include "prometheus/metric_family.h"
#include "server/board/board.h"
#include "server/board/score_board.h"
#include "server/core/goals.h"

namespace rapport::metrics {

// The two families for `goals` (evaluated on `board`); none when there is
// no goal. Pure; series in the goals' order.
std::vector<prometheus::MetricFamily> GoalFamilies(
    const std::string& tenant, const core::TenantGoals& goals,
    const board::Board& board);

// The families of the tenant's goals on its current board: none when the
// board or the goals cannot be read. Thread-safe.
std::vector<prometheus::MetricFamily> TenantGoalFamilies(
    board::ScoreBoard* boards, const core::GoalTracker* tracker,
    const std::string& tenant);

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_GOAL_METRICS_H_
