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

void EventTotals::Recount(int type, const std::vector<model::DailyCount>& daily,
                          const std::vector<size_t>& indices,
                          const std::vector<int>& ages,
                          const Recency& recency) {
  if (type <= 0 || type > model::kMaxEventType) return;
  count_[type] = 0;
  weighted_[type] = 0;
  for (size_t i : indices) {
    const model::DailyCount& d = daily[i];
    if (static_cast<int>(d.type) != type || d.count <= 0) continue;
    const int age = i < ages.size() ? ages[i] : recency.AgeOf(d.day);
    if (age < 0) continue;
    count_[type] += d.count;
    weighted_[type] += static_cast<double>(d.count) * recency.Weight(age);
  }
}

std::vector<DayCount> PrepareDaily(
    const std::vector<model::DailyCount>& daily) {
  std::vector<DayCount> out;
  out.reserve(daily.size());
  for (const model::DailyCount& d : daily) {
    const int type = static_cast<int>(d.type);
    if (type <= 0 || type > model::kMaxEventType || d.count <= 0) continue;
    // Days far outside any window (<= 3650 days) are left out, as AgeOf
    // leaves them out, so no day arithmetic overflows.
    if (d.day.year() < 1900 || d.day.year() > 9000) continue;
    out.push_back(DayCount{.type = type,
                           .day_number = Recency::DayNumberOf(d.day),
                           .count = d.count});
  }
  return out;
}

EventTotals::EventTotals(const std::vector<DayCount>& daily,
                         const Recency& recency) {
  for (const DayCount& d : daily) {
    const int age = recency.AgeOfDayNumber(d.day_number);
    if (age < 0) continue;
    count_[d.type] += d.count;
    weighted_[d.type] += static_cast<double>(d.count) * recency.Weight(age);
  }
}

}  // namespace rapport::scoring::internal
