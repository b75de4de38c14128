// Reads a member's aggregates over a time range from PostgreSQL, inside the
// caller's transaction (one snapshot for all the queries), as the SQLite
// store's ReadMemberActivity (server/store/activity_reader.h) does.
#ifndef RAPPORT_SERVER_STORE_PG_PG_ACTIVITY_H_
#define RAPPORT_SERVER_STORE_PG_PG_ACTIVITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/store.h"

namespace rapport::store::pg {

// See Store::ReadActivity. NOT_FOUND when the member does not exist;
// INVALID_ARGUMENT when from > to.
absl::StatusOr<model::MemberActivity> ReadMemberActivity(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_ACTIVITY_H_
