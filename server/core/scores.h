// ScoreQueries: every score figure the API serves, as one call each over the
// ScoreBoard cache and the store's daily history. The gRPC handlers validate
// and convert; the figures are decided here and in board/ (one definition
// each: ranks and change_7d in Board, the decline rule in decline.h).
//
// Thread-safe. Does not own its dependencies.
#ifndef RAPPORT_SERVER_CORE_SCORES_H_
#define RAPPORT_SERVER_CORE_SCORES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/board/board.h"
#include "server/board/decline.h"
#include "server/board/score_board.h"
#include "server/model/enums.h"
#include "server/scoring/rank.h"
#include "server/store/store.h"

namespace rapport::core {

struct ScoreQueryOptions {
  // The one threshold of "declining", in points over the period: the
  // default min_drop of ListDecliningMembers, the page's badge and
  // rapport_team_members_declining. Greater than 0.
  double decline_points = 5;
  // The SSI below which a member is flagged as falling behind: forecasts
  // give the day a score would cross it. In (0, 100].
  double score_floor = 40;
};

// The group a leaderboard or a decliner list covers.
struct GroupScope {
  enum class Kind { kTenant, kTeam, kIndustry };
  Kind kind = Kind::kTenant;
  std::string name;  // Of the team or industry.
};

// A board member together with the board that keeps it alive.
struct BoardMember {
  std::shared_ptr<const board::Board> board;
  const board::MemberScore* member = nullptr;  // Never null.
};

// One point of a member's daily history.
struct HistoryPoint {
  absl::Time as_of;  // The instant the score is of.
  scoring::MemberTotals totals;
};

// A group's members ordered for a leaderboard.
struct Ranking {
  std::shared_ptr<const board::Board> board;
  std::shared_ptr<const board::Ordering> ordering;  // Never null.
};

struct DeclineList {
  std::shared_ptr<const board::Board> board;  // Owns the decliners' entries.
  // The instant the previous totals are of: the end of the UTC day
  // `period_days` before the board's day (board::PreviousInstant), the
  // instant the daily history records for that day.
  absl::Time previous_time;
  double min_drop = 0;                    // As applied.
  std::vector<board::Decline> decliners;  // Steepest fall first.
};

class ScoreQueries {
 public:
  ScoreQueries(store::Store* store, board::ScoreBoard* boards,
               ScoreQueryOptions options);

  // The member's entry as of now (from the current board, refreshed when the
  // member is newer than it) or as of `as_of` exactly (scored alone, ranked
  // among the team's and industry's scores of the day that answers for
  // as_of: ScoreBoard::Get). A past instant's board holds the member alone
  // with those ranks (board::Board::OfOne), counted over the day's board
  // (board::RankAmong); calls for the same member and instant made while
  // one is computing share its result. While the current board is
  // provisional (board::Board::provisional), the entry as of now is scored
  // alone too, and ranked the same way among the provisional board's
  // scores. NOT_FOUND for a member that does not exist; the store's errors
  // otherwise.
  absl::StatusOr<BoardMember> Member(const store::TenantId& tenant,
                                     const std::string& member_id,
                                     std::optional<absl::Time> as_of) const;

  // The current board holding every change reported so far (refreshed
  // first if it lags).
  absl::StatusOr<std::shared_ptr<const board::Board>> BoardWithAllChanges(
      const store::TenantId& tenant) const;

  // The member's daily history over [first, end]: the recorded score of
  // each UTC day from `first` to the day before end's day (days not yet
  // recorded are missing), then one point at `end` itself, exact to the
  // instant (`end_is_now`: the current board's point). NOT_FOUND for an
  // unknown member.
  absl::StatusOr<std::vector<HistoryPoint>> History(
      const store::TenantId& tenant, const std::string& member_id,
      absl::CivilDay first, absl::Time end, bool end_is_now) const;

  // The group's members ordered by `order_by` (a pillar, or the total when
  // unspecified). NOT_FOUND when a named group has no member.
  absl::StatusOr<Ranking> Rank(const store::TenantId& tenant,
                               const GroupScope& scope, model::Pillar order_by,
                               std::optional<absl::Time> as_of) const;

  // The group's members whose SSI fell by at least `min_drop` (the decline
  // threshold when absent) over `period_days` (7 when absent) before
  // `as_of` (now when absent): the score at as_of against the score at the
  // end of the UTC day `period_days` before as_of's day. The default period
  // reads the board's change_7d; another period the recorded daily history,
  // so members without that day's record are not listed. NOT_FOUND when a
  // named group has no member.
  absl::StatusOr<DeclineList> Decliners(const store::TenantId& tenant,
                                        const GroupScope& scope,
                                        std::optional<double> min_drop,
                                        std::optional<int> period_days,
                                        std::optional<absl::Time> as_of) const;

  // True once every tenant's current board has been built in full
  // (ScoreBoard::complete): a score "now" is then a lookup, not a build nor
  // a member scored alone.
  bool Warm() const { return boards_->complete(); }

  const scoring::ScoringModel& model() const { return boards_->model(); }
  const ScoreQueryOptions& options() const { return options_; }

 private:
  // The member scored alone at `as_of`, ranked among the scores of `day`.
  absl::StatusOr<BoardMember> MemberAgainst(const store::TenantId& tenant,
                                            const model::Member& member,
                                            absl::Time as_of,
                                            const board::Board& day) const;
  // MemberAt, shared by the calls for the same key while it runs.
  absl::StatusOr<BoardMember> MemberAt(const store::TenantId& tenant,
                                       const std::string& member_id,
                                       absl::Time as_of) const;
  absl::StatusOr<BoardMember> ComputeMemberAt(const store::TenantId& tenant,
                                              const std::string& member_id,
                                              absl::Time as_of) const;

  store::Store* const store_;
  board::ScoreBoard* const boards_;
  const ScoreQueryOptions options_;

  // A past instant's score being computed; removed once it is done, so that
  // nothing is kept per instant asked.
  struct Flight {
    absl::Notification done;
    absl::StatusOr<BoardMember> result = absl::UnknownError("not computed");
  };
  using FlightKey = std::tuple<store::TenantId, std::string, absl::Time>;
  mutable absl::Mutex flights_mu_;
  mutable std::map<FlightKey, std::shared_ptr<Flight>> flights_
      ABSL_GUARDED_BY(flights_mu_);
};

// The group `scope` names on `board`; NOT_FOUND when it has no member.
absl::StatusOr<const board::Group*> FindGroup(const board::Board& board,
                                              const GroupScope& scope);

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_SCORES_H_
