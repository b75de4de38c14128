// The SQLite store's read of a day cut at an instant (the part of
// Store::ReadActivity that makes it exact at `to`) is a range of the time
// index. What the read returns is tested for every store by
// conformance/as_of_exact_test.cc.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/store/daily_count_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

// Summing one day costs that day's events of one member: a range over the
// events_by_member index, never a scan of the table.
TEST(CountDayUpToPlanTest, IsARangeOfTheTimeIndex) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/store.db";
  ASSERT_NE(testing::OpenStore(path), nullptr);
  auto conn = internal::Connection::Open(
      path, internal::Connection::Access::kReadWrite, absl::Seconds(1));
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto plan = (*conn)->Prepare(
      absl::StrCat("EXPLAIN QUERY PLAN ", internal::kCountDayUpToSql));
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> details;
  while (true) {
    absl::StatusOr<bool> row = plan->Step();
    ASSERT_TRUE(row.ok()) << row.status();
    if (!*row) break;
    details.push_back(plan->ColumnText(3));
  }
  const std::string all = absl::StrJoin(details, "\n");
  EXPECT_NE(all.find("SEARCH events USING INDEX events_by_member (tenant=? AND "
                     "member_id=? AND occur_time>? AND occur_time<?)"),
            std::string::npos)
      << all;
  EXPECT_EQ(all.find("SCAN events"), std::string::npos) << all;
}

}  // namespace
}  // namespace rapport::store
