// Removes stored events inside the caller's transaction and keeps every
// aggregate they fed as if they had never been ingested: what erasing a
// contact and retention have in common (the PostgreSQL form of
// event_removal.h). On error the caller rolls back.
#ifndef RAPPORT_SERVER_STORE_PG_PG_REMOVAL_H_
#define RAPPORT_SERVER_STORE_PG_PG_REMOVAL_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/store.h"

namespace rapport::store::pg {

struct EventRemoval {
  int64_t events = 0;
  // daily_counts rows that reached zero and were deleted.
  int64_t daily_counts = 0;
  // Threads and contact states the removed events belonged to: deleted when
  // none of their events remain, else re-derived from those that do.
  int64_t threads_deleted = 0;
  int64_t threads_rederived = 0;
  int64_t contacts_deleted = 0;
  int64_t contacts_rederived = 0;
  // Each member concerned, with the earliest occur_time removed.
  std::map<std::string, absl::Time> members;
};

// Deletes every event of the tenant with this (non-empty) contact, whichever
// member's, and undoes what ingest added for them.
absl::StatusOr<EventRemoval> RemoveContactEvents(Connection& conn,
                                                 const TenantId& tenant,
                                                 const std::string& contact_id);

// Deletes up to `limit` of the tenant's events with occur_time < cutoff,
// member by member in member_id order, each member's oldest first, and
// undoes what ingest added for them.
absl::StatusOr<EventRemoval> RemoveEventsBefore(Connection& conn,
                                                const TenantId& tenant,
                                                absl::Time cutoff, int limit);

// Whether the tenant has an event with occur_time < cutoff.
absl::StatusOr<bool> AnyEventBefore(Connection& conn, const TenantId& tenant,
                                    absl::Time cutoff);

// Marks the history of each member of `removal` stale from the day of its
// earliest removed event, under one new work version.
absl::Status MarkRemovedHistoryStale(Connection& conn, const TenantId& tenant,
                                     const EventRemoval& removal);

// The erasure record of a person (by digest): kept at the latest time.
absl::Status RecordErasure(Connection& conn, const TenantId& tenant,
                           ErasureKind kind, const std::string& id,
                           absl::Time time);

// Replaces `target` by `replacement` in every audit entry of the tenant.
absl::Status ReplaceAuditTarget(Connection& conn, const TenantId& tenant,
                                const std::string& target,
                                const std::string& replacement);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_REMOVAL_H_
