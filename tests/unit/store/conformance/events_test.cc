// Events: idempotency, unknown members, tenants, delete cascades and the
// daily buckets.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::Channel;
using model::EventType;
using model::Seniority;
using testing::At;
using testing::Describe;
using testing::MakeContact;
using testing::MakeContactEvent;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;
using testing::OnDay;

constexpr AppendOutcome kAccepted = AppendOutcome::kAccepted;
constexpr AppendOutcome kDuplicate = AppendOutcome::kDuplicate;
constexpr AppendOutcome kConflict = AppendOutcome::kConflict;
constexpr AppendOutcome kUnknownMember = AppendOutcome::kUnknownMember;

class EventsTest : public testing::StoreConformanceTest {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
    ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m2"), At(0)).ok());
  }

  std::vector<AppendOutcome> Append(const std::string& tenant,
                                    const std::vector<model::Event>& events) {
    auto outcomes = store_->AppendEvents(tenant, events);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? *outcomes : std::vector<AppendOutcome>{};
  }

  model::MemberActivity Read(const std::string& tenant,
                             const std::string& member,
                             absl::Time from = OnDay(1),
                             absl::Time to = OnDay(31)) {
    auto activity = store_->ReadActivity(tenant, member, from, to);
    EXPECT_TRUE(activity.ok()) << activity.status();
    return activity.ok() ? *activity : model::MemberActivity{};
  }
};

model::Event Post(const std::string& id, const std::string& member,
                  absl::Time t = OnDay(2)) {
  return MakeEvent(id, member, EventType::kPostPublished, t);
}

TEST_P(EventsTest, EmptyBatchIsOk) { EXPECT_TRUE(Append("acme", {}).empty()); }

TEST_P(EventsTest, SameEventTwiceIsDuplicate) {
  EXPECT_EQ(Append("acme", {Post("e1", "m1")}),
            std::vector<AppendOutcome>{kAccepted});
  EXPECT_EQ(Append("acme", {Post("e1", "m1")}),
            std::vector<AppendOutcome>{kDuplicate});
  // With other content it is a conflict, and still changes nothing: the id
  // is the idempotency key.
  EXPECT_EQ(Append("acme", {Post("e1", "m2", OnDay(9))}),
            std::vector<AppendOutcome>{kConflict});
  EXPECT_EQ(store_->GetMember("acme", "m1")->event_count, 1);
  EXPECT_EQ(store_->GetMember("acme", "m2")->event_count, 0);
  model::MemberActivity activity = Read("acme", "m1");
  ASSERT_EQ(activity.daily.size(), 1u);
  EXPECT_EQ(activity.daily[0].count, 1);
}

TEST_P(EventsTest, RepeatWithinBatchIsDuplicateFromSecondOccurrence) {
  model::Event reaction =
      MakeEvent("e1", "m1", EventType::kReactionReceived, OnDay(3), 5);
  EXPECT_EQ(Append("acme", {reaction, Post("e2", "m1"), reaction, reaction}),
            (std::vector<AppendOutcome>{kAccepted, kAccepted, kDuplicate,
                                        kDuplicate}));
  EXPECT_EQ(store_->GetMember("acme", "m1")->event_count, 2);
  model::MemberActivity activity = Read("acme", "m1");
  ASSERT_EQ(activity.daily.size(), 2u);
  EXPECT_EQ(activity.daily[1].type, EventType::kReactionReceived);
  EXPECT_EQ(activity.daily[1].count, 5);
}

TEST_P(EventsTest, UnknownMemberIsReportedAndOthersKept) {
  model::Contact c = MakeContact("c1");
  EXPECT_EQ(Append("acme", {Post("e1", "m1"),
                            MakeMessage("e2", "ghost", "t1", c,
                                        EventType::kMessageSent, OnDay(2)),
                            MakeMessage("e3", "m1", "t1", c,
                                        EventType::kMessageSent, OnDay(2))}),
            (std::vector<AppendOutcome>{kAccepted, kUnknownMember, kAccepted}));
  EXPECT_EQ(store_->GetMember("acme", "m1")->event_count, 2);
  EXPECT_EQ(store_->ReadActivity("acme", "ghost", OnDay(1), OnDay(31))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  // Nothing of e2 was stored: once the member exists, it is accepted.
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("ghost"), At(0)).ok());
  EXPECT_EQ(Append("acme", {MakeMessage("e2", "ghost", "t1", c,
                                        EventType::kMessageSent, OnDay(2))}),
            std::vector<AppendOutcome>{kAccepted});
  model::MemberActivity m1 = Read("acme", "m1");
  ASSERT_EQ(m1.threads.size(), 1u);
  EXPECT_EQ(m1.threads[0].outbound_count, 1);  // Not mixed with ghost's.
}

