// Rescorer: many scores of variants of one member's data at one instant
// (a recommendation's counterfactuals), figures only. Pure, like Score().
#ifndef RAPPORT_SERVER_SCORING_RESCORER_H_
#define RAPPORT_SERVER_SCORING_RESCORER_H_

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/member.h"
#include "server/scoring/model.h"
#include "server/scoring/recency.h"
#include "server/scoring/score.h"

namespace rapport::scoring {

// Thread-compatible: const methods may run concurrently. `model` must
// outlive the Rescorer.
class Rescorer {
 public:
  Rescorer(const ScoringModel& model, absl::Time as_of);

  // Score(model, profile, activity, as_of) with every figure equal bit for
  // bit (points, raw values, pillar scores, total) but no explanation text:
  // the window's weights are computed once and no sentence is written.
  ScoreResult Figures(const model::Profile& profile,
                      const model::MemberActivity& activity) const;

 private:
  const ScoringModel& model_;
  const internal::Recency recency_;
};

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_RESCORER_H_
