// The score_history table: each member's score recorded per UTC day. Functions
// run on a connection the caller holds, inside the caller's transaction when
// they write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_SCORE_HISTORY_TABLE_H_
#define RAPPORT_SERVER_STORE_SCORE_HISTORY_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/score_snapshot.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// Inserts or replaces the snapshot keyed by (member_id, day), unless the
// member does not exist (then nothing changes).
absl::Status PutScoreSnapshot(Connection& conn, const TenantId& tenant,
                              const model::ScoreSnapshot& snapshot);

// The member's snapshots with first_day <= day <= last_day (day numbers as
// DayNumber() gives them), oldest first.
absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadMemberScores(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    int64_t first_day, int64_t last_day);

// Every snapshot of the tenant for one day, ordered by member_id.
absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadDayScores(
    Connection& conn, const TenantId& tenant, int64_t day);

// Deletes all the member's snapshots.
absl::Status DeleteScoreHistory(Connection& conn, const TenantId& tenant,
                                const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_SCORE_HISTORY_TABLE_H_
