#include "server/scoring/forecast.h"

#include <algorithm>
#include <cstddef>

#include "server/scoring/event_totals.h"
#include "server/scoring/pillars.h"
#include "server/scoring/recency.h"

namespace rapport::scoring {

const MemberTotals& Forecast::At(int days, const MemberTotals& current) const {
  if (days <= 0 || daily.empty()) return current;
  const size_t index =
      std::min<size_t>(static_cast<size_t>(days), daily.size()) - 1;
  return daily[index];
}

Forecast ProjectScore(const ScoringModel& model, const model::Profile& profile,
                      const model::MemberActivity& activity, absl::Time as_of,
                      const ScoreResult& current) {
  // lowest[p][c]: the lowest points of pillar p's component c so far.
  std::vector<std::vector<double>> lowest(current.pillars.size());
  for (size_t p = 0; p < current.pillars.size(); ++p) {
    for (const ComponentScore& c : current.pillars[p].components) {
      lowest[p].push_back(c.points);
    }
  }
  Forecast forecast;
  forecast.as_of = as_of;
  forecast.daily.reserve(kForecastDays);
  if (activity.daily.empty() && activity.threads.empty() &&
      activity.contacts.empty()) {
    // The profile alone: nothing to age.
    forecast.daily.assign(kForecastDays, TotalsOf(current));
    return forecast;
  }
  // The buckets' days converted once, not once a day projected.
  const std::vector<internal::DayCount> buckets =
      internal::PrepareDaily(activity.daily);
  for (int d = 1; d <= kForecastDays; ++d) {
    const internal::Recency recency(model.window_days, model.half_life_days,
                                    as_of + absl::Hours(24) * d);
    const internal::EventTotals events(buckets, recency);
    const ScoreResult later = internal::ScoreIn({.model = model,
                                                 .profile = profile,
                                                 .activity = activity,
                                                 .recency = recency,
                                                 .events = events});
    MemberTotals totals;
    for (size_t p = 0; p < lowest.size() && p < later.pillars.size(); ++p) {
      const std::vector<ComponentScore>& components =
          later.pillars[p].components;
      // Summed in Score()'s order, so that an unchanged projection equals
      // the score bit for bit.
      double pillar = 0;
      for (size_t c = 0; c < lowest[p].size() && c < components.size(); ++c) {
        lowest[p][c] = std::min(lowest[p][c], components[c].points);
        pillar += lowest[p][c];
      }
      if (p < totals.pillars.size()) totals.pillars[p] = pillar;
      totals.total += pillar;
    }
    forecast.daily.push_back(totals);
  }
  return forecast;
}

std::optional<absl::CivilDay> FirstDayBelow(const Forecast& forecast,
                                            double current_total,
                                            double floor) {
  if (current_total < floor) return std::nullopt;
  const absl::CivilDay today =
      absl::ToCivilDay(forecast.as_of, absl::UTCTimeZone());
  for (size_t i = 0; i < forecast.daily.size(); ++i) {
    if (forecast.daily[i].total < floor) {
      return today + static_cast<absl::civil_diff_t>(i + 1);
    }
  }
  return std::nullopt;
}

}  // namespace rapport::scoring
