// The score changes feed: which members' SSI changed, for a job that writes
// scores back onto CRM records without reading every member.
//
// The feed is a table of the store (Store::WriteScoreFeed): one row per
// member with the SSI and pillars last reported, the tenant's sequence
// number of that change and when it was seen. A tracker pass compares each
// member's current score on the score board with their row and writes the
// members whose SSI changed (FeedChanged), or who moved to another team,
// with new sequence numbers: one read of the feed and one write
// transaction per tenant, however many members it holds. Scores change with
// time as well as with ingest (events leave the scoring window), which is
// why a periodic pass over the boards finds the changes rather than ingest.
//
// Reading walks one "sweep" at a time: the rows with since < seq <= upto in
// member_id order, where upto is fixed when the sweep starts. A member that
// changes again during a sweep takes a number above upto and is listed by
// the next sweep instead, so every change is listed once, by exactly one
// sweep. All state is in the store: sweeps survive restarts.
//
// Thread-safe: passes never overlap (RunOnce waits for the running one);
// reads run concurrently with them.
#ifndef RAPPORT_SERVER_CORE_SCORE_CHANGES_H_
#define RAPPORT_SERVER_CORE_SCORE_CHANGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/board/board.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/common/serial_executor.h"
#include "server/common/thread_priority.h"
#include "server/engine/periodic_pass.h"
#include "server/store/store.h"

namespace rapport::core {

// The feed's one rule of "changed": the SSI rounded to one decimal (half
// away from zero) differs from the one last reported.
bool FeedChanged(double reported_ssi, double current_ssi);

// The rows a pass writes for `board` against the tenant's `feed`: every
// member of the board without a row, whose SSI changed (FeedChanged) or
// whose team differs from the row's. In member_id order.
std::vector<store::ScoreFeedRow> DiffScoreFeed(
    const board::Board& board, absl::Span<const store::ScoreFeedEntry> feed);

// Where a reader of the feed is: inside a sweep (upto set, resuming after
// after_member_id) or between sweeps (upto unset: the next call starts a
// sweep of the changes after `since`).
struct FeedPosition {
  int64_t since = 0;
  std::optional<int64_t> upto;
  std::string after_member_id;
};

struct FeedPage {
  std::vector<store::ScoreFeedRow> rows;
  FeedPosition next;
  // False when the sweep ended with this page: `next` is between sweeps.
  bool has_more = false;
};

class ScoreChangeFeed {
 public:
  // Nothing is owned; all must outlive the feed. `writer` may be null
  // (writes then run on the calling thread).
  ScoreChangeFeed(store::Store* store, board::ScoreBoard* boards,
                  SerialExecutor* writer, const Clock* clock);
  ~ScoreChangeFeed();  // Stops the thread if started.
  ScoreChangeFeed(const ScoreChangeFeed&) = delete;
  ScoreChangeFeed& operator=(const ScoreChangeFeed&) = delete;

  // One pass over every tenant of the store, each against its current
  // board with every change reported so far. Returns the rows written. A
  // tenant's error does not stop the pass: the first error is returned
  // (naming the tenant) after the other tenants are done; CANCELLED when
  // Stop() cut the pass short.
  absl::StatusOr<int64_t> RunOnce() ABSL_LOCKS_EXCLUDED(run_mu_);

  // Runs RunOnce every `interval` on a thread, the first one interval after
  // the call, until Stop(). Does nothing when already started.
  // The thread runs at nice value `nice` (thread_priority.h).
  void Start(absl::Duration interval, int nice = kBackgroundNice);
  void Stop() { periodic_.Stop(); }

  // The page of at most `page_size` (>= 1) rows after `position`, of `team`
  // (empty: every team). INVALID_ARGUMENT naming `cursor` when the position
  // is not one this feed could have issued (beyond its last number, or
  // since > upto). Errors otherwise are the store's.
  absl::StatusOr<FeedPage> Page(const store::TenantId& tenant,
                                const std::string& team,
                                const FeedPosition& position,
                                int page_size) const;

 private:
  absl::StatusOr<int64_t> RunTenant(const store::TenantId& tenant);

  store::Store* const store_;
  board::ScoreBoard* const boards_;
  SerialExecutor* const writer_;
  const Clock* const clock_;
  absl::Mutex run_mu_;  // Serializes passes.
  engine::PeriodicPass periodic_{"score changes"};
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_SCORE_CHANGES_H_
