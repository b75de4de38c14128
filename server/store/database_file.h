// Checking a database file that no server has open: a backup just written,
// a backup about to be restored. Offline work, for the backup (on the copy,
// before it is named) and for `rapport admin restore`.
#ifndef RAPPORT_SERVER_STORE_DATABASE_FILE_H_
#define RAPPORT_SERVER_STORE_DATABASE_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace rapport::store {

struct TenantContents {
  TenantId tenant;
  int64_t members = 0;
  int64_t events = 0;
};

struct DatabaseContents {
  int schema_version = 0;
  int64_t event_count = 0;              // Over every tenant.
  std::vector<TenantContents> tenants;  // Tenants with members or events,
                                        // ordered.
};

// Makes the database at `path` a single self-contained file (rollback
// journal mode: any write-ahead log is copied in and removed), checks it
// with PRAGMA quick_check and reads its schema version and what each tenant
// holds. The caller makes sure no other process uses the file. NOT_FOUND
// when there is no file; DATA_LOSS when it is not a database or is damaged;
// FAILED_PRECONDITION when it holds no Rapport schema or a schema version
// newer than this build knows (an older one is brought up to date when a
// server opens it).
absl::StatusOr<DatabaseContents> CheckDatabaseFile(const std::string& path);

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_DATABASE_FILE_H_
