#include "server/scoring/score.h"

#include "server/scoring/event_totals.h"
#include "server/scoring/pillars.h"
#include "server/scoring/recency.h"

namespace rapport::scoring {

ScoreResult Score(const ScoringModel& model, const model::Profile& profile,
                  const model::MemberActivity& activity, absl::Time as_of) {
  const internal::Recency recency(model.window_days, model.half_life_days,
                                  as_of);
  const internal::EventTotals events(activity.daily, recency);
  const internal::Context ctx{.model = model,
                              .profile = profile,
                              .activity = activity,
                              .recency = recency,
                              .events = events};
  ScoreResult result;
  result.model_version = model.version;
  result.pillars.reserve(4);
  result.pillars.push_back(internal::ScoreProfessionalBrand(ctx));
  result.pillars.push_back(internal::ScoreFindRightPeople(ctx));
  result.pillars.push_back(internal::ScoreEngageWithInsights(ctx));
  result.pillars.push_back(internal::ScoreBuildRelationships(ctx));
  for (const PillarScore& p : result.pillars) result.total += p.score;
  return result;
}

}  // namespace rapport::scoring
