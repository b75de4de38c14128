#include "server/store/thread_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/event_table.h"

namespace rapport::store::internal {
namespace {

// The columns ReadThread expects and BindThread writes, in order.
constexpr char kThreadColumns[] =
    "thread_id, contact_id, channel, seniority, category, "
    "first_outbound_time, last_outbound_time, first_inbound_time, "
    "last_inbound_time, first_reply_time, first_answer_time, outbound_count, "
    "inbound_count, follow_up_count, follow_ups_before_reply, "
    "last_activity_time";

const std::string& PutThreadSql() {
  static const auto* sql = new std::string(absl::StrCat(
      "INSERT OR REPLACE INTO threads (tenant, member_id, ", kThreadColumns,
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
      "?15, ?16, ?17, ?18)"));
  return *sql;
}

// Parameters: ?1 tenant, ?2 member_id, ?3 from, ?4 to. The window's distinct
// thread ids drive the join (CROSS JOIN fixes that order), so the cost is the
// window's, not the member's history.
const std::string& ThreadsActiveInSql() {
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT ", kThreadColumns,
      " FROM (SELECT DISTINCT thread_id AS active FROM events"
      " WHERE tenant = ?1 AND member_id = ?2 AND occur_time BETWEEN ?3 AND ?4"
      " AND type IN (",
      EventTypeList(&model::IsThreadEvent),
      ")) CROSS JOIN threads"
      " WHERE threads.tenant = ?1 AND threads.member_id = ?2"
      " AND threads.thread_id = active ORDER BY thread_id"));
  return *sql;
}

const std::string& SelectThreadSql() {
  static const auto* sql = new std::string(
      absl::StrCat("SELECT ", kThreadColumns,
                   " FROM threads WHERE tenant = ?1 AND member_id = ?2"
                   " AND thread_id = ?3"));
  return *sql;
}

void BindThread(Statement& stmt, int first, const StoredThread& thread) {
  const model::ThreadState& s = thread.state;
  int i = first;
  stmt.BindTextRef(i++, s.thread_id);
  stmt.BindTextRef(i++, s.contact_id);
  stmt.BindInt64(i++, static_cast<int64_t>(s.channel));
  stmt.BindInt64(i++, static_cast<int64_t>(s.seniority));
  stmt.BindInt64(i++, static_cast<int64_t>(s.category));
  for (const std::optional<absl::Time>* t :
       {&s.first_outbound_time, &s.last_outbound_time, &s.first_inbound_time,
        &s.last_inbound_time, &s.first_reply_time, &s.first_answer_time}) {
    stmt.BindOptionalTime(i++, *t);
  }
  for (int count : {s.outbound_count, s.inbound_count, s.follow_up_count,
                    s.follow_ups_before_reply}) {
    stmt.BindInt64(i++, count);
  }
  stmt.BindTime(i++, thread.last_activity_time);
}

StoredThread ReadThread(const Statement& row) {
  StoredThread thread;
  model::ThreadState& s = thread.state;
  int c = 0;
  s.thread_id = row.ColumnText(c++);
  s.contact_id = row.ColumnText(c++);
  s.channel = static_cast<model::Channel>(row.ColumnInt64(c++));
  s.seniority = static_cast<model::Seniority>(row.ColumnInt64(c++));
  s.category = static_cast<model::NetworkCategory>(row.ColumnInt64(c++));
  for (std::optional<absl::Time>* t :
       {&s.first_outbound_time, &s.last_outbound_time, &s.first_inbound_time,
        &s.last_inbound_time, &s.first_reply_time, &s.first_answer_time}) {
    *t = row.ColumnOptionalTime(c++);
  }
  for (int* count : {&s.outbound_count, &s.inbound_count, &s.follow_up_count,
                     &s.follow_ups_before_reply}) {
    *count = static_cast<int>(row.ColumnInt64(c++));
  }
  thread.last_activity_time = row.ColumnTime(c++);
  return thread;
}

}  // namespace

absl::Status PutThread(Connection& conn, const TenantId& tenant,
                       const std::string& member_id,
                       const StoredThread& thread) {
  RAPPORT_ASSIGN_OR_RETURN(Statement put, conn.Prepare(PutThreadSql()));
  put.BindTextRef(1, tenant);
  put.BindTextRef(2, member_id);
  BindThread(put, 3, thread);
  return put.Run();
}

absl::StatusOr<std::optional<StoredThread>> ReadThread(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& thread_id) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(SelectThreadSql()));
  select.BindTextRef(1, tenant);
  select.BindTextRef(2, member_id);
  select.BindTextRef(3, thread_id);
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<StoredThread>();
  return std::optional<StoredThread>(ReadThread(select));
}

absl::StatusOr<std::vector<StoredThread>> ReadThreadsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select,
                           conn.Prepare(ThreadsActiveInSql()));
  select.BindText(1, tenant);
  select.BindText(2, member_id);
  select.BindTime(3, from);
  select.BindTime(4, to);
  std::vector<StoredThread> threads;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    threads.push_back(ReadThread(select));
  }
  return threads;
}

absl::Status DeleteThreads(Connection& conn, const TenantId& tenant,
                           const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare("DELETE FROM threads WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  return del.Run();
}

}  // namespace rapport::store::internal
