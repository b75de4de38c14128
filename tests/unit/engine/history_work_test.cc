// HistoryRecorder and late events: exactly the stale days of exactly the
// touched members are recomputed, within the backfill window.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/engine/daily_score.h"
#include "server/engine/history_recorder.h"
#include "tests/unit/engine/history_test_util.h"

namespace rapport::engine {
namespace {

using model::EventType;
using testing::DirectScore;
using testing::HistoryFixture;
using testing::MakeEvent;
using testing::NoonOf;
using testing::Today;

class LateEventsTest : public HistoryFixture {
 protected:
  void SetUp() override {
    HistoryFixture::SetUp();
    ASSERT_TRUE(recorder_.RunOnce().ok());
    MarkAllSnapshots();
  }

  void Append(std::vector<model::Event> events) {
    auto outcomes = store_->AppendEvents("acme", events);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  }

  // (member, day) of every snapshot rewritten since MarkAllSnapshots(),
  // checking each against a direct score.
  std::set<std::pair<std::string, absl::CivilDay>> Rewritten() {
    std::set<std::pair<std::string, absl::CivilDay>> rewritten;
    auto page = store_->ListMembers("acme", testing::AllMembers());
    EXPECT_TRUE(page.ok());
    for (const model::Member& m : page->members) {
      for (const model::ScoreSnapshot& s : History(m.member_id)) {
        if (s.total == -1) continue;
        EXPECT_EQ(s, DirectScore(*store_, model_, "acme", m.member_id, s.day))
            << m.member_id << " " << s.day;
        rewritten.emplace(m.member_id, s.day);
      }
    }
    return rewritten;
  }

  static std::set<std::pair<std::string, absl::CivilDay>> Days(
      const std::vector<std::string>& members, absl::CivilDay first,
      absl::CivilDay last) {
    std::set<std::pair<std::string, absl::CivilDay>> days;
    for (const std::string& m : members) {
      for (absl::CivilDay d = first; d <= last; ++d) days.emplace(m, d);
    }
    return days;
  }

  HistoryRecorder recorder_ = MakeRecorder();
};

TEST_F(LateEventsTest, RecomputesTheTouchedMembersFromTheEventDayOn) {
  const absl::CivilDay late_day = Today() - 10;
  Append(
      {MakeEvent("late-1", "m2", EventType::kPostPublished, NoonOf(late_day)),
       MakeEvent("late-2", "m4", EventType::kContentShared,
                 NoonOf(late_day + 3)),
       MakeEvent("late-3", "m4", EventType::kCommentMade,
                 NoonOf(late_day, 60))});
  auto written = recorder_.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 2 * 10);
  EXPECT_EQ(Rewritten(), Days({"m2", "m4"}, late_day, Today() - 1));
  EXPECT_TRUE(store_->ListHistoryWork("acme", 100)->empty());
  // Done: the next pass has nothing to do.
  EXPECT_EQ(*recorder_.RunOnce(), 0);
}

TEST_F(LateEventsTest, TheNewScoresDifferFromTheOldOnes) {
  const absl::CivilDay late_day = Today() - 10;
  const model::ScoreSnapshot before =
      DirectScore(*store_, model_, "acme", "m2", late_day);
  // The generated activity has no comments: this one counts.
  Append(
      {MakeEvent("late-1", "m2", EventType::kCommentMade, NoonOf(late_day))});
  ASSERT_TRUE(recorder_.RunOnce().ok());
  auto after = store_->ReadScoreHistory("acme", "m2", late_day, late_day);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_GT((*after)[0].pillars[2], before.pillars[2]);
  EXPECT_GT((*after)[0].total, before.total);
  EXPECT_EQ((*after)[0], DirectScore(*store_, model_, "acme", "m2", late_day));
}

TEST_F(LateEventsTest, TodaysEventsChangeNoRecordedDay) {
  Append({MakeEvent("now-1", "m1", EventType::kPostPublished, testing::Now())});
  ASSERT_FALSE(store_->ListHistoryWork("acme", 100)->empty());
  auto written = recorder_.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 0);
  EXPECT_TRUE(store_->ListHistoryWork("acme", 100)->empty());
}

TEST_F(LateEventsTest, NothingOlderThanTheWindowIsRecomputed) {
  Append({MakeEvent("old-1", "m3", EventType::kPostPublished,
                    NoonOf(Today() - 400))});
  auto written = recorder_.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 90);
  EXPECT_EQ(Rewritten(), Days({"m3"}, Today() - 90, Today() - 1));
  EXPECT_EQ(History("m3").size(), 90u);
}

