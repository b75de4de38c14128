#include "server/scoring/rank.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace rapport::scoring {
namespace {

double RankKey(double v) {
  return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
}

}  // namespace

MemberTotals TotalsOf(const ScoreResult& score) {
  MemberTotals t;
  t.total = score.total;
  for (size_t i = 0; i < score.pillars.size() && i < t.pillars.size(); ++i) {
    t.pillars[i] = score.pillars[i].score;
  }
  return t;
}

std::vector<int> CompetitionRanks(absl::Span<const double> values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return RankKey(values[a]) > RankKey(values[b]);
  });
  std::vector<int> ranks(values.size());
  for (size_t pos = 0; pos < order.size(); ++pos) {
    const bool tie = pos > 0 && RankKey(values[order[pos]]) ==
                                    RankKey(values[order[pos - 1]]);
    ranks[order[pos]] = tie ? ranks[order[pos - 1]] : static_cast<int>(pos) + 1;
  }
  return ranks;
}

namespace {

// What every member of `group` shares: withheld when the group is too
// small, otherwise its size and averages (without a rank).
GroupRank SharedRank(absl::Span<const MemberTotals> group,
                     const RankOptions& options) {
  const int size = static_cast<int>(group.size());
  const int min_size = std::max(options.min_group_size, 1);
  GroupRank shared;
  if (size < min_size) {
    shared.withheld = true;
    shared.withheld_reason =
        absl::StrCat("The group has ", size, size == 1 ? " member" : " members",
                     "; ranks and averages are shown from ", min_size);
    return shared;
  }
  shared.out_of = size;
  for (const MemberTotals& m : group) {
    shared.average_total += m.total;
    for (int p = 0; p < kPillarCount; ++p) {
      shared.pillar_averages[p] += m.pillars[p];
    }
  }
  shared.average_total /= size;
  for (double& a : shared.pillar_averages) a /= size;
  return shared;
}

void SetRank(int rank, GroupRank& out) {
  out.rank = rank;
  out.top_percent = 100.0 * rank / out.out_of;
}

}  // namespace

std::vector<GroupRank> RankGroup(absl::Span<const MemberTotals> group,
                                 const RankOptions& options) {
  const GroupRank shared = SharedRank(group, options);
  std::vector<GroupRank> out(group.size(), shared);
  if (shared.withheld) return out;
  std::vector<double> totals;
  totals.reserve(group.size());
  for (const MemberTotals& m : group) totals.push_back(m.total);
  const std::vector<int> ranks = CompetitionRanks(totals);
  for (size_t i = 0; i < out.size(); ++i) SetRank(ranks[i], out[i]);
  return out;
}

GroupRank RankOne(absl::Span<const MemberTotals> group, double total,
                  const RankOptions& options) {
  GroupRank out = SharedRank(group, options);
  if (out.withheld) return out;
  // CompetitionRanks: 1 + the number of strictly greater values.
  int above = 0;
  for (const MemberTotals& m : group) {
    if (RankKey(m.total) > RankKey(total)) ++above;
  }
  SetRank(above + 1, out);
  return out;
}

}  // namespace rapport::scoring
