// One side of `rapport admin copy`: a SQLite database file or a PostgreSQL
// database, opened for the copy with its whole work in one transaction.
//
// Not thread-safe.
#ifndef RAPPORT_SERVER_STORE_PG_PG_COPY_ENDPOINT_H_
#define RAPPORT_SERVER_STORE_PG_PG_COPY_ENDPOINT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/pg/pg_copy_tables.h"

namespace rapport::store::pg::copy {

class Endpoint {
 public:
  virtual ~Endpoint() = default;

  // Calls `row` for every row of `table`: in key order (byte order for
  // text) when `by_key`, otherwise in the order best kept by a copy (for
  // events: the order they were ingested in, or by time).
  virtual absl::Status Scan(
      const TableSpec& table, bool by_key,
      absl::FunctionRef<absl::Status(const Row&)> row) = 0;
  // Appends `rows` to `table` (destination only).
  virtual absl::Status Insert(const TableSpec& table,
                              const std::vector<Row>& rows) = 0;
  // The copied tables that hold rows.
  virtual absl::StatusOr<std::vector<std::string>> NonEmptyTables() = 0;
  // After the last Insert: counters past the copied ids.
  virtual absl::Status FinishInserts() = 0;
  // Commits the transaction (for a source, ends it).
  virtual absl::Status Commit() = 0;
  // Rolls back; a destination file this endpoint created is removed.
  virtual void Abandon() = 0;
};

// Opens `db` (a SQLite file path, or a postgresql:// URI), naming it
// `flag` ("--from", "--to") in errors. A destination gets the store's
// schema (SqliteStore::Open / PgStore::Open). A SQLite database is locked
// exclusively for the endpoint's life: ABORTED when a server has it open.
// A source must exist and hold the latest schema: INVALID_ARGUMENT when
// there is no such file or it is not a database; FAILED_PRECONDITION for
// another schema version; UNAVAILABLE when a server cannot be reached.
absl::StatusOr<std::unique_ptr<Endpoint>> OpenEndpoint(const std::string& db,
                                                       const std::string& flag,
                                                       bool destination);

}  // namespace rapport::store::pg::copy

#endif  // RAPPORT_SERVER_STORE_PG_PG_COPY_ENDPOINT_H_
