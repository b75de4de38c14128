// The score changes feed in the SQLite store's file: rows that survive a
// reopen, and schema v7 applied to a version-6 database. The Store contract
// of the feed is tested for every store by conformance/feed_test.cc.
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

ScoreFeedRow Row(const std::string& member, double ssi,
                 const std::string& team = "t") {
  ScoreFeedRow r;
  r.member_id = member;
  r.team = team;
  r.ssi = ssi;
  r.pillars = {ssi / 4, ssi / 4, ssi / 4, ssi / 4};
  return r;
}

TEST(SqliteStoreFeedTest, TheFeedSurvivesAReopen) {
  TempDir dir;
  const std::string path = dir.File("feed.db");
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store->UpsertMember("t1", MakeMember("a"), At(0)).ok());
    ASSERT_EQ(*store->WriteScoreFeed("t1", {Row("a", 42.5)}, At(1)), 1);
  }
  auto store = OpenStore(path);
  EXPECT_EQ(*store->ScoreFeedSeq("t1"), 1);
  absl::StatusOr<std::vector<ScoreFeedEntry>> feed = store->ReadScoreFeed("t1");
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 1u);
  EXPECT_EQ((*feed)[0].ssi, 42.5);
  EXPECT_EQ((*feed)[0].team, "t");
}

TEST(MigrationV7Test, AddsTheFeedToAVersion6Database) {
  TempDir dir;
  const std::string path = dir.File("store.db");
  {
    auto conn = internal::Connection::Open(
        path, internal::Connection::Access::kReadWrite, absl::Seconds(1));
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_TRUE(internal::ApplyMigrations(
                    **conn, internal::StoreMigrations().subspan(0, 6))
                    .ok());
    ASSERT_EQ(*internal::SchemaVersion(**conn), 6);
    EXPECT_FALSE((*conn)->Prepare("SELECT 1 FROM score_changes").ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  EXPECT_EQ(*store->ScoreFeedSeq("acme"), 0);
  EXPECT_TRUE(store->ReadScoreFeed("acme")->empty());
  ASSERT_EQ(*store->WriteScoreFeed("acme", {Row("m1", 30)}, At(1)), 1);
  auto conn = internal::Connection::Open(
      path, internal::Connection::Access::kReadOnly, absl::Seconds(1));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(*internal::SchemaVersion(**conn),
            static_cast<int>(internal::StoreMigrations().size()));
}

}  // namespace
}  // namespace rapport::store
