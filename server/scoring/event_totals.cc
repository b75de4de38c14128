#include "server/scoring/event_totals.h"

namespace rapport::scoring::internal {

EventTotals::EventTotals(const std::vector<model::DailyCount>& daily,
                         const Recency& recency) {
  for (const model::DailyCount& d : daily) {
    const int type = static_cast<int>(d.type);
    if (type <= 0 || type > model::kMaxEventType || d.count <= 0) continue;
    const int age = recency.AgeOf(d.day);
    if (age < 0) continue;
    count_[type] += d.count;
    weighted_[type] += static_cast<double>(d.count) * recency.Weight(age);
  }
}

}  // namespace rapport::scoring::internal
