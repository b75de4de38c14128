#include "client/cli/validate_command.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/cli/format.h"
#include "client/cli/json.h"
#include "client/cli/names.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {
namespace {

// "+0.41 [+0.33, +0.48] *": rho, interval, and a star when significant.
std::string Cell(const rapport::v1::Correlation& c) {
  return absl::StrFormat("%+.2f [%+.2f, %+.2f] %s", c.rho(), c.ci_low(),
                         c.ci_high(), c.significant() ? "*" : " ");
}

// The UTC day a timestamp falls on, "-" when absent.
std::string Day(bool present, const google::protobuf::Timestamp& t) {
  if (!present) return "-";
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

}  // namespace

std::string RenderValidation(
    const rapport::v1::GetValidationReportResponse& r) {
  std::string out = absl::StrFormat(
      "score validation for %s (model %s)\n",
      r.team().empty() ? std::string("the tenant") : "team " + r.team(),
      r.model_version().empty() ? "-" : r.model_version());
  absl::StrAppend(
      &out,
      absl::StrFormat("  scores of %s to %s, outcomes over the %d days after "
                      "each; %d member-days of %d members; %.4g%% intervals\n",
                      Day(r.has_start_time(), r.start_time()),
                      Day(r.has_end_time(), r.end_time()), r.outcome_days(),
                      r.member_days(), r.members(), r.confidence() * 100));
  absl::StrAppend(&out,
                  absl::StrFormat("\n  %-14s %-26s %-26s\n", "predictor",
                                  "meetings rho [CI]", "replies rho [CI]"));
  for (const rapport::v1::PredictorValidation& p : r.predictors()) {
    absl::StrAppend(
        &out, absl::StrFormat("  %-14s %-26s %-26s\n", PillarName(p.pillar()),
                              Cell(p.meetings()), Cell(p.replies())));
  }
  absl::StrAppend(&out, "  (* the interval excludes 0)\n\n");
  for (const rapport::v1::PredictorValidation& p : r.predictors()) {
    absl::StrAppend(&out, "  - ", p.verdict(), "\n");
  }
  absl::StrAppend(&out, "\n", r.verdict(), "\n");
  return out;
}

absl::Status RunValidate(Env& env, const ValidateOptions& options) {
  rapport::v1::GetValidationReportRequest request;
  request.set_team(options.team);
  request.set_history_days(options.history_days);
  request.set_outcome_days(options.outcome_days);
  request.set_confidence(options.confidence);
  if (options.as_of.has_value()) {
    *request.mutable_as_of() = ToTimestamp(*options.as_of);
  }
  rapport::v1::GetValidationReportResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(env.client.validation().GetValidationReport(
      context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << RenderValidation(response);
  return absl::OkStatus();
}

}  // namespace rapport::cli
