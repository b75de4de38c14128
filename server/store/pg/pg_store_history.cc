// PgStore: the daily score history and its work queue. The score changes
// feed is in pg_history_feed.cc, goals in pg_history_goals.cc.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "server/common/status_macros.h"
#include "server/store/pg/pg_history_values.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

bool IsFinite(const model::ScoreSnapshot& snapshot) {
  if (!std::isfinite(snapshot.total)) return false;
  for (double pillar : snapshot.pillars) {
    if (!std::isfinite(pillar)) return false;
  }
  return true;
}

// A skip scan: each step seeks the next tenant in the members' primary key
// instead of reading every member. It walks the key in the database's
// collation (so the index serves it); the caller sorts bytewise.
constexpr char kSelectTenants[] =
    "WITH RECURSIVE t (tenant) AS ("
    " SELECT min(tenant) FROM members"
    " UNION ALL SELECT (SELECT min(tenant) FROM members"
    " WHERE tenant > t.tenant) FROM t WHERE t.tenant IS NOT NULL)"
    " SELECT tenant FROM t WHERE tenant IS NOT NULL";

// The whole batch in one statement. The member check drops snapshots of
// unknown (or just deleted) members, and those scored for a member deleted
// and created again since (create_time differs); the key share lock makes a
// concurrent DeleteMember wait for this write, so no orphan rows outlive it. Of
// several snapshots of one member and day the last one wins, as if they were
// written in turn.
constexpr char kUpsertSnapshots[] =
    "INSERT INTO score_history (tenant, member_id, day, total, brand, find,"
    " engage, relationships, model_version)"
    " SELECT DISTINCT ON (u.member_id, u.day) $1, u.member_id, u.day, u.total,"
    " u.brand, u.find, u.engage, u.relationships, u.model_version"
    " FROM unnest($2::text[], $3::bigint[], $4::float8[], $5::float8[],"
    " $6::float8[], $7::float8[], $8::float8[], $9::text[], $10::bigint[])"
    " WITH ORDINALITY AS u (member_id, day, total, brand, find, engage,"
    " relationships, model_version, create_time, ord)"
    " WHERE EXISTS (SELECT 1 FROM members m WHERE m.tenant = $1"
    " AND m.member_id = u.member_id"
    " AND (u.create_time IS NULL OR m.create_time = u.create_time)"
    " FOR KEY SHARE)"
    " ORDER BY u.member_id, u.day, u.ord DESC"
    " ON CONFLICT (tenant, member_id, day) DO UPDATE SET"
    " total = excluded.total, brand = excluded.brand, find = excluded.find,"
    " engage = excluded.engage, relationships = excluded.relationships,"
    " model_version = excluded.model_version";

// One row with NULL snapshot columns for a member without snapshots in the
// range; none for an unknown member.
constexpr char kSelectMemberScores[] =
    "SELECT h.day, h.total, h.brand, h.find, h.engage, h.relationships,"
    " h.model_version FROM members m LEFT JOIN score_history h"
    " ON h.tenant = m.tenant AND h.member_id = m.member_id"
    " AND h.day BETWEEN $3 AND $4"
    " WHERE m.tenant = $1 AND m.member_id = $2 ORDER BY h.day";

constexpr char kSelectDayScores[] =
    "SELECT member_id, day, total, brand, find, engage, relationships,"
    " model_version FROM score_history WHERE tenant = $1 AND day = $2"
    " ORDER BY member_id COLLATE \"C\"";

// Reads the columns from `column` on: day, total, the four pillars,
// model_version.
void ReadSnapshotFrom(const Result& rows, int row, int column,
                      model::ScoreSnapshot& s) {
  s.day = HistoryCivilDay(rows.Int(row, column++));
  s.total = rows.Real(row, column++);
  for (double& pillar : s.pillars) pillar = rows.Real(row, column++);
  s.model_version = rows.String(row, column++);
}

}  // namespace

absl::StatusOr<std::vector<TenantId>> PgStore::ListTenants() {
  std::vector<TenantId> tenants;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(Result rows, conn.Exec(kSelectTenants));
        for (int r = 0; r < rows.rows(); ++r) {
          tenants.push_back(rows.String(r, 0));
        }
        return absl::OkStatus();
      }));
  std::sort(tenants.begin(), tenants.end());
  return tenants;
}

