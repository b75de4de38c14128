#include "server/store/sqlite_status.h"

#include <sqlite3.h>

#include <cstdio>
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

void LogStoreProblem(absl::string_view what) {
  std::string line = absl::StrCat("rapport store: ", what, "\n");
  std::fputs(line.c_str(), stderr);
}

}  // namespace rapport::store::internal
