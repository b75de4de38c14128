// A single thread that runs posted tasks in order. Rapport funnels every
// store write through one: SQLite has a single writer anyway, and gRPC
// callback threads must not block on disk syncs.
#ifndef RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_
#define RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace rapport {

// Thread-safe. The destructor runs every task already posted, then joins.
class SerialExecutor {
 public:
  SerialExecutor();
  ~SerialExecutor();
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Queues `task`; it runs after every task posted before it.
  void Post(std::function<void()> task);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_
