// A single thread that runs posted tasks in order. Rapport funnels every
// store write through one: SQLite has a single writer anyway, and gRPC
// callback threads must not block on disk syncs.
#ifndef RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_
#define RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_

#include <functional>

#include "server/common/worker_pool.h"

namespace rapport {

// Thread-safe. The destructor runs every task already posted, then joins.
// A WorkerPool of one thread whose queue has no bound.
class SerialExecutor {
 public:
  SerialExecutor() = default;
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Queues `task`; it runs after every task posted before it.
  void Post(std::function<void()> task);

 private:
  WorkerPool pool_{1, static_cast<size_t>(-1)};
};

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_
