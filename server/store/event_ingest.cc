#include "server/store/event_ingest.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "server/common/status_macros.h"
#include "server/store/audit_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/event_table.h"
#include "server/store/history_state_table.h"
#include "server/store/history_work_table.h"
#include "server/store/member_table.h"
#include "server/store/state_recompute.h"

namespace rapport::store::internal {
namespace {

using MemberKey =
    std::pair<std::string, std::string>;  // member, thread/contact

// What a batch changed, applied once per member/thread/contact at the end.
struct BatchEffects {
  struct MemberDelta {
    int64_t events = 0;
    absl::Time earliest = absl::InfiniteFuture();
    absl::Time latest = absl::InfinitePast();
  };
  std::map<std::string, MemberDelta> members;
  std::set<MemberKey> threads;
  std::set<MemberKey> contacts;

  void Add(const model::Event& e) {
    MemberDelta& delta = members[e.member_id];
    ++delta.events;
    delta.earliest = std::min(delta.earliest, e.occur_time);
    delta.latest = std::max(delta.latest, e.occur_time);
    if (model::IsThreadEvent(e.type) && !e.thread_id.empty()) {
      threads.emplace(e.member_id, e.thread_id);
    }
    if (model::IsContactEvent(e.type) && !e.contact.contact_id.empty()) {
      contacts.emplace(e.member_id, e.contact.contact_id);
    }
  }
};

// What a batch looked up once: which members exist (and, of those that do
// not, which were erased) and when each contact was erased.
struct BatchLookups {
  std::map<std::string, AppendOutcome> missing_members;
  std::map<std::string, bool> known_members;
  bool any_contact_erased = false;
  std::map<std::string, std::optional<absl::Time>> contact_erasures;
};

absl::StatusOr<bool> AnyErasure(Connection& conn, const TenantId& tenant,
                                ErasureKind kind) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT 1 FROM erasures WHERE tenant = ?1 AND kind = ?2 "
                   "LIMIT 1"));
  select.BindText(1, tenant);
  select.BindInt64(2, static_cast<int64_t>(kind));
  return select.Step();
}

// kAccepted when the event may be stored as far as its people go.
absl::StatusOr<AppendOutcome> CheckPeople(Connection& conn,
                                          const TenantId& tenant,
                                          const model::Event& event,
                                          BatchLookups& lookups) {
  auto known = lookups.known_members.find(event.member_id);
  if (known == lookups.known_members.end()) {
    RAPPORT_ASSIGN_OR_RETURN(bool exists,
                             MemberExists(conn, tenant, event.member_id));
    known = lookups.known_members.emplace(event.member_id, exists).first;
    if (!exists) {
      RAPPORT_ASSIGN_OR_RETURN(
          std::optional<absl::Time> erased,
          SelectErasure(conn, tenant, ErasureKind::kMember, event.member_id));
      lookups.missing_members[event.member_id] =
          erased.has_value() ? AppendOutcome::kErasedMember
                             : AppendOutcome::kUnknownMember;
    }
  }
  if (!known->second) return lookups.missing_members[event.member_id];
  const std::string& contact_id = event.contact.contact_id;
  if (!lookups.any_contact_erased || contact_id.empty()) {
    return AppendOutcome::kAccepted;
  }
  auto erasure = lookups.contact_erasures.find(contact_id);
  if (erasure == lookups.contact_erasures.end()) {
    RAPPORT_ASSIGN_OR_RETURN(
        std::optional<absl::Time> erased,
        SelectErasure(conn, tenant, ErasureKind::kContact, contact_id));
    erasure = lookups.contact_erasures.emplace(contact_id, erased).first;
  }
  if (erasure->second.has_value() && event.occur_time <= *erasure->second) {
    return AppendOutcome::kErasedContact;
  }
  return AppendOutcome::kAccepted;
}

absl::StatusOr<AppendOutcome> IngestOne(Connection& conn,
                                        const TenantId& tenant,
                                        const model::Event& event,
                                        BatchLookups& lookups,
                                        BatchEffects& effects) {
  RAPPORT_ASSIGN_OR_RETURN(AppendOutcome allowed,
                           CheckPeople(conn, tenant, event, lookups));
  if (allowed != AppendOutcome::kAccepted) return allowed;
  RAPPORT_ASSIGN_OR_RETURN(bool inserted, InsertEvent(conn, tenant, event));
  if (!inserted) {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<model::Event> stored,
                             FindEvent(conn, tenant, event.event_id));
    return stored.has_value() && SamePayload(*stored, event)
               ? AppendOutcome::kDuplicate
               : AppendOutcome::kConflict;
  }
  RAPPORT_RETURN_IF_ERROR(AddToDailyCount(conn, tenant, event));
  effects.Add(event);
  return AppendOutcome::kAccepted;
}

// The recorded score history of each member with accepted events is stale
// from the day of their earliest one; one version for the whole batch.
absl::Status MarkHistoriesStale(Connection& conn, const TenantId& tenant,
                                const BatchEffects& effects) {
  if (effects.members.empty()) return absl::OkStatus();
  RAPPORT_ASSIGN_OR_RETURN(int64_t version,
                           NextHistoryWorkVersion(conn, tenant));
  for (const auto& [member_id, delta] : effects.members) {
    RAPPORT_RETURN_IF_ERROR(MarkHistoryStale(
        conn, tenant, member_id, DayNumber(delta.earliest), version));
  }
  return absl::OkStatus();
}

absl::Status ApplyEffects(Connection& conn, const TenantId& tenant,
                          const BatchEffects& effects) {
  for (const auto& [member_id, delta] : effects.members) {
    RAPPORT_RETURN_IF_ERROR(
        AddMemberEvents(conn, tenant, member_id, delta.events, delta.latest));
  }
  RAPPORT_RETURN_IF_ERROR(MarkHistoriesStale(conn, tenant, effects));
  for (const auto& [member_id, thread_id] : effects.threads) {
    RAPPORT_ASSIGN_OR_RETURN(
        std::optional<StoredThread> thread,
        RecomputeThread(conn, tenant, member_id, thread_id));
    if (!thread.has_value()) continue;  // Cannot happen: it has an event.
    RAPPORT_RETURN_IF_ERROR(PutThread(conn, tenant, member_id, *thread));
  }
  for (const auto& [member_id, contact_id] : effects.contacts) {
    RAPPORT_ASSIGN_OR_RETURN(
        std::optional<StoredContact> contact,
        RecomputeContact(conn, tenant, member_id, contact_id));
    if (!contact.has_value()) continue;
    RAPPORT_RETURN_IF_ERROR(PutContact(conn, tenant, member_id, *contact));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<AppendOutcome>> IngestEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event> events) {
  std::vector<AppendOutcome> outcomes;
  outcomes.reserve(events.size());
  BatchLookups lookups;
  RAPPORT_ASSIGN_OR_RETURN(lookups.any_contact_erased,
                           AnyErasure(conn, tenant, ErasureKind::kContact));
  BatchEffects effects;
  for (const model::Event& event : events) {
    RAPPORT_ASSIGN_OR_RETURN(AppendOutcome outcome,
                             IngestOne(conn, tenant, event, lookups, effects));
    outcomes.push_back(outcome);
  }
  RAPPORT_RETURN_IF_ERROR(ApplyEffects(conn, tenant, effects));
  return outcomes;
}

}  // namespace rapport::store::internal
