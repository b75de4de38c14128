// Rebuilds one thread's or one contact's state from its own events (bounded by
// that thread or contact, never the member's whole history). Ingest uses it to
// refresh what a batch touched; reads about the past use it to see a thread or
// contact as it stood at an earlier time. Errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_STATE_RECOMPUTE_H_
#define RAPPORT_SERVER_STORE_STATE_RECOMPUTE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/store/contact_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"
#include "server/store/thread_table.h"

namespace rapport::store::internal {

// The thread as of `up_to` (its events with occur_time <= up_to); nullopt
// when it has no message by then.
absl::StatusOr<std::optional<StoredThread>> RecomputeThread(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& thread_id, absl::Time up_to = absl::InfiniteFuture());

// The contact as of `up_to`; nullopt when there is no event with it by then.
absl::StatusOr<std::optional<StoredContact>> RecomputeContact(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& contact_id, absl::Time up_to = absl::InfiniteFuture());

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_STATE_RECOMPUTE_H_
