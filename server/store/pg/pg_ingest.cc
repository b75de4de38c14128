#include "server/store/pg/pg_ingest.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "server/common/status_macros.h"
#include "server/store/activity_state.h"
#include "server/store/batch_effects.h"
#include "server/store/daily_count_table.h"
#include "server/store/event_table.h"
#include "server/store/pg/pg_activity_rows.h"

namespace rapport::store::pg {
namespace {

using internal::BatchEffects;
using internal::DailyBucket;
using internal::SortAsStored;
using internal::StoredContact;
using internal::StoredThread;

// Who may have events stored: the batch's existing members (their rows now
// locked), why the others are refused, and when contacts were erased.
struct People {
  absl::flat_hash_set<std::string> existing;
  absl::flat_hash_set<std::string> erased_members;
  absl::flat_hash_map<std::string, absl::Time> erased_contacts;
};

absl::StatusOr<People> LookUpPeople(Connection& conn, const TenantId& tenant,
                                    absl::Span<const model::Event> events) {
  std::set<std::string> member_ids;
  std::set<std::string> contact_ids;
  for (const model::Event& e : events) {
    member_ids.insert(e.member_id);
    if (!e.contact.contact_id.empty()) contact_ids.insert(e.contact.contact_id);
  }
  People people;
  const std::vector<std::string> members(member_ids.begin(), member_ids.end());
  RAPPORT_ASSIGN_OR_RETURN(
      Result locked, conn.Exec("SELECT member_id FROM members WHERE tenant = $1"
                               " AND member_id = ANY($2::text[])"
                               " ORDER BY member_id COLLATE \"C\" FOR UPDATE",
                               Params().Add(tenant).AddTextArray(members)));
  for (int i = 0; i < locked.rows(); ++i) {
    people.existing.insert(locked.String(i, 0));
  }
  // Digest -> (kind, id) of every person whose erasure matters.
  std::map<std::string, std::pair<ErasureKind, std::string>> digests;
  for (const std::string& id : members) {
    if (people.existing.contains(id)) continue;
    digests[ErasureDigest(tenant, ErasureKind::kMember, id)] = {
        ErasureKind::kMember, id};
  }
  for (const std::string& id : contact_ids) {
    digests[ErasureDigest(tenant, ErasureKind::kContact, id)] = {
        ErasureKind::kContact, id};
  }
  if (digests.empty()) return people;
  std::vector<std::string> keys;
  keys.reserve(digests.size());
  for (const auto& [digest, person] : digests) keys.push_back(digest);
  RAPPORT_ASSIGN_OR_RETURN(
      Result erased,
      conn.Exec("SELECT kind, digest, erase_time FROM erasures"
                " WHERE tenant = $1 AND digest = ANY($2::text[])",
                Params().Add(tenant).AddTextArray(keys)));
  for (int i = 0; i < erased.rows(); ++i) {
    auto it = digests.find(erased.String(i, 1));
    if (it == digests.end() ||
        static_cast<int64_t>(it->second.first) != erased.Int(i, 0)) {
      continue;
    }
    if (it->second.first == ErasureKind::kMember) {
      people.erased_members.insert(it->second.second);
    } else {
      people.erased_contacts[it->second.second] = erased.Time(i, 2);
    }
  }
  return people;
}

// kAccepted when the event may be stored as far as its people go.
AppendOutcome CheckPeople(const People& people, const model::Event& event) {
  if (!people.existing.contains(event.member_id)) {
    return people.erased_members.contains(event.member_id)
               ? AppendOutcome::kErasedMember
               : AppendOutcome::kUnknownMember;
  }
  if (event.contact.contact_id.empty()) return AppendOutcome::kAccepted;
  auto erased = people.erased_contacts.find(event.contact.contact_id);
  if (erased != people.erased_contacts.end() &&
      event.occur_time <= erased->second) {
    return AppendOutcome::kErasedContact;
  }
  return AppendOutcome::kAccepted;
}

// Classifies the events and stores the new ones. An event_id's first
// allowed occurrence is offered for insertion; it is accepted when
// inserted. Every other allowed occurrence, and a first one that was not
// inserted, is a duplicate or a conflict of what is stored for its id.
absl::StatusOr<std::vector<AppendOutcome>> StoreEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event> events, const People& people,
    BatchEffects& effects) {
  constexpr AppendOutcome kPending = AppendOutcome::kDuplicate;
  std::vector<AppendOutcome> outcomes(events.size());
  absl::flat_hash_map<std::string, size_t> first_of;  // event_id -> index
  std::vector<const model::Event*> offered;
  for (size_t i = 0; i < events.size(); ++i) {
    outcomes[i] = CheckPeople(people, events[i]);
    if (outcomes[i] != AppendOutcome::kAccepted) continue;
    if (first_of.emplace(events[i].event_id, i).second) {
      offered.push_back(&events[i]);
    } else {
      outcomes[i] = kPending;
    }
  }
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::string> inserted,
                           InsertNewEvents(conn, tenant, offered));
  const absl::flat_hash_set<std::string> new_ids(inserted.begin(),
                                                 inserted.end());
  std::vector<std::string> known_ids;
  for (const model::Event* e : offered) {
    if (!new_ids.contains(e->event_id)) known_ids.push_back(e->event_id);
  }
  RAPPORT_ASSIGN_OR_RETURN(auto stored, FindEvents(conn, tenant, known_ids));
  for (size_t i = 0; i < events.size(); ++i) {
    if (outcomes[i] != AppendOutcome::kAccepted && outcomes[i] != kPending) {
      continue;
    }
    const model::Event& event = events[i];
    const size_t first = first_of.at(event.event_id);
    const bool is_new = new_ids.contains(event.event_id);
    if (first == i && is_new) {
      effects.Add(event);
      outcomes[i] = AppendOutcome::kAccepted;
      continue;
    }
    const model::Event* kept = nullptr;
    if (is_new) {
      kept = &events[first];
    } else if (auto it = stored.find(event.event_id); it != stored.end()) {
      kept = &it->second;
    }
    outcomes[i] = kept != nullptr && internal::SamePayload(*kept, event)
                      ? AppendOutcome::kDuplicate
                      : AppendOutcome::kConflict;
  }
  return outcomes;
}

