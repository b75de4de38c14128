// ScoreBoard: the score cache. Keeps, per tenant, a Board of every member's
// score "now" and refreshes it incrementally: only members whose events or
// profile changed are re-scored (from the store's aggregates), and ranks are
// re-derived from the cached scores at most once per refresh interval, never
// per call. Boards of past days are built on demand and kept in a small LRU.
//
// A refresh also re-scores the members holding events dated after the
// board's instant (within the clock skew allowed, or after the clock stepped
// back), once the clock has moved past that instant; and a clock that
// stepped back does not hold refreshes until it has caught up with the last
// build.
//
// Thread-safe. Readers never wait for a build while the tenant has a board:
// refreshes (changed members, or the whole board when the UTC day turns) run
// on the ScoreBoard's own builder thread and are swapped in whole, so a
// reader gets the newest complete board, which may lag changes by up to the
// refresh interval plus the build under way. Only a tenant's very first
// board, a past day's board not yet built, and a call asking for every
// change (refresh_changes, or a refresh interval of zero) wait for a build.
// A full build scores members on several threads, and takes the scores of
// seven days ago from the daily history where it holds current ones. Past
// boards exist only for whole UTC days (never for an arbitrary instant),
// mostly read from the daily history, at most max_past_boards of them.
//
// After a start (Warm), a tenant whose daily history has a recorded day is
// served a provisional board (Board::provisional) until its first full
// board is built in the background: the recorded day's current totals, as
// of that day's end, for the members holding current records of that day
// and of seven days before; the others are left out of it until the full
// board replaces it. Callers must not present its entries as scores "now":
// ScoreAt scores one member alone at now and ranks it among them
// (core::ScoreQueries::Member), and its group figures say their instant
// (as_of()). It keeps no score components, outreach counts or forecasts.
#ifndef RAPPORT_SERVER_BOARD_SCORE_BOARD_H_
#define RAPPORT_SERVER_BOARD_SCORE_BOARD_H_

#include <atomic>
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
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/board/board.h"
#include "server/common/clock.h"
#include "server/common/serial_executor.h"
#include "server/common/thread_priority.h"
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
  // Threads a full build scores members on; 0: one per core.
  int build_threads = 0;
  // How MemberScore::outreach_30d is computed; the outreach reports' own
  // options, so that a member's rate is the same figure everywhere.
  outreach::OutreachOptions outreach = {};
  // The nice value of the builder's thread and of the threads it scores
  // members on (thread_priority.h): builds and refreshes yield the CPU to
  // the threads that answer calls. 0 keeps the process's priority.
  int background_nice = kBackgroundNice;
};

// The instant a change over `days` days is measured from, for a score at
// `as_of`: the end (last nanosecond) of the UTC day `days` days before
// as_of's day, the instant the daily history records for that day. Every
// change (change_7d, ListDecliningMembers over any period) uses it.
absl::Time PreviousInstant(absl::Time as_of, int days);

// The UTC day whose board answers for a past `as_of`: as_of's day when
// as_of is its last instant, otherwise the day before (the last whole day
// ending before as_of, so that nothing after as_of counts).
absl::CivilDay PastBoardDay(absl::Time as_of);

// MemberScore::totals_7d_ago is the score at PreviousInstant(as_of, 7).
inline constexpr int kChangeDays = 7;

class ScoreBoard final : public store::MemberChangeListener {
 public:
  // None of the pointers is owned; all must outlive the ScoreBoard.
  ScoreBoard(store::Store* store, const scoring::ScoringModel* model,
             const Clock* clock, ScoreBoardOptions options);
  // Lets a refresh under way finish; refreshes not yet started are dropped.
  ~ScoreBoard() override;
  ScoreBoard(const ScoreBoard&) = delete;
  ScoreBoard& operator=(const ScoreBoard&) = delete;

