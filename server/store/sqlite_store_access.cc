// SqliteStore: tenants, API keys and the audit trail.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/common/status_macros.h"
#include "server/store/audit_table.h"
#include "server/store/errors.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"

namespace rapport::store {

using internal::Connection;
using internal::InTransaction;
using internal::Statement;
using internal::TransactionKind;

namespace {

constexpr char kTenantColumns[] =
    "tenant, display_name, rep_leaderboard, operator, create_time";
constexpr char kKeyColumns[] =
    "key_id, tenant, name, role, teams, member_id, secret_sha256, "
    "create_time, expire_time, last_use_time, revoke_time, created_by";

TenantRecord ReadTenant(const Statement& row) {
  TenantRecord tenant;
  tenant.tenant_id = row.ColumnText(0);
  tenant.display_name = row.ColumnText(1);
  tenant.rep_leaderboard = static_cast<int>(row.ColumnInt64(2));
  tenant.operator_tenant = row.ColumnInt64(3) != 0;
  tenant.create_time = row.ColumnTime(4);
  return tenant;
}

ApiKeyRecord ReadKey(const Statement& row) {
  ApiKeyRecord key;
  key.key_id = row.ColumnText(0);
  key.tenant = row.ColumnText(1);
  key.name = row.ColumnText(2);
  key.role = row.ColumnText(3);
  const std::string teams = row.ColumnText(4);
  if (!teams.empty()) key.teams = absl::StrSplit(teams, '\n');
  key.member_id = row.ColumnText(5);
  key.secret_sha256_hex = row.ColumnText(6);
  key.create_time = row.ColumnTime(7);
  key.expire_time = row.ColumnOptionalTime(8);
  key.last_use_time = row.ColumnOptionalTime(9);
  key.revoke_time = row.ColumnOptionalTime(10);
  key.created_by = row.ColumnText(11);
  return key;
}

absl::StatusOr<std::optional<TenantRecord>> SelectTenant(
    Connection& conn, const TenantId& tenant) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare(absl::StrCat("SELECT ", kTenantColumns,
                                " FROM tenants WHERE tenant = ?1")));
  select.BindText(1, tenant);
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::nullopt;
  return ReadTenant(select);
}

absl::StatusOr<std::optional<ApiKeyRecord>> SelectKey(
    Connection& conn, const std::string& key_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare(absl::StrCat("SELECT ", kKeyColumns,
                                " FROM api_keys WHERE key_id = ?1")));
  select.BindText(1, key_id);
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::nullopt;
  return ReadKey(select);
}

absl::Status PutKey(Connection& conn, const ApiKeyRecord& key) {
  RAPPORT_ASSIGN_OR_RETURN(std::optional<ApiKeyRecord> existing,
                           SelectKey(conn, key.key_id));
  if (existing.has_value()) {
    return absl::AlreadyExistsError("the key id is taken");
  }
  RAPPORT_ASSIGN_OR_RETURN(
      Statement insert,
      conn.Prepare(absl::StrCat(
          "INSERT INTO api_keys (", kKeyColumns,
          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")));
  insert.BindText(1, key.key_id);
  insert.BindText(2, key.tenant);
  insert.BindText(3, key.name);
  insert.BindText(4, key.role);
  insert.BindText(5, absl::StrJoin(key.teams, "\n"));
  insert.BindText(6, key.member_id);
  insert.BindText(7, key.secret_sha256_hex);
  insert.BindTime(8, key.create_time);
  insert.BindOptionalTime(9, key.expire_time);
  insert.BindOptionalTime(10, key.last_use_time);
  insert.BindOptionalTime(11, key.revoke_time);
  insert.BindText(12, key.created_by);
  return insert.Run();
}

// The audit detail of a key: never its secret or digest.
std::string KeyDetail(const ApiKeyRecord& key) {
  return absl::StrCat(
      "role=", key.role, " name=", key.name,
      key.member_id.empty() ? "" : " scope=member",
      key.teams.empty() ? "" : " scope=teams:", absl::StrJoin(key.teams, ","));
}

}  // namespace

absl::StatusOr<TenantRecord> SqliteStore::CreateTenant(
    const TenantRecord& tenant, const ApiKeyRecord* first_key,
    const AuditContext* audit) {
  TenantRecord created = tenant;
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<TenantRecord> existing,
                               SelectTenant(conn, tenant.tenant_id));
      if (existing.has_value()) {
        return absl::AlreadyExistsError(
            absl::StrCat("tenant ", tenant.tenant_id, " already exists"));
      }
      RAPPORT_ASSIGN_OR_RETURN(Statement any,
                               conn.Prepare("SELECT 1 FROM tenants LIMIT 1"));
      RAPPORT_ASSIGN_OR_RETURN(bool has_tenants, any.Step());
      created.operator_tenant = !has_tenants;
      RAPPORT_ASSIGN_OR_RETURN(
          Statement insert,
          conn.Prepare(absl::StrCat("INSERT INTO tenants (", kTenantColumns,
                                    ") VALUES (?1, ?2, ?3, ?4, ?5)")));
      insert.BindText(1, created.tenant_id);
      insert.BindText(2, created.display_name);
      insert.BindInt64(3, created.rep_leaderboard);
      insert.BindInt64(4, created.operator_tenant ? 1 : 0);
      insert.BindTime(5, created.create_time);
      RAPPORT_RETURN_IF_ERROR(insert.Run());
      RAPPORT_RETURN_IF_ERROR(internal::AuditChange(
          conn, created.tenant_id, audit,
          absl::StrCat("tenant:", created.tenant_id),
          absl::StrCat("operator=", created.operator_tenant ? "true" : "false",
                       " rep_leaderboard=", created.rep_leaderboard)));
      if (first_key == nullptr) return absl::OkStatus();
      RAPPORT_RETURN_IF_ERROR(PutKey(conn, *first_key));
      return internal::AuditChange(conn, created.tenant_id, audit,
                                   absl::StrCat("key:", first_key->key_id),
                                   KeyDetail(*first_key));
    });
  }));
  return created;
}

