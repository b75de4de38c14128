// SqliteStore: goals. Each write is one transaction with its audit entry,
// synced on commit like every other write.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/audit_table.h"
#include "server/store/goal_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"

namespace rapport::store {

using internal::Connection;
using internal::InTransaction;
using internal::TransactionKind;

namespace {

// A member's goal is audited under the member ("member:<id>"), so that
// erasing the member replaces their id there as everywhere in the trail; a
// team's goal under "team:<name>". The detail names the goal.
std::string GoalTarget(const GoalRecord& goal) {
  if (!goal.member_id.empty()) {
    return internal::PersonTarget(ErasureKind::kMember, goal.member_id);
  }
  return absl::StrCat("team:", goal.team);
}

// The audit detail of a new goal: its id, pillar, target and due time (not
// its note, which is free text).
std::string CreatedDetail(const GoalRecord& goal) {
  return absl::StrCat(
      "goal created goal_id=", goal.goal_id, " pillar=", goal.pillar,
      " target=", goal.target, " due=",
      absl::FormatTime(absl::RFC3339_sec, goal.due_time, absl::UTCTimeZone()));
}

}  // namespace

absl::Status SqliteStore::CreateGoal(const TenantId& tenant,
                                     const GoalRecord& goal,
                                     const AuditContext* audit) {
  if (goal.goal_id.empty()) {
    return absl::InvalidArgumentError("goal_id must not be empty");
  }
  if (goal.member_id.empty() == goal.team.empty()) {
    return absl::InvalidArgumentError(
        "a goal names exactly one of member_id and team");
  }
  if (!std::isfinite(goal.target)) {
    return absl::InvalidArgumentError("target must be finite");
  }
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(int64_t held,
                               internal::CountGoals(conn, tenant));
      if (held >= kMaxGoalsPerTenant) {
        return absl::FailedPreconditionError(
            absl::StrCat("the tenant holds ", held, " goals, the most it may (",
                         kMaxGoalsPerTenant, "); delete one first"));
      }
      RAPPORT_ASSIGN_OR_RETURN(
          bool taken, internal::GoalExists(conn, tenant, goal.goal_id));
      if (taken) return absl::AlreadyExistsError("goal_id is taken");
      RAPPORT_RETURN_IF_ERROR(internal::InsertGoal(conn, tenant, goal));
      return internal::AuditChange(conn, tenant, audit, GoalTarget(goal),
                                   CreatedDetail(goal));
    });
  });
}

absl::StatusOr<std::vector<GoalRecord>> SqliteStore::ListGoals(
    const TenantId& tenant, const GoalFilter& filter) {
  std::vector<GoalRecord> goals;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(goals,
                             internal::SelectGoals(conn, tenant, filter));
    return absl::OkStatus();
  }));
  return goals;
}

absl::Status SqliteStore::DeleteGoal(const TenantId& tenant,
                                     const std::string& goal_id,
                                     const AuditContext* audit) {
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(
          std::vector<GoalRecord> found,
          internal::SelectGoals(conn, tenant, GoalFilter::ById(goal_id)));
      if (found.empty()) return absl::NotFoundError("goal not found");
      RAPPORT_ASSIGN_OR_RETURN(bool existed,
                               internal::DeleteGoalRow(conn, tenant, goal_id));
      if (!existed) return absl::NotFoundError("goal not found");
      return internal::AuditChange(
          conn, tenant, audit, GoalTarget(found[0]),
          absl::StrCat("goal deleted goal_id=", goal_id));
    });
  });
}

}  // namespace rapport::store
