// PgStore: tenants, API keys and the audit trail. `tenants` and `api_keys`
// are reference tables, read by key without a tenant; the audit trail is
// read and written per tenant.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/common/status_macros.h"
#include "server/store/pg/pg_shared.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

constexpr char kUniqueViolation[] = "23505";

#define RAPPORT_TENANT_COLUMNS \
  "tenant, display_name, rep_leaderboard, operator, create_time"
#define RAPPORT_KEY_COLUMNS                                       \
  "key_id, tenant, name, role, teams, member_id, secret_sha256, " \
  "create_time, expire_time, last_use_time, revoke_time, created_by"

constexpr char kSelectTenant[] =
    "SELECT " RAPPORT_TENANT_COLUMNS " FROM tenants WHERE tenant = $1";
// The operator flag is decided in the statement: the first tenant ever
// created is the one inserted into an empty table. The table lock makes two
// first creations take turns, so exactly one of them sees it empty.
constexpr char kLockTenants[] =
    "LOCK TABLE tenants IN SHARE ROW EXCLUSIVE MODE";
constexpr char kInsertTenant[] =
    "INSERT INTO tenants (" RAPPORT_TENANT_COLUMNS
    ") SELECT $1::text, $2::text, $3::bigint, CASE WHEN EXISTS (SELECT 1 "
    "FROM tenants) THEN 0 ELSE 1 END, $4::bigint ON CONFLICT (tenant) DO "
    "NOTHING RETURNING operator";
constexpr char kInsertKey[] =
    "INSERT INTO api_keys (" RAPPORT_KEY_COLUMNS
    ") SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text,"
    " $7::text, $8::bigint, $9::bigint, $10::bigint, $11::bigint, $12::text"
    " WHERE EXISTS (SELECT 1 FROM tenants WHERE tenant = $2::text)"
    " ON CONFLICT (key_id) DO NOTHING RETURNING 1";
constexpr char kSelectKey[] =
    "SELECT " RAPPORT_KEY_COLUMNS " FROM api_keys WHERE key_id = $1";
constexpr char kListKeys[] = "SELECT " RAPPORT_KEY_COLUMNS
                             " FROM api_keys WHERE tenant = $1 ORDER BY "
                             "create_time, key_id COLLATE \"C\"";
// Sets revoke_time unless set; returns the key as it then stands and whether
// this statement set it.
constexpr char kRevokeKey[] =
    "WITH old AS (SELECT revoke_time FROM api_keys WHERE key_id = $1"
    " AND tenant = $2 FOR UPDATE) "
    "UPDATE api_keys AS k SET revoke_time = COALESCE(k.revoke_time, $3)"
    " FROM old WHERE k.key_id = $1 AND k.tenant = $2 RETURNING "
    "k.key_id, k.tenant, k.name, k.role, k.teams, k.member_id, "
    "k.secret_sha256, k.create_time, k.expire_time, k.last_use_time, "
    "k.revoke_time, k.created_by, (old.revoke_time IS NULL)::int";
constexpr char kRecordKeyUse[] =
    "UPDATE api_keys SET last_use_time = $2 WHERE key_id = $1"
    " AND (last_use_time IS NULL OR last_use_time < $2)";
constexpr char kAppendAudit[] =
    "INSERT INTO audit_log (tenant, time, principal, role, method, target, "
    "detail) SELECT tenant, time, principal, role, method, target, detail "
    "FROM unnest($1::text[], $2::bigint[], $3::text[], "
    "$4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY "
    "AS a(tenant, time, principal, role, method, target, detail, n) "
    "ORDER BY n";
// $1 tenant, $2 from, $3 to, $4 principal ('' any), $5 before_id (0 none),
// $6 the page's size plus one, $7 targets (NULL: any).
constexpr char kListAudit[] =
    "SELECT id, tenant, time, principal, role, method, target, detail "
    "FROM audit_log WHERE tenant = $1 AND time >= $2 AND time <= $3 "
    "AND ($4::text = '' OR principal = $4::text) AND ($5::bigint = 0 OR id < "
    "$5::bigint) "
    "AND ($7::text[] IS NULL OR target = ANY ($7::text[])) "
    "ORDER BY id DESC LIMIT $6";

#undef RAPPORT_KEY_COLUMNS
#undef RAPPORT_TENANT_COLUMNS

TenantRecord ReadTenant(const Result& rows, int row) {
  TenantRecord tenant;
  tenant.tenant_id = rows.String(row, 0);
  tenant.display_name = rows.String(row, 1);
  tenant.rep_leaderboard = static_cast<int>(rows.Int(row, 2));
  tenant.operator_tenant = rows.Bool(row, 3);
  tenant.create_time = rows.Time(row, 4);
  return tenant;
}

