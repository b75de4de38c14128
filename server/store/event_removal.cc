#include "server/store/event_removal.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "server/common/status_macros.h"
#include "server/store/contact_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/state_recompute.h"
#include "server/store/thread_table.h"

namespace rapport::store::internal {
namespace {

// The columns ReadKey expects, in order, of events joined as e. Every event
// belongs to a member of its tenant, so each query walks the tenant's members
// and reads a range of a member-led index for each: no index leads with time
// or contact alone, which ingest would pay for at every event.
#define RAPPORT_KEY_COLUMNS                                                \
  "e.event_id, e.member_id, e.occur_time, e.type, e.channel, e.seniority," \
  " e.contact_id, e.thread_id, e.quantity"
#define RAPPORT_MEMBER_EVENTS(index)                            \
  " FROM members AS m CROSS JOIN events AS e INDEXED BY " index \
  " WHERE m.tenant = ?1 AND e.tenant = ?1 AND e.member_id = m.member_id"

// Member by member, each member's oldest first.
constexpr char kSelectKeysBefore[] =
    "SELECT " RAPPORT_KEY_COLUMNS RAPPORT_MEMBER_EVENTS(
        "events_by_member") " AND e.occur_time < ?2 LIMIT ?3";

constexpr char kSelectContactKeys[] =
    "SELECT " RAPPORT_KEY_COLUMNS RAPPORT_MEMBER_EVENTS(
        "events_by_member") " AND e.contact_id = ?2 AND e.contact_id <> ''";

constexpr char kAnyEventBefore[] =
    "SELECT 1 FROM members AS m WHERE m.tenant = ?1 AND EXISTS (SELECT 1"
    " FROM events AS e INDEXED BY events_by_member WHERE e.tenant = ?1"
    " AND e.member_id = m.member_id AND e.occur_time < ?2) LIMIT 1";

#undef RAPPORT_MEMBER_EVENTS
#undef RAPPORT_KEY_COLUMNS

using MemberKey = std::pair<std::string, std::string>;  // member, id

StoredEventKey ReadKey(const Statement& row) {
  StoredEventKey key;
  int c = 0;
  key.event_id = row.ColumnText(c++);
  key.member_id = row.ColumnText(c++);
  key.occur_time = row.ColumnTime(c++);
  key.type = static_cast<model::EventType>(row.ColumnInt64(c++));
  key.channel = static_cast<model::Channel>(row.ColumnInt64(c++));
  key.seniority = static_cast<model::Seniority>(row.ColumnInt64(c++));
  key.contact_id = row.ColumnText(c++);
  key.thread_id = row.ColumnText(c++);
  key.quantity = row.ColumnInt64(c++);
  return key;
}

absl::StatusOr<std::vector<StoredEventKey>> ReadKeys(Statement& select) {
  std::vector<StoredEventKey> keys;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    keys.push_back(ReadKey(select));
  }
  return keys;
}

absl::Status DeleteEvent(Connection& conn, const TenantId& tenant,
                         const StoredEventKey& event) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare("DELETE FROM events WHERE tenant = ?1 AND event_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, event.event_id);
  return del.Run();
}

// Binds ?1..?6 to the key of the event's daily bucket.
void BindBucket(Statement& stmt, const TenantId& tenant,
                const StoredEventKey& event) {
  stmt.BindText(1, tenant);
  stmt.BindText(2, event.member_id);
  stmt.BindInt64(3, DayNumber(event.occur_time));
  stmt.BindInt64(4, static_cast<int64_t>(event.type));
  stmt.BindInt64(5, static_cast<int64_t>(event.channel));
  stmt.BindInt64(6, static_cast<int64_t>(event.seniority));
}

#define RAPPORT_BUCKET_KEY                                                \
  " WHERE tenant = ?1 AND member_id = ?2 AND day = ?3 AND type = ?4 AND " \
  "channel = ?5 AND seniority = ?6"

// Takes the event's quantity off its bucket; true when the bucket reached
// zero and its row was deleted.
absl::StatusOr<bool> SubtractFromDailyCount(Connection& conn,
                                            const TenantId& tenant,
                                            const StoredEventKey& event) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement update,
      conn.Prepare(
          "UPDATE daily_counts SET count = count - ?7" RAPPORT_BUCKET_KEY));
  BindBucket(update, tenant, event);
  update.BindInt64(7, event.quantity);
  RAPPORT_RETURN_IF_ERROR(update.Run());
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del, conn.Prepare("DELETE FROM daily_counts" RAPPORT_BUCKET_KEY
                                  " AND count <= 0"));
  BindBucket(del, tenant, event);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes() > 0;
}

#undef RAPPORT_BUCKET_KEY

// event_count loses `removed`; last_event_time becomes the latest remaining
// event's (a probe of events_by_member), NULL when none remains.
absl::Status SubtractMemberEvents(Connection& conn, const TenantId& tenant,
                                  const std::string& member_id,
                                  int64_t removed) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement update,
      conn.Prepare("UPDATE members SET event_count = event_count - ?3, "
                   "last_event_time = (SELECT max(occur_time) FROM events "
                   "WHERE tenant = ?1 AND member_id = ?2) "
                   "WHERE tenant = ?1 AND member_id = ?2"));
  update.BindText(1, tenant);
  update.BindText(2, member_id);
  update.BindInt64(3, removed);
  return update.Run();
}

