// NextActions: a member's recommendations, from one read of the member's
// aggregates and the team's pooled 30-day reply rate on the ScoreBoard.
//
// Thread-safe. Does not own its dependencies.
#ifndef RAPPORT_SERVER_CORE_RECOMMENDATIONS_H_
#define RAPPORT_SERVER_CORE_RECOMMENDATIONS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/board/score_board.h"
#include "server/recommend/recommend.h"
#include "server/store/store.h"

namespace rapport::core {

struct NextActionsOptions {
  // The team's reply rate is used (and shown) only for teams of at least
  // this many members; smaller teams are compared with the model's prior.
  int min_group_size = 5;
};

class NextActions {
 public:
  NextActions(store::Store* store, board::ScoreBoard* boards,
              NextActionsOptions options);

  // The member's best `max_results` actions as of `as_of` (the board's
  // current time when absent; `now` is then the instant scored). NOT_FOUND
  // for an unknown member.
  absl::StatusOr<recommend::Recommendations> For(
      const store::TenantId& tenant, const std::string& member_id,
      std::optional<absl::Time> as_of, absl::Time now, int max_results) const;

  // The pooled reply rate of the member's team over the current board's 30
  // days (board::PooledOutreach, kept with the board's team), or absent for a
  // team under min_group_size and for a past as_of (past days' boards keep no
  // reply counts).
  absl::StatusOr<std::optional<double>> TeamReplyRate(
      const store::TenantId& tenant, const std::string& team,
      std::optional<absl::Time> as_of) const;

 private:
  store::Store* const store_;
  board::ScoreBoard* const boards_;
  const NextActionsOptions options_;
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_RECOMMENDATIONS_H_
