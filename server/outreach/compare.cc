#include "server/outreach/compare.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/quantile.h"

namespace rapport::outreach {

std::vector<double> SortedRates(absl::Span<const ReplyCounts> team,
                                int min_rate_sample) {
  std::vector<double> rates;
  rates.reserve(team.size());
  for (const ReplyCounts& m : team) {
    if (auto r = m.reply_rate(min_rate_sample)) rates.push_back(*r);
  }
  std::sort(rates.begin(), rates.end());
  return rates;
}

TeamComparison Compare(double member_rate, absl::Span<const ReplyCounts> team,
                       int min_group_size, int min_rate_sample) {
  ReplyCounts pooled;
  for (const ReplyCounts& m : team) pooled += m;
  return CompareSorted(member_rate, SortedRates(team, min_rate_sample), pooled,
                       min_group_size);
}

TeamComparison CompareSorted(double member_rate,
                             absl::Span<const double> sorted_rates,
                             const ReplyCounts& pooled, int min_group_size) {
  TeamComparison c;
  const size_t min = static_cast<size_t>(std::max(min_group_size, 1));
  if (sorted_rates.size() < min) {
    c.withheld = true;
    c.withheld_reason =
        absl::StrCat("Only ", sorted_rates.size(),
                     " team members have a reply rate; at least ", min,
                     " are needed for a comparison");
    return c;
  }
  c.team_median_reply_rate = Quantile(sorted_rates, 0.5);
  c.team_pooled_reply_rate = pooled.reply_rate();
  // Rates below count whole, equal rates half (mid-rank).
  const auto [equal_from, equal_to] =
      std::equal_range(sorted_rates.begin(), sorted_rates.end(), member_rate);
  const double below = static_cast<double>(equal_from - sorted_rates.begin()) +
                       0.5 * static_cast<double>(equal_to - equal_from);
  c.reply_rate_percentile =
      100 * below / static_cast<double>(sorted_rates.size());
  return c;
}

}  // namespace rapport::outreach
