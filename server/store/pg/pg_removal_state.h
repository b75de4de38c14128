// Re-derives the thread and contact states that removed events belonged to,
// from the events that remain (activity_state.h), inside the caller's
// transaction: what erasing a contact and retention share.
#ifndef RAPPORT_SERVER_STORE_PG_PG_REMOVAL_STATE_H_
#define RAPPORT_SERVER_STORE_PG_PG_REMOVAL_STATE_H_

#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "server/store/pg/pg_activity_rows.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/store.h"

namespace rapport::store::pg {

// What re-deriving did: rows rewritten from remaining events, rows deleted
// because none remain.
struct RederivedStates {
  int64_t rederived = 0;
  int64_t deleted = 0;
};

// Rewrites each listed thread from the member's remaining events of it, or
// deletes its row when none of them is a thread event. Three statements
// whatever the number of threads; rows are read and written as ingest does
// (pg_activity_rows.h).
absl::StatusOr<RederivedStates> RederiveThreads(
    Connection& conn, const TenantId& tenant,
    const std::set<MemberKey>& threads);

// The same for contact states.
absl::StatusOr<RederivedStates> RederiveContacts(
    Connection& conn, const TenantId& tenant,
    const std::set<MemberKey>& contacts);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_REMOVAL_STATE_H_
