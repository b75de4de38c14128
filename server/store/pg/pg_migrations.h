// The PostgreSQL store's schema and its versioned migrations.
//
// Every table but two is distributed by tenant: its primary key leads with
// tenant, and every index too, so that Citus can shard it with
// create_distributed_table(table, 'tenant'). The two exceptions are small
// tables read without a tenant (a key is looked up by its id before its
// tenant is known): tenants and api_keys, Citus reference tables
// (docs/scale-out.md). Times are Unix microseconds, enums their numeric
// values, as in the SQLite store.
#ifndef RAPPORT_SERVER_STORE_PG_PG_MIGRATIONS_H_
#define RAPPORT_SERVER_STORE_PG_PG_MIGRATIONS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "server/store/pg/pg_connection.h"

namespace rapport::store::pg {

struct PgMigration {
  int version;
  const char* sql;
};

// Every migration, in version order.
const std::vector<PgMigration>& PgMigrations();

// The newest schema version this build knows.
int LatestPgSchemaVersion();

// The tables read without a tenant (Citus reference tables); every other
// table is distributed by tenant.
const std::vector<const char*>& PgReferenceTables();

// The advisory lock key migrations run under.
inline constexpr int64_t kMigrationLockKey =
    0x52617070'6f727401;  // "Rapport" 1

// Brings the database's schema up to date: takes the migration advisory
// lock (waiting while another process holds it, so replicas starting
// together apply each migration once), applies each migration newer than
// the recorded version in its own transaction, and releases the lock.
// FAILED_PRECONDITION when the database has a newer schema than this build.
absl::Status MigratePg(Connection& conn);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_MIGRATIONS_H_
