// Compare(): how a member's reply rate stands in their team; mirrors
// rapport.v1.TeamComparison. Pure; thread-safe.
#ifndef RAPPORT_SERVER_OUTREACH_COMPARE_H_
#define RAPPORT_SERVER_OUTREACH_COMPARE_H_

#include <optional>
#include <string>

#include "absl/types/span.h"

namespace rapport::outreach {

struct TeamComparison {
  std::optional<double> team_median_reply_rate;
  // In [0, 100]: the share of team rates below the member's, counting equal
  // rates half (mid-rank), times 100.
  std::optional<double> reply_rate_percentile;
  bool withheld = false;
  std::string withheld_reason;

  friend bool operator==(const TeamComparison&,
                         const TeamComparison&) = default;
};

// Compares `member_rate` with `team_rates`, the reply rates of every team
// member (the member included); absent rates (members below the sample
// minimum) are left out. Withheld, with both figures absent and a reason,
// when fewer than max(min_group_size, 1) rates are present, so that no
// individual's rate can be read off a tiny team.
TeamComparison Compare(double member_rate,
                       absl::Span<const std::optional<double>> team_rates,
                       int min_group_size);

}  // namespace rapport::outreach

#endif  // RAPPORT_SERVER_OUTREACH_COMPARE_H_
