// The stores the conformance suite runs against. A new Store implementation
// plugs in here: one StoreFactory and one entry of the list.
#include <memory>
#include <string>
#include <vector>

#include "server/store/pg/pg_store.h"
#include "server/store/sqlite_store.h"
#include "tests/common/pg_test_server.h"
#include "tests/unit/store/conformance/store_factory.h"

namespace rapport::store::testing {
namespace {

// The SQLite store in memory: each store is its own private database.
class SqliteMemoryFactory : public StoreFactory {
 public:
  std::string Name() const override { return "Sqlite"; }

  absl::StatusOr<std::unique_ptr<Store>> NewStore() override {
    SqliteStoreOptions options;
    options.path = ":memory:";
    options.reader_connections = 2;
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(*std::move(store));
  }
};

// The PostgreSQL store: each store is a new database on the test server
// (tests/common/pg_test_server.h).
class PgFactory : public StoreFactory {
 public:
  std::string Name() const override { return "Postgres"; }

  absl::StatusOr<std::unique_ptr<Store>> NewStore() override {
    absl::StatusOr<std::string> uri =
        ::rapport::testing::NewTestPgDatabase("conformance");
    if (!uri.ok()) return uri.status();
    pg::PgStoreOptions options;
    options.uri = *uri;
    options.connections = 4;
    absl::StatusOr<std::unique_ptr<pg::PgStore>> store =
        pg::PgStore::Open(options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(*std::move(store));
  }
};

}  // namespace

const std::vector<StoreFactory*>& ConformanceStores() {
  static SqliteMemoryFactory* const sqlite = new SqliteMemoryFactory();
  static PgFactory* const postgres = new PgFactory();
  static const std::vector<StoreFactory*>* const stores =
      new std::vector<StoreFactory*>{sqlite, postgres};
  return *stores;
}

std::string StoreName(const ::testing::TestParamInfo<StoreFactory*>& info) {
  return info.param->Name();
}

}  // namespace rapport::store::testing
