// Compare(): how a member's reply rate stands in their team; mirrors
// rapport.v1.TeamComparison. Pure; thread-safe.
#ifndef RAPPORT_SERVER_OUTREACH_COMPARE_H_
#define RAPPORT_SERVER_OUTREACH_COMPARE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "server/outreach/stats.h"

namespace rapport::outreach {

struct TeamComparison {
  // The median (rapport::Median) of the members' reply rates.
  std::optional<double> team_median_reply_rate;
  // The team's pooled reply rate: answered over started threads of the
  // whole team (ReplyCounts::reply_rate of the summed counts), the figure
  // of the team's outreach report.
  std::optional<double> team_pooled_reply_rate;
  // In [0, 100]: the share of team rates below the member's, counting equal
  // rates half (mid-rank), times 100.
  std::optional<double> reply_rate_percentile;
  bool withheld = false;
  std::string withheld_reason;

  friend bool operator==(const TeamComparison&,
                         const TeamComparison&) = default;
};

// Compares `member_rate` with `team`, the reply counts of every team member
// (the member included). A member's rate is ReplyCounts::reply_rate
// (min_rate_sample); absent rates are left out of the median and the
// percentile. Withheld, with every figure absent and a reason, when fewer
// than max(min_group_size, 1) rates are present, so that no individual's
// rate can be read off a tiny team.
TeamComparison Compare(double member_rate, absl::Span<const ReplyCounts> team,
                       int min_group_size, int min_rate_sample = 1);

// Compare() from what it derives of `team`: the present rates, sorted
// ascending, and the summed counts. Equal to Compare() of that team bit for
// bit; costs O(log n), for a team whose rates are kept sorted.
TeamComparison CompareSorted(double member_rate,
                             absl::Span<const double> sorted_rates,
                             const ReplyCounts& pooled, int min_group_size);

// The present rates of `team` (ReplyCounts::reply_rate(min_rate_sample)),
// sorted ascending: CompareSorted's input.
std::vector<double> SortedRates(absl::Span<const ReplyCounts> team,
                                int min_rate_sample);

}  // namespace rapport::outreach

#endif  // RAPPORT_SERVER_OUTREACH_COMPARE_H_
