// A single thread that runs posted tasks in order. Rapport funnels every
// store write through one: SQLite has a single writer anyway, and gRPC
// callback threads must not block on disk syncs.
//
// Two kinds of task share the one queue, in order:
// - Post: the server's own work (retention steps, the score changes feed,
//   background builds). Never refused; always run, even while closing.
// - Submit: a write on behalf of a caller. Refused with RESOURCE_EXHAUSTED
//   when the queue holds max_queued tasks (memory stays bounded whatever
//   the clients send), skipped when its caller has gone by the time its
//   turn comes (nothing written for nobody), and refused with Close's
//   status when the server shuts down before it started.
#ifndef RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_
#define RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rapport {

// A caller's write, as handed to SerialExecutor::Submit.
struct CallerTask {
  // Asked when the task's turn comes: OK runs `run`; any other status calls
  // `refuse` with it instead (for example DEADLINE_EXCEEDED once the
  // caller's deadline has passed). Empty: always wanted.
  std::function<absl::Status()> wanted;
  // The write itself.
  std::function<void()> run;
  // Tells the caller its write was not started (or, from Close, that the
  // server stops waiting for the one running). Called at most once; it may
  // be called on any thread while `run` is still running, so the caller
  // answers once (the first of run's answer and refuse wins).
  std::function<void(const absl::Status&)> refuse;
};

// Thread-safe. The destructor runs every task already posted (caller tasks
// still queued are refused as Close would), then joins.
class SerialExecutor {
 public:
  // No bound on the queue: for background work that posts only its own
  // tasks.
  SerialExecutor() : SerialExecutor(static_cast<size_t>(-1)) {}
  // Submit is refused once `max_queued` tasks (of both kinds) wait. The
  // thread lowers its CPU priority to `nice` (thread_priority.h) before it
  // runs a task: 0 (the default) keeps the process's, as the store's writer
  // does (its tasks are callers' writes); kBackgroundNice for an executor of
  // background work.
  explicit SerialExecutor(size_t max_queued, int nice = 0);
  ~SerialExecutor();
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Queues `task`; it runs after every task queued before it. Never
  // refused, also after Close.
  void Post(std::function<void()> task);

  // Queues a caller's write. RESOURCE_EXHAUSTED ("the write queue is
  // full"; EstimatedWait() says when to retry) when max_queued tasks wait;
  // after Close, Close's status. On an error nothing is queued and no callback
  // of `task` runs.
  absl::Status Submit(CallerTask task);

  // From now on Submit answers `status` (say, UNAVAILABLE "server is
  // shutting down"); every caller task not yet started is refused with it
  // and dropped, and the one running (if a caller task) is refused with it
  // too while its write goes on. Posted tasks still run. Idempotent: the
  // first status stays. `status` is not OK (OK is taken as UNAVAILABLE).
  void Close(const absl::Status& status);

  // Tasks waiting (not the one running).
  size_t queued() const;
  // How long a task submitted now would wait, estimated from the queue's
  // length and the recent tasks' running times; a hint for retries.
  absl::Duration EstimatedWait() const;

 private:
  struct Entry {
    CallerTask task;
    bool caller = false;
  };
  void Loop();
  absl::Duration EstimatedWaitLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs `entry`; records its running time.
  void Run(Entry& entry);

  const size_t max_queued_;
  const int nice_;
  mutable absl::Mutex mu_;
  std::deque<Entry> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status close_status_ ABSL_GUARDED_BY(mu_);
  // The caller task running now, if any: Close refuses it.
  std::function<void(const absl::Status&)> running_refuse_ ABSL_GUARDED_BY(mu_);
  // A moving average of the tasks' running times, in microseconds.
  double average_run_us_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_SERIAL_EXECUTOR_H_
