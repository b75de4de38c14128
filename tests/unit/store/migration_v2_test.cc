// Schema version 2 (the daily score history) applied to a database written by
// version 1: existing data stays readable and the new tables work.
#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/store/daily_count_table.h"
#include "server/store/event_table.h"
#include "server/store/member_table.h"
#include "server/store/migrations.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store::internal {
namespace {

using ::rapport::store::testing::At;
using ::rapport::store::testing::Describe;
using ::rapport::store::testing::MakeEvent;
using ::rapport::store::testing::MakeMember;
using ::rapport::store::testing::OnDay;
using ::rapport::store::testing::OpenStore;
using ::rapport::store::testing::TempDir;

// Writes a version-1 database at `path` holding member m1 with one event, as
// a v1 build would have left it.
void WriteVersion1Database(const std::string& path) {
  auto conn =
      Connection::Open(path, Connection::Access::kReadWrite, absl::Seconds(1));
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE(ApplyMigrations(**conn, StoreMigrations().subspan(0, 1)).ok());
  ASSERT_EQ(*SchemaVersion(**conn), 1);
  ASSERT_TRUE(InTransaction(**conn, TransactionKind::kWrite, [&] {
                absl::StatusOr<UpsertResult> put =
                    PutMember(**conn, "acme", MakeMember("m1"), At(0));
                if (!put.ok()) return put.status();
                model::Event e = MakeEvent(
                    "e1", "m1", model::EventType::kPostPublished, OnDay(2), 3);
                absl::StatusOr<bool> inserted = InsertEvent(**conn, "acme", e);
                if (!inserted.ok()) return inserted.status();
                absl::Status status = AddToDailyCount(**conn, "acme", e);
                if (!status.ok()) return status;
                return AddMemberEvents(**conn, "acme", "m1", 1, e.occur_time);
              }).ok());
}

TEST(MigrationV2Test, UpgradesVersion1FileKeepingItsData) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  WriteVersion1Database(path);

  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  {
    auto conn =
        Connection::Open(path, Connection::Access::kReadOnly, absl::Seconds(1));
    ASSERT_TRUE(conn.ok());
    EXPECT_EQ(*SchemaVersion(**conn),
              static_cast<int>(StoreMigrations().size()));
  }
  auto member = store->GetMember("acme", "m1");
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_EQ(member->event_count, 1);
  EXPECT_EQ(member->last_event_time, OnDay(2));
  auto activity = store->ReadActivity("acme", "m1", OnDay(1), OnDay(3));
  ASSERT_TRUE(activity.ok()) << activity.status();
  ASSERT_EQ(activity->daily.size(), 1u);
  EXPECT_EQ(activity->daily[0].count, 3);

  // Old events made no history work (they predate the history); the new
  // tables take writes.
  auto work = store->ListHistoryWork("acme", 10);
  ASSERT_TRUE(work.ok()) << work.status();
  EXPECT_TRUE(work->empty());
  EXPECT_EQ(*store->RecordedThrough("acme"), std::nullopt);
  auto tenants = store->ListTenants();
  ASSERT_TRUE(tenants.ok());
  EXPECT_EQ(*tenants, (std::vector<TenantId>{"acme"}));
  model::ScoreSnapshot snapshot;
  snapshot.member_id = "m1";
  snapshot.day = absl::CivilDay(2024, 3, 2);
  snapshot.total = 42;
  snapshot.model_version = "v";
  ASSERT_TRUE(store->WriteScoreSnapshots("acme", {snapshot}).ok());
  ASSERT_TRUE(
      store
          ->AppendEvents(
              "acme", {MakeEvent("e2", "m1", model::EventType::kPostPublished,
                                 OnDay(1))})
          .ok());
  work = store->ListHistoryWork("acme", 10);
  ASSERT_TRUE(work.ok());
  ASSERT_EQ(work->size(), 1u);
  EXPECT_EQ((*work)[0].from_day, absl::CivilDay(2024, 3, 1));
  store.reset();

  // Reopened: still version 2, history kept.
  store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  auto day = store->ReadScoresOfDay("acme", absl::CivilDay(2024, 3, 2));
  ASSERT_TRUE(day.ok());
  ASSERT_EQ(day->size(), 1u);
  EXPECT_EQ((*day)[0], snapshot);
}

}  // namespace
}  // namespace rapport::store::internal
