// One tenant's share of a HistoryRecorder pass: record the completed days
// not recorded yet, then recompute the days that late events made stale.
#ifndef RAPPORT_SERVER_ENGINE_TENANT_HISTORY_PASS_H_
#define RAPPORT_SERVER_ENGINE_TENANT_HISTORY_PASS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/engine/history_options.h"
#include "server/engine/snapshot_writer.h"
#include "server/model/member.h"
#include "server/scoring/model.h"
#include "server/store/store.h"

namespace rapport::engine::internal {

// Single use, not thread-safe. Nothing is owned; all must outlive the pass.
class TenantHistoryPass {
 public:
  // `cancelled` is polled between members: once it returns true the pass
  // stops with CANCELLED.
  TenantHistoryPass(store::Store* store, const scoring::ScoringModel* model,
                    const HistoryOptions& options, store::TenantId tenant,
                    absl::CivilDay yesterday,
                    absl::FunctionRef<bool()> cancelled);

  // Does what HistoryRecorder::RunOnce describes for the tenant; returns the
  // snapshots written. The store's errors, or CANCELLED. Whatever was written
  // before an error stays (writes are idempotent); the recorded-through day
  // moves only once every member has its snapshots, and a history_work entry
  // is completed only once its snapshots are written.
  absl::StatusOr<int64_t> Run();

 private:
  absl::Status RecordNewDays(std::optional<absl::CivilDay> through,
                             const std::vector<store::HistoryWork>& work);
  absl::StatusOr<absl::CivilDay> FirstNewDay(
      const model::Member& member, std::optional<absl::CivilDay> through);
  // Buffers the snapshots of the days of `work` not scored by RecordNewDays
  // in this pass; the entry is completed by the next FlushAndComplete().
  absl::Status Recompute(const store::HistoryWork& work,
                         absl::CivilDay recorded_through);
  // Writes the buffered snapshots, then completes the recomputed entries
  // (in that order: an entry is completed only once its days are written).
  absl::Status FlushAndComplete();
  // Buffers the member's snapshots of days [first, last]. NOT_FOUND when the
  // member is gone.
  absl::Status ScoreDays(const model::Member& member, absl::CivilDay first,
                         absl::CivilDay last);

  store::Store* const store_;
  const scoring::ScoringModel& model_;
  const HistoryOptions& options_;
  const store::TenantId tenant_;
  const absl::CivilDay yesterday_;
  // The oldest day ever recorded or recomputed.
  const absl::CivilDay oldest_;
  const absl::FunctionRef<bool()> cancelled_;
  SnapshotWriter writer_;
  // For members with history work: the first day RecordNewDays scored
  // (through yesterday_), after the work was listed.
  std::map<std::string, absl::CivilDay> recorded_from_;
  // Entries recomputed since the last FlushAndComplete().
  std::vector<store::HistoryWork> recomputed_;
};

}  // namespace rapport::engine::internal

#endif  // RAPPORT_SERVER_ENGINE_TENANT_HISTORY_PASS_H_
