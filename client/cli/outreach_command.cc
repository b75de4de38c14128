#include "client/cli/outreach_command.h"

#include "absl/strings/str_cat.h"
#include "client/cli/format.h"
#include "client/cli/json.h"
#include "client/cli/outreach_render.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {

absl::Status RunOutreach(Env& env, const OutreachOptions& options) {
  rapport::v1::GetOutreachEffectivenessRequest request;
  if (!options.member_id.empty()) request.set_member_id(options.member_id);
  if (!options.team.empty()) request.set_team(options.team);
  request.set_window_days(options.window_days);
  if (options.as_of.has_value()) {
    *request.mutable_as_of() = ToTimestamp(*options.as_of);
  }
  rapport::v1::GetOutreachEffectivenessResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(env.client.outreach().GetOutreachEffectiveness(
      context.get(), request, &response));
  if (!s.ok()) return s;
  const std::string scope = options.member_id.empty()
                                ? absl::StrCat("team ", options.team)
                                : options.member_id;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << RenderOutreach(TerminalSafe(scope), response);
  return absl::OkStatus();
}

}  // namespace rapport::cli
