#include "server/store/pg/pg_activity_rows.h"

#include <array>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/event_table.h"

namespace rapport::store::pg {
namespace {

using internal::StoredContact;
using internal::StoredThread;

// The columns ReadEvent expects, in order.
#define RAPPORT_PG_EVENT_COLUMNS                                            \
  "event_id, member_id, occur_time, type, channel, contact_id, seniority, " \
  "contact_industry, contact_region, contact_category, thread_id, "         \
  "content_id, quantity"

constexpr char kSelectEvents[] =
    "SELECT " RAPPORT_PG_EVENT_COLUMNS
    " FROM events WHERE tenant = $1 AND event_id = ANY($2::text[])";

// A concurrent batch inserting one of these ids first makes this one wait
// for its commit; the id is then not returned (a duplicate or conflict).
constexpr char kInsertEvents[] =
    "INSERT INTO events (tenant, " RAPPORT_PG_EVENT_COLUMNS
    ") SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::bigint[],"
    " $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::text[],"
    " $10::text[], $11::bigint[], $12::text[], $13::text[], $14::bigint[])"
    " ON CONFLICT (tenant, event_id) DO NOTHING RETURNING event_id";

// Parameters: $1 tenant, $2 member ids, $3 thread (contact) ids, $4 up_to.
// The "<> ''" terms make the partial indexes usable.
constexpr char kLoadThreadEvents[] =
    "SELECT " RAPPORT_PG_EVENT_COLUMNS
    " FROM events WHERE tenant = $1 AND thread_id <> ''"
    " AND (member_id, thread_id) IN"
    " (SELECT * FROM unnest($2::text[], $3::text[])) AND occur_time <= $4"
    " ORDER BY occur_time, event_id COLLATE \"C\"";
constexpr char kLoadContactEvents[] =
    "SELECT " RAPPORT_PG_EVENT_COLUMNS
    " FROM events WHERE tenant = $1 AND contact_id <> ''"
    " AND (member_id, contact_id) IN"
    " (SELECT * FROM unnest($2::text[], $3::text[])) AND occur_time <= $4"
    " ORDER BY occur_time, event_id COLLATE \"C\"";

#undef RAPPORT_PG_EVENT_COLUMNS

constexpr char kThreadColumns[] =
    "thread_id, contact_id, channel, seniority, category, "
    "first_outbound_time, last_outbound_time, first_inbound_time, "
    "last_inbound_time, first_reply_time, first_answer_time, outbound_count, "
    "inbound_count, follow_up_count, follow_ups_before_reply, "
    "last_activity_time";

constexpr char kContactColumns[] =
    "contact_id, seniority, category, industry, region, first_time, "
    "last_outbound_time, last_inbound_time, connection_requested_time, "
    "connection_accepted_time, met_at_event_time, "
    "followed_up_after_event_time, outbound_count, inbound_count, "
    "meetings_booked, last_activity_time";

model::Event ReadEvent(const Result& r, int row) {
  model::Event e;
  int c = 0;
  e.event_id = r.String(row, c++);
  e.member_id = r.String(row, c++);
  e.occur_time = r.Time(row, c++);
  e.type = static_cast<model::EventType>(r.Int(row, c++));
  e.channel = static_cast<model::Channel>(r.Int(row, c++));
  e.contact.contact_id = r.String(row, c++);
  e.contact.seniority = static_cast<model::Seniority>(r.Int(row, c++));
  e.contact.industry = r.String(row, c++);
  e.contact.region = r.String(row, c++);
  e.contact.category = static_cast<model::NetworkCategory>(r.Int(row, c++));
  e.thread_id = r.String(row, c++);
  e.content_id = r.String(row, c++);
  e.quantity = static_cast<int>(r.Int(row, c++));
  return e;
}

// Reads a thread from `first` on (kThreadColumns).
StoredThread ReadThreadRow(const Result& r, int row, int first) {
  StoredThread thread;
  model::ThreadState& s = thread.state;
  int c = first;
  s.thread_id = r.String(row, c++);
  s.contact_id = r.String(row, c++);
  s.channel = static_cast<model::Channel>(r.Int(row, c++));
  s.seniority = static_cast<model::Seniority>(r.Int(row, c++));
  s.category = static_cast<model::NetworkCategory>(r.Int(row, c++));
  for (std::optional<absl::Time>* t :
       {&s.first_outbound_time, &s.last_outbound_time, &s.first_inbound_time,
        &s.last_inbound_time, &s.first_reply_time, &s.first_answer_time}) {
    *t = r.OptionalTime(row, c++);
  }
  for (int* count : {&s.outbound_count, &s.inbound_count, &s.follow_up_count,
                     &s.follow_ups_before_reply}) {
    *count = static_cast<int>(r.Int(row, c++));
  }
  thread.last_activity_time = r.Time(row, c++);
  return thread;
}

template <typename State>
auto ContactOptionalTimes(State& s) {
  return std::array{
      &s.last_outbound_time,        &s.last_inbound_time,
      &s.connection_requested_time, &s.connection_accepted_time,
      &s.met_at_event_time,         &s.followed_up_after_event_time};
}

StoredContact ReadContactRow(const Result& r, int row, int first) {
  StoredContact contact;
  model::ContactState& s = contact.state;
  int c = first;
  s.contact_id = r.String(row, c++);
  s.seniority = static_cast<model::Seniority>(r.Int(row, c++));
  s.category = static_cast<model::NetworkCategory>(r.Int(row, c++));
  s.industry = r.String(row, c++);
  s.region = r.String(row, c++);
  s.first_time = r.Time(row, c++);
  for (std::optional<absl::Time>* t : ContactOptionalTimes(s)) {
    *t = r.OptionalTime(row, c++);
  }
  for (int64_t* count :
       {&s.outbound_count, &s.inbound_count, &s.meetings_booked}) {
    *count = r.Int(row, c++);
  }
  contact.last_activity_time = r.Time(row, c++);
  return contact;
}

std::optional<int64_t> MicrosOf(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return std::nullopt;
  return absl::ToUnixMicros(*t);
}

// Splits keys into the two arrays of "unnest($2::text[], $3::text[])".
Params& AddKeys(Params& params, absl::Span<const MemberKey> keys) {
  std::vector<std::string> members, ids;
  members.reserve(keys.size());
  ids.reserve(keys.size());
  for (const MemberKey& key : keys) {
    members.push_back(key.first);
    ids.push_back(key.second);
  }
  return params.AddTextArray(members).AddTextArray(ids);
}

}  // namespace

std::string NullableIntArray(absl::Span<const std::optional<int64_t>> values) {
  std::string array = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) array += ',';
    if (values[i].has_value()) {
      absl::StrAppend(&array, *values[i]);
    } else {
      array += "NULL";
    }
  }
  array += '}';
  return array;
}

