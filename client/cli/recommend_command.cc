#include "client/cli/recommend_command.h"

#include "client/cli/format.h"
#include "client/cli/json.h"
#include "client/cli/recommend_render.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {

absl::Status RunRecommend(Env& env, const RecommendOptions& options) {
  rapport::v1::GetRecommendationsRequest request;
  request.set_member_id(options.member_id);
  request.set_max_results(options.max_results);
  if (options.as_of.has_value()) {
    *request.mutable_as_of() = ToTimestamp(*options.as_of);
  }
  rapport::v1::GetRecommendationsResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(env.client.recommendation().GetRecommendations(
      context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << RenderRecommendations(TerminalSafe(options.member_id),
                                      response);
  return absl::OkStatus();
}

}  // namespace rapport::cli
