#include "server/store/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/sqlite_status.h"

namespace rapport::store::internal {

struct Connection::CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};

namespace {

// SQLite's memory statistics take one process-wide mutex at every allocation
// of every connection: the writer and the readers would wait on each other
// for it. Nothing here reads those statistics. sqlite3_config works only
// before SQLite initializes, which the first open does.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

}  // namespace

Connection::Connection(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)) {}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  sqlite3_close_v2(db_);
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& path, Access access, absl::Duration busy_timeout,
    int cache_mib, const std::string& vfs) {
  ConfigureSqliteOnce();
  // NOMUTEX: the store serializes each connection itself.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (access == Access::kReadWrite) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags,
                           vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    absl::Status status =
        SqliteError(rc, db, absl::StrCat("opening database ", path));
    sqlite3_close_v2(db);
    return RefineForFullDisk(std::move(status), path);
  }
  auto conn = std::unique_ptr<Connection>(new Connection(db, path));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(
      db, static_cast<int>(absl::ToInt64Milliseconds(busy_timeout)));
  // A negative cache_size is in KiB.
  RAPPORT_RETURN_IF_ERROR(conn->Exec(
      absl::StrCat("PRAGMA cache_size = ", -1024 * int64_t{cache_mib})
          .c_str()));
  if (access == Access::kReadOnly) {
    RAPPORT_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only = ON"));
  }
  return conn;
}

absl::StatusOr<Statement> Connection::Prepare(absl::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second->in_use) {
    it->second->in_use = true;
    return Statement(it->second->stmt, &it->second->in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, db_, sql);
  if (it != cache_.end()) return Statement(stmt, nullptr);  // Nested.
  auto cached = std::make_unique<CachedStatement>();
  cached->stmt = stmt;
  cached->in_use = true;
  bool* in_use = &cached->in_use;
  cache_.emplace(std::string(sql), std::move(cached));
  return Statement(stmt, in_use);
}

absl::Status Connection::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, db_, sql);
  return absl::OkStatus();
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

bool Connection::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

absl::Status InTransaction(Connection& conn, TransactionKind kind,
                           absl::FunctionRef<absl::Status()> body) {
  RAPPORT_RETURN_IF_ERROR(conn.Exec(
      kind == TransactionKind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  absl::Status status = body();
  if (status.ok()) status = conn.Exec("COMMIT");
  // SQLite may already have rolled back (for example after an I/O error).
  if (!status.ok() && conn.InTransaction()) {
    absl::Status rollback = conn.Exec("ROLLBACK");
    if (!rollback.ok()) LogStoreProblem("rollback failed");
  }
  return status;
}

}  // namespace rapport::store::internal
