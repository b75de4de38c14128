// Daily score history: snapshots (upsert, ranges, days), tenants,
// recorded-through, and what DeleteMember takes with it.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/model/score_snapshot.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::ScoreSnapshot;
using testing::At;
using testing::MakeEvent;
using testing::MakeMember;
using testing::OnDay;

absl::CivilDay March(int day) { return absl::CivilDay(2024, 3, day); }

ScoreSnapshot Snap(const std::string& member, absl::CivilDay day, double total,
                   const std::string& version = "ssi-test") {
  ScoreSnapshot s;
  s.member_id = member;
  s.day = day;
  s.total = total;
  s.pillars = {total / 4 + 0.5, total / 4 - 0.5, total / 4 + 0.25,
               total / 4 - 0.25};
  s.model_version = version;
  return s;
}

std::vector<std::string> Describe(const std::vector<ScoreSnapshot>& snaps) {
  std::vector<std::string> out;
  for (const ScoreSnapshot& s : snaps) {
    out.push_back(absl::StrCat(s.member_id, "@", absl::FormatCivilTime(s.day),
                               "=", s.total));
  }
  return out;
}

class HistoryTest : public testing::StoreConformanceTest {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    for (const char* id : {"m1", "m2", "m3"}) {
      ASSERT_TRUE(store_->UpsertMember("acme", MakeMember(id), At(0)).ok());
    }
    ASSERT_TRUE(store_->UpsertMember("globex", MakeMember("m1"), At(0)).ok());
  }
};

TEST_P(HistoryTest, SnapshotsRoundTripExactly) {
  ScoreSnapshot s = Snap("m1", March(5), 61.123456789012345);
  s.pillars = {1.0 / 3, 25, 0, 12.000000000000002};
  ASSERT_TRUE(store_->WriteScoreSnapshots("acme", {s}).ok());
  auto read = store_->ReadScoreHistory("acme", "m1", March(5), March(5));
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0], s);  // Doubles survive bit for bit.
}

TEST_P(HistoryTest, UpsertReplacesByMemberAndDay) {
  ASSERT_TRUE(store_
                  ->WriteScoreSnapshots("acme", {Snap("m1", March(1), 10),
                                                 Snap("m1", March(2), 20),
                                                 Snap("m2", March(1), 30)})
                  .ok());
  ScoreSnapshot replacement = Snap("m1", March(2), 22, "ssi-next");
  ASSERT_TRUE(store_->WriteScoreSnapshots("acme", {replacement}).ok());
  auto m1 = store_->ReadScoreHistory("acme", "m1", March(1), March(31));
  ASSERT_TRUE(m1.ok()) << m1.status();
  EXPECT_EQ(Describe(*m1),
            (std::vector<std::string>{"m1@2024-03-01=10", "m1@2024-03-02=22"}));
  EXPECT_EQ((*m1)[1], replacement);
  auto m2 = store_->ReadScoreHistory("acme", "m2", March(1), March(31));
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(Describe(*m2), (std::vector<std::string>{"m2@2024-03-01=30"}));
}

TEST_P(HistoryTest, ReadHistoryIsOldestFirstWithinInclusiveRange) {
  // Written out of order, within one batch and across batches.
  ASSERT_TRUE(store_
                  ->WriteScoreSnapshots(
                      "acme", {Snap("m1", March(9), 9), Snap("m1", March(3), 3),
                               Snap("m1", March(6), 6)})
                  .ok());
  ASSERT_TRUE(store_
                  ->WriteScoreSnapshots("acme", {Snap("m1", March(1), 1),
                                                 Snap("m1", March(4), 4)})
                  .ok());
  auto all = store_->ReadScoreHistory("acme", "m1", March(1), March(31));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Describe(*all),
            (std::vector<std::string>{"m1@2024-03-01=1", "m1@2024-03-03=3",
                                      "m1@2024-03-04=4", "m1@2024-03-06=6",
                                      "m1@2024-03-09=9"}));
  auto middle = store_->ReadScoreHistory("acme", "m1", March(3), March(6));
  ASSERT_TRUE(middle.ok());
  EXPECT_EQ(Describe(*middle),
            (std::vector<std::string>{"m1@2024-03-03=3", "m1@2024-03-04=4",
                                      "m1@2024-03-06=6"}));
  auto none = store_->ReadScoreHistory("acme", "m1", March(10), March(20));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // Across a month and a year boundary (days are plain day numbers).
  ASSERT_TRUE(store_
                  ->WriteScoreSnapshots(
                      "acme", {Snap("m1", absl::CivilDay(2023, 12, 31), 0.5)})
                  .ok());
  auto early = store_->ReadScoreHistory("acme", "m1",
                                        absl::CivilDay(2023, 12, 1), March(1));
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(Describe(*early),
            (std::vector<std::string>{"m1@2023-12-31=0.5", "m1@2024-03-01=1"}));
}

