#include "server/store/state_recompute.h"

#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "server/common/status_macros.h"
#include "server/model/event.h"
#include "server/store/activity_state.h"
#include "server/store/event_table.h"

namespace rapport::store::internal {
namespace {

// The occur_time of the last of `events` (sorted) whose type matches `pred`.
std::optional<absl::Time> LastTimeOf(absl::Span<const model::Event> events,
                                     bool (*pred)(model::EventType)) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (pred(it->type)) return it->occur_time;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<MemberStates> RecomputeMemberStates(Connection& conn,
                                                   const TenantId& tenant,
                                                   const std::string& member_id,
                                                   const MemberKeys& keys,
                                                   absl::Time up_to) {
  RAPPORT_ASSIGN_OR_RETURN(
      KeyedEvents loaded,
      LoadKeyedEvents(conn, tenant, member_id, keys, up_to));
  MemberStates states;
  for (const auto& [thread_id, events] : loaded.threads) {
    std::optional<absl::Time> last = LastTimeOf(events, &model::IsThreadEvent);
    if (!last.has_value()) continue;
    states.threads.emplace(thread_id,
                           StoredThread{DeriveThreadState(events), *last});
  }
  for (const auto& [contact_id, events] : loaded.contacts) {
    std::optional<absl::Time> last = LastTimeOf(events, &model::IsContactEvent);
    if (!last.has_value()) continue;
    states.contacts.emplace(contact_id,
                            StoredContact{DeriveContactState(events), *last});
  }
  return states;
}

}  // namespace rapport::store::internal
