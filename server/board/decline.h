// Declining members: the one rule and the one list behind
// ListDecliningMembers, the leaderboard page's "needs attention" table, the
// "declining" badge and rapport_team_members_declining. Pure over a Board's
// data; thread-safe.
#ifndef RAPPORT_SERVER_BOARD_DECLINE_H_
#define RAPPORT_SERVER_BOARD_DECLINE_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "server/board/board.h"
#include "server/model/enums.h"
#include "server/scoring/rank.h"

namespace rapport::board {

// The rule: a change of the SSI over a period is a decline when it is
// -min_drop or less (a fall of at least min_drop points).
inline bool IsDecline(double change, double min_drop) {
  return change <= -min_drop;
}

// True when the member's SSI fell by at least `min_drop` in the board's
// seven days (MemberScore::change_7d).
inline bool IsDeclining(const MemberScore& m, double min_drop) {
  return IsDecline(m.change_7d(), min_drop);
}

// One declining member.
struct Decline {
  const MemberScore* member = nullptr;  // Owned by the board.
  scoring::MemberTotals before;         // At the start of the period.
  double change = 0;                    // member->totals.total - before.total.
  // The pillar with the most negative change (the first on ties) and that
  // change.
  model::Pillar pillar_fell_most = model::Pillar::kUnspecified;
  double pillar_change = 0;
};

// The members of `group` whose SSI changed by -min_drop or less since
// `before(member)`, the steepest fall first (ties by member_id). A member
// for whom `before` returns nullptr has no figure for the start of the
// period and is not listed.
std::vector<Decline> FindDecliners(
    const Group& group, double min_drop,
    absl::FunctionRef<const scoring::MemberTotals*(const MemberScore&)> before);

// FindDecliners over the board's seven days (MemberScore::totals_7d_ago).
std::vector<Decline> FindDecliners7d(const Group& group, double min_drop);

}  // namespace rapport::board

#endif  // RAPPORT_SERVER_BOARD_DECLINE_H_
