#include "server/store/member_table.h"

#include <utility>

#include "server/common/status_macros.h"

namespace rapport::store::internal {
namespace {

// The columns ReadMember expects, in order.
#define RAPPORT_MEMBER_COLUMNS                                        \
  "member_id, display_name, team, industry, manager, has_photo, "     \
  "has_headline, has_summary, positions_count, "                      \
  "positions_with_description_count, education_count, skills_count, " \
  "certifications_count, volunteer_roles_count, board_roles_count, "  \
  "recommendations_given_count, recommendations_received_count, "     \
  "connections_count, create_time, update_time, event_count, "        \
  "last_event_time"

constexpr char kSelectMember[] =
    "SELECT " RAPPORT_MEMBER_COLUMNS
    " FROM members WHERE tenant = ?1 AND member_id = ?2";

// Parameters: ?1 tenant, ?2..?19 as BindDescription, ?20 create/update time.
constexpr char kInsertMember[] =
    "INSERT INTO members (tenant, " RAPPORT_MEMBER_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, ?18, ?19, ?20, ?20, 0, NULL)";

constexpr char kUpdateMember[] =
    "UPDATE members SET display_name = ?3, team = ?4, industry = ?5, "
    "manager = ?6, has_photo = ?7, has_headline = ?8, has_summary = ?9, "
    "positions_count = ?10, positions_with_description_count = ?11, "
    "education_count = ?12, skills_count = ?13, certifications_count = ?14, "
    "volunteer_roles_count = ?15, board_roles_count = ?16, "
    "recommendations_given_count = ?17, recommendations_received_count = ?18, "
    "connections_count = ?19, update_time = ?20 "
    "WHERE tenant = ?1 AND member_id = ?2";

// One query per filter combination, so each can use its index.
// Parameters: ?1 tenant, ?2 after_member_id, ?3 limit, ?4 team, ?5 industry.
constexpr char kListAll[] = "SELECT " RAPPORT_MEMBER_COLUMNS
                            " FROM members WHERE tenant = ?1 AND member_id > ?2"
                            " ORDER BY member_id LIMIT ?3";
constexpr char kListByTeam[] =
    "SELECT " RAPPORT_MEMBER_COLUMNS
    " FROM members WHERE tenant = ?1 AND team = ?4 AND member_id > ?2"
    " ORDER BY member_id LIMIT ?3";
constexpr char kListByIndustry[] =
    "SELECT " RAPPORT_MEMBER_COLUMNS
    " FROM members WHERE tenant = ?1 AND industry = ?5 AND member_id > ?2"
    " ORDER BY member_id LIMIT ?3";
// Without statistics the planner would walk the primary key instead.
constexpr char kListByTeamAndIndustry[] =
    "SELECT " RAPPORT_MEMBER_COLUMNS
    " FROM members INDEXED BY members_by_team"
    " WHERE tenant = ?1 AND team = ?4 AND industry = ?5"
    " AND member_id > ?2 ORDER BY member_id LIMIT ?3";

#undef RAPPORT_MEMBER_COLUMNS

model::Member ReadMember(const Statement& row) {
  model::Member m;
  int c = 0;
  m.member_id = row.ColumnText(c++);
  m.display_name = row.ColumnText(c++);
  m.team = row.ColumnText(c++);
  m.industry = row.ColumnText(c++);
  m.manager = row.ColumnText(c++);
  model::Profile& p = m.profile;
  p.has_photo = row.ColumnInt64(c++) != 0;
  p.has_headline = row.ColumnInt64(c++) != 0;
  p.has_summary = row.ColumnInt64(c++) != 0;
  for (int* count : {&p.positions_count, &p.positions_with_description_count,
                     &p.education_count, &p.skills_count,
                     &p.certifications_count, &p.volunteer_roles_count,
                     &p.board_roles_count, &p.recommendations_given_count,
                     &p.recommendations_received_count, &p.connections_count}) {
    *count = static_cast<int>(row.ColumnInt64(c++));
  }
  m.create_time = row.ColumnTime(c++);
  m.update_time = row.ColumnTime(c++);
  m.event_count = row.ColumnInt64(c++);
  m.last_event_time = row.ColumnOptionalTime(c++);
  return m;
}

// Binds ?1 tenant and ?2..?19: member_id, the descriptive fields, profile.
void BindDescription(Statement& stmt, const TenantId& tenant,
                     const model::Member& m) {
  int i = 1;
  stmt.BindText(i++, tenant);
  stmt.BindText(i++, m.member_id);
  stmt.BindText(i++, m.display_name);
  stmt.BindText(i++, m.team);
  stmt.BindText(i++, m.industry);
  stmt.BindText(i++, m.manager);
  const model::Profile& p = m.profile;
  stmt.BindInt64(i++, p.has_photo ? 1 : 0);
  stmt.BindInt64(i++, p.has_headline ? 1 : 0);
  stmt.BindInt64(i++, p.has_summary ? 1 : 0);
  for (int count : {p.positions_count, p.positions_with_description_count,
                    p.education_count, p.skills_count, p.certifications_count,
                    p.volunteer_roles_count, p.board_roles_count,
                    p.recommendations_given_count,
                    p.recommendations_received_count, p.connections_count}) {
    stmt.BindInt64(i++, count);
  }
}

const char* ListSql(const ListMembersQuery& query) {
  if (query.team.empty()) {
    return query.industry.empty() ? kListAll : kListByIndustry;
  }
  return query.industry.empty() ? kListByTeam : kListByTeamAndIndustry;
}

}  // namespace

