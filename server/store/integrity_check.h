// The integrity check of a SQLite database: at start-up (SqliteStore::Open,
// SqliteStoreOptions::integrity_check) and to confirm that a failure which
// SQLite reported as corruption is real before a caller is told DATA_LOSS.
#ifndef RAPPORT_SERVER_STORE_INTEGRITY_CHECK_H_
#define RAPPORT_SERVER_STORE_INTEGRITY_CHECK_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rapport::store {

enum class IntegrityCheck {
  kOff,
  // Seconds on any size: the header and the schema are read, every small
  // table (members, tenants, keys, goals, ...) and its indexes get SQLite's
  // quick_check, and each large table (events, daily counts, threads,
  // contacts, history, audit, feed) is opened and its first row read.
  kQuick,
  // SQLite's quick_check of the whole file: every page of every table and
  // index. Grows with the database (minutes on several GB).
  kFull,
};

// "off", "quick" or "full"; INVALID_ARGUMENT otherwise.
absl::StatusOr<IntegrityCheck> ParseIntegrityCheck(absl::string_view text);

namespace internal {

class Connection;

// Checks `conn`'s database at `level`. OK when sound (and for kOff);
// DATA_LOSS kStorageCorrupt when damaged (what is damaged goes to stderr);
// the storage statuses of sqlite_status.h when reading fails (an I/O error
// is not corruption); DEADLINE_EXCEEDED when `max_steps` (> 0; 0 for no
// bound) thousands of SQLite VM steps were not enough to finish.
absl::Status CheckIntegrity(Connection& conn, IntegrityCheck level,
                            int64_t max_steps = 0);

}  // namespace internal
}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_INTEGRITY_CHECK_H_
