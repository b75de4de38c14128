// PgStore's members: UpsertMember(s), GetMember, ListMembers.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/pg/pg_shared.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

// The columns ReadMember expects, in order.
#define RAPPORT_PG_MEMBER_COLUMNS                                     \
  "member_id, display_name, team, industry, manager, has_photo, "     \
  "has_headline, has_summary, positions_count, "                      \
  "positions_with_description_count, education_count, skills_count, " \
  "certifications_count, volunteer_roles_count, board_roles_count, "  \
  "recommendations_given_count, recommendations_received_count, "     \
  "connections_count, create_time, update_time, event_count, "        \
  "last_event_time"

constexpr char kSelectMember[] = "SELECT " RAPPORT_PG_MEMBER_COLUMNS
                                 " FROM members WHERE tenant = $1 AND "
                                 "member_id = $2";

// Parameters: $1 tenant, $2..$19 the descriptive fields and profile as
// arrays (DescriptionArrays), $20 now. Returns, per member, the maintained
// fields kept and whether the row is new (a row updated by ON CONFLICT
// carries the updating transaction in xmax; a new one none).
constexpr char kUpsertMembers[] =
    "INSERT INTO members (tenant, " RAPPORT_PG_MEMBER_COLUMNS
    ") SELECT $1::text, u.*, $20::bigint, $20::bigint, 0, NULL FROM unnest("
    "$2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], "
    "$12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], "
    "$16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[]) AS u "
    "ON CONFLICT (tenant, member_id) DO UPDATE SET "
    "display_name = excluded.display_name, team = excluded.team, "
    "industry = excluded.industry, manager = excluded.manager, "
    "has_photo = excluded.has_photo, has_headline = excluded.has_headline, "
    "has_summary = excluded.has_summary, "
    "positions_count = excluded.positions_count, "
    "positions_with_description_count = "
    "excluded.positions_with_description_count, "
    "education_count = excluded.education_count, "
    "skills_count = excluded.skills_count, "
    "certifications_count = excluded.certifications_count, "
    "volunteer_roles_count = excluded.volunteer_roles_count, "
    "board_roles_count = excluded.board_roles_count, "
    "recommendations_given_count = excluded.recommendations_given_count, "
    "recommendations_received_count = "
    "excluded.recommendations_received_count, "
    "connections_count = excluded.connections_count, "
    "update_time = excluded.update_time "
    "RETURNING member_id, create_time, event_count, last_event_time, "
    "(xmax = 0)::int";

// One query per filter combination, so each can use its index. Ids compare
// as bytes (COLLATE "C"), whatever the database's collation.
// Parameters: $1 tenant, $2 after_member_id, $3 limit, then team and/or
// industry.
constexpr char kListAll[] = "SELECT " RAPPORT_PG_MEMBER_COLUMNS
                            " FROM members WHERE tenant = $1"
                            " AND member_id COLLATE \"C\" > $2"
                            " ORDER BY member_id COLLATE \"C\" LIMIT $3";
constexpr char kListByTeam[] = "SELECT " RAPPORT_PG_MEMBER_COLUMNS
                               " FROM members WHERE tenant = $1 AND team = $4"
                               " AND member_id COLLATE \"C\" > $2"
                               " ORDER BY member_id COLLATE \"C\" LIMIT $3";
constexpr char kListByIndustry[] =
    "SELECT " RAPPORT_PG_MEMBER_COLUMNS
    " FROM members WHERE tenant = $1 AND industry = $4"
    " AND member_id COLLATE \"C\" > $2"
    " ORDER BY member_id COLLATE \"C\" LIMIT $3";
constexpr char kListByTeamAndIndustry[] =
    "SELECT " RAPPORT_PG_MEMBER_COLUMNS
    " FROM members WHERE tenant = $1 AND team = $4 AND industry = $5"
    " AND member_id COLLATE \"C\" > $2"
    " ORDER BY member_id COLLATE \"C\" LIMIT $3";

#undef RAPPORT_PG_MEMBER_COLUMNS

model::Member ReadMember(const Result& r, int row) {
  model::Member m;
  int c = 0;
  m.member_id = r.String(row, c++);
  m.display_name = r.String(row, c++);
  m.team = r.String(row, c++);
  m.industry = r.String(row, c++);
  m.manager = r.String(row, c++);
  model::Profile& p = m.profile;
  p.has_photo = r.Bool(row, c++);
  p.has_headline = r.Bool(row, c++);
  p.has_summary = r.Bool(row, c++);
  for (int* count : {&p.positions_count, &p.positions_with_description_count,
                     &p.education_count, &p.skills_count,
                     &p.certifications_count, &p.volunteer_roles_count,
                     &p.board_roles_count, &p.recommendations_given_count,
                     &p.recommendations_received_count, &p.connections_count}) {
    *count = static_cast<int>(r.Int(row, c++));
  }
  m.create_time = r.Time(row, c++);
  m.update_time = r.Time(row, c++);
  m.event_count = r.Int(row, c++);
  m.last_event_time = r.OptionalTime(row, c++);
  return m;
}

