#include "server/store/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/errors.h"
#include "server/store/file_sync.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_status.h"

namespace rapport::store {

using internal::Connection;

namespace {

constexpr char kInUse[] =
    "the database is in use: stop rapportd (and any other program that has "
    "it open) before restoring";

absl::Status IoError(int error, const std::string& what) {
  internal::LogStoreProblem(absl::StrCat(what, ": ", std::strerror(error)));
  if (error == ENOSPC || error == EDQUOT) {
    return absl::ResourceExhaustedError("the disk is full");
  }
  return absl::UnavailableError(
      absl::StrCat("I/O error: ", what, ": ", std::strerror(error)));
}

// Copies the bytes of `from` into the existing file `to`.
absl::Status CopyBytes(const std::string& from, const std::string& to) {
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return IoError(errno, absl::StrCat("open ", from));
  const int out = open(to.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (out < 0) {
    const int error = errno;
    close(in);
    return IoError(error, absl::StrCat("open ", to));
  }
  absl::Status status;
  std::vector<char> buffer(1 << 20);
  while (status.ok()) {
    const ssize_t n = read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = IoError(errno, absl::StrCat("read ", from));
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(out, buffer.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        status = IoError(errno, absl::StrCat("write ", to));
        break;
      }
      done += w;
    }
  }
  close(in);
  if (close(out) != 0 && status.ok()) {
    status = IoError(errno, absl::StrCat("close ", to));
  }
  return status;
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// A copy of the backup beside `db`, checked and synced.
absl::StatusOr<std::string> StageBackup(const RestoreOptions& options,
                                        DatabaseContents& contents) {
  const std::string dir = internal::DirectoryOf(options.db);
  const size_t slash = options.db.find_last_of('/');
  const std::string base =
      slash == std::string::npos ? options.db : options.db.substr(slash + 1);
  RAPPORT_ASSIGN_OR_RETURN(
      std::string temp,
      internal::CreateTempFile(absl::StrCat(dir, "/.", base, ".restore-")));
  absl::Status status = CopyBytes(options.backup, temp);
  if (status.ok()) {
    absl::StatusOr<DatabaseContents> checked = CheckDatabaseFile(temp);
    if (checked.ok()) {
      contents = *std::move(checked);
    } else if (absl::IsResourceExhausted(checked.status()) ||
               (absl::IsUnavailable(checked.status()) &&
                checked.status().message() != kStorageBusy)) {
      status = checked.status();
    } else {
      const absl::string_view why =
          absl::IsDataLoss(checked.status())
              ? absl::string_view(
                    "it is not a database or it is damaged (quick_check "
                    "failed)")
              : checked.status().message();
      status = absl::InvalidArgumentError(absl::StrCat(
          "backup ", options.backup, " cannot be restored: ", why));
    }
  }
  if (status.ok()) status = internal::SyncFile(temp).status();
  if (!status.ok()) {
    internal::RemoveDatabaseFiles(temp);
    return status;
  }
  return temp;
}

// Takes the database's exclusive lock (see restore.h) and takes it out of
// WAL mode. Returns the connection holding the lock, or null when the file
// cannot be read as a database and `force` is set.
absl::StatusOr<std::unique_ptr<Connection>> LockDatabase(
    const RestoreOptions& options) {
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(
      options.db, Connection::Access::kReadWrite, absl::ZeroDuration());
  absl::Status status = conn.status();
  if (status.ok()) {
    status = (*conn)->Exec(
        "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
        "SELECT count(*) FROM sqlite_master; COMMIT; "
        "PRAGMA journal_mode = DELETE");
  }
  if (status.ok()) {
    // Out of WAL mode, closing this connection touches no -wal file by name
    // (which by then would be the restored database's).
    absl::StatusOr<internal::Statement> mode =
        (*conn)->Prepare("PRAGMA journal_mode");
    absl::StatusOr<bool> row =
        mode.ok() ? mode->Step() : absl::StatusOr<bool>(mode.status());
    if (row.ok() && *row && mode->ColumnText(0) == "delete") return conn;
    status = row.ok() ? absl::UnavailableError(
                            "the database cannot leave write-ahead-log mode")
                      : row.status();
  }
  if (status.message() == kStorageBusy) return absl::AbortedError(kInUse);
  if (absl::IsDataLoss(status)) {
    if (options.force) return std::unique_ptr<Connection>();
    return absl::FailedPreconditionError(absl::StrCat(
        "the database ", options.db,
        " cannot be read (damaged, or not a database), so it cannot be "
        "locked; make sure no rapportd uses it and pass --force to replace "
        "it"));
  }
  return status;
}

// Moves the old database (and any log or journal of it) aside, or deletes
// it.
absl::Status SetAside(const RestoreOptions& options, std::string& previous) {
  const std::string kept = absl::StrCat(options.db, ".before-restore");
  if (!options.keep_previous) {
    internal::RemoveDatabaseFiles(options.db);
    return absl::OkStatus();
  }
  for (const char* suffix : {"", "-wal", "-journal"}) {
    const std::string from = absl::StrCat(options.db, suffix);
    if (!internal::PathExists(from)) continue;
    RAPPORT_RETURN_IF_ERROR(internal::Rename(from, absl::StrCat(kept, suffix)));
  }
  // The shared-memory index is rebuilt from the log when needed.
  unlink(absl::StrCat(options.db, "-shm").c_str());
  previous = kept;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RestoreResult> RestoreDatabase(const RestoreOptions& options) {
  if (!internal::PathExists(options.backup)) {
    return absl::InvalidArgumentError(
        absl::StrCat("backup ", options.backup, ": there is no such file"));
  }
  const bool db_exists = internal::PathExists(options.db);
  if (db_exists && SameFile(options.backup, options.db)) {
    return absl::InvalidArgumentError(
        "the backup and the database are the same file");
  }
  const std::string kept = absl::StrCat(options.db, ".before-restore");
  if (db_exists && options.keep_previous &&
      (internal::PathExists(kept) ||
       internal::PathExists(absl::StrCat(kept, "-wal")))) {
    return absl::AlreadyExistsError(
        absl::StrCat(kept,
                     " already exists: move it away first (or do not keep the "
                     "replaced database)"));
  }
  // Locked first, so that a database in use is refused at once, and held
  // until the restored file has its name.
  std::unique_ptr<Connection> lock;
  if (db_exists) {
    RAPPORT_ASSIGN_OR_RETURN(lock, LockDatabase(options));
  }
  RestoreResult result;
  RAPPORT_ASSIGN_OR_RETURN(const std::string temp,
                           StageBackup(options, result.contents));
  absl::Status status = [&]() -> absl::Status {
    if (db_exists) {
      RAPPORT_RETURN_IF_ERROR(SetAside(options, result.previous));
    } else {
      // A log or journal left without its database would be replayed onto
      // the restored one.
      internal::RemoveDatabaseFiles(options.db);
    }
    RAPPORT_RETURN_IF_ERROR(internal::Rename(temp, options.db));
    return internal::SyncDirectory(internal::DirectoryOf(options.db));
  }();
  if (!status.ok()) {
    internal::RemoveDatabaseFiles(temp);
    return status;
  }
  return result;
}

}  // namespace rapport::store
