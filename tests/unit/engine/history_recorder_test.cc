// HistoryRecorder: the daily recording (backfill, one day at a time, new and
// deleted members, several tenants) and what a snapshot holds.
#include "server/engine/history_recorder.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/engine/history_test_util.h"

namespace rapport::engine {
namespace {

using testing::DirectScore;
using testing::HistoryFixture;
using testing::Today;

class RecorderTest : public HistoryFixture {};

TEST(EndOfDayTest, IsTheLastNanosecondOfTheUtcDay) {
  const absl::CivilDay day(2024, 2, 29);
  EXPECT_EQ(EndOfDay(day),
            absl::FromCivil(absl::CivilSecond(2024, 2, 29, 23, 59, 59),
                            absl::UTCTimeZone()) +
                absl::Nanoseconds(999999999));
  EXPECT_EQ(EndOfDay(day) + absl::Nanoseconds(1),
            absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone()));
}

TEST_F(RecorderTest, FreshTenantGetsBackfillDaysPerMemberEndingYesterday) {
  HistoryRecorder recorder = MakeRecorder();
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, kMembers * 90);
  const absl::CivilDay yesterday = Today() - 1;
  for (int i = 1; i <= kMembers; ++i) {
    std::vector<model::ScoreSnapshot> history = History(MemberId(i));
    ASSERT_EQ(history.size(), 90u) << MemberId(i);
    EXPECT_EQ(history.front().day, yesterday - 89);
    EXPECT_EQ(history.back().day, yesterday);
    for (size_t d = 1; d < history.size(); ++d) {
      EXPECT_EQ(history[d].day, history[d - 1].day + 1);  // No gaps.
    }
  }
  EXPECT_EQ(*store_->RecordedThrough("acme"), yesterday);
  // The ingest's history work is done with: (a) scored those days already.
  EXPECT_TRUE(store_->ListHistoryWork("acme", 100)->empty());
}

TEST_F(RecorderTest, ImportedHistoryIsScoredOnceWhateverTheWorkBatch) {
  // The members' events made history work; the backfill covers all of it.
  HistoryRecorder recorder = MakeRecorder(testing::Options(90, 1));
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, kMembers * 90);
  EXPECT_TRUE(store_->ListHistoryWork("acme", 100)->empty());
  clock_.Advance(absl::Hours(24));
  written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, kMembers);
}

TEST_F(RecorderTest, BackfillDaysIsAnOption) {
  HistoryRecorder recorder = MakeRecorder(testing::Options(7));
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, kMembers * 7);
  std::vector<model::ScoreSnapshot> history = History("m1");
  ASSERT_EQ(history.size(), 7u);
  EXPECT_EQ(history.front().day, Today() - 7);
}

TEST_F(RecorderTest, SecondPassTheSameDayWritesNothing) {
  HistoryRecorder recorder = MakeRecorder();
  ASSERT_TRUE(recorder.RunOnce().ok());
  clock_.Advance(absl::Hours(13));  // 23:00, still the same day.
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 0);
}

TEST_F(RecorderTest, EachNewDayIsRecordedOnceForEveryMember) {
  HistoryRecorder recorder = MakeRecorder();
  ASSERT_TRUE(recorder.RunOnce().ok());
  clock_.Advance(absl::Hours(24));
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, kMembers);
  EXPECT_EQ(*store_->RecordedThrough("acme"), Today());
  for (int i = 1; i <= kMembers; ++i) {
    std::vector<model::ScoreSnapshot> history = History(MemberId(i));
    ASSERT_EQ(history.size(), 91u);  // Older days are kept.
    EXPECT_EQ(history.back().day, Today());
    EXPECT_EQ(history.back(),
              DirectScore(*store_, model_, "acme", MemberId(i), Today()));
  }
  // Three days without a pass: the three are recorded by the next one.
  clock_.Advance(absl::Hours(72));
  written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 3 * kMembers);
  EXPECT_EQ(History("m1").size(), 94u);
}

TEST_F(RecorderTest, SnapshotsEqualTheScoreAtTheEndOfTheirDay) {
  HistoryRecorder recorder = MakeRecorder();
  ASSERT_TRUE(recorder.RunOnce().ok());
  for (int i = 1; i <= kMembers; ++i) {
    for (const model::ScoreSnapshot& s : History(MemberId(i))) {
      ASSERT_EQ(s, DirectScore(*store_, model_, "acme", MemberId(i), s.day))
          << MemberId(i) << " " << s.day;
    }
  }
  // The figures are real scores, not all alike.
  std::vector<model::ScoreSnapshot> history = History("m1");
  EXPECT_EQ(history.back().model_version, model_.version);
  EXPECT_GT(history.back().total, 0);
  EXPECT_NE(history.front().total, history.back().total);
}

