#include "server/store/pg/pg_copy_endpoint.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status_macros.h"
#include "server/store/errors.h"
#include "server/store/file_sync.h"
#include "server/store/migrations.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/pg/pg_migrations.h"
#include "server/store/pg/pg_store.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_statement.h"
#include "server/store/sqlite_store.h"

namespace rapport::store::pg::copy {
namespace {

// Rows a PostgreSQL read fetches at once.
constexpr int kFetchRows = 2000;
// PostgreSQL takes at most 65535 parameters in one statement.
constexpr int kMaxParams = 60000;

std::string ColumnList(const TableSpec& table) {
  return absl::StrJoin(table.columns, ", ",
                       [](std::string* out, const Column& c) {
                         absl::StrAppend(out, "\"", c.name, "\"");
                       });
}

// Text compares byte by byte on both sides: SQLite's BINARY collation and
// PostgreSQL's "C" give the same order for UTF-8.
std::string KeyOrder(const TableSpec& table, bool pg) {
  std::vector<std::string> terms;
  for (int k : table.key) {
    const Column& c = table.columns[k];
    terms.push_back(absl::StrCat(
        "\"", c.name, "\"",
        pg && c.type == ColumnType::kText ? " COLLATE \"C\"" : ""));
  }
  return absl::StrJoin(terms, ", ");
}

absl::Status InUse(const std::string& flag, const std::string& db) {
  return absl::AbortedError(absl::StrCat(
      flag, ": the database", db.empty() ? "" : " ", db,
      " is in use: stop rapportd (and any other program that has it open) "
      "before copying"));
}

class SqliteEndpoint final : public Endpoint {
 public:
  SqliteEndpoint(std::unique_ptr<internal::Connection> conn, std::string path,
                 bool remove_on_abandon)
      : conn_(std::move(conn)),
        path_(std::move(path)),
        remove_on_abandon_(remove_on_abandon) {}
  ~SqliteEndpoint() override {
    if (open_) Abandon();
  }

  absl::Status Scan(const TableSpec& table, bool by_key,
                    absl::FunctionRef<absl::Status(const Row&)> row) override {
    // SQLite's events are numbered in ingest order.
    const std::string order =
        !by_key && table.name == "events" ? "\"id\"" : KeyOrder(table, false);
    RAPPORT_ASSIGN_OR_RETURN(
        internal::Statement select,
        conn_->Prepare(absl::StrCat("SELECT ", ColumnList(table), " FROM \"",
                                    table.name, "\" ORDER BY ", order)));
    Row values(table.columns.size());
    while (true) {
      RAPPORT_ASSIGN_OR_RETURN(bool more, select.Step());
      if (!more) return absl::OkStatus();
      for (size_t i = 0; i < table.columns.size(); ++i) {
        const int col = static_cast<int>(i);
        if (select.ColumnIsNull(col)) {
          values[i].reset();
        } else if (table.columns[i].type == ColumnType::kInt) {
          values[i] = absl::StrCat(select.ColumnInt64(col));
        } else if (table.columns[i].type == ColumnType::kReal) {
          values[i] = RealText(select.ColumnDouble(col));
        } else {
          values[i] = select.ColumnText(col);
        }
      }
      RAPPORT_RETURN_IF_ERROR(row(values));
    }
  }

