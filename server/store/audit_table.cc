#include "server/store/audit_table.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "server/common/sha256.h"
#include "server/common/status_macros.h"
#include "server/store/sqlite_statement.h"

namespace rapport::store {

std::string ErasureDigest(const TenantId& tenant, ErasureKind kind,
                          const std::string& id) {
  // NUL separators: no two (tenant, kind, id) triples hash the same input.
  return Sha256Hex(absl::StrCat(tenant, std::string(1, '\0'),
                                static_cast<int>(kind), std::string(1, '\0'),
                                id));
}

namespace internal {
namespace {

const char* KindName(ErasureKind kind) {
  return kind == ErasureKind::kMember ? "member" : "contact";
}

}  // namespace

absl::Status InsertAuditEntry(Connection& conn, const AuditEntry& entry) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement insert,
      conn.Prepare("INSERT INTO audit_log (tenant, time, principal, role, "
                   "method, target, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                   "?7)"));
  insert.BindText(1, entry.tenant);
  insert.BindTime(2, entry.time);
  insert.BindText(3, entry.principal);
  insert.BindText(4, entry.role);
  insert.BindText(5, entry.method);
  insert.BindText(6, entry.target);
  insert.BindText(7, entry.detail);
  return insert.Run();
}

absl::Status AuditChange(Connection& conn, const TenantId& tenant,
                         const AuditContext* audit, const std::string& target,
                         const std::string& detail) {
  if (audit == nullptr) return absl::OkStatus();
  AuditEntry entry;
  entry.tenant = tenant;
  entry.time = audit->time;
  entry.principal = audit->principal;
  entry.role = audit->role;
  entry.method = audit->method;
  entry.target = target;
  entry.detail = detail;
  return InsertAuditEntry(conn, entry);
}

absl::StatusOr<AuditPage> SelectAuditEntries(Connection& conn,
                                             const TenantId& tenant,
                                             const AuditQuery& query) {
  if (query.page_size < 1) {
    return absl::InvalidArgumentError("page_size must be >= 1");
  }
  // Targets are few (a person and their erased form); each is a bound
  // parameter, so the query text depends only on their count.
  std::string sql =
      "SELECT id, tenant, time, principal, role, method, target, detail "
      "FROM audit_log WHERE tenant = ?1 AND time >= ?2 AND time <= ?3 "
      "AND (?4 = '' OR principal = ?4) AND (?5 = 0 OR id < ?5)";
  if (!query.targets.empty()) {
    absl::StrAppend(&sql, " AND target IN (");
    for (size_t i = 0; i < query.targets.size(); ++i) {
      absl::StrAppend(&sql, i == 0 ? "" : ", ", "?", 7 + i);
    }
    absl::StrAppend(&sql, ")");
  }
  absl::StrAppend(&sql, " ORDER BY id DESC LIMIT ?6");
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(sql));
  select.BindText(1, tenant);
  select.BindTime(2, query.from);
  select.BindTime(3, query.to);
  select.BindText(4, query.principal);
  select.BindInt64(5, query.before_id);
  select.BindInt64(6, static_cast<int64_t>(query.page_size) + 1);
  for (size_t i = 0; i < query.targets.size(); ++i) {
    select.BindText(static_cast<int>(7 + i), query.targets[i]);
  }
  AuditPage page;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    if (static_cast<int>(page.entries.size()) == query.page_size) {
      page.has_more = true;
      break;
    }
    AuditEntry& entry = page.entries.emplace_back();
    entry.id = select.ColumnInt64(0);
    entry.tenant = select.ColumnText(1);
    entry.time = select.ColumnTime(2);
    entry.principal = select.ColumnText(3);
    entry.role = select.ColumnText(4);
    entry.method = select.ColumnText(5);
    entry.target = select.ColumnText(6);
    entry.detail = select.ColumnText(7);
  }
  return page;
}

absl::Status ReplaceAuditTarget(Connection& conn, const TenantId& tenant,
                                const std::string& target,
                                const std::string& replacement) {
  RAPPORT_ASSIGN_OR_RETURN(Statement update,
                           conn.Prepare("UPDATE audit_log SET target = ?3 "
                                        "WHERE tenant = ?1 AND target = ?2"));
  update.BindText(1, tenant);
  update.BindText(2, target);
  update.BindText(3, replacement);
  return update.Run();
}

absl::Status RecordErasure(Connection& conn, const TenantId& tenant,
                           ErasureKind kind, const std::string& id,
                           absl::Time time) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement upsert,
      conn.Prepare("INSERT INTO erasures (tenant, kind, digest, erase_time) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant, kind, digest) "
                   "DO UPDATE SET erase_time = max(erase_time, ?4)"));
  upsert.BindText(1, tenant);
  upsert.BindInt64(2, static_cast<int64_t>(kind));
  upsert.BindText(3, ErasureDigest(tenant, kind, id));
  upsert.BindTime(4, time);
  return upsert.Run();
}

absl::StatusOr<std::optional<absl::Time>> SelectErasure(Connection& conn,
                                                        const TenantId& tenant,
                                                        ErasureKind kind,
                                                        const std::string& id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT erase_time FROM erasures "
                   "WHERE tenant = ?1 AND kind = ?2 AND digest = ?3"));
  select.BindText(1, tenant);
  select.BindInt64(2, static_cast<int64_t>(kind));
  select.BindText(3, ErasureDigest(tenant, kind, id));
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<absl::Time>();
  return std::optional<absl::Time>(select.ColumnTime(0));
}

std::string PersonTarget(ErasureKind kind, const std::string& id) {
  return absl::StrCat(KindName(kind), ":", id);
}

std::string ErasedPersonTarget(const TenantId& tenant, ErasureKind kind,
                               const std::string& id) {
  return absl::StrCat(KindName(kind),
                      ":sha256:", ErasureDigest(tenant, kind, id));
}

}  // namespace internal
}  // namespace rapport::store
