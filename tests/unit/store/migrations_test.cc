#include "server/store/migrations.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store::internal {
namespace {

using ::rapport::store::testing::OpenStore;
using ::rapport::store::testing::TempDir;

std::unique_ptr<Connection> OpenConnection(const std::string& path) {
  auto conn =
      Connection::Open(path, Connection::Access::kReadWrite, absl::Seconds(1));
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

// (version, applied_at) rows of schema_migrations, in version order.
std::vector<std::pair<int64_t, int64_t>> Recorded(Connection& conn) {
  std::vector<std::pair<int64_t, int64_t>> rows;
  auto select = conn.Prepare(
      "SELECT version, applied_at FROM schema_migrations ORDER BY version");
  EXPECT_TRUE(select.ok()) << select.status();
  if (!select.ok()) return rows;
  while (true) {
    absl::StatusOr<bool> row = select->Step();
    EXPECT_TRUE(row.ok()) << row.status();
    if (!row.ok() || !*row) break;
    rows.emplace_back(select->ColumnInt64(0), select->ColumnInt64(1));
  }
  return rows;
}

bool TableExists(Connection& conn, const std::string& table) {
  auto select = conn.Prepare(
      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  EXPECT_TRUE(select.ok());
  select->BindText(1, table);
  absl::StatusOr<bool> row = select->Step();
  EXPECT_TRUE(row.ok());
  return row.ok() && *row;
}

TEST(MigrationsTest, FreshDatabaseGetsLatestVersion) {
  TempDir dir;
  std::string path = dir.path() + "/store.db";
  ASSERT_NE(OpenStore(path), nullptr);
  auto conn = OpenConnection(path);
  const int latest = static_cast<int>(StoreMigrations().size());
  ASSERT_GE(latest, 1);
  auto version = SchemaVersion(*conn);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, latest);
  EXPECT_EQ(Recorded(*conn).size(), static_cast<size_t>(latest));
  for (const char* table :
       {"members", "events", "daily_counts", "threads", "contacts"}) {
    EXPECT_TRUE(TableExists(*conn, table)) << table;
  }
}

TEST(MigrationsTest, ReopenAppliesNothing) {
  TempDir dir;
  std::string path = dir.path() + "/store.db";
  ASSERT_NE(OpenStore(path), nullptr);
  std::vector<std::pair<int64_t, int64_t>> before;
  {
    auto conn = OpenConnection(path);
    before = Recorded(*conn);
  }
  ASSERT_NE(OpenStore(path), nullptr);
  auto conn = OpenConnection(path);
  EXPECT_EQ(Recorded(*conn), before);  // Same versions, same applied_at.
}

TEST(MigrationsTest, FutureVersionIsRefused) {
  TempDir dir;
  std::string path = dir.path() + "/store.db";
  ASSERT_NE(OpenStore(path), nullptr);
  {
    auto conn = OpenConnection(path);
    ASSERT_TRUE(conn->Exec("INSERT INTO schema_migrations (version, "
                           "applied_at) VALUES (999, 0)")
                    .ok());
  }
  SqliteStoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), absl::string_view::npos)
      << store.status();
  EXPECT_EQ(store.status().message().find(path), absl::string_view::npos);
}

TEST(MigrationsTest, AppliesOnlyMissingVersionsInOrder) {
  auto conn = OpenConnection(":memory:");
  const Migration v1[] = {{1, "CREATE TABLE a (x INTEGER)"}};
  ASSERT_TRUE(ApplyMigrations(*conn, v1).ok());
  ASSERT_TRUE(conn->Exec("INSERT INTO a VALUES (1)").ok());
  // Re-running v1 would fail ("table a already exists"): it must be skipped.
  const Migration v1_v2[] = {{1, "CREATE TABLE a (x INTEGER)"},
                             {2, "ALTER TABLE a ADD COLUMN y INTEGER"}};
  ASSERT_TRUE(ApplyMigrations(*conn, v1_v2).ok());
  EXPECT_TRUE(ApplyMigrations(*conn, v1_v2).ok());
  auto rows = Recorded(*conn);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, 1);
  EXPECT_EQ(rows[1].first, 2);
  EXPECT_TRUE(conn->Exec("SELECT y FROM a").ok());
}

TEST(MigrationsTest, FailedMigrationIsRolledBackAndNotRecorded) {
  auto conn = OpenConnection(":memory:");
  const Migration bad[] = {
      {1, "CREATE TABLE a (x INTEGER)"},
      {2, "CREATE TABLE b (x INTEGER); CREATE TABLE a (x INTEGER)"}};
  absl::Status status = ApplyMigrations(*conn, bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status.message().find("CREATE"), absl::string_view::npos);
  EXPECT_EQ(*SchemaVersion(*conn), 1);
  EXPECT_TRUE(TableExists(*conn, "a"));
  EXPECT_FALSE(TableExists(*conn, "b"));  // Version 2 left nothing behind.
}

TEST(MigrationsTest, MisnumberedListIsRejected) {
  auto conn = OpenConnection(":memory:");
  const Migration gap[] = {{1, "SELECT 1"}, {3, "SELECT 1"}};
  EXPECT_EQ(ApplyMigrations(*conn, gap).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::store::internal
