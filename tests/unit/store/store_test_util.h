// Helpers of the SQLite store's own tests: opening stores in memory or in a
// file, on top of the store-agnostic helpers of store_test_data.h.
#ifndef RAPPORT_TESTS_UNIT_STORE_STORE_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_STORE_STORE_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store::testing {

using ::rapport::testing::TempDir;

inline std::unique_ptr<SqliteStore> OpenStore(const std::string& path) {
  SqliteStoreOptions options;
  options.path = path;
  options.reader_connections = 2;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

inline std::unique_ptr<SqliteStore> OpenMemoryStore() {
  return OpenStore(":memory:");
}

}  // namespace rapport::store::testing

#endif  // RAPPORT_TESTS_UNIT_STORE_STORE_TEST_UTIL_H_