absl::StatusOr<std::optional<TenantRecord>> SqliteStore::FindTenant(
    const TenantId& tenant) {
  std::optional<TenantRecord> found;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(found, SelectTenant(conn, tenant));
    return absl::OkStatus();
  }));
  return found;
}

absl::Status SqliteStore::InsertApiKey(const ApiKeyRecord& key,
                                       const AuditContext* audit) {
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<TenantRecord> tenant,
                               SelectTenant(conn, key.tenant));
      if (!tenant.has_value()) {
        return absl::FailedPreconditionError(
            absl::StrCat("tenant ", key.tenant, " does not exist"));
      }
      RAPPORT_RETURN_IF_ERROR(PutKey(conn, key));
      return internal::AuditChange(conn, key.tenant, audit,
                                   absl::StrCat("key:", key.key_id),
                                   KeyDetail(key));
    });
  });
}

absl::StatusOr<std::optional<ApiKeyRecord>> SqliteStore::FindApiKey(
    const std::string& key_id) {
  std::optional<ApiKeyRecord> found;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(found, SelectKey(conn, key_id));
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<std::vector<ApiKeyRecord>> SqliteStore::ListApiKeys(
    const TenantId& tenant) {
  std::vector<ApiKeyRecord> keys;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(
        Statement select,
        conn.Prepare(absl::StrCat("SELECT ", kKeyColumns,
                                  " FROM api_keys WHERE tenant = ?1"
                                  " ORDER BY create_time, key_id")));
    select.BindText(1, tenant);
    while (true) {
      RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      keys.push_back(ReadKey(select));
    }
    return absl::OkStatus();
  }));
  return keys;
}

absl::StatusOr<ApiKeyRecord> SqliteStore::RevokeApiKey(
    const TenantId& tenant, const std::string& key_id, absl::Time now,
    const AuditContext* audit) {
  ApiKeyRecord revoked;
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<ApiKeyRecord> key,
                               SelectKey(conn, key_id));
      if (!key.has_value() || key->tenant != tenant) {
        return absl::NotFoundError(
            absl::StrCat("no API key ", key_id, " in this tenant"));
      }
      if (!key->revoke_time.has_value()) {
        RAPPORT_ASSIGN_OR_RETURN(
            Statement update,
            conn.Prepare("UPDATE api_keys SET revoke_time = ?2 "
                         "WHERE key_id = ?1"));
        update.BindText(1, key_id);
        update.BindTime(2, now);
        RAPPORT_RETURN_IF_ERROR(update.Run());
        key->revoke_time = now;
        RAPPORT_RETURN_IF_ERROR(internal::AuditChange(
            conn, tenant, audit, absl::StrCat("key:", key_id), "revoked"));
      }
      revoked = *std::move(key);
      return absl::OkStatus();
    });
  }));
  return revoked;
}

absl::Status SqliteStore::RecordApiKeyUse(const std::string& key_id,
                                          absl::Time when) {
  return Write([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(
        Statement update,
        conn.Prepare("UPDATE api_keys SET last_use_time = ?2 WHERE key_id = ?1"
                     " AND (last_use_time IS NULL OR last_use_time < ?2)"));
    update.BindText(1, key_id);
    update.BindTime(2, when);
    return update.Run();
  });
}

absl::Status SqliteStore::AppendAudit(absl::Span<const AuditEntry> entries) {
  if (entries.empty()) return absl::OkStatus();
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      for (const AuditEntry& entry : entries) {
        RAPPORT_RETURN_IF_ERROR(internal::InsertAuditEntry(conn, entry));
      }
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<AuditPage> SqliteStore::ListAudit(const TenantId& tenant,
                                                 const AuditQuery& query) {
  AuditPage page;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(page,
                             internal::SelectAuditEntries(conn, tenant, query));
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace rapport::store
