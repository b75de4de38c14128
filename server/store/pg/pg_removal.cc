#include "server/store/pg/pg_removal.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "server/common/status_macros.h"
#include "server/store/daily_count_table.h"
#include "server/store/pg/pg_removal_state.h"

namespace rapport::store::pg {
namespace {

// What removal reads back of each deleted event (RETURNING), in order.
#define RAPPORT_REMOVED_COLUMNS                                            \
  " RETURNING e.member_id, e.occur_time, e.type, e.channel, e.seniority, " \
  "e.contact_id, e.thread_id, e.quantity"

// $1 tenant, $2 contact_id. Member by member through events_by_contact.
constexpr char kDeleteContactEvents[] =
    "DELETE FROM events AS e USING members AS m WHERE m.tenant = $1"
    " AND e.tenant = $1 AND e.member_id = m.member_id AND e.contact_id = $2"
    " AND e.contact_id <> ''" RAPPORT_REMOVED_COLUMNS;

// $1 tenant, $2 cutoff, $3 limit. Each member's oldest through
// events_by_member, then the first `limit` of them in member_id order.
constexpr char kDeleteEventsBefore[] =
    "DELETE FROM events AS e USING (SELECT o.event_id FROM members AS m"
    " CROSS JOIN LATERAL (SELECT event_id, occur_time FROM events"
    " WHERE tenant = $1 AND member_id = m.member_id AND occur_time < $2"
    " ORDER BY occur_time, event_id COLLATE \"C\" LIMIT $3) AS o"
    " WHERE m.tenant = $1 ORDER BY m.member_id COLLATE \"C\", o.occur_time,"
    " o.event_id COLLATE \"C\" LIMIT $3) AS doomed"
    " WHERE e.tenant = $1 AND e.event_id = "
    "doomed.event_id" RAPPORT_REMOVED_COLUMNS;

#undef RAPPORT_REMOVED_COLUMNS

constexpr char kAnyEventBefore[] =
    "SELECT 1 FROM members AS m WHERE m.tenant = $1 AND EXISTS (SELECT 1"
    " FROM events AS e WHERE e.tenant = $1 AND e.member_id = m.member_id"
    " AND e.occur_time < $2) LIMIT 1";

// $1 tenant, then the buckets and the quantity each loses.
#define RAPPORT_BUCKETS                                                     \
  "unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[],"            \
  " $6::bigint[], $7::bigint[]) AS u(member_id, day, type, channel,"        \
  " seniority, quantity) WHERE d.tenant = $1 AND d.member_id = u.member_id" \
  " AND d.day = u.day AND d.type = u.type AND d.channel = u.channel"        \
  " AND d.seniority = u.seniority"
constexpr char kSubtractDailyCounts[] =
    "UPDATE daily_counts AS d SET count = d.count - u.quantity"
    " FROM " RAPPORT_BUCKETS;
constexpr char kDeleteEmptyDailyCounts[] =
    "DELETE FROM daily_counts AS d USING " RAPPORT_BUCKETS " AND d.count <= 0";
#undef RAPPORT_BUCKETS

// event_count loses the events removed; last_event_time becomes the latest
// remaining event's (NULL when none remains).
constexpr char kSubtractMemberEvents[] =
    "UPDATE members AS m SET event_count = m.event_count - u.removed,"
    " last_event_time = (SELECT max(e.occur_time) FROM events AS e"
    " WHERE e.tenant = $1 AND e.member_id = m.member_id)"
    " FROM unnest($2::text[], $3::bigint[]) AS u(member_id, removed)"
    " WHERE m.tenant = $1 AND m.member_id = u.member_id";

constexpr char kNextWorkVersion[] =
    "INSERT INTO history_state (tenant, work_version) VALUES ($1, 1)"
    " ON CONFLICT (tenant) DO UPDATE"
    " SET work_version = history_state.work_version + 1 RETURNING work_version";
constexpr char kMarkStale[] =
    "INSERT INTO history_work (tenant, member_id, from_day, version)"
    " SELECT $1::text, u.member_id, u.from_day, $4::bigint"
    " FROM unnest($2::text[], $3::bigint[]) AS u(member_id, from_day)"
    " ON CONFLICT (tenant, member_id) DO UPDATE SET"
    " from_day = LEAST(history_work.from_day, excluded.from_day),"
    " version = excluded.version";

// A bucket of daily_counts: member, day, type, channel, seniority.
using Bucket = std::tuple<std::string, int64_t, int64_t, int64_t, int64_t>;

absl::Status SubtractDailyCounts(Connection& conn, const TenantId& tenant,
                                 const std::map<Bucket, int64_t>& buckets,
                                 EventRemoval& removal) {
  if (buckets.empty()) return absl::OkStatus();
  std::vector<std::string> members;
  std::vector<int64_t> days, types, channels, seniorities, quantities;
  for (const auto& [bucket, quantity] : buckets) {
    members.push_back(std::get<0>(bucket));
    days.push_back(std::get<1>(bucket));
    types.push_back(std::get<2>(bucket));
    channels.push_back(std::get<3>(bucket));
    seniorities.push_back(std::get<4>(bucket));
    quantities.push_back(quantity);
  }
  Params params;
  params.Add(tenant)
      .AddTextArray(members)
      .AddIntArray(days)
      .AddIntArray(types)
      .AddIntArray(channels)
      .AddIntArray(seniorities)
      .AddIntArray(quantities);
  RAPPORT_RETURN_IF_ERROR(conn.Exec(kSubtractDailyCounts, params).status());
  RAPPORT_ASSIGN_OR_RETURN(Result deleted,
                           conn.Exec(kDeleteEmptyDailyCounts, params));
  removal.daily_counts = deleted.affected();
  return absl::OkStatus();
}

absl::Status SubtractMemberEvents(
    Connection& conn, const TenantId& tenant,
    const std::map<std::string, int64_t>& removed) {
  if (removed.empty()) return absl::OkStatus();
  std::vector<std::string> members;
  std::vector<int64_t> counts;
  for (const auto& [member_id, count] : removed) {
    members.push_back(member_id);
    counts.push_back(count);
  }
  return conn
      .Exec(kSubtractMemberEvents,
            Params().Add(tenant).AddTextArray(members).AddIntArray(counts))
      .status();
}

// Undoes what ingest added for the deleted events (the rows `deleted`
// returned, RAPPORT_REMOVED_COLUMNS).
absl::StatusOr<EventRemoval> UndoEvents(Connection& conn,
                                        const TenantId& tenant,
                                        const Result& deleted) {
  EventRemoval removal;
  std::map<Bucket, int64_t> buckets;
  std::map<std::string, int64_t> removed_per_member;
  std::set<MemberKey> threads;
  std::set<MemberKey> contacts;
  for (int i = 0; i < deleted.rows(); ++i) {
    std::string member_id = deleted.String(i, 0);
    const absl::Time occur_time = deleted.Time(i, 1);
    ++removal.events;
    buckets[Bucket(member_id, internal::DayNumber(occur_time),
                   deleted.Int(i, 2), deleted.Int(i, 3), deleted.Int(i, 4))] +=
        deleted.Int(i, 7);
    ++removed_per_member[member_id];
    auto [it, inserted] = removal.members.emplace(member_id, occur_time);
    if (!inserted) it->second = std::min(it->second, occur_time);
    // Every state the event may have fed; one that it did not is re-derived
    // unchanged.
    std::string contact_id = deleted.String(i, 5);
    std::string thread_id = deleted.String(i, 6);
    if (!thread_id.empty()) threads.emplace(member_id, std::move(thread_id));
    if (!contact_id.empty()) {
      contacts.emplace(std::move(member_id), std::move(contact_id));
    }
  }
  RAPPORT_RETURN_IF_ERROR(SubtractDailyCounts(conn, tenant, buckets, removal));
  RAPPORT_RETURN_IF_ERROR(
      SubtractMemberEvents(conn, tenant, removed_per_member));
  RAPPORT_ASSIGN_OR_RETURN(RederivedStates rethreaded,
                           RederiveThreads(conn, tenant, threads));
  removal.threads_rederived = rethreaded.rederived;
  removal.threads_deleted = rethreaded.deleted;
  RAPPORT_ASSIGN_OR_RETURN(RederivedStates recontacted,
                           RederiveContacts(conn, tenant, contacts));
  removal.contacts_rederived = recontacted.rederived;
  removal.contacts_deleted = recontacted.deleted;
  return removal;
}

}  // namespace

absl::StatusOr<EventRemoval> RemoveContactEvents(
    Connection& conn, const TenantId& tenant, const std::string& contact_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Result deleted,
      conn.Exec(kDeleteContactEvents, Params().Add(tenant).Add(contact_id)));
  return UndoEvents(conn, tenant, deleted);
}

