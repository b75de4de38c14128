#include "server/outreach/team.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace rapport::outreach {
namespace {

// The members' breakdowns combined per channel (by_channel) or seniority.
std::vector<OutreachBreakdown> CombineBreakdowns(
    absl::Span<const OutreachReport> reports, bool by_channel,
    int min_rate_sample) {
  std::map<int, std::vector<OutreachStats>> groups;
  for (const OutreachReport& r : reports) {
    for (const OutreachBreakdown& b :
         by_channel ? r.by_channel : r.by_seniority) {
      groups[by_channel ? static_cast<int>(b.channel)
                        : static_cast<int>(b.seniority)]
          .push_back(b.stats);
    }
  }
  std::vector<OutreachBreakdown> out;
  out.reserve(groups.size());
  for (const auto& [key, stats] : groups) {
    OutreachBreakdown b;
    if (by_channel) {
      b.channel = static_cast<model::Channel>(key);
    } else {
      b.seniority = static_cast<model::Seniority>(key);
    }
    b.stats = Combine(stats, min_rate_sample);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

TeamReport PoolTeam(absl::Span<const OutreachReport> reports,
                    int max_unanswered, int min_rate_sample) {
  TeamReport team;
  std::vector<OutreachStats> current, previous;
  current.reserve(reports.size());
  previous.reserve(reports.size());
  for (const OutreachReport& r : reports) {
    current.push_back(r.current);
    previous.push_back(r.previous);
    team.unanswered.insert(team.unanswered.end(), r.unanswered.begin(),
                           r.unanswered.end());
    team.unanswered_count += r.unanswered_count;
    team.reciprocity.inbound_threads += r.reciprocity.inbound_threads;
    team.reciprocity.inbound_answered += r.reciprocity.inbound_answered;
  }
  team.current = Combine(current, min_rate_sample);
  team.previous = Combine(previous, min_rate_sample);
  team.reciprocity.answered_share = Ratio(team.reciprocity.inbound_answered,
                                          team.reciprocity.inbound_threads);
  std::sort(team.unanswered.begin(), team.unanswered.end(),
            [](const UnansweredThread& a, const UnansweredThread& b) {
              return std::tie(a.last_sent_time, a.member_id, a.thread_id) <
                     std::tie(b.last_sent_time, b.member_id, b.thread_id);
            });
  const size_t limit = static_cast<size_t>(std::max(max_unanswered, 0));
  if (team.unanswered.size() > limit) team.unanswered.resize(limit);
  team.by_channel = CombineBreakdowns(reports, true, min_rate_sample);
  team.by_seniority = CombineBreakdowns(reports, false, min_rate_sample);
  return team;
}

}  // namespace rapport::outreach
