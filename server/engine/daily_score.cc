#include "server/engine/daily_score.h"

#include <cstddef>
#include <utility>

namespace rapport::engine {

model::ScoreSnapshot ToSnapshot(const std::string& member_id,
                                absl::CivilDay day,
                                const scoring::ScoreResult& result) {
  model::ScoreSnapshot snapshot;
  snapshot.member_id = member_id;
  snapshot.day = day;
  snapshot.total = result.total;
  // Score() lists the pillars in model::Pillar order; the pillar field says
  // where each goes, whatever the order.
  for (const scoring::PillarScore& pillar : result.pillars) {
    const size_t index = static_cast<size_t>(pillar.pillar) - 1;
    if (index < snapshot.pillars.size()) snapshot.pillars[index] = pillar.score;
  }
  snapshot.model_version = result.model_version;
  return snapshot;
}

absl::StatusOr<model::ScoreSnapshot> ScoreMemberOnDay(
    store::Store& store, const scoring::ScoringModel& model,
    const store::TenantId& tenant, const model::Member& member,
    absl::CivilDay day) {
  const absl::Time as_of = EndOfDay(day);
  absl::StatusOr<model::MemberActivity> activity =
      store.ReadActivity(tenant, member.member_id,
                         as_of - absl::Hours(24) * model.window_days, as_of);
  if (!activity.ok()) return std::move(activity).status();
  model::ScoreSnapshot snapshot =
      ToSnapshot(member.member_id, day,
                 scoring::Score(model, member.profile, *activity, as_of));
  // The member was read before its activity: if it is deleted and created
  // again meanwhile, the snapshot is of the deleted one and must not be
  // written.
  snapshot.member_create_time = member.create_time;
  return snapshot;
}

}  // namespace rapport::engine