ApiKeyRecord ReadKey(const Result& rows, int row) {
  ApiKeyRecord key;
  key.key_id = rows.String(row, 0);
  key.tenant = rows.String(row, 1);
  key.name = rows.String(row, 2);
  key.role = rows.String(row, 3);
  const absl::string_view teams = rows.Text(row, 4);
  if (!teams.empty()) key.teams = absl::StrSplit(teams, '\n');
  key.member_id = rows.String(row, 5);
  key.secret_sha256_hex = rows.String(row, 6);
  key.create_time = rows.Time(row, 7);
  key.expire_time = rows.OptionalTime(row, 8);
  key.last_use_time = rows.OptionalTime(row, 9);
  key.revoke_time = rows.OptionalTime(row, 10);
  key.created_by = rows.String(row, 11);
  return key;
}

// Inserts the key when its tenant exists and its id is free; the error
// otherwise (FAILED_PRECONDITION, ALREADY_EXISTS).
absl::Status PutKey(Connection& conn, const ApiKeyRecord& key) {
  RAPPORT_ASSIGN_OR_RETURN(
      Result inserted,
      conn.Exec(kInsertKey, Params()
                                .Add(key.key_id)
                                .Add(key.tenant)
                                .Add(key.name)
                                .Add(key.role)
                                .Add(absl::StrJoin(key.teams, "\n"))
                                .Add(key.member_id)
                                .Add(key.secret_sha256_hex)
                                .AddTime(key.create_time)
                                .AddOptionalTime(key.expire_time)
                                .AddOptionalTime(key.last_use_time)
                                .AddOptionalTime(key.revoke_time)
                                .Add(key.created_by)));
  if (inserted.rows() > 0) return absl::OkStatus();
  RAPPORT_ASSIGN_OR_RETURN(Result tenant,
                           conn.Exec(kSelectTenant, Params().Add(key.tenant)));
  if (tenant.rows() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("tenant ", key.tenant, " does not exist"));
  }
  return absl::AlreadyExistsError("the key id is taken");
}

// The audit detail of a key: never its secret or digest.
std::string KeyDetail(const ApiKeyRecord& key) {
  return absl::StrCat(
      "role=", key.role, " name=", key.name,
      key.member_id.empty() ? "" : " scope=member",
      key.teams.empty() ? "" : " scope=teams:", absl::StrJoin(key.teams, ","));
}

// A unique violation that raced past the statements' own checks is the
// outcome they would have reported.
absl::Status TakenAsAlreadyExists(absl::Status status,
                                  absl::string_view message) {
  if (SqlStateOf(status) == kUniqueViolation) {
    return absl::AlreadyExistsError(message);
  }
  return status;
}

}  // namespace

absl::StatusOr<TenantRecord> PgStore::CreateTenant(
    const TenantRecord& tenant, const ApiKeyRecord* first_key,
    const AuditContext* audit) {
  TenantRecord created = tenant;
  absl::Status status =
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        RAPPORT_RETURN_IF_ERROR(conn.Exec(kLockTenants).status());
        RAPPORT_ASSIGN_OR_RETURN(
            Result inserted,
            conn.Exec(kInsertTenant, Params()
                                         .Add(created.tenant_id)
                                         .Add(created.display_name)
                                         .Add(created.rep_leaderboard)
                                         .AddTime(created.create_time)));
        if (inserted.rows() == 0) {
          return absl::AlreadyExistsError(
              absl::StrCat("tenant ", tenant.tenant_id, " already exists"));
        }
        created.operator_tenant = inserted.Bool(0, 0);
        RAPPORT_RETURN_IF_ERROR(AuditChange(
            conn, created.tenant_id, audit,
            absl::StrCat("tenant:", created.tenant_id),
            absl::StrCat(
                "operator=", created.operator_tenant ? "true" : "false",
                " rep_leaderboard=", created.rep_leaderboard)));
        if (first_key == nullptr) return absl::OkStatus();
        RAPPORT_RETURN_IF_ERROR(PutKey(conn, *first_key));
        return AuditChange(conn, created.tenant_id, audit,
                           absl::StrCat("key:", first_key->key_id),
                           KeyDetail(*first_key));
      });
  if (!status.ok()) {
    return TakenAsAlreadyExists(
        std::move(status),
        absl::StrCat("tenant ", tenant.tenant_id, " already exists"));
  }
  return created;
}

absl::StatusOr<std::optional<TenantRecord>> PgStore::FindTenant(
    const TenantId& tenant) {
  std::optional<TenantRecord> found;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows, conn.Exec(kSelectTenant, Params().Add(tenant)));
        if (rows.rows() > 0) found = ReadTenant(rows, 0);
        return absl::OkStatus();
      }));
  return found;
}

