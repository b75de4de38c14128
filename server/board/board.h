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

// A score as a board keeps it: the figures that differ between members,
// and a shape shared by every score of one model (the pillars and
// components with their names, signals, targets and maximum points, and
// the model version), so that a hundred thousand entries do not each hold
// the same strings.
struct PackedScore {
  // The score with every figure zero and no explanation; null for a score
  // without pillars or model version.
  std::shared_ptr<const scoring::ScoreResult> shape;
  double total = 0;
  // Pillar after pillar: the pillar's score, then each of its components'
  // raw value and points.
  std::vector<double> figures;

  // The score: `shape` with the figures in place (explanations as in
  // `shape`, empty).
  scoring::ScoreResult Unpack() const;
  // Whether `score` has the shape `shape` (ShapeOf(score) == shape).
  static bool HasShape(const scoring::ScoreResult& score,
                       const scoring::ScoreResult& shape);
  // `score` with every figure zero and no explanation.
  static scoring::ScoreResult ShapeOf(const scoring::ScoreResult& score);
  // `score` packed over `shape`, which must be ShapeOf(score).
  static PackedScore Pack(const scoring::ScoreResult& score,
                          std::shared_ptr<const scoring::ScoreResult> shape);

  friend bool operator==(const PackedScore& a, const PackedScore& b) {
    return a.Unpack() == b.Unpack();
  }
};

// One member's scores. Immutable once built.
//
// `score` holds the figures of every component but no explanation text: a
// board keeps a hundred thousand of them, and the text (several kilobytes a
// member) is written from `facts` when a score is shown (ExplainedScore).
struct MemberScore {
  model::Member member;
  PackedScore score;  // As of the board's time; explanations empty.
  // What `score`'s explanations are written from, and the model that
  // computed it; both null on entries holding totals alone (a past day's
  // board), whose score has no components to explain.
  std::shared_ptr<const scoring::ScoreFacts> facts;
  const scoring::ScoringModel* model = nullptr;
  scoring::MemberTotals totals;  // Of `score`.
  // At PreviousInstant(as_of, 7): the end of the UTC day seven days
  // before the board's day, the score the daily history records for it.
  scoring::MemberTotals totals_7d_ago;
  OutreachSummary outreach_30d;  // Over kOutreachSummaryDays.
  // Where the score heads with no new events (scoring::ProjectScore) from
  // the board's time. Empty on a past day's board.
  scoring::Forecast forecast;
  double change_7d() const { return totals.total - totals_7d_ago.total; }
  // `score` with every component's explanation, equal byte for byte to
  // scoring::Score() of the same inputs; `score` as it is without facts.
  scoring::ScoreResult ExplainedScore() const;
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

  // A board of `member` alone whose team and industry ranks are the given
  // ones, computed elsewhere: an exact past instant's score ranked among a
  // day's scores (RankAmong). Its groups hold only `member`, so only the
  // member's entry and ranks are meaningful.
  static std::shared_ptr<const Board> OfOne(
      absl::Time as_of, std::shared_ptr<const MemberScore> member,
      scoring::GroupRank team_rank, scoring::GroupRank industry_rank);

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

  // A string derived from one member's entry (the member's serialized
  // GetScore response), built by `build` at most once per board and kept
  // with it, so that a score read again costs a lookup: only members read
  // since the board was built hold one. Empty when `member_id` is not on
  // the board.
  const std::string& Memo(
      const std::string& member_id,
      absl::FunctionRef<std::string(const MemberScore&)> build) const;

  // Every member, in no particular order.
  const std::vector<std::shared_ptr<const MemberScore>>& members() const {
    return members_;
  }

 private:
  Board(absl::Time as_of, std::shared_ptr<const MemberScore> member,
        scoring::GroupRank team_rank, scoring::GroupRank industry_rank);

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

// The rank `entry` gets in `group` (one of a board's groups; null for an
// empty group) when the group's entry of the same member_id, if any, is
// replaced by `entry`: what a Board holding the group's other members and
// `entry` gives it, bit for bit (averages included), found by counting the
// members above it rather than building that board.
scoring::GroupRank RankAmong(const Group* group, const MemberScore& entry,
                             const scoring::RankOptions& options);

// A member's value on `order_by` (a pillar, or the total).
double ValueOf(const scoring::MemberTotals& totals, model::Pillar order_by);

}  // namespace rapport::board

#endif  // RAPPORT_SERVER_BOARD_BOARD_H_