absl::StatusOr<EventRemoval> RemoveEventsBefore(Connection& conn,
                                                const TenantId& tenant,
                                                absl::Time cutoff, int limit) {
  RAPPORT_ASSIGN_OR_RETURN(
      Result deleted,
      conn.Exec(kDeleteEventsBefore,
                Params().Add(tenant).AddTime(cutoff).Add(limit)));
  return UndoEvents(conn, tenant, deleted);
}

absl::StatusOr<bool> AnyEventBefore(Connection& conn, const TenantId& tenant,
                                    absl::Time cutoff) {
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows,
      conn.Exec(kAnyEventBefore, Params().Add(tenant).AddTime(cutoff)));
  return rows.rows() > 0;
}

absl::Status MarkRemovedHistoryStale(Connection& conn, const TenantId& tenant,
                                     const EventRemoval& removal) {
  if (removal.members.empty()) return absl::OkStatus();
  RAPPORT_ASSIGN_OR_RETURN(Result version,
                           conn.Exec(kNextWorkVersion, Params().Add(tenant)));
  std::vector<std::string> members;
  std::vector<int64_t> days;
  for (const auto& [member_id, earliest] : removal.members) {
    members.push_back(member_id);
    days.push_back(internal::DayNumber(earliest));
  }
  return conn
      .Exec(kMarkStale,
            Params().Add(tenant).AddTextArray(members).AddIntArray(days).Add(
                version.Int(0, 0)))
      .status();
}

absl::Status RecordErasure(Connection& conn, const TenantId& tenant,
                           ErasureKind kind, const std::string& id,
                           absl::Time time) {
  return conn
      .Exec(
          "INSERT INTO erasures (tenant, kind, digest, erase_time)"
          " VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, kind, digest)"
          " DO UPDATE SET erase_time ="
          " GREATEST(erasures.erase_time, excluded.erase_time)",
          Params()
              .Add(tenant)
              .Add(static_cast<int64_t>(kind))
              .Add(ErasureDigest(tenant, kind, id))
              .AddTime(time))
      .status();
}

absl::Status ReplaceAuditTarget(Connection& conn, const TenantId& tenant,
                                const std::string& target,
                                const std::string& replacement) {
  return conn
      .Exec(
          "UPDATE audit_log SET target = $3 WHERE tenant = $1"
          " AND target = $2",
          Params().Add(tenant).Add(target).Add(replacement))
      .status();
}

}  // namespace rapport::store::pg
