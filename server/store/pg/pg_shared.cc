#include "server/store/pg/pg_shared.h"

#include "server/common/status_macros.h"

namespace rapport::store::pg {

namespace {

// The first key of the audit locks (pg_advisory_xact_lock(int, int)); the
// second is the tenant's hash.
constexpr int kAuditLockSpace = 0x52617564;  // "Raud"

}  // namespace

absl::Status LockAuditOrder(Connection& conn, const TenantId& tenant) {
  return conn
      .Exec("SELECT pg_advisory_xact_lock($1, hashtext($2))",
            Params().Add(kAuditLockSpace).Add(tenant))
      .status();
}

absl::Status InsertAuditEntry(Connection& conn, const AuditEntry& entry) {
  RAPPORT_RETURN_IF_ERROR(LockAuditOrder(conn, entry.tenant));
  return conn
      .Exec(
          "INSERT INTO audit_log (tenant, time, principal, role, method, "
          "target, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          Params()
              .Add(entry.tenant)
              .AddTime(entry.time)
              .Add(entry.principal)
              .Add(entry.role)
              .Add(entry.method)
              .Add(entry.target)
              .Add(entry.detail))
      .status();
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

absl::Status RecordMemberChanges(Connection& conn, const TenantId& tenant,
                                 absl::Span<const std::string> member_ids,
                                 absl::Time now) {
  if (member_ids.empty()) return absl::OkStatus();
  // The counter row's lock is held until commit: a tenant's numbers become
  // visible in order.
  RAPPORT_ASSIGN_OR_RETURN(
      Result seq,
      conn.Exec("INSERT INTO member_change_seq (tenant, seq) VALUES ($1, 1) "
                "ON CONFLICT (tenant) DO UPDATE "
                "SET seq = member_change_seq.seq + 1 RETURNING seq",
                Params().Add(tenant)));
  return conn
      .Exec(
          "INSERT INTO member_changes (tenant, seq, member_id, change_time) "
          "SELECT $1, $2, m, $3 FROM unnest($4::text[]) AS m "
          "ON CONFLICT DO NOTHING",
          Params()
              .Add(tenant)
              .Add(seq.Int(0, 0))
              .AddTime(now)
              .AddTextArray(member_ids))
      .status();
}

}  // namespace rapport::store::pg
