// PgStore: the score changes feed. A tracker pass's changes are one
// transaction, written by whole-batch statements.
#include <cmath>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "server/common/status_macros.h"
#include "server/store/pg/pg_history_values.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

// Takes the tenant's counter row lock until commit (concurrent writers of
// the tenant's feed number their rows in turn) and returns the counter.
constexpr char kLockSeq[] =
    "INSERT INTO score_change_seq (tenant, seq) VALUES ($1, 0)"
    " ON CONFLICT (tenant) DO UPDATE SET seq = score_change_seq.seq"
    " RETURNING seq";

// Rows of members that do not exist (deleted since their score was read)
// are skipped and take no number; the others take $9 + 1, $9 + 2, … in the
// order given. The key share lock makes a concurrent DeleteMember wait for
// this write, so no row outlives it. Every member appears at most once.
constexpr char kUpsertRows[] =
    "INSERT INTO score_changes (tenant, member_id, team, ssi, brand, find,"
    " engage, relationships, previous_ssi, seq, change_time)"
    " SELECT $1, u.member_id, u.team, u.ssi, u.brand, u.find, u.engage,"
    " u.relationships, NULL, $9 + row_number() OVER (ORDER BY u.ord), $10"
    " FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[],"
    " $6::float8[], $7::float8[], $8::float8[]) WITH ORDINALITY"
    " AS u (member_id, team, ssi, brand, find, engage, relationships, ord)"
    " WHERE EXISTS (SELECT 1 FROM members m WHERE m.tenant = $1"
    " AND m.member_id = u.member_id FOR KEY SHARE)"
    " ON CONFLICT (tenant, member_id) DO UPDATE SET"
    " previous_ssi = score_changes.ssi, team = excluded.team,"
    " ssi = excluded.ssi, brand = excluded.brand, find = excluded.find,"
    " engage = excluded.engage, relationships = excluded.relationships,"
    " seq = excluded.seq, change_time = excluded.change_time";

#define RAPPORT_FEED_COLUMNS                                                 \
  "member_id, team, ssi, brand, find, engage, relationships, previous_ssi, " \
  "seq, change_time"

// Member order is bytewise, as the SQLite store's.
constexpr char kSelectPage[] =
    "SELECT " RAPPORT_FEED_COLUMNS
    " FROM score_changes WHERE tenant = $1 AND member_id COLLATE \"C\" > $2"
    " AND seq > $3 AND seq <= $4 ORDER BY member_id COLLATE \"C\" LIMIT $5";
constexpr char kSelectTeamPage[] =
    "SELECT " RAPPORT_FEED_COLUMNS
    " FROM score_changes WHERE tenant = $1 AND team = $6"
    " AND member_id COLLATE \"C\" > $2 AND seq > $3 AND seq <= $4"
    " ORDER BY member_id COLLATE \"C\" LIMIT $5";

#undef RAPPORT_FEED_COLUMNS

bool IsFinite(const ScoreFeedRow& change) {
  bool finite = std::isfinite(change.ssi);
  for (double pillar : change.pillars) finite = finite && std::isfinite(pillar);
  return finite;
}

ScoreFeedRow ReadRow(const Result& rows, int r) {
  ScoreFeedRow row;
  int c = 0;
  row.member_id = rows.String(r, c++);
  row.team = rows.String(r, c++);
  row.ssi = rows.Real(r, c++);
  for (double& pillar : row.pillars) pillar = rows.Real(r, c++);
  if (!rows.IsNull(r, c)) row.previous_ssi = rows.Real(r, c);
  ++c;
  row.seq = rows.Int(r, c++);
  row.change_time = rows.Time(r, c++);
  return row;
}

// Splits `changes` into runs in which no member appears twice: a run is
// one statement, and runs go in order, so a member changed twice in one
// batch is written twice, as if the rows were written in turn.
std::vector<absl::Span<const ScoreFeedRow>> DistinctRuns(
    absl::Span<const ScoreFeedRow> changes) {
  std::vector<absl::Span<const ScoreFeedRow>> runs;
  absl::flat_hash_set<absl::string_view> seen;
  size_t start = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (!seen.insert(changes[i].member_id).second) {
      runs.push_back(changes.subspan(start, i - start));
      seen.clear();
      seen.insert(changes[i].member_id);
      start = i;
    }
  }
  runs.push_back(changes.subspan(start));
  return runs;
}

