#include "server/store/score_change_table.h"

#include "server/common/status_macros.h"

namespace rapport::store::internal {
namespace {

// The member check skips the rows of members deleted since their score was
// read, so that no row outlives DeleteMember.
constexpr char kUpsertRow[] =
    "INSERT INTO score_changes (tenant, member_id, team, ssi, brand, find,"
    " engage, relationships, previous_ssi, seq, change_time)"
    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10"
    " WHERE EXISTS (SELECT 1 FROM members WHERE tenant = ?1 AND member_id = ?2)"
    " ON CONFLICT (tenant, member_id) DO UPDATE SET"
    " previous_ssi = score_changes.ssi, team = excluded.team,"
    " ssi = excluded.ssi, brand = excluded.brand, find = excluded.find,"
    " engage = excluded.engage, relationships = excluded.relationships,"
    " seq = excluded.seq, change_time = excluded.change_time";

constexpr char kPutSeq[] =
    "INSERT INTO score_change_seq (tenant, seq) VALUES (?1, ?2)"
    " ON CONFLICT (tenant) DO UPDATE SET seq = excluded.seq";

#define RAPPORT_FEED_COLUMNS                                                 \
  "member_id, team, ssi, brand, find, engage, relationships, previous_ssi, " \
  "seq, change_time"

// Without a team the primary key gives member_id order; with one, the team
// index does. Either way the seq range is checked per row.
constexpr char kSelectPage[] =
    "SELECT " RAPPORT_FEED_COLUMNS
    " FROM score_changes WHERE tenant = ?1 AND member_id > ?2"
    " AND seq > ?3 AND seq <= ?4 ORDER BY member_id LIMIT ?5";
constexpr char kSelectTeamPage[] =
    "SELECT " RAPPORT_FEED_COLUMNS
    " FROM score_changes INDEXED BY score_changes_by_team"
    " WHERE tenant = ?1 AND team = ?6 AND member_id > ?2"
    " AND seq > ?3 AND seq <= ?4 ORDER BY member_id LIMIT ?5";

#undef RAPPORT_FEED_COLUMNS

ScoreFeedRow ReadRow(const Statement& row) {
  ScoreFeedRow r;
  int c = 0;
  r.member_id = row.ColumnText(c++);
  r.team = row.ColumnText(c++);
  r.ssi = row.ColumnDouble(c++);
  for (double& pillar : r.pillars) pillar = row.ColumnDouble(c++);
  if (!row.ColumnIsNull(c)) r.previous_ssi = row.ColumnDouble(c);
  ++c;
  r.seq = row.ColumnInt64(c++);
  r.change_time = row.ColumnTime(c++);
  return r;
}

}  // namespace

absl::StatusOr<std::vector<ScoreFeedEntry>> SelectScoreFeed(
    Connection& conn, const TenantId& tenant) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT member_id, team, ssi FROM score_changes"
                   " WHERE tenant = ?1 ORDER BY member_id"));
  select.BindText(1, tenant);
  std::vector<ScoreFeedEntry> entries;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    entries.push_back(ScoreFeedEntry{.member_id = select.ColumnText(0),
                                     .team = select.ColumnText(1),
                                     .ssi = select.ColumnDouble(2)});
  }
  return entries;
}

absl::StatusOr<int64_t> SelectScoreFeedSeq(Connection& conn,
                                           const TenantId& tenant) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT seq FROM score_change_seq WHERE tenant = ?1"));
  select.BindText(1, tenant);
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  return row ? select.ColumnInt64(0) : 0;
}

absl::StatusOr<int64_t> PutScoreFeedRows(Connection& conn,
                                         const TenantId& tenant,
                                         absl::Span<const ScoreFeedRow> changes,
                                         absl::Time now) {
  if (changes.empty()) return 0;
  RAPPORT_ASSIGN_OR_RETURN(int64_t seq, SelectScoreFeedSeq(conn, tenant));
  int64_t written = 0;
  for (const ScoreFeedRow& change : changes) {
    RAPPORT_ASSIGN_OR_RETURN(Statement upsert, conn.Prepare(kUpsertRow));
    int i = 1;
    upsert.BindText(i++, tenant);
    upsert.BindText(i++, change.member_id);
    upsert.BindText(i++, change.team);
    upsert.BindDouble(i++, change.ssi);
    for (double pillar : change.pillars) upsert.BindDouble(i++, pillar);
    upsert.BindInt64(i++, seq + 1);
    upsert.BindTime(i++, now);
    RAPPORT_RETURN_IF_ERROR(upsert.Run());
    if (conn.Changes() > 0) {
      ++seq;
      ++written;
    }
  }
  if (written == 0) return 0;
  RAPPORT_ASSIGN_OR_RETURN(Statement put, conn.Prepare(kPutSeq));
  put.BindText(1, tenant);
  put.BindInt64(2, seq);
  RAPPORT_RETURN_IF_ERROR(put.Run());
  return written;
}

absl::StatusOr<ScoreFeedPage> SelectScoreFeedPage(Connection& conn,
                                                  const TenantId& tenant,
                                                  const ScoreFeedQuery& query) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare(query.team.empty() ? kSelectPage : kSelectTeamPage));
  select.BindText(1, tenant);
  select.BindText(2, query.after_member_id);
  select.BindInt64(3, query.after_seq);
  select.BindInt64(4, query.upto_seq);
  select.BindInt64(5, static_cast<int64_t>(query.page_size) + 1);
  if (!query.team.empty()) select.BindText(6, query.team);
  ScoreFeedPage page;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    if (static_cast<int>(page.rows.size()) == query.page_size) {
      page.has_more = true;
      break;
    }
    page.rows.push_back(ReadRow(select));
  }
  return page;
}

absl::Status DeleteScoreFeedRow(Connection& conn, const TenantId& tenant,
                                const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare(
          "DELETE FROM score_changes WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  return del.Run();
}

}  // namespace rapport::store::internal
