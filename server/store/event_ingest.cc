#include "server/store/event_ingest.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "server/common/status_macros.h"
#include "server/store/activity_state.h"
#include "server/store/audit_table.h"
#include "server/store/batch_effects.h"
#include "server/store/contact_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/event_table.h"
#include "server/store/history_state_table.h"
#include "server/store/history_work_table.h"
#include "server/store/member_table.h"
#include "server/store/state_recompute.h"
#include "server/store/thread_table.h"

namespace rapport::store::internal {
namespace {

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

// Stores the states of the threads and contacts the batch's events (already
// inserted) touched. When a key's new events all come strictly after its
// stored state's last event (events arriving in order), or the key is new,
// they are folded into the stored state: the cost is the batch's, not the
// key's history. The other keys are derived again from all their events, one
// walk of each such member's events for all its keys.
absl::Status UpdateThreadsAndContacts(Connection& conn, const TenantId& tenant,
                                      BatchEffects& effects) {
  std::map<std::string, MemberKeys> stale;
  for (auto& [key, added] : effects.threads) {
    SortAsStored(added);
    RAPPORT_ASSIGN_OR_RETURN(std::optional<StoredThread> thread,
                             ReadThread(conn, tenant, key.first, key.second));
    if (thread.has_value() &&
        added.front()->occur_time <= thread->last_activity_time) {
      stale[key.first].threads.insert(key.second);
      continue;
    }
    const bool has_earlier = thread.has_value();
    if (!has_earlier) thread.emplace();
    FoldThreadEvents(added, has_earlier, thread->state);
    thread->last_activity_time = added.back()->occur_time;
    RAPPORT_RETURN_IF_ERROR(PutThread(conn, tenant, key.first, *thread));
  }
  for (auto& [key, added] : effects.contacts) {
    SortAsStored(added);
    RAPPORT_ASSIGN_OR_RETURN(std::optional<StoredContact> contact,
                             ReadContact(conn, tenant, key.first, key.second));
    if (contact.has_value() &&
        added.front()->occur_time <= contact->last_activity_time) {
      stale[key.first].contacts.insert(key.second);
      continue;
    }
    const bool has_earlier = contact.has_value();
    if (!has_earlier) contact.emplace();
    FoldContactEvents(added, has_earlier, contact->state);
    contact->last_activity_time = added.back()->occur_time;
    RAPPORT_RETURN_IF_ERROR(PutContact(conn, tenant, key.first, *contact));
  }
  for (const auto& [member_id, keys] : stale) {
    RAPPORT_ASSIGN_OR_RETURN(
        MemberStates states,
        RecomputeMemberStates(conn, tenant, member_id, keys));
    // Every stale key has a stored state and, now, events: each is present.
    for (const auto& [thread_id, thread] : states.threads) {
      RAPPORT_RETURN_IF_ERROR(PutThread(conn, tenant, member_id, thread));
    }
    for (const auto& [contact_id, contact] : states.contacts) {
      RAPPORT_RETURN_IF_ERROR(PutContact(conn, tenant, member_id, contact));
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyEffects(Connection& conn, const TenantId& tenant,
                          BatchEffects& effects) {
  for (const auto& [bucket, quantity] : effects.buckets) {
    RAPPORT_RETURN_IF_ERROR(AddToDailyCount(conn, tenant, bucket, quantity));
  }
  for (const auto& [member_id, delta] : effects.members) {
    RAPPORT_RETURN_IF_ERROR(
        AddMemberEvents(conn, tenant, member_id, delta.events, delta.latest));
  }
  RAPPORT_RETURN_IF_ERROR(MarkHistoriesStale(conn, tenant, effects));
  return UpdateThreadsAndContacts(conn, tenant, effects);
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
