#include "server/api/goal_convert.h"

#include "server/api/convert.h"

namespace rapport::api {

// The library's statuses mirror rapport.v1.GoalStatus value for value.
#define RAPPORT_SAME_STATUS(proto, status) \
  static_assert(v1::GOAL_STATUS_##proto == \
                static_cast<int>(core::GoalStatus::status))
RAPPORT_SAME_STATUS(UNSPECIFIED, kUnspecified);
RAPPORT_SAME_STATUS(MET, kMet);
RAPPORT_SAME_STATUS(ON_TRACK, kOnTrack);
RAPPORT_SAME_STATUS(OFF_TRACK, kOffTrack);
RAPPORT_SAME_STATUS(ACHIEVED, kAchieved);
RAPPORT_SAME_STATUS(MISSED, kMissed);
#undef RAPPORT_SAME_STATUS
static_assert(v1::GoalStatus_MAX ==
              static_cast<int>(core::GoalStatus::kMissed));

void ToProto(const store::GoalRecord& goal, v1::Goal* out) {
  out->set_goal_id(goal.goal_id);
  if (!goal.member_id.empty()) {
    out->set_member_id(goal.member_id);
  } else {
    out->set_team(goal.team);
  }
  out->set_pillar(ToProto(static_cast<model::Pillar>(goal.pillar)));
  out->set_target(goal.target);
  ToProtoTime(goal.due_time, out->mutable_due_time());
  out->set_note(goal.note);
  ToProtoTime(goal.create_time, out->mutable_create_time());
  out->set_created_by(goal.created_by);
}

void ToProto(const core::GoalView& view, v1::GoalProgress* out) {
  ToProto(view.goal, out->mutable_goal());
  out->set_current(view.progress.current);
  out->set_projected(view.progress.projected);
  out->set_status(static_cast<v1::GoalStatus>(view.progress.status));
  out->set_remaining(view.progress.remaining);
}

void AddGoals(const std::vector<const core::GoalView*>& views,
              google::protobuf::RepeatedPtrField<v1::GoalProgress>* out) {
  for (const core::GoalView* view : views) ToProto(*view, out->Add());
}

}  // namespace rapport::api
