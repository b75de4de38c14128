// `rapport recommend`: RecommendationService.GetRecommendations.
#ifndef RAPPORT_CLIENT_CLI_RECOMMEND_COMMAND_H_
#define RAPPORT_CLIENT_CLI_RECOMMEND_COMMAND_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/cli/env.h"

namespace rapport::cli {

struct RecommendOptions {
  std::string member_id;
  int max_results = 0;  // 0: the server's default.
  std::optional<absl::Time> as_of;
};

absl::Status RunRecommend(Env& env, const RecommendOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_RECOMMEND_COMMAND_H_
