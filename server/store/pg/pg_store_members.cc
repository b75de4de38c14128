#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {

absl::StatusOr<UpsertResult> PgStore::UpsertMember(const TenantId&, const model::Member&, absl::Time, const AuditContext*) {
  return absl::UnimplementedError("PgStore::UpsertMember");
}

absl::StatusOr<std::vector<UpsertResult>> PgStore::UpsertMembers(const TenantId&, absl::Span<const model::Member>, absl::Time, const AuditContext*) {
  return absl::UnimplementedError("PgStore::UpsertMembers");
}

absl::StatusOr<model::Member> PgStore::GetMember(const TenantId&, const std::string&) {
  return absl::UnimplementedError("PgStore::GetMember");
}

absl::StatusOr<MemberPage> PgStore::ListMembers(const TenantId&, const ListMembersQuery&) {
  return absl::UnimplementedError("PgStore::ListMembers");
}

}  // namespace rapport::store::pg
