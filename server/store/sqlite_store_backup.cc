// SqliteStore::Backup: SQLite's online backup API, from a reader connection.
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/database_file.h"
#include "server/store/errors.h"
#include "server/store/file_sync.h"
#include "server/store/migrations.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_status.h"
#include "server/store/sqlite_store.h"

namespace rapport::store {

using internal::Connection;

namespace {

constexpr size_t kMaxBackupName = 100;

// Copies the snapshot `source` reads (a read transaction is open on it) into
// `dest` with one sqlite3_backup_step(-1). Why one step: between steps SQLite
// restarts the copy whenever another connection has written meanwhile, so
// incremental steps under steady ingest could restart without end; one step
// reads the whole database in the source's one read transaction, which WAL
// keeps consistent while the writer goes on appending to the log. The price
// is that no checkpoint can pass this snapshot until the copy ends (the log
// grows meanwhile) and the copy cannot be interrupted half-way.
absl::Status CopyDatabase(Connection& source, Connection& dest) {
  sqlite3_backup* backup =
      sqlite3_backup_init(dest.db(), "main", source.db(), "main");
  if (backup == nullptr) {
    return internal::SqliteError(sqlite3_errcode(dest.db()), dest.db(),
                                 "backup init");
  }
  const int step = sqlite3_backup_step(backup, -1);
  const int finish = sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE) {
    return internal::SqliteError(step, dest.db(), "backup step");
  }
  if (finish != SQLITE_OK) {
    return internal::SqliteError(finish, dest.db(), "backup finish");
  }
  return absl::OkStatus();
}

// Failures writing the copy concern the backup directory, not the store:
// they get the backup's texts.
absl::Status AsBackupError(const absl::Status& status) {
  if (absl::IsResourceExhausted(status)) {
    return absl::ResourceExhaustedError(kBackupFull);
  }
  if (absl::IsUnavailable(status) && status.message() == kStorageIoError) {
    return absl::UnavailableError(kBackupIoError);
  }
  return status;
}

}  // namespace

absl::Status CheckBackupName(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= kMaxBackupName && name[0] != '.' &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_';
      });
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "name: must be 1 to 100 characters of letters, digits, '.', '-' and "
      "'_', not starting with '.'");
}

absl::StatusOr<BackupResult> SqliteStore::Backup(const std::string& directory,
                                                 const std::string& name,
                                                 const Clock& clock) {
  RAPPORT_RETURN_IF_ERROR(CheckBackupName(name));
  if (directory.empty() || !internal::PathExists(directory)) {
    return absl::FailedPreconditionError("the backup directory does not exist");
  }
  const std::string path = absl::StrCat(directory, "/", name);
  if (internal::PathExists(path)) {
    return absl::AlreadyExistsError(
        absl::StrCat("a backup named ", name, " already exists"));
  }
  // A hidden name no backup can have, unique to this call.
  RAPPORT_ASSIGN_OR_RETURN(
      const std::string temp,
      internal::CreateTempFile(absl::StrCat(directory, "/.", name, ".tmp-")));
  BackupResult result;
  absl::Status status = [&]() -> absl::Status {
    {
      RAPPORT_ASSIGN_OR_RETURN(
          std::unique_ptr<Connection> dest,
          Connection::Open(temp, Connection::Access::kReadWrite,
                           absl::ZeroDuration(), /*cache_mib=*/2,
                           options_.vfs));
      // The copy is a scratch file until it is checked and named: no journal
      // and no syncs while it is written; it is synced once at the end.
      RAPPORT_RETURN_IF_ERROR(
          dest->Exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF"));
      auto copy = [&](Connection& source, bool holds_writer) {
        return internal::InTransaction(
            source, internal::TransactionKind::kRead, [&]() -> absl::Status {
              {
                // The snapshot is taken with no write in progress, so that
                // snapshot_time splits the writes exactly: those that
                // returned before it are in, those that begin after are not.
                std::optional<absl::MutexLock> lock;
                if (!holds_writer) lock.emplace(&writer_mu_);
                RAPPORT_ASSIGN_OR_RETURN(
                    internal::Statement first,
                    source.Prepare("SELECT count(*) FROM sqlite_master"));
                RAPPORT_RETURN_IF_ERROR(first.Step().status());
                result.snapshot_time = clock.Now();
              }
              return CopyDatabase(source, *dest);
            });
      };
      if (in_memory_) {  // One connection, the writer.
        RAPPORT_RETURN_IF_ERROR(
            Write([&](Connection& conn) { return copy(conn, true); }));
      } else {
        RAPPORT_RETURN_IF_ERROR(
            Read([&](Connection& conn) { return copy(conn, false); }));
      }
    }
    RAPPORT_ASSIGN_OR_RETURN(DatabaseContents contents,
                             CheckDatabaseFile(temp));
    const int expected = static_cast<int>(internal::StoreMigrations().size());
    if (contents.schema_version != expected) {
      internal::LogStoreProblem(absl::StrCat("backup has schema version ",
                                             contents.schema_version,
                                             ", expected ", expected));
      return absl::InternalError(kStorageInternal);
    }
    result.event_count = contents.event_count;
    RAPPORT_ASSIGN_OR_RETURN(result.size_bytes, internal::SyncFile(temp));
    RAPPORT_RETURN_IF_ERROR(internal::RenameNoReplace(temp, path));
    return internal::SyncDirectory(directory);
  }();
  if (!status.ok()) {
    internal::RemoveDatabaseFiles(temp);
    if (absl::IsAlreadyExists(status)) {
      return absl::AlreadyExistsError(
          absl::StrCat("a backup named ", name, " already exists"));
    }
    return AsBackupError(status);
  }
  return result;
}

}  // namespace rapport::store
