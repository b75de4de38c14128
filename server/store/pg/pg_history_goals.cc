// PgStore: goals. Each write is one transaction with its audit entry.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/audit_table.h"
#include "server/store/pg/pg_shared.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

// The advisory lock class of a tenant's goals (the second key is a hash of
// the tenant): creations of one tenant's goals take turns, so that two of
// them cannot both pass the cap check.
constexpr int64_t kGoalsLockClass = 0x676f616c;  // "goal"

// The columns ReadGoal expects, in order.
#define RAPPORT_GOAL_COLUMNS                                                \
  "goal_id, member_id, team, pillar, target, due_time, note, create_time, " \
  "created_by"

constexpr char kInsertGoal[] =
    "INSERT INTO goals (tenant, " RAPPORT_GOAL_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

// An empty filter field matches everything. goal_id ties are broken
// bytewise, as the SQLite store does.
constexpr char kSelectGoals[] =
    "SELECT " RAPPORT_GOAL_COLUMNS
    " FROM goals WHERE tenant = $1 AND ($2 = '' OR goal_id = $2)"
    " AND ($3 = '' OR member_id = $3) AND ($4 = '' OR team = $4)"
    " ORDER BY due_time, goal_id COLLATE \"C\" LIMIT $5";

#undef RAPPORT_GOAL_COLUMNS

// A member's goal is audited under the member ("member:<id>"), so that
// erasing the member replaces their id there as everywhere in the trail; a
// team's goal under "team:<name>".
std::string GoalTarget(const std::string& member_id, const std::string& team) {
  if (!member_id.empty()) {
    return internal::PersonTarget(ErasureKind::kMember, member_id);
  }
  return absl::StrCat("team:", team);
}

// The audit detail of a new goal: its id, pillar, target and due time (not
// its note, which is free text).
std::string CreatedDetail(const GoalRecord& goal) {
  return absl::StrCat(
      "goal created goal_id=", goal.goal_id, " pillar=", goal.pillar,
      " target=", goal.target, " due=",
      absl::FormatTime(absl::RFC3339_sec, goal.due_time, absl::UTCTimeZone()));
}

GoalRecord ReadGoal(const Result& rows, int r) {
  GoalRecord g;
  int c = 0;
  g.goal_id = rows.String(r, c++);
  g.member_id = rows.String(r, c++);
  g.team = rows.String(r, c++);
  g.pillar = static_cast<int>(rows.Int(r, c++));
  g.target = rows.Real(r, c++);
  g.due_time = rows.Time(r, c++);
  g.note = rows.String(r, c++);
  g.create_time = rows.Time(r, c++);
  g.created_by = rows.String(r, c++);
  return g;
}

absl::Status InsertGoal(Connection& conn, const TenantId& tenant,
                        const GoalRecord& goal) {
  RAPPORT_RETURN_IF_ERROR(conn.Exec("SELECT pg_advisory_xact_lock($1::int,"
                                    " hashtext($2))",
                                    Params().Add(kGoalsLockClass).Add(tenant))
                              .status());
  RAPPORT_ASSIGN_OR_RETURN(
      Result held,
      conn.Exec("SELECT count(*), count(*) FILTER (WHERE goal_id = $2)"
                " FROM goals WHERE tenant = $1",
                Params().Add(tenant).Add(goal.goal_id)));
  if (held.Int(0, 0) >= kMaxGoalsPerTenant) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the tenant holds ", held.Int(0, 0), " goals, the most it may (",
        kMaxGoalsPerTenant, "); delete one first"));
  }
  if (held.Int(0, 1) > 0) return absl::AlreadyExistsError("goal_id is taken");
  absl::Status inserted = conn.Exec(kInsertGoal, Params()
                                                     .Add(tenant)
                                                     .Add(goal.goal_id)
                                                     .Add(goal.member_id)
                                                     .Add(goal.team)
                                                     .Add(goal.pillar)
                                                     .Add(goal.target)
                                                     .AddTime(goal.due_time)
                                                     .Add(goal.note)
                                                     .AddTime(goal.create_time)
                                                     .Add(goal.created_by))
                              .status();
  if (SqlStateOf(inserted) == "23505") {
    return absl::AlreadyExistsError("goal_id is taken");
  }
  return inserted;
}

}  // namespace

absl::Status PgStore::CreateGoal(const TenantId& tenant, const GoalRecord& goal,
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
  return pool_.Transaction([&](Connection& conn) -> absl::Status {
    RAPPORT_RETURN_IF_ERROR(InsertGoal(conn, tenant, goal));
    return AuditChange(conn, tenant, audit,
                       GoalTarget(goal.member_id, goal.team),
                       CreatedDetail(goal));
  });
}

absl::StatusOr<std::vector<GoalRecord>> PgStore::ListGoals(
    const TenantId& tenant, const GoalFilter& filter) {
  std::vector<GoalRecord> goals;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows, conn.Exec(kSelectGoals, Params()
                                                     .Add(tenant)
                                                     .Add(filter.goal_id)
                                                     .Add(filter.member_id)
                                                     .Add(filter.team)
                                                     .Add(kMaxGoalsPerTenant)));
        for (int r = 0; r < rows.rows(); ++r)
          goals.push_back(ReadGoal(rows, r));
        return absl::OkStatus();
      }));
  return goals;
}

absl::Status PgStore::DeleteGoal(const TenantId& tenant,
                                 const std::string& goal_id,
                                 const AuditContext* audit) {
  return pool_.Transaction([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(
        Result deleted,
        conn.Exec("DELETE FROM goals WHERE tenant = $1 AND goal_id = $2"
                  " RETURNING member_id, team",
                  Params().Add(tenant).Add(goal_id)));
    if (deleted.rows() == 0) return absl::NotFoundError("goal not found");
    return AuditChange(conn, tenant, audit,
                       GoalTarget(deleted.String(0, 0), deleted.String(0, 1)),
                       absl::StrCat("goal deleted goal_id=", goal_id));
  });
}

}  // namespace rapport::store::pg
