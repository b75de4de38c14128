#include "server/store/sqlite_statement.h"

#include <sqlite3.h>

#include <utility>

#include "server/store/sqlite_status.h"

namespace rapport::store::internal {

Statement::Statement(sqlite3_stmt* stmt, bool* in_use)
    : stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  // The result of reset repeats the last step's error, already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

void Statement::BindInt64(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindDouble(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindText(int index, absl::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindTextRef(int index, absl::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                               SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindTime(int index, absl::Time value) {
  BindInt64(index, ToMicros(value));
}

void Statement::BindOptionalTime(int index,
                                 const std::optional<absl::Time>& value) {
  if (value.has_value()) {
    BindTime(index, *value);
  } else {
    BindNull(index);
  }
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return Fail(bind_rc_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(rc);
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  while (*row) {
    row = Step();
    if (!row.ok()) return row.status();
  }
  return absl::OkStatus();
}

int64_t Statement::ColumnInt64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::ColumnDouble(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string Statement::ColumnText(int col) const {
  return std::string(ColumnView(col));
}

absl::string_view Statement::ColumnView(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return absl::string_view();
  return absl::string_view(reinterpret_cast<const char*>(text),
                           sqlite3_column_bytes(stmt_, col));
}

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

absl::Time Statement::ColumnTime(int col) const {
  return FromMicros(ColumnInt64(col));
}

std::optional<absl::Time> Statement::ColumnOptionalTime(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnTime(col);
}

absl::Status Statement::Fail(int rc) const {
  return SqliteError(rc, sqlite3_db_handle(stmt_), sqlite3_sql(stmt_));
}

int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }

absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

}  // namespace rapport::store::internal
