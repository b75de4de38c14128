// Removes stored events inside the caller's write transaction and keeps every
// aggregate they fed as if they had never been ingested: what erasing a
// contact and retention have in common. Errors map as in sqlite_status.h; on
// error the caller must roll back (the removal may be half applied).
#ifndef RAPPORT_SERVER_STORE_EVENT_REMOVAL_H_
#define RAPPORT_SERVER_STORE_EVENT_REMOVAL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/model/enums.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// What removal needs to know of a stored event.
struct StoredEventKey {
  std::string event_id;
  std::string member_id;
  absl::Time occur_time;
  model::EventType type = model::EventType::kUnspecified;
  model::Channel channel = model::Channel::kUnspecified;
  model::Seniority seniority = model::Seniority::kUnknown;
  std::string contact_id;
  std::string thread_id;
  int64_t quantity = 0;
};

// Every event of the tenant with this contact, whichever member's: a walk of
// each member's entries in events_by_member, which carry contact_id, so that
// only the matching events' rows are read (erasing a contact costs the
// tenant's index entries once; no index per contact is paid for at ingest).
// None for an empty contact_id.
absl::StatusOr<std::vector<StoredEventKey>> SelectContactEventKeys(
    Connection& conn, const TenantId& tenant, const std::string& contact_id);

// Up to `limit` of the tenant's events with occur_time < cutoff, member by
// member in member_id order, each member's oldest first (through the index
// events_by_member: one range per member).
absl::StatusOr<std::vector<StoredEventKey>> SelectEventKeysBefore(
    Connection& conn, const TenantId& tenant, absl::Time cutoff, int limit);

// Whether the tenant has an event with occur_time < cutoff (one probe of
// events_by_member per member, up to the first that has one).
absl::StatusOr<bool> AnyEventBefore(Connection& conn, const TenantId& tenant,
                                    absl::Time cutoff);

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

// Deletes the events (each stored, keys as selected above) and undoes what
// ingest added for them: each daily bucket loses the event's quantity (and
// its row when it reaches zero); each member's event_count loses the
// events removed and last_event_time becomes the latest remaining event's
// (NULL when none remains); every thread and contact state the events
// belonged to is re-derived from the member's remaining events of it, or
// deleted when none remains. Afterwards the aggregates equal those of a store
// that was given only the remaining events. Score history is not touched:
// the caller decides whether it is stale.
absl::StatusOr<EventRemoval> RemoveEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const StoredEventKey> events);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_EVENT_REMOVAL_H_
