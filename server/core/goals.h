// Goals: where a target for a member's or a team's score stands, from the
// current board. The rule (docs/scoring.md, "Goals"):
//
// - current: the member's total or pillar on the board; for a team, the
//   average over the team's members on the board.
// - projected, before the due time: per member, the larger of F, where F is
//   the no-action forecast at the due time (MemberScore::forecast; the
//   board's value when the board has none), and the trend current +
//   max(0, change_7d) / 7 * days_left (change_7d of the targeted figure,
//   days_left the fractional days from the board's time to the due time),
//   capped at the figure's scale (100, or 25 for a pillar); averaged over a
//   team's members. F is read `d` days ahead, d the number of UTC midnights
//   from the board's day to the due time's day: with no new events a score
//   changes only at UTC midnight, so that is the forecast in force at the
//   due time.
// - status, before the due time: MET when current >= target, else ON_TRACK
//   when projected >= target, else OFF_TRACK. From the due time on:
//   ACHIEVED when the value at the due time reached the target, else MISSED.
//   The value at the due time is the subject's score at the due instant
//   exactly (ScoreBoard::ScoreAt, averaged over the team's members on the
//   current board), and is then also reported as `projected`.
// - remaining: max(0, target - current).
// - A goal whose subject has no member on the board (a team emptied since
//   it was set) has status UNSPECIFIED and zero figures.
#ifndef RAPPORT_SERVER_CORE_GOALS_H_
#define RAPPORT_SERVER_CORE_GOALS_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/board/board.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/model/enums.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::core {

// As rapport.v1.GoalStatus numbers them.
enum class GoalStatus {
  kUnspecified = 0,
  kMet = 1,
  kOnTrack = 2,
  kOffTrack = 3,
  kAchieved = 4,
  kMissed = 5,
};

struct GoalProgress {
  double current = 0;
  double projected = 0;
  GoalStatus status = GoalStatus::kUnspecified;
  double remaining = 0;
};

// The highest value of the figure a goal targets: 100 for the total, 25 for
// a pillar.
double GoalScale(model::Pillar pillar);

// The members whose score the goal measures: the member, or the team's
// members, on `board` (none when absent).
std::vector<const board::MemberScore*> GoalMembers(
    const store::GoalRecord& goal, const board::Board& board);

// One member's projection of `pillar` (the total when unspecified) at
// `due` from the board's time `as_of` (see the rule above). `due` > as_of.
double ProjectMember(const board::MemberScore& member, model::Pillar pillar,
                     absl::Time as_of, absl::Time due);

// The goal's progress on `board` at `now`. `value_at_due` is the subject's
// value at the due time; used (and required) only when now >= due_time,
// else ignored. Pure.
GoalProgress EvaluateGoal(const store::GoalRecord& goal,
                          const board::Board& board, absl::Time now,
                          std::optional<double> value_at_due);

// A goal with its progress.
struct GoalView {
  store::GoalRecord goal;
  GoalProgress progress;
};

// A tenant's goals evaluated on one board, for the places that show them
// per member (GetScore, leaderboards, the page, the metrics).
struct TenantGoals {
  std::vector<GoalView> goals;  // Soonest due first.
  // The goals set for the member (not their team's).
  std::vector<const GoalView*> OfMember(const std::string& member_id) const;
  // The member's goals and their team's goals, soonest due first.
  std::vector<const GoalView*> OfMemberAndTeam(const std::string& member_id,
                                               const std::string& team) const;
};

// Per member with goals of their own still open (MET, ON_TRACK or
// OFF_TRACK): true when none of them is OFF_TRACK. The leaderboard page's
// indicator.
std::map<std::string, bool> GoalsOnTrack(const TenantGoals& goals);

// Evaluates goals against boards. Keeps each tenant's goals read from the
// store for records_ttl (GetScore and leaderboards show them on every call),
// dropped at once by Invalidate (GoalService's writes) and when a member
// with goals changes (a deleted member's goals are gone from the store).
// Computes the value at the due time of goals past due from the store and
// keeps it for value_ttl, since events dated before the due time may still
// arrive. Thread-safe. Does not own its dependencies.
class GoalTracker final : public store::MemberChangeListener {
 public:
  GoalTracker(store::Store* store, board::ScoreBoard* boards,
              const Clock* clock, absl::Duration value_ttl = absl::Minutes(10),
              absl::Duration records_ttl = absl::Seconds(1));

  // The progress of each of `goals` on `board` (a current board of
  // `tenant`), in the same order. The store's errors.
  absl::StatusOr<std::vector<GoalView>> Evaluate(
      const store::TenantId& tenant, const board::Board& board,
      absl::Span<const store::GoalRecord> goals) const;

  // The tenant's goals for which `keep` is true, evaluated on `board`,
  // soonest due first. Only the kept goals are evaluated.
  absl::StatusOr<std::vector<GoalView>> Select(
      const store::TenantId& tenant, const board::Board& board,
      absl::FunctionRef<bool(const store::GoalRecord&)> keep) const;

  // Every goal of the tenant, evaluated on `board`.
  absl::StatusOr<TenantGoals> ForTenant(const store::TenantId& tenant,
                                        const board::Board& board) const;

  // Forgets the tenant's goals read so far (after a goal was written).
  void Invalidate(const store::TenantId& tenant) const;

  // MemberChangeListener: forgets the tenant's goals when one of the members
  // has goals.
  void OnMembersChanged(const store::TenantId& tenant,
                        const std::vector<std::string>& member_ids) override;

  store::Store* store() const { return store_; }
  const Clock* clock() const { return clock_; }

 private:
  struct CachedGoals {
    std::vector<store::GoalRecord> records;
    absl::Time read_at;
  };

  // The tenant's goals, from the cache or the store.
  absl::StatusOr<std::shared_ptr<const CachedGoals>> Records(
      const store::TenantId& tenant) const;

  // The subject's value at the goal's due time (cached).
  absl::StatusOr<double> ValueAtDue(const store::TenantId& tenant,
                                    const store::GoalRecord& goal,
                                    const board::Board& board) const;

  store::Store* const store_;
  board::ScoreBoard* const boards_;
  const Clock* const clock_;
  const absl::Duration value_ttl_;
  const absl::Duration records_ttl_;

  struct CachedValue {
    double value = 0;
    absl::Time computed;
  };
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, CachedValue> values_
      ABSL_GUARDED_BY(mu_);
  mutable absl::flat_hash_map<store::TenantId,
                              std::shared_ptr<const CachedGoals>>
      records_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_GOALS_H_
