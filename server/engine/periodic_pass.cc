#include "server/engine/periodic_pass.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"

namespace rapport::engine {

void PeriodicPass::Start(absl::Duration interval,
                         std::function<absl::Status()> pass, int nice) {
  absl::MutexLock lock(&control_mu_);
  if (thread_.joinable()) return;
  thread_ = std::thread([this, interval, nice, pass = std::move(pass)] {
    LowerThisThreadPriorityOrLog(nice);
    Loop(interval, pass);
  });
}

void PeriodicPass::Stop() {
  absl::MutexLock lock(&control_mu_);
  if (!thread_.joinable()) return;
  {
    absl::MutexLock state(&mu_);
    stopping_ = true;
  }
  thread_.join();
  absl::MutexLock state(&mu_);
  stopping_ = false;  // Later passes run in full.
}

bool PeriodicPass::StopRequested() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void PeriodicPass::Loop(absl::Duration interval,
                        const std::function<absl::Status()>& pass) {
  while (true) {
    const absl::Status status = pass();
    if (!status.ok() && !absl::IsCancelled(status)) {
      const std::string line =
          absl::StrCat("rapport ", name_, ": ", status.ToString(), "\n");
      std::fputs(line.c_str(), stderr);
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval)) return;
  }
}

}  // namespace rapport::engine
