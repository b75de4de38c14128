#include "server/outreach/team.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace rapport::outreach {
namespace {

// The members' breakdowns combined per channel (by_channel) or seniority.
std::vector<OutreachBreakdown> CombineBreakdowns(
    absl::Span<const OutreachReport* const> reports, bool by_channel,
    int min_rate_sample) {
  std::map<int, std::vector<const OutreachStats*>> groups;
  for (const OutreachReport* r : reports) {
    for (const OutreachBreakdown& b :
         by_channel ? r->by_channel : r->by_seniority) {
      groups[by_channel ? static_cast<int>(b.channel)
                        : static_cast<int>(b.seniority)]
          .push_back(&b.stats);
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

// The first `limit` of the members' unanswered threads in the team's order
// (oldest first, ties by member_id, then thread_id). Only those are copied:
// a large team lists a few of its many threads.
std::vector<UnansweredThread> OldestUnanswered(
    absl::Span<const OutreachReport* const> reports, size_t limit) {
  std::vector<const UnansweredThread*> all;
  for (const OutreachReport* r : reports) {
    for (const UnansweredThread& t : r->unanswered) all.push_back(&t);
  }
  auto older = [](const UnansweredThread* a, const UnansweredThread* b) {
    return std::tie(a->last_sent_time, a->member_id, a->thread_id) <
           std::tie(b->last_sent_time, b->member_id, b->thread_id);
  };
  const size_t n = std::min(limit, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<ptrdiff_t>(n),
                    all.end(), older);
  std::vector<UnansweredThread> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(*all[i]);
  return out;
}

}  // namespace

TeamReport PoolTeam(absl::Span<const OutreachReport* const> reports,
                    int max_unanswered, int min_rate_sample) {
  TeamReport team;
  std::vector<const OutreachStats*> current, previous;
  current.reserve(reports.size());
  previous.reserve(reports.size());
  for (const OutreachReport* r : reports) {
    current.push_back(&r->current);
    previous.push_back(&r->previous);
    team.unanswered_count += r->unanswered_count;
    team.reciprocity.inbound_threads += r->reciprocity.inbound_threads;
    team.reciprocity.inbound_answered += r->reciprocity.inbound_answered;
  }
  team.current = Combine(current, min_rate_sample);
  team.previous = Combine(previous, min_rate_sample);
  team.reciprocity.answered_share = Ratio(team.reciprocity.inbound_answered,
                                          team.reciprocity.inbound_threads);
  team.unanswered = OldestUnanswered(
      reports, static_cast<size_t>(std::max(max_unanswered, 0)));
  team.by_channel = CombineBreakdowns(reports, true, min_rate_sample);
  team.by_seniority = CombineBreakdowns(reports, false, min_rate_sample);
  return team;
}

TeamReport PoolTeam(absl::Span<const OutreachReport> reports,
                    int max_unanswered, int min_rate_sample) {
  std::vector<const OutreachReport*> pointers;
  pointers.reserve(reports.size());
  for (const OutreachReport& r : reports) pointers.push_back(&r);
  return PoolTeam(pointers, max_unanswered, min_rate_sample);
}

}  // namespace rapport::outreach
