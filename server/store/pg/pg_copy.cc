#include "server/store/pg/pg_copy.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status_macros.h"
#include "server/store/pg/pg_copy_endpoint.h"
#include "server/store/pg/pg_copy_tables.h"

namespace rapport::store::pg {
namespace {

using copy::Endpoint;
using copy::Row;
using copy::TableSpec;

absl::Status CopyTable(const TableSpec& table, Endpoint& from, Endpoint& to,
                       const CopyOptions& options) {
  std::vector<Row> batch;
  int64_t copied = 0;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    RAPPORT_RETURN_IF_ERROR(to.Insert(table, batch));
    copied += static_cast<int64_t>(batch.size());
    batch.clear();
    if (options.progress != nullptr) {
      *options.progress << "copying " << table.name << ": " << copied
                        << " rows\n";
    }
    return absl::OkStatus();
  };
  RAPPORT_RETURN_IF_ERROR(
      from.Scan(table, /*by_key=*/false, [&](const Row& row) {
        batch.push_back(row);
        if (static_cast<int>(batch.size()) < options.batch_rows) {
          return absl::OkStatus();
        }
        return flush();
      }));
  return flush();
}

absl::Status Checksum(const TableSpec& table, Endpoint& side, int64_t& rows,
                      std::string& checksum) {
  copy::RowChecksum sum;
  rows = 0;
  RAPPORT_RETURN_IF_ERROR(
      side.Scan(table, /*by_key=*/true, [&](const Row& row) {
        sum.Add(row);
        ++rows;
        return absl::OkStatus();
      }));
  checksum = sum.Finish();
  return absl::OkStatus();
}

absl::StatusOr<CopyReport> CopyAndVerify(const CopyOptions& options,
                                         Endpoint& from, Endpoint& to) {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::string> held, to.NonEmptyTables());
  if (!held.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--to: the destination is not empty: it holds rows in ",
        absl::StrJoin(held, ", "), "; copy into an empty database"));
  }
  for (const TableSpec& table : copy::CopiedTables()) {
    RAPPORT_RETURN_IF_ERROR(CopyTable(table, from, to, options));
  }
  RAPPORT_RETURN_IF_ERROR(to.FinishInserts());
  CopyReport report;
  for (const TableSpec& table : copy::CopiedTables()) {
    if (options.progress != nullptr) {
      *options.progress << "verifying " << table.name << "\n";
    }
    TableCopy t;
    t.table = table.name;
    RAPPORT_RETURN_IF_ERROR(
        Checksum(table, from, t.source_rows, t.source_checksum));
    RAPPORT_RETURN_IF_ERROR(
        Checksum(table, to, t.destination_rows, t.destination_checksum));
    report.tables.push_back(std::move(t));
  }
  return report;
}

}  // namespace

absl::StatusOr<CopyReport> CopyDatabase(const CopyOptions& options) {
  if (options.batch_rows < 1) {
    return absl::InvalidArgumentError("batch_rows must be >= 1");
  }
  if (options.from.empty() || options.to.empty()) {
    return absl::InvalidArgumentError(
        options.from.empty() ? "--from is required" : "--to is required");
  }
  if (options.from == options.to) {
    return absl::InvalidArgumentError("--from and --to name the same database");
  }
  // The destination first: creating its schema needs no lock on the source.
  RAPPORT_ASSIGN_OR_RETURN(
      std::unique_ptr<Endpoint> to,
      copy::OpenEndpoint(options.to, "--to", /*destination=*/true));
  absl::StatusOr<std::unique_ptr<Endpoint>> from =
      copy::OpenEndpoint(options.from, "--from", /*destination=*/false);
  if (!from.ok()) {
    to->Abandon();
    return from.status();
  }
  absl::StatusOr<CopyReport> report = CopyAndVerify(options, **from, *to);
  (*from)->Abandon();
  if (!report.ok()) {
    to->Abandon();
    return report.status();
  }
  bool all_ok = true;
  for (const TableCopy& t : report->tables) all_ok = all_ok && t.ok();
  if (!all_ok) {
    to->Abandon();
    return report;
  }
  absl::Status committed = to->Commit();
  if (!committed.ok()) {
    to->Abandon();
    return committed;
  }
  report->committed = true;
  return report;
}

absl::StatusOr<std::vector<TableCopy>> ChecksumDatabase(const std::string& db) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::unique_ptr<Endpoint> side,
      copy::OpenEndpoint(db, "--from", /*destination=*/false));
  std::vector<TableCopy> tables;
  for (const TableSpec& table : copy::CopiedTables()) {
    TableCopy t;
    t.table = table.name;
    RAPPORT_RETURN_IF_ERROR(
        Checksum(table, *side, t.source_rows, t.source_checksum));
    tables.push_back(std::move(t));
  }
  side->Abandon();
  return tables;
}

}  // namespace rapport::store::pg
