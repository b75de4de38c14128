// Goals between core/ and rapport.v1: the messages GoalService, GetScore
// and leaderboards return.
#ifndef RAPPORT_SERVER_API_GOAL_CONVERT_H_
#define RAPPORT_SERVER_API_GOAL_CONVERT_H_

#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "rapport/v1/goal.pb.h"
#include "server/core/goals.h"
#include "server/store/store.h"

namespace rapport::api {

void ToProto(const store::GoalRecord& goal, v1::Goal* out);
void ToProto(const core::GoalView& view, v1::GoalProgress* out);

// Appends each of `views` to `out`.
void AddGoals(const std::vector<const core::GoalView*>& views,
              google::protobuf::RepeatedPtrField<v1::GoalProgress>* out);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_GOAL_CONVERT_H_
