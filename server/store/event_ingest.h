// Applies a batch of events, inside the caller's write transaction: stores
// the new ones and brings the aggregates of what they touched up to date.
#ifndef RAPPORT_SERVER_STORE_EVENT_INGEST_H_
#define RAPPORT_SERVER_STORE_EVENT_INGEST_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "server/model/event.h"
#include "server/store/sqlite_connection.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// One outcome per event, in order (see Store::AppendEvents): events of a
// member that does not exist are kErasedMember when the member was erased,
// events with a contact erased after they occurred kErasedContact, and a
// known event_id is kDuplicate or, with another payload, kConflict. For each
// accepted event: its daily bucket grows by its quantity and its member's
// event_count by one. Then every thread and contact the batch touched is
// recomputed from its own events, so ingestion order never matters, and each
// member with accepted events gets history work from the UTC day of the
// earliest of them (history_work_table.h), all with one new version. On error
// the caller must roll back: the batch may be half applied.
absl::StatusOr<std::vector<AppendOutcome>> IngestEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event> events);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_EVENT_INGEST_H_
