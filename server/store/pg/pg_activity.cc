#include "server/store/pg/pg_activity.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "server/common/status_macros.h"
#include "server/store/activity_state.h"
#include "server/store/daily_count_table.h"
#include "server/store/pg/pg_activity_rows.h"

namespace rapport::store::pg {
namespace {

using internal::StoredContact;
using internal::StoredThread;

// The occur_time of the last of `events` (sorted) whose type matches `pred`.
std::optional<absl::Time> LastTimeOf(absl::Span<const model::Event> events,
                                     bool (*pred)(model::EventType)) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (pred(it->type)) return it->occur_time;
  }
  return std::nullopt;
}

// The states as of `to`: a stored state that reflects events after `to` is
// derived again from its own events up to `to` (one query for all of
// them), and left out when it had no relevant event by then.
template <typename Stored, typename State>
absl::StatusOr<std::vector<State>> AsOf(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time to, std::vector<Stored> stored, KeyKind kind,
    const std::string& (*id_of)(const State&),
    State (*derive)(absl::Span<const model::Event>),
    bool (*relevant)(model::EventType)) {
  std::vector<MemberKey> past;
  for (const Stored& s : stored) {
    if (s.last_activity_time > to) past.emplace_back(member_id, id_of(s.state));
  }
  std::map<MemberKey, std::vector<model::Event>> events;
  if (!past.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(events,
                             LoadKeyEvents(conn, tenant, kind, past, to));
  }
  std::vector<State> states;
  states.reserve(stored.size());
  for (Stored& s : stored) {
    if (s.last_activity_time <= to) {
      states.push_back(std::move(s.state));
      continue;
    }
    auto it = events.find(MemberKey(member_id, id_of(s.state)));
    if (it == events.end() || !LastTimeOf(it->second, relevant).has_value()) {
      continue;
    }
    states.push_back(derive(it->second));
  }
  return states;
}

const std::string& ThreadIdOf(const model::ThreadState& s) {
  return s.thread_id;
}
const std::string& ContactIdOf(const model::ContactState& s) {
  return s.contact_id;
}

absl::StatusOr<std::vector<model::DailyCount>> ReadDailyCounts(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    int64_t first_day, int64_t last_day) {
  std::vector<model::DailyCount> daily;
  if (first_day > last_day) return daily;
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows,
      conn.Exec(
          "SELECT day, type, channel, seniority, count "
          "FROM daily_counts WHERE tenant = $1 AND member_id = $2 "
          "AND day BETWEEN $3 AND $4 "
          "ORDER BY day, type, channel, seniority",
          Params().Add(tenant).Add(member_id).Add(first_day).Add(last_day)));
  daily.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    model::DailyCount& d = daily.emplace_back();
    d.day = internal::CivilDayOf(rows.Int(i, 0));
    d.type = static_cast<model::EventType>(rows.Int(i, 1));
    d.channel = static_cast<model::Channel>(rows.Int(i, 2));
    d.seniority = static_cast<model::Seniority>(rows.Int(i, 3));
    d.count = rows.Int(i, 4);
  }
  return daily;
}

// The buckets of to's day summed from that day's events up to `to`.
absl::StatusOr<std::vector<model::DailyCount>> CountDayUpTo(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time to) {
  const absl::CivilDay day = absl::ToCivilDay(to, absl::UTCTimeZone());
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows,
      conn.Exec("SELECT type, channel, seniority, sum(quantity) FROM events "
                "WHERE tenant = $1 AND member_id = $2 "
                "AND occur_time >= $3 AND occur_time <= $4 "
                "GROUP BY type, channel, seniority "
                "ORDER BY type, channel, seniority",
                Params()
                    .Add(tenant)
                    .Add(member_id)
                    .AddTime(absl::FromCivil(day, absl::UTCTimeZone()))
                    .AddTime(to)));
  std::vector<model::DailyCount> daily;
  daily.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    model::DailyCount& d = daily.emplace_back();
    d.day = day;
    d.type = static_cast<model::EventType>(rows.Int(i, 0));
    d.channel = static_cast<model::Channel>(rows.Int(i, 1));
    d.seniority = static_cast<model::Seniority>(rows.Int(i, 2));
    d.count = rows.Int(i, 3);
  }
  return daily;
}

absl::StatusOr<std::vector<model::DailyCount>> DailyAsOf(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  const int64_t first_day = internal::DayNumber(from);
  const int64_t last_day = internal::DayNumber(to);
  if (internal::IsLastInstantOfDay(to)) {
    return ReadDailyCounts(conn, tenant, member_id, first_day, last_day);
  }
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<model::DailyCount> daily,
      ReadDailyCounts(conn, tenant, member_id, first_day, last_day - 1));
  RAPPORT_ASSIGN_OR_RETURN(std::vector<model::DailyCount> partial,
                           CountDayUpTo(conn, tenant, member_id, to));
  daily.insert(daily.end(), partial.begin(), partial.end());
  return daily;
}

}  // namespace

absl::StatusOr<model::MemberActivity> ReadMemberActivity(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  if (from > to) {
    return absl::InvalidArgumentError("the range starts after it ends");
  }
  RAPPORT_ASSIGN_OR_RETURN(
      Result member,
      conn.Exec("SELECT 1 FROM members WHERE tenant = $1 AND member_id = $2",
                Params().Add(tenant).Add(member_id)));
  if (member.rows() == 0) return absl::NotFoundError("member not found");
  model::MemberActivity activity;
  RAPPORT_ASSIGN_OR_RETURN(activity.daily,
                           DailyAsOf(conn, tenant, member_id, from, to));
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<StoredThread> threads,
      ReadThreadsActiveIn(conn, tenant, member_id, from, to));
  RAPPORT_ASSIGN_OR_RETURN(
      activity.threads,
      (AsOf<StoredThread, model::ThreadState>(
          conn, tenant, member_id, to, std::move(threads), KeyKind::kThread,
          &ThreadIdOf, &internal::DeriveThreadState, &model::IsThreadEvent)));
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<StoredContact> contacts,
      ReadContactsActiveIn(conn, tenant, member_id, from, to));
  RAPPORT_ASSIGN_OR_RETURN(
      activity.contacts,
      (AsOf<StoredContact, model::ContactState>(
          conn, tenant, member_id, to, std::move(contacts), KeyKind::kContact,
          &ContactIdOf, &internal::DeriveContactState,
          &model::IsContactEvent)));
  return activity;
}

}  // namespace rapport::store::pg
