// The goals table (schema v6). Functions run on a connection the caller
// holds, inside the caller's transaction when they write; errors map as in
// sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_GOAL_TABLE_H_
#define RAPPORT_SERVER_STORE_GOAL_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// How many goals the tenant holds.
absl::StatusOr<int64_t> CountGoals(Connection& conn, const TenantId& tenant);

// Whether the tenant has a goal with this id.
absl::StatusOr<bool> GoalExists(Connection& conn, const TenantId& tenant,
                                const std::string& goal_id);

// Inserts the goal; the caller has checked that its id is free.
absl::Status InsertGoal(Connection& conn, const TenantId& tenant,
                        const GoalRecord& goal);

// The goals matching `filter`, ordered by (due_time, goal_id).
absl::StatusOr<std::vector<GoalRecord>> SelectGoals(Connection& conn,
                                                    const TenantId& tenant,
                                                    const GoalFilter& filter);

// Deletes one goal; false when there was none.
absl::StatusOr<bool> DeleteGoalRow(Connection& conn, const TenantId& tenant,
                                   const std::string& goal_id);

// Deletes the member's goals (not their team's); returns how many.
absl::StatusOr<int64_t> DeleteMemberGoals(Connection& conn,
                                          const TenantId& tenant,
                                          const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_GOAL_TABLE_H_
