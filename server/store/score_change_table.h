// The score changes feed's tables (schema v7): score_changes, one row per
// member, and score_change_seq, each tenant's counter. Functions run on a
// connection the caller holds, inside the caller's transaction when they
// write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_SCORE_CHANGE_TABLE_H_
#define RAPPORT_SERVER_STORE_SCORE_CHANGE_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// Every row's member_id, team and ssi, ordered by member_id.
absl::StatusOr<std::vector<ScoreFeedEntry>> SelectScoreFeed(
    Connection& conn, const TenantId& tenant);

// Store::WriteScoreFeed's writes; the caller holds a write transaction.
absl::StatusOr<int64_t> PutScoreFeedRows(Connection& conn,
                                         const TenantId& tenant,
                                         absl::Span<const ScoreFeedRow> changes,
                                         absl::Time now);

// The tenant's counter; 0 before its first change.
absl::StatusOr<int64_t> SelectScoreFeedSeq(Connection& conn,
                                           const TenantId& tenant);

// Store::ListScoreFeed's read.
absl::StatusOr<ScoreFeedPage> SelectScoreFeedPage(Connection& conn,
                                                  const TenantId& tenant,
                                                  const ScoreFeedQuery& query);

// Deletes the member's row (the counter stays).
absl::Status DeleteScoreFeedRow(Connection& conn, const TenantId& tenant,
                                const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_SCORE_CHANGE_TABLE_H_
