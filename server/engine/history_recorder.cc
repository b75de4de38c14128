#include "server/engine/history_recorder.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/engine/tenant_history_pass.h"

namespace rapport::engine {

HistoryRecorder::HistoryRecorder(store::Store* store,
                                 const scoring::ScoringModel* model,
                                 const Clock* clock, HistoryOptions options)
    : store_(store), model_(model), clock_(clock), options_(options) {}

HistoryRecorder::~HistoryRecorder() { Stop(); }

absl::StatusOr<int64_t> HistoryRecorder::RunOnce() {
  if (options_.backfill_days < 1) {
    return absl::InvalidArgumentError("backfill_days must be at least 1");
  }
  if (options_.work_batch < 1) {
    return absl::InvalidArgumentError("work_batch must be at least 1");
  }
  absl::MutexLock lock(&run_mu_);
  const absl::CivilDay yesterday =
      absl::ToCivilDay(clock_->Now(), absl::UTCTimeZone()) - 1;
  absl::StatusOr<std::vector<store::TenantId>> tenants = store_->ListTenants();
  if (!tenants.ok()) return tenants.status();
  const auto cancelled = [this] { return periodic_.StopRequested(); };
  int64_t written = 0;
  absl::Status first_error;
  for (const store::TenantId& tenant : *tenants) {
    internal::TenantHistoryPass pass(store_, model_, options_, tenant,
                                     yesterday, cancelled);
    absl::StatusOr<int64_t> tenant_written = pass.Run();
    if (tenant_written.ok()) {
      written += *tenant_written;
      continue;
    }
    if (absl::IsCancelled(tenant_written.status())) {
      return tenant_written.status();
    }
    if (first_error.ok()) {
      first_error = absl::Status(
          tenant_written.status().code(),
          absl::StrCat("recording the score history of tenant ", tenant, ": ",
                       tenant_written.status().message()));
    }
  }
  if (!first_error.ok()) return first_error;
  return written;
}

void HistoryRecorder::Start(absl::Duration interval, int nice) {
  periodic_.Start(
      interval, [this] { return RunOnce().status(); }, nice);
}

}  // namespace rapport::engine
