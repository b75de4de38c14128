#include "server/board/decline.h"

#include <algorithm>

namespace rapport::board {

std::vector<Decline> FindDecliners(
    const Group& group, double min_drop,
    absl::FunctionRef<const scoring::MemberTotals*(const MemberScore&)>
        before) {
  std::vector<Decline> out;
  for (const auto& m : group.ranked) {
    const scoring::MemberTotals* start = before(*m);
    if (start == nullptr) continue;
    const double change = m->totals.total - start->total;
    if (!IsDecline(change, min_drop)) continue;
    Decline d{.member = m.get(), .before = *start, .change = change};
    for (int p = 0; p < scoring::kPillarCount; ++p) {
      const double pillar_change = m->totals.pillars[p] - start->pillars[p];
      if (p == 0 || pillar_change < d.pillar_change) {
        d.pillar_fell_most = static_cast<model::Pillar>(p + 1);
        d.pillar_change = pillar_change;
      }
    }
    out.push_back(d);
  }
  std::sort(out.begin(), out.end(), [](const Decline& a, const Decline& b) {
    if (a.change != b.change) return a.change < b.change;
    return a.member->member.member_id < b.member->member.member_id;
  });
  return out;
}

std::vector<Decline> FindDecliners7d(const Group& group, double min_drop) {
  return FindDecliners(group, min_drop,
                       [](const MemberScore& m) { return &m.totals_7d_ago; });
}

}  // namespace rapport::board
