// A prepared SQLite statement borrowed from a Connection's cache (or owned,
// when the cached one is already in use). On destruction it is reset and its
// bindings cleared, so the next user starts clean and no read snapshot is held
// open by a forgotten statement.
//
// Not thread-safe: a Statement is used by the thread that holds its
// Connection.
#ifndef RAPPORT_SERVER_STORE_SQLITE_STATEMENT_H_
#define RAPPORT_SERVER_STORE_SQLITE_STATEMENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct sqlite3_stmt;

namespace rapport::store::internal {

class Statement {
 public:
  // `in_use` is the cache's busy flag for a borrowed statement (cleared on
  // destruction); null means the Statement owns `stmt` and finalizes it.
  Statement(sqlite3_stmt* stmt, bool* in_use);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds parameter `index` (1-based, as SQLite counts). A failed bind is
  // remembered and returned by the next Step() or Run(). Text is copied.
  void BindInt64(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, absl::string_view value);
  // As BindText without the copy, for the hot paths of ingest: `value` must
  // stay valid until this Statement is destroyed (which unbinds it).
  void BindTextRef(int index, absl::string_view value);
  void BindNull(int index);
  void BindTime(int index, absl::Time value);  // Unix microseconds.
  void BindOptionalTime(int index, const std::optional<absl::Time>& value);

  // Advances to the next row: true when a row is available, false when done.
  // Errors map as in sqlite_status.h.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows to completion.
  absl::Status Run();

  // Columns of the current row (0-based, as SQLite counts).
  int64_t ColumnInt64(int col) const;
  double ColumnDouble(int col) const;
  std::string ColumnText(int col) const;
  // The text of the column, valid until the next Step or the statement's
  // end.
  absl::string_view ColumnView(int col) const;
  bool ColumnIsNull(int col) const;
  absl::Time ColumnTime(int col) const;
  std::optional<absl::Time> ColumnOptionalTime(int col) const;

 private:
  absl::Status Fail(int rc) const;

  sqlite3_stmt* stmt_;
  bool* in_use_;
  int bind_rc_ = 0;  // SQLITE_OK
};

// Times in the database are int64 Unix microseconds.
int64_t ToMicros(absl::Time t);
absl::Time FromMicros(int64_t micros);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_SQLITE_STATEMENT_H_
