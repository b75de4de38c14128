// HistoryRecorder: records each member's daily score (Store's "Daily score
// history") and keeps it right when late events arrive.
//
// A pass, for every tenant (Store::ListTenants), with yesterday = the UTC day
// of clock->Now() minus one and oldest = yesterday - backfill_days + 1:
//  (a) if RecordedThrough < yesterday: snapshots of every member for each
//      completed day from max(recorded_through + 1, oldest) to yesterday
//      (from oldest when nothing was recorded yet), then
//      SetRecordedThrough(yesterday). A member created since the last
//      recording (one lacking the snapshot of day `oldest`) is backfilled from
//      oldest like everyone in a new tenant.
//  (b) for each of up to work_batch pending HistoryWork entries (every entry
//      when (a) ran): the member's snapshots of days max(from_day, oldest) ..
//      recorded_through are recomputed (minus the days (a) just scored, which
//      already reflect the work's events: the entries are listed before (a)),
//      then completed (CompleteHistoryWorkBatch, once their snapshots are
//      written). recorded_through is after yesterday only when the clock
//      stepped back since it was recorded; those days are recomputed too,
//      so that a recorded day always counts every event of it.
// A day's snapshot scores the member as of EndOfDay(day) with the activity of
// the model's window ending then and the member's current profile (profile
// history is not kept). Days older than `oldest` are never written.
//
// Cost: one Store::ReadActivity and one Score() per snapshot; members are
// listed once per pass, in pages; snapshots are written 1,000 per
// transaction, and (b) completes up to 500 entries per transaction once
// their snapshots are written.
//
// Thread-safe: passes never overlap (a RunOnce call waits for the running
// one).
#ifndef RAPPORT_SERVER_ENGINE_HISTORY_RECORDER_H_
#define RAPPORT_SERVER_ENGINE_HISTORY_RECORDER_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/common/thread_priority.h"
#include "server/engine/daily_score.h"
#include "server/engine/history_options.h"
#include "server/engine/periodic_pass.h"
#include "server/scoring/model.h"
#include "server/store/store.h"

namespace rapport::engine {

class HistoryRecorder {
 public:
  // Nothing is owned; all must outlive the recorder. `model` must have passed
  // ValidateModel().
  HistoryRecorder(store::Store* store, const scoring::ScoringModel* model,
                  const Clock* clock, HistoryOptions options);
  ~HistoryRecorder();  // Stops the thread if started.

  HistoryRecorder(const HistoryRecorder&) = delete;
  HistoryRecorder& operator=(const HistoryRecorder&) = delete;

  // One pass over every tenant (see above). Returns the snapshots written
  // (handed to the store; those of members deleted meanwhile are dropped
  // there). INVALID_ARGUMENT for options out of range. A tenant's error does
  // not stop the pass: the other tenants are still processed and the first
  // error is returned (its message names the tenant). CANCELLED when Stop()
  // cut the pass short. Work done before an error is kept.
  absl::StatusOr<int64_t> RunOnce() ABSL_LOCKS_EXCLUDED(run_mu_);

  // Runs RunOnce now and then every `interval` (real time, measured from the
  // end of a pass) on a thread until Stop(); errors are logged to stderr and
  // the loop goes on. Does nothing when already started.
  // The thread runs at nice value `nice` (thread_priority.h).
  void Start(absl::Duration interval, int nice = kBackgroundNice);

  // Stops the thread and waits for it; a pass in progress (the thread's, or
  // a concurrent RunOnce call's) stops at the next member with CANCELLED.
  // Does nothing when not started. Start() may be called again.
  void Stop() { periodic_.Stop(); }

 private:
  store::Store* const store_;
  const scoring::ScoringModel* const model_;
  const Clock* const clock_;
  const HistoryOptions options_;

  // Serializes passes.
  absl::Mutex run_mu_;
  PeriodicPass periodic_{"history recorder"};
};

}  // namespace rapport::engine

#endif  // RAPPORT_SERVER_ENGINE_HISTORY_RECORDER_H_
