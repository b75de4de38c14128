#include "server/common/serial_executor.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "server/common/thread_priority.h"

namespace rapport {

namespace {

// The weight of the newest running time in the moving average.
constexpr double kAverageWeight = 0.2;
// The retry hint's bounds: never "retry at once", never "come back in an
// hour" (the estimate is rough).
constexpr absl::Duration kMinWait = absl::Milliseconds(100);
constexpr absl::Duration kMaxWait = absl::Seconds(30);

}  // namespace

SerialExecutor::SerialExecutor(size_t max_queued, int nice)
    : max_queued_(std::max<size_t>(max_queued, 1)),
      nice_(nice),
      thread_([this] { Loop(); }) {}

SerialExecutor::~SerialExecutor() {
  Close(absl::UnavailableError("server is shutting down; retry later"));
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void SerialExecutor::Post(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  Entry entry;
  entry.task.run = std::move(task);
  tasks_.push_back(std::move(entry));
}

absl::Status SerialExecutor::Submit(CallerTask task) {
  absl::MutexLock lock(&mu_);
  if (closed_) return close_status_;
  if (tasks_.size() >= max_queued_) {
    return absl::ResourceExhaustedError("the write queue is full");
  }
  tasks_.push_back(Entry{.task = std::move(task), .caller = true});
  return absl::OkStatus();
}

void SerialExecutor::Close(const absl::Status& status) {
  std::vector<std::function<void(const absl::Status&)>> refused;
  absl::Status told;
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    close_status_ = status.ok() ? absl::UnavailableError("closed") : status;
    told = close_status_;
    std::deque<Entry> kept;
    for (Entry& e : tasks_) {
      if (e.caller) {
        if (e.task.refuse) refused.push_back(std::move(e.task.refuse));
      } else {
        kept.push_back(std::move(e));
      }
    }
    tasks_ = std::move(kept);
    if (running_refuse_) refused.push_back(std::move(running_refuse_));
    running_refuse_ = nullptr;
  }
  for (auto& refuse : refused) refuse(told);
}

size_t SerialExecutor::queued() const {
  absl::MutexLock lock(&mu_);
  return tasks_.size();
}

absl::Duration SerialExecutor::EstimatedWait() const {
  absl::MutexLock lock(&mu_);
  return EstimatedWaitLocked();
}

absl::Duration SerialExecutor::EstimatedWaitLocked() const {
  const absl::Duration wait =
      absl::Microseconds(average_run_us_ * static_cast<double>(tasks_.size()));
  return std::clamp(wait, kMinWait, kMaxWait);
}

void SerialExecutor::Loop() {
  LowerThisThreadPriorityOrLog(nice_);
  for (;;) {
    Entry entry;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !tasks_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (tasks_.empty()) return;  // Stopping, and nothing left to run.
      entry = std::move(tasks_.front());
      tasks_.pop_front();
    }
    Run(entry);
  }
}

void SerialExecutor::Run(Entry& entry) {
  if (entry.caller) {
    if (entry.task.wanted) {
      if (absl::Status wanted = entry.task.wanted(); !wanted.ok()) {
        if (entry.task.refuse) entry.task.refuse(wanted);
        return;
      }
    }
    // Checked with the running task's registration, so that a Close now
    // either finds it registered or is seen here: refused exactly once.
    absl::Status closed;
    {
      absl::MutexLock lock(&mu_);
      if (closed_) {
        closed = close_status_;
      } else {
        running_refuse_ = entry.task.refuse;
      }
    }
    if (!closed.ok()) {
      if (entry.task.refuse) entry.task.refuse(closed);
      return;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  if (entry.task.run) entry.task.run();
  const double us = std::chrono::duration<double, std::micro>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  absl::MutexLock lock(&mu_);
  running_refuse_ = nullptr;
  average_run_us_ =
      average_run_us_ == 0
          ? us
          : (1 - kAverageWeight) * average_run_us_ + kAverageWeight * us;
}

}  // namespace rapport
