#include "server/scoring/score.h"

#include "server/scoring/event_totals.h"
#include "server/scoring/pillars.h"
#include "server/scoring/recency.h"

namespace rapport::scoring {

namespace internal {

ScoreResult ScoreIn(const Context& context) {
  if (context.sums == nullptr) {
    const ActivitySums sums =
        SumActivity(context.activity, context.model, context.recency);
    Context with_sums = context;
    with_sums.sums = &sums;
    return ScoreIn(with_sums);
  }
  const Context& ctx = context;
  if (ctx.facts != nullptr) {
    ctx.facts->window_days = ctx.recency.window_days();
    for (int type = 0; type <= model::kMaxEventType; ++type) {
      ctx.facts->event_counts[type] =
          ctx.events.Count(static_cast<model::EventType>(type));
    }
  }
  ScoreResult result;
  result.model_version = ctx.model.version;
  result.pillars.reserve(4);
  result.pillars.push_back(ScoreProfessionalBrand(ctx));
  result.pillars.push_back(ScoreFindRightPeople(ctx));
  result.pillars.push_back(ScoreEngageWithInsights(ctx));
  result.pillars.push_back(ScoreBuildRelationships(ctx));
  for (const PillarScore& p : result.pillars) result.total += p.score;
  return result;
}

}  // namespace internal

ScoreResult ScoreFigures(const ScoringModel& model,
                         const model::Profile& profile,
                         const model::MemberActivity& activity,
                         absl::Time as_of, ScoreFacts* facts) {
  const internal::Recency recency(model.window_days, model.half_life_days,
                                  as_of);
  const internal::EventTotals events(activity.daily, recency);
  return internal::ScoreIn({.model = model,
                            .profile = profile,
                            .activity = activity,
                            .recency = recency,
                            .events = events,
                            .facts = facts});
}

ScoreResult Score(const ScoringModel& model, const model::Profile& profile,
                  const model::MemberActivity& activity, absl::Time as_of) {
  ScoreFacts facts;
  ScoreResult result = ScoreFigures(model, profile, activity, as_of, &facts);
  Explain(model, profile, facts, result);
  return result;
}

}  // namespace rapport::scoring
