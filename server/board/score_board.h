// ScoreBoard: the score cache. Keeps, per tenant, a Board of every member's
// score "now" and refreshes it incrementally: only members whose events or
// profile changed are re-scored (from the store's aggregates), and ranks are
// re-derived from the cached scores at most once per refresh interval, never
// per call. Boards at an explicit as_of are built on demand and kept in a
// small LRU.
//
// Thread-safe. Builds happen on the calling thread, one at a time per
// ScoreBoard. A reader of the current board never waits for a build while
// there is a board of the day to serve (it may lag changes by up to the
// refresh interval, or by the build under way); only a call asking for
// every change (refresh_changes) or a tenant's first board of the day
// waits. A past board built while a change arrived is returned but not kept.
#ifndef RAPPORT_SERVER_BOARD_SCORE_BOARD_H_
#define RAPPORT_SERVER_BOARD_SCORE_BOARD_H_

#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/board/board.h"
#include "server/common/clock.h"
#include "server/outreach/options.h"
#include "server/scoring/model.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::board {

struct ScoreBoardOptions {
  // Group figures are withheld below this many members.
  int min_group_size = 5;
  // The current board is refreshed with changed members at most this often.
  absl::Duration refresh_interval = absl::Seconds(1);
  // Boards kept for explicit as_of times.
  int max_past_boards = 4;
  // How MemberScore::outreach_30d is computed; the outreach reports' own
  // options, so that a member's rate is the same figure everywhere.
  outreach::OutreachOptions outreach = {};
};

// The instant a change over `days` days is measured from, for a score at
// `as_of`: the end (last nanosecond) of the UTC day `days` days before
// as_of's day, the instant the daily history records for that day. Every
// change (change_7d, ListDecliningMembers over any period) uses it.
absl::Time PreviousInstant(absl::Time as_of, int days);

// MemberScore::totals_7d_ago is the score at PreviousInstant(as_of, 7).
inline constexpr int kChangeDays = 7;

class ScoreBoard final : public store::MemberChangeListener {
 public:
  // None of the pointers is owned; all must outlive the ScoreBoard.
  ScoreBoard(store::Store* store, const scoring::ScoringModel* model,
             const Clock* clock, ScoreBoardOptions options);

  // The tenant's board as of `as_of`, or as of now when absent. The current
  // board may lag changes by up to the refresh interval, unless
  // `refresh_changes` asks for every change reported so far. Errors are the
  // store's.
  absl::StatusOr<std::shared_ptr<const Board>> Get(
      const store::TenantId& tenant, std::optional<absl::Time> as_of,
      bool refresh_changes = false);

  // Scores one member directly from the store (no cache, no ranks).
  // NOT_FOUND for an unknown member.
  absl::StatusOr<scoring::ScoreResult> ScoreOne(const store::TenantId& tenant,
                                                const model::Member& member,
                                                absl::Time as_of);

  // The tenants that have a current board, in order.
  std::vector<store::TenantId> CurrentTenants() const;

  void OnMembersChanged(const store::TenantId& tenant,
                        const std::vector<std::string>& member_ids) override;

  const scoring::ScoringModel& model() const { return *model_; }

 private:
  struct Current {
    std::shared_ptr<const Board> board;
    absl::Time built_at = absl::InfinitePast();
    std::set<std::string> dirty;  // Members to re-score.
  };

  absl::StatusOr<std::shared_ptr<const Board>> Build(
      const store::TenantId& tenant, absl::Time as_of, const Board* previous,
      const std::set<std::string>& dirty);
  // ScoreOne, also summarising the member's last 30 days of outreach in
  // `outreach_30d` when not null (from the same read).
  absl::StatusOr<scoring::ScoreResult> ScoreOne(const store::TenantId& tenant,
                                                const model::Member& member,
                                                absl::Time as_of,
                                                OutreachSummary* outreach_30d);
  absl::StatusOr<std::shared_ptr<const MemberScore>> ScoreMember(
      const store::TenantId& tenant, model::Member member, absl::Time as_of);
  absl::StatusOr<std::shared_ptr<const Board>> GetCurrent(
      const store::TenantId& tenant, bool refresh_changes);
  absl::StatusOr<std::shared_ptr<const Board>> GetPast(
      const store::TenantId& tenant, absl::Time as_of);

  store::Store* const store_;
  const scoring::ScoringModel* const model_;
  const Clock* const clock_;
  const ScoreBoardOptions options_;

  absl::Mutex build_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // One build at a time.
  mutable absl::Mutex mu_;
  std::map<store::TenantId, Current> current_ ABSL_GUARDED_BY(mu_);
  // Counts the changes reported per tenant, so that a past board built
  // while one arrived is not cached.
  std::map<store::TenantId, uint64_t> generation_ ABSL_GUARDED_BY(mu_);
  // Most recently used first.
  std::list<std::pair<std::pair<store::TenantId, absl::Time>,
                      std::shared_ptr<const Board>>>
      past_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rapport::board

#endif  // RAPPORT_SERVER_BOARD_SCORE_BOARD_H_
