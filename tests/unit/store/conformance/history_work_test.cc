// History work recorded by AppendEvents: earliest day kept as a minimum,
// versions that only grow, completion that never loses newer work.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::EventType;
using testing::At;
using testing::MakeEvent;
using testing::MakeMember;
using testing::OnDay;

absl::CivilDay March(int day) { return absl::CivilDay(2024, 3, day); }

model::Event Post(const std::string& id, const std::string& member,
                  absl::Time t) {
  return MakeEvent(id, member, EventType::kPostPublished, t);
}

std::vector<std::string> Describe(const std::vector<HistoryWork>& work) {
  std::vector<std::string> out;
  for (const HistoryWork& w : work) {
    out.push_back(
        absl::StrCat(w.member_id, "@", absl::FormatCivilTime(w.from_day)));
  }
  return out;
}

class HistoryWorkTest : public testing::StoreConformanceTest {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    for (const char* id : {"m1", "m2", "m3"}) {
      ASSERT_TRUE(store_->UpsertMember("acme", MakeMember(id), At(0)).ok());
    }
    ASSERT_TRUE(store_->UpsertMember("globex", MakeMember("m1"), At(0)).ok());
  }

  void Append(const TenantId& tenant, std::vector<model::Event> events) {
    auto outcomes = store_->AppendEvents(tenant, events);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  }

  std::vector<HistoryWork> Work(const TenantId& tenant = "acme") {
    auto work = store_->ListHistoryWork(tenant, 100);
    EXPECT_TRUE(work.ok()) << work.status();
    return work.ok() ? *work : std::vector<HistoryWork>{};
  }
};

TEST_P(HistoryWorkTest, NoEventsNoWork) { EXPECT_TRUE(Work().empty()); }

TEST_P(HistoryWorkTest, EarliestAcceptedDayPerMember) {
  // Late in the day, UTC: the day is the event's UTC day.
  Append("acme", {Post("e1", "m2", OnDay(9, 23)), Post("e2", "m1", OnDay(5)),
                  Post("e3", "m2", OnDay(7, 1)), Post("e4", "m1", OnDay(12))});
  EXPECT_EQ(Describe(Work()),
            (std::vector<std::string>{"m1@2024-03-05", "m2@2024-03-07"}));
}

TEST_P(HistoryWorkTest, FromDayIsTheMinimumAcrossBatchesAndVersionGrows) {
  Append("acme", {Post("e1", "m1", OnDay(10))});
  std::vector<HistoryWork> first = Work();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].from_day, March(10));

  Append("acme", {Post("e2", "m1", OnDay(15))});  // Later: day kept.
  std::vector<HistoryWork> second = Work();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].from_day, March(10));
  EXPECT_GT(second[0].version, first[0].version);

  Append("acme", {Post("e3", "m1", OnDay(4))});  // Earlier: day lowered.
  std::vector<HistoryWork> third = Work();
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].from_day, March(4));
  EXPECT_GT(third[0].version, second[0].version);
}

TEST_P(HistoryWorkTest, CompletingTheCurrentVersionRemovesTheEntry) {
  Append("acme", {Post("e1", "m1", OnDay(10)), Post("e2", "m2", OnDay(11))});
  std::vector<HistoryWork> work = Work();
  ASSERT_EQ(work.size(), 2u);
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", work[0]).ok());
  EXPECT_EQ(Describe(Work()), (std::vector<std::string>{"m2@2024-03-11"}));
  // Completing again, or an entry that does not exist, is a no-op.
  EXPECT_TRUE(store_->CompleteHistoryWork("acme", work[0]).ok());
  HistoryWork ghost{"ghost", March(1), 1};
  EXPECT_TRUE(store_->CompleteHistoryWork("acme", ghost).ok());
  EXPECT_EQ(Work().size(), 1u);
}