  // Gives every tenant in the store that has no current board one, so that
  // the first calls after a start do not wait. A tenant whose daily history
  // has a recorded day (Store::RecordedThrough) gets at once a provisional
  // board (Board::provisional) made of that day's current records, without
  // scoring anyone, and its full current board is built in the background
  // (on build_threads) and swapped in. A tenant without a recorded day has
  // its full board built before Warm returns. While a tenant's board is
  // provisional, Get(tenant, nullopt) and Peek serve it (its as_of() is the
  // recorded day's end); a call asking for every change waits for the full
  // build. Errors are the store's.
  absl::Status Warm();

  // True once Warm() has returned OK: every tenant has a current board,
  // perhaps provisional.
  bool warm() const { return warm_; }

  // True once warm() and no tenant's current board is provisional: a score
  // now is then a lookup in a board.
  bool complete() const { return warm_ && provisional_boards_ == 0; }

  // The instant the board's clock reads: what "now" means to Get.
  absl::Time Now() const { return clock_->Now(); }

  // Makes builds under way and to come stop early with CANCELLED, and drops
  // the refreshes not yet started: for shutting down.
  void Stop() { stopping_ = true; }

  // Returns once every refresh scheduled before the call has finished.
  void AwaitRefreshes();

  // The tenant's board as of now when `as_of` is absent: it may lag changes
  // by up to the refresh interval, unless `refresh_changes` asks for every
  // change reported so far. With `as_of`, the board of the last whole UTC
  // day ending at or before it (PastBoardDay; the board's as_of() is that
  // day's end): the daily history's totals where current, the other members
  // scored at the day's end, and every change reported since re-scored on
  // the next read. Its entries hold totals (and change_7d), neither score
  // components nor outreach counts. Errors are the store's.
  absl::StatusOr<std::shared_ptr<const Board>> Get(
      const store::TenantId& tenant, std::optional<absl::Time> as_of,
      bool refresh_changes = false);

  // The tenant's current board as Get(tenant, nullopt) serves it, but when
  // the tenant has no board yet its first build is scheduled in the
  // background and waited for at most `max_wait`: null when it takes
  // longer. For callers that must answer within a bound (a scrape, the
  // page). Errors are the store's.
  absl::StatusOr<std::shared_ptr<const Board>> Peek(
      const store::TenantId& tenant, absl::Duration max_wait);

  // One member's board entry as of `as_of` exactly, scored alone from the
  // store (its score with components, the totals of seven days before, the
  // 30-day outreach counts). NOT_FOUND for an unknown member.
  absl::StatusOr<std::shared_ptr<const MemberScore>> ScoreAt(
      const store::TenantId& tenant, const model::Member& member,
      absl::Time as_of);

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
  const ScoreBoardOptions& options() const { return options_; }

 private:
  struct Current {
    std::shared_ptr<const Board> board;
    absl::Time built_at = absl::InfinitePast();
    std::set<std::string> dirty;  // Members to re-score.
    // Members of `board` with events dated after its instant: re-scored by
    // any refresh at a later instant (MembersAhead in score_board.cc).
    std::set<std::string> ahead;
    bool refresh_scheduled = false;  // On builder_, not yet started.
    // A refresh has taken `dirty` and not yet installed its board: until
    // it does, `board` lacks changes even when `dirty` is empty.
    bool building = false;
  };

