#include "server/store/pg/pg_removal_state.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "server/common/status_macros.h"
#include "server/model/event.h"
#include "server/store/activity_state.h"

namespace rapport::store::pg {
namespace {

struct Column {
  const char* name;
  const char* type;  // Of the unnest array's elements.
};

// Key first (member_id, then the thread's or contact's id), in the order
// the Put*Columns functions fill them.
constexpr Column kThreadColumns[] = {
    {"member_id", "text"},
    {"thread_id", "text"},
    {"contact_id", "text"},
    {"channel", "bigint"},
    {"seniority", "bigint"},
    {"category", "bigint"},
    {"first_outbound_time", "bigint"},
    {"last_outbound_time", "bigint"},
    {"first_inbound_time", "bigint"},
    {"last_inbound_time", "bigint"},
    {"first_reply_time", "bigint"},
    {"first_answer_time", "bigint"},
    {"outbound_count", "bigint"},
    {"inbound_count", "bigint"},
    {"follow_up_count", "bigint"},
    {"follow_ups_before_reply", "bigint"},
    {"last_activity_time", "bigint"},
};

constexpr Column kContactColumns[] = {
    {"member_id", "text"},
    {"contact_id", "text"},
    {"seniority", "bigint"},
    {"category", "bigint"},
    {"industry", "text"},
    {"region", "text"},
    {"first_time", "bigint"},
    {"last_outbound_time", "bigint"},
    {"last_inbound_time", "bigint"},
    {"connection_requested_time", "bigint"},
    {"connection_accepted_time", "bigint"},
    {"met_at_event_time", "bigint"},
    {"followed_up_after_event_time", "bigint"},
    {"outbound_count", "bigint"},
    {"inbound_count", "bigint"},
    {"meetings_booked", "bigint"},
    {"last_activity_time", "bigint"},
};

// Which of a member's events feed the state: the thread's, or the contact's.
struct StateKind {
  const char* table;
  const char* key;  // thread_id or contact_id.
  absl::Span<const Column> columns;
  bool (*feeds)(model::EventType);
};

const StateKind kThreads{"threads", "thread_id", kThreadColumns,
                         &model::IsThreadEvent};
const StateKind kContacts{"contacts", "contact_id", kContactColumns,
                          &model::IsContactEvent};

// $1 tenant, $2 member ids, $3 keys: the remaining events of each listed
// state, through the partial index on (tenant, member_id, key).
std::string LoadSql(const StateKind& kind) {
  return absl::StrCat(
      "SELECT e.event_id, e.member_id, e.occur_time, e.type, e.channel, "
      "e.contact_id, e.seniority, e.contact_industry, e.contact_region, "
      "e.contact_category, e.thread_id, e.content_id, e.quantity "
      "FROM unnest($2::text[], $3::text[]) AS u(member_id, key) "
      "JOIN events AS e ON e.tenant = $1 AND e.member_id = u.member_id "
      "AND e.",
      kind.key, " = u.key AND e.", kind.key, " <> ''");
}

// $1 tenant, then one array per column: inserts or replaces the rows.
std::string PutSql(const StateKind& kind) {
  std::string names, arrays, updates;
  int param = 2;
  for (const Column& column : kind.columns) {
    absl::StrAppend(&names, ", ", column.name);
    absl::StrAppend(&arrays, param == 2 ? "" : ", ", "$", param,
                    "::", column.type, "[]");
    if (param > 3) {
      absl::StrAppend(&updates, param == 4 ? "" : ", ", column.name,
                      " = excluded.", column.name);
    }
    ++param;
  }
  return absl::StrCat("INSERT INTO ", kind.table, " (tenant", names,
                      ") SELECT $1::text, * FROM unnest(", arrays,
                      ") ON CONFLICT (tenant, member_id, ", kind.key,
                      ") DO UPDATE SET ", updates);
}

// $1 tenant, $2 member ids, $3 keys.
std::string DeleteSql(const StateKind& kind) {
  return absl::StrCat("DELETE FROM ", kind.table,
                      " AS s USING unnest($2::text[], $3::text[]) AS "
                      "u(member_id, key) WHERE s.tenant = $1 AND "
                      "s.member_id = u.member_id AND s.",
                      kind.key, " = u.key");
}

model::Event ReadEvent(const Result& rows, int row) {
  model::Event e;
  int c = 0;
  e.event_id = rows.String(row, c++);
  e.member_id = rows.String(row, c++);
  e.occur_time = rows.Time(row, c++);
  e.type = static_cast<model::EventType>(rows.Int(row, c++));
  e.channel = static_cast<model::Channel>(rows.Int(row, c++));
  e.contact.contact_id = rows.String(row, c++);
  e.contact.seniority = static_cast<model::Seniority>(rows.Int(row, c++));
  e.contact.industry = rows.String(row, c++);
  e.contact.region = rows.String(row, c++);
  e.contact.category = static_cast<model::NetworkCategory>(rows.Int(row, c++));
  e.thread_id = rows.String(row, c++);
  e.content_id = rows.String(row, c++);
  e.quantity = static_cast<int>(rows.Int(row, c++));
  return e;
}

// Columns of text array elements, NULL for nullopt, added to Params as
// array literals.
class Columns {
 public:
  explicit Columns(size_t count) : columns_(count) {}

