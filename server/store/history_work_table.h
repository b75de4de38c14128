// The history_work table: per member, the first day whose recorded score
// history is stale because events dated on or after it arrived later, and the
// version of that mark. Functions run on a connection the caller holds, inside
// the caller's transaction when they write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_HISTORY_WORK_TABLE_H_
#define RAPPORT_SERVER_STORE_HISTORY_WORK_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// Marks the member's history stale from `from_day` (a DayNumber) on: a new
// entry, or the pending one with from_day lowered to the minimum of both.
// Either way the entry's version becomes `version`.
absl::Status MarkHistoryStale(Connection& conn, const TenantId& tenant,
                              const std::string& member_id, int64_t from_day,
                              int64_t version);

// Up to `limit` (>= 1) pending entries, ordered by member_id.
absl::StatusOr<std::vector<HistoryWork>> ListHistoryWorkRows(
    Connection& conn, const TenantId& tenant, int limit);

// Deletes the entry if its version is still work.version.
absl::Status DeleteHistoryWorkIfVersion(Connection& conn,
                                        const TenantId& tenant,
                                        const HistoryWork& work);

// Deletes the member's entry, whatever its version.
absl::Status DeleteHistoryWork(Connection& conn, const TenantId& tenant,
                               const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_HISTORY_WORK_TABLE_H_
