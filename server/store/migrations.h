// Versioned schema migrations, applied when a SqliteStore opens.
//
// The schema_migrations table records each applied version with the time it
// was applied (Unix microseconds, SQLite's clock: an audit field, never read
// by the store's logic). Migrations are an ordered list in code; each runs in
// its own transaction together with its record, so a crash leaves the
// database at a version boundary. Released migrations are never edited: a
// schema change is a new entry at the end.
#ifndef RAPPORT_SERVER_STORE_MIGRATIONS_H_
#define RAPPORT_SERVER_STORE_MIGRATIONS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "server/store/sqlite_connection.h"

namespace rapport::store::internal {

struct Migration {
  int version;      // 1, 2, 3, ... without gaps.
  const char* sql;  // One or more statements.
};

// The store's schema history, oldest first.
absl::Span<const Migration> StoreMigrations();

// The highest version that `conn`'s database records; 0 for a fresh one.
absl::StatusOr<int> SchemaVersion(Connection& conn);

// Brings `conn`'s database up to the last of `migrations`, applying only the
// versions it lacks, in order. FAILED_PRECONDITION when the database records
// a version newer than the last of `migrations` (written by a newer build);
// INVALID_ARGUMENT when `migrations` is not numbered 1, 2, 3, ...; otherwise
// the errors of sqlite_status.h, with the failing migration rolled back.
absl::Status ApplyMigrations(Connection& conn,
                             absl::Span<const Migration> migrations);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_MIGRATIONS_H_
