// A member's score for one UTC day, as the history records it.
#ifndef RAPPORT_SERVER_ENGINE_DAILY_SCORE_H_
#define RAPPORT_SERVER_ENGINE_DAILY_SCORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/member.h"
#include "server/model/score_snapshot.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "server/store/store.h"

namespace rapport::engine {

// The instant a day's snapshot is scored as of.
using model::EndOfDay;

// The snapshot of `result`, the score of `member_id` for `day`: pillars in
// the order of model::Pillar.
model::ScoreSnapshot ToSnapshot(const std::string& member_id,
                                absl::CivilDay day,
                                const scoring::ScoreResult& result);

// Scores `member` for `day`: the store's activity over the model's window
// ending at EndOfDay(day), scored as of that instant with the member's
// current profile. The store's errors (NOT_FOUND when the member is gone).
absl::StatusOr<model::ScoreSnapshot> ScoreMemberOnDay(
    store::Store& store, const scoring::ScoringModel& model,
    const store::TenantId& tenant, const model::Member& member,
    absl::CivilDay day);

}  // namespace rapport::engine

#endif  // RAPPORT_SERVER_ENGINE_DAILY_SCORE_H_
