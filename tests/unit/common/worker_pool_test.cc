// WorkerPool: every task posted runs once, on the pool's threads, and the
// destructor runs what is queued; beyond max_queued waiting tasks TryPost
// refuses. ParallelFor calls its body once for every index, whatever the
// thread count.
#include "server/common/worker_pool.h"

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace rapport {
namespace {

TEST(WorkerPoolTest, EveryTaskRunsOnceOnThePoolsThreads) {
  std::vector<std::atomic<int>> runs(500);
  absl::Mutex mu;
  std::set<std::thread::id> threads;
  {
    WorkerPool pool(3, 1000);
    EXPECT_EQ(pool.threads(), 3);
    for (size_t i = 0; i < runs.size(); ++i) {
      ASSERT_TRUE(pool.TryPost([&, i] {
        runs[i].fetch_add(1);
        absl::MutexLock lock(&mu);
        threads.insert(std::this_thread::get_id());
      }));
    }
  }  // Runs what is queued, then joins.
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].load(), 1) << i;
  EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
  EXPECT_LE(threads.size(), 3u);
}

TEST(WorkerPoolTest, RefusesBeyondMaxQueuedAndTakesMoreOnceTheQueueDrains) {
  WorkerPool pool(1, 2);
  absl::Notification started, release;
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TryPost([&] {
    started.Notify();
    release.WaitForNotification();
    ++ran;
  }));
  started.WaitForNotification();  // The only thread is busy.
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_FALSE(pool.TryPost([&] { ran += 100; }));  // Two already wait.
  release.Notify();
  absl::Notification drained;
  while (!pool.TryPost([&] { drained.Notify(); })) std::this_thread::yield();
  drained.WaitForNotification();
  EXPECT_EQ(ran.load(), 3);
}

TEST(ParallelForTest, CallsTheBodyOnceForEveryIndex) {
  for (int threads : {0, 1, 2, 3, 8}) {
    for (size_t n : {0u, 1u, 2u, 7u, 1000u}) {
      SCOPED_TRACE(testing::Message() << threads << " threads, n=" << n);
      std::vector<std::atomic<int>> calls(n);
      ParallelFor(threads, n, [&](size_t i) { calls[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(calls[i].load(), 1) << i;
    }
  }
}

TEST(ParallelForTest, UsesMoreThanOneThreadWhenAsked) {
  // Each index waits (for a bounded time) until two of them run at once:
  // on one thread the first would wait alone and the peak would stay 1.
  std::atomic<int> inside{0};
  std::atomic<int> peak{0};
  ParallelFor(2, 2, [&](size_t) {
    const int now = ++inside;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    for (int spin = 0; spin < 2000000 && peak.load() < 2; ++spin) {
      std::this_thread::yield();
    }
    --inside;
  });
  EXPECT_EQ(peak.load(), 2);
}

}  // namespace
}  // namespace rapport
