// Several processes over one PostgreSQL database, as rapportd replicas share
// it: the member change log (Store::ReadMemberChanges) read through another
// store than the one that wrote, the lease (Store::HoldLease), and the
// change follower telling a replica's caches of another's writes. Each
// "replica" is a PgStore of its own over the same test database.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/core/change_follower.h"
#include "server/store/member_change_listener.h"
#include "server/store/pg/pg_shared.h"
#include "server/store/pg/pg_store.h"
#include "tests/common/pg_test_server.h"

namespace rapport {
namespace {

using store::pg::PgStore;

std::unique_ptr<PgStore> OpenReplica(const std::string& uri) {
  store::pg::PgStoreOptions options;
  options.uri = uri;
  options.connections = 2;
  absl::StatusOr<std::unique_ptr<PgStore>> store = PgStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

std::string NewDatabase(const std::string& label) {
  absl::StatusOr<std::string> uri = testing::NewTestPgDatabase(label);
  EXPECT_TRUE(uri.ok()) << uri.status();
  return uri.value_or("");
}

// What a write does to the log: RecordMemberChanges in its transaction.
void RecordChange(PgStore& store, const std::string& tenant,
                  const std::vector<std::string>& members, absl::Time now) {
  ASSERT_TRUE(store.pool()
                  .Transaction([&](store::pg::Connection& conn) {
                    return store::pg::RecordMemberChanges(conn, tenant, members,
                                                          now);
                  })
                  .ok());
}

TEST(ReplicaChangeLog, AnotherStoreReadsEveryChangeInWindowsOfNumbers) {
  const std::string uri = NewDatabase("change_log");
  std::unique_ptr<PgStore> writer = OpenReplica(uri);
  std::unique_ptr<PgStore> reader = OpenReplica(uri);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  std::mt19937 random(20261130);
  // writes[tenant][n - 1]: the members of change number n.
  std::map<std::string, std::vector<std::set<std::string>>> writes;
  const absl::Time now = absl::Now();
  for (int i = 0; i < 60; ++i) {
    const std::string tenant = random() % 3 == 0 ? "t-b" : "t-a";
    std::set<std::string> members;
    const int count = 1 + static_cast<int>(random() % 4);
    while (static_cast<int>(members.size()) < count) {
      members.insert("m" + std::to_string(random() % 12));
    }
    RecordChange(*writer, tenant, {members.begin(), members.end()}, now);
    writes[tenant].push_back(members);
  }
  for (const auto& [tenant, changes] : writes) {
    absl::StatusOr<int64_t> newest = reader->MemberChangeSeq(tenant);
    ASSERT_TRUE(newest.ok()) << newest.status();
    EXPECT_EQ(*newest, static_cast<int64_t>(changes.size()));
    int64_t after = 0;
    for (bool more = true; more;) {
      const int limit = 1 + static_cast<int>(random() % 7);
      absl::StatusOr<store::MemberChanges> read =
          reader->ReadMemberChanges(tenant, after, limit);
      ASSERT_TRUE(read.ok()) << read.status();
      EXPECT_FALSE(read->pruned);
      std::set<std::string> expected;
      for (int64_t n = after + 1; n <= read->seq; ++n) {
        expected.insert(changes[n - 1].begin(), changes[n - 1].end());
      }
      EXPECT_EQ(read->seq, std::min<int64_t>(after + limit, *newest));
      EXPECT_EQ(read->member_ids,
                std::vector<std::string>(expected.begin(), expected.end()));
      more = read->more;
      EXPECT_EQ(more, read->seq < *newest);
      after = read->seq;
    }
    EXPECT_EQ(after, *newest);
  }
  // Every tenant's newest number in one read, as a follower polls it.
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> seqs =
      reader->MemberChangeSeqs();
  ASSERT_TRUE(seqs.ok()) << seqs.status();
  std::vector<std::pair<std::string, int64_t>> expected_seqs;
  for (const auto& [tenant, changes] : writes) {
    expected_seqs.emplace_back(tenant, static_cast<int64_t>(changes.size()));
  }
  EXPECT_EQ(*seqs, expected_seqs);
  // A tenant without changes: number 0, nothing to read.
  absl::StatusOr<store::MemberChanges> none =
      reader->ReadMemberChanges("t-none", 0, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->seq, 0);
  EXPECT_TRUE(none->member_ids.empty());
  EXPECT_FALSE(none->pruned);
}

TEST(ReplicaChangeLog, PrunedChangesMakeALateReaderRefreshEveryone) {
  const std::string uri = NewDatabase("change_prune");
  std::unique_ptr<PgStore> store = OpenReplica(uri);
  ASSERT_NE(store, nullptr);
  const absl::Time t0 = absl::Now() - absl::Hours(1);
  for (int i = 0; i < 3; ++i) RecordChange(*store, "t", {"old"}, t0);
  for (int i = 0; i < 2; ++i) {
    RecordChange(*store, "t", {"new" + std::to_string(i)},
                 t0 + absl::Minutes(30));
  }
  absl::StatusOr<int64_t> removed =
      store->PruneMemberChanges("t", t0 + absl::Minutes(10));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 3);

  absl::StatusOr<store::MemberChanges> late =
      store->ReadMemberChanges("t", 1, 10);
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->pruned);
  EXPECT_TRUE(late->member_ids.empty());
  EXPECT_EQ(late->seq, 5);

