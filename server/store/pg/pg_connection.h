// One PostgreSQL connection (libpq), its cache of prepared statements, and
// the typed parameters and results the PostgreSQL store's code works with.
//
// Not thread-safe: a connection is used by one thread at a time (PgPool
// leases each to one caller).
//
// Values travel as text: integers and times (Unix microseconds) as decimal
// BIGINT, reals as DOUBLE PRECISION written with round-trip precision, so a
// value read back is the value written.
#ifndef RAPPORT_SERVER_STORE_PG_PG_CONNECTION_H_
#define RAPPORT_SERVER_STORE_PG_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

struct pg_conn;
struct pg_result;

namespace rapport::store::pg {

// A statement's parameters, $1, $2, … in the order they are added.
class Params {
 public:
  Params() = default;

  Params& Add(absl::string_view text);
  Params& Add(const char* text) { return Add(absl::string_view(text)); }
  Params& Add(const std::string& text) { return Add(absl::string_view(text)); }
  Params& Add(int64_t value);
  Params& Add(int value) { return Add(static_cast<int64_t>(value)); }
  Params& Add(bool value) { return Add(static_cast<int64_t>(value ? 1 : 0)); }
  Params& Add(double value);
  // Unix microseconds.
  Params& AddTime(absl::Time time);
  // NULL when empty.
  Params& AddOptional(std::optional<int64_t> value);
  Params& AddOptionalTime(std::optional<absl::Time> time);
  Params& AddNull();
  // A text[] / bigint[] array literal, for statements that take a whole
  // batch as arrays ("SELECT … FROM unnest($1::text[], $2::bigint[])"):
  // one round trip for many rows.
  Params& AddTextArray(absl::Span<const std::string> values);
  Params& AddIntArray(absl::Span<const int64_t> values);

  int size() const { return static_cast<int>(values_.size()); }
  // For libpq: one pointer per parameter, nullptr for NULL. Valid while
  // this object is unchanged.
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

// The rows a statement returned. Column values are read by index.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* result);
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  int rows() const;
  // Rows an INSERT, UPDATE or DELETE changed.
  int64_t affected() const;
  bool IsNull(int row, int column) const;
  absl::string_view Text(int row, int column) const;
  std::string String(int row, int column) const {
    return std::string(Text(row, column));
  }
  int64_t Int(int row, int column) const;
  double Real(int row, int column) const;
  bool Bool(int row, int column) const { return Int(row, column) != 0; }
  absl::Time Time(int row, int column) const;
  std::optional<int64_t> OptionalInt(int row, int column) const;
  std::optional<absl::Time> OptionalTime(int row, int column) const;

  // The libpq result, for status checks.
  pg_result* raw_for_status() const { return result_; }

 private:
  pg_result* result_ = nullptr;
};

class Connection {
 public:
  // Connects to `uri` (a libpq connection URI or keyword string).
  // UNAVAILABLE when the server cannot be reached or refuses the
  // connection; the reason goes to stderr, never into the status.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& uri);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one statement with parameters. The statement is prepared on this
  // connection on first use and reused after. Errors map as PgError does.
  absl::StatusOr<Result> Exec(absl::string_view sql,
                              const Params& params = Params());

  // Runs `sql` (one or more statements, no parameters, rows ignored) with
  // the simple query protocol: DDL and transaction control.
  absl::Status ExecScript(const char* sql);

  // Runs `work` in one transaction: BEGIN, work, COMMIT. When work fails,
  // or COMMIT does, the transaction is rolled back and that error returned.
  absl::Status Transaction(absl::FunctionRef<absl::Status(Connection&)> work);

  // False once the connection was lost; the pool then replaces it.
  bool healthy() const;

  pg_conn* raw() const { return conn_; }

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}

  pg_conn* conn_;
  // SQL text -> the name of its prepared statement on this connection.
  absl::flat_hash_map<std::string, std::string> prepared_;
};

// A server-side failure as the store reports it (server/store/errors.h):
// the detail (SQLSTATE, server message, `context`) is logged, the status
// carries only the client-facing text. Serialization failures, deadlocks
// and lost connections are UNAVAILABLE kStorageBusy / kStorageIoError;
// disk full (53100) RESOURCE_EXHAUSTED kStorageFull; data corruption
// (XX001, XX002) DATA_LOSS; anything else INTERNAL.
absl::Status PgError(const pg_result* result, pg_conn* conn,
                     absl::string_view context);

// The SQLSTATE of a failed statement's status, when PgError made it; empty
// otherwise. Lets callers retry serialization failures (40001, 40P01) and
// treat unique violations (23505) as the outcome they expect.
std::string SqlStateOf(const absl::Status& status);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_CONNECTION_H_
