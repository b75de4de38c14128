#include "server/app/lease_duties.h"

#include <cstdio>
#include <utility>

namespace rapport::app {

LeaseDuties::LeaseDuties(store::Store* store, std::function<void()> gain,
                         std::function<void()> lose)
    : store_(store), gain_(std::move(gain)), lose_(std::move(lose)) {}

LeaseDuties::~LeaseDuties() { Stop(); }

void LeaseDuties::Start(absl::Duration check, int nice) {
  periodic_.Start(
      check,
      [this] {
        // Errors are told once, as the lease is lost, not at every check.
        (void)CheckOnce();
        return absl::OkStatus();
      },
      nice);
}

void LeaseDuties::Stop() {
  periodic_.Stop();
  absl::MutexLock lock(&check_mu_);
  if (held_.exchange(false, std::memory_order_acq_rel)) lose_();
}

absl::Status LeaseDuties::CheckOnce() {
  absl::MutexLock lock(&check_mu_);
  absl::StatusOr<bool> holds = store_->HoldLease();
  const bool now = holds.ok() && *holds;
  const bool before = held_.load(std::memory_order_acquire);
  if (now && !before) {
    std::fputs(
        "rapportd: this replica holds the lease: it runs the history "
        "recorder, retention and the score changes feed, and exports "
        "the member and team series\n",
        stderr);
    held_.store(true, std::memory_order_release);
    gain_();
  } else if (!now && before) {
    std::fprintf(stderr, "rapportd: this replica lost the lease%s%s\n",
                 holds.ok() ? "" : ": ",
                 holds.ok() ? "" : holds.status().ToString().c_str());
    held_.store(false, std::memory_order_release);
    lose_();
  }
  return holds.status();
}

}  // namespace rapport::app