TEST_F(RecorderTest, AnEventAtTheLastSecondCountsForItsDay) {
  ASSERT_TRUE(
      store_->UpsertMember("acme", testing::MakeMember("late"), clock_.Now())
          .ok());
  const absl::CivilDay day = Today() - 5;
  ASSERT_TRUE(store_
                  ->AppendEvents("acme", {testing::MakeEvent(
                                             "late-post", "late",
                                             model::EventType::kPostPublished,
                                             EndOfDay(day))})
                  .ok());
  HistoryRecorder recorder = MakeRecorder();
  ASSERT_TRUE(recorder.RunOnce().ok());
  auto around = store_->ReadScoreHistory("acme", "late", day - 1, day);
  ASSERT_TRUE(around.ok());
  ASSERT_EQ(around->size(), 2u);
  EXPECT_GT((*around)[1].pillars[0], (*around)[0].pillars[0]);
  EXPECT_EQ((*around)[0].total,
            (*around)[0].pillars[0] + (*around)[0].pillars[1] +
                (*around)[0].pillars[2] + (*around)[0].pillars[3]);
}

TEST_F(RecorderTest, MembersCreatedLaterAreBackfilledLikeEveryone) {
  HistoryRecorder recorder = MakeRecorder();
  ASSERT_TRUE(recorder.RunOnce().ok());
  clock_.Advance(absl::Hours(2));
  // A member without events, one with: neither is recorded the same day.
  ASSERT_TRUE(
      store_->UpsertMember("acme", testing::MakeMember("new1"), clock_.Now())
          .ok());
  AddMember("acme", "new2", 9);
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  // new2's events made work from 100 days ago, recomputed through yesterday.
  EXPECT_EQ(*written, 90);
  EXPECT_TRUE(History("new1").empty());
  EXPECT_EQ(History("new2").size(), 90u);

  clock_.Advance(absl::Hours(24));
  written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  // Old members: today; new1: the whole window; new2: today.
  EXPECT_EQ(*written, kMembers + 90 + 1);
  std::vector<model::ScoreSnapshot> new1 = History("new1");
  ASSERT_EQ(new1.size(), 90u);
  EXPECT_EQ(new1.front().day, Today() - 89);
  EXPECT_EQ(new1.back().day, Today());
  EXPECT_EQ(new1.front(),
            DirectScore(*store_, model_, "acme", "new1", Today() - 89));
  EXPECT_EQ(History("new2").size(), 91u);

  // The next day, everyone gets one day: nobody is backfilled twice.
  clock_.Advance(absl::Hours(24));
  written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, kMembers + 2);
}

TEST_F(RecorderTest, DeletedMembersStayDeleted) {
  HistoryRecorder recorder = MakeRecorder();
  ASSERT_TRUE(recorder.RunOnce().ok());
  ASSERT_TRUE(store_->DeleteMember("acme", "m2").ok());
  clock_.Advance(absl::Hours(24));
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, kMembers - 1);
  auto day = store_->ReadScoresOfDay("acme", Today());
  ASSERT_TRUE(day.ok());
  ASSERT_EQ(day->size(), static_cast<size_t>(kMembers - 1));
  for (const model::ScoreSnapshot& s : *day) EXPECT_NE(s.member_id, "m2");
  EXPECT_TRUE(store_->ReadScoresOfDay("acme", Today() - 1)->size() ==
              static_cast<size_t>(kMembers - 1));
  EXPECT_EQ(store_->ReadScoreHistory("acme", "m2", Today() - 1, Today())
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RecorderTest, TenantsAreRecordedSeparately) {
  AddMember("globex", "g1", 3);
  AddMember("globex", "m1", 7);  // Same id as in acme, other activity.
  HistoryRecorder recorder = MakeRecorder();
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, (kMembers + 2) * 90);
  EXPECT_EQ(*store_->RecordedThrough("globex"), Today() - 1);
  std::vector<model::ScoreSnapshot> globex = History("m1", "globex");
  ASSERT_EQ(globex.size(), 90u);
  EXPECT_EQ(globex.back(),
            DirectScore(*store_, model_, "globex", "m1", Today() - 1));
  EXPECT_NE(globex.back().total, History("m1").back().total);
}

TEST_F(RecorderTest, OptionsOutOfRangeAreInvalid) {
  HistoryRecorder no_days = MakeRecorder(testing::Options(0));
  EXPECT_EQ(no_days.RunOnce().status().code(),
            absl::StatusCode::kInvalidArgument);
  HistoryRecorder no_work = MakeRecorder(testing::Options(90, 0));
  EXPECT_EQ(no_work.RunOnce().status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::engine
