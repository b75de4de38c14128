#include "client/cli/score_commands.h"

#include "client/cli/format.h"
#include "client/cli/goal_render.h"
#include "client/cli/json.h"
#include "client/cli/score_render.h"
#include "client/cli/terminal_text.h"
#include "rapport/v1/scoring.grpc.pb.h"

namespace rapport::cli {
namespace {

// Sets the request's oneof scope from the options.
template <typename Request>
void SetScope(const GroupScope& scope, Request& request) {
  if (!scope.team.empty()) request.set_team(scope.team);
  if (!scope.industry.empty()) request.set_industry(scope.industry);
}

// Prints the response as JSON or through render.
template <typename Response, typename Render>
absl::Status Print(Env& env, const grpc::Status& status,
                   const Response& response, Render render) {
  if (!status.ok()) return FromGrpc(status);
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  Response safe = response;
  MakeTerminalSafe(&safe);
  env.io.out << render(safe);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunScore(Env& env, const ScoreOptions& options) {
  rapport::v1::GetScoreRequest request;
  request.set_member_id(options.member_id);
  if (options.as_of) *request.mutable_as_of() = ToTimestamp(*options.as_of);
  rapport::v1::GetScoreResponse response;
  auto context = env.client.NewContext();
  return Print(
      env, env.client.scoring().GetScore(context.get(), request, &response),
      response, [](const auto& r) {
        return RenderScore(r.score()) + RenderGoalSection(r.score().goals());
      });
}

absl::Status RunBatchScores(Env& env, const BatchScoresOptions& options) {
  rapport::v1::BatchGetScoresRequest request;
  for (const std::string& id : options.member_ids) request.add_member_ids(id);
  if (options.as_of) *request.mutable_as_of() = ToTimestamp(*options.as_of);
  rapport::v1::BatchGetScoresResponse response;
  auto context = env.client.NewContext();
  return Print(
      env,
      env.client.scoring().BatchGetScores(context.get(), request, &response),
      response, [](const auto& r) { return RenderBatchScores(r); });
}

absl::Status RunHistory(Env& env, const HistoryOptions& options) {
  rapport::v1::GetScoreHistoryRequest request;
  request.set_member_id(options.member_id);
  if (options.start)
    *request.mutable_start_time() = ToTimestamp(*options.start);
  if (options.end) *request.mutable_end_time() = ToTimestamp(*options.end);
  rapport::v1::GetScoreHistoryResponse response;
  auto context = env.client.NewContext();
  return Print(
      env,
      env.client.scoring().GetScoreHistory(context.get(), request, &response),
      response,
      [&](const auto& r) { return RenderHistory(options.member_id, r); });
}

absl::Status RunLeaderboard(Env& env, const LeaderboardOptions& options) {
  rapport::v1::GetLeaderboardRequest request;
  SetScope(options.scope, request);
  request.set_order_by(options.order_by);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  if (options.as_of) *request.mutable_as_of() = ToTimestamp(*options.as_of);
  rapport::v1::GetLeaderboardResponse response;
  auto context = env.client.NewContext();
  return Print(
      env,
      env.client.scoring().GetLeaderboard(context.get(), request, &response),
      response, [](const auto& r) { return RenderLeaderboard(r); });
}

absl::Status RunDecliners(Env& env, const DeclinersOptions& options) {
  rapport::v1::ListDecliningMembersRequest request;
  SetScope(options.scope, request);
  request.set_min_drop(options.min_drop);
  request.set_period_days(options.period_days);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  if (options.as_of) *request.mutable_as_of() = ToTimestamp(*options.as_of);
  rapport::v1::ListDecliningMembersResponse response;
  auto context = env.client.NewContext();
  return Print(env,
               env.client.scoring().ListDecliningMembers(context.get(), request,
                                                         &response),
               response, [](const auto& r) { return RenderDecliners(r); });
}

}  // namespace rapport::cli
