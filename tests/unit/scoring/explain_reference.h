// The reference for explanations rendered from facts: Score() as it was
// when each component's explanation was written as it was computed.
#ifndef RAPPORT_TESTS_UNIT_SCORING_EXPLAIN_REFERENCE_H_
#define RAPPORT_TESTS_UNIT_SCORING_EXPLAIN_REFERENCE_H_

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/member.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"

namespace rapport::scoring::reference {

// The score with every explanation, computed by the reference code.
ScoreResult Score(const ScoringModel& model, const model::Profile& profile,
                  const model::MemberActivity& activity, absl::Time as_of);

}  // namespace rapport::scoring::reference

#endif  // RAPPORT_TESTS_UNIT_SCORING_EXPLAIN_REFERENCE_H_
