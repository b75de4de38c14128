// SerialExecutor: tasks run one at a time, in the order posted, each once,
// on one thread other than the poster's; tasks may post tasks; the
// destructor runs everything already posted, then joins.
#include "server/common/serial_executor.h"

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace rapport {
namespace {

TEST(SerialExecutorTest, RunsTasksInPostOrderOnOneOtherThread) {
  std::vector<int> order;  // Touched only by the executor's thread.
  std::set<std::thread::id> threads;
  absl::Notification done;
  {
    SerialExecutor executor;
    for (int i = 0; i < 1000; ++i) {
      executor.Post([&, i] {
        order.push_back(i);
        threads.insert(std::this_thread::get_id());
      });
    }
    executor.Post([&] { done.Notify(); });
    ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }
  ASSERT_EQ(order.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(order[i], i);
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_NE(*threads.begin(), std::this_thread::get_id());
}

TEST(SerialExecutorTest, TasksFromManyThreadsEachRunOnceAndNeverOverlap) {
  constexpr int kPosters = 8;
  constexpr int kPerPoster = 500;
  std::vector<int> runs(kPosters * kPerPoster, 0);
  std::vector<std::vector<int>> seen_by_poster(kPosters);
  std::atomic<int> running{0};
  std::atomic<bool> overlapped{false};
  {
    SerialExecutor executor;
    std::vector<std::thread> posters;
    for (int p = 0; p < kPosters; ++p) {
      posters.emplace_back([&, p] {
        for (int i = 0; i < kPerPoster; ++i) {
          executor.Post([&, p, i] {
            if (running.fetch_add(1) != 0) overlapped = true;
            ++runs[p * kPerPoster + i];
            seen_by_poster[p].push_back(i);
            running.fetch_sub(1);
          });
        }
      });
    }
    for (auto& t : posters) t.join();
  }  // The destructor runs whatever is still queued.
  EXPECT_FALSE(overlapped.load());
  for (size_t k = 0; k < runs.size(); ++k) {
    ASSERT_EQ(runs[k], 1) << "task " << k;
  }
  // Each poster's tasks ran in the order that poster posted them.
  for (int p = 0; p < kPosters; ++p) {
    ASSERT_EQ(seen_by_poster[p].size(), static_cast<size_t>(kPerPoster));
    for (int i = 0; i < kPerPoster; ++i) EXPECT_EQ(seen_by_poster[p][i], i);
  }
}

TEST(SerialExecutorTest, TasksPostedByTasksRunAfterTheQueuedOnes) {
  std::vector<std::string> order;
  {
    SerialExecutor executor;
    absl::Notification hold;
    executor.Post([&] { hold.WaitForNotification(); });
    executor.Post([&] {
      order.push_back("a");
      executor.Post([&] {
        order.push_back("a.child");
        executor.Post([&] { order.push_back("a.grandchild"); });
      });
    });
    executor.Post([&] { order.push_back("b"); });
    hold.Notify();
  }  // Children posted while draining run too.
  EXPECT_EQ(order,
            (std::vector<std::string>{"a", "b", "a.child", "a.grandchild"}));
}

TEST(SerialExecutorTest, DestructorRunsEverythingPostedThenJoins) {
  auto counter = std::make_shared<std::atomic<int>>(0);
  absl::Notification release;
  std::thread releaser;
  {
    SerialExecutor executor;
    // The first task is slow: the rest are still queued when the
    // destructor starts.
    executor.Post([&] { release.WaitForNotification(); });
    for (int i = 0; i < 100; ++i) {
      executor.Post([counter] {
        absl::SleepFor(absl::Microseconds(50));
        counter->fetch_add(1);
      });
    }
    releaser = std::thread([&] {
      absl::SleepFor(absl::Milliseconds(20));
      release.Notify();
    });
  }
  releaser.join();
  // Joined: every queued task has run and none runs later.
  EXPECT_EQ(counter->load(), 100);
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(counter->load(), 100);
}

TEST(SerialExecutorTest, DestructorWithNothingPostedReturns) {
  for (int i = 0; i < 50; ++i) {
    SerialExecutor executor;
  }
}

}  // namespace
}  // namespace rapport