  absl::Status Insert(const TableSpec& table,
                      const std::vector<Row>& rows) override {
    std::vector<std::string> marks(table.columns.size(), "?");
    const std::string sql =
        absl::StrCat("INSERT INTO \"", table.name, "\" (", ColumnList(table),
                     ") VALUES (", absl::StrJoin(marks, ", "), ")");
    for (const Row& values : rows) {
      RAPPORT_ASSIGN_OR_RETURN(internal::Statement insert, conn_->Prepare(sql));
      for (size_t i = 0; i < values.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        if (!values[i].has_value()) {
          insert.BindNull(index);
        } else if (table.columns[i].type == ColumnType::kInt) {
          int64_t v = 0;
          if (!absl::SimpleAtoi(*values[i], &v)) {
            return absl::InternalError("a copied integer cannot be read");
          }
          insert.BindInt64(index, v);
        } else if (table.columns[i].type == ColumnType::kReal) {
          insert.BindDouble(index, std::strtod(values[i]->c_str(), nullptr));
        } else {
          insert.BindText(index, *values[i]);
        }
      }
      RAPPORT_RETURN_IF_ERROR(insert.Run());
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> NonEmptyTables() override {
    std::vector<std::string> tables;
    for (const TableSpec& table : CopiedTables()) {
      RAPPORT_ASSIGN_OR_RETURN(
          internal::Statement any,
          conn_->Prepare(
              absl::StrCat("SELECT 1 FROM \"", table.name, "\" LIMIT 1")));
      RAPPORT_ASSIGN_OR_RETURN(bool found, any.Step());
      if (found) tables.push_back(table.name);
    }
    return tables;
  }

  absl::Status FinishInserts() override { return absl::OkStatus(); }

  absl::Status Commit() override {
    open_ = false;
    return conn_->Exec("COMMIT");
  }

  void Abandon() override {
    if (open_) conn_->Exec("ROLLBACK").IgnoreError();
    open_ = false;
    if (remove_on_abandon_) {
      conn_.reset();
      internal::RemoveDatabaseFiles(path_);
      remove_on_abandon_ = false;
    }
  }

 private:
  std::unique_ptr<internal::Connection> conn_;
  const std::string path_;
  bool remove_on_abandon_;
  bool open_ = true;
};

absl::StatusOr<int> SqliteSchemaVersion(internal::Connection& conn) {
  RAPPORT_ASSIGN_OR_RETURN(
      internal::Statement has,
      conn.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                   "name = 'schema_migrations'"));
  RAPPORT_ASSIGN_OR_RETURN(bool found, has.Step());
  if (!found) return 0;
  return internal::SchemaVersion(conn);
}

absl::StatusOr<std::unique_ptr<Endpoint>> OpenSqlite(const std::string& path,
                                                     const std::string& flag,
                                                     bool destination) {
  const bool existed = internal::PathExists(path);
  if (!destination && !existed) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, ": there is no such file"));
  }
  if (destination) {
    SqliteStoreOptions options;
    options.path = path;
    options.reader_connections = 1;
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(options);
    if (!store.ok()) {
      if (store.status().message() == kStorageBusy) return InUse(flag, path);
      return absl::Status(
          store.status().code(),
          absl::StrCat(flag, ": ", path, ": ", store.status().message()));
    }
  }
  absl::StatusOr<std::unique_ptr<internal::Connection>> conn =
      internal::Connection::Open(path, internal::Connection::Access::kReadWrite,
                                 absl::ZeroDuration());
  absl::Status status = conn.status();
  if (status.ok()) {
    // Held until the copy ends: a server cannot write meanwhile, and one
    // that has the file open makes this fail.
    status = (*conn)->Exec(
        "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
        "SELECT count(*) FROM sqlite_master");
  }
  int version = 0;
  if (status.ok()) {
    absl::StatusOr<int> v = SqliteSchemaVersion(**conn);
    status = v.status();
    if (v.ok()) version = *v;
  }
  if (!status.ok()) {
    if (destination && !existed) internal::RemoveDatabaseFiles(path);
    if (status.message() == kStorageBusy) return InUse(flag, path);
    if (absl::IsDataLoss(status)) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": ", path, " is not a database, or it is damaged"));
    }
    return absl::Status(status.code(),
                        absl::StrCat(flag, ": ", path, ": ", status.message()));
  }
  const int latest = internal::StoreMigrations().back().version;
  if (version != latest) {
    return absl::FailedPreconditionError(absl::StrCat(
        flag, ": ", path,
        version == 0 ? " holds no Rapport database"
                     : absl::StrCat(" has schema version ", version,
                                    "; this build copies version ", latest,
                                    ": start this build's rapportd on it once "
                                    "to bring it up to date")));
  }
  return std::unique_ptr<Endpoint>(
      new SqliteEndpoint(*std::move(conn), path, destination && !existed));
}

class PgEndpoint final : public Endpoint {
 public:
  explicit PgEndpoint(std::unique_ptr<Connection> conn)
      : conn_(std::move(conn)) {}
  ~PgEndpoint() override {
    if (open_) Abandon();
  }

  absl::Status Scan(const TableSpec& table, bool by_key,
                    absl::FunctionRef<absl::Status(const Row&)> row) override {
    const std::string order =
        !by_key && table.name == "events"
            ? "tenant COLLATE \"C\", occur_time, event_id COLLATE \"C\""
            : KeyOrder(table, true);
    const std::string declare = absl::StrCat(
        "DECLARE copy_rows NO SCROLL CURSOR FOR SELECT ", ColumnList(table),
        " FROM \"", table.name, "\" ORDER BY ", order);
    RAPPORT_RETURN_IF_ERROR(conn_->ExecScript(declare.c_str()));
    Row values(table.columns.size());
    while (true) {
      RAPPORT_ASSIGN_OR_RETURN(
          Result page,
          Query(absl::StrCat("FETCH FORWARD ", kFetchRows, " FROM copy_rows")));
      for (int r = 0; r < page.rows(); ++r) {
        for (size_t i = 0; i < table.columns.size(); ++i) {
          const int col = static_cast<int>(i);
          if (page.IsNull(r, col)) {
            values[i].reset();
          } else if (table.columns[i].type == ColumnType::kReal) {
            values[i] = RealText(page.Real(r, col));
          } else if (table.columns[i].type == ColumnType::kInt) {
            values[i] = absl::StrCat(page.Int(r, col));
          } else {
            values[i] = page.String(r, col);
          }
        }
        RAPPORT_RETURN_IF_ERROR(row(values));
      }
      if (page.rows() < kFetchRows) break;
    }
    return conn_->ExecScript("CLOSE copy_rows");
  }

