// RetentionTask: forgets what is older than the retention period, tenant by
// tenant, in bounded steps (Store::ApplyRetention).
//
// With retention_days = R and today = the UTC day of clock->Now(), a pass
// keeps the events of days today - R .. today and the score snapshots of
// those days: it removes, for every tenant (Store::ListTenants), the events
// that occurred before the start of day today - R (whole UTC days, so events
// cross the cut-off once a day, at midnight) with the aggregates they fed,
// and the snapshots of days before today - R.
//
// Steps of at most step_events events are posted one at a time to the
// writer executor that serialises every store write, and the pass waits for
// each: ingest batches queued meanwhile run between two steps, never behind a
// whole pass.
//
// Scores: R >= the model's window_days leaves the daily counts of today's
// scoring window intact, but a thread or contact with events on both sides
// of the cut-off is re-derived from what remains, which can change a score
// of today. So after a tenant's pass, the listener (if any) is told which
// members lost events (with whole-day cut-offs, about once a day per
// tenant). Retention does not mark the recorded history stale:
// snapshots of days kept were recorded when their window still had every
// event, and keep those values.
//
// Thread-safe: passes never overlap (a RunOnce call waits for the running
// one).
#ifndef RAPPORT_SERVER_ENGINE_RETENTION_H_
#define RAPPORT_SERVER_ENGINE_RETENTION_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/common/serial_executor.h"
#include "server/common/thread_priority.h"
#include "server/engine/periodic_pass.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::engine {

struct RetentionOptions {
  // Days kept before today; 0 keeps everything (a pass does nothing).
  int retention_days = 0;
  // Events removed per step (one transaction); >= 1.
  int step_events = 1000;
};

// What a pass removed, summed over tenants and steps.
struct RetentionTotals {
  int64_t events = 0;
  int64_t daily_counts = 0;
  int64_t snapshots = 0;
  int64_t steps = 0;
};

// The first UTC day a pass with `retention_days` keeps at `now`.
absl::CivilDay RetentionFirstDay(absl::Time now, int retention_days);

class RetentionTask {
 public:
  // Nothing is owned; all must outlive the task. `writer` may be null (steps
  // then run on the calling thread); so may `listener`.
  RetentionTask(store::Store* store, SerialExecutor* writer, const Clock* clock,
                store::MemberChangeListener* listener,
                RetentionOptions options);
  ~RetentionTask();  // Stops the thread if started.

  RetentionTask(const RetentionTask&) = delete;
  RetentionTask& operator=(const RetentionTask&) = delete;

  // One pass over every tenant (see above). INVALID_ARGUMENT for options out
  // of range. A tenant's error does not stop the pass: the other tenants are
  // still processed and the first error is returned (its message names the
  // tenant). CANCELLED when Stop() cut the pass short. Steps done before an
  // error are kept.
  absl::StatusOr<RetentionTotals> RunOnce() ABSL_LOCKS_EXCLUDED(run_mu_);

  // Runs RunOnce now and then every `interval` (measured from the end of a
  // pass) on a thread until Stop(); errors are logged to stderr and the loop
  // goes on. Does nothing when already started or when retention_days is 0.
  // The thread runs at nice value `nice` (thread_priority.h).
  void Start(absl::Duration interval, int nice = kBackgroundNice);

  // Stops the thread and waits for it; a pass in progress stops after its
  // current step. Does nothing when not started.
  void Stop() { periodic_.Stop(); }

 private:
  // Runs one ApplyRetention on the writer and waits for it.
  absl::StatusOr<store::RetentionStep> Step(const store::TenantId& tenant,
                                            absl::Time cutoff,
                                            absl::CivilDay snapshot_cutoff);
  // Steps until the tenant has nothing older than the cut-offs.
  absl::Status RunTenant(const store::TenantId& tenant, absl::Time cutoff,
                         absl::CivilDay snapshot_cutoff,
                         RetentionTotals& totals);

  store::Store* const store_;
  SerialExecutor* const writer_;
  const Clock* const clock_;
  store::MemberChangeListener* const listener_;
  const RetentionOptions options_;

  absl::Mutex run_mu_;  // Serializes passes.
  PeriodicPass periodic_{"retention"};
};

}  // namespace rapport::engine

#endif  // RAPPORT_SERVER_ENGINE_RETENTION_H_
