// SerialExecutor: tasks run one at a time, in the order posted, each once,
// on one thread other than the poster's; tasks may post tasks; the
// destructor runs everything already posted, then joins. Caller tasks:
// refused beyond the bound, skipped when unwanted, refused by Close.
#include "server/common/serial_executor.h"

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/status/status.h"
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

// What a caller task came to: run, or refused with a status.
struct Outcome {
  absl::Mutex mu;
  bool ran = false;
  std::vector<absl::Status> refused;
};

CallerTask TaskFor(Outcome* out, std::function<absl::Status()> wanted = nullptr,
                   std::function<void()> body = nullptr) {
  CallerTask task;
  task.wanted = std::move(wanted);
  task.run = [out, body = std::move(body)] {
    if (body) body();
    absl::MutexLock lock(&out->mu);
    out->ran = true;
  };
  task.refuse = [out](const absl::Status& why) {
    absl::MutexLock lock(&out->mu);
    out->refused.push_back(why);
  };
  return task;
}

// Holds the executor's thread until released; returns once it runs.
void Block(SerialExecutor& executor, absl::Notification& started,
           absl::Notification& release) {
  executor.Post([&] {
    started.Notify();
    release.WaitForNotification();
  });
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(30)));
}

TEST(SerialExecutorTest, SubmitIsRefusedBeyondTheBoundAndQueuedOnesStillRun) {
  for (size_t bound : {1u, 3u, 10u}) {
    absl::Notification started, release;
    std::vector<std::unique_ptr<Outcome>> outcomes;
    std::vector<absl::Status> submitted;
    {
      SerialExecutor executor(bound);
      Block(executor, started, release);
      for (size_t i = 0; i < bound + 4; ++i) {
        outcomes.push_back(std::make_unique<Outcome>());
        submitted.push_back(executor.Submit(TaskFor(outcomes.back().get())));
      }
      EXPECT_EQ(executor.queued(), bound);
      EXPECT_GT(executor.EstimatedWait(), absl::ZeroDuration());
      // Posts are never refused.
      std::atomic<int> posted{0};
      for (int i = 0; i < 5; ++i) executor.Post([&] { ++posted; });
      release.Notify();
      absl::Notification drained;
      executor.Post([&] { drained.Notify(); });
      ASSERT_TRUE(drained.WaitForNotificationWithTimeout(absl::Seconds(30)));
      EXPECT_EQ(posted.load(), 5);
    }
    for (size_t i = 0; i < submitted.size(); ++i) {
      absl::MutexLock lock(&outcomes[i]->mu);
      if (i < bound) {
        EXPECT_TRUE(submitted[i].ok()) << submitted[i];
        EXPECT_TRUE(outcomes[i]->ran);
      } else {
        EXPECT_TRUE(absl::IsResourceExhausted(submitted[i])) << submitted[i];
        EXPECT_FALSE(outcomes[i]->ran);             // Refused ones never run...
        EXPECT_TRUE(outcomes[i]->refused.empty());  // ...nor are told.
      }
    }
  }
}

TEST(SerialExecutorTest, AnUnwantedTaskIsRefusedWithItsStatusInsteadOfRun) {
  std::vector<std::unique_ptr<Outcome>> outcomes;
  {
    SerialExecutor executor(100);
    for (int i = 0; i < 20; ++i) {
      outcomes.push_back(std::make_unique<Outcome>());
      auto wanted = [i]() -> absl::Status {
        if (i % 3 == 0) return absl::DeadlineExceededError("gone");
        return absl::OkStatus();
      };
      ASSERT_TRUE(executor.Submit(TaskFor(outcomes.back().get(), wanted)).ok());
    }
    // Before the destructor, which would refuse what is still queued.
    absl::Notification drained;
    executor.Post([&] { drained.Notify(); });
    ASSERT_TRUE(drained.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }
  for (int i = 0; i < 20; ++i) {
    absl::MutexLock lock(&outcomes[i]->mu);
    EXPECT_EQ(outcomes[i]->ran, i % 3 != 0) << i;
    if (i % 3 == 0) {
      ASSERT_EQ(outcomes[i]->refused.size(), 1u);
      EXPECT_TRUE(absl::IsDeadlineExceeded(outcomes[i]->refused[0]));
    } else {
      EXPECT_TRUE(outcomes[i]->refused.empty());
    }
  }
}

TEST(SerialExecutorTest, CloseRefusesQueuedAndRunningCallerTasksOnly) {
  absl::Notification running, release;
  Outcome first;
  std::vector<std::unique_ptr<Outcome>> queued;
  std::atomic<int> posted{0};
  const absl::Status closing = absl::UnavailableError("shutting down");
  {
    SerialExecutor executor(100);
    ASSERT_TRUE(executor
                    .Submit(TaskFor(&first, nullptr,
                                    [&] {
                                      running.Notify();
                                      release.WaitForNotification();
                                    }))
                    .ok());
    ASSERT_TRUE(running.WaitForNotificationWithTimeout(absl::Seconds(30)));
    for (int i = 0; i < 7; ++i) {
      queued.push_back(std::make_unique<Outcome>());
      ASSERT_TRUE(executor.Submit(TaskFor(queued.back().get())).ok());
      executor.Post([&] { ++posted; });
    }
    executor.Close(closing);
    executor.Close(absl::InternalError("a second close changes nothing"));
    Outcome late;
    EXPECT_EQ(executor.Submit(TaskFor(&late)), closing);
    {
      // The running task was told while it still runs.
      absl::MutexLock lock(&first.mu);
      ASSERT_EQ(first.refused.size(), 1u);
      EXPECT_EQ(first.refused[0], closing);
      EXPECT_FALSE(first.ran);
    }
    release.Notify();
  }
  EXPECT_EQ(posted.load(), 7);  // Posted tasks still ran.
  absl::MutexLock lock(&first.mu);
  EXPECT_TRUE(first.ran);  // Its write went on.
  for (const auto& q : queued) {
    absl::MutexLock qlock(&q->mu);
    EXPECT_FALSE(q->ran);
    ASSERT_EQ(q->refused.size(), 1u);
    EXPECT_EQ(q->refused[0], closing);
  }
}

}  // namespace
}  // namespace rapport
