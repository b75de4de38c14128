#include "server/store/pg/pg_store.h"

#include "absl/strings/match.h"
#include "server/common/status_macros.h"
#include "server/store/pg/pg_migrations.h"

namespace rapport::store::pg {

bool IsPgUri(const std::string& db) {
  return absl::StartsWith(db, "postgresql://") ||
         absl::StartsWith(db, "postgres://");
}

absl::StatusOr<std::unique_ptr<PgStore>> PgStore::Open(
    const PgStoreOptions& options) {
  if (options.uri.empty()) {
    return absl::InvalidArgumentError("the PostgreSQL URI is empty");
  }
  if (options.connections < 1) {
    return absl::InvalidArgumentError("connections must be at least 1");
  }
  std::unique_ptr<PgStore> store(new PgStore(options));
  RAPPORT_RETURN_IF_ERROR(store->pool_.WithConnection(MigratePg));
  return store;
}

PgStore::PgStore(const PgStoreOptions& options)
    : pool_(options.uri, options.connections, options.wait) {}

PgStore::~PgStore() = default;

absl::StatusOr<BackupResult> PgStore::Backup(const std::string&,
                                             const std::string&, const Clock&) {
  return absl::FailedPreconditionError(
      "this server's database is PostgreSQL: back it up with pg_dump or a "
      "base backup (docs/backup.md)");
}

}  // namespace rapport::store::pg