absl::Status PgStore::WriteScoreSnapshots(
    const TenantId& tenant, absl::Span<const model::ScoreSnapshot> snapshots) {
  for (const model::ScoreSnapshot& snapshot : snapshots) {
    if (!IsFinite(snapshot)) {
      return absl::InvalidArgumentError("snapshot scores must be finite");
    }
  }
  if (snapshots.empty()) return absl::OkStatus();
  std::vector<std::string> member_ids, model_versions;
  std::vector<int64_t> days;
  std::vector<double> totals;
  std::vector<std::vector<double>> pillars(4);
  std::vector<std::optional<int64_t>> create_times;
  for (const model::ScoreSnapshot& s : snapshots) {
    member_ids.push_back(s.member_id);
    days.push_back(HistoryDayNumber(s.day));
    totals.push_back(s.total);
    for (size_t p = 0; p < pillars.size(); ++p) {
      pillars[p].push_back(s.pillars[p]);
    }
    model_versions.push_back(s.model_version);
    create_times.push_back(
        s.member_create_time.has_value()
            ? std::optional<int64_t>(absl::ToUnixMicros(*s.member_create_time))
            : std::nullopt);
  }
  Params params;
  params.Add(tenant)
      .AddTextArray(member_ids)
      .AddIntArray(days)
      .Add(RealArrayLiteral(totals));
  for (const std::vector<double>& pillar : pillars) {
    params.Add(RealArrayLiteral(pillar));
  }
  params.AddTextArray(model_versions)
      .Add(OptionalIntArrayLiteral(create_times));
  // One statement: atomic without an explicit transaction.
  return pool_.WithConnection([&](Connection& conn) {
    return conn.Exec(kUpsertSnapshots, params).status();
  });
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> PgStore::ReadScoreHistory(
    const TenantId& tenant, const std::string& member_id, absl::CivilDay first,
    absl::CivilDay last) {
  if (first > last) {
    return absl::InvalidArgumentError("the range starts after it ends");
  }
  std::vector<model::ScoreSnapshot> snapshots;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec(kSelectMemberScores, Params()
                                               .Add(tenant)
                                               .Add(member_id)
                                               .Add(HistoryDayNumber(first))
                                               .Add(HistoryDayNumber(last))));
        if (rows.rows() == 0) return absl::NotFoundError("member not found");
        for (int r = 0; r < rows.rows(); ++r) {
          if (rows.IsNull(r, 0)) continue;
          model::ScoreSnapshot& s = snapshots.emplace_back();
          s.member_id = member_id;
          ReadSnapshotFrom(rows, r, 0, s);
        }
        return absl::OkStatus();
      }));
  return snapshots;
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> PgStore::ReadScoresOfDay(
    const TenantId& tenant, absl::CivilDay day) {
  std::vector<model::ScoreSnapshot> snapshots;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec(kSelectDayScores,
                      Params().Add(tenant).Add(HistoryDayNumber(day))));
        for (int r = 0; r < rows.rows(); ++r) {
          model::ScoreSnapshot& s = snapshots.emplace_back();
          s.member_id = rows.String(r, 0);
          ReadSnapshotFrom(rows, r, 1, s);
        }
        return absl::OkStatus();
      }));
  return snapshots;
}

absl::StatusOr<std::vector<HistoryWork>> PgStore::ListHistoryWork(
    const TenantId& tenant, int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  std::vector<HistoryWork> work;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec("SELECT member_id, from_day, version FROM history_work"
                      " WHERE tenant = $1 ORDER BY member_id COLLATE \"C\""
                      " LIMIT $2",
                      Params().Add(tenant).Add(limit)));
        for (int r = 0; r < rows.rows(); ++r) {
          HistoryWork& w = work.emplace_back();
          w.member_id = rows.String(r, 0);
          w.from_day = HistoryCivilDay(rows.Int(r, 1));
          w.version = rows.Int(r, 2);
        }
        return absl::OkStatus();
      }));
  return work;
}

absl::Status PgStore::CompleteHistoryWork(const TenantId& tenant,
                                          const HistoryWork& work) {
  return CompleteHistoryWorkBatch(tenant, absl::MakeConstSpan(&work, 1));
}

absl::Status PgStore::CompleteHistoryWorkBatch(
    const TenantId& tenant, absl::Span<const HistoryWork> work) {
  if (work.empty()) return absl::OkStatus();
  std::vector<std::string> member_ids;
  std::vector<int64_t> versions;
  for (const HistoryWork& entry : work) {
    member_ids.push_back(entry.member_id);
    versions.push_back(entry.version);
  }
  // One statement, so one transaction. An entry re-queued by an ingest
  // since it was listed carries a newer version and stays.
  return pool_.WithConnection([&](Connection& conn) {
    return conn
        .Exec(
            "DELETE FROM history_work h"
            " USING unnest($2::text[], $3::bigint[]) AS u (member_id, version)"
            " WHERE h.tenant = $1 AND h.member_id = u.member_id"
            " AND h.version = u.version",
            Params().Add(tenant).AddTextArray(member_ids).AddIntArray(versions))
        .status();
  });
}

absl::StatusOr<std::optional<absl::CivilDay>> PgStore::RecordedThrough(
    const TenantId& tenant) {
  std::optional<int64_t> day;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec("SELECT recorded_through_day FROM history_state"
                      " WHERE tenant = $1",
                      Params().Add(tenant)));
        if (rows.rows() > 0) day = rows.OptionalInt(0, 0);
        return absl::OkStatus();
      }));
  if (!day.has_value()) return std::nullopt;
  return HistoryCivilDay(*day);
}

absl::Status PgStore::SetRecordedThrough(const TenantId& tenant,
                                         absl::CivilDay day) {
  return pool_.WithConnection([&](Connection& conn) {
    return conn
        .Exec(
            "INSERT INTO history_state (tenant, recorded_through_day)"
            " VALUES ($1, $2) ON CONFLICT (tenant) DO UPDATE SET"
            " recorded_through_day = excluded.recorded_through_day",
            Params().Add(tenant).Add(HistoryDayNumber(day)))
        .status();
  });
}

}  // namespace rapport::store::pg
