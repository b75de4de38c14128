#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {

absl::StatusOr<std::vector<AppendOutcome>> PgStore::AppendEvents(const TenantId&, absl::Span<const model::Event>, const AuditContext*) {
  return absl::UnimplementedError("PgStore::AppendEvents");
}

std::vector<absl::StatusOr<std::vector<AppendOutcome>>> PgStore::AppendEventBatches(absl::Span<const EventBatch> batches) {
  return Store::AppendEventBatches(batches);
}

absl::StatusOr<model::MemberActivity> PgStore::ReadActivity(const TenantId&, const std::string&, absl::Time, absl::Time) {
  return absl::UnimplementedError("PgStore::ReadActivity");
}

}  // namespace rapport::store::pg