TEST_P(HistoryWorkTest, CompletingAStaleVersionKeepsTheEntry) {
  Append("acme", {Post("e1", "m1", OnDay(10))});
  HistoryWork taken = Work().at(0);
  // Events arrive while the recorder works on `taken`.
  Append("acme", {Post("e2", "m1", OnDay(12))});
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", taken).ok());
  std::vector<HistoryWork> left = Work();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].from_day, March(10));
  EXPECT_NE(left[0].version, taken.version);
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", left[0]).ok());
  EXPECT_TRUE(Work().empty());
}

// A batch completes each entry as CompleteHistoryWork would: current
// versions go, a stale one stays, an unknown member is a no-op.
TEST_P(HistoryWorkTest, CompletingABatchCompletesEachCurrentEntry) {
  Append("acme", {Post("e1", "m1", OnDay(10)), Post("e2", "m2", OnDay(11)),
                  Post("e3", "m3", OnDay(12))});
  std::vector<HistoryWork> taken = Work();
  ASSERT_EQ(taken.size(), 3u);
  Append("acme", {Post("e4", "m2", OnDay(13))});
  taken.push_back(HistoryWork{"ghost", March(1), 1});
  ASSERT_TRUE(store_->CompleteHistoryWorkBatch("acme", taken).ok());
  EXPECT_EQ(Describe(Work()), (std::vector<std::string>{"m2@2024-03-11"}));
  EXPECT_TRUE(store_->CompleteHistoryWorkBatch("acme", {}).ok());
}

TEST_P(HistoryWorkTest, VersionsAreNeverHandedOutTwice) {
  // An entry completed, then new work for the same member: a completion of
  // the old entry that comes late must not remove the new one.
  Append("acme", {Post("e1", "m1", OnDay(10))});
  HistoryWork old = Work().at(0);
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", old).ok());
  Append("acme", {Post("e2", "m1", OnDay(10))});
  HistoryWork fresh = Work().at(0);
  EXPECT_GT(fresh.version, old.version);
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", old).ok());
  EXPECT_EQ(Work().size(), 1u);
}

TEST_P(HistoryWorkTest, DuplicatesAndUnknownMembersCreateNoWork) {
  Append("acme", {Post("e1", "m1", OnDay(10))});
  HistoryWork before = Work().at(0);
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", before).ok());
  // e1 again (dated earlier this time: a duplicate changes nothing), and an
  // event of a member that does not exist.
  Append("acme", {Post("e1", "m1", OnDay(2)), Post("e9", "ghost", OnDay(3))});
  EXPECT_TRUE(Work().empty());
  // A duplicate next to an accepted event: only the accepted one counts.
  Append("acme", {Post("e1", "m1", OnDay(2)), Post("e5", "m1", OnDay(8))});
  EXPECT_EQ(Describe(Work()), (std::vector<std::string>{"m1@2024-03-08"}));
}

TEST_P(HistoryWorkTest, ListIsLimitedAndOrderedByMember) {
  Append("acme", {Post("e1", "m3", OnDay(1)), Post("e2", "m1", OnDay(2)),
                  Post("e3", "m2", OnDay(3))});
  auto two = store_->ListHistoryWork("acme", 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(Describe(*two),
            (std::vector<std::string>{"m1@2024-03-02", "m2@2024-03-03"}));
  EXPECT_EQ(store_->ListHistoryWork("acme", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(HistoryWorkTest, TenantsAreIsolated) {
  Append("acme", {Post("e1", "m1", OnDay(10))});
  Append("globex", {Post("e1", "m1", OnDay(3))});
  EXPECT_EQ(Describe(Work("acme")),
            (std::vector<std::string>{"m1@2024-03-10"}));
  EXPECT_EQ(Describe(Work("globex")),
            (std::vector<std::string>{"m1@2024-03-03"}));
  // Completing in one tenant leaves the other's entry.
  HistoryWork acme = Work("acme").at(0);
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", acme).ok());
  EXPECT_TRUE(Work("acme").empty());
  EXPECT_EQ(Work("globex").size(), 1u);
  EXPECT_TRUE(Work("initech").empty());
}

RAPPORT_STORE_CONFORMANCE(HistoryWorkTest);

}  // namespace
}  // namespace rapport::store
