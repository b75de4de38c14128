// Forecast: where a member's score heads if they do nothing more. The same
// model at future instants with no new events: recency weights fall and
// activity leaves the window day by day.
//
// One rule keeps a forecast honest: a member who does nothing earns
// nothing. A rate (reply, acceptance, reciprocity) can rise with nothing
// done, when an old unanswered thread or invitation leaves the window; a
// forecast does not count such a rise. Each component is held at its lowest
// points on any day from as_of through the day projected, and the pillars
// and the total are the sums of those points. So a forecast never rises
// with the horizon, its horizon 0 is the score itself, and any activity
// added later can only lift the real score above it.
//
// Pure and thread-safe, like Score().
#ifndef RAPPORT_SERVER_SCORING_FORECAST_H_
#define RAPPORT_SERVER_SCORING_FORECAST_H_

#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/member.h"
#include "server/scoring/model.h"
#include "server/scoring/rank.h"
#include "server/scoring/score.h"

namespace rapport::scoring {

// How far forecasts reach, in days.
inline constexpr int kForecastDays = 30;
// The horizons the API and the metrics show, in days.
inline constexpr int kForecastHorizons[] = {7, 14, 30};

// A member's projection, day by day.
struct Forecast {
  absl::Time as_of;  // The instant projected from.
  // daily[d - 1]: the projected figures at as_of + d days, d = 1 ..
  // kForecastDays. Empty when no forecast was computed (a past day's board).
  std::vector<MemberTotals> daily;

  bool empty() const { return daily.empty(); }
  // The projection `days` ahead: `current` for days <= 0 and without a
  // forecast, the last day for days beyond it.
  const MemberTotals& At(int days, const MemberTotals& current) const;
};

// Projects `current` (= Score(model, profile, activity, as_of)) over
// kForecastDays days. `activity` is what Score() read for as_of.
Forecast ProjectScore(const ScoringModel& model, const model::Profile& profile,
                      const model::MemberActivity& activity, absl::Time as_of,
                      const ScoreResult& current);

// The first UTC day on which the projected total is below `floor`, when
// `current_total` (the total at forecast.as_of) is at or above it; nullopt
// otherwise (already below, at or above for the whole forecast, or no
// forecast). Scores change only at UTC midnight when nothing happens, so
// the projection holds from that day's start.
std::optional<absl::CivilDay> FirstDayBelow(const Forecast& forecast,
                                            double current_total, double floor);

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_FORECAST_H_
