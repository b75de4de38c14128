#include "server/store/event_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/batch_effects.h"

namespace rapport::store::internal {
namespace {

// The columns ReadEvent expects, in order.
#define RAPPORT_EVENT_COLUMNS                                               \
  "event_id, member_id, occur_time, type, channel, contact_id, seniority, " \
  "contact_industry, contact_region, contact_category, thread_id, "         \
  "content_id, quantity"

constexpr char kInsertEvent[] =
    "INSERT INTO events (tenant, " RAPPORT_EVENT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    " ON CONFLICT (tenant, event_id) DO NOTHING";

// Parameters: ?1 tenant, ?2 member_id, ?3 up_to. Reads the index alone.
constexpr char kSelectMemberKeys[] =
    "SELECT id, thread_id, contact_id FROM events INDEXED BY events_by_member"
    " WHERE tenant = ?1 AND member_id = ?2 AND occur_time <= ?3";

constexpr char kSelectEventById[] =
    "SELECT " RAPPORT_EVENT_COLUMNS " FROM events WHERE id = ?1";

constexpr char kSelectEvent[] =
    "SELECT " RAPPORT_EVENT_COLUMNS
    " FROM events WHERE tenant = ?1 AND event_id = ?2";

#undef RAPPORT_EVENT_COLUMNS

model::Event ReadEvent(const Statement& row) {
  model::Event e;
  int c = 0;
  e.event_id = row.ColumnText(c++);
  e.member_id = row.ColumnText(c++);
  e.occur_time = row.ColumnTime(c++);
  e.type = static_cast<model::EventType>(row.ColumnInt64(c++));
  e.channel = static_cast<model::Channel>(row.ColumnInt64(c++));
  e.contact.contact_id = row.ColumnText(c++);
  e.contact.seniority = static_cast<model::Seniority>(row.ColumnInt64(c++));
  e.contact.industry = row.ColumnText(c++);
  e.contact.region = row.ColumnText(c++);
  e.contact.category =
      static_cast<model::NetworkCategory>(row.ColumnInt64(c++));
  e.thread_id = row.ColumnText(c++);
  e.content_id = row.ColumnText(c++);
  e.quantity = static_cast<int>(row.ColumnInt64(c++));
  return e;
}

}  // namespace

absl::StatusOr<std::optional<model::Event>> FindEvent(
    Connection& conn, const TenantId& tenant, const std::string& event_id) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectEvent));
  select.BindText(1, tenant);
  select.BindText(2, event_id);
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<model::Event>();
  return std::optional<model::Event>(ReadEvent(select));
}

bool SamePayload(const model::Event& a, const model::Event& b) {
  return a.event_id == b.event_id && a.member_id == b.member_id &&
         absl::ToUnixMicros(a.occur_time) == absl::ToUnixMicros(b.occur_time) &&
         a.type == b.type && a.channel == b.channel &&
         a.contact.contact_id == b.contact.contact_id &&
         a.contact.seniority == b.contact.seniority &&
         a.contact.industry == b.contact.industry &&
         a.contact.region == b.contact.region &&
         a.contact.category == b.contact.category &&
         a.thread_id == b.thread_id && a.content_id == b.content_id &&
         a.quantity == b.quantity;
}

absl::StatusOr<bool> InsertEvent(Connection& conn, const TenantId& tenant,
                                 const model::Event& e) {
  RAPPORT_ASSIGN_OR_RETURN(Statement insert, conn.Prepare(kInsertEvent));
  int i = 1;
  insert.BindTextRef(i++, tenant);
  insert.BindTextRef(i++, e.event_id);
  insert.BindTextRef(i++, e.member_id);
  insert.BindTime(i++, e.occur_time);
  insert.BindInt64(i++, static_cast<int64_t>(e.type));
  insert.BindInt64(i++, static_cast<int64_t>(e.channel));
  insert.BindTextRef(i++, e.contact.contact_id);
  insert.BindInt64(i++, static_cast<int64_t>(e.contact.seniority));
  insert.BindTextRef(i++, e.contact.industry);
  insert.BindTextRef(i++, e.contact.region);
  insert.BindInt64(i++, static_cast<int64_t>(e.contact.category));
  insert.BindTextRef(i++, e.thread_id);
  insert.BindTextRef(i++, e.content_id);
  insert.BindInt64(i++, e.quantity);
  RAPPORT_RETURN_IF_ERROR(insert.Run());
  return conn.Changes() > 0;
}

absl::StatusOr<KeyedEvents> LoadKeyedEvents(Connection& conn,
                                            const TenantId& tenant,
                                            const std::string& member_id,
                                            const MemberKeys& keys,
                                            absl::Time up_to) {
  KeyedEvents loaded;
  if (keys.threads.empty() && keys.contacts.empty()) return loaded;
  // Row ids of the matching events, with the thread and contact each feeds.
  struct Match {
    int64_t id;
    bool thread;
    bool contact;
  };
  std::vector<Match> matches;
  {
    RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectMemberKeys));
    select.BindText(1, tenant);
    select.BindText(2, member_id);
    select.BindTime(3, up_to);
    while (true) {
      RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      const bool thread = keys.threads.count(select.ColumnView(1)) > 0;
      const bool contact = keys.contacts.count(select.ColumnView(2)) > 0;
      if (thread || contact) {
        matches.push_back({select.ColumnInt64(0), thread, contact});
      }
    }
  }
  for (const Match& match : matches) {
    RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(kSelectEventById));
    select.BindInt64(1, match.id);
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return absl::InternalError("an indexed event has no row");
    model::Event e = ReadEvent(select);
    if (match.thread && match.contact) loaded.threads[e.thread_id].push_back(e);
    if (match.contact) {
      loaded.contacts[e.contact.contact_id].push_back(std::move(e));
    } else {
      loaded.threads[e.thread_id].push_back(std::move(e));
    }
  }
  for (auto* groups : {&loaded.threads, &loaded.contacts}) {
    for (auto& [key, events] : *groups) SortAsStored(events);
  }
  return loaded;
}

std::string EventTypeList(bool (*pred)(model::EventType)) {
  std::string list;
  for (int t = 0; t <= model::kMaxEventType; ++t) {
    if (!pred(static_cast<model::EventType>(t))) continue;
    absl::StrAppend(&list, list.empty() ? "" : ", ", t);
  }
  return list;
}

absl::StatusOr<int64_t> DeleteMemberEvents(Connection& conn,
                                           const TenantId& tenant,
                                           const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare("DELETE FROM events WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes();
}

}  // namespace rapport::store::internal
