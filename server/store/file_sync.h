// The file-system steps that make a database copy durable and atomic: sync
// a file and its directory, name a finished file without replacing another,
// and remove a database file with its companions. Used by the backup (in the
// server) and the restore (offline).
//
// Errors carry the client texts of errors.h: RESOURCE_EXHAUSTED
// (kBackupFull) when the disk is full, UNAVAILABLE (kBackupIoError) for other
// I/O errors; the path and the system's message go to stderr.
#ifndef RAPPORT_SERVER_STORE_FILE_SYNC_H_
#define RAPPORT_SERVER_STORE_FILE_SYNC_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rapport::store::internal {

// The directory part of `path` ("." when it has none).
std::string DirectoryOf(const std::string& path);

// fsync(2) of the file, then its size in bytes.
absl::StatusOr<int64_t> SyncFile(const std::string& path);

// fsync(2) of a directory, so that names created or removed in it survive a
// crash.
absl::Status SyncDirectory(const std::string& directory);

// Creates an empty file with a unique name starting with `prefix` (which
// must end in a directory's file-name prefix) and returns its path.
absl::StatusOr<std::string> CreateTempFile(const std::string& prefix);

// Renames `from` to `to`, never replacing a file named `to` (ALREADY_EXISTS
// then).
absl::Status RenameNoReplace(const std::string& from, const std::string& to);

// Renames `from` to `to`, replacing `to`.
absl::Status Rename(const std::string& from, const std::string& to);

// Removes `path` and its SQLite companions (-journal, -wal, -shm); missing
// files are fine. Best effort: failures are logged.
void RemoveDatabaseFiles(const std::string& path);

// Whether something exists at `path`.
bool PathExists(const std::string& path);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_FILE_SYNC_H_