  absl::StatusOr<store::MemberChanges> in_time =
      store->ReadMemberChanges("t", 3, 10);
  ASSERT_TRUE(in_time.ok());
  EXPECT_FALSE(in_time->pruned);
  EXPECT_EQ(in_time->member_ids, (std::vector<std::string>{"new0", "new1"}));

  // Ahead of the log (a database restored from an older copy).
  absl::StatusOr<store::MemberChanges> ahead =
      store->ReadMemberChanges("t", 9, 10);
  ASSERT_TRUE(ahead.ok());
  EXPECT_TRUE(ahead->pruned);
  EXPECT_EQ(ahead->seq, 5);
}

TEST(ReplicaChangeLog, BadArgumentsNameTheField) {
  std::unique_ptr<PgStore> store = OpenReplica(NewDatabase("change_args"));
  ASSERT_NE(store, nullptr);
  absl::StatusOr<store::MemberChanges> bad =
      store->ReadMemberChanges("t", 0, 0);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("limit"), absl::string_view::npos);
  bad = store->ReadMemberChanges("t", -1, 5);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("after_seq"), absl::string_view::npos);
}

// Asks `store` for the lease until it holds it or `within` passes.
bool TakesLeaseWithin(PgStore& store, absl::Duration within) {
  const absl::Time deadline = absl::Now() + within;
  while (absl::Now() < deadline) {
    absl::StatusOr<bool> held = store.HoldLease();
    if (held.ok() && *held) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

TEST(ReplicaLease, OneHolderAtATimeAndATakeoverWhenItGoes) {
  const std::string uri = NewDatabase("lease");
  std::unique_ptr<PgStore> a = OpenReplica(uri);
  std::unique_ptr<PgStore> b = OpenReplica(uri);
  std::unique_ptr<PgStore> c = OpenReplica(uri);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->HoldLease().value_or(false), true);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(b->HoldLease().value_or(true), false);
    EXPECT_EQ(c->HoldLease().value_or(true), false);
    EXPECT_EQ(a->HoldLease().value_or(false), true);  // Still, not stacked.
  }
  a.reset();  // The holder goes: its session ends.
  EXPECT_TRUE(TakesLeaseWithin(*b, absl::Seconds(10)));
  EXPECT_EQ(c->HoldLease().value_or(true), false);
  EXPECT_EQ(b->HoldLease().value_or(false), true);
}

