// The rows of events, threads and contacts as the PostgreSQL store reads
// and writes them: column lists, row readers, and whole-batch statements
// (unnest arrays) for the ingest and activity reads. Run inside the
// caller's transaction; errors map as PgError does.
#ifndef RAPPORT_SERVER_STORE_PG_PG_ACTIVITY_ROWS_H_
#define RAPPORT_SERVER_STORE_PG_PG_ACTIVITY_ROWS_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/model/event.h"
#include "server/store/contact_table.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/store.h"
#include "server/store/thread_table.h"

namespace rapport::store::pg {

// (member_id, thread_id) or (member_id, contact_id).
using MemberKey = std::pair<std::string, std::string>;

// A text[] literal of nullable bigints ("{1,NULL}"), for Params::Add.
std::string NullableIntArray(absl::Span<const std::optional<int64_t>> values);

// The stored events with these ids, by id.
absl::StatusOr<std::map<std::string, model::Event>> FindEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const std::string> event_ids);

// Stores the events that are new; returns the ids of those inserted.
// Event ids must be distinct.
absl::StatusOr<std::vector<std::string>> InsertNewEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event* const> events);

// Of each key, the member's events of that thread (or with that contact)
// with occur_time <= up_to, ordered by (occur_time, event_id) in byte
// order. Keys with an empty thread (contact) id read nothing.
enum class KeyKind { kThread, kContact };
absl::StatusOr<std::map<MemberKey, std::vector<model::Event>>> LoadKeyEvents(
    Connection& conn, const TenantId& tenant, KeyKind kind,
    absl::Span<const MemberKey> keys, absl::Time up_to);

// The stored threads (contacts) of these keys.
absl::StatusOr<std::map<MemberKey, internal::StoredThread>> ReadThreads(
    Connection& conn, const TenantId& tenant, absl::Span<const MemberKey> keys);
absl::StatusOr<std::map<MemberKey, internal::StoredContact>> ReadContacts(
    Connection& conn, const TenantId& tenant, absl::Span<const MemberKey> keys);

// Inserts or replaces these threads (contacts), keyed by member and the
// state's id, in one statement.
absl::Status PutThreads(
    Connection& conn, const TenantId& tenant,
    const std::vector<std::pair<std::string, internal::StoredThread>>& rows);
absl::Status PutContacts(
    Connection& conn, const TenantId& tenant,
    const std::vector<std::pair<std::string, internal::StoredContact>>& rows);

// The member's threads (contacts) with a relevant event in [from, to],
// ordered by id in byte order, as stored.
absl::StatusOr<std::vector<internal::StoredThread>> ReadThreadsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to);
absl::StatusOr<std::vector<internal::StoredContact>> ReadContactsActiveIn(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_ACTIVITY_ROWS_H_
