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

absl::StatusOr<std::optional<StoredThread>> RecomputeThread(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& thread_id, absl::Time up_to) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<model::Event> events,
      LoadThreadEvents(conn, tenant, member_id, thread_id, up_to));
  std::optional<absl::Time> last = LastTimeOf(events, &model::IsThreadEvent);
  if (!last.has_value()) return std::nullopt;
  return StoredThread{DeriveThreadState(events), *last};
}

absl::StatusOr<std::optional<StoredContact>> RecomputeContact(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    const std::string& contact_id, absl::Time up_to) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<model::Event> events,
      LoadContactEvents(conn, tenant, member_id, contact_id, up_to));
  std::optional<absl::Time> last = LastTimeOf(events, &model::IsContactEvent);
  if (!last.has_value()) return std::nullopt;
  return StoredContact{DeriveContactState(events), *last};
}

}  // namespace rapport::store::internal
