#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {

absl::StatusOr<TenantRecord> PgStore::CreateTenant(const TenantRecord&, const ApiKeyRecord*, const AuditContext*) {
  return absl::UnimplementedError("PgStore::CreateTenant");
}

absl::StatusOr<std::optional<TenantRecord>> PgStore::FindTenant(const TenantId&) {
  return absl::UnimplementedError("PgStore::FindTenant");
}

absl::Status PgStore::InsertApiKey(const ApiKeyRecord&, const AuditContext*) {
  return absl::UnimplementedError("PgStore::InsertApiKey");
}

absl::StatusOr<std::optional<ApiKeyRecord>> PgStore::FindApiKey(const std::string&) {
  return absl::UnimplementedError("PgStore::FindApiKey");
}

absl::StatusOr<std::vector<ApiKeyRecord>> PgStore::ListApiKeys(const TenantId&) {
  return absl::UnimplementedError("PgStore::ListApiKeys");
}

absl::StatusOr<ApiKeyRecord> PgStore::RevokeApiKey(const TenantId&, const std::string&, absl::Time, const AuditContext*) {
  return absl::UnimplementedError("PgStore::RevokeApiKey");
}

absl::Status PgStore::RecordApiKeyUse(const std::string&, absl::Time) {
  return absl::UnimplementedError("PgStore::RecordApiKeyUse");
}

absl::Status PgStore::AppendAudit(absl::Span<const AuditEntry>) {
  return absl::UnimplementedError("PgStore::AppendAudit");
}

absl::StatusOr<AuditPage> PgStore::ListAudit(const TenantId&, const AuditQuery&) {
  return absl::UnimplementedError("PgStore::ListAudit");
}

}  // namespace rapport::store::pg
