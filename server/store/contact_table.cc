#include "server/store/contact_table.h"

#include <array>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/event_table.h"

namespace rapport::store::internal {
namespace {

// The columns ReadContact expects and BindContact writes, in order.
constexpr char kContactColumns[] =
    "contact_id, seniority, category, industry, region, first_time, "
    "last_outbound_time, last_inbound_time, connection_requested_time, "
    "connection_accepted_time, met_at_event_time, "
    "followed_up_after_event_time, outbound_count, inbound_count, "
    "meetings_booked, last_activity_time";

const std::string& PutContactSql() {
  static const auto* sql = new std::string(absl::StrCat(
      "INSERT OR REPLACE INTO contacts (tenant, member_id, ", kContactColumns,
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
      "?15, ?16, ?17, ?18)"));
  return *sql;
}

const std::string& SelectContactSql() {
  static const auto* sql = new std::string(
      absl::StrCat("SELECT ", kContactColumns,
                   " FROM contacts WHERE tenant = ?1 AND member_id = ?2"
                   " AND contact_id = ?3"));
  return *sql;
}

// Parameters: ?1 tenant, ?2 member_id, ?3 from, ?4 to. As for threads, the
// window's distinct contact ids drive the join.
const std::string& ContactsActiveInSql() {
  static const auto* sql = new std::string(absl::StrCat(
      "SELECT ", kContactColumns,
      " FROM (SELECT DISTINCT contact_id AS active FROM events"
      " WHERE tenant = ?1 AND member_id = ?2 AND occur_time BETWEEN ?3 AND ?4"
      " AND type IN (",
      EventTypeList(&model::IsContactEvent),
      ")) CROSS JOIN contacts"
      " WHERE contacts.tenant = ?1 AND contacts.member_id = ?2"
      " AND contacts.contact_id = active ORDER BY contact_id"));
  return *sql;
}

// The optional times of a contact, in column order.
template <typename State>
auto OptionalTimes(State& s) {
  return std::array{
      &s.last_outbound_time,        &s.last_inbound_time,
      &s.connection_requested_time, &s.connection_accepted_time,
      &s.met_at_event_time,         &s.followed_up_after_event_time};
}

void BindContact(Statement& stmt, int first, const StoredContact& contact) {
  const model::ContactState& s = contact.state;
  int i = first;
  stmt.BindTextRef(i++, s.contact_id);
  stmt.BindInt64(i++, static_cast<int64_t>(s.seniority));
  stmt.BindInt64(i++, static_cast<int64_t>(s.category));
  stmt.BindTextRef(i++, s.industry);
  stmt.BindTextRef(i++, s.region);
  stmt.BindTime(i++, s.first_time);
  for (const std::optional<absl::Time>* t : OptionalTimes(s)) {
    stmt.BindOptionalTime(i++, *t);
  }
  for (int64_t count : {s.outbound_count, s.inbound_count, s.meetings_booked}) {
    stmt.BindInt64(i++, count);
  }
  stmt.BindTime(i++, contact.last_activity_time);
}

StoredContact ReadContact(const Statement& row) {
  StoredContact contact;
  model::ContactState& s = contact.state;
  int c = 0;
  s.contact_id = row.ColumnText(c++);
  s.seniority = static_cast<model::Seniority>(row.ColumnInt64(c++));
  s.category = static_cast<model::NetworkCategory>(row.ColumnInt64(c++));
  s.industry = row.ColumnText(c++);
  s.region = row.ColumnText(c++);
  s.first_time = row.ColumnTime(c++);
  for (std::optional<absl::Time>* t : OptionalTimes(s)) {
    *t = row.ColumnOptionalTime(c++);
  }
  for (int64_t* count :
       {&s.outbound_count, &s.inbound_count, &s.meetings_booked}) {
    *count = row.ColumnInt64(c++);
  }
  contact.last_activity_time = row.ColumnTime(c++);
  return contact;
}

}  // namespace

absl::Status PutContact(Connection& conn, const TenantId& tenant,
                        const std::string& member_id,
                        const StoredContact& contact) {
  RAPPORT_ASSIGN_OR_RETURN(Statement put, conn.Prepare(PutContactSql()));
  put.BindTextRef(1, tenant);
  put.BindTextRef(2, member_id);
  BindContact(put, 3, contact);
  return put.Run();
}

absl::StatusOr<std::optional<StoredContact>> ReadContact(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& contact_id) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select, conn.Prepare(SelectContactSql()));
  select.BindTextRef(1, tenant);
  select.BindTextRef(2, member_id);
  select.BindTextRef(3, contact_id);
  RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<StoredContact>();
  return std::optional<StoredContact>(ReadContact(select));
}

absl::StatusOr<std::vector<StoredContact>> ReadContactsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  RAPPORT_ASSIGN_OR_RETURN(Statement select,
                           conn.Prepare(ContactsActiveInSql()));
  select.BindText(1, tenant);
  select.BindText(2, member_id);
  select.BindTime(3, from);
  select.BindTime(4, to);
  std::vector<StoredContact> contacts;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    contacts.push_back(ReadContact(select));
  }
  return contacts;
}

absl::Status DeleteContacts(Connection& conn, const TenantId& tenant,
                            const std::string& member_id) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement del,
      conn.Prepare(
          "DELETE FROM contacts WHERE tenant = ?1 AND member_id = ?2"));
  del.BindText(1, tenant);
  del.BindText(2, member_id);
  return del.Run();
}

}  // namespace rapport::store::internal