TEST_F(LateEventsTest, ANewDayAndLateEventsInOnePassScoreEachDayOnce) {
  clock_.Advance(absl::Hours(24));  // Yesterday is now Today().
  const absl::CivilDay late_day = Today() - 9;
  Append(
      {MakeEvent("late-1", "m1", EventType::kPostPublished, NoonOf(late_day))});
  auto written = recorder_.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  // The new day for everyone, and m1's nine stale days before it.
  EXPECT_EQ(*written, kMembers + 9);
  auto expected = Days({"m1"}, late_day, Today());
  for (int i = 2; i <= kMembers; ++i) expected.emplace(MemberId(i), Today());
  EXPECT_EQ(Rewritten(), expected);
}

TEST_F(LateEventsTest, WorkIsTakenInBatchesPerPass) {
  HistoryRecorder recorder = MakeRecorder(testing::Options(90, 2));
  const absl::CivilDay late_day = Today() - 2;
  Append(
      {MakeEvent("late-1", "m1", EventType::kPostPublished, NoonOf(late_day)),
       MakeEvent("late-2", "m2", EventType::kPostPublished, NoonOf(late_day)),
       MakeEvent("late-3", "m3", EventType::kPostPublished, NoonOf(late_day))});
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 2 * 2);
  EXPECT_EQ(Rewritten(), Days({"m1", "m2"}, late_day, Today() - 1));
  written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 2);
  EXPECT_EQ(Rewritten(), Days({"m1", "m2", "m3"}, late_day, Today() - 1));
}

TEST_F(LateEventsTest, APassThatRecordsANewDayTakesAllTheWork) {
  HistoryRecorder recorder = MakeRecorder(testing::Options(90, 1));
  const absl::CivilDay late_day = Today() - 2;
  Append(
      {MakeEvent("late-1", "m1", EventType::kPostPublished, NoonOf(late_day)),
       MakeEvent("late-2", "m2", EventType::kPostPublished, NoonOf(late_day)),
       MakeEvent("late-3", "m3", EventType::kPostPublished, NoonOf(late_day))});
  clock_.Advance(absl::Hours(24));
  auto written = recorder.RunOnce();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, kMembers + 3 * 2);
  auto expected = Days({"m1", "m2", "m3"}, late_day, Today());
  expected.emplace("m4", Today());
  EXPECT_EQ(Rewritten(), expected);
  EXPECT_TRUE(store_->ListHistoryWork("acme", 100)->empty());
}

TEST_F(LateEventsTest, WorkOfADeletedMemberIsDropped) {
  Append({MakeEvent("late-1", "m2", EventType::kPostPublished,
                    NoonOf(Today() - 3))});
  ASSERT_TRUE(store_->DeleteMember("acme", "m2").ok());
  auto written = recorder_.RunOnce();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 0);
  EXPECT_EQ(store_->GetMember("acme", "m2").status().code(),
            absl::StatusCode::kNotFound);
}

// A pass scores a member, then writes the scores: a delete and re-create of
// the member in between must not leave scores of the deleted member's
// activity in the history of the new one.
TEST_F(LateEventsTest, AScoreOfADeletedMemberNeverReachesItsSuccessor) {
  absl::StatusOr<model::Member> before = store_->GetMember("acme", "m2");
  ASSERT_TRUE(before.ok()) << before.status();
  std::vector<model::ScoreSnapshot> stale;
  for (absl::CivilDay day = Today() - 5; day < Today(); ++day) {
    auto snapshot = ScoreMemberOnDay(*store_, model_, "acme", *before, day);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    stale.push_back(*snapshot);
  }
  ASSERT_TRUE(store_->DeleteMember("acme", "m2").ok());
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(
      store_->UpsertMember("acme", testing::MakeMember("m2"), clock_.Now())
          .ok());
  ASSERT_TRUE(store_->WriteScoreSnapshots("acme", stale).ok());
  EXPECT_TRUE(History("m2").empty());

  // Scores of the member that exists are written, and are those of its own
  // (empty) activity.
  absl::StatusOr<model::Member> after = store_->GetMember("acme", "m2");
  ASSERT_TRUE(after.ok()) << after.status();
  auto fresh = ScoreMemberOnDay(*store_, model_, "acme", *after, Today() - 1);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ASSERT_TRUE(store_->WriteScoreSnapshots("acme", {*fresh}).ok());
  const std::vector<model::ScoreSnapshot> history = History("m2");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0],
            DirectScore(*store_, model_, "acme", "m2", Today() - 1));
  EXPECT_NE(history[0].total, stale.back().total);
}

}  // namespace
}  // namespace rapport::engine
