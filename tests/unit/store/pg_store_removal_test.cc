// The PostgreSQL store's removals and tenants, beyond what the conformance
// suite sees through the Store interface: the member change log each
// removal adds to (pg_shared.h), and the operator tenant under concurrent
// first creations.
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/pg/pg_store.h"
#include "tests/common/pg_test_server.h"
#include "tests/unit/store/removal_test_data.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using pg::Connection;
using pg::Params;
using pg::PgStore;
using pg::PgStoreOptions;
using pg::Result;
using testing::At;
using testing::EventMix;
using testing::Feed;
using testing::RandomEvents;

constexpr char kTenant[] = "acme";

class PgRemovalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> uri =
        rapport::testing::NewTestPgDatabase("pg_removal");
    ASSERT_TRUE(uri.ok()) << uri.status();
    uri_ = *uri;
    PgStoreOptions options;
    options.uri = uri_;
    options.connections = 4;
    auto store = PgStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto conn = Connection::Open(uri_);
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_ = *std::move(conn);
  }

  // The highest change number of the tenant so far (0 for none).
  int64_t LastChange() {
    auto rows = conn_->Exec(
        "SELECT COALESCE(max(seq), 0) FROM member_changes WHERE tenant = $1",
        Params().Add(kTenant));
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? rows->Int(0, 0) : -1;
  }

  // The changes numbered after `after`: one set of members per number.
  std::vector<std::set<std::string>> ChangesAfter(int64_t after) {
    auto rows = conn_->Exec(
        "SELECT seq, member_id FROM member_changes WHERE tenant = $1"
        " AND seq > $2 ORDER BY seq",
        Params().Add(kTenant).Add(after));
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::set<std::string>> changes;
    int64_t seq = -1;
    for (int i = 0; rows.ok() && i < rows->rows(); ++i) {
      if (rows->Int(i, 0) != seq) {
        seq = rows->Int(i, 0);
        changes.emplace_back();
      }
      changes.back().insert(rows->String(i, 1));
    }
    return changes;
  }

  std::string uri_;
  std::unique_ptr<PgStore> store_;
  std::unique_ptr<Connection> conn_;
};

EventMix Mix() {
  EventMix mix;
  mix.members = {"m0", "m1", "m2", "m3", "m4"};
  mix.contacts = {"c0", "c1", "c2", "c3"};
  mix.start = At(0);
  mix.days = 6;
  return mix;
}

TEST_F(PgRemovalTest, DeletingAMemberRecordsOneChangeOfThatMember) {
  const EventMix mix = Mix();
  std::mt19937 rng(3);
  Feed(*store_, kTenant, mix.members, RandomEvents(rng, 80, mix));
  const int64_t before = LastChange();
  ASSERT_TRUE(store_->DeleteMember(kTenant, "m2").ok());
  EXPECT_EQ(ChangesAfter(before), std::vector<std::set<std::string>>{{"m2"}});
  // A member that does not exist changes nothing, and records nothing.
  const int64_t after = LastChange();
  EXPECT_EQ(store_->DeleteMember(kTenant, "m2").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(ChangesAfter(after).empty());
}

TEST_F(PgRemovalTest, ErasingAContactRecordsTheMembersItChanged) {
  const EventMix mix = Mix();
  for (int seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    ASSERT_TRUE(conn_
                    ->ExecScript("TRUNCATE events, members, member_changes, "
                                 "member_change_seq, daily_counts, threads, "
                                 "contacts, history_work")
                    .ok());
    std::mt19937 rng(seed);
    const std::vector<model::Event> events = RandomEvents(rng, 60, mix);
    Feed(*store_, kTenant, mix.members, events);
    const std::string contact = mix.contacts[seed % mix.contacts.size()];
    std::set<std::string> expected;
    for (const model::Event& e : events) {
      if (e.contact.contact_id == contact) expected.insert(e.member_id);
    }
    const int64_t before = LastChange();
    auto erasure = store_->EraseContact(kTenant, contact, At(100000), nullptr);
    ASSERT_TRUE(erasure.ok()) << erasure.status();
    EXPECT_EQ(
        std::set<std::string>(erasure->members.begin(), erasure->members.end()),
        expected);
    std::vector<std::set<std::string>> changes = ChangesAfter(before);
    if (expected.empty()) {
      EXPECT_TRUE(changes.empty());
    } else {
      EXPECT_EQ(changes, std::vector<std::set<std::string>>{expected});
    }
    // Erased again: nothing left to remove, nothing recorded.
    const int64_t after = LastChange();
    ASSERT_TRUE(
        store_->EraseContact(kTenant, contact, At(100001), nullptr).ok());
    EXPECT_TRUE(ChangesAfter(after).empty());
  }
}

TEST_F(PgRemovalTest, EachRetentionStepRecordsTheMembersItRemovedEventsOf) {
  const EventMix mix = Mix();
  std::mt19937 rng(11);
  const std::vector<model::Event> events = RandomEvents(rng, 90, mix);
  Feed(*store_, kTenant, mix.members, events);
  const absl::Time cutoff = mix.start + absl::Hours(24 * 3);
  const absl::CivilDay day = absl::ToCivilDay(cutoff, absl::UTCTimeZone());
  int64_t removed = 0;
  for (int step = 0; step < 100; ++step) {
    const int64_t before = LastChange();
    auto result = store_->ApplyRetention(kTenant, cutoff, day, 7, At(200000));
    ASSERT_TRUE(result.ok()) << result.status();
    removed += result->events;
    const std::set<std::string> members(result->members.begin(),
                                        result->members.end());
    std::vector<std::set<std::string>> changes = ChangesAfter(before);
    if (members.empty()) {
      EXPECT_TRUE(changes.empty());
    } else {
      EXPECT_EQ(changes, std::vector<std::set<std::string>>{members});
    }
    if (!result->more) break;
  }
  int64_t old = 0;
  for (const model::Event& e : events) old += e.occur_time < cutoff ? 1 : 0;
  EXPECT_EQ(removed, old);
}

TEST_F(PgRemovalTest, ConcurrentFirstTenantsMakeExactlyOneOperator) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<TenantRecord>> created(kThreads,
                                                    absl::UnknownError(""));
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      TenantRecord tenant;
      tenant.tenant_id = absl::StrCat("t", i);
      tenant.display_name = tenant.tenant_id;
      tenant.create_time = At(i);
      created[i] = store_->CreateTenant(tenant, nullptr);
    });
  }
  for (std::thread& t : threads) t.join();
  int operators = 0;
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(created[i].ok()) << created[i].status();
    auto found = store_->FindTenant(absl::StrCat("t", i));
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->operator_tenant, created[i]->operator_tenant);
    operators += created[i]->operator_tenant ? 1 : 0;
  }
  EXPECT_EQ(operators, 1);
}

}  // namespace
}  // namespace rapport::store