TEST_P(EventsTest, TenantsAreIsolated) {
  ASSERT_TRUE(store_->UpsertMember("globex", MakeMember("m1"), At(0)).ok());
  model::Contact c = MakeContact("c1");
  std::vector<model::Event> batch = {
      Post("e1", "m1"),
      MakeMessage("e2", "m1", "t1", c, EventType::kMessageSent, OnDay(2))};
  EXPECT_EQ(Append("acme", batch),
            (std::vector<AppendOutcome>{kAccepted, kAccepted}));
  // The same event ids in another tenant are new events there.
  EXPECT_EQ(Append("globex", batch),
            (std::vector<AppendOutcome>{kAccepted, kAccepted}));
  EXPECT_EQ(
      Append("globex", {MakeMessage("e3", "m1", "t1", c,
                                    EventType::kMessageReceived, OnDay(3))}),
      std::vector<AppendOutcome>{kAccepted});
  // A tenant without the member knows nothing of it.
  EXPECT_EQ(Append("initech", batch),
            (std::vector<AppendOutcome>{kUnknownMember, kUnknownMember}));

  model::MemberActivity acme = Read("acme", "m1");
  model::MemberActivity globex = Read("globex", "m1");
  ASSERT_EQ(acme.threads.size(), 1u);
  ASSERT_EQ(globex.threads.size(), 1u);
  EXPECT_EQ(acme.threads[0].inbound_count, 0);
  EXPECT_EQ(globex.threads[0].inbound_count, 1);
  EXPECT_EQ(store_->GetMember("acme", "m1")->event_count, 2);
  EXPECT_EQ(store_->GetMember("globex", "m1")->event_count, 3);

  ASSERT_TRUE(store_->DeleteMember("globex", "m1").ok());
  EXPECT_EQ(Describe(Read("acme", "m1")), Describe(acme));
}

TEST_P(EventsTest, DeleteCascadesAndIdsCanBeIngestedAgain) {
  model::Contact c = MakeContact("c1");
  std::vector<model::Event> batch = {
      Post("e1", "m1"),
      MakeMessage("e2", "m1", "t1", c, EventType::kMessageSent, OnDay(2)),
      MakeContactEvent("e3", "m1", c, EventType::kMeetingBooked, OnDay(4)),
      Post("e4", "m2")};
  ASSERT_EQ(Append("acme", batch).size(), 4u);
  model::MemberActivity before = Read("acme", "m1");
  EXPECT_FALSE(before.daily.empty());
  EXPECT_EQ(before.threads.size(), 1u);
  EXPECT_EQ(before.contacts.size(), 1u);

  auto deleted = store_->DeleteMember("acme", "m1");
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 3);
  EXPECT_EQ(store_->GetMember("acme", "m1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      store_->ReadActivity("acme", "m1", OnDay(1), OnDay(31)).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteMember("acme", "m1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetMember("acme", "m2")->event_count, 1);

  // Recreated: no aggregates left over, and the old ids are new again.
  auto recreated = store_->UpsertMember("acme", MakeMember("m1"), At(9));
  ASSERT_TRUE(recreated.ok());
  EXPECT_TRUE(recreated->created);
  EXPECT_EQ(recreated->member.event_count, 0);
  EXPECT_EQ(Describe(Read("acme", "m1")), "");
  EXPECT_EQ(Append("acme", batch),
            (std::vector<AppendOutcome>{kAccepted, kAccepted, kAccepted,
                                        kDuplicate}));
  EXPECT_EQ(Describe(Read("acme", "m1")), Describe(before));
}

