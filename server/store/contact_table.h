// The contacts table: the derived state (activity_state.h) of each contact a
// member dealt with, as of its latest event. Functions run on a connection
// the caller holds, inside the caller's transaction when they write; errors
// map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_CONTACT_TABLE_H_
#define RAPPORT_SERVER_STORE_CONTACT_TABLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

struct StoredContact {
  model::ContactState state;
  absl::Time last_activity_time;  // Of the latest event it reflects.
};

// Inserts or replaces the member's contact `contact.state.contact_id`.
absl::Status PutContact(Connection& conn, const TenantId& tenant,
                        const std::string& member_id,
                        const StoredContact& contact);

// The member's contact `contact_id` as stored, or nullopt.
absl::StatusOr<std::optional<StoredContact>> ReadContact(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& contact_id);

// The member's contacts with an event in [from, to], ordered by contact_id.
// Reads the window's events through events_by_member, then each contact's
// row.
absl::StatusOr<std::vector<StoredContact>> ReadContactsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to);

// Deletes all the member's contacts.
absl::Status DeleteContacts(Connection& conn, const TenantId& tenant,
                            const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_CONTACT_TABLE_H_
