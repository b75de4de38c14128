// `rapport outreach`: OutreachService.GetOutreachEffectiveness.
#ifndef RAPPORT_CLIENT_CLI_OUTREACH_COMMAND_H_
#define RAPPORT_CLIENT_CLI_OUTREACH_COMMAND_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/cli/env.h"

namespace rapport::cli {

// Exactly one of member_id and team.
struct OutreachOptions {
  std::string member_id;
  std::string team;
  int window_days = 0;  // 0: the server's default.
  std::optional<absl::Time> as_of;
};

absl::Status RunOutreach(Env& env, const OutreachOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_OUTREACH_COMMAND_H_
