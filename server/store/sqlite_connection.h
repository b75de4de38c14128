// One SQLite connection with its cache of prepared statements, and the
// transaction helper the store runs every multi-statement operation in.
//
// Not thread-safe: the owner serializes use (SqliteStore holds a mutex for the
// writer and leases each reader to one thread at a time).
#ifndef RAPPORT_SERVER_STORE_SQLITE_CONNECTION_H_
#define RAPPORT_SERVER_STORE_SQLITE_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/store/sqlite_statement.h"

struct sqlite3;

namespace rapport::store::internal {

class Connection {
 public:
  enum class Access { kReadWrite, kReadOnly };

  // Opens (creating it for kReadWrite) the database at `path` (":memory:"
  // for a private in-memory one) with extended result codes, the given busy
  // timeout and a page cache of up to `cache_mib` MiB. kReadOnly connections
  // refuse writes (PRAGMA query_only). UNAVAILABLE when the file cannot be
  // opened; see sqlite_status.h. `vfs` names a registered SQLite VFS
  // (sqlite3_vfs_register); empty for the default one.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, Access access, absl::Duration busy_timeout,
      int cache_mib = 2, const std::string& vfs = "");

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // The cached statement for `sql` (one statement), prepared on first use:
  // SQL is compiled once per connection, and a lookup copies nothing. When
  // that statement is already in use (nested use), a fresh uncached one is
  // returned. INTERNAL when `sql` does not compile.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // Runs `sql`, which may hold several statements and must return no rows
  // that matter (pragmas, DDL, transaction control). Not cached.
  absl::Status Exec(const char* sql);

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t Changes() const;

  // True while a transaction is open on this connection.
  bool InTransaction() const;

  sqlite3* db() const { return db_; }

  // The database file this connection opened.
  const std::string& path() const { return path_; }

 private:
  struct CachedStatement;

  Connection(sqlite3* db, std::string path);

  sqlite3* db_;
  const std::string path_;
  absl::flat_hash_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

enum class TransactionKind {
  kRead,   // BEGIN DEFERRED: a consistent snapshot for several reads.
  kWrite,  // BEGIN IMMEDIATE: takes the write lock up front.
};

// Runs `body` in a transaction on `conn`: commits when it returns OK, rolls
// back otherwise (and when COMMIT itself fails). Returns body's error, or the
// BEGIN/COMMIT error mapped as in sqlite_status.h.
absl::Status InTransaction(Connection& conn, TransactionKind kind,
                           absl::FunctionRef<absl::Status()> body);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_SQLITE_CONNECTION_H_
