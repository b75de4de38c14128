// `rapport goals set|list|delete`: GoalService.
#ifndef RAPPORT_CLIENT_CLI_GOAL_COMMANDS_H_
#define RAPPORT_CLIENT_CLI_GOAL_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/cli/env.h"
#include "rapport/v1/goal.pb.h"

namespace rapport::cli {

struct SetGoalOptions {
  std::string member_id;  // One of member_id and team.
  std::string team;
  std::string pillar;  // A PillarName, "total" or empty: the SSI.
  std::string target;  // A number.
  std::string due;     // YYYY-MM-DD: due at the end of that UTC day.
  std::string note;
};

// The CreateGoalRequest of `options`; INVALID_ARGUMENT naming the flag.
absl::StatusOr<rapport::v1::CreateGoalRequest> GoalRequestOf(
    const SetGoalOptions& options);

absl::Status RunSetGoal(Env& env, const SetGoalOptions& options);

struct ListGoalsOptions {
  std::string member_id;
  std::string team;
  int page_size = 0;
  std::string page_token;
};

absl::Status RunListGoals(Env& env, const ListGoalsOptions& options);

absl::Status RunDeleteGoal(Env& env, const std::string& goal_id);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_GOAL_COMMANDS_H_