  void Set(size_t column, std::optional<std::string> value) {
    columns_[column].push_back(std::move(value));
  }
  void SetInt(size_t column, int64_t value) {
    Set(column, absl::StrCat(value));
  }
  void SetTime(size_t column, std::optional<absl::Time> time) {
    if (!time.has_value()) return Set(column, std::nullopt);
    SetInt(column, absl::ToUnixMicros(*time));
  }

  void AddTo(Params& params) const {
    for (const auto& column : columns_) {
      std::string array = "{";
      for (size_t i = 0; i < column.size(); ++i) {
        if (i > 0) array += ',';
        if (!column[i].has_value()) {
          array += "NULL";
          continue;
        }
        array += '"';
        for (char c : *column[i]) {
          if (c == '"' || c == '\\') array += '\\';
          array += c;
        }
        array += '"';
      }
      array += '}';
      params.Add(array);
    }
  }

 private:
  std::vector<std::vector<std::optional<std::string>>> columns_;
};

void PutThreadColumns(const std::string& member_id,
                      absl::Span<const model::Event> events, absl::Time last,
                      Columns& out) {
  const model::ThreadState s = internal::DeriveThreadState(events);
  size_t c = 0;
  out.Set(c++, member_id);
  out.Set(c++, s.thread_id);
  out.Set(c++, s.contact_id);
  out.SetInt(c++, static_cast<int64_t>(s.channel));
  out.SetInt(c++, static_cast<int64_t>(s.seniority));
  out.SetInt(c++, static_cast<int64_t>(s.category));
  for (const std::optional<absl::Time>* t :
       {&s.first_outbound_time, &s.last_outbound_time, &s.first_inbound_time,
        &s.last_inbound_time, &s.first_reply_time, &s.first_answer_time}) {
    out.SetTime(c++, *t);
  }
  for (int count : {s.outbound_count, s.inbound_count, s.follow_up_count,
                    s.follow_ups_before_reply}) {
    out.SetInt(c++, count);
  }
  out.SetTime(c++, last);
}

void PutContactColumns(const std::string& member_id,
                       absl::Span<const model::Event> events, absl::Time last,
                       Columns& out) {
  const model::ContactState s = internal::DeriveContactState(events);
  size_t c = 0;
  out.Set(c++, member_id);
  out.Set(c++, s.contact_id);
  out.SetInt(c++, static_cast<int64_t>(s.seniority));
  out.SetInt(c++, static_cast<int64_t>(s.category));
  out.Set(c++, s.industry);
  out.Set(c++, s.region);
  out.SetTime(c++, s.first_time);
  for (const std::optional<absl::Time>* t :
       {&s.last_outbound_time, &s.last_inbound_time,
        &s.connection_requested_time, &s.connection_accepted_time,
        &s.met_at_event_time, &s.followed_up_after_event_time}) {
    out.SetTime(c++, *t);
  }
  for (int64_t count : {s.outbound_count, s.inbound_count, s.meetings_booked}) {
    out.SetInt(c++, count);
  }
  out.SetTime(c++, last);
}

using PutColumns = void (*)(const std::string&, absl::Span<const model::Event>,
                            absl::Time, Columns&);

absl::StatusOr<RederivedStates> Rederive(Connection& conn,
                                         const TenantId& tenant,
                                         const std::set<MemberKey>& keys,
                                         const StateKind& kind,
                                         PutColumns put) {
  RederivedStates done;
  if (keys.empty()) return done;
  std::vector<std::string> members, ids;
  for (const auto& [member_id, id] : keys) {
    members.push_back(member_id);
    ids.push_back(id);
  }
  static const auto* const load_sql =
      new std::map<const StateKind*, std::string>{
          {&kThreads, LoadSql(kThreads)}, {&kContacts, LoadSql(kContacts)}};
  RAPPORT_ASSIGN_OR_RETURN(
      Result rows,
      conn.Exec(load_sql->at(&kind),
                Params().Add(tenant).AddTextArray(members).AddTextArray(ids)));
  std::map<MemberKey, std::vector<model::Event>> remaining;
  for (int i = 0; i < rows.rows(); ++i) {
    model::Event event = ReadEvent(rows, i);
    MemberKey key(event.member_id, kind.feeds == &model::IsThreadEvent
                                       ? event.thread_id
                                       : event.contact.contact_id);
    remaining[std::move(key)].push_back(std::move(event));
  }
  Columns rewritten(kind.columns.size());
  std::vector<std::string> gone_members, gone_ids;
  for (const MemberKey& key : keys) {
    auto it = remaining.find(key);
    std::optional<absl::Time> last;
    if (it != remaining.end()) {
      std::vector<model::Event>& events = it->second;
      // The order the derivation expects: (occur_time, event_id), bytewise.
      std::sort(events.begin(), events.end(),
                [](const model::Event& a, const model::Event& b) {
                  const int64_t ta = absl::ToUnixMicros(a.occur_time);
                  const int64_t tb = absl::ToUnixMicros(b.occur_time);
                  return ta != tb ? ta < tb : a.event_id < b.event_id;
                });
      for (auto e = events.rbegin(); e != events.rend(); ++e) {
        if (kind.feeds(e->type)) {
          last = e->occur_time;
          break;
        }
      }
    }
    if (last.has_value()) {
      put(key.first, it->second, *last, rewritten);
      ++done.rederived;
    } else {
      gone_members.push_back(key.first);
      gone_ids.push_back(key.second);
    }
  }
  if (done.rederived > 0) {
    static const auto* const put_sql =
        new std::map<const StateKind*, std::string>{
            {&kThreads, PutSql(kThreads)}, {&kContacts, PutSql(kContacts)}};
    Params params;
    params.Add(tenant);
    rewritten.AddTo(params);
    RAPPORT_RETURN_IF_ERROR(conn.Exec(put_sql->at(&kind), params).status());
  }
  if (!gone_members.empty()) {
    static const auto* const delete_sql =
        new std::map<const StateKind*, std::string>{
            {&kThreads, DeleteSql(kThreads)},
            {&kContacts, DeleteSql(kContacts)}};
    RAPPORT_ASSIGN_OR_RETURN(
        Result deleted,
        conn.Exec(delete_sql->at(&kind), Params()
                                             .Add(tenant)
                                             .AddTextArray(gone_members)
                                             .AddTextArray(gone_ids)));
    done.deleted = deleted.affected();
  }
  return done;
}

}  // namespace

absl::StatusOr<RederivedStates> RederiveThreads(
    Connection& conn, const TenantId& tenant,
    const std::set<MemberKey>& threads) {
  return Rederive(conn, tenant, threads, kThreads, &PutThreadColumns);
}

absl::StatusOr<RederivedStates> RederiveContacts(
    Connection& conn, const TenantId& tenant,
    const std::set<MemberKey>& contacts) {
  return Rederive(conn, tenant, contacts, kContacts, &PutContactColumns);
}

}  // namespace rapport::store::pg