TEST_P(HistoryTest, ReadHistoryErrors) {
  EXPECT_EQ(store_->ReadScoreHistory("acme", "nobody", March(1), March(2))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->ReadScoreHistory("acme", "m1", March(2), March(1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(HistoryTest, ScoresOfDayAreOrderedByMemberAndOnlyThatDay) {
  ASSERT_TRUE(store_
                  ->WriteScoreSnapshots(
                      "acme", {Snap("m3", March(7), 3), Snap("m1", March(7), 1),
                               Snap("m2", March(8), 2), Snap("m2", March(7), 2),
                               Snap("m1", March(6), 9)})
                  .ok());
  ASSERT_TRUE(
      store_->WriteScoreSnapshots("globex", {Snap("m1", March(7), 77)}).ok());
  auto day = store_->ReadScoresOfDay("acme", March(7));
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(Describe(*day),
            (std::vector<std::string>{"m1@2024-03-07=1", "m2@2024-03-07=2",
                                      "m3@2024-03-07=3"}));
  auto empty = store_->ReadScoresOfDay("acme", March(20));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto unknown_tenant = store_->ReadScoresOfDay("initech", March(7));
  ASSERT_TRUE(unknown_tenant.ok());
  EXPECT_TRUE(unknown_tenant->empty());
}

TEST_P(HistoryTest, SnapshotsOfUnknownMembersAreIgnored) {
  ASSERT_TRUE(store_
                  ->WriteScoreSnapshots("acme", {Snap("m1", March(1), 1),
                                                 Snap("ghost", March(1), 5),
                                                 Snap("m2", March(1), 2)})
                  .ok());
  // m2 exists in acme only: not in globex.
  ASSERT_TRUE(
      store_->WriteScoreSnapshots("globex", {Snap("m2", March(1), 8)}).ok());
  auto acme = store_->ReadScoresOfDay("acme", March(1));
  ASSERT_TRUE(acme.ok());
  EXPECT_EQ(Describe(*acme),
            (std::vector<std::string>{"m1@2024-03-01=1", "m2@2024-03-01=2"}));
  auto globex = store_->ReadScoresOfDay("globex", March(1));
  ASSERT_TRUE(globex.ok());
  EXPECT_TRUE(globex->empty());
}

TEST_P(HistoryTest, NonFiniteScoresAreRejectedAndNothingIsWritten) {
  ScoreSnapshot bad = Snap("m2", March(1), 1);
  bad.pillars[2] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(store_->WriteScoreSnapshots("acme", {Snap("m1", March(1), 1), bad})
                .code(),
            absl::StatusCode::kInvalidArgument);
  ScoreSnapshot infinite = Snap("m1", March(1), HUGE_VAL);
  EXPECT_EQ(store_->WriteScoreSnapshots("acme", {infinite}).code(),
            absl::StatusCode::kInvalidArgument);
  auto day = store_->ReadScoresOfDay("acme", March(1));
  ASSERT_TRUE(day.ok());
  EXPECT_TRUE(day->empty());
  EXPECT_TRUE(store_->WriteScoreSnapshots("acme", {}).ok());
}

TEST_P(HistoryTest, TenantsAreListedInOrderWhileTheyHaveMembers) {
  auto tenants = store_->ListTenants();
  ASSERT_TRUE(tenants.ok()) << tenants.status();
  EXPECT_EQ(*tenants, (std::vector<TenantId>{"acme", "globex"}));
  ASSERT_TRUE(store_->UpsertMember("aardvark", MakeMember("x"), At(0)).ok());
  ASSERT_TRUE(store_->UpsertMember("zeta", MakeMember("x"), At(0)).ok());
  ASSERT_TRUE(store_->DeleteMember("globex", "m1").ok());
  tenants = store_->ListTenants();
  ASSERT_TRUE(tenants.ok());
  EXPECT_EQ(*tenants, (std::vector<TenantId>{"aardvark", "acme", "zeta"}));
}

class HistoryEmptyStoreTest : public testing::StoreConformanceTest {};

TEST_P(HistoryEmptyStoreTest, NoTenantsNoRecording) {
  Store* store = store_.get();
  auto tenants = store->ListTenants();
  ASSERT_TRUE(tenants.ok());
  EXPECT_TRUE(tenants->empty());
  auto through = store->RecordedThrough("acme");
  ASSERT_TRUE(through.ok());
  EXPECT_EQ(*through, std::nullopt);
}

TEST_P(HistoryTest, RecordedThroughRoundTripsPerTenant) {
  auto through = store_->RecordedThrough("acme");
  ASSERT_TRUE(through.ok()) << through.status();
  EXPECT_EQ(*through, std::nullopt);
  ASSERT_TRUE(store_->SetRecordedThrough("acme", March(10)).ok());
  EXPECT_EQ(*store_->RecordedThrough("acme"), March(10));
  EXPECT_EQ(*store_->RecordedThrough("globex"), std::nullopt);
  ASSERT_TRUE(store_->SetRecordedThrough("acme", March(11)).ok());
  ASSERT_TRUE(store_->SetRecordedThrough("globex", March(2)).ok());
  EXPECT_EQ(*store_->RecordedThrough("acme"), March(11));
  EXPECT_EQ(*store_->RecordedThrough("globex"), March(2));
  // Events bump the tenant's work counter, kept in the same row.
  ASSERT_TRUE(
      store_
          ->AppendEvents(
              "acme", {MakeEvent("e1", "m1", model::EventType::kPostPublished,
                                 OnDay(3))})
          .ok());
  EXPECT_EQ(*store_->RecordedThrough("acme"), March(11));
  // Nor does a counter row created by events set a day.
  ASSERT_TRUE(store_->UpsertMember("initech", MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(store_
                  ->AppendEvents(
                      "initech",
                      {MakeEvent("e1", "m1", model::EventType::kPostPublished,
                                 OnDay(3))})
                  .ok());
  EXPECT_EQ(*store_->RecordedThrough("initech"), std::nullopt);
}

TEST_P(HistoryTest, ASnapshotIsWrittenOnlyForTheMemberItWasScoredFor) {
  auto first = store_->GetMember("acme", "m1");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(store_->DeleteMember("acme", "m1").ok());
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(99)).ok());
  auto second = store_->GetMember("acme", "m1");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_NE(first->create_time, second->create_time);

  ScoreSnapshot of_first = Snap("m1", March(1), 70);
  of_first.member_create_time = first->create_time;
  ScoreSnapshot of_second = Snap("m1", March(2), 5);
  of_second.member_create_time = second->create_time;
  ScoreSnapshot unstamped = Snap("m1", March(3), 6);
  ASSERT_TRUE(
      store_->WriteScoreSnapshots("acme", {of_first, of_second, unstamped})
          .ok());
  auto history = store_->ReadScoreHistory("acme", "m1", March(1), March(31));
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_EQ(Describe(*history),
            (std::vector<std::string>{"m1@2024-03-02=5", "m1@2024-03-03=6"}));
  // Stamped with the member that exists, the day is replaced as usual.
  of_first.member_create_time = second->create_time;
  ASSERT_TRUE(store_->WriteScoreSnapshots("acme", {of_first}).ok());
  history = store_->ReadScoreHistory("acme", "m1", March(1), March(1));
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(Describe(*history), (std::vector<std::string>{"m1@2024-03-01=70"}));
}

TEST_P(HistoryTest, DeleteMemberTakesHistoryAndWorkWithIt) {
  ASSERT_TRUE(store_
                  ->WriteScoreSnapshots(
                      "acme", {Snap("m1", March(1), 1), Snap("m1", March(2), 2),
                               Snap("m2", March(1), 3)})
                  .ok());
  ASSERT_TRUE(
      store_->WriteScoreSnapshots("globex", {Snap("m1", March(1), 4)}).ok());
  ASSERT_TRUE(
      store_
          ->AppendEvents(
              "acme", {MakeEvent("e1", "m1", model::EventType::kPostPublished,
                                 OnDay(1)),
                       MakeEvent("e2", "m2", model::EventType::kPostPublished,
                                 OnDay(1))})
          .ok());
  ASSERT_TRUE(store_->DeleteMember("acme", "m1").ok());

  auto day = store_->ReadScoresOfDay("acme", March(1));
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(Describe(*day), (std::vector<std::string>{"m2@2024-03-01=3"}));
  auto work = store_->ListHistoryWork("acme", 10);
  ASSERT_TRUE(work.ok());
  ASSERT_EQ(work->size(), 1u);
  EXPECT_EQ((*work)[0].member_id, "m2");
  // The same member id in another tenant is untouched.
  auto globex = store_->ReadScoreHistory("globex", "m1", March(1), March(1));
  ASSERT_TRUE(globex.ok());
  EXPECT_EQ(globex->size(), 1u);

  // A member re-created under the same id starts with no history.
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(99)).ok());
  auto fresh = store_->ReadScoreHistory("acme", "m1", March(1), March(31));
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->empty());
}

RAPPORT_STORE_CONFORMANCE(HistoryTest);
RAPPORT_STORE_CONFORMANCE(HistoryEmptyStoreTest);

}  // namespace
}  // namespace rapport::store