absl::StatusOr<std::map<std::string, model::Event>> FindEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const std::string> event_ids) {
  std::map<std::string, model::Event> found;
  if (event_ids.empty()) return found;
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows,
      conn.Exec(kSelectEvents, Params().Add(tenant).AddTextArray(event_ids)));
  for (int i = 0; i < rows.rows(); ++i) {
    model::Event event = ReadEvent(rows, i);
    std::string id = event.event_id;
    found.emplace(std::move(id), std::move(event));
  }
  return found;
}

absl::StatusOr<std::vector<std::string>> InsertNewEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event* const> events) {
  std::vector<std::string> inserted;
  if (events.empty()) return inserted;
  const size_t n = events.size();
  std::vector<std::string> ids(n), members(n), contacts(n), industries(n),
      regions(n), threads(n), contents(n);
  std::vector<int64_t> times(n), types(n), channels(n), seniorities(n),
      categories(n), quantities(n);
  for (size_t i = 0; i < n; ++i) {
    const model::Event& e = *events[i];
    ids[i] = e.event_id;
    members[i] = e.member_id;
    times[i] = absl::ToUnixMicros(e.occur_time);
    types[i] = static_cast<int64_t>(e.type);
    channels[i] = static_cast<int64_t>(e.channel);
    contacts[i] = e.contact.contact_id;
    seniorities[i] = static_cast<int64_t>(e.contact.seniority);
    industries[i] = e.contact.industry;
    regions[i] = e.contact.region;
    categories[i] = static_cast<int64_t>(e.contact.category);
    threads[i] = e.thread_id;
    contents[i] = e.content_id;
    quantities[i] = e.quantity;
  }
  Params params;
  params.Add(tenant)
      .AddTextArray(ids)
      .AddTextArray(members)
      .AddIntArray(times)
      .AddIntArray(types)
      .AddIntArray(channels)
      .AddTextArray(contacts)
      .AddIntArray(seniorities)
      .AddTextArray(industries)
      .AddTextArray(regions)
      .AddIntArray(categories)
      .AddTextArray(threads)
      .AddTextArray(contents)
      .AddIntArray(quantities);
  RAPPORT_ASSIGN_OR_RETURN(Result rows, conn.Exec(kInsertEvents, params));
  inserted.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) inserted.push_back(rows.String(i, 0));
  return inserted;
}

