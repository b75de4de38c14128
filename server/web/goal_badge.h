// The leaderboard page's goal indicator: one small badge per member with
// open goals of their own, saying whether they are on track.
#ifndef RAPPORT_SERVER_WEB_GOAL_BADGE_H_
#define RAPPORT_SERVER_WEB_GOAL_BADGE_H_

#include <string>

#include "server/web/leaderboard_page.h"

namespace rapport::web {

// ` data-goal="on"` or ` data-goal="off"` for a member in
// options.goals_on_track; empty otherwise.
std::string GoalDataAttribute(const LeaderboardPageOptions& options,
                              const std::string& member_id);

// The badge of that member: "goal on track" or "goal off track"; empty for
// a member without open goals.
std::string GoalBadge(const LeaderboardPageOptions& options,
                      const std::string& member_id);

}  // namespace rapport::web

#endif  // RAPPORT_SERVER_WEB_GOAL_BADGE_H_
