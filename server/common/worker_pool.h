// WorkerPool: a fixed set of threads that run posted tasks, first posted
// first run. The gRPC handlers whose work can take long (reports, past
// instants, leaderboards of a large group) run here, so that gRPC's own
// callback threads stay free for the cheap calls (health checks, a score
// from the cache) whatever the slow calls do.
#ifndef RAPPORT_SERVER_COMMON_WORKER_POOL_H_
#define RAPPORT_SERVER_COMMON_WORKER_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace rapport {

// Thread-safe. The destructor runs every task already posted, then joins.
class WorkerPool {
 public:
  // `threads` >= 1; at most `max_queued` tasks wait for a thread. Each
  // thread lowers its CPU priority to `nice` (thread_priority.h) before it
  // runs a task: 0 (the default) keeps the process's, for pools that answer
  // calls; kBackgroundNice for pools of background work.
  WorkerPool(int threads, size_t max_queued, int nice = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`, unless max_queued tasks already wait: then returns false
  // and drops it (the caller answers "busy" instead).
  bool TryPost(std::function<void()> task);

  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();

  const size_t max_queued_;
  const int nice_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// Calls body(i) for every i in [0, n) on up to `threads` threads (the
// calling one included) and returns when all are done. Indexes are handed
// out in order, one at a time, so uneven costs still share out well. The
// helper threads start at the calling thread's priority (on Linux a new
// thread inherits its creator's nice value), so a background build stays in
// the background.
void ParallelFor(int threads, size_t n, absl::FunctionRef<void(size_t)> body);

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_WORKER_POOL_H_
