#include "server/store/daily_count_table.h"

#include <utility>

#include "server/common/status_macros.h"

namespace rapport::store::internal {
namespace {

constexpr absl::CivilDay kEpochDay(1970, 1, 1);

absl::Time StartOfDay(absl::CivilDay day) {
  return absl::FromCivil(day, absl::UTCTimeZone());
}

absl::CivilDay UtcDayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

}  // namespace

int64_t DayNumber(absl::Time t) { return UtcDayOf(t) - kEpochDay; }

int64_t DayNumber(absl::CivilDay day) { return day - kEpochDay; }

absl::CivilDay CivilDayOf(int64_t day_number) { return kEpochDay + day_number; }

DailyBucket BucketOf(const model::Event& event) {
  return DailyBucket{event.member_id, DayNumber(event.occur_time), event.type,
                     event.channel, event.contact.seniority};
}

absl::Status AddToDailyCount(Connection& conn, const TenantId& tenant,
                             const model::Event& event) {
  return AddToDailyCount(conn, tenant, BucketOf(event), event.quantity);
}

absl::Status AddToDailyCount(Connection& conn, const TenantId& tenant,
                             const DailyBucket& bucket, int64_t quantity) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement upsert,
      conn.Prepare(
          "INSERT INTO daily_counts (tenant, member_id, day, type, channel, "
          "seniority, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
          "ON CONFLICT (tenant, member_id, day, type, channel, seniority) "
          "DO UPDATE SET count = count + excluded.count"));
  upsert.BindTextRef(1, tenant);
  upsert.BindTextRef(2, bucket.member_id);
  upsert.BindInt64(3, bucket.day);
  upsert.BindInt64(4, static_cast<int64_t>(bucket.type));
  upsert.BindInt64(5, static_cast<int64_t>(bucket.channel));
  upsert.BindInt64(6, static_cast<int64_t>(bucket.seniority));
  upsert.BindInt64(7, quantity);
  return upsert.Run();
}

absl::StatusOr<std::vector<model::DailyCount>> ReadDailyCounts(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    int64_t first_day, int64_t last_day) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT day, type, channel, seniority, count "
                   "FROM daily_counts WHERE tenant = ?1 AND member_id = ?2 "
                   "AND day BETWEEN ?3 AND ?4 "
                   "ORDER BY day, type, channel, seniority"));
  select.BindText(1, tenant);
  select.BindText(2, member_id);
  select.BindInt64(3, first_day);
  select.BindInt64(4, last_day);
  std::vector<model::DailyCount> daily;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    model::DailyCount& d = daily.emplace_back();
    d.day = CivilDayOf(select.ColumnInt64(0));
    d.type = static_cast<model::EventType>(select.ColumnInt64(1));
    d.channel = static_cast<model::Channel>(select.ColumnInt64(2));
    d.seniority = static_cast<model::Seniority>(select.ColumnInt64(3));
    d.count = select.ColumnInt64(4);
  }
  return daily;
}

absl::StatusOr<std::vector<model::DailyCount>> CountDayUpTo(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time up_to) {
  const absl::CivilDay day = UtcDayOf(up_to);
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kCountDayUpToSql));
  select.BindText(1, tenant);
  select.BindText(2, member_id);
  select.BindTime(3, StartOfDay(day));
  select.BindTime(4, up_to);
  std::vector<model::DailyCount> daily;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    model::DailyCount& d = daily.emplace_back();
    d.day = day;
    d.type = static_cast<model::EventType>(select.ColumnInt64(0));
    d.channel = static_cast<model::Channel>(select.ColumnInt64(1));
    d.seniority = static_cast<model::Seniority>(select.ColumnInt64(2));
    d.count = select.ColumnInt64(3);
  }
  return daily;
}

bool IsLastInstantOfDay(absl::Time t) {
  if (t == absl::InfiniteFuture()) return true;
  if (t == absl::InfinitePast()) return false;
  return t >= StartOfDay(UtcDayOf(t) + 1) - absl::Microseconds(1);
}

absl::Status DeleteDailyCounts(Connection& conn, const TenantId& tenant,
                               const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare(
          "DELETE FROM daily_counts WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  return del.Run();
}

}  // namespace rapport::store::internal
