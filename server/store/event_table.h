// The events table: immutable events keyed by (tenant, event_id). Functions
// run on a connection the caller holds, inside the caller's transaction when
// they write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_EVENT_TABLE_H_
#define RAPPORT_SERVER_STORE_EVENT_TABLE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
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

// Which of one member's threads and contacts to load (non-empty ids).
struct MemberKeys {
  std::set<std::string, std::less<>> threads;
  std::set<std::string, std::less<>> contacts;
};

// The events of each thread and contact of MemberKeys, each ordered by
// (occur_time, event_id); a key without events is absent.
struct KeyedEvents {
  std::map<std::string, std::vector<model::Event>> threads;
  std::map<std::string, std::vector<model::Event>> contacts;
};

// The member's events with occur_time <= `up_to` of the threads and contacts
// in `keys`, from one walk of the member's entries in events_by_member, which
// carry thread_id and contact_id: only the rows of matching events are read.
// There is no index per thread or per contact, which ingest would pay for at
// every event; the cost is the member's entry count up to `up_to` once, for
// any number of keys.
absl::StatusOr<KeyedEvents> LoadKeyedEvents(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const MemberKeys& keys, absl::Time up_to = absl::InfiniteFuture());

// The numeric values of the event types matching `pred`, comma-separated, for
// an SQL "type IN (...)" filter.
std::string EventTypeList(bool (*pred)(model::EventType));

// Deletes all the member's events; returns how many.
absl::StatusOr<int64_t> DeleteMemberEvents(Connection& conn,
                                           const TenantId& tenant,
                                           const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_EVENT_TABLE_H_
