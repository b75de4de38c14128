#include "server/store/database_file.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/file_sync.h"
#include "server/store/migrations.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_status.h"

namespace rapport::store {

using internal::Connection;
using internal::Statement;

namespace {

// The tables every Rapport schema has had since version 1.
absl::Status CheckRapportSchema(Connection& conn) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement tables,
      conn.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                   "AND name IN ('schema_migrations', 'members', 'events')"));
  RAPPORT_ASSIGN_OR_RETURN(bool row, tables.Step());
  if (!row || tables.ColumnInt64(0) != 3) {
    return absl::FailedPreconditionError(
        "the file is a SQLite database but not a Rapport database");
  }
  return absl::OkStatus();
}

absl::Status QuickCheck(Connection& conn) {
  RAPPORT_ASSIGN_OR_RETURN(Statement check, conn.Prepare("PRAGMA quick_check"));
  RAPPORT_ASSIGN_OR_RETURN(bool row, check.Step());
  if (!row || check.ColumnText(0) != "ok") {
    internal::LogStoreProblem(
        absl::StrCat("quick_check: ", row ? check.ColumnText(0) : ""));
    return absl::DataLossError("the database is damaged (quick_check failed)");
  }
  return absl::OkStatus();
}

absl::Status CountContents(Connection& conn, DatabaseContents& contents) {
  std::map<TenantId, TenantContents> tenants;
  RAPPORT_ASSIGN_OR_RETURN(
      Statement members,
      conn.Prepare("SELECT tenant, count(*) FROM members GROUP BY tenant"));
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, members.Step());
    if (!row) break;
    TenantContents& t = tenants[members.ColumnText(0)];
    t.members = members.ColumnInt64(1);
  }
  RAPPORT_ASSIGN_OR_RETURN(
      Statement events,
      conn.Prepare("SELECT tenant, count(*) FROM events GROUP BY tenant"));
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, events.Step());
    if (!row) break;
    TenantContents& t = tenants[events.ColumnText(0)];
    t.events = events.ColumnInt64(1);
    contents.event_count += t.events;
  }
  for (auto& [id, t] : tenants) {
    t.tenant = id;
    contents.tenants.push_back(t);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DatabaseContents> CheckDatabaseFile(const std::string& path) {
  if (!internal::PathExists(path)) {
    return absl::NotFoundError("there is no such file");
  }
  RAPPORT_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> conn,
      Connection::Open(path, Connection::Access::kReadWrite,
                       absl::ZeroDuration()));
  // A copy of a WAL database says so in its header: taking it out of WAL
  // mode copies any log into the file and leaves one file to move about.
  {
    RAPPORT_ASSIGN_OR_RETURN(Statement mode,
                             conn->Prepare("PRAGMA journal_mode = DELETE"));
    RAPPORT_ASSIGN_OR_RETURN(bool row, mode.Step());
    if (!row || mode.ColumnText(0) != "delete") {
      return absl::UnavailableError(
          "the database cannot leave write-ahead-log mode");
    }
  }
  RAPPORT_RETURN_IF_ERROR(QuickCheck(*conn));
  RAPPORT_RETURN_IF_ERROR(CheckRapportSchema(*conn));
  DatabaseContents contents;
  RAPPORT_ASSIGN_OR_RETURN(contents.schema_version,
                           internal::SchemaVersion(*conn));
  const int known = static_cast<int>(internal::StoreMigrations().size());
  if (contents.schema_version > known) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database has schema version ", contents.schema_version,
        ", newer than this build knows (", known, ")"));
  }
  RAPPORT_RETURN_IF_ERROR(CountContents(*conn, contents));
  return contents;
}

}  // namespace rapport::store