TEST(ReplicaLease, AHolderWhoseConnectionDropsLosesIt) {
  const std::string uri = NewDatabase("lease_drop");
  std::unique_ptr<PgStore> a = OpenReplica(uri);
  std::unique_ptr<PgStore> b = OpenReplica(uri);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->HoldLease().value_or(false), true);
  // The server ends the holder's session (as a network drop would).
  ASSERT_TRUE(b->pool()
                  .WithConnection([](store::pg::Connection& conn) {
                    return conn
                        .Exec(
                            "SELECT pg_terminate_backend(pid) FROM pg_locks "
                            "WHERE locktype = 'advisory' AND classid = "
                            "1382117488 AND objid = 1869771778 AND granted "
                            // This test's database only: other tests hold
                            // leases of their own on the same server.
                            "AND database = (SELECT oid FROM pg_database "
                            "WHERE datname = current_database())")
                        .status();
                  })
                  .ok());
  EXPECT_TRUE(TakesLeaseWithin(*b, absl::Seconds(10)));
  // The old holder learns it at its next check and does not take it back.
  EXPECT_EQ(a->HoldLease().value_or(false), false);
  EXPECT_EQ(a->HoldLease().value_or(true), false);
}

class RecordingListener final : public store::MemberChangeListener {
 public:
  void OnMembersChanged(const store::TenantId& tenant,
                        const std::vector<std::string>& member_ids) override {
    absl::MutexLock lock(&mu_);
    told_[tenant].insert(member_ids.begin(), member_ids.end());
  }
  std::set<std::string> Take(const store::TenantId& tenant) {
    absl::MutexLock lock(&mu_);
    return std::exchange(told_[tenant], {});
  }

 private:
  absl::Mutex mu_;
  std::map<store::TenantId, std::set<std::string>> told_ ABSL_GUARDED_BY(mu_);
};

model::Member NewMember(const std::string& id) {
  model::Member member;
  member.member_id = id;
  member.team = "east";
  return member;
}

// Through the store's own writes: every write that changes a member adds
// to the log, and another replica's follower tells its listener.
TEST(ChangeFollower, TellsOneReplicaOfTheMembersAnotherChanged) {
  const std::string uri = NewDatabase("follower");
  std::unique_ptr<PgStore> a = OpenReplica(uri);
  std::unique_ptr<PgStore> b = OpenReplica(uri);
  ASSERT_TRUE(a && b);
  FakeClock clock(absl::Now());
  ASSERT_TRUE(a->UpsertMember("t", NewMember("before"), clock.Now()).ok());
  RecordingListener listener;
  core::ChangeFollower follower(b.get(), &listener, &clock, {});
  ASSERT_TRUE(follower.Prime().ok());
  ASSERT_TRUE(follower.PollOnce().ok());
  EXPECT_TRUE(listener.Take("t").empty());  // Primed past it.

  ASSERT_TRUE(a->UpsertMember("t", NewMember("m1"), clock.Now()).ok());
  ASSERT_TRUE(a->UpsertMember("t", NewMember("m2"), clock.Now()).ok());
  ASSERT_TRUE(a->UpsertMember("u", NewMember("x1"), clock.Now()).ok());
  ASSERT_TRUE(follower.PollOnce().ok());
  EXPECT_EQ(listener.Take("t"), (std::set<std::string>{"m1", "m2"}));
  // A tenant new to the follower is read from its first change.
  EXPECT_EQ(listener.Take("u"), (std::set<std::string>{"x1"}));
  ASSERT_TRUE(a->DeleteMember("t", "m1").ok());
  ASSERT_TRUE(follower.PollOnce().ok());
  EXPECT_EQ(listener.Take("t"), (std::set<std::string>{"m1"}));

  // Fallen behind a pruned log: every member of the tenant is told.
  ASSERT_TRUE(a->UpsertMember("t", NewMember("m3"), clock.Now()).ok());
  ASSERT_TRUE(a->PruneMemberChanges("t", clock.Now() + absl::Seconds(1)).ok());
  ASSERT_TRUE(a->UpsertMember("t", NewMember("m4"), clock.Now()).ok());
  ASSERT_TRUE(follower.PollOnce().ok());
  EXPECT_EQ(listener.Take("t"),
            (std::set<std::string>{"before", "m2", "m3", "m4"}));
}

}  // namespace
}  // namespace rapport
