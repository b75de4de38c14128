// The leaderboard metrics of docs/metrics.md: per-member, per-team and
// per-tenant gauges derived from score boards. LeaderboardFamilies() is pure;
// LeaderboardCollector reads the score cache each time Prometheus scrapes,
// so ingestion never pays for these metrics.
#ifndef RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_
#define RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "server/board/board.h"
#include "server/board/score_board.h"

namespace rapport::metrics {

struct LeaderboardMetricsOptions {
  // Per-member series only for the best and the worst `member_top_k` of
  // each team (so at most 2k members a team); 0 exports every member. Team
  // and tenant series are always exported.
  int member_top_k = 0;
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

// Reads the current board of `default_tenant` and of every other tenant the
// cache holds at each Collect(). A tenant whose board cannot be read is left
// out of that scrape. Thread-safe; `boards` must outlive the collector.
// The families of one tenant's current board: what a scrape authenticated
// as that tenant gets.
std::vector<prometheus::MetricFamily> TenantLeaderboardFamilies(
    board::ScoreBoard* boards, const std::string& tenant,
    const LeaderboardMetricsOptions& options);

class LeaderboardCollector final : public prometheus::Collectable {
 public:
  LeaderboardCollector(board::ScoreBoard* boards, std::string default_tenant,
                       LeaderboardMetricsOptions options);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  board::ScoreBoard* const boards_;
  const std::string default_tenant_;
  const LeaderboardMetricsOptions options_;
};

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_LEADERBOARD_METRICS_H_