absl::StatusOr<std::optional<model::Member>> FindMember(
    Connection& conn, const TenantId& tenant, const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectMember));
  select.BindText(1, tenant);
  select.BindText(2, member_id);
  RAPPORT_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::nullopt;
  return ReadMember(select);
}

absl::StatusOr<bool> MemberExists(Connection& conn, const TenantId& tenant,
                                  const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare(
          "SELECT 1 FROM members WHERE tenant = ?1 AND member_id = ?2"));
  select.BindText(1, tenant);
  select.BindText(2, member_id);
  return select.Step();
}

absl::StatusOr<UpsertResult> PutMember(Connection& conn, const TenantId& tenant,
                                       const model::Member& member,
                                       absl::Time now) {
  RAPPORT_ASSIGN_OR_RETURN(std::optional<model::Member> existing,
                           FindMember(conn, tenant, member.member_id));
  UpsertResult result;
  result.member = member;
  result.member.update_time = now;
  result.created = !existing.has_value();
  if (result.created) {
    result.member.create_time = now;
    result.member.event_count = 0;
    result.member.last_event_time = std::nullopt;
  } else {
    result.member.create_time = existing->create_time;
    result.member.event_count = existing->event_count;
    result.member.last_event_time = existing->last_event_time;
  }
  RAPPORT_ASSIGN_OR_RETURN(
      Statement write,
      conn.Prepare(result.created ? kInsertMember : kUpdateMember));
  BindDescription(write, tenant, member);
  write.BindTime(20, now);
  RAPPORT_RETURN_IF_ERROR(write.Run());
  return result;
}

absl::StatusOr<MemberPage> ListMemberRows(Connection& conn,
                                          const TenantId& tenant,
                                          const ListMembersQuery& query) {
  if (query.page_size < 1) {
    return absl::InvalidArgumentError("page_size must be at least 1");
  }
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(ListSql(query)));
  select.BindText(1, tenant);
  select.BindText(2, query.after_member_id);
  select.BindInt64(3, int64_t{query.page_size} + 1);  // One more: has_more.
  if (!query.team.empty()) select.BindText(4, query.team);
  if (!query.industry.empty()) select.BindText(5, query.industry);
  MemberPage page;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    if (static_cast<int>(page.members.size()) == query.page_size) {
      page.has_more = true;
      break;
    }
    page.members.push_back(ReadMember(select));
  }
  return page;
}

absl::StatusOr<std::vector<TenantId>> ListMemberTenants(Connection& conn) {
  // A skip scan: each step seeks the next tenant in the primary key.
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("WITH RECURSIVE t (tenant) AS ("
                   " SELECT min(tenant) FROM members"
                   " UNION ALL SELECT (SELECT min(tenant) FROM members"
                   " WHERE tenant > t.tenant) FROM t WHERE t.tenant NOT NULL)"
                   " SELECT tenant FROM t WHERE tenant NOT NULL"
                   " ORDER BY tenant"));
  std::vector<TenantId> tenants;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    tenants.push_back(select.ColumnText(0));
  }
  return tenants;
}

absl::Status AddMemberEvents(Connection& conn, const TenantId& tenant,
                             const std::string& member_id, int64_t events,
                             absl::Time latest) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement update,
      conn.Prepare("UPDATE members SET event_count = event_count + ?3, "
                   "last_event_time = max(coalesce(last_event_time, ?4), ?4) "
                   "WHERE tenant = ?1 AND member_id = ?2"));
  update.BindText(1, tenant);
  update.BindText(2, member_id);
  update.BindInt64(3, events);
  update.BindTime(4, latest);
  return update.Run();
}

absl::StatusOr<bool> DeleteMemberRow(Connection& conn, const TenantId& tenant,
                                     const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare("DELETE FROM members WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes() > 0;
}

absl::StatusOr<MemberReferences> DeleteMemberReferences(
    Connection& conn, const TenantId& tenant, const std::string& member_id) {
  MemberReferences references;
  RAPPORT_ASSIGN_OR_RETURN(
      Statement keys,
      conn.Prepare(
          "DELETE FROM api_keys WHERE tenant = ?1 AND member_id = ?2"));
  keys.BindText(1, tenant);
  keys.BindText(2, member_id);
  RAPPORT_RETURN_IF_ERROR(keys.Run());
  references.api_keys = conn.Changes();
  RAPPORT_ASSIGN_OR_RETURN(Statement managers,
                           conn.Prepare("UPDATE members SET manager = '' "
                                        "WHERE tenant = ?1 AND manager = ?2"));
  managers.BindText(1, tenant);
  managers.BindText(2, member_id);
  RAPPORT_RETURN_IF_ERROR(managers.Run());
  references.managers = conn.Changes();
  return references;
}

}  // namespace rapport::store::internal
