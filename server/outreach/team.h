// PoolTeam(): a team's outreach report from its members' reports; mirrors
// rapport.v1.GetOutreachEffectivenessResponse for a team scope. Pure;
// thread-safe.
#ifndef RAPPORT_SERVER_OUTREACH_TEAM_H_
#define RAPPORT_SERVER_OUTREACH_TEAM_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "server/outreach/report.h"

namespace rapport::outreach {

struct TeamReport {
  // Combine() of the members' figures: counts summed, rates pooled from
  // the sums (the team's reply rate is answered threads over started
  // threads of the whole team), quantiles over every member's replies.
  OutreachStats current;
  OutreachStats previous;
  // The members' unanswered threads, oldest first (ties by member_id, then
  // thread_id), at most max_unanswered; the count is uncapped.
  std::vector<UnansweredThread> unanswered;
  int64_t unanswered_count = 0;
  // Per channel / seniority, Combine() of the members' breakdowns, in enum
  // order.
  std::vector<OutreachBreakdown> by_channel;
  std::vector<OutreachBreakdown> by_seniority;
  // Counts summed, answered_share pooled from the sums. The median time to
  // answer is per member and absent here.
  Reciprocity reciprocity;
  // Follow-up rates and the ideal network are per member and not pooled.

  friend bool operator==(const TeamReport&, const TeamReport&) = default;
};

// `reports` are the members' reports over the same window (each with its
// unanswered threads' member_id set); `min_rate_sample` as in Finish().
TeamReport PoolTeam(absl::Span<const OutreachReport> reports,
                    int max_unanswered, int min_rate_sample = 1);
// The same over reports held elsewhere (none copied), as a cache of members'
// reports keeps them.
TeamReport PoolTeam(absl::Span<const OutreachReport* const> reports,
                    int max_unanswered, int min_rate_sample = 1);

}  // namespace rapport::outreach

#endif  // RAPPORT_SERVER_OUTREACH_TEAM_H_
