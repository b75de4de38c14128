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
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using ::rapport::store::testing::At;
using ::rapport::store::testing::MakeMember;
using ::rapport::store::testing::OpenStore;
using ::rapport::store::testing::TempDir;

GoalRecord MemberGoal(const std::string& id, const std::string& member,
                      absl::Time due, double target = 60) {
  GoalRecord g;
  g.goal_id = id;
  g.member_id = member;
  g.target = target;
  g.due_time = due;
  g.note = "reach " + absl::StrCat(target);
  g.create_time = At(0);
  g.created_by = "key:boss";
  return g;
}

GoalRecord TeamGoal(const std::string& id, const std::string& team,
                    absl::Time due, int pillar = 2, double target = 15) {
  GoalRecord g = MemberGoal(id, "", due, target);
  g.team = team;
  g.pillar = pillar;
  return g;
}

std::vector<std::string> Ids(const std::vector<GoalRecord>& goals) {
  std::vector<std::string> ids;
  for (const GoalRecord& g : goals) ids.push_back(g.goal_id);
  return ids;
}

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
