// The members table. Functions run on a connection the caller holds, inside
// the caller's transaction when they write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_MEMBER_TABLE_H_
#define RAPPORT_SERVER_STORE_MEMBER_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/member.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// The member, or nullopt when there is none.
absl::StatusOr<std::optional<model::Member>> FindMember(
    Connection& conn, const TenantId& tenant, const std::string& member_id);

// Whether the member exists (cheaper than FindMember).
absl::StatusOr<bool> MemberExists(Connection& conn, const TenantId& tenant,
                                  const std::string& member_id);

// Inserts or replaces the descriptive fields and profile, keeping
// create_time, event_count and last_event_time of an existing row.
absl::StatusOr<UpsertResult> PutMember(Connection& conn, const TenantId& tenant,
                                       const model::Member& member,
                                       absl::Time now);

// A page of members ordered by member_id. INVALID_ARGUMENT when
// query.page_size < 1.
absl::StatusOr<MemberPage> ListMemberRows(Connection& conn,
                                          const TenantId& tenant,
                                          const ListMembersQuery& query);

// Every tenant with at least one member, in order. Costs one index probe per
// tenant, not a scan of the members.
absl::StatusOr<std::vector<TenantId>> ListMemberTenants(Connection& conn);

// Adds `events` to the member's event_count and raises last_event_time to
// `latest` if later.
absl::Status AddMemberEvents(Connection& conn, const TenantId& tenant,
                             const std::string& member_id, int64_t events,
                             absl::Time latest);

// Deletes the member row; false when there was none.
absl::StatusOr<bool> DeleteMemberRow(Connection& conn, const TenantId& tenant,
                                     const std::string& member_id);

// What else named an erased member: API keys scoped to them (deleted) and
// other members whose manager they were (their manager field cleared).
struct MemberReferences {
  int64_t api_keys = 0;
  int64_t managers = 0;
};
absl::StatusOr<MemberReferences> DeleteMemberReferences(
    Connection& conn, const TenantId& tenant, const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_MEMBER_TABLE_H_
