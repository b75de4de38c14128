// Restoring a backup: an offline step, `rapport admin restore`, taken while
// no server has the database open.
#ifndef RAPPORT_SERVER_STORE_RESTORE_H_
#define RAPPORT_SERVER_STORE_RESTORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/store/database_file.h"

namespace rapport::store {

struct RestoreOptions {
  std::string backup;  // The backup file (AdminService.BackupDatabase's).
  std::string db;      // The database to put it in place of.
  // Keep the replaced database as `<db>.before-restore` (with its write-ahead
  // log, if it had one); otherwise it is deleted.
  bool keep_previous = true;
  // Replace a database that cannot be read as one (damaged, not SQLite):
  // then nothing proves that no server uses it, so the operator vouches.
  bool force = false;
};

struct RestoreResult {
  DatabaseContents contents;  // What the restored database holds.
  // Where the replaced database was kept; empty when there was none or it
  // was deleted.
  std::string previous;
};

// Puts a copy of `backup` in place of `db`, atomically: readers of `db`
// see the old database or the whole restored one, never a mix, whatever
// the moment of a crash.
//
// 1. Whether `db` is in use is decided by SQLite's own lock: the restore
//    opens it in exclusive locking mode and takes an exclusive transaction
//    without waiting. Every open connection of a running rapportd (or of any
//    other program, such as the sqlite3 shell) holds a shared lock on a WAL
//    database, so this fails while one exists; the kernel drops those locks
//    when a process dies, even by kill -9, so a crashed server leaves no
//    stale lock to clear by hand (unlike a lock file). The lock is held
//    until the restored file is in place, so no server starts on the old
//    database meanwhile. With the lock held the old database is taken out
//    of WAL mode, which copies its log into the file and removes the -wal
//    and -shm files, so no stale log can be replayed onto the restored one.
// 2. The backup is copied to a temporary file beside `db`, synced and
//    checked (CheckDatabaseFile); the old database is set aside (or
//    deleted), the copy renamed to `db`, and the directory synced.
//
// Errors: ABORTED when the database is in use; INVALID_ARGUMENT when the
// backup cannot be restored (missing, not a Rapport database, damaged, or a
// schema newer than this build), its message saying why; ALREADY_EXISTS
// when `<db>.before-restore` exists and the old database is to be kept;
// FAILED_PRECONDITION when the current database cannot be read and `force`
// is not set; RESOURCE_EXHAUSTED when the disk is full; UNAVAILABLE for
// other I/O errors. On error `db` is as it was (temporary files removed).
absl::StatusOr<RestoreResult> RestoreDatabase(const RestoreOptions& options);

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_RESTORE_H_
