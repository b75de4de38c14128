// Store::AppendEventBatches (group commit): a group of batches has exactly
// the effects and outcomes of one AppendEvents call per batch, in order,
// and a group whose transaction fails still stores each batch that succeeds
// alone.
#include <errno.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_vfs.h"
#include "tests/common/temp_dir.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using model::EventType;
using testing::At;
using testing::Describe;
using testing::MakeContact;
using testing::MakeContactEvent;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;

const char* const kTenants[] = {"acme", "globex"};

// Members m0..m3 exist in both tenants; m4 exists in neither.
void AddMembers(Store& store) {
  for (const char* tenant : kTenants) {
    for (int m = 0; m < 4; ++m) {
      ASSERT_TRUE(
          store.UpsertMember(tenant, MakeMember(absl::StrCat("m", m)), At(0))
              .ok());
    }
  }
}

// Random events whose ids repeat across batches (duplicates, and conflicts
// when the payload differs), in threads and with contacts, in any order.
struct GroupGenerator {
  explicit GroupGenerator(uint32_t seed) : rng(seed) {}

  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  }

  model::Event Next() {
    const std::string id = absl::StrCat("e", Uniform(0, 60));
    const std::string member = absl::StrCat("m", Uniform(0, 4));
    const absl::Time t = At(Uniform(0, 5000));
    switch (Uniform(0, 3)) {
      case 0: {
        static constexpr EventType kTypes[] = {EventType::kMessageSent,
                                               EventType::kMessageReceived,
                                               EventType::kFollowUpSent};
        return MakeMessage(id, member, absl::StrCat("t", Uniform(0, 3)),
                           MakeContact(absl::StrCat("c", Uniform(0, 3))),
                           kTypes[Uniform(0, 2)], t);
      }
      case 1:
        return MakeContactEvent(id, member,
                                MakeContact(absl::StrCat("c", Uniform(0, 3))),
                                EventType::kConnectionAccepted, t);
      default:
        return MakeEvent(id, member, EventType::kPostPublished, t,
                         Uniform(1, 3));
    }
  }

  std::mt19937 rng;
};

struct Group {
  std::vector<TenantId> tenants;
  std::vector<std::vector<model::Event>> events;
  std::vector<AuditContext> audits;

  std::vector<EventBatch> Batches() const {
    std::vector<EventBatch> batches;
    for (size_t i = 0; i < events.size(); ++i) {
      batches.push_back({tenants[i], events[i], &audits[i]});
    }
    return batches;
  }
};

Group MakeGroup(GroupGenerator& gen, int batches) {
  Group group;
  for (int b = 0; b < batches; ++b) {
    group.tenants.push_back(kTenants[gen.Uniform(0, 1)]);
    std::vector<model::Event>& events = group.events.emplace_back();
    for (int n = gen.Uniform(0, 12); n > 0; --n) events.push_back(gen.Next());
    AuditContext& audit = group.audits.emplace_back();
    audit.principal = absl::StrCat("key:", b);
    audit.role = "integration";
    audit.method = "/rapport.v1.ActivityService/IngestEvents";
    audit.time = At(b);
  }
  return group;
}

// Everything the store keeps of the members' activity, as text.
std::string Contents(Store& store) {
  std::string all;
  for (const char* tenant : kTenants) {
    for (int m = 0; m < 4; ++m) {
      auto activity =
          store.ReadActivity(tenant, absl::StrCat("m", m), At(0), At(6000));
      EXPECT_TRUE(activity.ok()) << activity.status();
      if (activity.ok()) {
        absl::StrAppend(&all, tenant, "/m", m, ": ", Describe(*activity), "\n");
      }
    }
  }
  return all;
}

std::string Outcomes(const std::vector<AppendOutcome>& outcomes) {
  std::string text;
  for (AppendOutcome o : outcomes) absl::StrAppend(&text, static_cast<int>(o));
  return text;
}

TEST(AppendEventBatchesTest, GroupEqualsOneCallPerBatch) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    GroupGenerator gen(seed);
    std::unique_ptr<SqliteStore> grouped = testing::OpenMemoryStore();
    std::unique_ptr<SqliteStore> alone = testing::OpenMemoryStore();
    AddMembers(*grouped);
    AddMembers(*alone);
    for (int round = 0; round < 3; ++round) {
      const Group group = MakeGroup(gen, gen.Uniform(1, 6));
      std::vector<absl::StatusOr<std::vector<AppendOutcome>>> results =
          grouped->AppendEventBatches(group.Batches());
      ASSERT_EQ(results.size(), group.events.size());
      for (size_t i = 0; i < group.events.size(); ++i) {
        absl::StatusOr<std::vector<AppendOutcome>> expected =
            alone->AppendEvents(group.tenants[i], group.events[i],
                                &group.audits[i]);
        ASSERT_TRUE(expected.ok()) << expected.status();
        ASSERT_TRUE(results[i].ok()) << results[i].status();
        EXPECT_EQ(Outcomes(*results[i]), Outcomes(*expected)) << "batch " << i;
      }
    }
    EXPECT_EQ(Contents(*grouped), Contents(*alone));
    for (const char* tenant : kTenants) {
      AuditQuery query;
      query.page_size = 1000;
      auto grouped_audit = grouped->ListAudit(tenant, query);
      auto alone_audit = alone->ListAudit(tenant, query);
      ASSERT_TRUE(grouped_audit.ok() && alone_audit.ok());
      ASSERT_EQ(grouped_audit->entries.size(), alone_audit->entries.size());
      for (size_t i = 0; i < alone_audit->entries.size(); ++i) {
        EXPECT_EQ(grouped_audit->entries[i].principal,
                  alone_audit->entries[i].principal);
        EXPECT_EQ(grouped_audit->entries[i].detail,
                  alone_audit->entries[i].detail);
      }
    }
  }
}

// The group's transaction fails on a write to the log; each batch alone
// then succeeds, and every caller gets its own outcomes.
TEST(AppendEventBatchesTest, FailedGroupIsRetriedBatchByBatch) {
  ::rapport::testing::TempDir dir;
  ::rapport::testing::FaultVfs& vfs = ::rapport::testing::FaultVfs::Install();
  SqliteStoreOptions options;
  options.path = dir.File("store.db");
  options.vfs = ::rapport::testing::FaultVfs::kName;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  AddMembers(**store);
  GroupGenerator gen(7);
  const Group group = MakeGroup(gen, 4);
  std::unique_ptr<SqliteStore> alone = testing::OpenMemoryStore();
  AddMembers(*alone);

  const int64_t failed_before = vfs.failures();
  vfs.Add({.ops = ::rapport::testing::kFaultWrite,
           .files = ::rapport::testing::kFaultWal,
           .error = EIO,
           .count = 1});
  std::vector<absl::StatusOr<std::vector<AppendOutcome>>> results =
      (*store)->AppendEventBatches(group.Batches());
  vfs.Heal();
  EXPECT_EQ(vfs.failures(), failed_before + 1) << "the group's write failed";
  ASSERT_EQ(results.size(), group.events.size());
  for (size_t i = 0; i < group.events.size(); ++i) {
    absl::StatusOr<std::vector<AppendOutcome>> expected =
        alone->AppendEvents(group.tenants[i], group.events[i]);
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_TRUE(results[i].ok())
        << "batch " << i << ": " << results[i].status();
    EXPECT_EQ(Outcomes(*results[i]), Outcomes(*expected)) << "batch " << i;
  }
  EXPECT_EQ(Contents(**store), Contents(*alone));
}

}  // namespace
}  // namespace rapport::store
