#include "server/store/pg/pg_connection.h"

#include <libpq-fe.h>

#include <cstdio>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/store/errors.h"

namespace rapport::store::pg {
namespace {

// The status payload that carries a failure's SQLSTATE.
constexpr char kSqlStatePayload[] = "rapport.store.pg/sqlstate";

void LogProblem(absl::string_view what) {
  std::string line = absl::StrCat("rapport store (postgresql): ", what, "\n");
  std::fputs(line.c_str(), stderr);
}

// libpq's notices (NOTICE, WARNING) are not for the server's log.
void IgnoreNotice(void*, const char*) {}

}  // namespace

Params& Params::Add(absl::string_view text) {
  values_.emplace_back(text);
  nulls_.push_back(false);
  return *this;
}

Params& Params::Add(int64_t value) {
  values_.push_back(absl::StrCat(value));
  nulls_.push_back(false);
  return *this;
}

Params& Params::Add(double value) {
  values_.push_back(absl::StrFormat("%.17g", value));
  nulls_.push_back(false);
  return *this;
}

Params& Params::AddTime(absl::Time time) {
  return Add(static_cast<int64_t>(absl::ToUnixMicros(time)));
}

Params& Params::AddOptional(std::optional<int64_t> value) {
  return value.has_value() ? Add(*value) : AddNull();
}

Params& Params::AddOptionalTime(std::optional<absl::Time> time) {
  return time.has_value() ? AddTime(*time) : AddNull();
}

Params& Params::AddTextArray(absl::Span<const std::string> values) {
  std::string array = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) array += ',';
    array += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  array += '}';
  return Add(array);
}

Params& Params::AddIntArray(absl::Span<const int64_t> values) {
  return Add(absl::StrCat("{", absl::StrJoin(values, ","), "}"));
}

Params& Params::AddNull() {
  values_.emplace_back();
  nulls_.push_back(true);
  return *this;
}

std::vector<const char*> Params::Pointers() const {
  std::vector<const char*> pointers(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    pointers[i] = nulls_[i] ? nullptr : values_[i].c_str();
  }
  return pointers;
}

Result::Result(pg_result* result) : result_(result) {}

Result::Result(Result&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Result::~Result() {
  if (result_ != nullptr) PQclear(result_);
}

int Result::rows() const { return result_ == nullptr ? 0 : PQntuples(result_); }

int64_t Result::affected() const {
  if (result_ == nullptr) return 0;
  int64_t count = 0;
  return absl::SimpleAtoi(PQcmdTuples(result_), &count) ? count : 0;
}

bool Result::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

absl::string_view Result::Text(int row, int column) const {
  return absl::string_view(PQgetvalue(result_, row, column),
                           PQgetlength(result_, row, column));
}

int64_t Result::Int(int row, int column) const {
  int64_t value = 0;
  return absl::SimpleAtoi(Text(row, column), &value) ? value : 0;
}

double Result::Real(int row, int column) const {
  double value = 0;
  return absl::SimpleAtod(Text(row, column), &value) ? value : 0;
}

absl::Time Result::Time(int row, int column) const {
  return absl::FromUnixMicros(Int(row, column));
}

std::optional<int64_t> Result::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

std::optional<absl::Time> Result::OptionalTime(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Time(row, column);
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr) {
    LogProblem("out of memory connecting");
    return absl::UnavailableError(kStorageIoError);
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    LogProblem(absl::StrCat("cannot connect: ", PQerrorMessage(conn)));
    PQfinish(conn);
    return absl::UnavailableError(kStorageIoError);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

absl::StatusOr<Result> Connection::Exec(absl::string_view sql,
                                        const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = absl::StrCat("s", prepared_.size() + 1);
    std::string text(sql);
    Result prepared(PQprepare(conn_, name.c_str(), text.c_str(), 0,
                              /*paramTypes=*/nullptr));
    if (PQresultStatus(prepared.raw_for_status()) != PGRES_COMMAND_OK) {
      return PgError(prepared.raw_for_status(), conn_,
                     absl::StrCat("preparing ", sql));
    }
    it = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  std::vector<const char*> values = params.Pointers();
  Result result(PQexecPrepared(conn_, it->second.c_str(), params.size(),
                               values.data(), /*paramLengths=*/nullptr,
                               /*paramFormats=*/nullptr, /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(result.raw_for_status());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return PgError(result.raw_for_status(), conn_, sql);
  }
  return result;
}

absl::Status Connection::ExecScript(const char* sql) {
  Result result(PQexec(conn_, sql));
  const ExecStatusType status = PQresultStatus(result.raw_for_status());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return PgError(result.raw_for_status(), conn_, sql);
  }
  return absl::OkStatus();
}

absl::Status Connection::Transaction(
    absl::FunctionRef<absl::Status(Connection&)> work) {
  if (absl::Status begun = ExecScript("BEGIN"); !begun.ok()) return begun;
  absl::Status status = work(*this);
  if (status.ok()) status = ExecScript("COMMIT");
  if (!status.ok() && healthy()) {
    // After a failed COMMIT the transaction is over already; ROLLBACK then
    // only warns.
    (void)ExecScript("ROLLBACK");
  }
  return status;
}

absl::Status PgError(const pg_result* result, pg_conn* conn,
                     absl::string_view context) {
  const char* state_field = result != nullptr
                                ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                                : nullptr;
  const std::string state = state_field != nullptr ? state_field : "";
  const char* message = result != nullptr && PQresultErrorMessage(result)[0]
                            ? PQresultErrorMessage(result)
                            : PQerrorMessage(conn);
  LogProblem(absl::StrCat(context, ": ", message, " (sqlstate ",
                          state.empty() ? "none" : state, ")"));
  absl::Status status;
  if (PQstatus(conn) != CONNECTION_OK || state.empty() ||
      state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
    // The connection is gone (or the server is shutting down).
    status = absl::UnavailableError(kStorageIoError);
  } else if (state == "40001" || state == "40P01" || state == "55P03" ||
             state == "53300") {
    status = absl::UnavailableError(kStorageBusy);
  } else if (state == "53100") {
    status = absl::ResourceExhaustedError(kStorageFull);
  } else if (state == "XX001" || state == "XX002") {
    status = absl::DataLossError(kStorageCorrupt);
  } else if (state.rfind("58", 0) == 0) {
    status = absl::UnavailableError(kStorageIoError);
  } else {
    status = absl::InternalError(kStorageInternal);
  }
  if (!state.empty()) status.SetPayload(kSqlStatePayload, absl::Cord(state));
  return status;
}

std::string SqlStateOf(const absl::Status& status) {
  auto state = status.GetPayload(kSqlStatePayload);
  return state.has_value() ? std::string(*state) : std::string();
}

}  // namespace rapport::store::pg
