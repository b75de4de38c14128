#include "server/engine/retention.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace rapport::engine {

absl::CivilDay RetentionFirstDay(absl::Time now, int retention_days) {
  return absl::ToCivilDay(now, absl::UTCTimeZone()) - retention_days;
}

RetentionTask::RetentionTask(store::Store* store, SerialExecutor* writer,
                             const Clock* clock,
                             store::MemberChangeListener* listener,
                             RetentionOptions options)
    : store_(store),
      writer_(writer),
      clock_(clock),
      listener_(listener),
      options_(options) {}

RetentionTask::~RetentionTask() { Stop(); }

absl::StatusOr<store::RetentionStep> RetentionTask::Step(
    const store::TenantId& tenant, absl::Time cutoff,
    absl::CivilDay snapshot_cutoff) {
  auto apply = [&] {
    return store_->ApplyRetention(tenant, cutoff, snapshot_cutoff,
                                  options_.step_events, clock_->Now());
  };
  if (writer_ == nullptr) return apply();
  // The writer runs every task it was given, even when being destroyed, so
  // this wait always ends and the references captured stay valid.
  std::optional<absl::StatusOr<store::RetentionStep>> result;
  absl::Notification done;
  writer_->Post([&] {
    result.emplace(apply());
    done.Notify();
  });
  done.WaitForNotification();
  return *std::move(result);
}

absl::Status RetentionTask::RunTenant(const store::TenantId& tenant,
                                      absl::Time cutoff,
                                      absl::CivilDay snapshot_cutoff,
                                      RetentionTotals& totals) {
  std::set<std::string> changed;
  absl::Status status;
  while (true) {
    if (periodic_.StopRequested()) {
      status = absl::CancelledError("retention stopped");
      break;
    }
    absl::StatusOr<store::RetentionStep> step =
        Step(tenant, cutoff, snapshot_cutoff);
    if (!step.ok()) {
      status = step.status();
      break;
    }
    ++totals.steps;
    changed.insert(step->members.begin(), step->members.end());
    totals.events += step->events;
    totals.daily_counts += step->daily_counts;
    totals.snapshots += step->snapshots;
    if (!step->more) break;
  }
  // Steps before an error or a stop are committed: their changes count.
  if (!changed.empty() && listener_ != nullptr) {
    listener_->OnMembersChanged(
        tenant, std::vector<std::string>(changed.begin(), changed.end()));
  }
  return status;
}

absl::StatusOr<RetentionTotals> RetentionTask::RunOnce() {
  if (options_.retention_days < 0) {
    return absl::InvalidArgumentError("retention_days must not be negative");
  }
  if (options_.step_events < 1) {
    return absl::InvalidArgumentError("step_events must be at least 1");
  }
  absl::MutexLock lock(&run_mu_);
  RetentionTotals totals;
  if (options_.retention_days == 0) return totals;
  const absl::CivilDay first_day =
      RetentionFirstDay(clock_->Now(), options_.retention_days);
  const absl::Time cutoff = absl::FromCivil(first_day, absl::UTCTimeZone());
  absl::StatusOr<std::vector<store::TenantId>> tenants = store_->ListTenants();
  if (!tenants.ok()) return tenants.status();
  absl::Status first_error;
  for (const store::TenantId& tenant : *tenants) {
    absl::Status status = RunTenant(tenant, cutoff, first_day, totals);
    if (status.ok()) continue;
    if (absl::IsCancelled(status)) return status;
    if (first_error.ok()) {
      first_error = absl::Status(
          status.code(), absl::StrCat("applying retention to tenant ", tenant,
                                      ": ", status.message()));
    }
  }
  if (!first_error.ok()) return first_error;
  return totals;
}

void RetentionTask::Start(absl::Duration interval, int nice) {
  if (options_.retention_days == 0) return;
  periodic_.Start(
      interval, [this] { return RunOnce().status(); }, nice);
}

}  // namespace rapport::engine