  absl::Status Insert(const TableSpec& table,
                      const std::vector<Row>& rows) override {
    const size_t width = table.columns.size();
    const size_t per_statement = kMaxParams / width;
    for (size_t start = 0; start < rows.size(); start += per_statement) {
      const size_t end = std::min(rows.size(), start + per_statement);
      std::string sql = absl::StrCat(
          "INSERT INTO \"", table.name, "\" (", ColumnList(table), ") ",
          table.name == "audit_log" ? "OVERRIDING SYSTEM VALUE " : "",
          "VALUES ");
      Params params;
      for (size_t r = start; r < end; ++r) {
        absl::StrAppend(&sql, r == start ? "(" : ", (");
        for (size_t i = 0; i < width; ++i) {
          absl::StrAppend(&sql, i == 0 ? "$" : ", $", params.size() + 1);
          if (rows[r][i].has_value()) {
            params.Add(*rows[r][i]);
          } else {
            params.AddNull();
          }
        }
        absl::StrAppend(&sql, ")");
      }
      RAPPORT_RETURN_IF_ERROR(conn_->Exec(sql, params).status());
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> NonEmptyTables() override {
    std::vector<std::string> tables;
    for (const TableSpec& table : CopiedTables()) {
      RAPPORT_ASSIGN_OR_RETURN(
          Result any, conn_->Exec(absl::StrCat("SELECT 1 FROM \"", table.name,
                                               "\" LIMIT 1")));
      if (any.rows() > 0) tables.push_back(table.name);
    }
    return tables;
  }

  absl::Status FinishInserts() override {
    // The identity continues after the copied entries, so that new entries
    // come after them.
    return conn_
        ->Exec(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), max(id)) "
            "FROM audit_log HAVING count(*) > 0")
        .status();
  }

  absl::Status Commit() override {
    open_ = false;
    return conn_->ExecScript("COMMIT");
  }

  void Abandon() override {
    if (open_) conn_->ExecScript("ROLLBACK").IgnoreError();
    open_ = false;
  }

 private:
  // FETCH, which cannot be prepared, with the simple query protocol.
  absl::StatusOr<Result> Query(const std::string& sql) {
    Result result(PQexec(conn_->raw(), sql.c_str()));
    if (PQresultStatus(result.raw_for_status()) != PGRES_TUPLES_OK) {
      return PgError(result.raw_for_status(), conn_->raw(), "copy: fetch");
    }
    return result;
  }

  std::unique_ptr<Connection> conn_;
  bool open_ = true;
};

absl::StatusOr<std::unique_ptr<Endpoint>> OpenPg(const std::string& uri,
                                                 const std::string& flag,
                                                 bool destination) {
  auto named = [&flag](const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat(flag, ": ", status.message()));
  };
  if (destination) {
    PgStoreOptions options;
    options.uri = uri;
    options.connections = 1;
    absl::StatusOr<std::unique_ptr<PgStore>> store = PgStore::Open(options);
    if (!store.ok()) return named(store.status());
  }
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(uri);
  if (!conn.ok()) return named(conn.status());
  // A source is read in one snapshot; writers of either side wait (up to
  // the lock timeout) until the copy ends.
  std::string begin =
      absl::StrCat("SET lock_timeout = '10s'; BEGIN ISOLATION LEVEL ",
                   destination ? "READ COMMITTED" : "REPEATABLE READ", ";");
  if (!destination) {
    absl::StatusOr<Result> version = (*conn)->Exec(
        "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 "
        "END");
    if (!version.ok()) return named(version.status());
    int64_t v = 0;
    if (version->IsNull(0, 0)) {
      absl::StatusOr<Result> max = (*conn)->Exec(
          "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      if (!max.ok()) return named(max.status());
      v = max->Int(0, 0);
    }
    if (v != LatestPgSchemaVersion()) {
      return absl::FailedPreconditionError(absl::StrCat(
          flag, v == 0 ? ": the database holds no Rapport schema"
                       : absl::StrCat(": the database has schema version ", v,
                                      "; this build copies version ",
                                      LatestPgSchemaVersion())));
    }
  }
  std::vector<std::string> names;
  for (const TableSpec& table : CopiedTables()) {
    names.push_back(absl::StrCat("\"", table.name, "\""));
  }
  absl::StrAppend(
      &begin, " LOCK TABLE ", absl::StrJoin(names, ", "),
      destination ? " IN SHARE ROW EXCLUSIVE MODE" : " IN SHARE MODE");
  absl::Status locked = (*conn)->ExecScript(begin.c_str());
  if (!locked.ok()) {
    if (SqlStateOf(locked) == "55P03") return InUse(flag, "");
    return named(locked);
  }
  return std::unique_ptr<Endpoint>(new PgEndpoint(*std::move(conn)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Endpoint>> OpenEndpoint(const std::string& db,
                                                       const std::string& flag,
                                                       bool destination) {
  if (db.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag,
                     " is required: a SQLite file or a postgresql:// "
                     "URI"));
  }
  if (IsPgUri(db)) return OpenPg(db, flag, destination);
  return OpenSqlite(db, flag, destination);
}

}  // namespace rapport::store::pg::copy
