// Reads a member's aggregates over a time range, inside the caller's read
// transaction (one snapshot for all the queries).
#ifndef RAPPORT_SERVER_STORE_ACTIVITY_READER_H_
#define RAPPORT_SERVER_STORE_ACTIVITY_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// See Store::ReadActivity. Daily buckets are ordered by (day, type, channel,
// seniority), threads by thread_id, contacts by contact_id. The buckets of
// to's day come from daily_counts when `to` is the last instant of its day,
// otherwise they are summed from that day's events up to `to` (one day of
// one member's events). A thread or contact whose stored state reflects
// events after `to` is recomputed from its own events up to `to` (the rare
// path of a query about the past). NOT_FOUND when the member does not exist;
// INVALID_ARGUMENT when from > to.
absl::StatusOr<model::MemberActivity> ReadMemberActivity(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_ACTIVITY_READER_H_
