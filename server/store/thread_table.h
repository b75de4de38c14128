// The threads table: each thread's derived state (activity_state.h) as of its
// latest event. Functions run on a connection the caller holds, inside the
// caller's transaction when they write; errors map as in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_THREAD_TABLE_H_
#define RAPPORT_SERVER_STORE_THREAD_TABLE_H_

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

struct StoredThread {
  model::ThreadState state;
  absl::Time last_activity_time;  // Of the latest event it reflects.
};

// Inserts or replaces the member's thread `thread.state.thread_id`.
absl::Status PutThread(Connection& conn, const TenantId& tenant,
                       const std::string& member_id,
                       const StoredThread& thread);

// The member's thread `thread_id` as stored, or nullopt.
absl::StatusOr<std::optional<StoredThread>> ReadThread(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& thread_id);

// The member's threads with a message in [from, to], ordered by thread_id.
// Reads the window's events through events_by_member, then each thread's row.
absl::StatusOr<std::vector<StoredThread>> ReadThreadsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to);

// Deletes all the member's threads.
absl::Status DeleteThreads(Connection& conn, const TenantId& tenant,
                           const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_THREAD_TABLE_H_
