// The four pillars, one file each. Internal to scoring: Score() is the
// public entry point.
#ifndef RAPPORT_SERVER_SCORING_PILLARS_H_
#define RAPPORT_SERVER_SCORING_PILLARS_H_

#include <string>
#include <utility>

#include "server/model/activity.h"
#include "server/model/member.h"
#include "server/scoring/activity_sums.h"
#include "server/scoring/event_totals.h"
#include "server/scoring/model.h"
#include "server/scoring/recency.h"
#include "server/scoring/score.h"

namespace rapport::scoring::internal {

// What every pillar reads; all references outlive the call.
struct Context {
  const ScoringModel& model;
  const model::Profile& profile;
  const model::MemberActivity& activity;
  const Recency& recency;
  const EventTotals& events;
  // The sums over the activity's contacts and threads (activity_sums.h);
  // ScoreIn() computes them when null. The pillars read them only there.
  const ActivitySums* sums = nullptr;
  // When not null, receives the counts the explanations are written from
  // (ScoreFacts); the figures alone (forecasts) leave it null.
  ScoreFacts* facts = nullptr;
};

// The score of ctx's member without explanations: the four pillars and
// their sum (ScoreFigures()).
ScoreResult ScoreIn(const Context& ctx);

// Each returns the pillar with its components in a fixed order and score =
// the sum of their points.
PillarScore ScoreProfessionalBrand(const Context& ctx);   // brand.cc
PillarScore ScoreFindRightPeople(const Context& ctx);     // find_people.cc
PillarScore ScoreEngageWithInsights(const Context& ctx);  // engage.cc
PillarScore ScoreBuildRelationships(const Context& ctx);  // relationships.cc

// The recency-weighted sum under `weights` of the engagement the member's
// content received, shared by the brand and engage pillars (brand.cc).
double WeightedEngagement(const EventTotals& events,
                          const EngagementWeights& weights);

// Appends `c` to `pillar` and adds its points to the pillar's score.
inline void Add(PillarScore& pillar, ComponentScore c) {
  pillar.score += c.points;
  pillar.components.push_back(std::move(c));
}

}  // namespace rapport::scoring::internal

#endif  // RAPPORT_SERVER_SCORING_PILLARS_H_
