// The daily_counts table: per member, per UTC day, the summed quantities of
// events by (type, channel, seniority). Functions run on a connection the
// caller holds, inside the caller's transaction when they write; errors map as
// in sqlite_status.h.
#ifndef RAPPORT_SERVER_STORE_DAILY_COUNT_TABLE_H_
#define RAPPORT_SERVER_STORE_DAILY_COUNT_TABLE_H_

#include <cstdint>
#include <string>
#include <tuple>
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

// The key of one daily_counts row.
struct DailyBucket {
  std::string member_id;
  int64_t day = 0;  // DayNumber.
  model::EventType type = model::EventType::kUnspecified;
  model::Channel channel = model::Channel::kUnspecified;
  model::Seniority seniority = model::Seniority::kUnknown;

  friend bool operator<(const DailyBucket& a, const DailyBucket& b) {
    return std::tie(a.member_id, a.day, a.type, a.channel, a.seniority) <
           std::tie(b.member_id, b.day, b.type, b.channel, b.seniority);
  }
};

// The bucket `event` counts in.
DailyBucket BucketOf(const model::Event& event);

// Adds `quantity` to the bucket (one upsert: ingest sums a batch's events
// per bucket first).
absl::Status AddToDailyCount(Connection& conn, const TenantId& tenant,
                             const DailyBucket& bucket, int64_t quantity);

// Adds the event's quantity to its bucket.
absl::Status AddToDailyCount(Connection& conn, const TenantId& tenant,
                             const model::Event& event);

// The member's buckets with first_day <= day <= last_day, ordered by (day,
// type, channel, seniority). Empty when first_day > last_day.
absl::StatusOr<std::vector<model::DailyCount>> ReadDailyCounts(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    int64_t first_day, int64_t last_day);

// The buckets of `up_to`'s UTC day counting only the member's events with
// occur_time <= up_to (as stored: whole microseconds), ordered by (type,
// channel, seniority); buckets without such events are absent. Summed from
// the events of that day alone, found through the events_by_member index.
// Parameters: ?1 tenant, ?2 member_id, ?3 the start of the day, ?4 up_to
// (Unix microseconds). A range over the index events_by_member (tenant,
// member_id, occur_time): it reads that day's events of the member up to
// up_to and no other row. Public for tests of its query plan.
inline constexpr char kCountDayUpToSql[] =
    "SELECT type, channel, seniority, sum(quantity) FROM events "
    "WHERE tenant = ?1 AND member_id = ?2 "
    "AND occur_time >= ?3 AND occur_time <= ?4 "
    "GROUP BY type, channel, seniority "
    "ORDER BY type, channel, seniority";
absl::StatusOr<std::vector<model::DailyCount>> CountDayUpTo(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time up_to);

// True when `t` is at or after the last instant the store can tell apart in
// its UTC day (the day's last microsecond): then the stored buckets of that
// day hold exactly its events with occur_time <= t.
bool IsLastInstantOfDay(absl::Time t);

// Deletes all the member's buckets.
absl::Status DeleteDailyCounts(Connection& conn, const TenantId& tenant,
                               const std::string& member_id);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_DAILY_COUNT_TABLE_H_
