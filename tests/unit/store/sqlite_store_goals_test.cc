// Goals in the SQLite store's file: goals kept across a reopen, and schema
// v6 applied to a version-5 database. The Store contract of goals is tested
// for every store by conformance/goals_test.cc.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/migrations.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/goal_test_data.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using ::rapport::store::testing::At;
using ::rapport::store::testing::MakeMember;
using ::rapport::store::testing::OpenStore;
using ::rapport::store::testing::TempDir;

using ::rapport::store::testing::Ids;
using ::rapport::store::testing::MemberGoal;
using ::rapport::store::testing::TeamGoal;

TEST(GoalFileTest, GoalsSurviveReopen) {
  TempDir dir;
  const std::string path = dir.File("store.db");
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->CreateGoal("acme", TeamGoal("g_1", "emea", At(9)), nullptr)
            .ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  auto goals = store->ListGoals("acme", {});
  ASSERT_TRUE(goals.ok());
  EXPECT_EQ(Ids(*goals), std::vector<std::string>{"g_1"});
}

// Schema v6 on a database written by version 5: the goals table appears,
// the data already there stays.
TEST(MigrationV6Test, AddsGoalsToAVersion5Database) {
  TempDir dir;
  const std::string path = dir.File("store.db");
  {
    auto conn = internal::Connection::Open(
        path, internal::Connection::Access::kReadWrite, absl::Seconds(1));
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_TRUE(internal::ApplyMigrations(
                    **conn, internal::StoreMigrations().subspan(0, 5))
                    .ok());
    ASSERT_EQ(*internal::SchemaVersion(**conn), 5);
    auto goals = (*conn)->Prepare("SELECT 1 FROM goals");
    EXPECT_FALSE(goals.ok());  // No goals table yet.
  }
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(
      store->CreateGoal("acme", MemberGoal("g_1", "m1", At(9)), nullptr).ok());
  auto conn = internal::Connection::Open(
      path, internal::Connection::Access::kReadOnly, absl::Seconds(1));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(*internal::SchemaVersion(**conn),
            static_cast<int>(internal::StoreMigrations().size()));
  auto goals = store->ListGoals("acme", {});
  ASSERT_TRUE(goals.ok());
  EXPECT_EQ(Ids(*goals), std::vector<std::string>{"g_1"});
}

}  // namespace
}  // namespace rapport::store
