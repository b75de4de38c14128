// SqliteStore: erasing a contact and applying retention.
#include "server/store/sqlite_store.h"

namespace rapport::store {

absl::StatusOr<ContactErasure> SqliteStore::EraseContact(const TenantId&,
                                                         const std::string&,
                                                         absl::Time,
                                                         const AuditContext*) {
  return absl::UnimplementedError("EraseContact");
}

absl::StatusOr<RetentionStep> SqliteStore::ApplyRetention(const TenantId&,
                                                          absl::Time,
                                                          absl::CivilDay, int) {
  return absl::UnimplementedError("ApplyRetention");
}

}  // namespace rapport::store
