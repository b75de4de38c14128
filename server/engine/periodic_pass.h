// A background pass run every so often until stopped: the thread, the wait
// between passes and the stop flag a pass polls to end early. The history
// recorder and retention run on it.
#ifndef RAPPORT_SERVER_ENGINE_PERIODIC_PASS_H_
#define RAPPORT_SERVER_ENGINE_PERIODIC_PASS_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/thread_priority.h"

namespace rapport::engine {

class PeriodicPass {
 public:
  // `name` prefixes the error lines ("rapport <name>: ...").
  explicit PeriodicPass(std::string name) : name_(std::move(name)) {}
  ~PeriodicPass() { Stop(); }
  PeriodicPass(const PeriodicPass&) = delete;
  PeriodicPass& operator=(const PeriodicPass&) = delete;

  // Runs `pass` at once and then `interval` after the end of each pass, on
  // a thread, until Stop(). An error other than CANCELLED is written to
  // stderr and the next pass runs as planned. The thread runs at nice value
  // `nice` (thread_priority.h; 0 keeps the process's priority), so that a
  // pass yields the CPU to the threads that answer calls. Does nothing when
  // started.
  void Start(absl::Duration interval, std::function<absl::Status()> pass,
             int nice = kBackgroundNice) ABSL_LOCKS_EXCLUDED(control_mu_, mu_);
  // Asks the running pass to end (StopRequested()), wakes the wait and joins
  // the thread. Does nothing when not started; Start() may be called again.
  void Stop() ABSL_LOCKS_EXCLUDED(control_mu_, mu_);
  // True while Stop() waits for the thread: a pass should end early.
  bool StopRequested() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop(absl::Duration interval, const std::function<absl::Status()>& pass)
      ABSL_LOCKS_EXCLUDED(mu_);

  const std::string name_;
  absl::Mutex control_mu_;  // Serializes Start() and Stop().
  std::thread thread_ ABSL_GUARDED_BY(control_mu_);
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace rapport::engine

#endif  // RAPPORT_SERVER_ENGINE_PERIODIC_PASS_H_
