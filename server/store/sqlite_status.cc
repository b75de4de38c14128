#include "server/store/sqlite_status.h"

#include <sqlite3.h>
#include <sys/statvfs.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/store/errors.h"

namespace rapport::store::internal {

absl::Status SqliteError(int rc, sqlite3* db, absl::string_view context) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  LogStoreProblem(
      absl::StrCat(context, ": ", detail, " (sqlite code ", rc, ")"));
  switch (rc & 0xff) {  // The primary code of an extended one.
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(kStorageBusy);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(kStorageIoError);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(kStorageFull);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(kStorageCorrupt);
    default:
      return absl::InternalError(kStorageInternal);
  }
}

int64_t FreeDiskBytes(const std::string& path) {
  if (path.empty() || path == ":memory:") return -1;
  std::error_code error;
  std::filesystem::path target(path);
  if (!std::filesystem::exists(target, error)) {
    target = target.parent_path();
    if (target.empty()) target = ".";
  }
  struct statvfs fs;
  if (statvfs(target.c_str(), &fs) != 0) return -1;
  return static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
}

absl::Status RefineForFullDisk(absl::Status status, const std::string& path) {
  if (status.code() != absl::StatusCode::kUnavailable ||
      status.message() != kStorageIoError) {
    return status;
  }
  const int64_t free_bytes = FreeDiskBytes(path);
  if (free_bytes < 0 || free_bytes >= kFullDiskBytes) return status;
  LogStoreProblem(absl::StrCat("the disk holding the database has ", free_bytes,
                               " bytes free: it is full"));
  return absl::ResourceExhaustedError(kStorageFull);
}

void LogStoreProblem(absl::string_view what) {
  std::string line = absl::StrCat("rapport store: ", what, "\n");
  std::fputs(line.c_str(), stderr);
}

}  // namespace rapport::store::internal
