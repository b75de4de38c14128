// The daily_counts table: per member, per UTC day, the summed quantities of
// events by (type, channel, seniority). Functions run on a connection the
// caller holds, inside the caller's transaction when they write; errors map as
// in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_DAILY_COUNT_TABLE_H_
#define RAPPORT_SERVER_STORE_DAILY_COUNT_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/event.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// Days since 1970-01-01 in UTC (negative before), the stored day key.
int64_t DayNumber(absl::Time t);
int64_t DayNumber(absl::CivilDay day);
absl::CivilDay CivilDayOf(int64_t day_number);

// Adds the event's quantity to its bucket.
absl::Status AddToDailyCount(Connection& conn, const TenantId& tenant,
                             const model::Event& event);

// The member's buckets with first_day <= day <= last_day, ordered by (day,
// type, channel, seniority).
absl::StatusOr<std::vector<model::DailyCount>> ReadDailyCounts(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    int64_t first_day, int64_t last_day);

// Deletes all the member's buckets.
absl::Status DeleteDailyCounts(Connection& conn, const TenantId& tenant,
                               const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_DAILY_COUNT_TABLE_H_
