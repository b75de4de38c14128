// Maps SQLite result codes to absl::Status, the store's one error table.
//
//   SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN,
//   SQLITE_PROTOCOL                  -> UNAVAILABLE (transient: retry)
//   SQLITE_FULL                      -> RESOURCE_EXHAUSTED (disk full)
//   SQLITE_CORRUPT, SQLITE_NOTADB    -> DATA_LOSS
//   anything else                    -> INTERNAL
//
// Messages are short and generic: they may reach an API caller, so they never
// carry SQL text, SQLite's own message or file paths. Those details go to one
// line on stderr for the operator.
#ifndef RAPPORT_SERVER_STORE_SQLITE_STATUS_H_
#define RAPPORT_SERVER_STORE_SQLITE_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace rapport::store::internal {

// The status for the SQLite result code `rc` (not SQLITE_OK/ROW/DONE). `db`
// (may be null) supplies the detailed message for the log line; `context`
// says what was being done (SQL text or an operation name), for the log only.
absl::Status SqliteError(int rc, sqlite3* db, absl::string_view context);

// Writes one diagnostic line to stderr.
void LogStoreProblem(absl::string_view what);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_SQLITE_STATUS_H_
