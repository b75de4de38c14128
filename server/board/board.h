// Board: an immutable snapshot of a tenant's scores at one time, with each
// member's industry and team (network) ranks and the orderings leaderboards
// read. Built by ScoreBoard; shared read-only between threads.
#ifndef RAPPORT_SERVER_BOARD_BOARD_H_
#define RAPPORT_SERVER_BOARD_BOARD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/model/enums.h"
#include "server/model/member.h"
#include "server/outreach/stats.h"
#include "server/scoring/forecast.h"
#include "server/scoring/rank.h"
#include "server/scoring/score.h"

namespace rapport::board {

// What a member's outreach came to over the 30 UTC days ending at the
// board's time (outreach::WindowStart; ComputeStats over the same aggregates
// the score read): the window of the default outreach report.
// Summed over a group, its reply_rate() is the group's pooled reply rate.
using OutreachSummary = outreach::ReplyCounts;
inline constexpr int kOutreachSummaryDays = 30;

// One member's scores. Immutable once built.
struct MemberScore {
  model::Member member;
  scoring::ScoreResult score;    // As of the board's time.
  scoring::MemberTotals totals;  // Of `score`.
  // At PreviousInstant(as_of, 7): the end of the UTC day seven days
  // before the board's day, the score the daily history records for it.
  scoring::MemberTotals totals_7d_ago;
  OutreachSummary outreach_30d;  // Over kOutreachSummaryDays.
  // Where the score heads with no new events (scoring::ProjectScore) from
  // the board's time. Empty on a past day's board.
  scoring::Forecast forecast;
  double change_7d() const { return totals.total - totals_7d_ago.total; }
};

// The members of one group (a team, an industry or the whole tenant),
// ordered by total, best first (ties by member_id), with their ranks.
struct Group {
  std::string name;
  std::vector<std::shared_ptr<const MemberScore>> ranked;
  std::vector<scoring::GroupRank> ranks;  // Aligned with `ranked`.
  // PooledOutreach(*this), summed once when the board is built so that a
  // reader (a recommendation's team reference) never walks the group.
  OutreachSummary outreach_30d;
};

// Members ordered by a pillar or the total, best first, ties by member_id,
// with competition ranks ("1, 2, 2, 4") on that order.
struct Ordering {
  std::vector<const MemberScore*> members;
  std::vector<int> ranks;
};

// Thread-safe.
class Board {
 public:
  // `members` in any order; ranks and orderings are computed here.
  // `provisional`: see provisional().
  Board(absl::Time as_of,
        std::vector<std::shared_ptr<const MemberScore>> members,
        const scoring::RankOptions& rank_options, bool provisional = false);

  absl::Time as_of() const { return as_of_; }
  // True for a board served as the current one while the current board is
  // first built after a start (ScoreBoard::Warm): the daily history's
  // totals of its last recorded day (as_of() is that day's end), holding
  // only the members with current records of that day and of seven days
  // before, without score components, outreach counts or forecasts. A
  // member's score "now" is then computed alone and ranked among it.
  bool provisional() const { return provisional_; }
  size_t size() const { return tenant_.ranked.size(); }

  // nullptr when the member is not on the board.
  const MemberScore* Find(const std::string& member_id) const;
  // The member's rank in their industry / team; nullptr when absent.
  const scoring::GroupRank* IndustryRank(const std::string& member_id) const;
  const scoring::GroupRank* TeamRank(const std::string& member_id) const;

  // The group, or nullptr when no member belongs to it.
  const Group* Team(const std::string& team) const;
  const Group* Industry(const std::string& industry) const;
  const Group& Tenant() const { return tenant_; }
  // Every team, by name.
  const std::map<std::string, Group>& teams() const { return teams_; }

  // The members of `group` (one of this board's) ordered by `order_by`: a
  // pillar, or the total when unspecified. Computed once per group and
  // order, then shared.
  std::shared_ptr<const Ordering> OrderBy(const Group& group,
                                          model::Pillar order_by) const;

  // A string derived from one member's entry (for example the member's
  // serialized GetScore response), built by `build` at most once per board
  // and kept with it. Empty when `member_id` is not on the board.
  const std::string& Memo(
      const std::string& member_id,
      absl::FunctionRef<std::string(const MemberScore&)> build) const;

  // Every member, in no particular order.
  const std::vector<std::shared_ptr<const MemberScore>>& members() const {
    return members_;
  }

 private:
  struct Position {
    size_t index = 0;  // In members_ and memo_.
    const Group* team = nullptr;
    size_t team_index = 0;
    const Group* industry = nullptr;
    size_t industry_index = 0;
  };

  absl::Time as_of_;
  bool provisional_ = false;
  std::vector<std::shared_ptr<const MemberScore>> members_;
  std::map<std::string, Group> teams_;
  std::map<std::string, Group> industries_;
  Group tenant_;
  std::unordered_map<std::string, Position> positions_;
  struct MemoSlot {
    absl::once_flag once;
    std::string value;
  };
  std::unique_ptr<MemoSlot[]> memo_;
  mutable absl::Mutex orderings_mu_;
  mutable std::map<std::pair<const Group*, model::Pillar>,
                   std::shared_ptr<const Ordering>>
      orderings_ ABSL_GUARDED_BY(orderings_mu_);
};

// The figures of a group's members that team leaderboards, the leaderboard
// page and the metrics show. All zero for an empty group.
struct GroupSummary {
  size_t members = 0;
  double average = 0;  // Mean SSI.
  double median = 0;   // Median SSI (rapport::Median).
  // Mean change_7d of the members.
  double change_7d = 0;
  scoring::MemberTotals pillar_averages;  // .total is unused.
  // Members for whom IsDeclining(member, decline_points) (decline.h).
  int64_t declining = 0;
  OutreachSummary outreach_30d;  // Summed over the members.
};

GroupSummary Summarize(const Group& group, double decline_points);

// The members' 30-day reply counts summed: its reply_rate() is the group's
// pooled reply rate (GroupSummary::outreach_30d).
OutreachSummary PooledOutreach(const Group& group);

// A member's value on `order_by` (a pillar, or the total).
double ValueOf(const scoring::MemberTotals& totals, model::Pillar order_by);

}  // namespace rapport::board

#endif  // RAPPORT_SERVER_BOARD_BOARD_H_
