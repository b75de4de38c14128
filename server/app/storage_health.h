// StorageHealth: whether the store's storage works, for the server's health
// status. A store operation failing because storage is failing (I/O error,
// full disk, corruption; not a busy lock) turns it unhealthy at once; while
// unhealthy a probe (ObservableStorage::ProbeStorage: the schema read on a
// fresh connection, one page written and synced, free space checked) runs every
// probe_interval and turns it healthy again when it succeeds. While healthy, a
// probe every idle_probe_interval finds a device that failed while nothing was
// written.
//
// Thread-safe. `on_change` is called with the new state after each change,
// on the thread that caused it (a failed operation's or the probe's), one
// call at a time and never with a stale state.
#ifndef RAPPORT_SERVER_APP_STORAGE_HEALTH_H_
#define RAPPORT_SERVER_APP_STORAGE_HEALTH_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/storage_observer.h"

namespace rapport::app {

struct StorageHealthOptions {
  // How often the probe runs while storage is failing; > 0.
  absl::Duration probe_interval = absl::Seconds(1);
  // How often it runs while storage works; zero for never.
  absl::Duration idle_probe_interval = absl::Seconds(30);
};

class StorageHealth final : public store::StorageObserver {
 public:
  // Starts healthy, with the probe thread. `store` must outlive this
  // object; the caller registers it (SetStorageObserver) and unregisters it
  // before destroying it.
  StorageHealth(store::ObservableStorage* store, StorageHealthOptions options,
                std::function<void(bool healthy)> on_change);
  StorageHealth(const StorageHealth&) = delete;
  StorageHealth& operator=(const StorageHealth&) = delete;
  // Stops the probe thread.
  ~StorageHealth() override;

  bool healthy() const ABSL_LOCKS_EXCLUDED(mu_);

  // The failure that turned storage unhealthy, OK while healthy.
  absl::Status last_failure() const ABSL_LOCKS_EXCLUDED(mu_);

  // store::StorageObserver.
  void OnStorageFault(store::StorageFault fault) override
      ABSL_LOCKS_EXCLUDED(mu_);

  // Probes now (what the thread does on its schedule) and returns the
  // state after it.
  bool ProbeNow() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Records the state `status` implies (busy and other failures change
  // nothing) and tells on_change_ when it changed.
  void Observe(const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_);
  void Publish() ABSL_LOCKS_EXCLUDED(publish_mu_);
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::ObservableStorage* const store_;
  const StorageHealthOptions options_;
  const std::function<void(bool)> on_change_;

  mutable absl::Mutex mu_;
  bool healthy_ ABSL_GUARDED_BY(mu_) = true;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;

  // Orders on_change_ calls.
  absl::Mutex publish_mu_;
  bool published_ ABSL_GUARDED_BY(publish_mu_) = true;

  std::thread thread_;
};

}  // namespace rapport::app

#endif  // RAPPORT_SERVER_APP_STORAGE_HEALTH_H_
