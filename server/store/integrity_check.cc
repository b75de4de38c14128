#include "server/store/integrity_check.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status_macros.h"
#include "server/store/errors.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_status.h"

namespace rapport::store {

absl::StatusOr<IntegrityCheck> ParseIntegrityCheck(absl::string_view text) {
  if (text == "off") return IntegrityCheck::kOff;
  if (text == "quick") return IntegrityCheck::kQuick;
  if (text == "full") return IntegrityCheck::kFull;
  return absl::InvalidArgumentError(
      "integrity_check must be off, quick or full");
}

namespace internal {
namespace {

// The tables that grow with events and days: a quick check reads only
// their first row. Every other table is small (per member at most) and is
// checked page by page.
constexpr absl::string_view kLargeTables[] = {
    "events",        "daily_counts", "threads",       "contacts",
    "score_history", "audit_log",    "score_changes", "history_work"};

bool IsLarge(absl::string_view table) {
  for (absl::string_view large : kLargeTables) {
    if (table == large) return true;
  }
  return false;
}

// Stops a statement after a number of progress callbacks.
struct StepBudget {
  int64_t left = 0;  // 0: unbounded.
  bool exhausted = false;
};

int OnProgress(void* arg) {
  auto* budget = static_cast<StepBudget*>(arg);
  if (budget->left == 0) return 0;
  if (--budget->left == 0) {
    budget->exhausted = true;
    return 1;
  }
  return 0;
}

// Runs `sql` and appends column 0 of every row to `rows`.
absl::Status Collect(Connection& conn, const std::string& sql,
                     const StepBudget& budget, std::vector<std::string>& rows) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(conn.db(), sql.c_str(), -1, &stmt, nullptr);
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      rows.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text)
                                        : "");
    }
  }
  absl::Status status = absl::OkStatus();
  if (rc != SQLITE_DONE) {
    if (budget.exhausted) {
      status = absl::DeadlineExceededError(
          "the integrity check did not finish within its budget");
    } else {
      status = SqliteError(rc, conn.db(), "integrity check");
    }
  }
  sqlite3_finalize(stmt);
  return status;
}

// DATA_LOSS when quick_check's rows report damage.
absl::Status Verdict(const std::vector<std::string>& rows,
                     absl::string_view what) {
  if (rows.size() == 1 && rows[0] == "ok") return absl::OkStatus();
  std::vector<std::string> shown(
      rows.begin(), rows.begin() + std::min<size_t>(rows.size(), 5));
  LogStoreProblem(absl::StrCat("integrity check of ", what,
                               " failed: ", absl::StrJoin(shown, "; ")));
  return absl::DataLossError(kStorageCorrupt);
}

// Runs `sql` (from sqlite3_mprintf, freed here) and appends its rows.
absl::Status CollectOwned(Connection& conn, char* sql, const StepBudget& budget,
                          std::vector<std::string>& rows) {
  if (sql == nullptr) return absl::ResourceExhaustedError("out of memory");
  absl::Status status = Collect(conn, sql, budget, rows);
  sqlite3_free(sql);
  return status;
}

// Reads the first row of a large table from its own b-tree (not from a
// covering index) and the first entry of each of its indexes but partial
// ones (whose use needs their condition): each from the root page down.
absl::Status FirstRows(Connection& conn, const std::string& table,
                       const StepBudget& budget) {
  std::vector<std::string> rows;
  RAPPORT_RETURN_IF_ERROR(
      CollectOwned(conn,
                   sqlite3_mprintf("SELECT * FROM \"%w\" NOT INDEXED LIMIT 1",
                                   table.c_str()),
                   budget, rows));
  std::vector<std::string> indexes;
  RAPPORT_RETURN_IF_ERROR(CollectOwned(
      conn,
      sqlite3_mprintf("SELECT name FROM sqlite_schema WHERE type = 'index' "
                      "AND tbl_name = %Q AND (sql IS NULL OR sql NOT LIKE "
                      "'%% WHERE %%')",
                      table.c_str()),
      budget, indexes));
  for (const std::string& index : indexes) {
    RAPPORT_RETURN_IF_ERROR(CollectOwned(
        conn,
        sqlite3_mprintf("SELECT 1 FROM \"%w\" INDEXED BY \"%w\" LIMIT 1",
                        table.c_str(), index.c_str()),
        budget, rows));
  }
  return absl::OkStatus();
}

absl::Status CheckQuick(Connection& conn, const StepBudget& budget) {
  // The header and the schema: a file that is not a database or whose
  // schema is damaged fails here with NOTADB or CORRUPT.
  std::vector<std::string> tables;
  RAPPORT_RETURN_IF_ERROR(
      Collect(conn, "SELECT name FROM sqlite_schema WHERE type = 'table'",
              budget, tables));
  for (const std::string& table : tables) {
    std::vector<std::string> rows;
    // Table names are the schema's own; quoted as identifiers anyway.
    char* quoted = sqlite3_mprintf("%w", table.c_str());
    const std::string name = quoted != nullptr ? quoted : "";
    sqlite3_free(quoted);
    if (IsLarge(table)) {
      RAPPORT_RETURN_IF_ERROR(FirstRows(conn, table, budget));
      continue;
    }
    RAPPORT_RETURN_IF_ERROR(
        Collect(conn, absl::StrCat("PRAGMA quick_check(\"", name, "\")"),
                budget, rows));
    RAPPORT_RETURN_IF_ERROR(Verdict(rows, absl::StrCat("table ", table)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckIntegrity(Connection& conn, IntegrityCheck level,
                            int64_t max_steps) {
  if (level == IntegrityCheck::kOff) return absl::OkStatus();
  StepBudget budget{.left = max_steps};
  sqlite3_progress_handler(conn.db(), 1000, &OnProgress, &budget);
  absl::Status status = CheckQuick(conn, budget);
  if (status.ok() && level == IntegrityCheck::kFull) {
    std::vector<std::string> rows;
    status = Collect(conn, "PRAGMA quick_check", budget, rows);
    if (status.ok()) status = Verdict(rows, "the database");
  }
  sqlite3_progress_handler(conn.db(), 0, nullptr, nullptr);
  return status;
}

}  // namespace internal
}  // namespace rapport::store
