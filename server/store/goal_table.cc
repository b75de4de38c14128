#include "server/store/goal_table.h"

#include "server/common/status_macros.h"

namespace rapport::store::internal {
namespace {

// The columns ReadGoal expects, in order.
#define RAPPORT_GOAL_COLUMNS                                                \
  "goal_id, member_id, team, pillar, target, due_time, note, create_time, " \
  "created_by"

constexpr char kInsertGoal[] =
    "INSERT INTO goals (tenant, " RAPPORT_GOAL_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

// An empty filter field matches everything.
constexpr char kSelectGoals[] =
    "SELECT " RAPPORT_GOAL_COLUMNS
    " FROM goals WHERE tenant = ?1 AND (?2 = '' OR goal_id = ?2)"
    " AND (?3 = '' OR member_id = ?3) AND (?4 = '' OR team = ?4)"
    " ORDER BY due_time, goal_id LIMIT ?5";

#undef RAPPORT_GOAL_COLUMNS

GoalRecord ReadGoal(const Statement& row) {
  GoalRecord g;
  int c = 0;
  g.goal_id = row.ColumnText(c++);
  g.member_id = row.ColumnText(c++);
  g.team = row.ColumnText(c++);
  g.pillar = static_cast<int>(row.ColumnInt64(c++));
  g.target = row.ColumnDouble(c++);
  g.due_time = row.ColumnTime(c++);
  g.note = row.ColumnText(c++);
  g.create_time = row.ColumnTime(c++);
  g.created_by = row.ColumnText(c++);
  return g;
}

}  // namespace

absl::StatusOr<int64_t> CountGoals(Connection& conn, const TenantId& tenant) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement count,
      conn.Prepare("SELECT count(*) FROM goals WHERE tenant = ?1"));
  count.BindText(1, tenant);
  RAPPORT_ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? count.ColumnInt64(0) : 0;
}

absl::StatusOr<bool> GoalExists(Connection& conn, const TenantId& tenant,
                                const std::string& goal_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT 1 FROM goals WHERE tenant = ?1 AND goal_id = ?2"));
  select.BindText(1, tenant);
  select.BindText(2, goal_id);
  return select.Step();
}

absl::Status InsertGoal(Connection& conn, const TenantId& tenant,
                        const GoalRecord& goal) {
  RAPPORT_ASSIGN_OR_RETURN(Statement insert, conn.Prepare(kInsertGoal));
  int i = 1;
  insert.BindText(i++, tenant);
  insert.BindText(i++, goal.goal_id);
  insert.BindText(i++, goal.member_id);
  insert.BindText(i++, goal.team);
  insert.BindInt64(i++, goal.pillar);
  insert.BindDouble(i++, goal.target);
  insert.BindTime(i++, goal.due_time);
  insert.BindText(i++, goal.note);
  insert.BindTime(i++, goal.create_time);
  insert.BindText(i++, goal.created_by);
  return insert.Run();
}

absl::StatusOr<std::vector<GoalRecord>> SelectGoals(Connection& conn,
                                                    const TenantId& tenant,
                                                    const GoalFilter& filter) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectGoals));
  select.BindText(1, tenant);
  select.BindText(2, filter.goal_id);
  select.BindText(3, filter.member_id);
  select.BindText(4, filter.team);
  select.BindInt64(5, kMaxGoalsPerTenant);
  std::vector<GoalRecord> goals;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    goals.push_back(ReadGoal(select));
  }
  return goals;
}

absl::StatusOr<bool> DeleteGoalRow(Connection& conn, const TenantId& tenant,
                                   const std::string& goal_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare("DELETE FROM goals WHERE tenant = ?1 AND goal_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, goal_id);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes() > 0;
}

absl::StatusOr<int64_t> DeleteMemberGoals(Connection& conn,
                                          const TenantId& tenant,
                                          const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare("DELETE FROM goals WHERE tenant = ?1 AND member_id = ?2 "
                   "AND member_id <> ''"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes();
}

}  // namespace rapport::store::internal
