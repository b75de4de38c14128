// Thread priorities: LowerThisThreadPriority sets the calling thread's nice
// value and no other thread's, never raises a priority, and clamps to
// [0, 19]; WorkerPool and SerialExecutor threads run their tasks at the
// nice value they were given (0 keeps the creator's); ParallelFor's helper
// threads inherit the calling thread's. Linux only, where the nice value is
// per thread. Expected values start from the test thread's own nice value,
// so the tests hold when the whole run is already niced.
#include "server/common/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/common/serial_executor.h"
#include "server/common/worker_pool.h"

namespace rapport {
namespace {

// The calling thread's nice value.
int ThisThreadNice() {
  errno = 0;
  const int nice =
      getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  EXPECT_EQ(errno, 0);
  return nice;
}

// What a thread starting at `base` has after asking for `nice`.
int Expected(int base, int nice) {
  return std::max(base, std::clamp(nice, 0, 19));
}

// Runs `body` on a fresh thread (at this thread's priority) and joins it,
// so that a test never lowers the priority of the test runner's thread.
template <typename F>
void OnNewThread(F body) {
  std::thread t(body);
  t.join();
}

TEST(ThreadPriorityTest, LowersOnlyTheCallingThread) {
  const int base = ThisThreadNice();
  for (int nice : {0, 1, 5, 10, 19}) {
    int seen = -100;
    OnNewThread([&] {
      ASSERT_TRUE(LowerThisThreadPriority(nice).ok());
      seen = ThisThreadNice();
    });
    EXPECT_EQ(seen, Expected(base, nice)) << "nice " << nice;
    EXPECT_EQ(ThisThreadNice(), base);
  }
}

TEST(ThreadPriorityTest, ClampsOutOfRangeValues) {
  const int base = ThisThreadNice();
  for (int nice : {-20, -1, 20, 40}) {
    int seen = -100;
    OnNewThread([&] {
      ASSERT_TRUE(LowerThisThreadPriority(nice).ok());
      seen = ThisThreadNice();
    });
    EXPECT_EQ(seen, Expected(base, nice)) << "nice " << nice;
  }
}

TEST(ThreadPriorityTest, NeverRaisesAPriority) {
  const int base = ThisThreadNice();
  for (int first : {3, 12, 19}) {
    for (int second : {0, 1, 2, 11}) {
      int seen = -100;
      OnNewThread([&] {
        ASSERT_TRUE(LowerThisThreadPriority(first).ok());
        ASSERT_TRUE(LowerThisThreadPriority(second).ok());
        seen = ThisThreadNice();
      });
      EXPECT_EQ(seen, Expected(base, std::max(first, second)))
          << first << " then " << second;
    }
  }
}

TEST(ThreadPriorityTest, OrLogNeverFailsAndSetsTheValue) {
  const int base = ThisThreadNice();
  int seen = -100;
  OnNewThread([&] {
    LowerThisThreadPriorityOrLog(kBackgroundNice);
    seen = ThisThreadNice();
  });
  EXPECT_EQ(seen, Expected(base, kBackgroundNice));
}

TEST(ThreadPriorityTest, WorkerPoolTasksRunAtThePoolsNice) {
  const int base = ThisThreadNice();
  for (int nice : {0, 4, kBackgroundNice}) {
    absl::Mutex mu;
    std::set<int> seen;
    {
      WorkerPool pool(3, 100, nice);
      for (int i = 0; i < 30; ++i) {
        ASSERT_TRUE(pool.TryPost([&] {
          const int n = ThisThreadNice();
          absl::MutexLock lock(&mu);
          seen.insert(n);
        }));
      }
    }  // Runs every task, then joins.
    EXPECT_EQ(seen, std::set<int>{Expected(base, nice)}) << "nice " << nice;
    EXPECT_EQ(ThisThreadNice(), base);
  }
}

TEST(ThreadPriorityTest, SerialExecutorTasksRunAtItsNice) {
  const int base = ThisThreadNice();
  for (int nice : {0, 7, kBackgroundNice}) {
    std::vector<int> seen(10, -100);
    {
      SerialExecutor executor(100, nice);
      for (size_t i = 0; i < seen.size(); ++i) {
        executor.Post([&seen, i] { seen[i] = ThisThreadNice(); });
      }
      absl::Notification done;
      executor.Post([&done] { done.Notify(); });
      done.WaitForNotification();
    }
    for (int n : seen) EXPECT_EQ(n, Expected(base, nice)) << "nice " << nice;
  }
}

TEST(ThreadPriorityTest, ParallelForHelpersInheritTheCallersNice) {
  const int base = ThisThreadNice();
  for (int nice : {0, 6, 13}) {
    std::vector<int> seen(64, -100);
    OnNewThread([&] {
      ASSERT_TRUE(LowerThisThreadPriority(nice).ok());
      ParallelFor(4, seen.size(),
                  [&](size_t i) { seen[i] = ThisThreadNice(); });
    });
    for (int n : seen) EXPECT_EQ(n, Expected(base, nice)) << "nice " << nice;
  }
}

}  // namespace
}  // namespace rapport
