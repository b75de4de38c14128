// Text rendering of goals for `rapport goals` and `rapport score`. Inputs
// have been made terminal-safe by the caller.
#ifndef RAPPORT_CLIENT_CLI_GOAL_RENDER_H_
#define RAPPORT_CLIENT_CLI_GOAL_RENDER_H_

#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "rapport/v1/goal.pb.h"

namespace rapport::cli {

// "on track", "off track", "met", "achieved", "missed" or "-".
std::string GoalStatusName(rapport::v1::GoalStatus status);

// One line per goal: id, subject, pillar, current / target, projected,
// status, due date, note.
std::string RenderGoalLine(const rapport::v1::GoalProgress& goal);

// A "goals" section of lines, or "" when there is none.
std::string RenderGoalSection(
    const google::protobuf::RepeatedPtrField<rapport::v1::GoalProgress>& goals);

// The goals of a ListGoals page, with the next page's token.
std::string RenderGoalList(const rapport::v1::ListGoalsResponse& r);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_GOAL_RENDER_H_
