// The leaderboard metrics of docs/metrics.md: per-member, per-team and
// per-tenant gauges derived from score boards. LeaderboardFamilies() is pure;
// TenantLeaderboardFamilies() reads the score cache each time Prometheus
// scrapes.
#ifndef RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_
#define RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "prometheus/metric_family.h"
#include "server/board/board.h"
#include "server/board/score_board.h"
#include "server/core/top_actions.h"

namespace rapport::metrics {

// The top action of `member` of `tenant`'s current board, or nullopt when
// there is none (or it is not known yet). Called during a scrape.
using TopActionLookup = std::function<std::optional<core::TopAction>(
    const std::string& tenant, const board::MemberScore& member)>;

struct LeaderboardMetricsOptions {
  // Per-member series only for the best and the worst `member_top_k` of
  // each team by SSI (so at most 2k members a team; 0 exports none), which
  // bounds a scrape by the number of teams, not of reps. Team and tenant
  // series are always exported, computed over every member.
  int member_top_k = 10;
  // Per-member series for every member, whatever member_top_k says: a
  // scrape then grows with the number of reps.
  bool all_members = false;
  // A member is declining when their SSI fell by at least this many points
  // in seven days, and at risk when their forecast falls by at least as
  // much in the next seven days. At-risk members get per-member series
  // too (the steepest member_top_k of each team beyond the best and worst),
  // with their top action when `top_action` is set.
  double decline_points = 5;
  // Members projected below this SSI within seven days are counted by
  // rapport_team_members_forecast_below_floor.
  double score_floor = 40;
  TopActionLookup top_action = nullptr;
};

// True when `member`'s forecast falls by at least `points` in the next
// seven days.
bool AtRisk(const board::MemberScore& member, double points);

struct TenantBoard {
  std::string tenant;
  std::shared_ptr<const board::Board> board;
};

// Every leaderboard family, each with its series for every tenant (families
// without a series are left out). Deterministic: tenants, teams and members
// in order.
std::vector<prometheus::MetricFamily> LeaderboardFamilies(
    absl::Span<const TenantBoard> boards,
    const LeaderboardMetricsOptions& options);

// The families of one tenant's current board, read from the score cache at
// each scrape (so ingestion never pays for these metrics): what a scrape
// authenticated as that tenant gets. None when the board cannot be read.
// Thread-safe.
std::vector<prometheus::MetricFamily> TenantLeaderboardFamilies(
    board::ScoreBoard* boards, const std::string& tenant,
    const LeaderboardMetricsOptions& options);

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_
