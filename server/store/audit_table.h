// The audit trail and the erasure records (schema v4), inside the caller's
// transaction.
#ifndef RAPPORT_SERVER_STORE_AUDIT_TABLE_H_
#define RAPPORT_SERVER_STORE_AUDIT_TABLE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// Appends one entry (its id is assigned).
absl::Status InsertAuditEntry(Connection& conn, const AuditEntry& entry);

// Appends the entry of a change made under `audit`; nothing when `audit`
// is null.
absl::Status AuditChange(Connection& conn, const TenantId& tenant,
                         const AuditContext* audit, const std::string& target,
                         const std::string& detail);

absl::StatusOr<AuditPage> SelectAuditEntries(Connection& conn,
                                             const TenantId& tenant,
                                             const AuditQuery& query);

// Replaces `target` by `replacement` in every entry of the tenant.
absl::Status ReplaceAuditTarget(Connection& conn, const TenantId& tenant,
                                const std::string& target,
                                const std::string& replacement);

// Records that the person was erased at `time` (by digest only).
absl::Status RecordErasure(Connection& conn, const TenantId& tenant,
                           ErasureKind kind, const std::string& id,
                           absl::Time time);

absl::StatusOr<std::optional<absl::Time>> SelectErasure(Connection& conn,
                                                        const TenantId& tenant,
                                                        ErasureKind kind,
                                                        const std::string& id);

// The audit target naming a person ("member:<id>") and the one that
// replaces it once they are erased ("member:sha256:<digest>").
std::string PersonTarget(ErasureKind kind, const std::string& id);
std::string ErasedPersonTarget(const TenantId& tenant, ErasureKind kind,
                               const std::string& id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_AUDIT_TABLE_H_
