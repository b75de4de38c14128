// Helpers of the SQLite store's erasure and retention tests: a dump of every
// aggregate a file store holds for a tenant, read with SQLite directly, on
// top of the store-agnostic helpers of removal_test_data.h.
#ifndef RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_UTIL_H_

#include <sqlite3.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/removal_test_data.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store::testing {

// Every row `sql` returns (?1 bound to `tenant`), one line per row, columns
// separated by '|', NULL as "NULL".
inline std::string DumpRows(sqlite3* db, const std::string& sql,
                            const std::string& tenant) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  if (stmt == nullptr) return "";
  sqlite3_bind_text(stmt, 1, tenant.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::string> lines;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> cols;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      cols.push_back(text == nullptr ? "NULL"
                                     : reinterpret_cast<const char*>(text));
    }
    lines.push_back(absl::StrJoin(cols, "|"));
  }
  sqlite3_finalize(stmt);
  return absl::StrJoin(lines, "\n");
}

// The tenant's events and every aggregate ingest maintains for them, as
// stored in the database file at `path` (read through its own connection).
inline std::string DumpAggregates(const std::string& path,
                                  const TenantId& tenant) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  std::string dump;
  for (const char* sql :
       {"SELECT member_id, event_count, last_event_time FROM members "
        "WHERE tenant = ?1 ORDER BY member_id",
        // Every column but id, the row's place in ingest order.
        "SELECT tenant, event_id, member_id, occur_time, type, channel, "
        "contact_id, seniority, contact_industry, contact_region, "
        "contact_category, thread_id, content_id, quantity "
        "FROM events WHERE tenant = ?1 ORDER BY event_id",
        "SELECT * FROM daily_counts WHERE tenant = ?1 "
        "ORDER BY member_id, day, type, channel, seniority",
        "SELECT * FROM threads WHERE tenant = ?1 ORDER BY member_id, thread_id",
        "SELECT * FROM contacts WHERE tenant = ?1 "
        "ORDER BY member_id, contact_id"}) {
    absl::StrAppend(&dump, sql, "\n", DumpRows(db, sql, tenant), "\n");
  }
  sqlite3_close(db);
  return dump;
}

}  // namespace rapport::store::testing

#endif  // RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_UTIL_H_
