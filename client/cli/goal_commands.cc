#include "client/cli/goal_commands.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "client/cli/client.h"
#include "client/cli/format.h"
#include "client/cli/goal_render.h"
#include "client/cli/json.h"
#include "client/cli/names.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {

absl::StatusOr<rapport::v1::CreateGoalRequest> GoalRequestOf(
    const SetGoalOptions& options) {
  if (options.member_id.empty() == options.team.empty()) {
    return absl::InvalidArgumentError("set one of --member and --team");
  }
  rapport::v1::CreateGoalRequest request;
  rapport::v1::Goal* goal = request.mutable_goal();
  if (!options.member_id.empty()) {
    goal->set_member_id(options.member_id);
  } else {
    goal->set_team(options.team);
  }
  if (!options.pillar.empty()) {
    absl::StatusOr<rapport::v1::Pillar> pillar = ParsePillar(options.pillar);
    if (!pillar.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--pillar: ", pillar.status().message()));
    }
    goal->set_pillar(*pillar);
  }
  double target = 0;
  if (options.target.empty() || !absl::SimpleAtod(options.target, &target)) {
    return absl::InvalidArgumentError("--target: a number is required");
  }
  goal->set_target(target);
  absl::CivilDay day;
  if (!absl::ParseCivilTime(options.due, &day)) {
    return absl::InvalidArgumentError("--due: a date YYYY-MM-DD is required");
  }
  // The end of that UTC day: the goal holds for the whole day.
  const absl::Time due =
      absl::FromCivil(day + 1, absl::UTCTimeZone()) - absl::Seconds(1);
  *goal->mutable_due_time() = ToTimestamp(due);
  goal->set_note(options.note);
  return request;
}

absl::Status RunSetGoal(Env& env, const SetGoalOptions& options) {
  absl::StatusOr<rapport::v1::CreateGoalRequest> request =
      GoalRequestOf(options);
  if (!request.ok()) return request.status();
  rapport::v1::CreateGoalResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.goals().CreateGoal(context.get(), *request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << "goal set\n" << RenderGoalLine(response.goal());
  return absl::OkStatus();
}

absl::Status RunListGoals(Env& env, const ListGoalsOptions& options) {
  rapport::v1::ListGoalsRequest request;
  request.set_member_id(options.member_id);
  request.set_team(options.team);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  rapport::v1::ListGoalsResponse response;
  auto context = env.client.NewContext();
  absl::Status s =
      FromGrpc(env.client.goals().ListGoals(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << RenderGoalList(response);
  return absl::OkStatus();
}

absl::Status RunDeleteGoal(Env& env, const std::string& goal_id) {
  rapport::v1::DeleteGoalRequest request;
  request.set_goal_id(goal_id);
  rapport::v1::DeleteGoalResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.goals().DeleteGoal(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  env.io.out << "deleted goal " << TerminalSafe(goal_id) << "\n";
  return absl::OkStatus();
}

}  // namespace rapport::cli
