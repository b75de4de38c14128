#include "server/store/score_history_table.h"

#include <utility>

#include "server/common/status_macros.h"
#include "server/store/daily_count_table.h"

namespace rapport::store::internal {
namespace {

// The columns ReadSnapshot expects, in order.
#define RAPPORT_SNAPSHOT_COLUMNS \
  "member_id, day, total, brand, find, engage, relationships, model_version"

// The member check makes snapshots of unknown (or just deleted) members a
// no-op, so no orphan rows outlive DeleteMember; with ?10 (the create_time
// of the member scored) also those of a member deleted and created again
// since it was scored.
constexpr char kUpsertSnapshot[] =
    "INSERT INTO score_history (tenant, " RAPPORT_SNAPSHOT_COLUMNS
    ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9"
    " WHERE EXISTS (SELECT 1 FROM members WHERE tenant = ?1 AND member_id = ?2"
    " AND (?10 IS NULL OR create_time = ?10))"
    " ON CONFLICT (tenant, member_id, day) DO UPDATE SET"
    " total = excluded.total, brand = excluded.brand, find = excluded.find,"
    " engage = excluded.engage, relationships = excluded.relationships,"
    " model_version = excluded.model_version";

constexpr char kSelectMemberScores[] =
    "SELECT " RAPPORT_SNAPSHOT_COLUMNS
    " FROM score_history WHERE tenant = ?1 AND member_id = ?2"
    " AND day BETWEEN ?3 AND ?4 ORDER BY day";

// Without statistics the planner would walk the tenant's whole history in
// the primary key instead.
constexpr char kSelectDayScores[] =
    "SELECT " RAPPORT_SNAPSHOT_COLUMNS
    " FROM score_history INDEXED BY score_history_by_day"
    " WHERE tenant = ?1 AND day = ?2 ORDER BY member_id";

#undef RAPPORT_SNAPSHOT_COLUMNS

model::ScoreSnapshot ReadSnapshot(const Statement& row) {
  model::ScoreSnapshot s;
  int c = 0;
  s.member_id = row.ColumnText(c++);
  s.day = CivilDayOf(row.ColumnInt64(c++));
  s.total = row.ColumnDouble(c++);
  for (double& pillar : s.pillars) pillar = row.ColumnDouble(c++);
  s.model_version = row.ColumnText(c++);
  return s;
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadAll(Statement& select) {
  std::vector<model::ScoreSnapshot> snapshots;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    snapshots.push_back(ReadSnapshot(select));
  }
  return snapshots;
}

}  // namespace

absl::Status PutScoreSnapshot(Connection& conn, const TenantId& tenant,
                              const model::ScoreSnapshot& snapshot) {
  RAPPORT_ASSIGN_OR_RETURN(Statement upsert, conn.Prepare(kUpsertSnapshot));
  int i = 1;
  upsert.BindText(i++, tenant);
  upsert.BindText(i++, snapshot.member_id);
  upsert.BindInt64(i++, DayNumber(snapshot.day));
  upsert.BindDouble(i++, snapshot.total);
  for (double pillar : snapshot.pillars) upsert.BindDouble(i++, pillar);
  upsert.BindText(i++, snapshot.model_version);
  upsert.BindOptionalTime(i++, snapshot.member_create_time);
  return upsert.Run();
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadMemberScores(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    int64_t first_day, int64_t last_day) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectMemberScores));
  select.BindText(1, tenant);
  select.BindText(2, member_id);
  select.BindInt64(3, first_day);
  select.BindInt64(4, last_day);
  return ReadAll(select);
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadDayScores(
    Connection& conn, const TenantId& tenant, int64_t day) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectDayScores));
  select.BindText(1, tenant);
  select.BindInt64(2, day);
  return ReadAll(select);
}

absl::Status DeleteScoreHistory(Connection& conn, const TenantId& tenant,
                                const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare(
          "DELETE FROM score_history WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  return del.Run();
}

}  // namespace rapport::store::internal