absl::StatusOr<std::map<MemberKey, std::vector<model::Event>>> LoadKeyEvents(
    Connection& conn, const TenantId& tenant, KeyKind kind,
    absl::Span<const MemberKey> keys, absl::Time up_to) {
  std::map<MemberKey, std::vector<model::Event>> events;
  if (keys.empty()) return events;
  Params params;
  params.Add(tenant);
  AddKeys(params, keys).AddTime(up_to);
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows, conn.Exec(kind == KeyKind::kThread ? kLoadThreadEvents
                                                      : kLoadContactEvents,
                             params));
  for (int i = 0; i < rows.rows(); ++i) {
    model::Event event = ReadEvent(rows, i);
    MemberKey key{event.member_id, kind == KeyKind::kThread
                                       ? event.thread_id
                                       : event.contact.contact_id};
    events[std::move(key)].push_back(std::move(event));
  }
  return events;
}

absl::StatusOr<std::map<MemberKey, StoredThread>> ReadThreads(
    Connection& conn, const TenantId& tenant,
    absl::Span<const MemberKey> keys) {
  std::map<MemberKey, StoredThread> threads;
  if (keys.empty()) return threads;
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT member_id, ", kThreadColumns,
      " FROM threads WHERE tenant = $1 AND (member_id, thread_id) IN"
      " (SELECT * FROM unnest($2::text[], $3::text[]))"));
  Params params;
  params.Add(tenant);
  RAPPORT_ASSIGN_OR_RETURN(Result rows, conn.Exec(*sql, AddKeys(params, keys)));
  for (int i = 0; i < rows.rows(); ++i) {
    StoredThread thread = ReadThreadRow(rows, i, 1);
    MemberKey key{rows.String(i, 0), thread.state.thread_id};
    threads.emplace(std::move(key), std::move(thread));
  }
  return threads;
}

absl::StatusOr<std::map<MemberKey, StoredContact>> ReadContacts(
    Connection& conn, const TenantId& tenant,
    absl::Span<const MemberKey> keys) {
  std::map<MemberKey, StoredContact> contacts;
  if (keys.empty()) return contacts;
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT member_id, ", kContactColumns,
      " FROM contacts WHERE tenant = $1 AND (member_id, contact_id) IN"
      " (SELECT * FROM unnest($2::text[], $3::text[]))"));
  Params params;
  params.Add(tenant);
  RAPPORT_ASSIGN_OR_RETURN(Result rows, conn.Exec(*sql, AddKeys(params, keys)));
  for (int i = 0; i < rows.rows(); ++i) {
    StoredContact contact = ReadContactRow(rows, i, 1);
    MemberKey key{rows.String(i, 0), contact.state.contact_id};
    contacts.emplace(std::move(key), std::move(contact));
  }
  return contacts;
}

