#include "server/store/history_state_table.h"

#include "server/common/status_macros.h"
#include "server/store/errors.h"

namespace rapport::store::internal {

absl::StatusOr<std::optional<int64_t>> ReadRecordedThrough(
    Connection& conn, const TenantId& tenant) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT recorded_through_day FROM history_state "
                   "WHERE tenant = ?1"));
  select.BindText(1, tenant);
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row || select.ColumnIsNull(0)) return std::nullopt;
  return select.ColumnInt64(0);
}

absl::Status WriteRecordedThrough(Connection& conn, const TenantId& tenant,
                                  int64_t day) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement upsert,
      conn.Prepare("INSERT INTO history_state (tenant, recorded_through_day) "
                   "VALUES (?1, ?2) ON CONFLICT (tenant) DO UPDATE SET "
                   "recorded_through_day = excluded.recorded_through_day"));
  upsert.BindText(1, tenant);
  upsert.BindInt64(2, day);
  return upsert.Run();
}

absl::StatusOr<int64_t> NextHistoryWorkVersion(Connection& conn,
                                               const TenantId& tenant) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement upsert,
      conn.Prepare("INSERT INTO history_state (tenant, work_version) "
                   "VALUES (?1, 1) ON CONFLICT (tenant) DO UPDATE SET "
                   "work_version = work_version + 1 RETURNING work_version"));
  upsert.BindText(1, tenant);
  RAPPORT_ASSIGN_OR_RETURN(bool row, upsert.Step());
  if (!row) return absl::InternalError(kStorageInternal);
  return upsert.ColumnInt64(0);
}

}  // namespace rapport::store::internal
