// The events table: immutable events keyed by (tenant, event_id). Functions
// run on a connection the caller holds, inside the caller's transaction when
// they write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_EVENT_TABLE_H_
#define RAPPORT_SERVER_STORE_EVENT_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/event.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// Stores the event; false (and nothing changed) when its event_id is already
// stored for the tenant.
absl::StatusOr<bool> InsertEvent(Connection& conn, const TenantId& tenant,
                                 const model::Event& event);

// The stored event with this id, or nullopt.
absl::StatusOr<std::optional<model::Event>> FindEvent(
    Connection& conn, const TenantId& tenant, const std::string& event_id);

// Whether two events carry the same payload, as the store keeps it (times at
// whole microseconds).
bool SamePayload(const model::Event& a, const model::Event& b);

// The member's events of `thread_id` with occur_time <= `up_to`, ordered by
// (occur_time, event_id). Reads only that thread's events; none for an empty
// thread_id.
absl::StatusOr<std::vector<model::Event>> LoadThreadEvents(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& thread_id, absl::Time up_to = absl::InfiniteFuture());

// The member's events involving `contact_id` with occur_time <= `up_to`,
// ordered by (occur_time, event_id). Reads only that contact's events; none
// for an empty contact_id.
absl::StatusOr<std::vector<model::Event>> LoadContactEvents(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& contact_id, absl::Time up_to = absl::InfiniteFuture());

// The numeric values of the event types matching `pred`, comma-separated, for
// an SQL "type IN (...)" filter.
std::string EventTypeList(bool (*pred)(model::EventType));

// Deletes all the member's events; returns how many.
absl::StatusOr<int64_t> DeleteMemberEvents(Connection& conn,
                                           const TenantId& tenant,
                                           const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_EVENT_TABLE_H_