// Deletes the row of (tenant, member, key) in `table` ("threads" with
// thread_id or "contacts" with contact_id); true when there was one.
absl::StatusOr<bool> DeleteStateRow(Connection& conn, const char* sql,
                                    const TenantId& tenant,
                                    const MemberKey& key) {
  RAPPORT_ASSIGN_OR_RETURN(Statement del, conn.Prepare(sql));
  del.BindText(1, tenant);
  del.BindText(2, key.first);
  del.BindText(3, key.second);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes() > 0;
}

// Derives again the threads and contacts that lost events, one walk of each
// member's remaining events for all its keys; a key left without events
// loses its row.
absl::Status Rederive(Connection& conn, const TenantId& tenant,
                      const std::map<std::string, MemberKeys>& touched,
                      EventRemoval& removal) {
  for (const auto& [member_id, keys] : touched) {
    RAPPORT_ASSIGN_OR_RETURN(
        MemberStates states,
        RecomputeMemberStates(conn, tenant, member_id, keys));
    for (const std::string& thread_id : keys.threads) {
      auto thread = states.threads.find(thread_id);
      if (thread != states.threads.end()) {
        RAPPORT_RETURN_IF_ERROR(
            PutThread(conn, tenant, member_id, thread->second));
        ++removal.threads_rederived;
        continue;
      }
      RAPPORT_ASSIGN_OR_RETURN(
          bool deleted,
          DeleteStateRow(conn,
                         "DELETE FROM threads WHERE tenant = ?1 AND "
                         "member_id = ?2 AND thread_id = ?3",
                         tenant, {member_id, thread_id}));
      if (deleted) ++removal.threads_deleted;
    }
    for (const std::string& contact_id : keys.contacts) {
      auto contact = states.contacts.find(contact_id);
      if (contact != states.contacts.end()) {
        RAPPORT_RETURN_IF_ERROR(
            PutContact(conn, tenant, member_id, contact->second));
        ++removal.contacts_rederived;
        continue;
      }
      RAPPORT_ASSIGN_OR_RETURN(
          bool deleted,
          DeleteStateRow(conn,
                         "DELETE FROM contacts WHERE tenant = ?1 AND "
                         "member_id = ?2 AND contact_id = ?3",
                         tenant, {member_id, contact_id}));
      if (deleted) ++removal.contacts_deleted;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<StoredEventKey>> SelectContactEventKeys(
    Connection& conn, const TenantId& tenant, const std::string& contact_id) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectContactKeys));
  select.BindText(1, tenant);
  select.BindText(2, contact_id);
  return ReadKeys(select);
}

absl::StatusOr<std::vector<StoredEventKey>> SelectEventKeysBefore(
    Connection& conn, const TenantId& tenant, absl::Time cutoff, int limit) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectKeysBefore));
  select.BindText(1, tenant);
  select.BindTime(2, cutoff);
  select.BindInt64(3, limit);
  return ReadKeys(select);
}

absl::StatusOr<bool> AnyEventBefore(Connection& conn, const TenantId& tenant,
                                    absl::Time cutoff) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kAnyEventBefore));
  select.BindText(1, tenant);
  select.BindTime(2, cutoff);
  return select.Step();
}

absl::StatusOr<EventRemoval> RemoveEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const StoredEventKey> events) {
  EventRemoval removal;
  std::map<std::string, int64_t> removed_per_member;
  std::map<std::string, MemberKeys> touched;
  for (const StoredEventKey& event : events) {
    RAPPORT_RETURN_IF_ERROR(DeleteEvent(conn, tenant, event));
    if (conn.Changes() == 0) continue;  // Listed twice: removed already.
    ++removal.events;
    RAPPORT_ASSIGN_OR_RETURN(bool bucket_deleted,
                             SubtractFromDailyCount(conn, tenant, event));
    if (bucket_deleted) ++removal.daily_counts;
    ++removed_per_member[event.member_id];
    auto [it, inserted] =
        removal.members.emplace(event.member_id, event.occur_time);
    if (!inserted) it->second = std::min(it->second, event.occur_time);
    // Every state the event may have fed; one that it did not is re-derived
    // unchanged.
    if (!event.thread_id.empty()) {
      touched[event.member_id].threads.insert(event.thread_id);
    }
    if (!event.contact_id.empty()) {
      touched[event.member_id].contacts.insert(event.contact_id);
    }
  }
  for (const auto& [member_id, removed] : removed_per_member) {
    RAPPORT_RETURN_IF_ERROR(
        SubtractMemberEvents(conn, tenant, member_id, removed));
  }
  RAPPORT_RETURN_IF_ERROR(Rederive(conn, tenant, touched, removal));
  return removal;
}

}  // namespace rapport::store::internal