absl::Status PutThreads(
    Connection& conn, const TenantId& tenant,
    const std::vector<std::pair<std::string, StoredThread>>& rows) {
  if (rows.empty()) return absl::OkStatus();
  static const auto* sql = new std::string(absl::StrCat(
      "INSERT INTO threads (tenant, member_id, ", kThreadColumns,
      ") SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[],"
      " $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],"
      " $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],"
      " $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[],"
      " $18::bigint[])"
      " ON CONFLICT (tenant, member_id, thread_id) DO UPDATE SET"
      " contact_id = excluded.contact_id, channel = excluded.channel,"
      " seniority = excluded.seniority, category = excluded.category,"
      " first_outbound_time = excluded.first_outbound_time,"
      " last_outbound_time = excluded.last_outbound_time,"
      " first_inbound_time = excluded.first_inbound_time,"
      " last_inbound_time = excluded.last_inbound_time,"
      " first_reply_time = excluded.first_reply_time,"
      " first_answer_time = excluded.first_answer_time,"
      " outbound_count = excluded.outbound_count,"
      " inbound_count = excluded.inbound_count,"
      " follow_up_count = excluded.follow_up_count,"
      " follow_ups_before_reply = excluded.follow_ups_before_reply,"
      " last_activity_time = excluded.last_activity_time"));
  const size_t n = rows.size();
  std::vector<std::string> members(n), ids(n), contacts(n);
  std::vector<int64_t> channels(n), seniorities(n), categories(n), outbound(n),
      inbound(n), follow_ups(n), before_reply(n), last(n);
  std::array<std::vector<std::optional<int64_t>>, 6> times;
  for (size_t i = 0; i < n; ++i) {
    const model::ThreadState& s = rows[i].second.state;
    members[i] = rows[i].first;
    ids[i] = s.thread_id;
    contacts[i] = s.contact_id;
    channels[i] = static_cast<int64_t>(s.channel);
    seniorities[i] = static_cast<int64_t>(s.seniority);
    categories[i] = static_cast<int64_t>(s.category);
    int t = 0;
    for (const std::optional<absl::Time>* time :
         {&s.first_outbound_time, &s.last_outbound_time, &s.first_inbound_time,
          &s.last_inbound_time, &s.first_reply_time, &s.first_answer_time}) {
      times[t++].push_back(MicrosOf(*time));
    }
    outbound[i] = s.outbound_count;
    inbound[i] = s.inbound_count;
    follow_ups[i] = s.follow_up_count;
    before_reply[i] = s.follow_ups_before_reply;
    last[i] = absl::ToUnixMicros(rows[i].second.last_activity_time);
  }
  Params params;
  params.Add(tenant)
      .AddTextArray(members)
      .AddTextArray(ids)
      .AddTextArray(contacts)
      .AddIntArray(channels)
      .AddIntArray(seniorities)
      .AddIntArray(categories);
  for (const auto& column : times) params.Add(NullableIntArray(column));
  params.AddIntArray(outbound)
      .AddIntArray(inbound)
      .AddIntArray(follow_ups)
      .AddIntArray(before_reply)
      .AddIntArray(last);
  return conn.Exec(*sql, params).status();
}

