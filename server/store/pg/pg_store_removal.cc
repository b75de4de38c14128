#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {

absl::StatusOr<int64_t> PgStore::DeleteMember(const TenantId&, const std::string&, const AuditContext*) {
  return absl::UnimplementedError("PgStore::DeleteMember");
}

absl::StatusOr<std::optional<absl::Time>> PgStore::FindErasure(const TenantId&, ErasureKind, const std::string&) {
  return absl::UnimplementedError("PgStore::FindErasure");
}

absl::StatusOr<ContactErasure> PgStore::EraseContact(const TenantId&, const std::string&, absl::Time, const AuditContext*) {
  return absl::UnimplementedError("PgStore::EraseContact");
}

absl::StatusOr<RetentionStep> PgStore::ApplyRetention(const TenantId&, absl::Time, absl::CivilDay, int, absl::Time) {
  return absl::UnimplementedError("PgStore::ApplyRetention");
}

}  // namespace rapport::store::pg