absl::Status PgStore::InsertApiKey(const ApiKeyRecord& key,
                                   const AuditContext* audit) {
  absl::Status status =
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        RAPPORT_RETURN_IF_ERROR(PutKey(conn, key));
        return AuditChange(conn, key.tenant, audit,
                           absl::StrCat("key:", key.key_id), KeyDetail(key));
      });
  return TakenAsAlreadyExists(std::move(status), "the key id is taken");
}

absl::StatusOr<std::optional<ApiKeyRecord>> PgStore::FindApiKey(
    const std::string& key_id) {
  std::optional<ApiKeyRecord> found;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(Result rows,
                                 conn.Exec(kSelectKey, Params().Add(key_id)));
        if (rows.rows() > 0) found = ReadKey(rows, 0);
        return absl::OkStatus();
      }));
  return found;
}

absl::StatusOr<std::vector<ApiKeyRecord>> PgStore::ListApiKeys(
    const TenantId& tenant) {
  std::vector<ApiKeyRecord> keys;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(Result rows,
                                 conn.Exec(kListKeys, Params().Add(tenant)));
        keys.clear();
        for (int i = 0; i < rows.rows(); ++i) keys.push_back(ReadKey(rows, i));
        return absl::OkStatus();
      }));
  return keys;
}

absl::StatusOr<ApiKeyRecord> PgStore::RevokeApiKey(const TenantId& tenant,
                                                   const std::string& key_id,
                                                   absl::Time now,
                                                   const AuditContext* audit) {
  ApiKeyRecord revoked;
  RAPPORT_RETURN_IF_ERROR(
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec(kRevokeKey,
                      Params().Add(key_id).Add(tenant).AddTime(now)));
        if (rows.rows() == 0) {
          return absl::NotFoundError(
              absl::StrCat("no API key ", key_id, " in this tenant"));
        }
        revoked = ReadKey(rows, 0);
        if (!rows.Bool(0, 12)) return absl::OkStatus();
        return AuditChange(conn, tenant, audit, absl::StrCat("key:", key_id),
                           "revoked");
      }));
  return revoked;
}

absl::Status PgStore::RecordApiKeyUse(const std::string& key_id,
                                      absl::Time when) {
  return pool_.WithConnection([&](Connection& conn) {
    return conn.Exec(kRecordKeyUse, Params().Add(key_id).AddTime(when))
        .status();
  });
}

absl::Status PgStore::AppendAudit(absl::Span<const AuditEntry> entries) {
  if (entries.empty()) return absl::OkStatus();
  std::vector<std::string> tenants, principals, roles, methods, targets,
      details;
  std::vector<int64_t> times;
  for (const AuditEntry& entry : entries) {
    tenants.push_back(entry.tenant);
    times.push_back(absl::ToUnixMicros(entry.time));
    principals.push_back(entry.principal);
    roles.push_back(entry.role);
    methods.push_back(entry.method);
    targets.push_back(entry.target);
    details.push_back(entry.detail);
  }
  // One statement: the identity column numbers the rows in ORDINALITY order.
  return pool_.WithConnection([&](Connection& conn) {
    return conn
        .Exec(kAppendAudit, Params()
                                .AddTextArray(tenants)
                                .AddIntArray(times)
                                .AddTextArray(principals)
                                .AddTextArray(roles)
                                .AddTextArray(methods)
                                .AddTextArray(targets)
                                .AddTextArray(details))
        .status();
  });
}

absl::StatusOr<AuditPage> PgStore::ListAudit(const TenantId& tenant,
                                             const AuditQuery& query) {
  if (query.page_size < 1) {
    return absl::InvalidArgumentError("page_size must be >= 1");
  }
  Params params;
  params.Add(tenant)
      .AddTime(query.from)
      .AddTime(query.to)
      .Add(query.principal)
      .Add(query.before_id)
      .Add(static_cast<int64_t>(query.page_size) + 1);
  if (query.targets.empty()) {
    params.AddNull();
  } else {
    params.AddTextArray(query.targets);
  }
  AuditPage page;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(Result rows, conn.Exec(kListAudit, params));
        page = AuditPage();
        for (int i = 0; i < rows.rows(); ++i) {
          if (i == query.page_size) {
            page.has_more = true;
            break;
          }
          AuditEntry& entry = page.entries.emplace_back();
          entry.id = rows.Int(i, 0);
          entry.tenant = rows.String(i, 1);
          entry.time = rows.Time(i, 2);
          entry.principal = rows.String(i, 3);
          entry.role = rows.String(i, 4);
          entry.method = rows.String(i, 5);
          entry.target = rows.String(i, 6);
          entry.detail = rows.String(i, 7);
        }
        return absl::OkStatus();
      }));
  return page;
}

}  // namespace rapport::store::pg