absl::Status PutContacts(
    Connection& conn, const TenantId& tenant,
    const std::vector<std::pair<std::string, StoredContact>>& rows) {
  if (rows.empty()) return absl::OkStatus();
  static const auto* sql = new std::string(absl::StrCat(
      "INSERT INTO contacts (tenant, member_id, ", kContactColumns,
      ") SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::bigint[],"
      " $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::bigint[],"
      " $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],"
      " $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[],"
      " $18::bigint[])"
      " ON CONFLICT (tenant, member_id, contact_id) DO UPDATE SET"
      " seniority = excluded.seniority, category = excluded.category,"
      " industry = excluded.industry, region = excluded.region,"
      " first_time = excluded.first_time,"
      " last_outbound_time = excluded.last_outbound_time,"
      " last_inbound_time = excluded.last_inbound_time,"
      " connection_requested_time = excluded.connection_requested_time,"
      " connection_accepted_time = excluded.connection_accepted_time,"
      " met_at_event_time = excluded.met_at_event_time,"
      " followed_up_after_event_time = excluded.followed_up_after_event_time,"
      " outbound_count = excluded.outbound_count,"
      " inbound_count = excluded.inbound_count,"
      " meetings_booked = excluded.meetings_booked,"
      " last_activity_time = excluded.last_activity_time"));
  const size_t n = rows.size();
  std::vector<std::string> members(n), ids(n), industries(n), regions(n);
  std::vector<int64_t> seniorities(n), categories(n), first(n), outbound(n),
      inbound(n), meetings(n), last(n);
  std::array<std::vector<std::optional<int64_t>>, 6> times;
  for (size_t i = 0; i < n; ++i) {
    const model::ContactState& s = rows[i].second.state;
    members[i] = rows[i].first;
    ids[i] = s.contact_id;
    seniorities[i] = static_cast<int64_t>(s.seniority);
    categories[i] = static_cast<int64_t>(s.category);
    industries[i] = s.industry;
    regions[i] = s.region;
    first[i] = absl::ToUnixMicros(s.first_time);
    int t = 0;
    for (const std::optional<absl::Time>* time : ContactOptionalTimes(s)) {
      times[t++].push_back(MicrosOf(*time));
    }
    outbound[i] = s.outbound_count;
    inbound[i] = s.inbound_count;
    meetings[i] = s.meetings_booked;
    last[i] = absl::ToUnixMicros(rows[i].second.last_activity_time);
  }
  Params params;
  params.Add(tenant)
      .AddTextArray(members)
      .AddTextArray(ids)
      .AddIntArray(seniorities)
      .AddIntArray(categories)
      .AddTextArray(industries)
      .AddTextArray(regions)
      .AddIntArray(first);
  for (const auto& column : times) params.Add(NullableIntArray(column));
  params.AddIntArray(outbound)
      .AddIntArray(inbound)
      .AddIntArray(meetings)
      .AddIntArray(last);
  return conn.Exec(*sql, params).status();
}

absl::StatusOr<std::vector<StoredThread>> ReadThreadsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT ", kThreadColumns,
      " FROM threads WHERE tenant = $1 AND member_id = $2 AND thread_id IN"
      " (SELECT thread_id FROM events WHERE tenant = $1 AND member_id = $2"
      " AND occur_time BETWEEN $3 AND $4 AND type IN (",
      internal::EventTypeList(&model::IsThreadEvent),
      ")) ORDER BY thread_id COLLATE \"C\""));
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows,
      conn.Exec(*sql,
                Params().Add(tenant).Add(member_id).AddTime(from).AddTime(to)));
  std::vector<StoredThread> threads;
  threads.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    threads.push_back(ReadThreadRow(rows, i, 0));
  }
  return threads;
}

absl::StatusOr<std::vector<StoredContact>> ReadContactsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT ", kContactColumns,
      " FROM contacts WHERE tenant = $1 AND member_id = $2 AND contact_id IN"
      " (SELECT contact_id FROM events WHERE tenant = $1 AND member_id = $2"
      " AND occur_time BETWEEN $3 AND $4 AND type IN (",
      internal::EventTypeList(&model::IsContactEvent),
      ")) ORDER BY contact_id COLLATE \"C\""));
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows,
      conn.Exec(*sql,
                Params().Add(tenant).Add(member_id).AddTime(from).AddTime(to)));
  std::vector<StoredContact> contacts;
  contacts.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    contacts.push_back(ReadContactRow(rows, i, 0));
  }
  return contacts;
}

}  // namespace rapport::store::pg