absl::Status AddDailyCounts(Connection& conn, const TenantId& tenant,
                            const BatchEffects& effects) {
  if (effects.buckets.empty()) return absl::OkStatus();
  std::vector<std::string> members;
  std::vector<int64_t> days, types, channels, seniorities, counts;
  for (const auto& [bucket, quantity] : effects.buckets) {
    members.push_back(bucket.member_id);
    days.push_back(bucket.day);
    types.push_back(static_cast<int64_t>(bucket.type));
    channels.push_back(static_cast<int64_t>(bucket.channel));
    seniorities.push_back(static_cast<int64_t>(bucket.seniority));
    counts.push_back(quantity);
  }
  return conn
      .Exec(
          "INSERT INTO daily_counts (tenant, member_id, day, type, channel, "
          "seniority, count) SELECT $1::text, * FROM unnest($2::text[], "
          "$3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], "
          "$7::bigint[]) ON CONFLICT (tenant, member_id, day, type, channel, "
          "seniority) DO UPDATE SET count = daily_counts.count + "
          "excluded.count",
          Params()
              .Add(tenant)
              .AddTextArray(members)
              .AddIntArray(days)
              .AddIntArray(types)
              .AddIntArray(channels)
              .AddIntArray(seniorities)
              .AddIntArray(counts))
      .status();
}

absl::Status AddMemberEvents(Connection& conn, const TenantId& tenant,
                             const BatchEffects& effects) {
  std::vector<std::string> members;
  std::vector<int64_t> counts, latest;
  for (const auto& [member_id, delta] : effects.members) {
    members.push_back(member_id);
    counts.push_back(delta.events);
    latest.push_back(absl::ToUnixMicros(delta.latest));
  }
  return conn
      .Exec(
          "UPDATE members AS m SET event_count = m.event_count + d.n, "
          "last_event_time = GREATEST(COALESCE(m.last_event_time, d.latest), "
          "d.latest) FROM unnest($2::text[], $3::bigint[], $4::bigint[]) "
          "AS d (member_id, n, latest) "
          "WHERE m.tenant = $1 AND m.member_id = d.member_id",
          Params()
              .Add(tenant)
              .AddTextArray(members)
              .AddIntArray(counts)
              .AddIntArray(latest))
      .status();
}

// The recorded score history of each member with accepted events is stale
// from the day of their earliest one; one new version for the whole batch.
// The tenant's history_state row stays locked until commit: taken last.
absl::Status MarkHistoriesStale(Connection& conn, const TenantId& tenant,
                                const BatchEffects& effects) {
  RAPPORT_ASSIGN_OR_RETURN(
      Result version,
      conn.Exec("INSERT INTO history_state (tenant, work_version) "
                "VALUES ($1, 1) ON CONFLICT (tenant) DO UPDATE SET "
                "work_version = history_state.work_version + 1 "
                "RETURNING work_version",
                Params().Add(tenant)));
  std::vector<std::string> members;
  std::vector<int64_t> days;
  for (const auto& [member_id, delta] : effects.members) {
    members.push_back(member_id);
    days.push_back(internal::DayNumber(delta.earliest));
  }
  return conn
      .Exec(
          "INSERT INTO history_work (tenant, member_id, from_day, version) "
          "SELECT $1::text, m, d, $4::bigint FROM unnest($2::text[], "
          "$3::bigint[]) AS u (m, d) ON CONFLICT (tenant, member_id) DO "
          "UPDATE SET from_day = LEAST(history_work.from_day, "
          "excluded.from_day), version = excluded.version",
          Params().Add(tenant).AddTextArray(members).AddIntArray(days).Add(
              version.Int(0, 0)))
      .status();
}

// The occur_time of the last of `events` (sorted) whose type matches `pred`.
std::optional<absl::Time> LastTimeOf(absl::Span<const model::Event> events,
                                     bool (*pred)(model::EventType)) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (pred(it->type)) return it->occur_time;
  }
  return std::nullopt;
}

