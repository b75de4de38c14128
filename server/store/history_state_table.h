// The history_state table: per tenant, the last day of score history recorded
// for every member, and the counter that versions history_work entries.
// Functions run on a connection the caller holds, inside the caller's
// transaction when they write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_HISTORY_STATE_TABLE_H_
#define RAPPORT_SERVER_STORE_HISTORY_STATE_TABLE_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// The recorded-through day (a DayNumber); nullopt when never set.
absl::StatusOr<std::optional<int64_t>> ReadRecordedThrough(
    Connection& conn, const TenantId& tenant);

absl::Status WriteRecordedThrough(Connection& conn, const TenantId& tenant,
                                  int64_t day);

// Increments and returns the tenant's history_work version counter (1 the
// first time). It never goes back, not even when every entry is completed, so
// a version once handed out is never handed out again: completing a stale
// entry can never remove a newer one that happens to share its number.
absl::StatusOr<int64_t> NextHistoryWorkVersion(Connection& conn,
                                               const TenantId& tenant);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_HISTORY_STATE_TABLE_H_
