// The leaderboard metrics of docs/metrics.md: per-member, per-team and
// per-tenant gauges derived from score boards. LeaderboardFamilies() is pure;
// TenantLeaderboardFamilies() reads the score cache each time Prometheus
// scrapes.
#ifndef RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_
#define RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "prometheus/metric_family.h"
#include "server/board/board.h"
#include "server/board/score_board.h"

namespace rapport::metrics {

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
  // in seven days.
  double decline_points = 5;
};

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
