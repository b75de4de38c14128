// HistoryRecorder::Start/Stop: the background loop records, keeps going, and
// stops promptly, even in the middle of a long pass.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/engine/history_recorder.h"
#include "tests/unit/engine/history_test_util.h"

namespace rapport::engine {
namespace {

using testing::HistoryFixture;
using testing::Today;

class RecorderThreadTest : public HistoryFixture {
 protected:
  // Waits (real time, up to 30 s) until the tenant is recorded through `day`.
  bool WaitForRecordedThrough(absl::CivilDay day) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      auto through = store_->RecordedThrough("acme");
      if (through.ok() && *through == day) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }
};

TEST_F(RecorderThreadTest, StopWithoutStartAndTwiceIsFine) {
  HistoryRecorder recorder = MakeRecorder();
  recorder.Stop();
  recorder.Start(absl::Hours(1));
  recorder.Start(absl::Hours(1));  // Already started: nothing happens.
  recorder.Stop();
  recorder.Stop();
}

TEST_F(RecorderThreadTest, RunsNowThenEveryIntervalUntilStopped) {
  HistoryRecorder recorder = MakeRecorder();
  recorder.Start(absl::Milliseconds(1));
  EXPECT_TRUE(WaitForRecordedThrough(Today() - 1));
  clock_.Advance(absl::Hours(24));
  EXPECT_TRUE(WaitForRecordedThrough(Today()));
  recorder.Stop();
  EXPECT_EQ(History("m1").size(), 91u);
  // Stopped: the next day is not recorded.
  clock_.Advance(absl::Hours(24));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(*store_->RecordedThrough("acme"), Today());
  // A RunOnce after Stop() runs in full.
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, kMembers);
}

TEST_F(RecorderThreadTest, StopDoesNotWaitForTheInterval) {
  HistoryRecorder recorder = MakeRecorder();
  recorder.Start(absl::Hours(1));
  EXPECT_TRUE(WaitForRecordedThrough(Today() - 1));
  const absl::Time start = absl::Now();
  recorder.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(RecorderThreadTest, StopCutsALongPassShort) {
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(store_
                    ->UpsertMember("acme",
                                   testing::MakeMember(absl::StrCat("x", i)),
                                   clock_.Now())
                    .ok());
  }
  const absl::Time start = absl::Now();
  {
    HistoryRecorder recorder = MakeRecorder();
    recorder.Start(absl::Hours(1));
    absl::SleepFor(absl::Milliseconds(20));
  }  // The destructor stops it.
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // Cut short: ~18,000 scores take far longer than 20 ms.
  EXPECT_EQ(*store_->RecordedThrough("acme"), std::nullopt);
}

}  // namespace
}  // namespace rapport::engine