// What UpdateTouched needs of threads, or of contacts.
struct ThreadRows {
  using Stored = internal::StoredThread;
  static constexpr KeyKind kKind = KeyKind::kThread;
  static constexpr bool (*kRelevant)(model::EventType) = &model::IsThreadEvent;
  static auto Read(Connection& conn, const TenantId& tenant,
                   absl::Span<const MemberKey> keys) {
    return ReadThreads(conn, tenant, keys);
  }
  static void Fold(absl::Span<const model::Event* const> later,
                   bool has_earlier, Stored& stored) {
    internal::FoldThreadEvents(later, has_earlier, stored.state);
  }
  static auto Derive(absl::Span<const model::Event> events) {
    return internal::DeriveThreadState(events);
  }
  static absl::Status Put(
      Connection& conn, const TenantId& tenant,
      const std::vector<std::pair<std::string, Stored>>& rows) {
    return PutThreads(conn, tenant, rows);
  }
};

struct ContactRows {
  using Stored = internal::StoredContact;
  static constexpr KeyKind kKind = KeyKind::kContact;
  static constexpr bool (*kRelevant)(model::EventType) = &model::IsContactEvent;
  static auto Read(Connection& conn, const TenantId& tenant,
                   absl::Span<const MemberKey> keys) {
    return ReadContacts(conn, tenant, keys);
  }
  static void Fold(absl::Span<const model::Event* const> later,
                   bool has_earlier, Stored& stored) {
    internal::FoldContactEvents(later, has_earlier, stored.state);
  }
  static auto Derive(absl::Span<const model::Event> events) {
    return internal::DeriveContactState(events);
  }
  static absl::Status Put(
      Connection& conn, const TenantId& tenant,
      const std::vector<std::pair<std::string, Stored>>& rows) {
    return PutContacts(conn, tenant, rows);
  }
};

// Stores each touched thread (contact) with the batch's events in it: folded
// into the stored state when they all come after its last event (or it is
// new), otherwise derived again from all its events (as the SQLite store's
// UpdateThread does).
template <typename Rows>
absl::Status UpdateTouched(
    Connection& conn, const TenantId& tenant,
    std::map<MemberKey, std::vector<const model::Event*>>& touched) {
  if (touched.empty()) return absl::OkStatus();
  std::vector<MemberKey> keys;
  for (const auto& [key, added] : touched) keys.push_back(key);
  RAPPORT_ASSIGN_OR_RETURN(auto stored, Rows::Read(conn, tenant, keys));
  std::vector<MemberKey> recompute;
  std::vector<std::pair<std::string, typename Rows::Stored>> rows;
  for (auto& [key, added] : touched) {
    SortAsStored(added);
    auto it = stored.find(key);
    if (it != stored.end() &&
        added.front()->occur_time <= it->second.last_activity_time) {
      recompute.push_back(key);
      continue;
    }
    typename Rows::Stored row;
    const bool has_earlier = it != stored.end();
    if (has_earlier) row = std::move(it->second);
    Rows::Fold(added, has_earlier, row);
    row.last_activity_time = added.back()->occur_time;
    rows.emplace_back(key.first, std::move(row));
  }
  RAPPORT_ASSIGN_OR_RETURN(auto events,
                           LoadKeyEvents(conn, tenant, Rows::kKind, recompute,
                                         absl::InfiniteFuture()));
  for (auto& [key, key_events] : events) {
    std::optional<absl::Time> last = LastTimeOf(key_events, Rows::kRelevant);
    if (!last.has_value()) continue;  // Cannot happen: it has new events.
    rows.emplace_back(key.first,
                      typename Rows::Stored{Rows::Derive(key_events), *last});
  }
  return Rows::Put(conn, tenant, rows);
}

}  // namespace

absl::StatusOr<IngestResult> IngestEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event> events) {
  IngestResult result;
  if (events.empty()) return result;
  RAPPORT_ASSIGN_OR_RETURN(People people, LookUpPeople(conn, tenant, events));
  BatchEffects effects;
  RAPPORT_ASSIGN_OR_RETURN(result.outcomes,
                           StoreEvents(conn, tenant, events, people, effects));
  if (effects.members.empty()) return result;
  RAPPORT_RETURN_IF_ERROR(AddDailyCounts(conn, tenant, effects));
  RAPPORT_RETURN_IF_ERROR(AddMemberEvents(conn, tenant, effects));
  RAPPORT_RETURN_IF_ERROR(
      UpdateTouched<ThreadRows>(conn, tenant, effects.threads));
  RAPPORT_RETURN_IF_ERROR(
      UpdateTouched<ContactRows>(conn, tenant, effects.contacts));
  RAPPORT_RETURN_IF_ERROR(MarkHistoriesStale(conn, tenant, effects));
  for (const auto& [member_id, delta] : effects.members) {
    result.members.push_back(member_id);
  }
  return result;
}

}  // namespace rapport::store::pg