TEST_P(EventsTest, DailyBucketsSumQuantitiesPerDayTypeChannelSeniority) {
  model::Contact vp = MakeContact("c1", Seniority::kVp);
  model::Contact cxo = MakeContact("c2", Seniority::kCSuite);
  ASSERT_EQ(
      Append("acme",
             {
                 MakeEvent("r1", "m1", EventType::kReactionReceived,
                           OnDay(2, 1), 3),
                 MakeEvent("r2", "m1", EventType::kReactionReceived,
                           OnDay(2, 23), 4),
                 MakeEvent("r3", "m1", EventType::kReactionReceived,
                           OnDay(3, 0), 10),
                 MakeMessage("s1", "m1", "t1", vp, EventType::kMessageSent,
                             OnDay(2, 5), Channel::kEmail),
                 MakeMessage("s2", "m1", "t2", vp, EventType::kMessageSent,
                             OnDay(2, 6), Channel::kEmail),
                 MakeMessage("s3", "m1", "t3", vp, EventType::kMessageSent,
                             OnDay(2, 7), Channel::kInmail),
                 MakeMessage("s4", "m1", "t4", cxo, EventType::kMessageSent,
                             OnDay(2, 8), Channel::kEmail),
                 MakeEvent("x1", "m2", EventType::kReactionReceived,
                           OnDay(2, 1), 100),
             })
          .size(),
      8u);
  model::MemberActivity activity = Read("acme", "m1");
  std::vector<std::string> daily;
  for (const auto& d : activity.daily) daily.push_back(Describe(d));
  // day/type/channel/seniority=count, ordered by those fields.
  EXPECT_EQ(daily, (std::vector<std::string>{
                       "2024-03-02/2/0/0=7",
                       "2024-03-02/11/1/1=1",
                       "2024-03-02/11/1/2=2",
                       "2024-03-02/11/3/2=1",
                       "2024-03-03/2/0/0=10",
                   }));
}

TEST_P(EventsTest, DailyBucketsCoverTheDaysOfTheRangeUpToItsEnd) {
  ASSERT_EQ(
      Append("acme",
             {Post("d1", "m1", OnDay(1, 12)), Post("d2", "m1", OnDay(2, 12)),
              Post("d3", "m1", OnDay(3, 12)), Post("d4", "m1", OnDay(4, 12))})
          .size(),
      4u);
  // From the end of day 2 to the afternoon of day 3: both days, day 2 whole
  // (its post is before `from`).
  model::MemberActivity activity =
      Read("acme", "m1", OnDay(2, 23), OnDay(3, 13));
  ASSERT_EQ(activity.daily.size(), 2u);
  EXPECT_EQ(activity.daily[0].day, absl::CivilDay(2024, 3, 2));
  EXPECT_EQ(activity.daily[1].day, absl::CivilDay(2024, 3, 3));
  // Day 3 only up to `to`: its post at noon is later.
  activity = Read("acme", "m1", OnDay(2, 23), OnDay(3, 1));
  ASSERT_EQ(activity.daily.size(), 1u);
  EXPECT_EQ(activity.daily[0].day, absl::CivilDay(2024, 3, 2));
  // Not even touching another day.
  activity = Read("acme", "m1", OnDay(4), OnDay(4, 12));
  ASSERT_EQ(activity.daily.size(), 1u);
  EXPECT_EQ(activity.daily[0].day, absl::CivilDay(2024, 3, 4));
}

TEST_P(EventsTest, MemberTracksEventCountAndLatestOccurTime) {
  ASSERT_EQ(
      Append("acme", {Post("a", "m1", OnDay(5)), Post("b", "m1", OnDay(3))})
          .size(),
      2u);
  ASSERT_EQ(Append("acme", {Post("c", "m1", OnDay(4))}).size(), 1u);
  auto m1 = store_->GetMember("acme", "m1");
  ASSERT_TRUE(m1.ok());
  EXPECT_EQ(m1->event_count, 3);
  EXPECT_EQ(m1->last_event_time, OnDay(5));
}

TEST_P(EventsTest, ReadActivityRejectsReversedRange) {
  EXPECT_EQ(
      store_->ReadActivity("acme", "m1", OnDay(5), OnDay(4)).status().code(),
      absl::StatusCode::kInvalidArgument);
}

RAPPORT_STORE_CONFORMANCE(EventsTest);

}  // namespace
}  // namespace rapport::store
