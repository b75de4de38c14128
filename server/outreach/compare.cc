#include "server/outreach/compare.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/quantile.h"

namespace rapport::outreach {

TeamComparison Compare(double member_rate, absl::Span<const ReplyCounts> team,
                       int min_group_size, int min_rate_sample) {
  std::vector<double> rates;
  ReplyCounts pooled;
  for (const ReplyCounts& m : team) {
    if (auto r = m.reply_rate(min_rate_sample)) rates.push_back(*r);
    pooled += m;
  }
  TeamComparison c;
  const size_t min = static_cast<size_t>(std::max(min_group_size, 1));
  if (rates.size() < min) {
    c.withheld = true;
    c.withheld_reason = absl::StrCat(
        "Only ", rates.size(), " team members have a reply rate; at least ",
        min, " are needed for a comparison");
    return c;
  }
  c.team_median_reply_rate = Median(rates);
  c.team_pooled_reply_rate = pooled.reply_rate();
  double below = 0;
  for (double r : rates) {
    if (r < member_rate) {
      below += 1;
    } else if (r == member_rate) {
      below += 0.5;
    }
  }
  c.reply_rate_percentile = 100 * below / static_cast<double>(rates.size());
  return c;
}

}  // namespace rapport::outreach
