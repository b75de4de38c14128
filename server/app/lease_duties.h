// LeaseDuties: runs the work of which a deployment needs one copy (the
// history recorder, retention, the score changes feed, the per-member and
// team metrics) only while this process holds the store's lease
// (Store::HoldLease).
//
// A thread asks the store every `check` whether this process holds the
// lease (taking it when free); on gaining it `gain` is called, on losing
// it (the store's connection dropped, the store unreachable) `lose`. So a
// replica takes over the work within `check` of the holder's death or
// disconnection. Both callbacks run on that thread, never at once.
//
// Thread-safe.
#ifndef RAPPORT_SERVER_APP_LEASE_DUTIES_H_
#define RAPPORT_SERVER_APP_LEASE_DUTIES_H_

#include <atomic>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/engine/periodic_pass.h"
#include "server/store/store.h"

namespace rapport::app {

class LeaseDuties {
 public:
  // `store` must outlive this object; so must what the callbacks use.
  LeaseDuties(store::Store* store, std::function<void()> gain,
              std::function<void()> lose);
  // Stop()s.
  ~LeaseDuties();

  LeaseDuties(const LeaseDuties&) = delete;
  LeaseDuties& operator=(const LeaseDuties&) = delete;

  // Checks the lease now and then every `check`, on a thread at nice value
  // `nice`, until Stop().
  void Start(absl::Duration check, int nice);
  // Stops the thread; calls `lose` when the lease was held (the work
  // stops; the lease itself goes with the store's connection).
  void Stop();

  // One check (what the thread does); returns the store's error, if any
  // (the lease is then taken as lost).
  absl::Status CheckOnce();

  // Whether this process held the lease at the last check.
  bool held() const { return held_.load(std::memory_order_acquire); }

 private:
  store::Store* const store_;
  const std::function<void()> gain_;
  const std::function<void()> lose_;
  std::atomic<bool> held_{false};
  absl::Mutex check_mu_;  // Serializes checks and Stop()'s `lose`.
  engine::PeriodicPass periodic_{"lease"};
};

}  // namespace rapport::app

#endif  // RAPPORT_SERVER_APP_LEASE_DUTIES_H_
