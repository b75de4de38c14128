// EraseContact and DeleteMember in the SQLite store's file: a store that
// erased a contact holds the same rows as a fresh store that never had the
// contact's events, and no row and no byte of the database (or its log)
// names the erased person. The Store contract of erasure is tested for
// every store by conformance/erasure_test.cc.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/sqlite_store.h"
#include "tests/common/db_trace.h"
#include "tests/unit/store/removal_test_util.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using model::EventType;
using ::rapport::testing::CellsContaining;
using ::rapport::testing::FilesContaining;
using testing::At;
using testing::DescribeMembers;
using testing::DumpAggregates;
using testing::EventMix;
using testing::Feed;
using testing::MakeContact;
using testing::MakeContactEvent;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;
using testing::OpenStore;
using testing::RandomEvents;
using testing::TempDir;

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
void CompleteAllHistoryWork(SqliteStore& store) {
  auto work = store.ListHistoryWork(kTenant, 1000);
  ASSERT_TRUE(work.ok()) << work.status();
  for (const HistoryWork& w : *work) {
    ASSERT_TRUE(store.CompleteHistoryWork(kTenant, w).ok());
  }
}

TEST(EraseContactTest, EqualsAStoreThatNeverHadTheContactsEvents) {
  const EventMix mix = Mix();
  for (int seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    const std::vector<model::Event> events = RandomEvents(rng, 240, mix);
    // Erase one contact, or two in turn.
    std::vector<std::string> erased = {mix.contacts[seed % 6]};
    if (seed % 3 == 0) erased.push_back(mix.contacts[(seed + 1) % 6]);

    TempDir dir;
    const std::string path = dir.File("erased.db");
    const std::string fresh_path = dir.File("fresh.db");
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    std::unique_ptr<SqliteStore> fresh = OpenStore(fresh_path);
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
    EXPECT_EQ(DumpAggregates(path, kTenant),
              DumpAggregates(fresh_path, kTenant));
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

// The contact's events in several members and threads, one of them a thread
// the contact opened and another contact continued.
std::vector<model::Event> EventsWith(const std::string& id) {
  const model::Contact c = MakeContact(id);
  const model::Contact other = MakeContact("other-contact");
  return {
      MakeMessage("x1", "m1", "t1", c, EventType::kMessageSent, At(10)),
      MakeMessage("x2", "m1", "t1", c, EventType::kMessageReceived, At(20)),
      MakeMessage("x3", "m1", "t2", c, EventType::kMessageSent, At(25)),
      MakeMessage("x4", "m1", "t2", other, EventType::kFollowUpSent, At(26)),
      MakeContactEvent("x5", "m2", c, EventType::kConnectionRequestSent,
                       At(30)),
      MakeContactEvent("x6", "m2", c, EventType::kContactMetAtEvent, At(31)),
      MakeMessage("x7", "m2", "t9", other, EventType::kMessageSent, At(40)),
      MakeEvent("x8", "m2", EventType::kPostPublished, At(50)),
  };
}

TEST(EraseContactTest, NoRowAndNoByteOfTheDatabaseNamesTheContact) {
  const std::string id = "erase-me-7f3a9c";
  TempDir dir;
  const std::string path = dir.File("store.db");
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    for (const char* m : {"m1", "m2"}) {
      ASSERT_TRUE(store->UpsertMember(kTenant, MakeMember(m), At(0)).ok());
    }
    ASSERT_TRUE(store->AppendEvents(kTenant, EventsWith(id)).ok());
    AuditEntry read;
    read.tenant = kTenant;
    read.time = At(60);
    read.principal = "key:0123456789abcdef";
    read.role = "admin";
    read.method = "/rapport.v1.Example/Read";
    read.target = "contact:" + id;
    ASSERT_TRUE(store->AppendAudit({read}).ok());
    ASSERT_FALSE(CellsContaining(path, id).empty());  // The check can fail.

    const AuditContext audit{"key:0123456789abcdef", "admin", "erase", At(70)};
    auto erasure = store->EraseContact(kTenant, id, At(70), &audit);
    ASSERT_TRUE(erasure.ok()) << erasure.status();
    EXPECT_EQ(erasure->events, 5);
    EXPECT_EQ(erasure->threads, 2);  // t1 deleted, t2 re-derived.
    EXPECT_EQ(erasure->contact_states, 2);
    EXPECT_EQ(erasure->members, (std::vector<std::string>{"m1", "m2"}));
    EXPECT_EQ(CellsContaining(path, id), std::vector<std::string>{});
    // While the store is open as well: the write-ahead log was scrubbed.
    EXPECT_EQ(FilesContaining(path, id), std::vector<std::string>{});
    // The re-derived thread now names the contact that remains.
    auto activity = store->ReadActivity(kTenant, "m1", At(0), At(100));
    ASSERT_TRUE(activity.ok());
    ASSERT_EQ(activity->threads.size(), 1u);
    EXPECT_EQ(activity->threads[0].thread_id, "t2");
    EXPECT_EQ(activity->threads[0].contact_id, "other-contact");
  }
  EXPECT_EQ(FilesContaining(path, id), std::vector<std::string>{});
  // The control: what was not erased is still there, in the same bytes.
  EXPECT_EQ(FilesContaining(path, "other-contact"),
            std::vector<std::string>{path});
}

TEST(DeleteMemberTest, NoRowAndNoByteOfTheDatabaseNamesTheMember) {
  const std::string id = "erase-me-m-5d2e1b";
  TempDir dir;
  const std::string path = dir.File("store.db");
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    TenantRecord tenant;
    tenant.tenant_id = kTenant;
    tenant.display_name = "Acme";
    tenant.create_time = At(0);
    ASSERT_TRUE(store->CreateTenant(tenant, nullptr).ok());
    ASSERT_TRUE(store->UpsertMember(kTenant, MakeMember(id), At(0)).ok());
    model::Member report = MakeMember("report");
    report.manager = id;
    ASSERT_TRUE(store->UpsertMember(kTenant, report, At(0)).ok());
    std::vector<model::Event> events = EventsWith("c-kept");
    for (model::Event& e : events) e.member_id = id;
    ASSERT_TRUE(store->AppendEvents(kTenant, events).ok());
    ASSERT_TRUE(
        store
            ->WriteScoreSnapshots(
                kTenant, {model::ScoreSnapshot{id,
                                               absl::CivilDay(2024, 3, 1),
                                               42,
                                               {1, 2, 3, 4},
                                               "v1",
                                               std::nullopt}})
            .ok());
    ApiKeyRecord key;
    key.key_id = "0123456789abcdef";
    key.tenant = kTenant;
    key.name = "rep key";
    key.role = "rep";
    key.member_id = id;
    key.secret_sha256_hex = std::string(64, 'a');
    key.create_time = At(0);
    key.created_by = "key:fedcba9876543210";
    ASSERT_TRUE(store->InsertApiKey(key).ok());
    const AuditContext audit{"key:fedcba9876543210", "admin", "upsert", At(1)};
    ASSERT_TRUE(
        store->UpsertMember(kTenant, MakeMember(id), At(1), &audit).ok());
    ASSERT_FALSE(CellsContaining(path, id).empty());

    const AuditContext erase{"key:fedcba9876543210", "admin", "delete", At(2)};
    auto deleted = store->DeleteMember(kTenant, id, &erase);
    ASSERT_TRUE(deleted.ok()) << deleted.status();
    EXPECT_EQ(*deleted, static_cast<int64_t>(events.size()));
    EXPECT_EQ(CellsContaining(path, id), std::vector<std::string>{});
  }
  EXPECT_EQ(FilesContaining(path, id), std::vector<std::string>{});
  EXPECT_EQ(FilesContaining(path, "report"), std::vector<std::string>{path});
}

}  // namespace
}  // namespace rapport::store
