#include "server/app/storage_health.h"

#include <cstdio>
#include <string>
#include <utility>

#include "server/store/errors.h"

namespace rapport::app {
namespace {

absl::Status StatusOf(store::StorageFault fault) {
  switch (fault) {
    case store::StorageFault::kFull:
      return absl::ResourceExhaustedError(store::kStorageFull);
    case store::StorageFault::kCorrupt:
      return absl::DataLossError(store::kStorageCorrupt);
    default:
      return absl::UnavailableError(store::kStorageIoError);
  }
}

}  // namespace

StorageHealth::StorageHealth(store::ObservableStorage* store,
                             StorageHealthOptions options,
                             std::function<void(bool)> on_change)
    : store_(store), options_(options), on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { Run(); });
}

StorageHealth::~StorageHealth() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

bool StorageHealth::healthy() const {
  absl::MutexLock lock(&mu_);
  return healthy_;
}

absl::Status StorageHealth::last_failure() const {
  absl::MutexLock lock(&mu_);
  return failure_;
}

void StorageHealth::OnStorageFault(store::StorageFault fault) {
  if (!store::IsStorageFailing(fault)) return;
  Observe(StatusOf(fault));
}

bool StorageHealth::ProbeNow() {
  Observe(store_->ProbeStorage());
  return healthy();
}

void StorageHealth::Observe(const absl::Status& status) {
  const store::StorageFault fault = store::ClassifyStorageStatus(status);
  const bool works = status.ok();
  if (!works && !store::IsStorageFailing(fault)) return;
  {
    absl::MutexLock lock(&mu_);
    if (healthy_ == works) return;
    healthy_ = works;
    failure_ = status;
    wake_ = true;  // The probe's schedule depends on the state.
  }
  if (works) {
    std::fprintf(stderr, "rapportd: storage works again: health SERVING\n");
  } else {
    std::fprintf(stderr,
                 "rapportd: storage is failing (%s): health NOT_SERVING "
                 "until a probe succeeds\n",
                 std::string(status.message()).c_str());
  }
  Publish();
}

void StorageHealth::Publish() {
  absl::MutexLock lock(&publish_mu_);
  const bool now = healthy();
  if (now == published_) return;
  published_ = now;
  on_change_(now);
}

bool StorageHealth::Woken() const { return stop_ || wake_; }

void StorageHealth::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      const absl::Duration wait =
          healthy_ ? options_.idle_probe_interval : options_.probe_interval;
      const absl::Condition woken(this, &StorageHealth::Woken);
      bool changed = false;
      if (wait <= absl::ZeroDuration()) {
        mu_.Await(woken);
        changed = true;
      } else {
        changed = mu_.AwaitWithTimeout(woken, wait);
      }
      if (stop_) return;
      wake_ = false;
      // A change re-reads the schedule before probing: a fresh failure
      // waits one probe_interval first.
      if (changed) continue;
    }
    Observe(store_->ProbeStorage());
  }
}

}  // namespace rapport::app