  // The board as of `as_of`: `previous` with the `dirty` members re-scored,
  // or every member scored when `previous` is null. Without `details` the
  // re-scored entries keep their totals but not their components.
  absl::StatusOr<std::shared_ptr<const Board>> Build(
      const store::TenantId& tenant, absl::Time as_of, const Board* previous,
      const std::set<std::string>& dirty, bool details = true);
  // The board of the end of `day`: recorded totals where the daily history
  // holds current ones, the other members scored (without details). With
  // `provisional`, the other members are left out instead and the board is
  // marked provisional: nobody is scored.
  absl::StatusOr<std::shared_ptr<const Board>> BuildDay(
      const store::TenantId& tenant, absl::CivilDay day,
      bool provisional = false);
  // Installs a provisional board of the tenant's last recorded day when it
  // has one and no current board yet (the first read or Warm schedules the
  // full build). False when the tenant has no recorded day. Errors are the
  // store's.
  absl::StatusOr<bool> InstallProvisional(const store::TenantId& tenant);
  int BuildThreads() const;
  // Every member of the tenant scored as of `as_of`, on build_threads.
  absl::StatusOr<std::vector<std::shared_ptr<const MemberScore>>> ScoreAll(
      const store::TenantId& tenant, absl::Time as_of);
  // The totals the daily history records for `day`, by member, for the
  // members whose record of that day is current (no pending history work
  // from that day or earlier, and recorded by this model).
  absl::StatusOr<std::map<std::string, scoring::MemberTotals>> RecordedTotals(
      const store::TenantId& tenant, absl::CivilDay day);
  // Queues RefreshCurrent(tenant) on builder_; the caller has set
  // refresh_scheduled.
  void ScheduleRefresh(const store::TenantId& tenant);
  // Builds and installs the tenant's current board as of now, with the
  // changes reported so far. Runs under build_mu_.
  absl::StatusOr<std::shared_ptr<const Board>> RefreshCurrent(
      const store::TenantId& tenant, bool refresh_changes);
  // ScoreOne, also summarising the member's last 30 days of outreach in
  // `outreach_30d` and projecting the score in `forecast` when not null
  // (from the same read). With `facts`, the score has no explanation text
  // and `facts` what it is written from (scoring::ScoreFigures).
  absl::StatusOr<scoring::ScoreResult> ScoreOne(const store::TenantId& tenant,
                                                const model::Member& member,
                                                absl::Time as_of,
                                                OutreachSummary* outreach_30d,
                                                scoring::Forecast* forecast,
                                                scoring::ScoreFacts* facts);
  // `recorded_7d_ago`: the member's totals at PreviousInstant(as_of, 7)
  // from the daily history, or null to score them from the store.
  absl::StatusOr<std::shared_ptr<const MemberScore>> ScoreMember(
      const store::TenantId& tenant, model::Member member, absl::Time as_of,
      const scoring::MemberTotals* recorded_7d_ago = nullptr,
      bool details = true);
  absl::StatusOr<std::shared_ptr<const Board>> GetCurrent(
      const store::TenantId& tenant, bool refresh_changes);
  absl::StatusOr<std::shared_ptr<const Board>> GetPast(
      const store::TenantId& tenant, absl::Time as_of);
  // `score` packed over a shape shared with the other entries of its shape.
  PackedScore Pack(const scoring::ScoreResult& score);

  store::Store* const store_;
  const scoring::ScoringModel* const model_;
  const Clock* const clock_;
  const ScoreBoardOptions options_;

  absl::Mutex build_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // One build at a time.
  mutable absl::Mutex mu_;
  std::map<store::TenantId, Current> current_ ABSL_GUARDED_BY(mu_);
  // A past day's board; null while its first build runs. Changes reported
  // since it was built are re-scored by the next read.
  struct Past {
    std::pair<store::TenantId, absl::CivilDay> key;
    std::shared_ptr<const Board> board;
    std::set<std::string> dirty;
  };
  // Most recently used first.
  std::list<Past> past_ ABSL_GUARDED_BY(mu_);
  // The shapes of the scores packed so far (PackedScore): a full score and a
  // totals-only one per model; bounded, a score of another shape keeps its
  // own.
  absl::Mutex shapes_mu_;
  std::vector<std::shared_ptr<const scoring::ScoreResult>> shapes_
      ABSL_GUARDED_BY(shapes_mu_);
  std::atomic<bool> stopping_{false};
  std::atomic<bool> warm_{false};
  // Current boards that are provisional.
  std::atomic<int> provisional_boards_{0};
  // Runs the background refreshes; last, so that it stops first.
  std::unique_ptr<SerialExecutor> builder_;
};

}  // namespace rapport::board

#endif  // RAPPORT_SERVER_BOARD_SCORE_BOARD_H_
