// Writes shared by the PostgreSQL store's operations, run inside the
// caller's transaction: the audit entry of a change, and the member change
// log every committed write of members' data adds to.
#ifndef RAPPORT_SERVER_STORE_PG_PG_SHARED_H_
#define RAPPORT_SERVER_STORE_PG_PG_SHARED_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/store.h"

namespace rapport::store::pg {

// Takes the tenant's audit lock, held until the transaction ends: audit ids
// are assigned in the order their transactions commit (store.h), so a
// reader paging back by id never passes an entry that commits later.
// InsertAuditEntry takes it; a statement inserting entries itself takes it
// for each of their tenants, in byte order.
absl::Status LockAuditOrder(Connection& conn, const TenantId& tenant);

// Appends one audit entry (its id is assigned).
absl::Status InsertAuditEntry(Connection& conn, const AuditEntry& entry);

// Appends the entry of a change made under `audit`; nothing when `audit` is
// null.
absl::Status AuditChange(Connection& conn, const TenantId& tenant,
                         const AuditContext* audit, const std::string& target,
                         const std::string& detail);

// Adds the members a write changed to the tenant's change log, under the
// tenant's next change number (pg_migrations.cc, member_changes). Every
// operation that changes what a member's scores, reports or profile are
// made of calls it in its transaction, once, with every member it changed:
// events accepted, a profile upserted, a member deleted, a contact erased,
// retention. Nothing when `member_ids` is empty.
absl::Status RecordMemberChanges(Connection& conn, const TenantId& tenant,
                                 absl::Span<const std::string> member_ids,
                                 absl::Time now);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_SHARED_H_
