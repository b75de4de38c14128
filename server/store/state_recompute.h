// Rebuilds threads' and contacts' states from their events, all those of one
// member from one walk of the member's events (event_table.h,
// LoadKeyedEvents). Ingest uses it to refresh what a batch touched out of
// order, removal what it took events from; reads about the past use it to see
// threads and contacts as they stood at an earlier time. Errors map as in
// sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_STATE_RECOMPUTE_H_
#define RAPPORT_SERVER_STORE_STATE_RECOMPUTE_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/store/contact_table.h"
#include "server/store/event_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"
#include "server/store/thread_table.h"

namespace rapport::store::internal {

// States of one member's threads and contacts; a key without a message (an
// event with the contact) by then is absent.
struct MemberStates {
  std::map<std::string, StoredThread> threads;
  std::map<std::string, StoredContact> contacts;
};

// The member's threads and contacts of `keys` as of `up_to` (their events with
// occur_time <= up_to).
absl::StatusOr<MemberStates> RecomputeMemberStates(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const MemberKeys& keys, absl::Time up_to = absl::InfiniteFuture());

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_STATE_RECOMPUTE_H_
