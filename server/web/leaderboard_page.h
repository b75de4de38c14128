// The leaderboard page rapportd serves at "/" on the metrics port: what a
// sales manager reads at a glance. Either the whole tenant (key figures, a
// summary of every team, the members whose SSI is falling, then one table per
// team) or one team. Each member row shows the rank in the team, the name,
// the SSI, the four pillars as bars, the 7-day change with an arrow, and a
// "declining" badge.
//
// The page is self-contained: inline CSS, no scripts, no external assets; it
// reloads itself with <meta http-equiv="refresh">. Every string from the data
// (names, ids, teams) is HTML-escaped. Rows carry data-* attributes
// (data-member, data-rank, data-ssi, data-change, data-trend,
// data-declining) so that tests read the page without scraping text.
//
// Pure: no I/O and no clock reads (the time shown is the board's). Reentrant.
#ifndef RAPPORT_SERVER_WEB_LEADERBOARD_PAGE_H_
#define RAPPORT_SERVER_WEB_LEADERBOARD_PAGE_H_

#include <map>
#include <string>

#include "server/board/board.h"

namespace rapport::web {

struct LeaderboardPageOptions {
  // The team shown; empty for the whole tenant. A team with no member on the
  // board renders a page saying so (callers usually answer 404 instead).
  std::string team;
  // A member is declining when their SSI changed by -decline_points or less
  // over seven days.
  double decline_points = 5;
  // The SSI floor: a member whose forecast falls below it is flagged with
  // the day it would.
  double score_floor = 40;
  // The page reloads itself this often; 0 or less: never.
  int refresh_seconds = 30;
  // The page's heading and the start of its <title>.
  std::string title = "Rapport leaderboard";
  // The tenant-wide view shows at most this many members per team (the
  // best) and this many decliners; the team view shows every member. 0 or
  // less: no limit.
  int max_rows_per_team = 50;
  // A rep's ranks-only view: when not empty, the rows of every member but
  // this one show the rank and the name only (no SSI, pillars or change).
  std::string scores_only_for;
  // Whether the team view links back to the whole tenant (not for viewers
  // who may see only their teams).
  bool link_to_tenant = true;
  // Members with open goals of their own: true when every one is on track
  // (core::GoalsOnTrack). Their rows show a "goal on track" or "goal off
  // track" indicator and data-goal="on" or "off" (goal_badge.h).
  std::map<std::string, bool> goals_on_track;
  // HTML the tenant-wide view ends with (after the team tables), already
  // escaped: RenderValidationSection's. Not shown in the team view.
  std::string tenant_view_extra_html;
};

std::string RenderLeaderboardPage(const board::Board& board,
                                  const LeaderboardPageOptions& options);

}  // namespace rapport::web

#endif  // RAPPORT_SERVER_WEB_LEADERBOARD_PAGE_H_
