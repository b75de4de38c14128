// Goals where scores show: GetScore's Score.goals (the member's goals and
// their team's) and LeaderboardEntry.goals (the member's own), for current
// scores only, and only to callers holding goals.read who see the member.
#ifndef RAPPORT_SERVER_API_GOAL_ANNOTATIONS_H_
#define RAPPORT_SERVER_API_GOAL_ANNOTATIONS_H_

#include <string>

#include "absl/status/status.h"
#include "rapport/v1/scoring.pb.h"
#include "server/auth/principal.h"
#include "server/board/board.h"
#include "server/core/goals.h"

namespace rapport::api {

// Thread-safe. Does not own the tracker.
class GoalAnnotations {
 public:
  explicit GoalAnnotations(const core::GoalTracker* tracker)
      : tracker_(tracker) {}

  // Appends to `response`, a serialized GetScoreResponse of `member_id` on
  // `board` (a current board), the goals of the member and of their team
  // as Score.goals (protobuf merges the appended message into the score).
  // Nothing when the principal does not hold goals.read. The store's errors.
  absl::Status AddToScore(const auth::Principal& principal,
                          const board::Board& board,
                          const std::string& member_id,
                          std::string* response) const;

  // Sets the goals of each entry of `response` (a leaderboard of the
  // current board `board`) whose member the principal sees.
  absl::Status AddToLeaderboard(const auth::Principal& principal,
                                const board::Board& board,
                                v1::GetLeaderboardResponse* response) const;

 private:
  const core::GoalTracker* const tracker_;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_GOAL_ANNOTATIONS_H_
