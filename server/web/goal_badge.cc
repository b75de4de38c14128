#include "server/web/goal_badge.h"

namespace rapport::web {

std::string GoalDataAttribute(const LeaderboardPageOptions& options,
                              const std::string& member_id) {
  auto it = options.goals_on_track.find(member_id);
  if (it == options.goals_on_track.end()) return "";
  return it->second ? " data-goal=\"on\"" : " data-goal=\"off\"";
}

std::string GoalBadge(const LeaderboardPageOptions& options,
                      const std::string& member_id) {
  auto it = options.goals_on_track.find(member_id);
  if (it == options.goals_on_track.end()) return "";
  // Inline style: the page's stylesheet has the badge shape; the colour
  // tells on track (green) from off track (red).
  return it->second
             ? " <span class=\"badge\" style=\"background:#e6f4ea;"
               "color:#137333\">goal on track</span>"
             : " <span class=\"badge\" title=\"a goal of this member is off "
               "track\">goal off track</span>";
}

}  // namespace rapport::web