// $2..$19 of kUpsertMembers for `members`.
void AddDescriptionArrays(Params& params,
                          absl::Span<const model::Member> members) {
  constexpr int kTexts = 5, kInts = 13;
  std::vector<std::string> texts[kTexts];
  std::vector<int64_t> ints[kInts];
  for (const model::Member& m : members) {
    int t = 0;
    for (const std::string* s :
         {&m.member_id, &m.display_name, &m.team, &m.industry, &m.manager}) {
      texts[t++].push_back(*s);
    }
    const model::Profile& p = m.profile;
    int i = 0;
    for (bool b : {p.has_photo, p.has_headline, p.has_summary}) {
      ints[i++].push_back(b ? 1 : 0);
    }
    for (int count : {p.positions_count, p.positions_with_description_count,
                      p.education_count, p.skills_count, p.certifications_count,
                      p.volunteer_roles_count, p.board_roles_count,
                      p.recommendations_given_count,
                      p.recommendations_received_count, p.connections_count}) {
      ints[i++].push_back(count);
    }
  }
  for (const auto& column : texts) params.AddTextArray(column);
  for (const auto& column : ints) params.AddIntArray(column);
}

// Upserts `members` (distinct ids) in one statement; results in order.
absl::StatusOr<std::vector<UpsertResult>> PutMembers(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Member> members, absl::Time now) {
  Params params;
  params.Add(tenant);
  AddDescriptionArrays(params, members);
  params.AddTime(now);
  RAPPORT_ASSIGN_OR_RETURN(Result rows, conn.Exec(kUpsertMembers, params));
  struct Kept {
    absl::Time create_time;
    int64_t event_count;
    std::optional<absl::Time> last_event_time;
    bool created;
  };
  absl::flat_hash_map<std::string, Kept> kept;
  for (int i = 0; i < rows.rows(); ++i) {
    kept[rows.String(i, 0)] = Kept{rows.Time(i, 1), rows.Int(i, 2),
                                   rows.OptionalTime(i, 3), rows.Bool(i, 4)};
  }
  std::vector<UpsertResult> results;
  results.reserve(members.size());
  for (const model::Member& member : members) {
    auto it = kept.find(member.member_id);
    if (it == kept.end()) return absl::InternalError("member not upserted");
    UpsertResult& result = results.emplace_back();
    result.member = member;
    result.member.update_time = now;
    result.member.create_time =
        it->second.created ? now : it->second.create_time;
    result.member.event_count = it->second.event_count;
    result.member.last_event_time = it->second.last_event_time;
    result.created = it->second.created;
  }
  return results;
}

const char* ListSql(const ListMembersQuery& query) {
  if (query.team.empty()) {
    return query.industry.empty() ? kListAll : kListByIndustry;
  }
  return query.industry.empty() ? kListByTeam : kListByTeamAndIndustry;
}

}  // namespace

absl::StatusOr<UpsertResult> PgStore::UpsertMember(const TenantId& tenant,
                                                   const model::Member& member,
                                                   absl::Time now,
                                                   const AuditContext* audit) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<UpsertResult> results,
      UpsertMembers(tenant, absl::MakeConstSpan(&member, 1), now, audit));
  return std::move(results.front());
}

absl::StatusOr<std::vector<UpsertResult>> PgStore::UpsertMembers(
    const TenantId& tenant, absl::Span<const model::Member> members,
    absl::Time now, const AuditContext* audit) {
  std::vector<std::string> ids;
  ids.reserve(members.size());
  absl::flat_hash_set<std::string> distinct;
  for (const model::Member& member : members) {
    if (member.member_id.empty()) {
      return absl::InvalidArgumentError("member_id must not be empty");
    }
    ids.push_back(member.member_id);
    distinct.insert(member.member_id);
  }
  std::vector<UpsertResult> results;
  if (members.empty()) return results;
  RAPPORT_RETURN_IF_ERROR(pool_.Transaction([&](Connection& conn)
                                                -> absl::Status {
    results.clear();
    if (distinct.size() == members.size()) {
      RAPPORT_ASSIGN_OR_RETURN(results, PutMembers(conn, tenant, members, now));
    } else {
      // A member listed twice: each in turn, the later one updating.
      for (const model::Member& member : members) {
        RAPPORT_ASSIGN_OR_RETURN(
            std::vector<UpsertResult> one,
            PutMembers(conn, tenant, absl::MakeConstSpan(&member, 1), now));
        results.push_back(std::move(one.front()));
      }
    }
    for (const UpsertResult& result : results) {
      RAPPORT_RETURN_IF_ERROR(AuditChange(
          conn, tenant, audit, absl::StrCat("member:", result.member.member_id),
          result.created ? "created" : "updated"));
    }
    return RecordMemberChanges(conn, tenant, ids, now);
  }));
  return results;
}

absl::StatusOr<model::Member> PgStore::GetMember(const TenantId& tenant,
                                                 const std::string& member_id) {
  std::optional<model::Member> member;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec(kSelectMember, Params().Add(tenant).Add(member_id)));
        if (rows.rows() > 0) member = ReadMember(rows, 0);
        return absl::OkStatus();
      }));
  if (!member.has_value()) return absl::NotFoundError("member not found");
  return *std::move(member);
}

absl::StatusOr<MemberPage> PgStore::ListMembers(const TenantId& tenant,
                                                const ListMembersQuery& query) {
  if (query.page_size < 1) {
    return absl::InvalidArgumentError("page_size must be at least 1");
  }
  MemberPage page;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        Params params;
        params.Add(tenant)
            .Add(query.after_member_id)
            .Add(int64_t{query.page_size} + 1);  // One more: has_more.
        if (!query.team.empty()) params.Add(query.team);
        if (!query.industry.empty()) params.Add(query.industry);
        RAPPORT_ASSIGN_OR_RETURN(Result rows,
                                 conn.Exec(ListSql(query), params));
        page.members.clear();
        for (int i = 0; i < rows.rows(); ++i) {
          if (i == query.page_size) {
            page.has_more = true;
            break;
          }
          page.members.push_back(ReadMember(rows, i));
        }
        return absl::OkStatus();
      }));
  return page;
}

}  // namespace rapport::store::pg
