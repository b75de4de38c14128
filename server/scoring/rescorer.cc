#include "server/scoring/rescorer.h"

#include "server/scoring/event_totals.h"
#include "server/scoring/pillars.h"

namespace rapport::scoring {

Rescorer::Rescorer(const ScoringModel& model, absl::Time as_of)
    : model_(model),
      recency_(model.window_days, model.half_life_days, as_of) {}

ScoreResult Rescorer::Figures(const model::Profile& profile,
                              const model::MemberActivity& activity) const {
  const internal::EventTotals events(activity.daily, recency_);
  return internal::ScoreIn({.model = model_,
                            .profile = profile,
                            .activity = activity,
                            .recency = recency_,
                            .events = events,
                            .explain = false});
}

}  // namespace rapport::scoring
