// `rapport validate`: ValidationService.GetValidationReport — whether the
// score predicts meetings and replies in the tenant or one team.
#ifndef RAPPORT_CLIENT_CLI_VALIDATE_COMMAND_H_
#define RAPPORT_CLIENT_CLI_VALIDATE_COMMAND_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/cli/env.h"
#include "rapport/v1/validation.pb.h"

namespace rapport::cli {

struct ValidateOptions {
  std::string team;       // Empty: the whole tenant.
  int history_days = 0;   // 0: the server's default.
  int outcome_days = 0;   // 0: the server's default.
  double confidence = 0;  // 0: the server's default.
  std::optional<absl::Time> as_of;
};

absl::Status RunValidate(Env& env, const ValidateOptions& options);

// The report as a table (one row per predictor: rho, interval and
// member-days against meetings and against replies) followed by the
// verdicts. Pure: strings are shown as given (the caller makes them
// terminal-safe).
std::string RenderValidation(const rapport::v1::GetValidationReportResponse& r);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_VALIDATE_COMMAND_H_
