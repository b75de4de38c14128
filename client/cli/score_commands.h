// Commands over ScoringService: score, batch-scores, history, leaderboard,
// decliners. Each returns the RPC's status, having printed the response.
#ifndef RAPPORT_CLIENT_CLI_SCORE_COMMANDS_H_
#define RAPPORT_CLIENT_CLI_SCORE_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/cli/env.h"
#include "rapport/v1/common.pb.h"

namespace rapport::cli {

// Absent times are left to the server (its current time, its defaults).
struct ScoreOptions {
  std::string member_id;
  std::optional<absl::Time> as_of;
};
absl::Status RunScore(Env& env, const ScoreOptions& options);

struct BatchScoresOptions {
  std::vector<std::string> member_ids;
  std::optional<absl::Time> as_of;
};
absl::Status RunBatchScores(Env& env, const BatchScoresOptions& options);

struct HistoryOptions {
  std::string member_id;
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
};
absl::Status RunHistory(Env& env, const HistoryOptions& options);

// At most one of team and industry; neither ranks the whole organisation.
struct GroupScope {
  std::string team;
  std::string industry;
};

struct LeaderboardOptions {
  GroupScope scope;
  rapport::v1::Pillar order_by = rapport::v1::PILLAR_UNSPECIFIED;
  int page_size = 0;
  std::string page_token;
  std::optional<absl::Time> as_of;
};
absl::Status RunLeaderboard(Env& env, const LeaderboardOptions& options);

struct DeclinersOptions {
  GroupScope scope;
  double min_drop = 0;  // 0: the server's default.
  int period_days = 0;  // 0: the server's default.
  int page_size = 0;
  std::string page_token;
  std::optional<absl::Time> as_of;
};
absl::Status RunDecliners(Env& env, const DeclinersOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_SCORE_COMMANDS_H_