// Writes one run numbered from `seq` + 1; returns the rows written.
absl::StatusOr<int64_t> WriteRun(Connection& conn, const TenantId& tenant,
                                 absl::Span<const ScoreFeedRow> run,
                                 int64_t seq, absl::Time now) {
  std::vector<std::string> member_ids, teams;
  std::vector<double> ssis;
  std::vector<std::vector<double>> pillars(4);
  for (const ScoreFeedRow& change : run) {
    member_ids.push_back(change.member_id);
    teams.push_back(change.team);
    ssis.push_back(change.ssi);
    for (size_t p = 0; p < pillars.size(); ++p) {
      pillars[p].push_back(change.pillars[p]);
    }
  }
  Params params;
  params.Add(tenant)
      .AddTextArray(member_ids)
      .AddTextArray(teams)
      .Add(RealArrayLiteral(ssis));
  for (const std::vector<double>& pillar : pillars) {
    params.Add(RealArrayLiteral(pillar));
  }
  params.Add(seq).AddTime(now);
  RAPPORT_ASSIGN_OR_RETURN(Result result, conn.Exec(kUpsertRows, params));
  return result.affected();
}

}  // namespace

absl::StatusOr<std::vector<ScoreFeedEntry>> PgStore::ReadScoreFeed(
    const TenantId& tenant) {
  std::vector<ScoreFeedEntry> entries;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec("SELECT member_id, team, ssi FROM score_changes"
                      " WHERE tenant = $1 ORDER BY member_id COLLATE \"C\"",
                      Params().Add(tenant)));
        for (int r = 0; r < rows.rows(); ++r) {
          entries.push_back(ScoreFeedEntry{.member_id = rows.String(r, 0),
                                           .team = rows.String(r, 1),
                                           .ssi = rows.Real(r, 2)});
        }
        return absl::OkStatus();
      }));
  return entries;
}

absl::StatusOr<int64_t> PgStore::WriteScoreFeed(
    const TenantId& tenant, absl::Span<const ScoreFeedRow> changes,
    absl::Time now) {
  for (const ScoreFeedRow& change : changes) {
    if (!IsFinite(change)) {
      return absl::InvalidArgumentError("a score figure is not finite");
    }
  }
  int64_t written = 0;
  if (changes.empty()) return written;
  const std::vector<absl::Span<const ScoreFeedRow>> runs =
      DistinctRuns(changes);
  RAPPORT_RETURN_IF_ERROR(
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        written = 0;
        RAPPORT_ASSIGN_OR_RETURN(Result counter,
                                 conn.Exec(kLockSeq, Params().Add(tenant)));
        int64_t seq = counter.Int(0, 0);
        for (absl::Span<const ScoreFeedRow> run : runs) {
          RAPPORT_ASSIGN_OR_RETURN(int64_t run_written,
                                   WriteRun(conn, tenant, run, seq, now));
          seq += run_written;
          written += run_written;
        }
        if (written == 0) return absl::OkStatus();
        return conn
            .Exec("UPDATE score_change_seq SET seq = $2 WHERE tenant = $1",
                  Params().Add(tenant).Add(seq))
            .status();
      }));
  return written;
}

absl::StatusOr<int64_t> PgStore::ScoreFeedSeq(const TenantId& tenant) {
  int64_t seq = 0;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec("SELECT seq FROM score_change_seq WHERE tenant = $1",
                      Params().Add(tenant)));
        if (rows.rows() > 0) seq = rows.Int(0, 0);
        return absl::OkStatus();
      }));
  return seq;
}

absl::StatusOr<ScoreFeedPage> PgStore::ListScoreFeed(
    const TenantId& tenant, const ScoreFeedQuery& query) {
  if (query.page_size < 1) {
    return absl::InvalidArgumentError("page_size must be >= 1");
  }
  Params params;
  params.Add(tenant)
      .Add(query.after_member_id)
      .Add(query.after_seq)
      .Add(query.upto_seq)
      .Add(static_cast<int64_t>(query.page_size) + 1);
  if (!query.team.empty()) params.Add(query.team);
  ScoreFeedPage page;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec(query.team.empty() ? kSelectPage : kSelectTeamPage,
                      params));
        for (int r = 0; r < rows.rows(); ++r) {
          if (static_cast<int>(page.rows.size()) == query.page_size) {
            page.has_more = true;
            break;
          }
          page.rows.push_back(ReadRow(rows, r));
        }
        return absl::OkStatus();
      }));
  return page;
}

}  // namespace rapport::store::pg
