#include "server/store/history_work_table.h"

#include <utility>

#include "server/common/status_macros.h"
#include "server/store/daily_count_table.h"

namespace rapport::store::internal {

absl::Status MarkHistoryStale(Connection& conn, const TenantId& tenant,
                              const std::string& member_id, int64_t from_day,
                              int64_t version) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement upsert,
      conn.Prepare("INSERT INTO history_work (tenant, member_id, from_day, "
                   "version) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT (tenant, member_id) DO UPDATE SET "
                   "from_day = min(from_day, excluded.from_day), "
                   "version = excluded.version"));
  upsert.BindText(1, tenant);
  upsert.BindText(2, member_id);
  upsert.BindInt64(3, from_day);
  upsert.BindInt64(4, version);
  return upsert.Run();
}

absl::StatusOr<std::vector<HistoryWork>> ListHistoryWorkRows(
    Connection& conn, const TenantId& tenant, int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT member_id, from_day, version FROM history_work "
                   "WHERE tenant = ?1 ORDER BY member_id LIMIT ?2"));
  select.BindText(1, tenant);
  select.BindInt64(2, limit);
  std::vector<HistoryWork> work;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    HistoryWork& w = work.emplace_back();
    w.member_id = select.ColumnText(0);
    w.from_day = CivilDayOf(select.ColumnInt64(1));
    w.version = select.ColumnInt64(2);
  }
  return work;
}

absl::Status DeleteHistoryWorkIfVersion(Connection& conn,
                                        const TenantId& tenant,
                                        const HistoryWork& work) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del, conn.Prepare("DELETE FROM history_work WHERE tenant = ?1 "
                                  "AND member_id = ?2 AND version = ?3"));
  del.BindText(1, tenant);
  del.BindText(2, work.member_id);
  del.BindInt64(3, work.version);
  return del.Run();
}

absl::Status DeleteHistoryWork(Connection& conn, const TenantId& tenant,
                               const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare(
          "DELETE FROM history_work WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  return del.Run();
}

}  // namespace rapport::store::internal
