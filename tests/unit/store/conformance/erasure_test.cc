// EraseContact: a store that erased a contact shows what a fresh store that
// never had the contact's events shows, and the erasure refuses the
// person's past events and rewrites the audit trail.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/removal_test_data.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::EventType;
using testing::At;
using testing::DescribeMembers;
using testing::EventMix;
using testing::Feed;
using testing::MakeContact;
using testing::MakeContactEvent;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;
using testing::RandomEvents;

constexpr char kTenant[] = "acme";

EventMix Mix() {
  EventMix mix;
  mix.members = {"m0", "m1", "m2", "m3"};
  mix.contacts = {"c0", "c1", "c2", "c3", "c4", "c5"};
  mix.start = At(0);
  mix.days = 10;
  return mix;
}

// Clears the history work ingest left, so that what an erasure marks shows.
void CompleteAllHistoryWork(Store& store) {
  auto work = store.ListHistoryWork(kTenant, 1000);
  ASSERT_TRUE(work.ok()) << work.status();
  for (const HistoryWork& w : *work) {
    ASSERT_TRUE(store.CompleteHistoryWork(kTenant, w).ok());
  }
}

class EraseContactTest : public testing::StoreConformanceTest {};

TEST_P(EraseContactTest, EqualsAStoreThatNeverHadTheContactsEvents) {
  const EventMix mix = Mix();
  for (int seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    const std::vector<model::Event> events = RandomEvents(rng, 240, mix);
    // Erase one contact, or two in turn.
    std::vector<std::string> erased = {mix.contacts[seed % 6]};
    if (seed % 3 == 0) erased.push_back(mix.contacts[(seed + 1) % 6]);

    std::unique_ptr<Store> store = NewStore();
    std::unique_ptr<Store> fresh = NewStore();
    ASSERT_NE(store, nullptr);
    ASSERT_NE(fresh, nullptr);
    Feed(*store, kTenant, mix.members, events);
    std::vector<model::Event> kept;
    for (const model::Event& e : events) {
      if (std::find(erased.begin(), erased.end(), e.contact.contact_id) ==
          erased.end()) {
        kept.push_back(e);
      }
    }
    Feed(*fresh, kTenant, mix.members, kept);

    for (const std::string& contact : erased) {
      // What the erasure must report, from the events themselves.
      int64_t expected_events = 0;
      std::map<std::string, absl::Time> earliest;
      std::set<std::pair<std::string, std::string>> threads;
      for (const model::Event& e : events) {
        if (e.contact.contact_id != contact) continue;
        ++expected_events;
        auto [it, added] = earliest.emplace(e.member_id, e.occur_time);
        if (!added) it->second = std::min(it->second, e.occur_time);
        if (!e.thread_id.empty()) threads.emplace(e.member_id, e.thread_id);
      }
      CompleteAllHistoryWork(*store);
      auto erasure = store->EraseContact(kTenant, contact, At(100000), nullptr);
      ASSERT_TRUE(erasure.ok()) << erasure.status();
      EXPECT_EQ(erasure->events, expected_events);
      EXPECT_EQ(erasure->contact_states, static_cast<int64_t>(earliest.size()));
      EXPECT_EQ(erasure->threads, static_cast<int64_t>(threads.size()));
      std::vector<std::string> members;
      for (const auto& [m, t] : earliest) members.push_back(m);
      EXPECT_EQ(erasure->members, members);
      // The history of each member concerned is stale from the earliest day
      // erased, and nobody else's.
      auto work = store->ListHistoryWork(kTenant, 1000);
      ASSERT_TRUE(work.ok()) << work.status();
      std::map<std::string, absl::CivilDay> stale;
      for (const HistoryWork& w : *work) stale[w.member_id] = w.from_day;
      std::map<std::string, absl::CivilDay> expected_stale;
      for (const auto& [m, t] : earliest) {
        expected_stale[m] = absl::ToCivilDay(t, absl::UTCTimeZone());
      }
      EXPECT_EQ(stale, expected_stale);
    }
    EXPECT_EQ(DescribeMembers(*store, kTenant, mix.members, At(0),
                              At(0) + absl::Hours(24 * 11) - absl::Seconds(1)),
              DescribeMembers(*fresh, kTenant, mix.members, At(0),
                              At(0) + absl::Hours(24 * 11) - absl::Seconds(1)));
    // As of times inside the range too (threads re-derived up to `to`).
    for (int hour : {30, 77, 150}) {
      EXPECT_EQ(
          DescribeMembers(*store, kTenant, mix.members, At(0), At(hour * 60)),
          DescribeMembers(*fresh, kTenant, mix.members, At(0), At(hour * 60)));
    }
  }
}

