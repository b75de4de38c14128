// Maps SQLite result codes to absl::Status, the store's one error table.
//
//   SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN,
//   SQLITE_PROTOCOL                  -> UNAVAILABLE (transient: retry)
//   SQLITE_FULL                      -> RESOURCE_EXHAUSTED (disk full)
//   SQLITE_CORRUPT, SQLITE_NOTADB    -> DATA_LOSS
//   anything else                    -> INTERNAL
//
// An I/O error on a filesystem with no space left is a full disk (SQLite
// reports ENOSPC as SQLITE_FULL only for writes to the files themselves; a
// shared-memory file that cannot grow, for example, is an I/O error):
// RefineForFullDisk turns it into RESOURCE_EXHAUSTED.
//
// Messages are short and generic: they may reach an API caller, so they never
// carry SQL text, SQLite's own message or file paths. Those details go to one
// line on stderr for the operator.
#ifndef RAPPORT_SERVER_STORE_SQLITE_STATUS_H_
#define RAPPORT_SERVER_STORE_SQLITE_STATUS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace rapport::store::internal {

// The status for the SQLite result code `rc` (not SQLITE_OK/ROW/DONE). `db`
// (may be null) supplies the detailed message for the log line; `context`
// says what was being done (SQL text or an operation name), for the log only.
absl::Status SqliteError(int rc, sqlite3* db, absl::string_view context);

// Below this many bytes available to the server on the filesystem holding a
// database, that filesystem counts as full.
inline constexpr int64_t kFullDiskBytes = int64_t{1} << 20;

// Bytes available on the filesystem holding `path` (the file or, when it
// does not exist yet, its directory); -1 when unknown (":memory:", an
// error).
int64_t FreeDiskBytes(const std::string& path);

// `status`, or RESOURCE_EXHAUSTED kStorageFull when `status` is the
// storage I/O error and the filesystem holding `path` is full.
absl::Status RefineForFullDisk(absl::Status status, const std::string& path);

// Writes one diagnostic line to stderr.
void LogStoreProblem(absl::string_view what);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_SQLITE_STATUS_H_
