// Per-type sums of a member's daily buckets over the window. Internal.
#ifndef RAPPORT_SERVER_SCORING_EVENT_TOTALS_H_
#define RAPPORT_SERVER_SCORING_EVENT_TOTALS_H_

#include <array>
#include <cstdint>
#include <vector>

#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/scoring/recency.h"

namespace rapport::scoring::internal {

// A daily bucket that counts (a known type, a positive count), its day as a
// day number (Recency::DayNumberOf): the buckets prepared once for scoring
// the same activity at many instants (forecasts).
struct DayCount {
  int type = 0;
  int64_t day_number = 0;
  int64_t count = 0;
};

// The buckets of `daily` that count, in their order.
std::vector<DayCount> PrepareDaily(const std::vector<model::DailyCount>& daily);

class EventTotals {
 public:
  // Sums the buckets inside the window; buckets outside it, of an unknown
  // type, or with a count <= 0 are ignored.
  EventTotals(const std::vector<model::DailyCount>& daily,
              const Recency& recency);
  // The same from prepared buckets (PrepareDaily(daily)): equal totals,
  // bit for bit.
  EventTotals(const std::vector<DayCount>& daily, const Recency& recency);

  // Sums `type` again over the buckets of `daily` at `indices` (ascending),
  // as the constructor would: equal to the constructor's totals of `type`
  // when `indices` are all of daily's buckets of that type. `ages` holds
  // Recency::AgeOf of the first ages.size() buckets' days (-1 outside the
  // window), so that their calendar arithmetic is not done again.
  void Recount(int type, const std::vector<model::DailyCount>& daily,
               const std::vector<size_t>& indices, const std::vector<int>& ages,
               const Recency& recency);

  // The plain number of events of `type` in the window.
  int64_t Count(model::EventType type) const {
    return count_[static_cast<int>(type)];
  }
  // The recency-weighted number (see Recency::Weight).
  double Weighted(model::EventType type) const {
    return weighted_[static_cast<int>(type)];
  }

 private:
  std::array<int64_t, model::kMaxEventType + 1> count_{};
  std::array<double, model::kMaxEventType + 1> weighted_{};
};

}  // namespace rapport::scoring::internal

#endif  // RAPPORT_SERVER_SCORING_EVENT_TOTALS_H_
