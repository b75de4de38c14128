// TopActions: the most valuable next action of members, remembered per
// scoring of the member, for the metrics of members at risk
// (rapport_member_top_action_points, which the projected-drop alert
// quotes).
//
// A recommendation costs a read of the member's aggregates, so a scrape
// computes at most `budget` new ones per round (BeginRound) and serves the
// rest from what earlier rounds found; a member rescored since keeps its
// last action until its turn comes.
//
// Thread-safe. Does not own its dependencies.
#ifndef RAPPORT_SERVER_CORE_TOP_ACTIONS_H_
#define RAPPORT_SERVER_CORE_TOP_ACTIONS_H_

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/board/board.h"
#include "server/common/clock.h"
#include "server/core/recommendations.h"

namespace rapport::core {

struct TopAction {
  std::string title;
  double points = 0;  // Expected gain.
};

class TopActions {
 public:
  // `budget`: recommendations computed per round, at least 1.
  TopActions(const NextActions* next, const Clock* clock, int budget);

  // Starts a round (a scrape): its budget is whole again.
  void BeginRound();

  // `member`'s top action as of the board that scored it: computed when the
  // round's budget allows and the member was rescored since (or never
  // seen), otherwise the last one found; nullopt when none is known or the
  // member has nothing to do.
  std::optional<TopAction> For(const std::string& tenant,
                               const board::MemberScore& member);

 private:
  struct Entry {
    absl::Time scored_at;  // The member's forecast.as_of when computed.
    std::optional<TopAction> action;
  };

  const NextActions* const next_;
  const Clock* const clock_;
  const int budget_;
  absl::Mutex mu_;
  int left_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::pair<std::string, std::string>, Entry> entries_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_TOP_ACTIONS_H_