TEST_P(EraseContactTest, UnknownContactRemovesNothingAndIsStillRecorded) {
  Store* store = store_.get();
  ASSERT_TRUE(store->UpsertMember(kTenant, MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(store
                  ->AppendEvents(
                      kTenant,
                      {MakeEvent("e1", "m1", EventType::kPostPublished, At(5))})
                  .ok());
  auto erasure = store->EraseContact(kTenant, "nobody", At(60), nullptr);
  ASSERT_TRUE(erasure.ok()) << erasure.status();
  EXPECT_EQ(erasure->events, 0);
  EXPECT_EQ(erasure->threads, 0);
  EXPECT_EQ(erasure->contact_states, 0);
  EXPECT_TRUE(erasure->members.empty());
  auto recorded = store->FindErasure(kTenant, ErasureKind::kContact, "nobody");
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(*recorded, At(60));
  auto member = store->GetMember(kTenant, "m1");
  ASSERT_TRUE(member.ok());
  EXPECT_EQ(member->event_count, 1);
}

TEST_P(EraseContactTest, EmptyContactIdIsInvalid) {
  Store* store = store_.get();
  EXPECT_EQ(store->EraseContact(kTenant, "", At(0), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(EraseContactTest, RefusesEarlierEventsAcceptsLaterOnesAndRewritesAudit) {
  Store* store = store_.get();
  const std::string id = "erase-me-7f3a9c";
  ASSERT_TRUE(store->UpsertMember(kTenant, MakeMember("m1"), At(0)).ok());
  const model::Contact c = MakeContact(id);
  const std::vector<model::Event> before = {
      MakeMessage("a1", "m1", "t1", c, EventType::kMessageSent, At(10)),
      MakeContactEvent("a2", "m1", c, EventType::kMeetingBooked, At(20))};
  ASSERT_TRUE(store->AppendEvents(kTenant, before).ok());
  // Entries naming the contact, e.g. a read of their data.
  AuditEntry read;
  read.tenant = kTenant;
  read.time = At(30);
  read.principal = "key:0123456789abcdef";
  read.role = "admin";
  read.method = "/rapport.v1.Example/Read";
  read.target = "contact:" + id;
  read.detail = "read";
  ASSERT_TRUE(store->AppendAudit({read, read}).ok());

  const AuditContext audit{"key:0123456789abcdef", "admin",
                           "/rapport.v1.AdminService/EraseContact", At(40)};
  auto erasure = store->EraseContact(kTenant, id, At(40), &audit);
  ASSERT_TRUE(erasure.ok()) << erasure.status();
  EXPECT_EQ(erasure->events, 2);

  // Re-sent events from before the erasure (and at its instant) are refused;
  // later ones are accepted.
  std::vector<model::Event> resent = before;
  resent.push_back(
      MakeContactEvent("a3", "m1", c, EventType::kMeetingBooked, At(40)));
  resent.push_back(
      MakeMessage("a4", "m1", "t2", c, EventType::kMessageSent, At(41)));
  auto outcomes = store->AppendEvents(kTenant, resent);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_EQ(*outcomes,
            (std::vector<AppendOutcome>{
                AppendOutcome::kErasedContact, AppendOutcome::kErasedContact,
                AppendOutcome::kErasedContact, AppendOutcome::kAccepted}));

  const std::string digest_target =
      "contact:sha256:" + ErasureDigest(kTenant, ErasureKind::kContact, id);
  AuditQuery by_id;
  by_id.targets = {"contact:" + id};
  auto old_entries = store->ListAudit(kTenant, by_id);
  ASSERT_TRUE(old_entries.ok()) << old_entries.status();
  EXPECT_TRUE(old_entries->entries.empty());
  AuditQuery by_digest;
  by_digest.targets = {digest_target};
  auto entries = store->ListAudit(kTenant, by_digest);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->entries.size(), 3u);
  const AuditEntry& erased = entries->entries.front();  // Newest first.
  EXPECT_EQ(erased.method, "/rapport.v1.AdminService/EraseContact");
  EXPECT_EQ(erased.time, At(40));
  EXPECT_EQ(erased.detail,
            "erased events=2 threads=1 contact_states=1 members=1");
  for (const AuditEntry& e : entries->entries) {
    EXPECT_EQ(e.detail.find(id), std::string::npos) << e.detail;
  }
}

RAPPORT_STORE_CONFORMANCE(EraseContactTest);

}  // namespace
}  // namespace rapport::store
